// `varip` fields of user-defined types through realtime ticks and snapshots: a var object's varip
// fields keep every tick's value while its other fields roll back; a varip variable keeps its
// object (even one made during a tick) but not the object's plain fields; a snapshot taken between
// two ticks restores all of it (the next tick after the restore gives what the straight run
// gives), in both tiers. Expected values by hand from TradingView's rollback rule.

import { describe, expect, test } from 'vitest';
import { Instance, type BarColumns } from '../../vm/index.js';
import { createBars, barAt } from '../../vm/data/bars.js';
import { build, compileOk } from '../snapshot/helpers.js';

const SCRIPT = `//@version=6
indicator("varip fields")
type Node
    float v = 0
type Counter
    int bars = 0
    varip int ticks = 0
    varip Node peak
var node = Node.new(5)
var c = Counter.new(peak = node)
c.bars += 1
c.ticks += 1
if bar_index == 3
    node.v += 100
    // The field now refers to a node made in this tick: kept, as the field is varip.
    c.peak := Node.new(close)
varip Counter r = na
if bar_index == 3 and na(r)
    r := Counter.new(peak = node)
if not na(r)
    r.bars += 1
    r.ticks += 10
varip w = Counter.new()
w.bars += 1
w.ticks += 1
plot(c.bars, "bars")
plot(c.ticks, "ticks")
plot(c.peak.v, "peak")
plot(node.v, "node")
plot(na(r) ? -1 : r.bars, "r bars")
plot(na(r) ? -1 : r.ticks, "r ticks")
plot(w.bars, "w bars")
plot(w.ticks, "w ticks")
`;

function bars(n: number): BarColumns {
  const b = createBars(n);
  for (let i = 0; i < n; i++) {
    b.time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = 10 + i;
    b.volume[i] = 1;
  }
  return b;
}

const tick = (b: BarColumns, k: number, close: number) => ({ ...barAt(b, k), close, high: close, low: close });

/** The last row of each output. */
function lastRow(inst: Instance, bar: number): number[] {
  return inst.outputs.slice(bar, bar + 1).columns.map((chs) => chs[0]?.[0] ?? NaN);
}

describe('varip fields of user-defined types', () => {
  const program = compileOk(SCRIPT);
  const data = bars(4);
  const k = 3;

  for (const tier of ['compiled', 'interpreted'] as const) {
    test(`ticks keep varip fields, roll back the rest (${tier})`, () => {
      const inst = tier === 'compiled' ? build(program, data) : Instance.builder(program).timeframe('1').totalBars(4).interpreted().build();
      inst.runBars(data, 0, k);
      // History: bars = ticks = 3, peak = node = 5, r na.
      expect(lastRow(inst, k - 1)).toEqual([3, 3, 5, 5, -1, -1, 3, 3]);
      inst.updateBar(tick(data, k, 20));
      // Tick 1: bars 4, ticks 4, node 105 (plain var object), peak = new Node(20); r made now.
      expect(lastRow(inst, k)).toEqual([4, 4, 20, 105, 1, 10, 4, 4]);
      inst.updateBar(tick(data, k, 30));
      // Tick 2: bars and node roll back (4, 105 again); ticks 5; peak = Node(30); r kept (varip
      // variable) with bars rolled back to its value at creation... r did not exist at the bar's
      // open, so it is kept as it was: bars 2, ticks 20. w (a varip variable whose object existed
      // at the bar's open): bars rolls back, ticks does not.
      expect(lastRow(inst, k)).toEqual([4, 5, 30, 105, 2, 20, 4, 5]);
      const bytes = inst.saveState();
      const restored = tier === 'compiled' ? Instance.restoreState(bytes).build() : Instance.restoreState(bytes).interpreted().build();
      for (const x of [inst, restored]) {
        x.updateBar(tick(data, k, 40));
        expect(lastRow(x, k)).toEqual([4, 6, 40, 105, 3, 30, 4, 6]);
        x.runBar(tick(data, k, 40));
        expect(lastRow(x, k)).toEqual([4, 7, 40, 105, 4, 40, 4, 7]);
      }
    });
  }
});
