// Snapshots carry objects of user-defined types: a run split at bar 0, 1, the middle and N-1
// (save, restore into a new instance, finish) gives the same outputs and final state as a straight
// run, with objects shared by several variables and arrays still shared after the restore, and
// a cycle (an object that refers to itself) preserved.

import { describe, expect, test } from 'vitest';
import { Instance } from '../../vm/index.js';
import { createBars } from '../../vm/data/bars.js';
import { build, checkEquivalence, compileOk, standardSplits } from '../snapshot/helpers.js';

const SCRIPT = `//@version=6
indicator("udt snapshot")
type Pivot
    float price
    int bar
    Pivot prev
type Stats
    float sum = 0
    int count = 0
    array<Pivot> pivots
var Stats st = Stats.new(pivots = array.new<Pivot>())
var Stats alias = st
var Pivot last = na
var Pivot loop = Pivot.new(0, 0)
if bar_index == 0
    loop.prev := loop
if close > open
    p = Pivot.new(close, bar_index, last)
    st.pivots.push(p)
    last := p
alias.sum := alias.sum + close

st.count := st.count + 1
loop.price := loop.prev.price + 1
float chain = 0
Pivot cur = last
for i = 0 to 3
    if not na(cur)
        chain += cur.price
        cur := cur.prev
plot(st.sum, "sum")
plot(st.count, "count")
plot(st.pivots.size(), "pivots")
plot(chain, "chain")
plot(loop.price, "loop")
plot(na(last) ? na : last.bar, "last bar")
`;

function bars(n: number) {
  const b = createBars(n);
  for (let i = 0; i < n; i++) {
    // A zigzag: up bars (close > open) on even bars.
    const c = 100 + Math.sin(i / 3) * 10;
    b.time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    b.open[i] = i % 2 === 0 ? c - 1 : c + 1;
    b.close[i] = c;
    b.high[i] = c + 2;
    b.low[i] = c - 2;
    b.volume[i] = 1000 + i;
  }
  return b;
}

describe('snapshots of user-defined type objects', () => {
  test('the same outputs and state with a split at 0, 1, the middle and N-1', () => {
    const program = compileOk(SCRIPT);
    const b = bars(60);
    checkEquivalence(program, b, standardSplits(b.length));
  });

  test('two variables sharing an object still share it after a restore', () => {
    const program = compileOk(SCRIPT);
    const b = bars(10);
    const first = build(program, b);
    first.runBars(b, 0, 5);
    const again = Instance.restoreState(first.saveState()).build();
    again.runBars(b, 5, 10);
    // `alias.sum += close` and `st.count += 1` go to one object: after 10 bars, sum is the sum
    // of the 10 closes and count is 10 (a copy made by the restore would split them).
    const closes = Array.from(b.close.slice(0, 10));
    const sum = closes.reduce((x, y) => x + y, 0);
    const cols = again.outputs.slice(9, 10).columns;
    expect(cols[0]?.[0]?.[0]).toBeCloseTo(sum, 9);
    expect(cols[1]?.[0]?.[0]).toBe(10);
    // Up bars are the even ones: 0, 2, 4, 6, 8 → 5 pivots, the last on bar 8.
    expect(cols[2]?.[0]?.[0]).toBe(5);
    expect(cols[5]?.[0]?.[0]).toBe(8);
    // The self-referencing object counts 1 per bar: 10 after 10 bars.
    expect(cols[4]?.[0]?.[0]).toBe(10);
    // chain: the last four pivots' prices (bars 8, 6, 4, 2), following `prev`.
    const chain = [8, 6, 4, 2].reduce((x, i) => x + (b.close[i] ?? NaN), 0);
    expect(cols[3]?.[0]?.[0]).toBeCloseTo(chain, 9);
  });
});
