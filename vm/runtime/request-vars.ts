// `var` and `varip` variables declared inside a request.security() expression (or in a user function
// it calls): Pine's per-execution rule for them, as the builtin (`ta.*`) state and the series of the
// requested context already follow it. Each evaluation of the expression runs with an execution id:
// the requested bar's index (runtime/contexts.ts). The first evaluation of a new requested bar starts
// from the state the previous bar ended with, and that state is kept (committed); an evaluation of
// the same requested bar again (a forming higher-timeframe bar: chart bars arriving one at a time,
// lookahead_on, realtime ticks; another symbol's forming bar run again on the next chart bar) first
// puts the variables back to it, as a realtime tick rolls a chart bar back. So a `var` counter in
// the request counts requested bars, not chart bars.
//
// `varip` (TradingView: kept across the realtime updates of a bar): on a realtime chart bar a varip
// variable of the request is not put back, so it counts every realtime update of the forming bar;
// on history it is put back like `var` (TradingView evaluates a historical bar once).
//
// The compiler emits CTX_VARS at the start of the expression's code (each pass of it) with the
// request's slots: the var numbers [f0, f0 + nf) and the var objects [o0, o0 + no) of the frame,
// which hold every `var`/`varip` (and each one's "initialised" flag) the expression's code and the
// user functions it calls declare (their blocks are allocated in the caller's as the code is
// compiled: lower/request.ts). The committed copy is plain data in the request's state (`cs[s]`,
// RequestState.vi/vkf/vko), so realtime rollback, snapshots and clones carry it; objects are copied
// whole (runtime/request-copy.ts), so changes to an array kept by a `var` roll back too.

import { R } from '../core/registers.js';
import { copyRequested } from './request-copy.js';
import { varipSlots } from './state-ops.js';
import type { RequestState } from './request-state.js';

/** What CTX_VARS needs of the machine. */
export interface VarsHost {
  f: Float64Array;
  cs: unknown[];
  vf: Float64Array;
  vo: unknown[];
  program: { functions: Parameters<typeof varipSlots>[0] };
}

/** Which absolute var slots are varip, by program (immutable, shared by every instance of it). */
interface VaripMask {
  f: Uint8Array;
  o: Uint8Array;
}

const MASKS = new WeakMap<object, VaripMask>();

function varipMask(m: VarsHost): VaripMask {
  const fns = m.program.functions;
  let mask = MASKS.get(fns);
  if (mask === undefined) {
    const slots = varipSlots(fns);
    mask = { f: new Uint8Array(m.vf.length), o: new Uint8Array(m.vo.length) };
    for (const i of slots.f) if (i < mask.f.length) mask.f[i] = 1;
    for (const i of slots.o) if (i < mask.o.length) mask.o[i] = 1;
    MASKS.set(fns, mask);
  }
  return mask;
}

/** CTX_VARS: before an evaluation of request `s`'s expression with execution id `bar`: commits the
 * variables (absolute slots f0.. and o0..) when `bar` is a requested bar not evaluated before, else
 * puts them back to the committed copy (varip kept on a realtime chart bar). */
export function ctxVars(m: VarsHost, s: number, bar: number, f0: number, nf: number, o0: number, no: number): void {
  const st = m.cs[s] as RequestState | undefined;
  if (st === undefined) return;
  const vf = m.vf;
  const vo = m.vo;
  if (st.vi !== bar) {
    // A new requested bar: the state the previous one ended with is committed.
    st.vi = bar;
    let kf = st.vkf;
    if (!(kf instanceof Float64Array) || kf.length !== nf) kf = st.vkf = new Float64Array(nf);
    for (let j = 0; j < nf; j++) kf[j] = vf[f0 + j] as number;
    if (no > 0) st.vko = copyRequested(vo.slice(o0, o0 + no)) as unknown[];
    return;
  }
  // The same requested bar again: from its start.
  const kf = st.vkf;
  const ko = st.vko;
  const live = m.f[R.isRealtime] === 1;
  const mask = live ? varipMask(m) : null;
  if (kf instanceof Float64Array) {
    const n = Math.min(nf, kf.length);
    for (let j = 0; j < n; j++) if (mask === null || mask.f[f0 + j] !== 1) vf[f0 + j] = kf[j] as number;
  }
  if (no > 0 && Array.isArray(ko)) {
    const back = copyRequested(ko) as unknown[];
    const n = Math.min(no, back.length);
    for (let j = 0; j < n; j++) if (mask === null || mask.o[o0 + j] !== 1) vo[o0 + j] = back[j];
  }
}
