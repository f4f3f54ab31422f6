// Other timeframes and symbols in the app: the chart's timeframe buttons resample the dataset (S&P
// 500 daily shown weekly), a second imported dataset (the 1950-2012 S&P 500 file, imported as
// SPXB.csv: ticker SPXB) answers request.security("SPXB", ...) through the worker's data host call,
// and a replay reloaded in the middle ends with the same values as an uninterrupted one — and as
// the values computed here from the two CSV files (weeks grouped by their Monday, UTC).

import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { allPlotValues, appState, plotValues, sampleRows, setSource, setSpeed, startReplay, waitReplayEnd, waitRestored, waitSettled, watchErrors, openApp } from './helpers.js';

const OTHER_TEXT = readFileSync(new URL('../tests/fixtures/ohlcv/sp500-daily-1950-2012.csv', import.meta.url), 'utf8');

const SCRIPT = `//@version=6
indicator("mtf")
plot(close, "chart close")
plot(request.security("SPXB", "1W", close), "spxb weekly")
plot(request.security("SPXB", "1W", ta.sma(close, 3)), "spxb sma3")
`;

const DAY = 86_400_000;
const mondayOf = (t: number) => t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;

/** Weeks (Monday, UTC) of `rows`: last close of each, oldest first. */
function weekly(rows: { time: number; close: number }[]): { time: number; close: number }[] {
  const out: { time: number; close: number }[] = [];
  for (const r of [...rows].sort((a, b) => a.time - b.time)) {
    const m = mondayOf(r.time);
    const last = out[out.length - 1];
    if (last && last.time === m) last.close = r.close;
    else out.push({ time: m, close: r.close });
  }
  return out;
}

const chartWeeks = weekly(sampleRows());
const otherWeeks = weekly(
  OTHER_TEXT.trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => {
      const [d, , , , c] = l.split(',');
      return { time: Date.parse(`${d}T00:00:00Z`), close: Number(c) };
    }),
);

/** Expected plots on the weekly chart: the other symbol's week closed by each chart week's close
 * (the same week, both being Monday-to-Monday UTC), or the last one before it. */
function expected(): { weekly: (number | null)[]; sma3: (number | null)[] } {
  const w: (number | null)[] = [];
  const s: (number | null)[] = [];
  let k = -1;
  for (const cw of chartWeeks) {
    while (k + 1 < otherWeeks.length && (otherWeeks[k + 1] as { time: number }).time <= cw.time) k++;
    w.push(k >= 0 ? (otherWeeks[k] as { close: number }).close : null);
    s.push(k >= 2 ? ((otherWeeks[k] as { close: number }).close + (otherWeeks[k - 1] as { close: number }).close + (otherWeeks[k - 2] as { close: number }).close) / 3 : null);
  }
  return { weekly: w, sma3: s };
}

async function prepare(page: Page): Promise<void> {
  await openApp(page);
  // The second dataset: imported (it opens as the chart), then the sample is picked again.
  const run0 = (await appState(page)).runId;
  await page.getByTestId('csv-input').setInputFiles({ name: 'SPXB.csv', mimeType: 'text/csv', buffer: Buffer.from(OTHER_TEXT) });
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, run0);
  await waitSettled(page);
  await page.getByTestId('dataset-select').selectOption('sample:sp500-daily');
  await waitSettled(page);
  // Weekly bars, like TradingView's 1W button.
  const run1 = (await appState(page)).runId;
  await page.getByTestId('timeframe-1W').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, run1);
  const s = await waitSettled(page);
  expect(s.candles).toBe(chartWeeks.length);
  await expect(page.getByTestId('timeframe-1W')).toHaveAttribute('aria-pressed', 'true');
  await setSource(page, SCRIPT);
  await page.getByTestId('run').click();
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotTitles().includes('spxb sma3'));
  await waitSettled(page);
}

async function fresh(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test('weekly chart of the sample, a second imported dataset requested by its ticker, reload mid-replay', async ({ browser }) => {
  const want = expected();
  const close = (v: (number | null)[]) => v.map((x) => (x === null ? null : Math.round(x * 1e6) / 1e6));
  const N = chartWeeks.length;
  const FROM = N - 200;

  // History run: the values computed from the two files.
  const ref = await fresh(browser);
  const refErrors = watchErrors(ref);
  await prepare(ref);
  expect(await plotValues(ref, 'chart close')).toEqual(chartWeeks.map((w) => w.close));
  expect(await plotValues(ref, 'spxb weekly')).toEqual(want.weekly);
  expect(close(await plotValues(ref, 'spxb sma3'))).toEqual(close(want.sma3));
  // An uninterrupted replay of the last 200 weeks.
  await startReplay(ref, FROM);
  await setSpeed(ref, 0);
  await ref.getByTestId('replay-play').click();
  await waitReplayEnd(ref);
  const replayValues = await allPlotValues(ref);
  expect(refErrors).toEqual([]);
  await ref.context().close();

  // The same replay, reloaded once a checkpoint exists mid-way.
  const page = await fresh(browser);
  const errors = watchErrors(page);
  await prepare(page);
  await startReplay(page, FROM);
  await setSpeed(page, 50);
  await page.getByTestId('replay-play').click();
  await page.waitForFunction(
    (from) => {
      const s = (window as unknown as { evergreen: EvergreenDebug }).evergreen.state();
      return s.checkpointBar !== null && s.checkpointBar >= from + 30 && s.barIndex > s.checkpointBar + 5;
    },
    FROM,
    { timeout: 60_000, polling: 20 },
  );
  await page.reload();
  await waitRestored(page);
  expect((await appState(page)).restoredBar ?? Infinity).toBeLessThan(N - 1);
  // The weekly view and the script come back with the session.
  await expect(page.getByTestId('timeframe-1W')).toHaveAttribute('aria-pressed', 'true');
  const end = await waitReplayEnd(page);
  expect(end.barIndex).toBe(N - 1);
  expect(await allPlotValues(page)).toEqual(replayValues);
  expect(await plotValues(page, 'spxb weekly')).toEqual(want.weekly);
  expect(errors).toEqual([]);
});
