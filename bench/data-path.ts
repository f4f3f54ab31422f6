// The data path of `evergreen run`, measured (issue 10 item 6): how fast the CSV loader reads the
// 200k-bar synthetic file (MB/s), how fast the CLI's JSON and CSV writers write bench (a)'s plots
// over those bars (MB/s), and the whole job end to end - `node bin/evergreen.cjs run` of bench (a)
// over the 200k-bar CSV to a JSON file, as a fresh process - against PineTS doing the same job
// (bench/pinets-process.mjs: read the same CSV, run the same script, write JSON), alternating the
// two in the same run, with the floors of each alternating with them: `node -e 0` (Node's own
// start-up and exit), Node importing PineTS and nothing else, and `evergreen --version` (Node
// loading the CLI's bundle); and `evergreen run` with its helper thread forced on and off
// (EVERGREEN_HELPER=1/0; by default it is off). The load average
// is taken before and after. Part of `npm run bench`; alone:
//
//   node --expose-gc --import tsx bench/data-path.ts [--quick] [--whole] [--rounds N]
//
// (--whole: the whole-process rows only; --rounds: how many alternating rounds, default 5.)

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile, Instance } from '../vm/index.js';
import { parseBarsCsv } from '../vm/data/csv.js';
import { parseBarsBytes } from '../vm/data/csv-bytes.js';
import { plotColumns, TextSink, toCsv, toJson } from '../vm/cli/output.js';
import { barsToCsv } from './csv-speed.js';
import { collectGarbage, summarize } from './measure.js';
import { syntheticBars } from './synthetic.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DATA_PATH_BARS = 200_000;

export interface Throughput {
  bytes: number;
  medianMs: number;
  mbPerSec: number;
  /** The same by the process's CPU time (user + system) over each run: steadier on a busy machine,
   * where a run's wall time includes the time other processes had the core. */
  cpuMedianMs: number;
  cpuMbPerSec: number;
}

export interface DataPathResult {
  bars: number;
  csvParse: Throughput;
  /** The byte loader on the file's bytes (what `evergreen run` reads a plain numeric file with). */
  csvBytesParse: Throughput;
  jsonWrite: Throughput;
  csvWrite: Throughput;
}

export interface EndToEndResult {
  bars: number;
  csvBytes: number;
  runs: number;
  /** Wall time of each whole process, in run order. */
  evergreenMs: number[];
  pinetsMs: number[];
  /** CPU time (user + system) of each process, from the OS. */
  evergreenCpuMs: number[];
  pinetsCpuMs: number[];
  /** PineTS's median over ours, of wall and of CPU time. */
  ratio: number;
  cpuRatio: number;
  /** Peak resident set of one process of each, in bytes. */
  evergreenMaxRss: number;
  pinetsMaxRss: number;
  /** Every plot of PineTS's JSON within 1e-8 + 1e-5·|v| of ours (the bench measures one job). */
  agree: boolean;
  /** Wall and CPU times (ms, in run order) of the other processes alternating with the two: the
   * floors (`node -e 0`, Node importing PineTS, `evergreen --version`) and `evergreen run` with the
   * helper thread forced on and off. */
  others: { label: string; ms: number[]; cpuMs: number[] }[];
  /** 1-minute load average before and after the runs. */
  loadBefore: number;
  loadAfter: number;
}

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall and CPU medians of `repeats` runs after `warmup`, a forced GC before each. */
function timeBoth(fn: () => void, warmup: number, repeats: number): { wall: number; cpu: number } {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    collectGarbage();
    const c0 = cpuNowMs();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuNowMs() - c0);
  }
  return { wall: summarize(wall).medianMs, cpu: summarize(cpu).medianMs };
}

function throughput(bytes: number, t: { wall: number; cpu: number }): Throughput {
  return {
    bytes,
    medianMs: t.wall,
    mbPerSec: bytes / 1e6 / (t.wall / 1000),
    cpuMedianMs: t.cpu,
    cpuMbPerSec: bytes / 1e6 / (t.cpu / 1000),
  };
}

/** The 200k-bar synthetic bars as CSV text (unix-second times, as bench/csv-speed.ts writes). */
export function syntheticCsv(n = DATA_PATH_BARS): string {
  return barsToCsv(syntheticBars(n, 1), 'unix-seconds');
}

/** CSV parse, JSON write and CSV write throughputs, warm medians. */
export function dataPath(text: string, repeats = 7): DataPathResult {
  const bytes = Buffer.byteLength(text);
  const parse = timeBoth(() => parseBarsCsv(text), 2, repeats);
  const fileBytes = new TextEncoder().encode(text);
  const bytesParse = timeBoth(() => {
    if (parseBarsBytes(fileBytes, null) === null) throw new Error('the byte loader declined the synthetic file');
  }, 2, repeats);
  const { bars } = parseBarsCsv(text);
  const { program } = compile(readFileSync(join(ROOT, 'bench/scripts/a.pine'), 'utf8'));
  if (!program) throw new Error('bench/scripts/a.pine does not compile');
  const inst = Instance.builder(program).timeframe('1').totalBars(bars.length).build();
  inst.runBars(bars);
  const cols = plotColumns(program, inst, 0, bars.length);
  // Written as the CLI writes to a file: 1 MB chunks handed to a consumer (here one that counts).
  let jsonBytes = 0;
  const json = timeBoth(() => {
    jsonBytes = 0;
    const sink = new TextSink((c) => (jsonBytes += c.length));
    toJson(bars.length, cols, sink).end();
  }, 2, repeats);
  let csvBytes = 0;
  const csv = timeBoth(() => {
    csvBytes = 0;
    const sink = new TextSink((c) => (csvBytes += c.length));
    toCsv(inst, 0, bars.length, cols, sink).end();
  }, 2, repeats);
  return {
    bars: bars.length,
    csvParse: throughput(bytes, parse),
    csvBytesParse: throughput(bytes, bytesParse),
    jsonWrite: throughput(jsonBytes, json),
    csvWrite: throughput(csvBytes, csv),
  };
}

/** The environment the whole-process runs get: this one without the variables that make every Node
 * process do extra work before it runs any code. NODE_EXTRA_CA_CERTS (set on the sandbox this was
 * measured in, for its network proxy) makes Node read and parse a CA bundle at start: `node -e 0`
 * takes ~120 ms with it and ~35 ms without, for Evergreen and PineTS alike. NODE_OPTIONS could add
 * flags to one side only. The rows "… with this machine's environment" show the runs with it. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

interface ProcessRun {
  ms: number;
  cpuMs: number;
  maxRss: number;
}

/** Runs `node args...` as a fresh process; its wall time, and its CPU time and peak RSS as the OS
 * counts them (GNU time's format, read from a file so that the command's own stderr stays apart). */
function timeProcess(args: string[], env: Record<string, string> = {}, base: NodeJS.ProcessEnv = cleanEnv()): ProcessRun {
  const stats = join(tmpdir(), `evergreen-bench-time-${process.pid}.txt`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-o', stats, '-f', '%U %S %M', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...base, ...env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr || r.error?.message || ''}`);
  const [user = 'NaN', sys = 'NaN', rssKb = 'NaN'] = readFileSync(stats, 'utf8').trim().split(/\s+/).slice(-3);
  rmSync(stats, { force: true });
  return { ms, cpuMs: (Number(user) + Number(sys)) * 1000, maxRss: Number(rssKb) * 1024 };
}

function plotsAgree(oursPath: string, theirsPath: string): boolean {
  const ours = JSON.parse(readFileSync(oursPath, 'utf8')) as { plots: Record<string, (number | null)[]> };
  const theirs = JSON.parse(readFileSync(theirsPath, 'utf8')) as { plots: Record<string, (number | null)[]> };
  for (const [title, values] of Object.entries(ours.plots)) {
    const other = theirs.plots[title];
    if (!other || other.length !== values.length) return false;
    for (let i = 0; i < values.length; i++) {
      const a = values[i] ?? null;
      const b = other[i] ?? null;
      if (a === null || b === null) {
        if (a !== b) return false;
      } else if (Math.abs(a - b) > 1e-8 + 1e-5 * Math.abs(a)) return false;
    }
  }
  return true;
}

/** The whole `evergreen run` job against PineTS's, alternating, `runs` of each. */
export function endToEnd(text: string, runs = 5): EndToEndResult {
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-e2e-bench-'));
  try {
    const data = join(dir, 'bars-200k.csv');
    writeFileSync(data, text);
    const script = join(ROOT, 'bench/scripts/a.pine');
    const ours = join(dir, 'evergreen.json');
    const theirs = join(dir, 'pinets.json');
    // A fresh CLI bundle first, so that no run pays for rebuilding it.
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
    const evergreen = [join(ROOT, 'bin/evergreen.cjs'), 'run', script, '--data', data, '--out', ours];
    const pinets = [join(ROOT, 'bench/pinets-process.mjs'), script, data, theirs];
    const others: { label: string; args: string[]; env?: Record<string, string>; base?: NodeJS.ProcessEnv; runs: ProcessRun[] }[] = [
      { label: '`node -e 0` (Node starts and exits)', args: ['-e', '0'], runs: [] },
      { label: '`node -e 0`, with this machine\'s environment (NODE_EXTRA_CA_CERTS set)', args: ['-e', '0'], base: process.env, runs: [] },
      { label: '`evergreen run`, with this machine\'s environment', args: evergreen, base: process.env, runs: [] },
      { label: 'PineTS, with this machine\'s environment', args: pinets, base: process.env, runs: [] },
      { label: 'Node importing PineTS, nothing else', args: ['--input-type=module', '-e', "await import('pinets')"], runs: [] },
      { label: '`evergreen --version` (Node loads the CLI bundle)', args: [join(ROOT, 'bin/evergreen.cjs'), '--version'], runs: [] },
      { label: '`evergreen run`, helper thread forced on', args: evergreen, env: { EVERGREEN_HELPER: '1' }, runs: [] },
      { label: '`evergreen run`, helper thread off', args: evergreen, env: { EVERGREEN_HELPER: '0' }, runs: [] },
    ];
    const e: ProcessRun[] = [];
    const p: ProcessRun[] = [];
    const loadBefore = loadavg()[0] ?? NaN;
    timeProcess(evergreen); // warms the file cache for both (and writes the bundle's code cache)
    for (let i = 0; i < runs; i++) {
      e.push(timeProcess(evergreen));
      p.push(timeProcess(pinets));
      for (const o of others) o.runs.push(timeProcess(o.args, o.env, o.base));
    }
    const loadAfter = loadavg()[0] ?? NaN;
    const em = summarize(e.map((r) => r.ms)).medianMs;
    const pm = summarize(p.map((r) => r.ms)).medianMs;
    const ec = summarize(e.map((r) => r.cpuMs)).medianMs;
    const pc = summarize(p.map((r) => r.cpuMs)).medianMs;
    return {
      bars: DATA_PATH_BARS,
      csvBytes: statSync(data).size,
      runs,
      evergreenMs: e.map((r) => r.ms),
      pinetsMs: p.map((r) => r.ms),
      evergreenCpuMs: e.map((r) => r.cpuMs),
      pinetsCpuMs: p.map((r) => r.cpuMs),
      ratio: pm / em,
      cpuRatio: pc / ec,
      evergreenMaxRss: Math.max(...e.map((r) => r.maxRss)),
      pinetsMaxRss: Math.max(...p.map((r) => r.maxRss)),
      agree: plotsAgree(ours, theirs),
      others: others.map((o) => ({ label: o.label, ms: o.runs.map((r) => r.ms), cpuMs: o.runs.map((r) => r.cpuMs) })),
      loadBefore,
      loadAfter,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number, d = 0): string => x.toFixed(d);

/** One line for the console: the whole-process ratio, by wall and CPU time, and the load. */
export function ratioLine(e: EndToEndResult): string {
  return `whole process, bench (a) over ${e.bars / 1000}k bars to JSON: Evergreen ${fmt(med(e.evergreenMs))} ms, PineTS ${fmt(med(e.pinetsMs))} ms → ${fmt(e.ratio, 1)}× faster by wall time, ${fmt(e.cpuRatio, 1)}× by CPU time (load average ${fmt(e.loadBefore, 2)} → ${fmt(e.loadAfter, 2)})`;
}
const med = (xs: number[]): number => summarize(xs).medianMs;

/** Lines for the console and BENCHMARKS.md. */
export function dataPathLines(d: DataPathResult | null, e: EndToEndResult | null): string[] {
  const mb = (t: Throughput): string =>
    `${fmt(t.bytes / 1e6, 1)} MB | ${fmt(t.medianMs, 1)} ms = **${fmt(t.mbPerSec)} MB/s** | ${fmt(t.cpuMedianMs, 1)} ms = ${fmt(t.cpuMbPerSec)} MB/s`;
  const lines = d === null ? [] : [
    `| data path, ${d.bars / 1000}k bars | size | wall (warm median) | CPU time (warm median) |`,
    '|---|---|---|---|',
    `| CSV parse (\`parseBarsCsv\`, unix-second times) | ${mb(d.csvParse)} |`,
    `| CSV parse from the bytes (\`parseBarsBytes\`, as \`evergreen run\` reads it) | ${mb(d.csvBytesParse)} |`,
    `| JSON write (bench (a)'s 3 plots) | ${mb(d.jsonWrite)} |`,
    `| CSV write (time + 3 plots) | ${mb(d.csvWrite)} |`,
  ];
  if (e) {
    lines.push(
      '',
      `| whole process, bench (a) over ${e.bars / 1000}k bars (${fmt(e.csvBytes / 1e6, 1)} MB CSV) → JSON | wall median (runs) | CPU median | peak RSS |`,
      '|---|---|---|---|',
      `| \`node bin/evergreen.cjs run\` | ${fmt(med(e.evergreenMs))} ms (${e.evergreenMs.map((x) => fmt(x)).join(', ')}) | ${fmt(med(e.evergreenCpuMs))} ms | ${fmt(e.evergreenMaxRss / 2 ** 20)} MB |`,
      `| PineTS (\`bench/pinets-process.mjs\`) | ${fmt(med(e.pinetsMs))} ms (${e.pinetsMs.map((x) => fmt(x)).join(', ')}) | ${fmt(med(e.pinetsCpuMs))} ms | ${fmt(e.pinetsMaxRss / 2 ** 20)} MB |`,
      `| **Evergreen / PineTS** | **${fmt(e.ratio, 1)}× faster** | ${fmt(e.cpuRatio, 1)}× less CPU | |`,
      ...e.others.map((o) => `| ${o.label} | ${fmt(med(o.ms))} ms (${o.ms.map((x) => fmt(x)).join(', ')}) | ${fmt(med(o.cpuMs))} ms | |`),
      '',
      `Values ${e.agree ? 'agree' : 'DIFFER'} (every plot within 1e-8 + 1e-5·|v|). Load average (1 min) ${fmt(e.loadBefore, 2)} before, ${fmt(e.loadAfter, 2)} after.`,
    );
  }
  return lines;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // --whole: only the whole-process rows (no throughputs); --rounds N: N alternating rounds.
  const quick = process.argv.includes('--quick');
  const whole = process.argv.includes('--whole');
  const r = process.argv.indexOf('--rounds');
  const rounds = r >= 0 ? Number(process.argv[r + 1]) : quick ? 2 : 5;
  const text = syntheticCsv();
  if (whole) {
    const e = endToEnd(text, rounds);
    process.stdout.write(`${dataPathLines(null, e).join('\n')}\n\n${ratioLine(e)}\n`);
  } else {
    const d = dataPath(text, quick ? 3 : 7);
    const e = endToEnd(text, rounds);
    process.stdout.write(`${dataPathLines(d, e).join('\n')}\n\n${ratioLine(e)}\n`);
  }
}
