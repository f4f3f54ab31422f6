// THE state record (vm/core/state.ts) is carried by every path that must carry it. The tests walk
// the record's field table: for each field they change that field alone the way a bar could change
// it, then check that a realtime rollback undoes the change, that a snapshot's save and restore
// keeps it, that a clone copies it and that inspect lists it. A field added to the table without a
// way to change it here fails the first test. A host step (vm/runtime/bar-feed.ts) registered for
// one program checks the hook points: before and after each bar's body, in both tiers, in runBar,
// updateBar (rolled back per tick) and across a save/restore.

import { afterAll, describe, expect, test } from 'vitest';
import { Instance, type Program } from '../../vm/index.js';
import { STATE_FIELDS, STATE_KEYS, type ScriptState, type StateKey } from '../../vm/core/state.js';
import { cloneRecord, inspectRecord } from '../../vm/runtime/state-ops.js';
import { HOST_STEPS, type BarInfo, type HostStep } from '../../vm/runtime/bar-feed.js';
import { syntheticBars } from '../../vm/data/synthetic.js';
import { barAt, compileOk } from '../snapshot/helpers.js';

// Every field of the record is in use: var numbers and strings, a series read with [], a ta.*
// call-site state, math.random, log.info and alert. No varip (a rollback keeps those on purpose).
const SOURCE = `//@version=6
indicator("state record")
var float acc = 0.0
acc += close
var string tag = "start"
tag := str.tostring(bar_index)
s = ta.sma(close, 3)
r = math.random()
if bar_index % 2 == 0
    log.info("even {0}", bar_index)
    alert("even")
plot(acc + s + close[1] + r)`;

const bars = syntheticBars(40, 3);

function run(program: Program, n: number): Instance {
  const inst = Instance.builder(program).timeframe('1').totalBars(bars.length).build();
  inst.runBars(bars, 0, n);
  return inst;
}

/** Changes field `k` of the record as a bar could: a number, a slot, a series advanced, an entry
 * appended, a host step's state set. */
function change(m: ScriptState, k: StateKey): void {
  const shape = STATE_FIELDS[k].shape;
  const v = m[k] as unknown;
  switch (shape.type) {
    case 'f64':
    case 'u32': {
      const a = v as Float64Array | Uint32Array;
      expect(a.length, `${k} has room to change`).toBeGreaterThan(0);
      a[0] = (a[0] ?? 0) + 12345;
      return;
    }
    case 'list': {
      const a = v as unknown[];
      expect(a.length, `${k} has room to change`).toBeGreaterThan(0);
      a[0] = 'changed';
      return;
    }
    case 'series': {
      const sr = (v as ScriptState['ser'])[0];
      expect(sr, `${k} has a buffer`).toBeDefined();
      if (!sr) return;
      sr.head = (sr.head + 1) & sr.mask;
      sr.count++;
      sr.bar = 999;
      return;
    }
    case 'journal':
      (v as unknown[]).push({ bar: 7, time: 0, level: 'info', message: 'changed', kind: 'alert' });
      return;
    case 'record':
      (v as Record<string, unknown>).probe = { n: 1, list: [1, 2] };
      return;
    default:
      throw new Error(`no way to change a field of shape ${JSON.stringify(shape)}: add one to this test`);
  }
}

function field(inst: Instance, k: StateKey): unknown {
  return cloneRecord(inst.machine)[k];
}

describe('every field of the state record is carried by every path', () => {
  const program = compileOk(SOURCE);

  test('the record has the fields its table names, each in use by the script', () => {
    expect(STATE_KEYS).toEqual(['vf', 'vo', 'ser', 'cs', 'rng', 'logs', 'alerts', 'host']);
    const m = run(program, 10).machine;
    for (const k of STATE_KEYS) {
      expect(m[k], k).toBeDefined();
      const before = cloneRecord(m)[k];
      change(m, k);
      expect(cloneRecord(m)[k], `${k} changed`).not.toEqual(before);
    }
  });

  test.each(STATE_KEYS)('%s: a realtime tick changing it is rolled back before the next tick', (k) => {
    const tick = barAt(bars, 10);
    const ref = run(program, 10);
    ref.updateBar(tick);
    const inst = run(program, 10);
    inst.updateBar(tick);
    change(inst.machine, k);
    inst.updateBar(tick);
    expect(field(inst, k)).toEqual(field(ref, k));
    for (const other of STATE_KEYS) expect(field(inst, other), other).toEqual(field(ref, other));
  });

  test.each(STATE_KEYS)('%s: saved and restored as it was', (k) => {
    const inst = run(program, 12);
    change(inst.machine, k);
    const back = Instance.restoreState(inst.saveState()).build();
    for (const other of STATE_KEYS) expect(field(back, other), other).toEqual(field(inst, other));
  });

  test('saved with a realtime bar open: the next tick rolls back to the same record', () => {
    const open = run(program, 12);
    open.updateBar(barAt(bars, 12));
    const reopened = Instance.restoreState(open.saveState()).build();
    const tick = { ...barAt(bars, 12), close: 1.5 };
    reopened.updateBar(tick);
    open.updateBar(tick);
    for (const k of STATE_KEYS) expect(field(reopened, k), k).toEqual(field(open, k));
  });

  test.each(STATE_KEYS)('%s: a clone is a copy (changing the original leaves it alone)', (k) => {
    const inst = run(program, 8);
    const copy = cloneRecord(inst.machine);
    const before = cloneRecord(inst.machine)[k];
    change(inst.machine, k);
    expect(copy[k]).toEqual(before);
    expect(copy[k]).not.toEqual(cloneRecord(inst.machine)[k]);
  });

  test('inspect lists every field', () => {
    const lines = inspectRecord(run(program, 8).machine);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(STATE_KEYS);
    // 8 bars, a log and an alert on bars 0, 2, 4, 6: 4 of each.
    expect(lines.find((l) => l.startsWith('logs'))).toBe('logs     4 entries');
    expect(lines.find((l) => l.startsWith('alerts'))).toBe('alerts   4 entries');
  });
});

describe('host steps run before and after each bar body, with their state in the record', () => {
  const PROBE = `//@version=6
indicator("host probe")
plot(close)`;
  /** Counts bars and keeps the closes it saw before the body, and the bars it saw after. */
  const probe: HostStep = {
    name: 'probe',
    beforeBar(state: ScriptState, bar: BarInfo) {
      const st = (state.host.probe ??= { before: [], after: [], realtime: 0 }) as { before: number[]; after: number[]; realtime: number };
      st.before.push(bar.close);
      if (bar.realtime) st.realtime++;
    },
    afterBar(state: ScriptState, bar: BarInfo) {
      const st = state.host.probe as { after: number[] };
      st.after.push(bar.index);
    },
  };
  const entry = { applies: (p: Program) => p.meta.title === 'host probe', step: probe };
  HOST_STEPS.push(entry);
  afterAll(() => {
    HOST_STEPS.splice(HOST_STEPS.indexOf(entry), 1);
  });
  const program = compileOk(PROBE);
  const closes = (from: number, to: number): number[] => Array.from(bars.close.subarray(from, to));
  const indices = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

  test.each([true, false])('runBars (compiled tier: %s), runBar, realtime ticks and a restore', (compiled) => {
    const b = Instance.builder(program).timeframe('1').totalBars(bars.length);
    if (!compiled) b.interpreted();
    const inst = b.build();
    expect(inst.machine.isCompiled).toBe(compiled);
    inst.runBars(bars, 0, 10);
    inst.runBar(barAt(bars, 10));
    expect(inst.machine.host.probe).toEqual({ before: closes(0, 11), after: indices(0, 11), realtime: 0 });
    // Three ticks of bar 11: each rolls back the one before, so one tick's visit remains.
    const tick = barAt(bars, 11);
    for (const close of [1, 2, 3]) inst.updateBar({ ...tick, close });
    expect(inst.machine.host.probe).toEqual({ before: [...closes(0, 11), 3], after: indices(0, 12), realtime: 1 });
    // Saved with the bar open, restored, confirmed: the tick rolls back, the confirmed bar counts.
    const back = Instance.restoreState(inst.saveState()).build();
    back.runBar(tick);
    back.runBars(bars, 12, 20);
    expect(back.machine.host.probe).toEqual({ before: closes(0, 20), after: indices(0, 20), realtime: 0 });
  });

  test('a bar stopped by its budget runs the after-step once, when it finishes', () => {
    const inst = Instance.builder(program).timeframe('1').build();
    inst.runBars(bars, 0, 3);
    expect(inst.runBar(barAt(bars, 3), { budget: 1 }).status).toBe('yielded');
    expect((inst.machine.host.probe as { after: number[] }).after).toEqual([0, 1, 2]);
    const back = Instance.restoreState(inst.saveState()).build();
    while (back.resume({ budget: 1 }).status === 'yielded');
    expect(back.machine.host.probe).toEqual({ before: closes(0, 4), after: indices(0, 4), realtime: 0 });
  });
});
