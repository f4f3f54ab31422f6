// Hostile input found by an outside attack (session 21, /work/notes/hostile-21.md): each case failed
// before its fix (a hang, an unbounded allocation, an unreadable message) and must now end with a
// one-line error saying what was wrong and where, or the result TradingView gives.

import { describe, expect, it } from 'vitest';
import { compile } from '../../vm/compiler/compile.js';
import { parseBarsCsv, parseBarsCsvPieces, ParseError } from '../../vm/data/csv.js';
import { runHostile, script } from './harness.js';

/** The error a CSV text gives (read whole, as the app reads it, or in 64 kB pieces, as the CLI reads a file). */
function csvError(text: string, pieces: boolean): string {
  try {
    if (pieces) {
      let at = 0;
      parseBarsCsvPieces(() => {
        if (at >= text.length) return null;
        const piece = text.slice(at, at + 65536);
        at += 65536;
        return piece;
      }, { name: 'bars.csv', totalLength: text.length });
    } else {
      parseBarsCsv(text, { name: 'bars.csv' });
    }
  } catch (e) {
    if (e instanceof ParseError) return e.message;
    throw e;
  }
  return 'no error';
}

describe('scripts', () => {
  it('array.from with more than 100,000 arguments is a runtime error naming the call, not a 200,000-element array', () => {
    const args = Array.from({ length: 100_001 }, (_, i) => String(i % 10)).join(',');
    const r = runHostile(script(`a = array.from(${args})\nplot(a.size())`), { bars: 2, timeoutMs: 60_000 });
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/'array\.from\(\)' would make an array of 100001 elements: Pine arrays hold at most 100,000\./);
    // 100,000 arguments are allowed (the limit itself).
    const ok = runHostile(script(`a = array.from(${args.slice(0, args.length - 2)})\nplot(a.size())`), { bars: 2, timeoutMs: 60_000 });
    expect(ok.kind).toBe('ok');
    expect(ok.plots.plot0).toBe(100_000);
  });

  it('a diagnostic quoting a name or color of 300,000 characters stays one short line', () => {
    const long = 'b'.repeat(300_000);
    const r = compile(script(`plot(${long})\nplot(close, color=#${'f'.repeat(100_000)})`));
    const messages = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const m of messages) expect(m.length).toBeLessThan(400);
    expect(messages.join('\n')).toMatch(/Undeclared identifier 'b{60}…' \(300,000 characters\)/);
    expect(messages.join('\n')).toMatch(/Invalid color '#f{59}…' \(100,001 characters\)/);
  });
});

describe('CSV files', () => {
  const header = 'time,open,high,low,close,volume\n';
  const good = '946684800,1,2,0.5,1,10\n';

  it('a row of 8 million characters is refused at its line, read whole or in pieces (it took minutes in pieces)', () => {
    const text = `${header}${good}946771200,${'9'.repeat(8_000_000)},1,1,1,1\n`;
    // In pieces, the row was scanned again at each piece: minutes for 50 MB (the test's timeout catches a return of that).
    for (const pieces of [false, true]) {
      expect(csvError(text, pieces)).toBe('bars.csv:3: a row of more than 1,048,576 characters: no bar row is this long (is this a CSV file of bars?)');
    }
  });

  it('a row just under the limit is read (a long run of spaces after the volume)', () => {
    const text = `${header}${good}946771200,1,2,0.5,1,10${' '.repeat(100_000)}\n`;
    const bars = parseBarsCsv(text, { name: 'bars.csv' }).bars;
    expect(bars.length).toBe(2);
    expect(bars.volume[1]).toBe(10);
  });

  it('a negative volume is kept and reported once with its line and the count', () => {
    const text = `${header}${good}946771200,1,2,0.5,1,-500\n946857600,1,2,0.5,1,-3\n`;
    const { bars, warnings } = parseBarsCsv(text, { name: 'bars.csv' });
    expect(bars.volume[1]).toBe(-500);
    expect(warnings).toContain('bars.csv:3: volume -500 is negative (2 rows have a negative volume; this is the first)');
  });
});
