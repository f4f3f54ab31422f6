// Volatility and dispersion: ta.tr, ta.atr, ta.variance, ta.stdev, ta.dev, ta.bb, ta.bbw, ta.kc,
// ta.kcw, ta.correlation, ta.supertrend, ta.sar. Step functions over plain state records; the
// per-execution contract is described in window.ts.

import { compactPush, EPS, newRing, newRollSum, ringGet, rollSumStep, type Ring, type RollSum } from './window.js';
import { emaStep, newExpState, rmaStep, smaStep, type ExpState } from './moving-averages.js';

// ---------------------------------------------------------------------------------------------
// tr: max(high − low, |high − close[1]|, |low − close[1]|); close[1] is the close this call site
// saw on its previous execution. Without one: high − low if handle_na, else na.

export interface TrState {
  bar: number;
  pc: number;
  pcNext: number;
}

export function newTrState(): TrState {
  return { bar: -1, pc: NaN, pcNext: NaN };
}

export function trStep(st: TrState, bar: number, high: number, low: number, close: number, handleNa: boolean): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.pc = st.pcNext;
  }
  st.pcNext = close;
  const pc = st.pc;
  if (pc !== pc) return handleNa ? high - low : NaN;
  return Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
}

// ---------------------------------------------------------------------------------------------
// atr = rma(tr(true), length)

export interface AtrState {
  tr: TrState;
  rma: ExpState;
}

export function newAtrState(): AtrState {
  return { tr: newTrState(), rma: newExpState() };
}

export function atrStep(st: AtrState, bar: number, high: number, low: number, close: number, length: number): number {
  return rmaStep(st.rma, bar, trStep(st.tr, bar, high, low, close, true), length);
}

// ---------------------------------------------------------------------------------------------
// variance / stdev over the newest `length` non-na values: from the rolling sums p = Σx and
// q = Σx², biased = q/n − (p/n)², unbiased = q/(n−1) − p·(p/n)/(n−1), clamped at 0.

export interface VarState {
  p: RollSum;
  q: RollSum;
}

export function newVarState(): VarState {
  return { p: newRollSum(), q: newRollSum() };
}

export function varianceStep(st: VarState, bar: number, src: number, length: number, biased: boolean): number {
  const p = rollSumStep(st.p, bar, src, length);
  const q = rollSumStep(st.q, bar, src * src, length);
  if (p !== p || q !== q) return NaN;
  const m = p / length;
  if (biased) return Math.max(0, q / length - m * m);
  if (length === 1) return NaN;
  return Math.max(0, q / (length - 1) - (p * m) / (length - 1));
}

export function stdevStep(st: VarState, bar: number, src: number, length: number, biased: boolean): number {
  return Math.sqrt(varianceStep(st, bar, src, length, biased));
}

// ---------------------------------------------------------------------------------------------
// dev: mean absolute deviation of the newest `length` non-na values from their sma.

export interface DevState {
  bar: number;
  r: Ring;
  sma: RollSum;
}

export function newDevState(): DevState {
  return { bar: -1, r: newRing(), sma: newRollSum() };
}

export function devStep(st: DevState, bar: number, src: number, length: number): number {
  const mean = smaStep(st.sma, bar, src, length);
  const r = compactPush(st, bar, src, length);
  if (src !== src || mean !== mean || r.n + r.cur < length) return NaN;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.abs(ringGet(r, i) - mean);
  return sum / length;
}

// ---------------------------------------------------------------------------------------------
// bb / bbw

export interface BbState {
  sma: RollSum;
  v: VarState;
}

export function newBbState(): BbState {
  return { sma: newRollSum(), v: newVarState() };
}

/** Writes [basis, upper, lower] into `out`. */
export function bbStep(st: BbState, bar: number, src: number, length: number, mult: number, out: Float64Array, at = 0): void {
  const basis = smaStep(st.sma, bar, src, length);
  const dev = mult * stdevStep(st.v, bar, src, length, true);
  out[at] = basis;
  out[at + 1] = basis + dev;
  out[at + 2] = basis - dev;
}

export function bbwStep(st: BbState, bar: number, src: number, length: number, mult: number): number {
  const basis = smaStep(st.sma, bar, src, length);
  const dev = mult * stdevStep(st.v, bar, src, length, true);
  return ((basis + dev - (basis - dev)) / basis) * 100;
}

// ---------------------------------------------------------------------------------------------
// kc / kcw: ema basis ± mult·ema(range), range = tr (na on the first bar) or high − low

export interface KcState {
  basis: ExpState;
  range: ExpState;
  tr: TrState;
}

export function newKcState(): KcState {
  return { basis: newExpState(), range: newExpState(), tr: newTrState() };
}

export function kcStep(
  st: KcState,
  bar: number,
  src: number,
  high: number,
  low: number,
  close: number,
  length: number,
  mult: number,
  useTrueRange: boolean,
  out: Float64Array,
  at = 0,
): void {
  const basis = emaStep(st.basis, bar, src, length);
  const tr = trStep(st.tr, bar, high, low, close, false);
  const rangeEma = emaStep(st.range, bar, useTrueRange ? tr : high - low, length);
  out[at] = basis;
  out[at + 1] = basis + rangeEma * mult;
  out[at + 2] = basis - rangeEma * mult;
}

export function kcwStep(
  st: KcState,
  bar: number,
  src: number,
  high: number,
  low: number,
  close: number,
  length: number,
  mult: number,
  useTrueRange: boolean,
): number {
  const basis = emaStep(st.basis, bar, src, length);
  const tr = trStep(st.tr, bar, high, low, close, false);
  const rangeEma = emaStep(st.range, bar, useTrueRange ? tr : high - low, length);
  return (basis + rangeEma * mult - (basis - rangeEma * mult)) / basis;
}

// ---------------------------------------------------------------------------------------------
// correlation: Pearson coefficient from rolling sums of x, y, x·y, x², y² (each skipping its own
// na values). A covariance within Pine's tolerance of zero gives 0.

export interface CorrState {
  x: RollSum;
  y: RollSum;
  xy: RollSum;
  xx: RollSum;
  yy: RollSum;
}

export function newCorrState(): CorrState {
  return { x: newRollSum(), y: newRollSum(), xy: newRollSum(), xx: newRollSum(), yy: newRollSum() };
}

export function correlationStep(st: CorrState, bar: number, a: number, b: number, length: number): number {
  const sx = rollSumStep(st.x, bar, a, length);
  const sy = rollSumStep(st.y, bar, b, length);
  const sxy = rollSumStep(st.xy, bar, a * b, length);
  const sxx = rollSumStep(st.xx, bar, a * a, length);
  const syy = rollSumStep(st.yy, bar, b * b, length);
  if (sx !== sx || sy !== sy || sxy !== sxy || sxx !== sxx || syy !== syy) return NaN;
  const mx = sx / length;
  const my = sy / length;
  const cov = sxy / length - mx * my;
  if (Math.abs(cov) <= EPS) return 0;
  const vv = Math.max(0, sxx / length - mx * mx) * Math.max(0, syy / length - my * my);
  if (vv === 0) return NaN;
  return cov / Math.sqrt(vv);
}

// ---------------------------------------------------------------------------------------------
// supertrend(factor, atrPeriod): Pine's reference algorithm. Bands are hl2 ± factor·atr, each
// held against the previous band unless price crossed it; direction −1 is up, 1 is down.

export interface SupertrendState {
  bar: number;
  atr: AtrState;
  /** Committed values of the previous execution: bands (after holding), close, supertrend, atr. */
  lower: number;
  upper: number;
  close: number;
  st: number;
  atrv: number;
  next: Float64Array;
}

export function newSupertrendState(): SupertrendState {
  return {
    bar: -1,
    atr: newAtrState(),
    lower: NaN,
    upper: NaN,
    close: NaN,
    st: NaN,
    atrv: NaN,
    next: new Float64Array(5).fill(NaN),
  };
}

export function supertrendStep(
  s: SupertrendState,
  bar: number,
  high: number,
  low: number,
  close: number,
  factor: number,
  atrPeriod: number,
  out: Float64Array,
  at = 0,
): void {
  if (bar !== s.bar) {
    s.bar = bar;
    s.lower = s.next[0] ?? NaN;
    s.upper = s.next[1] ?? NaN;
    s.close = s.next[2] ?? NaN;
    s.st = s.next[3] ?? NaN;
    s.atrv = s.next[4] ?? NaN;
  }
  const atr = atrStep(s.atr, bar, high, low, close, atrPeriod);
  const src = (high + low) / 2;
  let upper = src + factor * atr;
  let lower = src - factor * atr;
  const prevLower = s.lower === s.lower ? s.lower : 0;
  const prevUpper = s.upper === s.upper ? s.upper : 0;
  lower = lower > prevLower || s.close < prevLower ? lower : prevLower;
  upper = upper < prevUpper || s.close > prevUpper ? upper : prevUpper;
  let dir: number;
  if (s.atrv !== s.atrv) dir = 1;
  else if (s.st === prevUpper) dir = close > upper ? -1 : 1;
  else dir = close < lower ? 1 : -1;
  const st = dir === -1 ? lower : upper;
  s.next[0] = lower;
  s.next[1] = upper;
  s.next[2] = close;
  s.next[3] = st;
  s.next[4] = atr;
  out[at] = st;
  out[at + 1] = dir;
}

// ---------------------------------------------------------------------------------------------
// sar(start, inc, max): Pine's reference algorithm (Wilder's parabolic SAR), initialised on the
// second execution from the direction of the close.

export interface SarState {
  bar: number;
  /** Executions committed so far. */
  n: number;
  /** Committed: result, maxMin, acceleration, isBelow (0/1), high[1], high[2], low[1], low[2], close[1]. */
  c: Float64Array;
  /** The same after the current bar's latest call. */
  next: Float64Array;
}

export function newSarState(): SarState {
  return { bar: -1, n: 0, c: new Float64Array(9).fill(NaN), next: new Float64Array(9).fill(NaN) };
}

export function sarStep(
  s: SarState,
  bar: number,
  high: number,
  low: number,
  close: number,
  start: number,
  inc: number,
  max: number,
): number {
  if (bar !== s.bar) {
    if (s.bar !== -1) s.n++;
    s.bar = bar;
    s.c.set(s.next);
  }
  const c = s.c;
  let result = c[0] ?? NaN;
  let maxMin = c[1] ?? NaN;
  let acc = c[2] ?? NaN;
  let isBelow = c[3] === 1;
  const h1 = c[4] ?? NaN;
  const h2 = c[5] ?? NaN;
  const l1 = c[6] ?? NaN;
  const l2 = c[7] ?? NaN;
  const c1 = c[8] ?? NaN;
  let firstTrendBar = false;
  if (s.n === 1) {
    if (close > c1) {
      isBelow = true;
      maxMin = high;
      result = l1;
    } else {
      isBelow = false;
      maxMin = low;
      result = h1;
    }
    firstTrendBar = true;
    acc = start;
  }
  result = result + acc * (maxMin - result);
  if (isBelow) {
    if (result > low) {
      firstTrendBar = true;
      isBelow = false;
      result = Math.max(high, maxMin);
      maxMin = low;
      acc = start;
    }
  } else if (result < high) {
    firstTrendBar = true;
    isBelow = true;
    result = Math.min(low, maxMin);
    maxMin = high;
    acc = start;
  }
  if (!firstTrendBar) {
    if (isBelow) {
      if (high > maxMin) {
        maxMin = high;
        acc = Math.min(acc + inc, max);
      }
    } else if (low < maxMin) {
      maxMin = low;
      acc = Math.min(acc + inc, max);
    }
  }
  if (isBelow) {
    result = Math.min(result, l1);
    if (s.n > 1) result = Math.min(result, l2);
  } else {
    result = Math.max(result, h1);
    if (s.n > 1) result = Math.max(result, h2);
  }
  const nx = s.next;
  nx[0] = result;
  nx[1] = maxMin;
  nx[2] = acc;
  nx[3] = isBelow ? 1 : 0;
  nx[4] = high;
  nx[5] = h1;
  nx[6] = low;
  nx[7] = l1;
  nx[8] = close;
  return result;
}
