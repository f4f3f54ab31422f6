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
 * plain object, so the map stays plain data for snapshots and rollback). */
export interface PineMap {
  kind: 'map';
  keys: unknown[];
  vals: unknown[];
  index: Record<string, number>;
}

export function newMap(): PineMap {
  return { kind: 'map', keys: [], vals: [], index: {} };
}

/** The index key of a map key: strings and numbers never collide ('s…' / 'n…'). */
export function mapKeyOf(key: unknown): string {
  return typeof key === 'string' ? `s${key}` : `n${String(key)}`;
}

/** The position of `key` in the map, or -1. */
export function mapFind(m: PineMap, key: unknown): number {
  const kk = mapKeyOf(key);
  return Object.hasOwn(m.index, kk) ? (m.index[kk] ?? -1) : -1;
}

/** matrix<T>: `rows` × `cols` elements, row-major (numbers with na = NaN, or strings / objects
 * with na = null). */
export interface PineMatrix {
  kind: 'matrix';
  rows: number;
  cols: number;
  data: unknown[];
}

export function newMatrix(rows: number, cols: number, data: unknown[]): PineMatrix {
  return { kind: 'matrix', rows, cols, data };
}
