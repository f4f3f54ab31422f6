// Bundles the `evergreen` CLI (vm/cli/main.ts) into dist-cli/evergreen.mjs with esbuild.
// Runs on `npm install` (prepare) so that `npx evergreen` works right after installing.
// Each output file is written under a temporary name and renamed, so a command started while the
// bundle is being rebuilt reads either the old file or the new one, never half of one.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'vm/cli/main.ts');
if (!existsSync(entry)) {
  console.log('build-cli: vm/cli/main.ts not present yet, skipped');
  process.exit(0);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const result = await build({
  entryPoints: [entry],
  outfile: join(root, 'dist-cli/evergreen.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['msgpackr'],
  define: { __EVERGREEN_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
  write: false,
});
mkdirSync(join(root, 'dist-cli'), { recursive: true });
// The map first: the bundle's mtime is what bin/evergreen.mjs compares with the sources.
const files = [...result.outputFiles].sort((a, b) => (a.path.endsWith('.map') ? -1 : b.path.endsWith('.map') ? 1 : 0));
for (const f of files) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
