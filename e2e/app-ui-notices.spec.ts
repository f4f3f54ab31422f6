// Messages do not pile up or go stale: failed runs show one message for their cause in the problem
// area, which goes away once the script compiles or another run starts; "Clear all" clears it; the
// status bar shows no "Bar -1" and no "Compile errors" once the source compiles.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, setSource, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

const GOOD = `//@version=6
indicator("Fine")
plot(close, "C")
`;
const BROKEN = `//@version=6
indicator("Broken")
plot(close + nope, "C")
`;
const FAILS = `//@version=6
indicator("Fails")
if bar_index == 50
    runtime.error("bar 50 fails")
plot(close, "C")
`;

async function runClick(page: Page): Promise<void> {
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
}

test('failed runs leave one message that goes when its cause does', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  const notices = page.getByTestId('notice');

  await setSource(page, BROKEN);
  await expect(page.getByTestId('diagnostic')).toHaveCount(1);
  for (let i = 0; i < 3; i++) await runClick(page);
  await expect(notices.filter({ hasText: 'The script has 1 error' })).toHaveCount(1);
  await expect(page.getByTestId('problem-area')).toHaveCount(1);
  await expect(page.getByTestId('status-state')).toHaveText('Compile errors');
  await expect(page.getByTestId('status-bar-index')).toHaveText('—');

  // Fixed: the compile message and the status go without running.
  await setSource(page, GOOD);
  await expect(page.getByTestId('diagnostic')).toHaveCount(0);
  await expect(notices.filter({ hasText: 'error' })).toHaveCount(0);
  await expect(page.getByTestId('status-state')).not.toHaveText('Compile errors');

  // A runtime error, twice: one message; the next good run removes it.
  await setSource(page, FAILS);
  await page.waitForTimeout(600);
  await runClick(page);
  await expect(notices.filter({ hasText: 'bar 50 fails' })).toHaveCount(1);
  await runClick(page);
  await expect(page.getByTestId('runtime-error')).toBeVisible();
  await expect(notices.filter({ hasText: 'bar 50 fails' })).toHaveCount(1);
  await setSource(page, GOOD);
  await page.waitForTimeout(600);
  await runClick(page);
  await waitSettled(page);
  await expect(notices.filter({ hasText: 'bar 50 fails' })).toHaveCount(0);
  await expect(page.getByTestId('problem-area')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('"Clear all" in the problem area and clearing storage remove every message', async ({ page }) => {
  await openApp(page);
  await setSource(page, BROKEN);
  await expect(page.getByTestId('diagnostic')).toHaveCount(1);
  await runClick(page);
  await expect(page.getByTestId('problem-area')).toBeVisible();
  await page.getByTestId('notices-clear').click();
  await expect(page.getByTestId('notice')).toHaveCount(0);

  await runClick(page);
  await expect(page.getByTestId('problem-area')).toBeVisible();
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('clear-storage').click();
  await waitSettled(page);
  await expect(page.getByTestId('problem-area')).toHaveCount(0);
  await expect(page.getByTestId('notice').filter({ hasText: 'error' })).toHaveCount(0);
  await expect(page.getByTestId('status-state')).not.toHaveText('Compile errors');
  await expect(page.getByTestId('status-bar-index')).not.toHaveText('-1');
});
