// The CLI's other-symbol datasets: `--data-for TICKER=file.csv` (repeatable) and `--symbol-for
// TICKER=file.toml` answer request.security("TICKER", ...) and request.security_lower_tf(...);
// a ticker without data fails naming it and the flag to give. Expected values are computed here
// from the CSV rows (dates matched, hours grouped by UTC day), not through the VM.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseBarsCsv } from '../../vm/index.js';

import { cli, fixture, spxFiles, type Out } from './helpers.js';

describe('evergreen run --data-for / --symbol-for', () => {
  // The chart: S&P 500 daily, 2000-01-03 .. 2000-03-28 (60 rows); the other symbol: the S&P 500
  // of another source (newest first, 1950-2012).
  const { dir, chart, otherPath, other, chartBars } = spxFiles('evergreen-data-for-');

  test('request.security("SPX2", "1D", close) is the other file\'s close of the same date', () => {
    const script = join(dir, 'd.pine');
    writeFileSync(script, '//@version=6\nindicator("d")\nplot(request.security("SPX2", "1D", close), "c2")\nplot(request.security("NYSE:SPX2", "1D", close - open), "body")\n');
    const r = cli(['run', script, '--data', chart, '--data-for', `SPX2=${otherPath}`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Out;
    const byDate = new Map<number, number>();
    for (let i = 0; i < other.length; i++) byDate.set(other.time[i] as number, i);
    const want = Array.from(chartBars.time, (t) => byDate.get(t));
    expect(want.every((k) => k !== undefined)).toBe(true); // every chart date is in the other file
    expect(out.plots.c2).toEqual(want.map((k) => other.close[k as number]));
    // "NYSE:SPX2" finds the files of SPX2.
    expect(out.plots.body).toEqual(want.map((k) => (other.close[k as number] as number) - (other.open[k as number] as number)));
  });

  test('a ticker without --data-for fails naming it and the flag; --symbol-for needs its --data-for', () => {
    const script = join(dir, 'm.pine');
    writeFileSync(script, '//@version=6\nindicator("m")\nplot(request.security("AAPL", "1D", close))\n');
    const r = cli(['run', script, '--data', chart, '--data-for', `SPX2=${otherPath}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('m.pine:3:6: runtime error at bar 0: request.security(): no data for symbol "AAPL" (give its bars with --data-for AAPL=file.csv; given: SPX2)');
    const s = cli(['run', script, '--data', chart, '--symbol-for', 'AAPL=aapl.toml']);
    expect(s.code).toBe(1);
    expect(s.err).toContain('--symbol-for AAPL=aapl.toml: no --data-for AAPL=file.csv goes with it');
    const bad = cli(['run', script, '--data', chart, '--data-for', 'AAPL']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("--data-for expects TICKER=file.csv, got 'AAPL'");
  });

  test('request.security_lower_tf: the hourly closes of each day, from a --data-for of the chart\'s ticker', () => {
    // EURUSD hourly, first 120 rows, run as a daily chart (--chart-timeframe 1D, UTC days).
    const hourlyText = fixture('eurusd-1h-2022-2025.csv').split('\n').slice(0, 121).join('\n') + '\n';
    const hourly = join(dir, 'eurusd-1h.csv');
    writeFileSync(hourly, hourlyText);
    const toml = join(dir, 'eurusd.toml');
    writeFileSync(toml, '[symbol]\nticker = "EURUSD"\nperiod = "60"\nmintick = 0.00001\ntimezone = "Etc/UTC"\n');
    const script = join(dir, 'l.pine');
    writeFileSync(
      script,
      '//@version=6\nindicator("l")\na = request.security_lower_tf(syminfo.tickerid, "60", close)\nplot(array.size(a), "n")\nplot(array.size(a) > 0 ? array.get(a, 0) : na, "first")\nplot(array.size(a) > 0 ? array.last(a) : na, "last")\nplot(array.sum(a), "sum")\n',
    );
    const r = cli(['run', script, '--data', hourly, '--symbol', toml, '--chart-timeframe', '1D', '--data-for', `EURUSD=${hourly}`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Out;
    const h = parseBarsCsv(hourlyText).bars;
    const days = new Map<number, number[]>();
    for (let i = 0; i < h.length; i++) {
      const d = Math.floor((h.time[i] as number) / 86_400_000);
      days.set(d, [...(days.get(d) ?? []), h.close[i] as number]);
    }
    const groups = [...days.values()];
    expect(out.bars).toBe(groups.length);
    expect(out.plots.n).toEqual(groups.map((g) => g.length));
    expect(out.plots.first).toEqual(groups.map((g) => g[0]));
    expect(out.plots.last).toEqual(groups.map((g) => g[g.length - 1]));
    const sums = groups.map((g) => g.reduce((x, y) => x + y, 0));
    (out.plots.sum ?? []).forEach((v, i) => expect(v).toBeCloseTo(sums[i] as number, 9));
  });

  test('intrabars at a timeframe above the chart\'s are refused', () => {
    const script = join(dir, 'h.pine');
    writeFileSync(script, '//@version=6\nindicator("h")\nplot(array.size(request.security_lower_tf(syminfo.tickerid, "1W", close)))\n');
    const r = cli(['run', script, '--data', chart, '--data-for', `SPX=${chart}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('request.security_lower_tf(): the requested timeframe "1W" is higher than the chart\'s "1D"');
  });

  test('intrabars at the chart\'s own timeframe need no --data-for: each chart bar is its own one intrabar', () => {
    // TradingView's reference, request.security_lower_tf: the timeframe may equal the chart's; the
    // array then holds the chart bar's own value. At a lower timeframe the data is still missing:
    // the arrays are empty and a warning names the timeframe and the flag that gives it.
    const script = join(dir, 's.pine');
    writeFileSync(script, '//@version=6\nindicator("s")\n[o, c] = request.security_lower_tf(syminfo.tickerid, "1D", [open, close])\nplot(array.size(c), "n")\nplot(array.get(c, 0), "c")\nplot(array.get(o, 0), "o")\n');
    const r = cli(['run', script, '--data', chart]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Out;
    expect(out.plots.n).toEqual(Array.from(chartBars.close, () => 1));
    expect(out.plots.c).toEqual(Array.from(chartBars.close));
    expect(out.plots.o).toEqual(Array.from(chartBars.open));
    const low = join(dir, 's60.pine');
    writeFileSync(low, '//@version=6\nindicator("s")\nplot(array.size(request.security_lower_tf(syminfo.tickerid, "60", close)))\n');
    const q = cli(['run', low, '--data', chart]);
    expect(q.code).toBe(0);
    expect((JSON.parse(q.out) as Out).plots.plot0).toEqual(Array.from(chartBars.close, () => 0));
    expect(q.err).toContain('[warning] bar 0: No bars of SPX at "60" or lower were given, so request.security_lower_tf(): its arrays are empty on every bar. Give them if the script uses these values (CLI: --data-for SPX=file.csv');
  });

  test('request.security of a timeframe below the chart\'s, without intrabars: na, one warning naming the timeframe, the ticker and the flag', () => {
    const script = join(dir, 'below.pine');
    writeFileSync(script, '//@version=6\nindicator("s")\nf() =>\n    var float acc = 0.0\n    acc += close\n    acc\nplot(request.security(syminfo.tickerid, "60", f()))\n');
    const r = cli(['run', script, '--data', chart]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as Out).plots.plot0).toEqual(Array.from(chartBars.close, () => null));
    const lines = r.err.split('\n').filter((l) => l !== '');
    expect(lines).toEqual(['[warning] bar 0: No bars of SPX at "60" or lower were given, so request.security(): its value is na (at "60", below the chart\'s timeframe, the expression runs on intrabars) on every bar. Give them if the script uses these values (CLI: --data-for SPX=file.csv; app: import them as a dataset with ticker SPX).']);
  });
});
