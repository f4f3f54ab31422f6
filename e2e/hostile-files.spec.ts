// Hostile files and scripts in the app (session 21, /work/notes/hostile-21.md): a CSV of one endless
// line and a binary file are refused with a notice naming the file and the reason; an `.evergreen`
// whose carried bars were altered after its checkpoint is refused and nothing is stored; a script
// whose single matrix call would run for minutes stops with a runtime error naming the call, and the
// page stays responsive. In every case the user's datasets, checkpoints and script are kept.

import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { decodeCheckpointFile, encodeCheckpointFile } from '../vm/snapshot/checkpoint-file.js';
import { appState, datasetOptions, openApp, sampleCheckpointFile, setSource, waitSettled, watchErrors } from './helpers.js';

test('a CSV of one 4 MB line and a binary file are refused naming the reason; the datasets stay', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  const before = await datasetOptions(page);
  const s0 = await appState(page);
  const long = `time,open,high,low,close\n2024-01-01,1,2,0.5,1\n2024-01-02,${'9'.repeat(4_000_000)},2,0.5,1\n`;
  await page.getByTestId('csv-input').setInputFiles({ name: 'long.csv', mimeType: 'text/csv', buffer: Buffer.from(long) });
  await expect(page.getByTestId('notice').filter({ hasText: 'long.csv:3: a row of more than 1,048,576 characters' })).toBeVisible();
  const garbage = Buffer.alloc(20_000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 256;
  await page.getByTestId('csv-input').setInputFiles({ name: 'garbage.csv', mimeType: 'text/csv', buffer: garbage });
  await expect(page.getByTestId('notice').filter({ hasText: 'garbage.csv' })).toBeVisible();
  expect(await datasetOptions(page)).toEqual(before);
  expect((await appState(page)).totalBars).toBe(s0.totalBars);
  expect(errors).toEqual([]);
});

test('a 2 GB CSV and a 2 GB .evergreen are refused by their size before the page reads them', async ({ page }) => {
  const errors = watchErrors(page);
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-e2e-hostile-'));
  // Sparse files: 2 GB by their size, nothing on the disk.
  for (const name of ['huge.csv', 'huge.evergreen']) {
    const fd = openSync(join(dir, name), 'w');
    ftruncateSync(fd, 2 * 1024 ** 3);
    closeSync(fd);
  }
  await openApp(page);
  const before = await datasetOptions(page);
  const s0 = await waitSettled(page);
  await page.getByTestId('csv-input').setInputFiles(join(dir, 'huge.csv'));
  await expect(page.getByTestId('notice').filter({ hasText: 'huge.csv is 2048 MB: the app imports files up to 512 MB' })).toBeVisible();
  await page.getByTestId('snapshot-import-input').setInputFiles(join(dir, 'huge.evergreen'));
  await expect(page.getByTestId('notice').filter({ hasText: 'huge.evergreen is 2048 MB: the app imports files up to 512 MB' })).toBeVisible();
  expect(await datasetOptions(page)).toEqual(before);
  expect((await appState(page)).snapshots).toEqual(s0.snapshots);
  expect(errors).toEqual([]);
});

test('an .evergreen whose carried bars were changed after its checkpoint is refused, and nothing is stored', async ({ page }) => {
  const errors = watchErrors(page);
  const { dir, bytes } = sampleCheckpointFile('evergreen-e2e-hostile-');
  const file = decodeCheckpointFile(bytes);
  const dataset = file.dataset;
  if (!dataset) throw new Error('the export carries its bars');
  const close = dataset.close.slice();
  close[250] = (close[250] ?? 0) * 10; // after the checkpoint's bar: only the dataset id covers it
  writeFileSync(join(dir, 'bad.evergreen'), encodeCheckpointFile({ ...file, dataset: { ...dataset, close } }));

  await openApp(page);
  const s0 = await waitSettled(page);
  const datasets = await datasetOptions(page);
  await page.getByTestId('snapshot-import-input').setInputFiles(join(dir, 'bad.evergreen'));
  const notice = page.getByTestId('notice').filter({ hasText: 'bad.evergreen' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('the bars it carries after the checkpoint are not the dataset it names (the file is damaged).');
  await expect(notice).toContainText('Nothing was imported.');
  const s1 = await appState(page);
  expect(s1.snapshots).toEqual(s0.snapshots);
  expect(await datasetOptions(page)).toEqual(datasets);
  expect(errors).toEqual([]);
});

test('a 316 × 316 matrix.pinv stops with a runtime error naming the call; the page answers and the script is kept', async ({ page }) => {
  await openApp(page);
  const source = [
    '//@version=6',
    'indicator("Big pinv")',
    'var m = matrix.new<float>(316, 316, 0.0)',
    'if barstate.isfirst',
    '    for i = 0 to 315',
    '        for j = 0 to 315',
    '            m.set(i, j, math.sin(i * 7 + j * 13))',
    'p = barstate.islast ? m.pinv() : m',
    'plot(close)',
    '',
  ].join('\n');
  await setSource(page, source);
  await page.getByTestId('run').click();
  const err = page.getByTestId('runtime-error');
  await expect(err).toContainText("'matrix.pinv()' took longer than 500 ms on a 316 × 316 matrix", { timeout: 60_000 });
  await expect(page.getByTestId('status-state')).toHaveText('Runtime error');
  // The page still answers, and the script is the user's.
  expect(await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.source())).toBe(source);
});
