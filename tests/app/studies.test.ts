/// <reference lib="dom" />
// Several scripts on one chart, in the engine (Node, real VM, fake-indexeddb): scripts added beside
// the editor's run in step with it and reach the page as extra columns of each plot row; each is
// checkpointed with its own run identity, a reload restores every one from its checkpoint (no
// history run), a replay feeds them all, and setting one's inputs computes that one again. Expected
// values are moving averages computed here by hand from the sample CSV.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { openDB } from 'idb';
import { Store } from '../../app/store/store.js';
import { DB_VERSION, upgradeSchema, type EvergreenDB } from '../../app/store/schema.js';
import { BASE_URL, engineList, FakePage } from './engine-harness.js';
import { Engine as EngineImpl } from '../../app/worker/engine.js';
import { compositeProgram, layeredPlan } from '../../app/ui/chart/chart-layers.js';
import type { EngineEvent } from '../../app/worker/protocol.js';

const MAIN = `//@version=6
indicator("main sma", overlay=true)
plot(ta.sma(close, 3), "Main")
`;
const OVERLAY = `//@version=6
indicator("study sma", overlay=true)
len = input.int(4, "Length")
plot(ta.sma(close, len), "Study")
`;
const PANE = `//@version=6
indicator("study range", overlay=false)
plot(high - low, "Range")
hline(0, "Zero")
`;

const ROWS = readFileSync(new URL('../../public/samples/sp500-daily-2000-2020.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(',').map(Number) as [number, number, number, number, number]);
const N = ROWS.length;
const CLOSE = ROWS.map((r) => r[4]);
const RANGE = ROWS.map((r) => r[2] - r[3]);

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
const newDb = () => `studies-test-${++seq}-${Date.now()}`;

/** A page whose buffer takes the composite program, as app/ui/controller.ts keeps it. */
async function start(db: string) {
  const page = new FakePage();
  const listener = (e: EngineEvent) => {
    page.listener(e);
    if (e.type === 'reset') page.buffer.reset(compositeProgram(e.program, e.studies ?? []).program, e.bars);
  };
  const engine = new EngineImpl(undefined, () => Store.open(db));
  engines.push(engine);
  await engine.init(listener, { baseUrl: BASE_URL });
  return { engine, page };
}

async function startThree(db: string) {
  const r = await start(db);
  await r.page.settled();
  const a = await r.engine.newScript(null);
  await r.engine.setSource(OVERLAY);
  const overlayId = a.scriptId;
  const b = await r.engine.newScript(null);
  await r.engine.setSource(PANE);
  const paneId = b.scriptId;
  const m = await r.engine.newScript(null);
  await r.engine.setSource(MAIN);
  await r.engine.run();
  await r.page.until('the main run', () => r.page.lastEnd?.status === 'done' && r.page.checkpointBar === N - 1);
  await r.engine.addStudy(overlayId);
  await r.engine.addStudy(paneId);
  await r.page.until('the chart with three scripts', () => r.page.buffer.outputIdByTitle('Range') >= 0 && r.page.lastEnd !== null && !r.page.lastEnd.resumes);
  return { ...r, mainId: m.scriptId, overlayId, paneId };
}

function lastReset(page: FakePage): Extract<EngineEvent, { type: 'reset' }> {
  const r = page.events.filter((e): e is Extract<EngineEvent, { type: 'reset' }> => e.type === 'reset').at(-1);
  if (!r) throw new Error('no reset');
  return r;
}

describe('several scripts on one chart', () => {
  it('adds scripts that compute beside the editor script, each in its columns, and lays out their panes', async () => {
    const db = newDb();
    const { page } = await startThree(db);
    expect(page.buffer.rowCount).toBe(N);
    expect(near(page.values('Main'), sma(3))).toBe(true);
    expect(near(page.values('Study'), sma(4))).toBe(true);
    expect(near(page.values('Range'), RANGE)).toBe(true);
    const reset = lastReset(page);
    expect(reset.studies?.map((s) => s.name)).toHaveLength(2);
    const { layers } = compositeProgram(reset.program, reset.studies ?? []);
    const plan = layeredPlan(layers);
    // The overlay study on the price pane, the other in a pane of its own (pane 1).
    expect(plan.series.map((s) => [s.title, s.pane])).toEqual([
      ['Main', 0],
      ['Study', 0],
      ['Range', 1],
    ]);
    expect(plan.panes).toBe(2);
    expect(plan.hlines.map((h) => h.pane)).toEqual([1]);
    // Hiding the overlay study leaves the others where they were.
    const hidden = layeredPlan(layers, [], new Set([layers[1]?.id ?? '']));
    expect(hidden.series.map((s) => s.title)).toEqual(['Main', 'Range']);
  });

  it('restores every script from its own checkpoint on reload, then a replay feeds them all', async () => {
    const db = newDb();
    const first = await startThree(db);
    await first.engine.setReplayFrom(N - 20);
    await first.page.until('the replay history', () => first.page.lastEnd?.status === 'done' && first.page.checkpointBar === N - 21);
    for (let i = 0; i < 3; i++) await first.engine.step();
    expect((await first.engine.checkpointNow())?.bar).toBe(N - 18);
    const snaps = await first.engine.listSnapshots();
    // The editor's script and each added script have a checkpoint at that bar.
    expect(snaps.filter((s) => s.bar === N - 18).map((s) => s.scriptName).sort()).toHaveLength(3);
    await first.engine.dispose();
    const second = await start(db);
    const end = await second.page.settled();
    expect(end.status).toBe('restored');
    expect(end.lastBar).toBe(N - 18);
    // No history run: no history progress after the restore.
    expect(second.page.events.some((e) => e.type === 'progress' && e.phase === 'history')).toBe(false);
    expect(lastReset(second.page).studies?.map((s) => s.restoredBar)).toEqual([N - 18, N - 18]);
    expect(near(second.page.values('Study'), sma(4).slice(0, N - 17))).toBe(true);
    await second.engine.setSpeed(0);
    await second.engine.play();
    await second.page.until('the end of the replay', () => second.page.barIndex === N - 1, 60_000);
    expect(near(second.page.values('Main'), sma(3))).toBe(true);
    expect(near(second.page.values('Study'), sma(4))).toBe(true);
    expect(near(second.page.values('Range'), RANGE)).toBe(true);
  });

  it("setting one script's inputs computes it again and restores the others", async () => {
    const db = newDb();
    const { engine, page } = await startThree(db);
    const study = lastReset(page).studies?.find((s) => s.name.length > 0 && s.program?.meta.title === 'study sma');
    expect(study).toBeDefined();
    const before = page.events.length;
    await engine.setStudyInputs(study?.id ?? '', { len: 7 });
    await page.until('the new study values', () => page.lastEnd !== null && !page.lastEnd.resumes && page.events.length > before && near(page.values('Study'), sma(7)));
    const reset = lastReset(page);
    expect(reset.restoring).toBe(true);
    expect(reset.studies?.find((s) => s.id === study?.id)?.restoredBar).toBe(null);
    expect(reset.studies?.find((s) => s.id !== study?.id)?.restoredBar).toBe(N - 1);
    expect(near(page.values('Main'), sma(3))).toBe(true);
    // Removing it leaves two scripts.
    await engine.removeStudy(study?.id ?? '');
    await page.until('two scripts', () => page.buffer.outputIdByTitle('Study') < 0 && page.buffer.outputIdByTitle('Range') >= 0);
  });
});

describe('opening an added script in the editor', () => {
  it('swaps it with the editor script; both come back from their checkpoints', async () => {
    const db = newDb();
    const { engine, page, mainId, overlayId } = await startThree(db);
    const study = lastReset(page).studies?.find((s) => s.scriptId === overlayId);
    await engine.setStudyInputs(study?.id ?? '', { len: 6 });
    await page.until('the new study values', () => page.lastEnd !== null && !page.lastEnd.resumes && near(page.values('Study'), sma(6)));
    const view = await engine.editStudy(study?.id ?? '');
    expect(view?.scriptId).toBe(overlayId);
    expect(view?.inputs).toEqual({ len: 6 });
    await page.until('the swapped chart', () => page.lastEnd?.status === 'restored' && page.buffer.outputIdByTitle('Main') > 0);
    const reset = lastReset(page);
    expect(reset.program?.meta.title).toBe('study sma');
    expect(reset.studies?.map((s) => [s.scriptId, s.restoredBar])).toEqual([
      [mainId, N - 1],
      [expect.any(String), N - 1],
    ]);
    expect(near(page.values('Study'), sma(6))).toBe(true);
    expect(near(page.values('Main'), sma(3))).toBe(true);
    expect(near(page.values('Range'), RANGE)).toBe(true);
    // Choosing the old editor script from the script list swaps them back (never drawn twice).
    await engine.selectScript(mainId);
    await page.until('swapped back', () => lastReset(page).program?.meta.title === 'main sma' && page.lastEnd?.status === 'restored');
    expect(lastReset(page).studies?.map((s) => s.scriptId)).toEqual([overlayId, expect.any(String)]);
    expect(near(page.values('Study'), sma(6))).toBe(true);
  });
});

describe('the database upgrade to version 3', () => {
  it('keeps what version 2 stored and adds the list of the chart scripts', async () => {
    const name = newDb();
    const old = await openDB<EvergreenDB>(name, 2, { upgrade: (db, o, n, tx) => upgradeSchema(db, o, n ?? 2, tx) });
    await old.put('scripts', { id: 's1', name: 'Kept', source: MAIN, createdAt: 1, updatedAt: 2, sample: null });
    await old.put('session', { scriptId: 's1', datasetId: 'sample:sp500', inputs: { s1: { Length: 9 } }, replay: { from: null, playing: false, speed: 10 } }, 'current');
    old.close();
    const store = await Store.open(name);
    expect(store.db.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBe(3);
    expect((await store.listScripts()).map((s) => s.name)).toEqual(['Kept']);
    expect((await store.getSession())?.inputs).toEqual({ s1: { Length: 9 } });
    expect(await store.listStudies('current')).toEqual([]);
    await store.putStudy({ id: 'x', chartId: 'current', scriptId: 's1', inputs: {}, hidden: false, order: 1, addedAt: 3 });
    expect((await store.listStudies('current')).map((s) => s.scriptId)).toEqual(['s1']);
    store.close();
  });
});
