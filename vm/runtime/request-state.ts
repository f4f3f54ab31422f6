// The state of one request.security() context and what the context code shares (runtime/contexts.ts
// for the chart's own symbol, runtime/request-other.ts for another symbol and intrabars): the
// flags of the CTX_* instructions, the host interface, the request's state record (plain data in
// the call-site slot `cs[s]`, so realtime rollback, snapshots and clones carry it), the lists of
// requested values and how they move between registers and state, and the swap of the bar
// registers between the chart bar and the requested bar.

import { R } from '../core/registers.js';
import { CTX_GAPS_FLAG, CTX_LOOKAHEAD_FLAG, CTX_LOWER_FLAG } from './jit-ops.js';
import type { BarColumns } from '../data/bars.js';
import type { Limits, LogEntry, SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import { parseTimeframe } from '../builtins/time/timeframe.js';
import type { FeedBars, RequestData } from './request-data.js';
import { copyRequested } from './request-copy.js';
import type { SeriesF, SeriesO } from '../core/series.js';

// The bar registers as module constants: the per-bar paths read no object.
const {
  barIndex: BAR_INDEX,
  close: CLOSE,
  high: HIGH,
  hl2: HL2,
  hlc3: HLC3,
  hlcc4: HLCC4,
  isFirst: IS_FIRST,
  low: LOW,
  ohlc4: OHLC4,
  open: OPEN,
  time: TIME,
  timeClose: TIME_CLOSE,
  volume: VOLUME,
} = R;

/** The bar registers a context replaces: open .. isFirst (registers 0..12 of core/registers.ts). */
export const SWAPPED = IS_FIRST + 1;
if (SWAPPED !== 13) throw new Error("Internal: request-state.ts copyRegs copies 13 bar registers.");

/** Flags operand of CTX_IN. */
export const CTX_GAPS = 1;
export const CTX_LOOKAHEAD = 2;
export const CTX_IGNORE_INVALID = 4;
export const CTX_LOWER = 8;
/** request.security_lower_tf(ignore_invalid_timeframe = true) (CTX_LOWER set: the gaps bit). */
export const CTX_IGNORE_TF = CTX_GAPS;
if (CTX_GAPS !== CTX_GAPS_FLAG || CTX_LOOKAHEAD !== CTX_LOOKAHEAD_FLAG || CTX_LOWER !== CTX_LOWER_FLAG) throw new Error('Internal: jit-ops.ts writes the request flags as request-state.ts defines them.');
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
export function calcBarsOf(flags: number): number {
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
  /** The script's log and limits (runtime/request-missing.ts logs a warning there). */
  logs: LogEntry[];
  limits: Limits;
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
  /** The chart's timeframe (`timeframe` is the running context's: the requested one while a
   * request's expression runs, so timeframe.period and a request nested in it see it). */
  chartTimeframe: TimeframeInfo;
  /** The state slot of the innermost request whose expression is running (its bars in the
   * registers), -1 on the chart's bar: a request entered while it is >= 0 is NESTED, its "chart"
   * being that context (see `activate`; not state: `contextRestore` rebuilds it after a restore). */
  ctxTop: number;
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
  /** Dynamic requests (runtime/request-keys.ts): the symbol and timeframe this state (the call
   * site's first) is for, once known (`hk`); the contexts of the call site's other (symbol,
   * timeframe) pairs, by key, set aside with their expression's state; `multi` when there are
   * such (no deferred quiet bars then); while another pair's context runs, its state is in the
   * slot, `back` being the first one and `bk` its key. */
  hk?: boolean;
  hs?: unknown;
  ht?: unknown;
  keyed?: Record<string, KeyedContext>;
  multi?: boolean;
  back?: RequestState;
  bk?: string;
  /** NESTED REQUESTS: while this context's expression runs (its bars in the registers), `act`, the
   * slot of the context it runs in (`par`, -1: the chart) and the timeframe of its bars (`ctf`);
   * a snapshot taken there restores them (`contextRestore`). Absent in the state of an older VM. */
  act?: boolean;
  par?: number;
  ctf?: string;
}

/** A dynamic request's context for one (symbol, timeframe) pair while another's runs: its
 * request state and its expression's state — call-site states, history buffers, var numbers and
 * var objects (absolute ranges `r`: cs start and count, series, var numbers, var objects) —
 * swapped with the live ones while it runs (runtime/request-keys.ts). */
export interface KeyedContext {
  st: RequestState;
  cs: unknown[];
  ser: (SeriesF | SeriesO)[];
  vf: Float64Array;
  vo: unknown[];
  r: number[];
}

/** An empty list of requested values that holds numbers unboxed from the start (V8: a double
 * array; an empty `[]` becomes one at its first number, and code optimised for one kind deopts
 * on the other: the compiled tier's history loop, every run). Strings still go in. */
function numbers(): RequestedValue[] {
  const a: RequestedValue[] = [0.5];
  a.length = 0;
  return a;
}

export function newRequestState(): RequestState {
  return {
    bar: -1, tf: '',
    kp: NaN, ki: -1, ko: NaN, kh: NaN, kl: NaN, kc: NaN, kv: NaN, kform: numbers(), kconf: numbers(), kclosed: false, kend: NaN, fp: NaN, fdone: false, fh: NaN, fl: NaN, fc: NaN, fv: NaN,
    ro: NaN, rh: NaN, rl: NaN, rc: NaN, rv: NaN, run: true, ct: NaN, ctc: NaN,
    wp: NaN, wi: -1, wo: NaN, wh: NaN, wl: NaN, wc: NaN, wv: NaN, wform: numbers(), wconf: numbers(), wclosed: false,
    arrived: false, fd: false, opened: false, wend: NaN, flags: 0, saved: new Float64Array(SWAPPED), savedBar: -1,
    okey: '', oi: 0, ocur: numbers(), oprev: numbers(), otc: NaN, oshown: -1, loop: 0, ono: false, osym: null, inside: false, opart: false, orerun: false, ostart: 0, items: [],
    act: false, par: -1, ctf: '',
  };
}

export const nz = (x: number): number => (x === x ? x : 0);

/** f[dst] := the first requested value of `out` (na when null). */
export function f1(f: Float64Array, dst: number, out: readonly RequestedValue[] | null): void {
  f[dst] = out === null ? NaN : ((out[0] as number | undefined) ?? NaN);
}

/** dst := src, item by item (both lists of the request's n values; a shorter dst grows). */
export function copyInto(dst: RequestedValue[], src: readonly RequestedValue[]): void {
  for (let j = 0; j < src.length; j++) dst[j] = src[j] as RequestedValue;
}

/** dst[0..n) := the registers src..src+n-1 (value j from o when bit j of `mask` is set). */
export function readValues(m: ContextHost, dst: RequestedValue[], src: number, n: number, mask: number): void {
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
export function writeValues(m: ContextHost, out: readonly RequestedValue[] | null, dst: number, n: number, mask: number): void {
  const f = m.f;
  const o = m.o;
  for (let j = 0; j < n; j++) {
    const x = out === null ? undefined : out[j];
    if ((mask >> j) & 1) o[dst + j] = typeof x === 'string' ? x : typeof x === 'object' && x !== null ? copyRequested(x) : null;
    else f[dst + j] = typeof x === 'number' ? x : NaN;
  }
}

/** Parsed timeframes by text (immutable, shared by every instance). */
export const TIMEFRAMES = new Map<string, TimeframeInfo>();


/** Saves the chart's bar registers (the first SWAPPED registers). A state
 * saved by an older VM may hold them as a list: it becomes a Float64Array. */
export function saveChart(m: ContextHost, st: RequestState): void {
  let saved = st.saved;
  if (!(saved instanceof Float64Array)) saved = st.saved = new Float64Array(SWAPPED);
  copyRegs(saved, m.f);
}

/** dst[0..SWAPPED) := src[0..SWAPPED): the bar registers (written out: this runs on every chart
 * bar of another symbol's request, twice). */
export function copyRegs(dst: Float64Array, src: Float64Array): void {
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

/** Saves the chart's registers and writes the higher-timeframe bar; m.bar := its index. */
export function swapIn(m: ContextHost, st: RequestState, ho: number, hh: number, hl: number, hc: number, hv: number): void {
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


/** The timeframe of `text` (a timeframe the context code checked already), parsed once. */
export function tfInfo(text: string): TimeframeInfo | null {
  let info = TIMEFRAMES.get(text);
  if (!info) {
    const parsed = parseTimeframe(text);
    if (!parsed) return null;
    info = parsed;
    if (TIMEFRAMES.size < 256) TIMEFRAMES.set(text, info);
  }
  return info;
}

/** The context of slot `s` starts running its expression (its bars just went into the registers):
 * it becomes the innermost context, and timeframe.* (and any request nested in the expression)
 * sees its timeframe `tfText`. */
export function activate(m: ContextHost, s: number, st: RequestState, tfText: string): void {
  st.act = true;
  st.par = m.ctxTop;
  st.ctf = tfText;
  m.ctxTop = s;
  const info = tfInfo(tfText);
  if (info !== null) m.timeframe = info;
}

/** The context of `st` stops running its expression (the registers hold its parent's bar again):
 * its parent (the chart, or the request whose expression holds this one) is the innermost again,
 * with its timeframe and symbol. */
export function deactivate(m: ContextHost, st: RequestState): void {
  if (st.act !== true) {
    // (Not entered by `activate`: a state restored from an older VM.)
    if (st.inside === true) m.syminfo = m.chartSyminfo;
    st.inside = false;
    return;
  }
  st.act = false;
  st.inside = false;
  const par = st.par ?? -1;
  m.ctxTop = par;
  if (par < 0) {
    m.timeframe = m.chartTimeframe;
    m.syminfo = m.chartSyminfo;
    return;
  }
  const ps = m.cs[par] as RequestState;
  m.timeframe = (ps.ctf !== undefined ? tfInfo(ps.ctf) : null) ?? m.chartTimeframe;
  m.syminfo = symbolOfContext(m, par);
}

/** The symbol information inside the running context of slot `s`: another symbol's own (`osym`,
 * recorded when its bars were loaded), the converted currency of the chart's own (`inside`), else
 * that of the context it runs in. */
export function symbolOfContext(m: ContextHost, s: number): SymbolInfo {
  for (let k = s, guard = 0; k >= 0 && guard < 64; guard++) {
    const st = m.cs[k] as RequestState | undefined;
    if (st === undefined || typeof st !== 'object') break;
    if ((st.okey !== '' || st.inside === true) && st.osym) return st.osym;
    k = st.par ?? -1;
  }
  return m.chartSyminfo;
}

/** The chart bar's bar register `reg` (one of the SWAPPED ones) while contexts run: the outermost
 * running context saved the chart's registers. */
export function chartRegister(m: ContextHost, reg: number): number {
  let k = m.ctxTop;
  let x = m.f[reg] as number;
  for (let guard = 0; k >= 0 && guard < 64; guard++) {
    const st = m.cs[k] as RequestState;
    x = st.saved[reg] as number;
    k = st.par ?? -1;
  }
  return x;
}

/** The chart bar's close time while nested contexts run. */
export function chartTimeClose(m: ContextHost): number {
  return chartRegister(m, TIME_CLOSE);
}

/** After a restore in the middle of a bar: the running contexts (`act`) again, innermost first
 * (m.ctxTop), with the timeframe and symbol information of the innermost; a state of an older VM
 * (no `act`): the symbol of another symbol's request whose bars are in the registers. */
export function contextRestore(m: ContextHost): void {
  const running: number[] = [];
  const parents = new Set<number>();
  m.cs.forEach((x, i) => {
    if (typeof x === 'object' && x !== null && 'okey' in x && (x as RequestState).act === true) {
      running.push(i);
      parents.add((x as RequestState).par ?? -1);
    }
  });
  const top = running.find((i) => !parents.has(i));
  m.ctxTop = top ?? -1;
  if (top === undefined) {
    m.timeframe = m.chartTimeframe;
    m.syminfo = m.chartSyminfo;
    for (const x of m.cs) {
      if (typeof x === 'object' && x !== null && 'okey' in x) {
        const st = x as RequestState;
        if (st.inside === true && st.osym) m.syminfo = st.osym;
      }
    }
    return;
  }
  const st = m.cs[top] as RequestState;
  m.timeframe = (st.ctf !== undefined ? tfInfo(st.ctf) : null) ?? m.chartTimeframe;
  m.syminfo = symbolOfContext(m, top);
}
