// Names: reading variables, identifiers and dotted names (`ta.sma`, `color.red`), built-in
// variables, and the "undeclared / unknown / did you mean" diagnostics.

import type * as A from '../ast.js';
import { baseName, isNumericStorage, t, typeName } from '../types.js';
import { Scope, type VarSym } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import { allFunctionNames, allVariableNames, isNamespace, lookupFn, lookupVar, type VarSpec } from '../../builtins/registry.js';
import { sigToPType } from '../overloads.js';
import { type LowerContext, type Val } from './context.js';
import { fieldRead } from './types.js';
import { enumMember } from './enums.js';
import { libConstant } from './libraries.js';
import { notInStrategy } from './strategy.js';
import { chartPointField, drawingSlot } from './tier2.js';

export function readVar(cx: LowerContext, sym: VarSym, scope: Scope, _span: A.Span): Val {
  if (sym.unknown) return cx.poison(sym.type);
  if (sym.cv !== undefined) return { reg: sym.index, type: sym.type, cv: sym.cv };
  if (sym.storage === 'reg') return sym.whole ? { reg: sym.index, type: sym.type, whole: true } : { reg: sym.index, type: sym.type };
  const fn = scope.fn;
  const numeric = isNumericStorage(sym.type);
  const r = fn.temp();
  const fromOutside = sym.global && !fn.isMain;
  const op = numeric ? (fromOutside ? Op.LD_GV : Op.LD_V) : fromOutside ? Op.LD_GVO : Op.LD_VO;
  const at = fn.em.emit(op, r, sym.index);
  return { reg: r, type: sym.type, defAt: at + 1 };
}

export function ident(cx: LowerContext, e: A.Ident, scope: Scope): Val {
  const sym = scope.lookup(e.name);
  if (sym) {
    if (sym.kind === 'func') {
      cx.err('E319', e.span, `'${e.name}' is a function: call it with \`${e.name}(...)\`.`);
      return cx.poison();
    }
    return readVar(cx, sym, scope, e.span);
  }
  const bv = lookupVar(e.name);
  if (bv) return builtinVar(cx, bv, scope, e.span);
  if (lookupFn(e.name)) {
    cx.err('E319', e.span, `'${e.name}' is a function: call it with \`${e.name}(...)\`.`);
    return cx.poison();
  }
  const later = cx.script.body.find(
    (st) => st.span.start > e.span.start && ((st.kind === 'VarDecl' && st.name === e.name) || (st.kind === 'TupleDecl' && st.names.some((n) => n.name === e.name))),
  );
  if (later) {
    const line = cx.sink.lines.lineCol(later.span.start).line;
    cx.err('E301', e.span, `Undeclared identifier '${e.name}': it is declared later, on line ${line}; declare a variable before the code that uses it.`);
  } else {
    cx.err('E301', e.span, `Undeclared identifier '${e.name}'.${didYouMean(cx, e.name, scope, 'value')}`);
  }
  return cx.poison();
}

/** The dotted name of a Member chain of identifiers (`ta.sma`, `color.red`), or null. */
export function dotted(cx: LowerContext, e: A.Expr): string | null {
  if (e.kind === 'Ident') return e.name;
  if (e.kind === 'Member') {
    const left = dotted(cx, e.object);
    return left === null ? null : `${left}.${e.name}`;
  }
  return null;
}

export function member(cx: LowerContext, e: A.Member, scope: Scope): Val {
  const name = dotted(cx, e);
  if (name !== null) {
    const root = name.split('.')[0] ?? '';
    const userRoot = scope.lookup(root);
    // `timeframe.period` with a variable named `timeframe` in scope: a plain value has no fields,
    // so the name is the namespace's (as on TradingView).
    const shadowed = userRoot?.kind === 'var' && e.object.kind === 'Ident' && isNamespace(root) && lookupVar(name) !== undefined && !['udt', 'chart.point'].includes(userRoot.type.base);
    if (!userRoot || shadowed) {
      const objName = dotted(cx, e.object);
      const en = objName !== null ? cx.enumNamed(objName) : undefined;
      if (en) return enumMember(cx, en, e);
      const lib = cx.libs.get(root);
      if (lib?.broken) return cx.poison();
      if (lib && e.object.kind === 'Ident') return libConstant(cx, lib, e);
      const bv = lookupVar(name);
      if (bv) return builtinVar(cx, bv, scope, e.span);
      if (lookupFn(name)) {
        cx.err('E319', e.span, `'${name}' is a function: call it with \`${name}(...)\`.`);
        return cx.poison();
      }
      return unknownName(cx, name, e.span);
    }
  }
  const obj = cx.expr(e.object, scope);
  if (obj.bad) return cx.poison();
  if (obj.type.base === 'udt') return fieldRead(cx, obj, e, scope);
  // Tier 2: the fields of a chart.point (lower/tier2.ts).
  const field = chartPointField(cx, e, obj, scope);
  if (field) return field;
  cx.err('E338', e.span, `Cannot read \`${cx.q(e)}\`: \`${cx.q(e.object)}\` is ${baseName(obj.type)}, and only objects of user-defined types have fields.`);
  return cx.poison();
}

/** ` Did you mean 'x'?` for the closest visible name (at most 2 edits away), or ''. */
export function didYouMean(cx: LowerContext, name: string, scope: Scope | null, want: 'value' | 'function' | 'any'): string {
  const dot = name.lastIndexOf('.');
  const prefix = dot >= 0 ? name.slice(0, dot + 1) : '';
  const pool: string[] = [];
  if (dot < 0 && scope) {
    for (let sc: Scope | null = scope; sc; sc = sc.parent) {
      for (const [k, sym] of sc.syms) if (want === 'any' || (sym.kind === 'func') === (want === 'function')) pool.push(k);
    }
  }
  if (want !== 'function') pool.push(...allVariableNames());
  if (want !== 'value') pool.push(...allFunctionNames());
  let best: string | null = null;
  let bestD = Math.min(2, Math.floor(name.length / 3));
  for (const c of pool) {
    if (!c.startsWith(prefix) || c.slice(prefix.length).includes('.') || c.startsWith('__')) continue;
    const d = editDistance(name, c, bestD);
    if (d <= bestD && (best === null || d < bestD)) {
      best = c;
      bestD = d;
    }
  }
  return best !== null && best !== name ? ` Did you mean '${best}'?` : '';
}

/** The position of `ignore_invalid_symbol` among the parameters of the request.* functions that
 * have no data source here (TradingView's reference); request.seed is not here: its value has the
 * expression's type. */
const IGNORE_INVALID_AT: Readonly<Record<string, number>> = {
  'request.earnings': 4,
  'request.dividends': 4,
  'request.splits': 4,
  'request.financial': 4,
  'request.economic': 3,
  'request.quandl': 3,
};

/** A request of data that has no source here, called with `ignore_invalid_symbol = true`: na on
 * every bar, as TradingView gives for a symbol without that data (its built-in VWAP anchors on
 * `request.earnings(..., ignore_invalid_symbol = true)` this way, and runs on symbols without
 * earnings), with a warning (W304). Null for any other call (unknownName reports it). */
export function offlineIgnored(cx: LowerContext, name: string, e: A.Call): Val | null {
  const at = IGNORE_INVALID_AT[name];
  if (at === undefined) return null;
  const positional = e.args.filter((a) => a.name === null);
  const arg = e.args.find((a) => a.name === 'ignore_invalid_symbol') ?? (positional.length === e.args.length ? positional[at] : undefined);
  if (!arg || arg.value.kind !== 'Bool' || !arg.value.value) return null;
  cx.sink.warning('W304', e.callee.span, `No data source for '${name}' here (${OFFLINE_WHAT[name] ?? 'its data'} exist only on TradingView's servers): with ignore_invalid_symbol = true it is na on every bar, as on TradingView for a symbol without that data.`);
  return cx.constVal(null, t('float'));
}

export function unknownName(cx: LowerContext, name: string, span: A.Span): Val {
  const root = name.split('.')[0] ?? '';
  if (root === 'array' && !PINE_ARRAY_FUNCTIONS.has(name.slice(6)) && !name.startsWith('array.new_')) {
    cx.err('E301', span, `Unknown built-in '${name}': 'array' has no member '${name.slice(6)}'.${didYouMean(cx, name, null, 'any')}`);
  } else if (OFFLINE_REQUESTS.has(name)) {
    cx.err('E504', span, `No data source for '${name}': ${OFFLINE_WHAT[name] ?? 'its data'} exist only on TradingView's servers, and no dataset for them can be given here.`);
  } else if (UNSUPPORTED_NAMESPACES.includes(root)) {
    cx.err('E504', span, `'${name}' is not supported yet.`);
  } else if (isNamespace(root)) {
    cx.err('E301', span, `Unknown built-in '${name}': '${root}' has no member '${name.slice(root.length + 1)}'.${didYouMean(cx, name, null, 'any')}`);
  } else {
    // `x.y` where x is neither a variable nor a namespace: x is what is missing.
    cx.err('E301', { start: span.start, end: span.start + root.length }, `Undeclared identifier '${root}'.${didYouMean(cx, root, null, 'value')}`);
  }
  return cx.poison();
}

export function builtinVar(cx: LowerContext, bv: VarSpec, scope: Scope, span: A.Span): Val {
  const type = sigToPType(bv.type, null);
  const impl = bv.impl;
  if ('reg' in impl) return { reg: impl.reg, type, stable: true };
  if ('value' in impl) {
    const v = impl.value;
    return cx.constVal(v, type);
  }
  // strategy: strategy.* variables read the broker of a strategy() script.
  if (notInStrategy(cx, bv.name, span)) return cx.poison(type);
  const fn = scope.fn;
  const idx = cx.builtinRef(bv.name, -1, `${bv.name}: ${typeName(type)}`);
  const s = impl.drawing ? drawingSlot(cx) : impl.stateful ? fn.nCs++ : 0;
  const r = fn.temp();
  fn.em.at = cx.pinnedAt ?? span.start;
  const at = fn.em.emit(Op.CALLB, idx, 0, r, s);
  return { reg: r, type, defAt: at + 3 };
}

/** Namespaces of Pine that exist but are not implemented yet: a clear "not supported" error. */
const UNSUPPORTED_NAMESPACES = [
  'request', 'array', 'chart', 'ticker', 'runtime', 'library', 'dividends', 'earnings', 'splits',
];

/** request.* functions whose data has no offline source (LANGUAGE.md, Tier 4). */
const OFFLINE_REQUESTS = new Set([
  'request.financial', 'request.economic', 'request.dividends', 'request.earnings', 'request.splits',
  'request.quandl', 'request.seed',
]);

/** What each of OFFLINE_REQUESTS reads (its error message). */
const OFFLINE_WHAT: Readonly<Record<string, string>> = {
  'request.financial': 'financial data (company fundamentals)',
  'request.economic': 'economic data',
  'request.dividends': 'dividends (corporate events)',
  'request.earnings': 'earnings (corporate events)',
  'request.splits': 'splits (corporate events)',
  'request.quandl': 'Nasdaq Data Link (Quandl) datasets',
  'request.seed': 'Pine Seeds datasets',
};

/** Pine's array.* functions (implemented or not): a missing one is "not supported yet", any other
 * name is unknown. */
export const PINE_ARRAY_FUNCTIONS: ReadonlySet<string> = new Set([
  'abs', 'avg', 'binary_search', 'binary_search_leftmost', 'binary_search_rightmost', 'clear',
  'concat', 'copy', 'covariance', 'every', 'fill', 'first', 'from', 'get', 'includes', 'indexof',
  'insert', 'join', 'last', 'lastindexof', 'max', 'median', 'min', 'mode', 'new', 'percentile_linear_interpolation',
  'percentile_nearest_rank', 'percentrank', 'pop', 'push', 'range', 'remove', 'reverse', 'set', 'shift',
  'size', 'slice', 'some', 'sort', 'sort_indices', 'standardize', 'stdev', 'sum', 'unshift', 'variance',
]);

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), or max + 1 once above max. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}
