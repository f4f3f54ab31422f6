// Typed access to the app's IndexedDB database: scripts, imported datasets, the open session,
// checkpoints (metadata and bytes written in one transaction together with the plot output rows
// that are new since the last checkpoint of the same run) and stored output chunks. Every write goes
// through guardWrite, so running out of quota is a StoreError with a clear message and an aborted
// transaction (nothing half-written). Runs wherever IndexedDB does: the app's worker, or Node with
// fake-indexeddb in tests.

import { openDB, type IDBPDatabase } from 'idb';
import {
  DB_NAME,
  DB_VERSION,
  upgradeSchema,
  type DatasetBarsRecord,
  type DatasetRecord,
  type EvergreenDB,
  type OutputChunkRecord,
  type ScriptRecord,
  type SessionRecord,
  type SnapshotBytesRecord,
  type SnapshotMeta,
  type StudyRecord,
  type TailBarsRecord,
  MAIN_BRANCH,
} from './schema.js';
import { StoreError, guardWrite } from './errors.js';

const SESSION_KEY = 'current';

/** Stored output rows are cut into records of at most this many rows, at multiples of it, so the
 * rows near one bar (the chart's first window, at the end of a run) are read without the others. */
export const OUTPUT_BLOCK = 4096;

export interface CheckpointWrite {
  meta: SnapshotMeta;
  bytes: Uint8Array;
  /** The last candles up to meta.bar (SnapshotBytesRecord.tail), when the engine has them. */
  tail?: TailBarsRecord;
  /** Output rows not yet stored for meta.runKey, or null when there are none. */
  outputs: OutputChunkRecord | null;
}

/** Output rows of one run assembled from its chunks. Rows never stored are NaN. */
export interface AssembledOutputs {
  firstBar: number;
  length: number;
  time: Float64Array;
  columns: Float64Array[][];
}

export function outputChunkBytes(c: OutputChunkRecord): number {
  let n = c.time.byteLength;
  for (const cols of c.columns) for (const col of cols) n += col.byteLength;
  return n;
}

/** A chunk of output rows as the records it is stored in: cut at multiples of `block`, each array
 * copied to its exact size (IndexedDB would store the whole buffer behind a view). */
export function splitOutputChunk(c: OutputChunkRecord, block = OUTPUT_BLOCK): OutputChunkRecord[] {
  const out: OutputChunkRecord[] = [];
  for (let a = c.fromBar; a < c.toBar; ) {
    const b = Math.min(c.toBar, (Math.floor(a / block) + 1) * block);
    const i = a - c.fromBar;
    const j = b - c.fromBar;
    out.push({ runKey: c.runKey, fromBar: a, toBar: b, time: c.time.slice(i, j), columns: c.columns.map((cols) => cols.map((col) => col.slice(i, j))) });
    a = b;
  }
  return out;
}

/** Rows [from, to) assembled from output records (later records win where they overlap); rows no
 * record covers are NaN. */
function assemble(chunks: OutputChunkRecord[], from: number, to: number, shape: number[]): AssembledOutputs {
  const n = Math.max(0, to - from);
  const time = new Float64Array(n).fill(NaN);
  const columns = shape.map((nch) => Array.from({ length: nch }, () => new Float64Array(n).fill(NaN)));
  for (const c of chunks) {
    const a = Math.max(c.fromBar, from);
    const b = Math.min(c.toBar, to);
    if (b <= a) continue;
    const src = a - c.fromBar;
    time.set(c.time.subarray(src, src + b - a), a - from);
    columns.forEach((cols, o) =>
      cols.forEach((col, ch) => {
        const v = c.columns[o]?.[ch];
        if (v) col.set(v.subarray(src, src + b - a), a - from);
      }),
    );
  }
  return { firstBar: from, length: n, time, columns };
}

function barsBytes(b: DatasetBarsRecord): number {
  return b.time.byteLength * 6;
}

interface AbortableTx {
  done: Promise<void>;
  abort(): void;
}

/** Runs the writes of a readwrite transaction all or nothing: a request that fails aborts the
 * transaction (IndexedDB does that for failures it reports), and so does a write that throws
 * before its request exists, which IndexedDB alone would let the others commit past. */
async function allOrNothing(tx: AbortableTx, writes: (ops: Promise<unknown>[]) => void): Promise<void> {
  tx.done.catch(() => undefined);
  const ops: Promise<unknown>[] = [];
  try {
    writes(ops);
    await Promise.all([...ops, tx.done]);
  } catch (e) {
    for (const op of ops) op.catch(() => undefined);
    try {
      tx.abort();
    } catch {
      // Already finished (aborted by the failure itself).
    }
    throw e;
  }
}

export class Store {
  private constructor(readonly db: IDBPDatabase<EvergreenDB>) {}

  /** Opens (creating or upgrading) the database. Another tab holding an older version is asked to
   * close its connection; if it does not, opening fails with a 'blocked' StoreError. */
  static async open(name: string = DB_NAME): Promise<Store> {
    let blocked = false;
    const db = await openDB<EvergreenDB>(name, DB_VERSION, {
      upgrade: (database, oldVersion, newVersion, tx) => upgradeSchema(database, oldVersion, newVersion ?? DB_VERSION, tx),
      blocked: () => {
        blocked = true;
      },
      blocking: () => {
        // A newer version wants to upgrade: let it, this connection is closed.
        db.close();
      },
    }).catch((e: unknown) => {
      const msg = e instanceof Error ? e.message : String(e);
      throw new StoreError(blocked ? 'blocked' : 'failed', `Could not open the app's storage: ${msg}`);
    });
    return new Store(db);
  }

  /** A Store over a connection opened elsewhere (the page's read-only look, restore-preview.ts). */
  static wrap(db: IDBPDatabase<EvergreenDB>): Store {
    return new Store(db);
  }

  close(): void {
    this.db.close();
  }

  // ---- scripts ----

  async listScripts(): Promise<ScriptRecord[]> {
    const all = await this.db.getAll('scripts');
    return all.sort((a, b) => b.updatedAt - a.updatedAt);
  }

  getScript(id: string): Promise<ScriptRecord | undefined> {
    return this.db.get('scripts', id);
  }

  async putScript(rec: ScriptRecord): Promise<void> {
    // Resolved once committed (not when the request succeeds): script code that runs next and
    // never yields must not leave the write uncommitted, holding the store for the next worker.
    await guardWrite(`the script '${rec.name}'`, rec.source.length * 2, async () => {
      const tx = this.db.transaction('scripts', 'readwrite');
      await Promise.all([tx.store.put(rec), tx.done]);
    });
  }

  async deleteScript(id: string): Promise<void> {
    await this.db.delete('scripts', id);
  }

  // ---- datasets ----

  async listDatasets(): Promise<DatasetRecord[]> {
    const all = await this.db.getAll('datasets');
    return all.sort((a, b) => a.createdAt - b.createdAt);
  }

  getDataset(id: string): Promise<DatasetRecord | undefined> {
    return this.db.get('datasets', id);
  }

  getDatasetBars(id: string): Promise<DatasetBarsRecord | undefined> {
    return this.db.get('datasetBars', id);
  }

  /** Stores a dataset's metadata and bars in one transaction. */
  async putDataset(meta: DatasetRecord, bars: DatasetBarsRecord): Promise<void> {
    await guardWrite(`the dataset '${meta.name}'`, barsBytes(bars), async () => {
      const tx = this.db.transaction(['datasets', 'datasetBars'], 'readwrite');
      await allOrNothing(tx, (ops) => {
        ops.push(tx.objectStore('datasets').put(meta));
        ops.push(tx.objectStore('datasetBars').put(bars));
      });
    });
  }

  /** Replaces a dataset's metadata (its bars unchanged). */
  async putDatasetMeta(meta: DatasetRecord): Promise<void> {
    await guardWrite(`the dataset '${meta.name}'`, 4096, async () => {
      await this.db.put('datasets', meta);
    });
  }

  async deleteDataset(id: string): Promise<void> {
    const tx = this.db.transaction(['datasets', 'datasetBars'], 'readwrite');
    await Promise.all([tx.objectStore('datasets').delete(id), tx.objectStore('datasetBars').delete(id), tx.done]);
  }

  // ---- session ----

  getSession(): Promise<SessionRecord | undefined> {
    return this.db.get('session', SESSION_KEY);
  }

  async putSession(s: SessionRecord): Promise<void> {
    await guardWrite('the session settings', 1024, async () => {
      const tx = this.db.transaction('session', 'readwrite');
      await Promise.all([tx.store.put(s, SESSION_KEY), tx.done]);
    });
  }

  // ---- scripts added to the chart ----

  /** The scripts added to chart `chartId`, in the chart's order. */
  async listStudies(chartId: string): Promise<StudyRecord[]> {
    const all = await this.db.getAllFromIndex('studies', 'by-chart', chartId);
    return all.sort((a, b) => a.order - b.order || a.addedAt - b.addedAt);
  }

  async putStudy(rec: StudyRecord): Promise<void> {
    await guardWrite('the chart\'s list of scripts', 1024, async () => {
      const tx = this.db.transaction('studies', 'readwrite');
      await Promise.all([tx.store.put(rec), tx.done]);
    });
  }

  async deleteStudy(id: string): Promise<void> {
    const tx = this.db.transaction('studies', 'readwrite');
    await Promise.all([tx.store.delete(id), tx.done]);
  }

  // ---- snapshots ----

  /** Every checkpoint, newest first. */
  async listSnapshots(): Promise<SnapshotMeta[]> {
    const all = await this.db.getAll('snapshots');
    return all.sort((a, b) => b.createdAt - a.createdAt || b.bar - a.bar);
  }

  getSnapshot(id: string): Promise<SnapshotMeta | undefined> {
    return this.db.get('snapshots', id);
  }

  async getSnapshotBytes(id: string): Promise<Uint8Array | undefined> {
    const rec = await this.db.get('snapshotBytes', id);
    return rec?.bytes;
  }

  /** A checkpoint's bytes with the candles stored beside them (SnapshotBytesRecord.tail). */
  getSnapshotRecord(id: string): Promise<SnapshotBytesRecord | undefined> {
    return this.db.get('snapshotBytes', id);
  }

  /** Writes a checkpoint: its metadata, its bytes and the new output rows, all or nothing. */
  async saveCheckpoint(w: CheckpointWrite): Promise<void> {
    const size = w.bytes.byteLength + (w.outputs ? outputChunkBytes(w.outputs) : 0) + (w.tail ? w.tail.time.byteLength * 6 : 0);
    await guardWrite(`the checkpoint at bar ${w.meta.bar}`, size, async () => {
      const tx = this.db.transaction(['snapshots', 'snapshotBytes', 'outputs'], 'readwrite');
      await allOrNothing(tx, (ops) => {
        ops.push(tx.objectStore('snapshots').put(w.meta));
        ops.push(tx.objectStore('snapshotBytes').put(w.tail ? { id: w.meta.id, bytes: w.bytes, tail: w.tail } : { id: w.meta.id, bytes: w.bytes }));
        if (w.outputs && w.outputs.toBar > w.outputs.fromBar) {
          for (const rec of splitOutputChunk(w.outputs)) ops.push(tx.objectStore('outputs').put(rec));
        }
      });
    });
  }

  async updateSnapshot(id: string, patch: Partial<Pick<SnapshotMeta, 'status' | 'statusMessage'>>): Promise<SnapshotMeta | undefined> {
    return guardWrite('the checkpoint status', 512, async () => {
      const tx = this.db.transaction('snapshots', 'readwrite');
      const cur = await tx.store.get(id);
      if (!cur) {
        await tx.done;
        return undefined;
      }
      const next = { ...cur, ...patch };
      await Promise.all([tx.store.put(next), tx.done]);
      return next;
    });
  }

  /** Deletes a checkpoint. The output rows of its run go too once no checkpoint of the run is left. */
  async deleteSnapshot(id: string): Promise<void> {
    const tx = this.db.transaction(['snapshots', 'snapshotBytes', 'outputs'], 'readwrite');
    const snaps = tx.objectStore('snapshots');
    const meta = await snaps.get(id);
    await snaps.delete(id);
    await tx.objectStore('snapshotBytes').delete(id);
    if (meta) {
      const others = await snaps.index('by-run').count(meta.runKey);
      if (others === 0) {
        const outs = tx.objectStore('outputs');
        let cur = await outs.index('by-run').openCursor(meta.runKey);
        while (cur) {
          await cur.delete();
          cur = await cur.continue();
        }
      }
    }
    await tx.done;
  }

  /** Keeps the newest `keep` automatic checkpoints of a run (in one replay branch) and deletes the
   * older ones. */
  async pruneAutoSnapshots(runKey: string, keep: number, branch: string = MAIN_BRANCH): Promise<string[]> {
    const all = await this.db.getAllFromIndex('snapshots', 'by-run', runKey);
    const autos = all.filter((s) => s.kind === 'auto' && (s.branch ?? MAIN_BRANCH) === branch).sort((a, b) => b.createdAt - a.createdAt || b.bar - a.bar);
    const gone = autos.slice(keep).map((s) => s.id);
    for (const id of gone) await this.deleteSnapshot(id);
    return gone;
  }

  // ---- outputs ----

  /** End (exclusive bar index) of the contiguous output rows stored for a run from bar 0. */
  async storedOutputsEnd(runKey: string): Promise<number> {
    const chunks = await this.db.getAllFromIndex('outputs', 'by-run', runKey);
    chunks.sort((a, b) => a.fromBar - b.fromBar);
    let end = 0;
    for (const c of chunks) {
      if (c.fromBar > end) break;
      end = Math.max(end, c.toBar);
    }
    return end;
  }

  /** Output rows [0, toBar) of a run; rows no chunk covers stay NaN. `shape` gives the channel
   * count of each output (by default, that of the stored chunks). `storedEnd` is the end of the
   * contiguous rows stored from bar 0 (it may pass `toBar`). */
  async readOutputs(runKey: string, toBar: number, shape?: number[]): Promise<AssembledOutputs & { storedEnd: number }> {
    const chunks = await this.db.getAll('outputs', IDBKeyRange.bound([runKey, 0], [runKey, Infinity]));
    chunks.sort((a, b) => a.fromBar - b.fromBar);
    let storedEnd = 0;
    for (const c of chunks) {
      if (c.fromBar > storedEnd) break;
      storedEnd = Math.max(storedEnd, c.toBar);
    }
    shape ??= chunks[0]?.columns.map((c) => c.length) ?? [];
    return { ...assemble(chunks, 0, toBar, shape), storedEnd };
  }

  /** The last output rows of a run up to `toBar` (exclusive), at least from bar `from`: only the
   * records that hold them are read (newest first, stopping at the one that covers `from`), and
   * the rows returned start where the first of those records does, so `firstBar` <= `from`. */
  async readOutputTail(runKey: string, from: number, toBar: number, shape?: number[]): Promise<AssembledOutputs> {
    const chunks: OutputChunkRecord[] = [];
    if (toBar > 0) {
      let cur = await this.db.transaction('outputs').store.openCursor(IDBKeyRange.bound([runKey, 0], [runKey, toBar - 1]), 'prev');
      while (cur) {
        const c = cur.value;
        if (c.toBar <= from) break;
        chunks.push(c);
        if (c.fromBar <= from) break;
        cur = await cur.continue();
      }
    }
    chunks.reverse();
    const first = Math.min(from, chunks[0]?.fromBar ?? from);
    return assemble(chunks, Math.max(0, first), toBar, shape ?? chunks[0]?.columns.map((c) => c.length) ?? []);
  }

  /** Deletes everything (the app's "clear storage"). */
  async clearAll(): Promise<void> {
    const names = ['scripts', 'datasets', 'datasetBars', 'session', 'snapshots', 'snapshotBytes', 'outputs', 'studies'] as const;
    const tx = this.db.transaction([...names], 'readwrite');
    await Promise.all([...names.map((n) => tx.objectStore(n).clear()), tx.done]);
  }
}
