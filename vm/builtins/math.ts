// Pine's math.* namespace: elementary functions, rounding, variadic min/max/avg, the rolling
// math.sum, the seeded generator behind math.random, and the constants e, pi, phi, rphi.
// Signatures and parameter names follow the v6 Reference Manual. Functions whose result qualifier
// follows their arguments (const in, const out) are declared once with `pure`; the others declare
// the qualifiers the manual lists.

import { defineFn, defineVar } from './registry.js';
import { state, type Runtime } from '../core/runtime.js';
import { roundToMintick } from './format.js';

// ---------------------------------------------------------------------------------------------
// Random numbers: xoshiro128** over four uint32 words (rt.rng for unseeded calls, a per-call-site
// record for seeded ones), so snapshots carry the generator.

/** Seed used when the host left rt.rng all zero (a xoshiro state must not be all zero). */
export const DEFAULT_RNG_SEED = 0x5eed1e55;

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Fills a xoshiro128** state from any finite number (Pine seeds are ints, possibly negative). */
export function seedRng(s: Uint32Array, seed: number): void {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let x = (lo ^ Math.imul(hi, 0x27d4eb2d)) >>> 0;
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b9) >>> 0;
    s[k] = splitmix32(x);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Next uint32 of xoshiro128** (Blackman & Vigna). */
export function rngNextU32(s: Uint32Array): number {
  const s0 = s[0] ?? 0;
  const s1 = s[1] ?? 0;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s[2] = (s[2] ?? 0) ^ s0;
  s[3] = (s[3] ?? 0) ^ s1;
  s[1] = s1 ^ (s[2] ?? 0);
  s[0] = s0 ^ (s[3] ?? 0);
  s[2] = (s[2] ?? 0) ^ t;
  s[3] = rotl(s[3] ?? 0, 11);
  return result;
}

/** A double strictly inside (0, 1), from 53 random bits. */
export function rngNextUnit(s: Uint32Array): number {
  const a = rngNextU32(s) >>> 5;
  const b = rngNextU32(s) >>> 6;
  return (a * 67108864 + b + 0.5) / 9007199254740992;
}

/** A value strictly between min and max (Reference, math.random: neither bound is included).
 * na when a bound is na. */
export function randomBetween(s: Uint32Array, min: number, max: number): number {
  if (min !== min || max !== max) return NaN;
  for (;;) {
    const v = min + rngNextUnit(s) * (max - min);
    // Rounding can land on a bound when the range is huge relative to its ends; draw again.
    if (!(min < max) || (v > min && v < max)) return v;
  }
}

export interface SeededRandomState {
  seed: number;
  s: Uint32Array;
}

/** The generator for a call: rt.rng without a seed; with a seed, the call site's own sequence,
 * restarted whenever the seed value changes. */
export function randomGenerator(rt: Runtime, slot: number, seed: number): Uint32Array {
  if (seed !== seed) {
    const g = rt.rng;
    if (((g[0] ?? 0) | (g[1] ?? 0) | (g[2] ?? 0) | (g[3] ?? 0)) === 0) seedRng(g, DEFAULT_RNG_SEED);
    return g;
  }
  const st = state<SeededRandomState>(rt, slot, () => ({ seed: NaN, s: new Uint32Array(4) }));
  if (st.seed !== seed) {
    st.seed = seed;
    seedRng(st.s, seed);
  }
  return st.s;
}

// ---------------------------------------------------------------------------------------------
// math.sum: the sum of the last `length` non-na values (Reference: "na values in the source
// series are ignored; the function calculates on the length quantity of non-na values").

export interface SumState {
  /** Bar index of the last advance, -1 before the first call. */
  bar: number;
  /** Committed non-na values, newest at (head - 1) & (cap - 1). */
  buf: Float64Array;
  head: number;
  /** Number of readable committed values (≤ buf.length). */
  kept: number;
  /** This bar's value, NaN when the current call's source was na. */
  pending: number;
}

export function newSumState(): SumState {
  return { bar: -1, buf: new Float64Array(16), head: 0, kept: 0, pending: NaN };
}

function sumPush(st: SumState, v: number): void {
  const cap = st.buf.length;
  st.buf[st.head] = v;
  st.head = (st.head + 1) & (cap - 1);
  if (st.kept < cap) st.kept++;
}

function sumGrow(st: SumState, need: number): void {
  let cap = st.buf.length;
  while (cap < need) cap *= 2;
  if (cap === st.buf.length) return;
  const old = st.buf;
  const mask = old.length - 1;
  const buf = new Float64Array(cap);
  // Oldest first, so the newest ends at index kept - 1.
  for (let k = 0; k < st.kept; k++) buf[k] = old[(st.head - st.kept + k) & mask] ?? NaN;
  st.buf = buf;
  st.head = st.kept & (cap - 1);
}

/** One call of math.sum on bar `bar` (per-execution rule: a second call on the same bar replaces
 * the first call's value). Returns na until `length` non-na values have been seen. */
export function sumStep(st: SumState, bar: number, src: number, length: number): number {
  if (bar !== st.bar) {
    if (st.pending === st.pending) sumPush(st, st.pending);
    st.pending = NaN;
    st.bar = bar;
  }
  st.pending = src;
  if (length !== length) return NaN;
  const len = Math.floor(length);
  if (len + 1 > st.buf.length) sumGrow(st, len + 1);
  const hasCur = src === src ? 1 : 0;
  if (st.kept + hasCur < len) return NaN;
  let sum = hasCur ? src : 0;
  const mask = st.buf.length - 1;
  for (let k = 0; k < len - hasCur; k++) sum += st.buf[(st.head - 1 - k) & mask] ?? NaN;
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Rounding

/** math.round(number, precision): ties round up (Reference: "with ties rounding up"). */
export function roundTo(x: number, precision: number): number {
  if (x !== x || precision !== precision) return NaN;
  const p = Math.trunc(precision);
  if (p === 0) return Math.round(x);
  const m = 10 ** Math.abs(p);
  if (p > 0) {
    const scaled = x * m;
    // Beyond 2^52 a double has no fraction digits left to round.
    if (!Number.isFinite(scaled) || Math.abs(scaled) >= 4503599627370496) return x;
    return Math.round(scaled) / m;
  }
  return Math.round(x / m) * m;
}

// ---------------------------------------------------------------------------------------------
// Registration

type Unary = (x: number) => number;

function unary(rt: Runtime, a: number, d: number, fn: Unary): void {
  rt.f[d] = fn(rt.f[a] ?? NaN);
}

/** Reads the `count` variadic numbers starting at register `a`. */
function fold(rt: Runtime, a: number, count: number, init: number, step: (acc: number, v: number) => number): number {
  let acc = init;
  for (let k = 0; k < count; k++) acc = step(acc, rt.f[a + k] ?? NaN);
  return acc;
}

function max2(acc: number, v: number): number {
  return acc !== acc || v !== v ? NaN : v > acc ? v : acc;
}

function min2(acc: number, v: number): number {
  return acc !== acc || v !== v ? NaN : v < acc ? v : acc;
}

let registered = false;

/** Defines every math.* function and constant in the registry (once). */
export function registerMath(): void {
  if (registered) return;
  registered = true;
  const pure = { pure: true };

  defineFn('math.abs(number: series int): series int', (rt, a, d) => unary(rt, a, d, Math.abs), pure);
  defineFn('math.abs(number: series float): series float', (rt, a, d) => unary(rt, a, d, Math.abs), pure);

  const floats: Array<[string, string, Unary]> = [
    ['acos', 'angle', Math.acos],
    ['asin', 'angle', Math.asin],
    ['atan', 'angle', Math.atan],
    ['cos', 'angle', Math.cos],
    ['sin', 'angle', Math.sin],
    ['tan', 'angle', Math.tan],
    ['exp', 'number', Math.exp],
    ['log', 'number', Math.log],
    ['log10', 'number', Math.log10],
    ['sqrt', 'number', Math.sqrt],
    ['sign', 'number', Math.sign],
  ];
  for (const [name, param, fn] of floats) {
    defineFn(`math.${name}(${param}: series float): series float`, (rt, a, d) => unary(rt, a, d, fn), pure);
  }
  // The Reference lists only "series float" for these two.
  defineFn('math.todegrees(radians: series float): series float', (rt, a, d) =>
    unary(rt, a, d, (x) => (x * 180) / Math.PI),
  );
  defineFn('math.toradians(degrees: series float): series float', (rt, a, d) =>
    unary(rt, a, d, (x) => (x * Math.PI) / 180),
  );

  defineFn('math.ceil(number: series float): series int', (rt, a, d) => unary(rt, a, d, Math.ceil), pure);
  defineFn('math.floor(number: series float): series int', (rt, a, d) => unary(rt, a, d, Math.floor), pure);
  defineFn('math.round(number: series float): series int', (rt, a, d) => unary(rt, a, d, Math.round), pure);
  defineFn(
    'math.round(number: series float, precision: series int): series float',
    (rt, a, d) => {
      rt.f[d] = roundTo(rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN);
    },
    pure,
  );
  defineFn('math.pow(base: series float, exponent: series float): series float', (rt, a, d) => {
    rt.f[d] = Math.pow(rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN);
  }, pure);

  // round_to_mintick depends on syminfo, so it is not pure (never folded at compile time).
  for (const q of ['simple', 'series']) {
    defineFn(`math.round_to_mintick(number: ${q} float): ${q} float`, (rt, a, d) => {
      rt.f[d] = roundToMintick(rt.f[a] ?? NaN, rt.syminfo.mintick);
    });
  }

  for (const base of ['int', 'float']) {
    defineFn(
      `math.max(number0: series ${base}, number1: series ${base}, ...number: series ${base}): series ${base}`,
      (rt, a, d, s) => {
        rt.f[d] = fold(rt, a + 1, s - 1, rt.f[a] ?? NaN, max2);
      },
      pure,
    );
    defineFn(
      `math.min(number0: series ${base}, number1: series ${base}, ...number: series ${base}): series ${base}`,
      (rt, a, d, s) => {
        rt.f[d] = fold(rt, a + 1, s - 1, rt.f[a] ?? NaN, min2);
      },
      pure,
    );
  }
  // math.avg: "simple float" and "series float" only (no const overload in the Reference).
  for (const q of ['simple', 'series']) {
    defineFn(
      `math.avg(number0: ${q} float, number1: ${q} float, ...number: ${q} float): ${q} float`,
      (rt, a, d, s) => {
        rt.f[d] = fold(rt, a, s, 0, (acc, v) => acc + v) / s;
      },
    );
  }

  defineFn(
    'math.sum(source: series float, length: series int): series float',
    (rt, a, d, s) => {
      const length = rt.f[a + 1] ?? NaN;
      if (length < 1) {
        rt.fail('RT_ARGUMENT', `Invalid value of the 'length' argument (${length}) in the 'math.sum' function. It must be > 0.`);
      }
      const st = state(rt, s, newSumState);
      rt.f[d] = sumStep(st, rt.bar, rt.f[a] ?? NaN, length);
    },
    { stateful: true },
  );

  defineFn(
    'math.random(min: series float = 0, max: series float = 1, seed: series int = na): series float',
    (rt, a, d, s) => {
      const gen = randomGenerator(rt, s, rt.f[a + 2] ?? NaN);
      rt.f[d] = randomBetween(gen, rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN);
    },
    { stateful: true },
  );

  // Reference constants pages: math.e, math.pi, math.phi = 1.6180339887498948, math.rphi.
  defineVar('math.e: const float', { value: Math.E });
  defineVar('math.pi: const float', { value: Math.PI });
  defineVar('math.phi: const float', { value: 1.6180339887498948 });
  defineVar('math.rphi: const float', { value: 0.6180339887498948 });
}
