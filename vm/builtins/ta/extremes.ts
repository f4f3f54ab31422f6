// Window extremes and order statistics: ta.highest, ta.lowest, ta.highestbars, ta.lowestbars,
// ta.range, ta.max, ta.min, ta.median, ta.mode, ta.percentile_linear_interpolation,
// ta.percentile_nearest_rank, ta.percentrank, ta.rising, ta.falling. Step functions over plain
// state records; the per-execution contract is described in window.ts.

import { compactPush, EPS, newRing, rawCount, rawPush, ringGet, ringGrow, type RawWin, type Ring } from './window.js';

// ---------------------------------------------------------------------------------------------
// highest / lowest (+bars): extreme of the newest `length` executions, na values ignored; na
// until `length` executions exist. Among equal extremes the oldest one is reported.
//
// The extreme of the committed part of the window is cached with the absolute index of its value
// (committed value j lives at buf[j & mask]); each new bar only compares the value it committed,
// and the window is rescanned when the cached extreme leaves it: O(1) per bar on typical data,
// O(length) at worst.

export interface ExtremeState {
  /** The window's ring, inline (as in Ring): bar of the last advance, values, committed count. */
  bar: number;
  buf: Float64Array;
  mask: number;
  n: number;
  cur: number;
  top: number;
  next: number;
  /** In/out of extremeIO: the current value, and the extreme found by the latest call. */
  x: number;
  r: number;
  /** Offset (0 = current) of the extreme found by the latest call; -1 when there is none. */
  off: number;
  /** Cache: best committed value in the window, its index (-1: none), and the committed count,
   * length and ring mask it was computed for (-1: no cache). */
  cv: number;
  ci: number;
  cn: number;
  cl: number;
  cmask: number;
}

export function newExtremeState(): ExtremeState {
  const r = newRing();
  return { bar: -1, buf: r.buf, mask: r.mask, n: 0, cur: 0, top: 0, next: 0, x: NaN, r: NaN, off: -1, cv: NaN, ci: -1, cn: -1, cl: -1, cmask: -1 };
}

/** Brings the cached extreme up to date for `n` committed values and `length`: by comparing the
 * values committed since the cache was made, or by a full scan of the window when the cache
 * cannot be extended (length or ring changed, values went back, or the cached extreme left). */
function extremeCache(st: ExtremeState, n: number, length: number, sign: number): void {
  const buf = st.buf;
  const mask = st.mask;
  const lo = n - length + 1 > 0 ? n - length + 1 : 0;
  let cv = st.cv;
  let ci = st.ci;
  let from = st.cn;
  if (st.cl !== length || st.cmask !== mask || from > n || n - from > length || (ci >= 0 && ci < lo)) {
    cv = NaN;
    ci = -1;
    from = lo;
  }
  for (let j = from; j < n; j++) {
    const v = buf[j & mask];
    if (v === v && j >= lo && (cv !== cv || (v - cv) * sign > 0)) {
      cv = v;
      ci = j;
    }
  }
  st.cv = cv;
  st.ci = ci;
  st.cn = n;
  st.cl = length;
  st.cmask = mask;
}

/** extremeStep with the value in `st.x` and the result left in `st.r`: no number crosses the call,
 * so callers that combine two windows (stoch, wpr) box nothing when V8 does not inline it. */
export function extremeIO(st: ExtremeState, bar: number, length: number, sign: number): void {
  const src = st.x;
  if (bar !== st.bar) {
    st.bar = bar;
    st.n += st.cur;
    st.cur = 0;
  }
  if (!(length <= st.top) || st.n >= st.next) ringGrow(st, length);
  const n = st.n;
  st.buf[n & st.mask] = src;
  st.cur = 1;
  const cn = st.cn;
  const ci0 = st.ci;
  if (cn === n - 1 && st.cl === length && st.cmask === st.mask && (ci0 < 0 || ci0 > n - length)) {
    // The usual case: the previous bar's value was committed since the cache was made, and the
    // cached extreme, if any, is still inside the window (lo = n − length + 1 ≤ ci). Only that
    // value can displace it (when it is inside the window, which it is unless length is 1).
    const j = n - 1;
    const v = st.buf[j & st.mask];
    const cv = st.cv;
    if (v === v && length > 1 && (cv !== cv || (v - cv) * sign > 0)) {
      st.cv = v;
      st.ci = j;
    }
    st.cn = n;
  } else if (cn !== n || st.cl !== length || st.cmask !== st.mask) {
    extremeCache(st, n, length, sign);
  }
  if (n + 1 < length) {
    st.off = -1;
    st.r = NaN;
    return;
  }
  const cv = st.cv;
  if (src === src && (cv !== cv || (src - cv) * sign > 0)) {
    st.off = 0;
    st.r = src;
    return;
  }
  const ci = st.ci;
  st.off = ci < 0 ? -1 : n - ci;
  st.r = cv;
}

/** sign = 1 for the highest value, -1 for the lowest. Also sets `st.off`. */
export function extremeStep(st: ExtremeState, bar: number, src: number, length: number, sign: number): number {
  st.x = src;
  extremeIO(st, bar, length, sign);
  return st.r;
}

export function extremeBarsStep(st: ExtremeState, bar: number, src: number, length: number, sign: number): number {
  extremeStep(st, bar, src, length, sign);
  return st.off < 0 ? NaN : -st.off;
}

// ---------------------------------------------------------------------------------------------
// range = highest − lowest over the same window

export function rangeStep(st: RawWin, bar: number, src: number, length: number): number {
  const r = rawPush(st, bar, src, length);
  if (rawCount(r) < length) return NaN;
  let hi = NaN;
  let lo = NaN;
  for (let i = 0; i < length; i++) {
    const v = ringGet(r, i);
    if (v === v) {
      if (!(v <= hi)) hi = v;
      if (!(v >= lo)) lo = v;
    }
  }
  return hi - lo;
}

// ---------------------------------------------------------------------------------------------
// max / min: all-time extreme of the non-na values seen so far

export interface AllTimeState {
  bar: number;
  m: number;
  mNext: number;
}

export function newAllTimeState(): AllTimeState {
  return { bar: -1, m: NaN, mNext: NaN };
}

export function allTimeStep(st: AllTimeState, bar: number, src: number, sign: number): number {
  if (bar !== st.bar) {
    st.bar = bar;
    st.m = st.mNext;
  }
  const m = st.m;
  st.mNext = src === src && (m !== m || (src - m) * sign > 0) ? src : m;
  return st.mNext;
}

// ---------------------------------------------------------------------------------------------
// Sorted views of a window (median, mode, percentiles). A sorted copy of the committed values is
// kept up to date as the window moves (one binary-search insert and remove per bar, O(length)
// memory moves), and each call copies it with the current bar's value put in place: O(length) per
// call instead of a sort, O(length log length). A full sort happens only when the window jumps
// (a longer length, or a ring that regrew and renumbered its values).

export interface OrderState {
  r: Ring;
  scratch: Float64Array;
  /** Ascending copy (NaN last, -0 before 0, as Float64Array.prototype.sort orders) of the
   * committed values with indices a <= i < b. */
  sorted: Float64Array;
  a: number;
  b: number;
  /** The ring mask `sorted` was made for (-1: none): a regrown ring renumbers its values. */
  smask: number;
}

export function newOrderState(): OrderState {
  return { r: newRing(), scratch: new Float64Array(0), sorted: new Float64Array(0), a: 0, b: 0, smask: -1 };
}

/** x sorts after y (NaN last, -0 before 0). */
function after(x: number, y: number): boolean {
  if (x !== x) return y === y;
  if (y !== y) return false;
  return x > y || (x === 0 && y === 0 && 1 / x > 1 / y);
}

/** Where `v` goes among the first `m` values of `s`: after every value that does not sort after it. */
function insertAt(s: Float64Array, m: number, v: number): number {
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(s[mid] ?? NaN, v)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of a value identical to `v` (NaN: any NaN) among the first `m`, or -1. */
function indexOfValue(s: Float64Array, m: number, v: number): number {
  let k = insertAt(s, m, v) - 1;
  for (; k >= 0; k--) {
    const x = s[k] ?? NaN;
    if (Object.is(x, v) || (x !== x && v !== v)) return k;
    if (after(v, x)) return -1;
  }
  return -1;
}

/** Re-sorts the committed values lo <= i < n from the ring. */
function resort(st: OrderState, lo: number, n: number): void {
  const r = st.r;
  // (`sorted` is missing in a state restored from a snapshot of an older VM.)
  const had = (st.sorted as Float64Array | undefined)?.length ?? 0;
  if (had < n - lo + 1) st.sorted = new Float64Array(Math.max(n - lo + 1, 2 * had));
  const s = st.sorted;
  for (let i = lo; i < n; i++) s[i - lo] = r.buf[i & r.mask] ?? NaN;
  s.subarray(0, n - lo).sort();
  st.a = lo;
  st.b = n;
  st.smask = r.mask;
}

/** The newest `length` values of st.r (the current bar's pending one included), ascending, in
 * st.scratch. The caller has checked that the ring holds that many. */
function sortedWindow(st: OrderState, length: number): Float64Array {
  const r = st.r;
  const n = r.n;
  const lo = n - (length - r.cur);
  // Values older than what the ring still holds cannot be removed by value: start over then.
  if (st.smask !== r.mask || st.a > lo || st.b > n || n - st.a > r.mask - 1 || st.b - st.a > 2 * length + 8) {
    resort(st, lo, n);
  } else {
    let m = st.b - st.a;
    if (st.sorted.length < m + (n - st.b) + 1) {
      const grown = new Float64Array(Math.max(m + (n - st.b) + 1, 2 * st.sorted.length));
      grown.set(st.sorted.subarray(0, m));
      st.sorted = grown;
    }
    const s = st.sorted;
    for (; st.a < lo; st.a++) {
      const k = indexOfValue(s, m, r.buf[st.a & r.mask] ?? NaN);
      if (k < 0) {
        resort(st, lo, n);
        return mergePending(st, length);
      }
      s.copyWithin(k, k + 1, m);
      m--;
    }
    for (; st.b < n; st.b++) {
      const v = r.buf[st.b & r.mask] ?? NaN;
      const k = insertAt(s, m, v);
      s.copyWithin(k + 1, k, m);
      s[k] = v;
      m++;
    }
  }
  return mergePending(st, length);
}

/** st.sorted (the committed part of the window) with the pending value, if any, put in place. */
function mergePending(st: OrderState, length: number): Float64Array {
  const r = st.r;
  if (st.scratch.length < length) st.scratch = new Float64Array(Math.max(length, 2 * st.scratch.length));
  const out = st.scratch.subarray(0, length);
  const m = st.b - st.a;
  const s = st.sorted;
  if (r.cur) {
    const v = r.buf[r.n & r.mask] ?? NaN;
    const k = insertAt(s, m, v);
    out.set(s.subarray(0, k), 0);
    out[k] = v;
    out.set(s.subarray(k, m), k + 1);
  } else out.set(s.subarray(0, m));
  return out;
}

/** median of the newest `length` non-na values; na on an na bar. `asInt` gives the lower middle
 * value for even lengths (the int overload). */
export function medianStep(st: OrderState, bar: number, src: number, length: number, asInt: boolean): number {
  const r = compactPush(st.r, bar, src, length);
  if (src !== src || r.n + r.cur < length) return NaN;
  const s = sortedWindow(st, length);
  const mid = length >> 1;
  if (length & 1) return s[mid] ?? NaN;
  const lo = s[mid - 1] ?? NaN;
  return asInt ? lo : (lo + (s[mid] ?? NaN)) / 2;
}

/** mode of the newest `length` non-na values (the smallest among equally frequent values). */
export function modeStep(st: OrderState, bar: number, src: number, length: number): number {
  const r = compactPush(st.r, bar, src, length);
  if (src !== src || r.n + r.cur < length) return NaN;
  const s = sortedWindow(st, length);
  let best = s[0] ?? NaN;
  let bestCount = 0;
  for (let i = 0; i < length; ) {
    const v = s[i] ?? NaN;
    let j = i + 1;
    while (j < length && s[j] === v) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      best = v;
    }
    i = j;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Percentiles over the newest `length` executions (na values sort last but count in `length`)

function sortedRaw(st: OrderState, bar: number, src: number, length: number): Float64Array | null {
  const r = rawPush(st.r, bar, src, length);
  if (rawCount(r) < length) return null;
  // Float64Array.sort puts NaN last.
  return sortedWindow(st, length);
}

export function percentileNearestRankStep(
  st: OrderState,
  bar: number,
  src: number,
  length: number,
  percentage: number,
): number {
  const s = sortedRaw(st, bar, src, length);
  if (s === null || src !== src) return NaN;
  const rank = Math.ceil((percentage * length) / 100);
  return s[Math.min(Math.max(rank, 1), length) - 1] ?? NaN;
}

export function percentileLinearStep(
  st: OrderState,
  bar: number,
  src: number,
  length: number,
  percentage: number,
): number {
  const s = sortedRaw(st, bar, src, length);
  if (s === null || src !== src) return NaN;
  const pos = (length * percentage) / 100 + 0.5;
  if (pos <= 1) return s[0] ?? NaN;
  if (pos >= length) return s[length - 1] ?? NaN;
  const k = Math.floor(pos);
  const lo = s[k - 1] ?? NaN;
  const hi = s[k] ?? NaN;
  return lo + (pos - k) * (hi - lo);
}

/** percentrank: share (in %) of the `length` previous values that are <= the current one. */
export function percentrankStep(st: RawWin, bar: number, src: number, length: number): number {
  const r = rawPush(st, bar, src, length + 1);
  if (rawCount(r) <= length || src !== src) return NaN;
  let count = 0;
  for (let i = 1; i <= length; i++) {
    const v = ringGet(r, i);
    if (v !== v) return NaN;
    if (v <= src) count++;
  }
  return (count / length) * 100;
}

// ---------------------------------------------------------------------------------------------
// rising / falling: the value rose (fell) on each of the last `length` executions, by more than
// Pine's comparison tolerance; false while the history is shorter or holds na.

export function risingStep(st: RawWin, bar: number, src: number, length: number, sign: number): boolean {
  const r = rawPush(st, bar, src, length + 1);
  if (rawCount(r) <= length) return false;
  let newer = src;
  for (let i = 1; i <= length; i++) {
    const v = ringGet(r, i);
    if (!((newer - v) * sign > EPS)) return false;
    newer = v;
  }
  return true;
}
