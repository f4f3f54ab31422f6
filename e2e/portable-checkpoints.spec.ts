// Issue 15 item 12: portable checkpoints between the app and the CLI (vm/snapshot/checkpoint-file.ts).
// A file `evergreen run --export` wrote is imported in the app, which goes on from the bar after it
// over the bars the file carries, ending with exactly the values of an uninterrupted CLI run; a
// checkpoint exported from the app (on the built-in sample, whose bars the file does not carry) is
// resumed by `evergreen run --resume x.evergreen --data sample.csv`, which prints exactly what an
// uninterrupted CLI run prints for the bars after it, and refuses data whose bars differ.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, SAMPLE_CSV, setSource, startReplay, waitSettled, watchErrors } from './helpers.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
const SAMPLE = SAMPLE_CSV.pathname;

const SCRIPT = `//@version=6
indicator("Portable", overlay=false)
len = input.int(14, "Length")
var float swing = 0.0
swing := swing * 0.95 + (close - open)
plot(ta.rsi(close, len), "RSI", color=color.purple)
plot(swing, "Swing")
`;

type Output = { bars: number; plots: Record<string, (number | null)[]> };

function cli(dir: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-e2e-portable-'));
  writeFileSync(join(dir, 'portable.pine'), SCRIPT);
  return dir;
}

async function values(page: Page, title: string): Promise<(number | null)[]> {
  return page.evaluate((t) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotValues(t), title);
}

test('the app imports a checkpoint file the CLI wrote and continues to the values of an uninterrupted run', async ({ page }) => {
  const errors = watchErrors(page);
  const dir = workDir();
  const rows = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'spx-600.csv'), `${rows.slice(0, 601).join('\n')}\n`);
  const made = cli(dir, ['run', 'portable.pine', '--data', 'spx-600.csv', '--save-at', '449', '--export', 'at449.evergreen']);
  expect(made.err).toBe('');
  expect(made.code).toBe(0);
  const straight = JSON.parse(cli(dir, ['run', 'portable.pine', '--data', 'spx-600.csv']).out) as Output;
  expect(straight.bars).toBe(600);

  await openApp(page);
  const before = (await appState(page)).runId;
  await page.getByTestId('snapshot-import-input').setInputFiles(join(dir, 'at449.evergreen'));
  await expect(page.getByTestId('notice').filter({ hasText: 'Imported at449.evergreen: continuing from bar 450.' })).toBeVisible();
  await page.waitForFunction((r) => {
    const ev = (window as unknown as { evergreen: EvergreenDebug }).evergreen;
    return ev.state().runId > r && ev.state().barIndex === 599 && ev.lastRun()?.status === 'done';
  }, before);
  const s = await waitSettled(page);
  expect(s.barIndex).toBe(599);
  expect(s.totalBars).toBe(600);
  // History ran on from bar 450 only: the 450 bars before came with the file.
  expect(await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.lastRun())).toMatchObject({ status: 'done', lastBar: 599, barsRun: 150 });
  expect(await values(page, 'RSI')).toEqual(straight.plots.RSI);
  expect(await values(page, 'Swing')).toEqual(straight.plots.Swing);
  expect(errors).toEqual([]);
});

test('a checkpoint exported from the app resumes in the CLI with the output of an uninterrupted CLI run', async ({ page }) => {
  const errors = watchErrors(page);
  const dir = workDir();
  await openApp(page);
  await setSource(page, SCRIPT);
  // Replay from bar 3000: history runs to bar 2999 and is checkpointed there.
  await startReplay(page, 3000);
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().snapshots.some((x) => x.bar === 2999));
  const row = page.locator('[data-testid="snapshot-row"][data-bar="2999"]').first();
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('snapshot-export').click()]);
  expect(download.suggestedFilename()).toMatch(/-bar2999\.evergreen$/);
  await download.saveAs(join(dir, 'app.evergreen'));
  // The history's rows reach the page when its run ends, which may be after the checkpoint is listed.
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().rows >= 3000);
  const inApp = { rsi: await values(page, 'RSI'), swing: await values(page, 'Swing') };

  const straight = JSON.parse(cli(dir, ['run', 'portable.pine', '--data', SAMPLE]).out) as Output;
  // The app's bars 0..2999 are the CLI's.
  expect(inApp.rsi).toEqual(straight.plots.RSI?.slice(0, 3000));
  expect(inApp.swing).toEqual(straight.plots.Swing?.slice(0, 3000));
  const resumed = cli(dir, ['run', '--resume', 'app.evergreen', '--data', SAMPLE]);
  expect(resumed.err).toBe('');
  expect(resumed.code).toBe(0);
  const out = JSON.parse(resumed.out) as Output;
  expect(out.bars).toBe(straight.bars - 3000);
  expect(out.plots.RSI).toEqual(straight.plots.RSI?.slice(3000));
  expect(out.plots.Swing).toEqual(straight.plots.Swing?.slice(3000));
  // With the script given (the same one), the same.
  expect(JSON.parse(cli(dir, ['run', 'portable.pine', '--resume', 'app.evergreen', '--data', SAMPLE]).out)).toEqual(out);

  // Data whose first 3,000 bars are not the sample's is refused, saying so.
  const rows = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  const cells = (rows[1001] ?? '').split(',');
  cells[4] = String(Number(cells[4]) + 0.5);
  rows[1001] = cells.join(',');
  writeFileSync(join(dir, 'edited.csv'), `${rows.join('\n')}\n`);
  const refused = cli(dir, ['run', '--resume', 'app.evergreen', '--data', 'edited.csv']);
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/^evergreen: edited\.csv does not continue app\.evergreen: its bars 0 to 2999 are not the bars the checkpoint ran on \('S&P 500 daily 2000–2020', to \S+\)/);
  // Without --data: the file does not carry the built-in sample's bars.
  const noData = cli(dir, ['run', '--resume', 'app.evergreen']);
  expect(noData.code).toBe(1);
  expect(noData.err).toMatch(/does not carry its bars .* give them with --data/);
  expect(errors).toEqual([]);
});
