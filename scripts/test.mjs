// `npm test`: type-checks, runs the unit tests (Vitest) and the end-to-end tests (Playwright in
// Debian's Chromium), writes both JSON reports to reports/, and ends with `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, 'reports');
mkdirSync(reports, { recursive: true });
const only = process.argv[2]; // 'unit' | 'e2e' | undefined (both)

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

let passed = 0;
let failed = 0;
let problems = 0;

if (!only) {
  console.log('\n== Type-check ==');
  if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) problems++;
  if (run('npx', ['tsc', '-p', 'vm/tsconfig.json', '--noEmit']) !== 0) problems++;
  if (run('npx', ['tsc', '-p', 'vm/cli/tsconfig.json', '--noEmit']) !== 0) problems++;
  if (run('npx', ['tsc', '-p', 'tests/tsconfig.json', '--noEmit']) !== 0) problems++;
}

if (!only || only === 'unit') {
  console.log('\n== Unit tests (Vitest) ==');
  const out = join(reports, 'vitest.json');
  run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    passed += j.numPassedTests ?? 0;
    failed += (j.numFailedTests ?? 0) + (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    if ((j.numFailedTestSuites ?? 0) > 0 && (j.numFailedTests ?? 0) === 0) problems++;
  } else problems++;
}

const hasE2e = existsSync(join(root, 'e2e')) && readdirSync(join(root, 'e2e')).some((f) => f.endsWith('.spec.ts'));
if ((!only || only === 'e2e') && hasE2e) {
  console.log('\n== End-to-end tests (Playwright, Chromium) ==');
  const out = join(reports, 'playwright.json');
  run('npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    const s = j.stats ?? {};
    passed += (s.expected ?? 0) + (s.flaky ?? 0);
    failed += (s.unexpected ?? 0) + (s.skipped ?? 0);
    if ((j.errors ?? []).length > 0) problems++;
  } else problems++;
}

if (problems > 0) failed += problems;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
