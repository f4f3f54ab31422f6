// map.* over heap maps (core/heap.ts PineMap): new<K, V>, put, put_all, get, contains, remove,
// keys, values, size, clear, copy. Maps keep insertion order (a put on an existing key keeps its
// place); keys() and values() return new arrays. Keys are the fundamental types, values any
// element type. Pine's limit: 50,000 key-value pairs per map.
//
// Each function is defined once per (key, value) type pair, so the checker picks the overload
// from the map's type and the implementation knows statically where keys and values live.

import { deferFunctions, defineFn } from './registry.js';
import { newArray } from '../core/heap.js';
import { newMap, mapFind, mapIndex, type PineMap } from './collections-heap.js';
import { ELEMS, SCALARS, heapArg, readElem, writeElem, naOfElem } from './collection-io.js';
import type { Runtime } from '../core/runtime.js';
import { noteAlloc } from './limits.js';

/** Pine's limit on the number of pairs in a map. */
export const MAX_MAP_SIZE = 50_000;

function mapArg(rt: Runtime, i: number, fn: string): PineMap {
  return heapArg<PineMap>(rt, i, 'map', fn, 'map');
}

/** Puts key → value; returns the previous value, or undefined when the key is new. */
export function mapPut(rt: Runtime, m: PineMap, key: unknown, value: unknown, fn: string): unknown {
  const k = mapFind(m, key);
  if (k >= 0) {
    const old = m.values[k];
    m.values[k] = value;
    return old;
  }
  if (m.keys.length + 1 > MAX_MAP_SIZE) {
    rt.fail('map-too-large', `'${fn}()' would make a map of ${m.keys.length + 1} pairs: Pine maps hold at most ${MAX_MAP_SIZE.toLocaleString('en-US')}.`);
  }
  noteAlloc(rt, 32, fn);
  mapIndex(m).set(key, m.keys.length);
  m.keys.push(key);
  m.values.push(value);
  return undefined;
}

/** Removes a key; returns its value, or undefined when it was absent. */
export function mapRemove(m: PineMap, key: unknown): unknown {
  const k = mapFind(m, key);
  if (k < 0) return undefined;
  const old = m.values[k];
  const ix = mapIndex(m);
  ix.delete(key);
  m.keys.splice(k, 1);
  m.values.splice(k, 1);
  for (let j = k; j < m.keys.length; j++) ix.set(m.keys[j], j);
  return old;
}

let registered = false;

/** The map.* functions, in the order defineMap first defines them (see deferFunctions). */
const MAP_FUNCTIONS = ['map.new', 'map.put', 'map.get', 'map.contains', 'map.remove', 'map.keys', 'map.values', 'map.size', 'map.clear', 'map.copy', 'map.__key_at', 'map.__value_at', 'map.put_all'];

/** Registers map.* (defined on first use: deferFunctions). */
export function registerMap(): void {
  if (registered) return;
  registered = true;
  deferFunctions(MAP_FUNCTIONS, defineMap);
}

function defineMap(): void {
  for (const ke of SCALARS) {
    for (const ve of ELEMS) {
      const M = `map<${ke}, ${ve}>`;
      const na = naOfElem(ve);
      defineFn(`map.new<${ke}, ${ve}>(): ${M}`, (rt, _a, d) => {
        rt.o[d] = newMap();
      });
      defineFn(`map.put(id: ${M}, key: series ${ke}, value: series ${ve}): series ${ve}`, (rt, a, d) => {
        const old = mapPut(rt, mapArg(rt, a, 'map.put'), readElem(rt, ke, a + 1), readElem(rt, ve, a + 2), 'map.put');
        writeElem(rt, ve, d, old === undefined ? na : old);
      });
      defineFn(`map.get(id: ${M}, key: series ${ke}): series ${ve}`, (rt, a, d) => {
        const m = mapArg(rt, a, 'map.get');
        const k = mapFind(m, readElem(rt, ke, a + 1));
        writeElem(rt, ve, d, k >= 0 ? m.values[k] : na);
      });
      defineFn(`map.contains(id: ${M}, key: series ${ke}): series bool`, (rt, a, d) => {
        rt.f[d] = mapFind(mapArg(rt, a, 'map.contains'), readElem(rt, ke, a + 1)) >= 0 ? 1 : 0;
      });
      defineFn(`map.remove(id: ${M}, key: series ${ke}): series ${ve}`, (rt, a, d) => {
        const old = mapRemove(mapArg(rt, a, 'map.remove'), readElem(rt, ke, a + 1));
        writeElem(rt, ve, d, old === undefined ? na : old);
      });
      defineFn(`map.keys(id: ${M}): array<${ke}>`, (rt, a, d) => {
        rt.o[d] = newArray(mapArg(rt, a, 'map.keys').keys.slice());
      });
      defineFn(`map.values(id: ${M}): array<${ve}>`, (rt, a, d) => {
        rt.o[d] = newArray(mapArg(rt, a, 'map.values').values.slice());
      });
      defineFn(`map.size(id: ${M}): series int`, (rt, a, d) => {
        rt.f[d] = mapArg(rt, a, 'map.size').keys.length;
      });
      defineFn(`map.clear(id: ${M}): void`, (rt, a) => {
        const m = mapArg(rt, a, 'map.clear');
        m.keys.length = 0;
        m.values.length = 0;
      });
      defineFn(`map.copy(id: ${M}): ${M}`, (rt, a, d) => {
        const m = mapArg(rt, a, 'map.copy');
        rt.o[d] = { kind: 'map', keys: m.keys.slice(), values: m.values.slice() } satisfies PineMap;
      });
      // `for [key, value] in m` (compiler/tier2-types.ts FOR_IN_OPS): the pair at a position.
      defineFn(`map.__key_at(id: ${M}, index: series int): series ${ke}`, (rt, a, d) => {
        writeElem(rt, ke, d, mapArg(rt, a, 'map.keys').keys[rt.f[a + 1] ?? -1]);
      });
      defineFn(`map.__value_at(id: ${M}, index: series int): series ${ve}`, (rt, a, d) => {
        writeElem(rt, ve, d, mapArg(rt, a, 'map.values').values[rt.f[a + 1] ?? -1]);
      });
      defineFn(`map.put_all(id: ${M}, id2: ${M}): void`, (rt, a) => {
        const m = mapArg(rt, a, 'map.put_all');
        const src = mapArg(rt, a + 1, 'map.put_all');
        const keys = src.keys.slice();
        const vals = src.values.slice();
        for (let k = 0; k < keys.length; k++) mapPut(rt, m, keys[k], vals[k], 'map.put_all');
      });
    }
  }
}


registerMap();
