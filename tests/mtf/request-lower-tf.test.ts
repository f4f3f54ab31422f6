// request.security_lower_tf(): the array of the expression's values on the chart bar's intrabars
// (a tuple expression: a tuple of arrays),
// from a lower-timeframe dataset the host gives for the symbol (here the chart's own ticker).
// Hand-computed: daily chart bars of a round-the-clock symbol, 6-hour intrabars (4 a day; day 2
// has only 3: its 18:00 bar is missing, and one intrabar before the first chart bar is not part of
// any chart bar's array but does advance the expression's history). Both tiers, bar by bar with a
// snapshot while waiting for the data, and runBars.

import { describe, expect, test } from 'vitest';
import { compile, Instance, runBarsAnswering, settle, type DataAnswer, type Program } from '../../vm/index.js';
import { flatCols, sixHourIntrabars } from './helpers.js';

const H = 3_600_000;
const DAY = 24 * H;
const START = Date.UTC(2024, 0, 1);

// Intrabars: helpers.ts, sixHourIntrabars (closes 10·(d + 1) + k, day 2 slot 3 missing).
const INTRA = flatCols(sixHourIntrabars());
const CHART = flatCols([0, 1, 2].map((d) => ({ time: START + d * DAY, close: 10 * (d + 1) + 3 })));

const P: Program = (() => {
  const { program, diagnostics } = compile(`//@version=6
indicator("ltf")
a = request.security_lower_tf(syminfo.tickerid, "360", close)
ch = request.security_lower_tf(syminfo.tickerid, "360", close - close[1])
plot(array.size(a), "n")
plot(array.sum(a), "sum")
plot(array.size(a) > 0 ? array.first(a) : na, "first")
plot(array.size(ch) > 0 ? array.first(ch) : na, "first_change")
plot(array.size(ch) > 0 ? array.last(ch) : na, "last_change")
[tc, th, tup] = request.security_lower_tf(syminfo.tickerid, "360", [close, high, close > close[1]])
plot(array.size(tc), "t_n")
plot(array.sum(tc), "t_csum")
plot(array.sum(th), "t_hsum")
plot(array.size(tup) == array.size(tc) and array.get(tup, 0) and not array.includes(tup, false) ? 1 : 0, "t_up")
`);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return program;
})();

// By hand: day 0: 10, 11, 12, 13 (sum 46); day 1: 20..23 (86); day 2: 30, 31, 32 (93).
// close - close[1] on the intrabars: the first of day 0 follows the 1.0 bar before the chart
// (10 - 1 = 9), then 1s; day 1 starts 20 - 13 = 7; day 2 starts 30 - 23 = 7.
const WANT: Record<string, number[]> = {
  n: [4, 4, 3],
  sum: [46, 86, 93],
  first: [10, 20, 30],
  first_change: [9, 7, 7],
  last_change: [1, 1, 1],
  // A tuple: one array per value, the same intrabars: closes as above, highs close + 1 (46 + 4,
  // 86 + 4, 93 + 3), and every intrabar closes above the one before (bool array, all true).
  t_n: [4, 4, 3],
  t_csum: [46, 86, 93],
  t_hsum: [50, 90, 96],
  t_up: [1, 1, 1],
};

const answer: DataAnswer = (r) => (r.symbol === 'X:BTC' && r.lower ? { datasets: [{ bars: INTRA, timeframe: '360' }] } : { datasets: null });
const SYM = { ticker: 'BTC', tickerid: 'X:BTC', session: '24x7', timezone: 'Etc/UTC' };

function plots(inst: Instance): Record<string, number[]> {
  return Object.fromEntries(Object.keys(WANT).map((t) => [t, Array.from(inst.outputs.column(P.outputs.findIndex((o) => o.title === t)))]));
}

describe('request.security_lower_tf', () => {
  for (const interpreted of [false, true]) {
    const build = () => {
      const b = Instance.builder(P).symbol(SYM).timeframe('1D');
      if (interpreted) b.interpreted();
      return b.build();
    };
    test(`${interpreted ? 'interpreter' : 'compiled'}: runBars`, () => {
      const inst = build();
      runBarsAnswering(inst, CHART, answer);
      expect(plots(inst)).toEqual(WANT);
    });
    test(`${interpreted ? 'interpreter' : 'compiled'}: bar by bar, restored while waiting for the intrabars`, () => {
      let inst = build();
      const r = inst.runBar({ time: START, open: 13, high: 14, low: 12, close: 13 });
      expect(r).toEqual({ status: 'needs-data', bar: 0, request: { symbol: 'X:BTC', timeframe: '360', lower: true } });
      const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
      if (interpreted) rb.interpreted();
      inst = rb.build();
      expect(settle(inst, inst.resume(), answer).status).toBe('done');
      for (const d of [1, 2]) expect(settle(inst, inst.runBar({ time: START + d * DAY, open: 1, high: 1, low: 1, close: 10 * (d + 1) + 3 }), answer).status).toBe('done');
      expect(plots(inst)).toEqual(WANT);
    });
  }
});

// A tuple expression gives a tuple of arrays, one per value, in intrabar order (TradingView's
// reference: "If the expression is a tuple, the function returns a tuple of arrays"). Same
// intrabars: high = close + 1; `close > 20` is true for 21, 22, 23 (day 1) and 30, 31, 32 (day 2).
const PT: Program = (() => {
  const { program, diagnostics } = compile(`//@version=6
indicator("ltf tuple")
ohlc() => [close, high, close > 20]
[c, h, up] = request.security_lower_tf(syminfo.tickerid, "360", ohlc())
plot(array.size(c), "n")
plot(array.sum(c), "sum_close")
plot(array.sum(h), "sum_high")
plot(array.size(h) > 0 ? array.last(h) : na, "last_high")
count = 0
for u in up
    if u
        count += 1
plot(count, "ups")
plot(array.size(up), "n_up")
`);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return program;
})();

const WANT_T: Record<string, number[]> = {
  n: [4, 4, 3],
  sum_close: [46, 86, 93],
  sum_high: [50, 90, 96],
  last_high: [14, 24, 33],
  ups: [0, 3, 3],
  n_up: [4, 4, 3],
};

describe('request.security_lower_tf with a tuple', () => {
  for (const interpreted of [false, true]) {
    test(`${interpreted ? 'interpreter' : 'compiled'}: one array per value`, () => {
      const b = Instance.builder(PT).symbol(SYM).timeframe('1D');
      if (interpreted) b.interpreted();
      const inst = b.build();
      runBarsAnswering(inst, CHART, answer);
      const got = Object.fromEntries(Object.keys(WANT_T).map((t) => [t, Array.from(inst.outputs.column(PT.outputs.findIndex((o) => o.title === t)))]));
      expect(got).toEqual(WANT_T);
    });
  }
});
