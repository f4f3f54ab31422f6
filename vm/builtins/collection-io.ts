// Element storage shared by map.* and matrix.* (array.ts has its own): which register file an
// element type lives in, reading an element argument and writing an element result. Numbers
// (int, float, bool, color, drawing ids) live in rt.f with na = NaN; strings and chart.points in
// rt.o with na = null.

import type { Runtime } from '../core/runtime.js';

export type Elem = 'int' | 'float' | 'bool' | 'color' | 'string' | 'label' | 'line' | 'box' | 'table' | 'polyline' | 'linefill' | 'chart.point';

export const SCALARS: readonly Elem[] = ['int', 'float', 'bool', 'color', 'string'];
export const ELEMS: readonly Elem[] = [...SCALARS, 'label', 'line', 'box', 'table', 'polyline', 'linefill', 'chart.point'];

/** An element of a matrix of objects of a user-defined type (matrix.ts's `__omatrix.*`): `T`, bound
 * by the compiler to the type; a reference in rt.o, na = null, like chart.point. */
export type ObjectElem = 'T';

export function isObjectElem(e: Elem | ObjectElem): boolean {
  return e === 'string' || e === 'chart.point' || e === 'T';
}

export function naOfElem(e: Elem): unknown {
  return isObjectElem(e) ? null : e === 'bool' ? 0 : NaN;
}

/** The Pine source of an element type's default (`na`, or `false` for bool). */
export function naText(e: Elem | ObjectElem): string {
  return e === 'bool' ? 'false' : 'na';
}

export function readElem(rt: Runtime, e: Elem | ObjectElem, i: number): unknown {
  if (e === 'string') {
    const v = rt.o[i];
    return typeof v === 'string' ? v : null;
  }
  if (e === 'chart.point' || e === 'T') return rt.o[i] ?? null;
  return rt.f[i] ?? NaN;
}

export function writeElem(rt: Runtime, e: Elem | ObjectElem, d: number, v: unknown): void {
  if (e === 'string') rt.o[d] = typeof v === 'string' ? v : null;
  else if (e === 'chart.point' || e === 'T') rt.o[d] = v ?? null;
  else if (e === 'bool') rt.f[d] = typeof v === 'number' && v === v && v !== 0 ? 1 : 0;
  else rt.f[d] = typeof v === 'number' ? v : NaN;
}

/** The heap object of kind `kind` in register `i`, or a runtime error naming the function. */
export function heapArg<T>(rt: Runtime, i: number, kind: string, fn: string, what: string): T {
  const v = rt.o[i];
  if (v === null || v === undefined || typeof v !== 'object' || (v as { kind?: unknown }).kind !== kind) {
    return rt.fail(`na-${kind}`, `Cannot call '${fn}()': the ${what} is na.`);
  }
  return v as T;
}
