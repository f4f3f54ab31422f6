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
