// Every row of the TradingView time, timeframe and session fixtures, reproduced through the
// registered builtins, bar by bar, the way the VM drives them (see tests/fixtures/tradingview/
// COLUMNS.md for what each column is). Times are compared exactly.

import { describe, expect, it } from 'vitest';
import { parseSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import { R } from '../../vm/runtime/runtime.js';
import { call, makeRuntime, read, readCsv, readText, rowTime, RuntimeFailure, setBar } from './harness.js';

describe('base/time.csv (UTC symbol, 5-minute bars)', () => {
  const csv = readCsv('base/time.csv');
  const rt = makeRuntime(undefined, '5');
  const FIELDS = ['dayofmonth', 'dayofweek', 'hour', 'minute', 'month', 'second', 'weekofyear', 'year'];

  it('has the columns COLUMNS.md describes', () => {
    expect(csv.header.length).toBe(40);
    expect(csv.header.slice(8, 11)).toEqual(['dayofmonth', 'dayofmonth_time', 'dayofmonth_time_tz']);
    expect(csv.rows.length).toBe(2300);
  });

  it('reproduces time, the calendar variables and f(time), f(time, "Europe/Budapest") on every row', () => {
    const mismatches: string[] = [];
    csv.rows.forEach((row, i) => {
      const t = rowTime(row[0] as string);
      setBar(rt, i, t, t + 300_000);
      const expect6 = Number(row[6]);
      if (read(rt, 'time') !== expect6) mismatches.push(`row ${i} time`);
      if (t + 5 * 60 * 1000 !== Number(row[7])) mismatches.push(`row ${i} time+`);
      FIELDS.forEach((name, j) => {
        const bare = read(rt, name);
        const fn = call(rt, name, [t + 5 * 60 * 1000]);
        const tzShift = name === 'dayofmonth' ? 10 * 60 * 1000 : 5 * 60 * 1000;
        const withTz = call(rt, name, [t + tzShift, 'Europe/Budapest']);
        const want = [Number(row[8 + 3 * j]), Number(row[9 + 3 * j]), Number(row[10 + 3 * j])];
        [bare, fn, withTz].forEach((got, k) => {
          if (got !== want[k]) mismatches.push(`row ${i} ${csv.header[8 + 3 * j + k]}: want ${want[k]}, got ${got}`);
        });
      });
    });
    expect(mismatches).toEqual([]);
  });

  it('reproduces the eight timestamp() columns on every row', () => {
    const mismatches: string[] = [];
    csv.rows.forEach((row, i) => {
      setBar(rt, i, rowTime(row[0] as string));
      const got = [
        call(rt, 'timestamp', [2016, 1, 19, 9, 30]),
        call(rt, 'timestamp', [2019, 6, 19, 9, 30, 15]),
        call(rt, 'timestamp', [rt.syminfo.timezone, 2016, 1, 19, 9, 30]),
        call(rt, 'timestamp', ['GMT+6', 2016, 1, 19, 9, 30]),
        call(rt, 'timestamp', ['GMT+3', 2019, 6, 19, 9, 30, 15]),
        call(rt, 'timestamp', ['Feb 01 2020 22:10:05']),
        call(rt, 'timestamp', ['2011-10-10T14:48:00']),
        call(rt, 'timestamp', ['04 Dec 1995 00:12:00 GMT+5']),
      ];
      got.forEach((v, k) => {
        if (v !== Number(row[32 + k])) mismatches.push(`row ${i} ${csv.header[32 + k]}: want ${row[32 + k]}, got ${v}`);
      });
    });
    expect(mismatches).toEqual([]);
  });
});

/** Drives timeframe.change(X) for each (X, k) over a fixture, one call site (state slot) per X. */
function replayChanges(file: string, chartTf: string, cols: readonly (readonly [string, number])[]): string[] {
  const csv = readCsv(file);
  const rt = makeRuntime(parseSymbolToml(readText('timeframe/timeframe.toml')), chartTf);
  const mismatches: string[] = [];
  csv.rows.forEach((row, i) => {
    setBar(rt, i, rowTime(row[0] as string));
    cols.forEach(([tf, k], j) => {
      const got = call(rt, 'timeframe.change', [tf], j) === 1 ? k : 0;
      const want = Number(row[6 + j]);
      if (got !== want) mismatches.push(`row ${i} ${row[0]} ${csv.header[6 + j]}: want ${want}, got ${got}`);
    });
  });
  return mismatches;
}

describe('timeframe/ (EURUSD, US/Eastern, FX sessions from timeframe.toml)', () => {
  it('timeframe.csv: timeframe.change of 15, 240, D, 2D, W, 3W, M on 5-minute bars, every row', () => {
    const cols = [['15', 1], ['240', 1.5], ['D', 2], ['2D', 2.2], ['W', 2.5], ['3W', 2.8], ['M', 3]] as const;
    expect(readCsv('timeframe/timeframe.csv').rows.length).toBe(20017);
    expect(replayChanges('timeframe/timeframe.csv', '5', cols)).toEqual([]);
  });

  it('timeframe2.csv: timeframe.change of 3D, 7D, 5W, 7W, M, 3M on 240-minute bars, every row', () => {
    const cols = [['3D', 1], ['7D', 2], ['5W', 3], ['7W', 4], ['M', 5], ['3M', 6]] as const;
    expect(readCsv('timeframe/timeframe2.csv').rows.length).toBe(12021);
    expect(replayChanges('timeframe/timeframe2.csv', '240', cols)).toEqual([]);
  });

  it('timeframe_is.csv: timeframe.in_seconds on every row', () => {
    const csv = readCsv('timeframe/timeframe_is.csv');
    const rt = makeRuntime();
    const tfs = ['1', '5', '240', 'D', '4D', 'W', '5W', 'M', '2M'];
    expect(csv.header.slice(6)).toEqual(tfs.map((tf) => `in_seconds(${tf})`));
    for (const [i, row] of csv.rows.entries()) {
      setBar(rt, i, rowTime(row[0] as string));
      expect(tfs.map((tf) => call(rt, 'timeframe.in_seconds', [tf]))).toEqual(row.slice(6).map(Number));
    }
  });

  it('timeframe.in_seconds("5T") and ("5Q") are runtime errors naming the string', () => {
    const rt = makeRuntime();
    expect(() => call(rt, 'timeframe.in_seconds', ['5T'])).toThrow(RuntimeFailure);
    expect(() => call(rt, 'timeframe.in_seconds', ['5T'])).toThrow(/tick timeframe "5T" has no length in seconds/);
    expect(() => call(rt, 'timeframe.in_seconds', ['5Q'])).toThrow(/"5Q" is not a timeframe/);
  });
});

/** Replays a session fixture; `closeFrom` says how the bar close register is filled. */
function replaySession(name: string, closeFrom: 'register' | 'derived'): string[] {
  const csv = readCsv(`session/${name}.csv`);
  const rt = makeRuntime(parseSymbolToml(readText(`session/${name}.toml`)), '60');
  const vars = [
    ['session.isfirstbar', 1],
    ['session.isfirstbar_regular', 1.5],
    ['session.islastbar', 2],
    ['session.islastbar_regular', 2.5],
    ['session.ismarket', 3],
  ] as const;
  const mismatches: string[] = [];
  csv.rows.forEach((row, i) => {
    const t = rowTime(row[0] as string);
    setBar(rt, i, t, closeFrom === 'register' ? t + 3_600_000 : Number.NaN);
    for (let j = 0; j < row.length - 6; j++) {
      const [v, k] = vars[j] as (typeof vars)[number];
      const got = read(rt, v, j) === 1 ? k : 0;
      if (got !== Number(row[6 + j])) mismatches.push(`row ${i} ${row[0]} ${v}: want ${row[6 + j]}, got ${got}`);
    }
  });
  return mismatches;
}

describe('session/ (flags on 1-hour bars)', () => {
  it('session.csv (FX, US/Eastern, holidays in the data): every row, close time from the register', () => {
    expect(readCsv('session/session.csv').rows.length).toBe(465);
    expect(replaySession('session', 'register')).toEqual([]);
  });

  it('session.csv: every row, close time derived from the schedule', () => {
    expect(replaySession('session', 'derived')).toEqual([]);
  });

  it('session_24x7.csv (crypto, UTC): every row both ways', () => {
    expect(readCsv('session/session_24x7.csv').rows.length).toBe(7);
    expect(replaySession('session_24x7', 'register')).toEqual([]);
    expect(replaySession('session_24x7', 'derived')).toEqual([]);
  });

  it('the derived close of the FX 16:00 hourly bar is the session end, 16:59:50 New York', () => {
    const rt = makeRuntime(parseSymbolToml(readText('session/session.toml')), '60');
    setBar(rt, 0, Date.parse('2025-01-02T16:00:00-05:00'));
    expect(call(rt, 'time_close', [''])).toBe(Date.parse('2025-01-02T16:59:50-05:00'));
    expect(rt.f[R.timeClose]).toBeNaN();
  });
});
