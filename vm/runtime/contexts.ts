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
// Another symbol's bars and intrabars (request.security_lower_tf): runtime/request-other.ts. The
// request's state record and what both share: runtime/request-state.ts.
//
// NESTED requests (one in another's expression): while a request's expression runs, its bars are
// in the registers and it is the running context (request-state.ts `activate`, m.ctxTop): a request
// entered then folds the running context's bars as its chart bars (one at a time: no rows ahead,
// no deferred quiet bars; its timeframe is compared with the running context's, whose symbol and
// timeframe syminfo.* and timeframe.period read), and leaving it makes its parent the running
// context again (`deactivate`).

import { R } from '../core/registers.js';
import { heikinAshiOf, tickerNeeds, tickerStandard } from '../builtins/ticker.js';
import type { SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import type { BarColumns } from '../data/bars.js';
import { parseTimeframe, timeframeSeconds } from '../builtins/time/timeframe.js';
import { symbolSchedule } from '../builtins/time/session.js';
import { periodEnd, periodStart } from '../builtins/time/periods.js';
import { NoData, type FeedBars } from './request-data.js';
import { CURRENCY_SEP, inCurrency, rateAt, ratePair } from './request-currency.js';
import {
  calcBarsOf,
  copyInto,
  activate,
  copyRegs,
  CTX_CALC_BARS,
  CTX_CURRENCY,
  CTX_GAPS,
  CTX_LOOKAHEAD,
  CTX_LOOPED,
  CTX_LOWER,
  CTX_OWN_LOOP,
  CTX_STRINGS,
  f1,
  newRequestState,
  nz,
  deactivate,
  readValues,
  swapIn,
  TIMEFRAMES,
  writeValues,
  type ContextHost,
  type LazyRows,
  type RequestedValue,
  type RequestState,
} from './request-state.js';
import { ctxLoop, nestedCheck, nowClose, otherEnter, otherLeave, otherLoad, rewind } from './request-other.js';

export { ctxLeaveArray, ctxLoop, contextSymbol, otherLoad } from './request-other.js';
export { chartRegister, contextRestore, deactivate } from './request-state.js';
export type { ContextHost, LazyRows, RequestState, RequestedValue } from './request-state.js';
export { CTX_CALC_BARS, CTX_CURRENCY, CTX_GAPS, CTX_IGNORE_INVALID, CTX_LOOKAHEAD, CTX_LOOPED, CTX_LOWER, CTX_OWN_LOOP, CTX_STRINGS } from './request-state.js';

const { close: CLOSE, high: HIGH, isRealtime: IS_REALTIME, lastBarIndex: LAST_BAR_INDEX, low: LOW, open: OPEN, time: TIME, timeClose: TIME_CLOSE, volume: VOLUME } = R;

/** ctxEnter of an own-symbol request (CTX_OWN_LOOP) at a timeframe below the chart's: nothing
 * entered; its intrabars run as another symbol's bars (CTX_IN_RUN goes on with them). */
const BELOW_CHART = -2;

/** The requested timeframe, checked: a timeframe, not below the chart's (null when it is and the
 * program runs such requests on intrabars: `below`). */
function timeframeOf(m: ContextHost, tfs: string, below = false): TimeframeInfo | null {
  let info = TIMEFRAMES.get(tfs);
  if (!info) {
    const parsed = parseTimeframe(tfs);
    if (!parsed) m.fail('bad-timeframe', `request.security(): "${tfs}" is not a timeframe (examples: "60", "240", "1D", "1W", "1M").`);
    info = parsed;
    if (TIMEFRAMES.size < 256) TIMEFRAMES.set(tfs, info);
  }
  if (timeframeSeconds(info) < timeframeSeconds(m.timeframe)) {
    if (below) return null;
    m.fail(
      'lower-timeframe',
      `request.security(): the requested timeframe "${tfs}" is lower than the chart's "${m.timeframe.period}": this program was compiled by an earlier version, which cannot run a request's expression on intrabars; compile the script again.`,
    );
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
  if (heikinAshiOf(sym as string) !== null) return true;
  const need = tickerNeeds(sym as string, m.syminfo.sessionType ?? 'regular');
  if (need !== null) {
    m.fail('no-data', `request.security(): no data for ${need} of "${std}" (ticker id ${sym as string}): only the chart's own standard bars have data here.`);
  }
  return true;
}

/** CTX_IN: enters the context of request slot `s` for the current chart bar (failing when `sym`,
 * null for the chart's own, names another symbol); returns the
 * execution id (higher-timeframe bar index) the expression runs with. */
export function ctxEnter(m: ContextHost, s: number, tf: unknown, sym: unknown, flags: number, rate = 1): number {
  // (A symbol this slot already serves as another symbol's is not parsed as a ticker id again.)
  if (
    (flags & CTX_LOWER) !== 0 ||
    (sym !== null &&
      sym !== '' &&
      (sym === m.syminfo.tickerid || sym === m.syminfo.ticker
        ? m.data.wholeOwn // calc_bars_count: the chart's own plain bars from the host (request-data.ts)
        : sym === m.feedSym[s] || !ownTicker(m, sym)))
  ) {
    return otherEnter(m, s, tf, sym, flags);
  }
  let st = m.cs[s] as RequestState | undefined;
  if (st === undefined) {
    st = newRequestState();
    m.cs[s] = st;
  }
  const lz = m.lazy[s];
  if (lz !== undefined && lz.on) settle(st, lz);
  st.okey = '';
  st.loop = 0;
  const f = m.f;
  const chartBar = m.bar;
  const tfs = typeof tf === 'string' && tf !== '' ? tf : m.timeframe.period;
  if (chartBar !== st.bar) {
    // A new chart bar: the working values of the previous one are final.
    if (st.bar >= 0) {
      st.kp = st.wp; st.ki = st.wi; st.ko = st.wo; st.kh = st.wh; st.kl = st.wl; st.kc = st.wc; st.kv = st.wv;
      // (Lists copied only when they changed: most chart bars neither run the expression nor
      // confirm a value.)
      if (st.fd !== false) {
        copyInto(st.kform, st.wform);
        st.fd = false;
      }
      if (st.arrived) copyInto(st.kconf, st.wconf);
      st.kclosed = st.wclosed; st.kend = st.wend;
      if (st.ha === true) {
        st.kho = st.who; st.khc = st.whc; st.kpo = st.wpo; st.kpc = st.wpc;
      }
    }
    st.bar = chartBar;
  } else if (st.arrived) {
    // The same chart bar again (a realtime tick): its working confirmed value starts over.
    copyInto(st.wconf, st.kconf);
  }
  st.flags = flags;
  const t = f[TIME] as number;
  let p: number;
  if (tfs === st.tf && st.ki >= 0 && t >= st.kp && t < st.kend) {
    // Still inside the committed period (the common case: no calendar work).
    p = st.kp;
    st.wend = st.kend;
  } else {
    const info = timeframeOf(m, tfs, (flags & CTX_OWN_LOOP) !== 0);
    if (info === null) return BELOW_CHART;
    const sched = symbolSchedule(m.syminfo);
    p = periodStart(sched, info, t);
    st.wend = periodEnd(sched, info, t);
    st.tf = tfs;
  }
  // (currency = X: the chart bar's prices in X.)
  if ((flags & (CTX_CURRENCY - 1)) >= CTX_CALC_BARS) {
    // calc_bars_count: the context starts with the first of the last N periods.
    if (st.cstart === undefined) st.cstart = lastPeriods(m, tfs, calcBarsOf(flags));
    if (p < st.cstart) {
      st.flags = flags;
      st.run = false;
      st.loop = 0;
      st.savedBar = chartBar;
      st.wend = NaN;
      st.arrived = false;
      st.opened = false;
      return chartBar;
    }
  }
  const o = (f[OPEN] as number) * rate;
  const h = (f[HIGH] as number) * rate;
  const l = (f[LOW] as number) * rate;
  const c = (f[CLOSE] as number) * rate;
  const v = f[VOLUME] as number;
  st.arrived = false;
  st.opened = false;
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
  const realtime = f[IS_REALTIME] === 1;
  let scanned = false;
  if ((flags & CTX_LOOKAHEAD) !== 0 && !realtime) {
    // Lookahead on history: the whole period, from the chart bars ahead (scanned once per period).
    if (!(st.fdone && st.fp === p)) {
      scanned = true;
      const cols = m.aheadCols;
      let done = false;
      if (cols !== null) {
        for (let i = m.aheadRow + 1; ; i++) {
          if (i >= cols.length) break;
          if (!((cols.time[i] as number) < st.wend)) {
            done = true;
            break;
          }
          // (The period's chart bars share its exchange rate.)
          const rh = (cols.high[i] as number) * rate;
          const rl = (cols.low[i] as number) * rate;
          if (rh > hh) hh = rh;
          if (rl < hl) hl = rl;
          hc = (cols.close[i] as number) * rate;
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
  if (sym !== st.hsym) {
    st.hsym = sym;
    st.ha = typeof sym === 'string' && heikinAshiOf(sym) !== null;
  }
  if (st.ha === true) {
    // Heikin Ashi bars of the requested timeframe's bars: close = ohlc4; open = the average of the
    // previous Heikin Ashi bar's open and close ((open + close) / 2 on the first); high and low
    // take them in.
    const po = st.opened ? (st.kho ?? NaN) : (st.kpo ?? NaN);
    const pc = st.opened ? (st.khc ?? NaN) : (st.kpc ?? NaN);
    st.wpo = po;
    st.wpc = pc;
    const haC = (ho + hh + hl + hc) / 4;
    const haO = po === po && pc === pc ? (po + pc) / 2 : (ho + hc) / 2;
    st.who = haO;
    st.whc = haC;
    ho = haO;
    hc = haC;
    hh = Math.max(hh, haO, haC);
    hl = Math.min(hl, haO, haC);
  }
  st.savedBar = chartBar;
  if ((flags & CTX_LOOPED) !== 0) {
    // CTX_LOOP swaps the registers, when the expression must run.
    st.ro = ho;
    st.rh = hh;
    st.rl = hl;
    st.rc = hc;
    st.rv = hv;
    st.loop = 0;
    st.run = scanned || mustRun(m, st, flags, realtime);
    return chartBar;
  }
  swapIn(m, st, ho, hh, hl, hc, hv);
  activate(m, s, st, tfs);
  return st.wi;
}

/** The start of the first of the last `n` periods of `tfs` that hold chart bars, from the chart
 * bars of the running runBars call (this row to the chart's last bar); NaN when there are fewer, or
 * when the bars come one at a time (no limit then: all of them). */
function lastPeriods(m: ContextHost, tfs: string, n: number): number {
  const cols = m.aheadCols;
  const info = TIMEFRAMES.get(tfs) ?? parseTimeframe(tfs);
  if (cols === null || info === null) return NaN;
  const sched = symbolSchedule(m.syminfo);
  const row = m.aheadRow;
  let end = cols.length - 1;
  const last = m.f[LAST_BAR_INDEX] as number;
  if (last === last) end = Math.min(end, row + (last - m.bar));
  let start = Infinity;
  let count = 0;
  for (let i = end; i >= row; i--) {
    const t = cols.time[i] as number;
    if (t < start) {
      start = periodStart(sched, info, t);
      if (++count === n) return start;
    }
  }
  return NaN;
}


/** Whether the expression of an own-symbol request must run on this chart bar. On history with
 * the bars ahead known (runBars), its value is used only where a period's value is taken: with
 * lookahead_off on the chart bar that closes the period or the last one before the next period
 * (its value confirms there); with lookahead_on on the period's first chart bar once the whole
 * period is known (every chart bar of it sees the same whole-period bar). Elsewhere the forming
 * bar would be evaluated from the same committed state and its value dropped, so skipping it
 * changes nothing (Pine's per-execution rule) — and saves most of the work of a request. */
function mustRun(m: ContextHost, st: RequestState, flags: number, realtime: boolean): boolean {
  const cols = m.aheadCols;
  if (cols === null || realtime) return true;
  // (A bar whose period was (re)scanned runs before this is asked.)
  if ((flags & CTX_LOOKAHEAD) !== 0) return st.opened || !st.fdone;
  if ((m.f[TIME_CLOSE] as number) >= st.wend) return true;
  const next = m.aheadRow + 1;
  return next >= cols.length || !((cols.time[next] as number) < st.wend);
}


/** CTX_OUT: records the `n` values of the expression (registers src..src+n-1), restores the chart
 * bar and writes what the chart sees to dst..dst+n-1; returns the chart bar index. */
export function ctxLeave(m: ContextHost, s: number, src: number, dst: number, count: number): number {
  const st = m.cs[s] as RequestState;
  const n = count % CTX_STRINGS;
  const mask = (count - n) / CTX_STRINGS;
  const lz = m.lazy[s];
  if (lz !== undefined && lz.on && lz.last === m.aheadRow) {
    // A deferred quiet chart bar (ctxEnterRun): the value held, or na with gaps_on (no value
    // arrived, no period opened on it).
    const out = (st.flags & CTX_GAPS) !== 0 ? null : (st.flags & CTX_LOOKAHEAD) !== 0 ? st.wform : st.wconf;
    if (mask !== 0) writeValues(m, out, dst, n, mask);
    else if (n === 1) f1(m.f, dst, out);
    else for (let j = 0; j < n; j++) m.f[dst + j] = out === null ? NaN : ((out[j] as number | undefined) ?? NaN);
    return m.bar;
  }
  if (st.okey) return otherLeave(m, st, dst, n, mask);
  const f = m.f;
  // Every list below has n items, filled in place (no allocation per bar).
  const form = st.wform;
  if ((st.flags & CTX_LOOPED) === 0 || st.loop === 1) {
    // The expression ran: its value, and the chart's registers back.
    if (mask === 0) for (let j = 0; j < n; j++) form[j] = f[src + j] as number;
    else readValues(m, form, src, n, mask);
    st.fd = true;
    copyRegs(f, st.saved);
    m.bar = st.savedBar;
    deactivate(m, st);
  }
  const closed = (f[TIME_CLOSE] as number) >= st.wend;
  st.wclosed = closed;
  if (closed) {
    copyInto(st.wconf, form);
    st.arrived = true;
  }
  const realtime = f[IS_REALTIME] === 1;
  const gaps = (st.flags & CTX_GAPS) !== 0;
  let out: RequestedValue[] | null;
  if (realtime) out = form;
  else if ((st.flags & CTX_LOOKAHEAD) !== 0) out = gaps && !st.opened ? null : form;
  else out = gaps && !st.arrived ? null : st.wconf;
  if (mask !== 0) writeValues(m, out, dst, n, mask);
  else if (n === 1) f[dst] = out === null ? NaN : (out[0] as number);
  else for (let j = 0; j < n; j++) f[dst + j] = out === null ? NaN : ((out[j] as number | undefined) ?? NaN);
  return st.savedBar;
}


/** request.security(syminfo.tickerid, ..., currency = `to`): the factor that converts the chart
 * bar's prices from the chart's currency (syminfo.currency) to `to`: the close of the exchange-rate
 * pair FROMTO's last bar (at the requested timeframe `tfs`) that opened at or before the chart bar
 * (na before its first), else 1 / that of the inverse pair TOFROM; 1 when no conversion is needed.
 * The pair's bars are a host call like another symbol's (asked before the context changes), cached
 * per slot in `m.feeds` (the own context uses no feed of its own; `feedKey` "i": inverse). */
function ownRate(m: ContextHost, s: number, tfs: string, to: string): number {
  const from = m.syminfo.currency ?? '';
  if (to === '' || to === 'NONE' || from === '' || from === to) return 1;
  let rate = m.feeds[s];
  if (rate === undefined || rate === null || m.feedSym[s] !== to || m.feedTf[s] !== tfs) {
    const info = TIMEFRAMES.get(tfs) ?? parseTimeframe(tfs);
    if (!info) return 1; // (the context fails naming the timeframe)
    const got = ratePair(m.data, from, to, tfs, info, 'request.security()', `the chart's symbol "${m.syminfo.tickerid}"`);
    if (got instanceof NoData) return m.fail('no-data', got.message);
    m.feeds[s] = got.bars;
    m.feedSym[s] = to;
    m.feedTf[s] = tfs;
    m.feedKey[s] = got.inverse ? 'i' : 'd';
    rate = got.bars;
  }
  return rateAt(rate, m.feedKey[s] === 'i', m.f[TIME] as number);
}

/** CTX_IN_RUN (the chart's own symbol): CTX_IN, then, when the expression must run on this chart
 * bar, swaps the higher-timeframe bar into the registers and returns its index (the execution id);
 * else -1. */
export function ctxEnterRun(m: ContextHost, s: number, tf: unknown, flags: number): number {
  if (m.ctxTop < 0) return enterRun(m, s, tf, flags);
  nestedCheck(m, flags);
  // A NESTED request (in the expression of another): its "chart" is the running context, whose
  // bars come one at a time (the chart's rows ahead are not its bars: no lookahead scan, no
  // deferred quiet bars, the expression runs whenever it is entered).
  const cols = m.aheadCols;
  const on = m.lazyOn;
  const row = m.aheadRow;
  m.aheadCols = null;
  m.lazyOn = false;
  if ((flags & CTX_LOOKAHEAD) !== 0 && cols !== null && m.f[IS_REALTIME] !== 1 && aboveContext(m, tf)) {
    // lookahead_on above the running context's timeframe, on history: the rest of the requested
    // period after the outer bar. When every running context is the chart's own symbol, the outer
    // bars are built from the chart's rows: the rows from the end of the outer bar's period on
    // (ctxEnter's scan, as from the rows ahead of a chart bar).
    const from = ownChainEnd(m);
    if (from === null) {
      m.fail('nested-request', `request.security(lookahead = barmerge.lookahead_on) at "${String(tf)}" inside the expression of another symbol's request at "${m.timeframe.period}" is not supported yet on historical bars (the whole requested period is not known there): use lookahead_off, or request it outside.`);
    }
    m.aheadCols = cols;
    m.aheadRow = firstRowFrom(cols, row + 1, from) - 1;
  }
  try {
    return enterRun(m, s, tf, flags);
  } finally {
    m.aheadCols = cols;
    m.aheadRow = row;
    m.lazyOn = on;
  }
}

/** Whether `tf` ("" is the running context's) is above the running context's timeframe. */
function aboveContext(m: ContextHost, tf: unknown): boolean {
  if (typeof tf !== 'string' || tf === '') return false;
  const text = (flagsCut(tf));
  const info = TIMEFRAMES.get(text) ?? parseTimeframe(text);
  return info !== null && timeframeSeconds(info) > timeframeSeconds(m.timeframe);
}

/** The timeframe text of a CTX_IN_RUN operand (without a currency suffix). */
function flagsCut(tf: string): string {
  const cut = tf.indexOf(CURRENCY_SEP);
  return cut < 0 ? tf : tf.slice(0, cut);
}

/** When every running context is the chart's own symbol: the end of the innermost one's period (its
 * bar's close time); else null. */
function ownChainEnd(m: ContextHost): number | null {
  const top = m.cs[m.ctxTop] as RequestState;
  for (let k = m.ctxTop, guard = 0; k >= 0 && guard < 64; guard++) {
    const st = m.cs[k] as RequestState;
    if (st.okey !== '') return null;
    k = st.par ?? -1;
  }
  return top.wend;
}

/** The first row at or after `row` whose time is at or after `t` (cols.length if none). */
function firstRowFrom(cols: BarColumns, row: number, t: number): number {
  let lo = row;
  let hi = cols.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cols.time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function enterRun(m: ContextHost, s: number, tf: unknown, flags: number): number {
  // (The symbol of the running context: the chart's, or, nested, the outer request's.)
  let sym = m.syminfo.tickerid;
  let rate = 1;
  /** The chart's symbol as the expression sees it when its prices are converted. */
  let conv: SymbolInfo | null = null;
  if ((flags & CTX_CURRENCY) !== 0) {
    // request.security(syminfo.tickerid, tf, expr, currency = X): the operand is tf + SEP + X.
    const text = String(tf);
    const cut = text.indexOf(CURRENCY_SEP);
    const to = text.slice(cut + 1);
    tf = text.slice(0, cut);
    sym = `${sym}${CURRENCY_SEP}${to}`;
    if (!belowChart(m, tf)) {
      rate = ownRate(m, s, typeof tf === 'string' && tf !== '' ? tf : m.timeframe.period, to);
      const from = m.syminfo.currency ?? '';
      if (from !== '' && to !== '' && to !== 'NONE' && from !== to) conv = inCurrency(m.syminfo, to);
    }
  }
  let st = m.cs[s] as RequestState | undefined;
  if (st !== undefined && st.okey !== '' && (flags & CTX_OWN_LOOP) !== 0 && (tf === m.feedTf[s] || belowChart(m, tf))) {
    // Intrabars (the timeframe is below the chart's): loaded for this request already.
    return enterLoop(m, s, tf, sym, flags, true);
  }
  // Deferred and quiet bars take the chart bar's prices as they are: not for a converted currency.
  const plain = (flags & CTX_CURRENCY) === 0;
  if (st !== undefined) {
    const lz = m.lazy[s];
    if (lz !== undefined && lz.on) {
      const row = m.aheadRow;
      if (row === lz.last + 1 && tf === st.tf && flags === st.flags && quietRow(m, st, row)) {
        lz.last = row;
        return -1;
      }
      settle(st, lz);
    } else if (plain && m.lazyOn && m.bar === st.bar + 1 && m.aheadCols !== null && canDefer(m, st, tf, flags) && quietRow(m, st, m.aheadRow)) {
      deferFrom(m, s, st);
      return -1;
    }
  }
  if (st === undefined || !plain || !quietEnter(m, st, tf, flags)) {
    if (ctxEnter(m, s, tf, null, flags, rate) === BELOW_CHART) return enterLoop(m, s, tf, sym, flags, true);
    st = m.cs[s] as RequestState;
  }
  if (st.run) {
    st.loop = 1;
    swapIn(m, st, st.ro, st.rh, st.rl, st.rc, st.rv);
    activate(m, s, st, st.tf);
    if (conv !== null) {
      // syminfo.currency inside is the requested currency (until CTX_OUT; a snapshot taken
      // inside restores it: contextSymbol).
      st.osym = conv;
      st.inside = true;
      m.syminfo = conv;
    }
    return st.wi;
  }
  return -1;
}

/** ctxEnter of an own-symbol request (CTX_LOOPED) on the commonest chart bar: a confirmed bar after
 * the one the context last saw, inside the same higher-timeframe period, nothing to copy between
 * the value lists (no value ran or confirmed on the previous chart bar), the same timeframe and
 * flags. Does what ctxEnter does then, with nothing else (most chart bars of a request are these:
 * 23 of 24 hours of a day). False, having changed nothing, when the bar is not such a bar. */
function quietEnter(m: ContextHost, st: RequestState, tf: unknown, flags: number): boolean {
  const f = m.f;
  const chartBar = m.bar;
  const t = f[TIME] as number;
  if (
    st.okey !== '' || chartBar === st.bar || st.bar < 0 || st.fd !== false || st.arrived || tf !== st.tf || flags !== st.flags ||
    (flags & CTX_LOOPED) === 0 || f[IS_REALTIME] === 1 || !(t >= st.wp && t < st.wend)
  ) {
    return false;
  }
  const look = (flags & CTX_LOOKAHEAD) !== 0;
  if (look && !(st.fdone && st.fp === st.wp)) return false;
  // Commit the previous chart bar's working values (the lists are equal: see the conditions).
  const wh = st.wh;
  const wl = st.wl;
  const wv = st.wv;
  st.kp = st.wp; st.ki = st.wi; st.ko = st.wo; st.kh = wh; st.kl = wl; st.kc = st.wc; st.kv = wv;
  st.kclosed = st.wclosed; st.kend = st.wend;
  st.bar = chartBar;
  st.loop = 0;
  // The period goes on: its aggregate takes this chart bar.
  const h = f[HIGH] as number;
  const l = f[LOW] as number;
  const c = f[CLOSE] as number;
  const nh = Math.max(wh, h);
  const nl = Math.min(wl, l);
  const nv = wv + nz(f[VOLUME] as number);
  st.wh = nh;
  st.wl = nl;
  st.wc = c;
  st.wv = nv;
  st.opened = false;
  st.savedBar = chartBar;
  st.ro = st.wo;
  if (look) {
    st.rh = st.fh;
    st.rl = st.fl;
    st.rc = st.fc;
    st.rv = st.fv;
    // mustRun: the whole period is known and ran on its first chart bar.
    st.run = m.aheadCols === null;
    return true;
  }
  st.rh = nh;
  st.rl = nl;
  st.rc = c;
  st.rv = nv;
  st.run = mustRun(m, st, flags, false);
  return true;
}

/** Whether `tf` is a timeframe below the chart's. */
function belowChart(m: ContextHost, tf: unknown): boolean {
  if (typeof tf !== 'string' || tf === '') return false;
  let info = TIMEFRAMES.get(tf);
  if (!info) {
    const parsed = parseTimeframe(tf);
    if (!parsed) return false; // (the own context fails naming it)
    info = parsed;
    if (TIMEFRAMES.size < 256) TIMEFRAMES.set(tf, info);
  }
  return timeframeSeconds(info) < timeframeSeconds(m.timeframe);
}

/** Whether the request's state (exact as of the previous chart bar) may start deferring quiet
 * bars: what quietEnter asks of it. */
function canDefer(m: ContextHost, st: RequestState, tf: unknown, flags: number): boolean {
  if (st.multi === true || st.okey !== '' || st.bar < 0 || st.fd !== false || st.arrived || tf !== st.tf || flags !== st.flags || (flags & CTX_LOOPED) === 0) return false;
  return (flags & CTX_LOOKAHEAD) === 0 || (st.fdone && st.fp === st.wp);
}

/** Whether the confirmed chart bar of `row` (its registers written) is quiet for a request whose
 * working period is st.wp..st.wend: inside it, not its last chart bar (by its close and by the
 * next row), so the expression does not run and no value confirms. */
function quietRow(m: ContextHost, st: RequestState, row: number): boolean {
  const f = m.f;
  const end = st.wend;
  const t = f[TIME] as number;
  const cols = m.aheadCols;
  if (cols === null || !(t >= st.wp && t < end) || !((f[TIME_CLOSE] as number) < end) || f[IS_REALTIME] === 1) return false;
  const next = row + 1;
  return next < cols.length && (cols.time[next] as number) < end;
}

/** Starts deferring at the current chart bar (row m.aheadRow): the state stays as of the one before. */
function deferFrom(m: ContextHost, s: number, st: RequestState): void {
  let lz = m.lazy[s];
  if (lz === undefined) {
    lz = { on: false, row0: 0, last: 0, bar0: 0, cols: null };
    m.lazy[s] = lz;
  }
  lz.on = true;
  lz.row0 = m.aheadRow - 1;
  lz.last = m.aheadRow;
  lz.bar0 = st.bar;
  lz.cols = m.aheadCols;
  m.lazySlots.push(s);
}

/** Applies the deferred quiet bars row0+1..last to the state, as quietEnter and ctxLeave would have
 * one by one: the state is then exact as of the chart bar of `last` (after its CTX_OUT). */
function settle(st: RequestState, lz: LazyRows): void {
  lz.on = false;
  const cols = lz.cols;
  lz.cols = null;
  if (cols === null) return;
  const a = lz.row0 + 1;
  const b = lz.last;
  let wh = st.wh;
  let wl = st.wl;
  let wc = st.wc;
  let wv = st.wv;
  const high = cols.high;
  const low = cols.low;
  const close = cols.close;
  const volume = cols.volume;
  for (let r = a; r < b; r++) {
    wh = Math.max(wh, high[r] as number);
    wl = Math.min(wl, low[r] as number);
    wc = close[r] as number;
    wv += nz(volume[r] as number);
  }
  // The commit of chart bar `b`: the working values of bar b - 1 (row0's own when b - 1 is row0).
  st.kp = st.wp; st.ki = st.wi; st.ko = st.wo; st.kh = wh; st.kl = wl; st.kc = wc; st.kv = wv;
  st.kclosed = b - 1 === lz.row0 ? st.wclosed : false;
  st.kend = st.wend;
  wh = Math.max(wh, high[b] as number);
  wl = Math.min(wl, low[b] as number);
  wc = close[b] as number;
  wv += nz(volume[b] as number);
  st.wh = wh;
  st.wl = wl;
  st.wc = wc;
  st.wv = wv;
  const bar = lz.bar0 + (b - lz.row0);
  st.bar = bar;
  st.savedBar = bar;
  st.loop = 0;
  st.opened = false;
  st.wclosed = false;
  st.ro = st.wo;
  if ((st.flags & CTX_LOOKAHEAD) !== 0) {
    st.rh = st.fh;
    st.rl = st.fl;
    st.rc = st.fc;
    st.rv = st.fv;
  } else {
    st.rh = wh;
    st.rl = wl;
    st.rc = wc;
    st.rv = wv;
  }
  st.run = false;
}

/** Applies the deferred quiet bars of request slot `s`, if any (before its state is set aside:
 * runtime/request-keys.ts). */
export function settleSlot(m: ContextHost, s: number): void {
  const lz = m.lazy[s];
  const st = m.cs[s] as RequestState | undefined;
  if (lz !== undefined && lz.on && st !== undefined) settle(st, lz);
}

/** Applies every request's deferred quiet bars (the end of runBars' rows: Instance.runRows). */
export function settleContexts(m: ContextHost): void {
  const slots = m.lazySlots;
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i] as number;
    const lz = m.lazy[s];
    const st = m.cs[s] as RequestState | undefined;
    if (lz !== undefined && lz.on && st !== undefined) settle(st, lz);
  }
  slots.length = 0;
}

/** CTX_IN_LOOP: CTX_IN, then the loop's first pass (ctxLoop): the first due bar's index, or -1. */
export function ctxEnterLoop(m: ContextHost, s: number, tf: unknown, sym: unknown, flags: number): number {
  return enterLoop(m, s, tf, sym, flags, false);
}

/** CTX_IN_LOOP, or (`own`) CTX_IN_RUN of the chart's own symbol at a timeframe below the chart's,
 * whose intrabars come from the host like another symbol's bars. */
function enterLoop(m: ContextHost, s: number, tf: unknown, sym: unknown, flags: number, own: boolean): number {
  const st = m.cs[s] as RequestState | undefined;
  if (st !== undefined && st.okey !== '' && st.okey === m.feedKey[s] && sym === m.feedSym[s] && tf === m.feedTf[s] && flags === st.flags && m.feeds[s] != null) {
    // The common case of another symbol: the same symbol, timeframe and flags as on the previous
    // chart bar, bars at hand (what otherEnter does then, without its checks).
    const f = m.f;
    st.ono = false;
    st.loop = 0;
    if ((flags & CTX_LOWER) !== 0 && st.items.length !== 0) st.items.length = 0;
    st.ct = f[TIME] as number;
    st.ctc = f[TIME_CLOSE] as number;
    if (m.ctxTop >= 0 && f[IS_REALTIME] === 1) nowClose(m, st);
    st.savedBar = m.bar;
    const bars = m.feeds[s] as FeedBars;
    if (st.opart === true || f[IS_REALTIME] === 1) rewind(m, st, bars);
    return otherLoad(m, st, bars, s);
  }
  if (own) otherEnter(m, s, tf, sym, flags);
  else ctxEnter(m, s, tf, sym, flags);
  return ctxLoop(m, s, 0, 0);
}

