// The PineTS comparison runner: PineTS runs the three benchmark scripts on our synthetic bars and
// agrees with the plain-JS baselines, except for the warm-up differences documented in
// bench/NOTES.md. Also the plot comparison helper it relies on.

import { describe, expect, it } from 'vitest';
import { PLOTS_A, PLOTS_B, PLOTS_C } from '../../bench/baselines.js';
import { allAgree, comparePlots } from '../../bench/compare.js';
import {
  BENCH_SCRIPTS,
  baselineFor,
  benchScriptSource,
  pinetsKnownDifferences,
  runPinets,
  toPinetsCandles,
} from '../../bench/pinets-runner.js';
import { syntheticBars } from '../../bench/synthetic.js';

describe('comparePlots', () => {
  it('applies 1e-8 + 1e-5·|expected|, treats na as equal only to na, and reports the first mismatch', () => {
    const expected = { x: Float64Array.of(1, NaN, 100, 5, 7) };
    const actual = { x: Float64Array.of(1 + 5e-9, NaN, 100.0009, NaN, 8) };
    const [r] = comparePlots(expected, actual);
    expect(r).toEqual({
      plot: 'x', compared: 5, mismatches: 2, firstMismatch: 3, firstValues: [5, NaN], maxAbsDiff: 1, naMismatches: 1,
    });
    expect(allAgree(comparePlots(expected, actual, { from: { x: 5 } }))).toBe(true);
  });

  it('counts a plot missing from the actual side as all na', () => {
    const [r] = comparePlots({ y: Float64Array.of(NaN, 2) }, {});
    expect([r?.mismatches, r?.firstMismatch]).toEqual([1, 1]);
  });
});

describe('PineTS on the benchmark scripts', () => {
  // 1,600 one-minute bars cross one UTC midnight (bar 1440), so the daily VWAP is compared too.
  const bars = syntheticBars(1600, 5);

  it('gets our candles with open times in ms and one-minute close times', () => {
    const [c0] = toPinetsCandles(bars);
    expect(c0).toEqual({
      openTime: bars.time[0], closeTime: (bars.time[0] as number) + 60_000,
      open: bars.open[0], high: bars.high[0], low: bars.low[0], close: bars.close[0], volume: bars.volume[0],
    });
  });

  it('runs a.pine, b.pine and c.pine as written and returns every plot', async () => {
    const titles = { a: PLOTS_A, b: PLOTS_B, c: PLOTS_C };
    for (const name of BENCH_SCRIPTS) {
      const run = await runPinets(benchScriptSource(name), bars);
      expect(Object.keys(run.plots)).toEqual([...titles[name]]);
      for (const col of Object.values(run.plots)) expect(col.length).toBe(1600);
    }
  });

  it('agrees with the baselines after the known warm-up differences, and only there differs', async () => {
    for (const name of BENCH_SCRIPTS) {
      const run = await runPinets(benchScriptSource(name), bars);
      const expected = baselineFor(name, bars);
      const after = comparePlots(expected, run.plots, { from: pinetsKnownDifferences(name, bars) });
      expect(after.filter((r) => r.mismatches > 0)).toEqual([]);
      const differing = comparePlots(expected, run.plots).filter((r) => r.mismatches > 0).map((r) => [r.plot, r.mismatches]);
      expect(differing).toEqual(name === 'b' ? [['supertrend', 1], ['st_direction', 9], ['vwap', 1440]] : []);
    }
  });
});
