// The bar loader's rules on small hand-written CSVs: what loads (and how), and for every kind of bad
// input, the one error a user sees, with its line number and column.

import { describe, expect, it } from 'vitest';
import { ParseError, parseBarsCsv, parseErrorFromData, parseErrorToData } from '../../vm/data/csv.js';
import { errorOf, list } from './helpers.js';

const DAY = 86_400_000;
const JAN3 = Date.UTC(2020, 0, 3);

describe('what loads', () => {
  it('reads a plain file with ISO dates as UTC midnights', () => {
    const r = parseBarsCsv('time,open,high,low,close,volume\n2020-01-03,1,2,0.5,1.5,100\n2020-01-04,1.5,3,1,2,200\n');
    expect(r.order).toBe('ascending');
    expect(r.warnings).toEqual([]);
    expect(r.bars.length).toBe(2);
    expect(list(r.bars.time)).toEqual([JAN3, JAN3 + DAY]);
    expect(list(r.bars.open)).toEqual([1, 1.5]);
    expect(list(r.bars.high)).toEqual([2, 3]);
    expect(list(r.bars.low)).toEqual([0.5, 1]);
    expect(list(r.bars.close)).toEqual([1.5, 2]);
    expect(list(r.bars.volume)).toEqual([100, 200]);
  });

  it('matches header names trimmed, quoted and in any case, in any column order, ignoring extras', () => {
    const r = parseBarsCsv(' "Close" ,Symbol,"OPEN", High ,low,DATE,Vol\n3,ABC,1,4,0.5,2020-01-03,7\n');
    expect(list(r.bars.time)).toEqual([JAN3]);
    expect([r.bars.open[0], r.bars.high[0], r.bars.low[0], r.bars.close[0], r.bars.volume[0]]).toEqual([1, 4, 0.5, 3, 7]);
  });

  it('joins separate Date and Time columns (UTC), as MetaTrader-style exports write them', () => {
    const r = parseBarsCsv('Date,Time,Open,High,Low,Close\n2020-01-03,9:30,1,1,1,1\n2020-01-03,10:00:15,1,1,1,1\n2020-01-03,23:59:59.5,1,1,1,1\n', { name: 'x.csv' });
    expect(list(r.bars.time)).toEqual([JAN3 + 9.5 * 3_600_000, JAN3 + 10 * 3_600_000 + 15_000, JAN3 + 86_399_500]);
    expect(r.warnings).toEqual([]);
    // Time before date in the header, rows newest first.
    const d = parseBarsCsv('time,date,open,high,low,close\n01:00,2020-01-04,1,1,1,1\n23:00,2020-01-03,1,1,1,1\n');
    expect(list(d.bars.time)).toEqual([JAN3 + 23 * 3_600_000, JAN3 + 86_400_000 + 3_600_000]);
  });

  it('names the cell when a Date/Time pair is broken', () => {
    expect(errorOf('date,time,open,high,low,close\n2020-01-03,09:30,1,1,1,1\n2020-01-03,9h45,1,1,1,1\n', 'x.csv').message).toBe(
      `x.csv:3: column 'time': expected a time of day like 09:30 or 09:30:00, got "9h45"`,
    );
    expect(errorOf('date,time,open,high,low,close\n2020-01-03,09:30,1,1,1,1\n2020-01-32,09:45,1,1,1,1\n').detail).toBe(
      `2020-01 has no day 32 (the time of day is in column 'time'), got "2020-01-32"`,
    );
    expect(errorOf('date,time,open,high,low,close\n2020-01-03,09:30,1,1,1,1\n2020-01-03,09:30,1,1,1,1\n').detail).toBe(
      'duplicate time 2020-01-03T09:30:00Z (also on line 2)',
    );
  });

  it('uses the first time-like column and warns about the other when Time is not a time of day', () => {
    const r = parseBarsCsv('date,time,open,high,low,close\n2020-01-03,1578009600,1,1,1,1\n', { name: 'x.csv' });
    expect(list(r.bars.time)).toEqual([JAN3]);
    expect(r.warnings).toEqual(["x.csv:1: columns 'date' and 'time' could both be the time; using 'date'"]);
  });

  it('accepts every documented time spelling, with offsets meaning local time', () => {
    const cases: Array<[string, number]> = [
      ['2020-01-03', JAN3],
      ['2020-01-03T09:30', Date.UTC(2020, 0, 3, 9, 30)],
      ['2020-01-03 09:30:15', Date.UTC(2020, 0, 3, 9, 30, 15)],
      ['2020-01-03T09:30:15Z', Date.UTC(2020, 0, 3, 9, 30, 15)],
      ['2020-01-03T09:30:15.250Z', Date.UTC(2020, 0, 3, 9, 30, 15, 250)],
      ['2020-01-03T09:30:00-05:00', Date.UTC(2020, 0, 3, 14, 30)],
      ['2020-01-03T09:30:00+0530', Date.UTC(2020, 0, 3, 4, 0)],
      ['2020-01-03 09:30:00 +02:00', Date.UTC(2020, 0, 3, 7, 30)],
      ['2020-01-03t09:30:00z', Date.UTC(2020, 0, 3, 9, 30)],
      ['2020-01-03T23:30:00-01:00', Date.UTC(2020, 0, 4, 0, 30)],
      ['2024-02-29', Date.UTC(2024, 1, 29)],
      ['1950-01-03', Date.UTC(1950, 0, 3)],
    ];
    for (const [cell, ms] of cases) {
      const r = parseBarsCsv(`time,open,high,low,close\n${cell},1,1,1,1\n`);
      expect([cell, r.bars.time[0]]).toEqual([cell, ms]);
    }
  });

  it('tells unix seconds from milliseconds by magnitude (same bars either way)', () => {
    const s = parseBarsCsv('time,open,high,low,close\n1578009600,1,1,1,1\n1578013200,1,1,1,1\n');
    const ms = parseBarsCsv('time,open,high,low,close\n1578009600000,1,1,1,1\n1578013200000,1,1,1,1\n');
    expect(list(s.bars.time)).toEqual([JAN3, JAN3 + 3_600_000]);
    expect(list(ms.bars.time)).toEqual([JAN3, JAN3 + 3_600_000]);
    // Before 1970 in seconds: negative, still seconds.
    const old = parseBarsCsv('time,open,high,low,close\n-630979200,1,1,1,1\n');
    expect(list(old.bars.time)).toEqual([Date.UTC(1950, 0, 3)]);
    // Fractional seconds round to whole milliseconds.
    const frac = parseBarsCsv('time,open,high,low,close\n1578009600.25,1,1,1,1\n');
    expect(list(frac.bars.time)).toEqual([JAN3 + 250]);
  });

  it('reads compact YYYYMMDD numbers as unix seconds, but warns that they look like dates', () => {
    const r = parseBarsCsv('time,open,high,low,close\n20200103,1,1,1,1\n20200106,1,1,1,1\n', { name: 'c.csv' });
    expect(list(r.bars.time)).toEqual([20200103_000, 20200106_000]);
    expect(r.warnings).toEqual([
      // 20200103 s = 233 days + 68903 s: 1970-01-01 + 233 days is August 22; 68903 s is 19:08:23.
      'c.csv:2: times like 20200103 were read as unix seconds (1970-08-22T19:08:23Z); if they are dates, write them as YYYY-MM-DD',
    ]);
  });

  it('reverses newest-first rows and says so', () => {
    const r = parseBarsCsv('date,open,high,low,close\n2020-01-05,3,3,3,3\n2020-01-04,2,2,2,2\n2020-01-03,1,1,1,1\n');
    expect(r.order).toBe('descending-reversed');
    expect(list(r.bars.time)).toEqual([JAN3, JAN3 + DAY, JAN3 + 2 * DAY]);
    expect(list(r.bars.close)).toEqual([1, 2, 3]);
  });

  it('ignores a BOM, CRLF or CR line ends, blank lines and a missing final newline', () => {
    const variants = [
      '\uFEFFtime,open,high,low,close\r\n2020-01-03,1,1,1,1\r\n\r\n2020-01-04,2,2,2,2\r\n',
      'time,open,high,low,close\r2020-01-03,1,1,1,1\r2020-01-04,2,2,2,2',
      '\n\ntime,open,high,low,close\n\n   \n2020-01-03,1,1,1,1\n\n2020-01-04,2,2,2,2\n\n\n',
    ];
    for (const v of variants) {
      const r = parseBarsCsv(v);
      expect(list(r.bars.time)).toEqual([JAN3, JAN3 + DAY]);
      expect(list(r.bars.close)).toEqual([1, 2]);
    }
  });

  it('reads exponents, signs, leading dots and spaces around numbers', () => {
    const r = parseBarsCsv('time,open,high,low,close,volume\n2020-01-03, 1e3 ,+1.5E3,.5,-2.5e-1,2e6\n');
    expect([r.bars.open[0], r.bars.high[0], r.bars.low[0], r.bars.close[0], r.bars.volume[0]]).toEqual([1000, 1500, 0.5, -0.25, 2e6]);
  });

  it('reads quoted cells, including doubled quotes, commas and newlines inside them', () => {
    const r = parseBarsCsv('time,open,high,low,close,note\n"2020-01-03","1","2","0.5","1.5","a ""b"", c\nd"\n2020-01-04,1,1,1,1,x\n');
    expect(list(r.bars.time)).toEqual([JAN3, JAN3 + DAY]);
    expect(list(r.bars.close)).toEqual([1.5, 1]);
  });

  it('makes volume na when the column is missing, empty or NaN', () => {
    const none = parseBarsCsv('time,open,high,low,close\n2020-01-03,1,1,1,1\n');
    expect(Number.isNaN(none.bars.volume[0])).toBe(true);
    const some = parseBarsCsv('time,open,high,low,close,volume\n2020-01-03,1,1,1,1,\n2020-01-04,1,1,1,1,NaN\n2020-01-05,1,1,1,1,5\n');
    expect(list(some.bars.volume).map((v) => (Number.isNaN(v) ? 'na' : v))).toEqual(['na', 'na', 5]);
  });

  it('loads a close-only file as open = high = low = close, with a warning', () => {
    const r = parseBarsCsv('date,close\n2020-01-03,5\n2020-01-04,6\n', { name: 'line.csv' });
    expect(list(r.bars.open)).toEqual([5, 6]);
    expect(list(r.bars.high)).toEqual([5, 6]);
    expect(list(r.bars.low)).toEqual([5, 6]);
    expect(list(r.bars.close)).toEqual([5, 6]);
    expect(r.warnings).toEqual(['line.csv:1: no open, high or low columns: each bar uses close for all four prices']);
  });

  it('detects semicolon and tab delimiters from the header', () => {
    const semi = parseBarsCsv('time;open;high;low;close\n2020-01-03;1;2;0.5;1.5\n');
    expect(list(semi.bars.high)).toEqual([2]);
    const tab = parseBarsCsv('time\topen\thigh\tlow\tclose\n2020-01-03\t1\t2\t0.5\t1.5\n');
    expect(list(tab.bars.low)).toEqual([0.5]);
  });

  it('keeps inconsistent bars as given and warns once with a count', () => {
    const r = parseBarsCsv(
      'time,open,high,low,close\n2020-01-03,1,1,2,1\n2020-01-04,5,4,1,3\n2020-01-05,1,1,2,1\n2020-01-06,1,2,0,1\n',
      { name: 'b.csv' },
    );
    expect(list(r.bars.high)).toEqual([1, 4, 1, 2]);
    expect(r.warnings).toEqual([
      'b.csv:2: high 1 is below low 2 (2 rows have high < low; this is the first)',
      'b.csv:3: open 5 is outside low..high (1..4)',
    ]);
  });

  it('returns columns of exactly the bar count', () => {
    const { bars } = parseBarsCsv('time,open,high,low,close\n2020-01-03,1,1,1,1\n\n\n\n\n\n2020-01-04,1,1,1,1\n');
    for (const col of [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]) expect(col.length).toBe(2);
  });
});

describe('errors: one ParseError with line, column and a message naming both', () => {
  it('reports a bad number as in the documentation example', () => {
    const rows = ['time,open,high,low,close'];
    for (let i = 0; i < 55; i++) rows.push(`${1578009600 + i * 60},1,1,1,1`);
    rows.push(`${1578009600 + 55 * 60},1,1,1,1.2.3`);
    const e = errorOf(rows.join('\n'), 'bars.csv');
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe(`bars.csv:57: column 'close': expected a number, got "1.2.3"`);
    expect([e.file, e.line, e.column, e.detail]).toEqual(['bars.csv', 57, 'close', 'expected a number, got "1.2.3"']);
  });

  it('survives a structured clone as plain data and is rebuilt with the same message', () => {
    const e = errorOf('time,open,high,low,close\n2020-01-03,1,1,1,oops\n', 'q.csv');
    const copy = structuredClone(parseErrorToData(e));
    expect(copy).toEqual({ name: 'ParseError', message: `q.csv:2: column 'close': expected a number, got "oops"`, file: 'q.csv', line: 2, column: 'close', detail: 'expected a number, got "oops"' });
    const rebuilt = parseErrorFromData(copy);
    expect(rebuilt).toBeInstanceOf(ParseError);
    expect(rebuilt.message).toBe(e.message);
  });

  it('says "line N" when no file name is given, and counts blank lines', () => {
    const e = errorOf('time,open,high,low,close\n\n2020-01-03,1,1,1,1\n\n2020-01-04,1,x,1,1\n');
    expect(e.message).toBe(`line 5: column 'high': expected a number, got "x"`);
  });

  it('names the column as the header spells it', () => {
    const e = errorOf('Date,Open,High,Low,Close\n2020-01-03,1,1,abc,1\n');
    expect([e.line, e.column]).toEqual([2, 'Low']);
  });

  it('rejects an empty price', () => {
    const e = errorOf('time,open,high,low,close\n2020-01-03,1,1,1,\n', 'p.csv');
    expect(e.message).toBe(`p.csv:2: column 'close': expected a number, got an empty cell`);
  });

  it('rejects NaN and Infinity as prices', () => {
    expect(errorOf('time,open,high,low,close\n2020-01-03,NaN,1,1,1\n').message).toBe(`line 2: column 'open': expected a number, got "NaN"`);
    expect(errorOf('time,open,high,low,close\n2020-01-03,1,1e999,1,1\n').message).toBe(`line 2: column 'high': "1e999" is out of range`);
  });

  it('rejects a bad volume but not an empty one', () => {
    const e = errorOf('time,open,high,low,close,volume\n2020-01-03,1,1,1,1,\n2020-01-04,1,1,1,1,lots\n');
    expect(e.message).toBe(`line 3: column 'volume': expected a number or an empty cell, got "lots"`);
  });

  it('rejects rows with the wrong number of fields, naming the missing column or the extra field', () => {
    expect(errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1\n2020-01-04,1,1,1\n').message).toBe(
      "line 3: column 'close': no value: the row has 4 fields, the header 5",
    );
    expect(errorOf('Date,Open,High,Low,Close,Volume\n2020-01-03\n').message).toBe("line 2: column 'Open': no value: the row has 1 field, the header 6");
    const e = errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1,9\n');
    expect([e.line, e.column, e.detail]).toEqual([2, null, 'the row has 6 fields, the header 5: field 6 ("9") has no column']);
  });

  it('ignores empty fields after the last column (a trailing delimiter on every row)', () => {
    const r = parseBarsCsv('time,open,high,low,close\n2020-01-03,1,2,0.5,1.5,\n2020-01-04,1,2,0.5,1.25,,\n');
    expect(list(r.bars.close)).toEqual([1.5, 1.25]);
  });

  it('explains decimal commas and thousands separators', () => {
    expect(errorOf('time;open;high;low;close\n2020-01-03;1;2;0;1,5\n').message).toBe(
      `line 2: column 'close': expected a number, got "1,5" (write numbers with '.' as the decimal point and no thousands separators)`,
    );
    expect(errorOf('time,open,high,low,close,volume\n2020-01-03,1,2,0,1,"1,000"\n').detail).toBe(
      `expected a number or an empty cell, got "1,000" (write numbers with '.' as the decimal point and no thousands separators)`,
    );
  });

  it('says an empty time is empty', () => {
    expect(errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1\n,1,1,1,1\n').message).toBe("line 3: column 'time': the time is empty");
  });

  it('rejects bad times, explaining what was wrong', () => {
    expect(errorOf('time,open,high,low,close\n2021-02-29,1,1,1,1\n').message).toBe(
      `line 2: column 'time': 2021-02 has no day 29, got "2021-02-29"`,
    );
    expect(errorOf('time,open,high,low,close\n2021-13-01,1,1,1,1\n').detail).toBe('month 13 does not exist, got "2021-13-01"');
    expect(errorOf('time,open,high,low,close\n2021-01-01T24:00,1,1,1,1\n').detail).toBe('hour 24 does not exist, got "2021-01-01T24:00"');
    expect(errorOf('time,open,high,low,close\n03/01/2020,1,1,1,1\n').detail).toBe(
      'day/month order is ambiguous: write dates as YYYY-MM-DD, got "03/01/2020"',
    );
    expect(errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1\nyesterday,1,1,1,1\n').message).toBe(
      `line 3: column 'time': expected unix seconds or milliseconds, or an ISO date like 2020-01-03 or 2020-01-03T09:30:00Z, got "yesterday"`,
    );
    expect(errorOf('time,open,high,low,close\n2020-01-03T09:30:00+5,1,1,1,1\n').line).toBe(2);
  });

  it('rejects a file that mixes unix and ISO times', () => {
    const e = errorOf('time,open,high,low,close\n1578009600,1,1,1,1\n2020-01-04,1,1,1,1\n');
    expect(e.message).toBe(`line 3: column 'time': got "2020-01-04", but the first row's time is a unix number: use one kind of time in a file`);
    const f = errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1\n1578096000,1,1,1,1\n');
    expect(f.detail).toBe(`got "1578096000", but the first row's time is an ISO date: use one kind of time in a file`);
  });

  it('rejects a duplicate time, naming both lines', () => {
    const e = errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1\n2020-01-04,1,1,1,1\n\n2020-01-04,1,1,1,1\n', 'd.csv');
    expect(e.message).toBe(`d.csv:5: column 'time': duplicate time 2020-01-04 (also on line 3)`);
    // The same instant written with two offsets is a duplicate too.
    const g = errorOf('time,open,high,low,close\n2020-01-03T10:00:00Z,1,1,1,1\n2020-01-03T05:00:00-05:00,1,1,1,1\n');
    expect(g.detail).toBe('duplicate time 2020-01-03T10:00:00Z (also on line 2)');
  });

  it('rejects rows out of time order, oldest-first or newest-first', () => {
    const up = errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1\n2020-01-05,1,1,1,1\n2020-01-04,1,1,1,1\n');
    expect(up.message).toBe(
      `line 4: column 'time': rows are out of time order: 2020-01-04 is before 2020-01-05 on line 3, but the rows before it are oldest first`,
    );
    const down = errorOf('time,open,high,low,close\n2020-01-05,1,1,1,1\n2020-01-03,1,1,1,1\n2020-01-04,1,1,1,1\n');
    expect(down.message).toBe(
      `line 4: column 'time': rows are out of time order: 2020-01-04 is after 2020-01-03 on line 3, but the rows before it are newest first`,
    );
  });

  it('requires a header, saying so when the first line is data', () => {
    const e = errorOf('2020-01-03,1,1,1,1\n2020-01-04,1,1,1,1\n');
    expect(e.line).toBe(1);
    expect(e.detail).toBe(
      'the first line must be a header naming the columns (time,open,high,low,close,volume), but it looks like data: "2020-01-03,1,1,1,1"',
    );
    expect(errorOf('1578009600,1,1,1,1\n').detail).toMatch(/^the first line must be a header/);
  });

  it('names what is missing from the header', () => {
    expect(errorOf('when,open,high,low,close\n').message).toBe(
      "line 1: no time column: expected one named time, date, timestamp or datetime; found 'when', 'open', 'high', 'low', 'close'",
    );
    expect(errorOf('time,open,high,low,price\n').detail).toBe("no close column; found 'time', 'open', 'high', 'low', 'price'");
    expect(errorOf('time,open,close\n2020-01-03,1,1\n').detail).toBe(
      "missing columns 'high', 'low' (a file needs open, high, low and close, or close alone); found 'time', 'open', 'close'",
    );
  });

  it('rejects an empty file and a header with no rows', () => {
    expect(errorOf('').message).toBe('line 1: the file is empty: expected a header row like time,open,high,low,close,volume');
    expect(errorOf('\n \n').detail).toMatch(/^the file is empty/);
    expect(errorOf('time,open,high,low,close\n\n').message).toBe('line 1: no bars: the header is not followed by any data rows');
  });

  it('rejects an unclosed quote at the line where it opens', () => {
    const e = errorOf('time,open,high,low,close\n2020-01-03,1,1,1,1\n"2020-01-04,1,1,1,1\n2020-01-05,1,1,1,1\n');
    expect([e.line, e.detail]).toEqual([3, 'a quoted field is never closed (missing ")']);
  });

  it('says plainly when the file is not CSV at all', () => {
    const binary = String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d) + 'IHDR';
    expect(errorOf(binary, 'chart.png').message).toBe(
      'chart.png:1: this is not a CSV file: it contains binary data (NUL bytes). If it is text, save it as UTF-8.',
    );
    expect(errorOf('<!DOCTYPE html>\n<html><body>Not found</body></html>\n').message).toBe(
      'line 1: this is not a CSV file: it looks like HTML or XML (starts with "<").',
    );
    expect(errorOf('  [{"time": 1, "close": 2}]').detail).toBe('this is not a CSV file: it looks like JSON (starts with "[").');
    expect(errorOf('{"bars": []}').detail).toBe('this is not a CSV file: it looks like JSON (starts with "{").');
    const garbled = Array.from({ length: 400 }, (_, i) => String.fromCharCode(i % 2 === 0 ? 0xfffd : 0x03)).join('');
    expect(errorOf(garbled).detail).toBe('this is not a CSV file: it looks like binary data.');
  });

  it('stops at the first problem: one error for a file full of them', () => {
    const text = ['time,open,high,low,close', ...Array.from({ length: 50 }, () => 'x,y,z,w,v')].join('\n');
    const e = errorOf(text);
    expect(e.line).toBe(2);
    expect(e.message.split('\n')).toHaveLength(1);
  });
});
