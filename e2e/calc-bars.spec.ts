// indicator(calc_bars_count = N) in the app, as on TradingView: the script runs on the dataset's
// last N bars only, as if they were the whole data. Checked by hand against the sample CSV:
// plot(bar_index) is 0 on the Nth bar from the end, ta.cum(1) is N on the last bar, the closes are
// the file's last N (daily) or the last N weeks' (weekly, weeks grouped by their Monday, UTC); a
// replay reloaded in the middle ends with the values of the history run.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, plotValues, sampleRows, setSource, setSpeed, startReplay, waitReplayEnd, waitRestored, waitSettled, watchErrors, openApp } from './helpers.js';

const N = 300;
const SCRIPT = `//@version=6
indicator("Last ${N} bars", calc_bars_count = ${N})
plot(bar_index, "Bar")
plot(ta.cum(1), "Cum")
plot(close, "Close")
`;

const DAY = 86_400_000;
const rows = sampleRows();
const mondayOf = (t: number) => t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;
/** Weekly closes (the week's last daily close), oldest first. */
function weeklyCloses(): number[] {
  const out: { time: number; close: number }[] = [];
  for (const r of rows) {
    const m = mondayOf(r.time);
    const last = out[out.length - 1];
    if (last && last.time === m) last.close = r.close;
    else out.push({ time: m, close: r.close });
  }
  return out.map((w) => w.close);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function runScript(page: Page): Promise<void> {
  const before = (await appState(page)).runId;
  await setSource(page, SCRIPT);
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotTitles().includes('Close'));
  await waitSettled(page);
}

test('calc_bars_count: the last N bars only, at the daily and the weekly timeframe, through a reload mid-replay', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await runScript(page);
  let s = await appState(page);
  expect(s.candles).toBe(N);
  expect(await plotValues(page, 'Bar')).toEqual(range(N));
  expect((await plotValues(page, 'Cum')).at(-1)).toBe(N);
  expect(await plotValues(page, 'Close')).toEqual(rows.slice(-N).map((r) => r.close));
  expect(s.notices.some((n) => n.code === 'calc-bars-count' && n.message.includes(`runs on the last ${N} of the dataset's ${rows.length.toLocaleString('en-US')} bars`))).toBe(true);
  // No compile warning in the editor about it.
  expect(s.notices.some((n) => /calc_bars_count.*every bar/.test(n.message))).toBe(false);

  // Weekly: the last N weeks.
  const before = s.runId;
  await page.getByTestId('timeframe-1W').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  s = await waitSettled(page);
  expect(s.candles).toBe(N);
  const weeks = weeklyCloses();
  expect(await plotValues(page, 'Bar')).toEqual(range(N));
  expect((await plotValues(page, 'Cum')).at(-1)).toBe(N);
  expect(await plotValues(page, 'Close')).toEqual(weeks.slice(-N));
  const history = { bar: await plotValues(page, 'Bar'), cum: await plotValues(page, 'Cum'), close: await plotValues(page, 'Close') };

  // A replay of the last 60 of the N weeks, reloaded once a checkpoint exists mid-way.
  const FROM = N - 60;
  await startReplay(page, FROM);
  await setSpeed(page, 25);
  await page.getByTestId('replay-play').click();
  await page.waitForFunction(
    (from) => {
      const st = (window as unknown as { evergreen: EvergreenDebug }).evergreen.state();
      return st.checkpointBar !== null && st.checkpointBar >= from + 10 && st.barIndex > st.checkpointBar + 3;
    },
    FROM,
    { timeout: 60_000, polling: 20 },
  );
  await page.reload();
  await waitRestored(page);
  expect((await appState(page)).restoredBar ?? Infinity).toBeLessThan(N - 1);
  await expect(page.getByTestId('timeframe-1W')).toHaveAttribute('aria-pressed', 'true');
  await setSpeed(page, 0);
  const end = await waitReplayEnd(page);
  expect(end.barIndex).toBe(N - 1);
  expect(end.candles).toBe(N);
  expect(await plotValues(page, 'Bar')).toEqual(history.bar);
  expect(await plotValues(page, 'Cum')).toEqual(history.cum);
  expect(await plotValues(page, 'Close')).toEqual(history.close);
  expect(errors).toEqual([]);
});
