// Shared machinery of the ta.* state records: per-execution commit/replace, rings of recent
// values, rolling sums, and argument checks used by the registry adapters.
//
// Every state record carries `bar`, the bar index of its last advance (-1 before the first call).
// A call with a new bar first commits what the previous bar's last call left pending, then
// computes; a call within the same bar recomputes from the committed part only, so the earlier
// call's contribution is replaced, never added twice (vm/README.md, rule 4).

import type { Runtime } from '../../core/runtime.js';

// na in cold paths. A step function is inlined into its adapter, and the adapter's result goes to
// a Float64Array register; V8 keeps it unboxed only if every value the step can return is known
// to be a number. A bare `NaN` on a path that has not run before the function is optimised (the
// na-source path, on data without na) compiles to a generic global lookup whose result could be
// anything, and then every result of the function is boxed into a new heap number. So an na
// result on such a path is an na value the function already holds (the na source itself), never
// the `NaN` global; paths that run on the first bars (warm-up) may use `NaN`.

/** Pine's comparison tolerance: differences smaller than this count as equal. */
export const EPS = 1e-10;

// ---------------------------------------------------------------------------------------------
// Rings

/** The most recent values of one input. Values of earlier bars are committed; the current bar
 * may hold one pending value at slot `n & mask` (`cur` = 1). A ring of capacity `cap` can read
 * the newest `cap - 1` values including the pending one, and one more when nothing is pending.
 *
 * A ring is also a window by execution: `bar` is the bar of its last advance (rawPush and
 * compactPush commit the pending value when a new bar starts). Rings driven by an enclosing
 * record (wma, valuewhen) leave `bar` at -1. Every ring is created by newRing, so that all of
 * them share one object shape and the helpers below stay monomorphic. */
export interface Ring {
  bar: number;
  buf: Float64Array;
  /** cap - 1; cap is a power of two. */
  mask: number;
  /** Number of committed values. Only the newest ones fit in the ring; a regrown ring restarts
   * the count at the number it kept. */
  n: number;
  /** 1 when the current bar holds a pending value, else 0. */
  cur: number;
  /** The largest number of values ever asked for (ringGrow). */
  top: number;
  /** The value of `n` at which the ring must grow again to keep every value up to `top`. */
  next: number;
}

/** The fields ringGrow needs; records that keep their ring inline (rolling sums, extremes) have
 * them too. */
export interface RingFields {
  buf: Float64Array;
  mask: number;
  n: number;
  cur: number;
  top: number;
  next: number;
}

function pow2AtLeast(x: number): number {
  let cap = 8;
  while (cap < x) cap *= 2;
  return cap;
}

export function newRing(need = 1): Ring {
  const cap = pow2AtLeast(need + 2);
  return { bar: -1, buf: new Float64Array(cap).fill(NaN), mask: cap - 1, n: 0, cur: 0, top: 0, next: 0 };
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
  if (!(need <= r.top) || r.n >= r.next) ringGrow(r, need);
}

/** The growing part of ringEnsure (kept out of the callers' hot paths), called whenever `need`
 * exceeds the largest need so far (`top`) or `n` reaches `next`. A ring keeps every value up to
 * the largest need ever asked (a window whose length shrinks and grows again still has its
 * values), but never holds more than the values seen so far can fill: it grows with the bars
 * actually seen, doubling, so a window of length 10,000 over 100 bars allocates 256 slots, not
 * 32K. */
export function ringGrow(r: RingFields, need: number): void {
  // `top` and `next` are missing in a state record restored from a snapshot of an older VM:
  // callers test `!(need <= top)`, true then.
  const top = r.top >= need ? r.top : need;
  r.top = top;
  const want = top < r.n + 1 ? top : r.n + 1;
  let cap = r.mask + 1;
  if (want + 2 > cap) {
    cap = pow2AtLeast(2 * (want + 1));
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
  // Holding `top` values and a spare needs top + 2 slots; until then, grow again when n + 1
  // values and a spare no longer fit.
  r.next = top + 2 <= cap ? 0x7fffffff : cap - 2;
}

// ---------------------------------------------------------------------------------------------
// Windows by execution: the newest values, na included (rawPush), or only the non-na ones
// (compactPush), on a ring

export type RawWin = Ring;

export function newRawWin(): RawWin {
  return newRing();
}

/** Enters bar `bar`, makes room for `need` values and sets the current value. Returns the ring. */
export function rawPush(w: RawWin, bar: number, v: number, need: number): Ring {
  if (bar !== w.bar) {
    w.bar = bar;
    w.n += w.cur;
    w.cur = 0;
  }
  if (!(need <= w.top) || w.n >= w.next) ringGrow(w, need);
  w.buf[w.n & w.mask] = v;
  w.cur = 1;
  return w;
}

/** Number of values in the window (the current one included) that the ring still holds. */
export function rawCount(r: Ring): number {
  return r.n + r.cur;
}

/** Pushes `v` into a window of non-na values (an na bar pushes nothing). */
export function compactPush(w: RawWin, bar: number, v: number, need: number): Ring {
  if (bar !== w.bar) {
    w.bar = bar;
    w.n += w.cur;
    w.cur = 0;
  }
  if (!(need <= w.top) || w.n >= w.next) ringGrow(w, need);
  if (v === v) {
    w.buf[w.n & w.mask] = v;
    w.cur = 1;
  } else {
    w.cur = 0;
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// Rolling sum over the newest `length` non-na values

/** Sum of the newest `length` non-na inputs (na inputs are skipped, as Pine's sum and sma do).
 * The record holds its ring of non-na values inline (bar, buf, mask, n, cur as in Ring). `s` is
 * a running sum of the newest `k` committed values. A running sum drifts, so it is recomputed
 * from the ring (compensated) whenever `k` changes, every max(REFRESH, k) commits (amortised
 * O(1)), and as soon as it has fallen CANCEL times below its peak since the last recomputation
 * (cancellation would otherwise leave the rounding error of the large values). The error then
 * stays below REFRESH·CANCEL·2^-53 ≈ 1e-10 of the sum. */
export interface RollSum {
  bar: number;
  buf: Float64Array;
  mask: number;
  n: number;
  cur: number;
  top: number;
  next: number;
  k: number;
  s: number;
  peak: number;
  age: number;
}

// REFRESH = 1024 and CANCEL = 1000 are written as literals below: V8 reloads and checks a
// module-level constant at every use, and these are on every call's path.

export function newRollSum(): RollSum {
  const cap = pow2AtLeast(3);
  // -0 rather than 0 so that the fields hold doubles from the start (no map change later).
  return { bar: -1, buf: new Float64Array(cap).fill(NaN), mask: cap - 1, n: 0, cur: 0, top: 0, next: 0, k: 0, s: -0, peak: -0, age: 0 };
}

/** Compensated sum of the newest `m` committed values of a ring (of their squares if `sq`),
 * oldest first. */
function ringSum(buf: Float64Array, mask: number, n: number, m: number, sq: boolean): number {
  let s = 0;
  let c = 0;
  for (let i = m - 1; i >= 0; i--) {
    const v = buf[(n - 1 - i) & mask];
    const x = sq ? v * v : v;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

/** Recomputes the sum of the newest `k` committed values (compensated) and makes `k` current.
 * Grows the ring first when it cannot hold `k + 1` values. */
function rebuild(st: RollSum, k: number): void {
  ringGrow(st, k + 1);
  st.cur = 0;
  const s = ringSum(st.buf, st.mask, st.n, Math.min(k, st.n), false);
  st.k = k;
  st.s = s;
  st.peak = Math.abs(s);
  st.age = 0;
}

/** Commits the pending value: it enters the running sum and the oldest value leaves it (a new
 * bar has started and the previous one had a non-na value). */
function rollCommit(st: RollSum): void {
  const buf = st.buf;
  const mask = st.mask;
  const n = st.n;
  const k = st.k;
  // x − 0 is x (−0 included), so a window that is not full yet subtracts 0.
  const s = st.s + buf[n & mask] - (n >= k ? buf[(n - k) & mask] : 0);
  st.s = s;
  st.n = n + 1;
  st.cur = 0;
  let age = st.age + 1;
  const a = Math.abs(s);
  if (a > st.peak) st.peak = a;
  else if (a * 1000 < st.peak) age = 1024 + k;
  st.age = age;
}

/** Returns the sum of the newest `length` non-na values of `x` (the current one included), or
 * NaN while fewer than `length` exist. On an na bar the window does not move and the sum of the
 * unchanged window is returned. `length` is a positive integer. */
export function rollSumStep(st: RollSum, bar: number, x: number, length: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    if (st.cur) rollCommit(st);
  }
  const k = length - 1;
  if (k !== st.k || (st.age >= 1024 && st.age >= k)) rebuild(st, k);
  // The ring grows with the values seen (ringGrow), so it may still be short of k + 1.
  if (!(k + 1 <= st.top) || st.n >= st.next) ringGrow(st, k + 1);
  const n = st.n;
  if (x === x) {
    st.buf[n & st.mask] = x;
    st.cur = 1;
    return n >= k ? st.s + x : NaN;
  }
  st.cur = 0;
  // x is na here: an na result is x itself (see "na in cold paths" above).
  return n >= length ? st.s + st.buf[(n - length) & st.mask] : x;
}

// ---------------------------------------------------------------------------------------------
// Rolling sums of x and x² over one window (variance, stdev, bb)

/** Two rolling sums over the same newest `length` non-na values: of the values (`s`, `peak`,
 * `age`, exactly as RollSum) and of their squares (`s2`, `peak2`, `age2`, the same rules applied
 * to x·x). One ring holds the values; a square is recomputed from its value whenever needed, so
 * both sums are what two separate RollSums fed with x and x·x would give. `q` is the sum of
 * squares found by the latest call. */
export interface RollSum2 {
  bar: number;
  buf: Float64Array;
  mask: number;
  n: number;
  cur: number;
  top: number;
  next: number;
  k: number;
  s: number;
  peak: number;
  age: number;
  s2: number;
  peak2: number;
  age2: number;
  q: number;
}

export function newRollSum2(): RollSum2 {
  const cap = pow2AtLeast(3);
  return {
    bar: -1,
    buf: new Float64Array(cap).fill(NaN),
    mask: cap - 1,
    n: 0,
    cur: 0,
    top: 0,
    next: 0,
    k: 0,
    s: -0,
    peak: -0,
    age: 0,
    s2: -0,
    peak2: -0,
    age2: 0,
    q: NaN,
  };
}

/** Recomputes the sums whose refresh is due (both when `k` changes), as rebuild does. */
function rebuild2(st: RollSum2, k: number): void {
  const all = k !== st.k;
  const p = all || (st.age >= 1024 && st.age >= k);
  const q = all || (st.age2 >= 1024 && st.age2 >= k);
  ringGrow(st, k + 1);
  st.cur = 0;
  const m = Math.min(k, st.n);
  st.k = k;
  if (p) {
    const s = ringSum(st.buf, st.mask, st.n, m, false);
    st.s = s;
    st.peak = Math.abs(s);
    st.age = 0;
  }
  if (q) {
    const s2 = ringSum(st.buf, st.mask, st.n, m, true);
    st.s2 = s2;
    st.peak2 = Math.abs(s2);
    st.age2 = 0;
  }
}

/** rollCommit for both sums. */
function roll2Commit(st: RollSum2): void {
  const buf = st.buf;
  const mask = st.mask;
  const n = st.n;
  const k = st.k;
  const vin = buf[n & mask];
  const vout = n >= k ? buf[(n - k) & mask] : 0;
  const s = st.s + vin - vout;
  const s2 = st.s2 + vin * vin - vout * vout;
  st.s = s;
  st.s2 = s2;
  st.n = n + 1;
  st.cur = 0;
  let age = st.age + 1;
  let age2 = st.age2 + 1;
  const a = Math.abs(s);
  if (a > st.peak) st.peak = a;
  else if (a * 1000 < st.peak) age = 1024 + k;
  const a2 = Math.abs(s2);
  if (a2 > st.peak2) st.peak2 = a2;
  else if (a2 * 1000 < st.peak2) age2 = 1024 + k;
  st.age = age;
  st.age2 = age2;
}

/** Returns the sum of the newest `length` non-na values of `x` (as rollSumStep) and leaves the
 * sum of their squares in `st.q`. */
export function rollSum2Step(st: RollSum2, bar: number, x: number, length: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    if (st.cur) roll2Commit(st);
  }
  const k = length - 1;
  if (k !== st.k || (st.age >= 1024 && st.age >= k) || (st.age2 >= 1024 && st.age2 >= k)) rebuild2(st, k);
  if (!(k + 1 <= st.top) || st.n >= st.next) ringGrow(st, k + 1);
  const n = st.n;
  if (x === x) {
    st.buf[n & st.mask] = x;
    st.cur = 1;
    if (n >= k) {
      st.q = st.s2 + x * x;
      return st.s + x;
    }
    st.q = NaN;
    return NaN;
  }
  st.cur = 0;
  if (n >= length) {
    const v = st.buf[(n - length) & st.mask];
    st.q = st.s2 + v * v;
    return st.s + v;
  }
  st.q = x;
  return x;
}

// ---------------------------------------------------------------------------------------------
// Argument checks used by adapters (they need the runtime to fail)

/** The largest length (and offset, occurrence, pivot side) a ta function accepts. No ta window
 * can reach further back than Pine's longest history buffer: 5,000 bars for most series and
 * 10,000 for open, high, low, close and time (TradingView's Limitations page, "Maximum bars
 * back"), so a longer window could never fill on TradingView. Bounding it keeps every per-call
 * state small; windows also grow only with the bars actually seen (ringGrow). */
export const MAX_TA_LENGTH = 10_000;

/** A length argument: a positive integer up to MAX_TA_LENGTH, or a runtime error naming the
 * function and argument. Small enough to inline into every adapter; the message is built by
 * badArg only on failure. */
export function posLen(rt: Runtime, v: number, fn: string, arg = 'length'): number {
  return v > 0 && v <= MAX_TA_LENGTH ? Math.floor(v) : badArg(rt, 'E_TA_LENGTH', v, fn, arg, v > 0 ? RANGE : '> 0');
}

/** A non-negative integer argument (offsets, occurrences) up to MAX_TA_LENGTH. */
export function nonNeg(rt: Runtime, v: number, fn: string, arg: string): number {
  return v >= 0 && v <= MAX_TA_LENGTH ? Math.floor(v) : badArg(rt, 'E_TA_ARG', v, fn, arg, v >= 0 ? RANGE : '>= 0');
}

const RANGE = `<= ${MAX_TA_LENGTH} (no ta window reaches further back than Pine's 10,000-bar history)`;

function badArg(rt: Runtime, code: string, v: number, fn: string, arg: string, rule: string): never {
  const shown = v === v ? String(v) : 'na';
  return rt.fail(code, `Invalid value of the '${arg}' argument (${shown}) in '${fn}'. It must be ${rule}.`);
}
