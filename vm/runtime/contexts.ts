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
// The compiler then wraps the expression in a loop, CTX_IN_LOOP; L: expression; CTX_NEXT L;
// CTX_OUT (an earlier compiler's programs: CTX_IN; L: CTX_LOOP; expression; JMP L; CTX_OUT),
// because a chart bar may be due several bars of the other symbol: each pass loads the next due
// bar (bar registers, execution id = its index) and records the values of the bar
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
import { CTX_GAPS_FLAG, CTX_LOOKAHEAD_FLAG, CTX_LOWER_FLAG } from './jit-ops.js';
import { heikinAshiOf, tickerNeeds, tickerStandard } from '../builtins/ticker.js';
import type { BarColumns } from '../data/bars.js';
import type { SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import { parseTimeframe, timeframeSeconds } from '../builtins/time/timeframe.js';
import { symbolSchedule } from '../builtins/time/session.js';
import { periodEnd, periodStart } from '../builtins/time/periods.js';
import { newArray } from '../core/heap.js';
import { DataNeeded, NoData, type FeedBars, type RequestData } from './request-data.js';
import { convertBars, CURRENCY_SEP, rateAt, ratePair } from './request-currency.js';
import { copyRequested } from './request-copy.js';

// The bar registers as module constants: the per-bar paths read no object.
const {
  barIndex: BAR_INDEX,
  close: CLOSE,
  high: HIGH,
  hl2: HL2,
  hlc3: HLC3,
  hlcc4: HLCC4,
  isFirst: IS_FIRST,
  isRealtime: IS_REALTIME,
  lastBarIndex: LAST_BAR_INDEX,
  low: LOW,
  ohlc4: OHLC4,
  open: OPEN,
  time: TIME,
  timeClose: TIME_CLOSE,
  volume: VOLUME,
} = R;

/** The bar registers a context replaces: open .. isFirst (registers 0..12 of core/registers.ts). */
const SWAPPED = IS_FIRST + 1;
if (SWAPPED !== 13) throw new Error("Internal: contexts.ts copyRegs copies 13 bar registers.");

/** Flags operand of CTX_IN. */
export const CTX_GAPS = 1;
export const CTX_LOOKAHEAD = 2;
export const CTX_IGNORE_INVALID = 4;
export const CTX_LOWER = 8;
/** request.security_lower_tf(ignore_invalid_timeframe = true) (CTX_LOWER set: the gaps bit). */
const CTX_IGNORE_TF = CTX_GAPS;
if (CTX_GAPS !== CTX_GAPS_FLAG || CTX_LOOKAHEAD !== CTX_LOOKAHEAD_FLAG || CTX_LOWER !== CTX_LOWER_FLAG) throw new Error('Internal: jit-ops.ts writes the request flags as contexts.ts defines them.');
/** The program runs the expression between CTX_LOOP and a JMP back to it (every request of this
 * compiler): the chart's own symbol then swaps the registers in CTX_LOOP, and only when the
 * expression's value is needed (see `mustRun`). Programs without it swap in CTX_IN. */
export const CTX_LOOPED = 16;

/** The count operand of CTX_OUT and CTX_NEXT: the number of values (below CTX_STRINGS, at most 16)
 * plus CTX_STRINGS times a mask of the values that are strings (bit j: value j is in o[src + j],
 * not f[src + j]; na is null). Strings are recorded in the context's lists as they are (state is
 * plain data), so snapshots and rollback carry them like numbers. */
export const CTX_STRINGS = 32;

/** A requested value: a number (na = NaN), a string or a heap object (an array, map, matrix,
 * chart point or object of a user-defined type: an independent copy, never changed once recorded;
 * see runtime/request-copy.ts) (na = null). */
export type RequestedValue = number | string | object | null;
/** Flags above CTX_LOOPED: request.security(calc_bars_count = (flags & (CTX_CURRENCY - 1)) /
 * CTX_CALC_BARS, whole part): its context runs on its last N bars only, bar_index counted from the
 * first. */
export const CTX_CALC_BARS = 32;
/** CTX_IN_RUN of a program whose own-symbol expression is followed by CTX_NEXT (this compiler's):
 * at a timeframe below the chart's the expression runs once per intrabar, from a dataset of the
 * chart's ticker the host gives (as another symbol's); programs without it fail there. */
export const CTX_OWN_LOOP = 2 ** 30;

/** CTX_IN_RUN whose timeframe operand is `timeframe + CURRENCY_SEP + currency`: request.security(
 * syminfo.tickerid, ..., currency = X) converts the chart's prices (see `ownRate`). */
export const CTX_CURRENCY = 2 ** 29;

/** calc_bars_count of a request's flags. */
function calcBarsOf(flags: number): number {
  return Math.floor((flags & (CTX_CURRENCY - 1)) / CTX_CALC_BARS);
}

/** What the context code needs of the machine. */
export interface ContextHost {
  f: Float64Array;
  o: unknown[];
  cs: unknown[];
  bar: number;
  syminfo: SymbolInfo;
  chartSyminfo: SymbolInfo;
  timeframe: TimeframeInfo;
  fail(code: string, message: string): never;
  /** The columns of the running runBars call and the current bar's row: the confirmed chart bars
   * ahead (null when bars come one at a time). */
  aheadCols: BarColumns | null;
  aheadRow: number;
  /** Other symbols' datasets the host gave (runtime/request-data.ts). */
  data: RequestData;
  /** Bars of each other-symbol context by state slot, and the symbol and timeframe they are for
   * (a cache: not state). */
  feeds: (FeedBars | null | undefined)[];
  feedSym: unknown[];
  feedTf: unknown[];
  feedKey: string[];
  /** Own-symbol requests whose quiet chart bars are deferred (see `LazyRows`), by state slot, and
   * the slots deferred now; `lazyOn` while runBars' rows run (both tiers), when they may be. */
  lazy: (LazyRows | undefined)[];
  lazySlots: number[];
  lazyOn: boolean;
}

/** DEFERRED QUIET BARS of an own-symbol request (not state: the machine's, for one runBars call).
 * On history with the rows at hand, a chart bar inside a higher-timeframe period that neither runs
 * the expression nor confirms a value changes the context only by folding the bar into the
 * period's high, low, close and volume (and committing the previous bar's). Such bars are not
 * applied one by one: the state stays as of row `row0`, the bars of rows row0+1..last are
 * "quiet", and `settle` applies them at once (from the rows: the same fold, so the same numbers)
 * before anything else reads the state: the next chart bar that is not quiet, and the end of
 * runBars (Instance.runRows), before a snapshot, rollback or error can see it. What such a bar
 * shows the chart is the value held (or na with gaps_on). */
export interface LazyRows {
  on: boolean;
  row0: number;
  last: number;
  /** Chart bar of row0 (the rows are consecutive chart bars). */
  bar0: number;
  cols: BarColumns | null;
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
  kform: RequestedValue[];
  kconf: RequestedValue[];
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
  /** The higher-timeframe bar CTX_LOOP writes to the registers (open, high, low, close, volume),
   * and whether the expression runs on this chart bar. */
  ro: number;
  rh: number;
  rl: number;
  rc: number;
  rv: number;
  run: boolean;
  /** Chart bar open and close time (another symbol: the registers are saved only when it runs). */
  ct: number;
  ctc: number;
  /** Working values (this chart bar). */
  wp: number;
  wi: number;
  wo: number;
  wh: number;
  wl: number;
  wc: number;
  wv: number;
  wform: RequestedValue[];
  wconf: RequestedValue[];
  wclosed: boolean;
  /** A new confirmed value arrived on this chart bar (gaps_on, lookahead_off): wconf then differs
   * from kconf (otherwise they are equal and neither is copied). */
  arrived: boolean;
  /** wform was written since the last commit (kform := wform is due); undefined in a state saved by
   * an older VM: treated as written. */
  fd?: boolean;
  /** This chart bar opened a period (gaps_on, lookahead_on). */
  opened: boolean;
  /** End of the working period (ms). */
  wend: number;
  flags: number;
  /** The chart's bar registers while inside the context, and the chart bar index. */
  saved: Float64Array;
  savedBar: number;
  /** Another symbol: '' for the chart's own; else symbol and timeframe of the bars (`sym\0tf`). */
  okey: string;
  /** The next bar of the other symbol to run; the values of bar oi - 1 and oi - 2; the close time
   * of bar oi - 1; the bar index last shown (gaps_on); passes of the loop on this chart bar. */
  oi: number;
  ocur: RequestedValue[];
  oprev: RequestedValue[];
  otc: number;
  oshown: number;
  loop: number;
  /** No data and ignore_invalid_symbol: na. */
  ono: boolean;
  /** Another symbol: its information while its bars are in the registers (syminfo.* reads it), and
   * whether they are (between the first CTX_LOOP that loads a bar and CTX_OUT; a snapshot taken
   * there restores it: see `contextSymbol`). */
  osym?: SymbolInfo | null;
  inside?: boolean;
  /** The bar last loaded (oi - 1) was forming: built from the other symbol's bars that opened
   * before the chart bar closed (realtime chart bars, and the bars confirmed after them); it runs
   * again on the next chart bar, its values replacing ocur (`orerun`). */
  opart?: boolean;
  orerun?: boolean;
  /** The first bar the context runs (calc_bars_count): its bar_index 0. */
  ostart?: number;
  /** request.security at a timeframe below the chart's (intrabars): with lookahead_on, historical
   * chart bars show the chart bar's first intrabar: its values (`ofirst`), recorded on chart bar
   * `ofb` (-1: none yet). */
  olow?: boolean;
  ofirst?: RequestedValue[];
  ofb?: number;
  /** request.security_lower_tf: the values of this chart bar's intrabars, n per intrabar (numbers;
   * strings and objects of user-defined types or chart points, each an independent copy; na of
   * these: null). */
  items: RequestedValue[];
  /** The chart's own symbol with calc_bars_count = N: the start of the first of the last N requested
   * periods of the chart bars (NaN: no limit; undefined: not decided yet). Chart bars before it
   * leave the context untouched and see na. */
  cstart?: number;
  /** Heikin Ashi bars of the chart's own symbol (ticker.heikinashi(syminfo.tickerid)): `ha` for
   * the symbol `hsym` last seen; the Heikin Ashi open and close of the working period (`who`,
   * `whc`) and of the period before it (`wpo`, `wpc`), and their committed copies (k...). Absent in
   * the state of an older VM (read as none). */
  hsym?: unknown;
  ha?: boolean;
  who?: number;
  whc?: number;
  wpo?: number;
  wpc?: number;
  kho?: number;
  khc?: number;
  kpo?: number;
  kpc?: number;
  /** `var`/`varip` of the expression (runtime/request-vars.ts): the execution id last evaluated,
   * and the variables as its evaluations start (numbers, and copies of the objects). Absent in the
   * state of an older VM (the next evaluation commits). */
  vi?: number;
  vkf?: Float64Array;
  vko?: unknown[];
}

/** An empty list of requested values that holds numbers unboxed from the start (V8: a double
 * array; an empty `[]` becomes one at its first number, and code optimised for one kind deopts
 * on the other: the compiled tier's history loop, every run). Strings still go in. */
function numbers(): RequestedValue[] {
  const a: RequestedValue[] = [0.5];
  a.length = 0;
  return a;
}

function newRequestState(): RequestState {
  return {
    bar: -1, tf: '',
    kp: NaN, ki: -1, ko: NaN, kh: NaN, kl: NaN, kc: NaN, kv: NaN, kform: numbers(), kconf: numbers(), kclosed: false, kend: NaN, fp: NaN, fdone: false, fh: NaN, fl: NaN, fc: NaN, fv: NaN,
    ro: NaN, rh: NaN, rl: NaN, rc: NaN, rv: NaN, run: true, ct: NaN, ctc: NaN,
    wp: NaN, wi: -1, wo: NaN, wh: NaN, wl: NaN, wc: NaN, wv: NaN, wform: numbers(), wconf: numbers(), wclosed: false,
    arrived: false, fd: false, opened: false, wend: NaN, flags: 0, saved: new Float64Array(SWAPPED), savedBar: -1,
    okey: '', oi: 0, ocur: numbers(), oprev: numbers(), otc: NaN, oshown: -1, loop: 0, ono: false, osym: null, inside: false, opart: false, orerun: false, ostart: 0, items: [],
  };
}

const nz = (x: number): number => (x === x ? x : 0);

/** f[dst] := the first requested value of `out` (na when null). */
function f1(f: Float64Array, dst: number, out: readonly RequestedValue[] | null): void {
  f[dst] = out === null ? NaN : ((out[0] as number | undefined) ?? NaN);
}

/** dst := src, item by item (both lists of the request's n values; a shorter dst grows). */
function copyInto(dst: RequestedValue[], src: readonly RequestedValue[]): void {
  for (let j = 0; j < src.length; j++) dst[j] = src[j] as RequestedValue;
}

/** dst[0..n) := the registers src..src+n-1 (value j from o when bit j of `mask` is set). */
function readValues(m: ContextHost, dst: RequestedValue[], src: number, n: number, mask: number): void {
  const f = m.f;
  if (mask === 0) for (let j = 0; j < n; j++) dst[j] = f[src + j] as number;
  else {
    const o = m.o;
    for (let j = 0; j < n; j++) {
      if ((mask >> j) & 1) {
        const x = o[src + j];
        dst[j] = typeof x === 'string' ? x : typeof x === 'object' && x !== null ? copyRequested(x) : null;
      } else dst[j] = f[src + j] as number;
    }
  }
}

/** Registers dst..dst+n-1 := the values `out` (all na when null): strings to o (bit j of `mask`). */
function writeValues(m: ContextHost, out: readonly RequestedValue[] | null, dst: number, n: number, mask: number): void {
  const f = m.f;
  const o = m.o;
  for (let j = 0; j < n; j++) {
    const x = out === null ? undefined : out[j];
    if ((mask >> j) & 1) o[dst + j] = typeof x === 'string' ? x : typeof x === 'object' && x !== null ? copyRequested(x) : null;
    else f[dst + j] = typeof x === 'number' ? x : NaN;
  }
}

/** Parsed timeframes by text (immutable, shared by every instance). */
const TIMEFRAMES = new Map<string, TimeframeInfo>();

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
  if ((flags & CTX_LOWER) !== 0 || (sym !== null && sym !== '' && sym !== m.syminfo.tickerid && sym !== m.syminfo.ticker && (sym === m.feedSym[s] || !ownTicker(m, sym)))) {
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

/** Saves the chart's bar registers (the first SWAPPED registers). A state
 * saved by an older VM may hold them as a list: it becomes a Float64Array. */
function saveChart(m: ContextHost, st: RequestState): void {
  let saved = st.saved;
  if (!(saved instanceof Float64Array)) saved = st.saved = new Float64Array(SWAPPED);
  copyRegs(saved, m.f);
}

/** dst[0..SWAPPED) := src[0..SWAPPED): the bar registers (written out: this runs on every chart
 * bar of another symbol's request, twice). */
function copyRegs(dst: Float64Array, src: Float64Array): void {
  dst[0] = src[0] as number;
  dst[1] = src[1] as number;
  dst[2] = src[2] as number;
  dst[3] = src[3] as number;
  dst[4] = src[4] as number;
  dst[5] = src[5] as number;
  dst[6] = src[6] as number;
  dst[7] = src[7] as number;
  dst[8] = src[8] as number;
  dst[9] = src[9] as number;
  dst[10] = src[10] as number;
  dst[11] = src[11] as number;
  dst[12] = src[12] as number;
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

/** Saves the chart's registers and writes the higher-timeframe bar; m.bar := its index. */
function swapIn(m: ContextHost, st: RequestState, ho: number, hh: number, hl: number, hc: number, hv: number): void {
  const f = m.f;
  saveChart(m, st);
  f[OPEN] = ho;
  f[HIGH] = hh;
  f[LOW] = hl;
  f[CLOSE] = hc;
  f[VOLUME] = hv;
  f[TIME] = st.wp;
  f[TIME_CLOSE] = st.wend;
  f[BAR_INDEX] = st.wi;
  f[HL2] = (hh + hl) / 2;
  f[HLC3] = (hh + hl + hc) / 3;
  f[OHLC4] = (ho + hh + hl + hc) / 4;
  f[HLCC4] = (hh + hl + hc + hc) / 4;
  f[IS_FIRST] = st.wi === 0 ? 1 : 0;
  m.bar = st.wi;
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
    if (st.inside === true) {
      m.syminfo = m.chartSyminfo;
      st.inside = false;
    }
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

// --- Another symbol, and intrabars (request.security_lower_tf)

function fnName(flags: number): string {
  return (flags & CTX_LOWER) !== 0 ? 'request.security_lower_tf()' : 'request.security()';
}

/** The bars of the context's symbol and timeframe: from the slot's cache, else from the host's
 * answers; suspends (throws DataNeeded, nothing changed yet) when the host has not answered. */
function feedOf(m: ContextHost, s: number, sym: string, tfs: string, info: TimeframeInfo, flags: number): FeedBars | NoData {
  const cut = sym.indexOf(CURRENCY_SEP);
  if (cut >= 0) return convertedFeed(m, s, sym.slice(0, cut), sym.slice(cut + 1), tfs, info, flags);
  const got = m.data.bars(sym, tfs, info, fnName(flags));
  if (got === undefined) throw new DataNeeded({ symbol: sym, timeframe: tfs, lower: (flags & CTX_LOWER) !== 0 });
  m.feeds[s] = got instanceof NoData ? null : got;
  return got;
}

/** The bars of `sym` with prices in currency `to`: open, high, low and close (so hl2, hlc3, ohlc4,
 * hlcc4 and everything the expression builds from them) multiplied by the rate from the symbol's
 * currency (its syminfo.currency) to `to`: the close of the rate pair's last bar that opened at or
 * before the bar (na before the pair's first bar). The pair is `FROMTO` (e.g. EURUSD), else the
 * inverse `TOFROM` (divided by); each is a host call like the symbol's own bars. No conversion when
 * `to` is empty or the symbol's currency. Volume and time are not converted. */
function convertedFeed(m: ContextHost, s: number, sym: string, to: string, tfs: string, info: TimeframeInfo, flags: number): FeedBars | NoData {
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
function otherEnter(m: ContextHost, s: number, tf: unknown, sym: unknown, flags: number): number {
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
    if (got instanceof NoData && (flags & CTX_IGNORE_INVALID) === 0 && !above) {
      if ((flags & CTX_LOWER) === 0 && sym === m.chartSyminfo.tickerid && timeframeSeconds(info) < timeframeSeconds(m.timeframe)) {
        const t = m.chartSyminfo.tickerid;
        m.fail(
          'no-data',
          `request.security(): the requested timeframe "${tfs}" is lower than the chart's "${m.timeframe.period}": the expression runs on the chart symbol's intrabars, which need its bars at "${tfs}" or lower (CLI: --data-for ${t}=file.csv; app: import them as a dataset with ticker ${t}). ${got.message}`,
        );
      }
      m.fail('no-data', got.message);
    }
    noData = got instanceof NoData;
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
  st.savedBar = m.bar;
  if (st.opart === true || m.f[IS_REALTIME] === 1) rewind(m, st, m.feeds[s]);
  return m.bar;
}

/** When the bar loaded last was forming (or, on a realtime chart bar, is still forming: it ran
 * whole on history), it runs again on this chart bar, as formed by its close. */
function rewind(m: ContextHost, st: RequestState, bars: FeedBars | null | undefined): void {
  const k = st.oi - 1;
  if (k < 0) return;
  if (st.opart !== true) {
    if (!bars || bars.src === undefined || (st.flags & CTX_LOWER) !== 0 || !((bars.timeClose[k] as number) > st.ctc)) return;
  }
  st.oi = k;
  st.opart = false;
  st.orerun = true;
}

/** `sym` with its prices in currency `to` (what syminfo.* reads inside a converting request: its
 * currency is the requested one); one object per symbol and currency. */
const CONVERTED = new WeakMap<SymbolInfo, Map<string, SymbolInfo>>();
function inCurrency(sym: SymbolInfo, to: string): SymbolInfo {
  let byTo = CONVERTED.get(sym);
  if (byTo === undefined) {
    byTo = new Map();
    CONVERTED.set(sym, byTo);
  }
  let out = byTo.get(to);
  if (out === undefined) {
    out = { ...sym, currency: to };
    byTo.set(to, out);
  }
  return out;
}

/** request.security(syminfo.tickerid, ..., currency = `to`): the factor that converts the chart
 * bar's prices from the chart's currency (syminfo.currency) to `to`: the close of the exchange-rate
 * pair FROMTO's last bar (at the requested timeframe `tfs`) that opened at or before the chart bar
 * (na before its first), else 1 / that of the inverse pair TOFROM; 1 when no conversion is needed.
 * The pair's bars are a host call like another symbol's (asked before the context changes), cached
 * per slot in `m.feeds` (the own context uses no feed of its own; `feedKey` "i": inverse). */
function ownRate(m: ContextHost, s: number, tfs: string, to: string): number {
  const from = m.chartSyminfo.currency ?? '';
  if (to === '' || to === 'NONE' || from === '' || from === to) return 1;
  let rate = m.feeds[s];
  if (rate === undefined || rate === null || m.feedSym[s] !== to || m.feedTf[s] !== tfs) {
    const info = TIMEFRAMES.get(tfs) ?? parseTimeframe(tfs);
    if (!info) return 1; // (the context fails naming the timeframe)
    const got = ratePair(m.data, from, to, tfs, info, 'request.security()', `the chart's symbol "${m.chartSyminfo.tickerid}"`);
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
  let sym = m.chartSyminfo.tickerid;
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
      const from = m.chartSyminfo.currency ?? '';
      if (from !== '' && to !== '' && to !== 'NONE' && from !== to) conv = inCurrency(m.chartSyminfo, to);
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
  if (st.okey !== '' || st.bar < 0 || st.fd !== false || st.arrived || tf !== st.tf || flags !== st.flags || (flags & CTX_LOOPED) === 0) return false;
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
    st.savedBar = m.bar;
    const bars = m.feeds[s] as FeedBars;
    if (st.opart === true || f[IS_REALTIME] === 1) rewind(m, st, bars);
    return otherLoad(m, st, bars);
  }
  if (own) otherEnter(m, s, tf, sym, flags);
  else ctxEnter(m, s, tf, sym, flags);
  return ctxLoop(m, s, 0, 0);
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
    if (lower && (bars.time[st.oi - 1] as number) >= st.ct) for (let j = 0; j < n; j++) st.items.push(prev[j] as RequestedValue);
    else if (st.olow === true && st.ofb !== st.savedBar && (bars.time[st.oi - 1] as number) >= st.ct) {
      // The chart bar's first intrabar (lookahead_on shows it).
      const first = st.ofirst ?? (st.ofirst = []);
      copyInto(first, prev);
      st.ofb = st.savedBar;
    }
  }
  return otherLoad(m, st, bars);
}

/** The load half of CTX_LOOP for another symbol: when bar `st.oi` of `bars` is due on this chart
 * bar, writes it to the registers (saving the chart's first) and returns its index; else -1 (and
 * changes nothing). The compiled tier calls it as `ctxLoad` (jit-ops.ts). */
export function otherLoad(m: ContextHost, st: RequestState, bars: FeedBars): number {
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
    const sym = bars.sym;
    if (sym !== undefined && sym !== m.syminfo) {
      st.osym = sym;
      m.syminfo = sym;
    }
    st.inside = true;
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
function formingBar(src: BarColumns, start: number, end: number): number[] | null {
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

/** CTX_OUT of another symbol: restores the chart bar; dst..dst+n-1 := what the chart sees. */
function otherLeave(m: ContextHost, st: RequestState, dst: number, n: number, mask: number): number {
  const f = m.f;
  if (st.loop > 0) {
    copyRegs(f, st.saved);
    m.bar = st.savedBar;
    m.syminfo = m.chartSyminfo;
    st.inside = false;
  }
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

/** CTX_OUT_ARR: leaves a lower-timeframe request: restores the chart bar; o[dst..dst+n-1] := the
 * arrays of this chart bar's intrabar values, one per requested value (na with
 * ignore_invalid_symbol and no data). `spec`: n << 16 | a mask of the values that are bools (n 0
 * reads as 1). */
export function ctxLeaveArray(m: ContextHost, s: number, dst: number, o: unknown[], spec: number): number {
  const st = m.cs[s] as RequestState;
  const f = m.f;
  if (st.loop > 0) {
    copyRegs(f, st.saved);
    m.bar = st.savedBar;
    m.syminfo = m.chartSyminfo;
    st.inside = false;
  }
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
