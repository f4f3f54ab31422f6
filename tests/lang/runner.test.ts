// The language test suite: every tests/lang/<area>/*.pine file is one test, its expectations written
// inline as `// @...` comments (format: tests/lang/README.md). A file passes when every diagnostic,
// plot value, log entry and runtime error is exactly what it states.

import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { runFile } from './run.js';

const ROOT = dirname(fileURLToPath(import.meta.url));

function pineFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...pineFiles(p));
    else if (e.name.endsWith('.pine')) out.push(p);
  }
  return out.sort();
}

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

afterAll(() => {
  console.log(`tests/lang: ${files.length} files, ${assertions} expectations`);
});
