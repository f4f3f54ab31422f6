/// <reference lib="dom" />
// The engine worker's logic in Node (real VM, fake-indexeddb): history runs and their checkpoints,
// restoring on the next start without re-running history, replay with ticks continuing after a
// restart, stale and corrupt checkpoints, CSV import errors, export/clear/import, a full disk
// during a checkpoint, cancelling, and answering calls while a slow script runs. Plot values are
// checked against moving averages computed here by hand from the sample CSV.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { Store } from '../../app/store/store.js';
import { boot, engineList, type FakePage } from './engine-harness.js';
import type { SessionView } from '../../app/worker/protocol.js';

const SCRIPT = `//@version=6
indicator("sma test", overlay=true)
len = input.int(5, "Length")
plot(ta.sma(close, len), "SMA")
plot(close - open, "Body")
`;

const ROWS = readFileSync(new URL('../../public/samples/sp500-daily-2000-2020.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(',').map(Number) as [number, number, number, number, number]);
const N = ROWS.length;
const CLOSE = ROWS.map((r) => r[4]);
const OPEN = ROWS.map((r) => r[1]);

/** Pine's ta.sma(close, len) by hand: na until `len` closes are in. */
function sma(len: number): (number | null)[] {
  return CLOSE.map((_, i) => (i + 1 < len ? null : CLOSE.slice(i + 1 - len, i + 1).reduce((a, b) => a + b, 0) / len));
}
function near(got: (number | null)[], want: (number | null)[]): boolean {
  return got.length === want.length && got.every((g, i) => {
    const w = want[i];
    return g === null || w === null || w === undefined ? g === w : Math.abs(g - w) <= 1e-8 + 1e-9 * Math.abs(w);
  });
}

let seq = 0;
const engines = engineList();
const newDb = () => `engine-test-${++seq}-${Date.now()}`;

async function start(db: string, opts = {}): Promise<{ engine: Engine; page: FakePage; session: SessionView }> {
  const r = await boot(db, opts);
  engines.push(r.engine);
  return r;
}

/** Opens the app with SCRIPT as its script and waits for the run. */
async function startWithScript(db: string): Promise<{ engine: Engine; page: FakePage }> {
  const r = await start(db);
  await r.page.settled();
  await r.engine.setSource(SCRIPT);
  await r.engine.run();
  await r.page.until('the SMA run', () => r.page.lastEnd?.status === 'done' && r.page.buffer.outputIdByTitle('SMA') >= 0 && r.page.checkpointBar === N - 1);
  return r;
}

/** A page reload: the old engine stops where it is, a new one opens the same storage. */
async function reload(engine: Engine, db: string): Promise<{ engine: Engine; page: FakePage }> {
  await engine.dispose();
  return start(db);
}

describe('history runs and restores', () => {
  it('runs the sample script over the sample data on first start, then checkpoints it', async () => {
    const { page, session } = await start(newDb());
    expect(session.scripts.map((s) => s.name)).toEqual(expect.arrayContaining(['MA + Bollinger Bands', 'RSI + MACD oscillator', 'Donchian breakout with logs']));
    expect(session.datasetId).toBe('sample:sp500-daily');
    const end = await page.settled();
    expect(end.status).toBe('done');
    expect(end.lastBar).toBe(N - 1);
    expect(page.buffer.barCount).toBe(N);
    expect(page.buffer.rowCount).toBe(N);
    await page.until('the checkpoint', () => page.checkpointBar === N - 1);
  });

  it('restores the checkpoint on the next start with the stored plot values and no history run', async () => {
    const db = newDb();
    const first = await startWithScript(db);
    expect(near(first.page.values('SMA'), sma(5))).toBe(true);
    const second = await reload(first.engine, db);
    const end = await second.page.settled();
    expect(end.status).toBe('restored');
    expect(end.lastBar).toBe(N - 1);
    expect(second.page.events.some((e) => e.type === 'progress' && e.phase === 'history')).toBe(false);
    expect(near(second.page.values('SMA'), sma(5))).toBe(true);
    expect(second.page.values('Body')).toEqual(CLOSE.map((c, i) => c - (OPEN[i] as number)));
  });

  it('a reload draws from the candles stored with the checkpoint first, then gets the bars before them and every row', async () => {
    const db = newDb();
    const first = await startWithScript(db);
    const second = await reload(first.engine, db);
    await second.page.settled();
    const ev = second.page.events.filter((e) => 'runId' in e && e.runId === second.page.runId);
    const kinds = ev.filter((e) => ['reset', 'outputs', 'bars', 'run-end'].includes(e.type));
    const reset = kinds[0];
    // The chart's last window of candles (1,200) and the stored rows holding its window come first,
    // before the dataset is loaded; then the candles before it, then (unless those rows started at
    // bar 0 already: they are read in records of 4,096) every row from bar 0, then the run's end.
    expect(kinds.slice(0, 3).map((e) => e.type)).toEqual(['reset', 'outputs', 'bars']);
    expect(kinds.slice(3).map((e) => e.type)).toEqual(N > 4096 + 1200 ? ['outputs', 'run-end'] : ['run-end']);
    if (reset?.type !== 'reset') throw new Error('no reset');
    expect(reset.bars.firstBar).toBe(N - 1200);
    expect(reset.bars.length).toBe(1200);
    expect(reset.total).toBe(N);
    const rows0 = kinds[1];
    expect(rows0?.type === 'outputs' && rows0.chunk.firstBar + rows0.chunk.length).toBe(N);
    const back = kinds[2];
    expect(back?.type === 'bars' && [back.bars.firstBar, back.bars.length]).toEqual([0, N - 1200]);
    // The page ends with every candle, as in the CSV, and every row.
    const b = second.page.buffer;
    expect([b.barsFrom, b.barCount, b.rowCount]).toEqual([0, N, N]);
    expect(Array.from(b.close.data.subarray(0, N))).toEqual(CLOSE);
    expect(Array.from(b.open.data.subarray(0, N))).toEqual(OPEN);
    expect(near(second.page.values('SMA'), sma(5))).toBe(true);
  });

  it('running the same run again stores no output rows twice', async () => {
    const db = newDb();
    const { engine, page } = await startWithScript(db);
    const count = async () => {
      const store = await Store.open(db);
      const n = await store.db.count('outputs');
      store.close();
      return n;
    };
    const before = await count();
    expect(before).toBeGreaterThan(0);
    const run0 = page.runId;
    await engine.run();
    await page.until('the second run and its checkpoint', () => page.runId > run0 && page.lastEnd?.status === 'done' && page.checkpointBar === N - 1);
    await engine.checkpointNow();
    expect(await count()).toBe(before);
    expect(near(page.values('SMA'), sma(5))).toBe(true);
  });

  it('re-runs with new inputs and restores the earlier run when they are set back', async () => {
    const db = newDb();
    const { engine, page } = await startWithScript(db);
    await engine.setInputs({ len: 9 });
    await page.until('the len=9 run', () => page.lastEnd?.status === 'done');
    expect(near(page.values('SMA'), sma(9))).toBe(true);
    await engine.setInputs({});
    await page.until('the restore', () => page.lastEnd?.status === 'restored');
    expect(near(page.values('SMA'), sma(5))).toBe(true);
  });

  it('keeps a checkpoint of an edited script, marks it stale and runs from scratch saying why', async () => {
    const db = newDb();
    const first = await startWithScript(db);
    await first.engine.setSource(SCRIPT.replace('input.int(5', 'input.int(7'));
    const second = await reload(first.engine, db);
    const end = await second.page.settled();
    expect(end.status).toBe('done');
    const [msg] = second.page.notices('stale-checkpoint');
    expect(msg).toContain(`The checkpoint at bar ${N - 1}`);
    expect(msg).toContain('marked stale');
    expect(near(second.page.values('SMA'), sma(7))).toBe(true);
    await second.page.until('the new checkpoint', () => second.page.checkpointBar === N - 1);
    // Every checkpoint of the earlier versions is kept, stale; only the new run's is usable.
    const list = await second.engine.listSnapshots();
    const stale = list.filter((s) => s.status === 'stale');
    expect(stale.length).toBeGreaterThanOrEqual(1);
    expect(stale.every((s) => s.bar === N - 1 && (s.statusMessage ?? '').includes('earlier version'))).toBe(true);
    expect(list.filter((s) => s.status === 'ok').every((s) => s.matchesCurrent)).toBe(true);
  });

  it('reports a corrupted checkpoint, marks it and falls back to an older good one', async () => {
    const db = newDb();
    const { engine, page } = await startWithScript(db);
    await engine.setReplayFrom(N - 30);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 31);
    for (let i = 0; i < 4; i++) await engine.step();
    const saved = await engine.checkpointNow();
    expect(saved?.bar).toBe(N - 27);
    // Damage the newest checkpoint's bytes in storage.
    const store = await Store.open(db);
    const bytes = (await store.getSnapshotBytes(saved?.id ?? '')) ?? new Uint8Array();
    const bad = bytes.slice();
    for (let i = 40; i < 60; i++) bad[i] = (bad[i] ?? 0) ^ 0xff;
    await store.db.put('snapshotBytes', { id: saved?.id ?? '', bytes: bad });
    store.close();
    const second = await reload(engine, db);
    const end = await second.page.settled();
    expect(end.status).toBe('restored');
    expect(end.lastBar).toBeLessThan(N - 27);
    expect(end.lastBar).toBeGreaterThanOrEqual(N - 31);
    expect(second.page.notices('snapshot-corrupt')[0]).toContain(`The checkpoint at bar ${N - 27}`);
    const list = await second.engine.listSnapshots();
    expect(list.find((s) => s.id === saved?.id)?.status).toBe('corrupt');
    expect(near(second.page.values('SMA'), sma(5).slice(0, end.lastBar + 1))).toBe(true);
  });
});

describe('replay', () => {
  it('feeds bars as ticks, survives a restart at its last checkpoint and ends with the history values', async () => {
    const db = newDb();
    const { engine, page } = await startWithScript(db);
    await engine.setReplayFrom(N - 40);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 41);
    expect(page.buffer.barCount).toBe(N - 40);
    await engine.step();
    // A step sends ticks (open bar updates) before the confirmed bar.
    const feeds = page.events.filter((e) => e.type === 'feed');
    expect(page.barIndex).toBe(N - 40);
    expect(feeds.length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 4; i++) await engine.step();
    expect((await engine.checkpointNow())?.bar).toBe(N - 36);
    const second = await reload(engine, db);
    const end = await second.page.settled();
    expect(end.status).toBe('restored');
    expect(end.lastBar).toBe(N - 36);
    expect(second.page.buffer.barCount).toBe(N - 35);
    await second.engine.setSpeed(0);
    await second.engine.play();
    await second.page.until('the end of the replay', () => second.page.barIndex === N - 1, 60_000);
    expect(second.page.buffer.rowCount).toBe(N);
    expect(near(second.page.values('SMA'), sma(5))).toBe(true);
    await second.page.until('the final checkpoint', () => second.page.checkpointBar === N - 1);
    expect(second.page.notices('replay-end').length).toBe(1);
  });

  it('shows the open bar while it forms: ticks with the high and low so far, then the bar', async () => {
    const { engine, page } = await startWithScript(newDb());
    await engine.setReplayFrom(N - 5);
    await page.until('the replay history', () => page.lastEnd?.status === 'done');
    await engine.setSpeed(1000);
    const seen: { high: number; low: number; close: number }[] = [];
    const before = page.events.length;
    await engine.play();
    await page.until('one bar', () => page.barIndex >= N - 5);
    await engine.pause();
    for (const e of page.events.slice(before)) if (e.type === 'feed' && e.open && e.open.bar === N - 5) seen.push(e.open);
    const row = ROWS[N - 5] as [number, number, number, number, number];
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toMatchObject({ high: row[1], low: row[1], close: row[1] });
    expect(seen.at(-1)).toMatchObject({ high: row[2], low: row[3] });
    for (let i = 1; i < seen.length; i++) {
      expect((seen[i] as { high: number }).high).toBeGreaterThanOrEqual((seen[i - 1] as { high: number }).high);
      expect((seen[i] as { low: number }).low).toBeLessThanOrEqual((seen[i - 1] as { low: number }).low);
    }
  });
});

describe('datasets', () => {
  it('refuses a CSV with a malformed row naming the row, and keeps the datasets as they were', async () => {
    const { engine, page } = await start(newDb());
    await page.settled();
    const good = 'time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02,1.5,2.5,1,2\n2024-01-03,2,3,1.5,2.5\n';
    const ok = await engine.importCsv('good.csv', new TextEncoder().encode(good));
    expect(ok).toMatchObject({ ok: true, message: 'Imported good.csv: 3 bars.' });
    await page.until('the run on good.csv', () => page.lastEnd?.status === 'done' && page.buffer.barCount === 3);
    const before = (await engine.listSnapshots()).length;
    const bad = good.replace('2024-01-02,1.5,2.5,1,2', '2024-01-02,1.5,2.5,1');
    const r = await engine.importCsv('bad.csv', new TextEncoder().encode(bad));
    expect(r.ok).toBe(false);
    expect(r.message).toBe("bad.csv:3: column 'close': no value: the row has 4 fields, the header 5 — nothing was imported.");
    const session = await engine.selectScript((await engine.renameScript('x', 'y')).scriptId);
    expect(session.datasets.filter((d) => d.kind === 'csv').map((d) => d.name)).toEqual(['good']);
    expect((await engine.listSnapshots()).length).toBeGreaterThanOrEqual(before);
    const bin = await engine.importCsv('data.csv', new Uint8Array([0xff, 0xfe, 0x00, 0x80]));
    expect(bin.ok).toBe(false);
  });
});

describe('export and import', () => {
  it('exports a checkpoint that restores the same bar after the storage is cleared', async () => {
    const { engine, page } = await startWithScript(newDb());
    await engine.setReplayFrom(N - 20);
    await page.until('the replay history', () => page.lastEnd?.status === 'done');
    for (let i = 0; i < 3; i++) await engine.step();
    const saved = await engine.checkpointNow();
    expect(saved?.bar).toBe(N - 18);
    const file = await engine.exportSnapshot(saved?.id ?? '');
    expect(file.fileName).toBe(`MA-Bollinger-Bands-bar${N - 18}.evergreen`);
    await engine.clearStorage();
    await page.settled();
    expect((await engine.listSnapshots()).every((s) => s.bar === N - 1 || s.kind === 'auto')).toBe(true);
    const r = await engine.importSnapshot(file.fileName, file.bytes);
    expect(r).toMatchObject({ ok: true, message: `Imported ${file.fileName}: continuing from bar ${N - 17}.` });
    await page.until('the restore', () => page.lastEnd?.status === 'restored');
    expect(page.lastEnd?.lastBar).toBe(N - 18);
    expect(near(page.values('SMA'), sma(5).slice(0, N - 17))).toBe(true);
    await engine.step();
    expect(page.barIndex).toBe(N - 17);
    expect(near(page.values('SMA'), sma(5).slice(0, N - 16))).toBe(true);
    const junk = await engine.importSnapshot('junk.evergreen', new TextEncoder().encode('hello'));
    expect(junk.ok).toBe(false);
    expect(junk.message).toMatch(/^junk\.evergreen: Not a valid Evergreen checkpoint file/);
  });
});

describe('failures and responsiveness', () => {
  it('reports a full disk during a checkpoint, finishes the run and keeps the previous checkpoint', async () => {
    const db = newDb();
    const { engine, page } = await startWithScript(db);
    const before = (await engine.listSnapshots()).map((s) => s.id);
    const proto = IDBObjectStore.prototype;
    const put = proto.put;
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'snapshotBytes') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      await engine.setInputs({ len: 6 });
      await page.until('the len=6 run', () => page.lastEnd?.status === 'done' && page.notices('quota').length > 0);
    } finally {
      proto.put = put;
    }
    expect(page.notices('quota')[0]).toMatch(/^Browser storage is full: could not save the checkpoint at bar \d+/);
    expect(near(page.values('SMA'), sma(6))).toBe(true);
    expect((await engine.listSnapshots()).map((s) => s.id)).toEqual(before);
    const second = await reload(engine, db);
    await second.engine.setInputs({});
    await second.page.until('the restore of the earlier checkpoint', () => second.page.lastEnd?.status === 'restored');
  });

  it('cancels a long history run at a bar boundary', async () => {
    const { engine, page } = await start(newDb(), { datasetId: 'synthetic:1000000' });
    await page.until('progress', () => page.events.some((e) => e.type === 'progress' && e.phase === 'history' && e.done > 1000));
    await engine.cancel();
    const end = await page.settled();
    expect(end.status).toBe('cancelled');
    expect(end.lastBar).toBeGreaterThan(1000);
    expect(end.lastBar).toBeLessThan(999_999);
    expect(page.buffer.rowCount).toBe(end.lastBar + 1);
  });

  it('answers calls while a slow script runs (bars under an instruction budget)', async () => {
    const { engine, page } = await start(newDb());
    await page.settled();
    await engine.setSource(`//@version=6
indicator("slow")
s = 0.0
for i = 0 to 20000
    s += math.sqrt(i)
plot(s + close, "Slow")
`);
    await engine.run();
    const from = page.events.length;
    await page.until('the slow run to start', () => page.events.slice(from).some((e) => e.type === 'progress' && e.phase === 'history' && e.done > 3));
    await engine.listSnapshots();
    // Answered while the run goes on: it has not ended (it only ends when cancelled below).
    expect(page.events.slice(from).some((e) => e.type === 'run-end')).toBe(false);
    await engine.cancel();
    const end = await page.settled();
    expect(end.status).toBe('cancelled');
    // Each value is close + sum of sqrt(0..20000), the same on every bar.
    let s = 0;
    for (let i = 0; i <= 20000; i++) s += Math.sqrt(i);
    const v = page.values('Slow');
    expect(v.length).toBeGreaterThan(3);
    v.forEach((x, i) => expect(Math.abs((x ?? NaN) - (s + (CLOSE[i] as number)))).toBeLessThan(1e-6));
  });
});
