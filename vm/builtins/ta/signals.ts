// Event functions: ta.cross, ta.crossover, ta.crossunder, ta.barssince, ta.valuewhen. Step
// functions over plain state records; the per-execution contract is described in window.ts.

import { newRing, ringCommit, ringDrop, ringEnsure, ringGet, ringSet, type Ring } from './window.js';

// ---------------------------------------------------------------------------------------------
// crossover / crossunder / cross. The previous relation is the one of the last execution where
// both sources were defined; without one there is no cross.

export interface CrossState {
  bar: number;
  /** Sign of source1 − source2 at the last defined execution: 1, 0, -1, or NaN for none. */
  rel: number;
  relNext: number;
}

export function newCrossState(): CrossState {
  return { bar: -1, rel: NaN, relNext: NaN };
}

/** dir = 1: crossover, -1: crossunder, 0: either. */
export function crossStep(st: CrossState, bar: number, a: number, b: number, dir: number): boolean {
  if (bar !== st.bar) {
    st.bar = bar;
    st.rel = st.relNext;
  }
  const prev = st.rel;
  const defined = a === a && b === b;
  st.relNext = defined ? Math.sign(a - b) : prev;
  if (!defined || prev !== prev) return false;
  const over = a > b && prev <= 0;
  const under = a < b && prev >= 0;
  return dir > 0 ? over : dir < 0 ? under : over || under;
}

// ---------------------------------------------------------------------------------------------
// barssince: executions since the condition was last true (0 on a true bar); na before that.

export interface BarssinceState {
  bar: number;
  n: number;
  nNext: number;
}

export function newBarssinceState(): BarssinceState {
  return { bar: -1, n: NaN, nNext: NaN };
}

export function barssinceStep(st: BarssinceState, bar: number, cond: boolean): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.n = st.nNext;
  }
  st.nNext = cond ? 0 : st.n + 1;
  return st.nNext;
}

// ---------------------------------------------------------------------------------------------
// valuewhen: the source value at the occurrence-th most recent execution where the condition was
// true (0 = the latest, possibly this one); na when there were not that many.

export interface ValuewhenState {
  bar: number;
  /** Source values of condition bars, newest last. */
  r: Ring;
}

export function newValuewhenState(): ValuewhenState {
  return { bar: -1, r: newRing() };
}

export function valuewhenStep(st: ValuewhenState, bar: number, cond: boolean, src: number, occurrence: number): number {
  const r = st.r;
  if (bar !== st.bar) {
    st.bar = bar;
    ringCommit(r);
  }
  ringEnsure(r, occurrence + 1);
  if (cond) ringSet(r, src);
  else ringDrop(r);
  return r.n + r.cur > occurrence ? ringGet(r, occurrence) : NaN;
}
