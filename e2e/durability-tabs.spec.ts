// Several tabs on one store (issue 11, item 10): the checkpoints of a run are written by one tab
// at a time (a Web Lock per run); another tab on the same run follows it, saves nothing while the
// writer lives, and takes over when the writer's tab closes. Reloads while checkpoints are being
// written (a playing replay saves one every second) never lose or damage one: every reload
// comes back at a checkpoint at least as new as the one before, with every plot value equal to an
// uninterrupted run's.

import { expect, test, type Browser, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { allPlotValues, appState, openApp, sampleRows, setSpeed, startReplay, stepBars, waitRestored, waitSettled, watchErrors } from './helpers.js';

const N = sampleRows().length;

/** Plot values of a plain history run over every bar (the reference). */
async function reference(browser: Browser): Promise<Record<string, (number | null)[]>> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await openApp(page);
  const values = await allPlotValues(page);
  await ctx.close();
  return values;
}

function upTo(values: Record<string, (number | null)[]>, n: number): Record<string, (number | null)[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, n)]));
}

async function waitWriter(page: Page, writer: boolean): Promise<void> {
  await page.waitForFunction((w) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().writer === w, writer, { timeout: 30_000 });
}

async function waitCheckpointBar(page: Page, bar: number): Promise<void> {
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().checkpointBar === b, bar, { timeout: 30_000 });
}

test('two tabs on one run: one writes its checkpoints, the other follows and takes over when the writer closes; no checkpoint is lost', async ({ browser }) => {
  test.setTimeout(240_000);
  const ref = await reference(browser);
  const ctx = await browser.newContext();
  const a = await ctx.newPage();
  const errorsA = watchErrors(a);
  await openApp(a);
  await startReplay(a, N - 100);
  await waitWriter(a, true);
  // The replay's start is checkpointed (the second tab restores it): under load that can come
  // after the writer's lock, and a tab opened before it would run the history itself.
  await waitCheckpointBar(a, N - 101);

  // The second tab opens the same session: the same run, restored from the first tab's checkpoint.
  const b = await ctx.newPage();
  const errorsB = watchErrors(b);
  await b.goto('/');
  expect(await waitRestored(b)).toBe(N - 101);
  await waitSettled(b);
  await waitWriter(b, false);
  await expect(b.getByTestId('status-writer')).toBeVisible();

  // Both step at the same moment; only the writer saves (its newest checkpoint at its bar).
  await Promise.all([stepBars(a, 10), stepBars(b, 3)]);
  await waitCheckpointBar(a, N - 91);
  await a.waitForTimeout(1500);
  const saved = (await appState(a)).snapshots;
  // The follower steps on after that: it must not replace the writer's newer work.
  await stepBars(b, 2);
  await b.waitForTimeout(1500);
  // Newest first: the writer's last checkpoint; nothing was added by the follower.
  const stored = (await appState(a)).snapshots;
  expect(stored.every((x) => x.status === 'ok')).toBe(true);
  expect(stored[0]?.bar).toBe(N - 91);
  expect(stored.map((x) => x.id)).toEqual(saved.map((x) => x.id));

  // A reload of the writer comes back where it was, every value intact. Its page going away let
  // the follower take the lock over, but the follower is behind (N-96): it saves nothing.
  await a.reload();
  expect(await waitRestored(a)).toBe(N - 91);
  await waitSettled(a);
  expect(await allPlotValues(a)).toEqual(upTo(ref, N - 90));
  await waitWriter(b, true);
  await waitWriter(a, false);
  await b.waitForTimeout(1500);
  expect((await appState(b)).snapshots[0]?.bar).toBe(N - 91);

  // The new writer steps past it: its checkpoints are saved again.
  await stepBars(b, 10);
  await waitCheckpointBar(b, N - 86);

  // The writer's tab closes: the other takes over, says so, and restores the newest work on reload.
  await b.close();
  await waitWriter(a, true);
  expect((await appState(a)).notices.some((n) => n.code === 'writer')).toBe(true);
  await a.reload();
  expect(await waitRestored(a)).toBe(N - 86);
  await waitSettled(a);
  expect(await allPlotValues(a)).toEqual(upTo(ref, N - 85));
  expect((await appState(a)).snapshots.every((x) => x.status === 'ok')).toBe(true);
  expect(errorsA).toEqual([]);
  expect(errorsB).toEqual([]);
  await ctx.close();
});

test('reloads while a playing replay writes a checkpoint every second lose none and damage none', async ({ browser }) => {
  test.setTimeout(300_000);
  const ref = await reference(browser);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await openApp(page);
  const from = N - 400;
  await startReplay(page, from);
  await setSpeed(page, 25);
  let last = from - 1;
  await page.getByTestId('replay-play').click();
  // Reloads at moments spread over the checkpoint period; the replay goes on after each restore.
  for (const delay of [1300, 2600, 1900]) {
    await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().barIndex > b, last + 10);
    await page.waitForTimeout(delay);
    await page.reload();
    const bar = await waitRestored(page);
    expect(bar).toBeGreaterThanOrEqual(last);
    const s = await appState(page);
    expect(s.snapshots.every((x) => x.status === 'ok')).toBe(true);
    // Every value on the page (up to wherever the resumed replay is) is the uninterrupted run's.
    const values = await allPlotValues(page);
    const rows = Object.values(values)[0]?.length ?? 0;
    expect(rows).toBeGreaterThan(bar);
    expect(values).toEqual(upTo(ref, rows));
    last = bar;
    if (last >= N - 20) break;
  }
  expect(last).toBeGreaterThan(from + 30);
  expect(errors).toEqual([]);
  await ctx.close();
});
