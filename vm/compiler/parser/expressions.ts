// Expressions: conditional, binary operators by precedence (left-associative chains built in a
// loop), unary operators, postfix chains (member access, calls, history references), primaries.

import type { Arg, BinaryOp, Call, Expr, Ident, TypeRef } from '../ast.js';
import type { Token } from '../lexer.js';
import { Abort, RESERVED } from './tokens.js';
import { TypeParser } from './types.js';

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

export const STRUCTURED = new Set(['if', 'switch', 'for', 'while']);

/** Expressions, from the conditional operator down to primaries. */
export class ExprParser extends TypeParser {
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

  protected parseExpr(): Expr {
    const start = this.peek();
    const e = this.parseTernary();
    // Chains are measured link by link as they are built; a unary or conditional operator on top
    // of one is measured here.
    return e.kind === 'Unary' || e.kind === 'Ternary' ? this.checkHeight(e, start) : e;
  }

  protected canStartExpr(t: Token): boolean {
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

  protected parseTernary(): Expr {
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

  protected binaryOp(): string | null {
    const t = this.peek();
    if (t.kind === 'Punct' || (t.kind === 'Name' && (t.text === 'and' || t.text === 'or'))) {
      return t.text in BINARY_PREC ? t.text : null;
    }
    return null;
  }

  /** Left-associative binary operators of precedence >= minPrec. */
  protected parseBinary(minPrec: number): Expr {
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

  protected parseUnary(): Expr {
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

  protected parsePostfix(): Expr {
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

  protected parseCall(callee: Expr, typeArgs: TypeRef[]): Call {
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

  protected parsePrimary(): Expr {
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

  protected missingExpr(t: Token): never {
    const prev = this.prevText();
    const after = prev === '' ? '' : ` after '${prev}'`;
    return this.fail('E202', this.spanOf(t), `Expected an expression${after}, found ${this.describe(t)}.`);
  }

  protected parseNamePrimary(t: Token): Expr {
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

  protected parseParen(): Expr {
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

  protected parseTuple(): Expr {
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
