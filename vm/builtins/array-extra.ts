// The array.* functions array.ts does not define: binary_search (and _leftmost/_rightmost),
// percentile_linear_interpolation, percentile_nearest_rank, percentrank, mode, standardize,
// covariance, abs, every, some, sort_indices, and slice — a view that aliases its source like
// TradingView's: reading the slice sees later changes of the source, and changes made through the
// slice (set, push, remove, sort...) change the source.
//
// A slice is a PineArray with `view: { base, from, to }` (plain data: the base is a reference in
// the same heap). Every array.* builtin is wrapped (withViews) so that a view argument is
// refreshed from its base before the call and written back after it.

import { defineFn, functionsNamed, type BuiltinImpl } from './registry.js';
import { newArray, type PineArray } from '../core/heap.js';
import { arrayArg, arrayVariance } from './array.js';
import { modeOf } from './matrix.js';
import type { Runtime } from '../core/runtime.js';
import { noteAlloc } from './limits.js';

/** A slice's link to its source: elements [from, to) of base. */
export interface ArrayView {
  base: PineArray;
  from: number;
  to: number;
}

type ViewArray = PineArray & { view?: ArrayView };

function viewOf(v: unknown): ViewArray | null {
  if (typeof v !== 'object' || v === null) return null;
  const a = v as ViewArray;
  return a.kind === 'array' && a.view ? a : null;
}

/** Re-reads a slice (and the slices it is a slice of) from its source. */
export function refreshView(a: ViewArray): void {
  const chain: ViewArray[] = [];
  for (let x: ViewArray | null = a; x?.view; x = viewOf(x.view.base)) chain.unshift(x);
  for (const x of chain) {
    const v = x.view;
    if (!v) continue;
    const to = Math.min(v.to, v.base.items.length);
    const from = Math.min(v.from, to);
    x.items = v.base.items.slice(from, to);
    v.from = from;
    v.to = to;
  }
}

/** Writes a slice's elements back into its source (and on up the chain of slices). */
export function writeBackView(a: ViewArray): void {
  for (let x: ViewArray | null = a; x?.view; x = viewOf(x.view.base)) {
    const v = x.view;
    v.base.items.splice(v.from, v.to - v.from, ...x.items);
    v.to = v.from + x.items.length;
  }
}

/** Wraps an array.* builtin so slice arguments alias their source. */
export function withViews(impl: BuiltinImpl): BuiltinImpl {
  return (rt, a, d, s) => {
    const v0 = viewOf(rt.o[a]);
    const v1 = viewOf(rt.o[a + 1]);
    if (v0 === null && v1 === null) return impl(rt, a, d, s);
    if (v0) refreshView(v0);
    if (v1) refreshView(v1);
    impl(rt, a, d, s);
    if (v0) writeBackView(v0);
    if (v1) writeBackView(v1);
  };
}

/** Non-na numbers of an array. */
function nums(arr: PineArray): number[] {
  const out: number[] = [];
  for (const x of arr.items) if (typeof x === 'number' && x === x) out.push(x);
  return out;
}

/** Binary search in an ascending array: the index of `v`, or -1. */
export function binarySearch(xs: readonly unknown[], v: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = Number(xs[mid]);
    if (x === v) return mid;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The first index whose element is >= v (xs.length when none). */
function lowerBound(xs: readonly unknown[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number(xs[mid]) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose element is > v (xs.length when none). */
function upperBound(xs: readonly unknown[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number(xs[mid]) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** binary_search_leftmost: the first index of v; when absent, the index of the largest element
 * below it (-1 when there is none). */
export function searchLeftmost(xs: readonly unknown[], v: number): number {
  const k = lowerBound(xs, v);
  return k < xs.length && Number(xs[k]) === v ? k : k - 1;
}

/** binary_search_rightmost: the last index of v; when absent, the index of the smallest element
 * above it (the size when there is none). */
export function searchRightmost(xs: readonly unknown[], v: number): number {
  const k = upperBound(xs, v);
  return k > 0 && Number(xs[k - 1]) === v ? k - 1 : k;
}

/** Percentile by linear interpolation between the closest ranks (the formula of
 * ta.percentile_linear_interpolation) over the non-na values. */
export function percentileLinear(values: number[], p: number): number {
  const s = values.slice().sort((x, y) => x - y);
  const n = s.length;
  if (n === 0 || p !== p) return NaN;
  const pos = (n * p) / 100 + 0.5;
  if (pos <= 1) return s[0] ?? NaN;
  if (pos >= n) return s[n - 1] ?? NaN;
  const k = Math.floor(pos);
  const lo = s[k - 1] ?? NaN;
  const hi = s[k] ?? NaN;
  return lo + (pos - k) * (hi - lo);
}

/** Percentile by the nearest-rank method over the non-na values. */
export function percentileNearest(values: number[], p: number): number {
  const s = values.slice().sort((x, y) => x - y);
  const n = s.length;
  if (n === 0 || p !== p) return NaN;
  const rank = Math.ceil((p * n) / 100);
  return s[Math.min(Math.max(rank, 1), n) - 1] ?? NaN;
}

/** Covariance of two equally long series (biased: / n, else / (n - 1)); na on a size mismatch. */
export function covariance(xs: number[], ys: number[], biased: boolean): number {
  const n = xs.length;
  if (n === 0 || n !== ys.length || (!biased && n < 2)) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] ?? NaN;
    my += ys[i] ?? NaN;
  }
  mx /= n;
  my /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += ((xs[i] ?? NaN) - mx) * ((ys[i] ?? NaN) - my);
  return s / (biased ? n : n - 1);
}

let registered = false;

export function registerArrayExtra(): void {
  if (registered) return;
  registered = true;
  for (const e of ['int', 'float'] as const) {
    const A = `array<${e}>`;
    defineFn(`array.binary_search(id: ${A}, val: series ${e}): series int`, (rt, a, d) => {
      rt.f[d] = binarySearch(arrayArg(rt, a, 'array.binary_search').items, rt.f[a + 1] ?? NaN);
    });
    defineFn(`array.binary_search_leftmost(id: ${A}, val: series ${e}): series int`, (rt, a, d) => {
      rt.f[d] = searchLeftmost(arrayArg(rt, a, 'array.binary_search_leftmost').items, rt.f[a + 1] ?? NaN);
    });
    defineFn(`array.binary_search_rightmost(id: ${A}, val: series ${e}): series int`, (rt, a, d) => {
      rt.f[d] = searchRightmost(arrayArg(rt, a, 'array.binary_search_rightmost').items, rt.f[a + 1] ?? NaN);
    });
    defineFn(`array.percentile_linear_interpolation(id: ${A}, percentage: series float): series float`, (rt, a, d) => {
      rt.f[d] = percentileLinear(nums(arrayArg(rt, a, 'array.percentile_linear_interpolation')), rt.f[a + 1] ?? NaN);
    });
    defineFn(`array.percentile_nearest_rank(id: ${A}, percentage: series float): series ${e}`, (rt, a, d) => {
      rt.f[d] = percentileNearest(nums(arrayArg(rt, a, 'array.percentile_nearest_rank')), rt.f[a + 1] ?? NaN);
    });
    defineFn(`array.percentrank(id: ${A}, index: series int): series float`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.percentrank');
      const n = arr.items.length;
      const i = rt.f[a + 1] ?? NaN;
      const k = i < 0 ? n + i : i;
      if (i !== i || !Number.isInteger(i) || k < 0 || k >= n) {
        rt.fail('index-out-of-bounds', `Index ${i !== i ? 'na' : i} is out of bounds in 'array.percentrank()': the array has ${n} element${n === 1 ? '' : 's'}.`);
      }
      const v = Number(arr.items[k]);
      // The share of the other elements that are <= the element at `index`.
      let count = 0;
      let others = 0;
      arr.items.forEach((x, j) => {
        if (j === k || typeof x !== 'number' || x !== x) return;
        others++;
        if (x <= v) count++;
      });
      rt.f[d] = others === 0 || v !== v ? NaN : (count / others) * 100;
    });
    defineFn(`array.mode(id: ${A}): series ${e}`, (rt, a, d) => {
      rt.f[d] = modeOf(nums(arrayArg(rt, a, 'array.mode')));
    });
    defineFn(`array.standardize(id: ${A}): array<float>`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.standardize');
      const xs = nums(arr);
      let mean = 0;
      for (const x of xs) mean += x;
      mean /= xs.length;
      const sd = Math.sqrt(arrayVariance(arr, true));
      rt.o[d] = newArray(arr.items.map((x) => (typeof x === 'number' ? (x - mean) / sd : NaN)));
    });
    defineFn(`array.covariance(id1: ${A}, id2: ${A}, biased: series bool = true): series float`, (rt, a, d) => {
      const x = arrayArg(rt, a, 'array.covariance').items.map(Number);
      const y = arrayArg(rt, a + 1, 'array.covariance').items.map(Number);
      rt.f[d] = covariance(x, y, rt.f[a + 2] !== 0);
    });
    defineFn(`array.abs(id: ${A}): ${A}`, (rt, a, d) => {
      rt.o[d] = newArray(arrayArg(rt, a, 'array.abs').items.map((x) => Math.abs(Number(x))));
    });
  }
  for (const e of ['int', 'float', 'string'] as const) {
    defineFn(`array.sort_indices(id: array<${e}>, order: series string = "ascending"): array<int>`, (rt, a, d) => {
      const items = arrayArg(rt, a, 'array.sort_indices').items;
      const sign = rt.o[a + 1] === 'descending' ? -1 : 1;
      const isNa = (v: unknown): boolean => v === null || (typeof v === 'number' && v !== v);
      const idx = items.map((_, i) => i);
      idx.sort((p, q) => {
        const x = items[p];
        const y = items[q];
        if (isNa(x) || isNa(y)) return isNa(x) === isNa(y) ? 0 : isNa(x) ? 1 : -1;
        if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
        return sign * (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0);
      });
      rt.o[d] = newArray(idx);
    });
  }
  defineFn('array.every(id: array<bool>): series bool', (rt, a, d) => {
    rt.f[d] = arrayArg(rt, a, 'array.every').items.every((x) => x === 1) ? 1 : 0;
  });
  defineFn('array.some(id: array<bool>): series bool', (rt, a, d) => {
    rt.f[d] = arrayArg(rt, a, 'array.some').items.some((x) => x === 1) ? 1 : 0;
  });
  for (const e of ['int', 'float', 'bool', 'color', 'string', 'label', 'line', 'box', 'table', 'polyline', 'linefill', 'chart.point']) {
    defineFn(`array.slice(id: array<${e}>, index_from: series int, index_to: series int): array<${e}>`, (rt, a, d) => sliceImpl(rt, a, d));
  }
  // Every array.* builtin (these and array.ts's) sees slices as views of their source.
  for (const spec of functionsNamed((name) => name.startsWith('array.') && !name.startsWith('array.new'))) {
    spec.impl = withViews(spec.impl);
  }
}

/** `array.slice(id, from, to)`: a view of elements [from, to) of id (see the file comment). */
export function sliceImpl(rt: Runtime, a: number, d: number): void {
  const arr = arrayArg(rt, a, 'array.slice');
  const n = arr.items.length;
  const from = rt.f[a + 1] ?? NaN;
  const to = rt.f[a + 2] ?? NaN;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to >= from && to <= n)) {
    const show = (v: number): string => (v !== v ? 'na' : String(v));
    rt.fail('index-out-of-bounds', `Cannot call 'array.slice()' with index_from ${show(from)} and index_to ${show(to)}: the array has ${n} element${n === 1 ? '' : 's'} (0 <= index_from <= index_to <= ${n}).`);
  }
  noteAlloc(rt, (to - from) * 8, 'array.slice');
  const view: ArrayView = { base: arr, from, to };
  rt.o[d] = { kind: 'array', items: arr.items.slice(from, to), view };
}

registerArrayExtra();
