// Indented blocks and the structured statements that own them: if / else if / else, switch,
// for, for ... in, while (also as the value of a declaration or assignment).

import type { Block, Expr, ForExpr, ForInExpr, IfExpr, Stmt, SwitchCase, SwitchExpr, WhileExpr } from '../ast.js';
import type { Token } from '../lexer.js';
import { Abort, force } from './tokens.js';
import { ExprParser } from './expressions.js';

/** Indentation of one block level: an Indent token says how many columns deeper its block is. */
export const BLOCK_STEP = 4;

/** Blocks and structured statements; the statement steps they need come from Parser. */
export abstract class BlockParser extends ExprParser {
  // Statement-level steps, defined by Parser (statements.ts).
  protected abstract endStatement(stmt: Stmt | null): void;
  protected abstract parseIndentedBody(): Stmt[];
  protected abstract parseStatement(): Stmt | null;
  protected abstract recover(): void;

  /** A block after a header: NEWLINE INDENT statements DEDENT. `header` names the header in
   * messages. A missing block is reported and yields an empty block. */
  protected parseBlock(headerStart: number): Block {
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
  protected finishBlock(ind: Token): Block {
    const body = this.parseIndentedBody();
    const first = body[0];
    const last = body[body.length - 1];
    const span = first && last ? { start: first.span.start, end: last.span.end } : { start: ind.end, end: ind.end };
    // The block ends with its DEDENT: the statement owning it needs no further end of line.
    this.lastKind = 'Dedent';
    return { kind: 'Block', span, body };
  }

  /** A case or function body: a block on the next lines, or one statement on this line. */
  protected parseBody(headerStart: number): Block {
    const t = this.peek();
    if (t.kind === 'Newline' || t.kind === 'EOF') return this.parseBlock(headerStart);
    this.scopeDepth++;
    try {
      const stmt = this.parseStatement();
      const body = stmt === null ? [] : [stmt];
      // `f(x) => a.push(x), a.pop()`: several statements on the body's line, separated by commas
      // (the last one gives the value), as on a line of a block.
      while (body.length > 0 && this.lastKind !== 'Dedent' && this.lastKind !== 'Newline' && this.isPunct(',')) {
        const after = this.peek(1);
        if (after.kind === 'Newline' || after.kind === 'EOF' || after.kind === 'Dedent') break;
        this.next();
        const more = this.parseStatement();
        if (more === null) break;
        body.push(more);
      }
      const last = body[body.length - 1];
      const span = stmt === null || !last ? { start: t.start, end: this.lastEnd } : { start: stmt.span.start, end: last.span.end };
      return { kind: 'Block', span, body };
    } finally {
      this.scopeDepth--;
    }
  }

  protected parseStructured(): Expr {
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
  protected headerText(start: number, wrap: (header: string) => string = (h) => h): () => string {
    const end = this.lastEnd;
    return () => wrap(this.quote({ start, end }));
  }

  /** `if` with its `else if` chain, read in a loop (a long chain costs no stack) and then folded
   * into nested IfExprs, each `else if` inside a one-statement else block. */
  protected parseIf(): IfExpr {
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

  protected parseSwitch(): SwitchExpr {
    const kw = this.next();
    const subject = this.atLineEnd() ? null : this.parseExpr();
    const header = force(this.headerText(kw.start));
    const cases: SwitchCase[] = [];
    this.parseMemberLines(header, kw.start, 'case', true, kw.start, () => {
      cases.push(this.parseCase());
    });
    return { kind: 'Switch', span: { start: kw.start, end: this.lastEnd }, subject, cases };
  }

  /** The indented lines after a header that hold one member each: a switch's cases, a type's or an
   * enum's fields. The header's line must end here; then INDENT, one member per line, DEDENT.
   * `member` parses one line; `noun` names a member in messages; with `scoped`, the lines are a
   * scope of their own (a switch's cases); `wrapFrom` is where a wrapped line is looked for (see
   * wrapHint). A member that fails is reported and skipped, as a statement is. */
  protected parseMemberLines(
    header: string, headerStart: number, noun: 'case' | 'field', scoped: boolean, wrapFrom: number | undefined, member: () => void,
  ): void {
    const t = this.peek();
    if (t.kind !== 'Newline' && t.kind !== 'EOF') {
      this.fail('E203', this.spanOf(t), `Expected end of line after '${header}', found ${this.describe(t)}${this.wrapHint(t, wrapFrom)}.`);
    }
    if (t.kind === 'Newline') this.next();
    const ind = this.peek();
    if (ind.kind !== 'Indent') {
      this.report('E204', this.spanOf(ind.kind === 'EOF' ? t : ind), `Expected an indented list of ${noun}s after '${header}' at ${this.where(headerStart)}, found ${this.notIndented(ind)}.`);
      return;
    }
    if (ind.value !== BLOCK_STEP && !ind.flagged) {
      const nouns = noun === 'case' ? 'Cases' : 'Fields';
      this.report('E206', this.spanOf(ind), `${nouns} indented ${ind.value} spaces deeper than '${header}' at ${this.where(headerStart)}: expected exactly 4 spaces (or one tab).`);
    }
    this.next();
    const scopeDepth = scoped ? ++this.scopeDepth : this.scopeDepth;
    try {
      for (;;) {
        const c = this.peek();
        if (c.kind === 'Dedent' || c.kind === 'EOF') break;
        if (c.kind === 'Newline') {
          this.next();
          continue;
        }
        if (c.kind === 'Indent') {
          if (!c.flagged) this.report('E205', this.spanOf(c), `Unexpected indentation inside '${header}': each ${noun} must start at the same indentation.`);
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
          if (scoped) this.scopeDepth = scopeDepth;
          this.recover();
        }
        if (this.pos === before) this.next();
      }
    } finally {
      if (scoped) this.scopeDepth--;
    }
    if (this.peek().kind === 'Dedent') this.next();
    this.lastKind = 'Dedent';
  }

  protected parseCase(): SwitchCase {
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

  protected parseFor(): ForExpr | ForInExpr {
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

  protected parseWhile(): WhileExpr {
    const kw = this.next();
    const cond = this.parseExpr();
    const body = this.parseBlock(kw.start);
    return { kind: 'While', span: { start: kw.start, end: this.lastEnd }, cond, body };
  }
}
