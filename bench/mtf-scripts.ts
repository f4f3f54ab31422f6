// The two scripts of the request.security benchmark (bench/mtf.ts) and its hourly bars.

import type { BarColumns } from '../vm/index.js';
import { syntheticBars } from './synthetic.js';

export const WITH_SRC = `//@version=6
indicator("three requests")
d = request.security(syminfo.tickerid, "1D", ta.sma(close, 20))
w = request.security(syminfo.tickerid, "1W", ta.ema(close, 10))
o = request.security("OTHER", "60", ta.rsi(close, 14))
plot(ta.sma(close, 50), "base")
plot(d, "d")
plot(w, "w")
plot(o, "o")
`;

export const WITHOUT_SRC = `//@version=6
indicator("no requests")
d = ta.sma(close, 20)
w = ta.ema(close, 10)
o = ta.rsi(close, 14)
plot(ta.sma(close, 50), "base")
plot(d, "d")
plot(w, "w")
plot(o, "o")
`;

/** `n` hourly bars (the synthetic walk re-timed one hour apart from 2024-01-01 UTC). */
export function hourlyBars(n: number, seed: number): BarColumns {
  const b = syntheticBars(n, seed);
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) b.time[i] = t0 + i * 3_600_000;
  return b;
}

