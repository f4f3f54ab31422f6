// The `evergreen` command as a user meets it: check, run (JSON and CSV, inputs, newest-first data,
// bad data), the save/resume round trip on real EURUSD data, and inspect (including a damaged file).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
const FIX = join(ROOT, 'tests/fixtures/ohlcv');
let dir = '';

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const SCRIPT = `//@version=6
indicator("RSI, MACD and a user function")
len = input.int(14, "RSI length", minval = 1)
smooth(src, n) =>
    s = 0.0
    for i = 0 to n - 1
        s += nz(src[i])
    s / n
[m, sig, hist] = ta.macd(close, 12, 26, 9)
plot(ta.rsi(close, len), "RSI")
plot(m, "MACD")
plot(sig)
plot(smooth(close, 5), "smooth")
`;

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-cli-'));
  writeFileSync(join(dir, 'rsi.pine'), SCRIPT);
});

describe('evergreen check', () => {
  test('a clean script: no output, exit 0', () => {
    const r = cli(['check', join(dir, 'rsi.pine')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
  });

  test('three errors, each as file:line:col: code: message, exit 1', () => {
    const f = join(dir, 'three.pine');
    writeFileSync(f, '//@version=6\nindicator("x")\nx = ta.sma(close, "abc")\ny = nope + 1\nplot(z)\n');
    const r = cli(['check', f]);
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toEqual([
      `${f}:3:5: E331: Cannot call 'ta.sma' with argument 'length'=\`"abc"\`: expected series int, got const string.`,
      `${f}:4:5: E301: Undeclared identifier 'nope'.`,
      `${f}:5:6: E301: Undeclared identifier 'z'.`,
    ]);
  });

  test('a missing file is one line on stderr', () => {
    const r = cli(['check', join(dir, 'missing.pine')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^evergreen: cannot read the script '.*missing\.pine': .*no such file\n$/);
  });
});

describe('evergreen run', () => {
  test('newest-first S&P 500 data gives the same numbers as the same data oldest first', () => {
    const rows = readFileSync(join(FIX, 'sp500-daily-1950-2012.csv'), 'utf8').trim().split('\n');
    const header = rows.shift() ?? '';
    writeFileSync(join(dir, 'asc.csv'), [header, ...rows.reverse()].join('\n') + '\n');
    const desc = cli(['run', join(dir, 'rsi.pine'), '--data', join(FIX, 'sp500-daily-1950-2012.csv')]);
    const asc = cli(['run', join(dir, 'rsi.pine'), '--data', join(dir, 'asc.csv')]);
    expect(desc.code).toBe(0);
    expect(asc.out).toBe(desc.out);
    const j = JSON.parse(desc.out) as { bars: number; plots: Record<string, (number | null)[]> };
    expect(j.bars).toBe(15821);
    expect(Object.keys(j.plots)).toEqual(['RSI', 'MACD', 'plot0', 'smooth']);
    for (const v of Object.values(j.plots)) expect(v).toHaveLength(15821);
    // RSI needs 14 changes: na on bars 0..13, a number from bar 14.
    expect(j.plots.RSI?.slice(0, 14).every((x) => x === null)).toBe(true);
    expect(typeof j.plots.RSI?.[14]).toBe('number');
  });

  test('hand-checked values on tiny data, CSV output and an input override', () => {
    const csv = 'date,open,high,low,close,volume\n2024-01-01,1,2,0,1,10\n2024-01-02,1,3,1,2,10\n2024-01-03,2,4,1,3,10\n2024-01-04,3,5,2,4,10\n';
    writeFileSync(join(dir, 'tiny.csv'), csv);
    writeFileSync(join(dir, 'sma.pine'), '//@version=6\nindicator("sma")\nn = input.int(2, "n")\nplot(ta.sma(close, n), "sma")\nplot(close * 2)\n');
    const r = cli(['run', join(dir, 'sma.pine'), '--data', join(dir, 'tiny.csv'), '--format', 'csv', '--input', 'n=3']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'time,sma,plot0\n' +
        '2024-01-01T00:00:00.000Z,,2\n' +
        '2024-01-02T00:00:00.000Z,,4\n' +
        '2024-01-03T00:00:00.000Z,2,6\n' +
        '2024-01-04T00:00:00.000Z,3,8\n',
    );
  });

  test('a bad input value and an unknown input are clear errors', () => {
    const bad = cli(['run', join(dir, 'rsi.pine'), '--data', join(dir, 'tiny.csv'), '--input', 'len=0']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe("evergreen: Input 'len': 0 is below the minimum 1.\n");
    const unknown = cli(['run', join(dir, 'rsi.pine'), '--data', join(dir, 'tiny.csv'), '--input', 'length=3']);
    expect(unknown.err).toBe("evergreen: Unknown input 'length' (the script's inputs: len).\n");
  });

  test('garbage data and a malformed row are refused naming the file and line', () => {
    writeFileSync(join(dir, 'garbage.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    const g = cli(['run', join(dir, 'rsi.pine'), '--data', join(dir, 'garbage.csv')]);
    expect(g.code).toBe(1);
    expect(g.err).toMatch(/^evergreen: .*garbage\.csv:1: this is not a CSV file/);
    expect(g.err.split('\n').filter(Boolean)).toHaveLength(1);
    writeFileSync(join(dir, 'bad.csv'), 'time,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n2020-01-02,1,2,0.5,1.2.3\n');
    const b = cli(['run', join(dir, 'rsi.pine'), '--data', join(dir, 'bad.csv')]);
    expect(b.err).toBe(`evergreen: ${join(dir, 'bad.csv')}:3: column 'close': expected a number, got "1.2.3"\n`);
  });

  test('a runtime error names bar, line:column and the call stack', () => {
    writeFileSync(join(dir, 'boom.pine'), '//@version=6\nindicator("boom")\nf(x) =>\n    if x > 2\n        runtime.error("too big")\n    x\nplot(f(bar_index))\n');
    const r = cli(['run', join(dir, 'boom.pine'), '--data', join(dir, 'tiny.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('boom.pine:5:9: runtime error at bar 3: too big');
    expect(r.err).toMatch(/at f\(int\) \(.*boom\.pine:5:9\)\n {4}at main \(.*boom\.pine:7:6\)/);
  });
});

describe('save, resume and inspect', () => {
  const eur = join(FIX, 'eurusd-1h-2022-2025.csv');

  test('--save-at 5000 then --resume reproduces a straight run for the remaining bars', () => {
    const snap = join(dir, 'at5000.evg');
    const straight = cli(['run', join(dir, 'rsi.pine'), '--data', eur]);
    const saved = cli(['run', join(dir, 'rsi.pine'), '--data', eur, '--save-at', '5000', '--save', snap]);
    expect(saved.out).toBe(straight.out);
    const resumed = cli(['run', join(dir, 'rsi.pine'), '--data', eur, '--resume', snap]);
    expect(resumed.code).toBe(0);
    const a = JSON.parse(straight.out) as { bars: number; plots: Record<string, (number | null)[]> };
    const b = JSON.parse(resumed.out) as { bars: number; plots: Record<string, (number | null)[]> };
    expect(b.bars).toBe(a.bars - 5001);
    for (const k of Object.keys(a.plots)) expect(b.plots[k]).toEqual(a.plots[k]?.slice(5001));
  });

  test('resuming on data that does not continue the snapshot is refused', () => {
    const snap = join(dir, 'at5000.evg');
    const r = cli(['run', join(dir, 'rsi.pine'), '--data', join(FIX, 'sp500-daily-2000-2020.csv'), '--resume', snap]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not continue the snapshot .*at5000\.evg: the snapshot's last bar \(bar 5000\) opened at 2022-10-20T09:00:00\.000Z, but .* has no bar at that time/);
  });

  test('inspect prints the header, sections and variables', () => {
    const r = cli(['inspect', join(dir, 'at5000.evg')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('last bar       5000 (opened 2022-10-20T09:00:00.000Z)');
    expect(r.out).toContain('"RSI, MACD and a user function"');
    expect(r.out).toMatch(/program +\d/);
    expect(r.out).toMatch(/\n {2}len +14 +\(input int\)/);
    expect(r.out).toMatch(/\n {2}hist +-?\d/);
  });

  test('inspect on a damaged file: exit 1, one line, no stack trace', () => {
    const bytes = readFileSync(join(dir, 'at5000.evg'));
    bytes[200] = (bytes[200] ?? 0) ^ 0x10;
    writeFileSync(join(dir, 'damaged.evg'), bytes);
    const r = cli(['inspect', join(dir, 'damaged.evg')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^evergreen: .*damaged\.evg: Bad snapshot \(checksum-mismatch\): .*\n$/);
    expect(r.err).not.toMatch(/\n\s+at /);
    writeFileSync(join(dir, 'short.evg'), bytes.subarray(0, 30));
    expect(cli(['inspect', join(dir, 'short.evg')]).err).toBe(`evergreen: ${join(dir, 'short.evg')}: Bad snapshot (truncated): the file ends inside the header (30 of 44 bytes)\n`);
  });
});
