// A checkpoint made on a resampled chart (the timeframe picker: dataset `id@1W`) exported from the
// app and imported in another browser (or given to the CLI with the daily data) goes on with the
// values of an uninterrupted weekly run: the file carries the weekly bars it ran on.

import 'fake-indexeddb/auto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { boot, fetchPublic } from './engine-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
const SAMPLE = readFileSync(join(ROOT, 'public/samples/sp500-daily-2000-2020.csv'), 'utf8').trim().split('\n');
const DATA = `${SAMPLE.slice(0, 601).join('\n')}\n`;
const SCRIPT = `//@version=6
indicator("Weekly view")
plot(ta.sma(close, 4), "SMA")
plot(request.security(syminfo.tickerid, "1M", close), "Month")
plot(bar_index, "Bar")
`;

let dir = '';
const engines: Engine[] = [];
type Out = { bars: number; plots: Record<string, (number | null)[]> };

beforeAll(() => {
  vi.stubGlobal('fetch', fetchPublic);
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-resampled-cp-'));
  writeFileSync(join(dir, 'w.pine'), SCRIPT);
  writeFileSync(join(dir, 'spx.csv'), DATA);
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose().catch(() => undefined);
});

const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};

describe('checkpoints of a resampled chart timeframe', () => {
  it('exported at 1W from the app: another browser imports it and goes on; the CLI resumes it with the daily data', async () => {
    const { engine, page } = await boot(`resampled-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    await engine.setSource(SCRIPT);
    const imported = await engine.importCsv('spx.csv', new TextEncoder().encode(DATA));
    expect(imported.ok).toBe(true);
    await page.until('the daily run', () => page.lastEnd?.status === 'done' && page.checkpointBar === 599);
    await engine.selectDataset(`${imported.datasetId ?? ''}@1W`);
    const whole = JSON.parse(cli(['run', 'w.pine', '--data', 'spx.csv', '--chart-timeframe', '1W']).out) as Out;
    const last = whole.bars - 1;
    await page.until('the weekly run with its checkpoint', () => page.lastEnd?.status === 'done' && page.barIndex === last && page.checkpointBar === last);
    const snap = (await engine.listSnapshots()).find((s) => s.bar === last && s.matchesCurrent);
    expect(snap).toBeDefined();
    const file = await engine.exportSnapshot(snap?.id ?? '');
    writeFileSync(join(dir, 'w.evergreen'), file.bytes);

    // Another browser.
    const other = await boot(`resampled-other-${Date.now()}`);
    engines.push(other.engine);
    await other.page.settled();
    const back = await other.engine.importSnapshot('w.evergreen', file.bytes);
    expect(back.ok, back.message).toBe(true);
    await other.page.until('the imported run', () => other.page.lastEnd !== null && !other.page.lastEnd.resumes && other.page.barIndex === last);
    for (const t of ['SMA', 'Month', 'Bar']) expect(other.page.values(t), t).toEqual(whole.plots[t]);

    // The CLI with the daily data: resampled to the checkpoint's 1W, its bars are the checkpoint's
    // (checked against the carried ones), and nothing comes after its last bar.
    const r = cli(['run', '--resume', 'w.evergreen', '--data', 'spx.csv', '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^evergreen: warning: spx\.csv has no bars after the checkpoint's bar \d+: nothing to run\n$/);
    expect(r.out.trim()).toBe('time,SMA,Month,Bar');
  }, 120_000);
});
