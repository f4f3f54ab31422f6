// Mid-bar suspension and realtime bars: a snapshot taken while a bar is stopped by its
// instruction budget (inside a loop, inside a user function) or between realtime ticks restores
// and finishes with results identical to a run that never stopped.

import { describe, expect, test } from 'vitest';
import { Instance } from '../../vm/index.js';
import { syntheticBars } from '../../bench/synthetic.js';
import { barAt, build, compileOk, expectSameOutputs, expectSameState, outputsOf } from './helpers.js';

const SOURCE = `//@version=6
indicator("suspend")
weighted(src, len) =>
    var float acc = 0.0
    s = 0.0
    for i = 0 to len - 1
        s += nz(src[i]) * (len - i)
    acc := 0.9 * acc + 0.1 * s
    acc
plot(weighted(close, 12), "w")
plot(ta.ema(close, 10), "ema")
varip int calls = 0
calls += 1
plot(calls, "calls")`;

describe('snapshots of a suspended bar', () => {
  const program = compileOk(SOURCE);
  const bars = syntheticBars(200, 5);
  const k = 120;

  test('yielded at 50 instruction budgets, saved, restored and resumed: identical results', () => {
    const straight = build(program, bars);
    straight.runBars(bars);
    const finalState = straight.saveState();

    // How many instructions bar k takes.
    const probe = build(program, bars);
    probe.runBars(bars, 0, k);
    let steps = 1;
    let r = probe.runBar(barAt(bars, k), { budget: 1 });
    while (r.status === 'yielded') {
      r = probe.resume({ budget: 1 });
      steps++;
    }
    expect(steps).toBeGreaterThan(100);

    let insideFunction = 0;
    for (let j = 0; j < 50; j++) {
      const budget = 1 + Math.floor((j * (steps - 2)) / 49);
      const inst = build(program, bars);
      inst.runBars(bars, 0, k);
      const res = inst.runBar(barAt(bars, k), { budget });
      expect(res.status, `budget ${budget}`).toBe('yielded');
      expect(inst.isSuspended).toBe(true);
      if (inst.machine.frames.length > 0) insideFunction++;
      const bytes = inst.saveState();
      expect(Instance.peekSnapshot(bytes).suspended).toBe(true);
      const again = Instance.restoreState(bytes).build();
      expect(again.resume().status).toBe('done');
      again.runBars(bars, k + 1, bars.length);
      expectSameOutputs(outputsOf(again, k + 1, bars.length), outputsOf(straight, k + 1, bars.length), `budget ${budget}`);
      expectSameState(again.saveState(), finalState, `budget ${budget}`);
    }
    // Most of the bar's instructions are in the function's loop: many yield points are there.
    expect(insideFunction).toBeGreaterThan(25);
  });

  test('resume() without a suspended bar is an error', () => {
    const inst = build(program, bars);
    expect(() => inst.resume()).toThrow(/Nothing to resume/);
  });
});

const TICKS = `//@version=6
indicator("ticks")
var int confirmedBars = 0
varip int tickCount = 0
tickCount += 1
if barstate.isconfirmed
    confirmedBars += 1
plot(confirmedBars, "bars")
plot(tickCount, "ticks")
plot(ta.sma(close, 5), "sma")
plot(close - close[1], "change")`;

describe('realtime ticks', () => {
  const program = compileOk(TICKS);
  const bars = syntheticBars(60, 9);
  const k = 50;
  const tick = (i: number, frac: number) => {
    const b = barAt(bars, i);
    const c = b.open + (b.close - b.open) * frac;
    return { ...b, close: c, high: Math.max(b.open, c), low: Math.min(b.open, c) };
  };

  test('var rolls back on every tick, varip keeps counting', () => {
    const inst = build(program, bars);
    inst.runBars(bars, 0, k);
    inst.updateBar(tick(k, 0.2));
    inst.updateBar(tick(k, 0.6));
    inst.updateBar(tick(k, 0.9));
    const open = inst.outputs.slice(k, k + 1).columns;
    // Three ticks ran the open bar three times: varip counted them all, var did not change.
    expect(open[0]?.[0]?.[0]).toBe(k);
    expect(open[1]?.[0]?.[0]).toBe(k + 3);
    inst.runBar(barAt(bars, k));
    const done = inst.outputs.slice(k, k + 1).columns;
    expect(done[0]?.[0]?.[0]).toBe(k + 1);
    expect(done[1]?.[0]?.[0]).toBe(k + 4);
  });

  test('the open bar with ticks equals a history bar with the last tick once confirmed', () => {
    const hist = build(program, bars);
    hist.runBars(bars, 0, k + 1);
    const rt = build(program, bars);
    rt.runBars(bars, 0, k);
    rt.updateBar(tick(k, 0.3));
    rt.updateBar(tick(k, 0.7));
    rt.runBar(barAt(bars, k));
    const a = rt.outputs.slice(k, k + 1).columns;
    const b = hist.outputs.slice(k, k + 1).columns;
    // sma and change do not depend on the ticks.
    expect(a[2]?.[0]?.[0]).toBe(b[2]?.[0]?.[0]);
    expect(a[3]?.[0]?.[0]).toBe(b[3]?.[0]?.[0]);
  });

  test('a snapshot between ticks restores the open bar exactly', () => {
    const a = build(program, bars);
    a.runBars(bars, 0, k);
    a.updateBar(tick(k, 0.2));
    a.updateBar(tick(k, 0.5));
    const bytes = a.saveState();
    expect(Instance.peekSnapshot(bytes).realtimeOpen).toBe(true);
    const b = Instance.restoreState(bytes).build();
    for (const inst of [a, b]) {
      inst.updateBar(tick(k, 0.8));
      inst.runBar(barAt(bars, k));
      inst.runBars(bars, k + 1, bars.length);
    }
    expectSameOutputs(outputsOf(b, k + 1, bars.length), outputsOf(a, k + 1, bars.length), 'after ticks');
    expectSameState(b.saveState(), a.saveState(), 'after ticks');
  });

  test('a tick for another bar while one is open is refused', () => {
    const inst = build(program, bars);
    inst.runBars(bars, 0, k);
    inst.updateBar(tick(k, 0.5));
    expect(() => inst.updateBar(tick(k + 1, 0.5))).toThrow(/confirm it with runBar/);
  });
});
