// Libraries: `import user/Lib/1 as L` resolves to a library given to the compiler (compile()'s
// `libraries`, the CLI's `--lib file.pine`) whose `library("Lib")` title is the path's middle
// part. Its types and enums become `L.Type`, its exported functions `L.f(...)`, its methods apply
// to values of its types. A library is compiled alone first: one with errors, or a path that no
// given library answers, is one error at the import naming the library. A library's functions see
// only the library's own declarations (not the importing script's), like TradingView's.

import type * as A from '../ast.js';
import { GlobalTable, Scope, type FuncSym } from '../scope.js';
import { type LibInfo, type LowerContext, type Val } from './context.js';
import { typeDef } from './types.js';
import { enumDef } from './enums.js';
import { prescan } from '../prescan.js';

/** `import user/Lib/1 [as L]`. */
export function importLib(cx: LowerContext, s: A.Import, scope: Scope): void {
  if (scope !== cx.globalScope) {
    cx.err('E407', s.span, `'import ${s.path}' must be at the top level of the script.`);
    return;
  }
  const parts = s.path.split('/');
  const name = parts[1] ?? s.path;
  const alias = s.alias ?? name;
  const lib = cx.libraries.find((l) => l.title === name);
  // After a failed import, the alias stands for nothing and its uses raise no second error.
  if (!lib && name === 'ta' && alias === 'ta' && parts[0]?.toLowerCase() === 'tradingview') {
    // `import TradingView/ta/7` (as `ta`, its default name) shares the namespace of the built-in
    // ta.*: TradingView links no library when only built-in ta.* names are called, so neither does
    // this; a call of a name only the library has is one error naming it (unknownTaName).
    cx.taImport = s.path;
    return;
  }
  if (!lib || lib.errors.length > 0) cx.libs.set(alias, { path: s.path, alias, fns: new Map(), consts: new Map(), broken: true });
  if (!lib) {
    const given = cx.libraries.map((l) => (l.title === null ? '(a script without library())' : `'${l.title}'`));
    const why = given.length === 0 ? 'no library was given to the compiler' : `the libraries given are ${given.join(', ')}`;
    cx.err('E503', s.span, `The library '${s.path}' is not available: ${why}. Pass its source with \`--lib file.pine\` (its library("${name}") title must match).`);
    return;
  }
  const first = lib.errors[0];
  if (first) {
    cx.err('E503', s.span, `The library '${s.path}' does not compile: ${first.line}:${first.column} ${first.code} ${first.message}`);
    return;
  }
  if (cx.libs.has(alias) || cx.udts.has(alias) || cx.enums.has(alias)) {
    cx.err('E303', s.span, `'${alias}' is already declared: import the library under another name (\`as ...\`).`);
    return;
  }
  prescan(lib.script, cx.histNames, cx.reassigned);
  const prefix = `${alias}.`;
  const info: LibInfo = { path: s.path, alias, fns: new Map(), consts: new Map() };
  const table = new GlobalTable();
  const saved = cx.libPrefix;
  cx.libPrefix = prefix;
  try {
    for (const st of lib.script.body) {
      if (st.kind === 'TypeDef') typeDef(cx, st, scope);
      else if (st.kind === 'EnumDef') enumDef(cx, st, scope);
      else if (st.kind === 'VarDecl' && lib.source.startsWith('export', st.span.start)) {
        // `export const int N = 5`: a constant of the library, read as `L.N`.
        const v = cx.expr(st.value, new Scope(null, scope.fn));
        if (v.cv !== undefined) info.consts.set(st.name, v);
      }
      else if (st.kind === 'FuncDef') {
        const sym: FuncSym = { kind: 'func', name: st.name, def: st, globals: table.snapshot(), specs: new Map(), lib: prefix };
        if (st.isMethod) {
          const list = cx.methods.get(st.name) ?? [];
          list.push(sym);
          cx.methods.set(st.name, list);
          continue;
        }
        const prev = table.get(st.name);
        if (prev && prev.kind === 'func') (prev.overloads ??= []).push(sym);
        else table.set(st.name, sym);
        const head = table.get(st.name);
        if (lib.source.startsWith('export', st.span.start) && head && head.kind === 'func') info.fns.set(st.name, head);
      }
    }
  } finally {
    cx.libPrefix = saved;
  }
  cx.libs.set(alias, info);
}

/** The exported function `L.f`, or null after reporting that the library has none of that name. */
export function libFunction(cx: LowerContext, lib: LibInfo, callee: A.Member): FuncSym | null {
  if (callee.object.kind !== 'Ident') {
    cx.err('E301', callee.object.span, `The library '${lib.path}' (imported as '${lib.alias}') exports no type '${cx.q(callee.object)}'.`);
    return null;
  }
  const sym = lib.fns.get(callee.name);
  if (sym) return sym;
  const names = [...lib.fns.keys()];
  cx.err('E301', callee.nameSpan, `The library '${lib.path}' (imported as '${lib.alias}') exports no function '${callee.name}'.${names.length > 0 ? ` It exports: ${names.join(', ')}.` : ''}`);
  return null;
}

/** `L.name` read as a value: an exported constant of the library (null after reporting there is
 * none). */
export function libConstant(cx: LowerContext, lib: LibInfo, e: A.Member): Val {
  const v = lib.consts.get(e.name);
  if (v) return v;
  if (!lib.broken) {
    const names = [...lib.consts.keys()];
    cx.err('E301', e.nameSpan, `The library '${lib.path}' (imported as '${lib.alias}') exports no constant '${e.name}'.${names.length > 0 ? ` It exports: ${names.join(', ')}.` : ''}`);
  }
  return cx.poison();
}
