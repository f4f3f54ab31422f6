// Helpers shared by the drawing builtins: reading a typed argument into a property value, writing a
// property to a result register, and defining `kind.set_<prop>` / `kind.get_<prop>` in one line.
// Property values are plain data: numbers (int, float, color, bool as 0/1; na = NaN) and strings
// (na = null).

import { defineFn } from '../registry.js';
import type { Runtime } from '../../core/runtime.js';
import type { PinePoint } from '../../core/heap.js';
import { checkReach, findDrawing, type DrawKind } from './store.js';

export type PropType = 'int' | 'float' | 'string' | 'color' | 'bool';

export function readArg(rt: Runtime, ty: PropType, i: number): number | string | null {
  if (ty === 'string') {
    const v = rt.o[i];
    return typeof v === 'string' ? v : null;
  }
  return rt.f[i] ?? NaN;
}

export function writeRes(rt: Runtime, ty: PropType, d: number, v: unknown): void {
  if (ty === 'string') rt.o[d] = typeof v === 'string' ? v : null;
  else rt.f[d] = typeof v === 'number' ? v : NaN;
}

/** The Pine type of a property in a signature. */
export function sigOf(ty: PropType): string {
  return `series ${ty}`;
}

/** Reads the arguments a+1.. into props named `names` (a is the drawing id). */
export function readProps(rt: Runtime, a: number, fields: readonly (readonly [string, PropType])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields.forEach(([name, ty], k) => {
    out[name] = readArg(rt, ty, a + k);
  });
  return out;
}

/** `kind.<fn>(id, ...fields)`: sets the fields of a live drawing (nothing on na or deleted). */
export function defineSetter(kind: DrawKind, fn: string, fields: readonly (readonly [string, PropType])[], extra?: (props: Record<string, unknown>) => void): void {
  const params = fields.map(([name, ty]) => `${name}: ${sigOf(ty)}`).join(', ');
  defineFn(
    `${kind}.${fn}(id: series ${kind}, ${params}): void`,
    (rt, a, _d, s) => {
      const d = findDrawing(rt, s, kind, rt.f[a] ?? NaN);
      if (!d) return;
      const p = readProps(rt, a + 1, fields);
      extra?.(p);
      checkReach(rt, { ...d, ...p });
      Object.assign(d, p);
    },
    { drawing: true },
  );
}

/** `kind.set_<prop>(id, value)` for each prop. */
export function defineSetters(kind: DrawKind, props: readonly (readonly [string, PropType])[]): void {
  for (const [name, ty] of props) defineSetter(kind, `set_${name}`, [[name, ty]]);
}

/** `kind.get_<name>(id)`: the prop of a live drawing, na otherwise. */
export function defineGetter(kind: DrawKind, name: string, prop: string, ty: PropType): void {
  defineFn(
    `${kind}.get_${name}(id: series ${kind}): ${sigOf(ty)}`,
    (rt, a, d, s) => {
      const dr = findDrawing(rt, s, kind, rt.f[a] ?? NaN);
      writeRes(rt, ty, d, dr ? dr[prop] : null);
    },
    { drawing: true },
  );
}

/** A chart.point (core/heap.ts PinePoint). */
export type ChartPoint = PinePoint;

export function pointArg(rt: Runtime, i: number): ChartPoint | null {
  const v = rt.o[i];
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'point' ? (v as ChartPoint) : null;
}

/** The x of a point for an xloc: its bar index or its time. */
export function pointX(p: ChartPoint | null, xloc: unknown): number {
  if (!p) return NaN;
  return xloc === 'bar_time' ? p.time : p.index;
}
