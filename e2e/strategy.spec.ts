// The strategy tester as a user meets it: a strategy runs, the tester lists its trades and
// summary, "Export trades" writes the very bytes `evergreen run --trades` writes for the same
// bars, Properties re-run it with another initial capital, and a reload in the middle of a replay
// comes back with the same trades.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, SAMPLE_CSV, setSource, startReplay, stepBars, waitRestored, waitSettled, watchErrors } from './helpers.js';

const N = sampleRows().length;
const ROOT = new URL('..', import.meta.url).pathname;

const STRATEGY = `//@version=6
strategy("MACD strategy e2e", overlay = true, initial_capital = 100000, default_qty_type = strategy.percent_of_equity, default_qty_value = 10, commission_type = strategy.commission.percent, commission_value = 0.05)
[m, s, _] = ta.macd(close, 12, 26, 9)
if ta.crossover(m, s)
    strategy.entry("Long", strategy.long, comment = "up")
if ta.crossunder(m, s)
    strategy.entry("Short", strategy.short, comment = "down")
plot(strategy.equity, "Equity")
`;

type Report = NonNullable<Awaited<ReturnType<EvergreenDebug['strategy']>>>;

async function report(page: Page): Promise<Report | null> {
  return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.strategy());
}

async function runStrategy(page: Page): Promise<void> {
  const before = (await appState(page)).runId;
  await setSource(page, STRATEGY);
  await page.waitForTimeout(800); // the editor saves after a pause in typing
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page);
}

test('a strategy shows its trades and summary; Export trades equals the CLI file', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await runStrategy(page);
  const tester = page.getByTestId('strategy-tester');
  await expect(tester).toBeVisible();
  await expect.poll(async () => (await report(page))?.summary.totalClosedTrades ?? 0).toBeGreaterThan(10);
  const r = await report(page);
  expect(r?.trades.length).toBe((r?.summary.totalClosedTrades ?? 0) + (r?.summary.openTrades ?? 0));
  await expect(page.getByTestId('strategy-net-profit')).toBeVisible();
  // Entry and exit markers on the chart (the script plots no shapes of its own).
  await expect.poll(async () => (await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.chart()?.markers.length ?? 0))).toBeGreaterThan(2);
  await page.getByTestId('strategy-tab-trades').click();
  await expect(page.getByTestId('strategy-trade-row').first()).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByTestId('strategy-export').click();
  const file = await (await download).path();
  const exported = readFileSync(file, 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-e2e-strategy-'));
  writeFileSync(join(dir, 's.pine'), STRATEGY);
  execFileSync(process.execPath, [join(ROOT, 'bin/evergreen.mjs'), 'run', join(dir, 's.pine'), '--data', SAMPLE_CSV.pathname, '--trades', join(dir, 't.csv'), '--out', join(dir, 'o.json')], { cwd: ROOT });
  expect(exported).toBe(readFileSync(join(dir, 't.csv'), 'utf8'));

  // Properties: another initial capital re-runs the strategy with it.
  await page.getByTestId('strategy-tab-properties').click();
  await page.getByTestId('strategy-prop-initial_capital').fill('5000');
  const before = (await appState(page)).runId;
  await page.getByTestId('strategy-apply').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page);
  await expect.poll(async () => (await report(page))?.summary.initialCapital).toBe(5000);
  expect(errors).toEqual([]);
});

test('a reload in the middle of a replay comes back with the same trades', async ({ page }) => {
  await openApp(page);
  await runStrategy(page);
  await startReplay(page, N - 300);
  await stepBars(page, 3);
  await page.getByTestId('checkpoint-now').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().snapshots.some((s) => s.bar === b && s.kind === 'manual'), N - 298);
  const before = await report(page);
  expect(before?.trades.length ?? 0).toBeGreaterThan(0);
  await page.reload();
  expect(await waitRestored(page)).toBe(N - 298);
  await waitSettled(page);
  expect(await report(page)).toEqual(before);
});
