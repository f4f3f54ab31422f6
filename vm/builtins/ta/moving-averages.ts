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
  ringGrow,
  rollSumStep,
  type RawWin,
  type Ring,
  type RollSum,
} from './window.js';

// ---------------------------------------------------------------------------------------------
// sma: mean of the newest `length` non-na values (na values are skipped, as Pine documents)
//
// TradingView's sma rounds like a running sum kept from the first value, in which the leaving
// value is subtracted before the new one is added: s = (s − oldest) + x (inferred from its trade
// lists, see below). The rounding is visible: where two averages are equal in exact arithmetic,
// the residue decides a crossover. tests/fixtures/tradingview/strategy/futures_pnl has two such
// bars (sma 10 = sma 30 exactly): on 2025-12-01T18:00-05:00 TradingView sees no crossover, on
// 2026-04-16T13:00-04:00 it sees one; an exactly rounded mean gives equality (no crossover) on
// both, a running sum that adds before it subtracts (Evergreen's earlier one) a crossover on
// both. This order, from the first bar, gives −2.8e-14 and +1.1e-13, TradingView's outcome on
// both, so it is kept exactly.
// `t` is that sum after the last committed bar; a call adds the current value to t minus the
// leaving one, so recalculations within a bar start from the committed sum each time.
//
// One exception, where the residue is no longer a rounding detail: when the sum falls below a
// thousandth of its peak since the last recomputation (a huge value has left the window, or the
// series has shrunk by orders of magnitude), the rounding error of the large values would remain
// in a small sum; the sum is then recomputed from the window (oldest first, the order in which the
// running sum starts) and the peak starts again. Prices that stay within a factor 1,000 of their
// level over the series never take this path, so such charts round exactly as TradingView does.

export interface SmaState {
  bar: number;
  buf: Float64Array;
  mask: number;
  n: number;
  cur: number;
  top: number;
  next: number;
  /** The length of the last call (the sum `t` is over that many newest committed values). */
  len: number;
  /** Running sum after the last committed bar, and after the current bar's latest call. */
  t: number;
  u: number;
  /** Largest |t| since the last recomputation; `fresh` is 1 when `u` was recomputed. */
  peak: number;
  fresh: number;
}

export function newSmaState(): SmaState {
  // -0 rather than 0 so that the fields hold doubles from the start (no map change later).
  return { bar: -1, buf: new Float64Array(8).fill(NaN), mask: 7, n: 0, cur: 0, top: 0, next: 0, len: 0, t: -0, u: -0, peak: -0, fresh: 0 };
}

/** Sum of the newest `m` values of the ring ending at slot `end` (exclusive), oldest first. */
function smaFresh(st: SmaState, end: number, m: number): number {
  let t = -0;
  for (let i = m; i >= 1; i--) t += st.buf[(end - i) & st.mask];
  return t;
}

/** A new length: the sum of the newest `length` committed values, oldest first. */
function smaRebuild(st: SmaState, length: number): void {
  ringGrow(st, length + 1);
  const t = smaFresh(st, st.n, Math.min(length, st.n));
  st.len = length;
  st.t = t;
  st.peak = Math.abs(t);
}

/** One sma step over the source in f[from], its result written to f[to] (ta.sma's adapter: the
 * registers). No number crosses this call: V8 boxes a double argument or result of a call it does
 * not inline into a fresh heap number (32 bytes a bar for the source and the result; the compiled
 * body of a script with several ta calls inlines only some of them). */
export function smaInto(st: SmaState, bar: number, f: Float64Array, from: number, to: number, length: number): void {
  const src = f[from] as number;
  if (bar !== st.bar) {
    st.bar = bar;
    if (st.cur) {
      st.n++;
      st.cur = 0;
      const t = st.u;
      st.t = t;
      const a = Math.abs(t);
      if (st.fresh || a > st.peak) st.peak = a;
    }
  }
  // `len` and `peak` are missing in a state record restored from an older snapshot: recompute.
  if (!(length === st.len) || !(st.peak >= 0)) smaRebuild(st, length);
  // The ring grows with the values seen (ringGrow), so it may still be short of length + 1.
  if (!(length + 1 <= st.top) || st.n >= st.next) ringGrow(st, length + 1);
  const n = st.n;
  if (src === src) {
    st.buf[n & st.mask] = src;
    st.cur = 1;
    // x − 0 is x (−0 included), so a window that is not full yet subtracts 0.
    let u = st.t - (n >= length ? st.buf[(n - length) & st.mask] : 0) + src;
    st.fresh = 0;
    if (Math.abs(u) * 1000 < st.peak) {
      u = smaFresh(st, n + 1, n + 1 < length ? n + 1 : length);
      st.fresh = 1;
    }
    st.u = u;
    f[to] = n >= length - 1 ? u / length : NaN;
    return;
  }
  st.cur = 0;
  // na source: the window does not move; an na result is src itself (see window.ts).
  f[to] = n >= length ? st.t / length : src;
}

/** smaStep's scratch registers: the source at 0, the result at 1. */
const SMA_IO = new Float64Array(2);

export function smaStep(st: SmaState, bar: number, src: number, length: number): number {
  SMA_IO[0] = src;
  smaInto(st, bar, SMA_IO, 0, 1, length);
  return SMA_IO[1] as number;
}

// ---------------------------------------------------------------------------------------------
// ema / rma: exponential averages seeded with the mean of the first `length` non-na values.
// An na source leaves the average where it is and returns na.
//
// An average lives in EXP consecutive slots of a Float64Array, so that records combining several
// (rsi, macd, dmi, atr, ...) hold them in one array and enter a new bar once for all of them:
//   +0 average after the last committed bar (NaN until seeded)
//   +1 average after the current bar's latest call (becomes +0 when the next bar starts)
//   +2 +3 seeding: sum and count of the non-na values of committed bars (only brought up to date,
//         and only read, while there is no average yet)
//   +4 +5 the same including the current bar
//   +6 in/out: emaIO and rmaIO read the source here and leave the result here
// The IO forms pass no number as an argument or result: V8 boxes numbers that cross a call it
// has not inlined, and composite records call several averages, more than V8 inlines at once.
// Hot code writes slot offsets as number literals (here `o + 6`, and the records of oscillators.ts
// and volatility.ts): V8 reloads and checks a module-level constant at every use.

export const EXP = 7;
/** The in/out slot of an average. */
export const IO = 6;

/** A Float64Array holding `count` exponential averages, each in its initial state, followed by
 * `extra` slots (NaN) for the caller's own use. */
export function newExpSlots(count: number, extra = 0): Float64Array {
  const v = new Float64Array(count * EXP + extra).fill(NaN, count * EXP);
  for (let o = 0; o < count * EXP; o += EXP) {
    v[o] = NaN;
    v[o + 1] = NaN;
    // Seeding sums start at -0, the neutral element of addition (-0 + -0 is -0).
    v[o + 2] = -0;
    v[o + 4] = -0;
    v[o + IO] = NaN;
  }
  return v;
}

/** Commits the average at slot `o` (call on the first call of a new bar). */
export function expCommit(v: Float64Array, o: number): void {
  const e = v[o + 1];
  v[o] = e;
  if (e !== e) {
    v[o + 2] = v[o + 4];
    v[o + 3] = v[o + 5];
  }
}

/** Commits every average of `v`. */
export function expCommitAll(v: Float64Array, count: number): void {
  for (let o = 0; o < count * EXP; o += EXP) expCommit(v, o);
}

/** The paths of emaIO/rmaIO other than "seeded average, non-na source": while there is no
 * average, accumulates non-na values (the pending average becomes their mean once `length` of
 * them exist, NaN before); with an average and an na source, keeps the average. The result (the
 * seed, or the na source) is left in the in/out slot. */
function expOther(v: Float64Array, o: number, length: number): void {
  const e = v[o];
  const src = v[o + 6];
  if (e === e) {
    v[o + 1] = e;
  } else if (src !== src) {
    v[o + 4] = v[o + 2];
    v[o + 5] = v[o + 3];
    v[o + 1] = NaN;
  } else {
    const sum = v[o + 2] + src;
    const cnt = v[o + 3] + 1;
    v[o + 4] = sum;
    v[o + 5] = cnt;
    const r = cnt >= length ? sum / cnt : NaN;
    v[o + 1] = r;
    v[o + 6] = r;
  }
}

/** ema of the average at slot `o` (after expCommit on a new bar), source and result in the
 * in/out slot. */
export function emaIO(v: Float64Array, o: number, length: number): void {
  const e = v[o];
  const src = v[o + 6];
  if (e === e && src === src) {
    const r = e + (2 / (length + 1)) * (src - e);
    v[o + 1] = r;
    v[o + 6] = r;
  } else {
    expOther(v, o, length);
  }
}

/** rma of the average at slot `o`, as emaIO. */
export function rmaIO(v: Float64Array, o: number, length: number): void {
  const e = v[o];
  const src = v[o + 6];
  if (e === e && src === src) {
    const r = (e * (length - 1) + src) / length;
    v[o + 1] = r;
    v[o + 6] = r;
  } else {
    expOther(v, o, length);
  }
}

/** emaIO with the source and result as values. */
export function emaAt(v: Float64Array, o: number, src: number, length: number): number {
  v[o + 6] = src;
  emaIO(v, o, length);
  return v[o + 6];
}

/** rmaIO with the source and result as values. */
export function rmaAt(v: Float64Array, o: number, src: number, length: number): number {
  v[o + 6] = src;
  rmaIO(v, o, length);
  return v[o + 6];
}

export interface ExpState {
  bar: number;
  /** One average (EXP slots). */
  v: Float64Array;
}

export function newExpState(): ExpState {
  return { bar: -1, v: newExpSlots(1) };
}

export function emaStep(st: ExpState, bar: number, src: number, length: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    expCommit(st.v, 0);
  }
  return emaAt(st.v, 0, src, length);
}

/** emaStep over the source in f[from], its result written to f[to]: no number crosses the call
 * (see smaInto). */
export function emaInto(st: ExpState, bar: number, f: Float64Array, from: number, to: number, length: number): void {
  const v = st.v;
  if (bar !== st.bar) {
    st.bar = bar;
    expCommit(v, 0);
  }
  v[6] = f[from] as number;
  emaIO(v, 0, length);
  f[to] = v[6] as number;
}

export function rmaStep(st: ExpState, bar: number, src: number, length: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    expCommit(st.v, 0);
  }
  return rmaAt(st.v, 0, src, length);
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
    return src;
  }
  const t = st.s + src;
  st.cNext = st.c + (Math.abs(st.s) >= Math.abs(src) ? st.s - t + src : src - t + st.s);
  st.sNext = t;
  return t + st.cNext;
}
