// `evergreen run` with and without its helper thread (vm/cli/fast-path.ts: the data file read and
// half of the JSON numbers written on a second thread) prints the same bytes, the same warnings and
// the same errors: the helper is only ever a faster way to the same output. EVERGREEN_HELPER=1 forces
// it on (whatever the machine's load), 0 off.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
let dir = '';

function cli(helper: '0' | '1', args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, EVERGREEN_HELPER: helper, EVERGREEN_HELPER_TRACE: '1' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** 120,000 one-minute bars (enough numbers for the JSON to be split), a few with high < low. */
function bars(): string {
  const rows = ['time,open,high,low,close,volume'];
  let c = 100;
  for (let i = 0; i < 120_000; i++) {
    c += Math.sin(i * 0.37) * 0.5;
    const bad = i % 40_000 === 7;
    rows.push(`${1704067200 + 60 * i},${c.toFixed(2)},${(bad ? c - 2 : c + 1).toFixed(2)},${(c - 1).toFixed(2)},${(c + 0.25).toFixed(2)},${1000 + (i % 97)}`);
  }
  return `${rows.join('\n')}\n`;
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-helper-'));
  writeFileSync(join(dir, 's.pine'), '//@version=6\nindicator("s")\nplot(ta.sma(close, 14), "sma")\nplot(ta.rsi(close, 14))\nplot(na(close[1]) ? na : close - close[1], "change")\n');
  writeFileSync(join(dir, 'bars.csv'), bars());
  // The same bars with a decimal comma on line 90,000: an error after most of the file.
  const lines = bars().split('\n');
  lines[89_999] = (lines[89_999] ?? '').replace(/,(\d+)\.(\d+),/, ',$1,$2,');
  writeFileSync(join(dir, 'bad.csv'), lines.join('\n'));
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('JSON to a file and to stdout, and CSV: the same bytes and warnings with the helper as without', () => {
  const s = join(dir, 's.pine');
  const data = join(dir, 'bars.csv');
  for (const [fmt, to] of [['json', 'file'], ['json', 'stdout'], ['csv', 'file']] as const) {
    const outs: string[] = [];
    const errs: string[] = [];
    for (const helper of ['0', '1'] as const) {
      const out = join(dir, `out-${helper}.${fmt}`);
      const r = cli(helper, ['run', s, '--data', data, '--format', fmt, ...(to === 'file' ? ['--out', out] : [])]);
      expect(r.code).toBe(0);
      outs.push(to === 'file' ? readFileSync(out, 'utf8') : r.out);
      errs.push(r.err);
    }
    expect(outs[1]).toBe(outs[0]);
    // The helper did its part (EVERGREEN_HELPER_TRACE lines), and nothing else differs on stderr.
    const traced = (errs[1] ?? '').split('\n').filter((l) => l.startsWith('evergreen: helper: '));
    expect(traced[0]).toBe('evergreen: helper: read 120000 bars');
    // JSON: the helper wrote the batches of numbers it reached while the script ran (how many
    // depends on the two threads' speeds), the main thread the rest.
    if (fmt === 'json') expect(traced[1]).toMatch(/^evergreen: helper: wrote \d+ of 14 batches of JSON numbers$/);
    expect((errs[1] ?? '').split('\n').filter((l) => !l.startsWith('evergreen: helper: ')).join('\n')).toBe(errs[0]);
    expect(errs[0]).toMatch(/bars\.csv:9: high [\d.]+ is below low [\d.]+ \(3 rows have high < low; this is the first\)/);
  }
  // What it wrote: 120,000 numbers per plot, the first SMA on bar 13.
  const json = JSON.parse(readFileSync(join(dir, 'out-1.json'), 'utf8')) as { bars: number; plots: Record<string, (number | null)[]> };
  expect(json.bars).toBe(120_000);
  expect(Object.keys(json.plots)).toEqual(['sma', 'plot0', 'change']);
  expect(json.plots.sma?.[12]).toBeNull();
  expect(typeof json.plots.sma?.[13]).toBe('number');
});

test('JSON with a snapshot saved (the numbers split in two parts) and with the data file named without --data', () => {
  const s = join(dir, 's.pine');
  const data = join(dir, 'bars.csv');
  const runs = [
    ['run', s, '--data', data, '--save', join(dir, 'snap-HELPER.bin')],
    ['run', s, data],
  ];
  for (const args of runs) {
    const without = cli('0', args.map((x) => x.replace('HELPER', '0')));
    const withHelper = cli('1', args.map((x) => x.replace('HELPER', '1')));
    expect(without.code).toBe(0);
    expect(withHelper.code).toBe(0);
    expect(withHelper.out).toBe(without.out);
    expect(JSON.parse(without.out).bars).toBe(120_000);
    const traced = withHelper.err.split('\n').filter((l) => l.startsWith('evergreen: helper: '));
    if (args.includes('--save')) expect(traced).toEqual(['evergreen: helper: read 120000 bars', 'evergreen: helper: wrote 198000 of 360000 JSON numbers']);
    // The data file named without --data: the helper does not read it (the main thread does).
    else expect(traced).toEqual([expect.stringMatching(/^evergreen: helper: wrote \d+ of 14 batches of JSON numbers$/)]);
  }
  expect(readFileSync(join(dir, 'snap-1.bin'))).toEqual(readFileSync(join(dir, 'snap-0.bin')));
});

test('a malformed row deep in the file: the same one-line error with the helper as without', () => {
  const s = join(dir, 's.pine');
  const data = join(dir, 'bad.csv');
  const without = cli('0', ['run', s, '--data', data, '--out', join(dir, 'x.json')]);
  const withHelper = cli('1', ['run', s, '--data', data, '--out', join(dir, 'y.json')]);
  expect(without.code).toBe(1);
  expect(withHelper.code).toBe(1);
  // The helper met the bad row too and left the file to the main thread, which reports it.
  expect(withHelper.err).toBe(`evergreen: helper: left the bars to the main thread\n${without.err}`);
  expect(without.err).toMatch(/^evergreen: .*bad\.csv:90000: the row has 7 fields, the header 6/);
});
