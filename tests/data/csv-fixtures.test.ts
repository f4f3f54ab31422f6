// The bar loader on real files: S&P 500 daily (newest first and oldest first), EURUSD hourly with
// UTC offsets that change with daylight saving, and TradingView exports with unix-second times.
// Expected values are read from the files with an independent, naive reader (split + Date.parse).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBarsCsv } from '../../vm/data/csv.js';

const OHLCV = new URL('../fixtures/ohlcv/', import.meta.url);
const TV = new URL('../fixtures/tradingview/', import.meta.url);
const read = (base: URL, name: string): string => readFileSync(new URL(name, base), 'utf8');

interface NaiveRow {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Splits a simple, unquoted CSV whose columns are time,open,high,low,close,...,volume-last-or-named. */
function naiveRows(text: string, volumeIndex: number, toMs: (cell: string) => number): NaiveRow[] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.split(',');
      return {
        time: toMs(f[0] as string),
        open: Number(f[1]),
        high: Number(f[2]),
        low: Number(f[3]),
        close: Number(f[4]),
        volume: Number(f[volumeIndex]),
      };
    });
}

describe('sp500-daily-1950-2012.csv (newest first)', () => {
  const text = read(OHLCV, 'sp500-daily-1950-2012.csv');
  const parsed = parseBarsCsv(text, { name: 'sp500-daily-1950-2012.csv' });

  it('reverses the rows to oldest first and says so', () => {
    expect(parsed.order).toBe('descending-reversed');
    expect(parsed.warnings).toEqual([]);
    expect(parsed.bars.length).toBe(15821);
  });

  it('gives the same bars as sorting the rows by date', () => {
    const rows = naiveRows(text, 5, (d) => Date.parse(`${d}T00:00:00Z`));
    rows.sort((a, b) => a.time - b.time);
    const { bars } = parsed;
    expect(bars.length).toBe(rows.length);
    rows.forEach((r, i) => {
      if (
        bars.time[i] !== r.time ||
        bars.open[i] !== r.open ||
        bars.high[i] !== r.high ||
        bars.low[i] !== r.low ||
        bars.close[i] !== r.close ||
        bars.volume[i] !== r.volume
      ) {
        expect({ i, time: bars.time[i], close: bars.close[i], volume: bars.volume[i] }).toEqual({
          i,
          time: r.time,
          close: r.close,
          volume: r.volume,
        });
      }
    });
    expect(bars.time[0]).toBe(Date.UTC(1950, 0, 3));
    expect(bars.close[0]).toBe(16.66);
    expect(bars.time[bars.length - 1]).toBe(Date.UTC(2012, 10, 15));
    expect(bars.close[bars.length - 1]).toBe(1353.33);
  });
});

describe('sp500-daily-2000-2020.csv (oldest first, extra adjclose column)', () => {
  const text = read(OHLCV, 'sp500-daily-2000-2020.csv');
  const parsed = parseBarsCsv(text);

  it('keeps the order, ignores adjclose and reads volume by name', () => {
    expect(parsed.order).toBe('ascending');
    expect(parsed.warnings).toEqual([]);
    const rows = naiveRows(text, 6, (d) => Date.parse(`${d}T00:00:00Z`));
    const { bars } = parsed;
    expect(bars.length).toBe(rows.length);
    expect(bars.length).toBe(5105);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as NaiveRow;
      if (bars.time[i] !== r.time || bars.close[i] !== r.close || bars.volume[i] !== r.volume) {
        expect([i, bars.time[i], bars.close[i], bars.volume[i]]).toEqual([i, r.time, r.close, r.volume]);
      }
    }
    expect(bars.open[0]).toBe(1469.25);
    expect(bars.volume[0]).toBe(931800000);
  });
});

describe('eurusd-1h-2022-2025.csv (ISO times with -05:00 / -04:00 offsets)', () => {
  const text = read(OHLCV, 'eurusd-1h-2022-2025.csv');
  const { bars, order, warnings } = parseBarsCsv(text);

  it('converts every offset time to UTC', () => {
    expect(order).toBe('ascending');
    expect(warnings).toEqual([]);
    const rows = naiveRows(text, 5, (d) => Date.parse(d));
    expect(bars.length).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as NaiveRow;
      if (bars.time[i] !== r.time || bars.close[i] !== r.close || bars.volume[i] !== r.volume) {
        expect([i, bars.time[i], bars.close[i], bars.volume[i]]).toEqual([i, r.time, r.close, r.volume]);
      }
    }
    // 2022-01-02T17:00:00-05:00 is 22:00 UTC; 2022-03-14T00:00:00-04:00 (after the DST switch) is 04:00 UTC.
    expect(bars.time[0]).toBe(Date.UTC(2022, 0, 2, 22));
    expect(bars.time[1207]).toBe(Date.UTC(2022, 2, 14, 4));
  });

  it('has hourly steps across daylight-saving changes: no duplicates, no gaps under an hour', () => {
    for (let i = 1; i < bars.length; i++) {
      const step = (bars.time[i] as number) - (bars.time[i - 1] as number);
      if (step <= 0 || step % 3_600_000 !== 0) expect({ i, step }).toEqual({ i, step: 3_600_000 });
    }
  });
});

describe('TradingView exports (unix seconds, quoted headers with commas, Volume last)', () => {
  it('reads ta/ma.csv: times in seconds become milliseconds', () => {
    const { bars, order, warnings } = parseBarsCsv(read(TV, 'ta/ma.csv'));
    expect(order).toBe('ascending');
    expect(warnings).toEqual([]);
    expect(bars.length).toBe(150);
    expect(bars.time[0]).toBe(1672639200_000);
    expect(bars.time[1]).toBe(1672642800_000);
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([
      1.06994, 1.06994, 1.06912, 1.06918, 100,
    ]);
  });

  it('reads ta/vwap.csv, whose header has &quot; inside quoted names', () => {
    const { bars } = parseBarsCsv(read(TV, 'ta/vwap.csv'));
    expect(bars.length).toBe(300);
    expect(bars.time[0]).toBe(1711918800_000);
    expect(bars.volume[1]).toBe(290);
  });
});
