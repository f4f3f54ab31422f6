// The parser's ground floor (ParserBase): the token cursor, lookahead and backtracking, the
// diagnostics helpers (report once, abandon the statement), the nesting depth guard and the
// expression height guard. The parser is a chain of classes by concern, each extending the one
// below: ParserBase → TypeParser (types.ts) → ExprParser (expressions.ts) → BlockParser
// (blocks.ts) → DefinitionParser (definitions.ts) → Parser (statements.ts).

import type { Call, Expr, Ident, Span } from '../ast.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { Token } from '../lexer.js';

/** Words that can never be names. `na`, `type`, `in`, `to`, `by`, `method`, `enum`, `import` and
 * `export` are keywords only where their construct is recognised, so scripts may still use them as
 * argument names (`type = ...`) or plain identifiers. */
export const RESERVED = new Set([
  'and', 'or', 'not', 'if', 'else', 'for', 'while', 'switch', 'var', 'varip', 'true', 'false',
  'break', 'continue',
]);

/** Deepest nesting of expressions and blocks before the parser gives up (protects the JS stack). */
export const MAX_DEPTH = 200;

/** Tallest expression tree the later passes (which recurse over the tree) are given. Chains build
 * height without nesting: `1+1+…+1` with n operands is n levels deep, `x[1][1]…` and `a.f().g()…`
 * one level per link. */
export const MAX_EXPR_HEIGHT = 500;

/** Message text, or a function that builds it only when a message is needed. */
export type Lazy = string | (() => string);

export function force(text: Lazy): string {
  return typeof text === 'string' ? text : text();
}

/** Thrown after a diagnostic has been reported, to abandon the current statement. */
export class Abort {
  readonly aborted = true;
}

const ABORT = new Abort();

/** Expressions without sub-expressions: one level tall. */
const LEAF_KINDS: ReadonlySet<string> = new Set(['Number', 'String', 'Bool', 'Color', 'Na', 'Ident']);

/** The sub-expressions of the common expression kinds, read directly; any other node generically. */
function exprChildren(node: object): object[] {
  const e = node as Expr;
  switch (e.kind) {
    case 'Binary':
      return [e.left, e.right];
    case 'Member':
      return [e.object];
    case 'Index':
      return [e.object, e.index];
    case 'Unary':
      return [e.operand];
    case 'Ternary':
      return [e.cond, e.then, e.else];
    case 'Call':
      return [e.callee, ...e.args.map((a) => a.value)];
    default:
      return astChildren(node);
  }
}

/** The AST nodes directly under `node`: every property value or array item that has a kind, looking
 * through plain records without one (call arguments, switch cases, parameters). */
function astChildren(node: object): object[] {
  const out: object[] = [];
  const add = (v: unknown, through: boolean): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v as unknown[]) add(x, through);
    } else if ('kind' in v) out.push(v);
    else if (through) for (const x of Object.values(v)) add(x, false);
  };
  for (const v of Object.values(node)) add(v, true);
  return out;
}

/** Token cursor, diagnostics and guards shared by every level of the parser. */
export class ParserBase {
  protected pos = 0;
  /** End offset of the last non-layout token consumed. */
  protected lastEnd = 0;
  /** Kind of the last token consumed, to know whether a statement already ended with its block. */
  protected lastKind: Token['kind'] = 'Newline';
  protected depth = 0;
  /** Height of each expression tree measured so far (heightOf). */
  protected readonly heights = new WeakMap<object, number>();
  /** 0 at global scope; blocks nest deeper. */
  protected scopeDepth = 0;
  // Diagnostics
  // Statement lists and recovery
  // Statements
  // Blocks and structured expressions
  // Definitions
  // Types
  // Expressions

  constructor(
    protected readonly src: string,
    protected readonly toks: Token[],
    protected readonly sink: DiagnosticSink,
    protected readonly lexErrorLines: ReadonlySet<number>,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Token access

  protected peek(k = 0): Token {
    const i = Math.min(this.pos + k, this.toks.length - 1);
    return this.toks[i] as Token;
  }

  protected next(): Token {
    const tok = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    this.lastKind = tok.kind;
    if (tok.kind !== 'Newline' && tok.kind !== 'Indent' && tok.kind !== 'Dedent' && tok.kind !== 'EOF') {
      this.lastEnd = tok.end;
    }
    return tok;
  }

  protected isPunct(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'Punct' && t.text === text;
  }

  protected isWord(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'Name' && t.text === text;
  }

  protected atLineEnd(k = 0): boolean {
    const kind = this.peek(k).kind;
    return kind === 'Newline' || kind === 'EOF' || kind === 'Dedent';
  }

  protected where(offset: number): string {
    const { line, column } = this.sink.lines.lineCol(offset);
    return `${line}:${column}`;
  }

  protected quote(span: Span, max = 40): string {
    return this.sink.quote(span, max);
  }

  /** When `tok` starts a later line than the last token read, the lexer joined its line to the
   * one above (Pine's rule: a line indented by anything but a multiple of 4 spaces continues the
   * previous line); say so, because the usual cause is a block indented by 2 spaces. */
  protected wrapHint(tok: Token, from = this.lastEnd): string {
    if (tok.kind === 'EOF') return '';
    const src = this.sink.source;
    // The first line of [from, tok) that the lexer joined to the one above.
    const m = /\n([ \t]+)(?=[^ \t\r\n/])/.exec(src.slice(from, tok.end));
    if (!m) return '';
    const indent = m[1] ?? '';
    const lines = this.sink.lines;
    const line = lines.lineCol(from + m.index + 1).line;
    const prev = line - 1;
    const how = indent.includes('\t') ? 'mixes tabs and spaces' : `is indented by ${indent.length} space${indent.length === 1 ? '' : 's'}`;
    return ` (line ${line} ${how}, so Pine reads it as a continuation of line ${prev}; indent a block by 4 spaces or a tab)`;
  }

  /** How a token reads in "found ..." */
  protected describe(tok: Token): string {
    switch (tok.kind) {
      case 'EOF':
        return 'end of file';
      case 'Newline': {
        for (let i = this.toks.indexOf(tok, this.pos) + 1; i < this.toks.length; i++) {
          const k = (this.toks[i] as Token).kind;
          if (k === 'EOF') return 'end of file';
          if (k !== 'Dedent') break;
        }
        return 'end of line';
      }
      case 'Indent':
        return 'an indented line';
      case 'Dedent':
        return 'end of block';
      case 'Name':
        return RESERVED.has(tok.text) ? `keyword '${tok.text}'` : `'${tok.text}'`;
      default:
        return `'${this.quote(tok)}'`;
    }
  }

  /** "found ..." for the token after a header line that should have started an indented block. */
  protected notIndented(tok: Token): string {
    return tok.kind === 'EOF' ? 'end of file' : 'a line that is not indented deeper';
  }

  protected report(code: string, span: Span, message: string): void {
    if (this.lexErrorLines.size > 0 && this.lexErrorLines.has(this.sink.lines.lineCol(span.start).line)) return;
    this.sink.error(code, span, message);
  }

  protected fail(code: string, span: Span, message: string): never {
    this.report(code, span, message);
    throw ABORT;
  }

  protected spanOf(tok: Token): Span {
    return { start: tok.start, end: tok.end };
  }

  /** Source text of the token before the current one on the same logical line, for
   * "after '...'" messages; '' at the start of a line. */
  protected prevText(): string {
    const t = this.toks[this.pos - 1];
    if (t === undefined || t.kind === 'Newline' || t.kind === 'Indent' || t.kind === 'Dedent' || t.kind === 'EOF') return '';
    return this.quote(t);
  }

  /** Backtracking point for speculative parses (types, template arguments). */
  protected mark(): { pos: number; lastEnd: number; lastKind: Token['kind'] } {
    return { pos: this.pos, lastEnd: this.lastEnd, lastKind: this.lastKind };
  }

  protected reset(m: { pos: number; lastEnd: number; lastKind: Token['kind'] }): void {
    this.pos = m.pos;
    this.lastEnd = m.lastEnd;
    this.lastKind = m.lastKind;
  }

  /** `context` is text or a function giving it, so hot paths build no message unless it fails. */
  protected expectPunct(text: string, context: Lazy): Token {
    const t = this.peek();
    if (t.kind === 'Punct' && t.text === text) return this.next();
    return this.fail('E200', this.spanOf(t), `Expected '${text}' ${force(context)}, found ${this.describe(t)}.`);
  }

  protected expectWord(text: string, context: Lazy): Token {
    const t = this.peek();
    if (t.kind === 'Name' && t.text === text) return this.next();
    return this.fail('E200', this.spanOf(t), `Expected '${text}' ${force(context)}, found ${this.describe(t)}.`);
  }

  /** A name that may be declared or bound: not a reserved word. */
  protected expectName(what: string, context: Lazy): Token {
    const t = this.peek();
    if (t.kind === 'Name' && !RESERVED.has(t.text)) return this.next();
    if (t.kind === 'Name') {
      return this.fail('E208', this.spanOf(t), `Expected ${what} ${force(context)}, found keyword '${t.text}', which cannot be used as a name.`);
    }
    return this.fail('E208', this.spanOf(t), `Expected ${what} ${force(context)}, found ${this.describe(t)}.`);
  }

  /** The span of the current token (for a last-resort diagnostic). */
  here(): Span {
    return this.spanOf(this.peek());
  }

  protected enter(tok: Token): void {
    if (++this.depth > MAX_DEPTH) {
      this.fail('E215', this.spanOf(tok), `Code nested too deeply (more than ${MAX_DEPTH} levels) at ${this.quote(tok)}.`);
    }
  }

  /** The height of an AST subtree (1 for a leaf), computed without recursion and remembered per
   * node, so that measuring every link of a long chain stays linear. */
  protected heightOf(root: object): number {
    const known = this.heights.get(root);
    if (known !== undefined) return known;
    // Usual case: the children were measured as they were built (or are leaves).
    let fast = 0;
    for (const k of exprChildren(root)) {
      const kh = this.heights.get(k) ?? (LEAF_KINDS.has((k as { kind: string }).kind) ? 1 : -1);
      if (kh < 0) {
        fast = -1;
        break;
      }
      if (kh > fast) fast = kh;
    }
    if (fast >= 0) {
      this.heights.set(root, fast + 1);
      return fast + 1;
    }
    // Post-order walk with an explicit stack: a node is measured once all its children are.
    const stack: { node: object; kids: object[] | null }[] = [{ node: root, kids: null }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      if (top.kids === null) {
        top.kids = exprChildren(top.node);
        for (const k of top.kids) if (!this.heights.has(k)) stack.push({ node: k, kids: null });
        continue;
      }
      let h = 0;
      for (const k of top.kids) h = Math.max(h, this.heights.get(k) ?? 0);
      this.heights.set(top.node, h + 1);
      stack.pop();
    }
    return this.heights.get(root) ?? 1;
  }

  /** Gives up on a chain link (`op` at `tok`) that makes the expression `e` taller than the later
   * passes can walk. */
  protected checkHeight(e: Expr, tok: Token): Expr {
    if (this.heightOf(e) > MAX_EXPR_HEIGHT) {
      this.fail('E215', this.spanOf(tok), `Expression nested too deeply (more than ${MAX_EXPR_HEIGHT} levels) at ${this.quote(tok)}: split it into intermediate variables.`);
    }
    return e;
  }
}
