// The CLI's currency conversion: request.security("SPX2", "1D", close, currency = currency.USD)
// of a symbol whose --symbol-for file says `currency = "EUR"` multiplies its prices by the close
// of the EURUSD dataset given with --data-for; without it the run fails naming the pair and the
// flag. Expected values are computed here from the CSV rows (dates matched), not through the VM.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

import { cli, spxFiles, type Out } from './helpers.js';

describe('evergreen run: request.security(currency = ...) with --data-for of the rate pair', () => {
  // The chart: S&P 500 daily, first 60 rows of 2000; SPX2: the other source's S&P 500, "in EUR".
  const { dir, chart, chartText, otherPath, other, chartBars } = spxFiles('evergreen-currency-');
  const toml = join(dir, 'spx2.toml');
  writeFileSync(toml, '[symbol]\nticker = "SPX2"\ncurrency = "EUR"\nmintick = 0.01\n');
  // EURUSD on the chart's dates: 1, 1.125, ..., 1.75, repeating (exact binary fractions).
  const dates = chartText.split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(',')[0] as string);
  const rateOf = (i: number): number => 1 + (i % 7) / 8;
  const rate = join(dir, 'eurusd.csv');
  writeFileSync(rate, `date,open,high,low,close,volume\n${dates.map((d, i) => `${d},${rateOf(i)},${rateOf(i)},${rateOf(i)},${rateOf(i)},0`).join('\n')}\n`);
  const script = join(dir, 'c.pine');
  writeFileSync(script, '//@version=6\nindicator("c")\nplot(request.security("SPX2", "1D", close, currency = currency.USD), "usd")\nplot(request.security("SPX2", "1D", close), "eur")\n');

  test('the close of SPX2 times the EURUSD close of the same date', () => {
    const r = cli(['run', script, '--data', chart, '--data-for', `SPX2=${otherPath}`, '--symbol-for', `SPX2=${toml}`, '--data-for', `EURUSD=${rate}`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Out;
    const byDate = new Map<number, number>();
    for (let i = 0; i < other.length; i++) byDate.set(other.time[i] as number, i);
    const closes = Array.from(chartBars.time, (t) => other.close[byDate.get(t) ?? -1]);
    expect(closes.every((c) => c !== undefined)).toBe(true);
    expect(out.plots.eur).toEqual(closes);
    expect(out.plots.usd).toEqual(closes.map((c, i) => (c as number) * rateOf(i)));
  });

  test('without the pair the run fails naming EURUSD and --data-for', () => {
    const r = cli(['run', script, '--data', chart, '--data-for', `SPX2=${otherPath}`, '--symbol-for', `SPX2=${toml}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('currency = USD converts the prices of "SPX2" from EUR, which needs the exchange rate EURUSD (or USDEUR)');
    expect(r.err).toContain('--data-for EURUSD=file.csv');
  });
});
