// Definitions: functions and methods (`f(x) =>`), user-defined types, enums and library imports.

import type { EnumDef, EnumField, Expr, FieldDef, FuncDef, Import, Param, TypeDef, TypeRef } from '../ast.js';
import type { Token } from '../lexer.js';
import { force } from './tokens.js';
import { BlockParser } from './blocks.js';

/** Function, type and enum definitions and imports. */
export abstract class DefinitionParser extends BlockParser {
  /** True when the `name(` at the current position is followed, after its matching ')', by '=>'. */
  protected isFuncDefAhead(): boolean {
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
  protected parseFuncDef(start: number): FuncDef {
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
  protected parseParam(fn: string): Param {
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

  protected parseTypeDef(start: number): TypeDef {
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

  protected parseEnumDef(start: number): EnumDef {
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
  protected parseMembers(headerStart: number, member: () => void): void {
    this.parseMemberLines(force(this.headerText(headerStart)), headerStart, 'field', false, undefined, member);
  }

  protected parseImport(): Import {
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
}
