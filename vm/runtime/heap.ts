// Heap objects: Pine's reference types (arrays, maps, matrices, user-defined types, drawings).
// They live in object registers and var slots as plain JS objects so the snapshot codec can encode
// the object graph as a flat table (shared references and cycles preserved).

/** array<T>. Numeric element types (int, float, bool, color) hold numbers (na = NaN); string
 * elements hold strings (na = null); reference elements hold heap objects or null. */
export interface PineArray {
  kind: 'array';
  items: unknown[];
}

export function newArray(items: unknown[]): PineArray {
  return { kind: 'array', items };
}

// --- Tier 2: maps and matrices -------------------------------------------------------------------

/** map<K, V>: keys and values in insertion order; `index` maps mapKeyOf(key) to its position (a
 * plain object, so the map stays plain data for snapshots and rollback). The index is derived
 * data: a map read back without it (a codec that stores keys and values only) rebuilds it. */
export interface PineMap {
  kind: 'map';
  keys: unknown[];
  values: unknown[];
  index?: Record<string, number>;
}

export function newMap(): PineMap {
  return { kind: 'map', keys: [], values: [], index: {} };
}

/** The map's index, rebuilt from its keys when absent. */
export function mapIndex(m: PineMap): Record<string, number> {
  let ix = m.index;
  if (!ix) {
    ix = {};
    for (let k = 0; k < m.keys.length; k++) ix[mapKeyOf(m.keys[k])] = k;
    m.index = ix;
  }
  return ix;
}

/** The index key of a map key: strings and numbers never collide ('s…' / 'n…'). */
export function mapKeyOf(key: unknown): string {
  return typeof key === 'string' ? `s${key}` : `n${String(key)}`;
}

/** The position of `key` in the map, or -1. */
export function mapFind(m: PineMap, key: unknown): number {
  const kk = mapKeyOf(key);
  const ix = mapIndex(m);
  return Object.hasOwn(ix, kk) ? (ix[kk] ?? -1) : -1;
}

/** matrix<T>: `rows` × `columns` elements in `items`, row after row (numbers with na = NaN, or
 * strings / objects with na = null). */
export interface PineMatrix {
  kind: 'matrix';
  rows: number;
  columns: number;
  items: unknown[];
}

export function newMatrix(rows: number, columns: number, items: unknown[]): PineMatrix {
  return { kind: 'matrix', rows, columns, items };
}
