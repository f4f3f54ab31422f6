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
});
