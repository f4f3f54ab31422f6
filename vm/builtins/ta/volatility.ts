// Volatility and dispersion: ta.tr, ta.atr, ta.variance, ta.stdev, ta.dev, ta.bb, ta.bbw, ta.kc,
// ta.kcw, ta.correlation, ta.supertrend, ta.sar. Step functions over plain state records; the
// per-execution contract is described in window.ts.

import { R } from '../../core/registers.js';
import {
  compactPush,
  EPS,
  newRing,
  newRollSum,
  newRollSum2,
  ringGet,
  rollSum2Step,
  rollSumStep,
  type Ring,
  type RollSum,
  type RollSum2,
} from './window.js';
import { emaIO, expCommit, newExpSlots, rmaIO } from './moving-averages.js';

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
  if (pc !== pc) return handleNa ? high - low : pc;
  return Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
}

// ---------------------------------------------------------------------------------------------
// atr = rma(tr(true), length): the close of the previous execution (as TrState) and the rma.

export interface AtrState {
  bar: number;
  pc: number;
  pcNext: number;
  v: Float64Array;
}

export function newAtrState(): AtrState {
  return { bar: -1, pc: NaN, pcNext: NaN, v: newExpSlots(1) };
}

export function atrStep(st: AtrState, bar: number, high: number, low: number, close: number, length: number): number {
  const v = st.v;
  if (bar !== st.bar) {
    st.bar = bar;
    st.pc = st.pcNext;
    expCommit(v, 0);
  }
  st.pcNext = close;
  const pc = st.pc;
  v[6] = pc !== pc ? high - low : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
  rmaIO(v, 0, length);
  return v[6];
}

// ---------------------------------------------------------------------------------------------
// variance / stdev over the newest `length` non-na values: from the rolling sums p = Σx and
// q = Σx², biased = q/n − (p/n)², unbiased = q/(n−1) − p·(p/n)/(n−1), clamped at 0.

export type VarState = RollSum2;
export const newVarState = newRollSum2;

/** Variance from the sums p, q of the newest `length` values (NaN when either is NaN). */
function varianceOf(p: number, q: number, length: number, biased: boolean): number {
  if (p !== p || q !== q) return NaN;
  const m = p / length;
  if (biased) return Math.max(0, q / length - m * m);
  // One value has no unbiased variance: na, computed from q (q − q is 0, and 0 / 0 is NaN) rather
  // than read from the `NaN` global on this rarely taken path (see window.ts).
  if (length === 1) return (q - q) / 0;
  return Math.max(0, q / (length - 1) - (p * m) / (length - 1));
}

export function varianceStep(st: VarState, bar: number, src: number, length: number, biased: boolean): number {
  const p = rollSum2Step(st, bar, src, length);
  return varianceOf(p, st.q, length, biased);
}

export function stdevStep(st: VarState, bar: number, src: number, length: number, biased: boolean): number {
  return Math.sqrt(varianceStep(st, bar, src, length, biased));
}

// ---------------------------------------------------------------------------------------------
// dev: mean absolute deviation of the newest `length` non-na values from their sma. The window
// of values is a ring of its own (not the sma's): the two grow at different lengths, and a ring
// that grows keeps only what it held.

export interface DevState {
  sma: RollSum;
  r: Ring;
  /** The sma found by the latest call (cci uses it). */
  mean: number;
}

export function newDevState(): DevState {
  return { sma: newRollSum(), r: newRing(), mean: NaN };
}

export function devStep(st: DevState, bar: number, src: number, length: number): number {
  const mean = rollSumStep(st.sma, bar, src, length) / length;
  st.mean = mean;
  const r = compactPush(st.r, bar, src, length);
  const n = r.n + r.cur;
  if (src !== src || mean !== mean || n < length) return NaN;
  const buf = r.buf;
  const mask = r.mask;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.abs(buf[(n - 1 - i) & mask] - mean);
  return sum / length;
}

// ---------------------------------------------------------------------------------------------
// bb / bbw: the basis is the sma, which is the variance's own Σx / length (the same rolling sum
// of the same values, so the same number to the bit).

export type BbState = VarState;
export const newBbState = newVarState;

/** Writes [basis, upper, lower] into `out`. */
export function bbStep(st: BbState, bar: number, src: number, length: number, mult: number, out: Float64Array, at = 0): void {
  const p = rollSum2Step(st, bar, src, length);
  const basis = p / length;
  const dev = mult * Math.sqrt(varianceOf(p, st.q, length, true));
  out[at] = basis;
  out[at + 1] = basis + dev;
  out[at + 2] = basis - dev;
}

export function bbwStep(st: BbState, bar: number, src: number, length: number, mult: number): number {
  const p = rollSum2Step(st, bar, src, length);
  const basis = p / length;
  const dev = mult * Math.sqrt(varianceOf(p, st.q, length, true));
  return ((basis + dev - (basis - dev)) / basis) * 100;
}

// ---------------------------------------------------------------------------------------------
// kc / kcw: ema basis ± mult·ema(range), range = tr (na on the first bar) or high − low

export interface KcState {
  bar: number;
  /** close of the previous execution (the true range's close[1]) and of this one. */
  pc: number;
  pcNext: number;
  /** ema basis at 0 (in/out 6), ema of the range at 7 (in/out 13); EXP slots each. */
  v: Float64Array;
}

export function newKcState(): KcState {
  return { bar: -1, pc: NaN, pcNext: NaN, v: newExpSlots(2) };
}

/** Enters the bar and records this execution's close; returns the true range (na on the first
 * execution, as ta.tr without handle_na). */
function kcEnter(st: KcState, bar: number, high: number, low: number, close: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.pc = st.pcNext;
    expCommit(st.v, 0);
    expCommit(st.v, 7);
  }
  st.pcNext = close;
  const pc = st.pc;
  return pc !== pc ? pc : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
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
  const tr = kcEnter(st, bar, high, low, close);
  const v = st.v;
  v[6] = src;
  emaIO(v, 0, length);
  v[13] = useTrueRange ? tr : high - low;
  emaIO(v, 7, length);
  const basis = v[6];
  const rangeEma = v[13];
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
  const tr = kcEnter(st, bar, high, low, close);
  const v = st.v;
  v[6] = src;
  emaIO(v, 0, length);
  v[13] = useTrueRange ? tr : high - low;
  emaIO(v, 7, length);
  const basis = v[6];
  const rangeEma = v[13];
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
  /** The atr's close[1] (of the previous execution) and this execution's close. */
  pc: number;
  pcNext: number;
  /** The atr's rma at 0 (in/out 6; EXP slots), then this execution's high, low, close and factor
   * at 7, 8, 9, 10. */
  v: Float64Array;
  /** Committed values of the previous execution: bands (after holding), close, supertrend, atr. */
  lower: number;
  upper: number;
  close: number;
  st: number;
  atrv: number;
  /** The same after the current bar's latest call. */
  lowerNext: number;
  upperNext: number;
  closeNext: number;
  stNext: number;
  atrvNext: number;
}

export function newSupertrendState(): SupertrendState {
  return {
    bar: -1,
    pc: NaN,
    pcNext: NaN,
    v: newExpSlots(1, 4),
    lower: NaN,
    upper: NaN,
    close: NaN,
    st: NaN,
    atrv: NaN,
    lowerNext: NaN,
    upperNext: NaN,
    closeNext: NaN,
    stNext: NaN,
    atrvNext: NaN,
  };
}

/** The work of supertrendStep, on the inputs it left in the record (as dmiRun). */
function supertrendRun(s: SupertrendState, bar: number, atrPeriod: number, out: Float64Array, at: number): void {
  const v = s.v;
  if (bar !== s.bar) {
    s.bar = bar;
    s.pc = s.pcNext;
    expCommit(v, 0);
    s.lower = s.lowerNext;
    s.upper = s.upperNext;
    s.close = s.closeNext;
    s.st = s.stNext;
    s.atrv = s.atrvNext;
  }
  const high = v[7];
  const low = v[8];
  const close = v[9];
  const factor = v[10];
  // atr(atrPeriod) = rma(tr(true))
  const pc = s.pc;
  s.pcNext = close;
  v[6] = pc !== pc ? high - low : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
  rmaIO(v, 0, atrPeriod);
  const atr = v[6];
  const src = (high + low) / 2;
  const prevLower = s.lower === s.lower ? s.lower : 0;
  const prevUpper = s.upper === s.upper ? s.upper : 0;
  const prevClose = s.close;
  let lower = src - factor * atr;
  let upper = src + factor * atr;
  if (!(lower > prevLower || prevClose < prevLower)) lower = prevLower;
  if (!(upper < prevUpper || prevClose > prevUpper)) upper = prevUpper;
  let dir: number;
  if (s.atrv !== s.atrv) dir = 1;
  else if (s.st === prevUpper) dir = close > upper ? -1 : 1;
  else dir = close < lower ? 1 : -1;
  const st = dir === -1 ? lower : upper;
  s.lowerNext = lower;
  s.upperNext = upper;
  s.closeNext = close;
  s.stNext = st;
  s.atrvNext = atr;
  out[at] = st;
  out[at + 1] = dir;
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
  const v = s.v;
  v[7] = high;
  v[8] = low;
  v[9] = close;
  v[10] = factor;
  supertrendRun(s, bar, atrPeriod, out, at);
}

/** The bar registers supertrendRegs reads. */
const { high: HIGH, low: LOW, close: CLOSE } = R;

/** supertrendStep with the bar's high, low and close read from the bar registers of `f` and the
 * factor from `f[fa]` (the ta.supertrend adapter's form): no fraction is passed to a call, so when V8
 * does not inline this call into a script's compiled body (its inlining budget is shared by every
 * builtin of the script) it still allocates nothing; supertrendStep's four fractions were four heap
 * numbers per bar then. */
export function supertrendRegs(s: SupertrendState, bar: number, f: Float64Array, fa: number, atrPeriod: number, at: number): void {
  const v = s.v;
  v[7] = f[HIGH] as number;
  v[8] = f[LOW] as number;
  v[9] = f[CLOSE] as number;
  v[10] = f[fa] as number;
  supertrendRun(s, bar, atrPeriod, f, at);
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
  /** The same after the current bar's latest call (every slot is written by every call, so a new
   * bar commits by swapping the two arrays). */
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
    const c = s.c;
    s.c = s.next;
    s.next = c;
  }
  const c = s.c;
  let result = c[0];
  let maxMin = c[1];
  let acc = c[2];
  let isBelow = c[3] === 1;
  const h1 = c[4];
  const h2 = c[5];
  const l1 = c[6];
  const l2 = c[7];
  const c1 = c[8];
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
