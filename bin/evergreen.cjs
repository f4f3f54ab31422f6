#!/usr/bin/env node
// The `evergreen` command: runs the CLI bundle built by `npm install` (scripts/build-cli.mjs).
// In a checkout, the bundle is rebuilt first when it is missing or older than one of the files it
// was built from (so `git pull` without `npm install` never runs stale code). CommonJS: Node starts
// an ES module entry point ~10-15 ms slower (its module loader, and a module wrapper for each
// builtin imported); bin/evergreen.mjs, the entry point of earlier versions, runs this file.
//
// The bundle (CommonJS, dist-cli/evergreen.cjs) is compiled with `node:vm` and a V8 code cache
// (dist-cli/evergreen.cache): with it, a process skips parsing the bundle and compiling the
// functions an earlier run compiled (~40-60 ms of a ~100 ms load here). The cache is written after
// a successful `run` whenever it is missing, made for another build (the id on the bundle's first
// line), damaged (its checksum, below) or rejected by V8 (another Node version or V8 flags);
// writing it is best effort. V8 checks a cache's version, flags and length itself, but release
// builds of V8 do not checksum its bytes: a cache damaged on disk made V8's deserializer crash the
// process (a fatal error), so the file carries a checksum of its own, and damaged bytes are never
// given to V8. (V8's own checksum, `--verify-snapshot-checksum`, is process-wide: it also made
// every worker thread check Node's start-up snapshot, ~45 ms of CPU for the helper thread.)
'use strict';
const { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const root = join(__dirname, '..');
// Modules only some runs need are loaded when needed (each costs start-up time).
const dist = join(root, 'dist-cli');
const bundle = join(dist, 'evergreen.cjs');
const cacheFile = join(dist, 'evergreen.cache');
const workerFile = join(dist, 'evergreen-worker.cjs');
const argv = process.argv.slice(2);

/** `run`'s `--data` file as given (`--data f` or `--data=f`), or null. */
function dataFile(args) {
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--data') return args[i + 1] ?? null;
    if (args[i].startsWith('--data=')) return args[i].slice(7);
  }
  return null;
}

/** The helper thread for `run` (see above), or null. Only when asked for (EVERGREEN_HELPER=1): on
 * the two-core machine this was measured on, a run with it was slower even with an idle core (12
 * alternating runs of bench (a) at load 1.3: median 402 ms with it, 297 ms without; BENCHMARKS.md,
 * "Stop 21 — lead's check"): its start-up (~40 ms of CPU) and the hand-overs cost more than the
 * work it takes off the main thread now that the CSV reader and the JSON writer are fast. */
function startHelper() {
  if (argv[0] !== 'run' || argv.includes('--help') || argv.includes('-h') || !existsSync(workerFile)) return null;
  if (process.env.EVERGREEN_HELPER !== '1') return null;
  try {
    const data = dataFile(argv);
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const { MessageChannel, Worker, receiveMessageOnPort } = require('node:worker_threads');
    const { port1, port2 } = new MessageChannel();
    const path = data === '-' ? null : data;
    const worker = new Worker(workerFile, { workerData: { path, flags, port: port2 }, transferList: [port2] });
    worker.on('error', () => {}); // the main thread does the work itself (fast-path.ts)
    worker.unref();
    port1.unref();
    return { dataPath: path, flags, port: port1, worker, receive: receiveMessageOnPort };
  } catch {
    return null;
  }
}
let helper = startHelper();

/** Whether a .ts file under `dir` was modified after `time` (ms). Paths are joined by hand:
 * path.join (normalising each of the ~170 paths) was half of this check's ~7 ms. */
function newerSource(dir, time) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (newerSource(p, time)) return true;
    } else if (e.name.endsWith('.ts') && statSync(p).mtimeMs > time) return true;
  }
  return false;
}

/** Whether the bundle is older than a file it was made from: the files its build listed on its
 * `//evergreen-inputs:` line (scripts/build-cli.mjs), one stat each (a missing one is a change);
 * a bundle without the line (an earlier build) is checked against every .ts under vm/. */
function staleInputs(text, time) {
  const at = text.lastIndexOf('\n//evergreen-inputs:');
  if (at < 0) return newerSource(`${root}/vm`, time);
  const end = text.indexOf('\n', at + 1);
  const list = text.slice(at + 20, end < 0 ? text.length : end).split('|');
  for (let i = 0; i < list.length; i++) {
    const s = statSync(`${root}/${list[i]}`, { throwIfNoEntry: false });
    if (s === undefined || s.mtimeMs > time) return true;
  }
  return false;
}

// esbuild writes ASCII only, so latin1 reads the text as it is, without UTF-8 decoding.
let source = existsSync(bundle) ? readFileSync(bundle, 'latin1') : null;
const canBuild = existsSync(join(root, 'node_modules/esbuild')) && existsSync(join(root, 'vm/cli/main.ts'));
const stale = source === null || (canBuild && staleInputs(source, statSync(bundle).mtimeMs));
if (stale) {
  if (helper !== null) void helper.worker.terminate(); // it runs the previous build's code
  helper = null;
  try {
    require('node:child_process').execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    if (!existsSync(bundle)) {
      process.stderr.write('evergreen: the command could not be built (run `npm install` in the Evergreen folder)\n');
      process.exit(1);
    }
    process.stderr.write('evergreen: warning: rebuilding from vm/ failed; running the previous build\n');
  }
  source = readFileSync(bundle, 'latin1');
}
const build = source.slice(0, source.indexOf('\n'));
/** A checksum of V8's bytes (FNV-1a over 32-bit words, then the bytes left): ~2 ms for the ~700 kB
 * cache. */
function checksum(data) {
  const bytes = data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
  const words = bytes.length >> 2;
  const w = new Int32Array(bytes.buffer, bytes.byteOffset, words);
  let h = 0x811c9dc5;
  for (let i = 0; i < words; i++) h = Math.imul(h ^ w[i], 16777619);
  for (let i = words << 2; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return (h >>> 0).toString(16);
}
/** The cache file: a header line, `<the bundle's first line> <checksum>` padded with spaces so
 * that V8's bytes, after it, start at a multiple of 4; then V8's bytes. */
function cacheHeader(data) {
  const line = `${build} ${checksum(data)}`;
  return `${line.padEnd(line.length + 3 - ((line.length + 1 + 3) % 4))}\n`;
}
let cached;
try {
  const bytes = readFileSync(cacheFile);
  const nl = bytes.indexOf(10);
  // A file of its own size: its bytes start at 0 of their buffer, so V8's at a multiple of 4.
  if (nl > 0 && (bytes.byteOffset + nl + 1) % 4 === 0 && bytes.latin1Slice(0, build.length + 1) === `${build} `) {
    const data = bytes.subarray(nl + 1);
    if (`${bytes.latin1Slice(0, nl)}\n` === cacheHeader(data)) cached = data;
  }
} catch {
  cached = undefined;
}
// The wrapper keeps the bundle's line numbers (its source map's) and gives it CommonJS's names.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData: cached,
});
const cli = { exports: {} };
// The bundle's `require` is this file's: bin/ and dist-cli/ are siblings, so packages (msgpackr,
// re2js) resolve the same from either, and node:module (createRequire) need not be loaded.
script.runInThisContext()(cli.exports, require, cli, bundle, dist);
if (helper !== null) cli.exports.useHelper(helper);
cli.exports.main(argv).then((code) => {
  process.exitCode = code;
  // Made after a run (compiler, VM, data and output code compiled), the command that matters for speed.
  if ((cached === undefined || script.cachedDataRejected === true) && argv[0] === 'run' && code === 0) {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      const data = script.createCachedData();
      writeFileSync(tmp, Buffer.concat([Buffer.from(cacheHeader(data), 'latin1'), data]));
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only install: run without the cache
    }
  }
});
