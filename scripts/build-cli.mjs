// Bundles the `evergreen` CLI (vm/cli/main.ts, through vm/cli/bundle.ts) into dist-cli/evergreen.cjs
// with esbuild, and its helper thread (vm/cli/fast-worker.ts) into dist-cli/evergreen-worker.cjs.
// Runs on `npm install` (prepare) so that `npx evergreen` works right after installing.
//
// The bundle is CommonJS, loaded by bin/evergreen.cjs through `node:vm` with a V8 code cache
// (dist-cli/evergreen.cache, written by bin after the first run of each build): a process then
// skips parsing and compiling most of the bundle (see BENCHMARKS.md, "whole process"). Its first
// line names the build (`//evergreen-build:<id>`), and the cache records the id it was made from,
// so a cache is never used with another build. msgpackr (snapshots only) and re2js (regular
// expressions) are loaded on first use.
//
// Each output file is written under a temporary name and renamed, so a command started while the
// bundle is being rebuilt reads either the old file or the new one, never half of one.
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'vm/cli/bundle.ts');
if (!existsSync(entry)) {
  console.log('build-cli: vm/cli/bundle.ts not present yet, skipped');
  process.exit(0);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist-cli');

/** `msgpackr` as a module whose Packr loads the real one on its first pack or unpack: a run that
 * never saves or reads a snapshot does not pay for loading it (~25 ms). */
const lazyMsgpackr = {
  name: 'lazy-msgpackr',
  setup(b) {
    // The shim's own require('msgpackr') is the real package, loaded at run time.
    b.onResolve({ filter: /^msgpackr$/ }, (a) => (a.namespace === 'lazy' ? { path: 'msgpackr', external: true } : { path: 'msgpackr', namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      loader: 'js',
      contents: `export class Packr {
  constructor(options) { this.options = options; this.real = null; }
  load() { return (this.real ??= new (require('msgpackr').Packr)(this.options)); }
  pack(value) { return this.load().pack(value); }
  unpack(bytes) { return this.load().unpack(bytes); }
}`,
    }));
  },
};

/** `re2js` (Pine's regular expressions: str.match and friends) as a module whose RE2JS loads the
 * real one on first use: it is a sixth of the bundle, and its load-time set-up ran in every process. */
const lazyRe2js = {
  name: 'lazy-re2js',
  setup(b) {
    b.onResolve({ filter: /^re2js$/ }, (a) => (a.namespace === 'lazy-re2js' ? { path: 're2js', external: true } : { path: 're2js', namespace: 'lazy-re2js' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-re2js' }, () => ({
      loader: 'js',
      contents: `let real = null;
const load = () => (real ??= require('re2js').RE2JS);
export const RE2JS = new Proxy({}, {
  get(_, key) {
    const v = load()[key];
    return typeof v === 'function' ? v.bind(load()) : v;
  },
});`,
    }));
  },
};

const id = randomBytes(8).toString('hex');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // EVERGREEN_NO_MINIFY=1 keeps the names (for reading CPU profiles).
  minify: process.env.EVERGREEN_NO_MINIFY !== '1',
  // Functions' `name` properties are not kept in the minified bundle: nothing in the CLI reads them,
  // and keeping them is a defineProperty call for each of ~1,400 functions and classes, ~1,000 of
  // them at load (top level 25.2 -> 22.5 ms of CPU, 10 alternating runs at load 13; 26 kB smaller).
  keepNames: process.env.EVERGREEN_NO_MINIFY === '1',
  sourcemap: true,
  plugins: [lazyMsgpackr, lazyRe2js],
  define: { __EVERGREEN_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
  // Paths in the metafile (below) from the checkout's root, wherever the build is started from.
  absWorkingDir: root,
  write: false,
};
const [cli, worker] = await Promise.all([
  build({ ...common, entryPoints: [entry], outfile: join(out, 'evergreen.cjs'), banner: { js: `//evergreen-build:${id}` }, metafile: true }),
  build({ ...common, entryPoints: [join(root, 'vm/cli/fast-worker.ts')], outfile: join(out, 'evergreen-worker.cjs') }),
]);
/** The checkout's files the CLI's bundle was made from (paths from the root, `|` between them; no
 * packages, no plugin modules), on a comment line before the source map's: bin/evergreen.cjs
 * stats these alone to tell whether the bundle is stale (one stat each, no walk of vm/: a file
 * no bundled file imports cannot change the bundle, and a new import changes the importing file). */
const inputs = Object.keys(cli.metafile.inputs)
  .filter((p) => !p.includes(':') && !p.startsWith('node_modules/') && existsSync(join(root, p)))
  .sort();
for (const f of cli.outputFiles) {
  if (!f.path.endsWith('evergreen.cjs')) continue;
  const text = f.text;
  const at = text.lastIndexOf('\n//# sourceMappingURL=');
  if (at < 0 || inputs.some((p) => p.includes('|') || p.includes('\n'))) continue; // bin walks vm/ then
  f.contents = Buffer.from(`${text.slice(0, at)}\n//evergreen-inputs:${inputs.join('|')}${text.slice(at)}`, 'latin1');
}
const result = { outputFiles: [...worker.outputFiles, ...cli.outputFiles] };
mkdirSync(out, { recursive: true });
// The CLI's bundle last: its mtime is what bin/evergreen.cjs compares with the sources.
const files = [...result.outputFiles].sort((a, b) => (a.path.endsWith('evergreen.cjs') ? 1 : b.path.endsWith('evergreen.cjs') ? -1 : 0));
for (const f of files) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
// The bundle of earlier versions (an ES module), if a checkout still has it.
rmSync(join(out, 'evergreen.mjs'), { force: true });
rmSync(join(out, 'evergreen.mjs.map'), { force: true });
