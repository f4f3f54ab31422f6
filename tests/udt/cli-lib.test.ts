// The CLI's --lib: `evergreen run script.pine --data bars.csv --lib geo.pine` runs a script that
// imports the library; without --lib, the one error names the library at its line:column.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
let dir = '';

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evergreen-lib-'));
  writeFileSync(join(dir, 'geo.pine'), '//@version=6\nlibrary("Geo")\nexport twice(float x) => x * 2\n');
  writeFileSync(join(dir, 'main.pine'), '//@version=6\nindicator("m")\nimport someone/Geo/1 as G\nplot(G.twice(close), "t")\n');
  writeFileSync(join(dir, 'bars.csv'), 'time,open,high,low,close\n2024-01-01,1,2,0,1.5\n2024-01-02,2,3,1,2.5\n');
}, 120_000);

describe('evergreen --lib', () => {
  test('run with --lib calls the library', () => {
    const r = cli(['run', 'main.pine', '--data', 'bars.csv', '--lib', 'geo.pine']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // close = 1.5, 2.5 → twice: 3, 5
    expect(JSON.parse(r.out).plots.t).toEqual([3, 5]);
  }, 120_000);

  test('without --lib: one error at the import naming the library', () => {
    const r = cli(['check', 'main.pine']);
    expect(r.code).toBe(1);
    expect(r.out).toContain("main.pine:3:1: E503: The library 'someone/Geo/1' is not available");
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(cli(['check', 'main.pine', '--lib', 'geo.pine']).code).toBe(0);
  }, 120_000);
});
