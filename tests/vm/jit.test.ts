// The compiled tier (vm/runtime/jit.ts) against the interpreter: scripts run compiled by default,
// and whatever a user can observe — plot values, runtime errors with their bar, line:column and call
// stack, stops after an instruction budget — is the same in both tiers. (The language suite runs
// every one of its files through both tiers as well.)

import { describe, expect, test } from 'vitest';
import { compile, Instance, PineRuntimeError, type Program } from '../../vm/index.js';
import { MAX_COMPILED_CODE } from '../../vm/runtime/jit.js';
import { syntheticBars } from '../../bench/synthetic.js';

function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return p;
}

function bars(n: number): { time: number; open: number; high: number; low: number; close: number; volume: number }[] {
  const out = [];
  for (let i = 0; i < n; i++) {
    const c = 100 + ((i * 7) % 11) - 5;
    out.push({ time: Date.UTC(2024, 0, 1) + i * 60_000, open: c - 1, high: c + 2, low: c - 2, close: c, volume: 10 + i });
  }
  return out;
}

describe('compiled tier', () => {
  test('scripts run compiled unless the host asks for the interpreter', () => {
    const p = program('//@version=6\nindicator("x")\nplot(ta.sma(close, 3))');
    expect(Instance.builder(p).build().machine.isCompiled).toBe(true);
    expect(Instance.builder(p).interpreted().build().machine.isCompiled).toBe(false);
  });

  test('values of a script with loops, user functions, var state and history (hand-checked)', () => {
    // acc(n) sums 1..n in a loop; cnt counts bars with a var; prev is close[1].
    const src = `//@version=6
indicator("h")
acc(n) =>
    s = 0
    for i = 1 to n
        s += i
    s
var cnt = 0
cnt += 1
plot(acc(cnt), "tri")
plot(nz(close[1], -1), "prev")
plot(cnt % 2 == 0 ? 1 : 0, "even")`;
    const p = program(src);
    for (const inst of [Instance.builder(p).build(), Instance.builder(p).interpreted().build()]) {
      for (const b of bars(6)) inst.runBar(b);
      expect(Array.from(inst.outputs.column(0))).toEqual([1, 3, 6, 10, 15, 21]);
      const closes = bars(6).map((b) => b.close);
      expect(Array.from(inst.outputs.column(1))).toEqual([-1, ...closes.slice(0, 5)]);
      expect(Array.from(inst.outputs.column(2))).toEqual([0, 1, 0, 1, 0, 1]);
    }
  });

  test('a runtime error inside a user function reports the same bar, line:column and stack in both tiers', () => {
    // ta.sma's length is 3 - bar_index: 0 on bar 3, an invalid length there.
    const src = `//@version=6
indicator("e")
avg(x) =>
    ta.sma(x, 3 - bar_index)
plot(avg(close))`;
    const p = program(src);
    const errors: PineRuntimeError[] = [];
    for (const b of [Instance.builder(p), Instance.builder(p).interpreted()]) {
      const inst = b.build();
      let caught: unknown = null;
      try {
        for (const bar of bars(5)) inst.runBar(bar);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(PineRuntimeError);
      errors.push(caught as PineRuntimeError);
    }
    const [compiled, interpreted] = errors;
    expect(compiled?.bar).toBe(3);
    expect(compiled?.line).toBe(4);
    expect(compiled?.column).toBe(5);
    expect(compiled?.frames.map((f) => [f.fn, f.line])).toEqual([
      ['avg(float)', 4],
      ['main', 5],
    ]);
    expect(compiled?.detail).toBe(interpreted?.detail);
    expect(compiled?.frames).toEqual(interpreted?.frames);
  });

  test('a bar stopped after every possible budget ends with the same values in both tiers', () => {
    const src = `//@version=6
indicator("b")
f(x) =>
    var float m = na
    m := na(m) ? x : math.max(m, x)
    m
s = 0.0
for i = 0 to 4
    s += close[i] * i
plot(f(high) - s, "v")
plot(ta.ema(close, 3), "e")`;
    const p = program(src);
    const data = bars(8);
    const straight = Instance.builder(p).interpreted().build();
    for (const b of data) straight.runBar(b);
    for (const budget of [1, 2, 3, 5, 7, 11, 50]) {
      const inst = Instance.builder(p).build();
      for (const b of data) {
        let r = inst.runBar(b, { budget });
        while (r.status === 'yielded') r = inst.resume({ budget });
      }
      expect(Array.from(inst.outputs.column(0)), `budget ${budget}`).toEqual(Array.from(straight.outputs.column(0)));
      expect(Array.from(inst.outputs.column(1)), `budget ${budget}`).toEqual(Array.from(straight.outputs.column(1)));
    }
  });

  test('runBars in any split gives the same values (first bars, chunks of the history loop)', () => {
    // The compiled history runs an instance's first 32 bars in a copy of its body and the rest in
    // chunks of 2,048 rows (jit.ts): splits across both boundaries, checked against the closes.
    const src = `//@version=6
indicator("c")
var cnt = 0
cnt += 1
var arr = array.new<float>()
arr.push(close)
if arr.size() > 5
    arr.shift()
s = 0.0
for i = 0 to arr.size() - 1
    s += arr.get(i)
plot(cnt, "cnt")
plot(s, "sum5")
plot(nz(close[2], -1), "prev2")`;
    const p = program(src);
    const n = 4500;
    const cols = syntheticBars(n, 3);
    const close = Array.from(cols.close);
    const sum5 = close.map((_, i) => close.slice(Math.max(0, i - 4), i + 1).reduce((x, y) => x + y, 0));
    for (const split of [[n], [31, 1, n - 32], [30, 3, 2047, 2, n - 2082], [1, 1, 1, 2100, n - 2103]]) {
      for (const b of [Instance.builder(p), Instance.builder(p).interpreted()]) {
        const inst = b.timeframe('1').totalBars(n).build();
        let from = 0;
        for (const k of split) {
          inst.runBars(cols, from, from + k);
          from += k;
        }
        const label = `${inst.machine.isCompiled ? 'compiled' : 'interpreted'} ${split.join('+')}`;
        expect(Array.from(inst.outputs.column(0)), label).toEqual(close.map((_, i) => i + 1));
        const got = Array.from(inst.outputs.column(1));
        const worst = Math.max(...got.map((x, i) => Math.abs(x - (sum5[i] ?? NaN))));
        expect(worst, label).toBeLessThan(1e-9);
        expect(Array.from(inst.outputs.column(2)), label).toEqual(close.map((_, i) => (i >= 2 ? close[i - 2] : -1)));
      }
    }
  });

  test('a program too large to compile well runs in the interpreter, with the same values', () => {
    const lines = ['//@version=6', 'indicator("big")', 'x = close'];
    for (let i = 0; i < MAX_COMPILED_CODE / 4; i++) lines.push(`x := x + ${i % 3}`);
    lines.push('plot(x)');
    const p = program(lines.join('\n'));
    expect(p.code.length).toBeGreaterThan(MAX_COMPILED_CODE);
    const inst = Instance.builder(p).build();
    expect(inst.machine.isCompiled).toBe(false);
    const data = bars(2);
    for (const b of data) inst.runBar(b);
    // The sum of i % 3 over i < n: each full group of three adds 0 + 1 + 2.
    const n = MAX_COMPILED_CODE / 4;
    let add = 0;
    for (let i = 0; i < n; i++) add += i % 3;
    expect(inst.outputs.column(0)[1]).toBeCloseTo((data[1]?.close ?? 0) + add, 6);
  });
});
