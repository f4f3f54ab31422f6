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

import type {
  Arg,
  AssignOp,
  BinaryOp,
  Block,
  Call,
  DeclMode,
  EnumDef,
  EnumField,
  Expr,
  FieldDef,
  ForExpr,
  ForInExpr,
  FuncDef,
  Ident,
  IfExpr,
  Import,
  Param,
  Script,
  Span,
  Stmt,
  SwitchCase,
  SwitchExpr,
  TupleDecl,
  TypeDef,
  TypeRef,
  VarDecl,
  WhileExpr,
} from '../ast.js';
import type { DiagnosticSink } from '../diagnostics.js';
import { lexScript, type Token } from '../lexer.js';

/** Words that can never be names. `na`, `type`, `in`, `to`, `by`, `method`, `enum`, `import` and
 * `export` are keywords only where their construct is recognised, so scripts may still use them as
 * argument names (`type = ...`) or plain identifiers. */
const RESERVED = new Set([
  'and', 'or', 'not', 'if', 'else', 'for', 'while', 'switch', 'var', 'varip', 'true', 'false',
  'break', 'continue',
]);

const BINARY_PREC: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const ASSIGN_OPS = new Set([':=', '+=', '-=', '*=', '/=', '%=']);
const QUALIFIERS = new Set(['const', 'input', 'simple', 'series']);
const STRUCTURED = new Set(['if', 'switch', 'for', 'while']);

/** Deepest nesting of expressions and blocks before the parser gives up (protects the JS stack). */
const MAX_DEPTH = 200;
/** Tallest expression tree the later passes (which recurse over the tree) are given. Chains build
 * height without nesting: `1+1+…+1` with n operands is n levels deep, `x[1][1]…` and `a.f().g()…`
 * one level per link. */
export const MAX_EXPR_HEIGHT = 500;
const BLOCK_STEP = 4;
/** Deepest `array<array<...>>` nesting read in a type annotation. */
const MAX_TYPE_NESTING = 32;

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

/** Message text, or a function that builds it only when a message is needed. */
type Lazy = string | (() => string);

function force(text: Lazy): string {
  return typeof text === 'string' ? text : text();
}

/** Thrown after a diagnostic has been reported, to abandon the current statement. */
class Abort {
  readonly aborted = true;
}
const ABORT = new Abort();

class Parser {
  private pos = 0;
  /** End offset of the last non-layout token consumed. */
  private lastEnd = 0;
  /** Kind of the last token consumed, to know whether a statement already ended with its block. */
  private lastKind: Token['kind'] = 'Newline';
  private depth = 0;
  /** Height of each expression tree measured so far (heightOf). */
  private readonly heights = new WeakMap<object, number>();
  /** 0 at global scope; blocks nest deeper. */
  private scopeDepth = 0;

  constructor(
    private readonly src: string,
    private readonly toks: Token[],
    private readonly sink: DiagnosticSink,
    private readonly lexErrorLines: ReadonlySet<number>,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Token access

  private peek(k = 0): Token {
    const i = Math.min(this.pos + k, this.toks.length - 1);
    return this.toks[i] as Token;
  }

  private next(): Token {
    const tok = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    this.lastKind = tok.kind;
    if (tok.kind !== 'Newline' && tok.kind !== 'Indent' && tok.kind !== 'Dedent' && tok.kind !== 'EOF') {
      this.lastEnd = tok.end;
    }
    return tok;
  }

  private isPunct(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'Punct' && t.text === text;
  }

  private isWord(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'Name' && t.text === text;
  }

  private atLineEnd(k = 0): boolean {
    const kind = this.peek(k).kind;
    return kind === 'Newline' || kind === 'EOF' || kind === 'Dedent';
  }

  // -------------------------------------------------------------------------------------------
  // Diagnostics

  private where(offset: number): string {
    const { line, column } = this.sink.lines.lineCol(offset);
    return `${line}:${column}`;
  }

  private quote(span: Span, max = 40): string {
    return this.sink.quote(span, max);
  }

  /** When `tok` starts a later line than the last token read, the lexer joined its line to the
   * one above (Pine's rule: a line indented by anything but a multiple of 4 spaces continues the
   * previous line); say so, because the usual cause is a block indented by 2 spaces. */
  private wrapHint(tok: Token, from = this.lastEnd): string {
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
  private describe(tok: Token): string {
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
  private notIndented(tok: Token): string {
    return tok.kind === 'EOF' ? 'end of file' : 'a line that is not indented deeper';
  }

  private report(code: string, span: Span, message: string): void {
    if (this.lexErrorLines.size > 0 && this.lexErrorLines.has(this.sink.lines.lineCol(span.start).line)) return;
    this.sink.error(code, span, message);
  }

  private fail(code: string, span: Span, message: string): never {
    this.report(code, span, message);
    throw ABORT;
  }

  private spanOf(tok: Token): Span {
    return { start: tok.start, end: tok.end };
  }

  /** Source text of the token before the current one on the same logical line, for
   * "after '...'" messages; '' at the start of a line. */
  private prevText(): string {
    const t = this.toks[this.pos - 1];
    if (t === undefined || t.kind === 'Newline' || t.kind === 'Indent' || t.kind === 'Dedent' || t.kind === 'EOF') return '';
    return this.quote(t);
  }

  /** Backtracking point for speculative parses (types, template arguments). */
  private mark(): { pos: number; lastEnd: number; lastKind: Token['kind'] } {
    return { pos: this.pos, lastEnd: this.lastEnd, lastKind: this.lastKind };
  }

  private reset(m: { pos: number; lastEnd: number; lastKind: Token['kind'] }): void {
    this.pos = m.pos;
    this.lastEnd = m.lastEnd;
    this.lastKind = m.lastKind;
  }

  /** `context` is text or a function giving it, so hot paths build no message unless it fails. */
  private expectPunct(text: string, context: Lazy): Token {
    const t = this.peek();
    if (t.kind === 'Punct' && t.text === text) return this.next();
    return this.fail('E200', this.spanOf(t), `Expected '${text}' ${force(context)}, found ${this.describe(t)}.`);
  }

  private expectWord(text: string, context: Lazy): Token {
    const t = this.peek();
    if (t.kind === 'Name' && t.text === text) return this.next();
    return this.fail('E200', this.spanOf(t), `Expected '${text}' ${force(context)}, found ${this.describe(t)}.`);
  }

  /** A name that may be declared or bound: not a reserved word. */
  private expectName(what: string, context: Lazy): Token {
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

  private enter(tok: Token): void {
    if (++this.depth > MAX_DEPTH) {
      this.fail('E215', this.spanOf(tok), `Code nested too deeply (more than ${MAX_DEPTH} levels) at ${this.quote(tok)}.`);
    }
  }

  /** The height of an AST subtree (1 for a leaf), computed without recursion and remembered per
   * node, so that measuring every link of a long chain stays linear. */
  private heightOf(root: object): number {
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
  private checkHeight(e: Expr, tok: Token): Expr {
    if (this.heightOf(e) > MAX_EXPR_HEIGHT) {
      this.fail('E215', this.spanOf(tok), `Expression nested too deeply (more than ${MAX_EXPR_HEIGHT} levels) at ${this.quote(tok)}: split it into intermediate variables.`);
    }
    return e;
  }

  // -------------------------------------------------------------------------------------------
  // Statement lists and recovery

  parseTopLevel(): Stmt[] {
    const body = this.parseStatements(false);
    while (this.peek().kind !== 'EOF') {
      // Only reachable after a stray DEDENT, which the lexer never produces at top level.
      this.next();
      body.push(...this.parseStatements(false));
    }
    return body;
  }

  parseLoneExpression(): Expr | null {
    try {
      const e = this.parseExpr();
      const t = this.peek();
      if (!this.atLineEnd()) this.fail('E203', this.spanOf(t), `Expected end of expression after '${this.quote(e.span)}', found ${this.describe(t)}.`);
      return e;
    } catch (err) {
      if (err instanceof Abort) return null;
      throw err;
    }
  }

  /** Statements until DEDENT (when `inBlock`) or EOF. */
  private parseStatements(inBlock: boolean): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      const tok = this.peek();
      if (tok.kind === 'EOF') break;
      if (tok.kind === 'Dedent') {
        if (inBlock) break;
        this.next();
        continue;
      }
      if (tok.kind === 'Newline') {
        this.next();
        continue;
      }
      if (tok.kind === 'Indent') {
        // `f(x)` then an indented body: a function header without its `=>`.
        const header = missingArrowHeader(out[out.length - 1]);
        if (header) {
          if (!tok.flagged) {
            const text = this.quote(header.span);
            this.report('E205', this.spanOf(tok), `Unexpected indentation after '${text}': to declare a function, end its first line with '=>' (\`${text} =>\`).`);
          }
          const body = this.parseIndentedBody();
          out[out.length - 1] = {
            kind: 'FuncDef',
            span: { start: header.span.start, end: this.lastEnd },
            name: header.callee.name,
            nameSpan: header.callee.span,
            isMethod: false,
            params: header.params.map((p) => ({ name: p.name, span: p.span, type: null, defaultValue: null })),
            body: { kind: 'Block', span: { start: header.span.end, end: this.lastEnd }, body },
          };
          continue;
        }
        // An indented line that no header opened; its statements are kept in this list.
        if (!tok.flagged) {
          this.report(
            'E205',
            this.spanOf(tok),
            `Unexpected indentation: this line is indented ${tok.value} spaces deeper than the line before it, which does not open a block.`,
          );
        }
        out.push(...this.parseIndentedBody());
        continue;
      }
      let before = this.pos;
      const depth = this.depth;
      const scopeDepth = this.scopeDepth;
      try {
        let stmt = this.parseStatement();
        // `a = 1, b = 2`: Pine allows several one-line statements on a line, separated by commas.
        while (stmt !== null && stmt.kind !== 'FuncDef' && this.lastKind !== 'Dedent' && this.lastKind !== 'Newline' && this.isPunct(',')) {
          this.next();
          out.push(stmt);
          before = this.pos;
          const t = this.peek();
          if (t.kind === 'Newline' || t.kind === 'EOF' || t.kind === 'Dedent') {
            this.fail('E202', this.spanOf(t), `Expected a statement after ',', found ${this.describe(t)}.`);
          }
          stmt = this.parseStatement();
        }
        this.endStatement(stmt);
        if (stmt !== null) out.push(stmt);
      } catch (err) {
        if (!(err instanceof Abort)) throw err;
        this.depth = depth;
        this.scopeDepth = scopeDepth;
        const broken = this.brokenDecl(before);
        if (broken) out.push(broken);
        this.recover();
      }
      if (this.pos === before) this.next();
    }
    return out;
  }

  /** A statement from token `from` that failed after `name =` (or `[a, b] =`): a placeholder
   * declaration, so that the names' later uses do not echo the syntax error as "undeclared". */
  private brokenDecl(from: number): VarDecl | TupleDecl | null {
    const toks = this.toks;
    const first = toks[from];
    if (!first) return null;
    const isPunct = (t: Token | undefined, text: string): boolean => t !== undefined && t.kind === 'Punct' && t.text === text;
    const placeholder = (at: Token): Expr => ({ kind: 'Na', span: { start: at.end, end: at.end } });
    let i = from;
    if (isPunct(first, '[')) {
      const names: { name: string; span: Span }[] = [];
      for (i++; ; i++) {
        const n = toks[i];
        if (!n || n.kind !== 'Name' || RESERVED.has(n.text)) return null;
        names.push({ name: n.text, span: { start: n.start, end: n.end } });
        i++;
        if (isPunct(toks[i], ']')) break;
        if (!isPunct(toks[i], ',')) return null;
      }
      const eq = toks[i + 1];
      if (!eq || !isPunct(eq, '=')) return null;
      return { kind: 'TupleDecl', span: { start: first.start, end: eq.end }, names, value: placeholder(eq), broken: true };
    }
    let mode: DeclMode = 'plain';
    if (first.kind === 'Name' && (first.text === 'var' || first.text === 'varip')) {
      mode = first.text;
      i++;
    }
    // `[type] name =`: names, dots and template brackets up to '='.
    let j = i;
    for (; j < toks.length; j++) {
      const t = toks[j] as Token;
      if (isPunct(t, '=')) break;
      if ((t.kind === 'Name' && !RESERVED.has(t.text)) || (t.kind === 'Punct' && (t.text === '.' || t.text === '<' || t.text === '>' || t.text === ','))) continue;
      return null;
    }
    const eq = toks[j];
    const name = toks[j - 1];
    if (j === i || !eq || !name || name.kind !== 'Name' || isPunct(toks[j - 2], '.')) return null;
    return {
      kind: 'VarDecl',
      span: { start: first.start, end: eq.end },
      mode,
      type: null,
      name: name.text,
      nameSpan: { start: name.start, end: name.end },
      value: placeholder(eq),
      broken: true,
    };
  }

  /** Consumes INDENT, the statements of the block, and its DEDENT. Never aborts. */
  private parseIndentedBody(): Stmt[] {
    const indent = this.next();
    let body: Stmt[] = [];
    if (this.depth >= MAX_DEPTH) {
      this.report('E215', this.spanOf(indent), `Code nested too deeply (more than ${MAX_DEPTH} levels): this block is skipped.`);
      this.skipBlock();
    } else {
      this.depth++;
      this.scopeDepth++;
      body = this.parseStatements(true);
      this.scopeDepth--;
      this.depth--;
    }
    if (this.peek().kind === 'Dedent') this.next();
    return body;
  }

  /** Skips to the DEDENT that closes the block whose INDENT was just consumed. */
  private skipBlock(): void {
    let open = 1;
    for (;;) {
      const k = this.peek().kind;
      if (k === 'EOF') return;
      if (k === 'Indent') open++;
      if (k === 'Dedent' && --open === 0) return;
      this.next();
    }
  }

  /** After a statement: its line must end here, unless it ended with its own block. */
  private endStatement(stmt: Stmt | null): void {
    if (this.lastKind === 'Dedent' || this.lastKind === 'Newline') return;
    const t = this.peek();
    if (t.kind === 'Newline') {
      this.next();
      return;
    }
    if (t.kind === 'EOF' || t.kind === 'Dedent') return;
    const what = stmt === null ? 'the statement' : `'${this.quote(stmt.span)}'`;
    const elif = stmt !== null && /^(elif|elseif|elsif)$/.test(this.quote(stmt.span)) ? ` (Pine has no '${this.quote(stmt.span)}': write 'else if')` : '';
    this.fail('E203', this.spanOf(t), `Expected end of line after ${what}, found ${this.describe(t)}${elif || this.wrapHint(t)}.`);
  }

  /** Skips the rest of a broken statement's line; a block that follows it is parsed for its own
   * errors and dropped. */
  private recover(): void {
    for (;;) {
      const k = this.peek().kind;
      if (k === 'EOF' || k === 'Dedent') return;
      this.next();
      if (k === 'Newline') break;
    }
    if (this.peek().kind === 'Indent') this.parseIndentedBody();
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  /** One statement, not including its end of line. Returns null for statements that are dropped
   * after reporting (definitions outside global scope). */
  private parseStatement(): Stmt | null {
    const t = this.peek();
    if (t.kind === 'Name') {
      switch (t.text) {
        case 'if':
        case 'switch':
        case 'for':
        case 'while': {
          const e = this.parseStructured();
          return { kind: 'ExprStmt', span: e.span, expr: e };
        }
        case 'var':
        case 'varip':
          return this.parseVarDecl();
        case 'break':
          this.next();
          return { kind: 'Break', span: this.spanOf(t) };
        case 'continue':
          this.next();
          return { kind: 'Continue', span: this.spanOf(t) };
        case 'else':
          return this.fail('E212', this.spanOf(t), `Unexpected 'else': it must follow an 'if' block at the same indentation.`);
        case 'import':
          if (this.peek(1).kind === 'Name') return this.globalOnly(this.parseImport(), 'An import');
          break;
        case 'export':
          return this.parseExport();
        case 'type':
          if (this.peek(1).kind === 'Name' && this.atLineEnd(2)) return this.globalOnly(this.parseTypeDef(t.start), 'A type');
          break;
        case 'enum':
          if (this.peek(1).kind === 'Name' && this.atLineEnd(2)) return this.globalOnly(this.parseEnumDef(t.start), 'An enum');
          break;
        case 'method':
          if (this.peek(1).kind === 'Name' && this.isPunct('(', 2)) return this.globalOnly(this.parseFuncDef(t.start), 'A method');
          break;
        default:
          break;
      }
      if (this.isPunct('(', 1) && this.isFuncDefAhead()) return this.globalOnly(this.parseFuncDef(t.start), 'A function');
      if (!RESERVED.has(t.text)) {
        const decl = this.tryTypedDecl(t.start);
        if (decl) return decl;
      }
    } else if (t.kind === 'Punct') {
      if (t.text === '[') {
        const tuple = this.tupleDeclAhead();
        if (tuple === '=') return this.parseTupleDecl();
        if (tuple === ':=') {
          return this.fail('E210', this.spanOf(t), `Cannot assign to a tuple with ':=': tuples can only be declared, as in '[a, b] = f()'.`);
        }
      } else if (t.text === '=>') {
        return this.fail('E212', this.spanOf(t), `Unexpected '=>': it belongs after a function's parameter list or a switch case.`);
      } else if (!this.canStartExpr(t)) {
        return this.fail('E202', this.spanOf(t), `Expected a statement, found ${this.describe(t)}.`);
      }
    }
    return this.parseExprStatement();
  }

  private globalOnly<T extends Stmt>(stmt: T, what: string): T | null {
    if (this.scopeDepth === 0) return stmt;
    const name = 'name' in stmt ? ` '${stmt.name}'` : '';
    this.report(
      'E207',
      stmt.span,
      `${what}${name} can only be defined at the top level of the script, not inside a block.`,
    );
    return null;
  }

  private parseExport(): Stmt | null {
    const exp = this.next();
    const t = this.peek();
    if (t.kind === 'Name') {
      if (t.text === 'type' && this.peek(1).kind === 'Name') return this.globalOnly(this.parseTypeDef(exp.start), 'A type');
      if (t.text === 'enum' && this.peek(1).kind === 'Name') return this.globalOnly(this.parseEnumDef(exp.start), 'An enum');
      if (t.text === 'method' && this.peek(1).kind === 'Name') return this.globalOnly(this.parseFuncDef(exp.start), 'A method');
      if (this.isPunct('(', 1) && this.isFuncDefAhead()) return this.globalOnly(this.parseFuncDef(exp.start), 'A function');
      if (!RESERVED.has(t.text)) {
        // `export const int X = 1` in a library: the declaration itself is kept.
        const decl = this.tryTypedDecl(exp.start);
        if (decl) return decl;
      }
    }
    return this.fail(
      'E212',
      this.spanOf(t),
      `Expected a function, method, type or enum definition after 'export', found ${this.describe(t)}.`,
    );
  }

  /** `[var|varip] [type] name = value`, starting at `var`/`varip`. */
  private parseVarDecl(): VarDecl {
    const kw = this.next();
    const mode: DeclMode = kw.text === 'varip' ? 'varip' : 'var';
    let type: TypeRef | null = null;
    const n1 = this.peek(1);
    const untyped = this.peek().kind === 'Name' &&
      ((n1.kind === 'Punct' && (n1.text === '=' || ASSIGN_OPS.has(n1.text))) || this.atLineEnd(1));
    if (!untyped) {
      const name = this.peek();
      if (name.kind !== 'Name' || RESERVED.has(name.text)) {
        this.expectName('a variable name', `after '${kw.text}'`);
      }
      type = this.parseTypeRef(`after '${kw.text}'`);
    }
    const name = this.expectName('a variable name', this.headerText(kw.start, (h) => `after '${h}'`));
    return this.finishVarDecl(kw.start, mode, type, name);
  }

  private finishVarDecl(start: number, mode: DeclMode, type: TypeRef | null, name: Token): VarDecl {
    const t = this.peek();
    if (!(t.kind === 'Punct' && t.text === '=')) {
      const head = this.quote({ start, end: this.lastEnd });
      if (t.kind === 'Punct' && ASSIGN_OPS.has(t.text)) {
        this.fail('E209', this.spanOf(t), `Expected '=' to declare '${name.text}' in '${head}', found '${t.text}': '${t.text}' assigns to an existing variable.`);
      }
      this.fail('E209', this.spanOf(t), `Expected '=' and an initial value after '${head}', found ${this.describe(t)}.`);
    }
    this.next();
    const value = this.parseRhs();
    return {
      kind: 'VarDecl',
      span: { start, end: this.lastEnd },
      mode,
      type,
      name: name.text,
      nameSpan: this.spanOf(name),
      value,
    };
  }

  /** `Type name = value` at the current position, or null (nothing consumed) if the tokens do not
   * read as a type followed by a name. */
  private tryTypedDecl(start: number): VarDecl | null {
    const k1 = this.peek(1);
    if (!(k1.kind === 'Name' || (k1.kind === 'Punct' && (k1.text === '<' || k1.text === '.' || k1.text === '[')))) return null;
    const save = this.mark();
    const type = this.tryTypeRef();
    const name = this.peek();
    if (type === null || name.kind !== 'Name' || RESERVED.has(name.text)) {
      this.reset(save);
      return null;
    }
    const after = this.peek(1);
    const looksDecl =
      (after.kind === 'Punct' && (after.text === '=' || ASSIGN_OPS.has(after.text))) ||
      after.kind === 'Newline' || after.kind === 'EOF';
    if (!looksDecl) {
      this.reset(save);
      return null;
    }
    this.next();
    return this.finishVarDecl(start, 'plain', type, name);
  }

  /** Looks past `[ ... ]` for `=` (a tuple declaration) or `:=`. */
  private tupleDeclAhead(): '=' | ':=' | null {
    let depth = 0;
    for (let i = this.pos; i < this.toks.length; i++) {
      const t = this.toks[i] as Token;
      if (t.kind !== 'Punct') {
        if (t.kind === 'Newline' || t.kind === 'EOF') return null;
        continue;
      }
      if (t.text === '[' || t.text === '(') depth++;
      else if (t.text === ']' || t.text === ')') {
        depth--;
        if (depth === 0) {
          const n = this.toks[i + 1];
          if (n && n.kind === 'Punct' && (n.text === '=' || n.text === ':=')) return n.text;
          return null;
        }
      }
    }
    return null;
  }

  private parseTupleDecl(): TupleDecl {
    const open = this.next();
    const names: { name: string; span: Span }[] = [];
    for (;;) {
      const n = this.expectName('a variable name', names.length === 0 ? `after '['` : `after ','`);
      names.push({ name: n.text, span: this.spanOf(n) });
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (this.isPunct(']')) break;
      const t = this.peek();
      this.fail('E201', this.spanOf(t), `Expected ',' or ']' in the tuple declaration opened at ${this.where(open.start)}, found ${this.describe(t)}.`);
    }
    this.next();
    this.expectPunct('=', this.headerText(open.start, (h) => `after the tuple '${h}'`));
    const value = this.parseRhs();
    return { kind: 'TupleDecl', span: { start: open.start, end: this.lastEnd }, names, value };
  }

  /** An expression statement, a plain declaration `name = value`, or an assignment. */
  private parseExprStatement(): Stmt {
    const expr = this.parseExpr();
    const t = this.peek();
    if (t.kind === 'Punct' && t.text === '=') {
      if (expr.kind !== 'Ident') {
        const hint = expr.kind === 'Member' ? `; to assign to a field use ':='` : '';
        this.fail(
          'E210',
          expr.span,
          `Cannot declare '${this.quote(expr.span)}': expected a variable name on the left of '='${hint}.`,
        );
      }
      this.next();
      const value = this.parseRhs();
      return {
        kind: 'VarDecl',
        span: { start: expr.span.start, end: this.lastEnd },
        mode: 'plain',
        type: null,
        name: expr.name,
        nameSpan: expr.span,
        value,
      };
    }
    if (t.kind === 'Punct' && ASSIGN_OPS.has(t.text)) {
      if (expr.kind !== 'Ident' && expr.kind !== 'Member') {
        this.fail(
          'E210',
          expr.span,
          `Cannot assign to '${this.quote(expr.span)}': expected a variable or field name on the left of '${t.text}'.`,
        );
      }
      this.next();
      const value = this.parseRhs();
      return {
        kind: 'Assign',
        span: { start: expr.span.start, end: this.lastEnd },
        op: t.text as AssignOp,
        target: expr,
        value,
      };
    }
    return { kind: 'ExprStmt', span: expr.span, expr };
  }

  /** The value of a declaration or assignment: an expression, or if/switch/for/while. */
  private parseRhs(): Expr {
    const t = this.peek();
    if (t.kind === 'Name' && STRUCTURED.has(t.text)) return this.parseStructured();
    return this.parseExpr();
  }

  // -------------------------------------------------------------------------------------------
  // Blocks and structured expressions

  /** A block after a header: NEWLINE INDENT statements DEDENT. `header` names the header in
   * messages. A missing block is reported and yields an empty block. */
  private parseBlock(headerStart: number): Block {
    const headerEnd = this.lastEnd;
    const t = this.peek();
    if (t.kind === 'Newline' && this.peek(1).kind === 'Indent' && this.peek(1).value === BLOCK_STEP) {
      // The common case, kept free of message building.
      this.next();
      return this.finishBlock(this.peek());
    }
    const header = this.quote({ start: headerStart, end: headerEnd });
    if (t.kind !== 'Newline' && t.kind !== 'EOF') {
      const hint = t.kind === 'Punct' && t.text === '=' ? ` (to compare, use '==')` : this.wrapHint(t);
      this.fail('E203', this.spanOf(t), `Expected end of line after '${header}', found ${this.describe(t)}${hint}.`);
    }
    if (t.kind === 'Newline') this.next();
    const ind = this.peek();
    if (ind.kind !== 'Indent') {
      this.report(
        'E204',
        this.spanOf(ind.kind === 'EOF' ? t : ind),
        `Expected an indented block after '${header}' at ${this.where(headerStart)}, found ${this.notIndented(ind)}.`,
      );
      return { kind: 'Block', span: { start: t.start, end: t.start }, body: [] };
    }
    if (ind.value !== BLOCK_STEP && !ind.flagged) {
      this.report(
        'E206',
        this.spanOf(ind),
        `Block indented ${ind.value} spaces deeper than '${header}' at ${this.where(headerStart)}: expected exactly 4 spaces (or one tab).`,
      );
    }
    return this.finishBlock(ind);
  }

  /** The block whose INDENT is `ind` (the current token). */
  private finishBlock(ind: Token): Block {
    const body = this.parseIndentedBody();
    const first = body[0];
    const last = body[body.length - 1];
    const span = first && last ? { start: first.span.start, end: last.span.end } : { start: ind.end, end: ind.end };
    // The block ends with its DEDENT: the statement owning it needs no further end of line.
    this.lastKind = 'Dedent';
    return { kind: 'Block', span, body };
  }

  /** A case or function body: a block on the next lines, or one statement on this line. */
  private parseBody(headerStart: number): Block {
    const t = this.peek();
    if (t.kind === 'Newline' || t.kind === 'EOF') return this.parseBlock(headerStart);
    this.scopeDepth++;
    try {
      const stmt = this.parseStatement();
      const body = stmt === null ? [] : [stmt];
      const span = stmt === null ? { start: t.start, end: this.lastEnd } : stmt.span;
      return { kind: 'Block', span, body };
    } finally {
      this.scopeDepth--;
    }
  }

  private parseStructured(): Expr {
    const t = this.peek();
    this.enter(t);
    try {
      switch (t.text) {
        case 'if':
          return this.parseIf();
        case 'switch':
          return this.parseSwitch();
        case 'for':
          return this.parseFor();
        default:
          return this.parseWhile();
      }
    } finally {
      this.depth--;
    }
  }

  /** The source from `start` to the last token read, built when a message needs it. */
  private headerText(start: number, wrap: (header: string) => string = (h) => h): () => string {
    const end = this.lastEnd;
    return () => wrap(this.quote({ start, end }));
  }

  /** `if` with its `else if` chain, read in a loop (a long chain costs no stack) and then folded
   * into nested IfExprs, each `else if` inside a one-statement else block. */
  private parseIf(): IfExpr {
    const links: { start: number; cond: Expr; then: Block }[] = [];
    let last: Block | null = null;
    for (;;) {
      const kw = this.next();
      const cond = this.parseExpr();
      links.push({ start: kw.start, cond, then: this.parseBlock(kw.start) });
      if (!this.isWord('else')) break;
      const elseTok = this.next();
      if (!this.isWord('if')) {
        last = this.parseBlock(elseTok.start);
        break;
      }
    }
    const end = this.lastEnd;
    let elseBlock = last;
    for (let i = links.length - 1; ; i--) {
      const link = links[i];
      if (link === undefined) throw new Error('parseIf: empty chain');
      const node: IfExpr = { kind: 'If', span: { start: link.start, end }, cond: link.cond, then: link.then, else: elseBlock };
      if (i === 0) return node;
      elseBlock = { kind: 'Block', span: { start: link.start, end }, body: [{ kind: 'ExprStmt', span: { start: link.start, end }, expr: node }] };
    }
  }

  private parseSwitch(): SwitchExpr {
    const kw = this.next();
    const subject = this.atLineEnd() ? null : this.parseExpr();
    const header = force(this.headerText(kw.start));
    const t = this.peek();
    if (t.kind !== 'Newline' && t.kind !== 'EOF') {
      this.fail('E203', this.spanOf(t), `Expected end of line after '${header}', found ${this.describe(t)}${this.wrapHint(t, kw.start)}.`);
    }
    if (t.kind === 'Newline') this.next();
    const cases: SwitchCase[] = [];
    const ind = this.peek();
    if (ind.kind !== 'Indent') {
      this.report('E204', this.spanOf(ind.kind === 'EOF' ? t : ind), `Expected an indented list of cases after '${header}' at ${this.where(kw.start)}, found ${this.notIndented(ind)}.`);
      return { kind: 'Switch', span: { start: kw.start, end: this.lastEnd }, subject, cases };
    }
    if (ind.value !== BLOCK_STEP && !ind.flagged) {
      this.report('E206', this.spanOf(ind), `Cases indented ${ind.value} spaces deeper than '${header}' at ${this.where(kw.start)}: expected exactly 4 spaces (or one tab).`);
    }
    this.next();
    const scopeDepth = ++this.scopeDepth;
    try {
      for (;;) {
        const c = this.peek();
        if (c.kind === 'Dedent' || c.kind === 'EOF') break;
        if (c.kind === 'Newline') {
          this.next();
          continue;
        }
        if (c.kind === 'Indent') {
          if (!c.flagged) this.report('E205', this.spanOf(c), `Unexpected indentation inside '${header}': each case must start at the same indentation.`);
          this.parseIndentedBody();
          continue;
        }
        const before = this.pos;
        const depth = this.depth;
        try {
          cases.push(this.parseCase());
          this.endStatement(null);
        } catch (err) {
          if (!(err instanceof Abort)) throw err;
          this.depth = depth;
          this.scopeDepth = scopeDepth;
          this.recover();
        }
        if (this.pos === before) this.next();
      }
    } finally {
      this.scopeDepth--;
    }
    if (this.peek().kind === 'Dedent') this.next();
    this.lastKind = 'Dedent';
    return { kind: 'Switch', span: { start: kw.start, end: this.lastEnd }, subject, cases };
  }

  private parseCase(): SwitchCase {
    const start = this.peek().start;
    let when: Expr | null = null;
    if (this.isPunct('=>')) {
      this.next();
    } else {
      when = this.parseExpr();
      const t = this.peek();
      if (!(t.kind === 'Punct' && t.text === '=>')) {
        this.fail('E200', this.spanOf(t), `Expected '=>' after the case '${this.quote(when.span)}', found ${this.describe(t)}.`);
      }
      this.next();
    }
    const body = this.parseBody(start);
    return { when, body, span: { start, end: this.lastEnd } };
  }

  private parseFor(): ForExpr | ForInExpr {
    const kw = this.next();
    if (this.isPunct('[')) {
      const open = this.next();
      const index = this.expectName('an index variable name', `after 'for ['`);
      this.expectPunct(',', `after 'for [${index.text}'`);
      const value = this.expectName('a value variable name', `after 'for [${index.text},'`);
      if (!this.isPunct(']')) {
        const t = this.peek();
        this.fail('E201', this.spanOf(t), `Expected ']' to close the '[' opened at ${this.where(open.start)}, found ${this.describe(t)}.`);
      }
      this.next();
      const head = this.headerText(kw.start);
      this.expectWord('in', () => `after '${head()}'`);
      const collection = this.parseExpr();
      const body = this.parseBlock(kw.start);
      return {
        kind: 'ForIn',
        span: { start: kw.start, end: this.lastEnd },
        indexName: index.text,
        indexSpan: this.spanOf(index),
        valueName: value.text,
        valueSpan: this.spanOf(value),
        collection,
        body,
      };
    }
    const counter = this.expectName('a loop variable name', `after 'for'`);
    if (this.isWord('in')) {
      this.next();
      const collection = this.parseExpr();
      const body = this.parseBlock(kw.start);
      return {
        kind: 'ForIn',
        span: { start: kw.start, end: this.lastEnd },
        indexName: null,
        indexSpan: null,
        valueName: counter.text,
        valueSpan: this.spanOf(counter),
        collection,
        body,
      };
    }
    if (!this.isPunct('=')) {
      const t = this.peek();
      this.fail('E200', this.spanOf(t), `Expected '=' or 'in' after 'for ${counter.text}', found ${this.describe(t)}.`);
    }
    this.next();
    const from = this.parseExpr();
    const head = this.headerText(kw.start);
    this.expectWord('to', () => `after '${head()}'`);
    const to = this.parseExpr();
    let step: Expr | null = null;
    if (this.isWord('by')) {
      this.next();
      step = this.parseExpr();
    }
    const body = this.parseBlock(kw.start);
    return {
      kind: 'For',
      span: { start: kw.start, end: this.lastEnd },
      counter: counter.text,
      counterSpan: this.spanOf(counter),
      from,
      to,
      step,
      body,
    };
  }

  private parseWhile(): WhileExpr {
    const kw = this.next();
    const cond = this.parseExpr();
    const body = this.parseBlock(kw.start);
    return { kind: 'While', span: { start: kw.start, end: this.lastEnd }, cond, body };
  }

  // -------------------------------------------------------------------------------------------
  // Definitions

  /** True when the `name(` at the current position is followed, after its matching ')', by '=>'. */
  private isFuncDefAhead(): boolean {
    let depth = 0;
    for (let i = this.pos + 1; i < this.toks.length; i++) {
      const t = this.toks[i] as Token;
      if (t.kind === 'Newline' || t.kind === 'EOF') return false;
      if (t.kind !== 'Punct') continue;
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') {
        depth--;
        if (depth === 0) {
          const n = this.toks[i + 1];
          return n !== undefined && n.kind === 'Punct' && n.text === '=>';
        }
      }
    }
    return false;
  }

  /** `[export] [method] name(params) => body`; the current token is `method` or the name. */
  private parseFuncDef(start: number): FuncDef {
    const isMethod = this.isWord('method');
    if (isMethod) this.next();
    const name = this.expectName(isMethod ? 'a method name' : 'a function name', isMethod ? `after 'method'` : '');
    const open = this.expectPunct('(', () => `after '${name.text}'`);
    const params: Param[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        params.push(this.parseParam(name.text));
        if (this.isPunct(',')) {
          this.next();
          continue;
        }
        if (this.isPunct(')')) break;
        const t = this.peek();
        this.fail(
          'E201',
          this.spanOf(t),
          `Expected ',' or ')' in the parameter list of '${name.text}' opened at ${this.where(open.start)}, found ${this.describe(t)}.`,
        );
      }
    }
    this.next();
    this.expectPunct('=>', () => `after the parameter list of '${name.text}'`);
    const body = this.parseBody(start);
    return {
      kind: 'FuncDef',
      span: { start, end: this.lastEnd },
      name: name.text,
      nameSpan: this.spanOf(name),
      isMethod,
      params,
      body,
    };
  }

  /** `[qualifier] [type] name [= default]`. */
  private parseParam(fn: string): Param {
    const first = this.peek();
    let type: TypeRef | null = null;
    const n1 = this.peek(1);
    const untyped = first.kind === 'Name' && n1.kind === 'Punct' && (n1.text === ',' || n1.text === ')' || n1.text === '=');
    if (!untyped) {
      if (first.kind !== 'Name') {
        this.fail('E208', this.spanOf(first), `Expected a parameter name in the parameter list of '${fn}', found ${this.describe(first)}.`);
      }
      type = this.parseTypeRef(`for a parameter of '${fn}'`);
    }
    const name = this.expectName('a parameter name', type ? () => `after the type '${this.quote(type.span)}'` : `in the parameter list of '${fn}'`);
    let defaultValue: Expr | null = null;
    if (this.isPunct('=')) {
      this.next();
      defaultValue = this.parseExpr();
    }
    return { name: name.text, span: { start: first.start, end: this.lastEnd }, type, defaultValue };
  }

  private parseTypeDef(start: number): TypeDef {
    this.next(); // `type`
    const name = this.expectName('a type name', `after 'type'`);
    const fields: FieldDef[] = [];
    this.parseMembers(start, () => {
      const fstart = this.peek().start;
      let varip = false;
      if (this.isWord('varip')) {
        this.next();
        varip = true;
      }
      const type = this.parseTypeRef(`for a field of '${name.text}'`);
      const fname = this.expectName('a field name', () => `after the type '${this.quote(type.span)}' in '${name.text}'`);
      let defaultValue: Expr | null = null;
      if (this.isPunct('=')) {
        this.next();
        defaultValue = this.parseExpr();
      }
      const field: FieldDef = { name: fname.text, span: { start: fstart, end: this.lastEnd }, type, defaultValue };
      if (varip) field.varip = true;
      fields.push(field);
    });
    return { kind: 'TypeDef', span: { start, end: this.lastEnd }, name: name.text, nameSpan: this.spanOf(name), fields };
  }

  private parseEnumDef(start: number): EnumDef {
    this.next(); // `enum`
    const name = this.expectName('an enum name', `after 'enum'`);
    const fields: EnumField[] = [];
    this.parseMembers(start, () => {
      const fname = this.expectName('a field name', `in 'enum ${name.text}'`);
      let title: Expr | null = null;
      if (this.isPunct('=')) {
        this.next();
        title = this.parseExpr();
      }
      fields.push({ name: fname.text, span: { start: fname.start, end: this.lastEnd }, title });
    });
    return { kind: 'EnumDef', span: { start, end: this.lastEnd }, name: name.text, nameSpan: this.spanOf(name), fields };
  }

  /** The indented member lines of a type or enum; `member` parses one line. */
  private parseMembers(headerStart: number, member: () => void): void {
    const header = force(this.headerText(headerStart));
    const t = this.peek();
    if (t.kind !== 'Newline' && t.kind !== 'EOF') {
      this.fail('E203', this.spanOf(t), `Expected end of line after '${header}', found ${this.describe(t)}${this.wrapHint(t)}.`);
    }
    if (t.kind === 'Newline') this.next();
    const ind = this.peek();
    if (ind.kind !== 'Indent') {
      this.report('E204', this.spanOf(ind.kind === 'EOF' ? t : ind), `Expected an indented list of fields after '${header}' at ${this.where(headerStart)}, found ${this.notIndented(ind)}.`);
      return;
    }
    if (ind.value !== BLOCK_STEP && !ind.flagged) {
      this.report('E206', this.spanOf(ind), `Fields indented ${ind.value} spaces deeper than '${header}' at ${this.where(headerStart)}: expected exactly 4 spaces (or one tab).`);
    }
    this.next();
    for (;;) {
      const c = this.peek();
      if (c.kind === 'Dedent' || c.kind === 'EOF') break;
      if (c.kind === 'Newline') {
        this.next();
        continue;
      }
      if (c.kind === 'Indent') {
        if (!c.flagged) this.report('E205', this.spanOf(c), `Unexpected indentation inside '${header}': each field must start at the same indentation.`);
        this.parseIndentedBody();
        continue;
      }
      const before = this.pos;
      const depth = this.depth;
      try {
        member();
        this.endStatement(null);
      } catch (err) {
        if (!(err instanceof Abort)) throw err;
        this.depth = depth;
        this.recover();
      }
      if (this.pos === before) this.next();
    }
    if (this.peek().kind === 'Dedent') this.next();
    this.lastKind = 'Dedent';
  }

  private parseImport(): Import {
    const kw = this.next();
    const first = this.peek();
    let end = first.start;
    while (!this.atLineEnd() && !this.isWord('as')) end = this.next().end;
    const path = this.src.slice(first.start, end).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/\d+$/.test(path)) {
      this.fail(
        'E214',
        { start: first.start, end: Math.max(end, first.end) },
        `Expected a library path 'user/library/version' after 'import', found '${this.quote({ start: first.start, end: Math.max(end, first.end) })}'.`,
      );
    }
    let alias: string | null = null;
    if (this.isWord('as')) {
      this.next();
      alias = this.expectName('an alias name', `after 'as'`).text;
    }
    return { kind: 'Import', span: { start: kw.start, end: this.lastEnd }, path, alias };
  }

  // -------------------------------------------------------------------------------------------
  // Types

  /** A type annotation; reports and aborts when there is none. */
  private parseTypeRef(context: Lazy): TypeRef {
    const t = this.peek();
    const start = this.mark();
    const ty = this.tryTypeRef();
    if (ty !== null) return ty;
    this.reset(start);
    return this.fail('E211', this.spanOf(t), `Expected a type ${force(context)}, found ${this.describe(t)}.`);
  }

  /** `[qualifier] name(.name)* [<type, ...>] [[]]`, or null (position unspecified) when the tokens
   * do not form one. Never reports. */
  private tryTypeRef(nesting = 0): TypeRef | null {
    const first = this.peek();
    if (nesting > MAX_TYPE_NESTING) return null;
    if (first.kind !== 'Name' || RESERVED.has(first.text)) return null;
    let qualifier: TypeRef['qualifier'] = null;
    if (QUALIFIERS.has(first.text) && this.peek(1).kind === 'Name') {
      qualifier = first.text as TypeRef['qualifier'];
      this.next();
    }
    const nameTok = this.peek();
    if (nameTok.kind !== 'Name' || RESERVED.has(nameTok.text)) return null;
    this.next();
    let name = nameTok.text;
    while (this.isPunct('.') && this.peek(1).kind === 'Name') {
      this.next();
      name += `.${this.next().text}`;
    }
    let args: TypeRef[] = [];
    if (this.isPunct('<')) {
      const targs = this.tryTypeArgs(nesting + 1);
      if (targs === null) return null;
      args = targs;
    }
    let ty: TypeRef = { kind: 'TypeRef', span: { start: first.start, end: this.lastEnd }, qualifier, name, args };
    if (this.isPunct('[') && this.isPunct(']', 1)) {
      this.next();
      this.next();
      ty = {
        kind: 'TypeRef',
        span: { start: first.start, end: this.lastEnd },
        qualifier,
        name: 'array',
        args: [{ ...ty, qualifier: null }],
      };
    }
    return ty;
  }

  /** `<type, ...>` at '<', or null. */
  private tryTypeArgs(nesting = 0): TypeRef[] | null {
    this.next();
    const args: TypeRef[] = [];
    for (;;) {
      const a = this.tryTypeRef(nesting);
      if (a === null) return null;
      args.push(a);
      if (this.isPunct(',')) {
        this.next();
        continue;
      }
      if (this.isPunct('>')) {
        this.next();
        return args;
      }
      return null;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private parseExpr(): Expr {
    const start = this.peek();
    const e = this.parseTernary();
    // Chains are measured link by link as they are built; a unary or conditional operator on top
    // of one is measured here.
    return e.kind === 'Unary' || e.kind === 'Ternary' ? this.checkHeight(e, start) : e;
  }

  private canStartExpr(t: Token): boolean {
    switch (t.kind) {
      case 'Name':
        return !RESERVED.has(t.text) || t.text === 'not' || t.text === 'true' || t.text === 'false';
      case 'Number':
      case 'String':
      case 'Color':
        return true;
      case 'Punct':
        return t.text === '(' || t.text === '[' || t.text === '-' || t.text === '+';
      default:
        return false;
    }
  }

  private parseTernary(): Expr {
    const cond = this.parseBinary(1);
    if (!this.isPunct('?')) return cond;
    const q = this.next();
    this.enter(q);
    try {
      const then = this.parseTernary();
      const t = this.peek();
      if (!(t.kind === 'Punct' && t.text === ':')) {
        this.fail('E200', this.spanOf(t), `Expected ':' in the conditional '${this.quote({ start: cond.span.start, end: this.lastEnd })}' (its '?' is at ${this.where(q.start)}), found ${this.describe(t)}.`);
      }
      this.next();
      const els = this.parseTernary();
      return { kind: 'Ternary', span: { start: cond.span.start, end: els.span.end }, cond, then, else: els };
    } finally {
      this.depth--;
    }
  }

  private binaryOp(): string | null {
    const t = this.peek();
    if (t.kind === 'Punct' || (t.kind === 'Name' && (t.text === 'and' || t.text === 'or'))) {
      return t.text in BINARY_PREC ? t.text : null;
    }
    return null;
  }

  /** Left-associative binary operators of precedence >= minPrec. */
  private parseBinary(minPrec: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const op = this.binaryOp();
      if (op === null) return left;
      const prec = BINARY_PREC[op] ?? 0;
      if (prec < minPrec) return left;
      const opTok = this.next();
      const right = this.parseBinary(prec + 1);
      left = { kind: 'Binary', span: { start: left.span.start, end: right.span.end }, op: op as BinaryOp, left, right };
      this.checkHeight(left, opTok);
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if ((t.kind === 'Punct' && (t.text === '-' || t.text === '+')) || (t.kind === 'Name' && t.text === 'not')) {
      this.next();
      this.enter(t);
      try {
        const operand = this.parseUnary();
        return { kind: 'Unary', span: { start: t.start, end: operand.span.end }, op: t.text as '-' | '+' | 'not', operand };
      } finally {
        this.depth--;
      }
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let e = this.parsePrimary();
    for (let link: Token | null = null; ; ) {
      if (link) this.checkHeight(e, link);
      const t = this.peek();
      link = t;
      if (t.kind !== 'Punct') return e;
      if (t.text === '.') {
        this.next();
        const n = this.peek();
        if (n.kind !== 'Name') {
          this.fail('E208', this.spanOf(n), `Expected a name after '${this.quote(e.span)}.', found ${this.describe(n)}.`);
        }
        this.next();
        e = { kind: 'Member', span: { start: e.span.start, end: n.end }, object: e, name: n.text, nameSpan: this.spanOf(n) };
      } else if (t.text === '(') {
        e = this.parseCall(e, []);
      } else if (t.text === '[') {
        const open = this.next();
        this.enter(open);
        try {
          const index = this.parseExpr();
          const c = this.peek();
          if (!(c.kind === 'Punct' && c.text === ']')) {
            this.fail('E201', this.spanOf(c), `Expected ']' to close the history reference '${this.quote(e.span)}[' opened at ${this.where(open.start)}, found ${this.describe(c)}.`);
          }
          this.next();
          e = { kind: 'Index', span: { start: e.span.start, end: c.end }, object: e, index };
        } finally {
          this.depth--;
        }
      } else if (t.text === '<' && (e.kind === 'Ident' || e.kind === 'Member') && t.start === e.span.end) {
        // `array.new<float>(...)`: template arguments written right after the callee.
        const save = this.mark();
        const args = this.tryTypeArgs();
        if (args !== null && this.isPunct('(')) {
          e = this.parseCall(e, args);
        } else {
          this.reset(save);
          return e;
        }
      } else {
        return e;
      }
    }
  }

  private parseCall(callee: Expr, typeArgs: TypeRef[]): Call {
    const open = this.next();
    if (callee.kind !== 'Ident' && callee.kind !== 'Member') {
      this.fail('E213', this.spanOf(open), `Cannot call '${this.quote(callee.span)}': only a function or method name can be called.`);
    }
    const name = (): string => this.quote(callee.span);
    const args: Arg[] = [];
    this.enter(open);
    try {
      while (!this.isPunct(')')) {
        const t = this.peek();
        let argName: Token | null = null;
        if (t.kind === 'Name' && this.isPunct('=', 1)) {
          argName = this.next();
          this.next();
        }
        if (!argName && !this.canStartExpr(t) && !(t.kind === 'Name' && STRUCTURED.has(t.text))) {
          const what = t.kind === 'Punct' && t.text === ',' ? `argument ${args.length + 1}` : `')' or an argument`;
          if (t.kind === 'Newline' || t.kind === 'EOF') {
            this.fail('E201', this.spanOf(t), `Expected ')' to close the call to '${name()}' opened at ${this.where(open.start)}, found ${this.describe(t)}.`);
          }
          this.fail('E202', this.spanOf(t), `Expected ${what} in the call to '${name()}' opened at ${this.where(open.start)}, found ${this.describe(t)}.`);
        }
        const value = this.parseExpr();
        args.push({ name: argName ? argName.text : null, nameSpan: argName ? this.spanOf(argName) : null, value });
        const c = this.peek();
        if (c.kind === 'Punct' && c.text === ',') {
          this.next();
          continue;
        }
        if (c.kind === 'Punct' && c.text === ')') break;
        if (c.kind === 'Newline' || c.kind === 'EOF') {
          this.fail('E201', this.spanOf(c), `Expected ')' to close the call to '${name()}' opened at ${this.where(open.start)}, found ${this.describe(c)}.`);
        }
        this.fail('E201', this.spanOf(c), `Expected ',' or ')' after argument ${args.length} of the call to '${name()}' opened at ${this.where(open.start)}, found ${this.describe(c)}.`);
      }
    } finally {
      this.depth--;
    }
    const close = this.next();
    return { kind: 'Call', span: { start: callee.span.start, end: close.end }, callee, typeArgs, args };
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'Number': {
        this.next();
        const isInt = !/[.eE]/.test(t.text);
        return { kind: 'Number', span: this.spanOf(t), value: t.value, isInt };
      }
      case 'String':
        this.next();
        return { kind: 'String', span: this.spanOf(t), value: t.text };
      case 'Color': {
        this.next();
        const hex = t.text;
        const byte = (i: number): number => (hex.length >= i + 2 ? parseInt(hex.slice(i, i + 2), 16) : 0);
        return { kind: 'Color', span: this.spanOf(t), r: byte(0), g: byte(2), b: byte(4), a: hex.length === 8 ? byte(6) : 255 };
      }
      case 'Name':
        return this.parseNamePrimary(t);
      case 'Punct':
        if (t.text === '(') return this.parseParen();
        if (t.text === '[') return this.parseTuple();
        break;
      default:
        break;
    }
    return this.missingExpr(t);
  }

  private missingExpr(t: Token): never {
    const prev = this.prevText();
    const after = prev === '' ? '' : ` after '${prev}'`;
    return this.fail('E202', this.spanOf(t), `Expected an expression${after}, found ${this.describe(t)}.`);
  }

  private parseNamePrimary(t: Token): Expr {
    switch (t.text) {
      case 'true':
      case 'false':
        this.next();
        return { kind: 'Bool', span: this.spanOf(t), value: t.text === 'true' };
      case 'na':
        this.next();
        if (this.isPunct('(')) return { kind: 'Ident', span: this.spanOf(t), name: 'na' };
        return { kind: 'Na', span: this.spanOf(t) };
      default:
        break;
    }
    if (STRUCTURED.has(t.text)) {
      const prev = this.prevText();
      this.fail(
        'E212',
        this.spanOf(t),
        `Unexpected '${t.text}'${prev ? ` after '${prev}'` : ''}: '${t.text}' can only start a statement or the value of a declaration or assignment.`,
      );
    }
    if (RESERVED.has(t.text)) this.missingExpr(t);
    this.next();
    return { kind: 'Ident', span: this.spanOf(t), name: t.text };
  }

  private parseParen(): Expr {
    const open = this.next();
    this.enter(open);
    try {
      const e = this.parseExpr();
      const c = this.peek();
      if (!(c.kind === 'Punct' && c.text === ')')) {
        this.fail('E201', this.spanOf(c), `Expected ')' to close the '(' opened at ${this.where(open.start)}, found ${this.describe(c)}.`);
      }
      this.next();
      return e;
    } finally {
      this.depth--;
    }
  }

  private parseTuple(): Expr {
    const open = this.next();
    const items: Expr[] = [];
    this.enter(open);
    try {
      while (!this.isPunct(']')) {
        items.push(this.parseExpr());
        const c = this.peek();
        if (c.kind === 'Punct' && c.text === ',') {
          this.next();
          continue;
        }
        if (c.kind === 'Punct' && c.text === ']') break;
        this.fail('E201', this.spanOf(c), `Expected ',' or ']' in the list '[' opened at ${this.where(open.start)}, found ${this.describe(c)}.`);
      }
    } finally {
      this.depth--;
    }
    const close = this.next();
    return { kind: 'Tuple', span: { start: open.start, end: close.end }, items };
  }
}

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

/** Names the parser treats as reserved words (never identifiers). */
export function isReservedWord(name: string): boolean {
  return RESERVED.has(name);
}

/** The call of an expression statement `f(a, b)` whose arguments are plain names: what a function
 * header looks like when its `=>` is missing. */
function missingArrowHeader(st: Stmt | undefined): { span: Span; callee: Ident; params: Ident[] } | null {
  if (st === undefined || st.kind !== 'ExprStmt' || st.expr.kind !== 'Call') return null;
  const call = st.expr;
  if (call.callee.kind !== 'Ident' || call.typeArgs.length > 0) return null;
  const params: Ident[] = [];
  for (const a of call.args) {
    if (a.name !== null || a.value.kind !== 'Ident') return null;
    params.push(a.value);
  }
  return { span: call.span, callee: call.callee, params };
}
