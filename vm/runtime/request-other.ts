// request.security() of ANOTHER symbol, and request.security_lower_tf(): the bars come from a
// dataset the host gives (runtime/request-data.ts; a host call: the instance suspends at CTX_IN
// until the host answers). The compiler wraps the expression in a loop, CTX_IN_LOOP; L:
// expression; CTX_NEXT L; CTX_OUT (an earlier compiler's programs: CTX_IN; L: CTX_LOOP;
// expression; JMP L; CTX_OUT), because a chart bar may be due several bars of the other symbol:
// each pass loads the next due bar (bar registers, execution id = its index) and records the
// values of the bar just run. On the chart bar [t, tc):
// - request.security: the bars due are those that opened by t or closed by tc; lookahead_off shows
//   the last bar closed by tc (the same-time bar at the chart's timeframe, the last confirmed one
//   at a higher timeframe), lookahead_on the last bar opened by t; gaps_on shows na unless that bar
//   changed on this chart bar. The dataset is complete history, so each bar runs once, whole; a
//   realtime chart bar shows its forming higher-timeframe bar as formed by the chart bar's close.
// - request.security_lower_tf: the bars due are those that opened before tc; the values of the
//   ones that opened at or after t (the chart bar's intrabars) become the array.
// The context's position in the other symbol's bars is state (`oi`), the bars themselves are not.
// runtime/contexts.ts enters here from CTX_IN / CTX_IN_LOOP / CTX_OUT; the state is
// runtime/request-state.ts's RequestState.

import { R } from '../core/registers.js';
import type { BarColumns } from '../data/bars.js';
import type { SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import { parseTimeframe, timeframeSeconds } from '../builtins/time/timeframe.js';
import { newArray } from '../core/heap.js';
import { MAX_ARRAY_SIZE } from '../builtins/array.js';
import { DataNeeded, feedBarsOf, NoData, type FeedBars } from './request-data.js';
import { ownIntrabarsMissing } from './request-missing.js';
import { convertBars, CURRENCY_SEP, inCurrency, invertBars, ratePair } from './request-currency.js';
import {
  activate,
  calcBarsOf,
  chartTimeClose,
  copyInto,
  copyRegs,
  CTX_GAPS,
  CTX_IGNORE_INVALID,
  CTX_IGNORE_TF,
  CTX_LOOKAHEAD,
  CTX_LOWER,
  CTX_STRINGS,
  deactivate,
  newRequestState,
  nz,
  readValues,
  saveChart,
  swapIn,
  TIMEFRAMES,
  writeValues,
  type ContextHost,
  type RequestedValue,
  type RequestState,
} from './request-state.js';

const { barIndex: BAR_INDEX, close: CLOSE, high: HIGH, hl2: HL2, hlc3: HLC3, hlcc4: HLCC4, isFirst: IS_FIRST, isRealtime: IS_REALTIME, low: LOW, ohlc4: OHLC4, open: OPEN, time: TIME, timeClose: TIME_CLOSE, volume: VOLUME } = R;

export function fnName(flags: number): string {
  return (flags & CTX_LOWER) !== 0 ? 'request.security_lower_tf()' : 'request.security()';
}

/** The bars of the context's symbol and timeframe: from the slot's cache, else from the host's
 * answers; suspends (throws DataNeeded, nothing changed yet) when the host has not answered. */
export function feedOf(m: ContextHost, s: number, sym: string, tfs: string, info: TimeframeInfo, flags: number): FeedBars | NoData {
  const cut = sym.indexOf(CURRENCY_SEP);
  if (sym.charCodeAt(0) === RATE_MARK_CODE && cut >= 0) return rateFeed(m, s, sym.slice(1, cut), sym.slice(cut + 1), tfs, info);
  if (cut >= 0) return convertedFeed(m, s, sym.slice(0, cut), sym.slice(cut + 1), tfs, info, flags);
  const got = m.data.bars(sym, tfs, info, fnName(flags));
  if (got === undefined) throw new DataNeeded({ symbol: sym, timeframe: tfs, lower: (flags & CTX_LOWER) !== 0 });
  m.feeds[s] = got instanceof NoData ? null : got;
  return got;
}

/** The first character of request.currency_rate's symbol operand (lower/request.ts RATE_MARK). */
const RATE_MARK_CODE = 2;

/** One bar of close 1 from the start of time to its end: the rate between a currency and itself. */
const ONE: FeedBars = (() => {
  const one = (x: number): Float64Array => Float64Array.of(x);
  return feedBarsOf({ time: one(-8.64e15), open: one(1), high: one(1), low: one(1), close: one(1), volume: one(NaN), length: 1 }, one(8.64e15), undefined, undefined);
})();

/** request.currency_rate(from, to): the bars of the rate pair FROMTO, else of TOFROM inverted (a
 * host call each, as for `currency =`); one bar of 1 when the currencies are equal. */
function rateFeed(m: ContextHost, s: number, from: string, to: string, tfs: string, info: TimeframeInfo): FeedBars | NoData {
  let got: FeedBars | NoData;
  if (from === '' || to === '') got = new NoData('request.currency_rate(): the currency is na.');
  else if (from === to) got = ONE;
  else {
    const rate = ratePair(m.data, from, to, tfs, info, 'request.currency_rate()', '');
    got =
      rate instanceof NoData
        ? new NoData(
            `request.currency_rate(): no data for the exchange rate ${from}${to} (or ${to}${from}) at "${tfs}" or lower: give its bars as another symbol (CLI: --data-for ${from}${to}=file.csv; app: import a dataset with ticker ${from}${to}).`,
          )
        : rate.inverse
          ? invertBars(rate.bars)
          : rate.bars;
  }
  m.feeds[s] = got instanceof NoData ? null : got;
  return got;
}

/** The bars of `sym` with prices in currency `to`: open, high, low and close (so hl2, hlc3, ohlc4,
 * hlcc4 and everything the expression builds from them) multiplied by the rate from the symbol's
 * currency (its syminfo.currency) to `to`: the close of the rate pair's last bar that opened at or
 * before the bar (na before the pair's first bar). The pair is `FROMTO` (e.g. EURUSD), else the
 * inverse `TOFROM` (divided by); each is a host call like the symbol's own bars. No conversion when
 * `to` is empty or the symbol's currency. Volume and time are not converted. */
export function convertedFeed(m: ContextHost, s: number, sym: string, to: string, tfs: string, info: TimeframeInfo, flags: number): FeedBars | NoData {
  const fn = fnName(flags);
  const got = m.data.bars(sym, tfs, info, fn);
  if (got === undefined) throw new DataNeeded({ symbol: sym, timeframe: tfs, lower: (flags & CTX_LOWER) !== 0 });
  const from = got instanceof NoData ? '' : (got.sym?.currency ?? '');
  if (got instanceof NoData || to === '' || to === 'NONE' || from === '' || from === to) {
    m.feeds[s] = got instanceof NoData ? null : got;
    return got;
  }
  const rate = ratePair(m.data, from, to, tfs, info, fn, `"${sym}"`);
  if (rate instanceof NoData) return m.fail('no-data', rate.message);
  const out = convertBars(got, rate.bars, rate.inverse);
  // (Inside the request the symbol's currency is the one its prices are in: syminfo.currency = to.)
  if (got.sym !== undefined) out.sym = inCurrency(got.sym, to);
  m.feeds[s] = out;
  return out;
}

/** CTX_IN for another symbol or intrabars: checks the request, finds its bars (or suspends), saves
 * the chart's registers; the bars themselves are loaded by CTX_LOOP. Returns the chart bar. */
export function otherEnter(m: ContextHost, s: number, tf: unknown, sym: unknown, flags: number): number {
  if (m.ctxTop >= 0) nestedCheck(m, flags);
  const tfs = typeof tf === 'string' && tf !== '' ? tf : m.timeframe.period;
  let st = m.cs[s] as RequestState | undefined;
  let noData: boolean;
  if (st !== undefined && m.feeds[s] !== undefined && sym === m.feedSym[s] && tfs === m.feedTf[s]) {
    // The common case: the same symbol and timeframe as on the previous chart bar, bars at hand.
    noData = m.feeds[s] === null;
  } else {
    const fn = fnName(flags);
    if (typeof sym !== 'string' || sym === '') return m.fail('no-data', `${fn}: the symbol is na.`);
    let info = TIMEFRAMES.get(tfs);
    if (!info) {
      const parsed = parseTimeframe(tfs);
      if (!parsed) m.fail('bad-timeframe', `${fn}: "${tfs}" is not a timeframe (examples: "60", "240", "1D", "1W", "1M").`);
      info = parsed;
      if (TIMEFRAMES.size < 256) TIMEFRAMES.set(tfs, info);
    }
    const above = (flags & CTX_LOWER) !== 0 && timeframeSeconds(info) > timeframeSeconds(m.timeframe);
    if (above && (flags & CTX_IGNORE_TF) === 0) {
      m.fail('higher-timeframe', `${fn}: the requested timeframe "${tfs}" is higher than the chart's "${m.timeframe.period}": intrabars come from a lower timeframe (use request.security() for a higher one, or ignore_invalid_timeframe = true for na).`);
    }
    // (ignore_invalid_timeframe = true and a timeframe above the chart's: na, no data asked.)
    const got = above ? new NoData('') : feedOf(m, s, sym, tfs, info, flags);
    if (above) m.feeds[s] = null;
    // (The chart's own intrabars missing: no bars, and a warning; runtime/request-missing.ts.)
    const none = got instanceof NoData && (flags & CTX_IGNORE_INVALID) === 0 && !above ? ownIntrabarsMissing(m, sym, tfs, info, flags) : null;
    if (none !== null) m.feeds[s] = none;
    else if (got instanceof NoData && (flags & CTX_IGNORE_INVALID) === 0 && !above) {
      if ((flags & CTX_LOWER) === 0 && sym === m.syminfo.tickerid && timeframeSeconds(info) < timeframeSeconds(m.timeframe)) {
        const t = m.syminfo.tickerid;
        m.fail(
          'no-data',
          `request.security(): the requested timeframe "${tfs}" is lower than the chart's "${m.timeframe.period}": the expression then runs on the chart symbol's intrabars, and no bars of ${t} at "${tfs}" or lower were given (CLI: --data-for ${t}=file.csv; app: import them as a dataset with ticker ${t}).`,
        );
      }
      m.fail('no-data', got.message);
    }
    noData = got instanceof NoData && none === null;
    m.feedSym[s] = sym;
    m.feedTf[s] = tfs;
    // One string per slot, compared by identity on later bars (a flat string: no concatenation).
    m.feedKey[s] = `${sym}\u0000${tfs}`;
  }
  if (st === undefined) {
    st = newRequestState();
    m.cs[s] = st;
  }
  const key = m.feedKey[s];
  if (st.okey !== key) {
    st.okey = key;
    // A new symbol or timeframe (first bar, or a dynamic request that changed): from its start,
    // or its last calc_bars_count bars.
    const limit = calcBarsOf(flags);
    const fb = m.feeds[s];
    st.oi = limit > 0 && fb ? Math.max(0, fb.length - limit) : 0;
    st.ostart = st.oi;
    st.ocur.length = 0;
    st.oprev.length = 0;
    st.otc = NaN;
    st.oshown = -1;
    // (Its bars are numbered from its start again: a var of the expression starts from there.)
    st.vi = -1;
    const ti = TIMEFRAMES.get(tfs) ?? parseTimeframe(tfs);
    st.olow = (flags & CTX_LOWER) === 0 && ti !== null && timeframeSeconds(ti) < timeframeSeconds(m.timeframe);
    st.ofb = -1;
    if (st.olow) st.ofirst = [];
  }
  st.flags = flags;
  st.ono = noData;
  st.loop = 0;
  if (st.items.length !== 0) st.items.length = 0;
  // The chart's registers are saved by the first CTX_LOOP that loads a bar.
  st.ct = m.f[TIME] as number;
  st.ctc = m.f[TIME_CLOSE] as number;
  if (m.ctxTop >= 0 && m.f[IS_REALTIME] === 1) nowClose(m, st);
  st.savedBar = m.bar;
  if (st.opart === true || m.f[IS_REALTIME] === 1) rewind(m, st, m.feeds[s]);
  return m.bar;
}

/** A NESTED request (in the expression of another) on a realtime chart bar: the running context's
 * bar is forming, and only the bars that opened before the chart bar closes exist yet (its
 * time_close is the forming bar's end). */
export function nowClose(m: ContextHost, st: RequestState): void {
  const now = chartTimeClose(m);
  if (now < st.ctc) st.ctc = now;
}

/** A request entered while another's expression runs (nested): what is not supported yet. */
export function nestedCheck(m: ContextHost, flags: number): void {
  const outer = m.cs[m.ctxTop] as RequestState | undefined;
  if ((flags & CTX_LOWER) !== 0) m.fail('nested-request', 'request.security_lower_tf() inside the expression of another request is not supported yet: call it outside, or request.security() a lower timeframe there.');
  if (outer !== undefined && (outer.flags & CTX_LOWER) !== 0) m.fail('nested-request', "A request inside the expression of request.security_lower_tf() is not supported yet: request it outside, in the script's own context.");
}

/** When the bar loaded last was forming (or, on a realtime chart bar, is still forming: it ran
 * whole on history), it runs again on this chart bar, as formed by its close. */
export function rewind(m: ContextHost, st: RequestState, bars: FeedBars | null | undefined): void {
  const k = st.oi - 1;
  if (k < 0) return;
  if (st.opart !== true) {
    if (!bars || bars.src === undefined || (st.flags & CTX_LOWER) !== 0 || !((bars.timeClose[k] as number) > st.ctc)) return;
  }
  st.oi = k;
  st.opart = false;
  st.orerun = true;
}

/** CTX_LOOP: records the values of the bar just run (if any) and loads the next due bar; returns
 * its index (the execution id), or -1 when no bar is due (the loop ends). */
export function ctxLoop(m: ContextHost, s: number, src: number, count: number): number {
  const st = m.cs[s] as RequestState;
  const n = count % CTX_STRINGS;
  if (!st.okey) {
    // The chart's own symbol: the expression runs at most once, when its value is needed.
    if (st.loop === 0 && st.run) {
      st.loop = 1;
      swapIn(m, st, st.ro, st.rh, st.rl, st.rc, st.rv);
      activate(m, s, st, st.tf);
      return st.wi;
    }
    return -1;
  }
  if (st.ono) return -1;
  let bars = m.feeds[s];
  if (bars === undefined) {
    // After a restore: the host's bars again (suspending here until it answers).
    const sep = st.okey.indexOf('\u0000');
    const tfs = st.okey.slice(sep + 1);
    const info = parseTimeframe(tfs);
    if (!info) return m.fail('bad-timeframe', `${fnName(st.flags)}: "${tfs}" is not a timeframe.`);
    const got = feedOf(m, s, st.okey.slice(0, sep), tfs, info, st.flags);
    if (got instanceof NoData) return m.fail('no-data', got.message);
    bars = got;
  }
  if (bars === null) return -1;
  const f = m.f;
  const lower = (st.flags & CTX_LOWER) !== 0;
  if (st.loop > 0) {
    let prev = st.ocur;
    if (st.orerun === true) st.orerun = false;
    else {
      prev = st.oprev;
      st.oprev = st.ocur;
      st.ocur = prev;
    }
    if (count === n) for (let j = 0; j < n; j++) prev[j] = f[src + j] as number;
    else readValues(m, prev, src, n, (count - n) / CTX_STRINGS);
    // Intrabar values, row by row (n per intrabar: a tuple's values side by side).
    if (lower && (bars.time[st.oi - 1] as number) >= st.ct) {
      // One array element per intrabar: no more than an array holds (checked before it grows).
      if (st.items.length >= n * MAX_ARRAY_SIZE) tooManyIntrabars(m, st);
      for (let j = 0; j < n; j++) st.items.push(prev[j] as RequestedValue);
    }
    else if (st.olow === true && st.ofb !== st.savedBar && (bars.time[st.oi - 1] as number) >= st.ct) {
      // The chart bar's first intrabar (lookahead_on shows it).
      const first = st.ofirst ?? (st.ofirst = []);
      copyInto(first, prev);
      st.ofb = st.savedBar;
    }
  }
  return otherLoad(m, st, bars, s);
}

/** The load half of CTX_LOOP for another symbol: when bar `st.oi` of `bars` is due on this chart
 * bar, writes it to the registers (saving the chart's first) and returns its index; else -1 (and
 * changes nothing). The compiled tier calls it as `ctxLoad` (jit-ops.ts). */
export function otherLoad(m: ContextHost, st: RequestState, bars: FeedBars, s: number): number {
  const f = m.f;
  const lower = (st.flags & CTX_LOWER) !== 0;
  const k = st.oi;
  if (k >= bars.length) return -1;
  const bt = bars.time[k] as number;
  const btc = bars.timeClose[k] as number;
  const tc = st.ctc;
  const due = lower ? bt < tc : bt <= st.ct || btc <= tc;
  if (!due) return -1;
  if (st.loop === 0) {
    saveChart(m, st);
    // (Its symbol information: the dataset's, else that of the context it runs in.)
    const sym = bars.sym ?? m.syminfo;
    st.osym = sym;
    m.syminfo = sym;
    st.inside = true;
    const tft = m.feedTf[s];
    activate(m, s, st, typeof tft === 'string' ? tft : st.okey.slice(st.okey.indexOf('\u0000') + 1));
  }
  let o = bars.open[k] as number;
  let h = bars.high[k] as number;
  let l = bars.low[k] as number;
  let c = bars.close[k] as number;
  let v = bars.volume[k] as number;
  const from = bars.src;
  if (from !== undefined && !lower && btc > tc && (f[IS_REALTIME] === 1 || st.orerun === true)) {
    // A forming bar on a realtime chart bar: what of it had formed by the chart bar's close (the
    // other symbol's bars that opened before it), as TradingView shows and repaints it.
    const part = formingBar(from, bt, tc);
    if (part !== null) {
      o = part[0]; h = part[1]; l = part[2]; c = part[3]; v = part[4];
      st.opart = true;
    }
  } else st.opart = false;
  f[OPEN] = o;
  f[HIGH] = h;
  f[LOW] = l;
  f[CLOSE] = c;
  f[VOLUME] = v;
  f[TIME] = bt;
  f[TIME_CLOSE] = btc;
  const first = st.ostart ?? 0;
  f[BAR_INDEX] = k - first;
  f[HL2] = (h + l) / 2;
  f[HLC3] = (h + l + c) / 3;
  f[OHLC4] = (o + h + l + c) / 4;
  f[HLCC4] = (h + l + c + c) / 4;
  f[IS_FIRST] = k === first ? 1 : 0;
  st.otc = btc;
  st.oi = k + 1;
  st.loop++;
  m.bar = k;
  return k;
}

const PART = [NaN, NaN, NaN, NaN, NaN];

/** Open, high, low, close, volume of the bars of `src` that opened in [start, end) (null if none);
 * a shared list, read at once. */
export function formingBar(src: BarColumns, start: number, end: number): number[] | null {
  const time = src.time;
  let lo = 0;
  let hi = src.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((time[mid] as number) < start) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= src.length || !((time[lo] as number) < end)) return null;
  let h = -Infinity;
  let l = Infinity;
  let v = 0;
  let i = lo;
  for (; i < src.length && (time[i] as number) < end; i++) {
    h = Math.max(h, src.high[i] as number);
    l = Math.min(l, src.low[i] as number);
    v += nz(src.volume[i] as number);
  }
  PART[0] = src.open[lo] as number;
  PART[1] = h;
  PART[2] = l;
  PART[3] = src.close[i - 1] as number;
  PART[4] = v;
  return PART;
}

/** Leaving another symbol's bar: the chart bar's registers, index and symbol back. */
function backToChartBar(m: ContextHost, st: RequestState): void {
  copyRegs(m.f, st.saved);
  m.bar = st.savedBar;
  deactivate(m, st);
}

/** CTX_OUT of another symbol: restores the chart bar; dst..dst+n-1 := what the chart sees. */
export function otherLeave(m: ContextHost, st: RequestState, dst: number, n: number, mask: number): number {
  const f = m.f;
  if (st.loop > 0) backToChartBar(m, st);
  let out: RequestedValue[] | null = null;
  if (!st.ono && st.olow === true && (st.flags & CTX_LOOKAHEAD) !== 0 && f[IS_REALTIME] !== 1) {
    // Intrabars with lookahead_on, on history: the chart bar's first intrabar (before any: na;
    // a chart bar without intrabars keeps the last one shown, or na with gaps_on).
    const fresh = st.ofb === st.savedBar;
    out = st.ofb === undefined || st.ofb < 0 || (!fresh && (st.flags & CTX_GAPS) !== 0) ? null : (st.ofirst ?? null);
  } else if (!st.ono) {
    const cur = st.oi - 1;
    // lookahead_on: the last bar opened by the chart bar; off: the last one closed by its close;
    // on a realtime chart bar its latest bar, formed or forming (it repaints as on TradingView).
    const latest = (st.flags & CTX_LOOKAHEAD) !== 0 || f[IS_REALTIME] === 1;
    const closed = cur >= 0 && st.otc <= (f[TIME_CLOSE] as number);
    const idx = latest || closed ? cur : cur - 1;
    out = idx < 0 ? null : idx === cur ? st.ocur : st.oprev;
    if ((st.flags & CTX_GAPS) !== 0 && idx === st.oshown) out = null;
    if (idx >= 0) st.oshown = idx;
  }
  if (mask !== 0) writeValues(m, out, dst, n, mask);
  else for (let j = 0; j < n; j++) f[dst + j] = out === null ? NaN : ((out[j] as number | undefined) ?? NaN);
  return st.savedBar;
}

/** A chart bar with more intrabars than a Pine array holds (a 3-month chart over 1-minute bars). */
function tooManyIntrabars(m: ContextHost, st: RequestState): never {
  const tf = st.okey.slice(st.okey.indexOf('\u0000') + 1) || st.tf;
  backToChartBar(m, st); // (the error names the chart bar, not the intrabar being loaded)
  return m.fail('array-too-large', `request.security_lower_tf(): this chart bar has more than ${MAX_ARRAY_SIZE.toLocaleString('en-US')} intrabars${tf === '' ? '' : ` of "${tf}"`}, more than a Pine array holds (${MAX_ARRAY_SIZE.toLocaleString('en-US')} elements). Request a higher lower timeframe, or use a lower chart timeframe.`);
}

/** CTX_OUT_ARR: leaves a lower-timeframe request: restores the chart bar; o[dst..dst+n-1] := the
 * arrays of this chart bar's intrabar values, one per requested value (na with
 * ignore_invalid_symbol and no data). `spec`: n << 16 | a mask of the values that are bools (n 0
 * reads as 1). */
export function ctxLeaveArray(m: ContextHost, s: number, dst: number, o: unknown[], spec: number): number {
  const st = m.cs[s] as RequestState;
  const f = m.f;
  if (st.loop > 0) backToChartBar(m, st);
  const n = spec >>> 16 || 1;
  const items = st.items;
  for (let j = 0; j < n; j++) {
    if (st.ono) {
      o[dst + j] = null;
      continue;
    }
    const bool = (spec & (1 << j)) !== 0;
    const col: RequestedValue[] = [];
    for (let i = j; i < items.length; i += n) {
      const x = items[i] as RequestedValue;
      col.push(bool ? (typeof x === 'number' && x === x && x !== 0 ? 1 : 0) : x);
    }
    o[dst + j] = newArray(col);
  }
  items.length = 0;
  return st.savedBar;
}

/** After a restore in the middle of a bar: the symbol information of the request whose bars are
 * in the registers (a snapshot taken inside another symbol's expression), else the chart's. */
export function contextSymbol(m: ContextHost): SymbolInfo {
  for (const x of m.cs) {
    if (typeof x === 'object' && x !== null && 'okey' in x) {
      const st = x as RequestState;
      if (st.inside === true && st.osym) return st.osym;
    }
  }
  return m.chartSyminfo;
}
