// The chart timeframe buttons' edge cases a TradingView user hits: a timeframe below the dataset's
// (needs data the browser does not have), one that would split the dataset's bars (45 from 30-minute
// bars), weekly bars to months; each refused with a message saying what to do, the chart left as
// it was (not an empty chart, not another dataset), and a stored session or link naming one opens
// the dataset at its own timeframe. Higher multiples still resample.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartTimeframeProblem } from '../../app/chart-timeframes.js';
import { boot, engineList } from './engine-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/** EURUSD hourly, header and 200 bars. */
const HOURLY = readFileSync(`${ROOT}tests/fixtures/ohlcv/eurusd-1h-2022-2025.csv`, 'utf8').trim().split('\n').slice(0, 201).join('\n');
/** 30-minute bars, 24x7 from 2024-01-01 00:00 UTC: 96 bars (two days). */
const HALF_HOURS = ['time,open,high,low,close,volume', ...Array.from({ length: 96 }, (_, i) => `${1_704_067_200 + i * 1800},${100 + i},${101 + i},${99 + i},${100.5 + i},10`)].join('\n');
const SCRIPT = '//@version=6\nindicator("c")\nplot(close, "Close")\n';

const engines = engineList();

describe('chartTimeframeProblem', () => {
  it('refuses lower timeframes, split bars and weeks to months, and says what to do', () => {
    expect(chartTimeframeProblem('EURUSD', '60', '15')).toBe(
      'EURUSD has 1-hour bars: a 15 chart needs bars of 15 or lower, which this browser does not have (bars can only be combined into a higher timeframe). Import a CSV file of 15 bars or lower to see it; the chart stays at 60.',
    );
    expect(chartTimeframeProblem('X', '30', '45')).toBe(
      'X has 30-minute bars, and 45 is not a whole number of them: a 45 bar would split one of its bars (TradingView builds it from lower-timeframe bars). Pick a multiple of 30, or import bars of a timeframe that divides 45; the chart stays at 30.',
    );
    expect(chartTimeframeProblem('X', '1W', '1M')).toContain('a month does not hold whole weeks');
    expect(chartTimeframeProblem('X', '1D', '60')).toContain('X has 1D bars: a 60 chart needs bars of 60 or lower');
    // What bars can make: multiples, days, weeks and months of intraday or daily bars.
    for (const [own, tf] of [['30', '60'], ['30', '90'], ['15', '45'], ['60', '240'], ['30', '1D'], ['1D', '1W'], ['1D', '1M'], ['60', '1M'], ['1', '45']]) {
      expect(chartTimeframeProblem('X', own as string, tf as string), `${own} -> ${tf}`).toBeNull();
    }
  });
});

describe('the timeframe buttons on an imported dataset', () => {
  it('a timeframe below the dataset says so and keeps the chart; 240 and back to 60 work', async () => {
    const { engine, page } = await boot(`tf-lower-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    await engine.setSource(SCRIPT);
    const r = await engine.importCsv('EURUSD.csv', new TextEncoder().encode(HOURLY));
    expect(r.ok).toBe(true);
    const id = r.datasetId ?? '';
    await page.until('the hourly run', () => page.lastEnd?.status === 'done' && page.buffer.barCount === 200);
    const runId = page.runId;
    await engine.selectDataset(`${id}@15`);
    expect(page.notices('chart-timeframe')).toEqual([
      'EURUSD has 1-hour bars: a 15 chart needs bars of 15 or lower, which this browser does not have (bars can only be combined into a higher timeframe). Import a CSV file of 15 bars or lower to see it; the chart stays at 60.',
    ]);
    // Nothing else happened: the same run, its 200 bars, the same dataset.
    expect(page.runId).toBe(runId);
    expect(page.buffer.barCount).toBe(200);
    expect((await engine.listSnapshots()).length).toBeGreaterThan(0);
    const s1 = page.events.filter((e) => e.type === 'session').at(-1);
    expect(s1?.type === 'session' ? s1.session.datasetId : '').toBe(id);

    await engine.selectDataset(`${id}@240`);
    await page.until('the 240 run', () => page.runId > runId && page.lastEnd?.status === 'done');
    expect(page.buffer.barCount).toBeLessThan(60);
    const at240 = page.runId;
    await engine.selectDataset(id);
    await page.until('back at 60', () => page.runId > at240 && page.lastEnd !== null && page.buffer.barCount === 200);
  });

  it('45 on 30-minute bars is refused naming the multiple to pick; 90 resamples', async () => {
    const { engine, page } = await boot(`tf-split-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    await engine.setSource(SCRIPT);
    const r = await engine.importCsv('HALF.csv', new TextEncoder().encode(HALF_HOURS));
    expect(r.ok).toBe(true);
    await page.until('the 30-minute run', () => page.lastEnd?.status === 'done' && page.buffer.barCount === 96);
    const runId = page.runId;
    await engine.selectDataset(`${r.datasetId ?? ''}@45`);
    expect(page.notices('chart-timeframe').at(-1)).toContain('HALF has 30-minute bars, and 45 is not a whole number of them');
    expect(page.runId).toBe(runId);
    await engine.selectDataset(`${r.datasetId ?? ''}@90`);
    await page.until('the 90 run', () => page.runId > runId && page.lastEnd?.status === 'done');
    // 90-minute bars from 00:00 UTC: 16 a day, 32 in two days; the first closes at the third bar's close.
    expect(page.buffer.barCount).toBe(32);
    expect(page.values('Close').slice(0, 2)).toEqual([102.5, 105.5]);
  });

  it('a stored session naming a timeframe the dataset cannot make opens the dataset at its own', async () => {
    const db = `tf-session-${Date.now()}`;
    const first = await boot(db);
    engines.push(first.engine);
    await first.page.settled();
    const r = await first.engine.importCsv('EURUSD.csv', new TextEncoder().encode(HOURLY));
    expect(r.ok).toBe(true);
    await first.page.until('the hourly run', () => first.page.lastEnd?.status === 'done' && first.page.buffer.barCount === 200);
    await first.engine.dispose();
    engines.length = 0;
    // A link with ?dataset=<id>@15 (or a session saved by an older version).
    const again = await boot(db, { datasetId: `${r.datasetId ?? ''}@15` });
    engines.push(again.engine);
    await again.page.settled();
    expect(again.page.notices('chart-timeframe').at(-1)).toContain('EURUSD has 1-hour bars: a 15 chart needs bars of 15 or lower');
    expect(again.page.notices('dataset')).toEqual([]);
    expect(again.page.buffer.barCount).toBe(200);
  });
});
