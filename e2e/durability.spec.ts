// Durability of confirmed bars (issue 11, item 8): every bar the replay confirmed is in a
// checkpoint within a second of the feed going idle, so a reload comes back at the last bar shown,
// and a paused replay stops on a confirmed bar that is saved too.

import { expect, test } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSpeed, startReplay, stepBars, waitRestored, watchErrors } from './helpers.js';

const N = sampleRows().length;

test('replay: step 5 bars, stay idle 1.5 s, reload: back at the last stepped bar', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await startReplay(page, N - 20);
  // History ran bars 0 .. N-21; five steps confirm N-20 .. N-16.
  await stepBars(page, 5);
  expect((await appState(page)).barIndex).toBe(N - 16);
  await page.waitForTimeout(1500);
  await page.reload();
  expect(await waitRestored(page)).toBe(N - 16);
  const s = await appState(page);
  expect(s.barIndex).toBe(N - 16);
  expect(s.replay?.next).toBe(N - 15);
  expect(errors).toEqual([]);
});

test('replay: pause while playing slowly, stay idle 1.5 s, reload: back at the last bar shown', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await startReplay(page, N - 40);
  // 5 bars a second: each bar forms over ~200 ms, so the pause lands while one is forming.
  await setSpeed(page, 5);
  await page.getByTestId('replay-play').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().barIndex >= b, N - 37);
  await page.getByTestId('replay-pause').click();
  await page.waitForFunction(() => !(window as unknown as { evergreen: EvergreenDebug }).evergreen.state().replay?.playing);
  const paused = await appState(page);
  await page.waitForTimeout(1500);
  // Nothing moved while paused, and the newest checkpoint holds the last confirmed bar.
  expect((await appState(page)).barIndex).toBe(paused.barIndex);
  expect((await appState(page)).checkpointBar).toBe(paused.barIndex);
  await page.reload();
  expect(await waitRestored(page)).toBe(paused.barIndex);
  expect(errors).toEqual([]);
});
