// Datasets: CSV import from the file picker and by drag-and-drop; a CSV with a malformed row is
// refused with a message naming the row, and the datasets already there are untouched.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, datasetOptions, openApp, waitSettled } from './helpers.js';

/** `n` daily bars from 2024-01-01 with a gentle trend (high >= open/close >= low). */
function csv(n: number, badLine: number | null = null): string {
  const rows = ['time,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    const o = 100 + i * 0.5;
    const c = o + (i % 3 === 0 ? -0.3 : 0.4);
    const close = rows.length + 1 === badLine ? 'n/a' : c.toFixed(2);
    rows.push(`${d},${o.toFixed(2)},${(Math.max(o, c) + 0.6).toFixed(2)},${(Math.min(o, c) - 0.5).toFixed(2)},${close},${1000 + i}`);
  }
  return `${rows.join('\n')}\n`;
}

async function importFile(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('csv-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

test('a CSV imports from the file picker, and one with a malformed row is refused naming the row', async ({ page }) => {
  await openApp(page);
  const before = await datasetOptions(page);
  const run0 = (await appState(page)).runId;
  await importFile(page, 'trend.csv', csv(120));
  await expect(page.getByTestId('notice').filter({ hasText: 'Imported trend.csv: 120 bars.' })).toBeVisible();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, run0);
  const s = await waitSettled(page);
  expect(s.totalBars).toBe(120);
  expect(s.candles).toBe(120);
  expect(s.barIndex).toBe(119);
  const withTrend = await datasetOptions(page);
  expect(withTrend).toEqual([...before, 'trend (120 bars)']);
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('trend (120 bars)');

  // Row 7 of the file (line 7, the header being line 1) has a close that is not a number.
  await importFile(page, 'broken.csv', csv(50, 7));
  const err = page.getByTestId('notice').filter({ hasText: 'broken.csv:7' });
  await expect(err).toBeVisible();
  await expect(err).toContainText("column 'close'");
  await expect(err).toContainText('"n/a"');
  await expect(err).toContainText('nothing was imported');
  // Nothing changed: same datasets, same one open, same bars.
  expect(await datasetOptions(page)).toEqual(withTrend);
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('trend (120 bars)');
  const after = await appState(page);
  expect(after.totalBars).toBe(120);
  expect(after.runId).toBe(s.runId);

  // A row with missing fields is refused too, naming its line.
  await importFile(page, 'short.csv', 'time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02,1,2\n');
  await expect(page.getByTestId('notice').filter({ hasText: "short.csv:3: column 'low': no value: the row has 3 fields, the header 5" })).toBeVisible();
  expect(await datasetOptions(page)).toEqual(withTrend);

  // The imported dataset survives a reload and opens again (from its checkpoint).
  await page.reload();
  const back = await waitSettled(page);
  expect(back.totalBars).toBe(120);
  expect(await datasetOptions(page)).toEqual(withTrend);
});

test('a CSV dropped on the page is imported', async ({ page }) => {
  await openApp(page);
  const run0 = (await appState(page)).runId;
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
    return d;
  }, csv(64));
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await page.dispatchEvent('body', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('body', 'drop', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(page.getByTestId('notice').filter({ hasText: 'Imported dropped.csv: 64 bars.' })).toBeVisible();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, run0);
  const s = await waitSettled(page);
  expect(s.totalBars).toBe(64);
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('dropped (64 bars)');
});

test('"Clear all" deletes imported datasets and checkpoints and starts again from the samples', async ({ page }) => {
  await openApp(page);
  const builtins = await datasetOptions(page);
  const samples = await page.getByTestId('script-select').locator('option').count();
  await importFile(page, 'mine.csv', csv(40));
  await expect(page.getByTestId('dataset-select').locator('option:checked')).toHaveText('mine (40 bars)');
  await waitSettled(page);
  page.once('dialog', (d) => void d.accept());
  const run0 = (await appState(page)).runId;
  await page.getByTestId('clear-storage').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, run0);
  const s = await waitSettled(page);
  expect(await datasetOptions(page)).toEqual(builtins);
  expect(s.totalBars).toBeGreaterThan(5000);
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().snapshots.length === 1);
  // The scripts are the samples again (the first visit's list).
  await expect(page.getByTestId('script-select').locator('option')).toHaveCount(samples);
});
