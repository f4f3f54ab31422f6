// Objects of user-defined types (`type Point` ... `Point.new(...)`): the builtins the compiler emits
// for creating an object, reading and writing a field, and copying (never written in scripts).
// An object is a plain heap record `{ kind: 'object', type, fields }` (fields in declaration order:
// numbers for numeric fields with na = NaN, strings or null, references or null), the `object`
// kind of the heap model (core/heap.ts), so snapshots and realtime rollback carry it like any state.
//
// Calling convention (see registry.ts): these builtins are not stateful, so the compiler uses the
// state operand `s` as a compile-time constant: the field index (get/set) or the field count (new).

import type { Runtime } from '../core/runtime.js';
import type { PineObject } from '../core/heap.js';
import { defineFn } from './registry.js';
import { noteAlloc } from './limits.js';

function isObject(v: unknown): v is PineObject {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'object';
}

/** The object in rt.o[a], or a runtime error naming what was done with an na object. */
function objectArg(rt: Runtime, a: number, what: string): PineObject {
  const v = rt.o[a];
  if (!isObject(v)) {
    rt.fail('na-object', `Cannot ${what} of an na object: the variable holds no object (create one with <type>.new()).`);
  }
  return v;
}

/** Layout keys ("Point:ffo": the type's name, then per field `f` for a number, `o` otherwise),
 * parsed once each. */
const layouts = new Map<string, { type: string; numeric: boolean[] }>();

function layoutOf(key: string): { type: string; numeric: boolean[] } {
  const hit = layouts.get(key);
  if (hit) return hit;
  const colon = key.lastIndexOf(':');
  const l = { type: key.slice(0, colon), numeric: [...key.slice(colon + 1)].map((c) => c === 'f') };
  layouts.set(key, l);
  return l;
}

/** `T.new(...)`: o[a] is the layout key, the field values follow in a+1, a+2, ... */
defineFn('__obj.new(layout: const string): void', (rt, a, d) => {
  const key = rt.o[a];
  const l = layoutOf(typeof key === 'string' ? key : ':');
  // An object: a record and its field list (about 8 bytes a field), noted against the memory budget.
  noteAlloc(rt, 48 + 8 * l.numeric.length, `${l.type}.new`);
  const fields = new Array<unknown>(l.numeric.length);
  for (let i = 0; i < fields.length; i++) fields[i] = l.numeric[i] ? (rt.f[a + 1 + i] ?? NaN) : (rt.o[a + 1 + i] ?? null);
  const obj: PineObject = { kind: 'object', type: l.type, fields };
  rt.o[d] = obj;
});

/** `o.x` of a numeric field `s`. */
defineFn('__obj.get_f(obj: series string): void', (rt, a, d, s) => {
  const v = objectArg(rt, a, 'read a field').fields[s];
  rt.f[d] = typeof v === 'number' ? v : NaN;
});

/** `o.x` of a string or reference field `s`. */
defineFn('__obj.get_o(obj: series string): void', (rt, a, d, s) => {
  rt.o[d] = objectArg(rt, a, 'read a field').fields[s] ?? null;
});

/** `o.x := f[a + 1]` (numeric field `s`). */
defineFn('__obj.set_f(obj: series string, value: series float): void', (rt, a, _d, s) => {
  objectArg(rt, a, 'assign a field').fields[s] = rt.f[a + 1] ?? NaN;
});

/** `o.x := o[a + 1]` (string or reference field `s`). */
defineFn('__obj.set_o(obj: series string, value: series string): void', (rt, a, _d, s) => {
  objectArg(rt, a, 'assign a field').fields[s] = rt.o[a + 1] ?? null;
});

/** `o.copy()` / `T.copy(o)`: a new object with the same field values (a shallow copy: fields that
 * hold objects still share them); the copy of na is na. */
defineFn('__obj.copy(obj: series string): void', (rt, a, d) => {
  const v = rt.o[a];
  if (isObject(v)) noteAlloc(rt, 48 + 8 * v.fields.length, `${v.type}.copy`);
  rt.o[d] = isObject(v) ? { kind: 'object', type: v.type, fields: v.fields.slice() } : null;
});

// Enums: a value is its member's index (na = NaN); `titles` is the enum's titles in member order
// joined by U+0001, a constant the compiler preloads.

/** `str.tostring(e)`: the title of member f[a] (na for na). */
defineFn('__enum.title(value: series float, titles: const string): void', (rt, a, d) => {
  const k = rt.f[a] ?? NaN;
  const titles = rt.o[a + 1];
  rt.o[d] = k === k && typeof titles === 'string' ? (titles.split('\u0001')[k] ?? null) : null;
});

/** `input.enum(...)`: the member whose title the input holds (na when it is none of them). */
defineFn('__enum.from_title(title: series string, titles: const string): void', (rt, a, d) => {
  const title = rt.o[a];
  const titles = rt.o[a + 1];
  const k = typeof titles === 'string' && typeof title === 'string' ? titles.split('\u0001').indexOf(title) : -1;
  rt.f[d] = k < 0 ? NaN : k;
});
