// Shared steps for the end-to-end tests: opening the app and waiting until its chart is drawn,
// reading state and plot values through `window.evergreen` (app/ui/debug.ts), driving the replay,
// and reaching into IndexedDB the way a damaged disk would.

import { execSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';

export type AppSnapshot = ReturnType<EvergreenDebug['state']>;

export const SAMPLE_CSV = new URL('../public/samples/sp500-daily-2000-2020.csv', import.meta.url);

/** The sample dataset's rows, parsed here independently of the app (date,open,high,low,close,...). */
export function sampleRows(): { time: number; open: number; high: number; low: number; close: number }[] {
  const lines = readFileSync(SAMPLE_CSV, 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const [d, o, h, lo, c] = l.split(',');
    return { time: Date.parse(`${d}T00:00:00Z`), open: Number(o), high: Number(h), low: Number(lo), close: Number(c) };
  });
}

/** The dataset picker's entries, as the user sees them. */
export async function datasetOptions(page: Page): Promise<string[]> {
  return page.getByTestId('dataset-select').locator('option').allTextContents();
}

/** A good `.evergreen` made by the CLI: a 5-bar SMA over the sample's first 300 bars, checkpoint at
 * bar 199, the bars carried. Its folder (a new one in the system's temp folder) and its bytes. */
export function sampleCheckpointFile(prefix: string): { dir: string; bytes: Uint8Array } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const rows = readFileSync(SAMPLE_CSV, 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'spx.csv'), `${rows.slice(0, 301).join('\n')}\n`);
  writeFileSync(join(dir, 's.pine'), '//@version=6\nindicator("S")\nplot(ta.sma(close, 5), "SMA")\n');
  const bin = new URL('../bin/evergreen.cjs', import.meta.url).pathname;
  const made = spawnSync(process.execPath, [bin, 'run', 's.pine', '--data', 'spx.csv', '--save-at', '199', '--export', 'good.evergreen', '--out', 'o.json'], { cwd: dir, encoding: 'utf8' });
  expect(made.stderr).toBe('');
  return { dir, bytes: new Uint8Array(readFileSync(join(dir, 'good.evergreen'))) };
}

export async function appState(page: Page): Promise<AppSnapshot> {
  return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state());
}

/** Collects uncaught page errors; tests assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/** Waits until the current run's chart is fully drawn and nothing runs (a history run done or a
 * checkpoint restored, and no replay playing). */
export async function waitSettled(page: Page, timeout = 60_000): Promise<AppSnapshot> {
  await page.waitForFunction(
    () => {
      const ev = (window as unknown as { evergreen?: EvergreenDebug }).evergreen;
      if (!ev) return false;
      const s = ev.state();
      const ran = s.status === 'done' || s.status === 'restored';
      return ran && s.drawnRunId === s.runId && s.drawnRunId !== null && !(s.replay?.playing ?? false) && s.rows === s.barIndex + 1;
    },
    null,
    { timeout, polling: 50 },
  );
  return appState(page);
}

export async function openApp(page: Page, query = ''): Promise<AppSnapshot> {
  await page.goto(`/${query}`);
  return waitSettled(page);
}

/** Waits until the page has restored a checkpoint (after a reload), and returns its bar. */
export async function waitRestored(page: Page, timeout = 60_000): Promise<number> {
  await page.waitForFunction(
    () => {
      const ev = (window as unknown as { evergreen?: EvergreenDebug }).evergreen;
      return ev !== undefined && ev.state().restoredBar !== null;
    },
    null,
    { timeout, polling: 20 },
  );
  return (await appState(page)).restoredBar ?? -1;
}

export async function plotValues(page: Page, title: string): Promise<(number | null)[]> {
  return page.evaluate((t) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotValues(t), title);
}

export async function allPlotValues(page: Page): Promise<Record<string, (number | null)[]>> {
  return page.evaluate(() => {
    const ev = (window as unknown as { evergreen: EvergreenDebug }).evergreen;
    const out: Record<string, (number | null)[]> = {};
    ev.plotTitles().forEach((t, i) => {
      const chs = ['series', 'color', 'price'];
      for (const ch of chs) {
        const v = ev.plotValues(t, ch);
        if (v.length > 0) out[`${i}:${t}:${ch}`] = v;
      }
    });
    return out;
  });
}

export async function setSource(page: Page, source: string): Promise<void> {
  await page.evaluate((s) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.setSource(s), source);
}

/** Starts a replay at `from`: history runs up to it, then the app waits paused at that bar. */
export async function startReplay(page: Page, from: number): Promise<AppSnapshot> {
  await page.getByTestId('replay-start-input').fill(String(from));
  const before = (await appState(page)).runId;
  await page.getByTestId('replay-start').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  const s = await waitSettled(page);
  expect(s.replay?.from).toBe(from);
  expect(s.barIndex).toBe(from - 1);
  return s;
}

export async function setSpeed(page: Page, barsPerSecond: number): Promise<void> {
  await page.getByTestId('replay-speed').selectOption(String(barsPerSecond));
  await page.waitForFunction((v) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().replay?.speed === v, barsPerSecond);
}

export async function waitReplayEnd(page: Page, timeout = 90_000): Promise<AppSnapshot> {
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { evergreen: EvergreenDebug }).evergreen.state();
      return s.replay !== null && s.replay.next >= s.replay.end && !s.replay.playing && s.barIndex === s.replay.end - 1;
    },
    null,
    { timeout, polling: 50 },
  );
  return appState(page);
}

export async function stepBars(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = (await appState(page)).barIndex;
    await page.getByTestId('replay-step').click();
    await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().barIndex === b + 1, before);
  }
}

/** Flips bytes in the middle of the newest stored checkpoint's snapshot (as a damaged disk would)
 * and returns that checkpoint's id and bar. */
export async function corruptNewestSnapshot(page: Page): Promise<{ id: string; bar: number }> {
  return page.evaluate(async () => {
    const open = (): Promise<IDBDatabase> =>
      new Promise((resolve, reject) => {
        const r = indexedDB.open('evergreen');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const req = <T>(r: IDBRequest<T>): Promise<T> =>
      new Promise((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const db = await open();
    const tx = db.transaction(['snapshots', 'snapshotBytes'], 'readwrite');
    const metas = (await req(tx.objectStore('snapshots').getAll())) as { id: string; createdAt: number; bar: number }[];
    metas.sort((a, b) => b.createdAt - a.createdAt);
    const newest = metas[0];
    if (!newest) throw new Error('no checkpoint stored');
    const rec = (await req(tx.objectStore('snapshotBytes').get(newest.id))) as { id: string; bytes: Uint8Array };
    const bytes = rec.bytes.slice();
    const mid = bytes.length >> 1;
    for (let i = mid; i < Math.min(bytes.length - 8, mid + 16); i++) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    await req(tx.objectStore('snapshotBytes').put({ id: newest.id, bytes }));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return { id: newest.id, bar: newest.bar };
  });
}

/** Waits (up to 5 minutes, polling every 20 ms) until the app is in `status` and its chart has been
 * drawn for the current run: what the browser bench times a load to. */
export async function waitDrawn(page: Page, status: string): Promise<void> {
  await page.waitForFunction(
    (st) => {
      const ev = (window as unknown as { evergreen?: EvergreenDebug }).evergreen;
      if (!ev) return false;
      const s = ev.state();
      return s.status === st && s.drawnRunId === s.runId && s.drawnRunId !== null;
    },
    status,
    { timeout: 300_000, polling: 20 },
  );
}

/** The browser bench's setup: opens `url` (a dataset of `bars` bars), puts benchmark (b) in the
 * editor, runs it from bar 0 and waits until its chart is drawn and its last bar checkpointed. */
export async function runBenchB(page: Page, url: string, bars: number): Promise<void> {
  await page.goto(url);
  await waitDrawn(page, 'done');
  const source = readFileSync(new URL('../bench/scripts/b.pine', import.meta.url), 'utf8');
  await page.evaluate((s) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.setSource(s), source);
  await page.waitForTimeout(800);
  const before = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId);
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitDrawn(page, 'done');
  await page.waitForFunction((n) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().checkpointBar === n - 1, bars);
}

/** The browser bench and the trace script's app: built into reports/bench-dist (not dist/, which the
 * e2e tests' server rebuilds and serves) unless `build` is false, with `files` (path → text) written
 * into the build and the pages of `configs` (Vite configs) built, and served by `vite preview` on `port`. `stop()` ends the server. */
export async function serveBenchBuild(port: number, opts: { build?: boolean; files?: Record<string, string>; configs?: string[] } = {}): Promise<{ base: string; stop: () => void }> {
  const root = new URL('..', import.meta.url).pathname;
  const outDir = 'reports/bench-dist';
  if (opts.build !== false) execSync(`npx vite build --outDir ${outDir} --emptyOutDir`, { cwd: root, stdio: 'ignore' });
  // Other pages built into a folder of the build with their own Vite config (the bench's floors).
  for (const config of opts.configs ?? []) execSync(`npx vite build --config ${config}`, { cwd: root, stdio: 'ignore' });
  for (const [path, text] of Object.entries(opts.files ?? {})) {
    const file = `${root}${outDir}/${path}`;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const server = spawn('npx', ['vite', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, detached: true, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(base).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    stop: () => {
      if (server.pid) process.kill(-server.pid);
    },
  };
}

/** Debian's Chromium as the benchmarks run it: headless, software rendering (this machine has no
 * GPU), no background traffic; `extra` flags appended. */
export function launchBenchBrowser(extra: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', ...extra],
  });
}
