// The language test suite: every tests/lang/<area>/*.pine file is one test, its expectations written
// inline as `// @...` comments (format: tests/lang/README.md). A file passes when every diagnostic,
// plot value, log entry and runtime error is exactly what it states.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { barsOf, pineFiles, runFile } from './run.js';

const ROOT = dirname(fileURLToPath(import.meta.url));

const files = pineFiles(ROOT);
let assertions = 0;

describe('Pine language (tests/lang)', () => {
  test('the suite has files', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    const name = relative(ROOT, file);
    test(name, () => {
      const r = runFile(file);
      assertions += r.assertions;
      expect(r.assertions, `${name} states no expectation`).toBeGreaterThan(0);
      expect(r.failures, `${name}:\n${r.failures.join('\n')}`).toEqual([]);
    });
  }
});

describe('Pine language in the interpreter tier (the same expectations as the compiled tier)', () => {
  for (const file of files) {
    const name = relative(ROOT, file);
    test(name, () => {
      const r = runFile(file, { interpreted: true });
      expect(r.failures, `${name} (interpreted):\n${r.failures.join('\n')}`).toEqual([]);
    });
  }
});

describe('Pine language across a snapshot (saved mid-run, restored, continued)', () => {
  for (const file of files) {
    const bars = barsOf(file);
    if (bars === null || bars < 2) continue;
    const name = relative(ROOT, file);
    const at = Math.floor(bars / 2);
    test(`${name} restored at bar ${at}`, () => {
      const r = runFile(file, { snapshotAt: at });
      expect(r.failures, `${name} (restored at bar ${at}):\n${r.failures.join('\n')}`).toEqual([]);
    });
  }
});

describe('every compile error code has a language test', () => {
  // The codes the lexer, parser and lowering pass can report (E999 marks internal guards).
  const compiler = join(ROOT, '..', '..', 'vm', 'compiler');
  const codes = new Set<string>();
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
  for (const f of sources(compiler)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/'([EW]\d{3})'/g)) if (m[1] && m[1] !== 'E999') codes.add(m[1]);
  }
  const expected = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/@expect-(?:error|warning) \d*:\d+ ([EW]\d{3})/g)) if (m[1]) expected.add(m[1]);
  }
  test('the compiler reports codes', () => {
    expect(codes.size).toBeGreaterThan(40);
  });
  for (const code of [...codes].sort()) {
    test(code, () => {
      expect(expected.has(code), `no tests/lang file expects ${code}`).toBe(true);
    });
  }
});

afterAll(() => {
  console.log(`tests/lang: ${files.length} files, ${assertions} expectations`);
});
