// Dynamic requests (Pine v6): one request.security() call site evaluated with several symbols or
// timeframes — in a loop, or with a symbol chosen per bar. Each (symbol, timeframe) pair is a
// context of its own (vm/runtime/request-keys.ts): its bars, its position in them, its `ta.*`
// state, series and `var` variables, as TradingView keeps one context per requested pair.
// Hand-computed from helpers.ts: the chart's days 0..9 (close 10 + day, a round-the-clock symbol,
// weeks from Monday day 0), OTHER (days 0, 1, 2, 4..9, close 100 + day) and THIRD (days 0..9,
// close 1000 + day). Both tiers; runBars, bar by bar restored from a snapshot after every bar,
// and realtime ticks.

import { describe, expect, test } from 'vitest';
import { Instance, runBarsAnswering, settle, type Bar, type DataAnswer } from '../../vm/index.js';
import { CHART, cols, dailyInstance, DAY, OTHER, plotOf, program, restoredCopy, START } from './helpers.js';

const THIRD = cols(Array.from({ length: 10 }, (_, i) => ({ time: START + i * DAY, close: 1000 + i })));
const SYM = { ticker: 'C', tickerid: 'X:C', session: '24x7', timezone: 'Etc/UTC' };
const answer: DataAnswer = (r) =>
  r.symbol === 'OTHER' ? { datasets: [{ bars: OTHER, timeframe: '1D' }] } : r.symbol === 'THIRD' ? { datasets: [{ bars: THIRD, timeframe: '1D' }] } : { datasets: null, why: 'not in this test' };

const P = program(`//@version=6
indicator("dynamic")
count() =>
    var int n = 0
    n += 1
    n
syms = array.from("OTHER", "THIRD")
float s = 0
float cum = 0
float bi = 0
float cnt = 0
for sym in syms
    s += request.security(sym, "1D", close)
    cum += request.security(sym, "1D", ta.cum(close))
    bi += request.security(sym, "1D", bar_index)
    cnt += request.security(sym, "1D", count())
plot(s, "s")
plot(cum, "cum")
plot(bi, "bi")
plot(cnt, "cnt")
float w = 0
for tf in array.from("1D", "1W")
    w += nz(request.security(syminfo.tickerid, tf, ta.cum(close)))
plot(w, "w")
pick = bar_index % 2 == 0 ? "OTHER" : "THIRD"
plot(request.security(pick, "1D", ta.cum(close)), "pick")
`);

// By hand. Closes held over OTHER's missing day 3. s: OTHER's close + THIRD's. cum: OTHER's running
// sum 100, 201, 303, 303, 407, 512, 618, 725, 833, 942 plus THIRD's 1000, 2001, 3003, 4006, 5010,
// 6015, 7021, 8028, 9036, 10045. bar_index: OTHER's 0, 1, 2, 2, 3, .., 8 plus THIRD's 0..9; the var
// counters count each symbol's bars (bar_index + 1 each). w: the chart's daily running sum (10,
// 21, 33, ...) plus its weekly one, 16 from day 6 (the week of days 0..6 closes with day 6, close
// 16; na before: nz 0). pick: OTHER's sums on even days, THIRD's on odd ones, each context going
// on from where it was.
const WANT: Record<string, number[]> = {
  s: [1100, 1102, 1104, 1105, 1108, 1110, 1112, 1114, 1116, 1118],
  cum: [1100, 2202, 3306, 4309, 5417, 6527, 7639, 8753, 9869, 10987],
  bi: [0, 2, 4, 5, 7, 9, 11, 13, 15, 17],
  cnt: [2, 4, 6, 7, 9, 11, 13, 15, 17, 19],
  w: [10, 21, 33, 46, 60, 75, 107, 124, 142, 161],
  pick: [100, 2001, 303, 4006, 407, 6015, 618, 8028, 833, 10045],
};
const plots = (inst: Instance) => Object.fromEntries(Object.keys(WANT).map((t) => [t, plotOf(P, inst, t)]));
const chartBar = (i: number): Bar => ({ time: START + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 });

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('a request call site with several symbols or timeframes: one context per pair (%s tier)', (_tier, interpreted) => {
  test('runBars: in loops over symbols and timeframes, and a symbol chosen per bar', () => {
    const inst = dailyInstance(P, SYM, interpreted);
    runBarsAnswering(inst, CHART, answer);
    expect(plots(inst)).toEqual(WANT);
  });

  test('bar by bar, restored from a snapshot after every bar', () => {
    let inst = dailyInstance(P, SYM, interpreted);
    for (let i = 0; i < 10; i++) {
      expect(settle(inst, inst.runBar(chartBar(i)), answer).status).toBe('done');
      inst = restoredCopy(inst, interpreted);
    }
    expect(plots(inst)).toEqual(WANT);
  });

  test('realtime: ticks rolled back between them, a snapshot between two ticks; confirmed bars as history', () => {
    let inst = dailyInstance(P, SYM, interpreted);
    runBarsAnswering(inst, CHART, answer, 0, 6);
    for (let i = 6; i < 10; i++) {
      expect(settle(inst, inst.updateBar({ ...chartBar(i), close: 10 + i - 0.5 }), answer).status).toBe('done');
      inst = restoredCopy(inst, interpreted);
      expect(settle(inst, inst.updateBar(chartBar(i)), answer).status).toBe('done');
      // The last tick shows what the confirmed bar will (the other symbols' daily bars are whole).
      expect(plotOf(P, inst, 'cum')[i], `tick ${i}`).toBe(WANT.cum?.[i]);
      expect(plotOf(P, inst, 'cnt')[i], `tick ${i}`).toBe(WANT.cnt?.[i]);
      expect(settle(inst, inst.runBar(chartBar(i)), answer).status).toBe('done');
    }
    expect(plots(inst)).toEqual({ ...WANT, w: [...(WANT.w as number[]).slice(0, 6), 107, 124, 142, 161] });
  });
});
