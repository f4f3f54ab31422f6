/// <reference lib="dom" />
// The checkpoint timeline in the engine (Node, real VM, fake-indexeddb): forking from a checkpoint
// starts a new replay branch and keeps the other branch's checkpoints (automatic ones are pruned
// per branch), deleting a branch removes only its checkpoints, and the inspector reports a
// checkpoint's variables, sizes and inputs as `evergreen inspect` does.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { boot, engineList } from './engine-harness.js';

const SCRIPT = `//@version=6
indicator("count", overlay=true)
len = input.int(5, "Length")
var int bars = 0
bars += 1
plot(ta.sma(close, len), "SMA")
`;

let seq = 0;
const engines = engineList();

describe('the checkpoint timeline', () => {
  it('forks a new branch from a checkpoint, keeps the old branch, deletes a branch, and inspects a checkpoint', async () => {
    const r = await boot(`timeline-test-${++seq}-${Date.now()}`);
    engines.push(r.engine);
    const { engine, page } = r;
    await page.settled();
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the run', () => page.lastEnd?.status === 'done' && page.buffer.outputIdByTitle('SMA') >= 0);
    const total = page.buffer.barCount;
    const from = total - 40;
    await engine.setReplayFrom(from);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.checkpointBar === from - 1);
    for (let i = 0; i < 5; i++) await engine.step();
    const a = await engine.checkpointNow();
    for (let i = 0; i < 5; i++) await engine.step();
    const b = await engine.checkpointNow();
    expect([a?.bar, b?.bar]).toEqual([from + 4, from + 9]);
    expect([a?.branch, b?.branch]).toEqual(['main', 'main']);

    // The inspector: the bar count variable is bar + 1 at the checkpoint, the input as run.
    const inspected = await engine.inspectSnapshot(a?.id ?? '');
    expect(inspected.problem).toBe(null);
    expect(inspected.report?.bar).toBe(from + 4);
    expect(inspected.report?.variables.find((v) => v.name === 'bars')?.value).toBe(String(from + 5));
    expect(inspected.report?.inputs).toEqual([{ name: 'len', value: '5' }]);
    expect(inspected.inputs).toEqual({ len: 5 });
    expect(inspected.report?.sizes.total).toBe(a?.size);
    expect(inspected.text).toContain(`last bar       ${from + 4}`);
    expect(inspected.text).toContain('bars ');

    // Fork at the first checkpoint: the run goes back there, in a new branch.
    await engine.forkSnapshot(a?.id ?? '');
    await page.until('the fork restored', () => page.lastEnd?.status === 'restored' && page.barIndex === from + 4);
    let list = await engine.listSnapshots();
    const fork = list.find((s) => s.current);
    expect(fork?.bar).toBe(from + 4);
    expect(fork?.branch).not.toBe('main');
    // The old branch's later checkpoint is still there.
    expect(list.some((s) => s.id === b?.id)).toBe(true);
    // Play the fork to the end: its automatic checkpoints are pruned within the fork only.
    const mainBefore = list.filter((s) => s.branch === 'main' && s.replayFrom === from).map((s) => s.id).sort();
    await engine.setSpeed(0);
    await engine.play();
    await page.until('the end of the replay', () => page.barIndex === total - 1, 60_000);
    await page.until('the final checkpoint', () => page.checkpointBar === total - 1);
    list = await engine.listSnapshots();
    expect(list.filter((s) => s.branch === 'main' && s.replayFrom === from).map((s) => s.id).sort()).toEqual(mainBefore);
    expect(list.filter((s) => s.branch === fork?.branch).map((s) => s.bar)).toContain(total - 1);

    // Deleting the branch the run saves to is refused; deleting the main branch leaves the fork's.
    await engine.deleteBranch(fork?.branch ?? '');
    expect(page.notices('branch-current').length).toBe(1);
    await engine.deleteBranch('main');
    list = await engine.listSnapshots();
    expect(list.filter((s) => s.branch === 'main')).toEqual([]);
    expect(list.filter((s) => s.branch === fork?.branch).length).toBeGreaterThan(0);
  });
});
