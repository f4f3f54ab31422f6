// Errors a user makes: a script with several compile errors shows each at its line:column (in the
// problems list and as marks in the editor) and nothing runs; a runtime error names its bar and line.

import { expect, test } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, setSource } from './helpers.js';

const BROKEN = `//@version=6
indicator("Broken", overlay=true)
len = input.int(14, "Length")
basis = ta.sma(close, "twenty")
plot(basis + undefinedThing, "Basis")
x = 1 +
`;

test('a script with errors shows each diagnostic at its line:column', async ({ page }) => {
  await openApp(page);
  await setSource(page, BROKEN);
  const items = page.getByTestId('diagnostic');
  await expect(items).toHaveCount(3);
  // Positions read off the source above: the ta.sma call (4:9), the unknown name (5:14), and the
  // end of the file where the expression after '+' is missing (6:8).
  const got = await items.evaluateAll((els) => els.map((e) => [e.getAttribute('data-line'), e.getAttribute('data-column'), e.textContent ?? '']));
  expect(got.map(([l, c]) => `${l}:${c}`)).toEqual(['4:9', '5:14', '6:8']);
  expect(got[0]?.[2]).toContain('4:9');
  expect(got[0]?.[2]).toContain("'ta.sma'");
  expect(got[1]?.[2]).toContain("Undeclared identifier 'undefinedThing'");
  expect(got[2]?.[2]).toContain("after '+'");
  // The editor marks them in place.
  await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
  expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThanOrEqual(2);
  // Running refuses with a message; the chart keeps its candles.
  await page.getByTestId('run').click();
  await expect(page.getByTestId('notice').filter({ hasText: 'The script has 3 errors' })).toBeVisible();
  await expect(page.getByTestId('status-state')).toHaveText('Compile errors');
  const s = await appState(page);
  expect(s.candles).toBeGreaterThan(5000);
  expect(s.rows).toBe(0);
  // Fixing the source clears the list.
  await setSource(page, BROKEN.replace('"twenty"', '20').replace(' + undefinedThing', '').replace('x = 1 +\n', ''));
  await expect(items).toHaveCount(0);
});

test('a runtime error shows its bar and line', async ({ page }) => {
  await openApp(page);
  await setSource(
    page,
    `//@version=6
indicator("Fails at 100")
v = close * 2
if bar_index == 100
    runtime.error("bar 100 is cursed")
plot(v, "Double")
`,
  );
  await expect(page.getByTestId('diagnostic')).toHaveCount(0);
  await page.getByTestId('run').click();
  const err = page.getByTestId('runtime-error');
  await expect(err).toBeVisible();
  await expect(err).toHaveAttribute('data-bar', '100');
  await expect(err).toHaveAttribute('data-line', '5');
  await expect(err).toContainText('bar 100 is cursed');
  await expect(page.getByTestId('log-runtime-error')).toContainText('Runtime error at bar 100, line 5:');
  await expect(page.getByTestId('status-state')).toHaveText('Runtime error');
  // Bars before the failing one were computed and drawn.
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().rows === 100);
  const v = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotValue('Double', 99));
  expect(v).not.toBeNull();
});

test('log.info and log.warning entries reach the log panel with their bar', async ({ page }) => {
  await openApp(page);
  await setSource(
    page,
    `//@version=6
indicator("Logs")
if bar_index % 1000 == 0
    log.info("milestone {0}", bar_index)
if bar_index == 1234
    log.warning("careful at {0}", bar_index)
plot(close, "Close")
`,
  );
  await page.getByTestId('run').click();
  const rows = page.getByTestId('log-row');
  await expect(rows).toHaveCount(7);
  await expect(rows.first()).toContainText('milestone 0');
  await expect(page.locator('.log-warning')).toContainText('careful at 1,234');
  await expect(page.locator('.log-warning .log-bar')).toHaveText('#1234');
});
