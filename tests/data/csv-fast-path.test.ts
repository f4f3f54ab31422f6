// The loader reads plain rows (unquoted numbers, unix or ISO times) on a fast path and any other
// row on its general path: a file mixing both spellings must give the values Number() and Date.UTC
// give for its cells, and a bad cell among plain rows must still get its precise message.

import { describe, expect, test } from 'vitest';
import { parseBarsCsv } from '../../vm/data/csv.js';
import { errorOf, list } from './helpers.js';

describe('plain rows and other rows give the same bars', () => {
  test('unix seconds: plain, quoted, spaced and exponent cells read as Number() reads them', () => {
    const cells = [
      ['1704067200', '100', '100.09', '99.97', '100.07', '1229'],
      ['1704067260', '"100.07"', ' 100.1 ', '99.94', '9.996e1', ''],
      ['1704067320', '99.96', '100.2', '99.9', '100.1', '0.000000000000000001'],
      ['1704067380', '-0.5', '123456789012345', '-1.5', '.5', '7.'],
    ];
    const text = `time,open,high,low,close,volume\n${cells.map((r) => r.join(',')).join('\n')}\n`;
    const { bars } = parseBarsCsv(text);
    const num = (s: string): number => (s.trim() === '' ? NaN : Number(s.replaceAll('"', '').trim()));
    expect(list(bars.time)).toEqual(cells.map((r) => num(r[0] ?? '') * 1000));
    expect(list(bars.open)).toEqual(cells.map((r) => num(r[1] ?? '')));
    expect(list(bars.high)).toEqual(cells.map((r) => num(r[2] ?? '')));
    expect(list(bars.low)).toEqual(cells.map((r) => num(r[3] ?? '')));
    expect(list(bars.close)).toEqual(cells.map((r) => num(r[4] ?? '')));
    expect(list(bars.volume)).toEqual(cells.map((r) => num(r[5] ?? '')));
  });

  test('ISO times with offsets, CRLF line ends, an ignored text column and a trailing blank line', () => {
    const text = 'date,note,open,high,low,close\r\n2024-01-01T02:00:00+02:00,a,1,2,0.5,1.5\r\n' +
      '2024-01-01T01:01:00+01:00,"b,c",2,3,1.5,2.5\r\n 2024-01-01T00:02:00Z ,d,3,4,2.5,3.5\r\n\r\n';
    const { bars } = parseBarsCsv(text);
    // Each time is 2024-01-01 00:0k UTC once its offset is taken away.
    expect(list(bars.time)).toEqual([0, 1, 2].map((k) => Date.UTC(2024, 0, 1, 0, k)));
    expect(list(bars.close)).toEqual([1.5, 2.5, 3.5]);
  });
});

describe('errors among plain rows keep their messages', () => {
  const head = 'time,open,high,low,close\n1704067200,1,2,0.5,1.5\n1704067260,1,2,0.5,1.5\n';
  test('a decimal comma', () => {
    expect(errorOf(`${head}1704067320,1,2,0.5,"1,5"\n`, 'x.csv').message)
      .toBe(`x.csv:4: column 'close': expected a number, got "1,5" (write numbers with '.' as the decimal point and no thousands separators)`);
  });
  test('two decimal points', () => {
    expect(errorOf(`${head}1704067320,1,2,0.5,1.2.3\n`, 'x.csv').message).toBe(`x.csv:4: column 'close': expected a number, got "1.2.3"`);
  });
  test('a missing field and an extra one', () => {
    expect(errorOf(`${head}1704067320,1,2,0.5\n`, 'x.csv').message).toBe("x.csv:4: column 'close': no value: the row has 4 fields, the header 5");
    expect(errorOf(`${head}1704067320,1,2,0.5,1.5,9\n`, 'x.csv').message)
      .toBe('x.csv:4: the row has 6 fields, the header 5: field 6 ("9") has no column');
  });
  test('a repeated time', () => {
    expect(errorOf(`${head}1704067260,1,2,0.5,1.5\n`, 'x.csv').message)
      .toBe("x.csv:4: column 'time': duplicate time 2024-01-01T00:01:00Z (also on line 3)");
  });
});
