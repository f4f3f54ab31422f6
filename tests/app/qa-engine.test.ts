// The engine as a user drives it, edge cases: deleting an imported dataset takes its checkpoints
// with it (without the bars they can be neither restored nor exported whole), and the message says so.

import 'fake-indexeddb/auto';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { boot, fetchPublic } from './engine-harness.js';

const engines: Engine[] = [];
let seq = 0;

beforeAll(() => {
  vi.stubGlobal('fetch', fetchPublic);
});

afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose().catch(() => undefined);
});

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
