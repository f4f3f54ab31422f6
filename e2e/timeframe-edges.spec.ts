// The chart timeframe buttons below the dataset's timeframe (a TradingView user clicks "60" on a
// daily dataset): a message says why the chart cannot show it and what to do, and the chart stays
// as it was (same candles, same button pressed) instead of going empty; a higher timeframe and
// back still work. Candle counts computed here from the sample CSV.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

async function nextRun(page: Page, act: () => Promise<void>): Promise<void> {
  const before = (await appState(page)).runId;
  await act();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
}

/** Monday 00:00 UTC of the week holding `t`. */
const monday = (t: number): number => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * 86_400_000;
};

test('a timeframe below the dataset says why and keeps the chart; 1W and back to 1D work', async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  const start = await openApp(page);
  expect(start.candles).toBe(rows.length);
  const hourly = page.getByTestId('timeframe-60');
  await expect(hourly).toHaveAttribute('data-available', '0');
  await expect(page.getByTestId('timeframe-1W')).toHaveAttribute('data-available', '1');
  await hourly.click();
  const notice = page.locator('[data-testid="notice"][data-code="chart-timeframe"]');
  await expect(notice).toContainText('has 1D bars: a 60 chart needs bars of 60 or lower, which this browser does not have');
  await expect(notice).toContainText('Import a CSV file of 60 bars or lower to see it; the chart stays at 1D.');
  // The chart is as it was: every daily candle, the daily button pressed, the same run.
  const after = await appState(page);
  expect(after.runId).toBe(start.runId);
  expect(after.candles).toBe(rows.length);
  await expect(page.getByTestId('timeframe-1D')).toHaveAttribute('aria-pressed', 'true');
  await expect(hourly).toHaveAttribute('aria-pressed', 'false');

  await nextRun(page, () => page.getByTestId('timeframe-1W').click());
  expect((await appState(page)).candles).toBe(new Set(rows.map((r) => monday(r.time))).size);
  await expect(page.getByTestId('timeframe-1W')).toHaveAttribute('aria-pressed', 'true');
  await nextRun(page, () => page.getByTestId('timeframe-1D').click());
  expect((await appState(page)).candles).toBe(rows.length);
  expect(errors).toEqual([]);
});
