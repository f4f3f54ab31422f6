/// <reference lib="dom" />
// The app's IndexedDB store (through fake-indexeddb): cumulative upgrades keep data, checkpoints are
// written all-or-nothing with their new output rows, outputs are assembled from chunks, deleting
// and pruning checkpoints, and a full disk is a clear StoreError that leaves the last good
// checkpoint as it was.

import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../app/store/store.js';
import { StoreError } from '../../app/store/errors.js';
import { upgradeSchema, type EvergreenDB, type OutputChunkRecord, type SnapshotMeta } from '../../app/store/schema.js';

let seq = 0;
const dbName = () => `store-test-${++seq}-${Date.now()}`;
const opened: Store[] = [];

async function open(name: string): Promise<Store> {
  const s = await Store.open(name);
  opened.push(s);
  return s;
}

afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function meta(over: Partial<SnapshotMeta>): SnapshotMeta {
  return {
    id: 'a',
    createdAt: 1000,
    bar: 9,
    size: 4,
    kind: 'auto',
    status: 'ok',
    statusMessage: null,
    scriptId: 's1',
    scriptName: 'Script',
    sourceHash: 'h1',
    datasetId: 'd1',
    datasetName: 'Data',
    inputs: { len: 14 },
    replayFrom: null,
    runKey: 'run1',
    totalBars: 100,
    ...over,
  };
}

/** Rows [from, to) of a run with two outputs (one with a color channel): value = bar * 10 + output. */
function chunk(runKey: string, from: number, to: number): OutputChunkRecord {
  const n = to - from;
  const col = (f: (bar: number) => number) => Float64Array.from({ length: n }, (_, i) => f(from + i));
  return {
    runKey,
    fromBar: from,
    toBar: to,
    time: col((b) => 1e12 + b * 60_000),
    columns: [[col((b) => b * 10)], [col((b) => b * 10 + 1), col(() => 42)]],
  };
}

describe('schema upgrades', () => {
  it('opens a version-1 database at the current version with its scripts and session intact', async () => {
    const name = dbName();
    const v1 = await openDB<EvergreenDB>(name, 1, { upgrade: (db, o, n, tx) => upgradeSchema(db, o, n ?? 1, tx) });
    expect([...v1.objectStoreNames].sort()).toEqual(['datasetBars', 'datasets', 'scripts', 'session']);
    await v1.put('scripts', { id: 's1', name: 'Old', source: 'plot(close)', createdAt: 1, updatedAt: 2, sample: null });
    await v1.put('session', { scriptId: 's1', datasetId: 'd1', inputs: {}, replay: { from: null, playing: false, speed: 10 } }, 'current');
    v1.close();
    const store = await open(name);
    expect([...store.db.objectStoreNames].sort()).toEqual(['datasetBars', 'datasets', 'outputs', 'scripts', 'session', 'snapshotBytes', 'snapshots', 'studies']);
    expect((await store.getScript('s1'))?.name).toBe('Old');
    expect((await store.getSession())?.scriptId).toBe('s1');
    expect(await store.listSnapshots()).toEqual([]);
  });
});

describe('checkpoints', () => {
  it('stores metadata, bytes and new output rows together and lists newest first', async () => {
    const store = await open(dbName());
    await store.saveCheckpoint({ meta: meta({ id: 'a', createdAt: 1, bar: 9 }), bytes: new Uint8Array([1, 2, 3, 4]), outputs: chunk('run1', 0, 10) });
    await store.saveCheckpoint({ meta: meta({ id: 'b', createdAt: 2, bar: 14, kind: 'manual' }), bytes: new Uint8Array([5, 6, 7, 8]), outputs: chunk('run1', 10, 15) });
    expect((await store.listSnapshots()).map((s) => s.id)).toEqual(['b', 'a']);
    expect(Array.from((await store.getSnapshotBytes('a')) ?? [])).toEqual([1, 2, 3, 4]);
    expect(await store.storedOutputsEnd('run1')).toBe(15);
    const out = await store.readOutputs('run1', 15);
    expect(out.length).toBe(15);
    expect(Array.from(out.columns[0]?.[0] ?? [])).toEqual(Array.from({ length: 15 }, (_, b) => b * 10));
    expect(Array.from(out.columns[1]?.[0] ?? []).slice(12)).toEqual([121, 131, 141]);
    expect(out.columns[1]?.[1]?.[14]).toBe(42);
    // Reading up to an earlier bar stops there.
    const head = await store.readOutputs('run1', 12);
    expect(head.length).toBe(12);
    expect(head.columns[0]?.[0]?.[11]).toBe(110);
  });

  it('leaves rows no chunk covers as na and counts only contiguous rows as stored', async () => {
    const store = await open(dbName());
    await store.saveCheckpoint({ meta: meta({ id: 'a', bar: 4 }), bytes: new Uint8Array(4), outputs: chunk('r', 0, 5) });
    await store.saveCheckpoint({ meta: meta({ id: 'b', bar: 19, runKey: 'r' }), bytes: new Uint8Array(4), outputs: chunk('r', 10, 20) });
    expect(await store.storedOutputsEnd('r')).toBe(5);
    const out = await store.readOutputs('r', 20);
    expect(Number.isNaN(out.columns[0]?.[0]?.[7] as number)).toBe(true);
    expect(out.columns[0]?.[0]?.[12]).toBe(120);
  });

  it('deletes a run\'s output rows with its last checkpoint, not before', async () => {
    const store = await open(dbName());
    await store.saveCheckpoint({ meta: meta({ id: 'a', createdAt: 1 }), bytes: new Uint8Array(4), outputs: chunk('run1', 0, 10) });
    await store.saveCheckpoint({ meta: meta({ id: 'b', createdAt: 2, bar: 14 }), bytes: new Uint8Array(4), outputs: chunk('run1', 10, 15) });
    await store.deleteSnapshot('b');
    expect(await store.getSnapshotBytes('b')).toBeUndefined();
    expect(await store.storedOutputsEnd('run1')).toBe(15);
    await store.deleteSnapshot('a');
    expect(await store.storedOutputsEnd('run1')).toBe(0);
    expect(await store.listSnapshots()).toEqual([]);
  });

  it('prunes old automatic checkpoints of a run but never manual ones or other runs', async () => {
    const store = await open(dbName());
    for (let i = 0; i < 5; i++) await store.saveCheckpoint({ meta: meta({ id: `auto${i}`, createdAt: 10 + i, bar: i }), bytes: new Uint8Array(4), outputs: null });
    await store.saveCheckpoint({ meta: meta({ id: 'manual', createdAt: 1, kind: 'manual' }), bytes: new Uint8Array(4), outputs: null });
    await store.saveCheckpoint({ meta: meta({ id: 'other', createdAt: 2, runKey: 'run2' }), bytes: new Uint8Array(4), outputs: null });
    const gone = await store.pruneAutoSnapshots('run1', 2);
    expect(gone.sort()).toEqual(['auto0', 'auto1', 'auto2']);
    expect((await store.listSnapshots()).map((s) => s.id).sort()).toEqual(['auto3', 'auto4', 'manual', 'other']);
  });

  it('marks a checkpoint stale or corrupt without touching its bytes', async () => {
    const store = await open(dbName());
    await store.saveCheckpoint({ meta: meta({ id: 'a' }), bytes: new Uint8Array([9, 9, 9, 9]), outputs: null });
    const m = await store.updateSnapshot('a', { status: 'corrupt', statusMessage: 'checksum mismatch' });
    expect(m?.status).toBe('corrupt');
    expect((await store.getSnapshot('a'))?.statusMessage).toBe('checksum mismatch');
    expect(Array.from((await store.getSnapshotBytes('a')) ?? [])).toEqual([9, 9, 9, 9]);
    expect(await store.updateSnapshot('missing', { status: 'stale' })).toBeUndefined();
  });
});

describe('a full disk', () => {
  function failPutsOn(storeName: string): () => void {
    const proto = IDBObjectStore.prototype;
    const original = proto.put;
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === storeName) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.apply(this, args);
    };
    return () => {
      proto.put = original;
    };
  }

  it('refuses a checkpoint with a clear message and keeps the previous one whole', async () => {
    const store = await open(dbName());
    await store.saveCheckpoint({ meta: meta({ id: 'good', createdAt: 1, bar: 9 }), bytes: new Uint8Array([1, 2, 3, 4]), outputs: chunk('run1', 0, 10) });
    const restore = failPutsOn('snapshotBytes');
    let err: unknown;
    try {
      await store.saveCheckpoint({ meta: meta({ id: 'new', createdAt: 2, bar: 19 }), bytes: new Uint8Array(2048), outputs: chunk('run1', 10, 20) });
    } catch (e) {
      err = e;
    } finally {
      restore();
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('quota');
    expect((err as StoreError).message).toMatch(/^Browser storage is full: could not save the checkpoint at bar 19 \(\d+\.\d KB\)\. Delete old checkpoints/);
    // Nothing of the failed checkpoint was written: not its metadata, not its output rows.
    expect((await store.listSnapshots()).map((s) => s.id)).toEqual(['good']);
    expect(await store.storedOutputsEnd('run1')).toBe(10);
    expect(Array.from((await store.getSnapshotBytes('good')) ?? [])).toEqual([1, 2, 3, 4]);
  });

  it('refuses a dataset import whole', async () => {
    const store = await open(dbName());
    const restore = failPutsOn('datasetBars');
    const bars = { id: 'csv:x', time: new Float64Array(3), open: new Float64Array(3), high: new Float64Array(3), low: new Float64Array(3), close: new Float64Array(3), volume: new Float64Array(3) };
    await expect(
      store.putDataset({ id: 'csv:x', name: 'x', fileName: 'x.csv', length: 3, firstTime: 0, lastTime: 2, timeframe: '1D', warnings: [], createdAt: 1 }, bars),
    ).rejects.toThrow(/Browser storage is full: could not save the dataset 'x'/);
    restore();
    expect(await store.listDatasets()).toEqual([]);
  });
});
