// The app keeps its run across a presentation-only edit (engine-checkpoints.ts
// keepAcrossPresentationEdit): a plot color / line width / title change, then Run, goes on from the
// last bar without running the history again, every stored row kept and drawn with the new color;
// a reload restores the kept run. A change of a computed constant or an input runs from bar 0.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { boot, engineList, type FakePage } from './engine-harness.js';
import { colorToHex } from '../../vm/index.js';
import { Store } from '../../app/store/store.js';
import type { StudyInfo } from '../../app/worker/protocol.js';

const SCRIPT = `//@version=6
indicator("Presentation", overlay=true)
len = input.int(10, "Length")
var float acc = 0.0
acc += close - open
plot(ta.sma(close, len), "SMA", color=color.red, linewidth=1)
plot(acc, "Acc", color=color.gray)
`;

const engines = engineList();

async function started(db: string): Promise<{ engine: Engine; page: FakePage; n: number }> {
  const { engine, page } = await boot(db);
  engines.push(engine);
  await page.settled();
  await engine.setSource(SCRIPT);
  await engine.run();
  await page.until('the run and its checkpoint', () => page.lastEnd?.status === 'done' && page.checkpointBar === page.lastEnd.lastBar);
  return { engine, page, n: (page.lastEnd?.lastBar ?? -1) + 1 };
}

function colorOf(page: FakePage, title: string): string | null {
  const o = page.buffer.program?.outputs.find((x) => x.title === title);
  const c = o?.options.color;
  return typeof c === 'number' ? colorToHex(c) : null;
}

describe('presentation-only edits in the app', () => {
  it('a plot color and width change goes on from the last bar, rows kept and drawn with the new color', async () => {
    const db = `presentation-${Date.now()}`;
    const { engine, page, n } = await started(db);
    expect(page.lastEnd?.barsRun).toBe(n);
    const before = { sma: page.values('SMA'), acc: page.values('Acc') };
    const runsBefore = page.events.filter((e) => e.type === 'run-end').length;
    await engine.setSource(SCRIPT.replace('color=color.red, linewidth=1', 'color=color.blue, linewidth=3').replace('"Acc", color=color.gray', '"Acc", color=#00FF00'));
    await engine.run();
    await page.until('the kept run', () => page.lastEnd?.status === 'restored' && page.lastEnd.kept === 'presentation');
    expect(page.lastEnd).toMatchObject({ status: 'restored', kept: 'presentation', barsRun: 0, lastBar: n - 1, resumes: false });
    // No history run after it: the only run-end since the edit is the kept one.
    expect(page.events.filter((e) => e.type === 'run-end').length).toBe(runsBefore + 1);
    expect(page.values('SMA')).toEqual(before.sma);
    expect(page.values('Acc')).toEqual(before.acc);
    // color.blue is #2962FF on TradingView (Pine v5/v6 reference).
    expect(colorOf(page, 'SMA')).toBe('#2962FFFF');
    expect(colorOf(page, 'Acc')).toBe('#00FF00FF');
    expect(page.buffer.program?.outputs[0]?.options.linewidth).toBe(3);
    expect(page.notices('presentation-edit')[0]).toMatch(/^Only how '.*' is drawn changed: it goes on from bar \d+ with the new look/);
    // A reload restores the kept run (its checkpoint and rows are the new source's).
    await engine.dispose();
    const again = await boot(db);
    engines.push(again.engine);
    await again.page.until('the restore after reload', () => again.page.lastEnd?.status === 'restored');
    expect(again.page.values('SMA')).toEqual(before.sma);
    expect(colorOf(again.page, 'SMA')).toBe('#2962FFFF');
  });

  it('a constant in a computation or an input change runs the history from bar 0', async () => {
    const { engine, page, n } = await started(`computation-${Date.now()}`);
    await engine.setSource(SCRIPT.replace('acc += close - open', 'acc += (close - open) * 2'));
    await engine.run();
    await page.until('the new run', () => page.lastEnd?.status === 'done' && page.lastEnd.barsRun === n);
    expect(page.lastEnd?.kept).toBeUndefined();
    expect(page.notices('presentation-edit')).toEqual([]);
    await engine.setInputs({ len: 12 });
    await page.until('the run with len = 12', () => page.lastEnd?.status === 'done' && page.lastEnd.barsRun === n && page.lastEnd.runId > 0);
    expect(page.notices('presentation-edit')).toEqual([]);
  });

  it('a color edit saved without Run is kept by the next page load (no history run)', async () => {
    const db = `presentation-reload-${Date.now()}`;
    const { engine, page } = await started(db);
    const before = page.values('SMA');
    await engine.setSource(SCRIPT.replace('color=color.red', 'color=color.orange'));
    await engine.dispose();
    const again = await boot(db);
    engines.push(again.engine);
    await again.page.until('the restore after reload', () => again.page.lastEnd?.status === 'restored');
    expect(again.page.lastEnd).toMatchObject({ status: 'restored', kept: 'presentation', barsRun: 0, resumes: false });
    expect(again.page.values('SMA')).toEqual(before);
    // color.orange is #FF9800 on TradingView.
    expect(colorOf(again.page, 'SMA')).toBe('#FF9800FF');
    expect(again.page.notices('stale-checkpoint')).toEqual([]);
  });

  it('a script on the chart whose color changed is restored with the new color, not computed again', async () => {
    const db = `presentation-study-${Date.now()}`;
    const { engine, page, n } = await started(db);
    const mainId = (await engine.refreshSession()).scriptId;
    const study = await engine.newScript(null);
    const studyId = study.scriptId;
    await engine.setSource(SCRIPT.replace('"Presentation"', '"Study"').replace('"SMA"', '"Study SMA"').replace('"Acc"', '"Study Acc"'));
    await engine.selectScript(mainId);
    await page.settled();
    await engine.addStudy(studyId);
    const lastStudies = (p: FakePage): StudyInfo[] => {
      const resets = p.events.filter((e): e is Extract<typeof e, { type: 'reset' }> => e.type === 'reset');
      return resets[resets.length - 1]?.studies ?? [];
    };
    await page.until('the chart with the study', () => page.lastEnd !== null && !page.lastEnd.resumes && lastStudies(page).length === 1);
    await engine.checkpointNow();
    const studyName = lastStudies(page)[0]?.name;
    await page.until('the study checkpoint', () => page.events.some((e) => e.type === 'snapshots' && e.list.some((x) => x.scriptName === studyName && x.bar === n - 1)));
    await engine.dispose();
    // The study's script changes a color (as the editor would save it), then the page loads again.
    const store = await Store.open(db);
    const rec = await store.getScript(studyId);
    if (!rec) throw new Error('no study script');
    await store.putScript({ ...rec, source: rec.source.replace('color=color.red', 'color=color.lime') });
    store.close();
    const again = await boot(db);
    engines.push(again.engine);
    await again.page.until('the restore with the study', () => again.page.lastEnd?.status === 'restored' && lastStudies(again.page).length === 1);
    const studies = lastStudies(again.page);
    expect(studies.map((x) => x.restoredBar)).toEqual([n - 1]);
    const c = studies[0]?.program?.outputs.find((o) => o.title === 'Study SMA')?.options.color;
    // color.lime is #00E676 on TradingView.
    expect(typeof c === 'number' ? colorToHex(c) : null).toBe('#00E676FF');
  });
});
