// The legend during a replay: with the cursor away from the chart it shows the newest bar as bars
// arrive (and after the replay ends); over the chart it shows the bar under the cursor.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSpeed, startReplay, stepBars, waitReplayEnd, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };
const legend = (page: Page) => page.evaluate(() => (window as unknown as Ev).evergreen.legend());

/** The sample's prices are 32-bit floats written with six decimals (1455.219971 for 1455.22): its
 * tick size is 0.01, so the legend shows two decimals. */
const fmt = (v: number) => v.toFixed(2);

test('the legend follows the newest bar during a replay when the cursor is away', async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  await openApp(page);
  const total = (await appState(page)).totalBars;
  const from = total - 20;
  await startReplay(page, from);
  await page.getByTestId('status-state').hover();
  await stepBars(page, 3);
  let s = await appState(page);
  let lg = await legend(page);
  expect(lg?.bar).toBe(s.barIndex);
  expect(lg?.text).toContain(`C ${fmt(rows[s.barIndex]?.close ?? NaN)}`);

  // Over the chart: the bar under the cursor (not the newest); away again: the newest.
  const box = await page.getByTestId('chart').boundingBox();
  if (!box) throw new Error('no chart box');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await expect.poll(async () => (await legend(page))?.bar).toBeLessThan(s.barIndex);
  await page.getByTestId('status-state').hover();
  await expect.poll(async () => (await legend(page))?.bar).toBe(s.barIndex);

  // Played to the end: the last bar.
  await setSpeed(page, 50);
  await page.getByTestId('replay-play').click();
  s = await waitReplayEnd(page);
  expect(s.barIndex).toBe(total - 1);
  lg = await legend(page);
  expect(lg?.bar).toBe(total - 1);
  expect(lg?.text).toContain(`C ${fmt(rows[total - 1]?.close ?? NaN)}`);
  expect(errors).toEqual([]);
});
