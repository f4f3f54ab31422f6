// Hostile scripts: huge ta lengths and history sizes (issue 11, item 1). One literal used to make
// the VM allocate 16.8 GB (`ta.sma(close, 1000000000)`) or 8.4 GB (`max_bars_back(x, 1e9)`). Each
// case runs in a child process capped at 256 MB of heap plus 512 MB of typed arrays and 30 s, and
// must end with a one-line runtime error naming the call, or with the correct result.

import { describe, expect, it } from 'vitest';
import { runHostile, script } from './harness.js';
import { newRawWin, newRollSum, rawPush, rollSumStep } from '../../vm/builtins/ta/window.js';

/** The longest ta length (TradingView's longest history buffer, 10,000 bars). */
const MAX_TA_LENGTH = 10_000;

/** The child's synthetic close on bar i (tests/hostile/child.ts). */
const close = (i: number): number => 100 + (i % 7) - 3 + i * 0.01;

describe('ta lengths are bounded', () => {
  it('ta.sma(close, 1000000000) is a runtime error naming ta.sma and its length', () => {
    const r = runHostile(script('plot(ta.sma(close, 1000000000))'));
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/'length' argument \(1000000000\) in 'ta\.sma'.*<= 10000/);
    expect(r.message.split('\n')).toHaveLength(1);
  });

  it('other windows too: ta.highest, ta.stdev, ta.percentrank, ta.pivothigh, ta.valuewhen', () => {
    const cases: [string, RegExp][] = [
      ['plot(ta.highest(close, 1000000000))', /'length' argument \(1000000000\) in 'ta\.highest'/],
      ['plot(ta.stdev(close, 2147483648))', /'length' argument \(2147483648\) in 'ta\.stdev'/],
      ['plot(ta.percentrank(close, 10001))', /'length' argument \(10001\) in 'ta\.percentrank'/],
      ['plot(ta.pivothigh(close, 5, 1000000000))', /'rightbars' argument \(1000000000\) in 'ta\.pivothigh'/],
      ['plot(ta.valuewhen(close > open, close, 1000000000))', /'occurrence' argument \(1000000000\) in 'ta\.valuewhen'/],
    ];
    for (const [body, want] of cases) {
      const r = runHostile(script(body));
      expect(r.kind, body).toBe('runtime');
      expect(r.message, body).toMatch(want);
    }
  });

  it('the longest allowed window over few bars gives na and stays small', () => {
    const r = runHostile(script(`plot(ta.sma(close, ${MAX_TA_LENGTH}), "s")\nplot(ta.highest(close, ${MAX_TA_LENGTH}), "h")`));
    expect(r.kind).toBe('ok');
    expect(r.plots).toEqual({ s: null, h: null });
    expect(r.heapMb).toBeLessThan(64);
  });

  it('a window of the longest length fills and is right once enough bars are seen', () => {
    const n = 12_000;
    const r = runHostile(script(`plot(ta.sma(close, ${MAX_TA_LENGTH}), "s")`), { bars: n });
    expect(r.kind).toBe('ok');
    // Independent mean of the last 10,000 closes of the child's series.
    let sum = 0;
    for (let i = n - MAX_TA_LENGTH; i < n; i++) sum += close(i);
    expect(r.plots.s).toBeCloseTo(sum / MAX_TA_LENGTH, 6);
  });

  it('order statistics over the longest window end within the time budget with the right values', () => {
    // A sort per bar took 30-45 s for each of these over 20,000 bars; a sorted window kept up to
    // date takes a few seconds for all four.
    const n = 20_000;
    const L = MAX_TA_LENGTH;
    const body = [
      `plot(ta.median(close, ${L}), "med")`,
      `plot(ta.mode(close, ${L}), "mode")`,
      `plot(ta.percentile_nearest_rank(close, ${L}, 50), "pnr")`,
      `plot(ta.percentile_linear_interpolation(close, ${L}, 30), "pli")`,
    ].join('\n');
    const r = runHostile(script(body), { bars: n, timeoutMs: 30_000 });
    expect(r.kind).toBe('ok');
    // Independent: the last 10,000 closes, sorted.
    const w: number[] = [];
    for (let i = n - L; i < n; i++) w.push(close(i));
    w.sort((p, q) => p - q);
    const at = (k: number): number => w[k] ?? NaN;
    expect(r.plots.med).toBeCloseTo((at(L / 2 - 1) + at(L / 2)) / 2, 9);
    // Every close is distinct (0.01 per bar apart within a residue class of 7): the mode is the smallest.
    expect(r.plots.mode).toBeCloseTo(at(0), 9);
    // Nearest rank: ceil(50 × 10,000 / 100) = 5,000th value.
    expect(r.plots.pnr).toBeCloseTo(at(4999), 9);
    // Linear: position 10,000 × 30 / 100 + 0.5 = 3,000.5, halfway between the 3,000th and 3,001st.
    expect(r.plots.pli).toBeCloseTo(at(2999) + 0.5 * (at(3000) - at(2999)), 9);
  });

  it('ta.rci over the longest window ends within the time budget with the right value', () => {
    // A sort per bar did not finish 20,000 bars in a minute.
    const n = 20_000;
    const L = MAX_TA_LENGTH;
    const r = runHostile(script(`plot(ta.rci(close, ${L}), "rci")`), { bars: n, timeoutMs: 30_000 });
    expect(r.kind).toBe('ok');
    // Independent Spearman correlation of the last 10,000 closes (all distinct: no ties) with
    // time, both ranked from 0 (largest value, newest bar).
    const win = Array.from({ length: L }, (_, t) => ({ x: close(n - 1 - t), t }));
    const rank = new Array<number>(L).fill(0);
    [...win].sort((p, q) => q.x - p.x).forEach((e, k) => (rank[e.t] = k));
    const mean = (L - 1) / 2;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < L; t++) {
      sxy += (t - mean) * ((rank[t] ?? 0) - mean);
      sxx += (t - mean) ** 2;
    }
    // Both ranks are permutations of 0..L-1: their variances are equal.
    expect(r.plots.rci).toBeCloseTo((100 * sxy) / sxx, 6);
  });

  it('a window allocates for the bars actually seen, not for its length', () => {
    const w = newRawWin();
    const s = newRollSum();
    for (let bar = 0; bar < 100; bar++) {
      rawPush(w, bar, bar, MAX_TA_LENGTH);
      rollSumStep(s, bar, bar, MAX_TA_LENGTH);
    }
    // 100 values need 128 slots at least; doubling may make it 256, never 16,384.
    expect(w.buf.length).toBeLessThanOrEqual(256);
    expect(s.buf.length).toBeLessThanOrEqual(256);
  });
});

describe('history sizes are bounded', () => {
  it('max_bars_back(x, 1000000000) runs in a small buffer and reads history correctly', () => {
    const r = runHostile(script('x = close * 2\nmax_bars_back(x, 1000000000)\nplot(x[bar_index], "first")\nplot(x[3], "k3")'));
    expect(r.kind).toBe('ok');
    // Bar 99: x[99] is bar 0's 2 * close = 2 * 97; x[3] is bar 96's 2 * (100 + 5 - 3 + 0.96).
    expect(r.plots.first).toBeCloseTo(194, 9);
    expect(r.plots.k3).toBeCloseTo(2 * close(96), 9);
    expect(r.heapMb).toBeLessThan(64);
  });

  it('a dynamic offset beyond the kept history is a runtime error, not a wrong value', () => {
    const r = runHostile(script('x = close * 2\nmax_bars_back(x, 1000000000)\nplot(x[bar_index * 2000])'));
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/history offset 132000 is beyond the \d+ bars kept/);
  });
});
