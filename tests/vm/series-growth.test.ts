// History buffers grow with the bars they see (issue 11): a series that may be read 100,000 bars
// back used to allocate its whole ring (128k slots) before the first bar. It now starts with 64
// slots and doubles as bars advance into it, up to its cap; reads, snapshots (stored at the full
// cap, as before) and restores mean the same as with a buffer allocated whole.

import { describe, expect, it } from 'vitest';
import { compile, Instance } from '../../vm/index.js';
import { createBars } from '../../vm/data/bars.js';
import type { SeriesF } from '../../vm/core/series.js';

function bars(n: number) {
  const b = createBars(n);
  for (let i = 0; i < n; i++) {
    b.time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = 1000 + i;
    b.volume[i] = 1;
  }
  return b;
}

// `x` is read 100,000 bars back through a dynamic offset, so its buffer's cap is 2^17 slots.
const SOURCE = `//@version=6
indicator("deep history", max_bars_back = 100000)
x = close * 2
k = bar_index >= 150 ? 150 : 0
plot(x[k], "back")
plot(x[0], "now")
`;

function build() {
  const { program, diagnostics } = compile(SOURCE);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return { program, inst: Instance.builder(program).totalBars(400).build() };
}

/** The largest history buffer of the instance. */
function deepest(inst: Instance): SeriesF {
  const all = inst.machine.ser as SeriesF[];
  return all.reduce((a, b) => (b.mask > a.mask ? b : a));
}

describe('history buffers grow with the bars seen', () => {
  it('a series with a 100,000-bar history holds 64 slots at first and doubles as bars come', () => {
    const { inst } = build();
    const s = deepest(inst);
    expect(s.mask + 1).toBe(131072);
    expect(s.buf.length).toBe(64);
    const b = bars(400);
    inst.runBars(b, 0, 100);
    // 100 bars advanced the head to slot 100: 128 slots.
    expect(s.buf.length).toBe(128);
    inst.runBars(b, 100, 400);
    expect(s.buf.length).toBe(512);
    // x[150] on bar 399 is 2 × close of bar 249 = 2 × 1249; x[0] is 2 × 1399.
    const back = inst.outputs.column(0);
    const now = inst.outputs.column(1);
    expect(back[399]).toBe(2498);
    expect(now[399]).toBe(2798);
    expect(back[150]).toBe(2000);
    expect(back[149]).toBe(2 * 1149);
  });

  it('a snapshot stores the buffer at its full cap and a restore continues with the same values', () => {
    const { program, inst } = build();
    const b = bars(400);
    inst.runBars(b, 0, 300);
    const bytes = inst.saveState();
    const restored = Instance.restoreState(bytes).build();
    expect(deepest(restored).buf.length).toBe(131072);
    restored.runBars(b, 300, 400);
    // The same run without a snapshot, for comparison.
    const whole = Instance.builder(program).totalBars(400).build();
    whole.runBars(b);
    // The restored instance's output rows start at the bar after the snapshot.
    const f0 = restored.outputs.firstBar;
    for (const id of [0, 1]) {
      expect(Array.from(restored.outputs.column(id).subarray(300 - f0, 400 - f0))).toEqual(Array.from(whole.outputs.column(id).subarray(300, 400)));
    }
    expect(restored.outputs.column(0)[399 - f0]).toBe(2498);
    // A second save of the restored instance is byte for byte the first one's format: it restores.
    expect(() => Instance.restoreState(restored.saveState()).build()).not.toThrow();
  });

  it('realtime ticks that advance into a new bar and roll back keep the values', () => {
    const { inst } = build();
    const b = bars(400);
    inst.runBars(b, 0, 127);
    // Bar 127's first tick moves the head to slot 127... then 128 (growth) on later bars.
    for (let i = 127; i < 140; i++) {
      const bar = { time: b.time[i] as number, open: b.open[i] as number, high: b.high[i] as number, low: b.low[i] as number, close: b.close[i] as number, volume: 1 };
      inst.updateBar({ ...bar, close: bar.close - 0.5 });
      inst.updateBar(bar);
      inst.runBar(bar);
    }
    expect(inst.outputs.column(1)[139]).toBe(2 * 1139);
    expect(deepest(inst).buf.length).toBe(256);
  });
});
