// Hostile files in the app (session 22, /work/notes/hostile-22.md): a CSV whose unix times mix
// seconds and milliseconds, or fall outside the years bars may have, is refused with a notice naming
// the file, the line, the value and the reason; an `.evergreen` whose plot value was changed (its
// digest, version 3) is refused and nothing is stored. The user's datasets and checkpoints are kept.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decodeCheckpointFile } from '../vm/snapshot/checkpoint-file.js';
import { appState, datasetOptions, openApp, sampleCheckpointFile, waitSettled, watchErrors } from './helpers.js';

test('CSV times that mix units or are out of range are refused naming line, value and reason; the datasets stay', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  const before = await datasetOptions(page);
  const s0 = await appState(page);
  const mixed = 'time,open,high,low,close\n1700000000000,1,2,0.5,1\n1700000000,1,2,0.5,1\n';
  await page.getByTestId('csv-input').setInputFiles({ name: 'mixed.csv', mimeType: 'text/csv', buffer: Buffer.from(mixed) });
  await expect(page.getByTestId('notice').filter({ hasText: "mixed.csv:3: column 'time': 1700000000 reads as unix seconds (2023-11-14T22:13:20Z), but line 2's 1700000000000 reads as unix milliseconds: the file mixes units" })).toBeVisible();
  const far = 'time,open,high,low,close\n100000000000000000000,1,2,0.5,1\n100000000000000000001,1,2,0.5,1\n';
  await page.getByTestId('csv-input').setInputFiles({ name: 'far.csv', mimeType: 'text/csv', buffer: Buffer.from(far) });
  await expect(page.getByTestId('notice').filter({ hasText: "far.csv:2: column 'time': 100000000000000000000 read as unix nanoseconds" })).toBeVisible();
  await expect(page.getByTestId('notice').filter({ hasText: 'outside the years 1700 to 2199 that bar times may have' }).first()).toBeVisible();
  expect(await datasetOptions(page)).toEqual(before);
  expect((await appState(page)).totalBars).toBe(s0.totalBars);
  expect(errors).toEqual([]);
});

test('an .evergreen whose plot value was changed is refused naming the plot rows, and nothing is stored', async ({ page }) => {
  const errors = watchErrors(page);
  const { dir, bytes } = sampleCheckpointFile('evergreen-e2e-hostile22-');
  // The SMA of bar 150 as the file stores it (a float64 in the typed array's bytes), times 1.001.
  const sma = decodeCheckpointFile(bytes).outputs.columns[0]?.[0]?.[150] ?? NaN;
  const at = Buffer.from(bytes).indexOf(Buffer.from(new Uint8Array(Float64Array.of(sma).buffer)));
  expect(at).toBeGreaterThan(0);
  new DataView(bytes.buffer, bytes.byteOffset + at, 8).setFloat64(0, sma * 1.001, true);
  writeFileSync(join(dir, 'bad.evergreen'), bytes);

  await openApp(page);
  const s0 = await waitSettled(page);
  const datasets = await datasetOptions(page);
  await page.getByTestId('snapshot-import-input').setInputFiles(join(dir, 'bad.evergreen'));
  const notice = page.getByTestId('notice').filter({ hasText: 'bad.evergreen' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("the plot rows are damaged: their values do not match the file's digest of them (field 'outputs'");
  const s1 = await appState(page);
  expect(s1.snapshots).toEqual(s0.snapshots);
  expect(await datasetOptions(page)).toEqual(datasets);
  expect(errors).toEqual([]);
});
