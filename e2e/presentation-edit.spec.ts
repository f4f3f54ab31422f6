// Issue 15 item 11: an edit that only changes how a script is drawn (a plot color, a line width) and
// Run keep the run — no bar of history runs again (window.evergreen.lastRun() reports a restore
// that kept the run, 0 bars run) — and the chart redraws every bar in the new color (its pixels, read
// from the chart's canvases, span the chart); a reload restores the kept run. An edit of a computed
// constant runs every bar again. Screenshots of the chart before and after are kept as artifacts.

import { expect, test, type Page, type TestInfo } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { allPlotValues, appState, openApp, setSource, waitSettled, watchErrors } from './helpers.js';

const SCRIPT = `//@version=6
indicator("Colors kept", overlay=false)
var float acc = 0.0
acc += close - open
plot(acc, "Acc", color=#FF00FF, linewidth=3)
`;
const RECOLORED = SCRIPT.replace('color=#FF00FF, linewidth=3', 'color=#00FFFF, linewidth=4');
const RECOMPUTED = SCRIPT.replace('acc += close - open', 'acc += (close - open) * 2');

type LastRun = ReturnType<EvergreenDebug['lastRun']>;

async function lastRun(page: Page): Promise<LastRun> {
  return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.lastRun());
}

async function run(page: Page): Promise<void> {
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page);
  await page.waitForTimeout(300);
}

/** Pixels of exactly this color on the chart's canvases: how many, and the leftmost and rightmost
 * as a fraction of the canvas width. */
async function colorPixels(page: Page, rgb: [number, number, number]): Promise<{ count: number; left: number; right: number }> {
  return page.evaluate((c) => {
    let count = 0;
    let left = 1;
    let right = 0;
    for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid="chart"] canvas'))) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
      const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] === c[0] && d[i + 1] === c[1] && d[i + 2] === c[2] && (d[i + 3] ?? 0) > 200) {
          count++;
          const x = ((i / 4) % canvas.width) / canvas.width;
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
      }
    }
    return { count, left, right };
  }, rgb);
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.getByTestId('chart').screenshot(), contentType: 'image/png' });
}

test('a plot color change goes on without running history again; every bar is redrawn in the new color', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openApp(page);
  await setSource(page, SCRIPT);
  await run(page);
  const first = await appState(page);
  const n = first.barIndex + 1;
  expect(await lastRun(page)).toMatchObject({ status: 'done', barsRun: n, kept: null });
  const values = await allPlotValues(page);
  const magenta = await colorPixels(page, [255, 0, 255]);
  expect(magenta.count).toBeGreaterThan(100);
  await shot(page, testInfo, 'presentation-before.png');

  await setSource(page, RECOLORED);
  await run(page);
  expect(await lastRun(page)).toEqual({ status: 'restored', lastBar: n - 1, barsRun: 0, kept: 'presentation' });
  const after = await appState(page);
  expect(after.barIndex).toBe(n - 1);
  expect(await allPlotValues(page)).toEqual(values);
  await expect(page.getByTestId('notice').filter({ hasText: 'drawn changed' })).toBeVisible();
  const cyan = await colorPixels(page, [0, 255, 255]);
  expect(cyan.count).toBeGreaterThan(100);
  // The line crosses the whole chart: every bar in view is drawn in the new color, none in the old.
  expect(cyan.left).toBeLessThan(0.1);
  expect(cyan.right).toBeGreaterThan(0.8);
  expect((await colorPixels(page, [255, 0, 255])).count).toBe(0);
  await shot(page, testInfo, 'presentation-after.png');

  // A reload restores the kept run, drawn in the new color.
  await page.reload();
  const reloaded = await waitSettled(page);
  expect(reloaded.restoredBar).toBe(n - 1);
  await page.waitForTimeout(300);
  expect(await allPlotValues(page)).toEqual(values);
  expect((await colorPixels(page, [0, 255, 255])).count).toBeGreaterThan(100);

  // A computed constant changes: every bar runs again.
  await setSource(page, RECOMPUTED);
  await run(page);
  expect(await lastRun(page)).toMatchObject({ status: 'done', barsRun: n, kept: null });
  const doubled = await allPlotValues(page);
  const acc = values['0:Acc:series'] ?? [];
  expect(acc.length).toBe(n);
  expect(doubled['0:Acc:series']?.[n - 1]).toBeCloseTo((acc[n - 1] ?? 0) * 2, 6);
  expect(errors).toEqual([]);
});
