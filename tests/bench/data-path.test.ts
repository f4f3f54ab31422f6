// The end-to-end bench compares one job done two ways: `evergreen run` of bench (a) over a CSV, and
// PineTS doing the same (bench/pinets-process.mjs). On 3,000 synthetic bars both processes must
// give the same plots (within the bench's tolerance), so that the timing compares equal work.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { syntheticCsv } from '../../bench/data-path.js';

const ROOT = new URL('../..', import.meta.url).pathname;

interface PlotsJson {
  bars: number;
  plots: Record<string, (number | null)[]>;
}

test('evergreen run and the PineTS process write the same plots for bench (a) on the same CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-data-path-'));
  const data = join(dir, 'bars.csv');
  writeFileSync(data, syntheticCsv(3000));
  const script = join(ROOT, 'bench/scripts/a.pine');
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  execFileSync(process.execPath, [join(ROOT, 'bin/evergreen.mjs'), 'run', script, '--data', data, '--out', join(dir, 'ours.json')], { cwd: ROOT });
  execFileSync(process.execPath, [join(ROOT, 'bench/pinets-process.mjs'), script, data, join(dir, 'pinets.json')], { cwd: ROOT });
  const ours = JSON.parse(readFileSync(join(dir, 'ours.json'), 'utf8')) as PlotsJson;
  const theirs = JSON.parse(readFileSync(join(dir, 'pinets.json'), 'utf8')) as PlotsJson;
  expect(theirs.bars).toBe(3000);
  expect(ours.bars).toBe(3000);
  expect(Object.keys(theirs.plots).sort()).toEqual(['ema20', 'rsi14', 'sma14']);
  for (const [title, values] of Object.entries(ours.plots)) {
    const other = theirs.plots[title] ?? [];
    expect(other).toHaveLength(3000);
    // sma14 is na on bars 0..12 in both (13 bars before 14 closes exist); every later value agrees.
    expect(values[12]).toBeNull();
    expect(other[12]).toBeNull();
    for (let i = 0; i < values.length; i++) {
      const a = values[i] ?? null;
      const b = other[i] ?? null;
      if (a === null || b === null) expect([title, i, a]).toEqual([title, i, b]);
      else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-8 + 1e-5 * Math.abs(a));
    }
  }
}, 120_000);
