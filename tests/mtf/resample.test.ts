// Resampling the chart's bars to a higher timeframe (vm/data/resample.ts) and the CLI's
// --chart-timeframe flag, on the S&P 500 daily bars of tests/fixtures/ohlcv. The
// expected weeks and months are computed independently here: rows grouped by the Monday (or the
// first of the month) of their UTC date, then first open, max high, min low, last close, summed
// volume.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseBarsCsv, type BarColumns } from '../../vm/index.js';
import { resampleBars } from '../../vm/data/resample.js';
import { parseTimeframe } from '../../vm/builtins/time/timeframe.js';
import { DEFAULT_SYMBOL } from '../../vm/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CSV = join(ROOT, 'tests/fixtures/ohlcv/sp500-daily-2000-2020.csv');
/** The first 60 rows (2000-01-03 .. 2000-03-28). */
const TEXT = readFileSync(CSV, 'utf8').split('\n').slice(0, 61).join('\n') + '\n';
const DAILY = parseBarsCsv(TEXT, { name: 'sp500' }).bars;

function expected(key: (t: number) => number): { time: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] } {
  const out = { time: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[], volume: [] as number[] };
  for (let i = 0; i < DAILY.length; i++) {
    const k = key(DAILY.time[i] as number);
    const g = out.time.length - 1;
    if (g < 0 || out.time[g] !== k) {
      out.time.push(k);
      out.open.push(DAILY.open[i] as number);
      out.high.push(DAILY.high[i] as number);
      out.low.push(DAILY.low[i] as number);
      out.close.push(DAILY.close[i] as number);
      out.volume.push(DAILY.volume[i] as number);
    } else {
      out.high[g] = Math.max(out.high[g] as number, DAILY.high[i] as number);
      out.low[g] = Math.min(out.low[g] as number, DAILY.low[i] as number);
      out.close[g] = DAILY.close[i] as number;
      out.volume[g] = (out.volume[g] as number) + (DAILY.volume[i] as number);
    }
  }
  return out;
}

const DAY = 86_400_000;
/** 00:00 UTC of the Monday of the week holding `t` (1970-01-01 was a Thursday). */
const monday = (t: number): number => {
  const d = Math.floor(t / DAY);
  return (d - ((d + 3) % 7)) * DAY;
};
const monthStart = (t: number): number => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

function plain(c: BarColumns): ReturnType<typeof expected> {
  return { time: [...c.time], open: [...c.open], high: [...c.high], low: [...c.low], close: [...c.close], volume: [...c.volume] };
}

const SYM = { ...DEFAULT_SYMBOL, session: '24x7', timezone: 'Etc/UTC' };

describe('resampleBars', () => {
  test('daily to weekly: weeks start on Monday, with the week\'s open, high, low, close and volume', () => {
    const w = resampleBars(DAILY, SYM, parseTimeframe('1D')!, parseTimeframe('1W')!);
    expect(plain(w)).toEqual(expected(monday));
    // By hand: the first week is 2000-01-03 (Mon) .. 01-07 (Fri); it closes at Friday's close.
    expect(w.time[0]).toBe(Date.UTC(2000, 0, 3));
    expect(w.close[0]).toBe(1441.469971);
  });

  test('daily to monthly', () => {
    const m = resampleBars(DAILY, SYM, parseTimeframe('1D')!, parseTimeframe('1M')!);
    expect(plain(m)).toEqual(expected(monthStart));
    expect(m.length).toBe(3);
  });

  test('a lower timeframe is refused', () => {
    expect(() => resampleBars(DAILY, SYM, parseTimeframe('1D')!, parseTimeframe('60')!)).toThrow(/lower than the data's 1D/);
  });
});

describe('evergreen run --chart-timeframe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-mtf-'));
  const data = join(dir, 'sp.csv');
  writeFileSync(data, TEXT);
  const script = join(dir, 'w.pine');
  writeFileSync(script, '//@version=6\nindicator("w")\nplot(close, "c")\nplot(high, "h")\n');
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/evergreen.mjs'), ...args], { encoding: 'utf8' });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };

  test('the script runs on weekly bars resampled from the daily data', () => {
    const r = cli(['run', script, '--data', data, '--chart-timeframe', '1W']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { bars: number; plots: Record<string, (number | null)[]> };
    const want = expected(monday);
    expect(out.bars).toBe(want.time.length);
    expect(out.plots.c).toEqual(want.close);
    expect(out.plots.h).toEqual(want.high);
  });

  test('a chart timeframe below the data is refused, naming what is wrong', () => {
    const low = cli(['run', script, '--data', data, '--chart-timeframe', '60']);
    expect(low.code).toBe(1);
    expect(low.err).toContain('--chart-timeframe 60: cannot resample');
  });
});
