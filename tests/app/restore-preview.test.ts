/// <reference lib="dom" />
// The page's own read of a restore before the engine answers (app/ui/restore-preview.ts): over the
// storage a real engine left (fake-indexeddb), it guesses the checkpoint the engine restores and
// reads the same candles and plot rows the engine's first reset and rows then carry, bit for bit;
// it guesses nothing when the session asks for another run; and a guess that differs in one value
// or one title is told apart from the engine's (the page then draws the engine's).

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { Store } from '../../app/store/store.js';
import { readRestorePreview, rememberShown, sameReset, sameRows, type RestorePreview } from '../../app/ui/restore-preview.js';
import type { EngineEvent } from '../../app/worker/protocol.js';
import { BASE_URL, boot, fetchPublic, type FakePage } from './engine-harness.js';

const SCRIPT = `//@version=6
indicator("preview test", overlay=true)
len = input.int(5, "Length")
plot(ta.sma(close, len), "SMA")
`;

const CLOSE = readFileSync(new URL('../../public/samples/sp500-daily-2000-2020.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => Number(l.split(',')[4]));
const N = CLOSE.length;

const engines: Engine[] = [];
let seq = 0;
const newDb = () => `preview-test-${++seq}-${Date.now()}`;

/** localStorage for Node: what the page remembers between loads. */
class MemoryStorage {
  private m = new Map<string, string>();
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.m.set(k, String(v));
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
}

beforeAll(() => {
  vi.stubGlobal('fetch', fetchPublic);
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose().catch(() => undefined);
  vi.unstubAllGlobals();
  vi.stubGlobal('fetch', fetchPublic);
});

async function open(db: string): Promise<{ engine: Engine; page: FakePage }> {
  const r = await boot(db);
  engines.push(r.engine);
  return r;
}

type Reset = Extract<EngineEvent, { type: 'reset' }>;
type Outputs = Extract<EngineEvent, { type: 'outputs' }>;

/** Runs SCRIPT over the sample data and waits for its last bar's checkpoint; the page remembers
 * what it showed, as the app's page does at every reset. */
async function runAndCheckpoint(db: string): Promise<Engine> {
  vi.stubGlobal('localStorage', new MemoryStorage());
  const { engine, page } = await open(db);
  await page.settled();
  await engine.setSource(SCRIPT);
  await engine.run();
  await page.until('the run and its checkpoint', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 1);
  const reset = page.events.filter((e): e is Reset => e.type === 'reset').at(-1);
  if (!reset?.program) throw new Error('no reset with a program');
  rememberShown(reset.program, reset.dataset);
  return engine;
}

/** The next page load's engine: its first reset and rows (the restore's early draw). */
async function engineFirstDraw(db: string): Promise<{ reset: Reset; rows: Outputs }> {
  const { page } = await open(db);
  await page.settled();
  const reset = page.events.find((e): e is Reset => e.type === 'reset');
  const rows = page.events.find((e): e is Outputs => e.type === 'outputs' && e.runId === reset?.runId);
  if (!reset || !rows) throw new Error('no restore drawn');
  return { reset, rows };
}

/** ta.sma(close, 5) by hand at bar i. */
const sma5 = (i: number) => CLOSE.slice(i - 4, i + 1).reduce((a, b) => a + b, 0) / 5;

describe('the page reads what a restore draws before the engine answers', () => {
  it('reads the checkpoint the engine restores: the same candles and rows as its first reset and rows', async () => {
    const db = newDb();
    const engine = await runAndCheckpoint(db);
    await engine.dispose();
    const p = await readRestorePreview({ baseUrl: BASE_URL }, Promise.resolve(), db);
    if (!p) throw new Error('no preview');
    // The chart's last window of candles and the stored rows that hold it, up to the last bar.
    expect(p.total).toBe(N);
    expect(p.bars.firstBar + p.bars.length).toBe(N);
    expect(Array.from(p.bars.close)).toEqual(CLOSE.slice(p.bars.firstBar));
    expect(p.rows.firstBar + p.rows.length).toBe(N);
    const sma = p.rows.columns[0]?.[0];
    for (const i of [N - 1, N - 2, N - 600]) expect(sma?.[i - p.rows.firstBar]).toBeCloseTo(sma5(i), 8);
    const drawn = await engineFirstDraw(db);
    expect(drawn.reset.restoring).toBe(true);
    expect(sameReset(drawn.reset, p)).toBe(true);
    expect(sameRows(drawn.rows.chunk, p.rows)).toBe(true);
  });

  it('guesses nothing for a run from scratch, a changed input, another script on the chart or nothing remembered', async () => {
    const db = newDb();
    const engine = await runAndCheckpoint(db);
    await engine.dispose();
    expect(await readRestorePreview({ baseUrl: BASE_URL, restore: false }, Promise.resolve(), db)).toBeNull();
    const store = await Store.open(db);
    const session = await store.getSession();
    if (!session) throw new Error('no session');
    const key = Object.keys((await store.listSnapshots())[0]?.inputs ?? {})[0] ?? 'len';
    await store.putSession({ ...session, inputs: { [session.scriptId]: { [key]: 9 } } });
    expect(await readRestorePreview({ baseUrl: BASE_URL }, Promise.resolve(), db)).toBeNull();
    await store.putSession(session);
    expect(await readRestorePreview({ baseUrl: BASE_URL }, Promise.resolve(), db)).not.toBeNull();
    await store.putStudy({ id: 's1', chartId: 'current', scriptId: session.scriptId, inputs: {}, hidden: false, order: 1, addedAt: 1 });
    expect(await readRestorePreview({ baseUrl: BASE_URL }, Promise.resolve(), db)).toBeNull();
    await store.deleteStudy('s1');
    store.close();
    localStorage.removeItem("evergreen.restore-shown");
    expect(await readRestorePreview({ baseUrl: BASE_URL }, Promise.resolve(), db)).toBeNull();
    // A database that does not exist is not created by the page.
    expect(await readRestorePreview({ baseUrl: BASE_URL }, Promise.resolve(), `${db}-none`)).toBeNull();
    const dbs = await indexedDB.databases();
    expect(dbs.some((d) => d.name === `${db}-none`)).toBe(false);
  });

  it('tells a guess that differs in one value or one title from the engine’s', async () => {
    const db = newDb();
    const engine = await runAndCheckpoint(db);
    await engine.dispose();
    const p = await readRestorePreview({ baseUrl: BASE_URL }, Promise.resolve(), db);
    if (!p) throw new Error('no preview');
    const drawn = await engineFirstDraw(db);
    const oneValue: RestorePreview['rows'] = { ...p.rows, columns: p.rows.columns.map((cols) => cols.map((c) => c.slice())) };
    const col = oneValue.columns[0]?.[0];
    if (!col) throw new Error('no column');
    col[col.length - 1] = (col[col.length - 1] ?? 0) + 1e-9;
    expect(sameRows(drawn.rows.chunk, oneValue)).toBe(false);
    const retitled: RestorePreview = { ...p, program: { ...p.program, outputs: p.program.outputs.map((o) => ({ ...o, title: `${o.title}!` })) } };
    expect(sameReset(drawn.reset, retitled)).toBe(false);
    const otherClose: RestorePreview = { ...p, bars: { ...p.bars, close: p.bars.close.map((c, i) => (i === 3 ? c + 0.01 : c)) } };
    expect(sameReset(drawn.reset, otherClose)).toBe(false);
  });
});
