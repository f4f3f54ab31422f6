// An exported checkpoint (.evergreen) of a dataset imported with its symbol file (.toml) carries
// that file: a new browser (empty storage) imports the checkpoint and gets the same values and the
// same FX sessions (days from 17:00 New York, checked here from the bar times), then goes on with
// the replay exactly as the exporting browser did.

import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { allPlotValues, appState, openApp, setSource, startReplay, stepBars, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

const CSV = readFileSync(new URL('../tests/fixtures/ohlcv/eurusd-1h-2022-2025.csv', import.meta.url), 'utf8').trim().split('\n').slice(0, 401).join('\n');
const TOML = readFileSync(new URL('../tests/fixtures/tradingview/ta/vwap.toml', import.meta.url));
const SCRIPT = `//@version=6
indicator("FX days")
plot(time("D"), "day")
plot(time_close("D"), "dayEnd")
plot(ta.sma(close, 5), "sma")
plot(request.security(syminfo.tickerid, "1D", ta.sma(close, 2)), "daily")
`;
const FROM = 300;

async function nextRun(page: Page, act: () => Promise<void>): Promise<void> {
  const before = (await appState(page)).runId;
  await act();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
}

const nyHour = (ms: number): number => Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(ms));
const nyClock = (ms: number): string => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);

function upTo(values: Record<string, (number | null)[]>, n: number): Record<string, (number | null)[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, n)]));
}

test('a checkpoint exported with its symbol file imports in a new browser with the same values and sessions', async ({ page, browser }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await nextRun(page, () => page.getByTestId('csv-input').setInputFiles({ name: 'EURUSD.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) }));
  await nextRun(page, () => page.getByTestId('csv-input').setInputFiles({ name: 'eurusd.toml', mimeType: 'application/toml', buffer: TOML }));
  await setSource(page, SCRIPT);
  await nextRun(page, () => page.getByTestId('run').click());
  await startReplay(page, FROM);
  const row = page.locator(`[data-testid="snapshot-row"][data-bar="${FROM - 1}"]`).first();
  await expect(row).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('snapshot-export').click()]);
  const file = join(tmpdir(), `evergreen-e2e-symbol-${Date.now()}.evergreen`);
  await download.saveAs(file);
  await stepBars(page, 5);
  const reference = await allPlotValues(page);
  expect(reference['0:day:series']?.length).toBe(FROM + 5);

  // A new browser: nothing stored, the file alone.
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  const otherErrors = watchErrors(other);
  await openApp(other);
  await other.getByTestId('snapshot-import-input').setInputFiles(file);
  await other.waitForFunction((b) => (window as unknown as Ev).evergreen.state().restoredBar === b, FROM - 1);
  await waitSettled(other);
  expect(await allPlotValues(other)).toEqual(upTo(reference, FROM));
  await stepBars(other, 5);
  const after = await allPlotValues(other);
  expect(after).toEqual(reference);
  // FX sessions (the symbol file's): every new day opens at 17:00 New York (none at 00:00 UTC) and
  // closes at the session end the file gives, 16:59:50 New York.
  const day = after['0:day:series'] ?? [];
  const end = after['1:dayEnd:series'] ?? [];
  let starts = 0;
  for (let i = 1; i < day.length; i++) {
    if (day[i] === day[i - 1]) continue;
    starts++;
    expect(nyHour(day[i] as number)).toBe(17);
    expect(nyClock(end[i] as number)).toBe('16:59:50');
  }
  expect(starts).toBeGreaterThan(10);
  await ctx.close();
  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
});
