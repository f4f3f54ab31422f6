// Shared machinery of the ta.* state records: per-execution commit/replace, rings of recent
// values, rolling sums, and argument checks used by the registry adapters.
//
// Every state record carries `bar`, the bar index of its last advance (-1 before the first call).
// A call with a new bar first commits what the previous bar's last call left pending, then
// computes; a call within the same bar recomputes from the committed part only, so the earlier
// call's contribution is replaced, never added twice (vm/README.md, rule 4).

import type { Runtime } from '../../runtime/runtime.js';

/** Pine's comparison tolerance: differences smaller than this count as equal. */
export const EPS = 1e-10;

// ---------------------------------------------------------------------------------------------
// Rings

/** The most recent values of one input. Values of earlier bars are committed; the current bar
 * may hold one pending value at slot `n & mask` (`cur` = 1). A ring of capacity `cap` can read
 * the newest `cap - 1` values including the pending one, and one more when nothing is pending. */
export interface Ring {
  buf: Float64Array;
  /** cap - 1; cap is a power of two. */
  mask: number;
  /** Number of committed values. Only the newest ones fit in the ring; a regrown ring restarts
   * the count at the number it kept. */
  n: number;
  /** 1 when the current bar holds a pending value, else 0. */
  cur: number;
}

function pow2AtLeast(x: number): number {
  let cap = 8;
  while (cap < x) cap *= 2;
  return cap;
}

export function newRing(need = 1): Ring {
  const cap = pow2AtLeast(need + 2);
  return { buf: new Float64Array(cap).fill(NaN), mask: cap - 1, n: 0, cur: 0 };
}

/** Makes the pending value, if any, committed (call on the first call of a new bar). */
export function ringCommit(r: Ring): void {
  r.n += r.cur;
  r.cur = 0;
}

/** Sets (or replaces) the current bar's pending value. */
export function ringSet(r: Ring, v: number): void {
  r.buf[r.n & r.mask] = v;
  r.cur = 1;
}

/** Forgets the current bar's pending value (an na bar of a window that skips na). */
export function ringDrop(r: Ring): void {
  r.cur = 0;
}

/** Number of readable values, the pending one included. */
export function ringSize(r: Ring): number {
  const total = r.n + r.cur;
  return total < r.mask ? total : r.mask;
}

/** The k-th newest value (k = 0: the pending value if any, else the newest committed one).
 * The caller keeps k below ringSize(). */
export function ringGet(r: Ring, k: number): number {
  return r.buf[(r.n + r.cur - 1 - k) & r.mask];
}

/** Grows the ring so that `need` values plus one spare stay readable. Must be called before
 * ringSet on the current bar. Values older than the old capacity were never kept; the ring then
 * only counts what it still has. */
export function ringEnsure(r: Ring, need: number): void {
  if (need + 1 <= r.mask) return;
  const cap = pow2AtLeast(2 * (need + 1));
  const buf = new Float64Array(cap).fill(NaN);
  const keep = Math.min(r.n, r.mask);
  // Committed values keep their distance from the newest one; the pending slot stays at n & mask.
  for (let k = 0; k < keep; k++) {
    buf[(keep - 1 - k) & (cap - 1)] = r.buf[(r.n - 1 - k) & r.mask];
  }
  if (r.cur) buf[keep & (cap - 1)] = r.buf[r.n & r.mask];
  r.buf = buf;
  r.mask = cap - 1;
  r.n = keep;
}

// ---------------------------------------------------------------------------------------------
// Windows by execution: the newest values, na included (RawWin), or only the non-na ones
// (compactPush on the same record)

export interface RawWin {
  bar: number;
  r: Ring;
}

export function newRawWin(): RawWin {
  return { bar: -1, r: newRing() };
}

/** Enters bar `bar`, makes room for `need` values and sets the current value. Returns the ring. */
export function rawPush(w: RawWin, bar: number, v: number, need: number): Ring {
  if (bar !== w.bar) {
    w.bar = bar;
    ringCommit(w.r);
  }
  ringEnsure(w.r, need);
  ringSet(w.r, v);
  return w.r;
}

/** Number of values in the window (the current one included) that the ring still holds. */
export function rawCount(r: Ring): number {
  return r.n + r.cur;
}

/** Pushes `v` into a window of non-na values (an na bar pushes nothing). */
export function compactPush(st: RawWin, bar: number, v: number, need: number): Ring {
  if (bar !== st.bar) {
    st.bar = bar;
    ringCommit(st.r);
  }
  ringEnsure(st.r, need);
  if (v === v) ringSet(st.r, v);
  else ringDrop(st.r);
  return st.r;
}

// ---------------------------------------------------------------------------------------------
// Rolling sum over the newest `length` non-na values

/** Sum of the newest `length` non-na inputs (na inputs are skipped, as Pine's sum and sma do).
 * `s` is a running sum of the newest `k` committed values. A running sum drifts, so it is
 * recomputed from the ring (compensated) whenever `k` changes, every max(REFRESH, k) commits
 * (amortised O(1)), and as soon as it has fallen CANCEL times below its peak since the last
 * recomputation (cancellation would otherwise leave the rounding error of the large values). The
 * error then stays below REFRESH·CANCEL·2^-53 ≈ 1e-10 of the sum. */
export interface RollSum {
  bar: number;
  r: Ring;
  k: number;
  s: number;
  peak: number;
  age: number;
}

const REFRESH = 1024;
const CANCEL = 1000;

export function newRollSum(): RollSum {
  // -0 rather than 0 so that the fields hold doubles from the start (no map change later).
  return { bar: -1, r: newRing(), k: 0, s: -0, peak: -0, age: 0 };
}

function rebuild(st: RollSum, k: number): void {
  const r = st.r;
  const m = Math.min(k, r.n);
  let s = 0;
  let c = 0;
  // The newest m committed values, oldest first (the pending one, if any, is not included).
  for (let i = m - 1; i >= 0; i--) {
    const x = r.buf[(r.n - 1 - i) & r.mask];
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  st.k = k;
  st.s = s + c;
  st.peak = Math.abs(st.s);
  st.age = 0;
}

/** Returns the sum of the newest `length` non-na values of `x` (the current one included), or
 * NaN while fewer than `length` exist. On an na bar the window does not move and the sum of the
 * unchanged window is returned. `length` is a positive integer. */
export function rollSumStep(st: RollSum, bar: number, x: number, length: number): number {
  const r = st.r;
  if (bar !== st.bar) {
    st.bar = bar;
    if (r.cur) {
      // The pending value enters the committed window and the oldest one leaves it.
      const buf = r.buf;
      let s = st.s + buf[r.n & r.mask];
      if (r.n >= st.k) s -= buf[(r.n - st.k) & r.mask];
      st.s = s;
      st.age++;
      r.n++;
      r.cur = 0;
      const a = s < 0 ? -s : s;
      if (a > st.peak) st.peak = a;
      else if (a * CANCEL < st.peak) st.age = REFRESH + st.k;
    }
  }
  const k = length - 1;
  if (k !== st.k || (st.age >= REFRESH && st.age >= k)) {
    if (k + 1 > r.mask) ringEnsure(r, k + 1);
    r.cur = 0;
    rebuild(st, k);
  }
  if (x === x) {
    r.buf[r.n & r.mask] = x;
    r.cur = 1;
    return r.n >= k ? st.s + x : NaN;
  }
  r.cur = 0;
  return r.n >= length ? st.s + r.buf[(r.n - length) & r.mask] : NaN;
}

// ---------------------------------------------------------------------------------------------
// Argument checks used by adapters (they need the runtime to fail)

/** A length argument: a positive integer, or a runtime error naming the function and argument. */
export function posLen(rt: Runtime, v: number, fn: string, arg = 'length'): number {
  if (!(v > 0)) {
    const shown = v === v ? String(v) : 'na';
    rt.fail('E_TA_LENGTH', `Invalid value of the '${arg}' argument (${shown}) in '${fn}'. It must be > 0.`);
  }
  return Math.floor(v);
}

/** A non-negative integer argument (offsets, occurrences). */
export function nonNeg(rt: Runtime, v: number, fn: string, arg: string): number {
  if (!(v >= 0)) {
    const shown = v === v ? String(v) : 'na';
    rt.fail('E_TA_ARG', `Invalid value of the '${arg}' argument (${shown}) in '${fn}'. It must be >= 0.`);
  }
  return Math.floor(v);
}
