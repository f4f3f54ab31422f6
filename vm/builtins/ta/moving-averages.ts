// Moving averages: ta.sma, ta.ema, ta.rma, ta.wma, ta.vwma, ta.swma, ta.alma, ta.hma, ta.linreg,
// ta.cum. Plain step functions over explicit state records (see window.ts for the per-execution
// contract shared by all of them).

import {
  newRawWin,
  newRing,
  newRollSum,
  rawCount,
  rawPush,
  ringCommit,
  ringEnsure,
  ringGet,
  ringSet,
  rollSumStep,
  type RawWin,
  type Ring,
  type RollSum,
} from './window.js';

// ---------------------------------------------------------------------------------------------
// sma: mean of the newest `length` non-na values (na values are skipped, as Pine documents)

export type SmaState = RollSum;
export const newSmaState = newRollSum;

export function smaStep(st: SmaState, bar: number, src: number, length: number): number {
  return rollSumStep(st, bar, src, length) / length;
}

// ---------------------------------------------------------------------------------------------
// ema / rma: exponential averages seeded with the mean of the first `length` non-na values.
// An na source leaves the average where it is and returns na.

export interface ExpState {
  bar: number;
  /** Average after the last committed bar (NaN until seeded). */
  e: number;
  /** Average after the current bar's latest call; becomes `e` when the next bar starts. */
  next: number;
  /** Seeding: sum and count of the non-na values of committed bars, and including this bar. */
  sum: number;
  cnt: number;
  sumNext: number;
  cntNext: number;
}

export function newExpState(): ExpState {
  return { bar: -1, e: NaN, next: NaN, sum: -0, cnt: 0, sumNext: -0, cntNext: 0 };
}

/** The seeding phase (no average yet): accumulates non-na values and returns their mean once
 * `length` of them exist, NaN before. */
function expSeed(st: ExpState, src: number, length: number): number {
  if (src !== src) {
    st.sumNext = st.sum;
    st.cntNext = st.cnt;
    st.next = NaN;
    return NaN;
  }
  const sum = st.sum + src;
  const cnt = st.cnt + 1;
  st.sumNext = sum;
  st.cntNext = cnt;
  st.next = cnt >= length ? sum / cnt : NaN;
  return st.next;
}

export function emaStep(st: ExpState, bar: number, src: number, length: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.e = st.next;
    st.sum = st.sumNext;
    st.cnt = st.cntNext;
  }
  const e = st.e;
  if (e !== e) return expSeed(st, src, length);
  if (src !== src) {
    st.next = e;
    return NaN;
  }
  st.next = e + (2 / (length + 1)) * (src - e);
  return st.next;
}

export function rmaStep(st: ExpState, bar: number, src: number, length: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.e = st.next;
    st.sum = st.sumNext;
    st.cnt = st.cntNext;
  }
  const e = st.e;
  if (e !== e) return expSeed(st, src, length);
  if (src !== src) {
    st.next = e;
    return NaN;
  }
  st.next = (e * (length - 1) + src) / length;
  return st.next;
}

export const newEmaState = newExpState;
export const newRmaState = newExpState;

// ---------------------------------------------------------------------------------------------
// wma: weights 1..length from the oldest to the newest value. An na value repeats the last
// non-na one inside the window, and the result on that bar is na.

export interface WmaState {
  bar: number;
  /** Forward-filled values. */
  r: Ring;
  /** Non-na values seen on committed bars, and including the current bar. */
  cnt: number;
  cntNext: number;
  last: number;
  lastNext: number;
}

export function newWmaState(): WmaState {
  return { bar: -1, r: newRing(), cnt: 0, cntNext: 0, last: NaN, lastNext: NaN };
}

export function wmaStep(st: WmaState, bar: number, src: number, length: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    ringCommit(st.r);
    st.cnt = st.cntNext;
    st.last = st.lastNext;
  }
  const isNa = src !== src;
  st.cntNext = isNa ? st.cnt : st.cnt + 1;
  st.lastNext = isNa ? st.last : src;
  ringEnsure(st.r, length);
  ringSet(st.r, st.lastNext);
  if (isNa || st.cntNext < length || rawCount(st.r) < length) return NaN;
  let sum = 0;
  for (let i = length - 1, w = 1; i >= 0; i--, w++) sum += ringGet(st.r, i) * w;
  return sum / ((length * (length + 1)) / 2);
}

// ---------------------------------------------------------------------------------------------
// vwma = sma(source * volume, length) / sma(volume, length)

export interface VwmaState {
  pv: RollSum;
  v: RollSum;
}

export function newVwmaState(): VwmaState {
  return { pv: newRollSum(), v: newRollSum() };
}

export function vwmaStep(st: VwmaState, bar: number, src: number, volume: number, length: number): number {
  const pv = rollSumStep(st.pv, bar, src * volume, length) / length;
  const v = rollSumStep(st.v, bar, volume, length) / length;
  return pv / v;
}

// ---------------------------------------------------------------------------------------------
// swma: x[3]/6 + 2·x[2]/6 + 2·x[1]/6 + x[0]/6

export function swmaStep(st: RawWin, bar: number, src: number): number {
  const r = rawPush(st, bar, src, 4);
  if (rawCount(r) < 4) return NaN;
  return (ringGet(r, 3) * 1) / 6 + (ringGet(r, 2) * 2) / 6 + (ringGet(r, 1) * 2) / 6 + (ringGet(r, 0) * 1) / 6;
}

// ---------------------------------------------------------------------------------------------
// alma: Gaussian weights centred at offset·(length-1); na in the window gives na.

export interface AlmaState {
  w: RawWin;
  /** Cached weights (oldest first) for the parameters in `key`. */
  weights: Float64Array;
  norm: number;
  key: string;
}

export function newAlmaState(): AlmaState {
  return { w: newRawWin(), weights: new Float64Array(0), norm: 0, key: '' };
}

export function almaStep(
  st: AlmaState,
  bar: number,
  src: number,
  length: number,
  offset: number,
  sigma: number,
  floor: boolean,
): number {
  const r = rawPush(st.w, bar, src, length);
  const key = `${length}|${offset}|${sigma}|${floor ? 1 : 0}`;
  if (key !== st.key) {
    st.key = key;
    const m = floor ? Math.floor(offset * (length - 1)) : offset * (length - 1);
    const s = length / sigma;
    st.weights = new Float64Array(length);
    st.norm = 0;
    for (let i = 0; i < length; i++) {
      const w = Math.exp(-((i - m) * (i - m)) / (2 * s * s));
      st.weights[i] = w;
      st.norm += w;
    }
  }
  if (rawCount(r) < length) return NaN;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += ringGet(r, length - 1 - i) * (st.weights[i] ?? NaN);
  return sum / st.norm;
}

// ---------------------------------------------------------------------------------------------
// hma = wma(2·wma(src, length/2) − wma(src, length), floor(sqrt(length)))

export interface HmaState {
  half: WmaState;
  full: WmaState;
  out: WmaState;
}

export function newHmaState(): HmaState {
  return { half: newWmaState(), full: newWmaState(), out: newWmaState() };
}

export function hmaStep(st: HmaState, bar: number, src: number, length: number): number {
  const half = wmaStep(st.half, bar, src, Math.max(1, Math.floor(length / 2)));
  const full = wmaStep(st.full, bar, src, length);
  return wmaStep(st.out, bar, 2 * half - full, Math.max(1, Math.floor(Math.sqrt(length))));
}

// ---------------------------------------------------------------------------------------------
// linreg: least squares line through the newest `length` values (x = 1 oldest … length newest),
// evaluated `offset` bars back from the newest; na in the window gives na.

export function linregStep(st: RawWin, bar: number, src: number, length: number, offset: number): number {
  const r = rawPush(st, bar, src, length);
  if (rawCount(r) < length) return NaN;
  let sy = 0;
  let sxy = 0;
  for (let x = 1; x <= length; x++) {
    const y = ringGet(r, length - x);
    sy += y;
    sxy += x * y;
  }
  const sx = (length * (length + 1)) / 2;
  const sxx = (length * (length + 1) * (2 * length + 1)) / 6;
  const den = length * sxx - sx * sx;
  const slope = den === 0 ? 0 : (length * sxy - sx * sy) / den;
  const mean = sy / length;
  return mean + slope * (length - offset - (length + 1) / 2);
}

// ---------------------------------------------------------------------------------------------
// cum: running total; an na value adds nothing and returns na

export interface CumState {
  bar: number;
  s: number;
  c: number;
  sNext: number;
  cNext: number;
}

export function newCumState(): CumState {
  return { bar: -1, s: 0, c: 0, sNext: 0, cNext: 0 };
}

export function cumStep(st: CumState, bar: number, src: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.s = st.sNext;
    st.c = st.cNext;
  }
  if (src !== src) {
    st.sNext = st.s;
    st.cNext = st.c;
    return NaN;
  }
  const t = st.s + src;
  st.cNext = st.c + (Math.abs(st.s) >= Math.abs(src) ? st.s - t + src : src - t + st.s);
  st.sNext = t;
  return t + st.cNext;
}
