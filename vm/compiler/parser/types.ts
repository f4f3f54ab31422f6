// Type references: `float`, `series int`, `array<float>`, `float[]`, `chart.point`, template
// arguments of calls (`array.new<float>`).

import type { TypeRef } from '../ast.js';
import { force, type Lazy, ParserBase, RESERVED } from './tokens.js';

const QUALIFIERS = new Set(['const', 'input', 'simple', 'series']);

/** Deepest `array<array<...>>` nesting read in a type annotation. */
const MAX_TYPE_NESTING = 32;

/** Type references (declarations, parameters, template arguments). */
export class TypeParser extends ParserBase {
  /** A type annotation; reports and aborts when there is none. */
  protected parseTypeRef(context: Lazy): TypeRef {
    const t = this.peek();
    const start = this.mark();
    const ty = this.tryTypeRef();
    if (ty !== null) return ty;
    this.reset(start);
    return this.fail('E211', this.spanOf(t), `Expected a type ${force(context)}, found ${this.describe(t)}.`);
  }

  /** `[qualifier] name(.name)* [<type, ...>] [[]]`, or null (position unspecified) when the tokens
   * do not form one. Never reports. */
  protected tryTypeRef(nesting = 0): TypeRef | null {
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
  protected tryTypeArgs(nesting = 0): TypeRef[] | null {
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
}
