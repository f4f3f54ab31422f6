// Helpers shared by the drawing builtins: reading a typed argument into a property value, writing a
// property to a result register, and defining `kind.set_<prop>` / `kind.get_<prop>` in one line.
// Property values are plain data: numbers (int, float, color, bool as 0/1; na = NaN) and strings
// (na = null).

import { defineFn } from '../registry.js';
import type { Runtime } from '../../core/runtime.js';
import type { PinePoint } from '../../core/heap.js';
import { checkReach, copyDrawing, deleteDrawing, findDrawing, registry, type DrawKind } from './store.js';

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
export function readProps(rt: Runtime, a: number, fields: readonly (readonly [string, PropType, string?])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields.forEach(([name, ty], k) => {
    out[name] = readArg(rt, ty, a + k);
  });
  return out;
}

/** A setter's field: the prop it sets, its type, and the parameter's name in Pine's reference when
 * that differs from the prop (`line.set_xy1(id, x, y)` sets x1 and y1; `box.set_bgcolor(id, color)`). */
export type SetterField = readonly [prop: string, ty: PropType, param?: string];

/** `kind.<fn>(id, ...fields)`: sets the fields of a live drawing (nothing on na or deleted). Tables
 * name their first parameter `table_id`, as Pine's reference does. */
export function defineSetter(kind: DrawKind, fn: string, fields: readonly SetterField[], extra?: (props: Record<string, unknown>) => void): void {
  const params = fields.map(([name, ty, param]) => `${param ?? name}: ${sigOf(ty)}`).join(', ');
  const id = kind === 'table' ? 'table_id' : 'id';
  defineFn(
    `${kind}.${fn}(${id}: series ${kind}, ${params}): void`,
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
export function defineSetters(kind: DrawKind, props: readonly SetterField[]): void {
  for (const [name, ty, param] of props) defineSetter(kind, `set_${name}`, [[name, ty, param]]);
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

/** The style arguments of a `kind.new(...)` in Pine's order: name, type, default (Pine text). */
export type StyleSpec = readonly (readonly [string, PropType, string])[];

/** A style table as the signature's parameter text and the fields `readProps` reads. */
export function styleArgs(spec: StyleSpec): { params: string; fields: readonly (readonly [string, PropType])[] } {
  return {
    params: spec.map(([n, ty, def]) => `${n}: ${sigOf(ty)} = ${def}`).join(', '),
    fields: spec.map(([n, ty]) => [n, ty] as const),
  };
}

/** The same style table with `key` taking an int: Pine v6 takes a text size as a size.* constant
 * or as a number of typographic points (an overload; a call that gives neither takes the first). */
export function withIntSize(spec: StyleSpec, key: string): StyleSpec {
  return spec.map((e) => (e[0] === key ? ([key, 'int', 'na'] as const) : e));
}

/** `kind.copy(id)` and `kind.delete(id)`. */
export function defineCopyDelete(kind: DrawKind): void {
  defineFn(`${kind}.copy(id: series ${kind}): series ${kind}`, (rt, a, d, s) => {
    rt.f[d] = copyDrawing(rt, s, kind, rt.f[a] ?? NaN);
  }, { drawing: true });
  defineFn(`${kind}.delete(id: series ${kind}): void`, (rt, a, _d, s) => {
    deleteDrawing(registry(rt, s), rt.f[a] ?? NaN);
  }, { drawing: true });
}

/** `kind.<fn>(id, point)`: moves one corner/end (`xKey`, `yKey`) of a live drawing to a chart.point. */
export function definePointSetter(kind: DrawKind, fn: string, xKey: string, yKey: string): void {
  defineFn(`${kind}.${fn}(id: series ${kind}, point: chart.point): void`, (rt, a, _d, s) => {
    const dr = findDrawing(rt, s, kind, rt.f[a] ?? NaN);
    const p = pointArg(rt, a + 1);
    if (!dr || !p) return;
    dr[xKey] = pointX(p, dr.xloc);
    dr[yKey] = p.price;
  }, { drawing: true });
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
