// The chart's price formats: the symbol's decimals come from the candles the buffer holds — for a
// restore drawn from its last window of candles, from that window (the bars in front are not
// there yet), then from the first candles once they come.

import { describe, expect, it } from 'vitest';
import { ChartFormats } from '../../app/ui/chart/chart-formats.js';
import { PlotBuffer } from '../../app/ui/chart/plot-buffer.js';
import type { BarsChunk } from '../../app/worker/protocol.js';

const T0 = Date.UTC(2024, 0, 1);

/** Candles [from, from + n) priced `price(i)` (open = high = low = close). */
function bars(from: number, n: number, price: (i: number) => number): BarsChunk {
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, k) => g(from + k));
  return { firstBar: from, length: n, time: f((i) => T0 + i * 86_400_000), open: f(price), high: f(price), low: f(price), close: f(price), volume: f(() => NaN) };
}

describe('ChartFormats', () => {
  it('infers the tick from the restored window of candles, not from the empty bars in front of it', () => {
    const b = new PlotBuffer();
    // Cents: 1455.25, 1455.5, 1455.75, 1456 ... (2 decimals), from bar 3000 of 3200.
    b.reset(null, bars(3000, 200, (i) => 1455 + (i % 4) * 0.25));
    const f = new ChartFormats(b);
    f.compute();
    expect(f.symbol).toEqual({ kind: 'price', decimals: 2 });
  });

  it('takes the first candles\' tick once they come, and says so', () => {
    const b = new PlotBuffer();
    b.reset(null, bars(3000, 200, (i) => 1455 + (i % 2) * 0.5));
    const f = new ChartFormats(b);
    f.compute();
    expect(f.symbol.decimals).toBe(1);
    b.appendBars(bars(0, 3000, (i) => 20 + (i % 4) * 0.125)); // eighths: 3 decimals
    expect(f.compute()).toBe(true);
    expect(f.symbol).toEqual({ kind: 'price', decimals: 3 });
    expect(f.compute()).toBe(false);
  });
});
