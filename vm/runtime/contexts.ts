// request.security contexts: the expression of a `request.security(syminfo.tickerid, tf, expr)`
// call runs in its own context, on the bars of timeframe `tf` resampled from the chart's bars as
// they arrive. The compiler brackets the expression's code with CTX_IN and CTX_OUT (one call-site
// state slot per request); the machine and the compiled tier call `ctxEnter` and `ctxLeave` here.
//
// ctxEnter folds the chart bar into the forming higher-timeframe bar, saves the chart's bar
// registers and writes the higher-timeframe bar into them (open..volume of the period so far, time
// and time_close of the period, bar_index = the higher-timeframe bar's number). It returns that
// number, which becomes the execution id of the expression's series and builtin state: they
// advance once per higher-timeframe bar, and every chart bar inside a period re-evaluates the
// forming bar from the committed state (Pine's per-execution rule), so `ta.sma(close, 3)` inside the
// request is the SMA of higher-timeframe closes.
//
// ctxLeave records the expression's value and returns what the chart sees (TradingView's User
// Manual, "Other timeframes and data"):
// - historical bars, lookahead_off: the value of the last CONFIRMED higher-timeframe bar; a period's
//   value arrives on the chart bar that closes it (its time_close reaches the period's), or, when
//   that bar is missing, on the first chart bar of the next period;
// - historical bars, lookahead_on: the value of the period holding the chart bar, as at the end of
//   the period when the bars ahead are known (runBars), otherwise as formed so far;
// - realtime bars (either lookahead): the forming bar's value, which repaints until it closes;
// - gaps_on: na except on the chart bar where a new value arrives (lookahead_on: the period's first
//   chart bar); realtime shows the forming value on each tick.
//
// The whole context (forming bar, committed values, the chart registers saved while inside) is
// plain data in the call-site state `cs[s]`, so realtime rollback, snapshots and clones carry it.
//
// ANOTHER SYMBOL (and request.security_lower_tf): the bars come from a dataset the host gives
// (runtime/request-data.ts; a host call: the instance suspends at CTX_IN until the host answers).
// The compiler then wraps the expression in a loop, CTX_IN; L: CTX_LOOP; expression; JMP L;
// CTX_OUT, because a chart bar may be due several bars of the other symbol: each CTX_LOOP loads
// the next due bar (bar registers, execution id = its index) and records the values of the bar
// just run. On the chart bar [t, tc):
// - request.security: the bars due are those that opened by t or closed by tc; lookahead_off shows
//   the last bar closed by tc (the same-time bar at the chart's timeframe, the last confirmed one
//   at a higher timeframe), lookahead_on the last bar opened by t; gaps_on shows na unless that bar
//   changed on this chart bar. The dataset is complete history, so each bar runs once, whole; a
//   realtime chart bar sees the same values as a historical one.
// - request.security_lower_tf: the bars due are those that opened before tc; the values of the
//   ones that opened at or after t (the chart bar's intrabars) become the array.
// The context's position in the other symbol's bars is state (`oi`), the bars themselves are not.

import { R } from '../core/registers.js';
import { tickerNeeds, tickerStandard } from '../builtins/ticker.js';
import type { BarColumns } from '../data/bars.js';
import type { SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import { parseTimeframe, timeframeSeconds } from '../builtins/time/timeframe.js';
import { symbolSchedule } from '../builtins/time/session.js';
import { periodEnd, periodStart } from '../builtins/time/periods.js';
import { newArray } from '../core/heap.js';
import { DataNeeded, NoData, type FeedBars, type RequestData } from './request-data.js';

/** The bar registers a context replaces: open .. isFirst (registers 0..12 of core/registers.ts). */
const SWAPPED = R.isFirst + 1;

/** Flags operand of CTX_IN. */
export const CTX_GAPS = 1;
export const CTX_LOOKAHEAD = 2;
export const CTX_IGNORE_INVALID = 4;
export const CTX_LOWER = 8;

/** What the context code needs of the machine. */
export interface ContextHost {
  f: Float64Array;
  cs: unknown[];
  bar: number;
  syminfo: SymbolInfo;
  timeframe: TimeframeInfo;
  fail(code: string, message: string): never;
  /** The columns of the running runBars call and the current bar's row: the confirmed chart bars
   * ahead (null when bars come one at a time). */
  aheadCols: BarColumns | null;
  aheadRow: number;
  /** Other symbols' datasets the host gave (runtime/request-data.ts). */
  data: RequestData;
  /** Bars of each other-symbol context by state slot (a cache: not state). */
  feeds: (FeedBars | null | undefined)[];
}

/** One request's state: committed (as of the previous chart bar) and working (this chart bar). */
export interface RequestState {
  /** Chart bar of the working values; -1 before the first. */
  bar: number;
  tf: string;
  /** Committed: period start, HTF index, aggregate (o, h, l, c, v), forming value, confirmed
   * value, whether the period was closed. */
  kp: number;
  ki: number;
  ko: number;
  kh: number;
  kl: number;
  kc: number;
  kv: number;
  kform: number[];
  kconf: number[];
  kclosed: boolean;
  /** End of the committed period. */
  kend: number;
  /** lookahead_on on history: the whole period starting at `fp` (high, low, close, volume from
   * the chart bars ahead), complete when `fdone` (its end was seen in the data). */
  fp: number;
  fdone: boolean;
  fh: number;
  fl: number;
  fc: number;
  fv: number;
  /** Working values (this chart bar). */
  wp: number;
  wi: number;
  wo: number;
  wh: number;
  wl: number;
  wc: number;
  wv: number;
  wform: number[];
  wconf: number[];
  wclosed: boolean;
  /** A new confirmed value arrived on this chart bar (gaps_on, lookahead_off). */
  arrived: boolean;
  /** This chart bar opened a period (gaps_on, lookahead_on). */
  opened: boolean;
  /** End of the working period (ms). */
  wend: number;
  flags: number;
  /** The chart's bar registers while inside the context, and the chart bar index. */
  saved: number[];
  savedBar: number;
  /** Another symbol: '' for the chart's own; else symbol and timeframe of the bars (`sym\0tf`). */
  okey: string;
  /** The next bar of the other symbol to run; the values of bar oi - 1 and oi - 2; the close time
   * of bar oi - 1; the bar index last shown (gaps_on); passes of the loop on this chart bar. */
  oi: number;
  ocur: number[];
  oprev: number[];
  otc: number;
  oshown: number;
  loop: number;
  /** No data and ignore_invalid_symbol: na. */
  ono: boolean;
  /** request.security_lower_tf: the values of this chart bar's intrabars. */
  items: number[];
}

function newRequestState(): RequestState {
  return {
    bar: -1, tf: '',
    kp: NaN, ki: -1, ko: NaN, kh: NaN, kl: NaN, kc: NaN, kv: NaN, kform: [], kconf: [], kclosed: false, kend: NaN, fp: NaN, fdone: false, fh: NaN, fl: NaN, fc: NaN, fv: NaN,
    wp: NaN, wi: -1, wo: NaN, wh: NaN, wl: NaN, wc: NaN, wv: NaN, wform: [], wconf: [], wclosed: false,
    arrived: false, opened: false, wend: NaN, flags: 0, saved: [], savedBar: -1,
    okey: '', oi: 0, ocur: [], oprev: [], otc: NaN, oshown: -1, loop: 0, ono: false, items: [],
  };
}

const nz = (x: number): number => (x === x ? x : 0);

/** dst := src, item by item (both lists of the request's n values; a shorter dst grows). */
function copyInto(dst: number[], src: readonly number[]): void {
  for (let j = 0; j < src.length; j++) dst[j] = src[j] as number;
}

/** Parsed timeframes by text (immutable, shared by every instance). */
const TIMEFRAMES = new Map<string, TimeframeInfo>();

/** The requested timeframe, checked: a timeframe, not below the chart's. */
function timeframeOf(m: ContextHost, tfs: string): TimeframeInfo {
  let info = TIMEFRAMES.get(tfs);
  if (!info) {
    const parsed = parseTimeframe(tfs);
    if (!parsed) m.fail('bad-timeframe', `request.security(): "${tfs}" is not a timeframe (examples: "60", "240", "1D", "1W", "1M").`);
    info = parsed;
    if (TIMEFRAMES.size < 256) TIMEFRAMES.set(tfs, info);
  }
  if (timeframeSeconds(info) < timeframeSeconds(m.timeframe)) {
    m.fail('lower-timeframe', `request.security(): the requested timeframe "${tfs}" is lower than the chart's "${m.timeframe.period}"; use request.security_lower_tf() for intrabar data (not supported yet).`);
  }
  return info;
}

/** A symbol other than the chart's own name: true when it is a ticker id of ticker.* for the
 * chart's own symbol without modifiers (the chart's own context serves it); fails naming what has
 * no data when it is the chart's symbol with modifiers (Heikin Ashi, another session, ...); false
 * for another symbol (a dataset the host gives). */
function ownTicker(m: ContextHost, sym: unknown): boolean {
  const own = (x: string): boolean => x === m.syminfo.tickerid || x === m.syminfo.ticker;
  const std = typeof sym === 'string' ? tickerStandard(sym) : null;
  if (std === null || !own(std)) return false;
  const need = tickerNeeds(sym as string, m.syminfo.sessionType ?? 'regular');
  if (need !== null) {
    m.fail('no-data', `request.security(): no data for ${need} of "${std}" (ticker id ${sym as string}): only the chart's own standard bars have data here.`);
  }
  return true;
}

/** CTX_IN: enters the context of request slot `s` for the current chart bar (failing when `sym`,
 * null for the chart's own, names another symbol); returns the
 * execution id (higher-timeframe bar index) the expression runs with. */
export function ctxEnter(m: ContextHost, s: number, tf: unknown, sym: unknown, flags: number): number {
  if ((flags & CTX_LOWER) !== 0 || (sym !== null && sym !== '' && sym !== m.syminfo.tickerid && sym !== m.syminfo.ticker && !ownTicker(m, sym))) {
    return otherEnter(m, s, tf, sym, flags);
  }
  let st = m.cs[s] as RequestState | undefined;
  if (st === undefined) {
    st = newRequestState();
    m.cs[s] = st;
  }
  st.okey = '';
  st.loop = 0;
  const f = m.f;
  const chartBar = m.bar;
  const tfs = typeof tf === 'string' && tf !== '' ? tf : m.timeframe.period;
  if (chartBar !== st.bar) {
    // A new chart bar: the working values of the previous one are final.
    if (st.bar >= 0) {
      st.kp = st.wp; st.ki = st.wi; st.ko = st.wo; st.kh = st.wh; st.kl = st.wl; st.kc = st.wc; st.kv = st.wv;
      copyInto(st.kform, st.wform); copyInto(st.kconf, st.wconf); st.kclosed = st.wclosed; st.kend = st.wend;
    }
    st.bar = chartBar;
  }
  st.flags = flags;
  const t = f[R.time] as number;
  let p: number;
  if (tfs === st.tf && st.ki >= 0 && t >= st.kp && t < st.kend) {
    // Still inside the committed period (the common case: no calendar work).
    p = st.kp;
    st.wend = st.kend;
  } else {
    const info = timeframeOf(m, tfs);
    const sched = symbolSchedule(m.syminfo);
    p = periodStart(sched, info, t);
    st.wend = periodEnd(sched, info, t);
    st.tf = tfs;
  }
  const o = f[R.open] as number;
  const h = f[R.high] as number;
  const l = f[R.low] as number;
  const c = f[R.close] as number;
  const v = f[R.volume] as number;
  st.arrived = false;
  st.opened = false;
  copyInto(st.wconf, st.kconf);
  if (st.ki >= 0 && p === st.kp) {
    st.wi = st.ki;
    st.wo = st.ko;
    st.wh = Math.max(st.kh, h);
    st.wl = Math.min(st.kl, l);
    st.wc = c;
    st.wv = st.kv + nz(v);
  } else {
    // A new period; the previous one confirms now if no chart bar closed it.
    if (st.ki >= 0 && !st.kclosed) {
      copyInto(st.wconf, st.kform);
      st.arrived = true;
    }
    st.opened = true;
    st.wi = st.ki + 1;
    st.wo = o;
    st.wh = h;
    st.wl = l;
    st.wc = c;
    st.wv = nz(v);
  }
  st.wp = p;
  let ho = st.wo, hh = st.wh, hl = st.wl, hc = st.wc, hv = st.wv;
  const realtime = f[R.isRealtime] === 1;
  if ((flags & CTX_LOOKAHEAD) !== 0 && !realtime) {
    // Lookahead on history: the whole period, from the chart bars ahead (scanned once per period).
    if (!(st.fdone && st.fp === p)) {
      const cols = m.aheadCols;
      let done = false;
      if (cols !== null) {
        for (let i = m.aheadRow + 1; ; i++) {
          if (i >= cols.length) break;
          if (!((cols.time[i] as number) < st.wend)) {
            done = true;
            break;
          }
          const rh = cols.high[i] as number;
          const rl = cols.low[i] as number;
          if (rh > hh) hh = rh;
          if (rl < hl) hl = rl;
          hc = cols.close[i] as number;
          hv += nz(cols.volume[i] as number);
        }
      }
      st.fp = p;
      st.fdone = done;
      st.fh = hh;
      st.fl = hl;
      st.fc = hc;
      st.fv = hv;
    } else {
      hh = st.fh;
      hl = st.fl;
      hc = st.fc;
      hv = st.fv;
    }
  }
  // Save the chart's registers; write the higher-timeframe bar.
  const saved = st.saved;
  for (let r = 0; r < SWAPPED; r++) saved[r] = f[r] as number;
  st.savedBar = chartBar;
  f[R.open] = ho;
  f[R.high] = hh;
  f[R.low] = hl;
  f[R.close] = hc;
  f[R.volume] = hv;
  f[R.time] = p;
  f[R.timeClose] = st.wend;
  f[R.barIndex] = st.wi;
  f[R.hl2] = (hh + hl) / 2;
  f[R.hlc3] = (hh + hl + hc) / 3;
  f[R.ohlc4] = (ho + hh + hl + hc) / 4;
  f[R.hlcc4] = (hh + hl + hc + hc) / 4;
  f[R.isFirst] = st.wi === 0 ? 1 : 0;
  m.bar = st.wi;
  return st.wi;
}

/** CTX_OUT: records the `n` values of the expression (registers src..src+n-1), restores the chart
 * bar and writes what the chart sees to dst..dst+n-1; returns the chart bar index. */
export function ctxLeave(m: ContextHost, s: number, src: number, dst: number, n: number): number {
  const st = m.cs[s] as RequestState;
  if (st.okey) return otherLeave(m, st, dst, n);
  const f = m.f;
  // Every list below has n items, filled in place (no allocation per bar).
  const form = st.wform;
  for (let j = 0; j < n; j++) form[j] = f[src + j] as number;
  const saved = st.saved;
  for (let r = 0; r < SWAPPED; r++) f[r] = saved[r] as number;
  m.bar = st.savedBar;
  const closed = (f[R.timeClose] as number) >= st.wend;
  st.wclosed = closed;
  if (closed) {
    copyInto(st.wconf, form);
    st.arrived = true;
  }
  const realtime = f[R.isRealtime] === 1;
  const gaps = (st.flags & CTX_GAPS) !== 0;
  let out: number[] | null;
  if (realtime) out = form;
  else if ((st.flags & CTX_LOOKAHEAD) !== 0) out = gaps && !st.opened ? null : form;
  else out = gaps && !st.arrived ? null : st.wconf;
  for (let j = 0; j < n; j++) f[dst + j] = out === null ? NaN : (out[j] ?? NaN);
  return st.savedBar;
}

// --- Another symbol, and intrabars (request.security_lower_tf)

function fnName(flags: number): string {
  return (flags & CTX_LOWER) !== 0 ? 'request.security_lower_tf()' : 'request.security()';
}

/** The bars of the context's symbol and timeframe: from the slot's cache, else from the host's
 * answers; suspends (throws DataNeeded, nothing changed yet) when the host has not answered. */
function feedOf(m: ContextHost, s: number, sym: string, tfs: string, info: TimeframeInfo, flags: number): FeedBars | NoData {
  const got = m.data.bars(sym, tfs, info, fnName(flags));
  if (got === undefined) throw new DataNeeded({ symbol: sym, timeframe: tfs, lower: (flags & CTX_LOWER) !== 0 });
  m.feeds[s] = got instanceof NoData ? null : got;
  return got;
}

/** CTX_IN for another symbol or intrabars: checks the request, finds its bars (or suspends), saves
 * the chart's registers; the bars themselves are loaded by CTX_LOOP. Returns the chart bar. */
function otherEnter(m: ContextHost, s: number, tf: unknown, sym: unknown, flags: number): number {
  const fn = fnName(flags);
  const lower = (flags & CTX_LOWER) !== 0;
  if (typeof sym !== 'string' || sym === '') m.fail('no-data', `${fn}: the symbol is na.`);
  const tfs = typeof tf === 'string' && tf !== '' ? tf : m.timeframe.period;
  let info = TIMEFRAMES.get(tfs);
  if (!info) {
    const parsed = parseTimeframe(tfs);
    if (!parsed) m.fail('bad-timeframe', `${fn}: "${tfs}" is not a timeframe (examples: "60", "240", "1D", "1W", "1M").`);
    info = parsed;
    if (TIMEFRAMES.size < 256) TIMEFRAMES.set(tfs, info);
  }
  if (lower && timeframeSeconds(info) > timeframeSeconds(m.timeframe)) {
    m.fail('higher-timeframe', `${fn}: the requested timeframe "${tfs}" is higher than the chart's "${m.timeframe.period}": intrabars come from a lower timeframe (use request.security() for a higher one).`);
  }
  const got = feedOf(m, s, sym, tfs, info, flags);
  if (got instanceof NoData && (flags & CTX_IGNORE_INVALID) === 0) m.fail('no-data', got.message);
  let st = m.cs[s] as RequestState | undefined;
  if (st === undefined) {
    st = newRequestState();
    m.cs[s] = st;
  }
  const key = `${sym}\u0000${tfs}`;
  if (st.okey !== key) {
    // A new symbol or timeframe (first bar, or a dynamic request that changed): from its start.
    st.okey = key;
    st.oi = 0;
    st.ocur.length = 0;
    st.oprev.length = 0;
    st.otc = NaN;
    st.oshown = -1;
  }
  st.flags = flags;
  st.ono = got instanceof NoData;
  st.loop = 0;
  st.items.length = 0;
  const f = m.f;
  const saved = st.saved;
  for (let r = 0; r < SWAPPED; r++) saved[r] = f[r] as number;
  st.savedBar = m.bar;
  return m.bar;
}

/** CTX_LOOP: records the values of the bar just run (if any) and loads the next due bar; returns
 * its index (the execution id), or -1 when no bar is due (the loop ends). */
export function ctxLoop(m: ContextHost, s: number, src: number, n: number): number {
  const st = m.cs[s] as RequestState;
  if (!st.okey) {
    // A dynamic symbol that names the chart's own: the expression runs once, as CTX_IN set it up.
    if (st.loop === 0) {
      st.loop = 1;
      return m.bar;
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
  const saved = st.saved;
  const lower = (st.flags & CTX_LOWER) !== 0;
  if (st.loop > 0) {
    const prev = st.oprev;
    st.oprev = st.ocur;
    st.ocur = prev;
    for (let j = 0; j < n; j++) prev[j] = f[src + j] as number;
    if (lower && (bars.time[st.oi - 1] as number) >= (saved[R.time] as number)) st.items.push(f[src] as number);
  }
  const k = st.oi;
  if (k >= bars.length) return -1;
  const bt = bars.time[k] as number;
  const tc = saved[R.timeClose] as number;
  const due = lower ? bt < tc : bt <= (saved[R.time] as number) || (bars.timeClose[k] as number) <= tc;
  if (!due) return -1;
  const o = bars.open[k] as number;
  const h = bars.high[k] as number;
  const l = bars.low[k] as number;
  const c = bars.close[k] as number;
  f[R.open] = o;
  f[R.high] = h;
  f[R.low] = l;
  f[R.close] = c;
  f[R.volume] = bars.volume[k] as number;
  f[R.time] = bt;
  f[R.timeClose] = bars.timeClose[k] as number;
  f[R.barIndex] = k;
  f[R.hl2] = (h + l) / 2;
  f[R.hlc3] = (h + l + c) / 3;
  f[R.ohlc4] = (o + h + l + c) / 4;
  f[R.hlcc4] = (h + l + c + c) / 4;
  f[R.isFirst] = k === 0 ? 1 : 0;
  st.otc = bars.timeClose[k] as number;
  st.oi = k + 1;
  st.loop++;
  m.bar = k;
  return k;
}

/** CTX_OUT of another symbol: restores the chart bar; dst..dst+n-1 := what the chart sees. */
function otherLeave(m: ContextHost, st: RequestState, dst: number, n: number): number {
  const f = m.f;
  const saved = st.saved;
  for (let r = 0; r < SWAPPED; r++) f[r] = saved[r] as number;
  m.bar = st.savedBar;
  let out: number[] | null = null;
  if (!st.ono) {
    const cur = st.oi - 1;
    const lookahead = (st.flags & CTX_LOOKAHEAD) !== 0;
    // lookahead_on: the last bar opened by the chart bar; off: the last one closed by its close.
    const closed = cur >= 0 && st.otc <= (f[R.timeClose] as number);
    const idx = lookahead || closed ? cur : cur - 1;
    out = idx < 0 ? null : idx === cur ? st.ocur : st.oprev;
    if ((st.flags & CTX_GAPS) !== 0 && idx === st.oshown) out = null;
    if (idx >= 0) st.oshown = idx;
  }
  for (let j = 0; j < n; j++) f[dst + j] = out === null ? NaN : (out[j] ?? NaN);
  return st.savedBar;
}

/** CTX_OUT_ARR: leaves a lower-timeframe request: restores the chart bar; o[dst] := the array of
 * this chart bar's intrabar values (na with ignore_invalid_symbol and no data). */
export function ctxLeaveArray(m: ContextHost, s: number, dst: number, o: unknown[], bools: number): number {
  const st = m.cs[s] as RequestState;
  const f = m.f;
  const saved = st.saved;
  for (let r = 0; r < SWAPPED; r++) f[r] = saved[r] as number;
  m.bar = st.savedBar;
  o[dst] = st.ono ? null : newArray(bools === 1 ? st.items.map((x) => (x === x && x !== 0 ? 1 : 0)) : st.items.slice());
  st.items.length = 0;
  return st.savedBar;
}
