// request.security() of strings (and bools and colors, mixed in tuples): TradingView lets the
// requested expression be any of them (User Manual, "Other timeframes and data"). The values
// follow the same rules as numbers (lookahead, gaps, confirmed vs forming); na strings before the
// first value. Synthetic daily bars (24x7 UTC), expected values worked out by hand below; both
// tiers; snapshots between bars and while waiting for another symbol's data go on identically.

import { describe, expect, test } from 'vitest';
import { compile, Instance, runBarsAnswering, settle, type DataAnswer } from '../../vm/index.js';
import { CHART, dailyInstance, cols, DAY, OTHER, plotOf, program, START } from './helpers.js';

const na = NaN;

// Chart: 10 daily bars, days 0..9 (Mon 1 Jan .. Wed 10 Jan 2024), close 10 + day, high close + 1.
// OTHER: days 0, 1, 2, 4, .., 9 (day 3 missing), close 100 + day.
const SYM = { ticker: 'CHART', tickerid: 'CHART', session: '24x7', timezone: 'Etc/UTC' };

const SRC = `//@version=6
indicator("strings")
s = request.security(syminfo.tickerid, "1W", str.tostring(close))
plot(str.tonumber(s), "week")
plot(na(s) ? 1 : 0, "week_na")
sg = request.security(syminfo.tickerid, "1W", str.tostring(close), barmerge.gaps_on)
plot(str.tonumber(sg), "week_gaps")
son = request.security(syminfo.tickerid, "1W", str.tostring(close), lookahead = barmerge.lookahead_on)
plot(str.tonumber(son), "week_on")
[n, h] = request.security(syminfo.tickerid, "1W", [close, str.tostring(high) + "!"])
plot(n, "tuple_n")
plot(str.length(h), "tuple_len")
plot(str.tonumber(str.replace(h, "!", "")), "tuple_h")
b = request.security(syminfo.tickerid, "1W", close > 12)
plot(b ? 1 : 0, "bool")
c = request.security(syminfo.tickerid, "1W", close > 15 ? color.new(color.red, 0) : color.new(color.blue, 0))
plot(c == color.new(color.red, 0) ? 1 : c == color.new(color.blue, 0) ? 2 : 0, "color")
o = request.security("OTHER", "1D", str.tostring(close))
plot(str.tonumber(o), "other")
og = request.security("OTHER", "1D", str.tostring(close), barmerge.gaps_on)
plot(str.tonumber(og), "other_gaps")
t = request.security("OTHER", "1D", syminfo.ticker)
plot(t == "OTHER" ? 1 : 0, "other_ticker")
plot(syminfo.ticker == "CHART" ? 1 : 0, "chart_ticker")
`;

// By hand. The week of days 0..6 closes at day 7 00:00, on day 6's chart bar: lookahead_off shows
// its close 16 from day 6 on (gaps_on: only there), na before; lookahead_on shows the week's close
// on each of its days (16) and the next week's so far on days 7..9 (the data ends at day 9: 19).
// Its high: 17, so the tuple's string is "17!" (3 characters). The bool close > 12 of the week's
// close 16 is true from day 6 (v6: false before). The color: 16 > 15, red from day 6, na before.
// OTHER on day 3 repeats day 2's "102" (gaps_on: na); its ticker is OTHER, the chart's stays CHART.
const WANT: Record<string, number[]> = {
  week: [na, na, na, na, na, na, 16, 16, 16, 16],
  week_na: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
  week_gaps: [na, na, na, na, na, na, 16, na, na, na],
  week_on: [16, 16, 16, 16, 16, 16, 16, 19, 19, 19],
  tuple_n: [na, na, na, na, na, na, 16, 16, 16, 16],
  tuple_len: [na, na, na, na, na, na, 3, 3, 3, 3],
  tuple_h: [na, na, na, na, na, na, 17, 17, 17, 17],
  bool: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
  color: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
  other: [100, 101, 102, 102, 104, 105, 106, 107, 108, 109],
  other_gaps: [100, 101, 102, na, 104, 105, 106, 107, 108, 109],
  other_ticker: Array<number>(10).fill(1),
  chart_ticker: Array<number>(10).fill(1),
};

const answer: DataAnswer = (req) => (req.symbol === 'OTHER' ? { datasets: [{ bars: OTHER, timeframe: '1D' }] } : { datasets: null, why: 'not in this test' });

describe('request.security of strings, bools and colors (by hand)', () => {
  const P = program(SRC);
  for (const interpreted of [false, true]) {
    const tier = interpreted ? 'interpreter' : 'compiled';
    const build = () => dailyInstance(P, SYM, interpreted);

    test(`${tier}: runBars, every value as worked out by hand`, () => {
      const inst = build();
      runBarsAnswering(inst, CHART, answer);
      for (const [t, v] of Object.entries(WANT)) expect(plotOf(P, inst, t), `${tier} ${t}`).toEqual(v);
    });

    test(`${tier}: bar by bar with a snapshot while waiting for data and between bars`, () => {
      let inst = build();
      const r0 = inst.runBar({ time: START, open: 9.5, high: 11, low: 9, close: 10, volume: 10 });
      expect(r0.status).toBe('needs-data');
      const again = () => {
        const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
        if (interpreted) rb.interpreted();
        return rb.build();
      };
      inst = again();
      expect(settle(inst, inst.resume(), answer).status).toBe('done');
      for (let i = 1; i < 10; i++) {
        if (i % 2 === 0) inst = again();
        const bar = { time: START + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 };
        expect(settle(inst, inst.runBar(bar), answer).status).toBe('done');
      }
      for (const [t, v] of Object.entries(WANT)) {
        // Bar by bar there are no bars ahead: lookahead_on shows the week so far (the chart's close).
        const want = t === 'week_on' ? Array.from({ length: 10 }, (_, i) => 10 + i) : v;
        expect(plotOf(P, inst, t), `${tier} ${t}`).toEqual(want);
      }
    });

    test(`${tier}: a split run (snapshot at bar k) equals the whole run`, () => {
      const whole = build();
      runBarsAnswering(whole, CHART, answer);
      for (const k of [1, 4, 6, 7, 9]) {
        const first = build();
        runBarsAnswering(first, CHART, answer, 0, k);
        const rb = Instance.restoreState(first.saveState({ includeOutputs: true }));
        if (interpreted) rb.interpreted();
        const second = rb.build();
        runBarsAnswering(second, CHART, answer, k, 10);
        for (const o of P.outputs) expect(plotOf(P, second, o.title), `split at ${k}: ${o.title}`).toEqual(plotOf(P, whole, o.title));
      }
    });

    test(`${tier}: realtime ticks repaint the forming week's string`, () => {
      const inst = build();
      runBarsAnswering(inst, cols(Array.from({ length: 7 }, (_, i) => ({ time: START + i * DAY, close: 10 + i }))), answer);
      const t7 = START + 7 * DAY;
      settle(inst, inst.updateBar({ time: t7, open: 16.5, high: 31, low: 16, close: 30, volume: 5 }), answer);
      expect(plotOf(P, inst, 'week')[7]).toBe(30);
      expect(plotOf(P, inst, 'tuple_h')[7]).toBe(31);
      settle(inst, inst.updateBar({ time: t7, open: 16.5, high: 31, low: 16, close: 25, volume: 5 }), answer);
      expect(plotOf(P, inst, 'week')[7]).toBe(25);
      // Confirmed, the bar is history: the new week is not closed, so week 1's "16" shows.
      settle(inst, inst.runBar({ time: t7, open: 16.5, high: 31, low: 16, close: 25, volume: 5 }), answer);
      expect(plotOf(P, inst, 'week')[7]).toBe(16);
    });
  }
});
