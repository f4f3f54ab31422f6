// Replay as a live feed: 300 bars fed one at a time with intrabar ticks, a reload in the middle,
// and the app coming back at its last checkpoint and finishing the replay. Every plot value at the
// end equals an uninterrupted replay's, and a plain history run's.

import { expect, test, type Browser, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { allPlotValues, appState, openApp, sampleRows, setSpeed, startReplay, stepBars, waitReplayEnd, waitRestored, waitSettled, watchErrors } from './helpers.js';

const N = sampleRows().length;
const FROM = N - 300;

async function freshPage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext();
  return ctx.newPage();
}

test('replay 300 bars, reload mid-replay: resumes at the last checkpoint and ends equal to an uninterrupted run', async ({ browser }) => {
  // Reference 1: a plain history run over every bar.
  const plain = await freshPage(browser);
  await openApp(plain);
  const historyValues = await allPlotValues(plain);
  await plain.context().close();

  // Reference 2: the same replay, uninterrupted, as fast as it goes.
  const ref = await freshPage(browser);
  await openApp(ref);
  await startReplay(ref, FROM);
  await setSpeed(ref, 0);
  await ref.getByTestId('replay-play').click();
  await waitReplayEnd(ref);
  const replayValues = await allPlotValues(ref);
  await ref.context().close();
  expect(Object.keys(replayValues).length).toBeGreaterThan(5);
  expect(replayValues).toEqual(historyValues);

  // The interrupted one: 50 bars per second, reload once a replay checkpoint exists.
  const page = await freshPage(browser);
  const errors = watchErrors(page);
  await openApp(page);
  await startReplay(page, FROM);
  await setSpeed(page, 50);
  await page.getByTestId('replay-play').click();
  await page.waitForFunction(
    (from) => {
      const s = (window as unknown as { evergreen: EvergreenDebug }).evergreen.state();
      return s.checkpointBar !== null && s.checkpointBar >= from + 40 && s.barIndex > s.checkpointBar + 5;
    },
    FROM,
    { timeout: 30_000, polling: 20 },
  );
  const before = await appState(page);
  expect(before.replay?.playing).toBe(true);
  expect(before.barIndex).toBeLessThan(N - 50);
  await page.reload();
  // Back at a checkpoint at least as recent as the last one shown, before the bar it had reached.
  await waitRestored(page);
  const after = await appState(page);
  expect(after.restoredBar).not.toBeNull();
  expect(after.restoredBar ?? -1).toBeGreaterThanOrEqual(before.checkpointBar ?? Infinity);
  expect(after.restoredBar ?? Infinity).toBeLessThan(N - 1);
  // It keeps replaying on its own and reaches the end.
  const end = await waitReplayEnd(page);
  expect(end.barIndex).toBe(N - 1);
  expect(end.rows).toBe(N);
  const values = await allPlotValues(page);
  expect(values).toEqual(replayValues);
  expect(errors).toEqual([]);
});

test('step feeds one bar at a time and the status bar follows', async ({ page }) => {
  await openApp(page);
  await startReplay(page, N - 20);
  await expect(page.getByTestId('status-bar-index')).toHaveText(String(N - 21));
  await stepBars(page, 3);
  await expect(page.getByTestId('status-bar-index')).toHaveText(String(N - 18));
  const s = await waitSettled(page);
  expect(s.candles).toBe(N - 17);
  expect(s.replay?.next).toBe(N - 17);
  // Play pauses on demand.
  await setSpeed(page, 5);
  await page.getByTestId('replay-play').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().barIndex >= b, N - 16);
  await page.getByTestId('replay-pause').click();
  await page.waitForFunction(() => !(window as unknown as { evergreen: EvergreenDebug }).evergreen.state().replay?.playing);
  const paused = (await appState(page)).barIndex;
  await page.waitForTimeout(600);
  expect((await appState(page)).barIndex).toBe(paused);
});
