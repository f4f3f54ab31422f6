// Checks the values of a decoded state record against the program: every object slot (var objects,
// object series, suspended object registers) holds what a Pine value can be — na (null), a string,
// a boxed number or bool, or a heap object of the model in core/heap.ts — and every global var
// whose type the program declares (Program.globals) holds that type, down to the items of an
// array. A forged file otherwise restores and fails later as an "Internal error".

import type { DebugVar, Program } from '../bytecode/program.js';
import { heapKindOf, type HeapKind } from '../core/heap.js';
import { bad } from './validate.js';

function describe(v: unknown): string {
  if (v === null) return 'na';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') {
    const k = kindOf(v);
    return k === null ? 'an object that is no heap object' : `a ${k === 'array' ? 'array' : k}`;
  }
  return `a ${typeof v}`;
}

/** An `array.slice` view (builtins/array-extra.ts): an array with a `view` of its source array. */
function isSlice(v: object): boolean {
  const o = v as { kind?: unknown; items?: unknown; view?: { base?: unknown; from?: unknown; to?: unknown } };
  const keys = Object.keys(v);
  return (
    keys.length === 3 && o.kind === 'array' && Array.isArray(o.items) && typeof o.view === 'object' && o.view !== null &&
    typeof o.view.base === 'object' && o.view.base !== null && typeof o.view.from === 'number' && typeof o.view.to === 'number'
  );
}

/** The heap kind of `v`, counting a slice view as an array. */
function kindOf(v: object): HeapKind | null {
  return heapKindOf(v) ?? (isSlice(v) ? 'array' : null);
}

/** A value an object slot may hold. */
export function checkSlotValue(v: unknown, field: string): void {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return;
  if (typeof v === 'object' && !Array.isArray(v) && kindOf(v) !== null) return;
  bad(field, `is ${describe(v)}, not a Pine value (na, a string, a number, a bool or a heap object)`);
}

function checkList(list: unknown, field: string): void {
  if (!Array.isArray(list)) return;
  for (let i = 0; i < list.length; i++) checkSlotValue(list[i], `${field}[${i}]`);
}

/** Drawings are ids (numbers) into the drawing registry (builtins/draw/store.ts). */
const DRAWING_IDS = new Set(['label', 'line', 'box', 'table', 'polyline', 'linefill']);
const OBJECTS: Record<string, HeapKind> = { 'chart.point': 'point' };

/** Whether `v` fits the element type `t` (a Pine type without qualifier); null when it cannot tell. */
function fits(v: unknown, t: string): boolean | null {
  if (t === 'float' || t === 'int' || t === 'color') return typeof v === 'number';
  if (t === 'bool') return typeof v === 'number' || typeof v === 'boolean';
  if (t === 'string') return v === null || typeof v === 'string';
  if (DRAWING_IDS.has(t)) return typeof v === 'number';
  const kind = t.startsWith('array<') ? 'array' : t.startsWith('map<') ? 'map' : t.startsWith('matrix<') ? 'matrix' : OBJECTS[t];
  if (kind === undefined) return null;
  return v === null || (typeof v === 'object' && v !== null && !Array.isArray(v) && kindOf(v) === kind);
}

function checkDeclared(v: unknown, g: DebugVar, field: string): void {
  const t = g.type.replace(/^(const|input|simple|series)\s+/, '');
  const ok = fits(v, t);
  if (ok === false) bad(field, `is ${describe(v)}, expected ${t} (the var '${g.name}')`);
  const m = /^array<(.+)>$/.exec(t);
  if (ok && m && v !== null) {
    const elem = m[1] as string;
    const items = (v as { items: unknown[] }).items;
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (fits(it, elem) === false) bad(`${field}.items[${i}]`, `is ${describe(it)}, expected ${elem} (an item of '${g.name}')`);
      checkSlotValue(it, `${field}.items[${i}]`);
    }
  }
}

/** Checks the object slots of a state record (`s` already shaped by checkState). */
export function checkStateValues(s: Record<string, unknown>, program: Program): void {
  checkList(s.vo, 'state.vo');
  const vo = s.vo as unknown[];
  for (const g of program.globals) {
    if (g.where === 'varo') checkDeclared(vo[g.index], g, `state.vo[${g.index}]`);
  }
  if (s.exec !== null && typeof s.exec === 'object') checkList((s.exec as Record<string, unknown>).o, 'state.exec.o');
}
