// Pivots: ta.pivothigh, ta.pivotlow (swing points confirmed `rightbars` executions later) and
// ta.pivot_point_levels (floor-trader levels of the previous or developing anchor period).
// Step functions over plain state records; the per-execution contract is described in window.ts.

import { newRawWin, rawCount, rawPush, ringGet, type RawWin } from './window.js';

// ---------------------------------------------------------------------------------------------
// pivothigh / pivotlow: the value `rightbars` back when it is strictly above (below) every newer
// value of the window and at least as high (low) as every older one; na otherwise.

export type PivotState = RawWin;
export const newPivotState = newRawWin;

export function pivotStep(st: PivotState, bar: number, src: number, leftbars: number, rightbars: number, sign: number): number {
  const size = leftbars + rightbars + 1;
  const r = rawPush(st, bar, src, size);
  if (rawCount(r) < size) return NaN;
  const cand = ringGet(r, rightbars);
  if (cand !== cand) return NaN;
  for (let i = 0; i < size; i++) {
    if (i === rightbars) continue;
    const v = ringGet(r, i);
    if (v !== v) continue;
    const d = (cand - v) * sign;
    if (i < rightbars ? !(d > 0) : !(d >= 0)) return NaN;
  }
  return cand;
}

// ---------------------------------------------------------------------------------------------
// pivot_point_levels(type, anchor, developing) → [P, R1, S1, R2, S2, R3, S3, R4, S4, R5, S5]

export const PIVOT_TYPES = ['Traditional', 'Fibonacci', 'Woodie', 'Classic', 'DM', 'Camarilla'] as const;
export type PivotType = (typeof PIVOT_TYPES)[number];

export function isPivotType(s: string): s is PivotType {
  return (PIVOT_TYPES as readonly string[]).includes(s);
}

// Slots of the period record.
const CUR_H = 0; // high, low, open of the period in progress
const CUR_L = 1;
const CUR_O = 2;
const PREV_H = 3; // high, low, open, close of the last completed period
const PREV_L = 4;
const PREV_O = 5;
const PREV_C = 6;
const LAST_C = 7; // close of the previous execution
const ANCHORED = 8; // 1 once the anchor has been true
const SLOTS = 9;

export interface PivotLevelsState {
  bar: number;
  c: Float64Array;
  next: Float64Array;
}

export function newPivotLevelsState(): PivotLevelsState {
  const c = new Float64Array(SLOTS).fill(NaN);
  c[ANCHORED] = 0;
  return { bar: -1, c, next: Float64Array.from(c) };
}

/** Levels from a period's high, low, close and open (`open` is the new period's open for Woodie,
 * the period's own open for DM). */
export function pivotLevels(type: PivotType, h: number, l: number, c: number, o: number, out: Float64Array): void {
  out.fill(NaN);
  const rng = h - l;
  switch (type) {
    case 'Traditional': {
      const p = (h + l + c) / 3;
      out[0] = p;
      out[1] = p * 2 - l;
      out[2] = p * 2 - h;
      out[3] = p + rng;
      out[4] = p - rng;
      out[5] = p * 2 + (h - 2 * l);
      out[6] = p * 2 - (2 * h - l);
      out[7] = p * 3 + (h - 3 * l);
      out[8] = p * 3 - (3 * h - l);
      out[9] = p * 4 + (h - 4 * l);
      out[10] = p * 4 - (4 * h - l);
      return;
    }
    case 'Fibonacci': {
      const p = (h + l + c) / 3;
      out[0] = p;
      out[1] = p + 0.382 * rng;
      out[2] = p - 0.382 * rng;
      out[3] = p + 0.618 * rng;
      out[4] = p - 0.618 * rng;
      out[5] = p + rng;
      out[6] = p - rng;
      return;
    }
    case 'Woodie': {
      const p = (h + l + 2 * o) / 4;
      out[0] = p;
      out[1] = p * 2 - l;
      out[2] = p * 2 - h;
      out[3] = p + rng;
      out[4] = p - rng;
      out[5] = h + 2 * (p - l);
      out[6] = l - 2 * (h - p);
      out[7] = out[5] + rng;
      out[8] = out[6] - rng;
      return;
    }
    case 'Classic': {
      const p = (h + l + c) / 3;
      out[0] = p;
      out[1] = p * 2 - l;
      out[2] = p * 2 - h;
      out[3] = p + rng;
      out[4] = p - rng;
      out[5] = p + 2 * rng;
      out[6] = p - 2 * rng;
      out[7] = p + 3 * rng;
      out[8] = p - 3 * rng;
      return;
    }
    case 'DM': {
      const x = c < o ? h + 2 * l + c : c > o ? 2 * h + l + c : h + l + 2 * c;
      out[0] = x / 4;
      out[1] = x / 2 - l;
      out[2] = x / 2 - h;
      return;
    }
    case 'Camarilla': {
      out[0] = (h + l + c) / 3;
      out[1] = c + (rng * 1.1) / 12;
      out[2] = c - (rng * 1.1) / 12;
      out[3] = c + (rng * 1.1) / 6;
      out[4] = c - (rng * 1.1) / 6;
      out[5] = c + (rng * 1.1) / 4;
      out[6] = c - (rng * 1.1) / 4;
      out[7] = c + (rng * 1.1) / 2;
      out[8] = c - (rng * 1.1) / 2;
      out[9] = (h / l) * c;
      out[10] = c - (out[9] - c);
      return;
    }
  }
}

/** Writes the 11 levels into `out`. Without `developing`, the levels are those of the period that
 * ended when the anchor was last true (na before that); with it, those of the period in progress
 * (since the last anchor, or since the first execution). */
export function pivotLevelsStep(
  st: PivotLevelsState,
  bar: number,
  type: PivotType,
  anchor: boolean,
  developing: boolean,
  open: number,
  high: number,
  low: number,
  close: number,
  out: Float64Array,
): void {
  if (bar !== st.bar) {
    st.bar = bar;
    st.c.set(st.next);
  }
  const n = st.next;
  n.set(st.c);
  if (anchor) {
    n[PREV_H] = st.c[CUR_H] ?? NaN;
    n[PREV_L] = st.c[CUR_L] ?? NaN;
    n[PREV_O] = st.c[CUR_O] ?? NaN;
    n[PREV_C] = st.c[LAST_C] ?? NaN;
    n[ANCHORED] = 1;
  }
  if (anchor || (n[CUR_H] ?? NaN) !== (n[CUR_H] ?? NaN)) {
    n[CUR_H] = high;
    n[CUR_L] = low;
    n[CUR_O] = open;
  } else {
    if (high > (n[CUR_H] ?? NaN)) n[CUR_H] = high;
    if (low < (n[CUR_L] ?? NaN)) n[CUR_L] = low;
  }
  n[LAST_C] = close;
  if (developing) {
    pivotLevels(type, n[CUR_H] ?? NaN, n[CUR_L] ?? NaN, close, n[CUR_O] ?? NaN, out);
  } else if (n[ANCHORED] === 1) {
    const o = type === 'Woodie' ? (n[CUR_O] ?? NaN) : (n[PREV_O] ?? NaN);
    pivotLevels(type, n[PREV_H] ?? NaN, n[PREV_L] ?? NaN, n[PREV_C] ?? NaN, o, out);
  } else {
    out.fill(NaN);
  }
}
