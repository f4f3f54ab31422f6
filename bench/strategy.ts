// The strategy benchmark (issue 12): the supertrend strategy over 100k and 1M synthetic bars,
// against the same script's indicator version (the same signals, plotted, no orders) and against
// PineTS running the strategy on the same bars (both sizes). Prints the load average, bars/second,
// the strategy's overhead over the indicator (timed alternately, medians), the ratio to PineTS, and
// memory: what the instance retains and the heap a run grows by, at 1M bars against 100k, with the
// trade log (which grows with the trades) and the plot column (one number per bar) counted apart.
//
// Measured the same way on both sides: CPU time of this process, one timed run = the whole job from
// the script's source — for Evergreen compile + instance + run over the bars, for PineTS its
// construction on the candles + run (transpile + execution); the bars' conversion to PineTS's
// candle objects is done before and not timed. Warm figures (the ratio) are taken after a first run
// of each in this process; the first runs in the process ("cold") are printed too, at 100k bars.
//
//   node --expose-gc --import tsx bench/strategy.ts [--quick] [--no-pinets] [--no-pinets-1m]

import { compile, Instance, type Program } from '../vm/index.js';
import type { BarColumns } from '../vm/data/bars.js';
import { brokerOf } from '../vm/builtins/strategy/report.js';
import type { TradeLog } from '../vm/builtins/strategy/log.js';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { syntheticBars } from './synthetic.js';
import { collectGarbage, formatBytes, formatRate, measureMemory, barsPerSecond } from './measure.js';
import { runPinets, toPinetsCandles } from './pinets-runner.js';
import { INDICATOR, STRATEGY } from './strategy-scripts.js';

const args = process.argv.slice(2);
const SIZES = args.includes('--quick') ? [100_000] : [100_000, 1_000_000];
const PINETS = !args.includes('--no-pinets');
const PINETS_1M = PINETS && !args.includes('--no-pinets-1m');
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return p;
}

function run(p: Program, bars: BarColumns): Instance {
  const inst = Instance.builder(p).timeframe('1').totalBars(bars.length).build();
  inst.runBars(bars);
  return inst;
}

/** One timed job: the script compiled from its source, then run over the bars. */
function job(src: string, bars: BarColumns): Instance {
  return run(program(src), bars);
}

function logBytes(t: TradeLog): number {
  let b = 0;
  for (const v of Object.values(t)) if (ArrayBuffer.isView(v)) b += v.byteLength;
  // The string columns hold references to the order ids and comments (the same few strings):
  // a pointer per slot (arrays grow by half again, so up to 1.5 slots per row).
  b += 4 * 8 * 1.5 * t.entryId.length;
  return b;
}

/** What an instance keeps after its run (forced GC, the instance still referenced), outputs and
 * the trade log counted apart; and the heap the run grew by (garbage included: a lower bound of
 * its peak), the log apart. */
function retained(p: Program, bars: BarColumns): { bytes: number; outputs: number; log: number; trades: number; peak: number } {
  const m = measureMemory(() => run(p, bars));
  const inst = m.result;
  let outputs = inst.outputs.time.byteLength;
  for (const cols of inst.outputs.columns) for (const c of cols) outputs += c.byteLength;
  const b = brokerOf(inst);
  const log = b ? logBytes(b.closed) : 0;
  return { bytes: m.retainedDeltaBytes - outputs - log, outputs, log, trades: b ? b.closed.n : 0, peak: m.peakDeltaBytes - log };
}

/** CPU time of this process (user + system) in ms: on a shared, loaded machine it counts only our
 * own work, where wall time also counts the waits for a core. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Pair {
  /** Medians of the strategy's and the indicator's wall times. */
  a: number;
  b: number;
  /** Medians of their CPU times. */
  aCpu: number;
  bCpu: number;
  /** Strategy / indicator CPU time, pair by pair. */
  ratios: number[];
}

/** Strategy and indicator timed alternately (a GC before each run), after one warm-up each (their
 * CPU times are `firstA`, `firstB`). */
function alternate(a: () => unknown, b: () => unknown, repeats: number): Pair & { firstA: number; firstB: number } {
  const ta: number[] = [];
  const tb: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  const timed = (fn: () => unknown, wall: number[], cpu: number[]): void => {
    collectGarbage();
    const c = cpuMs();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    cpu.push(cpuMs() - c);
  };
  const wa: number[] = [];
  const wb: number[] = [];
  const fa: number[] = [];
  const fb: number[] = [];
  timed(a, wa, fa);
  timed(b, wb, fb);
  for (let k = 0; k < repeats; k++) {
    timed(a, ta, ca);
    timed(b, tb, cb);
  }
  const med = (x: number[]): number => [...x].sort((p, q) => p - q)[x.length >> 1] ?? NaN;
  return { a: med(ta), b: med(tb), aCpu: med(ca), bCpu: med(cb), ratios: ca.map((x, k) => x / (cb[k] ?? NaN)), firstA: fa[0] ?? NaN, firstB: fb[0] ?? NaN };
}

const strat = program(STRATEGY);
const lines: string[] = [`load average at start: ${load()}`];
const mem: Record<number, { bytes: number; outputs: number; peak: number }> = {};

/** PineTS's CPU time (and wall time) for the strategy on `candles`, construction included. */
async function pinetsCpu(bars: BarColumns, candles: ReturnType<typeof toPinetsCandles>): Promise<{ cpu: number; wall: number }> {
  collectGarbage();
  const c0 = cpuMs();
  const t0 = performance.now();
  await runPinets(STRATEGY, bars, { candles });
  return { cpu: cpuMs() - c0, wall: performance.now() - t0 };
}

for (const n of SIZES) {
  const bars = syntheticBars(n, 12);
  const repeats = n >= 1_000_000 ? 5 : 9;
  const t = alternate(() => job(STRATEGY, bars), () => job(INDICATOR, bars), repeats);
  const r = retained(strat, bars);
  mem[n] = r;
  let vsPinets = '';
  if (PINETS && (n <= 100_000 || PINETS_1M)) {
    try {
      const candles = toPinetsCandles(bars);
      // PineTS's first run in this process (its runtime not yet optimised by V8), then a warm one —
      // after the 100k runs, the 1M run is warm already.
      const first = n <= 100_000 ? await pinetsCpu(bars, candles) : null;
      const p = await pinetsCpu(bars, candles);
      // Evergreen again right after PineTS, under the same load.
      collectGarbage();
      const c1 = cpuMs();
      job(STRATEGY, bars);
      const after = cpuMs() - c1;
      vsPinets =
        `PineTS ${(p.wall / 1000).toFixed(1)} s wall (${formatRate(barsPerSecond(n, p.wall))}), ${(p.cpu / 1000).toFixed(2)} s CPU with its setup ` +
        `(Evergreen right after it: ${after.toFixed(1)} ms CPU) → Evergreen ${(p.cpu / t.aCpu).toFixed(0)}× faster by CPU time (medians; ${(p.wall / t.a).toFixed(0)}× by wall time)` +
        (first === null ? '' : `; first runs in the process: PineTS ${(first.cpu / 1000).toFixed(2)} s CPU, Evergreen ${t.firstA.toFixed(1)} ms → ${(first.cpu / t.firstA).toFixed(0)}×`);
    } catch (e) {
      vsPinets = `PineTS could not run the strategy: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  }
  const ratios = t.ratios.map((x) => x.toFixed(2)).join(' ');
  lines.push(
    `${n.toLocaleString('en-US')} bars (compile + run): strategy ${t.a.toFixed(1)} ms wall (${formatRate(barsPerSecond(n, t.a))}), ${t.aCpu.toFixed(1)} ms CPU; ` +
      `indicator ${t.b.toFixed(1)} ms wall, ${t.bCpu.toFixed(1)} ms CPU → overhead ${(t.a / t.b).toFixed(2)}× wall, ${(t.aCpu / t.bCpu).toFixed(2)}× CPU (CPU, per pair: ${ratios}); ` +
      `first runs ${t.firstA.toFixed(1)} / ${t.firstB.toFixed(1)} ms CPU; ` +
      `${r.trades} trades, trade log ${formatBytes(r.log)}, plot column ${formatBytes(r.outputs)}, instance without them ${formatBytes(r.bytes)}, ` +
      `heap grown during the run without the log ${formatBytes(r.peak)}` +
      (vsPinets ? `; ${vsPinets}` : '') +
      ` [load ${load()}]`,
  );
  console.log(lines[lines.length - 1]);
}
const small = mem[100_000];
const big = mem[1_000_000];
if (small && big) {
  const whole = (m: { bytes: number; outputs: number }): number => m.bytes + m.outputs;
  lines.push(
    `memory 1M / 100k apart from the trade log: instance ${formatBytes(small.bytes)} → ${formatBytes(big.bytes)}; ` +
      `with the plot column ${formatBytes(whole(small))} → ${formatBytes(whole(big))} (${(whole(big) / whole(small)).toFixed(2)}×); ` +
      `heap grown during the run ${formatBytes(small.peak)} → ${formatBytes(big.peak)} (${(big.peak / small.peak).toFixed(2)}×)`,
  );
}
lines.push(`load average at end: ${load()}`);
console.log('---');
for (const l of lines) console.log(l);
