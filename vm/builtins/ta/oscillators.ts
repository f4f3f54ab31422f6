// Momentum and oscillators: ta.change, ta.mom, ta.roc, ta.rsi, ta.cmo, ta.cci, ta.cog, ta.mfi,
// ta.stoch, ta.wpr, ta.tsi, ta.macd, ta.dmi, ta.rci. Step functions over plain state records;
// the per-execution contract is described in window.ts.

import { compactPush, EPS, newRawWin, newRing, newRollSum, rawCount, rawPush, ringGet, rollSumStep, type RawWin, type Ring, type RollSum } from './window.js';
import { emaStep, newExpState, rmaStep, smaStep, type ExpState } from './moving-averages.js';
import { devStep, newDevState, newTrState, trStep, type DevState, type TrState } from './volatility.js';
import { extremeStep, newExtremeState, type ExtremeState } from './extremes.js';

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
// rsi = 100 − 100 / (1 + rma(up, length) / rma(down, length)); na sources are skipped

export interface RsiState {
  prev: PrevState;
  up: ExpState;
  down: ExpState;
}

export function newRsiState(): RsiState {
  return { prev: newPrevState(), up: newExpState(), down: newExpState() };
}

export function rsiStep(st: RsiState, bar: number, src: number, length: number): number {
  const d = src - prevStep(st.prev, bar, src);
  // Upward and downward changes; both na on the first bar and on na bars (the rmas skip them).
  const u = rmaStep(st.up, bar, d > 0 ? d : d === d ? 0 : NaN, length);
  const v = rmaStep(st.down, bar, d < 0 ? -d : d === d ? 0 : NaN, length);
  return 100 - 100 / (1 + u / v);
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

export interface CciState {
  sma: RollSum;
  dev: DevState;
}

export function newCciState(): CciState {
  return { sma: newRollSum(), dev: newDevState() };
}

export function cciStep(st: CciState, bar: number, src: number, length: number): number {
  const mean = smaStep(st.sma, bar, src, length);
  const dev = devStep(st.dev, bar, src, length);
  return (src - mean) / (0.015 * dev);
}

// ---------------------------------------------------------------------------------------------
// cog = −Σ src[i]·(i+1) / Σ src[i] over the newest `length` non-na values

export interface CogState {
  bar: number;
  r: Ring;
}

export function newCogState(): CogState {
  return { bar: -1, r: newRing() };
}

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
  const hh = extremeStep(st.hi, bar, high, length, 1);
  const ll = extremeStep(st.lo, bar, low, length, -1);
  return (100 * (src - ll)) / (hh - ll);
}

export function wprStep(st: StochState, bar: number, close: number, high: number, low: number, length: number): number {
  const hh = extremeStep(st.hi, bar, high, length, 1);
  const ll = extremeStep(st.lo, bar, low, length, -1);
  return (100 * (close - hh)) / (hh - ll);
}

// ---------------------------------------------------------------------------------------------
// tsi = ema(ema(mom, long), short) / ema(ema(|mom|, long), short)

export interface TsiState {
  prev: PrevState;
  m1: ExpState;
  m2: ExpState;
  a1: ExpState;
  a2: ExpState;
}

export function newTsiState(): TsiState {
  return { prev: newPrevState(), m1: newExpState(), m2: newExpState(), a1: newExpState(), a2: newExpState() };
}

export function tsiStep(st: TsiState, bar: number, src: number, shortLength: number, longLength: number): number {
  const mom = src - prevStep(st.prev, bar, src);
  const m = emaStep(st.m2, bar, emaStep(st.m1, bar, mom, longLength), shortLength);
  const a = emaStep(st.a2, bar, emaStep(st.a1, bar, Math.abs(mom), longLength), shortLength);
  return m / a;
}

// ---------------------------------------------------------------------------------------------
// macd: [fast − slow, ema(fast − slow, sig), macd − signal]

export interface MacdState {
  fast: ExpState;
  slow: ExpState;
  sig: ExpState;
}

export function newMacdState(): MacdState {
  return { fast: newExpState(), slow: newExpState(), sig: newExpState() };
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
  const macd = emaStep(st.fast, bar, src, fastlen) - emaStep(st.slow, bar, src, slowlen);
  const signal = emaStep(st.sig, bar, macd, siglen);
  out[at] = macd;
  out[at + 1] = signal;
  out[at + 2] = macd - signal;
}

// ---------------------------------------------------------------------------------------------
// dmi: [+DI, −DI, ADX] from Wilder's directional movement, smoothed with rma over a true range
// that is na on the first execution.

export interface DmiState {
  ph: PrevState;
  pl: PrevState;
  tr: TrState;
  trur: ExpState;
  plus: ExpState;
  minus: ExpState;
  adx: ExpState;
}

export function newDmiState(): DmiState {
  return {
    ph: newPrevState(),
    pl: newPrevState(),
    tr: newTrState(),
    trur: newExpState(),
    plus: newExpState(),
    minus: newExpState(),
    adx: newExpState(),
  };
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
  const up = high - prevStep(st.ph, bar, high);
  const down = -(low - prevStep(st.pl, bar, low));
  const isNa = up !== up || down !== down;
  const plusDM = isNa ? NaN : up - down > EPS && up > EPS ? up : 0;
  const minusDM = isNa ? NaN : down - up > EPS && down > EPS ? down : 0;
  const trur = rmaStep(st.trur, bar, trStep(st.tr, bar, high, low, close, false), diLength);
  const plus = (100 * rmaStep(st.plus, bar, plusDM, diLength)) / trur;
  const minus = (100 * rmaStep(st.minus, bar, minusDM, diLength)) / trur;
  const sum = plus + minus;
  const adx = 100 * rmaStep(st.adx, bar, Math.abs(plus - minus) / (sum === 0 ? 1 : sum), adxSmoothing);
  out[at] = plus;
  out[at + 1] = minus;
  out[at + 2] = adx;
}

// ---------------------------------------------------------------------------------------------
// rci: Spearman rank correlation (×100) between the newest `length` values and time; ties (values
// within Pine's tolerance) get their average rank. na in the window gives na, and so does every
// execution before the `length + 1`-th (as TradingView does).

export interface RciState {
  w: RawWin;
  /** Scratch space (not meaningful between calls). */
  idx: Float64Array;
  rank: Float64Array;
}

export function newRciState(): RciState {
  return { w: newRawWin(), idx: new Float64Array(0), rank: new Float64Array(0) };
}

export function rciStep(st: RciState, bar: number, src: number, length: number): number {
  const r = rawPush(st.w, bar, src, length + 1);
  if (rawCount(r) <= length) return NaN;
  if (st.idx.length < length) {
    st.idx = new Float64Array(length);
    st.rank = new Float64Array(length);
  }
  const idx = st.idx;
  const rank = st.rank;
  // idx: window positions (0 = newest) sorted by value, descending.
  for (let i = 0; i < length; i++) {
    const v = ringGet(r, i);
    if (v !== v) return NaN;
    idx[i] = i;
  }
  const sorted = Array.from(idx.subarray(0, length)).sort((a, b) => ringGet(r, b) - ringGet(r, a));
  for (let i = 0; i < length; ) {
    let j = i + 1;
    const first = ringGet(r, sorted[i] ?? 0);
    while (j < length && first - ringGet(r, sorted[j] ?? 0) < EPS) j++;
    const avg = (i + j - 1) / 2;
    for (let t = i; t < j; t++) rank[sorted[t] ?? 0] = avg;
    i = j;
  }
  // Pearson correlation between the price rank and the time rank (both 0-based, newest = 0).
  const mean = (length - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < length; i++) {
    const dx = i - mean;
    const dy = (rank[i] ?? 0) - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return (100 * sxy) / Math.sqrt(sxx * syy);
}

