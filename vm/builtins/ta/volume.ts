// Volume-based series: ta.accdist, ta.iii, ta.nvi, ta.obv, ta.pvi, ta.pvt, ta.wad, ta.wvad and
// ta.vwap (function and variable). Step functions over plain state records; the per-execution
// contract is described in window.ts.

import { cumStep, newCumState, type CumState } from './moving-averages.js';
import { newPrevState, prevStep, type PrevState } from './oscillators.js';

// ---------------------------------------------------------------------------------------------
// Stateless variables

export function iiiValue(high: number, low: number, close: number, volume: number): number {
  return (2 * close - high - low) / ((high - low) * volume);
}

export function wvadValue(open: number, high: number, low: number, close: number, volume: number): number {
  return ((close - open) / (high - low)) * volume;
}

// ---------------------------------------------------------------------------------------------
// Cumulative variables built on cum()

export interface CumVarState {
  bar: number;
  /** close and volume of the previous execution. */
  pc: number;
  pv: number;
  pcNext: number;
  pvNext: number;
  cum: CumState;
}

export function newCumVarState(): CumVarState {
  return { bar: -1, pc: NaN, pv: NaN, pcNext: NaN, pvNext: NaN, cum: newCumState() };
}

function enterCumVar(st: CumVarState, bar: number, close: number, volume: number): void {
  if (bar !== st.bar) {
    st.bar = bar;
    st.pc = st.pcNext;
    st.pv = st.pvNext;
  }
  st.pcNext = close;
  st.pvNext = volume;
}

/** accdist = Σ ((close − low) − (high − close)) / (high − low) · volume; bars whose term is na
 * (high = low) add nothing and keep the total. */
export function accdistStep(st: CumVarState, bar: number, high: number, low: number, close: number, volume: number): number {
  enterCumVar(st, bar, close, volume);
  const mfv = ((close - low - (high - close)) / (high - low)) * volume;
  const v = cumStep(st.cum, bar, mfv === mfv ? mfv : 0);
  return v;
}

/** obv = cum(sign(change(close)) · volume) */
export function obvStep(st: CumVarState, bar: number, close: number, volume: number): number {
  enterCumVar(st, bar, close, volume);
  const chg = close - st.pc;
  return cumStep(st.cum, bar, Math.sign(chg) * volume);
}

/** pvt = cum(change(close) / close[1] · volume) */
export function pvtStep(st: CumVarState, bar: number, close: number, volume: number): number {
  enterCumVar(st, bar, close, volume);
  return cumStep(st.cum, bar, ((close - st.pc) / st.pc) * volume);
}

/** wad = cum(change > 0 ? close − min(low, close[1]) : change < 0 ? close − max(high, close[1]) : 0) */
export function wadStep(st: CumVarState, bar: number, high: number, low: number, close: number, volume: number): number {
  enterCumVar(st, bar, close, volume);
  const pc = st.pc;
  const mom = close - pc;
  const gain = mom > 0 ? close - Math.min(low, pc) : mom < 0 ? close - Math.max(high, pc) : 0;
  return cumStep(st.cum, bar, gain);
}

// ---------------------------------------------------------------------------------------------
// nvi / pvi: the index moves by the close's relative change on bars whose volume fell (nvi) or
// rose (pvi) against the previous bar; it starts at 1.

export interface VolIndexState {
  bar: number;
  /** close, volume and index of the previous execution, and of the current one. */
  pc: number;
  pv: number;
  pi: number;
  pcNext: number;
  pvNext: number;
  piNext: number;
}

export function newVolIndexState(): VolIndexState {
  return { bar: -1, pc: NaN, pv: NaN, pi: NaN, pcNext: NaN, pvNext: NaN, piNext: NaN };
}

function nz(x: number): number {
  return x === x ? x : 0;
}

/** sign = -1 for nvi (volume fell), 1 for pvi (volume rose). */
export function volIndexStep(st: VolIndexState, bar: number, close: number, volume: number, sign: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.pc = st.pcNext;
    st.pv = st.pvNext;
    st.pi = st.piNext;
  }
  const prev = st.pi === st.pi && st.pi !== 0 ? st.pi : 1;
  let v: number;
  if (nz(close) === 0 || nz(st.pc) === 0) v = prev;
  else v = (volume - nz(st.pv)) * sign > 0 ? prev + ((close - st.pc) / st.pc) * prev : prev;
  st.pcNext = close;
  st.pvNext = volume;
  st.piNext = v;
  return v;
}

// ---------------------------------------------------------------------------------------------
// vwap: Σ src·volume / Σ volume since the last bar where `anchor` was true (na before the first
// one); the bands are vwap ± mult·sqrt(Σ src²·volume / Σ volume − vwap²).

export interface VwapState {
  bar: number;
  /** Committed sums: volume, src·volume, src²·volume, and whether an anchor was seen (0/1). */
  v: number;
  pv: number;
  p2v: number;
  seen: number;
  /** The same including the current bar's latest call. */
  vNext: number;
  pvNext: number;
  p2vNext: number;
  seenNext: number;
}

export function newVwapState(): VwapState {
  return { bar: -1, v: -0, pv: -0, p2v: -0, seen: 0, vNext: -0, pvNext: -0, p2vNext: -0, seenNext: 0 };
}

/** Enters the bar, updates the pending sums and returns the vwap (na before the first anchor
 * and on an na source, which adds nothing). */
export function vwapValueStep(st: VwapState, bar: number, src: number, volume: number, anchor: boolean): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.v = st.vNext;
    st.pv = st.pvNext;
    st.p2v = st.p2vNext;
    st.seen = st.seenNext;
  }
  let v = st.v;
  let pv = st.pv;
  let p2v = st.p2v;
  let seen = st.seen;
  let r: number;
  if (src !== src) {
    r = src;
  } else if (anchor) {
    v = volume;
    pv = src * volume;
    p2v = src * src * volume;
    seen = 1;
    r = pv / v;
  } else if (seen === 1) {
    v = v + volume;
    pv = pv + src * volume;
    p2v = p2v + src * src * volume;
    r = pv / v;
  } else {
    // No anchor yet: na, the source's own na-ness aside (computed, not the NaN global; see window.ts).
    r = (v - v) / 0;
  }
  st.vNext = v;
  st.pvNext = pv;
  st.p2vNext = p2v;
  st.seenNext = seen;
  return r;
}

/** Writes [vwap, upper, lower] into out[at..at+2]. */
export function vwapStep(
  st: VwapState,
  bar: number,
  src: number,
  volume: number,
  anchor: boolean,
  mult: number,
  out: Float64Array,
  at = 0,
): void {
  const vwap = vwapValueStep(st, bar, src, volume, anchor);
  out[at] = vwap;
  if (vwap !== vwap) {
    out[at + 1] = vwap;
    out[at + 2] = vwap;
    return;
  }
  const dev = Math.sqrt(Math.max(0, st.p2vNext / st.vNext - vwap * vwap)) * mult;
  out[at + 1] = vwap + dev;
  out[at + 2] = vwap - dev;
}

/** The ta.vwap variable: vwap of hlc3 anchored at each new trading day (the first execution
 * counts as one). `tradingDay` identifies the bar's trading day (time_tradingday). */
export interface VwapVarState {
  prev: PrevState;
  vwap: VwapState;
}

export function newVwapVarState(): VwapVarState {
  return { prev: newPrevState(), vwap: newVwapState() };
}

export function vwapVarStep(st: VwapVarState, bar: number, hlc3: number, volume: number, tradingDay: number): number {
  const prevDay = prevStep(st.prev, bar, tradingDay);
  const anchor = prevDay !== tradingDay;
  return vwapValueStep(st.vwap, bar, hlc3, volume, anchor);
}
