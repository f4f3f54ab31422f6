// Maps and matrices of the heap object model (core/heap.ts: a map is {kind: 'map', keys, values}, a
// matrix {kind: 'matrix', rows, columns, items}): their constructors, and the map's key index —
// derived data kept beside the map, never in it.

import type { PineMap, PineMatrix } from '../core/heap.js';

export type { PineMap, PineMatrix };

export function newMap(): PineMap {
  return { kind: 'map', keys: [], values: [] };
}

/** Key → position, per map object. Derived data, not state: a map copied by a rollback or read
 * from a snapshot is a new object and gets its index rebuilt from its keys on first use. Keys are
 * one type per map (numbers or strings), so a JS Map tells them apart exactly. */
const INDEX = new WeakMap<PineMap, Map<unknown, number>>();

/** The map's index (rebuilt when missing or out of step with the keys). */
export function mapIndex(m: PineMap): Map<unknown, number> {
  let ix = INDEX.get(m);
  if (ix === undefined || ix.size !== m.keys.length) {
    ix = new Map();
    for (let k = 0; k < m.keys.length; k++) ix.set(m.keys[k], k);
    INDEX.set(m, ix);
  }
  return ix;
}

/** The position of `key` in the map, or -1. */
export function mapFind(m: PineMap, key: unknown): number {
  return mapIndex(m).get(key) ?? -1;
}

export function newMatrix(rows: number, columns: number, items: unknown[]): PineMatrix {
  return { kind: 'matrix', rows, columns, items };
}
