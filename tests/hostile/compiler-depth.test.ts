// Long flat chains and deep nesting never reach the JS stack limit in any compiler pass (parser,
// prescan, lowering, AST printing) or in the runtime: a script either compiles or gets one
// diagnostic at line:column naming the limit, never "internal error: Maximum call stack size
// exceeded".

import { describe, expect, test } from 'vitest';
import { compile, Instance, type Diagnostic } from '../../vm/index.js';
import { parse } from '../../vm/compiler/parser/index.js';
import { printAst } from '../../vm/compiler/ast-print.js';
import { DiagnosticSink } from '../../vm/compiler/diagnostics.js';

const HEAD = '//@version=6\nindicator("deep")\n';

function errorsOf(src: string): Diagnostic[] {
  const r = compile(src);
  expect(r.program).toBeNull();
  return r.diagnostics.filter((d) => d.severity === 'error');
}

/** A chain of n user functions: f0(x) => x + 1, f<i>(x) => f<i-1>(x) + 1, on lines 3 .. n + 2. */
function functionChain(n: number): string {
  const lines = ['f0(x) => x + 1'];
  for (let i = 1; i < n; i++) lines.push(`f${i}(x) => f${i - 1}(x) + 1`);
  return `${HEAD}${lines.join('\n')}\nplot(f${n - 1}(close))\n`;
}

describe('long flat chains', () => {
  test('1+1+… with 2,000 operands: E215 at the operator that passes 500 levels', () => {
    const src = `${HEAD}x = ${Array(2000).fill('1').join('+')}\nplot(x)\n`;
    const errs = errorsOf(src);
    expect(errs).toHaveLength(1);
    // The k-th '+' makes a tree k + 1 levels tall: the 500th passes 500. "x = " takes columns 1-4,
    // operand i sits at column 5 + 2(i - 1) and the '+' after it at 6 + 2(i - 1): 6 + 998 = 1004.
    expect(errs[0]).toMatchObject({ code: 'E215', line: 3, column: 1004 });
    expect(errs[0]?.message).toContain('Expression nested too deeply (more than 500 levels)');
  });

  test('a chain of 499 operands compiles, and its value is the count', () => {
    const src = `${HEAD}x = ${Array(499).fill('1').join('+')}\nplot(x)\n`;
    const r = compile(src);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const inst = Instance.builder(r.program ?? fail()).build();
    inst.runBar({ time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(inst.outputs.column(0)[0]).toBe(499);
  });

  test('1,500 chained [1]: E215 at the 500th history operator', () => {
    const src = `${HEAD}x = close${'[1]'.repeat(1500)}\nplot(x)\n`;
    const errs = errorsOf(src);
    expect(errs).toHaveLength(1);
    // "x = close" ends at column 9; the i-th '[' is at column 10 + 3(i - 1): the 500th at 1507.
    expect(errs[0]).toMatchObject({ code: 'E215', line: 3, column: 1507 });
  });

  test('long and/or chains, string concatenations and method chains end in E215 too', () => {
    const cases = [
      `x = ${Array(3000).fill('close > 1').join(' and ')}\nplot(x ? 1 : 0)`,
      `x = ${Array(3000).fill('"a"').join(' + ')}\nplot(close)`,
      `a = array.new<float>()\nb = a${'.copy()'.repeat(2000)}\nplot(close)`,
      `x = ${'-'.repeat(5000)}1\nplot(x)`,
      `x = ${'('.repeat(5000)}1${')'.repeat(5000)}\nplot(x)`,
    ];
    for (const body of cases) {
      const errs = errorsOf(`${HEAD}${body}\n`);
      expect(errs.map((d) => d.code)).toEqual(['E215']);
    }
  });

  test('a chain inside call arguments counts towards the height of the chain around the call', () => {
    // math.abs(<450 operands>) is 451 levels tall; the 50th '+ 1' after it makes 501.
    const src = `${HEAD}x = math.abs(${Array(450).fill('1').join('+')})${' + 1'.repeat(100)}\nplot(x)\n`;
    expect(errorsOf(src).map((d) => d.code)).toEqual(['E215']);
    const ok = `${HEAD}x = math.abs(${Array(450).fill('1').join('+')})${' + 1'.repeat(40)}\nplot(x)\n`;
    expect(compile(ok).program).not.toBeNull();
  });

  test('the AST printer and the parser handle the tallest accepted expression', () => {
    const src = `${HEAD}x = ${Array(499).fill('close').join(' * ')}\nplot(x)\n`;
    const sink = new DiagnosticSink(src);
    const text = printAst(parse(src, sink));
    expect(sink.list).toEqual([]);
    // 498 operators print as 498 opening "(*".
    expect(text.split('(*').length - 1).toBe(498);
  });
});

describe('chains of user functions', () => {
  test('500 functions calling each other: E409 at the call 100 levels down', () => {
    const errs = errorsOf(functionChain(500));
    expect(errs).toHaveLength(1);
    // main calls f499 (level 1); f<j>'s body is compiled at level 500 - j, so the call that would
    // start level 101 is the one inside f400, on line 400 + 3, at column 12 (after "f400(x) => ").
    expect(errs[0]).toMatchObject({ code: 'E409', line: 403, column: 12 });
    expect(errs[0]?.message).toContain("more than 100 levels, from 'f499' down to 'f399'");
  });

  test('10,000 chained functions: one E409, no stack overflow in the recursion check', () => {
    const errs = errorsOf(functionChain(10_000));
    expect(errs.map((d) => d.code)).toEqual(['E409']);
  });

  test('a chain of 100 functions compiles and runs (the runtime keeps its own call stack)', () => {
    const r = compile(functionChain(100));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    for (const builder of [Instance.builder(r.program ?? fail()), Instance.builder(r.program ?? fail()).interpreted()]) {
      const inst = builder.build();
      inst.runBar({ time: 0, open: 5, high: 5, low: 5, close: 5, volume: 1 });
      // Each of the 100 functions adds 1 to close: 5 + 100.
      expect(inst.outputs.column(0)[0]).toBe(105);
    }
  });

  test('deep expressions inside a deep chain of functions: a diagnostic, not an internal error', () => {
    // 99 functions, each calling the next at the bottom of a 450-level expression (the leftmost
    // operand of a left-associative chain is its deepest leaf): far more nesting than a JS stack
    // holds, though each limit alone is respected.
    const lines: string[] = ['g0(x) => x'];
    for (let i = 1; i < 99; i++) lines.push(`g${i}(x) => g${i - 1}(x)${' + x'.repeat(450)}`);
    const src = `${HEAD}${lines.join('\n')}\nplot(g98(close))\n`;
    const r = compile(src);
    expect(r.program).toBeNull();
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((d) => d.code)).toEqual(['E409']);
    expect(errs[0]?.line).toBeGreaterThan(2);
  });
});

function fail(): never {
  throw new Error('no program');
}
