// The parser: Pine source → `Script` (ast.ts) plus diagnostics. Recursive descent over the lexer's
// tokens; layout (NEWLINE / INDENT / DEDENT) is already resolved by the lexer.
//
// It never throws on bad input. Each problem is reported once to the sink with an E2xx code, then
// the statement being parsed is abandoned and parsing resumes at the next statement at the same or
// a lower indentation (a block that follows a broken header is still parsed, for its own errors).
// The returned Script holds every statement that parsed cleanly.
//
// Codes: E200 missing token, E201 unclosed '(' or '[' (or a missing ',' inside them), E202 missing
// expression, E203 extra text after a statement, E204 missing indented block, E205 unexpected
// indentation, E206 block indented by the wrong amount, E207 definition outside global scope,
// E208 missing name, E209 declaration without a value, E210 bad assignment or declaration target,
// E211 bad type, E212 misplaced keyword, E213 bad call, E214 bad import, E215 nesting too deep.
//
// The parser itself is a chain of classes by concern, from tokens.ts (cursor and diagnostics) up to
// statements.ts (Parser); this file holds the entry points.

import type { Expr, Script, Stmt } from '../ast.js';
import type { DiagnosticSink } from '../diagnostics.js';
import { lexScript } from '../lexer.js';
import { RESERVED } from './tokens.js';
import { Parser } from './statements.js';

export { MAX_EXPR_HEIGHT } from './tokens.js';

/** Parses a whole script. Problems go to `sink`; the result holds every statement that parsed. */
export function parse(source: string, sink: DiagnosticSink): Script {
  const first = sink.list.length;
  const { tokens, version } = lexScript(source, sink);
  const p = new Parser(source, tokens, sink, lexedLines(sink, first));
  let body: Stmt[] = [];
  try {
    body = p.parseTopLevel();
  } catch (e) {
    // Nesting and expression height are bounded (E215), so this is only a last resort: a clear
    // error where the parser was rather than an internal one.
    if (!(e instanceof RangeError && /call stack/i.test(e.message))) throw e;
    sink.error('E215', p.here(), 'Code nested too deeply to parse here: split long expressions into variables.');
  }
  sortFrom(sink, first);
  return { kind: 'Script', span: { start: 0, end: source.length }, version, body };
}

/** Parses a single expression (for instance a builtin parameter's default written in Pine), or
 * returns null after reporting why it is not one. */
export function parseExpression(source: string, sink: DiagnosticSink): Expr | null {
  const first = sink.list.length;
  const { tokens } = lexScript(source, sink);
  const p = new Parser(source, tokens, sink, lexedLines(sink, first));
  const e = p.parseLoneExpression();
  sortFrom(sink, first);
  return e;
}

/** Lines that already carry a lexer error: a parser error there is only its echo. */
function lexedLines(sink: DiagnosticSink, first: number): Set<number> {
  const lines = new Set<number>();
  for (let i = first; i < sink.list.length; i++) {
    const d = sink.list[i];
    if (d) lines.add(d.line);
  }
  return lines;
}

/** Puts the diagnostics added since `first` in source order (lexer and parser interleaved). */
function sortFrom(sink: DiagnosticSink, first: number): void {
  const mine = sink.list.splice(first).sort((a, b) => a.span.start - b.span.start);
  for (const d of mine) sink.list.push(d);
}

/** Names the parser treats as reserved words (never identifiers). */
export function isReservedWord(name: string): boolean {
  return RESERVED.has(name);
}

