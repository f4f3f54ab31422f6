// Bundles the `evergreen` CLI (vm/cli/main.ts) into dist-cli/evergreen.mjs with esbuild.
// Runs on `npm install` (prepare) so that `npx evergreen` works right after installing.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'vm/cli/main.ts');
if (!existsSync(entry)) {
  console.log('build-cli: vm/cli/main.ts not present yet, skipped');
  process.exit(0);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
await build({
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
});
