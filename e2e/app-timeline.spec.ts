// The checkpoint timeline under the chart: every checkpoint of the chart at its bar, one lane per
// replay branch; the snapshot inspector shows a checkpoint's variables, sizes and inputs (a bar
// counter's value is the bar + 1, checked by hand); Fork continues from an older checkpoint in a new
// branch and keeps the later checkpoints of the old one; Restore goes back to the old branch; a
// branch that is not the current one can be deleted.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, setSource, startReplay, stepBars, waitSettled, watchErrors } from './helpers.js';

const SCRIPT = `//@version=6
indicator("Counter", overlay=true)
len = input.int(5, "Length")
var int bars = 0
bars += 1
plot(ta.sma(close, len), "SMA")
`;

async function saveNow(page: Page): Promise<number> {
  const bar = (await appState(page)).barIndex;
  await page.getByTestId('checkpoint-now').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().checkpointBar === b, bar);
  return bar;
}

function lane(page: Page, label: string) {
  return page.locator(`[data-testid="timeline-lane"][data-label="${label}"]`);
}

function mark(page: Page, label: string, bar: number) {
  return lane(page, label).locator(`[data-testid="timeline-mark"][data-bar="${bar}"]`).first();
}

test('the timeline lists the checkpoints, inspects one, forks a branch, restores the other and deletes a branch', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  const first = await openApp(page);
  await setSource(page, SCRIPT);
  await page.getByTestId('run').click();
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotTitles().includes('SMA'));
  await waitSettled(page);
  const from = first.totalBars - 30;
  await startReplay(page, from);
  await stepBars(page, 3);
  const a = await saveNow(page);
  await stepBars(page, 3);
  const b = await saveNow(page);
  expect([a, b]).toEqual([from + 2, from + 5]);

  await expect(page.getByTestId('timeline-lane')).toHaveCount(1);
  await expect(mark(page, 'main', a)).toBeVisible();
  await expect(mark(page, 'main', b)).toHaveAttribute('data-current', '1');

  // The inspector: the counter is bar + 1 at the checkpoint, the input as it was run.
  await mark(page, 'main', a).click();
  const inspector = page.getByTestId('snapshot-inspector');
  await expect(inspector.locator('[data-testid="inspector-variable"][data-name="bars"]')).toHaveAttribute('data-value', String(a + 1));
  await expect(inspector.locator('[data-testid="inspector-input"][data-name="len"]')).toHaveAttribute('data-value', '5');
  const total = Number(await inspector.locator('[data-testid="inspector-size"][data-section="total"]').getAttribute('data-bytes'));
  const parts = await inspector.locator('[data-testid="inspector-size"]').evaluateAll((rows) =>
    rows.filter((r) => !['total', 'outputs'].includes(r.getAttribute('data-section') ?? '')).map((r) => Number(r.getAttribute('data-bytes') || 0)),
  );
  expect(total).toBeGreaterThan(0);
  expect(parts).toHaveLength(4);
  expect(parts.every((n) => n > 0)).toBe(true);
  expect(parts.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(total);
  await expect(inspector.getByTestId('inspector-text')).toContainText(`last bar       ${a}`);
  await testInfo.attach('timeline-and-inspector', { body: await page.locator('.chart-pane').screenshot(), contentType: 'image/png' });

  // Fork from it: the run goes back to that bar in a new branch; the old branch keeps its later one.
  await page.getByTestId('timeline-fork').click();
  await page.waitForFunction((bar) => {
    const s = (window as unknown as { evergreen: EvergreenDebug }).evergreen.state();
    return s.barIndex === bar && s.restoredBar === bar;
  }, a);
  await waitSettled(page);
  await expect(page.getByTestId('timeline-lane')).toHaveCount(2);
  await expect(mark(page, 'fork 1', a)).toHaveAttribute('data-current', '1');
  await expect(mark(page, 'main', b)).toBeVisible();
  await expect(lane(page, 'fork 1').getByTestId('timeline-delete-branch')).toBeDisabled();
  await stepBars(page, 2);
  const c = await saveNow(page);
  expect(c).toBe(a + 2);
  await expect(mark(page, 'fork 1', c)).toHaveAttribute('data-current', '1');
  await expect(mark(page, 'main', b)).toBeVisible();

  // Restore the old branch's later checkpoint: back at its bar, saving to that branch again.
  await mark(page, 'main', b).click();
  await page.getByTestId('timeline-restore').click();
  await page.waitForFunction((bar) => {
    const s = (window as unknown as { evergreen: EvergreenDebug }).evergreen.state();
    return s.barIndex === bar && s.restoredBar === bar;
  }, b);
  await waitSettled(page);
  await expect(mark(page, 'main', b)).toHaveAttribute('data-current', '1');

  // The fork is no longer current: it can be deleted, and its checkpoints go.
  await lane(page, 'fork 1').getByTestId('timeline-delete-branch').click();
  await expect(page.getByTestId('timeline-lane')).toHaveCount(1);
  await expect(page.locator('[data-testid="timeline-mark"][data-branch^="fork"]')).toHaveCount(0);
  await expect(mark(page, 'main', b)).toBeVisible();
  expect(errors).toEqual([]);
});
