// Checkpoints in IndexedDB: a corrupted one is reported and skipped while an older good one is
// restored; one made with an earlier version of the script is kept, marked stale, and the app runs
// from scratch saying why; an exported one restores the app at the same bar in emptied storage.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { allPlotValues, appState, corruptNewestSnapshot, openApp, sampleRows, setSource, startReplay, stepBars, waitReplayEnd, waitSettled, setSpeed, watchErrors } from './helpers.js';

const N = sampleRows().length;

/** Plot values truncated to bars [0, n). */
function upTo(values: Record<string, (number | null)[]>, n: number): Record<string, (number | null)[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, n)]));
}

async function saveNow(page: import('@playwright/test').Page, bar: number): Promise<void> {
  await page.getByTestId('checkpoint-now').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().snapshots.some((s) => s.bar === b && s.kind === 'manual'), bar);
  await expect(page.getByTestId('status-checkpoint')).toHaveText(String(bar));
}

test('a corrupted checkpoint is reported and skipped; an older good one is restored and usable', async ({ page, browser }) => {
  const refPage = await (await browser.newContext()).newPage();
  await openApp(refPage);
  const reference = await allPlotValues(refPage);
  await refPage.context().close();

  const errors = watchErrors(page);
  await openApp(page);
  await startReplay(page, N - 50);
  await stepBars(page, 5);
  await saveNow(page, N - 46);
  // Keep only the manual checkpoint at N - 46 (a throttled automatic one may have been taken while
  // stepping), so the one to fall back to is an older bar.
  for (const x of (await appState(page)).snapshots.filter((y) => y.bar === N - 46 && y.kind === 'auto')) {
    await page.locator(`[data-testid="snapshot-row"][data-id="${x.id}"] [data-testid="snapshot-delete"]`).click();
    await expect(page.locator(`[data-testid="snapshot-row"][data-id="${x.id}"]`)).toHaveCount(0);
  }
  const list = (await appState(page)).snapshots.filter((s) => s.status === 'ok');
  expect(list[0]?.bar).toBe(N - 46);
  const olderGood = list[1]?.bar ?? -1;
  expect(olderGood).toBeGreaterThanOrEqual(N - 51);
  expect(olderGood).toBeLessThan(N - 46);

  const damaged = await corruptNewestSnapshot(page);
  expect(damaged.bar).toBe(N - 46);
  await page.reload();
  const s = await waitSettled(page);
  // Reported in the UI, marked in the list, and the older checkpoint restored.
  const notice = page.getByTestId('notice').filter({ hasText: `checkpoint at bar ${N - 46}` });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('skipped');
  expect(s.restoredBar).toBe(olderGood);
  await expect(page.getByTestId('status-checkpoint')).toHaveText(String(olderGood));
  await expect(page.locator(`[data-testid="snapshot-row"][data-id="${damaged.id}"]`)).toHaveAttribute('data-status', 'corrupt');
  await expect(page.locator('[data-testid="snapshot-row"][data-status="corrupt"]')).toHaveCount(1);
  expect((await appState(page)).snapshots.filter((x) => x.status === 'ok').length).toBeGreaterThanOrEqual(1);
  expect(s.rows).toBe(olderGood + 1);
  expect(await allPlotValues(page)).toEqual(upTo(reference, olderGood + 1));

  // The restored run goes on to the end and agrees with an uninterrupted run.
  await setSpeed(page, 0);
  await page.getByTestId('replay-play').click();
  await waitReplayEnd(page);
  expect(await allPlotValues(page)).toEqual(reference);
  // A reload now restores the newest good checkpoint, never the corrupt one.
  await page.reload();
  const again = await waitSettled(page);
  expect(again.restoredBar).toBe(N - 1);
  // The restored chart shows the last candle, and the first one once scrolled back to it.
  const rows = sampleRows();
  const candle = (bar: number) => page.evaluate((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.candleAt(b), bar);
  const expected = (bar: number) => {
    const r = rows[bar];
    return r ? { time: r.time / 1000, open: r.open, high: r.high, low: r.low, close: r.close } : null;
  };
  expect(await candle(N - 1)).toEqual(expected(N - 1));
  await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.scrollToBar(0));
  expect(await candle(0)).toEqual(expected(0));
  expect(errors.filter((e) => !e.includes('checkpoint'))).toEqual([]);
});

test('a checkpoint whose script changed is kept, marked stale, and the app runs from scratch saying why', async ({ page }) => {
  const first = await openApp(page);
  expect(first.checkpointBar).toBe(N - 1);
  const original = await allPlotValues(page);
  const source = await page.evaluate(() => document.querySelector('.cm-content')?.textContent ?? '');
  expect(source).toContain('input.int(20, "Fast MA length"');

  // Edit the script (saved as it is typed) without running it, then reload.
  const text = await page.evaluate(async () => {
    const r = await fetch('/samples/scripts/bollinger-ma.pine');
    return r.text();
  });
  await setSource(page, text.replace('input.int(20, "Fast MA length"', 'input.int(10, "Fast MA length"'));
  await page.waitForTimeout(800); // the editor saves after a pause in typing
  await page.reload();
  const s = await waitSettled(page);
  expect(s.restoredBar).toBeNull();
  const notice = page.getByTestId('notice').filter({ hasText: 'marked stale' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(`bar ${N - 1}`);
  await expect(notice).toContainText('runs from the first bar');
  await expect(page.locator('[data-testid="snapshot-row"][data-status="stale"]')).toHaveCount(1);
  // The new run's values differ (fast MA of 10 bars), and it has its own good checkpoint.
  const now = await allPlotValues(page);
  expect(now['0:Fast MA:series']).not.toEqual(original['0:Fast MA:series']);
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().snapshots.some((x) => x.status === 'ok'));

  // Restoring the stale checkpoint brings the old version back as a copy of the script.
  await page.locator('[data-testid="snapshot-row"][data-status="stale"] [data-testid="snapshot-restore"]').click();
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().restoredBar !== null);
  const back = await waitSettled(page);
  expect(back.restoredBar).toBe(N - 1);
  await expect(page.getByTestId('script-select').locator('option:checked')).toContainText('(from checkpoint)');
  expect(await allPlotValues(page)).toEqual(original);
});

test('export a checkpoint, clear the site storage, import it: the app continues from the same bar', async ({ page, browser }) => {
  const refPage = await (await browser.newContext()).newPage();
  await openApp(refPage);
  const reference = await allPlotValues(refPage);
  await refPage.context().close();

  await openApp(page);
  await startReplay(page, N - 100);
  await stepBars(page, 10);
  const bar = N - 91;
  await saveNow(page, bar);
  const row = page.locator(`[data-testid="snapshot-row"][data-bar="${bar}"]`).first();
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('snapshot-export').click()]);
  expect(download.suggestedFilename()).toMatch(/-bar\d+\.evergreen$/);
  const file = join(tmpdir(), `evergreen-e2e-${Date.now()}.evergreen`);
  await download.saveAs(file);

  // Clear the site's storage (as the browser's "clear site data" does), then reload: a new start.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const r = indexedDB.deleteDatabase('evergreen');
        r.onsuccess = () => resolve();
        r.onerror = () => reject(r.error);
      }),
  );
  await page.reload();
  const fresh = await waitSettled(page);
  expect(fresh.restoredBar).toBeNull();
  expect(fresh.snapshots.every((x) => x.bar === N - 1)).toBe(true);
  expect(fresh.replay?.from).toBeNull();

  await page.getByTestId('snapshot-import-input').setInputFiles(file);
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().restoredBar === b, bar);
  const s = await waitSettled(page);
  await expect(page.getByTestId('status-checkpoint')).toHaveText(String(bar));
  await expect(page.getByTestId('status-bar-index')).toHaveText(String(bar));
  expect(s.replay?.from).toBe(N - 100);
  expect(s.replay?.next).toBe(bar + 1);
  expect(await allPlotValues(page)).toEqual(upTo(reference, bar + 1));
  await expect(page.getByTestId('notice').filter({ hasText: `continuing from bar ${bar + 1}` })).toBeVisible();
  // It continues from the next bar.
  await stepBars(page, 1);
  expect(await allPlotValues(page)).toEqual(upTo(reference, bar + 2));

  // A file that is not a checkpoint is refused with a message.
  const junk = join(tmpdir(), `evergreen-e2e-junk-${Date.now()}.evergreen`);
  writeFileSync(junk, 'not a checkpoint');
  await page.getByTestId('snapshot-import-input').setInputFiles(junk);
  await expect(page.getByTestId('notice').filter({ hasText: 'Not a valid Evergreen checkpoint file' })).toBeVisible();
  expect((await appState(page)).barIndex).toBe(bar + 1);
});
