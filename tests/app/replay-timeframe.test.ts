// The chart timeframe switched during a replay: as on TradingView, the replay goes on from the same
// moment — paused on the bar of the new timeframe that holds the next bar to come (weeks grouped by
// their Monday, UTC, computed here from the CSV), with nothing after that moment on the chart.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boot, engineList } from './engine-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const LINES = readFileSync(`${ROOT}public/samples/sp500-daily-2000-2020.csv`, 'utf8').trim().split('\n').slice(1);
const TIMES = LINES.map((l) => Date.parse(`${l.split(',')[0] ?? ''}T00:00:00Z`));
const DAY = 86_400_000;
const mondayOf = (t: number) => t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;
/** Monday (UTC) of each week of the sample, in order. */
const WEEKS = [...new Set(TIMES.map(mondayOf))];

const engines = engineList();

describe('switching the chart timeframe during a replay', () => {
  it('goes on from the same moment at 1W, and back at 1D from that week', async () => {
    const { engine, page } = await boot(`replay-tf-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    const FROM = 3000;
    await engine.setReplayFrom(FROM);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.barIndex === FROM - 1);
    for (let i = 0; i < 3; i++) await engine.step();
    // The next daily bar to come is bar FROM + 3: its week holds it.
    const t = TIMES[FROM + 3] as number;
    const week = WEEKS.indexOf(mondayOf(t));
    expect(week).toBeGreaterThan(0);
    await engine.selectDataset('sample:sp500-daily@1W');
    await page.until('the weekly replay', () => page.lastEnd !== null && !page.lastEnd.resumes && page.buffer.barCount === week);
    const s = await engine.refreshSession();
    expect(s.datasetId).toBe('sample:sp500-daily@1W');
    expect(s.replay.from).toBe(week);
    expect(s.replay.playing).toBe(false);
    // Nothing after the moment: the last weekly candle shown closed before that week began.
    expect(page.buffer.time.data[week - 1]).toBe(WEEKS[week - 1]);

    // Back to daily: from the first day of that week (the next bar the weekly replay would feed).
    await engine.selectDataset('sample:sp500-daily');
    const firstDay = TIMES.findIndex((x) => x >= (WEEKS[week] as number));
    // (Its history up to that day is restored from the checkpoint the daily replay made there.)
    await page.until('the daily replay', () => page.lastEnd !== null && !page.lastEnd.resumes && page.buffer.barCount === firstDay);
    expect((await engine.refreshSession()).replay.from).toBe(firstDay);
  }, 120_000);

  it('without a replay the new timeframe shows every bar', async () => {
    const { engine, page } = await boot(`replay-tf-none-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    await engine.selectDataset('sample:sp500-daily@1W');
    await page.until('the weekly run', () => page.lastEnd?.status === 'done' && page.buffer.barCount === WEEKS.length);
    expect((await engine.refreshSession()).replay.from).toBeNull();
  }, 120_000);
});
