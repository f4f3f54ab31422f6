/// <reference lib="dom" />
// The engine's durability in Node (real VM, fake-indexeddb): the trailing-edge checkpoint after
// replay steps and flush() on demand, a held script (it hung the engine last time) opened without
// running or resuming until run(), and `.evergreen` imports validated before anything is stored.
// Plot values are checked against a moving average computed here from the sample CSV.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import type { InitOptions } from '../../app/worker/protocol.js';
import { boot, engineList, type FakePage } from './engine-harness.js';

const SCRIPT = `//@version=6
indicator("sma test", overlay=true)
plot(ta.sma(close, 3), "SMA")
`;

const CLOSE = readFileSync(new URL('../../public/samples/sp500-daily-2000-2020.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => Number(l.split(',')[4]));
const N = CLOSE.length;

/** ta.sma(close, 3) by hand: na for the first two bars, then the mean of the last three closes. */
function sma3(i: number): number | null {
  return i < 2 ? null : ((CLOSE[i - 2] as number) + (CLOSE[i - 1] as number) + (CLOSE[i] as number)) / 3;
}

let seq = 0;
const engines = engineList();
const newDb = () => `durability-test-${++seq}-${Date.now()}`;

async function start(db: string, opts: Partial<InitOptions> = {}): Promise<{ engine: Engine; page: FakePage }> {
  const r = await boot(db, opts);
  engines.push(r.engine);
  return r;
}

async function startWithScript(db: string): Promise<{ engine: Engine; page: FakePage; scriptId: string }> {
  const r = await start(db);
  await r.page.settled();
  await r.engine.setSource(SCRIPT);
  await r.engine.run();
  await r.page.until('the run', () => r.page.lastEnd?.status === 'done' && r.page.checkpointBar === N - 1);
  const session = await r.engine.refreshSession();
  return { ...r, scriptId: session.scriptId };
}

describe('no confirmed bar lost', () => {
  it('checkpoints the last stepped bar once the feed is idle, and a restart comes back there', async () => {
    const db = newDb();
    const { engine, page } = await startWithScript(db);
    await engine.setReplayFrom(N - 20);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 21);
    for (let i = 0; i < 5; i++) await engine.step();
    expect(page.barIndex).toBe(N - 16);
    await page.until('the trailing checkpoint', () => page.checkpointBar === N - 16, 5000);
    await engine.dispose();
    const second = await start(db);
    const end = await second.page.settled();
    expect(end).toMatchObject({ status: 'restored', lastBar: N - 16 });
    const tail = second.page.values('SMA').slice(N - 18);
    expect(tail.length).toBe(3);
    tail.forEach((v, k) => expect(v).toBeCloseTo(sma3(N - 18 + k) ?? NaN, 8));
  });

  it('flush() saves the bars confirmed since the last checkpoint at once', async () => {
    const db = newDb();
    const { engine, page } = await startWithScript(db);
    await engine.setReplayFrom(N - 10);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 11);
    await engine.step();
    await engine.step();
    await engine.flush();
    expect(page.checkpointBar).toBe(N - 9);
  });
});

describe('a held script', () => {
  it('opens without running when it has no checkpoint, and runs when asked', async () => {
    const db = newDb();
    const { engine, scriptId } = await startWithScript(db);
    // An edit that changes what the script computes (a comment alone would keep the checkpoint: a
    // presentation-only edit, vm/compiler/presentation.ts).
    await engine.setSource(`${SCRIPT}var float edited = 0.0\nedited += 1\n`);
    await engine.dispose();
    const held = await start(db, { hold: scriptId });
    await held.page.until('the held open', () => held.page.lastEnd !== null);
    expect(held.page.lastEnd).toMatchObject({ status: 'cancelled', lastBar: -1 });
    expect(held.page.notices('held')[0]).toMatch(/stopped answering last time and has no checkpoint to go back to: it was not run\. Press Run to run it again\.$/);
    expect(held.page.buffer.rowCount).toBe(0);
    await held.engine.run();
    await held.page.until('the run', () => held.page.lastEnd?.status === 'done');
    expect(held.page.values('SMA')[N - 1]).toBeCloseTo(sma3(N - 1) ?? NaN, 8);
  });

  it('restores its checkpoint but does not resume the history or play the replay', async () => {
    const db = newDb();
    const { engine, page, scriptId } = await startWithScript(db);
    await engine.setReplayFrom(N - 30);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 31);
    await engine.setSpeed(5);
    await engine.play();
    await page.until('a replayed bar', () => page.barIndex >= N - 30);
    await engine.dispose();
    const held = await start(db, { hold: scriptId });
    const end = await held.page.settled();
    expect(end.status).toBe('restored');
    expect(end.resumes).toBe(false);
    expect(held.page.notices('held')[0]).toMatch(/restored its checkpoint at bar \d+ without running it/);
    const bar = end.lastBar;
    await new Promise((r) => setTimeout(r, 600));
    expect(held.page.barIndex).toBe(bar);
    expect((await held.engine.refreshSession()).replay.playing).toBe(false);
  });
});

describe('imports are validated before they are stored', () => {
  const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

  async function exported(db: string): Promise<{ engine: Engine; file: Record<string, unknown> & { snapshot: Uint8Array; run: Record<string, unknown> } }> {
    const { engine } = await startWithScript(db);
    const newest = (await engine.listSnapshots())[0];
    const { bytes } = await engine.exportSnapshot(newest?.id ?? '');
    return { engine, file: packr.unpack(bytes) as Record<string, unknown> & { snapshot: Uint8Array; run: Record<string, unknown> } };
  }

  it('refuses a file whose snapshot holds another script than the file says, and stores nothing', async () => {
    const { engine, file } = await exported(newDb());
    const before = await engine.listSnapshots();
    const forged = packr.pack({ ...file, run: { ...file.run, source: SCRIPT.replace('"SMA"', '"Other"') } });
    const r = await engine.importSnapshot('other.evergreen', forged);
    expect(r).toEqual({ ok: false, message: "other.evergreen: the snapshot's script is not the script the file carries. Nothing was imported.", datasetId: null });
    expect(await engine.listSnapshots()).toEqual(before);
  });

  it('refuses a file whose record names another run (replay start changed), and stores nothing', async () => {
    const { engine, file } = await exported(newDb());
    const before = await engine.listSnapshots();
    const forged = packr.pack({ ...file, run: { ...file.run, replayFrom: 7 } });
    const r = await engine.importSnapshot('run.evergreen', forged);
    expect(r.message).toBe('run.evergreen: its record does not match its script, inputs, dataset and replay start. Nothing was imported.');
    expect(await engine.listSnapshots()).toEqual(before);
  });

  it('refuses a file whose record names other input values than its snapshot ran with, and stores nothing', async () => {
    const { engine, file } = await exported(newDb());
    const before = await engine.listSnapshots();
    const forged = packr.pack({ ...file, run: { ...file.run, inputs: { ...(file.run.inputs as Record<string, unknown>), len: 99 } } });
    const r = await engine.importSnapshot('inputs.evergreen', forged);
    expect(r.message).toBe('inputs.evergreen: its record does not match its script, inputs, dataset and replay start. Nothing was imported.');
    expect(await engine.listSnapshots()).toEqual(before);
  });

  it('accepts the genuine file', async () => {
    const { engine, file } = await exported(newDb());
    const r = await engine.importSnapshot('good.evergreen', packr.pack(file));
    expect(r.ok).toBe(true);
    expect((await engine.listSnapshots()).some((s) => s.kind === 'imported' && s.status === 'ok')).toBe(true);
  });
});
