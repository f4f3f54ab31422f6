// Bar times must be plausible: 1700-01-01 up to (not including) 2200-01-01, UTC. A time outside
// (a unit misread, a digit too many, a sign) and a file whose unix times mix units (seconds among
// milliseconds) is an error naming the line, the column, the value and the reason, in the text
// loader (the app, the CLI's other shapes) and the CLI's byte loader alike. Expected dates by hand
// (and Python's datetime), each beside its case.

import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBarsBytes } from '../../vm/data/csv-bytes.js';
import { parseBarsCsv } from '../../vm/data/csv.js';
import { cli } from '../mtf/helpers.js';
import { errorOf, list } from './helpers.js';

const csv = (...times: string[]) => `time,open,high,low,close\n${times.map((t) => `${t},1,1,1,1`).join('\n')}\n`;

/** The CLI's `run` on `text` (its byte loader, then the text loader for the message): rc, stderr. */
function cliRun(text: string): { code: number; err: string } {
  const dir = mkdtempSync(join(tmpdir(), 'evg-time-'));
  try {
    writeFileSync(join(dir, 'b.csv'), text);
    writeFileSync(join(dir, 's.pine'), '//@version=6\nindicator("x")\nplot(close)\n');
    const r = cli(['run', join(dir, 's.pine'), '--data', join(dir, 'b.csv')]);
    return { code: r.code, err: r.err.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bar times out of the plausible range', () => {
  test.each([
    // 8,640,000,000,000 is the largest Date in ms / 1000 (year 275760 as seconds); its magnitude reads
    // as ms: 100,000 days after 1970-01-01 is 2243-10-17.
    ['8640000000000', 'b.csv:2: column \'time\': 8640000000000 read as unix milliseconds (the unit of the file\'s largest time, 8640000000000) is 2243-10-17, outside the years 1700 to 2199 that bar times may have'],
    // 1e20 reads as ns: 1e14 ms = 1e11 s, 3,168.8 years: 5138-11-16 09:46:40.
    ['100000000000000000000', 'b.csv:2: column \'time\': 100000000000000000000 read as unix nanoseconds (the unit of the file\'s largest time, 100000000000000000000) is 5138-11-16T09:46:40Z, outside the years 1700 to 2199 that bar times may have'],
    // -9,999,999,999 s is 1653-02-10 06:13:21.
    ['-9999999999', 'b.csv:2: column \'time\': -9999999999 read as unix seconds is 1653-02-10T06:13:21Z, outside the years 1700 to 2199 that bar times may have'],
  ])('unix time %s', (t, want) => {
    expect(errorOf(csv(t), 'b.csv').message).toBe(want);
    // The CLI's byte loader leaves the file to the text loader, which says why.
    expect(parseBarsBytes(new TextEncoder().encode(csv(t)), 'b.csv')).toBeNull();
  });

  test('a date out of range names it; 1700-01-01 and 2199-12-31 are kept', () => {
    expect(errorOf(csv('1650-05-01'), 'b.csv').message).toBe("b.csv:2: column 'time': 1650-05-01 is outside the years 1700 to 2199 that bar times may have");
    expect(errorOf(csv('2199-12-31', '2200-01-01'), 'b.csv').message).toBe("b.csv:3: column 'time': 2200-01-01 is outside the years 1700 to 2199 that bar times may have");
    expect(list(parseBarsCsv(csv('1700-01-01', '2199-12-31')).bars.time)).toEqual([Date.UTC(1700, 0, 1), Date.UTC(2199, 11, 31)]);
    // Negative seconds before 1970 stay seconds: -8,520,336,000 s is 1700-01-01.
    expect(list(parseBarsCsv(csv('-8520336000')).bars.time)).toEqual([Date.UTC(1700, 0, 1)]);
  });

  test('seconds among milliseconds: an error naming both lines and both readings', () => {
    // 1,700,000,000 s is 2023-11-14 22:13:20; as ms, 1970-01-20 16:13:20.
    const want = "b.csv:3: column 'time': 1700000000 reads as unix seconds (2023-11-14T22:13:20Z), but line 2's 1700000000000 reads as unix milliseconds: the file mixes units (it would be 1970-01-20T16:13:20Z in milliseconds); write every time in one unit";
    expect(errorOf(csv('1700000000000', '1700000000'), 'b.csv').message).toBe(want);
    const r = cliRun(csv('1700000000000', '1700000000'));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(want.slice('b.csv'.length));
    // Ascending both ways (the small one first) is the same error, on its own line.
    expect(errorOf(csv('1600000000', '1700000000000'), 'b.csv').message).toMatch(/^b\.csv:2: column 'time': 1600000000 reads as unix seconds \(2020-09-13T12:26:40Z\), but line 3's 1700000000000 reads as unix milliseconds/);
  });

  test('a column named as milliseconds keeps small values (1970) without the mixed-unit check', () => {
    const r = parseBarsCsv('time_ms,open,high,low,close\n60000,1,1,1,1\n200000000000,1,1,1,1\n');
    expect(list(r.bars.time)).toEqual([60_000, 200_000_000_000]);
  });

  test('1,000,000 rows of one time: the duplicate is named on line 3', () => {
    const text = `time,open,high,low,close\n${'1700000000,1,1,1,1\n'.repeat(1_000_000)}`;
    expect(errorOf(text, 'b.csv').message).toBe("b.csv:3: column 'time': duplicate time 2023-11-14T22:13:20Z (also on line 2)");
    expect(parseBarsBytes(new TextEncoder().encode(text), 'b.csv')).toBeNull();
  });
});
