// Encodes an object graph of plain state data as a flat table, so that shared references and
// cycles survive and nothing recurses (user object graphs can be deeper than any call stack).
//
// Every array and plain object becomes one table entry; typed arrays, numbers, strings, booleans
// and null stay inline. In the encoded form a plain object is always a marker: `{ r: n }` refers to
// table entry n, `{ u: 1 }` stands for undefined (an unused state slot). Entries are
// `[0, items]` (array), `[1, keys, values]` (object) or `[2, kind, values]` (a heap object of the
// object model in core/heap.ts: its fields in HEAP_KINDS order, each checked against its type when
// read). Decoding validates every marker. Snapshots written before heap entries existed hold heap
// objects as `[1, ...]` entries and read the same.

import { fitsHeapField, HEAP_FIELDS, HEAP_KINDS, heapKindOf, isHeapKind, type HeapFieldType, type HeapKind } from '../core/heap.js';

type Entry = [0, unknown[]] | [1, string[], unknown[]] | [2, HeapKind, unknown[]];

export interface EncodedGraph {
  table: Entry[];
  root: unknown;
}

export class GraphError extends Error {}

function isTyped(v: object): boolean {
  return ArrayBuffer.isView(v);
}

export function encodeGraph(root: unknown): EncodedGraph {
  const ids = new Map<object, number>();
  const table: Entry[] = [];
  const work: { src: object; id: number }[] = [];
  const enc = (v: unknown): unknown => {
    if (v === undefined) return { u: 1 };
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') {
        throw new GraphError(`Cannot snapshot a ${typeof v} value: state must be plain data.`);
      }
      return v;
    }
    if (isTyped(v)) return v;
    const hit = ids.get(v);
    if (hit !== undefined) return { r: hit };
    const proto = Object.getPrototypeOf(v) as unknown;
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) {
      throw new GraphError(`Cannot snapshot an instance of ${(v as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}: state must be plain data.`);
    }
    const id = table.length;
    ids.set(v, id);
    const kind = Array.isArray(v) ? null : heapKindOf(v);
    table.push(Array.isArray(v) ? [0, []] : kind !== null && fieldsFit(v, kind) ? [2, kind, []] : [1, [], []]);
    work.push({ src: v, id });
    return { r: id };
  };
  const out = enc(root);
  for (let w = work.pop(); w; w = work.pop()) {
    const e = table[w.id];
    if (!e) continue;
    if (e[0] === 0) {
      const src = w.src as unknown[];
      const items = e[1];
      for (let i = 0; i < src.length; i++) items.push(enc(src[i]));
    } else if (e[0] === 2) {
      const src = w.src as Record<string, unknown>;
      for (const f of HEAP_FIELDS[e[1]]) e[2].push(enc(src[f]));
    } else {
      for (const [k, v] of Object.entries(w.src)) {
        e[1].push(k);
        e[2].push(enc(v));
      }
    }
  }
  return { table, root: out };
}

export function decodeGraph(g: EncodedGraph): unknown {
  const table = g.table;
  if (!Array.isArray(table)) throw new GraphError('the object table is not a list');
  const objs: unknown[] = new Array<unknown>(table.length);
  const heap = new Set<object>();
  // First create every container, then fill them, so references in any order resolve.
  for (let i = 0; i < table.length; i++) {
    const e = table[i] as unknown;
    if (!Array.isArray(e)) throw new GraphError(`table entry ${i} is not an entry`);
    if (e[0] === 0 && Array.isArray(e[1]) && e.length === 2) objs[i] = new Array<unknown>(e[1].length);
    else if (e[0] === 1 && Array.isArray(e[1]) && Array.isArray(e[2]) && e[1].length === e[2].length && e.length === 3) {
      objs[i] = {};
    } else if (e[0] === 2 && e.length === 3 && Array.isArray(e[2])) {
      if (!isHeapKind(e[1])) throw new GraphError(`table entry ${i} is a heap object of unknown kind ${JSON.stringify(e[1])}`);
      const fields = HEAP_FIELDS[e[1]];
      if (e[2].length !== fields.length) throw new GraphError(`table entry ${i} (${e[1]}) has ${e[2].length} fields, expected ${fields.length}`);
      // Every field in its place from the start: the object gets the shape the runtime builds.
      const o: Record<string, unknown> = { kind: e[1] };
      for (const f of fields) o[f] = undefined;
      objs[i] = o;
      heap.add(o);
    } else throw new GraphError(`table entry ${i} has a bad shape`);
  }
  const dec = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (isTyped(v)) return v;
    if (Array.isArray(v)) throw new GraphError('an inline list where a reference was expected');
    const m = v as { r?: unknown; u?: unknown };
    if (m.u === 1 && Object.keys(m).length === 1) return undefined;
    if (typeof m.r === 'number' && Object.keys(m).length === 1) {
      if (!Number.isInteger(m.r) || m.r < 0 || m.r >= objs.length) throw new GraphError(`reference ${m.r} is outside the table`);
      return objs[m.r];
    }
    throw new GraphError('an unknown marker in the object table');
  };
  for (let i = 0; i < table.length; i++) {
    const e = table[i] as Entry;
    const o = objs[i];
    if (e[0] === 0) {
      const arr = o as unknown[];
      const items = e[1];
      for (let k = 0; k < items.length; k++) arr[k] = dec(items[k]);
    } else if (e[0] === 2) {
      const obj = o as Record<string, unknown>;
      const spec = HEAP_KINDS[e[1]] as Record<string, HeapFieldType>;
      const fields = HEAP_FIELDS[e[1]];
      const vals = e[2];
      for (let k = 0; k < fields.length; k++) {
        const f = fields[k] as string;
        const v = dec(vals[k]);
        if (!fitsHeapField(v, spec[f] as HeapFieldType, (x) => heap.has(x))) {
          throw new GraphError(`table entry ${i} (${e[1]}): field ${f} is not ${DESCRIBE[spec[f] as HeapFieldType]}`);
        }
        obj[f] = v;
      }
    } else {
      const obj = o as Record<string, unknown>;
      const keys = e[1];
      const vals = e[2];
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k];
        if (typeof key !== 'string' || key === '__proto__') throw new GraphError(`table entry ${i} has a bad key`);
        obj[key] = dec(vals[k]);
      }
    }
  }
  return dec(g.root);
}

const DESCRIBE: Record<HeapFieldType, string> = {
  num: 'a number',
  int: 'a whole number',
  str: 'a string',
  'str?': 'a string or na',
  bool: 'a bool',
  list: 'a list',
  ref: 'a heap object or na',
  any: 'plain data',
};

/** Whether a heap object's fields have their types (else it is written as a plain object). */
function fieldsFit(v: object, kind: HeapKind): boolean {
  const spec = HEAP_KINDS[kind] as Record<string, HeapFieldType>;
  const src = v as Record<string, unknown>;
  return HEAP_FIELDS[kind].every((f) => fitsHeapField(src[f], spec[f] as HeapFieldType, (x) => heapKindOf(x) !== null));
}
