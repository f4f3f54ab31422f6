// The CLI and calc_bars_count: indicator(calc_bars_count = N) runs the script on the data's last N
// bars only, as if they were the whole data (bar_index 0 on the first, ta state from there), as
// TradingView does; and `request.security` of the chart's own symbol at a timeframe below the
// chart's takes its intrabars from a --data-for of the chart's ticker. Expected values come from
// the CSV rows read here, not through the VM.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

import { cli, spxFiles, type Out } from './helpers.js';

describe('evergreen run: indicator(calc_bars_count), lower-timeframe request.security, a symbol file\'s period', () => {
  // The chart: S&P 500 daily, the first 60 rows of 2000.
  const { dir, chart, chartBars } = spxFiles('evergreen-calc-bars-');

  test('indicator(calc_bars_count = 5): the last 5 bars only, bar_index from 0, cum from the first of them', () => {
    const script = join(dir, 'n.pine');
    writeFileSync(script, '//@version=6\nindicator("n", calc_bars_count = 5)\nplot(bar_index, "bi")\nplot(close, "c")\nplot(ta.cum(close), "cum")\n');
    const r = cli(['run', script, '--data', chart]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Out;
    const last5 = Array.from(chartBars.close.subarray(chartBars.length - 5));
    expect(out.bars).toBe(5);
    expect(out.plots.bi).toEqual([0, 1, 2, 3, 4]);
    expect(out.plots.c).toEqual(last5);
    let sum = 0;
    expect(out.plots.cum).toEqual(last5.map((c) => (sum += c)));
    // As on TradingView, nothing to warn about (the app runs it the same way).
    expect(r.err).not.toContain('calc_bars_count');
  });

  test('a --symbol file whose period is not the bars\' spacing is named in a warning (and --timeframe silences it)', () => {
    // Daily rows with a symbol file saying 15 minutes (as a file exported from a 15-minute chart).
    const toml = join(dir, 'p15.toml');
    writeFileSync(toml, '[symbol]\nticker = "SPX"\nmintick = 0.01\nperiod = "15"\n');
    const script = join(dir, 'p.pine');
    writeFileSync(script, '//@version=6\nindicator("p")\nplot(timeframe.in_seconds(), "s")\n');
    const warned = cli(['run', script, '--data', chart, '--symbol', toml]);
    expect(warned.code).toBe(0);
    expect(warned.err).toContain(`says period = "15", but the bars are "1D" apart: they run as "15" bars`);
    expect(warned.err).toContain('pass --timeframe 1D');
    expect((JSON.parse(warned.out) as Out).plots.s?.[0]).toBe(900);
    const told = cli(['run', script, '--data', chart, '--symbol', toml, '--timeframe', '1D']);
    expect(told.err).toBe('');
    expect((JSON.parse(told.out) as Out).plots.s?.[0]).toBe(86_400);
  });

  test('request.security of a lower timeframe: the weekly chart sees the last (and, lookahead_on, the first) daily close of each week', () => {
    const script = join(dir, 'l.pine');
    writeFileSync(script, '//@version=6\nindicator("l")\nplot(request.security(syminfo.tickerid, "1D", close), "last")\nplot(request.security(syminfo.tickerid, "1D", close, lookahead = barmerge.lookahead_on), "first")\n');
    const r = cli(['run', script, '--data', chart, '--chart-timeframe', '1W', '--data-for', `SPX=${chart}`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Out;
    // Weeks of the daily rows (Monday-based, UTC dates): the first and last close of each.
    const weeks = new Map<number, number[]>();
    for (let i = 0; i < chartBars.length; i++) {
      const t = chartBars.time[i] as number;
      const day = new Date(t).getUTCDay();
      const monday = t - ((day + 6) % 7) * 86_400_000;
      weeks.set(monday, [...(weeks.get(monday) ?? []), chartBars.close[i] as number]);
    }
    const list = [...weeks.values()];
    expect(out.bars).toBe(list.length);
    expect(out.plots.last).toEqual(list.map((w) => w[w.length - 1]));
    expect(out.plots.first).toEqual(list.map((w) => w[0]));
  });
});
