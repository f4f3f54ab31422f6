// The interpreter numbers its cases literally (fast dispatch); this keeps them in step with the
// opcode table, and checks the disassembler and the per-call-site state layout on small programs.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { OPS } from '../../vm/bytecode/opcodes.js';
import { compile, disassemble, Instance } from '../../vm/index.js';

describe('opcode table and interpreter', () => {
  test('every case of the interpreter is numbered as in the opcode table, and every op is handled', () => {
    const src = readFileSync(new URL('../../vm/runtime/machine.ts', import.meta.url), 'utf8');
    const cases = [...src.matchAll(/case (\d+):(?: \{)?\s*\/\/ ([A-Z_]+)/g)].map((m) => [Number(m[1]), m[2]] as const);
    expect(cases.length).toBe(OPS.length);
    for (const [n, name] of cases) expect(OPS[n]?.[0], `case ${n}`).toBe(name);
  });

  test('the disassembler prints functions, builtins and outputs by name', () => {
    const { program } = compile(`//@version=6
indicator("d")
f(x) => x * 2
plot(ta.sma(close, 14), "avg")
plot(f(close))`);
    if (!program) throw new Error('compile failed');
    const text = disassemble(program);
    expect(text).toMatch(/^main:/);
    expect(text).toContain('CALLB');
    expect(text).toContain('; ta.sma');
    expect(text).toContain('; plot "avg"');
    expect(text).toMatch(/CALL +1 .*; f\(float\)/);
    expect(text).toMatch(/\nf\(float\):/);
    expect(text).toMatch(/HALT/);
  });

  test('each call site of a stateful function has its own state', () => {
    // Two call sites of the same function count independently: after 5 bars both are 5, and the
    // third site (called every other bar) is 3 (bars 0, 2, 4).
    const { program } = compile(`//@version=6
indicator("sites")
count() =>
    var int n = 0
    n += 1
    n
a = count()
b = count()
c = bar_index % 2 == 0 ? count() : na
plot(a, "a")
plot(b, "b")
plot(c, "c")`);
    if (!program) throw new Error('compile failed');
    const inst = Instance.builder(program).build();
    for (let i = 0; i < 5; i++) inst.runBar({ time: i * 60000, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(Array.from(inst.outputs.column(0))).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(inst.outputs.column(1))).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(inst.outputs.column(2))).toEqual([1, NaN, 2, NaN, 3]);
  });

  const LOOPS = `//@version=6
indicator("loops")
s = 0.0
for i = 0 to 4
    s += nz(close[i]) * (i + 1)
d = 0
for j = 10 to 1 by 3
    d += j
n = 3
c = 0
for i = 0 to n
    n := 1
    c += 1
plot(s, "s")
plot(d, "d")
plot(c, "c")`;
  const bar = (k: number) => ({ time: k * 60000, open: k + 1, high: k + 1, low: k + 1, close: k + 1, volume: 1 });

  test('a for loop is one test and one step instruction per iteration, nz on numbers one instruction', () => {
    const { program } = compile(LOOPS);
    if (!program) throw new Error('compile failed');
    const text = disassemble(program);
    expect(text.match(/FOR_TEST/g)?.length).toBe(3);
    expect(text.match(/FOR_STEP/g)?.length).toBe(3);
    expect(text).toMatch(/NZ +r\d+ r\d+/);
    expect(text).not.toContain('; nz');
    const inst = Instance.builder(program).build();
    for (let k = 0; k < 5; k++) inst.runBar(bar(k));
    // close = 1..5; s = sum of close[i] * (i + 1) for i = 0..4, na history counting 0:
    // 1; 2 + 2; 3 + 4 + 3; 4 + 6 + 6 + 4; 5 + 8 + 9 + 8 + 5.
    expect(Array.from(inst.outputs.column(0))).toEqual([1, 4, 10, 20, 35]);
    // 10 to 1 by 3 counts down: 10 + 7 + 4 + 1.
    expect(Array.from(inst.outputs.column(1))).toEqual([22, 22, 22, 22, 22]);
    // v6 reads \`to\` again before each iteration: n becomes 1 in the first, so i = 0 and i = 1 run.
    expect(Array.from(inst.outputs.column(2))).toEqual([2, 2, 2, 2, 2]);
  });

  test('stopped after every single instruction, saved and restored each time: same results', () => {
    const { program } = compile(LOOPS);
    if (!program) throw new Error('compile failed');
    const straight = Instance.builder(program).build();
    for (let k = 0; k < 5; k++) straight.runBar(bar(k));
    let inst = Instance.builder(program).build();
    let yields = 0;
    for (let k = 0; k < 5; k++) {
      let r = inst.runBar(bar(k), { budget: 1 });
      while (r.status === 'yielded') {
        yields++;
        inst = Instance.restoreState(inst.saveState({ includeOutputs: true })).build();
        r = inst.resume({ budget: 1 });
      }
    }
    expect(yields).toBeGreaterThan(100);
    for (let o = 0; o < 3; o++) expect(Array.from(inst.outputs.column(o))).toEqual(Array.from(straight.outputs.column(o)));
  });

  describe('last_bar_time', () => {
    const SRC = `//@version=6
indicator("lbt")
plot(last_bar_time, "lbt")`;
    // Five one-minute bars from 2024-01-01T00:00Z (1704067200000): the last opens 4 minutes later.
    const t0 = 1704067200000;
    const cols = {
      length: 5,
      time: Float64Array.from({ length: 5 }, (_, i) => t0 + i * 60000),
      open: new Float64Array(5).fill(1),
      high: new Float64Array(5).fill(1),
      low: new Float64Array(5).fill(1),
      close: new Float64Array(5).fill(1),
      volume: new Float64Array(5).fill(1),
    };
    const last = t0 + 4 * 60000;
    const program = compile(SRC).program;
    if (!program) throw new Error('compile failed');

    test('runBars over columns that reach the last bar (totalBars): its time on every bar, in chunks too', () => {
      const whole = Instance.builder(program).timeframe('1').totalBars(5).build();
      whole.runBars(cols);
      expect(Array.from(whole.outputs.column(0))).toEqual([last, last, last, last, last]);
      const chunked = Instance.builder(program).timeframe('1').totalBars(5).build();
      chunked.runBars(cols, 0, 2);
      chunked.runBars(cols, 2, 5);
      expect(Array.from(chunked.outputs.column(0))).toEqual([last, last, last, last, last]);
    });

    test('given by the host; na when unknown', () => {
      const given = Instance.builder(program).timeframe('1').lastBarTime(123).build();
      given.runBars(cols);
      expect(Array.from(given.outputs.column(0))).toEqual([123, 123, 123, 123, 123]);
      const unknown = Instance.builder(program).timeframe('1').build();
      unknown.runBars(cols);
      expect(Array.from(unknown.outputs.column(0))).toEqual([NaN, NaN, NaN, NaN, NaN]);
      // More bars announced than the columns hold: the last bar's time is not among them.
      const beyond = Instance.builder(program).timeframe('1').totalBars(9).build();
      beyond.runBars(cols);
      expect(Array.from(beyond.outputs.column(0))).toEqual([NaN, NaN, NaN, NaN, NaN]);
    });
  });
});

