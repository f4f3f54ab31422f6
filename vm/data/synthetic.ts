// Deterministic synthetic 1-minute OHLCV bars for benchmarks: a seeded geometric random walk with
// plausible candles (high >= max(open, close), low <= min(open, close), volume > 0), starting at a
// fixed UTC time so every run and every engine sees the same bars.

import type { BarColumns } from './bars.js';

/** 2024-01-01T00:00:00Z: a UTC midnight, so daily anchors fall every 1440 bars. */
export const SYNTHETIC_START_MS = Date.UTC(2024, 0, 1);
export const SYNTHETIC_STEP_MS = 60_000;

/** A 32-bit generator: a Weyl sequence (odd increment) passed through an integer mixing function.
 * Period 2^32 per seed, which is plenty for a few million bars; quality is far beyond what a price
 * walk needs. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    z ^= z >>> 15;
    return (z >>> 0) / 4294967296;
  };
}

/** Standard normal deviates from a uniform source (Box-Muller, one value per call). */
function normalFrom(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform(); // (0, 1]: log is finite
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Rounds to a 0.01 tick. Rounding is monotonic, so it keeps high >= open, close >= low. */
function tick(x: number): number {
  return Math.round(x * 100) / 100;
}

/** `n` one-minute bars from SYNTHETIC_START_MS. The same (n, seed) always gives the same bars, and a
 * longer run extends a shorter one with the same seed (bar i does not depend on n). */
export function syntheticBars(n: number, seed: number): BarColumns {
  const uniform = seededRandom(seed);
  const normal = normalFrom(uniform);
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const sigma = 0.0008; // per-minute log-return volatility
  let price = 100;
  for (let i = 0; i < n; i++) {
    const o = price;
    // Mean-reverting drift toward 100 (in log space) keeps a million-bar walk in a sane price range.
    const drift = -0.00002 * Math.log(price / 100);
    const c = o * Math.exp(drift + sigma * normal());
    const wickUp = Math.abs(normal()) * sigma * 0.6;
    const wickDown = Math.abs(normal()) * sigma * 0.6;
    time[i] = SYNTHETIC_START_MS + i * SYNTHETIC_STEP_MS;
    open[i] = tick(o);
    close[i] = tick(c);
    high[i] = tick(Math.max(o, c) * Math.exp(wickUp));
    low[i] = tick(Math.min(o, c) * Math.exp(-wickDown));
    // Lognormal volume with a daily rhythm; always >= 1.
    const hour = Math.floor(i / 60) % 24;
    const rhythm = 1 + 0.5 * Math.sin((hour / 24) * 2 * Math.PI);
    volume[i] = Math.max(1, Math.round(1000 * rhythm * Math.exp(0.5 * normal())));
    price = c;
  }
  return { time, open, high, low, close, volume, length: n };
}
