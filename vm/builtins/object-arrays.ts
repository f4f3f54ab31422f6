// array.* over arrays of objects of user-defined types (`array<Point>`): the compiler routes an
// array call whose element type is a user-defined type to these `__oarray.*` overloads (the
// per-element-type ones of array.ts know numbers and strings only). Elements are references held in
// rt.o (na is null); `T` is the element type, bound by the compiler. Equality (includes, indexof)
// is identity: two variables are equal when they refer to the same object. `array.slice` makes a view
// that aliases its source, as for other arrays (array-extra.ts), and every function here sees views.

import { defineFn as defineRaw, type BuiltinImpl } from './registry.js';
import { sliceImpl, withViews } from './array-extra.js';
import { newArray } from '../core/heap.js';
import { arrayArg, arrayIndex, checkGrow, MAX_ARRAY_SIZE } from './array.js';
import { noteAlloc } from './limits.js';
import type { Runtime } from '../core/runtime.js';

const A = 'array<T>';

/** Defines an `__oarray.*` overload whose array arguments may be slices (views of another array). */
function defineFn(sig: string, impl: BuiltinImpl): void {
  defineRaw(sig, withViews(impl));
}

function elem(rt: Runtime, i: number): unknown {
  return rt.o[i] ?? null;
}

/** `size` copies of `fill` in an array whose elements V8 keeps as any values from the start. One
 * made by `new Array(0)` starts as small integers and changes kind at its first push of an object,
 * which the push a compiled script has optimised (inlined, for the arrays it saw before) takes for
 * an unexpected array and throws its code away (`--trace-deopt`: "not a Smi", bench (e)). */
function objectItems(size: number, fill: unknown): unknown[] {
  const items: unknown[] = [null];
  items.length = 0;
  for (let k = 0; k < size; k++) items.push(fill);
  return items;
}

/** Pine's size limit (before anything is allocated), and the `added` elements noted against the
 * memory budget (limits.ts). */
function checkSize(rt: Runtime, size: number, fn: string, added = size): void {
  if (size !== size || size < 0 || !Number.isInteger(size)) {
    rt.fail('bad-array-size', `Cannot create an array of size ${size !== size ? 'na' : size}: the size must be a non-negative integer.`);
  }
  if (size > MAX_ARRAY_SIZE) {
    rt.fail('array-too-large', `'${fn}()' would make an array of ${size} elements: Pine arrays hold at most ${MAX_ARRAY_SIZE.toLocaleString('en-US')}.`);
  }
  noteAlloc(rt, added * 8, fn);
}

/** The names of array.* that work on arrays of objects (the others are refused at compile time). */
export const OBJECT_ARRAY_FUNCTIONS: readonly string[] = [
  'new', 'from', 'size', 'get', 'set', 'first', 'last', 'push', 'pop', 'unshift', 'shift', 'insert',
  'remove', 'clear', 'copy', 'reverse', 'includes', 'indexof', 'lastindexof', 'concat', 'slice', 'fill',
];

defineFn(`__oarray.new(size: series int = 0, initial_value: series T = na): ${A}`, (rt, a, d) => {
  const size = rt.f[a] ?? NaN;
  checkSize(rt, size, 'array.new');
  rt.o[d] = newArray(objectItems(size, elem(rt, a + 1)));
});
defineFn(`__oarray.from(...values: series T): ${A}`, (rt, a, d, s) => {
  checkSize(rt, s, 'array.from');
  const items = objectItems(0, null);
  for (let k = 0; k < s; k++) items.push(elem(rt, a + k));
  rt.o[d] = newArray(items);
});
defineFn(`__oarray.size(id: ${A}): series int`, (rt, a, d) => {
  rt.f[d] = arrayArg(rt, a, 'array.size').items.length;
});
defineFn(`__oarray.get(id: ${A}, index: series int): series T`, (rt, a, d) => {
  const arr = arrayArg(rt, a, 'array.get');
  rt.o[d] = arr.items[arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length, 'array.get')] ?? null;
});
defineFn(`__oarray.set(id: ${A}, index: series int, value: series T): void`, (rt, a) => {
  const arr = arrayArg(rt, a, 'array.set');
  arr.items[arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length, 'array.set')] = elem(rt, a + 2);
});
defineFn(`__oarray.first(id: ${A}): series T`, (rt, a, d) => {
  const arr = arrayArg(rt, a, 'array.first');
  if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.first()' on an empty array.");
  rt.o[d] = arr.items[0] ?? null;
});
defineFn(`__oarray.last(id: ${A}): series T`, (rt, a, d) => {
  const arr = arrayArg(rt, a, 'array.last');
  if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.last()' on an empty array.");
  rt.o[d] = arr.items[arr.items.length - 1] ?? null;
});
defineFn(`__oarray.push(id: ${A}, value: series T): void`, (rt, a) => {
  const arr = arrayArg(rt, a, 'array.push');
  checkGrow(rt, arr.items.length + 1, 'array.push');
  arr.items.push(elem(rt, a + 1));
});
defineFn(`__oarray.pop(id: ${A}): series T`, (rt, a, d) => {
  const arr = arrayArg(rt, a, 'array.pop');
  if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.pop()' on an empty array.");
  rt.o[d] = arr.items.pop() ?? null;
});
defineFn(`__oarray.unshift(id: ${A}, value: series T): void`, (rt, a) => {
  const arr = arrayArg(rt, a, 'array.unshift');
  checkGrow(rt, arr.items.length + 1, 'array.unshift');
  arr.items.unshift(elem(rt, a + 1));
});
defineFn(`__oarray.shift(id: ${A}): series T`, (rt, a, d) => {
  const arr = arrayArg(rt, a, 'array.shift');
  if (arr.items.length === 0) rt.fail('empty-array', "Cannot call 'array.shift()' on an empty array.");
  rt.o[d] = arr.items.shift() ?? null;
});
defineFn(`__oarray.insert(id: ${A}, index: series int, value: series T): void`, (rt, a) => {
  const arr = arrayArg(rt, a, 'array.insert');
  // Inserting at the size appends.
  const k = arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length + 1, 'array.insert');
  checkGrow(rt, arr.items.length + 1, 'array.insert');
  arr.items.splice(k, 0, elem(rt, a + 2));
});
defineFn(`__oarray.remove(id: ${A}, index: series int): series T`, (rt, a, d) => {
  const arr = arrayArg(rt, a, 'array.remove');
  const k = arrayIndex(rt, rt.f[a + 1] ?? NaN, arr.items.length, 'array.remove');
  rt.o[d] = arr.items.splice(k, 1)[0] ?? null;
});
defineFn(`__oarray.clear(id: ${A}): void`, (rt, a) => {
  arrayArg(rt, a, 'array.clear').items.length = 0;
});
defineFn(`__oarray.copy(id: ${A}): ${A}`, (rt, a, d) => {
  // A new array holding the same objects (the objects themselves are not copied).
  const items = arrayArg(rt, a, 'array.copy').items;
  noteAlloc(rt, items.length * 8, 'array.copy');
  rt.o[d] = newArray(items.slice());
});
defineFn(`__oarray.reverse(id: ${A}): void`, (rt, a) => {
  arrayArg(rt, a, 'array.reverse').items.reverse();
});
defineFn(`__oarray.includes(id: ${A}, value: series T): series bool`, (rt, a, d) => {
  const v = elem(rt, a + 1);
  rt.f[d] = v !== null && arrayArg(rt, a, 'array.includes').items.includes(v) ? 1 : 0;
});
defineFn(`__oarray.indexof(id: ${A}, value: series T): series int`, (rt, a, d) => {
  const v = elem(rt, a + 1);
  rt.f[d] = v === null ? -1 : arrayArg(rt, a, 'array.indexof').items.indexOf(v);
});
defineFn(`__oarray.lastindexof(id: ${A}, value: series T): series int`, (rt, a, d) => {
  const v = elem(rt, a + 1);
  rt.f[d] = v === null ? -1 : arrayArg(rt, a, 'array.lastindexof').items.lastIndexOf(v);
});
defineFn(`__oarray.concat(id1: ${A}, id2: ${A}): ${A}`, (rt, a, d) => {
  const x = arrayArg(rt, a, 'array.concat');
  const y = arrayArg(rt, a + 1, 'array.concat');
  checkSize(rt, x.items.length + y.items.length, 'array.concat', y.items.length);
  x.items.push(...y.items);
  rt.o[d] = x;
});
defineFn(`__oarray.slice(id: ${A}, index_from: series int, index_to: series int): ${A}`, (rt, a, d) => sliceImpl(rt, a, d));
defineFn(`__oarray.fill(id: ${A}, value: series T, index_from: series int = 0, index_to: series int = na): void`, (rt, a) => {
  // As for other arrays (array.ts): the range is clamped to the array.
  const items = arrayArg(rt, a, 'array.fill').items;
  const from = rt.f[a + 2] ?? NaN;
  const to = rt.f[a + 3] ?? NaN;
  const lo = from !== from ? 0 : Math.max(0, Math.trunc(from));
  const hi = to !== to ? items.length : Math.min(items.length, Math.trunc(to));
  for (let k = lo; k < hi; k++) items[k] = elem(rt, a + 1);
});
