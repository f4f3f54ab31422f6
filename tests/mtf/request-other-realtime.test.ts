// request.security of ANOTHER symbol: what its context knows of that symbol, and its forming bar
// on realtime chart bars. Expected values are worked out by hand in the comments.
// - syminfo.* inside the request is the other symbol's (its dataset's symbol information:
//   --symbol-for in the CLI, the imported file in the app), outside it the chart's.
// - On a realtime chart bar (live or replayed) a higher-timeframe bar of the other symbol that has
//   not closed shows as formed so far, from the other symbol's bars that opened before the chart
//   bar's close, and repaints; a confirmed chart bar shows the last closed one (lookahead_off), as
//   on TradingView (User Manual, "Other timeframes and data": historical vs realtime behaviour).
// Both tiers; snapshots between ticks and at every budget stop (inside the expression) restore to
// the same values.

import { describe, expect, test } from 'vitest';
import { compile, Instance, runBarsAnswering, settle, type Bar, type DataAnswer, type Program, type RunResult } from '../../vm/index.js';
import { CHART, DAY, OTHER, plotOf, program, START } from './helpers.js';

const na = NaN;

// Chart: daily bars, close 10 + day. OTHER: daily bars on days 0, 1, 2, 4, 5, 6, 7, 8, 9 (no day
// 3), close 100 + day, high close + 1, volume 10; mintick 0.25 (its dataset says so).
const chartBar = (i: number): Bar => ({ time: START + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 });
const answer: DataAnswer = (req) =>
  req.symbol === 'OTHER' ? { datasets: [{ bars: OTHER, timeframe: '1D', symbol: { mintick: 0.25, ticker: 'OTHER', tickerid: 'X:OTHER' } }] } : { datasets: null, why: 'not in this test' };
const SYM = { ticker: 'SPX', tickerid: 'SPX', session: '24x7', timezone: 'Etc/UTC', mintick: 0.01 };

const build = (p: Program, interpreted: boolean): Instance => {
  const b = Instance.builder(p).symbol(SYM).timeframe('1D');
  if (interpreted) b.interpreted();
  return b.build();
};
const restore = (inst: Instance, interpreted: boolean): Instance => {
  const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
  if (interpreted) rb.interpreted();
  return rb.build();
};

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('syminfo inside another symbol\'s request (%s tier)', (_tier, interpreted) => {
  const P = program(`//@version=6
indicator("syminfo")
plot(request.security("OTHER", "1D", syminfo.mintick), "m_other")
plot(syminfo.mintick, "m_chart")
plot(request.security("OTHER", "1D", str.length(syminfo.ticker)), "len_other")
plot(str.length(syminfo.ticker), "len_chart")
plot(request.security("OTHER", "1D", math.round_to_mintick(close / 3)), "r_other")
plot(math.round_to_mintick(close / 3), "r_chart")
`);
  // By hand: OTHER's mintick 0.25 and ticker "OTHER" (5 letters) inside; the chart's 0.01 and
  // "SPX" (3) outside. round_to_mintick(100 / 3 = 33.33) = 33.25, (101 / 3 = 33.67) = 33.75,
  // (102 / 3) = 34; day 3 has no OTHER bar: day 2's 34 again; 104 / 3 = 34.67 -> 34.75, ...
  // The chart's 10 / 3 = 3.33, 11 / 3 = 3.67, ...: to the cent.
  const want: Record<string, number[]> = {
    m_other: Array<number>(10).fill(0.25),
    m_chart: Array<number>(10).fill(0.01),
    len_other: Array<number>(10).fill(5),
    len_chart: Array<number>(10).fill(3),
    r_other: [33.25, 33.75, 34, 34, 34.75, 35, 35.25, 35.75, 36, 36.25],
    r_chart: [3.33, 3.67, 4, 4.33, 4.67, 5, 5.33, 5.67, 6, 6.33],
  };

  test('runBars: the other symbol\'s mintick and ticker inside, the chart\'s outside', () => {
    const inst = build(P, interpreted);
    runBarsAnswering(inst, CHART, answer);
    for (const [t, v] of Object.entries(want)) expect(plotOf(P, inst, t), t).toEqual(v);
  });

  test('saved and restored at every budget stop (inside the expression too): the same values', () => {
    for (const budget of [1, 3, 7]) {
      let inst = build(P, interpreted);
      for (let i = 0; i < 10; i++) {
        let r: RunResult = inst.runBar(chartBar(i), { budget });
        for (let guard = 0; guard < 10_000; guard++) {
          if (r.status === 'needs-data') {
            // (Host data is not state: answered after the restore.)
            const req = inst.dataRequest;
            if (!req) throw new Error('no request');
            const a = answer(req);
            inst.provideData(req.symbol, a.datasets, a.why);
          } else if (r.status === 'yielded') inst = restore(inst, interpreted);
          else break;
          r = inst.resume({ budget });
        }
        expect(r.status).toBe('done');
      }
      for (const [t, v] of Object.entries(want)) expect(plotOf(P, inst, t), `budget ${budget} ${t}`).toEqual(v);
    }
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('another symbol\'s forming bar on realtime chart bars (%s tier)', (_tier, interpreted) => {
  const P = program(`//@version=6
indicator("forming")
plot(request.security("OTHER", "1W", close), "wc")
plot(request.security("OTHER", "1W", high), "wh")
plot(request.security("OTHER", "1W", volume), "wv")
plot(request.security("OTHER", "1W", bar_index), "wbi")
`);

  /** Days 0..2 as history, then days 3..6 each as a tick and its confirmation; `reload` saves and
   * restores after each tick. Returns what each tick showed, and the instance. */
  function replay(reload: boolean): { ticks: Record<string, number[]>; inst: Instance } {
    let inst = build(P, interpreted);
    runBarsAnswering(inst, CHART, answer, 0, 3);
    const ticks: Record<string, number[]> = { wc: [], wh: [], wv: [], wbi: [] };
    for (let i = 3; i < 7; i++) {
      expect(settle(inst, inst.updateBar(chartBar(i)), answer).status).toBe('done');
      if (reload) inst = restore(inst, interpreted);
      for (const t of Object.keys(ticks)) ticks[t]?.push(plotOf(P, inst, t)[i] as number);
      expect(settle(inst, inst.runBar(chartBar(i)), answer).status).toBe('done');
      if (reload) inst = restore(inst, interpreted);
    }
    return { ticks, inst };
  }

  // By hand. The week of days 0..6 closes at day 7 00:00 (the close of day 6's chart bar).
  // - Tick of day 3: OTHER's bars that opened before day 4 00:00 are days 0, 1, 2 (none on day 3):
  //   close 102, high max(101, 102, 103) = 103, volume 30; its week bar is bar 0.
  // - Tick of day 4: days 0, 1, 2, 4: close 104, high 105, volume 40. Day 5: 105, 106, 50.
  // - Tick of day 6: the whole week (its chart bar closes it): 106, 107, 60.
  // Confirmed bars 3..5 show the last CLOSED week: none yet (na); bar 6 closes the week: 106.
  const ticks = { wc: [102, 104, 105, 106], wh: [103, 105, 106, 107], wv: [30, 40, 50, 60], wbi: [0, 0, 0, 0] };
  const confirmed = { wc: [na, na, na, na, na, na, 106], wh: [na, na, na, na, na, na, 107], wv: [na, na, na, na, na, na, 60], wbi: [na, na, na, na, na, na, 0] };

  test('ticks show the forming week as formed so far; confirmed bars the last closed week', () => {
    const { ticks: got, inst } = replay(false);
    expect(got).toEqual(ticks);
    for (const [t, v] of Object.entries(confirmed)) expect(plotOf(P, inst, t).slice(0, 7), t).toEqual(v);
  });

  test('saved and restored after every tick and confirmation: the same values', () => {
    const { ticks: got, inst } = replay(true);
    expect(got).toEqual(ticks);
    for (const [t, v] of Object.entries(confirmed)) expect(plotOf(P, inst, t).slice(0, 7), t).toEqual(v);
  });

  test('the same bars as history show no forming week (history is unchanged)', () => {
    const inst = build(P, interpreted);
    runBarsAnswering(inst, CHART, answer, 0, 7);
    for (const [t, v] of Object.entries(confirmed)) expect(plotOf(P, inst, t), t).toEqual(v);
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('request.security(calc_bars_count) of another symbol (%s tier)', (_tier, interpreted) => {
  const P = program(`//@version=6
indicator("calc bars")
plot(request.security("OTHER", "1D", bar_index, calc_bars_count = 4), "bi4")
plot(request.security("OTHER", "1D", ta.cum(close), calc_bars_count = 4), "cum4")
plot(request.security("OTHER", "1D", ta.cum(close)), "cum")
plot(request.security("OTHER", "1D", close, calc_bars_count = 100), "all")
`);
  // By hand: OTHER has 9 bars (days 0, 1, 2, 4, 5, 6, 7, 8, 9); its last 4 are days 6..9, which
  // are the context's whole history: bar_index 0..3 there, na before (chart days 0..5);
  // cum of closes 106, 106 + 107 = 213, 321, 430. Without the limit: 100, 201, 303, 303 (day 3:
  // no bar), 407, 512, 618, 725, 833, 942. A limit above the bar count changes nothing.
  const want: Record<string, number[]> = {
    bi4: [na, na, na, na, na, na, 0, 1, 2, 3],
    cum4: [na, na, na, na, na, na, 106, 213, 321, 430],
    cum: [100, 201, 303, 303, 407, 512, 618, 725, 833, 942],
    all: [100, 101, 102, 102, 104, 105, 106, 107, 108, 109],
  };

  test('the context runs on the last N bars only, as if they were the whole history', () => {
    const inst = build(P, interpreted);
    runBarsAnswering(inst, CHART, answer);
    for (const [t, v] of Object.entries(want)) expect(plotOf(P, inst, t), t).toEqual(v);
  });

  test('restored between bars: the same values', () => {
    let inst = build(P, interpreted);
    for (let i = 0; i < 10; i++) {
      if (i % 3 === 2) inst = restore(inst, interpreted);
      expect(settle(inst, inst.runBar(chartBar(i)), answer).status).toBe('done');
    }
    for (const [t, v] of Object.entries(want)) expect(plotOf(P, inst, t), t).toEqual(v);
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])("request.security(calc_bars_count) of the chart's own symbol (%s tier)", (_tier, interpreted) => {
  const P = program(`//@version=6
indicator("own calc bars")
plot(request.security(syminfo.tickerid, "1D", bar_index, calc_bars_count = 4), "bi4")
plot(request.security(syminfo.tickerid, "1D", ta.cum(close), calc_bars_count = 4), "cum4")
plot(request.security(syminfo.tickerid, "1W", bar_index, lookahead = barmerge.lookahead_on, calc_bars_count = 1), "w1")
plot(request.security(syminfo.tickerid, "1W", ta.cum(close), lookahead = barmerge.lookahead_on, calc_bars_count = 1), "wcum1")
plot(request.security(syminfo.tickerid, "1W", bar_index, calc_bars_count = 2), "w2")
plot(request.security(syminfo.tickerid, "1D", close, calc_bars_count = 100), "all")
`);
  // By hand: the chart's days 0..9 (from Monday), close 10 + day. The last 4 daily bars are days
  // 6..9, the context's whole history: bar_index 0..3 there, cum of closes 16, 33, 51, 70; na
  // before. Weeks: days 0..6 and 7..9 (forming). calc_bars_count = 1: only the second week, from
  // day 7: bar_index 0 and (lookahead_on: the whole week so far ahead) its close 19, cum 19.
  // calc_bars_count = 2: both weeks, as without the limit: the first week closes on day 6 with
  // bar_index 0 (lookahead_off), the second has not closed. A limit above the count changes nothing.
  const want: Record<string, number[]> = {
    bi4: [na, na, na, na, na, na, 0, 1, 2, 3],
    cum4: [na, na, na, na, na, na, 16, 33, 51, 70],
    w1: [na, na, na, na, na, na, na, 0, 0, 0],
    wcum1: [na, na, na, na, na, na, na, 19, 19, 19],
    w2: [na, na, na, na, na, na, 0, 0, 0, 0],
    all: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
  };

  test('the context runs on the chart\'s last N requested bars only, as if they were the whole history', () => {
    const inst = build(P, interpreted);
    runBarsAnswering(inst, CHART, answer);
    for (const [t, v] of Object.entries(want)) expect(plotOf(P, inst, t), t).toEqual(v);
  });

  test('runBars split at every bar and restored there: the same values', () => {
    for (let k = 1; k < 10; k++) {
      let inst = build(P, interpreted);
      runBarsAnswering(inst, CHART, answer, 0, k);
      inst = restore(inst, interpreted);
      runBarsAnswering(inst, CHART, answer, k);
      for (const [t, v] of Object.entries(want)) expect(plotOf(P, inst, t), `split at ${k}: ${t}`).toEqual(v);
    }
  });

  test('with totalBars the count ends at the chart\'s last bar, not at the end of the columns', () => {
    // The chart is days 0..7 (totalBars 8) though the columns hold 10: the last 4 days are 4..7.
    const b = Instance.builder(P).symbol(SYM).timeframe('1D').totalBars(8);
    if (interpreted) b.interpreted();
    const inst = b.build();
    runBarsAnswering(inst, CHART, answer, 0, 8);
    expect(plotOf(P, inst, 'bi4')).toEqual([na, na, na, na, 0, 1, 2, 3]);
  });
});

test('a non-constant calc_bars_count is an error at the argument', () => {
  const bad = compile('//@version=6\nindicator("x")\nn = input.int(5)\nplot(request.security("OTHER", "1W", close, calc_bars_count = bar_index))\n');
  expect(bad.program).toBeNull();
  expect(bad.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')).toMatch(/^4:.*'calc_bars_count'=`bar_index`: expected a constant whole number/m);
});
