// Tier 2 types in the checker: the drawing types (label, line, box, table, polyline, linefill,
// chart.point), `array<T>` of any element type, `matrix<T>` and `map<K, V>` written in
// declarations, and the builtin namespace whose functions are the methods of each type
// (`m.put(k, v)` is `map.put(m, k, v)`, `lb.set_text("x")` is `label.set_text(lb, "x")`).
//
// Drawing values are ids (doubles in the float register file, na = NaN; see types.ts
// NUMERIC_BASES): the drawings themselves live in one registry in a reserved call-site state slot
// of the main function (builtins/draw/store.ts), so realtime rollback and snapshots carry them
// with the rest of the state and a history reference `lb[1]` is just an id.

import type * as A from './ast.js';
import { Qual, type Base, type PType } from './types.js';

/** Scalar types written by name. */
const SCALARS: Readonly<Record<string, Base>> = { int: 'int', float: 'float', bool: 'bool', color: 'color', string: 'string' };

/** Drawing types written by name (v5/v6 names). */
export const DRAWING_TYPES: Readonly<Record<string, Base>> = {
  label: 'label',
  line: 'line',
  box: 'box',
  table: 'table',
  polyline: 'polyline',
  linefill: 'linefill',
  'chart.point': 'chart.point',
};

/** The element types an array, a matrix or a map's values can have here. */
export const ELEMENT_TYPES: readonly string[] = [...Object.keys(SCALARS), ...Object.keys(DRAWING_TYPES)];
/** The key types of a map (Pine: the fundamental types). */
export const KEY_TYPES: readonly string[] = Object.keys(SCALARS);

/** The builtin namespace whose functions are the methods of a type. */
export const METHOD_NAMESPACES: Partial<Record<Base, string>> = {
  array: 'array',
  map: 'map',
  matrix: 'matrix',
  label: 'label',
  line: 'line',
  box: 'box',
  table: 'table',
  polyline: 'polyline',
  linefill: 'linefill',
  'chart.point': 'chart.point',
};

/** The builtins a `for ... in` loop calls on each collection: its size, the item at an index, and
 * for maps the key at an index (bound to the first name of `for [key, value] in m`). */
export const FOR_IN_OPS: Partial<Record<Base, { size: string; item: string; key?: string }>> = {
  array: { size: 'array.size', item: 'array.get' },
  map: { size: 'map.size', item: 'map.__value_at', key: 'map.__key_at' },
  matrix: { size: 'matrix.rows', item: 'matrix.row' },
};

/** Whether a script's code (comments and string literals left out) names a drawing type or
 * namespace: it then gets the drawing registry slot (see lower.ts). */
export function usesDrawings(source: string): boolean {
  const code = source.replace(/\/\/.*$/gm, '').replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
  return /\b(label|line|box|table|polyline|linefill)\b/.test(code);
}

export type TypeResult = { ok: true; type: PType } | { ok: false; code: 'E312' | 'E502'; span: A.Span; message: string };

/** The type a TypeRef names (scalars, drawings, array/matrix/map), or the error to report.
 * `quote` gives the source text of a span. */
export function typeFromRef(ref: A.TypeRef, qual: Qual, quote: (s: A.Span) => string): TypeResult {
  const scalar = SCALARS[ref.name] ?? DRAWING_TYPES[ref.name];
  if (scalar) {
    if (ref.args.length > 0) {
      return { ok: false, code: 'E312', span: ref.span, message: `The type '${ref.name}' does not take template arguments (\`${quote(ref.span)}\`).` };
    }
    return { ok: true, type: { base: scalar, qual: DRAWING_TYPES[ref.name] ? Qual.Series : qual } };
  }
  const elemOf = (arg: A.TypeRef | undefined, allowed: readonly string[], what: string): TypeResult => {
    if (!arg) return { ok: false, code: 'E312', span: ref.span, message: `Missing the ${what} type in \`${quote(ref.span)}\`.` };
    const b = SCALARS[arg.name] ?? DRAWING_TYPES[arg.name];
    if (!b || arg.args.length > 0 || !allowed.includes(arg.name)) {
      const list = allowed.join(', ');
      return { ok: false, code: 'E502', span: arg.span, message: `'${quote(ref.span)}' is not supported yet: the ${what} type must be one of ${list}, got '${quote(arg.span)}'.` };
    }
    return { ok: true, type: { base: b, qual: Qual.Series } };
  };
  if (ref.name === 'array' || ref.name === 'matrix') {
    if (ref.args.length !== 1) {
      return { ok: false, code: 'E312', span: ref.span, message: `The type '${ref.name}' takes one element type, as in \`${ref.name}<float>\`${ref.name === 'array' ? ' or `float[]`' : ''}; got \`${quote(ref.span)}\`.` };
    }
    const el = elemOf(ref.args[0], ELEMENT_TYPES, 'element');
    if (!el.ok) return el;
    return { ok: true, type: { base: ref.name, qual: Qual.Series, elem: el.type } };
  }
  if (ref.name === 'map') {
    if (ref.args.length !== 2) {
      return { ok: false, code: 'E312', span: ref.span, message: `The type 'map' takes a key type and a value type, as in \`map<string, float>\`; got \`${quote(ref.span)}\`.` };
    }
    const k = elemOf(ref.args[0], KEY_TYPES, 'key');
    if (!k.ok) return k;
    const v = elemOf(ref.args[1], ELEMENT_TYPES, 'value');
    if (!v.ok) return v;
    return { ok: true, type: { base: 'map', qual: Qual.Series, key: k.type, elem: v.type } };
  }
  return { ok: false, code: 'E502', span: ref.span, message: `The type '${quote(ref.span)}' is not supported yet.` };
}
