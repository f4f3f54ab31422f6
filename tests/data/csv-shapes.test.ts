// Export shapes from common data sources (Yahoo Finance, Binance, MetaTrader, Dukascopy, slash dates),
// each on a small hand-written file: the bars it loads as (times computed by hand with Date.UTC), the
// warning that says what was changed or skipped, and the errors that still name their line and column.

import { describe, expect, it } from 'vitest';
import { parseBarsCsv } from '../../vm/data/csv.js';
import { errorOf, list } from './helpers.js';

const HOUR = 3_600_000;

describe('Yahoo Finance: rows of null prices', () => {
  const yahoo =
    'Date,Open,High,Low,Close,Adj Close,Volume\n' +
    '2020-01-02,10,11,9,10.5,10.4,1000\n' +
    '2020-01-03,null,null,null,null,null,null\n' +
    '2020-01-06,10.5,12,10,11,10.9,2000\n' +
    '2020-01-07,null,null,null,null,null,null\n' +
    '2020-01-08,11,11.5,10.5,11.25,11.2,null\n';

  it('skips rows whose prices are all null, with one warning giving the count and the first line', () => {
    const r = parseBarsCsv(yahoo, { name: 'y.csv' });
    expect(list(r.bars.time)).toEqual([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 6), Date.UTC(2020, 0, 8)]);
    expect(list(r.bars.open)).toEqual([10, 10.5, 11]);
    expect(list(r.bars.high)).toEqual([11, 12, 11.5]);
    expect(list(r.bars.low)).toEqual([9, 10, 10.5]);
    expect(list(r.bars.close)).toEqual([10.5, 11, 11.25]);
    // A null volume on a priced row is na, like an empty cell.
    expect(list(r.bars.volume)).toEqual([1000, 2000, NaN]);
    expect(r.warnings).toEqual(['y.csv:3: skipped 2 rows whose prices are all null (no trading that day); this is the first']);
  });

  it('says "a row" when only one is skipped', () => {
    const r = parseBarsCsv('Date,Open,High,Low,Close\n2020-01-02,1,1,1,1\n2020-01-03,null,null,null,null\n2020-01-06,1,1,1,1\n');
    expect(r.bars.length).toBe(2);
    expect(r.warnings).toEqual(['line 3: skipped a row whose prices are all null (no trading that day)']);
  });

  it('still rejects a row with only some prices null, naming the line and column', () => {
    const e = errorOf('Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,1\n2020-01-03,10,null,9,10,5\n', 'y.csv');
    expect(e.message).toBe(
      `y.csv:3: column 'High': expected a number, got "null" (a row is skipped only when all its prices are null)`,
    );
  });

  it('says so when every row is null', () => {
    const e = errorOf('Date,Open,High,Low,Close\n2020-01-03,null,null,null,null\n2020-01-06,null,null,null,null\n');
    expect([e.line, e.detail]).toEqual([2, "no bars: every row's prices are null (2 rows)"]);
  });
});

describe('Binance klines', () => {
  it('reads open_time as the time (unix ms) and ignores close_time and the other columns', () => {
    const text =
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n' +
      '1704067200000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704070799999,53957248.97,47134,682.57,28957416.81,0\n' +
      '1704070800000,42475.23,42775.00,42431.65,42613.56,1196.37856,1704074399999,50844687.82,44334,630.36,26788891.41,0\n';
    const r = parseBarsCsv(text);
    expect(r.warnings).toEqual([]);
    expect(list(r.bars.time)).toEqual([Date.UTC(2024, 0, 1, 0), Date.UTC(2024, 0, 1, 1)]);
    expect(list(r.bars.open)).toEqual([42283.58, 42475.23]);
    expect(list(r.bars.close)).toEqual([42475.23, 42613.56]);
    expect(list(r.bars.volume)).toEqual([1271.68108, 1196.37856]);
  });

  it('accepts "Open time" and microsecond times (newer Binance spot files)', () => {
    const r = parseBarsCsv('Open time,Open,High,Low,Close,Volume,Close time\n1735689600000000,1,2,0.5,1.5,10,1735693199999999\n1735693200000000,1.5,2,1,2,20,1735696799999999\n');
    expect(list(r.bars.time)).toEqual([Date.UTC(2025, 0, 1, 0), Date.UTC(2025, 0, 1, 1)]);
  });

  it('reads Date(UTC) as a date column', () => {
    const r = parseBarsCsv('Date(UTC),Open,High,Low,Close,Volume\n2024-01-01 00:00:00,1,2,0.5,1.5,10\n2024-01-01 04:00:00,1.5,2,1,2,20\n');
    expect(list(r.bars.time)).toEqual([Date.UTC(2024, 0, 1, 0), Date.UTC(2024, 0, 1, 4)]);
  });

  it('rejects a timestamp_ms column that holds seconds', () => {
    const e = errorOf('timestamp_ms,open,high,low,close\n1704067200,1,1,1,1\n1704070800,1,1,1,1\n');
    expect([e.line, e.column]).toEqual([2, 'timestamp_ms']);
    expect(e.detail).toBe("the column's name says milliseconds, but its times read as unix seconds (largest 1704070800)");
  });
});

describe('MetaTrader', () => {
  it('reads an MT5 export: tab-separated <DATE> <TIME> headers, dotted dates, tick volume when <VOL> is all 0', () => {
    const text =
      '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n' +
      '2024.01.02\t00:00:00\t1.10427\t1.10450\t1.10400\t1.10420\t120\t0\t5\n' +
      '2024.01.02\t00:15:00\t1.10420\t1.10480\t1.10410\t1.10470\t95\t0\t5\n';
    const r = parseBarsCsv(text, { name: 'eurusd.csv' });
    expect(list(r.bars.time)).toEqual([Date.UTC(2024, 0, 2, 0, 0), Date.UTC(2024, 0, 2, 0, 15)]);
    expect(list(r.bars.open)).toEqual([1.10427, 1.1042]);
    expect(list(r.bars.high)).toEqual([1.1045, 1.1048]);
    expect(list(r.bars.low)).toEqual([1.104, 1.1041]);
    expect(list(r.bars.close)).toEqual([1.1042, 1.1047]);
    expect(list(r.bars.volume)).toEqual([120, 95]);
    expect(r.warnings).toEqual([
      "eurusd.csv:1: volume is the tick volume of column '<TICKVOL>' (the number of price changes), as column '<VOL>' is 0 in every row",
    ]);
  });

  it('keeps <VOL> when it is not all 0', () => {
    const r = parseBarsCsv('<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<TICKVOL>,<VOL>,<SPREAD>\n2024.01.02,09:30,10,11,9,10.5,500,0,1\n2024.01.02,09:31,10.5,11,10,10.75,400,3000,1\n');
    expect(list(r.bars.volume)).toEqual([0, 3000]);
    expect(r.warnings).toEqual([]);
  });

  it('reads a daily export without <TIME>, and MT4-style Date,Time with HH:MM', () => {
    const daily = parseBarsCsv('<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\n2024.01.02\t1\t2\t0.5\t1.5\t7\n2024.01.03\t1.5\t2\t1\t2\t8\n');
    expect(list(daily.bars.time)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(list(daily.bars.volume)).toEqual([7, 8]);
    expect(daily.warnings).toEqual(["line 1: volume is the tick volume of column '<TICKVOL>' (the number of price changes)"]);
    const mt4 = parseBarsCsv('Date,Time,Open,High,Low,Close,Volume\n2024.01.02,23:00,1,2,0.5,1.5,7\n2024.01.03,00:00,1.5,2,1,2,8\n');
    expect(list(mt4.bars.time)).toEqual([Date.UTC(2024, 0, 2, 23), Date.UTC(2024, 0, 3)]);
    const joined = parseBarsCsv('time,open,high,low,close\n2024.01.02 23:00,1,1,1,1\n2024.01.03 00:00:30,1,1,1,1\n');
    expect(list(joined.bars.time)).toEqual([Date.UTC(2024, 0, 2, 23), Date.UTC(2024, 0, 3, 0, 0, 30)]);
  });

  it('names the line and column of a bad dotted date or a date of another kind', () => {
    const e = errorOf('<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\n2024.02.28\t00:00\t1\t1\t1\t1\n2024.02.30\t00:00\t1\t1\t1\t1\n', 'mt.csv');
    expect(e.message).toBe(
      `mt.csv:3: column '<DATE>': expected a date like 2024.01.31 or 2024.01.31 09:30 (year first) (the time of day is in column '<TIME>'), got "2024.02.30"`,
    );
    const f = errorOf('time,open,high,low,close\n2024.01.02,1,1,1,1\n2024-01-03,1,1,1,1\n');
    expect([f.line, f.detail]).toEqual([3, `got "2024-01-03", but the first row's time is a YYYY.MM.DD date: use one kind of time in a file`]);
  });

  it('says a headerless MT4 history export needs a header', () => {
    expect(errorOf('2024.01.02,00:00,1.1,1.2,1.0,1.15,7\n').detail).toBe(
      'the first line must be a header naming the columns (time,open,high,low,close,volume), but it looks like data: "2024.01.02,00:00,1.1,1.2,1.0,1.15,7"',
    );
  });

  it('still takes a first line of HTML for HTML', () => {
    expect(errorOf('<html>\n<body>time,open</body>\n').detail).toBe('this is not a CSV file: it looks like HTML or XML (starts with "<").');
    expect(errorOf('<table><tr><td>time</td></tr>\n').detail).toMatch(/looks like HTML/);
  });
});

describe('Dukascopy: day-first dotted dates', () => {
  it('reads "Gmt time" as DD.MM.YYYY HH:MM:SS.mmm in UTC', () => {
    const text =
      'Gmt time,Open,High,Low,Close,Volume\n' +
      '01.01.2024 22:00:00.000,1.10427,1.10457,1.10384,1.104,1234.5\n' +
      '02.01.2024 22:00:00.000,1.104,1.1046,1.1039,1.1045,2345.25\n' +
      '13.01.2024 00:00:00.500,1.1045,1.1046,1.1044,1.1046,1\n';
    const r = parseBarsCsv(text);
    expect(r.warnings).toEqual([]);
    expect(list(r.bars.time)).toEqual([Date.UTC(2024, 0, 1, 22), Date.UTC(2024, 0, 2, 22), Date.UTC(2024, 0, 13, 0, 0, 0, 500)]);
    expect(list(r.bars.volume)).toEqual([1234.5, 2345.25, 1]);
  });

  it('reads "Local time" with its GMT offset', () => {
    const r = parseBarsCsv('Local time,Open,High,Low,Close,Volume\n02.01.2024 00:00:00.000 GMT+0100,1,1,1,1,1\n02.07.2024 00:00:00.000 GMT+0200,1,1,1,1,1\n');
    expect(list(r.bars.time)).toEqual([Date.UTC(2024, 0, 1, 23), Date.UTC(2024, 6, 1, 22)]);
  });

  it('rejects an impossible day-first date, naming the line', () => {
    const e = errorOf('Gmt time,Open,High,Low,Close\n30.01.2024 00:00:00.000,1,1,1,1\n31.02.2024 00:00:00.000,1,1,1,1\n');
    expect([e.line, e.column, e.detail]).toEqual([
      3, 'Gmt time', 'expected a date like 31.01.2024 or 31.01.2024 09:30:00.000 (day first), got "31.02.2024 00:00:00.000"',
    ]);
  });
});

describe('slash dates: the order comes from the whole file', () => {
  it('reads day first when a row has a first number over 12, with a warning naming that row', () => {
    const r = parseBarsCsv('Date,Open,High,Low,Close\n02/01/2024,1,1,1,1\n13/01/2024,1,1,1,1\n14/01/2024 09:30,1,1,1,1\n', { name: 's.csv' });
    expect(list(r.bars.time)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 13), Date.UTC(2024, 0, 14, 9, 30)]);
    expect(r.warnings).toEqual(['s.csv:3: slash dates read day first (DD/MM/YYYY), as this row\'s date only reads that way']);
  });

  it('reads month first when a row has a second number over 12', () => {
    const r = parseBarsCsv('Date,Open,High,Low,Close\n1/2/2024,1,1,1,1\n1/13/2024,1,1,1,1\n');
    expect(list(r.bars.time)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 13)]);
    expect(r.warnings).toEqual(['line 3: slash dates read month first (MM/DD/YYYY), as this row\'s date only reads that way']);
  });

  it('is an error when every date reads both ways, or when rows disagree', () => {
    const e = errorOf('Date,Open,High,Low,Close\n01/02/2024,1,1,1,1\n02/02/2024,1,1,1,1\n');
    expect(e.message).toBe(`line 2: column 'Date': day/month order is ambiguous: write dates as YYYY-MM-DD, got "01/02/2024"`);
    const f = errorOf('Date,Open,High,Low,Close\n13/01/2024,1,1,1,1\n01/14/2024,1,1,1,1\n');
    expect(f.message).toBe(
      `line 3: column 'Date': this date reads only month first (MM/DD/YYYY), but line 2's reads only day first: write dates as YYYY-MM-DD`,
    );
    const g = errorOf('Date,Open,High,Low,Close\n13/01/2024,1,1,1,1\n31/02/2024,1,1,1,1\n');
    expect([g.line, g.detail]).toEqual([3, 'expected a date like 01/31/2024 or 31/01/2024, optionally with a time 09:30, got "31/02/2024"']);
  });
});
