#!/usr/bin/env node
// The `evergreen` command: runs the CLI bundle built by `npm install` (scripts/build-cli.mjs).
// In a checkout, the bundle is rebuilt first when it is missing or older than a source in vm/
// (so `git pull` without `npm install` never runs stale code).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist-cli/evergreen.mjs');

/** Newest modification time (ms) of a .ts file under `dir`, or 0. */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const canBuild = existsSync(join(root, 'node_modules/esbuild')) && existsSync(join(root, 'vm/cli/main.ts'));
const stale = !existsSync(bundle) || (canBuild && newestSource(join(root, 'vm')) > statSync(bundle).mtimeMs);
if (stale) {
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    if (!existsSync(bundle)) {
      process.stderr.write('evergreen: the command could not be built (run `npm install` in the Evergreen folder)\n');
      process.exit(1);
    }
    process.stderr.write('evergreen: warning: rebuilding from vm/ failed; running the previous build\n');
  }
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));
