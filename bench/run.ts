// `npm run bench`: the fixed benchmark suite. For each benchmark script (bench/scripts/a|b|c.pine)
// over 100k and 1M synthetic bars (a seeded random walk), it measures the Evergreen VM's
// bars/second and memory, and prints ratios against baselines measured in the same run: PineTS
// running the same script on the same bars, and a hand-written plain-JS loop computing the same
// values. Then snapshots: size, save and restore time, and restore time against replaying all bars.
// Then the CLI's data path (bench/data-path.ts): CSV parse and JSON/CSV write throughput on 200k
// bars, and `evergreen run` of (a) over them as a whole process against PineTS doing the same job.
//
//   npm run bench                 full suite (a few minutes)
//   npm run bench -- --quick      100k bars only, fewer repeats
//   npm run bench -- --json out   also write the results as JSON
// Last, the Tier 2 benchmarks (bench/tier2.ts): drawings and objects in arrays against PineTS.

import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { compile, Instance, type Program } from '../vm/index.js';
import type { BarColumns } from '../vm/data/bars.js';
import { syntheticBars } from './synthetic.js';
import { baselineA, baselineB, baselineC } from './baselines.js';
import { collectGarbage, memorySample, timeSync, formatBytes } from './measure.js';
import { benchPinets, type BenchScript } from './pinets-runner.js';
import { comparePlots } from './compare.js';
import { dataPath, dataPathLines, endToEnd, ratioLine, syntheticCsv } from './data-path.js';
import { benchTier2, tier2Lines } from './tier2.js';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const jsonAt = args.indexOf('--json');
const JSON_OUT = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const SIZES = QUICK ? [100_000] : [100_000, 1_000_000];
const SCRIPTS: BenchScript[] = ['a', 'b', 'c'];
const BASELINES: Record<BenchScript, (b: BarColumns) => Record<string, Float64Array>> = {
  a: (b) => baselineA(b),
  b: (b) => baselineB(b),
  c: (b) => baselineC(b),
};

if (!collectGarbage()) {
  console.error('bench: run with --expose-gc (npm run bench does) for memory figures');
}

function program(name: BenchScript): Program {
  const src = readFileSync(new URL(`./scripts/${name}.pine`, import.meta.url), 'utf8');
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(`bench/scripts/${name}.pine does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return p;
}

function build(p: Program, n: number): Instance {
  return Instance.builder(p).timeframe('1').totalBars(n).build();
}

/** One timed run: an instance over all the bars, returned (like the baselines' outputs) so that both
 * sides keep their result alive until the next run, and the forced GC between runs treats them alike. */
function runAll(p: Program, n: number, bars: BarColumns): Instance {
  const inst = build(p, n);
  inst.runBars(bars);
  return inst;
}

function outputsBytes(inst: Instance): number {
  let total = inst.outputs.time.byteLength;
  for (const cols of inst.outputs.columns) for (const c of cols) total += c.byteLength;
  return total;
}

interface EngineResult {
  script: BenchScript;
  bars: number;
  vmMs: number;
  vmBarsPerSec: number;
  baselineMs: number;
  vsBaseline: number;
  pinetsBarsPerSec: number | null;
  vsPinets: number | null;
  /** Peak memory of the run, outputs aside (heap + array buffers, sampled every 10k bars). */
  stateBytes: number;
  /** What one instance keeps, outputs aside (after a forced GC), as its run passes bar 100k and as
   * it ends: everything the instance holds (program, registers, history buffers, call-site states). */
  liveAt100k: number;
  liveAtEnd: number;
  outputsBytes: number;
  agree: boolean;
}

interface SnapshotResult {
  script: BenchScript;
  bars: number;
  sizeBytes: number;
  saveMs: number;
  restoreMs: number;
  replayMs: number;
  restoreVsReplay: number;
}

const fmt = (x: number, d = 1) => x.toFixed(d);
const rate = (x: number) => (x >= 1e6 ? `${fmt(x / 1e6, 2)}M` : `${fmt(x / 1e3, 0)}k`);

async function engine(name: BenchScript, n: number, bars: BarColumns, pinets: Map<BenchScript, number>): Promise<EngineResult> {
  const p = program(name);
  const repeats = n >= 1_000_000 ? 3 : 7;
  const vm = timeSync(() => runAll(p, n, bars), { warmup: 1, repeats });
  const plain = timeSync(() => BASELINES[name](bars), { warmup: 1, repeats });

  // Values agree with the baseline (the bench measures the same computation).
  const inst = build(p, n);
  inst.runBars(bars);
  const ours: Record<string, Float64Array> = {};
  for (const o of p.outputs) ours[o.title] = inst.outputs.column(o.id, 0);
  const expected = BASELINES[name](bars);
  // Skip each plot's first 2000 bars: warm-up conventions (e.g. vwap before its first anchor).
  const cmp = comparePlots(expected, ours, { from: Object.fromEntries(Object.keys(expected).map((k) => [k, 2000])) });
  const agree = cmp.every((c) => c.mismatches === 0);

  // Peak memory of a run, outputs aside: heap + array buffers sampled every 10k bars, minus what
  // it was before the instance existed, minus the output columns (reserved up front).
  collectGarbage();
  const before = memorySample();
  const base = before.heapUsed + before.arrayBuffers;
  const kept = build(p, n);
  let peak = 0;
  let liveAt100k = 0;
  const live = (): number => {
    collectGarbage();
    const g = memorySample();
    return Math.max(0, g.heapUsed + g.arrayBuffers - base - outputsBytes(kept));
  };
  for (let i = 0; i < n; i += 10_000) {
    kept.runBars(bars, i, Math.min(n, i + 10_000));
    const m = memorySample();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers - base);
    if (i + 10_000 === 100_000) liveAt100k = live();
  }
  const out = outputsBytes(kept);
  const stateBytes = Math.max(0, peak - out);
  const liveAtEnd = live();

  const vmRate = n / (vm.medianMs / 1000);
  const pRate = n === 100_000 ? (pinets.get(name) ?? null) : null;
  return {
    script: name,
    bars: n,
    vmMs: vm.medianMs,
    vmBarsPerSec: vmRate,
    baselineMs: plain.medianMs,
    vsBaseline: vm.medianMs / plain.medianMs,
    pinetsBarsPerSec: pRate,
    vsPinets: pRate ? vmRate / pRate : null,
    stateBytes,
    liveAt100k,
    liveAtEnd,
    outputsBytes: out,
    agree,
  };
}

function snapshots(name: BenchScript, n: number, bars: BarColumns): SnapshotResult {
  const p = program(name);
  const inst = build(p, n);
  const replay = timeSync(() => runAll(p, n, bars), { warmup: 0, repeats: n >= 1_000_000 ? 2 : 3 });
  inst.runBars(bars);
  let bytes = inst.saveState();
  // Sub-millisecond operations: one forced GC before the batch, not before each run (a full GC right
  // before a 0.1 ms call measures the collector's aftermath - page faults in a fresh young space -
  // rather than the call; the replays above are long enough to amortise their own GC).
  const save = timeSync(() => (bytes = inst.saveState()), { warmup: 20, repeats: 200, gcBetween: false });
  const restore = timeSync(() => Instance.restoreState(bytes).build(), { warmup: 20, repeats: 200, gcBetween: false });
  return {
    script: name,
    bars: n,
    sizeBytes: bytes.length,
    saveMs: save.medianMs,
    restoreMs: restore.medianMs,
    replayMs: replay.medianMs,
    restoreVsReplay: replay.medianMs / restore.medianMs,
  };
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const header = `Evergreen bench — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} × ${cpu}, ${formatBytes(os.totalmem())} RAM`;
  console.log(header);

  // PineTS at 100k bars (at 1M it would need several GB: it keeps every value of every series).
  const pinets = new Map<BenchScript, number>();
  const bars100k = syntheticBars(100_000, 1);
  for (const s of SCRIPTS) {
    const r = await benchPinets(s, bars100k, QUICK ? 1 : 2);
    pinets.set(s, r.barsPerSecond);
    console.log(`  PineTS ${s} at 100k bars: ${rate(r.barsPerSecond)} bars/s`);
  }

  const engineResults: EngineResult[] = [];
  for (const n of SIZES) {
    const bars = n === 100_000 ? bars100k : syntheticBars(n, 1);
    for (const s of SCRIPTS) {
      const r = await engine(s, n, bars, pinets);
      engineResults.push(r);
      console.log(
        `  ${s} ${n / 1000}k: VM ${fmt(r.vmMs)} ms (${rate(r.vmBarsPerSec)} bars/s), plain JS ${fmt(r.baselineMs)} ms → ${fmt(r.vsBaseline, 2)}×` +
          `${r.vsPinets ? `, ${fmt(r.vsPinets, 0)}× PineTS` : ''}, peak ${formatBytes(r.stateBytes)}, values ${r.agree ? 'agree' : 'DIFFER'}`,
      );
    }
  }

  const snapResults: SnapshotResult[] = [];
  for (const n of SIZES) {
    const bars = n === 100_000 ? bars100k : syntheticBars(n, 1);
    for (const s of SCRIPTS) {
      const r = snapshots(s, n, bars);
      snapResults.push(r);
      console.log(
        `  snapshot ${s} ${n / 1000}k: ${formatBytes(r.sizeBytes)}, save ${fmt(r.saveMs, 3)} ms, restore ${fmt(r.restoreMs, 3)} ms, replay ${fmt(r.replayMs)} ms → restore ${fmt(r.restoreVsReplay, 0)}× faster`,
      );
    }
  }

  // The CLI's data path: CSV parse, JSON/CSV write, and the whole process against PineTS's.
  const csvText = syntheticCsv();
  const dp = dataPath(csvText, QUICK ? 3 : 7);
  const e2e = endToEnd(csvText, QUICK ? 2 : 5);
  const dpLines = dataPathLines(dp, e2e);
  console.log(`\n${dpLines.join('\n')}\n\n${ratioLine(e2e)}`);

  // Markdown for BENCHMARKS.md.
  const lines: string[] = [];
  lines.push(`### ${header}`, '');
  lines.push('| script | bars | VM ms | VM bars/s | plain JS ms | VM / plain JS | PineTS bars/s | VM / PineTS | peak memory (outputs aside) | outputs |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of engineResults) {
    lines.push(
      `| ${r.script} | ${r.bars / 1000}k | ${fmt(r.vmMs)} | ${rate(r.vmBarsPerSec)} | ${fmt(r.baselineMs)} | ${fmt(r.vsBaseline, 2)}× | ${r.pinetsBarsPerSec ? rate(r.pinetsBarsPerSec) : '—'} | ${r.vsPinets ? `${fmt(r.vsPinets, 0)}×` : '—'} | ${formatBytes(r.stateBytes)} | ${formatBytes(r.outputsBytes)} |`,
    );
  }
  if (SIZES.length > 1) {
    lines.push(
      '',
      '| script | peak memory at 1M / at 100k (two runs, outputs aside) | one 1M run: kept at bar 100k | kept at bar 1M | 1M / 100k |',
      '|---|---|---|---|---|',
    );
    for (const s of SCRIPTS) {
      const a = engineResults.find((r) => r.script === s && r.bars === 100_000);
      const b = engineResults.find((r) => r.script === s && r.bars === 1_000_000);
      if (a && b) {
        lines.push(
          `| ${s} | ${fmt(b.stateBytes / Math.max(1, a.stateBytes), 2)} | ${formatBytes(b.liveAt100k)} | ${formatBytes(b.liveAtEnd)} | ${fmt(b.liveAtEnd / Math.max(1, b.liveAt100k), 2)} |`,
        );
      }
    }
  }
  lines.push('', '| script | bars | snapshot | save ms | restore ms | replay ms | restore vs replay |', '|---|---|---|---|---|---|---|');
  for (const r of snapResults) {
    lines.push(`| ${r.script} | ${r.bars / 1000}k | ${formatBytes(r.sizeBytes)} | ${fmt(r.saveMs, 3)} | ${fmt(r.restoreMs, 3)} | ${fmt(r.replayMs)} | ${fmt(r.restoreVsReplay, 0)}× |`);
  }
  lines.push('', ...dpLines);
  // Tier 2 (bench/tier2.ts): (d) drawings and (e) objects in arrays over 100k bars, against PineTS.
  const tier2 = await benchTier2(100_000);
  lines.push('', ...tier2Lines(tier2));
  console.log(`\n${lines.join('\n')}\n`);
  if (JSON_OUT) {
    writeFileSync(JSON_OUT, JSON.stringify({ header, engine: engineResults, snapshots: snapResults, dataPath: dp, endToEnd: e2e, tier2 }, null, 2));
  }
}

await main();
