// Big scripts: TradingView's limit of 64 plot counts per script is enforced with its message at the
// call that passes it, and compilation stays near-linear in the script's size (a long script of
// plain statements compiles; its time is measured in the report, never asserted here).

import { describe, expect, test } from 'vitest';
import { compile, type Diagnostic } from '../../vm/index.js';

const HEAD = '//@version=6\nindicator("size")\n';
// A color that changes from bar to bar: a series color, one more plot count wherever it is used.
const DYN = 'dyn = close > open ? color.green : color.red\n';

function errors(src: string): Diagnostic[] {
  return compile(src).diagnostics.filter((d) => d.severity === 'error');
}

function repeat(line: string, n: number): string {
  return `${line}\n`.repeat(n);
}

describe('plot count limit (TradingView: at most 64 plot counts per script)', () => {
  test('64 plot(close) calls compile', () => {
    expect(errors(HEAD + repeat('plot(close)', 64))).toEqual([]);
  });

  test('a 65th plot fails with the count, at its line:column', () => {
    const errs = errors(HEAD + repeat('plot(close)', 64) + 'x = 1\ny = 2\nplot(x + y)\n');
    // Lines 3-66 hold the 64 plots, 67-68 two declarations, the 65th plot is on line 69.
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatchObject({ code: 'E410', line: 69, column: 1 });
    expect(errs[0]?.message).toContain('The script creates too many plots (65). The limit is 64');
  });

  test('the message gives the whole script count, the location the call that passed 64', () => {
    const errs = errors(HEAD + repeat('plot(close)', 70));
    // 70 plots: the 65th (line 2 + 65 = 67) passes the limit; the script's count is 70.
    expect(errs.map((d) => [d.code, d.line])).toEqual([['E410', 67]]);
    expect(errs[0]?.message).toContain('(70)');
  });

  test('calls count their series and their non-constant colors', () => {
    // plotcandle: 4 values + color, wickcolor and bordercolor that change per bar = 7 each.
    // 9 × 7 = 63, and plot(close, color = color.red) adds 1: 64 in all.
    const candles = repeat('plotcandle(open, high, low, close, color = dyn, wickcolor = dyn, bordercolor = dyn)', 9);
    const at64 = HEAD + DYN + candles + 'plot(close, color = color.red)\n';
    expect(errors(at64)).toEqual([]);
    // hline() counts nothing, fill() with a constant color nothing: still 64.
    const withFree = `${HEAD}${DYN}h1 = hline(1)\nh2 = hline(2)\nfill(h1, h2, color = color.blue)\n${candles}plot(close, color = color.red)\n`;
    expect(errors(withFree)).toEqual([]);
    // A plot whose color comes from an input counts 2 (its series and its color): 63 + 2 = 65.
    const inputColor = `${HEAD}${DYN}${candles}plot(close, color = input.color(color.red))\n`;
    expect(errors(inputColor).map((d) => [d.code, d.line, d.message.includes('(65)')])).toEqual([['E410', 13, true]]);
  });

  test('bgcolor(), barcolor() and alertcondition() count one each; a series fill() color one', () => {
    const base = HEAD + DYN + repeat('plot(close)', 61);
    // 61 + bgcolor + barcolor + alertcondition = 64.
    const at64 = `${base}bgcolor(dyn)\nbarcolor(dyn)\nalertcondition(close > open, "up")\n`;
    expect(errors(at64)).toEqual([]);
    // One more plot after those 64, on line 2 + 1 + 61 + 3 + 1 = 68.
    const over = `${at64}p1 = plot(open)\n`;
    expect(errors(over).map((d) => [d.code, d.line])).toEqual([['E410', 68]]);
    // fill() of two plots with a series color counts 1.
    const fillOver = `${HEAD}${DYN}${repeat('plot(close)', 59)}p1 = plot(open)\np2 = plot(close)\nbgcolor(dyn)\nbarcolor(dyn)\nfill(p1, p2, color = dyn)\n`;
    // 59 + 2 + 1 + 1 = 63 before the fill; the fill makes 64: compiles.
    expect(errors(fillOver)).toEqual([]);
    const fillOver2 = fillOver.replace('bgcolor(dyn)\n', 'bgcolor(dyn)\nalertcondition(close > open, "up")\n');
    // One more count before the fill: the fill (line 2 + 1 + 59 + 2 + 3 + 1 = 68) makes 65.
    expect(errors(fillOver2).map((d) => [d.code, d.line])).toEqual([['E410', 68]]);
  });
});

describe('long scripts', () => {
  test('20,000 lines of plain assignments compile', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`x${i} = close * ${i % 7} + ${i}`);
    const r = compile(`${HEAD}${lines.join('\n')}\nplot(x19999)\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.program?.outputs).toHaveLength(1);
  });

  test('2,000 functions calling each other in a chain: one E409', () => {
    const lines = ['g0(x) => x + 1'];
    for (let i = 1; i < 2000; i++) lines.push(`g${i}(x) => g${i - 1}(x) * 0 + ${i}`);
    // main calls g1999, whose body calls g1998 ... a chain 2,000 deep, past the limit of 100. Each
    // function sees the globals declared before it without a copy of them (no quadratic cost).
    const r = compile(`${HEAD}${lines.join('\n')}\nplot(g1999(close))\n`);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['E409']);
  });
});
