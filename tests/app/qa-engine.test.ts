// The engine as a user drives it, edge cases: deleting an imported dataset takes its checkpoints
// with it (without the bars they can be neither restored nor exported whole), and the message says so.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { boot, engineList } from './engine-harness.js';
import { Store } from '../../app/store/store.js';

const engines = engineList();
let seq = 0;

describe('deleting an imported dataset', () => {
  it('deletes its checkpoints too, says how many, and keeps the other datasets\' checkpoints', async () => {
    const { engine, page } = await boot(`qa-engine-${++seq}-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    await page.until('the sample checkpoint', () => page.checkpointBar !== null);
    const csv = 'time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02,1.5,2.5,1,2\n2024-01-03,2,3,1.5,2.5\n';
    const r = await engine.importCsv('mine.csv', new TextEncoder().encode(csv));
    expect(r.ok).toBe(true);
    await page.until('the run on mine.csv', () => page.lastEnd?.status === 'done' && page.buffer.barCount === 3 && page.checkpointBar === 2);
    await engine.checkpointNow();
    const before = await engine.listSnapshots();
    const mine = before.filter((s) => s.datasetName === 'mine');
    expect(mine.length).toBe(2);
    const others = before.length - mine.length;
    expect(others).toBeGreaterThan(0);

    const session = await engine.deleteDataset(r.datasetId ?? '');
    expect(session.datasets.some((d) => d.name === 'mine')).toBe(false);
    const after = await engine.listSnapshots();
    expect(after.filter((s) => s.datasetName === 'mine')).toEqual([]);
    expect(after.length).toBe(others);
    expect(page.notices('dataset-deleted')).toEqual(["Deleted the dataset 'mine' and its 2 checkpoints."]);
  });
});

describe('restoring a checkpoint whose dataset is gone', () => {
  it('says so and shows the script on the dataset the session falls back to', async () => {
    const db = `qa-engine-${++seq}-${Date.now()}`;
    const { engine, page } = await boot(db);
    engines.push(engine);
    await page.settled();
    const csv = 'time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n2024-01-02,1.5,2.5,1,2\n2024-01-03,2,3,1.5,2.5\n';
    const r = await engine.importCsv('gone.csv', new TextEncoder().encode(csv));
    expect(r.ok).toBe(true);
    await page.until('the run on gone.csv', () => page.lastEnd?.status === 'done' && page.buffer.barCount === 3 && page.checkpointBar === 2);
    const snap = (await engine.listSnapshots()).find((s) => s.datasetName === 'gone');
    expect(snap).toBeDefined();
    // Back to the sample data, then the imported bars disappear behind the engine's back (as a
    // delete in another tab of an older version could leave them).
    await engine.selectDataset('sample:sp500-daily');
    await page.until('the sample run', () => page.lastEnd !== null && page.buffer.barCount > 3 && !page.lastEnd.resumes);
    const store = await Store.open(db);
    await store.deleteDataset(r.datasetId ?? '');
    store.close();

    await engine.restoreSnapshot(snap?.id ?? '');
    expect(page.notices('snapshot-dataset')).toEqual([
      `The checkpoint at bar 2 was made on a dataset that is no longer in this browser (${r.datasetId}): import that file again to restore it.`,
    ]);
    await page.until('the script on the sample data', () => page.lastEnd !== null && !page.lastEnd.resumes && page.buffer.barCount > 3);
    expect(page.lastEnd?.status === 'done' || page.lastEnd?.status === 'restored').toBe(true);
  });
});
