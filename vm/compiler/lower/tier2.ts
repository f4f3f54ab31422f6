// Tier 2 in the lowering pass: the drawing registry's state slot and its max_*_count limits, and
// the fields of a chart.point (`p.price`). Types, method namespaces and `for ... in` collections are
// tables in compiler/tier2-types.ts.
//
// The drawing registry (builtins/draw/store.ts) lives in one call-site state slot of the main
// function. A script whose code names a drawing type or namespace gets that slot when lowering
// starts, and its main function opens with `__draw.init(max_labels, max_lines, max_boxes,
// max_polylines)` (arguments preloaded, set from indicator() once the declaration is known), which
// creates the registry on the first bar. Every drawing builtin receives the slot as `s`.

import type * as A from '../ast.js';
import { Qual } from '../types.js';
import { Op } from '../../bytecode/opcodes.js';
import type { Preload } from '../../bytecode/program.js';
import { lookupFn } from '../../builtins/registry.js';
import { sigToPType } from '../overloads.js';
import { usesDrawings } from '../tier2-types.js';
import type { LowerContext, Val } from './context.js';
import type { Scope } from '../scope.js';

/** indicator() arguments passed to the drawing registry, in `__draw.init`'s order. */
const DRAW_LIMITS = ['max_labels_count', 'max_lines_count', 'max_boxes_count', 'max_polylines_count'] as const;

interface DrawState {
  slot: number | null;
  limitRegs: Preload[];
}

/** Per lowering: the registry slot and the preloaded limit arguments. */
const DRAW = new WeakMap<LowerContext, DrawState>();

function drawState(cx: LowerContext): DrawState {
  let st = DRAW.get(cx);
  if (!st) {
    st = { slot: null, limitRegs: [] };
    DRAW.set(cx, st);
  }
  return st;
}

/** At the start of lowering: reserves the registry slot and emits `__draw.init` when the script
 * draws. */
export function reserveDrawings(cx: LowerContext): void {
  if (!usesDrawings(cx.sink.source)) return;
  const spec = lookupFn('__draw.init')?.[0];
  if (!spec) return;
  const st = drawState(cx);
  const block = cx.newReg(DRAW_LIMITS.length);
  for (let k = 0; k < DRAW_LIMITS.length; k++) {
    const p: Preload = { reg: block + k, value: 50 };
    cx.preload.push(p);
    st.limitRegs.push(p);
  }
  st.slot = cx.main.nCs++;
  const idx = cx.builtinRef(spec.name, spec.overload, spec.signature);
  cx.main.em.at = 0;
  cx.main.em.emit(Op.CALLB, idx, block, 0, st.slot);
}

/** After lowering the body: indicator(max_labels_count = ...) and the others (1 to 500, default
 * 50) into the init call's arguments. */
export function drawingLimits(cx: LowerContext): void {
  const st = drawState(cx);
  DRAW_LIMITS.forEach((name, k) => {
    const v = cx.meta.options[name];
    const p = st.limitRegs[k];
    if (typeof v !== 'number') return;
    if (!Number.isInteger(v) || v < 1 || v > 500) {
      const at = cx.sink.source.search(new RegExp(`\\b${name}\\b`));
      cx.err('E331', { start: Math.max(0, at), end: Math.max(0, at) + name.length }, `Cannot call '${cx.meta.kind}' with argument '${name}'=${v}: expected an int from 1 to 500.`);
      return;
    }
    if (p) p.value = v;
  });
}

/** The registry slot for a drawing builtin; reserved here (with the default limits) if the source
 * scan missed it. */
export function drawingSlot(cx: LowerContext): number {
  const st = drawState(cx);
  if (st.slot === null) st.slot = cx.main.nCs++;
  return st.slot;
}

/** `p.price`, `p.index`, `p.time` on a chart.point (builtins/draw/points.ts getters), or null when
 * `obj` is not a chart.point or has no such field. */
export function chartPointField(cx: LowerContext, e: A.Member, obj: Val, scope: Scope): Val | null {
  const getter = obj.type.base === 'chart.point' && !obj.bad ? lookupFn(`chart.point.__get_${e.name}`)?.[0] : undefined;
  if (!getter) return null;
  const fn = scope.fn;
  const block = cx.newReg(1);
  cx.place(fn, obj, block);
  const idx = cx.builtinRef(getter.name, getter.overload, getter.signature);
  const d = fn.temp();
  fn.em.at = cx.pinnedAt ?? e.span.start;
  const at = fn.em.emit(Op.CALLB, idx, block, d, 0);
  return { reg: d, type: sigToPType(getter.results[0] ?? { base: 'float', qual: Qual.Series }, null), defAt: at + 3 };
}
