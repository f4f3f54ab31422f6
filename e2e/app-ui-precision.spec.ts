// Prices written with the symbol's tick size and the script's format: a EURUSD-like dataset whose
// prices have five decimals (mintick 0.00001) shows five on the price axis, the last-value labels
// and the legend (not "1.17"), and indicator(precision=), plot(format=format.percent, precision=),
// plot(format=format.volume) and plot(precision=) are honoured. Screenshots kept with the test.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, setSource, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

/** 300 hourly bars around 1.17 with five decimals, written here (prices in 1e-5 units). */
function eurusd(): { text: string; close: number[]; volume: number[] } {
  const lines = ['time,open,high,low,close,volume'];
  const close: number[] = [];
  const volume: number[] = [];
  for (let i = 0; i < 300; i++) {
    const o = 117003 + ((i * 37) % 400);
    const c = o + ((i * 13) % 41) - 20;
    const h = Math.max(o, c) + 7;
    const l = Math.min(o, c) - 9;
    const v = 1000 + i * 1234;
    const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    lines.push([t, o, h, l, c].map((x, k) => (k === 0 ? x : (Number(x) / 1e5).toFixed(5))).join(',') + `,${v}`);
    close.push(c / 1e5);
    volume.push(v);
  }
  return { text: lines.join('\n'), close, volume };
}

async function importEurusd(page: Page): Promise<{ close: number[]; volume: number[] }> {
  const d = eurusd();
  const run0 = (await appState(page)).runId;
  await page.getByTestId('csv-input').setInputFiles({ name: 'EURUSD.csv', mimeType: 'text/csv', buffer: Buffer.from(d.text) });
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, run0);
  await waitSettled(page);
  return d;
}

const label = (page: Page, series: string, v: number) => page.evaluate(([s, x]) => (window as unknown as Ev).evergreen.axisLabel(s as string, x as number), [series, v] as const);
const legend = (page: Page) => page.evaluate(() => (window as unknown as Ev).evergreen.legend());

test('EURUSD prices show five decimals on the axis, the labels and the legend', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openApp(page);
  const d = await importEurusd(page);
  await page.mouse.move(5, 5);
  expect(await label(page, 'candles', 1.171234)).toBe('1.17123');
  expect(await label(page, 'candles', 1.17)).toBe('1.17000');
  // The newest bar (299): close written with five decimals.
  const last = d.close[299] ?? NaN;
  const lg = await legend(page);
  expect(lg?.bar).toBe(299);
  expect(lg?.text).toContain(`C ${last.toFixed(5)}`);
  await testInfo.attach('eurusd-axis.png', { body: await page.getByTestId('chart').screenshot(), contentType: 'image/png' });
  expect(errors).toEqual([]);
});

test("a script's format and precision reach its axis, labels and legend", async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openApp(page);
  const d = await importEurusd(page);
  await setSource(
    page,
    `//@version=6
indicator("Formats", precision=3)
plot(close, "P")
plot(close * 100, "Pct", format=format.percent, precision=1)
plot(volume, "Vol", format=format.volume)
plot(close, "Fine", precision=6)
`,
  );
  await page.waitForTimeout(800);
  const run0 = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, run0);
  await waitSettled(page);
  await page.mouse.move(5, 5);
  expect(await label(page, 'P', 1.171234)).toBe('1.171');
  expect(await label(page, 'Pct', 117.1234)).toBe('117.1%');
  expect(await label(page, 'Vol', 1234567)).toBe('1.235M');
  expect(await label(page, 'Fine', 1.1712346)).toBe('1.171235');
  // The price pane keeps the symbol's five decimals.
  expect(await label(page, 'candles', 1.171234)).toBe('1.17123');
  const c = d.close[299] ?? NaN;
  const v = d.volume[299] ?? NaN; // 1000 + 299 * 1234 = 369966 → 369.966K
  expect(v).toBe(369966);
  const lg = await legend(page);
  expect(lg?.text).toContain(`P ${c.toFixed(3)}`);
  expect(lg?.text).toContain(`Pct ${(c * 100).toFixed(1)}%`);
  expect(lg?.text).toContain('Vol 369.966K');
  expect(lg?.text).toContain(`Fine ${c.toFixed(6)}`);
  await testInfo.attach('formats.png', { body: await page.getByTestId('chart').screenshot(), contentType: 'image/png' });
  expect(errors).toEqual([]);
});
