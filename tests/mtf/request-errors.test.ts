// What a user sees when a request has no data here: a compile error naming the function (or the
// symbol) and why, at the call's line:column; a lower timeframe fails at run time naming both
// timeframes. Also: requests inside user functions and conditionals run in their own context.

import { describe, expect, test } from 'vitest';
import { compile, Instance, PineRuntimeError } from '../../vm/index.js';

function errorsOf(body: string): string[] {
  const { diagnostics } = compile(`//@version=6\nindicator("x")\n${body}\nplot(close)\n`);
  return diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
}

describe('requests without a data source', () => {
  test('another symbol fails when the script runs, naming it; the chart\'s own ticker, "" and input.symbol("") work', () => {
    const src = `//@version=6
indicator("s")
other = input.symbol("")
plot(request.security("X:BTCUSD", "1D", close), "lit")
plot(request.security("BTCUSD", "1D", close), "ticker")
plot(request.security(other, "1D", close), "input")
plot(request.security("", "1D", close), "empty")
`;
    const { program } = compile(src);
    if (!program) throw new Error('did not compile');
    const bar = { time: Date.UTC(2024, 0, 1), open: 1, high: 2, low: 0, close: 1.5, volume: 1 };
    const own = Instance.builder(program).symbol({ ticker: 'BTCUSD', tickerid: 'X:BTCUSD' }).timeframe('1D').build();
    own.runBar(bar);
    for (const o of program.outputs) expect(Array.from(own.outputs.column(o.id)), o.title).toEqual([1.5]);
    // On another chart, "X:BTCUSD" is another symbol: the bar stops and asks the host for it; a host
    // without it answers "unavailable", and the run fails naming the symbol at the call's line.
    const elsewhere = Instance.builder(program).symbol({ ticker: 'ETHUSD', tickerid: 'X:ETHUSD' }).timeframe('1D').build();
    const r = elsewhere.runBar(bar);
    expect(r).toEqual({ status: 'needs-data', bar: 0, request: { symbol: 'X:BTCUSD', timeframe: '1D', lower: false } });
    elsewhere.provideData('X:BTCUSD', null, 'no --data-for X:BTCUSD=file.csv');
    let err: unknown = null;
    try {
      elsewhere.resume();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PineRuntimeError);
    expect((err as PineRuntimeError).message).toContain('no data for symbol "X:BTCUSD" (no --data-for X:BTCUSD=file.csv)');
    expect((err as PineRuntimeError).line).toBe(4);
  });

  test("intrabars of the chart's own ticker without a lower-timeframe dataset: empty arrays and a warning naming the symbol (currency rates: request-currency-rate.test.ts)", () => {
    expect(errorsOf('a = request.security_lower_tf(syminfo.tickerid, "1", close)\nb = request.currency_rate("USD", "EUR")')).toEqual([]);
    const { program } = compile('//@version=6\nindicator("x")\na = request.security_lower_tf(syminfo.tickerid, "60", close)\nplot(array.size(a))\n');
    if (!program) throw new Error('did not compile');
    const inst = Instance.builder(program).symbol({ ticker: 'BTCUSD', tickerid: 'X:BTCUSD' }).timeframe('1D').build();
    const r = inst.runBar({ time: Date.UTC(2024, 0, 1), open: 1, high: 2, low: 0, close: 1.5, volume: 1 });
    expect(r).toEqual({ status: 'needs-data', bar: 0, request: { symbol: 'X:BTCUSD', timeframe: '60', lower: true } });
    inst.provideData('X:BTCUSD', null);
    expect(inst.resume().status).toBe('done');
    expect(inst.outputs.column(0)[0]).toBe(0);
    expect(inst.logs.map((e) => `${e.level} ${e.bar} ${e.message}`)).toEqual([
      'warning 0 No bars of X:BTCUSD at "60" or lower were given, so request.security_lower_tf(): its arrays are empty on every bar. Give them if the script uses these values (CLI: --data-for X:BTCUSD=file.csv; app: import them as a dataset with ticker X:BTCUSD).',
    ]);
    // Another symbol's intrabars without data stay an error naming it.
    const other = compile('//@version=6\nindicator("x")\na = request.security_lower_tf("X:ETHUSD", "60", close)\nplot(array.size(a))\n').program;
    if (!other) throw new Error('did not compile');
    const o = Instance.builder(other).symbol({ ticker: 'BTCUSD', tickerid: 'X:BTCUSD' }).timeframe('1D').build();
    expect(o.runBar({ time: Date.UTC(2024, 0, 1), open: 1, high: 2, low: 0, close: 1.5, volume: 1 }).status).toBe('needs-data');
    o.provideData('X:ETHUSD', null);
    expect(() => o.resume()).toThrow(/request.security_lower_tf\(\): no data for symbol "X:ETHUSD"/);
  });

  test('financial, economic, corporate-event, Quandl and Seeds requests say there is no data source for them, at the call', () => {
    const calls = [
      'request.financial(syminfo.tickerid, "EBITDA", "FQ")',
      'request.economic("US", "GDP")',
      'request.dividends(syminfo.tickerid)',
      'request.earnings(syminfo.tickerid)',
      'request.splits(syminfo.tickerid, splits.denominator)',
      'request.quandl("CFTC/SB_FO_ALL", barmerge.gaps_off, 0)',
      'request.seed("seed_crypto_santiment", "BTC_SENTIMENT_POSITIVE_TOTAL", close)',
    ];
    for (const call of calls) {
      const errs = errorsOf(`a = ${call}`);
      expect(errs.length, call).toBeGreaterThan(0);
      expect(errs[0], call).toMatch(new RegExp(`^3:5 E504 No data source for '${call.slice(0, call.indexOf('(')).replace('.', '\\.')}': .* only on TradingView's servers`));
    }
  });

  test('an array of drawings and a bad timeframe are reported at their argument', () => {
    expect(errorsOf('a = request.security(syminfo.tickerid, "1D", array.new<line>())')[0]).toMatch(/^3:46 E504 The expression `array.new<line>\(\)` of 'request.security' is array<line>, which holds line drawings/);
    expect(errorsOf('a = request.security(syminfo.tickerid, "bogus", close)')[0]).toMatch(/^3:40 E331 .*"bogus": not a timeframe/);
  });

  test('a timeframe lower than the chart without an intrabar dataset: na, and a warning in the log naming both and the flag', () => {
    const { program } = compile('//@version=6\nindicator("x")\nplot(request.security(syminfo.tickerid, "60", close))\nplot(close)\n');
    if (!program) throw new Error('did not compile');
    const inst = Instance.builder(program).symbol({ ticker: 'AAA', tickerid: 'X:AAA' }).timeframe('1D').build();
    // The instance asks its host for the chart ticker's intrabars ...
    const r = inst.runBar({ time: Date.UTC(2024, 0, 1), open: 1, high: 2, low: 0, close: 1, volume: 1 });
    expect(r).toEqual({ status: 'needs-data', bar: 0, request: { symbol: 'X:AAA', timeframe: '60', lower: false } });
    // ... which has none: the script runs on, the request na.
    inst.provideData('X:AAA', null, 'not given');
    expect(inst.resume().status).toBe('done');
    expect(inst.runBar({ time: Date.UTC(2024, 0, 2), open: 1, high: 2, low: 0, close: 3, volume: 1 }).status).toBe('done');
    expect(Array.from(inst.outputs.column(0))).toEqual([NaN, NaN]);
    expect(Array.from(inst.outputs.column(1))).toEqual([1, 3]);
    expect(inst.logs).toHaveLength(1);
    expect(inst.logs[0]?.message).toContain('No bars of X:AAA at "60" or lower were given, so request.security(): its value is na (at "60", below the chart\'s timeframe, the expression runs on intrabars) on every bar');
    expect(inst.logs[0]?.message).toContain('(CLI: --data-for X:AAA=file.csv');
  });
});

describe('requests inside functions and conditionals', () => {
  test('each call site of a function holding a request has its own context', () => {
    // Daily bars of a 24x7 symbol from Monday 2024-01-01, close = 1 + i: weekly closes 7, 14.
    const src = `//@version=6
indicator("f")
wk(src) => request.security(syminfo.tickerid, "1W", src)
plot(wk(close), "c")
plot(wk(close * 10), "c10")
plot(bar_index % 2 == 0 ? request.security(syminfo.tickerid, "1W", close) : -1, "cond")
`;
    const { program } = compile(src);
    if (!program) throw new Error('did not compile');
    const inst = Instance.builder(program).symbol({ session: '24x7' }).timeframe('1D').build();
    for (let i = 0; i < 14; i++) {
      const c = 1 + i;
      inst.runBar({ time: Date.UTC(2024, 0, 1) + i * 86_400_000, open: c, high: c, low: c, close: c, volume: 1 });
    }
    const col = (t: string): number[] => Array.from(inst.outputs.column(program.outputs.findIndex((o) => o.title === t)));
    const na = NaN;
    // Week 0 (bars 0..6) closes on bar 6 with close 7; week 1 on bar 13 with 14.
    expect(col('c')).toEqual([na, na, na, na, na, na, 7, 7, 7, 7, 7, 7, 7, 14]);
    expect(col('c10')).toEqual([na, na, na, na, na, na, 70, 70, 70, 70, 70, 70, 70, 140]);
    // Run on even bars only, the request sees bars 0, 2, 4, 6 of week 0 (closes on bar 6 with 7)
    // and 8, 10, 12 of week 1, whose last seen bar 12 is not its close: its value (13) arrives on
    // the first bar of the next week, which is past the data.
    expect(col('cond')).toEqual([na, -1, na, -1, na, -1, 7, -1, 7, -1, 7, -1, 7, -1]);
  });

  test('a user function returning a tuple, an input timeframe and the chart\'s own timeframe ("")', () => {
    const src = `//@version=6
indicator("t")
tf = input.timeframe("1W")
hl() => [high, low - 1]
[wh, wl] = request.security(syminfo.tickerid, tf, hl())
plot(wh, "wh")
plot(wl, "wl")
plot(request.security(syminfo.tickerid, "", close * 2), "own")
`;
    const { program, diagnostics } = compile(src);
    if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
    const inst = Instance.builder(program).symbol({ session: '24x7' }).timeframe('1D').build();
    for (let i = 0; i < 14; i++) {
      const c = 1 + i;
      inst.runBar({ time: Date.UTC(2024, 0, 1) + i * 86_400_000, open: c, high: c, low: c, close: c, volume: 1 });
    }
    const col = (t: string): number[] => Array.from(inst.outputs.column(program.outputs.findIndex((o) => o.title === t)));
    const na = NaN;
    // Week 0: high max(1..7) = 7, low min(1..7) - 1 = 0; week 1: 14 and 8 - 1 = 7.
    expect(col('wh')).toEqual([na, na, na, na, na, na, 7, 7, 7, 7, 7, 7, 7, 14]);
    expect(col('wl')).toEqual([na, na, na, na, na, na, 0, 0, 0, 0, 0, 0, 0, 7]);
    expect(col('own')).toEqual(Array.from({ length: 14 }, (_, i) => 2 * (1 + i)));
  });

  test('an input.source named in the request reads the requested timeframe\'s price, and stays one input', () => {
    const src = `//@version=6
indicator("i")
s = input.source(close, "Source")
plot(request.security(syminfo.tickerid, "1W", ta.sma(s, 2)), "w")
`;
    const { program, diagnostics } = compile(src);
    if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
    expect(program.inputs.length).toBe(1);
    expect(diagnostics.filter((d) => d.severity === 'warning')).toEqual([]);
    const inst = Instance.builder(program).symbol({ session: '24x7' }).timeframe('1D').build();
    for (let i = 0; i < 14; i++) {
      const c = 1 + i;
      inst.runBar({ time: Date.UTC(2024, 0, 1) + i * 86_400_000, open: c, high: c, low: c, close: c, volume: 1 });
    }
    const na = NaN;
    // Weekly closes 7 and 14: SMA(2) = 10.5, confirmed on bar 13.
    expect(Array.from(inst.outputs.column(0))).toEqual([...Array<number>(13).fill(na), 10.5]);
  });
});
