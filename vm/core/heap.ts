// THE heap object model: Pine's reference types as one tagged union (like clox's object.h). Every
// heap object is a plain JS object whose `kind` names its variant; it lives in object registers, var
// slots, call-site states and other heap objects, and is plain data (numbers, strings, booleans,
// null, lists, other heap objects) so a realtime rollback copies it and a snapshot stores it without
// knowing it (shared references and cycles preserved).
//
// HEAP_KINDS lists each variant's fields in order, with the type of each. The snapshot codec
// (snapshot/graph.ts) writes a heap object as one entry `[2, kind, values in field order]` and checks
// every field's type when reading, from this table alone. To add a kind: its interface, its place in
// HeapObject and its row in HEAP_KINDS (TypeScript checks the row against the interface); then the
// builtins that create and use it. Nothing in the snapshot code changes.
//
// Conventions: numbers hold na as NaN, strings as null; colors are numbers (core/color.ts); times are
// ms UTC; a reference field holds a heap object or null. `deleted` marks a drawing removed by
// *.delete() (references to it stay valid and read na).

/** array<T>. Numeric element types (int, float, bool, color) hold numbers (na = NaN); string
 * elements hold strings (na = null); reference elements hold heap objects or null. */
export interface PineArray {
  kind: 'array';
  items: unknown[];
}

/** map<K, V>: keys and values in insertion order (Pine iterates a map in insertion order). */
export interface PineMap {
  kind: 'map';
  keys: unknown[];
  values: unknown[];
}

/** matrix<T>: `rows` x `columns` elements, row after row. */
export interface PineMatrix {
  kind: 'matrix';
  rows: number;
  columns: number;
  items: unknown[];
}

/** An object of a user-defined type (`type`): its fields in declaration order. */
export interface PineObject {
  kind: 'object';
  /** The type's name as declared. */
  type: string;
  fields: unknown[];
}

/** chart.point: a time and/or bar index, and a price. */
export interface PinePoint {
  kind: 'point';
  time: number;
  index: number;
  price: number;
}

/** label.new(...). */
export interface PineLabel {
  kind: 'label';
  x: number;
  y: number;
  /** 'bar_index' | 'bar_time' */
  xloc: string;
  /** 'price' | 'abovebar' | 'belowbar' */
  yloc: string;
  text: string | null;
  tooltip: string | null;
  style: string;
  color: number;
  textcolor: number;
  size: string;
  textalign: string;
  font: string;
  deleted: boolean;
}

/** line.new(...). */
export interface PineLine {
  kind: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  xloc: string;
  /** 'none' | 'left' | 'right' | 'both' */
  extend: string;
  color: number;
  style: string;
  width: number;
  deleted: boolean;
}

/** box.new(...). */
export interface PineBox {
  kind: 'box';
  left: number;
  top: number;
  right: number;
  bottom: number;
  xloc: string;
  extend: string;
  borderColor: number;
  borderWidth: number;
  borderStyle: string;
  bgcolor: number;
  text: string | null;
  textColor: number;
  textSize: string;
  textHalign: string;
  textValign: string;
  textWrap: string;
  font: string;
  deleted: boolean;
}

/** table.new(...): `cells` holds rows x columns cell records (plain objects) or null, row after row. */
export interface PineTable {
  kind: 'table';
  position: string;
  columns: number;
  rows: number;
  bgcolor: number;
  frameColor: number;
  frameWidth: number;
  borderColor: number;
  borderWidth: number;
  cells: unknown[];
  deleted: boolean;
}

/** polyline.new(...): `points` holds chart.point objects. */
export interface PinePolyline {
  kind: 'polyline';
  points: unknown[];
  curved: boolean;
  closed: boolean;
  xloc: string;
  lineColor: number;
  fillColor: number;
  lineStyle: string;
  lineWidth: number;
  deleted: boolean;
}

/** linefill.new(line1, line2, color). */
export interface PineLinefill {
  kind: 'linefill';
  line1: PineLine | null;
  line2: PineLine | null;
  color: number;
  deleted: boolean;
}

export type HeapObject =
  | PineArray
  | PineMap
  | PineMatrix
  | PineObject
  | PinePoint
  | PineLabel
  | PineLine
  | PineBox
  | PineTable
  | PinePolyline
  | PineLinefill;

export type HeapKind = HeapObject['kind'];

/** The type of a field, as the snapshot codec checks it: a number (na: NaN), a whole number, a
 * string, a string or null (na), a bool, a list, a heap object or null, or anything plain. */
export type HeapFieldType = 'num' | 'int' | 'str' | 'str?' | 'bool' | 'list' | 'ref' | 'any';

type FieldsOf<K extends HeapKind> = Exclude<keyof Extract<HeapObject, { kind: K }>, 'kind'>;

/** Every kind's fields, in the order a snapshot stores them. */
export const HEAP_KINDS = {
  array: { items: 'list' },
  map: { keys: 'list', values: 'list' },
  matrix: { rows: 'int', columns: 'int', items: 'list' },
  object: { type: 'str', fields: 'list' },
  point: { time: 'num', index: 'num', price: 'num' },
  label: {
    x: 'num',
    y: 'num',
    xloc: 'str',
    yloc: 'str',
    text: 'str?',
    tooltip: 'str?',
    style: 'str',
    color: 'num',
    textcolor: 'num',
    size: 'str',
    textalign: 'str',
    font: 'str',
    deleted: 'bool',
  },
  line: { x1: 'num', y1: 'num', x2: 'num', y2: 'num', xloc: 'str', extend: 'str', color: 'num', style: 'str', width: 'num', deleted: 'bool' },
  box: {
    left: 'num',
    top: 'num',
    right: 'num',
    bottom: 'num',
    xloc: 'str',
    extend: 'str',
    borderColor: 'num',
    borderWidth: 'num',
    borderStyle: 'str',
    bgcolor: 'num',
    text: 'str?',
    textColor: 'num',
    textSize: 'str',
    textHalign: 'str',
    textValign: 'str',
    textWrap: 'str',
    font: 'str',
    deleted: 'bool',
  },
  table: {
    position: 'str',
    columns: 'int',
    rows: 'int',
    bgcolor: 'num',
    frameColor: 'num',
    frameWidth: 'num',
    borderColor: 'num',
    borderWidth: 'num',
    cells: 'list',
    deleted: 'bool',
  },
  polyline: {
    points: 'list',
    curved: 'bool',
    closed: 'bool',
    xloc: 'str',
    lineColor: 'num',
    fillColor: 'num',
    lineStyle: 'str',
    lineWidth: 'num',
    deleted: 'bool',
  },
  linefill: { line1: 'ref', line2: 'ref', color: 'num', deleted: 'bool' },
} as const satisfies { readonly [K in HeapKind]: { readonly [F in FieldsOf<K>]: HeapFieldType } };

/** Field names of each kind, in order (from HEAP_KINDS). */
export const HEAP_FIELDS: Readonly<Record<HeapKind, readonly string[]>> = Object.fromEntries(
  Object.entries(HEAP_KINDS).map(([k, spec]) => [k, Object.keys(spec)]),
) as unknown as Record<HeapKind, readonly string[]>;

export function isHeapKind(k: unknown): k is HeapKind {
  return typeof k === 'string' && Object.prototype.hasOwnProperty.call(HEAP_KINDS, k);
}

/** The kind of `v` when it is a heap object: a plain object with a known `kind` and exactly that
 * kind's fields (in any order); null otherwise. */
export function heapKindOf(v: object): HeapKind | null {
  const k = (v as { kind?: unknown }).kind;
  if (!isHeapKind(k)) return null;
  const fields = HEAP_FIELDS[k];
  const keys = Object.keys(v);
  if (keys.length !== fields.length + 1) return null;
  for (const f of fields) if (!Object.prototype.hasOwnProperty.call(v, f)) return null;
  return k;
}

/** Whether `v` has the type `t` (a heap object reference is checked by `isRef`). */
export function fitsHeapField(v: unknown, t: HeapFieldType, isRef: (v: object) => boolean): boolean {
  switch (t) {
    case 'num':
      return typeof v === 'number';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= 0;
    case 'str':
      return typeof v === 'string';
    case 'str?':
      return v === null || typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v);
    case 'ref':
      return v === null || (typeof v === 'object' && !Array.isArray(v) && isRef(v));
    case 'any':
      return true;
  }
}

export function newArray(items: unknown[]): PineArray {
  return { kind: 'array', items };
}
