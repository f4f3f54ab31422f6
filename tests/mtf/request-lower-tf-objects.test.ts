// request.security_lower_tf() of strings, chart points and objects of user-defined types (TradingView:
// "an array of a type determined by expression, or a tuple of these"): one array per chart bar of
// the values on its intrabars, each object an independent copy as it was on its intrabar (a `var`
// object the expression keeps changing shows each intrabar's state, not the last). And
// ignore_invalid_timeframe = true: na instead of an error for a timeframe above the chart's.
// Hand-computed from helpers.ts sixHourIntrabars: one intrabar before the chart (close 1), then
// day 0: 10, 11, 12, 13; day 1: 20..23; day 2: 30, 31, 32. Both tiers; runBars, and bar by bar
// restored from a snapshot after each bar.

import { describe, expect, test } from 'vitest';
import { compile, Instance, runBarsAnswering, settle, type DataAnswer } from '../../vm/index.js';
import { flatCols, plotOf, program, restoredCopy, sixHourIntrabars, START, DAY } from './helpers.js';

const INTRA = flatCols(sixHourIntrabars());
const CHART = flatCols([0, 1, 2].map((d) => ({ time: START + d * DAY, close: 10 * (d + 1) + 3 })));
const SYM = { ticker: 'BTC', tickerid: 'X:BTC', session: '24x7', timezone: 'Etc/UTC' };
const answer: DataAnswer = (r) => (r.symbol === 'X:BTC' && r.lower ? { datasets: [{ bars: INTRA, timeframe: '360' }] } : { datasets: null, why: 'not in this test' });

const P = program(`//@version=6
indicator("ltf objects")
type Tick
    float c
    string tag
s = request.security_lower_tf(syminfo.tickerid, "360", str.tostring(close))
plot(array.size(s), "s_n")
plot(str.length(array.join(s, ",")), "s_len")
plot(str.tonumber(array.get(s, 0)), "s_first")
b = request.security_lower_tf(syminfo.tickerid, "360", Tick.new(close, close > 20 ? "hi" : "lo"))
plot(array.size(b), "b_n")
plot(array.get(b, 0).c, "b_first")
plot(array.last(b).tag == "hi" ? 1 : 0, "b_hi")
// A var object the expression changes on every intrabar: each array item is as it was then.
counter() =>
    var Tick t = Tick.new(0, "")
    t.c += 1
    t
k = request.security_lower_tf(syminfo.tickerid, "360", counter())
plot(array.first(k).c, "k_first")
plot(array.last(k).c, "k_last")
[ts, tc] = request.security_lower_tf(syminfo.tickerid, "360", [str.tostring(close), close])
plot(array.size(ts) == array.size(tc) and str.tonumber(array.last(ts)) == array.last(tc) ? 1 : 0, "t_eq")
pts = request.security_lower_tf(syminfo.tickerid, "360", chart.point.from_index(bar_index, close))
plot(array.last(pts).price, "p_last")
plot(array.last(pts).index, "p_index")
x = request.security_lower_tf(syminfo.tickerid, "1W", close, ignore_invalid_timeframe = true)
plot(na(x) ? 1 : 0, "ignored")
`);

// s: "10,11,12,13" (11 characters), "20,21,22,23" (11), "30,31,32" (8). Tags: the last intrabar's
// close 13 is not above 20 ("lo"), 23 and 32 are. The counter counts every intrabar, the one
// before the chart included: day 0's are 2..5, day 1's 6..9, day 2's 10..12. Chart points: the
// intrabar's bar_index (0 for the one before the chart): the last of day 0 is 4, day 1 8, day 2 11.
const WANT: Record<string, number[]> = {
  s_n: [4, 4, 3],
  s_len: [11, 11, 8],
  s_first: [10, 20, 30],
  b_n: [4, 4, 3],
  b_first: [10, 20, 30],
  b_hi: [0, 1, 1],
  k_first: [2, 6, 10],
  k_last: [5, 9, 12],
  t_eq: [1, 1, 1],
  p_last: [13, 23, 32],
  p_index: [4, 8, 11],
  ignored: [1, 1, 1],
};

const plots = (inst: Instance) => Object.fromEntries(Object.keys(WANT).map((t) => [t, plotOf(P, inst, t)]));

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('request.security_lower_tf of strings, objects and chart points (%s tier)', (_tier, interpreted) => {
  const build = () => {
    const b = Instance.builder(P).symbol(SYM).timeframe('1D');
    if (interpreted) b.interpreted();
    return b.build();
  };

  test('runBars', () => {
    const inst = build();
    runBarsAnswering(inst, CHART, answer);
    expect(plots(inst)).toEqual(WANT);
  });

  test('bar by bar, restored from a snapshot after every bar', () => {
    let inst = build();
    for (let d = 0; d < 3; d++) {
      const r = inst.runBar({ time: START + d * DAY, open: 1, high: 40, low: 1, close: 10 * (d + 1) + 3 });
      expect(settle(inst, r, answer).status).toBe('done');
      inst = restoredCopy(inst, interpreted);
    }
    expect(plots(inst)).toEqual(WANT);
  });
});

test('request.security_lower_tf of an array is an error at the expression; a timeframe above the chart\'s without ignore_invalid_timeframe stops naming it', () => {
  const bad = compile('//@version=6\nindicator("x")\na = request.security_lower_tf(syminfo.tickerid, "60", array.from(close))\nplot(array.size(a))\n');
  expect(bad.program).toBeNull();
  expect(bad.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')).toMatch(/^3:55 .*array<float>.*an array cannot hold arrays/m);
  const p = program('//@version=6\nindicator("x")\na = request.security_lower_tf(syminfo.tickerid, "1W", close)\nplot(array.size(a))\n');
  const inst = Instance.builder(p).symbol(SYM).timeframe('1D').build();
  expect(() => runBarsAnswering(inst, CHART, answer)).toThrow(/the requested timeframe "1W" is higher than the chart's "1D".*ignore_invalid_timeframe = true/);
});
