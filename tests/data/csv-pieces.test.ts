// A large file is read in pieces (the CLI reads 64 kB at a time and never holds the file as one
// string): wherever the pieces are cut - inside a number, between CR and LF, inside a quoted field
// holding a newline, inside a blank line - the bars, warnings and errors are those of the whole text.

import { describe, expect, test } from 'vitest';
import { type ParsedBars, parseBarsCsv, parseBarsCsvPieces } from '../../vm/data/csv.js';

/** The text cut into pieces of the given lengths, repeated. */
function inPieces(text: string, lengths: number[], totalLength = text.length): ParsedBars {
  let at = 0;
  let k = 0;
  return parseBarsCsvPieces(() => {
    if (at >= text.length) return null;
    const len = lengths[k++ % lengths.length] ?? 1;
    const piece = text.slice(at, at + len);
    at += len;
    return piece;
  }, { name: 'p.csv', totalLength });
}

function outcome(f: () => ParsedBars): unknown {
  try {
    const { bars, warnings, order } = f();
    return { warnings, order, time: Array.from(bars.time), close: Array.from(bars.close), volume: Array.from(bars.volume) };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** 400 one-minute bars from 2024-01-01, with the given line end, every 37th close quoted with a
 * newline after it in a note column, and a blank line every 50 rows. */
function file(eol: string): string {
  const rows = ['time,open,high,low,close,volume,note'];
  for (let i = 0; i < 400; i++) {
    const t = 1704067200 + 60 * i;
    const note = i % 37 === 0 ? '"two\nlines"' : 'x';
    rows.push(`${t},${100 + i / 100},${101 + i / 100},${99 + i / 100},${100.5 + i / 100},${1000 + i},${note}`);
    if (i % 50 === 49) rows.push('');
  }
  return rows.join(eol) + eol;
}

describe('pieces give the whole text’s result', () => {
  for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']] as const) {
    test(`${name} line ends, pieces of 1 to 97 characters, with and without the total length`, () => {
      const text = file(eol);
      const whole = outcome(() => parseBarsCsv(text, { name: 'p.csv' }));
      expect((whole as { time: number[] }).time).toHaveLength(400);
      for (const lengths of [[1], [2, 3], [7], [13, 1, 40], [97], [4096, 5]]) {
        expect(outcome(() => inPieces(text, lengths))).toEqual(whole);
        expect(outcome(() => inPieces(text, lengths, 0))).toEqual(whole);
      }
    });
  }

  test('a bad header or a file that is not CSV: the same message, naming the file', () => {
    const long = `when,open,high,low,close\n${'2024-01-02,1,2,0.5,1.5\n'.repeat(300)}`;
    for (const text of ['', 'when,open,high,low,close\n1,2,3,4,5\n', '{"bars": []}', long, `{"x": "${'y'.repeat(9000)}"}`]) {
      const whole = outcome(() => parseBarsCsv(text, { name: 'p.csv' }));
      expect(whole).toMatch(/^p\.csv:1: /);
      for (const lengths of [[1], [100], [5000]]) expect(outcome(() => inPieces(text, lengths))).toEqual(whole);
    }
  });

  test('errors keep their line numbers, from the header to the last row', () => {
    const text = file('\r\n');
    const rows = text.split('\r\n');
    const cases = [
      rows.map((r, i) => (i === 300 ? r.replace(',x', ',x,9') : r)).join('\r\n'), // an extra field
      rows.map((r, i) => (i === 250 ? r.replace(/^(\d+),(\d+)\.(\d+)/, '$1,$2,$3') : r)).join('\r\n'), // 1,5
      rows.map((r, i) => (i === 400 ? r.replace(',x', ',"open') : r)).join('\r\n'), // a quote never closed
      rows.slice(0, 200).concat(rows.slice(199)).join('\r\n'), // a repeated time
    ];
    for (const bad of cases) {
      const whole = outcome(() => parseBarsCsv(bad, { name: 'p.csv' }));
      expect(typeof whole).toBe('string');
      for (const lengths of [[1], [3, 5], [64], [4100]]) expect(outcome(() => inPieces(bad, lengths))).toEqual(whole);
    }
  });
});
