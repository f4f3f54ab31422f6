// na(), nz(), fixnan() and the type casts int(), float(), bool(), color(), string().
// Numeric values are na when NaN; strings and references when null. A v6 bool is never na
// (vm/README.md); the bool overloads of na/nz/fixnan exist for v5 scripts only, where a bool can
// be na (NaN). v6 removed them (migration guide: "na(), nz() and fixnan() no longer accept bool
// arguments"), so a v6 call that resolves to one is a compile error.

import { defineFn } from './registry.js';
import { state } from '../core/runtime.js';

/** fixnan's record: the last non-na value committed by earlier bars, and this bar's value. */
export interface FixnanState {
  bar: number;
  last: number;
  pending: number;
}

export function newFixnanState(): FixnanState {
  return { bar: -1, last: NaN, pending: NaN };
}

/** One call of fixnan on bar `bar`: the source, or the last non-na source of earlier bars
 * (Reference: "replaces NaN values with previous nearest non-NaN value"). A second call on the same
 * bar replaces the first one's value (per-execution rule). */
export function fixnanStep(st: FixnanState, bar: number, src: number): number {
  if (bar !== st.bar) {
    if (st.pending === st.pending) st.last = st.pending;
    st.pending = NaN;
    st.bar = bar;
  }
  st.pending = src;
  return src === src ? src : st.last;
}

/** int(x): truncates toward zero (Reference: "truncates float value to int"); na stays na. */
export function toInt(x: number): number {
  return x !== x ? NaN : Math.trunc(x) + 0;
}

/** bool(x): false for na and 0, true otherwise (Reference, bool()). */
export function toBool(x: number): number {
  return x !== x || x === 0 ? 0 : 1;
}

let registered = false;

const V5_BOOL = (fn: string) => ({
  untilVersion: 5,
  rejectNote: `In Pine v6 ${fn}() does not accept a bool argument: a bool is never na (it is true or false).`,
});

/** Defines na, nz, fixnan and the casts in the registry (once). */
export function registerNa(): void {
  if (registered) return;
  registered = true;
  const pure = { pure: true };

  // na(x): numeric types test NaN, strings and references test null. The int overload comes
  // first so an int argument needs no conversion and does not fall to the boxed `any` overload.
  for (const base of ['int', 'float', 'color']) {
    defineFn(`na(x: series ${base}): series bool`, (rt, a, d) => {
      const v = rt.f[a] ?? NaN;
      rt.f[d] = v !== v ? 1 : 0;
    }, pure);
  }
  // v5 only: a v5 bool can be na (`bool b = na`, `b[1]` on the first bar), stored as NaN.
  defineFn('na(x: series bool): series bool', (rt, a, d) => {
    const v = rt.f[a] ?? NaN;
    rt.f[d] = v !== v ? 1 : 0;
  }, { ...pure, ...V5_BOOL('na') });
  defineFn('na(x: series string): series bool', (rt, a, d) => {
    rt.f[d] = rt.o[a] === null || rt.o[a] === undefined ? 1 : 0;
  }, pure);
  defineFn('na(x: series any): series bool', (rt, a, d) => {
    const v = rt.o[a];
    rt.f[d] = v === null || v === undefined || (typeof v === 'number' && v !== v) ? 1 : 0;
  }, pure);

  // nz(source, replacement): defaults 0 for int, 0.0 for float, #00000000 for color (Reference).
  const nzImpl = (rt: { f: Float64Array }, a: number, d: number) => {
    const v = rt.f[a] ?? NaN;
    rt.f[d] = v !== v ? (rt.f[a + 1] ?? NaN) : v;
  };
  defineFn('nz(source: series int, replacement: series int = 0): series int', nzImpl, pure);
  defineFn('nz(source: series float, replacement: series float = 0.0): series float', nzImpl, pure);
  defineFn('nz(source: series color, replacement: series color = #00000000): series color', nzImpl, pure);
  defineFn('nz(source: series bool, replacement: series bool = false): series bool', nzImpl, { ...pure, ...V5_BOOL('nz') });

  for (const base of ['int', 'float', 'color']) {
    defineFn(
      `fixnan(source: series ${base}): series ${base}`,
      (rt, a, d, s) => {
        rt.f[d] = fixnanStep(state(rt, s, newFixnanState), rt.bar, rt.f[a] ?? NaN);
      },
      { stateful: true },
    );
  }
  defineFn(
    'fixnan(source: series bool): series bool',
    (rt, a, d, s) => {
      rt.f[d] = fixnanStep(state(rt, s, newFixnanState), rt.bar, rt.f[a] ?? NaN);
    },
    { stateful: true, ...V5_BOOL('fixnan') },
  );

  // Casts. The Reference gives each const/input/simple/series overloads, i.e. pure.
  // An int may carry a fraction (`n / 2`): int() truncates it like a float's.
  defineFn('int(x: series int): series int', (rt, a, d) => {
    rt.f[d] = toInt(rt.f[a] ?? NaN);
  }, pure);
  defineFn('int(x: series float): series int', (rt, a, d) => {
    rt.f[d] = toInt(rt.f[a] ?? NaN);
  }, pure);
  defineFn('float(x: series float): series float', (rt, a, d) => {
    rt.f[d] = rt.f[a] ?? NaN;
  }, pure);
  defineFn('bool(x: series bool): series bool', (rt, a, d) => {
    rt.f[d] = rt.f[a] ?? 0;
  }, pure);
  defineFn('bool(x: series float): series bool', (rt, a, d) => {
    rt.f[d] = toBool(rt.f[a] ?? NaN);
  }, pure);
  defineFn('color(x: series color): series color', (rt, a, d) => {
    rt.f[d] = rt.f[a] ?? NaN;
  }, pure);
  defineFn('string(x: series string): series string', (rt, a, d) => {
    rt.o[d] = rt.o[a] ?? null;
  }, pure);
  // `line(na)`, `label(na)`, ...: a drawing id of that type (drawings are ids in the float file).
  for (const kind of ['line', 'label', 'box', 'table', 'linefill', 'polyline']) {
    defineFn(`${kind}(x: series ${kind}): series ${kind}`, (rt, a, d) => {
      rt.f[d] = rt.f[a] ?? NaN;
    }, pure);
  }
}
