// array.* builtins over heap arrays (runtime/heap.ts PineArray): creation (new<T>, new_<type>,
// from, copy), element access (get, set, first, last), changes (push, pop, unshift, shift, insert,
// remove, clear, fill, reverse, sort, concat), queries (size, includes, indexof, lastindexof, join)
// and statistics (sum, avg, min, max, median, range, stdev, variance); order.ascending/descending.
//
// Each function is defined once per element type (int, float, bool, color, string) so the checker
// picks the overload from the array's element type and the implementation knows statically where
// an element lives: numbers in rt.f (na is NaN), strings in rt.o (na is null). An array argument is
// a reference in rt.o; na (null) there is a runtime error naming the function. Indices may be
// negative and then count from the end (Pine v6): -1 is the last element.

import { defineFn, defineVar } from './registry.js';
import { newArray, type PineArray } from '../core/heap.js';
import { valueToString } from './format.js';
import { checkStringLength, noteAlloc } from './limits.js';
import type { Runtime } from '../core/runtime.js';

type Elem = 'int' | 'float' | 'bool' | 'color' | 'string' | DrawElem;
/** Tier 2 element types: drawing ids (numbers, na = NaN) and chart.point objects (null = na). */
type DrawElem = 'label' | 'line' | 'box' | 'table' | 'polyline' | 'linefill' | 'chart.point';

const ELEMS: readonly Elem[] = ['int', 'float', 'bool', 'color', 'string', 'label', 'line', 'box', 'table', 'polyline', 'linefill', 'chart.point'];
const SCALAR_ELEMS: readonly Elem[] = ['int', 'float', 'bool', 'color', 'string'];
const NUMERIC: readonly Elem[] = ['int', 'float'];

/** Default of `initial_value`: na, false for bool (a v6 bool is never na). */
function naOf(e: Elem): string {
  return e === 'bool' ? 'false' : 'na';
}

/** The array in register `i`, or a runtime error for an na array. */
export function arrayArg(rt: Runtime, i: number, fn: string): PineArray {
  const v = rt.o[i];
  if (v === null || v === undefined || typeof v !== 'object' || (v as { kind?: unknown }).kind !== 'array') {
    rt.fail('na-array', `Cannot call '${fn}()': the array is na.`);
  }
  return v as PineArray;
}

/** Resolves a possibly negative index against `size`, or fails with Pine's bounds message. */
export function arrayIndex(rt: Runtime, index: number, size: number, fn: string): number {
  const k = index < 0 ? size + index : index;
  if (index !== index || !Number.isInteger(index) || k < 0 || k >= size) {
    const shown = index !== index ? 'na' : String(index);
    rt.fail('index-out-of-bounds', `Index ${shown} is out of bounds in '${fn}()': the array has ${size} element${size === 1 ? '' : 's'} (valid indices ${size === 0 ? 'none' : `0..${size - 1} or -${size}..-1`}).`);
  }
  return k;
}

/** Reads an element argument from register `i`. */
/** Pine's limit on the size of an array. */
export const MAX_ARRAY_SIZE = 100_000;

/** Fails when `size` exceeds Pine's array size limit (before anything is allocated), and notes
 * the `added` elements against the memory budget (limits.ts). */
function checkSize(rt: Runtime, size: number, fn: string, added = size): void {
  if (size > MAX_ARRAY_SIZE) {
    rt.fail('array-too-large', `'${fn}()' would make an array of ${size} elements: Pine arrays hold at most ${MAX_ARRAY_SIZE.toLocaleString('en-US')}.`);
  }
  noteAlloc(rt, added * 8, fn);
}

/** checkSize for one element more (push, unshift, insert). Its size is always a small integer,
 * a new array's is a float read from a register: kept apart, V8 optimises each for its own kind of
 * number (one function seeing both threw its optimised code away in a compiled run's first bars). */
export function checkGrow(rt: Runtime, size: number, fn: string): void {
  if (size > MAX_ARRAY_SIZE) {
    rt.fail('array-too-large', `'${fn}()' would make an array of ${size} elements: Pine arrays hold at most ${MAX_ARRAY_SIZE.toLocaleString('en-US')}.`);
  }
  noteAlloc(rt, 8, fn);
}

function readElem(rt: Runtime, e: Elem, i: number): unknown {
  if (e === 'string') {
    const v = rt.o[i];
    return typeof v === 'string' ? v : null;
  }
  if (e === 'chart.point') return rt.o[i] ?? null;
  return rt.f[i] ?? NaN;
}

/** Writes an element result to register `d`. */
function writeElem(rt: Runtime, e: Elem, d: number, v: unknown): void {
  if (e === 'string') rt.o[d] = typeof v === 'string' ? v : null;
  else if (e === 'chart.point') rt.o[d] = v ?? null;
  else if (e === 'bool') rt.f[d] = typeof v === 'number' && v === v && v !== 0 ? 1 : 0;
  else rt.f[d] = typeof v === 'number' ? v : NaN;
}

function sameElem(a: unknown, b: unknown): boolean {
  // na is never equal to anything, na included (as Pine's == on na).
  if (a === null || b === null) return false;
  return a === b;
}

/** Numbers of a numeric array, skipping na. */
function numbers(arr: PineArray): number[] {
  const out: number[] = [];
  for (const x of arr.items) if (typeof x === 'number' && x === x) out.push(x);
  return out;
}

/** The nth smallest (or largest) non-na value, or na when there is none. */
export function nthValue(arr: PineArray, nth: number, largest: boolean): number {
  const xs = numbers(arr).sort((p, q) => (largest ? q - p : p - q));
  if (nth !== nth || nth < 0) return NaN;
  return xs[Math.trunc(nth)] ?? NaN;
}

/** Mean and the sum of squared deviations of the non-na values (NaN mean when there are none). */
function moments(arr: PineArray): { n: number; mean: number; ss: number } {
  const xs = numbers(arr);
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = xs.length === 0 ? NaN : sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  return { n: xs.length, mean, ss };
}

/** Variance: biased divides by n, unbiased by n - 1 (na with fewer than 2 values). */
export function arrayVariance(arr: PineArray, biased: boolean): number {
  const { n, ss } = moments(arr);
  if (n === 0 || (!biased && n < 2)) return NaN;
  return ss / (biased ? n : n - 1);
}

export function arrayMedian(arr: PineArray): number {
  const xs = numbers(arr).sort((p, q) => p - q);
  const n = xs.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? (xs[mid] ?? NaN) : ((xs[mid - 1] ?? NaN) + (xs[mid] ?? NaN)) / 2;
}

/** Sorts in place; na (NaN or null) goes last in either order. */
export function sortItems(items: unknown[], descending: boolean): void {
  const sign = descending ? -1 : 1;
  items.sort((p, q) => {
    const pn = p === null || (typeof p === 'number' && p !== p);
    const qn = q === null || (typeof q === 'number' && q !== q);
    if (pn || qn) return pn === qn ? 0 : pn ? 1 : -1;
    if (typeof p === 'number' && typeof q === 'number') return sign * (p - q);
    const ps = String(p);
    const qs = String(q);
    return sign * (ps < qs ? -1 : ps > qs ? 1 : 0);
  });
}

let registered = false;

/** Defines every array.* function in the registry (once). */
export function registerArray(): void {
  if (registered) return;
  registered = true;
  for (const e of ELEMS) {
    const A = `array<${e}>`;
    const create = (name: string) => (rt: Runtime, a: number, d: number): void => {
      const size = rt.f[a] ?? NaN;
      if (size !== size || size < 0 || !Number.isInteger(size)) {
        rt.fail('bad-array-size', `Cannot create an array of size ${size !== size ? 'na' : size}: the size must be a non-negative integer.`);
      }
      checkSize(rt, size, name);
      const init = readElem(rt, e, a + 1);
      rt.o[d] = newArray(new Array<unknown>(size).fill(init));
    };
    defineFn(`array.new<${e}>(size: series int = 0, initial_value: series ${e} = ${naOf(e)}): ${A}`, create(`array.new<${e}>`));
    if (e !== 'chart.point' && e !== 'polyline') defineFn(`array.new_${e}(size: series int = 0, initial_value: series ${e} = ${naOf(e)}): ${A}`, create(`array.new_${e}`));
    defineFn(`array.from(...values: series ${e}): ${A}`, (rt, a, d, s) => {
      checkSize(rt, s, 'array.from');
      const items: unknown[] = [];
      for (let k = 0; k < s; k++) items.push(readElem(rt, e, a + k));
      rt.o[d] = newArray(items);
    });
    defineFn(`array.size(id: ${A}): series int`, (rt, a, d) => {
      rt.f[d] = arrayArg(rt, a, 'array.size').items.length;
    });
    defineFn(`array.get(id: ${A}, index: series int): series ${e}`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.get');
      writeElem(rt, e, d, arr.items[arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length, 'array.get')]);
    });
    defineFn(`array.set(id: ${A}, index: series int, value: series ${e}): void`, (rt, a) => {
      const arr = arrayArg(rt, a, 'array.set');
      arr.items[arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length, 'array.set')] = readElem(rt, e, a + 2);
    });
    defineFn(`array.first(id: ${A}): series ${e}`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.first');
      if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.first()' on an empty array.");
      writeElem(rt, e, d, arr.items[0]);
    });
    defineFn(`array.last(id: ${A}): series ${e}`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.last');
      if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.last()' on an empty array.");
      writeElem(rt, e, d, arr.items[arr.items.length - 1]);
    });
    defineFn(`array.push(id: ${A}, value: series ${e}): void`, (rt, a) => {
      const items = arrayArg(rt, a, 'array.push').items;
      checkGrow(rt, items.length + 1, 'array.push');
      items.push(readElem(rt, e, a + 1));
    });
    defineFn(`array.pop(id: ${A}): series ${e}`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.pop');
      if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.pop()' on an empty array.");
      writeElem(rt, e, d, arr.items.pop());
    });
    defineFn(`array.unshift(id: ${A}, value: series ${e}): void`, (rt, a) => {
      const items = arrayArg(rt, a, 'array.unshift').items;
      checkGrow(rt, items.length + 1, 'array.unshift');
      items.unshift(readElem(rt, e, a + 1));
    });
    defineFn(`array.shift(id: ${A}): series ${e}`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.shift');
      if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.shift()' on an empty array.");
      writeElem(rt, e, d, arr.items.shift());
    });
    defineFn(`array.insert(id: ${A}, index: series int, value: series ${e}): void`, (rt, a) => {
      const arr = arrayArg(rt, a, 'array.insert');
      // Inserting at the size appends.
      const k = arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length + 1, 'array.insert');
      checkGrow(rt, arr.items.length + 1, 'array.insert');
      arr.items.splice(k, 0, readElem(rt, e, a + 2));
    });
    defineFn(`array.remove(id: ${A}, index: series int): series ${e}`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.remove');
      const k = arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length, 'array.remove');
      writeElem(rt, e, d, arr.items.splice(k, 1)[0]);
    });
    defineFn(`array.clear(id: ${A}): void`, (rt, a) => {
      arrayArg(rt, a, 'array.clear').items.length = 0;
    });
    defineFn(`array.includes(id: ${A}, value: series ${e}): series bool`, (rt, a, d) => {
      const v = readElem(rt, e, a + 1);
      rt.f[d] = arrayArg(rt, a, 'array.includes').items.some((x) => sameElem(x, v)) ? 1 : 0;
    });
    defineFn(`array.indexof(id: ${A}, value: series ${e}): series int`, (rt, a, d) => {
      const v = readElem(rt, e, a + 1);
      rt.f[d] = arrayArg(rt, a, 'array.indexof').items.findIndex((x) => sameElem(x, v));
    });
    defineFn(`array.lastindexof(id: ${A}, value: series ${e}): series int`, (rt, a, d) => {
      const v = readElem(rt, e, a + 1);
      const items = arrayArg(rt, a, 'array.lastindexof').items;
      let k = items.length - 1;
      while (k >= 0 && !sameElem(items[k], v)) k--;
      rt.f[d] = k;
    });
  }
  defineVar('order.ascending: const string', { value: 'ascending' });
  defineVar('order.descending: const string', { value: 'descending' });
  for (const e of ELEMS) {
    const A = `array<${e}>`;
    defineFn(`array.copy(id: ${A}): ${A}`, (rt, a, d) => {
      const items = arrayArg(rt, a, 'array.copy').items;
      noteAlloc(rt, items.length * 8, 'array.copy');
      rt.o[d] = newArray(items.slice());
    });
    defineFn(`array.reverse(id: ${A}): void`, (rt, a) => {
      arrayArg(rt, a, 'array.reverse').items.reverse();
    });
    defineFn(`array.concat(id1: ${A}, id2: ${A}): ${A}`, (rt, a, d) => {
      const first = arrayArg(rt, a, 'array.concat');
      const second = arrayArg(rt, a + 1, 'array.concat').items;
      checkSize(rt, first.items.length + second.length, 'array.concat', second.length);
      for (let k = 0, n = second.length; k < n; k++) first.items.push(second[k]);
      rt.o[d] = first;
    });
    defineFn(`array.fill(id: ${A}, value: series ${e}, index_from: series int = 0, index_to: series int = na): void`, (rt, a) => {
      const items = arrayArg(rt, a, 'array.fill').items;
      const v = readElem(rt, e, a + 1);
      const from = rt.f[a + 2] ?? NaN;
      const to = rt.f[a + 3] ?? NaN;
      const lo = from !== from ? 0 : Math.max(0, Math.trunc(from));
      const hi = to !== to ? items.length : Math.min(items.length, Math.trunc(to));
      for (let k = lo; k < hi; k++) items[k] = v;
    });
    if (SCALAR_ELEMS.includes(e)) defineFn(`array.join(id: ${A}, separator: series string = ""): series string`, (rt, a, d) => {
      const sep = typeof rt.o[a + 1] === 'string' ? (rt.o[a + 1] as string) : '';
      const items = arrayArg(rt, a, 'array.join').items;
      const parts = items.map((x) => (e === 'bool' ? (x === 1 ? 'true' : 'false') : valueToString(x)));
      // Measured before joining (the parts are references or short numbers): 100,000 long strings
      // must not be joined into one huge text first.
      let length = sep.length * Math.max(0, parts.length - 1);
      for (const p of parts) length += p.length;
      checkStringLength(rt, length, 'array.join');
      noteAlloc(rt, length * 2, 'array.join');
      rt.o[d] = parts.join(sep);
    });
  }
  for (const e of ['int', 'float', 'string'] as const) {
    defineFn(`array.sort(id: array<${e}>, order: series string = "ascending"): void`, (rt, a) => {
      sortItems(arrayArg(rt, a, 'array.sort').items, rt.o[a + 1] === 'descending');
    });
  }
  for (const e of NUMERIC) {
    const A = `array<${e}>`;
    defineFn(`array.median(id: ${A}): series float`, (rt, a, d) => {
      rt.f[d] = arrayMedian(arrayArg(rt, a, 'array.median'));
    });
    defineFn(`array.range(id: ${A}): series ${e}`, (rt, a, d) => {
      const arr = arrayArg(rt, a, 'array.range');
      rt.f[d] = nthValue(arr, 0, true) - nthValue(arr, 0, false);
    });
    defineFn(`array.variance(id: ${A}, biased: series bool = true): series float`, (rt, a, d) => {
      rt.f[d] = arrayVariance(arrayArg(rt, a, 'array.variance'), rt.f[a + 1] !== 0);
    });
    defineFn(`array.stdev(id: ${A}, biased: series bool = true): series float`, (rt, a, d) => {
      rt.f[d] = Math.sqrt(arrayVariance(arrayArg(rt, a, 'array.stdev'), rt.f[a + 1] !== 0));
    });
    defineFn(`array.sum(id: ${A}): series ${e}`, (rt, a, d) => {
      const xs = numbers(arrayArg(rt, a, 'array.sum'));
      let s = 0;
      for (const x of xs) s += x;
      rt.f[d] = xs.length === 0 ? NaN : s;
    });
    defineFn(`array.avg(id: ${A}): series float`, (rt, a, d) => {
      const xs = numbers(arrayArg(rt, a, 'array.avg'));
      let s = 0;
      for (const x of xs) s += x;
      rt.f[d] = xs.length === 0 ? NaN : s / xs.length;
    });
    defineFn(`array.min(id: ${A}, nth: series int = 0): series ${e}`, (rt, a, d) => {
      rt.f[d] = nthValue(arrayArg(rt, a, 'array.min'), rt.f[a + 1] ?? NaN, false);
    });
    defineFn(`array.max(id: ${A}, nth: series int = 0): series ${e}`, (rt, a, d) => {
      rt.f[d] = nthValue(arrayArg(rt, a, 'array.max'), rt.f[a + 1] ?? NaN, true);
    });
  }
}

registerArray();
