// Hostile scripts: nested loops under the loop time limit (issue 11). Four nested loops of 1,000
// iterations (1e12 additions) used to run forever: the VM timed each loop by its own iteration
// count, checking the clock every 1,024 of them, so a loop of 1,000 iterations never looked at the
// clock and each inner loop started its count again on every entry. The rule now is TradingView's:
// a loop may run 500 ms on a bar, and the outer loop of nested loops counts as one loop (its time
// includes its inner loops'). Each case must end with the loop error, in the compiled tier and in
// the interpreter; loops that finish in time still run to the end.

import { describe, expect, it } from 'vitest';
import { compile, Instance, PineRuntimeError } from '../../vm/index.js';
import { createBars } from '../../vm/data/bars.js';
import { runHostile, script } from './harness.js';

const NESTED_4 = `s = 0.0
if bar_index == 1
    for i = 0 to 999
        for j = 0 to 999
            for k = 0 to 999
                for m = 0 to 999
                    s += 1
plot(s, "s")`;

function bars(n: number) {
  const b = createBars(n);
  for (let i = 0; i < n; i++) {
    b.time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 + i;
    b.volume[i] = 1;
  }
  return b;
}

/** Runs `body` on 3 bars with a loop limit of `loopMs`; the runtime error, or null and the plots. */
function run(body: string, loopMs: number, interpreted: boolean): { error: PineRuntimeError | null; plots: Record<string, number> } {
  const { program, diagnostics } = compile(script(body));
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
  const b = Instance.builder(program).totalBars(3).limits({ loopMs });
  const inst = (interpreted ? b.interpreted() : b).build();
  try {
    inst.runBars(bars(3));
  } catch (e) {
    if (e instanceof PineRuntimeError) return { error: e, plots: {} };
    throw e;
  }
  const plots: Record<string, number> = {};
  program.outputs.forEach((o, id) => {
    plots[o.title ?? String(id)] = inst.outputs.column(id)[2] as number;
  });
  return { error: null, plots };
}

describe('nested loops cannot escape the loop time limit', () => {
  it('four nested loops of 1,000 iterations stop with the 500 ms loop error (the issue\'s case, own process)', () => {
    const r = runHostile(script(NESTED_4), { bars: 3, timeoutMs: 30_000 });
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/^Runtime error at bar 1, \d+:\d+: The loop took longer than 500 ms \(after \d+ iterations\)\.$/);
  });

  for (const interpreted of [false, true]) {
    const tier = interpreted ? 'interpreter' : 'compiled tier';

    it(`four nested for loops stop at a lowered limit (${tier}), on the bar that ran them`, () => {
      const { error } = run(NESTED_4, 50, interpreted);
      expect(error?.code).toBe('loop-timeout');
      expect(error?.bar).toBe(1);
    });

    it(`nested while loops of 1,000 iterations each, and a loop inside a function called from a loop (${tier})`, () => {
      const whiles = `s = 0.0
i = 0
while i < 1000
    j = 0
    while j < 1000
        k = 0
        while k < 1000
            s += 1
            k += 1
        j += 1
    i += 1
plot(s, "s")`;
      expect(run(whiles, 50, interpreted).error?.code).toBe('loop-timeout');
      const viaFunction = `f(n) =>
    t = 0.0
    for a = 0 to n
        for b = 0 to n
            t += 1
    t
s = 0.0
for i = 0 to 999
    s += f(999)
plot(s, "s")`;
      expect(run(viaFunction, 50, interpreted).error?.code).toBe('loop-timeout');
    });

    it(`two outer iterations whose inner loops are each short: the outer loop is timed (${tier})`, () => {
      // The outer loop has 3 iterations (never 1,024); each runs 1,000 inner loops of 1,000.
      const few = `s = 0.0
for i = 0 to 2
    for j = 0 to 999999
        for k = 0 to 999
            s += 1
plot(s, "s")`;
      expect(run(few, 50, interpreted).error?.code).toBe('loop-timeout');
    });

    it(`nested loops that finish in time run to the end with the right sums (${tier})`, () => {
      // 3 bars × 100 × 100 × 10 additions of 1 = 300,000; the inner sum of j over 0..99 is 4,950
      // per outer iteration and bar: 3 × 100 × 4,950 = 1,485,000.
      const ok = `var s = 0.0
var t = 0.0
for i = 0 to 99
    for j = 0 to 99
        t += j
        for k = 0 to 9
            s += 1
plot(s, "s")
plot(t, "t")`;
      const { error, plots } = run(ok, 10_000, interpreted); // a generous limit: this case checks the sums, not the clock
      expect(error).toBeNull();
      expect(plots).toEqual({ s: 300_000, t: 1_485_000 });
    });
  }
});
