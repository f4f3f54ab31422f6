/// <reference lib="dom" />
// Drawings of the scripts added to the chart (engine-studies.ts), in the engine (Node, real VM,
// fake-indexeddb): each 'drawings' event carries the editor script's drawings, then each added
// script's tagged with its study id; they follow a replay, come back on reload from the studies'
// checkpoints (no history run) and go when the script is removed. Expected coordinates are the
// sample CSV's bars, read here.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { Store } from '../../app/store/store.js';
import { BASE_URL, engineList, FakePage } from './engine-harness.js';
import { Engine as EngineImpl } from '../../app/worker/engine.js';
import { compositeProgram } from '../../app/ui/chart/chart-layers.js';
import type { DrawingRecord, EngineEvent } from '../../app/worker/protocol.js';

const MAIN = `//@version=6
indicator("main draws", overlay=true)
plot(close, "Main")
var lb = label.new(na, na, "main")
label.set_xy(lb, bar_index, close)
`;
const STUDY = `//@version=6
indicator("study draws", overlay=false)
plot(high - low, "Range")
var lb = label.new(na, na, "study")
label.set_xy(lb, bar_index, high)
var ln = line.new(na, na, na, na)
line.set_xy1(ln, bar_index - 1, low[1])
line.set_xy2(ln, bar_index, low)
`;

const ROWS = readFileSync(new URL('../../public/samples/sp500-daily-2000-2020.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(',').map(Number) as [number, number, number, number, number]);
const N = ROWS.length;
const high = (i: number) => ROWS[i]?.[2];
const low = (i: number) => ROWS[i]?.[3];
const close = (i: number) => ROWS[i]?.[4];

let seq = 0;
const engines = engineList();
const newDb = () => `study-drawings-test-${++seq}-${Date.now()}`;

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

/** The newest drawings event's list. */
function drawings(page: FakePage): DrawingRecord[] {
  const e = page.events.filter((x): x is Extract<EngineEvent, { type: 'drawings' }> => x.type === 'drawings' && x.runId === page.runId).at(-1);
  return e?.list ?? [];
}

/** [study tag, kind, coordinates] of each drawing. */
function summary(list: DrawingRecord[]): [string | null, string, (number | null)[]][] {
  return list.map((d) => {
    const study = typeof d.study === 'string' ? 'study' : null;
    const n = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
    return [study, d.kind, d.kind === 'line' ? [n('x1'), n('y1'), n('x2'), n('y2')] : [n('x'), n('y')]];
  });
}

function expected(bar: number): [string | null, string, (number | null)[]][] {
  return [
    [null, 'label', [bar, close(bar) ?? NaN]],
    ['study', 'label', [bar, high(bar) ?? NaN]],
    ['study', 'line', [bar - 1, low(bar - 1) ?? NaN, bar, low(bar) ?? NaN]],
  ];
}

describe("an added script's drawings", () => {
  it('reach the page tagged with the study, follow a replay, come back on reload and go when removed', async () => {
    const db = newDb();
    const first = await start(db);
    await first.page.settled();
    const s = await first.engine.newScript(null);
    await first.engine.setSource(STUDY);
    const studyScript = s.scriptId;
    await first.engine.newScript(null);
    await first.engine.setSource(MAIN);
    await first.engine.run();
    await first.page.until('the main run', () => first.page.lastEnd?.status === 'done' && first.page.checkpointBar === N - 1);
    // The editor's script alone: its label, untagged.
    expect(summary(drawings(first.page))).toEqual([[null, 'label', [N - 1, close(N - 1) ?? NaN]]]);
    await first.engine.addStudy(studyScript);
    await first.page.until('the study on the chart', () => first.page.buffer.outputIdByTitle('Range') >= 0 && first.page.lastEnd !== null && !first.page.lastEnd.resumes);
    await first.page.until('its drawings', () => drawings(first.page).length === 3);
    expect(summary(drawings(first.page))).toEqual(expected(N - 1));
    const reset = first.page.events.filter((e): e is Extract<EngineEvent, { type: 'reset' }> => e.type === 'reset').at(-1);
    const studyId = reset?.studies?.[0]?.id;
    expect(drawings(first.page).filter((d) => d.study !== undefined).every((d) => d.study === studyId)).toBe(true);

    // A replay: the drawings follow each replayed bar.
    await first.engine.setReplayFrom(N - 20);
    await first.page.until('the replay history', () => first.page.lastEnd?.status === 'done' && first.page.checkpointBar === N - 21);
    expect(summary(drawings(first.page))).toEqual(expected(N - 21));
    for (let i = 0; i < 3; i++) await first.engine.step();
    await first.page.until('the stepped drawings', () => drawings(first.page)[0]?.x === N - 18);
    expect(summary(drawings(first.page))).toEqual(expected(N - 18));
    expect((await first.engine.checkpointNow())?.bar).toBe(N - 18);
    await first.engine.dispose();

    // A reload restores them from the checkpoints, with no history run.
    const second = await start(db);
    const end = await second.page.settled();
    expect(end.status).toBe('restored');
    expect(second.page.events.some((e) => e.type === 'progress' && e.phase === 'history')).toBe(false);
    await second.page.until('the restored drawings', () => drawings(second.page).length === 3);
    expect(summary(drawings(second.page))).toEqual(expected(N - 18));

    // Removing the study takes its drawings off.
    await second.engine.removeStudy(studyId ?? '');
    await second.page.until('the study removed', () => second.page.buffer.outputIdByTitle('Range') < 0 && drawings(second.page).length === 1);
    expect(summary(drawings(second.page))).toEqual([[null, 'label', [N - 18, close(N - 18) ?? NaN]]]);
  });
});
