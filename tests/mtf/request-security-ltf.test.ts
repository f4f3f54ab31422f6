// request.security() of the chart's own symbol at a timeframe BELOW the chart's (TradingView's User
// Manual, "Other timeframes and data", lower timeframes): the expression runs on every intrabar (its
// history, ta state and bar_index advance per intrabar), and the chart sees ONE intrabar's value per
// chart bar: on historical bars the last intrabar of the chart bar with lookahead_off, the first with
// lookahead_on; on realtime bars the last available intrabar whatever the lookahead. The intrabars
// come from a dataset of the chart's ticker the host gives (as for request.security_lower_tf); none
// is a clear error naming the ticker and the flag. Expected values worked out by hand; both tiers;
// bar by bar with a snapshot while waiting for the intrabars, runBars split and restored at every
// bar, and realtime ticks restored between.

import { describe, expect, test } from 'vitest';
import { Instance, runBarsAnswering, settle, type Bar, type BarColumns, type DataAnswer } from '../../vm/index.js';
import { flatCols, program, restoredCopy, sixHourIntrabars } from './helpers.js';

const na = NaN;
const H = 3_600_000;
const DAY = 24 * H;
const START = Date.UTC(2024, 0, 1);

// 6-hour intrabars (helpers.ts, sixHourIntrabars): bar_index 0 at START - 6h, then days 0..2 without
// day 2 slot 3. Day 3 has no intrabar in INTRA; INTRA_RT adds day 3 slots 0 and 1 (closes 40, 41)
// for the realtime test.
const rows = sixHourIntrabars();
const INTRA = flatCols(rows);
const INTRA_RT = flatCols([...rows, { time: START + 3 * DAY, close: 40 }, { time: START + 3 * DAY + 6 * H, close: 41 }]);
const chartBar = (d: number): Bar => ({ time: START + d * DAY, open: 1, high: 100, low: 0, close: 10 * (d + 1) + 3 });
const CHART = flatCols([0, 1, 2, 3].map((d) => ({ time: START + d * DAY, close: 10 * (d + 1) + 3 })));
const SYM = { ticker: 'BTC', tickerid: 'X:BTC', session: '24x7', timezone: 'Etc/UTC' };
const answerWith =
  (bars: BarColumns): DataAnswer =>
  (r) =>
    r.symbol === 'X:BTC' && r.timeframe === '360' && !r.lower ? { datasets: [{ bars, timeframe: '360' }] } : { datasets: null, why: `give it with --data-for ${r.symbol}=file.csv` };
const answer = answerWith(INTRA);

const P = program(`//@version=6
indicator("ltf security")
plot(request.security(syminfo.tickerid, "360", close), "last")
plot(request.security(syminfo.tickerid, "360", close, lookahead = barmerge.lookahead_on), "first")
plot(request.security(syminfo.tickerid, "360", ta.sma(close, 2)), "sma_last")
plot(request.security(syminfo.tickerid, "360", ta.sma(close, 2), lookahead = barmerge.lookahead_on), "sma_first")
plot(request.security(syminfo.tickerid, "360", bar_index), "bi")
plot(request.security(syminfo.tickerid, "360", (time - ${START}) / 3600000), "hour")
plot(request.security(syminfo.tickerid, "360", close, barmerge.gaps_on), "gaps")
plot(request.security(syminfo.tickerid, "360", close, barmerge.gaps_on, barmerge.lookahead_on), "gaps_first")
plot(request.security(syminfo.tickerid, "1D", close), "same_tf")
`);

// By hand, chart days 0..3 (day 3 has no intrabar):
// - last intrabar: 13, 23, 32 (day 2's slot 3 is missing), day 3 keeps 32; first: 10, 20, 30, 30.
// - sma(2) over intrabars: last (12 + 13) / 2 = 12.5, 22.5, 31.5, 31.5; first (1 + 10) / 2 = 5.5
//   (the intrabar before the chart counts as history), (13 + 20) / 2 = 16.5, (23 + 30) / 2 = 26.5.
// - bar_index of the last intrabar: 4, 8, 11, 11; its open time: hour 18, 42, 60, 60.
// - gaps_on: a value only where a new intrabar arrived: na on day 3.
// - the chart's own timeframe: the chart's close 13, 23, 33, 43.
const WANT: Record<string, number[]> = {
  last: [13, 23, 32, 32],
  first: [10, 20, 30, 30],
  sma_last: [12.5, 22.5, 31.5, 31.5],
  sma_first: [5.5, 16.5, 26.5, 26.5],
  bi: [4, 8, 11, 11],
  hour: [18, 42, 60, 60],
  gaps: [13, 23, 32, na],
  gaps_first: [10, 20, 30, na],
  same_tf: [13, 23, 33, 43],
};

const plots = (inst: Instance) => Object.fromEntries(Object.keys(WANT).map((t) => [t, Array.from(inst.outputs.column(P.outputs.findIndex((o) => o.title === t)))]));

describe.each([
  ['compiled', false],
  ['interpreter', true],
])('request.security of a lower timeframe (%s)', (_tier, interpreted) => {
  const build = () => {
    const b = Instance.builder(P).symbol(SYM).timeframe('1D');
    if (interpreted) b.interpreted();
    return b.build();
  };
  const restore = (inst: Instance) => restoredCopy(inst, interpreted);

  test('runBars: the last intrabar (lookahead_off), the first (lookahead_on); history per intrabar', () => {
    const inst = build();
    const asked: string[] = [];
    runBarsAnswering(inst, CHART, (r) => {
      asked.push(`${r.symbol} ${r.timeframe} ${r.lower}`);
      return answer(r);
    });
    expect(asked).toEqual(['X:BTC 360 false']);
    expect(plots(inst)).toEqual(WANT);
  });

  test('runBars split at every bar, saved and restored there: the same values', () => {
    for (let k = 1; k < CHART.length; k++) {
      let inst = build();
      runBarsAnswering(inst, CHART, answer, 0, k);
      inst = restore(inst);
      runBarsAnswering(inst, CHART, answer, k);
      expect(plots(inst), `split at ${k}`).toEqual(WANT);
    }
  });

  test('bar by bar, restored while waiting for the intrabars', () => {
    let inst = build();
    const r = inst.runBar(chartBar(0));
    expect(r).toEqual({ status: 'needs-data', bar: 0, request: { symbol: 'X:BTC', timeframe: '360', lower: false } });
    inst = restore(inst);
    expect(settle(inst, inst.resume(), answer).status).toBe('done');
    for (const d of [1, 2, 3]) expect(settle(inst, inst.runBar(chartBar(d)), answer).status).toBe('done');
    expect(plots(inst)).toEqual(WANT);
  });

  test('a realtime bar shows the last available intrabar whatever the lookahead; confirmed, the first again', () => {
    const rt = answerWith(INTRA_RT);
    let inst = build();
    runBarsAnswering(inst, CHART, rt, 0, 3);
    expect(settle(inst, inst.updateBar(chartBar(3)), rt).status).toBe('done');
    inst = restore(inst);
    // Day 3's intrabars 40 and 41: the tick shows 41 for both lookaheads.
    expect(plots(inst).last[3]).toBe(41);
    expect(plots(inst).first[3]).toBe(41);
    expect(settle(inst, inst.runBar(chartBar(3)), rt).status).toBe('done');
    expect(plots(inst).last[3]).toBe(41);
    expect(plots(inst).first[3]).toBe(40);
  });

  test('no intrabar dataset: na on every bar and one warning in the log naming the ticker, the timeframe and the flag', () => {
    // (A published script may request intrabars it reads only when an input turns them on.)
    const inst = build();
    runBarsAnswering(inst, CHART, () => ({ datasets: null, why: 'give it with --data-for X:BTC=file.csv' }));
    for (const [title, col] of Object.entries(plots(inst))) expect(col, title).toEqual(title === 'same_tf' ? [13, 23, 33, 43] : [na, na, na, na]);
    // (One message for the eight requests of the same intrabars.)
    const warnings = inst.logs.filter((e) => e.level === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/^No bars of X:BTC at "360" or lower were given, so request\.security\(\): its value is na .*--data-for X:BTC=file\.csv/);
  });
});
