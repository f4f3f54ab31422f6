// TradingView's cap on unique request.*() calls (40; 64 on some of its plans): a script past it
// gets a compile error at the call that passes it when its calls are written out, and a runtime
// error at the call's line:column when a dynamic request (v6: a symbol or timeframe chosen when the
// script runs, as in a loop over tickers) opens one context too many. A call with the same
// function and arguments as another counts once, as on TradingView.

import { describe, expect, test } from 'vitest';
import { compile, PineRuntimeError, runBarsAnswering, type DataAnswer } from '../../vm/index.js';
import { CHART, cols, dailyInstance, DAY, START } from './helpers.js';

function errorsOf(src: string): string[] {
  return compile(src).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
}

/** A v6 indicator with `n` request calls, each on its own line (line 3 + k), differing by `k`. */
function calls(n: number, same = false): string {
  const lines = Array.from({ length: n }, (_, k) => `v${k} = request.security(syminfo.tickerid, "1W", close + ${same ? 1 : k})`);
  return `//@version=6\nindicator("many")\n${lines.join('\n')}\nplot(v0)\n`;
}

describe('the cap on unique requests', () => {
  test('40 distinct calls compile; the 41st is a compile error at its line:column, naming the limit', () => {
    expect(errorsOf(calls(40))).toEqual([]);
    const errs = errorsOf(calls(45));
    expect(errs).toHaveLength(1);
    // The 41st call is v40, on line 3 + 40 = 43; `request.security` starts at column 7.
    expect(errs[0]).toBe("43:7 E411 Too many requests: this 'request.security' call is unique request number 41. A script can make at most 40 unique request.*() calls (a call with the same function and arguments as another counts once; TradingView's limit, 64 on some of its plans).");
  });

  test('calls with the same function and arguments count once: 100 of them compile', () => {
    expect(errorsOf(calls(100, true))).toEqual([]);
  });

  // A loop over 50 tickers: the call site's first pair and 39 more are 40 contexts; the 41st
  // ticker (T40) stops the script at the call, on the first bar.
  const tickers = Array.from({ length: 50 }, (_, k) => `"T${k}"`).join(', ');
  const src = `//@version=6
indicator("loop")
float s = 0
for sym in array.from(${tickers})
    s += request.security(sym, "1D", close)
plot(s)
`;
  const bars = cols(Array.from({ length: 10 }, (_, i) => ({ time: START + i * DAY, close: 100 + i })));
  const answer: DataAnswer = () => ({ datasets: [{ bars, timeframe: '1D' }] });

  test.each([
    ['compiled', false],
    ['interpreted', true],
  ])('a dynamic request in a loop over 50 tickers stops at the 41st with a runtime error at the call (%s tier)', (_tier, interpreted) => {
    const { program } = compile(src);
    if (!program) throw new Error('did not compile');
    const inst = dailyInstance(program, { ticker: 'C', tickerid: 'X:C', session: '24x7', timezone: 'Etc/UTC' }, interpreted);
    let err: unknown = null;
    try {
      runBarsAnswering(inst, CHART, answer);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PineRuntimeError);
    const e = err as PineRuntimeError;
    expect([e.bar, e.line, e.column]).toEqual([0, 5, 10]);
    expect(e.message).toContain('Too many requests: symbol "T40", timeframe "1D" would be the 41st distinct symbol and timeframe requested. A script can make at most 40 unique request.*() calls');
  });

  test('40 tickers in the same loop run (the sum of 40 closes)', () => {
    const forty = src.replace(tickers, Array.from({ length: 40 }, (_, k) => `"T${k}"`).join(', '));
    const { program } = compile(forty);
    if (!program) throw new Error('did not compile');
    const inst = dailyInstance(program, { ticker: 'C', tickerid: 'X:C', session: '24x7', timezone: 'Etc/UTC' }, false);
    runBarsAnswering(inst, CHART, answer);
    const col = Array.from(inst.outputs.column(program.outputs[0]?.id ?? ''));
    // Every ticker's bars are the same: close 100 + day, 40 of them.
    expect(col).toEqual(Array.from({ length: 10 }, (_, i) => 40 * (100 + i)));
  });

  // A function holding a request, called with 50 symbols: 50 call sites of one pair each, which
  // the compiler sees as one call (the same text); the 41st distinct pair stops it when it runs.
  test('a function wrapping a request, called with 50 symbols, stops at the 41st pair; calls of one pair count once', () => {
    const calls = (syms: string[]) => `//@version=6\nindicator("f")\nf(string s) => request.security(s, "1D", close)\nfloat t = 0\n${syms.map((s) => `t += f("${s}")`).join('\n')}\nplot(t)\n`;
    const runOf = (text: string): string => {
      const { program, diagnostics } = compile(text);
      if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
      const inst = dailyInstance(program, { ticker: 'C', tickerid: 'X:C', session: '24x7', timezone: 'Etc/UTC' }, false);
      try {
        runBarsAnswering(inst, CHART, answer);
      } catch (e) {
        return e instanceof PineRuntimeError ? `${e.bar} ${e.line}:${e.column} ${e.message}` : String(e);
      }
      return `ok ${inst.outputs.column(program.outputs[0]?.id ?? '')[9]}`;
    };
    const r = runOf(calls(Array.from({ length: 50 }, (_, k) => `T${k}`)));
    expect(r).toMatch(/^0 3:16 Runtime error at bar 0, 3:16: Too many requests: symbol "T40", timeframe "1D" would be the 41st distinct symbol and timeframe requested\./);
    // 60 calls of one symbol: one pair; the sum of 60 closes of the last bar (100 + 9).
    expect(runOf(calls(Array.from({ length: 60 }, () => 'T7')))).toBe(`ok ${60 * 109}`);
  });
});
