// Reloading while a long history run is going (1M synthetic bars, a script with a loop per bar so
// the run lasts ~10 s): no crash, no damaged storage; the app resumes from the run's last periodic
// checkpoint and finishes with correct values, and a second reload restores the finished run
// without running anything.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { syntheticBars } from '../bench/synthetic.js';
import { appState, setSource, waitRestored, waitSettled, watchErrors } from './helpers.js';

const N = 1_000_000;

const SCRIPT = `//@version=6
indicator("long run", overlay=true)
fast = ta.ema(close, 20)
basis = ta.sma(close, 20)
float acc = 0.0
for i = 0 to 400 // enough work that the 1M-bar history run outlasts the 3 s periodic checkpoint
    acc += math.sin(i * close)
plot(fast, "Fast MA")
plot(basis, "BB basis")
plot(acc, "Busy")
`;

/** Pine's ta.ema (seeded with the SMA of the first `len` values) and ta.sma at chosen bars. */
function expected(closes: Float64Array, bars: number[]): { ema20: number[]; sma20: number[] } {
  const len = 20;
  const a = 2 / (len + 1);
  const ema = new Float64Array(closes.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < closes.length; i++) {
    sum += closes[i] as number;
    if (i >= len) sum -= closes[i - len] as number;
    if (i === len - 1) ema[i] = sum / len;
    else if (i >= len) ema[i] = a * (closes[i] as number) + (1 - a) * (ema[i - 1] as number);
  }
  const sma = (i: number) => {
    let s = 0;
    for (let k = i - len + 1; k <= i; k++) s += closes[k] as number;
    return s / len;
  };
  return { ema20: bars.map((b) => ema[b] as number), sma20: bars.map(sma) };
}

async function valuesAt(page: Page, title: string, bars: number[]): Promise<(number | null)[]> {
  return page.evaluate(([t, bs]) => (bs as number[]).map((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotValue(t as string, b)), [title, bars] as const);
}

function near(a: (number | null)[], b: number[]): boolean {
  return a.every((v, i) => v !== null && Math.abs(v - (b[i] as number)) <= 1e-8 + 1e-6 * Math.abs(b[i] as number));
}

test('reload during a long history run: it resumes cleanly and the values are right', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await page.goto('/?dataset=synthetic:1000000');
  await waitSettled(page, 120_000);
  await setSource(page, SCRIPT);
  await page.waitForTimeout(800); // saved after a pause in typing
  const run0 = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, run0);
  // Wait for a periodic checkpoint taken while the history run is still going, then reload.
  await page.waitForFunction(
    () => {
      const s = (window as unknown as { evergreen?: EvergreenDebug }).evergreen?.state();
      return s !== undefined && s.status === 'running' && s.checkpointBar !== null && s.barIndex > s.checkpointBar;
    },
    null,
    { timeout: 120_000, polling: 50 },
  );
  const mid = await appState(page);
  expect(mid.totalBars).toBe(N);
  expect(mid.checkpointBar ?? N).toBeLessThan(N - 1);
  await page.reload();
  await waitRestored(page);
  const resumed = await appState(page);
  expect(resumed.restoredBar ?? -1).toBeGreaterThanOrEqual(mid.checkpointBar ?? Infinity);
  const done = await waitSettled(page, 180_000);
  expect(done.barIndex).toBe(N - 1);
  expect(done.rows).toBe(N);
  // Nothing damaged: no checkpoint fails to restore (the sample script's own, from before the edit,
  // is stale).
  expect(done.snapshots.some((s) => s.status === 'corrupt')).toBe(false);
  expect(done.snapshots.filter((s) => s.status === 'ok').length).toBeGreaterThan(0);

  // Values on both sides of the resume point match a hand calculation over the same bars.
  const r = resumed.restoredBar ?? 0;
  const bars = [19, 20, 1000, 99_999, r - 1, r, r + 1, r + 2, 500_000, 777_777, N - 2, N - 1].filter((b) => b >= 19 && b < N);
  const closes = syntheticBars(N, 1).close;
  const want = expected(closes, bars);
  expect(near(await valuesAt(page, 'Fast MA', bars), want.ema20)).toBe(true);
  expect(near(await valuesAt(page, 'BB basis', bars), want.sma20)).toBe(true);

  // A second reload restores the finished run from storage: no history to run again.
  await page.reload();
  const again = await waitSettled(page, 60_000);
  expect(again.restoredBar).toBe(N - 1);
  expect(again.rows).toBe(N);
  expect(near(await valuesAt(page, 'Fast MA', bars), want.ema20)).toBe(true);
  expect(errors).toEqual([]);
});
