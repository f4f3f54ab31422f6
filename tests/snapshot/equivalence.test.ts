// Equivalence is the contract: for every script and split point k, running bars 0..N straight
// gives exactly the same outputs and final state as running 0..k, saving, restoring and running
// k+1..N. Checked on every TradingView fixture script, the benchmark scripts and scripts that
// exercise Tier 1 builtins (math.random's generator, var/varip, strings, logs, user functions).

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Instance } from '../../vm/index.js';
import { TA_CASES, caseBody } from '../tv/cases.js';
import { symbolFor } from '../tv/harness.js';
import { loadFixture } from '../ta/fixture.js';
import { createBars } from '../../vm/data/bars.js';
import { syntheticBars } from '../../bench/synthetic.js';
import { barAt, build, checkEquivalence, compileOk, expectSameOutputs, expectSameState, outputsOf, standardSplits } from './helpers.js';

function fixtureBars(file: string) {
  const fx = loadFixture(file);
  const bars = createBars(fx.rows);
  for (let i = 0; i < fx.rows; i++) {
    bars.time[i] = fx.time[i] ?? NaN;
    bars.open[i] = fx.open[i] ?? NaN;
    bars.high[i] = fx.high[i] ?? NaN;
    bars.low[i] = fx.low[i] ?? NaN;
    bars.close[i] = fx.close[i] ?? NaN;
    bars.volume[i] = fx.volume[i] ?? NaN;
  }
  const dt = ((fx.time[1] ?? 0) - (fx.time[0] ?? 0)) / 60000;
  return { bars, timeframe: String(Math.round(dt)) };
}

describe('snapshot equivalence on the TradingView fixture scripts', () => {
  for (const c of TA_CASES) {
    test(c.name, () => {
      const program = compileOk(`//@version=6\nindicator("eq")\n${caseBody(c)}\n`);
      const { bars, timeframe } = fixtureBars(c.file);
      checkEquivalence(program, bars, standardSplits(bars.length), { symbol: symbolFor(c.file), timeframe });
    });
  }
});

const BENCH = ['a', 'b', 'c'].map((n) => ({ name: n, source: readFileSync(new URL(`../../bench/scripts/${n}.pine`, import.meta.url), 'utf8') }));

const TIER1 = {
  'var, varip, history, user function with state': `//@version=6
indicator("t1")
var float acc = 0.0
varip int ticks = 0
ticks += 1
acc := acc * 0.9 + close
f(x) =>
    var s = 0.0
    s += x
    s - s[1]
plot(acc)
plot(f(close))
plot(f(volume))
plot(acc[3])
plot(ticks)`,
  'math, random, rounding, na handling': `//@version=6
indicator("t2")
r = math.random(0, 100)
r2 = math.random(0, 1, 42)
plot(r)
plot(r2)
plot(math.round(close * 3.3, 2))
plot(math.sum(close, 7))
plot(nz(ta.change(close, 3)))
plot(fixnan(bar_index % 3 == 0 ? na : close))
plot(math.max(open, close, high) - math.min(low, open))`,
  'strings, colors, logs, switch and loops': `//@version=6
indicator("t3")
label = close > open ? "up" : "down"
s = str.tostring(close, "#.##") + " " + label
if bar_index % 17 == 0
    log.info("bar {0}: {1}", bar_index, s)
n = switch label
    "up" => 1
    => -1
total = 0.0
for i = 0 to 9
    if i == 7
        break
    total += close[i] * i
c = color.new(n > 0 ? color.green : color.red, 50)
plot(total, color = c)
plot(str.length(s))
plot(n)
k = 0
while k < bar_index % 5
    k += 1
plot(k)`,
};

describe('snapshot equivalence on the benchmark and Tier 1 scripts', () => {
  const bars = syntheticBars(700, 7);
  for (const b of BENCH) {
    test(`bench script ${b.name}`, () => {
      checkEquivalence(compileOk(b.source), bars, standardSplits(bars.length));
    });
  }
  for (const [name, src] of Object.entries(TIER1)) {
    test(name, () => {
      checkEquivalence(compileOk(src), bars, standardSplits(bars.length));
    });
  }
});

describe('snapshot chains', () => {
  const bars = syntheticBars(1000, 11);
  test('save and restore after every bar for 1,000 bars', () => {
    const program = compileOk(BENCH[1]?.source ?? '');
    const straight = build(program, bars);
    straight.runBars(bars);
    let inst = build(program, bars);
    const rows: Float64Array[][][] = [];
    for (let i = 0; i < bars.length; i++) {
      inst.runBar(barAt(bars, i));
      rows.push(outputsOf(inst, i, i + 1));
      inst = Instance.restoreState(inst.saveState()).build();
    }
    expect(inst.restoreCount).toBe(1000);
    const joined = (rows[0] ?? []).map((chs, o) =>
      chs.map((_, ch) => Float64Array.from(rows, (r) => r[o]?.[ch]?.[0] ?? NaN)),
    );
    expectSameOutputs(joined, outputsOf(straight, 0, bars.length), 'restore after every bar');
    expectSameState(inst.saveState(), straight.saveState(), 'restore after every bar');
  });

  test('a restore of a restore continues exactly', () => {
    const program = compileOk(TIER1['var, varip, history, user function with state']);
    const straight = build(program, bars);
    straight.runBars(bars);
    const a = build(program, bars);
    a.runBars(bars, 0, 300);
    const b = Instance.restoreState(a.saveState()).build();
    b.runBars(bars, 300, 650);
    const c = Instance.restoreState(b.saveState()).build();
    expect(c.restoreCount).toBe(2);
    expect(Instance.peekSnapshot(c.saveState()).incarnation).toBe(2);
    c.runBars(bars, 650, bars.length);
    expectSameOutputs(outputsOf(c, 650, bars.length), outputsOf(straight, 650, bars.length), 'restore of a restore');
    expectSameState(c.saveState(), straight.saveState(), 'restore of a restore');
  });

  test('includeOutputs carries the plot history; the default leaves it out', () => {
    const program = compileOk(BENCH[0]?.source ?? '');
    const a = build(program, bars);
    a.runBars(bars, 0, 800);
    const lean = a.saveState();
    const full = a.saveState({ includeOutputs: true });
    expect(Instance.peekSnapshot(full).outputsIncluded).toBe(true);
    expect(Instance.peekSnapshot(lean).outputsIncluded).toBe(false);
    expect(full.length).toBeGreaterThan(lean.length + 800 * 8 * 3);
    const restored = Instance.restoreState(full).build();
    expectSameOutputs(outputsOf(restored, 0, 800), outputsOf(a, 0, 800), 'restored plot history');
    const bare = Instance.restoreState(lean).build();
    expect(bare.outputs.length).toBe(0);
    expect(bare.outputs.firstBar).toBe(800);
  });
});
