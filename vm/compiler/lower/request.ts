// request.security(): the requested expression is compiled in place, bracketed by CTX_IN and
// CTX_OUT (runtime/contexts.ts), so it runs in its own context: on the bars of the requested
// timeframe resampled from the chart's bars, with its own series and call-site state (its history
// advances once per higher-timeframe bar). Only the chart's own symbol has data for now; the other
// request.* functions have no data source (names.ts reports them).

import type * as A from '../ast.js';
import { isNumericStorage, Qual, baseName } from '../types.js';
import type { Scope } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import { parseTimeframe } from '../../builtins/time/timeframe.js';
import type { LowerContext, Val } from './context.js';
import { dotted } from './names.js';

const PARAMS = ['symbol', 'timeframe', 'expression', 'gaps', 'lookahead', 'ignore_invalid_symbol', 'currency', 'calc_bars_count'];

/** Flags of CTX_IN (as runtime/contexts.ts reads them). */
const GAPS = 1;
const LOOKAHEAD = 2;

/** The symbols that name the chart's own data. */
const OWN_SYMBOLS = new Set(['syminfo.tickerid', 'syminfo.ticker']);

function bindArgs(cx: LowerContext, name: string, e: A.Call): Map<string, A.Expr> | null {
  const out = new Map<string, A.Expr>();
  let k = 0;
  for (const a of e.args) {
    const pname = a.name ?? PARAMS[k++];
    if (pname === undefined || !PARAMS.includes(pname)) {
      cx.err('E331', a.nameSpan ?? a.value.span, `Cannot call '${name}' with ${a.name ? `argument '${a.name}'` : 'this many arguments'}: its parameters are ${PARAMS.join(', ')}.`);
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

export function requestSecurity(cx: LowerContext, name: string, e: A.Call, scope: Scope): Val[] {
  const fn = scope.fn;
  const args = bindArgs(cx, name, e);
  const poison = (): Val[] => [cx.poison()];
  if (!args) return poison();
  const symE = args.get('symbol');
  const tfE = args.get('timeframe');
  const exprE = args.get('expression');
  if (!symE || !tfE || !exprE) {
    cx.err('E331', e.span, `Cannot call '${name}': it needs a symbol, a timeframe and an expression, as in \`${name}(syminfo.tickerid, "1D", close)\`.`);
    return poison();
  }
  if (cx.requestDepth > 0) {
    cx.err('E504', e.callee.span, `A '${name}' call inside the expression of another request is not supported yet.`);
    return poison();
  }
  // The symbol: the chart's own for now.
  const symName = dotted(cx, symE);
  if (symName === null || !OWN_SYMBOLS.has(symName)) {
    const sv = cx.expr(symE, scope);
    if (typeof sv.cv === 'string' && sv.cv !== '') {
      cx.err('E505', symE.span, `No data source for symbol "${sv.cv}" in '${name}': only the chart's own symbol (syminfo.tickerid) has data here.`);
      return poison();
    }
    if (sv.cv === undefined || sv.type.base !== 'string') {
      cx.err('E505', symE.span, `No data source for the symbol \`${cx.q(symE)}\` in '${name}': only the chart's own symbol (syminfo.tickerid) has data here.`);
      return poison();
    }
    // "" means the chart's symbol.
  }
  for (const p of ['currency', 'calc_bars_count']) {
    const a = args.get(p);
    if (a && !(a.kind === 'Na')) {
      cx.err('E504', a.span, `The '${p}' argument of '${name}' is not supported yet.`);
      return poison();
    }
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
  const tf = cx.toTemp(fn, tfV);
  const gaps = flagArg(cx, args.get('gaps'), 'barmerge.gaps_on', 'barmerge.gaps_off', scope);
  const lookahead = flagArg(cx, args.get('lookahead'), 'barmerge.lookahead_on', 'barmerge.lookahead_off', scope);
  const slot = fn.nCs++;
  fn.em.emit(Op.CTX_IN, slot, tf.reg, (gaps ? GAPS : 0) | (lookahead ? LOOKAHEAD : 0));
  cx.requestDepth++;
  let vals: Val[];
  try {
    vals = exprE.kind === 'Tuple' ? exprE.items.map((x) => cx.expr(x, scope)) : [cx.expr(exprE, scope)];
  } finally {
    cx.requestDepth--;
  }
  const items = exprE.kind === 'Tuple' ? exprE.items : [exprE];
  for (let j = 0; j < vals.length; j++) {
    const v = vals[j] as Val;
    if (v.bad) return poison();
    if (!isNumericStorage(v.type) || v.type.base === 'void' || v.type.base === 'tuple') {
      const at = items[j] ?? exprE;
      cx.err('E504', at.span, `The expression \`${cx.q(at)}\` of '${name}' is ${baseName(v.type)}: only numbers, bools and colors (or tuples of them) can be requested so far.`);
      return poison();
    }
  }
  const n = vals.length;
  const src = cx.newReg(n);
  vals.forEach((v, j) => cx.place(fn, v, src + j));
  const dst = cx.newReg(n);
  fn.em.emit(Op.CTX_OUT, slot, src, dst, n);
  return vals.map((v, j) => ({ reg: dst + j, type: { ...v.type, qual: Qual.Series } }));
}

