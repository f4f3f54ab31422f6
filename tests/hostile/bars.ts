// The bars every hostile child runs on: a gentle zigzag around 100, one bar a day from 2024-01-01,
// every bar distinct so that windows see real values.

import { createBars } from '../../vm/data/bars.js';
import type { BarColumns } from '../../vm/index.js';

export function hostileBars(n: number): BarColumns {
  const bars = createBars(n);
  for (let i = 0; i < n; i++) {
    const c = 100 + (i % 7) - 3 + i * 0.01;
    bars.time[i] = Date.UTC(2024, 0, 1) + i * 86_400_000;
    bars.open[i] = c - 0.5;
    bars.high[i] = c + 1;
    bars.low[i] = c - 1;
    bars.close[i] = c;
    bars.volume[i] = 1000 + i;
  }
  return bars;
}
