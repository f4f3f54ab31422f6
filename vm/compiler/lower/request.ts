// request.security() and request.security_lower_tf(): the requested expression is compiled in
// place, bracketed by CTX_IN and CTX_OUT (runtime/contexts.ts), so it runs in its own context, with
// its own series and call-site state (its history advances once per requested bar).
// - The chart's own symbol (syminfo.tickerid): bars resampled from the chart's, the expression at
//   most once per chart bar, skipped where its value is not needed:
//     CTX_IN_RUN r …; JF r, end; L: expression; CTX_NEXT …, L; end: CTX_OUT
//   (CTX_NEXT goes back only when the timeframe is below the chart's: the expression then runs
//   once per intrabar of a dataset the host gives, as for another symbol)
// - Any other symbol expression (a literal, input.symbol(), a variable: it may name another symbol
//   when the script runs) and every lower-timeframe request: the expression runs in a loop, once
//   per bar of the other symbol due on the chart bar (the host gives those bars; see
//   runtime/request-data.ts):
//     CTX_IN_LOOP …, end; L: expression; CTX_NEXT …, L; end: CTX_OUT (or CTX_OUT_ARR)
//   (programs of an earlier compiler used CTX_IN; L: CTX_LOOP …, end; expression; JMP L; the VM
//   still runs them)
// Each evaluation of the expression starts with CTX_VARS over the var slots it takes (`var`s of the
// requested context: runtime/request-vars.ts). A symbol or timeframe not known when compiling (a
// dynamic request) is bracketed by CTX_KEY … CTX_UNKEY: one context per (symbol, timeframe) pair
// (runtime/request-keys.ts). request.currency_rate is a request of the rate pair's daily close.
// The other request.* functions have no data source (lower/names.ts).

import type * as A from '../ast.js';
import { isNumericStorage, Qual, baseName, type PType } from '../types.js';
import type { Scope } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import { Label } from '../../bytecode/emitter.js';
import { parseTimeframe } from '../../builtins/time/timeframe.js';
import type { LowerContext, Val } from './context.js';
import { dotted } from './names.js';
import { noteRequestCall } from './request-limit.js';
import { argsInPlace, contextSources } from './request-expr.js';

const PARAMS = ['symbol', 'timeframe', 'expression', 'gaps', 'lookahead', 'ignore_invalid_symbol', 'currency', 'calc_bars_count'];
const LOWER_PARAMS = ['symbol', 'timeframe', 'expression', 'ignore_invalid_symbol', 'currency', 'ignore_invalid_timeframe', 'calc_bars_count'];

/** Flags of CTX_IN (as runtime/contexts.ts reads them). */
const GAPS = 1;
const LOOKAHEAD = 2;
const IGNORE_INVALID = 4;
const LOWER = 8;
const LOOPED = 16;
/** calc_bars_count = (flags & (CURRENCY - 1)) / CALC_BARS (whole part). */
const CALC_BARS = 32;
/** An own-symbol request whose expression is followed by CTX_NEXT: at a timeframe below the
 * chart's it runs once per intrabar of a dataset the host gives (runtime/contexts.ts). */
const OWN_LOOP = 2 ** 30;
/** An own-symbol request whose timeframe operand is `timeframe + "\u0001" + currency`. */
const CURRENCY = 2 ** 29;
/** The count operand of CTX_NEXT and CTX_OUT: n + CTX_STRINGS × (mask of the string values). */
const CTX_STRINGS = 32;

/** The symbols that name the chart's own data. */
const OWN_SYMBOLS = new Set(['syminfo.tickerid', 'syminfo.ticker']);

function bindArgs(cx: LowerContext, name: string, e: A.Call): Map<string, A.Expr> | null {
  const out = new Map<string, A.Expr>();
  const params = name === 'request.security_lower_tf' ? LOWER_PARAMS : PARAMS;
  let k = 0;
  for (const a of e.args) {
    const pname = a.name ?? params[k++];
    if (pname === undefined || !params.includes(pname)) {
      cx.err('E331', a.nameSpan ?? a.value.span, `Cannot call '${name}' with ${a.name ? `argument '${a.name}'` : 'this many arguments'}: its parameters are ${params.join(', ')}.`);
      return null;
    }
    out.set(pname, a.value);
  }
  return out;
}

/** barmerge.gaps_on / lookahead_on (or a const bool): whether the flag is on. */
function flagArg(cx: LowerContext, e: A.Expr | undefined, on: string, off: string, scope: Scope): boolean {
  if (!e) return false;
  const n = dotted(cx, e);
  if (n === on) return true;
  if (n === off) return false;
  const v = cx.expr(e, scope);
  if (v.type.base === 'bool' && typeof v.cv === 'number') return v.cv === 1;
  cx.err('E333', e.span, `Expected ${on} or ${off} here, got \`${cx.q(e)}\`.`);
  return false;
}

/** `input(...)` / `input.*(...)`: an input is declared once; in a request it is read (an
 * input.source reads the requested timeframe's price through its register). */
function isInputCall(cx: LowerContext, e: A.Expr): boolean {
  if (e.kind !== 'Call') return false;
  const n = dotted(cx, e.callee);
  return n !== null && (n === 'input' || n.startsWith('input.'));
}

/** The script's top-level `name = value` declarations never reassigned, by name (null: an input). */
function globalDecls(cx: LowerContext): Map<string, A.Expr | null> {
  const out = new Map<string, A.Expr | null>();
  const seen = new Set<string>();
  for (const st of cx.script.body) {
    if (st.kind !== 'VarDecl') continue;
    if (seen.has(st.name)) out.delete(st.name);
    else if (isInputCall(cx, st.value)) out.set(st.name, null);
    else if (st.mode === 'plain' && !st.broken && !cx.reassigned.has(st.name)) out.set(st.name, st.value);
    seen.add(st.name);
  }
  return out;
}

const declsOf = new WeakMap<LowerContext, Map<string, A.Expr | null>>();

/** The requested expression as the requested context computes it: a global series variable it
 * names (`e = ta.ema(close, 20)` ... `request.security(..., e)`) is computed again in the context
 * from its declaration, as Pine does, so `e` is the EMA of the higher timeframe's closes. Inputs
 * and constants (not series) keep their value; `var` variables and reassigned ones are read as
 * they are. */
function inContext(cx: LowerContext, e: A.Expr, scope: Scope, active: Set<string>): A.Expr {
  let decls = declsOf.get(cx);
  if (!decls) {
    decls = globalDecls(cx);
    declsOf.set(cx, decls);
  }
  const table = decls;
  const walk = (node: unknown, key: string): unknown => {
    if (Array.isArray(node)) return node.map((x) => walk(x, key));
    if (node === null || typeof node !== 'object') return node;
    const n = node as { kind?: string; name?: string };
    if (n.kind === 'Ident' && key !== 'callee' && typeof n.name === 'string' && !active.has(n.name)) {
      const sym = scope.lookup(n.name);
      // (By the variable's own name: request-expr.ts renames a caller's names.)
      const init = table.get(sym?.name ?? n.name);
      if (sym && sym.kind === 'var' && sym.global && sym.type.qual === Qual.Series && init !== null && !active.has(sym.name)) {
        if (init) {
          active.add(n.name);
          active.add(sym.name);
          const out = walk(init, 'value');
          active.delete(n.name);
          active.delete(sym.name);
          return out;
        }
        const span = (node as { span: A.Span }).span;
        cx.sink.warning(
          'W303',
          span,
          `'${sym.name}' is ${sym.mode !== 'plain' ? `a '${sym.mode}' variable` : cx.reassigned.has(sym.name) ? 'reassigned with :=' : 'not a single top-level declaration'}, so the request reads its value on the chart's bars; TradingView computes it on the requested timeframe. Write its calculation in the request, or in a function called there.`,
        );
      }
      return node;
    }
    // Function bodies and type references are not expressions of the request.
    if (n.kind === 'TypeRef' || n.kind === 'FuncDef') return node;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) copy[k] = k === 'span' || k === 'nameSpan' ? v : walk(v, k);
    return copy;
  };
  return walk(e, 'value') as A.Expr;
}

export function requestSecurity(cx: LowerContext, name: string, e: A.Call, scope: Scope, preSym = -1): Val[] {
  const fn = scope.fn;
  const lowerTf = name === 'request.security_lower_tf';
  const args = bindArgs(cx, name, e);
  const poison = (): Val[] => [cx.poison()];
  if (!args) return poison();
  const symE = args.get('symbol');
  const tfE = args.get('timeframe');
  const exprE = args.get('expression');
  if (!symE || !tfE || !exprE) {
    cx.err('E331', e.span, `Cannot call '${name}': it needs a symbol, a timeframe and an expression, as in \`${name}(syminfo.tickerid, "${lowerTf ? '60' : '1D'}", close)\`.`);
    return poison();
  }
  // A request in the expression of another (NESTED) runs in that request's context: its chart is
  // the outer request's symbol and timeframe (runtime/request-state.ts `activate`). Intrabar arrays
  // at either level are not supported yet (and fail at run time when only then found nested).
  if (cx.requestDepth > 0 && (lowerTf || cx.lowerDepth > 0)) {
    cx.err('E504', e.callee.span, lowerTf
      ? `A 'request.security_lower_tf' call inside the expression of another request is not supported yet: call it outside, or request.security() a lower timeframe there.`
      : `A '${name}' call inside the expression of 'request.security_lower_tf' is not supported yet: request it outside, in the script's own context.`);
    return poison();
  }
  noteRequestCall(cx, name, e);
  // The symbol: syminfo.tickerid / syminfo.ticker is the chart's own (bars resampled from the
  // chart's); anything else (a literal, an input.symbol(), a variable) is looked up when the script
  // runs, and the host gives its bars. Intrabars always come from the host.
  const symName = preSym >= 0 ? null : dotted(cx, symE);
  let symReg = preSym;
  // Whether the symbol (and below, the timeframe) is known when compiling: else the call site may
  // request several pairs (a dynamic request: CTX_KEY, runtime/request-keys.ts).
  let symConst = preSym < 0;
  // Under indicator()/strategy()(calc_bars_count = N) the chart holds only the data's last N bars:
  // the chart's own symbol is then requested from the host like another symbol's, so its periods
  // and history come from the whole dataset (the daily close is the real daily close, a weekly
  // ta.sma has the weeks before the window), as TradingView's requests have their own history.
  const wholeData = typeof cx.meta.options.calc_bars_count === 'number' && cx.meta.options.calc_bars_count > 0;
  if (preSym < 0 && (lowerTf || symName === null || !OWN_SYMBOLS.has(symName) || wholeData)) {
    const sv = cx.expr(symE, scope);
    symConst = typeof sv.cv === 'string';
    if (sv.bad) return poison();
    if (sv.type.base !== 'string') {
      cx.err('E331', symE.span, `Cannot call '${name}' with argument 'symbol'=\`${cx.q(symE)}\`: expected a string such as syminfo.tickerid, got ${baseName(sv.type)}.`);
      return poison();
    }
    symReg = cx.toTemp(fn, sv).reg;
  }
  const cur = args.get('currency');
  let ownCurrency = -1;
  if (cur && !(cur.kind === 'Na')) {
    // Another symbol's prices in another currency (runtime/contexts.ts convertedFeed, runtime/request-currency.ts): the symbol
    // operand becomes `symbol + "\u0001" + currency`, the rate pair's bars a host call like its own.
    // The chart's own symbol: the timeframe operand becomes `timeframe + "\u0001" + currency`
    // (flag CURRENCY; runtime/contexts.ts ownRate converts the chart's bars as they fold).
    const cv = cx.expr(cur, scope);
    if (cv.bad) return poison();
    if (cv.type.base !== 'string') {
      cx.err('E331', cur.span, `Cannot call '${name}' with argument 'currency'=\`${cx.q(cur)}\`: expected a currency such as currency.USD, got ${baseName(cv.type)}.`);
      return poison();
    }
    const cr = cx.toTemp(fn, cv).reg;
    if (symReg < 0) ownCurrency = cr;
    else {
      const joined = fn.temp();
      fn.em.emit(Op.CONCAT, joined, symReg, cx.constReg('\u0001'));
      fn.em.emit(Op.CONCAT, joined, joined, cr);
      symReg = joined;
    }
  }
  // calc_bars_count: the context runs only on its last N bars, as if they were its whole history
  // (bar_index from 0). A constant; carried in CTX_IN's flags above bit 5.
  let calcBars = 0;
  const cbE = args.get('calc_bars_count');
  if (cbE && !(cbE.kind === 'Na')) {
    const v = cx.expr(cbE, scope);
    if (v.bad) return poison();
    if ((v.type.base !== 'int' && v.type.base !== 'float') || typeof v.cv !== 'number' || !Number.isInteger(v.cv) || v.cv < 0 || v.cv > 1e7) {
      cx.err('E331', cbE.span, `Cannot call '${name}' with argument 'calc_bars_count'=\`${cx.q(cbE)}\`: expected a constant whole number from 0 to 10,000,000.`);
      return poison();
    }
    calcBars = v.cv;
  }
  // The timeframe: any string ("" is the chart's); a known one is checked now.
  const tfV = cx.expr(tfE, scope);
  if (tfV.type.base !== 'string') {
    cx.err('E331', tfE.span, `Cannot call '${name}' with argument 'timeframe'=\`${cx.q(tfE)}\`: expected a string such as "1D", got ${baseName(tfV.type)}.`);
    return poison();
  }
  if (typeof tfV.cv === 'string' && tfV.cv !== '' && !parseTimeframe(tfV.cv)) {
    cx.err('E331', tfE.span, `Cannot call '${name}' with argument 'timeframe'="${tfV.cv}": not a timeframe (examples: "60", "240", "1D", "1W", "1M").`);
    return poison();
  }
  let tf = cx.toTemp(fn, tfV);
  if (ownCurrency >= 0) {
    const joined = fn.temp();
    fn.em.emit(Op.CONCAT, joined, tf.reg, cx.constReg('\u0001'));
    fn.em.emit(Op.CONCAT, joined, joined, ownCurrency);
    tf = { ...tf, reg: joined };
  }
  const gaps = !lowerTf && flagArg(cx, args.get('gaps'), 'barmerge.gaps_on', 'barmerge.gaps_off', scope);
  const lookahead = !lowerTf && flagArg(cx, args.get('lookahead'), 'barmerge.lookahead_on', 'barmerge.lookahead_off', scope);
  const ignoreE = args.get('ignore_invalid_symbol');
  let ignore = false;
  if (ignoreE) {
    const iv = cx.expr(ignoreE, scope);
    if (iv.type.base !== 'bool' || typeof iv.cv !== 'number') {
      cx.err('E331', ignoreE.span, `Cannot call '${name}' with argument 'ignore_invalid_symbol'=\`${cx.q(ignoreE)}\`: expected a constant bool (true or false).`);
      return poison();
    }
    ignore = iv.cv === 1;
  }
  // request.security_lower_tf(ignore_invalid_timeframe = true): na instead of an error when the
  // timeframe is above the chart's (carried in the GAPS bit, which a lower-timeframe request has
  // no other use for).
  let ignoreTf = false;
  const iitE = lowerTf ? args.get('ignore_invalid_timeframe') : undefined;
  if (iitE) {
    const iv = cx.expr(iitE, scope);
    if (iv.type.base !== 'bool' || typeof iv.cv !== 'number') {
      cx.err('E331', iitE.span, `Cannot call '${name}' with argument 'ignore_invalid_timeframe'=\`${cx.q(iitE)}\`: expected a constant bool (true or false).`);
      return poison();
    }
    ignoreTf = iv.cv === 1;
  }
  const slot = fn.nCs++;
  const looped0 = symReg >= 0;
  const flags = (gaps || ignoreTf ? GAPS : 0) | (lookahead ? LOOKAHEAD : 0) | (ignore ? IGNORE_INVALID : 0) | (lowerTf ? LOWER : 0) | LOOPED | (calcBars * CALC_BARS + (looped0 ? 0 : OWN_LOOP) + (ownCurrency >= 0 ? CURRENCY : 0));
  const runReg = looped0 ? -1 : cx.newReg();
  const top = new Label();
  const end = new Label();
  // A dynamic request: each (symbol, timeframe) pair its own context, the expression's state
  // ranges (call-site slots after the request's own, series, vars) patched once compiled.
  const dynamic = !symConst || typeof tfV.cv !== 'string';
  const cs0 = fn.nCs;
  const ser0 = fn.nSer;
  const keyVf0 = fn.nVarF;
  const keyVo0 = fn.nVarO;
  const keyAt = dynamic ? fn.em.emit(Op.CTX_KEY, slot, symReg, tf.reg, cs0, 0, ser0, 0, keyVf0, 0, keyVo0, 0) : -1;
  if (looped0) fn.em.emitJump(Op.CTX_IN_LOOP, end, slot, tf.reg, symReg, flags);
  else fn.em.emit(Op.CTX_IN_RUN, runReg, slot, tf.reg, flags);
  // Another symbol (or intrabars, or a symbol known only when the script runs): the expression runs
  // in a loop, once per due bar. The chart's own symbol: at most once, skipped (CTX_IN_RUN, JF) on a
  // chart bar where its value is not needed.
  const looped = looped0;
  cx.requestDepth++;
  if (lowerTf) cx.lowerDepth++;
  let vals: Val[];
  // (A per-call-site function's parameters hold their call's arguments: request-expr.ts.)
  const inPlace = argsInPlace(cx, exprE, scope);
  const requested = inContext(cx, inPlace.expr, inPlace.scope, new Set());
  const items = requested.kind === 'Tuple' ? requested.items : [requested];
  // At most this many values per request (CTX_NEXT and CTX_OUT record them from registers).
  const maxN = 16;
  if (!looped) fn.em.emitJump(Op.JF, end, runReg);
  fn.em.mark(top);
  // Each evaluation starts with CTX_VARS over the var slots the expression's code takes (its own
  // and those of the user functions it calls), known once it is compiled: patched below.
  const vf0 = fn.nVarF;
  const vo0 = fn.nVarO;
  const varsAt = fn.em.emit(Op.CTX_VARS, slot, vf0, 0, vo0, 0);
  // The script's input.source() values the expression names, read in the context (request-expr.ts).
  const xScope = contextSources(cx, requested, inPlace.scope);
  try {
    // A call may return a tuple (a user function ending in `[a, b]`): its every value is requested.
    vals =
      requested.kind === 'Call'
        ? (cx.stmts([{ kind: 'ExprStmt', span: requested.span, expr: requested }], xScope, true) ?? [cx.poison()])
        : items.map((x) => cx.expr(x, xScope));
  } finally {
    cx.requestDepth--;
    if (lowerTf) cx.lowerDepth--;
  }
  fn.em.code[varsAt + 3] = fn.nVarF - vf0;
  fn.em.code[varsAt + 5] = fn.nVarO - vo0;
  if (keyAt >= 0) {
    fn.em.code[keyAt + 5] = fn.nCs - cs0;
    fn.em.code[keyAt + 7] = fn.nSer - ser0;
    fn.em.code[keyAt + 9] = fn.nVarF - keyVf0;
    fn.em.code[keyAt + 11] = fn.nVarO - keyVo0;
  }
  if (vals.length === 0) {
    cx.err('E504', exprE.span, `The expression \`${cx.q(exprE)}\` of '${name}' has no value.`);
    return poison();
  }
  if (vals.length > maxN) {
    cx.err('E504', exprE.span, `The expression of '${name}' has ${vals.length} values: at most ${maxN} can be requested at once.`);
    return poison();
  }
  for (let j = 0; j < vals.length; j++) {
    const v = vals[j] as Val;
    if (v.bad) return poison();
    const at = items[j] ?? exprE;
    if (lowerTf && (v.type.base === 'array' || v.type.base === 'map' || v.type.base === 'matrix')) {
      // (Its result would be an array of collections, which Pine has no type for.)
      cx.err('E504', at.span, `The expression \`${cx.q(at)}\` of '${name}' is ${baseName(v.type)}: request.security_lower_tf returns an array of the expression's values, and an array cannot hold ${v.type.base === 'array' ? 'arrays' : `${v.type.base}s`}; request a value, an object of a user-defined type holding it, or use request.security().`);
      return poison();
    }
    if (isHeapValue(v.type)) {
      const why = notRequestable(cx, v.type, new Set());
      if (why !== null) {
        cx.err('E504', at.span, `The expression \`${cx.q(at)}\` of '${name}' is ${baseName(v.type)}, which ${why}: requested arrays, maps, matrices and objects hold only numbers, bools, colors, strings, chart points and other such collections or objects (no drawings).`);
        return poison();
      }
      continue;
    }
    const str = v.type.base === 'string';
    if (!str && (!isNumericStorage(v.type) || v.type.base === 'void' || v.type.base === 'tuple')) {
      cx.err('E504', at.span, `The expression \`${cx.q(at)}\` of '${name}' is ${baseName(v.type)}: only numbers, bools, colors, strings${lowerTf ? ', chart points and objects of user-defined types' : ', arrays, maps, matrices and objects of user-defined types'} (or tuples of them) can be requested.`);
      return poison();
    }
  }
  const n = vals.length;
  // The count operand of CTX_NEXT / CTX_OUT: n, plus which values are in registers of o (strings,
  // and heap objects: runtime/contexts.ts records an independent copy of each).
  let mask = 0;
  vals.forEach((v, j) => {
    if (v.type.base === 'string' || isHeapValue(v.type)) mask |= 1 << j;
  });
  const count = n + mask * CTX_STRINGS;
  const src = cx.newReg(n);
  vals.forEach((v, j) => cx.place(fn, v, src + j));
  // (The chart's own symbol: CTX_NEXT goes on only at a timeframe below the chart's, once per
  // intrabar; otherwise the expression ran once.)
  fn.em.emitJump(Op.CTX_NEXT, top, slot, src, count);
  fn.em.mark(end);
  if (lowerTf) {
    // One array per requested value (a tuple gives a tuple of arrays).
    let bools = 0;
    vals.forEach((v, j) => {
      if (v.type.base === 'bool') bools |= 1 << j;
    });
    const dst = cx.newReg(n);
    fn.em.emit(Op.CTX_OUT_ARR, slot, src, dst, n * 65536 + bools);
    if (dynamic) fn.em.emit(Op.CTX_UNKEY, slot);
    return vals.map((v, j) => ({ reg: dst + j, type: { base: 'array', qual: Qual.Series, elem: { ...v.type, qual: Qual.Series } } }));
  }
  const dst = cx.newReg(n);
  fn.em.emit(Op.CTX_OUT, slot, src, dst, count);
  if (dynamic) fn.em.emit(Op.CTX_UNKEY, slot);
  // Before the first value arrives (and between values with gaps_on) a v6 bool reads false, not na.
  vals.forEach((v, j) => {
    if (v.type.base === 'bool' && cx.version >= 6) fn.em.emit(Op.TO_BOOL, dst + j, dst + j);
  });
  return vals.map((v, j) => ({ reg: dst + j, type: { ...v.type, qual: Qual.Series } }));
}

/** Values held as heap objects in registers of o that request.security can carry across contexts
 * (runtime/contexts.ts copies them when recorded and when given to the chart). */
function isHeapValue(ty: PType): boolean {
  return ty.base === 'array' || ty.base === 'map' || ty.base === 'matrix' || ty.base === 'udt' || ty.base === 'chart.point';
}

/** Drawings are ids into the script's drawing registry, which the requested context does not
 * share (TradingView does not request them either): why `ty` cannot be requested, or null. */
const DRAWINGS = new Set(['line', 'label', 'box', 'table', 'linefill', 'polyline']);
function notRequestable(cx: LowerContext, ty: PType, seen: Set<string>): string | null {
  if (DRAWINGS.has(ty.base)) return `holds ${ty.base} drawings`;
  if (ty.base === 'array' || ty.base === 'matrix' || ty.base === 'map') return ty.elem ? notRequestable(cx, ty.elem, seen) : null;
  if (ty.base === 'udt' && ty.name !== undefined && !seen.has(ty.name)) {
    seen.add(ty.name);
    const udt = cx.udt(ty.name);
    for (const fd of udt?.fields ?? []) {
      const why = notRequestable(cx, fd.type, seen);
      if (why !== null) return `${why} (field '${fd.name}' of '${ty.name}')`;
    }
  }
  return null;
}

/** The symbol operand of request.currency_rate's request: RATE_MARK + from + "\u0001" + to (the
 * runtime, runtime/request-other.ts, reads the rate pair's bars for it). */
const RATE_MARK = '\u0002';
const RATE_PARAMS = ['from', 'to', 'ignore_invalid_currency'];

/** request.currency_rate(from, to, ignore_invalid_currency): the daily exchange rate from a rate
 * pair's dataset the host gives (FROMTO, or 1 / TOFROM), as `currency =` converts prices: the close
 * of the pair's daily bar that opened at or before the chart bar, forming on a realtime chart bar;
 * 1 when the currencies are equal. Lowered as request.security(<the pair>, "1D", close,
 * lookahead_on) of a symbol that names the pair. */
export function requestCurrencyRate(cx: LowerContext, name: string, e: A.Call, scope: Scope): Val[] {
  const fn = scope.fn;
  const args = new Map<string, A.Expr>();
  let k = 0;
  for (const a of e.args) {
    const pname = a.name ?? RATE_PARAMS[k++];
    if (pname === undefined || !RATE_PARAMS.includes(pname)) {
      cx.err('E331', a.nameSpan ?? a.value.span, `Cannot call '${name}' with ${a.name ? `argument '${a.name}'` : 'this many arguments'}: its parameters are ${RATE_PARAMS.join(', ')}.`);
      return [cx.poison()];
    }
    args.set(pname, a.value);
  }
  const regs: number[] = [];
  for (const p of ['from', 'to']) {
    const x = args.get(p);
    if (!x) {
      cx.err('E331', e.span, `Cannot call '${name}': it needs the currencies 'from' and 'to', as in \`${name}(syminfo.currency, currency.USD)\`.`);
      return [cx.poison()];
    }
    const v = cx.expr(x, scope);
    if (v.bad) return [cx.poison()];
    if (v.type.base !== 'string') {
      cx.err('E331', x.span, `Cannot call '${name}' with argument '${p}'=\`${cx.q(x)}\`: expected a currency such as currency.USD or syminfo.currency, got ${baseName(v.type)}.`);
      return [cx.poison()];
    }
    regs.push(cx.toTemp(fn, v).reg);
  }
  const sym = fn.temp();
  fn.em.emit(Op.CONCAT, sym, cx.constReg(RATE_MARK), regs[0] as number);
  fn.em.emit(Op.CONCAT, sym, sym, cx.constReg('\u0001'));
  fn.em.emit(Op.CONCAT, sym, sym, regs[1] as number);
  const at = e.span;
  const call: A.Call = {
    kind: 'Call',
    span: e.span,
    callee: e.callee,
    typeArgs: [],
    args: [
      { name: 'symbol', nameSpan: null, value: { kind: 'String', span: at, value: '' } },
      { name: 'timeframe', nameSpan: null, value: { kind: 'String', span: at, value: '1D' } },
      { name: 'expression', nameSpan: null, value: { kind: 'Ident', span: at, name: 'close' } },
      { name: 'lookahead', nameSpan: null, value: { kind: 'Bool', span: at, value: true } },
    ],
  };
  const ignore = args.get('ignore_invalid_currency');
  if (ignore) call.args.push({ name: 'ignore_invalid_symbol', nameSpan: null, value: ignore });
  return requestSecurity(cx, name, call, scope, sym);
}
