// A reload of a finished run over 1M bars (issue 11, item 12): the restored chart is drawn from the
// candles and plot rows stored with the checkpoint, before the worker has the dataset, so it shows
// the last bars at once; the history behind them arrives next, and the chart then scrolls back to
// bar 0 with every candle and every plot value there. Expected candles come from the benchmark's
// generator (bench/synthetic.ts, the same seeded walk the app's synthetic dataset is), expected
// averages from a plain sum here.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { syntheticBars } from '../bench/synthetic.js';
import { appState, setSource, waitSettled, watchErrors } from './helpers.js';

const N = 1_000_000;

const SCRIPT = `//@version=6
indicator("restore 1M", overlay=true)
plot(ta.sma(close, 10), "SMA 10")
`;

const ev = (page: Page) => page.evaluate.bind(page);

function sma10(closes: Float64Array, i: number): number {
  let s = 0;
  for (let k = i - 9; k <= i; k++) s += closes[k] as number;
  return s / 10;
}

test('after a reload at 1M bars the chart shows the last bars from the checkpoint, then the whole history scrolls back to bar 0', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  const bars = syntheticBars(N, 1);
  await page.goto('/?dataset=synthetic:1000000');
  await waitSettled(page, 240_000);
  await setSource(page, SCRIPT);
  await page.waitForTimeout(600);
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page, 240_000);
  await page.waitForFunction((n) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().checkpointBar === n - 1, N, { timeout: 60_000 });

  // The reload: the first chart drawn holds the last window of candles and rows.
  await page.reload();
  await page.waitForFunction(
    () => {
      const e = (window as unknown as { evergreen?: EvergreenDebug }).evergreen;
      const s = e?.state();
      return s !== undefined && s.drawnRunId !== null && s.drawnRunId === s.runId;
    },
    undefined,
    { timeout: 120_000, polling: 10 },
  );
  const first = await ev(page)(() => {
    const e = (window as unknown as { evergreen: EvergreenDebug }).evergreen;
    return { chart: e.chart(), last: e.candleAt(999_999), sma: e.plotValue('SMA 10', 999_999) };
  });
  expect(first.chart?.bars).toBe(N);
  expect(first.chart?.end).toBe(N);
  expect(first.chart?.visible?.[1]).toBeGreaterThanOrEqual(N - 5);
  const lastBar = { open: bars.open[N - 1], high: bars.high[N - 1], low: bars.low[N - 1], close: bars.close[N - 1] };
  expect(first.last).toMatchObject(lastBar);
  expect(first.sma).toBeCloseTo(sma10(bars.close, N - 1), 6);

  // Then the history behind it: the run ends as a restore, every row is there, bar 0 scrolls in.
  const s = await waitSettled(page, 120_000);
  expect(s.status).toBe('restored');
  expect(s.restoredBar).toBe(N - 1);
  expect(s.rows).toBe(N);
  expect(s.candles).toBe(N);
  await ev(page)(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.scrollToBar(5));
  const back = await ev(page)(() => {
    const e = (window as unknown as { evergreen: EvergreenDebug }).evergreen;
    return { chart: e.chart(), bar0: e.candleAt(0), bar20: e.candleAt(20), sma20: e.plotValue('SMA 10', 20), sma8: e.plotValue('SMA 10', 8) };
  });
  expect(back.chart?.start).toBe(0);
  expect(back.bar0).toMatchObject({ open: bars.open[0], high: bars.high[0], low: bars.low[0], close: bars.close[0] });
  expect(back.bar20).toMatchObject({ open: bars.open[20], close: bars.close[20] });
  expect(back.sma20).toBeCloseTo(sma10(bars.close, 20), 6);
  expect(back.sma8).toBeNull();
  expect(errors).toEqual([]);
});
