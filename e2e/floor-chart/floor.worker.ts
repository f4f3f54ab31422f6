// The library floor's worker (see floor.ts): reads the app's newest checkpoint from the app's own
// IndexedDB, as any restoring load must — its metadata, the candles stored beside it and the plot
// rows of its last window — and transfers them to the page. Raw IndexedDB: no app code (the
// app's record types only, erased at build).

import type { OutputChunkRecord, SnapshotBytesRecord, SnapshotMeta } from '../../app/store/schema.js';

const WINDOW = 1200;

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function main(): Promise<void> {
  const open = indexedDB.open('evergreen');
  const db = await req(open);
  const tx = db.transaction(['snapshots', 'snapshotBytes', 'outputs']);
  const metas = (await req(tx.objectStore('snapshots').getAll())) as SnapshotMeta[];
  const meta = metas.filter((m) => m.status === 'ok').sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!meta) throw new Error('The app has no checkpoint: run the bench setup first.');
  const end = meta.bar + 1;
  const [rec, rows] = await Promise.all([
    req(tx.objectStore('snapshotBytes').get(meta.id)) as Promise<SnapshotBytesRecord>,
    req(tx.objectStore('outputs').getAll(IDBKeyRange.bound([meta.runKey, Math.max(0, end - WINDOW - 4096)], [meta.runKey, end]))) as Promise<OutputChunkRecord[]>,
  ]);
  const tail = rec.tail;
  if (!tail) throw new Error('The checkpoint has no stored candles.');
  const n = tail.time.length;
  const outputs = rows[0]?.columns.length ?? 0;
  const plots = Array.from({ length: outputs }, () => new Float64Array(n).fill(NaN));
  for (const r of rows) {
    for (let b = Math.max(r.fromBar, tail.firstBar); b < Math.min(r.toBar, end); b++) {
      plots.forEach((p, o) => (p[b - tail.firstBar] = r.columns[o]?.[0]?.[b - r.fromBar] ?? NaN));
    }
  }
  const data = { time: tail.time, open: tail.open, high: tail.high, low: tail.low, close: tail.close, plots };
  (self as unknown as Worker).postMessage(data, [tail.time.buffer, tail.open.buffer, tail.high.buffer, tail.low.buffer, tail.close.buffer, ...plots.map((p) => p.buffer)]);
}

main().catch((e: unknown) => (self as unknown as Worker).postMessage(e instanceof Error ? e.message : String(e)));
