// Choosing where a replay starts as on TradingView: by clicking a bar on the chart, or by a date;
// and scrolling the chart to a date. Bars of dates are found here in the sample CSV.

import { expect, test } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

test('the replay starts at a bar clicked on the chart, or at a date', async ({ page }) => {
  const errors = watchErrors(page);
  const csv = sampleRows();
  await openApp(page);
  const box = await page.getByTestId('chart').boundingBox();
  if (!box) throw new Error('no chart');

  // The bar under the cursor (as the legend reports it), then a click there while picking.
  await page.getByTestId('replay-pick').click();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const hovered = await page.evaluate(() => (window as unknown as Ev).evergreen.legend()?.bar ?? -1);
  expect(hovered).toBeGreaterThan(csv.length - 1000);
  const run0 = (await appState(page)).runId;
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, run0);
  let s = await waitSettled(page);
  expect(s.replay?.from).toBe(hovered);
  expect(s.barIndex).toBe(hovered - 1);

  // A date: the first bar on or after 2019-01-02 in the CSV.
  await page.getByTestId('replay-exit').click();
  await page.waitForFunction(() => (window as unknown as Ev).evergreen.state().replay?.from === null);
  s = await waitSettled(page);
  const want = csv.findIndex((r) => r.time >= Date.UTC(2019, 0, 2));
  expect(want).toBeGreaterThan(0);
  await page.getByTestId('replay-date').fill('2019-01-02');
  const run1 = s.runId;
  await page.getByTestId('replay-date-set').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, run1);
  s = await waitSettled(page);
  expect(s.replay?.from).toBe(want);
  expect(errors).toEqual([]);
});

test('"Go to" scrolls the chart to a date', async ({ page }) => {
  const csv = sampleRows();
  await openApp(page);
  const want = csv.findIndex((r) => r.time >= Date.UTC(2005, 5, 1));
  await page.getByTestId('jump-date').fill('2005-06-01');
  await page.getByTestId('jump-go').click();
  await expect
    .poll(async () => {
      const c = await page.evaluate(() => (window as unknown as Ev).evergreen.chart());
      return c?.visible !== null && c?.visible !== undefined && c.visible[0] <= want && want <= c.visible[1];
    })
    .toBe(true);
  const c = await page.evaluate(() => (window as unknown as Ev).evergreen.chart());
  expect(c?.visible?.[0] ?? 0).toBeLessThan(csv.length - 1000);
});
