// The CLI's V8 code cache (dist-cli/evergreen.cache, written by bin/evergreen.cjs after a `run`):
// a cache that is missing, damaged, cut short, made for another build or not a cache at all is
// ignored - the command prints the same output and exits as without one - and replaced by a good
// one after the run. (A damaged cache used to crash the process inside V8.) The command runs from a
// copy of bin/ and dist-cli/ in a temporary folder, so that the cache of the checkout, which other
// tests use at the same time, is never touched.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
let dir = '';
let cacheFile = '';

/** Closes 1, 2, ... 300 and the script's plot of close * 2 + 1, worked out here. */
const BARS = 300;
const EXPECTED = Array.from({ length: BARS }, (_, i) => 2 * (i + 1) + 1);

function run(entry = 'evergreen.cjs'): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(dir, 'bin', entry), 'run', join(dir, 's.pine'), '--data', join(dir, 'bars.csv')], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, EVERGREEN_HELPER: '0' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function expectGoodRun(r: { code: number; out: string; err: string }): void {
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const json = JSON.parse(r.out) as { bars: number; plots: Record<string, number[]> };
  expect(json.bars).toBe(BARS);
  expect(json.plots.twice).toEqual(EXPECTED);
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  dir = mkdtempSync(join(tmpdir(), 'evergreen-cache-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist-cli'));
  for (const f of ['evergreen.cjs', 'evergreen.mjs']) copyFileSync(join(ROOT, 'bin', f), join(dir, 'bin', f));
  for (const f of ['evergreen.cjs', 'evergreen-worker.cjs']) copyFileSync(join(ROOT, 'dist-cli', f), join(dir, 'dist-cli', f));
  cacheFile = join(dir, 'dist-cli/evergreen.cache');
  writeFileSync(join(dir, 's.pine'), '//@version=6\nindicator("s")\nplot(close * 2 + 1, "twice")\n');
  const rows = ['time,open,high,low,close,volume'];
  for (let i = 0; i < BARS; i++) rows.push(`${1704067200 + 60 * i},${i + 1},${i + 1.5},${i + 0.5},${i + 1},100`);
  writeFileSync(join(dir, 'bars.csv'), `${rows.join('\n')}\n`);
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The cache's header line (the bundle's build line and a checksum) and V8's bytes after it. */
function readCache(): { header: string; data: Buffer } {
  const bytes = readFileSync(cacheFile);
  const nl = bytes.indexOf(10);
  return { header: bytes.subarray(0, nl).toString('latin1'), data: bytes.subarray(nl + 1) };
}

test('the first run writes the cache; later runs use it and print the same', () => {
  rmSync(cacheFile, { force: true });
  expectGoodRun(run());
  expect(existsSync(cacheFile)).toBe(true);
  const build = readFileSync(join(dir, 'dist-cli/evergreen.cjs'), 'latin1').split('\n')[0] ?? '';
  const first = readFileSync(cacheFile);
  expect(readCache().header.startsWith(`${build} `)).toBe(true);
  expect(readCache().data.length).toBeGreaterThan(10_000);
  expectGoodRun(run());
  expect(readFileSync(cacheFile).equals(first)).toBe(true); // a good cache is kept as it is
  expectGoodRun(run('evergreen.mjs')); // the entry point of earlier versions
});

test('a damaged, cut, foreign or garbage cache is ignored, then replaced by a good one', () => {
  rmSync(cacheFile, { force: true });
  expectGoodRun(run());
  const good = readFileSync(cacheFile);
  const { header, data } = readCache();
  const flipped = (count: number): Buffer => {
    const d = Buffer.from(data);
    for (let k = 0; k < count; k++) {
      const at = 64 + Math.floor(((k + 1) / (count + 1)) * (d.length - 64));
      d[at] = (d[at] ?? 0) ^ 0x5a;
    }
    return Buffer.concat([Buffer.from(`${header}\n`, 'latin1'), d]);
  };
  const otherBuild = Buffer.from(good);
  otherBuild[18] = otherBuild[18] === 0x30 ? 0x31 : 0x30; // a digit of the build id
  const bad: [string, Buffer][] = [
    ['one byte changed', flipped(1)],
    ['a hundred bytes changed', flipped(100)],
    ['cut short', good.subarray(0, good.length >> 1)],
    ['only the header', good.subarray(0, header.length + 1)],
    ['another build', otherBuild],
    ['V8 bytes without a header', data],
    ['not a cache', Buffer.from('hello\nworld\n')],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [what, bytes] of bad) {
    writeFileSync(cacheFile, bytes);
    const r = run();
    expect({ what, err: r.err, code: r.code }).toEqual({ what, err: '', code: 0 });
    expectGoodRun(r);
    const now = readCache();
    expect(now.header.startsWith(header.split(' ')[0] ?? '')).toBe(true);
    expect(readFileSync(cacheFile).equals(bytes)).toBe(false);
    expectGoodRun(run()); // and the new cache is a good one
  }
});
