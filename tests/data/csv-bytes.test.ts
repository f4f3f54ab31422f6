// The byte loader (vm/data/csv-bytes.ts, what `evergreen run` reads a large file with) gives exactly
// the text loader's bars, warnings and order on every file it accepts, and declines (null) every file
// the text loader refuses, so that the text loader alone reports errors. Checked on the shapes it
// reads, on shapes it must decline, and on thousands of randomly damaged files.

import { closeSync, fstatSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readBarsBytes } from '../../vm/cli/read-bars.js';
import { parseBarsByteChunks, parseBarsBytes } from '../../vm/data/csv-bytes.js';
import { type ParsedBars, parseBarsCsv } from '../../vm/data/csv.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function same(a: ParsedBars, b: ParsedBars): void {
  expect(b.warnings).toEqual(a.warnings);
  expect(b.order).toEqual(a.order);
  expect(b.bars.length).toBe(a.bars.length);
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    // Bit for bit (toEqual treats NaN as equal to NaN, and +0 apart from -0).
    expect(Array.from(b.bars[k])).toEqual(Array.from(a.bars[k]));
    expect(b.bars[k].length).toBe(b.bars.length);
  }
}

/** The byte loader's result, checked against the text loader's: the same, or null when the text
 * loader fails (or reads a shape the byte loader leaves to it). Returns whether it accepted. */
function check(text: string, bytes: Uint8Array = utf8(text)): boolean {
  let expected: ParsedBars | null = null;
  try {
    expected = parseBarsCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), { name: 'b.csv' });
  } catch {
    expected = null;
  }
  const got = parseBarsBytes(bytes, 'b.csv');
  if (expected === null) expect(got).toBeNull();
  else if (got !== null) same(expected, got);
  return got !== null;
}

function bars(n: number, eol = '\n', t0 = 1704067200, step = 60): string {
  const rows = ['time,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) {
    const c = 100 + Math.sin(i / 7) * 5;
    rows.push(`${t0 + step * i},${(c - 0.25).toFixed(2)},${(c + 1).toFixed(3)},${(c - 1).toFixed(4)},${c.toFixed(5)},${1000 + i * 7}`);
  }
  return rows.join(eol) + eol;
}

describe('the shapes it reads: the text loader’s result', () => {
  test('unix seconds, LF, CRLF and CR line ends, with and without a last line end, a UTF-8 BOM', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      expect(check(bars(300, eol))).toBe(true);
      expect(check(bars(300, eol).slice(0, -eol.length))).toBe(true);
      expect(check(`\ufeff${bars(300, eol)}`)).toBe(true);
    }
  });

  test('milliseconds, newest first, negative prices, blank lines, other columns, close alone, tick volume', () => {
    expect(check(bars(200, '\n', 1704067200000, 60000))).toBe(true);
    expect(check(['time,open,high,low,close', '300,1,2,0.5,1.5', '200,1,2,0.5,1.5', '100,1,2,0.5,1.5'].join('\n'))).toBe(true);
    expect(check(['time,open,high,low,close', '100,-1,2,-3.5,1.5', '200,1,2,0.5,1.5'].join('\n'))).toBe(true);
    expect(check(['time,open,high,low,close', '100,1,2,0.5,1.5', '', '   ', '200,1,2,0.5,1.5', ''].join('\n'))).toBe(true);
    // Other scripts in an unread column (after the first 16 kB, which the header step reads as text).
    const notes = ['Date,Close,Note', ...Array.from({ length: 2000 }, (_, i) => `${100 + i},1.5,${i > 1500 ? 'é x—' : 'a note'}`)];
    expect(check(notes.join('\n'))).toBe(true);
    expect(check(notes.slice(0, 10).join('\n').replace('1.5,a note', '1.5,é'))).toBe(false);
    expect(check(['<DATE>;<OPEN>;<HIGH>;<LOW>;<CLOSE>;<TICKVOL>;<VOL>', '100;1;2;0.5;1.5;17;0', '200;1;2;0.5;1.5;3;0'].join('\n'))).toBe(true);
    expect(check(['time\topen\thigh\tlow\tclose', '100\t1\t2\t0.5\t1.5', '200\t1\t3\t0.5\t9'].join('\n'))).toBe(true);
  });

  test('warnings keep their lines: prices outside low..high, compact dates', () => {
    expect(check(['time,open,high,low,close', '100,5,2,0.5,1.5', '', '200,1,2,3,1.5', '300,1,2,3,1.5'].join('\n'))).toBe(true);
    expect(check(['time,open,high,low,close', '20240101,1,2,0.5,1.5', '20240102,1,2,0.5,1.5'].join('\n'))).toBe(true);
  });
});

describe('the shapes it leaves to the text loader', () => {
  test('quotes, ISO dates, date + time of day, spaces, exponents, long numbers, trailing delimiters, non-ASCII headers', () => {
    for (const text of [
      'time,open,high,low,close\n"100",1,2,0.5,1.5\n',
      'time,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n',
      'date,time,open,high,low,close\n2024.01.02,09:30,1,2,0.5,1.5\n',
      'time,open,high,low,close\n100, 1,2,0.5,1.5\n',
      'time,open,high,low,close\n100,1e0,2,0.5,1.5\n',
      'time,open,high,low,close\n100,1.0000000000000001,2,0.5,1.5\n',
      'time,open,high,low,close\n100,1,2,0.5,1.5,\n',
      'Zeit,Eröffnung,high,low,close\n100,1,2,0.5,1.5\n',
      'time,open,high,low,close\n100,null,null,null,null\n200,1,2,0.5,1.5\n',
    ]) {
      expect(check(text)).toBe(false);
    }
  });

  test('errors: every file the text loader refuses is declined', () => {
    for (const text of [
      '', 'time,open,high,low,close\n', 'time,open,high,low,close\n100,1,2,0.5,1.5\n100,1,2,0.5,1.5\n',
      'time,open,high,low,close\n100,1,2,0.5,1.5\n300,1,2,0.5,1.5\n200,1,2,0.5,1.5\n', 'time,open,high,low,close\n100,1,2\n',
      'time_ms,open,high,low,close\n100,1,2,0.5,1.5\n', 'open,high,low,close\n1,2,0.5,1.5\n', '\u0000\u0001binary',
    ]) {
      expect(check(text)).toBe(false);
    }
  });
});

test('randomly damaged files: the text loader’s result, or declined', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pieces = ['0', '1', '9', '.', '-', ',', ';', '\t', ' ', '\n', '\r', '\r\n', '"', 'e', 'null', 'NaN', '', '1e3', '999999999999999999', 'é', '\u0000'];
  const base = [bars(40), bars(40, '\r\n'), bars(40, '\n', 1704067200000, 60000), ['time,close,volume', '100,1,', '200,2,5'].join('\n')];
  let accepted = 0;
  for (let k = 0; k < 3000; k++) {
    let text = base[k % base.length] as string;
    const edits = 1 + rand(3);
    for (let e = 0; e < edits; e++) {
      const at = rand(text.length + 1);
      const cut = rand(3);
      text = text.slice(0, at) + (pieces[rand(pieces.length)] as string) + text.slice(at + cut);
    }
    if (check(text)) accepted++;
  }
  // Most damage makes an error or another shape, but a good share still reads (e.g. a digit changed).
  expect(accepted).toBeGreaterThan(150);
});

test('columns sized from long rows in the first 64 kB, then many short rows: they grow, the same bars', () => {
  // The column size is estimated from the first 64 kB's lines per byte: long rows there, short rows
  // after, make it far too small.
  const rows = ['time,open,high,low,close,volume'];
  let t = 1000;
  for (let i = 0; i < 1500; i++, t += 60) rows.push(`${t},123456.789012345,123457.789012345,123455.789012345,123456.789012345,1234567.89012345`);
  for (let i = 0; i < 30000; i++, t += 60) rows.push(`${t},1,2,0.5,1.5,${i % 9}`);
  rows.push(`${t},1,2,0.5,1.5,7`); // no line feed after the last row
  expect(check(rows.join('\n'))).toBe(true);
  expect(check(rows.join('\r\n'))).toBe(true);
});

test('a file read in chunks cut after line feeds: the same bars as read whole', () => {
  for (const eol of ['\n', '\r\n']) {
    const bytes = utf8(bars(5000, eol));
    const whole = parseBarsBytes(bytes, 'b.csv');
    expect(whole).not.toBeNull();
    for (const step of [1, 700, 20000]) {
      const chunks: Uint8Array[] = [];
      let at = 0;
      let size = 64 << 10;
      while (at < bytes.length) {
        // Each chunk ends after the first line feed at or past `size` bytes (or the file's end).
        const lf = bytes.indexOf(10, Math.min(bytes.length, at + size) - 1);
        const cut = lf < 0 ? bytes.length : lf + 1;
        chunks.push(bytes.subarray(at, cut));
        at = cut;
        size = step;
      }
      let k = 0;
      const got = parseBarsByteChunks(() => chunks[k++] ?? null, bytes.length, 'b.csv');
      expect(got).not.toBeNull();
      if (whole !== null && got !== null) same(whole, got);
    }
  }
});

test('the CLI reads a file of several 1 MB chunks, reusing its buffer: the text loader’s bars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-bytes-'));
  try {
    for (const eol of ['\n', '\r\n']) {
      const text = bars(60_000, eol); // ~3.5 MB
      const path = join(dir, 'b.csv');
      writeFileSync(path, text);
      const fd = openSync(path, 'r');
      try {
        const got = readBarsBytes(fd, fstatSync(fd).size, 'b.csv');
        expect(got).not.toBeNull();
        if (got !== null) same(parseBarsCsv(text, { name: 'b.csv' }), got);
      } finally {
        closeSync(fd);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
