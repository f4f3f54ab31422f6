// chart.left_visible_bar_time / chart.right_visible_bar_time: the open times of the leftmost and
// rightmost bars the chart shows, as the host gives them (Instance builder `visibleRange`), else
// every bar of the data (the first bar, last_bar_time) — what the CLI reports. Expected values are
// the bar times below, by hand.

import { describe, expect, test } from 'vitest';
import { compile, Instance, type Program } from '../../vm/index.js';
import type { BarColumns } from '../../vm/data/bars.js';

const SRC = `//@version=6
indicator("visible")
var int shown = 0
if time >= chart.left_visible_bar_time and time <= chart.right_visible_bar_time
    shown += 1
plot(chart.left_visible_bar_time, "left")
plot(chart.right_visible_bar_time, "right")
plot(shown, "shown")`;

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

function program(): Program {
  const { program: p, diagnostics } = compile(SRC);
  if (!p) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return p;
}

/** Five daily bars from 2024-01-01. */
function cols(): BarColumns {
  const n = 5;
  const time = new Float64Array(n);
  const px = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    time[i] = T0 + i * DAY;
    px[i] = 100 + i;
  }
  return { length: n, time, open: px, high: px, low: px, close: px, volume: px };
}

const column = (inst: Instance, k: number): number[] => Array.from(inst.outputs.column(k).subarray(0, inst.outputs.length));

describe('chart.left_visible_bar_time / chart.right_visible_bar_time', () => {
  for (const tier of ['compiled', 'interpreted'] as const) {
    test(`without a viewport: the first bar and the last bar, on every bar (${tier})`, () => {
      const b = Instance.builder(program()).timeframe('1D').totalBars(5);
      if (tier === 'interpreted') b.interpreted();
      const inst = b.build();
      inst.runBars(cols());
      expect(column(inst, 0)).toEqual([T0, T0, T0, T0, T0]);
      expect(column(inst, 1)).toEqual(Array(5).fill(T0 + 4 * DAY));
      expect(column(inst, 2)).toEqual([1, 2, 3, 4, 5]);
    });

    test(`the host's visible range: bars 1 to 3 (${tier})`, () => {
      const b = Instance.builder(program()).timeframe('1D').totalBars(5).visibleRange(T0 + DAY, T0 + 3 * DAY);
      if (tier === 'interpreted') b.interpreted();
      const inst = b.build();
      inst.runBars(cols());
      expect(column(inst, 0)).toEqual(Array(5).fill(T0 + DAY));
      expect(column(inst, 1)).toEqual(Array(5).fill(T0 + 3 * DAY));
      // Counted on bars 1, 2 and 3.
      expect(column(inst, 2)).toEqual([0, 1, 2, 3, 3]);
    });
  }

  test('a restored run with its plot history still knows the first bar', () => {
    const c = cols();
    const inst = Instance.builder(program()).timeframe('1D').totalBars(5).build();
    inst.runBars(c, 0, 3);
    const back = Instance.restoreState(inst.saveState({ includeOutputs: true })).build();
    back.runBars(c, 3, 5);
    expect(column(back, 0)).toEqual([T0, T0, T0, T0, T0]);
    expect(column(back, 2)).toEqual([1, 2, 3, 4, 5]);
  });
});
