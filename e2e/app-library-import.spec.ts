// Libraries in the app: a script that says `import someone/Levels/1 as L` uses the script of the
// user's list that declares `library("Levels")` — its exported function, type and method — and a
// script importing a library no script declares gets one error naming it. Expected values are the
// sample CSV's bars.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSource, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

const LIBRARY = `//@version=6
// @description Price levels drawn as lines.
library("Levels", overlay = true)
export type Level
    float price
    string name = "level"
export mid(float a, float b) => (a + b) / 2
export method draw(Level this, int x1, int x2, color c) =>
    line.new(x1, this.price, x2, this.price, color = c)
plot(close, "Library close")
`;

const USER = `//@version=6
indicator("Uses Levels", overlay = true)
import someone/Levels/1 as L
m = L.mid(high, low)
plot(m, "Mid")
if barstate.islast
    L.Level lv = L.Level.new(m)
    lv.draw(bar_index - 10, bar_index, color.red)
`;

async function newScript(page: Page, source: string): Promise<void> {
  const before = (await appState(page)).runId;
  await page.getByTestId('new-script').selectOption('(blank)');
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
  await setSource(page, source);
}

async function run(page: Page): Promise<void> {
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before, { timeout: 60_000 });
  await waitSettled(page);
}

test('a script imports a library from the script list; an unknown library is one error naming it', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await newScript(page, LIBRARY);
  await run(page);
  await expect(page.getByTestId('diagnostic')).toHaveCount(0);

  await newScript(page, USER);
  await run(page);
  await expect(page.getByTestId('diagnostic')).toHaveCount(0);
  const rows = sampleRows();
  const last = rows.length - 1;
  const mid = (i: number) => ((rows[i]?.high ?? NaN) + (rows[i]?.low ?? NaN)) / 2;
  const values = await page.evaluate(() => (window as unknown as Ev).evergreen.plotValues('Mid'));
  expect(values[0]).toBeCloseTo(mid(0), 6);
  expect(values[last]).toBeCloseTo(mid(last), 6);
  // The library's method drew the line: from 10 bars back to the last bar at the last bar's mid.
  await expect.poll(async () => (await page.evaluate(() => (window as unknown as Ev).evergreen.drawings())).filter((d) => d.kind === 'line').length).toBe(1);
  const line = (await page.evaluate(() => (window as unknown as Ev).evergreen.drawings())).find((d) => d.kind === 'line');
  expect(line?.coords[0]?.[0]).toBe(last - 10);
  expect(line?.coords[1]?.[0]).toBe(last);
  expect(line?.coords[0]?.[1]).toBeCloseTo(mid(last), 6);

  await setSource(page, USER.replace('someone/Levels/1', 'someone/Missing/1'));
  await expect(page.getByTestId('diagnostic')).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByTestId('diagnostic')).toContainText('Missing');
  expect(errors).toEqual([]);
});
