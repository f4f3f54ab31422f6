// Portable checkpoints (vm/snapshot/checkpoint-file.ts): the app (its engine over fake IndexedDB)
// and the CLI (`evergreen run --export`) write byte-identical `.evergreen` files for the same run;
// the CLI resumes the app's file (with its carried bars, or with --data checked against the
// checkpoint's bars) and prints what an uninterrupted run prints for the bars after it; the app
// imports the CLI's file and goes on.

import 'fake-indexeddb/auto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { boot, fetchPublic } from './engine-harness.js';
import { decodeCheckpointFile } from '../../vm/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
const SAMPLE = readFileSync(join(ROOT, 'public/samples/sp500-daily-2000-2020.csv'), 'utf8').trim().split('\n');
/** The first 400 bars of the sample, and the first 600 (the same 400 and 200 more). */
const PART = `${SAMPLE.slice(0, 401).join('\n')}\n`;
const MORE = `${SAMPLE.slice(0, 601).join('\n')}\n`;

const SCRIPT = `//@version=6
indicator("Portable ribbon", overlay=true)
len = input.int(20, "Length")
var float swing = 0.0
swing := swing * 0.9 + (close - open)
plot(ta.sma(close, len), "SMA", color=color.orange)
plot(ta.ema(close, 9), "EMA")
plot(swing, "Swing")
`;

let dir = '';
const engines: Engine[] = [];

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  vi.stubGlobal('fetch', fetchPublic);
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-portable-'));
  writeFileSync(join(dir, 'ribbon.pine'), SCRIPT);
  writeFileSync(join(dir, 'spx-part.csv'), PART);
  writeFileSync(join(dir, 'spx-more.csv'), MORE);
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose().catch(() => undefined);
});

/** The app: imports spx-part.csv, runs SCRIPT over it, and exports the checkpoint at its last bar. */
async function appExport(): Promise<{ engine: Engine; bytes: Uint8Array }> {
  const { engine, page } = await boot(`portable-${Date.now()}-${Math.random()}`);
  engines.push(engine);
  await page.settled();
  await engine.setSource(SCRIPT);
  const imported = await engine.importCsv('spx-part.csv', new TextEncoder().encode(PART));
  expect(imported.ok).toBe(true);
  await page.until('the run over spx-part.csv with its checkpoint', () => page.lastEnd?.status === 'done' && page.checkpointBar === 399);
  const snap = (await engine.listSnapshots()).find((s) => s.bar === 399 && s.matchesCurrent);
  expect(snap).toBeDefined();
  const file = await engine.exportSnapshot(snap?.id ?? '');
  return { engine, bytes: file.bytes };
}

describe('portable checkpoint files', () => {
  it('the app and `evergreen run --export` write the same bytes for the same run', async () => {
    const { bytes: app } = await appExport();
    const r = cli(['run', 'ribbon.pine', '--data', 'spx-part.csv', '--export', 'cli.evergreen']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const fromCli = new Uint8Array(readFileSync(join(dir, 'cli.evergreen')));
    const f = decodeCheckpointFile(app);
    expect(f.run.bar).toBe(399);
    expect(f.run.scriptName).toBe('Portable ribbon');
    expect(f.run.inputs).toEqual({ len: 20 });
    expect(f.dataset?.fileName).toBe('spx-part.csv');
    expect(f.dataset?.time.length).toBe(400);
    expect(fromCli.length).toBe(app.length);
    expect(Buffer.from(fromCli).equals(Buffer.from(app))).toBe(true);
  });

  it('the CLI resumes the app\'s file and prints what an uninterrupted run prints after its bar', async () => {
    const { bytes } = await appExport();
    writeFileSync(join(dir, 'app.evergreen'), bytes);
    const straight = JSON.parse(cli(['run', 'ribbon.pine', '--data', 'spx-more.csv']).out) as { bars: number; plots: Record<string, (number | null)[]> };
    const r = cli(['run', '--resume', 'app.evergreen', '--data', 'spx-more.csv']);
    expect(r.err).toBe('');
    const resumed = JSON.parse(r.out) as { bars: number; plots: Record<string, (number | null)[]> };
    expect(resumed.bars).toBe(200);
    for (const title of ['SMA', 'EMA', 'Swing']) expect(resumed.plots[title]).toEqual(straight.plots[title]?.slice(400));
    // Its own bars only: nothing after bar 399 to run.
    const own = cli(['run', '--resume', 'app.evergreen', '--format', 'csv']);
    expect(own.code).toBe(0);
    expect(own.out.trim()).toBe('time,SMA,EMA,Swing');
  });

  it('refuses data whose bars differ from the checkpoint\'s, naming the first bar that differs', async () => {
    const { bytes } = await appExport();
    writeFileSync(join(dir, 'app2.evergreen'), bytes);
    const rows = MORE.trim().split('\n');
    const cells = (rows[151] ?? '').split(',');
    cells[4] = String(Number(cells[4]) + 1);
    rows[151] = cells.join(',');
    writeFileSync(join(dir, 'changed.csv'), `${rows.join('\n')}\n`);
    const r = cli(['run', '--resume', 'app2.evergreen', '--data', 'changed.csv']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^evergreen: changed\.csv does not continue app2\.evergreen: its bar 150 \(\S+\) has close \S+ where the checkpoint's bars have \S+\n$/);
  });

  it('the app imports a file the CLI wrote and continues from the bar after it', async () => {
    const r = cli(['run', 'ribbon.pine', '--data', 'spx-more.csv', '--save-at', '449', '--export', 'at449.evergreen']);
    expect(r.code).toBe(0);
    const { engine, page } = await boot(`portable-import-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    const bytes = new Uint8Array(readFileSync(join(dir, 'at449.evergreen')));
    const imported = await engine.importSnapshot('at449.evergreen', bytes);
    expect(imported).toMatchObject({ ok: true, message: 'Imported at449.evergreen: continuing from bar 450.' });
    await page.until('the restored run to finish its history', () => page.lastEnd !== null && !page.lastEnd.resumes && page.barIndex === 599);
    const straight = JSON.parse(cli(['run', 'ribbon.pine', '--data', 'spx-more.csv']).out) as { plots: Record<string, (number | null)[]> };
    for (const title of ['SMA', 'EMA', 'Swing']) {
      const got = page.values(title);
      const want = straight.plots[title] ?? [];
      expect(got.length).toBe(600);
      got.forEach((v, i) => {
        const w = want[i];
        if (w === null || w === undefined || v === null) expect(v).toBe(w ?? null);
        else expect(Math.abs(v - w)).toBeLessThanOrEqual(Math.abs(w) * 1e-12);
      });
    }
  });
});
