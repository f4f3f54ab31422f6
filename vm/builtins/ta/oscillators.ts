// Momentum and oscillators: ta.change, ta.mom, ta.roc, ta.rsi, ta.cmo, ta.cci, ta.cog, ta.mfi,
// ta.stoch, ta.wpr, ta.tsi, ta.macd, ta.dmi, ta.rci. Step functions over plain state records;
// the per-execution contract is described in window.ts.

import { compactPush, EPS, newRawWin, newRollSum, rawCount, rawPush, ringGet, rollSumStep, type RawWin, type Ring, type RollSum } from './window.js';
import { emaIO, expCommit, expCommitAll, newExpSlots, rmaIO } from './moving-averages.js';
import { devStep, newDevState, type DevState } from './volatility.js';
import { extremeIO, newExtremeState, type ExtremeState } from './extremes.js';

// ---------------------------------------------------------------------------------------------
// change / mom / roc: the current value against the one `length` executions back (na when that
// value does not exist or is na)

export type HistState = RawWin;
export const newHistState = newRawWin;

/** The value `length` executions back, after recording `src` for this one. */
export function histBack(st: HistState, bar: number, src: number, length: number): number {
  const r = rawPush(st, bar, src, length + 1);
  return rawCount(r) > length ? ringGet(r, length) : NaN;
}

export function changeStep(st: HistState, bar: number, src: number, length: number): number {
  return src - histBack(st, bar, src, length);
}

/** Bool source: true when the value differs from the one `length` executions back; false while
 * that value does not exist yet. */
export function changeBoolStep(st: HistState, bar: number, src: boolean, length: number): boolean {
  const prev = histBack(st, bar, src ? 1 : 0, length);
  return prev === prev && (src ? 1 : 0) !== prev;
}

export function rocStep(st: HistState, bar: number, src: number, length: number): number {
  const prev = histBack(st, bar, src, length);
  return (100 * (src - prev)) / prev;
}

// ---------------------------------------------------------------------------------------------
// A "previous non-na value" register: the source's last non-na value before this execution.

export interface PrevState {
  bar: number;
  p: number;
  pNext: number;
}

export function newPrevState(): PrevState {
  return { bar: -1, p: NaN, pNext: NaN };
}

/** Returns the previous non-na value and records `v` (if not na) for the next bar. */
export function prevStep(st: PrevState, bar: number, v: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.p = st.pNext;
  }
  st.pNext = v === v ? v : st.p;
  return st.p;
}

// ---------------------------------------------------------------------------------------------
// rsi = 100 − 100 / (1 + rma(up, length) / rma(down, length)); na sources are skipped.
// One flat record: the previous non-na source (as PrevState) and the two rmas, entering a new bar
// together.

export interface RsiState {
  bar: number;
  p: number;
  pNext: number;
  /** rma of upward changes at 0 (in/out 6), of downward changes at 7 (in/out 13); EXP slots each. */
  v: Float64Array;
}

export function newRsiState(): RsiState {
  return { bar: -1, p: NaN, pNext: NaN, v: newExpSlots(2) };
}

/** One rsi step over the source in f[from], its result written to f[to]: no number crosses the call
 * (see smaInto). */
export function rsiInto(st: RsiState, bar: number, f: Float64Array, from: number, to: number, length: number): void {
  const src = f[from] as number;
  const v = st.v;
  if (bar !== st.bar) {
    st.bar = bar;
    st.p = st.pNext;
    expCommit(v, 0);
    expCommit(v, 7);
  }
  const p = st.p;
  st.pNext = src === src ? src : p;
  const d = src - p;
  // Upward and downward changes; both na on the first bar and on na bars (the rmas skip them).
  v[6] = d > 0 ? d : d === d ? 0 : NaN;
  rmaIO(v, 0, length);
  v[13] = d < 0 ? -d : d === d ? 0 : NaN;
  rmaIO(v, 7, length);
  f[to] = 100 - 100 / (1 + (v[6] as number) / (v[13] as number));
}

/** rsiStep's scratch registers: the source at 0, the result at 1. */
const RSI_IO = new Float64Array(2);

export function rsiStep(st: RsiState, bar: number, src: number, length: number): number {
  RSI_IO[0] = src;
  rsiInto(st, bar, RSI_IO, 0, 1, length);
  return RSI_IO[1] as number;
}

// ---------------------------------------------------------------------------------------------
// cmo = 100·(Σgains − Σlosses)/(Σgains + Σlosses) over `length` changes

export interface CmoState {
  prev: PrevState;
  up: RollSum;
  down: RollSum;
}

export function newCmoState(): CmoState {
  return { prev: newPrevState(), up: newRollSum(), down: newRollSum() };
}

export function cmoStep(st: CmoState, bar: number, src: number, length: number): number {
  const mom = src - prevStep(st.prev, bar, src);
  const rising = mom >= -EPS;
  const sm1 = rollSumStep(st.up, bar, mom !== mom ? NaN : rising ? mom : 0, length);
  const sm2 = rollSumStep(st.down, bar, mom !== mom ? NaN : rising ? 0 : -mom, length);
  if (mom !== mom) return NaN;
  return (100 * (sm1 - sm2)) / (sm1 + sm2);
}

// ---------------------------------------------------------------------------------------------
// cci = (src − sma) / (0.015 · dev)

/** dev's record: its sma is the cci's basis (same values, same length). */
export type CciState = DevState;
export const newCciState = newDevState;

export function cciStep(st: CciState, bar: number, src: number, length: number): number {
  const dev = devStep(st, bar, src, length);
  return (src - st.mean) / (0.015 * dev);
}

// ---------------------------------------------------------------------------------------------
// cog = −Σ src[i]·(i+1) / Σ src[i] over the newest `length` non-na values

export type CogState = Ring;
export const newCogState = newRawWin;

export function cogStep(st: CogState, bar: number, src: number, length: number): number {
  const r = compactPush(st, bar, src, length);
  if (src !== src || r.n + r.cur < length) return NaN;
  let sum = 0;
  let num = 0;
  for (let i = 0; i < length; i++) {
    const v = ringGet(r, i);
    sum += v;
    num += v * (i + 1);
  }
  return -num / sum;
}

// ---------------------------------------------------------------------------------------------
// mfi: money flow index over `length` bars of volume·source split by the sign of the change

export interface MfiState {
  prev: PrevState;
  up: RollSum;
  down: RollSum;
}

export function newMfiState(): MfiState {
  return { prev: newPrevState(), up: newRollSum(), down: newRollSum() };
}

export function mfiStep(st: MfiState, bar: number, src: number, volume: number, length: number): number {
  const chg = src - prevStep(st.prev, bar, src);
  const hasChg = chg === chg;
  const upper = rollSumStep(st.up, bar, volume * (hasChg && chg <= EPS ? 0 : src), length);
  const lower = rollSumStep(st.down, bar, volume * (hasChg && chg >= -EPS ? 0 : src), length);
  if (src !== src || upper !== upper || lower !== lower) return NaN;
  if (lower === 0) return 100;
  return 100 - 100 / (1 + upper / lower);
}

// ---------------------------------------------------------------------------------------------
// stoch = 100·(src − lowest(low)) / (highest(high) − lowest(low)); wpr from close/high/low

export interface StochState {
  hi: ExtremeState;
  lo: ExtremeState;
}

export function newStochState(): StochState {
  return { hi: newExtremeState(), lo: newExtremeState() };
}

export function stochStep(st: StochState, bar: number, src: number, high: number, low: number, length: number): number {
  const hi = st.hi;
  const lo = st.lo;
  hi.x = high;
  extremeIO(hi, bar, length, 1);
  lo.x = low;
  extremeIO(lo, bar, length, -1);
  const ll = lo.r;
  return (100 * (src - ll)) / (hi.r - ll);
}

export function wprStep(st: StochState, bar: number, close: number, high: number, low: number, length: number): number {
  const hi = st.hi;
  const lo = st.lo;
  hi.x = high;
  extremeIO(hi, bar, length, 1);
  lo.x = low;
  extremeIO(lo, bar, length, -1);
  const hh = hi.r;
  return (100 * (close - hh)) / (hh - lo.r);
}

// ---------------------------------------------------------------------------------------------
// tsi = ema(ema(mom, long), short) / ema(ema(|mom|, long), short)

export interface TsiState {
  bar: number;
  p: number;
  pNext: number;
  /** ema(mom, long), ema(ema(mom, long), short), and the same for |mom|, at 0, 7, 14, 21 (in/out
   * 6, 13, 20, 27; EXP slots each). */
  v: Float64Array;
}

export function newTsiState(): TsiState {
  return { bar: -1, p: NaN, pNext: NaN, v: newExpSlots(4) };
}

export function tsiStep(st: TsiState, bar: number, src: number, shortLength: number, longLength: number): number {
  const v = st.v;
  if (bar !== st.bar) {
    st.bar = bar;
    st.p = st.pNext;
    expCommitAll(v, 4);
  }
  const p = st.p;
  st.pNext = src === src ? src : p;
  const mom = src - p;
  v[6] = mom;
  emaIO(v, 0, longLength);
  v[13] = v[6];
  emaIO(v, 7, shortLength);
  v[20] = Math.abs(mom);
  emaIO(v, 14, longLength);
  v[27] = v[20];
  emaIO(v, 21, shortLength);
  return v[13] / v[27];
}

// ---------------------------------------------------------------------------------------------
// macd: [fast − slow, ema(fast − slow, sig), macd − signal]

export interface MacdState {
  bar: number;
  /** ema(fast), ema(slow), ema(macd, sig) at 0, 7, 14 (in/out 6, 13, 20; EXP slots each). */
  v: Float64Array;
}

export function newMacdState(): MacdState {
  return { bar: -1, v: newExpSlots(3) };
}

export function macdStep(
  st: MacdState,
  bar: number,
  src: number,
  fastlen: number,
  slowlen: number,
  siglen: number,
  out: Float64Array,
  at = 0,
): void {
  const v = st.v;
  if (bar !== st.bar) {
    st.bar = bar;
    expCommit(v, 0);
    expCommit(v, 7);
    expCommit(v, 14);
  }
  v[6] = src;
  emaIO(v, 0, fastlen);
  v[13] = src;
  emaIO(v, 7, slowlen);
  const macd = v[6] - v[13];
  v[20] = macd;
  emaIO(v, 14, siglen);
  const signal = v[20];
  out[at] = macd;
  out[at + 1] = signal;
  out[at + 2] = macd - signal;
}

// ---------------------------------------------------------------------------------------------
// dmi: [+DI, −DI, ADX] from Wilder's directional movement, smoothed with rma over a true range
// that is na on the first execution.

export interface DmiState {
  bar: number;
  /** Last non-na high and low before this execution (as PrevState), and after it. */
  ph: number;
  pl: number;
  phNext: number;
  plNext: number;
  /** close of the previous execution (the true range's close[1], as TrState), and this one. */
  pc: number;
  pcNext: number;
  /** rma of the true range, of +DM, of −DM, and the adx rma at 0, 7, 14, 21 (in/out 6, 13, 20,
   * 27; EXP slots each), then this execution's high, low and close at 28, 29, 30. */
  v: Float64Array;
}

export function newDmiState(): DmiState {
  return { bar: -1, ph: NaN, pl: NaN, phNext: NaN, plNext: NaN, pc: NaN, pcNext: NaN, v: newExpSlots(4, 3) };
}

/** The work of dmiStep, on the high, low and close it left in the record: with no number among
 * its arguments it boxes nothing when V8 does not inline it (it is too large to be inlined with
 * the four averages it calls). */
function dmiRun(st: DmiState, bar: number, diLength: number, adxSmoothing: number, out: Float64Array, at: number): void {
  const v = st.v;
  if (bar !== st.bar) {
    st.bar = bar;
    st.ph = st.phNext;
    st.pl = st.plNext;
    st.pc = st.pcNext;
    expCommitAll(v, 4);
  }
  const high = v[28];
  const low = v[29];
  const close = v[30];
  const ph = st.ph;
  const pl = st.pl;
  const pc = st.pc;
  st.phNext = high === high ? high : ph;
  st.plNext = low === low ? low : pl;
  st.pcNext = close;
  const up = high - ph;
  const down = -(low - pl);
  const isNa = up !== up || down !== down;
  // ta.tr without handle_na: na on the first execution.
  v[6] = pc !== pc ? pc : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
  v[13] = isNa ? NaN : up > down && up > 0 ? up : 0;
  v[20] = isNa ? NaN : down > up && down > 0 ? down : 0;
  rmaIO(v, 0, diLength);
  rmaIO(v, 7, diLength);
  rmaIO(v, 14, diLength);
  const trur = v[6];
  const plus = (100 * v[13]) / trur;
  const minus = (100 * v[20]) / trur;
  const sum = plus + minus;
  v[27] = Math.abs(plus - minus) / (sum === 0 ? 1 : sum);
  rmaIO(v, 21, adxSmoothing);
  out[at] = plus;
  out[at + 1] = minus;
  out[at + 2] = 100 * v[27];
}

export function dmiStep(
  st: DmiState,
  bar: number,
  high: number,
  low: number,
  close: number,
  diLength: number,
  adxSmoothing: number,
  out: Float64Array,
  at = 0,
): void {
  const v = st.v;
  v[28] = high;
  v[29] = low;
  v[30] = close;
  dmiRun(st, bar, diLength, adxSmoothing, out, at);
}

// ---------------------------------------------------------------------------------------------
// rci: Spearman rank correlation (×100) between the newest `length` values and time; ties (values
// within Pine's tolerance) get their average rank. na in the window gives na, and so does every
// execution before the `length + 1`-th (as TradingView does).

export interface RciState {
  w: RawWin;
  /** The committed values with indices a <= i < b, ascending (NaN last), and their indices:
   * kept up to date as the window moves, so a call costs O(length), not a sort. */
  vals: Float64Array;
  ids: Float64Array;
  a: number;
  b: number;
  /** The ring mask `vals` was made for (-1: none): a regrown ring renumbers its values. */
  smask: number;
  /** Scratch: the whole window (pending value included), ascending, and its indices. */
  sv: Float64Array;
  si: Float64Array;
}

export function newRciState(): RciState {
  return { w: newRawWin(), vals: new Float64Array(0), ids: new Float64Array(0), a: 0, b: 0, smask: -1, sv: new Float64Array(0), si: new Float64Array(0) };
}

/** Where `v` goes among the first `m` sorted values: after every value <= v (NaN last). */
function rciInsertAt(vals: Float64Array, m: number, v: number): number {
  if (v !== v) return m;
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((vals[mid] ?? NaN) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Re-sorts the committed values lo <= i < n from the ring (values with their indices). */
function rciResort(st: RciState, lo: number, n: number): void {
  const r = st.w;
  const m = n - lo;
  // (`vals` is missing in a state restored from a snapshot of an older VM.)
  const had = (st.vals as Float64Array | undefined)?.length ?? 0;
  if (had < m + 1) {
    st.vals = new Float64Array(Math.max(m + 1, 2 * had));
    st.ids = new Float64Array(st.vals.length);
  }
  const order = Array.from({ length: m }, (_, k) => lo + k);
  const val = (i: number): number => r.buf[i & r.mask] ?? NaN;
  order.sort((x, y) => {
    const p = val(x);
    const q = val(y);
    return p !== p ? (q !== q ? 0 : 1) : q !== q ? -1 : p - q;
  });
  for (let k = 0; k < m; k++) {
    const i = order[k] ?? 0;
    st.vals[k] = val(i);
    st.ids[k] = i;
  }
  st.a = lo;
  st.b = n;
  st.smask = r.mask;
}

/** Brings the sorted committed part up to the indices lo <= i < n. */
function rciUpdate(st: RciState, lo: number, n: number, length: number): void {
  const r = st.w;
  if (st.smask !== r.mask || st.a > lo || st.b > n || n - st.a > r.mask - 1 || st.b - st.a > 2 * length + 8) {
    rciResort(st, lo, n);
    return;
  }
  let m = st.b - st.a;
  if (st.vals.length < m + (n - st.b) + 1) {
    const size = Math.max(m + (n - st.b) + 1, 2 * st.vals.length);
    const vals = new Float64Array(size);
    const ids = new Float64Array(size);
    vals.set(st.vals.subarray(0, m));
    ids.set(st.ids.subarray(0, m));
    st.vals = vals;
    st.ids = ids;
  }
  const vals = st.vals;
  const ids = st.ids;
  for (; st.a < lo; st.a++) {
    // The value leaving: found by value, then by its index among equal values.
    const v = r.buf[st.a & r.mask] ?? NaN;
    let k = v !== v ? m - 1 : rciInsertAt(vals, m, v) - 1;
    while (k >= 0 && ids[k] !== st.a) k--;
    if (k < 0) {
      rciResort(st, lo, n);
      return;
    }
    vals.copyWithin(k, k + 1, m);
    ids.copyWithin(k, k + 1, m);
    m--;
  }
  for (; st.b < n; st.b++) {
    const v = r.buf[st.b & r.mask] ?? NaN;
    const k = rciInsertAt(vals, m, v);
    vals.copyWithin(k + 1, k, m);
    ids.copyWithin(k + 1, k, m);
    vals[k] = v;
    ids[k] = st.b;
    m++;
  }
}

export function rciStep(st: RciState, bar: number, src: number, length: number): number {
  const r = rawPush(st.w, bar, src, length + 1);
  if (rawCount(r) <= length) return NaN;
  const n = r.n;
  const cur = r.cur;
  rciUpdate(st, n - (length - cur), n, length);
  const vals = st.vals;
  const ids = st.ids;
  const m = st.b - st.a;
  const pv = cur ? (r.buf[n & r.mask] ?? NaN) : 0;
  // (`sv` is missing in a state restored from a snapshot of an older VM.)
  if (!(st.sv instanceof Float64Array)) {
    st.sv = new Float64Array(0);
    st.si = new Float64Array(0);
  }
  // na anywhere in the window (NaN sorts last) gives na.
  if (pv !== pv || (m > 0 && (vals[m - 1] ?? NaN) !== (vals[m - 1] ?? NaN))) return NaN;
  // The whole window, ascending: the committed values with the pending one merged in.
  if (st.sv.length < length) {
    st.sv = new Float64Array(Math.max(length, 2 * st.sv.length));
    st.si = new Float64Array(st.sv.length);
  }
  const sv = st.sv;
  const si = st.si;
  if (cur) {
    const p = rciInsertAt(vals, m, pv);
    sv.set(vals.subarray(0, p), 0);
    si.set(ids.subarray(0, p), 0);
    sv[p] = pv;
    si[p] = n;
    sv.set(vals.subarray(p, m), p + 1);
    si.set(ids.subarray(p, m), p + 1);
  } else {
    sv.set(vals.subarray(0, m), 0);
    si.set(ids.subarray(0, m), 0);
  }
  // Pearson correlation between the price rank (descending: the average position of a run of
  // values within Pine's tolerance of the run's first) and the time rank (both 0-based, newest =
  // 0). Descending position q is ascending index top - q.
  const top = length - 1;
  const newest = n + cur - 1;
  const mean = (length - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < length; ) {
    const first = sv[top - i] ?? NaN;
    let j = i + 1;
    while (j < length && first - (sv[top - j] ?? NaN) < EPS) j++;
    const dy = (i + j - 1) / 2 - mean;
    for (let q = i; q < j; q++) {
      const dx = newest - (si[top - q] ?? 0) - mean;
      sxy += dx * dy;
      syy += dy * dy;
    }
    i = j;
  }
  for (let i = 0; i < length; i++) sxx += (i - mean) * (i - mean);
  if (sxx === 0 || syy === 0) return NaN;
  return (100 * sxy) / Math.sqrt(sxx * syy);
}

