// Two of `evergreen run`'s speed paths change nothing a user sees:
// - `--out` writes over an existing file in place and cuts it to length (vm/cli/out-file.ts): the
//   file holds exactly the bytes the run prints on stdout, whether it was longer, shorter or missing
//   before, and a failure after it was opened leaves it empty, as a truncating open did;
// - the rehearsal (vm/cli/rehearsal.ts) runs only scripts that cannot notice it, and the bytes and
//   messages are the same without it (EVERGREEN_REHEARSAL=0).

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compile } from '../../vm/index.js';
import { rehearsable } from '../../vm/cli/rehearsal.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.cjs');
let dir = '';

function cli(args: string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, EVERGREEN_HELPER: '0', ...env },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-speed-'));
  const rows = ['time,open,high,low,close,volume'];
  let c = 100;
  for (let i = 0; i < 5000; i++) {
    c += Math.sin(i * 0.37) * 0.5;
    rows.push(`${1704067200 + 60 * i},${c.toFixed(2)},${(c + 1).toFixed(2)},${(c - 1).toFixed(2)},${(c + 0.25).toFixed(2)},${1000 + (i % 97)}`);
  }
  writeFileSync(join(dir, 'bars.csv'), `${rows.join('\n')}\n`);
  writeFileSync(join(dir, 's.pine'), '//@version=6\nindicator("s")\nplot(ta.sma(close, 14), "sma")\nplot(ta.rsi(close, 14))\nplot(math.abs(close - nz(close[1])), "move")\n');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('--out over an existing file', () => {
  test('longer, shorter or missing before: the file holds what stdout shows, JSON and CSV', () => {
    for (const format of ['json', 'csv']) {
      const expected = cli(['run', join(dir, 's.pine'), '--data', join(dir, 'bars.csv'), '--format', format]);
      expect(expected.code).toBe(0);
      const out = join(dir, `out.${format}`);
      const before = [null, 'x'.repeat(expected.out.length * 2 + 12345), '{"short": true}\n', ''];
      for (const old of before) {
        rmSync(out, { force: true });
        if (old !== null) writeFileSync(out, old);
        const r = cli(['run', join(dir, 's.pine'), '--data', join(dir, 'bars.csv'), '--format', format, '--out', out]);
        expect(r.code).toBe(0);
        expect(r.out).toBe('');
        expect(readFileSync(out, 'utf8')).toBe(expected.out);
      }
    }
  });

  test('a failure after the file was opened leaves it empty, with the same message as before', () => {
    const out = join(dir, 'failed.json');
    writeFileSync(out, 'old output that must not survive\n'.repeat(1000));
    const r = cli(['run', join(dir, 's.pine'), '--data', join(dir, 'bars.csv'), '--out', out, '--drawings', join(dir, 'no-such-folder', 'd.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`evergreen: cannot write the drawings '${join(dir, 'no-such-folder', 'd.json')}': its folder does not exist\n`);
    expect(statSync(out).size).toBe(0);
  });

  test('a device is written without cutting it (/dev/null)', () => {
    const r = cli(['run', join(dir, 's.pine'), '--data', join(dir, 'bars.csv'), '--out', '/dev/null']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});

describe('the rehearsal', () => {
  const program = (body: string, decl = 'indicator("t")') => {
    const r = compile(`//@version=6\n${decl}\n${body}\n`);
    if (r.program === null) throw new Error('compile failed');
    return r.program;
  };

  test('runs only scripts that cannot notice it', () => {
    expect(rehearsable(program('plot(ta.sma(close, 14))\nplot(ta.ema(close, 20) - nz(close[1]))\nplot(math.max(high - low, 0))'))).toBe(true);
    expect(rehearsable(program('plot(ta.sma(close, 14))', 'strategy("t")'))).toBe(false);
    expect(rehearsable(program('s = 0.0\nfor i = 0 to 3\n    s += close[i]\nplot(s)'))).toBe(false);
    expect(rehearsable(program('plot(request.security(syminfo.tickerid, "D", close))'))).toBe(false);
    expect(rehearsable(program('plot(math.random())'))).toBe(false);
    expect(rehearsable(program('label.new(bar_index, close, "x")\nplot(close)'))).toBe(false);
    expect(rehearsable(program('log.info("x")\nplot(close)'))).toBe(false);
    expect(rehearsable(program('var a = array.new_float()\narray.push(a, close)\nplot(array.size(a))'))).toBe(false);
  });

  test('the same bytes and messages with and without it, for a script it runs and one it does not', () => {
    writeFileSync(join(dir, 'logs.pine'), '//@version=6\nindicator("l")\nif bar_index % 1000 == 0\n    log.info("bar {0}", bar_index)\nplot(ta.ema(close, 9))\n');
    for (const script of ['s.pine', 'logs.pine']) {
      for (const format of ['json', 'csv']) {
        const args = ['run', join(dir, script), '--data', join(dir, 'bars.csv'), '--format', format];
        const on = cli(args);
        const off = cli(args, { EVERGREEN_REHEARSAL: '0' });
        expect(on.code).toBe(0);
        expect(on).toEqual(off);
      }
    }
  });

  test('a script whose run fails: the same error with and without it', () => {
    writeFileSync(join(dir, 'fails.pine'), '//@version=6\nindicator("f")\nplot(ta.sma(close, bar_index < 100 ? 14 : -1))\n');
    const args = ['run', join(dir, 'fails.pine'), '--data', join(dir, 'bars.csv')];
    const on = cli(args);
    const off = cli(args, { EVERGREEN_REHEARSAL: '0' });
    expect(on.code).toBe(1);
    expect(on.err).toContain('runtime error at bar 100');
    expect(on).toEqual(off);
  });
});
