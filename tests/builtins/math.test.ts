// math.*: every function and overload, by hand-calculated expectations. Sources: the v6 Reference
// Manual page of each function (quoted) or plain arithmetic.

import { describe, expect, it } from 'vitest';
import { lookupFn, lookupVar } from '../../vm/builtins/registry.js';
import {
  newSumState,
  randomBetween,
  rngNextU32,
  roundTo,
  seedRng,
  sumStep,
} from '../../vm/builtins/math.js';
import { call, constValue, makeRuntime, RuntimeFailure } from './harness.js';

const rt = makeRuntime();

describe('math: signatures', () => {
  it('declares the parameter names of the Reference so named arguments work', () => {
    const names = (n: string) => (lookupFn(n) ?? []).map((s) => s.params.map((p) => p.name).join(','));
    expect(names('math.abs')).toEqual(['number', 'number']);
    expect(names('math.acos')).toEqual(['angle']);
    expect(names('math.pow')).toEqual(['base,exponent']);
    expect(names('math.round')).toEqual(['number', 'number,precision']);
    expect(names('math.random')).toEqual(['min,max,seed']);
    expect(names('math.sum')).toEqual(['source,length']);
    expect(names('math.todegrees')).toEqual(['radians']);
    expect(names('math.toradians')).toEqual(['degrees']);
    expect(names('math.round_to_mintick')).toEqual(['number', 'number']);
    expect(names('math.max')[0]).toBe('number0,number1,number');
  });

  it('makes qualifier-polymorphic functions pure (const in, const out) and keeps the rest series', () => {
    for (const n of ['math.abs', 'math.max', 'math.min', 'math.pow', 'math.round', 'math.sqrt', 'math.log', 'math.ceil']) {
      expect((lookupFn(n) ?? []).every((s) => s.pure), n).toBe(true);
    }
    // Reference: math.random, math.sum, math.todegrees → "series float" only; stateful ones keep state.
    expect(lookupFn('math.random')?.[0]?.stateful).toBe(true);
    expect(lookupFn('math.sum')?.[0]?.stateful).toBe(true);
    expect(lookupFn('math.todegrees')?.[0]?.pure).toBe(false);
    // math.avg and math.round_to_mintick: "simple float" and "series float" overloads.
    expect((lookupFn('math.avg') ?? []).map((s) => s.results[0]?.qual)).toEqual([2, 3]);
    expect((lookupFn('math.round_to_mintick') ?? []).map((s) => s.results[0]?.qual)).toEqual([2, 3]);
  });

  it('returns int where the Reference says int', () => {
    const res = (n: string) => (lookupFn(n) ?? []).map((s) => s.results[0]?.base);
    expect(res('math.abs')).toEqual(['int', 'float']);
    expect(res('math.ceil')).toEqual(['int']);
    expect(res('math.floor')).toEqual(['int']);
    expect(res('math.round')).toEqual(['int', 'float']);
    expect(res('math.max')).toEqual(['int', 'float']);
    expect(res('math.sign')).toEqual(['float']);
  });
});

describe('math: elementary functions', () => {
  const f1 = (n: string, x: number) => call(rt, n, ['float'], [x]);

  it('abs: "number if number >= 0, or -number otherwise"', () => {
    expect(call(rt, 'math.abs', ['int'], [-7])).toBe(7);
    expect(f1('math.abs', -2.5)).toBe(2.5);
    expect(f1('math.abs', 3)).toBe(3);
    expect(f1('math.abs', NaN)).toBeNaN();
  });

  it('trigonometry in radians', () => {
    expect(f1('math.cos', 0)).toBe(1);
    expect(f1('math.sin', Math.PI / 2)).toBe(1);
    expect(f1('math.tan', 0)).toBe(0);
    expect(f1('math.atan', 1)).toBeCloseTo(Math.PI / 4, 15);
    expect(f1('math.asin', 1)).toBeCloseTo(Math.PI / 2, 15);
    expect(f1('math.acos', -1)).toBeCloseTo(Math.PI, 15);
    // Reference, math.acos: "or na if y is outside of range [-1, 1]".
    expect(f1('math.acos', 2)).toBeNaN();
    expect(f1('math.asin', -1.5)).toBeNaN();
  });

  it('exp, log, log10, sqrt, pow', () => {
    expect(f1('math.exp', 0)).toBe(1);
    expect(f1('math.log', Math.E)).toBe(1);
    expect(f1('math.log10', 1000)).toBe(3);
    expect(f1('math.sqrt', 16)).toBe(4);
    expect(f1('math.sqrt', -1)).toBeNaN();
    expect(call(rt, 'math.pow', ['float', 'float'], [2, 10])).toBe(1024);
    expect(call(rt, 'math.pow', ['float', 'float'], [9, 0.5])).toBe(3);
    expect(call(rt, 'math.pow', ['float', 'float'], [NaN, 2])).toBeNaN();
  });

  it('sign: "zero if number is zero, 1.0 if greater than zero, -1.0 if less"', () => {
    expect(f1('math.sign', 5.5)).toBe(1);
    expect(f1('math.sign', -0.1)).toBe(-1);
    expect(f1('math.sign', 0)).toBe(0);
    expect(f1('math.sign', NaN)).toBeNaN();
  });

  it('todegrees and toradians: pi radians = 180 degrees', () => {
    expect(f1('math.todegrees', Math.PI)).toBe(180);
    expect(f1('math.toradians', 180)).toBe(Math.PI);
    expect(f1('math.toradians', 90)).toBe(Math.PI / 2);
  });
});

describe('math: rounding', () => {
  const r = (x: number) => call(rt, 'math.round', ['float'], [x]);

  it('ceil and floor go to the next whole number up / down', () => {
    expect(call(rt, 'math.ceil', ['float'], [1.2])).toBe(2);
    expect(call(rt, 'math.ceil', ['float'], [-1.2])).toBe(-1);
    expect(call(rt, 'math.floor', ['float'], [1.8])).toBe(1);
    expect(call(rt, 'math.floor', ['float'], [-1.2])).toBe(-2);
    expect(call(rt, 'math.floor', ['float'], [NaN])).toBeNaN();
  });

  it('round: "rounded to the nearest integer, with ties rounding up"', () => {
    expect(r(2.4)).toBe(2);
    expect(r(2.5)).toBe(3);
    expect(r(3.5)).toBe(4);
    // Ties round up, i.e. toward +infinity: -2.5 → -2, -2.6 → -3.
    expect(r(-2.5)).toBe(-2);
    expect(r(-2.6)).toBe(-3);
    // "Note that for 'na' values function returns 'na'."
    expect(r(NaN)).toBeNaN();
  });

  it('round with precision: "a float value rounded to that amount of decimal places"', () => {
    const rp = (x: number, p: number) => call(rt, 'math.round', ['float', 'int'], [x, p]);
    expect(rp(3.14159, 2)).toBe(3.14);
    expect(rp(2.345, 1)).toBe(2.3);
    // 0.125 * 100 = 12.5 exactly: a tie, rounded up to 13 → 0.13.
    expect(rp(0.125, 2)).toBe(0.13);
    expect(rp(-0.125, 2)).toBe(-0.12);
    expect(rp(1234.5678, 0)).toBe(1235);
    // Negative precision rounds to tens, hundreds...: 1234 / 100 = 12.34 → 12 → 1200.
    expect(rp(1234, -2)).toBe(1200);
    expect(rp(NaN, 2)).toBeNaN();
    expect(roundTo(5, NaN)).toBeNaN();
  });

  it('round_to_mintick: "rounded to the symbol\'s mintick ... with ties rounding up"', () => {
    const m = makeRuntime({ mintick: 0.25 });
    const rm = (x: number) => call(m, 'math.round_to_mintick', ['float'], [x]);
    expect(rm(10.1)).toBe(10);
    // 10.125 / 0.25 = 40.5 → 41 ticks → 10.25.
    expect(rm(10.125)).toBe(10.25);
    expect(rm(10.4)).toBe(10.5);
    expect(rm(NaN)).toBeNaN();
    const c = makeRuntime({ mintick: 0.1 });
    // 0.30000000000000004 would come out of 3 * 0.1; dividing by 10 gives 0.3.
    expect(call(c, 'math.round_to_mintick', ['float'], [0.31])).toBe(0.3);
  });
});

describe('math: min, max, avg', () => {
  it('max and min take any number of arguments, int and float', () => {
    expect(call(rt, 'math.max', ['int', 'int'], [3, 9])).toBe(9);
    expect(call(rt, 'math.max', ['int', 'int', 'int', 'int'], [3, 9, -4, 12])).toBe(12);
    expect(call(rt, 'math.min', ['float', 'float', 'float'], [2.5, -1.5, 0])).toBe(-1.5);
    expect(call(rt, 'math.min', ['int', 'int'], [7, 7])).toBe(7);
  });

  it('an na argument makes the result na', () => {
    expect(call(rt, 'math.max', ['float', 'float'], [NaN, 1])).toBeNaN();
    expect(call(rt, 'math.min', ['float', 'float', 'float'], [1, 2, NaN])).toBeNaN();
  });

  it('avg: "average of all given series": (1 + 2 + 6) / 3 = 3', () => {
    expect(call(rt, 'math.avg', ['float', 'float', 'float'], [1, 2, 6])).toBe(3);
    expect(call(rt, 'math.avg', ['float', 'float'], [1, 2])).toBe(1.5);
    expect(call(rt, 'math.avg', ['float', 'float'], [1, NaN])).toBeNaN();
  });
});

describe('math.sum', () => {
  it('is the sliding sum of the last `length` values, na until there are enough', () => {
    const st = newSumState();
    const out = [1, 2, 3, 4, 5].map((v, bar) => sumStep(st, bar, v, 3));
    // 1, 1+2 → na; 1+2+3 = 6; 2+3+4 = 9; 3+4+5 = 12.
    expect(out).toEqual([NaN, NaN, 6, 9, 12]);
  });

  it('ignores na values and sums the last `length` non-na values (Reference, Remarks)', () => {
    const st = newSumState();
    const src = [1, NaN, 2, NaN, 3, 4];
    const out = src.map((v, bar) => sumStep(st, bar, v, 2));
    // bar 0: one value → na; bar 1: still one → na; bar 2: 1 + 2 = 3; bar 3: na skipped → 3;
    // bar 4: 2 + 3 = 5; bar 5: 3 + 4 = 7.
    expect(out).toEqual([NaN, NaN, 3, 3, 5, 7]);
  });

  it('follows a series length that grows and shrinks', () => {
    const st = newSumState();
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const lens = [1, 1, 1, 1, 1, 1, 1, 1, 10, 2];
    const out = v.map((x, bar) => sumStep(st, bar, x, lens[bar] ?? 1));
    // bar 8 with length 10: only 9 values exist → na; bar 9 length 2: 9 + 10 = 19.
    expect(out.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(out[8]).toBeNaN();
    expect(out[9]).toBe(19);
  });

  it('keeps the window in order when its buffer wraps and then grows', () => {
    const st = newSumState();
    const at = (bar: number, len: number) => sumStep(st, bar, bar + 1, len);
    for (let bar = 0; bar < 20; bar++) at(bar, 3);
    // Bar 20, length 15: values of bars 6..20 are 7..21, sum (7 + 21) · 15 / 2 = 210.
    expect(at(20, 15)).toBe(210);
    // Length 20 needs a bigger buffer; only the 16 most recent committed values survive the
    // growth (bars 5..20), so bars 21..23 lack history and bar 24 has bars 5..24: (6 + 25) · 10.
    expect(at(21, 20)).toBeNaN();
    expect(at(22, 20)).toBeNaN();
    expect(at(23, 20)).toBeNaN();
    expect(at(24, 20)).toBe(310);
  });

  it('a second call on the same bar replaces the first (per-execution rule)', () => {
    const st = newSumState();
    sumStep(st, 0, 1, 2);
    sumStep(st, 1, 100, 2);
    // Same bar again: 100 is replaced by 2, so the sum is 1 + 2, not 1 + 100 + 2.
    expect(sumStep(st, 1, 2, 2)).toBe(3);
    // Next bar commits 2: 2 + 5 = 7.
    expect(sumStep(st, 2, 5, 2)).toBe(7);
  });

  it('runs through the registry with its state slot and rejects length < 1', () => {
    const r = makeRuntime();
    const outs: unknown[] = [];
    for (let bar = 0; bar < 4; bar++) {
      r.bar = bar;
      outs.push(call(r, 'math.sum', ['float', 'int'], [bar + 1, 2], { slot: 3 }));
    }
    expect(outs).toEqual([NaN, 3, 5, 7]);
    expect(() => call(r, 'math.sum', ['float', 'int'], [1, 0], { slot: 4 })).toThrow(RuntimeFailure);
  });
});

describe('math.random', () => {
  it('stays strictly inside (min, max) (Reference: "The value is not included in the range")', () => {
    const s = new Uint32Array(4);
    seedRng(s, 1);
    for (let k = 0; k < 2000; k++) {
      const v = randomBetween(s, 5, 6);
      expect(v).toBeGreaterThan(5);
      expect(v).toBeLessThan(6);
    }
  });

  it('defaults to the range (0, 1) and draws unseeded values from rt.rng', () => {
    const r = makeRuntime();
    const before = Array.from(r.rng);
    const v = call(r, 'math.random', ['float', 'float', 'int'], [0, 1, NaN], { slot: 0 }) as number;
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThan(1);
    // The generator lives in rt.rng (so snapshots carry it) and advanced.
    expect(Array.from(r.rng)).not.toEqual(before);
    expect(r.cs[0]).toBeUndefined();
  });

  it('unseeded draws continue one stream: two runtimes with the same rt.rng agree', () => {
    const a = makeRuntime();
    const b = makeRuntime();
    seedRng(a.rng, 42);
    seedRng(b.rng, 42);
    const draw = (r: ReturnType<typeof makeRuntime>) => call(r, 'math.random', ['float', 'float', 'int'], [0, 100, NaN], { slot: 0 });
    const xs = [draw(a), draw(a), draw(a)];
    const ys = [draw(b), draw(b), draw(b)];
    expect(xs).toEqual(ys);
    expect(new Set(xs).size).toBe(3);
  });

  it('"Using the same value for the optional seed argument will produce a repeatable sequence"', () => {
    const run = () => {
      const r = makeRuntime();
      const out: unknown[] = [];
      for (let bar = 0; bar < 5; bar++) {
        r.bar = bar;
        out.push(call(r, 'math.random', ['float', 'float', 'int'], [0, 10, 7], { slot: 2 }));
      }
      return out;
    };
    const first = run();
    expect(run()).toEqual(first);
    // Successive calls give a sequence, not one repeated value.
    expect(new Set(first).size).toBe(5);
  });

  it('keeps one sequence per call site: two call sites with the same seed do not disturb each other', () => {
    const r = makeRuntime();
    const site = (slot: number) => call(r, 'math.random', ['float', 'float', 'int'], [0, 1, 99], { slot });
    const a1 = site(0);
    const b1 = site(1);
    const a2 = site(0);
    const b2 = site(1);
    expect(b1).toBe(a1);
    expect(b2).toBe(a2);
    expect(a2).not.toBe(a1);
    // The seeded sites never touch rt.rng.
    expect(Array.from(r.rng)).toEqual([0, 0, 0, 0]);
  });

  it('restarts the sequence when the seed changes, and different seeds differ', () => {
    const r = makeRuntime();
    const at = (seed: number) => call(r, 'math.random', ['float', 'float', 'int'], [0, 1, seed], { slot: 0 });
    const x = at(1);
    const y = at(2);
    expect(y).not.toBe(x);
    expect(at(1)).toBe(x);
  });

  it('is xoshiro128**: a known state gives the reference outputs', () => {
    // State (1, 2, 3, 4): result = rotl(2 * 5, 7) * 9 = 1280 * 9 = 11520; then the state advances
    // to s2 = 3^1 = 2, s3 = 4^2 = 6, s1 = 2^2 = 0, s0 = 1^6 = 7, s2 ^= 2<<9 → 1026, s3 = rotl(6, 11) = 12288;
    // next result = rotl(0 * 5, 7) * 9 = 0.
    const s = new Uint32Array([1, 2, 3, 4]);
    expect(rngNextU32(s)).toBe(11520);
    expect(Array.from(s)).toEqual([7, 0, 1026, 12288]);
    expect(rngNextU32(s)).toBe(0);
  });

  it('gives na for an na bound', () => {
    const s = new Uint32Array(4);
    seedRng(s, 3);
    expect(randomBetween(s, NaN, 1)).toBeNaN();
  });
});

describe('math constants', () => {
  it('have the Reference values', () => {
    expect(constValue('math.pi')).toBe(3.141592653589793);
    expect(constValue('math.e')).toBe(2.718281828459045);
    // Reference: "It is equal to 1.6180339887498948" / "equal to 0.6180339887498948".
    expect(constValue('math.phi')).toBe(1.6180339887498948);
    expect(constValue('math.rphi')).toBe(0.6180339887498948);
    expect(lookupVar('math.pi')?.type.qual).toBe(0);
  });
});
