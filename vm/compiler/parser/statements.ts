// Statements (Parser, the top of the chain): statement lists with error recovery, declarations
// (plain, var/varip, typed, tuple), assignments, expression statements and the script's top level.

import type { AssignOp, Block, Call, DeclMode, Expr, FuncDef, Ident, Span, Stmt, TupleDecl, TypeRef, VarDecl } from '../ast.js';
import type { Token } from '../lexer.js';
import { Abort, MAX_DEPTH, RESERVED } from './tokens.js';
import { STRUCTURED } from './expressions.js';
import { DefinitionParser } from './definitions.js';

const ASSIGN_OPS = new Set([':=', '+=', '-=', '*=', '/=', '%=']);

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

/** The whole parser: statements and the script's top level. */
export class Parser extends DefinitionParser {
  parseTopLevel(): Stmt[] {
    const body = this.parseStatements(false);
    while (this.peek().kind !== 'EOF') {
      // Only reachable after a stray DEDENT, which the lexer never produces at top level.
      this.next();
      body.push(...this.parseStatements(false));
    }
    return body;
  }

  /** Statements until DEDENT (when `inBlock`) or EOF. */
  protected parseStatements(inBlock: boolean): Stmt[] {
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
            // `x = 1,` at the end of a line: TradingView accepts the trailing comma (its built-in
            // Greedy Strategy has one), so the line simply ends.
            stmt = null;
            break;
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
  protected brokenDecl(from: number): VarDecl | TupleDecl | null {
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
  protected override parseIndentedBody(): Stmt[] {
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
  protected skipBlock(): void {
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
  protected override endStatement(stmt: Stmt | null): void {
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
  protected override recover(): void {
    for (;;) {
      const k = this.peek().kind;
      if (k === 'EOF' || k === 'Dedent') return;
      this.next();
      if (k === 'Newline') break;
    }
    if (this.peek().kind === 'Indent') this.parseIndentedBody();
  }

  /** One statement, not including its end of line. Returns null for statements that are dropped
   * after reporting (definitions outside global scope). */
  protected override parseStatement(): Stmt | null {
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

  protected globalOnly<T extends Stmt>(stmt: T, what: string): T | null {
    if (this.scopeDepth === 0) return stmt;
    const name = 'name' in stmt ? ` '${stmt.name}'` : '';
    this.report(
      'E207',
      stmt.span,
      `${what}${name} can only be defined at the top level of the script, not inside a block.`,
    );
    return null;
  }

  protected parseExport(): Stmt | null {
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
  protected parseVarDecl(): VarDecl {
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

  protected finishVarDecl(start: number, mode: DeclMode, type: TypeRef | null, name: Token): VarDecl {
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
  protected tryTypedDecl(start: number): VarDecl | null {
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
  protected tupleDeclAhead(): '=' | ':=' | null {
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

  protected parseTupleDecl(): TupleDecl {
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
  protected parseExprStatement(): Stmt {
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
  protected parseRhs(): Expr {
    const t = this.peek();
    if (t.kind === 'Name' && STRUCTURED.has(t.text)) return this.parseStructured();
    return this.parseExpr();
  }
}
