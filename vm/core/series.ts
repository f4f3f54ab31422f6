// Bounded history buffers ("series"). A series keeps its last `cap` values in a ring; the value at
// offset k (k = 0 is the current one) is read with `serGet`. Buffers are plain objects holding typed
// arrays so that the snapshot codec and the realtime rollback can copy them without knowing them.
//
// Pine's history is per execution, not per bar: a series advances the first time it is written
// during a bar (execution id `bar`); later writes in the same bar (a loop, a second tick of a
// realtime bar after rollback) overwrite the current slot. A series inside a block that does not
// run on a bar does not advance on that bar, exactly as in Pine.

import { keepExemplar } from './shapes.js';

export interface SeriesF {
  buf: Float64Array;
  /** cap - 1; cap is a power of two. */
  mask: number;
  /** Ring index of the current value. */
  head: number;
  /** Number of values written so far (saturates at 2^31). */
  count: number;
  /** Bar index of the last advance, -1 before the first write. */
  bar: number;
}

export interface SeriesO {
  buf: unknown[];
  mask: number;
  head: number;
  count: number;
  bar: number;
}

/** The deepest history a buffer is ever sized for, whatever max_bars_back(x, n), the indicator's
 * max_bars_back or a host limit ask (max_bars_back(x, 1e9) once asked for an 8 GB buffer). It is
 * the compiler's limit on constant offsets (`x[100000]`), which are read without a check and so
 * must always fit; a dynamic offset beyond a buffer is a runtime error (Machine.histF). */
export const MAX_HISTORY_OFFSET = 100_000;

export function capFor(maxOffset: number): number {
  // One slot of slack so that advancing into a new bar never overwrites a value the confirmed
  // state can still read (realtime rollback depends on it).
  const depth = maxOffset < MAX_HISTORY_OFFSET ? maxOffset : MAX_HISTORY_OFFSET;
  let cap = 2;
  while (cap < depth + 2) cap *= 2;
  return cap;
}

/** Slots a buffer starts with. It grows with the bars it sees, doubling up to its cap (mask + 1):
 * until the ring first wraps, head equals count and every value read (offset k < count) sits at
 * head - k, inside what is allocated, so a buffer shorter than its cap reads as the full one. A
 * series that asks for 100,000 bars of history costs 512 bytes until bars arrive. */
export const FIRST_SLOTS = 64;

export function newSeriesF(maxOffset: number): SeriesF {
  const cap = capFor(maxOffset);
  return { buf: new Float64Array(cap < FIRST_SLOTS ? cap : FIRST_SLOTS).fill(NaN), mask: cap - 1, head: 0, count: 0, bar: -1 };
}

export function newSeriesO(maxOffset: number): SeriesO {
  const cap = capFor(maxOffset);
  return { buf: new Array<unknown>(cap < FIRST_SLOTS ? cap : FIRST_SLOTS).fill(null), mask: cap - 1, head: 0, count: 0, bar: -1 };
}

/** An advance moved head to the end of what is allocated (head === buf.length, before the ring's
 * first wrap): doubles the buffer, at most to its cap. Every advance site calls it. */
export function growSeriesF(s: SeriesF): void {
  const n = Math.min(s.mask + 1, s.buf.length * 2);
  const buf = new Float64Array(n);
  buf.set(s.buf);
  buf.fill(NaN, s.buf.length);
  s.buf = buf;
}

export function growSeriesO(s: SeriesO): void {
  const n = Math.min(s.mask + 1, s.buf.length * 2);
  const buf = new Array<unknown>(n).fill(null);
  for (let i = 0; i < s.buf.length; i++) buf[i] = s.buf[i];
  s.buf = buf;
}

/** The series as its full-size buffer holds it (a copy when it has not grown to its cap): what a
 * snapshot stores, the same bytes as before buffers grew. */
export function fullSeries(s: SeriesF | SeriesO): SeriesF | SeriesO {
  const cap = s.mask + 1;
  if (s.buf.length === cap) return s;
  if (s.buf instanceof Float64Array) {
    const buf = new Float64Array(cap).fill(NaN);
    buf.set(s.buf);
    return { buf, mask: s.mask, head: s.head, count: s.count, bar: s.bar };
  }
  const buf = new Array<unknown>(cap).fill(null);
  for (let i = 0; i < s.buf.length; i++) buf[i] = s.buf[i];
  return { buf, mask: s.mask, head: s.head, count: s.count, bar: s.bar };
}

// Their hidden classes outlive every instance (see runtime/shapes.ts).
keepExemplar('SeriesF', newSeriesF(0));
keepExemplar('SeriesO', newSeriesO(0));

/** Writes the current value, advancing first if this is the first write of bar `bar`. */
export function serSetF(s: SeriesF, bar: number, v: number): void {
  if (s.bar !== bar) {
    s.bar = bar;
    s.head = (s.head + 1) & s.mask;
    if (s.head === s.buf.length) growSeriesF(s);
    if (s.count < 0x7fffffff) s.count++;
  }
  s.buf[s.head] = v;
}

export function serSetO(s: SeriesO, bar: number, v: unknown): void {
  if (s.bar !== bar) {
    s.bar = bar;
    s.head = (s.head + 1) & s.mask;
    if (s.head === s.buf.length) growSeriesO(s);
    if (s.count < 0x7fffffff) s.count++;
  }
  s.buf[s.head] = v;
}

/** Advances into bar `bar` carrying the current value (for `var` variables, whose value persists
 * even on bars where it is not assigned). No-op if already advanced on this bar. */
export function serCarryF(s: SeriesF, bar: number, initial: number): void {
  if (s.bar === bar) return;
  const prev = s.count > 0 ? (s.buf[s.head] ?? NaN) : initial;
  serSetF(s, bar, prev);
}

export function serCarryO(s: SeriesO, bar: number, initial: unknown): void {
  if (s.bar === bar) return;
  const prev = s.count > 0 ? s.buf[s.head] : initial;
  serSetO(s, bar, prev);
}

/** Value at offset k (0 = current); NaN when k reaches before the first value. The caller checks
 * that k is a non-negative integer within capacity (see `serCheck`). */
export function serGetF(s: SeriesF, k: number): number {
  return k < s.count ? (s.buf[(s.head - k) & s.mask] ?? NaN) : NaN;
}

export function serGetO(s: SeriesO, k: number): unknown {
  return k < s.count ? s.buf[(s.head - k) & s.mask] : null;
}

/** Largest offset a buffer can serve. */
export function serMaxOffset(s: SeriesF | SeriesO): number {
  return s.mask - 1;
}
