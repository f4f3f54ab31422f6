// The sample script on the sample dataset: every candle reaches the chart and every plot is drawn,
// with values checked against moving averages computed here from the CSV by hand.

import { expect, test } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { openApp, plotValues, sampleRows, watchErrors } from './helpers.js';

/** Pine's ta.sma and ta.ema (seeded with the SMA of the first `len` values), written out. */
function sma(xs: number[], len: number): (number | null)[] {
  return xs.map((_, i) => (i + 1 < len ? null : xs.slice(i + 1 - len, i + 1).reduce((a, b) => a + b, 0) / len));
}
function ema(xs: number[], len: number): (number | null)[] {
  const a = 2 / (len + 1);
  const out: (number | null)[] = [];
  let prev: number | null = null;
  xs.forEach((x, i) => {
    if (i + 1 < len) out.push(null);
    else if (prev === null) prev = xs.slice(0, len).reduce((s, v) => s + v, 0) / len;
    else prev = a * x + (1 - a) * prev;
    if (i + 1 >= len) out.push(prev);
  });
  return out;
}
function close(a: number | null | undefined, b: number | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b || (a == null && b == null);
  return Math.abs(a - b) <= 1e-8 + 1e-6 * Math.abs(b);
}

test('the sample script runs on the sample dataset and the chart shows every candle and plot', async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  const s = await openApp(page);
  expect(s.totalBars).toBe(rows.length);
  expect(s.candles).toBe(rows.length);
  expect(s.rows).toBe(rows.length);
  expect(s.barIndex).toBe(rows.length - 1);
  await expect(page.getByTestId('status-bar-index')).toHaveText(String(rows.length - 1));

  // Every line plot of the sample has a series in the chart with points in the visible window.
  const titles = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotTitles());
  expect(titles).toEqual(['Fast MA', 'Slow MA', 'BB upper', 'BB basis', 'BB lower', 'Golden cross', 'Death cross', 'Trend']);
  const chart = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.chart());
  expect(chart).not.toBeNull();
  expect(chart?.panes).toBe(1);
  for (const t of ['Fast MA', 'Slow MA', 'BB upper', 'BB basis', 'BB lower']) expect(chart?.series[t] ?? 0).toBeGreaterThan(1000);

  // Plot values match a hand calculation from the CSV: EMA(20), EMA(50), SMA(20) basis.
  const closes = rows.map((r) => r.close);
  const checks: [string, (number | null)[]][] = [
    ['Fast MA', ema(closes, 20)],
    ['Slow MA', ema(closes, 50)],
    ['BB basis', sma(closes, 20)],
  ];
  for (const [title, expected] of checks) {
    const got = await plotValues(page, title);
    expect(got.length).toBe(rows.length);
    const bad = got.map((v, i) => (close(v, expected[i]) ? -1 : i)).filter((i) => i >= 0);
    expect(bad.slice(0, 5), `${title}: first mismatching bars`).toEqual([]);
  }

  // Markers: a golden cross where the fast EMA crosses over the slow one, a death cross where it
  // crosses under, by hand; the chart shows exactly those in its window. The trend background
  // colors every bar once both averages exist.
  const fast = ema(closes, 20);
  const slow = ema(closes, 50);
  const crossBars: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    const [f0, s0, f1, s1] = [fast[i - 1], slow[i - 1], fast[i], slow[i]];
    if (f0 == null || s0 == null || f1 == null || s1 == null) continue;
    if ((f1 > s1 && f0 <= s0) || (f1 < s1 && f0 >= s0)) crossBars.push(i);
  }
  const golden = await plotValues(page, 'Golden cross');
  const death = await plotValues(page, 'Death cross');
  expect(golden.map((v, i) => (v === 1 || death[i] === 1 ? i : -1)).filter((i) => i >= 0)).toEqual(crossBars);
  const inWindow = crossBars.filter((b) => b >= (chart?.start ?? 0) && b < (chart?.end ?? 0)).map((b) => (rows[b]?.time ?? 0) / 1000);
  expect(inWindow.length).toBeGreaterThan(0);
  expect(chart?.markers).toEqual(inWindow);
  expect(chart?.series['bgcolor:7']).toBe((chart?.end ?? 0) - (chart?.start ?? 0));

  // The chart library holds the last candle, and the first one after scrolling back to it.
  const candle = (bar: number) => page.evaluate((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.candleAt(b), bar);
  const last = rows[rows.length - 1];
  expect(await candle(rows.length - 1)).toEqual({ time: (last?.time ?? 0) / 1000, open: last?.open, high: last?.high, low: last?.low, close: last?.close });
  await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.scrollToBar(0));
  const first = rows[0];
  expect(await candle(0)).toEqual({ time: (first?.time ?? 0) / 1000, open: first?.open, high: first?.high, low: first?.low, close: first?.close });
  await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.scrollToBar(2500));
  const mid = rows[2500];
  expect(await candle(2500)).toEqual({ time: (mid?.time ?? 0) / 1000, open: mid?.open, high: mid?.high, low: mid?.low, close: mid?.close });
  // A canvas with pixels drawn.
  await expect(page.getByTestId('chart').locator('canvas').first()).toBeVisible();
  expect(errors).toEqual([]);
});

/** Pine's ta.rsi(close, len): Wilder averages (RMA, seeded with the SMA of the first `len` values)
 * of gains and losses; 100 when there are no losses. */
function rsi(xs: number[], len: number): (number | null)[] {
  const out: (number | null)[] = [null];
  let up = 0;
  let down = 0;
  for (let i = 1; i < xs.length; i++) {
    const ch = (xs[i] as number) - (xs[i - 1] as number);
    const u = Math.max(ch, 0);
    const d = Math.max(-ch, 0);
    if (i < len) {
      up += u;
      down += d;
      out.push(null);
      continue;
    }
    if (i === len) {
      up = (up + u) / len;
      down = (down + d) / len;
    } else {
      up = (up * (len - 1) + u) / len;
      down = (down * (len - 1) + d) / len;
    }
    out.push(down === 0 ? 100 : up === 0 ? 0 : 100 - 100 / (1 + up / down));
  }
  return out;
}

test('the oscillator sample draws in its own pane with its levels, and its RSI is right', async ({ page }) => {
  const rows = sampleRows();
  await openApp(page, '?sample=rsi-macd.pine');
  const chart = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.chart());
  expect(chart?.hlines).toEqual([
    { title: 'Overbought', price: 70 },
    { title: 'Midline', price: 50 },
    { title: 'Oversold', price: 30 },
  ]);
  expect(chart?.series.RSI ?? 0).toBeGreaterThan(1000);
  expect(chart?.series['MACD histogram'] ?? 0).toBeGreaterThan(1000);
  const got = await plotValues(page, 'RSI');
  const want = rsi(rows.map((r) => r.close), 14);
  const bad = got.map((v, i) => (close(v, want[i]) ? -1 : i)).filter((i) => i >= 0);
  expect(bad.slice(0, 5)).toEqual([]);
  // Two panes: the price pane and the indicator's.
  expect(chart?.panes).toBe(2);
});
