// request.security() of ANOTHER symbol, fed by a dataset the host gives (a host call: the instance
// stops with `needs-data`, the host answers, the bar resumes). Two fixtures:
// - small synthetic bars whose expected values are worked out by hand below;
// - the S&P 500 daily bars of 2000-2020 as the chart and the 1950-2012 S&P 500 file (another
//   source: its own closes) as the other symbol; the expected values are computed in the test by
//   matching dates and grouping weeks itself (not through the VM's resampler).
// TradingView's rules (User Manual, "Other timeframes and data"): on the chart bar [t, tc), the
// other symbol's value is that of its last bar closed by tc (lookahead_off: at the chart's own
// timeframe the bar of the same time, at a higher one the last confirmed bar) or of the bar that
// opened by t (lookahead_on); gaps_on shows na unless a new bar arrived on this chart bar.
// Both tiers; snapshots taken between bars and while a bar waits for data restore and go on.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Instance, runBarsAnswering, settle, type BarColumns, type DataAnswer } from '../../vm/index.js';
import { CHART, dailyInstance, DAY, OTHER, plotOf, program, START, lastAtOrBefore } from './helpers.js';
import { parseBarsCsv } from '../../vm/data/csv.js';

const na = NaN;

// --- Synthetic: chart = 10 daily bars (days 0..9, close 10 + i); OTHER = daily bars on days
// 0, 1, 2, 4, 5, 6, 7, 8, 9 (day 3 missing) with close 100 + day, 24x7 UTC like the chart.

const SYN = `//@version=6
indicator("other")
plot(request.security("OTHER", "1D", close), "same")
plot(request.security("OTHER", "1D", close, barmerge.gaps_on), "same_gaps")
plot(request.security("OTHER", "1D", ta.sma(close, 2)), "sma")
plot(request.security("OTHER", "1D", bar_index), "bi")
plot(request.security("OTHER", "1W", close), "week")
plot(request.security("OTHER", "1W", close, lookahead = barmerge.lookahead_on), "week_on")
[c, o] = request.security("OTHER", "1D", [close, open])
plot(c - o, "tuple")
plot(request.security("MISSING", "1D", close, ignore_invalid_symbol = true), "ignored")
plot(close, "chart")
`;

// By hand: day 3 has no OTHER bar, so "same" repeats day 2's 102 there (gaps_on: na);
// sma(2) of OTHER closes: day 0 na, 1: 100.5, 2: 101.5, 3: (still day 2's) 101.5, 4: (102 + 104) / 2
// = 103, then 104.5, 105.5, ...; bar_index counts OTHER's bars (day 4 is its bar 3).
// Week of days 0..6 (Mon..Sun) closes at day 7 00:00: its close 106 arrives on day 6's chart bar
// (which closes at day 7 00:00); lookahead_on shows 106 on days 0..6 and day 9's 109 on days 7..9.
const SYN_WANT: Record<string, number[]> = {
  same: [100, 101, 102, 102, 104, 105, 106, 107, 108, 109],
  same_gaps: [100, 101, 102, na, 104, 105, 106, 107, 108, 109],
  sma: [na, 100.5, 101.5, 101.5, 103, 104.5, 105.5, 106.5, 107.5, 108.5],
  bi: [0, 1, 2, 2, 3, 4, 5, 6, 7, 8],
  week: [na, na, na, na, na, na, 106, 106, 106, 106],
  week_on: [106, 106, 106, 106, 106, 106, 106, 109, 109, 109],
  tuple: Array<number>(10).fill(0.5),
  ignored: Array<number>(10).fill(na),
  chart: Array.from({ length: 10 }, (_, i) => 10 + i),
};

const synAnswer: DataAnswer = (req) =>
  req.symbol === 'OTHER' ? { datasets: [{ bars: OTHER, timeframe: '1D' }] } : { datasets: null, why: 'not in this test' };

const SYM = { ticker: 'CHART', tickerid: 'CHART', session: '24x7', timezone: 'Etc/UTC' };

describe('request.security of another symbol (synthetic, by hand)', () => {
  const P = program(SYN);
  for (const interpreted of [false, true]) {
    const tier = interpreted ? 'interpreter' : 'compiled';
    const build = () => dailyInstance(P, SYM, interpreted);

    test(`${tier}: runBars stops at the first request of each unknown symbol, then every value is TradingView's`, () => {
      const inst = build();
      const asked: string[] = [];
      runBarsAnswering(inst, CHART, (req) => {
        asked.push(`${req.symbol} ${req.timeframe}`);
        return synAnswer(req);
      });
      // Each symbol is asked for once (the answer holds all its bars), on bar 0.
      expect(asked).toEqual(['OTHER 1D', 'MISSING 1D']);
      for (const [t, v] of Object.entries(SYN_WANT)) expect(plotOf(P, inst, t), `${tier} ${t}`).toEqual(v);
    });

    test(`${tier}: bar by bar, with snapshots between bars and while waiting for data`, () => {
      let inst = build();
      const r0 = inst.runBar({ time: START, open: 9.5, high: 11, low: 9, close: 10, volume: 10 });
      expect(r0.status).toBe('needs-data');
      // A snapshot while suspended on the host call restores suspended at the same call.
      inst = Instance.restoreState(inst.saveState({ includeOutputs: true })).build();
      expect(inst.isSuspended).toBe(true);
      expect(settle(inst, inst.resume(), synAnswer).status).toBe('done');
      for (let i = 1; i < 10; i++) {
        // A restore between bars: the contexts' positions in OTHER's bars are state; its bars are
        // asked for again when next needed.
        if (i % 3 === 0) inst = Instance.restoreState(inst.saveState({ includeOutputs: true })).build();
        const bar = { time: START + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 };
        expect(settle(inst, inst.runBar(bar), synAnswer).status).toBe('done');
      }
      for (const [t, v] of Object.entries(SYN_WANT)) {
        if (t === 'week_on') continue; // bar by bar there are no bars ahead
        expect(plotOf(P, inst, t), `${tier} ${t}`).toEqual(v);
      }
    });
  }

  test('no dataset: the error names the symbol and what the host looked for, at the call', () => {
    const p = program('//@version=6\nindicator("x")\nplot(request.security("NOPE", "1D", close))\n');
    const inst = Instance.builder(p).symbol(SYM).timeframe('1D').build();
    expect(() => runBarsAnswering(inst, CHART, () => ({ datasets: null, why: 'give it with --data-for NOPE=file.csv' }))).toThrow(
      /request.security\(\): no data for symbol "NOPE" \(give it with --data-for NOPE=file.csv\)/,
    );
  });

  test('a new bar is refused while one waits for data', () => {
    const p = program('//@version=6\nindicator("x")\nplot(request.security("OTHER", "1D", close))\n');
    const inst = Instance.builder(p).symbol(SYM).timeframe('1D').build();
    expect(inst.runBars(CHART).status).toBe('needs-data');
    expect(() => inst.runBars(CHART, 1)).toThrow(/waits for data for "OTHER"/);
  });
});

// --- Real bars: the S&P 500 from two sources.
function load(path: string): BarColumns {
  return parseBarsCsv(readFileSync(new URL(`../fixtures/ohlcv/${path}`, import.meta.url), 'utf8')).bars;
}

describe('request.security of another symbol (S&P 500 daily, two sources)', () => {
  const chart = load('sp500-daily-2000-2020.csv');
  const other = load('sp500-daily-1950-2012.csv');
  const P = program(`//@version=6
indicator("spx")
plot(request.security("SPX2", "1D", close), "d")
plot(request.security("SPX2", "1D", close, barmerge.gaps_on), "d_gaps")
plot(request.security("SPX2", "1W", close), "w")
plot(request.security("SPX2", "1W", close, lookahead = barmerge.lookahead_on), "w_on")
plot(request.security("SPX2", "1W", high), "w_high")
`);
  const answer: DataAnswer = () => ({ datasets: [{ bars: other, timeframe: '1D' }] });

  // Independent expectations: the other file's last row on or before each chart date, and weeks
  // (Monday to Sunday, UTC: both files are dates) grouped here.
  const dates = Array.from(other.time);
  const weekOf = (t: number) => Math.floor((t / DAY + 3) / 7); // 1970-01-01 was a Thursday: +3 makes weeks start Monday
  const weeks = new Map<number, { close: number; high: number }>();
  dates.forEach((t, i) => {
    const w = weekOf(t);
    const cur = weeks.get(w);
    const h = other.high[i] as number;
    weeks.set(w, { close: other.close[i] as number, high: cur ? Math.max(cur.high, h) : h });
  });
  const weekKeys = [...weeks.keys()].sort((a, b) => a - b);
  const want = { d: [] as number[], d_gaps: [] as number[], w: [] as number[], w_on: [] as number[], w_high: [] as number[] };
  let prevRow = -1;
  for (let i = 0; i < chart.length; i++) {
    const t = chart.time[i] as number;
    const row = lastAtOrBefore(dates, t);
    want.d.push(row < 0 ? na : (other.close[row] as number));
    want.d_gaps.push(row >= 0 && row !== prevRow ? (other.close[row] as number) : na);
    prevRow = row;
    // lookahead_off: the last week that ended by this bar's close (t + 1 day): weeks before t's week.
    const wk = lastAtOrBefore(weekKeys, weekOf(t) - 1);
    const wv = wk < 0 ? undefined : weeks.get(weekKeys[wk] as number);
    want.w.push(wv ? wv.close : na);
    want.w_high.push(wv ? wv.high : na);
    const wo = lastAtOrBefore(weekKeys, weekOf(t));
    const wov = wo < 0 ? undefined : weeks.get(weekKeys[wo] as number);
    want.w_on.push(wov ? wov.close : na);
  }

  for (const interpreted of [false, true]) {
    test(`${interpreted ? 'interpreter' : 'compiled'}: every chart day, every combination`, () => {
      const b = Instance.builder(P).symbol({ ticker: 'SPX', tickerid: 'SPX', session: '24x7', timezone: 'Etc/UTC' }).timeframe('1D');
      if (interpreted) b.interpreted();
      const inst = b.build();
      runBarsAnswering(inst, chart, answer);
      // Sanity of the fixture: the two sources overlap 2000-2012 and agree to the cent there.
      expect(want.d.filter((x) => x === x).length).toBeGreaterThan(3000);
      for (const [t, v] of Object.entries(want)) expect(plotOf(P, inst, t), t).toEqual(v);
    });
  }

  test('a run saved mid-way and restored (the other symbol asked for again) ends with the same values', () => {
    const build = () => Instance.builder(P).symbol({ ticker: 'SPX', tickerid: 'SPX' }).timeframe('1D').build();
    const whole = build();
    runBarsAnswering(whole, chart, answer);
    const part = build();
    runBarsAnswering(part, chart, answer, 0, 1234);
    const back = Instance.restoreState(part.saveState({ includeOutputs: true })).build();
    let asked = 0;
    runBarsAnswering(back, chart, (r) => (asked++, answer(r)), 1234);
    expect(asked).toBe(1);
    for (const o of P.outputs) expect(Array.from(back.outputs.column(o.id)), o.title).toEqual(Array.from(whole.outputs.column(o.id)));
  });
});
