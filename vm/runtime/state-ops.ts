// The operations over THE state record (core/state.ts), each written once and generically: they walk
// STATE_FIELDS and act by each field's rule, never by its name. A new field of the record is carried
// by all of them without a change here.
//
//   clone      deep copy of the record (shared references and cycles kept)
//   capture    what a realtime tick may change, taken when the bar opens (per tick rule)
//   rollback   back to the captured state before the next tick (varip slots kept)
//   save       the record's fields for a snapshot body (snapshot/state.ts encodes them)
//   restore    a decoded record's fields into a fresh machine's record
//   inspect    one line per field: what it holds, for `evergreen inspect` and debugging

import { STATE_FIELDS, STATE_KEYS, type ScriptState, type StateKey, type TickState } from '../core/state.js';
import { fullSeries, type SeriesF, type SeriesO } from '../core/series.js';
import type { PineObject } from '../core/heap.js';
import { cloneData } from './clone.js';

/** Absolute varip slots of a program's call-site tree: kept across a realtime rollback. */
export interface VaripSlots {
  f: number[];
  o: number[];
}

type Rec = Record<StateKey, unknown>;

/** A deep copy of the record (typed arrays copied, plain data copied, shared references kept). */
export function cloneRecord(s: ScriptState): ScriptState {
  const out = {} as Rec;
  for (const k of STATE_KEYS) out[k] = cloneData(s[k]);
  return out as unknown as ScriptState;
}

/** What a realtime tick may change, by each field's tick rule. `seen` receives original → copy
 * of every object copied (one map for all fields, so an object two fields share stays shared). */
export function captureTick(s: ScriptState, seen: Map<object, unknown> = new Map()): TickState {
  const out = {} as Rec;
  for (const k of STATE_KEYS) {
    const rule = STATE_FIELDS[k].tick;
    const v = s[k];
    if (rule === 'copy') out[k] = cloneData(v, seen);
    else if (rule === 'series') out[k] = seriesPositions(v as (SeriesF | SeriesO)[]);
    else out[k] = (v as unknown[]).length;
  }
  return out as unknown as TickState;
}

/** Objects of user-defined types, each live object with its copy in the tick checkpoint. */
export type ObjectPairs = Map<PineObject, PineObject>;

function isUdtObject(v: unknown): v is PineObject {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'object';
}

/** The UDT objects of a clone's `seen` map as live → checkpoint pairs (`seen` maps live → copy
 * after a capture, checkpoint → new live after a rollback). */
export function objectPairs(seen: Map<object, unknown>, from: 'capture' | 'rollback'): ObjectPairs {
  const out: ObjectPairs = new Map();
  for (const [a, b] of seen) {
    if (!isUdtObject(a) || !isUdtObject(b)) continue;
    if (from === 'capture') out.set(a, b);
    else out.set(b, a);
  }
  return out;
}

/** `varip` fields by type name (Program.varipFields). */
export type VaripFields = ReadonlyMap<string, readonly number[]>;

/** Writes the live values of every `varip` field into the checkpoint's copy of its object, so a
 * rollback (or a snapshot of the checkpoint) keeps them. A field that refers to another object
 * of the checkpoint refers to that object's checkpoint copy. */
export function syncVaripFields(pairs: ObjectPairs, fields: VaripFields): void {
  if (fields.size === 0) return;
  for (const [live, cp] of pairs) {
    const idx = fields.get(live.type);
    if (!idx) continue;
    for (const i of idx) {
      const v = live.fields[i];
      cp.fields[i] = isUdtObject(v) ? (pairs.get(v) ?? v) : v;
    }
  }
}

/** Restores the captured state in place, keeping the varip slots' current values and the `varip`
 * fields of objects (`objects`: the live → checkpoint pairs of the last capture or rollback, null
 * after a restore from a snapshot, whose checkpoint already holds them). A varip variable keeps
 * its object, but that object's other fields roll back like any state (TradingView: `varip` on
 * the variable does not make the fields persist). Returns the pairs for the next rollback. */
export function rollbackTick(
  s: ScriptState,
  cp: TickState,
  varip: VaripSlots,
  objects: { pairs: ObjectPairs | null; fields: VaripFields } = { pairs: null, fields: new Map() },
): ObjectPairs {
  if (objects.pairs) syncVaripFields(objects.pairs, objects.fields);
  const keptF = varip.f.map((i) => s.vf[i] as number);
  const keptO = varip.o.map((i) => s.vo[i]);
  const rec = s as unknown as Rec;
  const saved = cp as unknown as Rec;
  const seen = new Map<object, unknown>();
  for (const k of STATE_KEYS) {
    const rule = STATE_FIELDS[k].tick;
    if (rule === 'copy') rec[k] = assignInPlace(rec[k], cloneData(saved[k], seen));
    else if (rule === 'series') setSeriesPositions(s.ser, saved[k] as Float64Array);
    else (rec[k] as unknown[]).length = saved[k] as number;
  }
  varip.f.forEach((i, j) => (s.vf[i] = keptF[j] as number));
  varip.o.forEach((i, j) => {
    const v = keptO[j];
    const inCp = isUdtObject(v) ? objects.pairs?.get(v) : undefined;
    s.vo[i] = inCp ? (seen.get(inCp) ?? v) : v;
  });
  return objectPairs(seen, 'rollback');
}

/** The record's fields in table order, sharing the live values (the encoder copies them). */
export function saveRecord(s: ScriptState): ScriptState {
  const out = {} as Rec;
  for (const k of STATE_KEYS) out[k] = s[k];
  // History buffers as their full size holds them (they grow with the bars seen; a snapshot
  // stores them at their cap, as it always has).
  (out as unknown as ScriptState).ser = s.ser.map(fullSeries);
  return out as unknown as ScriptState;
}

/** Puts a decoded record's fields into `dst` (typed arrays and lists in place, the rest replaced). */
export function restoreRecord(dst: ScriptState, src: ScriptState): void {
  const rec = dst as unknown as Rec;
  for (const k of STATE_KEYS) rec[k] = assignInPlace(rec[k], src[k]);
}

/** One line per field of the record: its name and a short account of what it holds. */
export function inspectRecord(s: ScriptState): string[] {
  return STATE_KEYS.map((k) => `${k.padEnd(8)} ${describe(s[k])}`);
}

function describe(v: unknown): string {
  if (ArrayBuffer.isView(v)) return `${(v as unknown as { length: number }).length} numbers`;
  if (Array.isArray(v)) {
    const used = v.filter((x) => x !== undefined && x !== null).length;
    return `${v.length} entries${used !== v.length ? ` (${used} set)` : ''}`;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 0 ? 'empty' : keys.join(', ');
  }
  return String(v);
}

/** Copies `src` into `dst` where both are typed arrays or lists (so references held to `dst` stay
 * valid); returns the value the field should hold. */
function assignInPlace(dst: unknown, src: unknown): unknown {
  if (ArrayBuffer.isView(dst) && ArrayBuffer.isView(src)) {
    (dst as unknown as { set(a: ArrayLike<number>): void }).set(src as unknown as ArrayLike<number>);
    return dst;
  }
  if (Array.isArray(dst) && Array.isArray(src)) {
    for (let i = 0; i < src.length; i++) dst[i] = src[i];
    dst.length = src.length;
    return dst;
  }
  return src;
}

function seriesPositions(ser: (SeriesF | SeriesO)[]): Float64Array {
  const pos = new Float64Array(ser.length * 3);
  ser.forEach((sr, i) => {
    pos[i * 3] = sr.head;
    pos[i * 3 + 1] = sr.count;
    pos[i * 3 + 2] = sr.bar;
  });
  return pos;
}

function setSeriesPositions(ser: (SeriesF | SeriesO)[], pos: Float64Array): void {
  ser.forEach((sr, i) => {
    sr.head = pos[i * 3] as number;
    sr.count = pos[i * 3 + 1] as number;
    sr.bar = pos[i * 3 + 2] as number;
  });
}

/** Absolute varip slots of the whole call-site tree of a program. */
export function varipSlots(functions: readonly { varipF: number[]; varipO: number[]; calls: { fn: number; varOff: number; objOff: number }[] }[]): VaripSlots {
  const out: VaripSlots = { f: [], o: [] };
  const stack = [{ fn: 0, vb: 0, ob: 0 }];
  while (stack.length > 0) {
    const it = stack.pop();
    if (!it) break;
    const info = functions[it.fn];
    if (!info) continue;
    for (const s of info.varipF) out.f.push(it.vb + s);
    for (const s of info.varipO) out.o.push(it.ob + s);
    for (const c of info.calls) stack.push({ fn: c.fn, vb: it.vb + c.varOff, ob: it.ob + c.objOff });
  }
  return out;
}
