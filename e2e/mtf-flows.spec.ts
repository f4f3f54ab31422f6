// Multi-timeframe flows a TradingView user tries (QA of /work/notes/qa-mtf-21.md): a strategy
// filtered by a weekly trend shows its tester between the chart and the panels with the chart still
// tall; switching the chart timeframe during a replay goes on from the same moment (weeks by their
// Monday, UTC, computed here from the sample CSV); an FX symbol file makes EURUSD's days start at
// 17:00 New York (days counted here from the CSV's times).

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSource, startReplay, stepBars, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

const STRATEGY = `//@version=6
strategy("Weekly trend filter", overlay = true)
weeklyUp = request.security(syminfo.tickerid, "1W", close > ta.sma(close, 10))
fast = ta.sma(close, 10)
if ta.crossover(close, fast) and weeklyUp
    strategy.entry("L", strategy.long)
if ta.crossunder(close, fast)
    strategy.close("L")
plot(fast, "fast")
`;

async function runSource(page: Page, source: string): Promise<void> {
  const before = (await appState(page)).runId;
  await setSource(page, source);
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
}

test('a strategy filtered by a weekly trend: the tester sits between the chart and the panels, the chart stays tall', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await runSource(page, STRATEGY);
  await expect(page.getByTestId('strategy-tester')).toBeVisible();
  const chart = await page.getByTestId('chart').boundingBox();
  const tester = await page.getByTestId('strategy-tester').boundingBox();
  const splitter = await page.getByTestId('splitter-panels').boundingBox();
  expect(chart && tester && splitter).toBeTruthy();
  if (!chart || !tester || !splitter) return;
  // The chart keeps most of the workspace's height; the tester is under it, the splitter under the
  // tester and as thin as a splitter (it had taken the panels' height, an empty block).
  expect(chart.height).toBeGreaterThan(250);
  expect(tester.y).toBeGreaterThanOrEqual(chart.y + chart.height - 1);
  expect(splitter.y).toBeGreaterThanOrEqual(tester.y + tester.height - 1);
  expect(splitter.height).toBeLessThan(20);
  const report = await page.evaluate(() => (window as unknown as Ev).evergreen.strategy());
  expect(report?.trades.length ?? 0).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('switching to 1W during a replay goes on from the same moment', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  const rows = sampleRows();
  const DAY = 86_400_000;
  const mondayOf = (t: number) => t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;
  const weeks = [...new Set(rows.map((r) => mondayOf(r.time)))];
  const FROM = 4000;
  await startReplay(page, FROM);
  await stepBars(page, 2);
  // The next daily bar to come, and the week that holds it.
  const next = rows[FROM + 2];
  if (!next) throw new Error('no bar');
  const week = weeks.indexOf(mondayOf(next.time));
  const before = (await appState(page)).runId;
  await page.getByTestId('timeframe-1W').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  const s = await waitSettled(page);
  expect(s.replay?.from).toBe(week);
  expect(s.barIndex).toBe(week - 1);
  expect(s.candles).toBe(week);
  await expect(page.getByTestId('timeframe-1W')).toHaveAttribute('aria-pressed', 'true');
  // The replay goes on at 1W: a step confirms that week, closing at the close of its last day.
  await stepBars(page, 1);
  const days = rows.filter((r) => mondayOf(r.time) === weeks[week]);
  const candle = await page.evaluate((b) => (window as unknown as Ev).evergreen.candleAt(b), week);
  expect(candle?.close).toBe(days.at(-1)?.close);
  expect(errors).toEqual([]);
});

test('EURUSD with its symbol file: daily bars are FX sessions from 17:00 New York', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  const csv = readFileSync(new URL('../tests/fixtures/ohlcv/eurusd-1h-2022-2025.csv', import.meta.url), 'utf8');
  const toml = readFileSync(new URL('../tests/fixtures/tradingview/ta/vwap.toml', import.meta.url));
  let before = (await appState(page)).runId;
  await page.getByTestId('csv-input').setInputFiles({ name: 'EURUSD.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
  before = (await appState(page)).runId;
  await page.getByTestId('csv-input').setInputFiles({ name: 'eurusd.toml', mimeType: 'application/toml', buffer: toml });
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  let s = await waitSettled(page);
  expect(s.notices.some((n) => n.message.startsWith('Applied eurusd.toml (EURUSD) to EURUSD'))).toBe(true);
  // An FX day runs from 17:00 to 17:00 New York: the New York date seven hours after each bar.
  const nyDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' });
  const days = new Set(
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => nyDate.format(Date.parse(l.split(',')[0] ?? '') + 7 * 3_600_000)),
  );
  before = s.runId;
  await page.getByTestId('timeframe-1D').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  s = await waitSettled(page);
  expect(s.candles).toBe(days.size);
  expect(errors).toEqual([]);
});
