// bin/evergreen.cjs rebuilds the CLI's bundle in a checkout when a file the bundle was built from is
// newer than the bundle or gone (so `git pull` without `npm install` never runs stale code). The
// build lists those files on the bundle's `//evergreen-inputs:` line (scripts/build-cli.mjs); the
// command stats them alone. Here the command runs from a copy of bin/ and dist-cli/ in a temporary
// folder with a vm/ of its own and no scripts/: a rebuild there fails, and the command says so on
// stderr before running the previous build - which is how these tests see that it tried.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const REBUILD_FAILED = 'evergreen: warning: rebuilding from vm/ failed; running the previous build\n';
const VERSION = `evergreen ${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`;
let dir = '';
let built = '';

function version(): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(dir, 'bin/evergreen.cjs'), '--version'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Writes the bundle with `inputs` as its list (null: no list, as builds before the list had). */
function writeBundle(inputs: string[] | null): void {
  const text = inputs === null ? built.replace(/\n\/\/evergreen-inputs:[^\n]*/, '') : built.replace(/\n\/\/evergreen-inputs:[^\n]*/, `\n//evergreen-inputs:${inputs.join('|')}`);
  writeFileSync(join(dir, 'dist-cli/evergreen.cjs'), text, 'latin1');
}

/** Sets a file's modification time `seconds` from now. */
function age(path: string, seconds: number): void {
  const t = Date.now() / 1000 + seconds;
  utimesSync(path, t, t);
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
  built = readFileSync(join(ROOT, 'dist-cli/evergreen.cjs'), 'latin1');
  dir = mkdtempSync(join(tmpdir(), 'evergreen-stale-'));
  for (const d of ['bin', 'dist-cli', 'vm/cli', 'vm/core', 'node_modules']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(join(ROOT, 'bin/evergreen.cjs'), join(dir, 'bin/evergreen.cjs'));
  // What tells bin that it is in a checkout that can build: esbuild and vm/cli/main.ts.
  symlinkSync(join(ROOT, 'node_modules/esbuild'), join(dir, 'node_modules/esbuild'));
  writeFileSync(join(dir, 'vm/cli/main.ts'), '// main\n');
  writeFileSync(join(dir, 'vm/core/a.ts'), '// a\n');
  writeFileSync(join(dir, 'vm/core/unused.ts'), '// not in the bundle\n');
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('the built bundle lists the checkout files it was made from, and no package', () => {
  const line = /\n\/\/evergreen-inputs:([^\n]*)/.exec(built)?.[1] ?? '';
  const inputs = line.split('|');
  expect(inputs).toContain('vm/cli/main.ts');
  expect(inputs).toContain('vm/builtins/registry.ts');
  expect(inputs.every((p) => p.startsWith('vm/'))).toBe(true);
});

test('a bundle newer than every listed file runs without a rebuild', () => {
  age(join(dir, 'vm/cli/main.ts'), -100);
  age(join(dir, 'vm/core/a.ts'), -100);
  age(join(dir, 'vm/core/unused.ts'), 100); // newer, but the bundle was not made from it
  writeBundle(['vm/cli/main.ts', 'vm/core/a.ts']);
  expect(version()).toEqual({ code: 0, out: VERSION, err: '' });
});

test('a listed file newer than the bundle makes bin rebuild it', () => {
  writeBundle(['vm/cli/main.ts', 'vm/core/a.ts']);
  age(join(dir, 'vm/core/a.ts'), 100);
  const r = version();
  expect(r.err).toContain(REBUILD_FAILED);
  expect(r.out).toBe(VERSION); // then the previous build runs
  age(join(dir, 'vm/core/a.ts'), -100);
});

test('a listed file that is gone makes bin rebuild the bundle', () => {
  writeBundle(['vm/cli/main.ts', 'vm/core/gone.ts', 'vm/core/a.ts']);
  expect(version().err).toContain(REBUILD_FAILED);
});

test('a bundle without the list (an earlier build) is checked against every .ts under vm/', () => {
  age(join(dir, 'vm/core/unused.ts'), -100);
  writeBundle(null);
  expect(version().err).toBe('');
  age(join(dir, 'vm/core/unused.ts'), 100);
  expect(version().err).toContain(REBUILD_FAILED);
});
