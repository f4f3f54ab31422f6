// The drawing registry: every live label, line, box, table, polyline and linefill of a script, as
// plain data in one call-site state slot of the main function (the compiler reserves it and opens
// the script with `__draw.init(max_labels, max_lines, max_boxes, max_polylines)`). A drawing value
// in a register, a var, an array or a series is its id (a double; na = NaN), so history references
// (`label.delete(lb[1])`), realtime rollback and snapshots need nothing else: the registry is
// cloned and encoded with the call-site states, and its size grows with live drawings only.
//
// TradingView's rule: creating a drawing beyond its kind's max_*_count deletes the oldest one.
// Setters on a deleted drawing do nothing; getters return na.

import { defineFn, defineVar } from '../registry.js';
import { newArray } from '../../core/heap.js';
import type { Runtime } from '../../core/runtime.js';
import { noteAlloc } from '../limits.js';

export type DrawKind = 'label' | 'line' | 'box' | 'table' | 'polyline' | 'linefill';

/** One drawing: its type, id, and its properties by Pine name (numbers, strings, null, and for
 * tables and polylines plain arrays of these). (`type`, not `kind`: a record of the registry is
 * plain data, not one of the heap's tagged objects.) */
export interface Drawing {
  type: DrawKind;
  id: number;
  /** The bar it was created on. */
  bar: number;
  [prop: string]: unknown;
}

export interface DrawRegistry {
  kind: 'draws';
  nextId: number;
  /** max_labels_count, max_lines_count, max_boxes_count, max_polylines_count. */
  limits: number[];
  /** Live drawings by kind, oldest first. */
  live: Record<DrawKind, Drawing[]>;
}

/** id → live drawing, per registry object. Derived data, not state: a registry copied by a
 * rollback or read from a snapshot is a new object and gets its index rebuilt on first use. */
const BY_ID = new WeakMap<DrawRegistry, Map<number, Drawing>>();

function liveCount(reg: DrawRegistry): number {
  let n = 0;
  for (const k of DRAW_KINDS) n += reg.live[k].length;
  return n;
}

/** The id index of a registry (rebuilt when missing or out of step with the live lists). */
export function byId(reg: DrawRegistry): Map<number, Drawing> {
  let ix = BY_ID.get(reg);
  if (ix === undefined || ix.size !== liveCount(reg)) {
    ix = new Map();
    for (const k of DRAW_KINDS) for (const d of reg.live[k]) ix.set(d.id, d);
    BY_ID.set(reg, ix);
  }
  return ix;
}

export const DRAW_KINDS: readonly DrawKind[] = ['label', 'line', 'box', 'table', 'polyline', 'linefill'];

/** Kinds with an indicator() limit, in the order of `__draw.init`'s arguments. */
const LIMITED: readonly DrawKind[] = ['label', 'line', 'box', 'polyline'];

/** Tables and linefills have no indicator() argument: at most 500 live ones each (the oldest goes),
 * so a script that never deletes them cannot grow its state without bound. */
const FIXED_LIMITS: Partial<Record<DrawKind, number>> = { table: 500, linefill: 500 };

export function newRegistry(limits: number[]): DrawRegistry {
  return {
    kind: 'draws',
    nextId: 1,
    limits: limits.slice(),
    live: { label: [], line: [], box: [], table: [], polyline: [], linefill: [] },
  };
}

export function isRegistry(v: unknown): v is DrawRegistry {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'draws';
}

/** The registry in slot `s` (created by `__draw.init` on the first bar). */
export function registry(rt: Runtime, s: number): DrawRegistry {
  let r = rt.cs[s];
  if (!isRegistry(r)) {
    r = newRegistry([50, 50, 50, 50]);
    rt.cs[s] = r;
  }
  return r as DrawRegistry;
}

function limitOf(reg: DrawRegistry, kind: DrawKind): number {
  const k = LIMITED.indexOf(kind);
  return k >= 0 ? (reg.limits[k] ?? 50) : (FIXED_LIMITS[kind] ?? 500);
}

/** TradingView's reach of xloc.bar_index coordinates around the current bar. */
export const MAX_BARS_AHEAD = 500;
export const MAX_BARS_BEHIND = 9999;

/** Fails when a bar_index x coordinate of `d` lies beyond TradingView's reach. */
export function checkReach(rt: Runtime, d: Record<string, unknown>): void {
  if (d.xloc !== 'bar_index') return;
  const check = (x: unknown): void => {
    if (typeof x !== 'number' || x !== x) return;
    if (x > rt.bar + MAX_BARS_AHEAD) {
      rt.fail('drawing-too-far', `Objects positioned using xloc.bar_index cannot be drawn further than ${MAX_BARS_AHEAD} bars into the future (x = ${x} on bar ${rt.bar}).`);
    }
    if (x < rt.bar - MAX_BARS_BEHIND) {
      rt.fail('drawing-too-far', `Objects positioned using xloc.bar_index cannot be drawn further than ${MAX_BARS_BEHIND} bars into the past (x = ${x} on bar ${rt.bar}).`);
    }
  };
  for (const k of ['x', 'x1', 'x2', 'left', 'right']) check(d[k]);
  const pts = d.points;
  if (Array.isArray(pts)) for (let i = 0; i < pts.length; i += 2) check(pts[i]);
}

/** Adds a new drawing of `kind` with `props`, deleting the oldest ones beyond the limit; returns
 * its id. */
export function addDrawing(rt: Runtime, s: number, kind: DrawKind, props: Record<string, unknown>): number {
  checkReach(rt, props);
  noteAlloc(rt, 256, `${kind}.new`);
  const reg = registry(rt, s);
  const id = reg.nextId++;
  const d: Drawing = { type: kind, id, bar: rt.bar, ...props };
  const list = reg.live[kind];
  const ix = byId(reg);
  list.push(d);
  ix.set(id, d);
  const max = limitOf(reg, kind);
  while (list.length > max) {
    const old = list[0];
    if (!old) break;
    removeDrawing(reg, old);
  }
  return id;
}

/** Where `d` stands in `list`, or -1. A list is in creation order and ids only grow, so it is
 * sorted by id and a binary search finds it (O(log n)); a list out of that order (a forged
 * snapshot) falls back to a scan. */
export function positionOf(list: readonly Drawing[], d: Drawing): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = list[mid];
    if (m === undefined) break;
    if (m === d) return mid;
    if (m.id < d.id) lo = mid + 1;
    else hi = mid - 1;
  }
  return list.indexOf(d);
}

/** Takes a drawing out of its list and the index (which are in step before and after). The
 * oldest (the limit's eviction, or deleting the drawings of `*.all` in order) leaves by `shift`
 * and the newest by `pop`, both O(1) (engines move the start of a long array instead of its
 * elements); one in between by `splice`, a move of at most the kind's limit (500) elements. */
function unlink(reg: DrawRegistry, d: Drawing, ix: Map<number, Drawing>): void {
  const list = reg.live[d.type];
  const k = list[0] === d ? 0 : positionOf(list, d);
  if (k === 0) list.shift();
  else if (k === list.length - 1) list.pop();
  else if (k > 0) list.splice(k, 1);
  ix.delete(d.id);
}

/** Removes a live drawing; a line takes its linefills with it (TradingView deletes them too). */
function removeDrawing(reg: DrawRegistry, d: Drawing): void {
  const ix = byId(reg);
  unlink(reg, d, ix);
  if (d.type === 'line') {
    const fills = reg.live.linefill;
    // Newest first, so an unlink does not move the linefills still to be looked at.
    for (let i = fills.length - 1; i >= 0; i--) {
      const lf = fills[i];
      if (lf !== undefined && (lf.line1 === d.id || lf.line2 === d.id)) unlink(reg, lf, ix);
    }
  }
}

/** Deletes a drawing by id (nothing when it is na or already gone). */
export function deleteDrawing(reg: DrawRegistry, id: number): void {
  if (id !== id) return;
  const d = byId(reg).get(id);
  if (d) removeDrawing(reg, d);
}

/** The live drawing of `kind` with this id, or null (na id, deleted, or another kind). */
export function findDrawing(rt: Runtime, s: number, kind: DrawKind, id: number): Drawing | null {
  if (id !== id) return null;
  const d = byId(registry(rt, s)).get(id);
  return d && d.type === kind ? d : null;
}

/** A copy of drawing `id` as a new drawing (the limit applies); na when `id` is not live. */
export function copyDrawing(rt: Runtime, s: number, kind: DrawKind, id: number): number {
  const d = findDrawing(rt, s, kind, id);
  if (!d) return NaN;
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'type' || k === 'id' || k === 'bar') continue;
    props[k] = Array.isArray(v) ? structuredCopy(v) : v;
  }
  return addDrawing(rt, s, kind, props);
}

function structuredCopy(v: unknown[]): unknown[] {
  return v.map((x) => (Array.isArray(x) ? structuredCopy(x) : typeof x === 'object' && x !== null ? { ...(x as object) } : x));
}

/** Every live drawing, oldest first within each kind, kinds in DRAW_KINDS order. */
export function liveDrawings(reg: DrawRegistry): Drawing[] {
  const out: Drawing[] = [];
  for (const k of DRAW_KINDS) out.push(...reg.live[k]);
  return out;
}

let registered = false;

/** `__draw.init` and the `*.all` variables. */
export function registerStore(): void {
  if (registered) return;
  registered = true;
  defineFn(
    '__draw.init(labels: simple int, lines: simple int, boxes: simple int, polylines: simple int): void',
    (rt, a, _d, s) => {
      if (!isRegistry(rt.cs[s])) rt.cs[s] = newRegistry([rt.f[a] ?? 50, rt.f[a + 1] ?? 50, rt.f[a + 2] ?? 50, rt.f[a + 3] ?? 50]);
    },
    { drawing: true },
  );
  for (const k of DRAW_KINDS) {
    defineVar(`${k}.all: series array<${k}>`, {
      get: (rt, _a, d, s) => {
        rt.o[d] = newArray(registry(rt, s).live[k].map((x) => x.id));
      },
      drawing: true,
    });
  }
}

registerStore();
