// Runs the benchmark scripts (bench/scripts/*.pine) through PineTS (npm `pinets`, a Pine-to-JS
// transpiler with its own runtime) on our own bars, in this Node process, and returns its plot
// columns and timings — the comparison point for the Evergreen VM.
//
// PineTS API used (from its README and type declarations): `new PineTS(candles, ticker, timeframe)`
// with `candles` an array of `{ open, high, low, close, volume, openTime, closeTime }` (ms), then
// `await pineTS.run(pineSource)` → a Context whose `plots[title].data` is an array of
// `{ time, value }` (na as null or NaN). No network provider is involved.
//
// Run directly for the numbers in bench/NOTES.md:
//   node --expose-gc --import tsx bench/pinets-runner.ts [bars...]   (default 10000 100000)

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { PineTS } from 'pinets';
import type { BarColumns } from '../vm/data/bars.js';
import { baselineA, baselineB, baselineC } from './baselines.js';
import { type Columns, type PlotComparison, comparePlots } from './compare.js';
import { barsPerSecond, collectGarbage, formatBytes, formatRate, measureMemoryAsync, summarize } from './measure.js';
import { syntheticBars } from './synthetic.js';

export type BenchScript = 'a' | 'b' | 'c';
export const BENCH_SCRIPTS: readonly BenchScript[] = ['a', 'b', 'c'];

/** The Pine source of bench/scripts/<name>.pine. */
export function benchScriptSource(name: BenchScript): string {
  return readFileSync(new URL(`./scripts/${name}.pine`, import.meta.url), 'utf8');
}

/** The plain-JS baseline of a benchmark script, as columns keyed by plot title. */
export function baselineFor(name: BenchScript, bars: BarColumns): Columns {
  if (name === 'a') return baselineA(bars);
  if (name === 'b') return baselineB(bars);
  return baselineC(bars);
}

export interface PinetsCandle {
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Our columns as PineTS's candle objects; closeTime is openTime + barMs. */
export function toPinetsCandles(bars: BarColumns, barMs = 60_000): PinetsCandle[] {
  const out: PinetsCandle[] = new Array<PinetsCandle>(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const t = bars.time[i] as number;
    out[i] = {
      openTime: t,
      closeTime: t + barMs,
      open: bars.open[i] as number,
      high: bars.high[i] as number,
      low: bars.low[i] as number,
      close: bars.close[i] as number,
      volume: bars.volume[i] as number,
    };
  }
  return out;
}

/** Turns PineTS's `plots` object into columns of doubles (na → NaN). Internal drawing collections
 * (`__labels__`, ...) are skipped. Throws when the shape is not the documented one. */
export function pinetsPlotsToColumns(plots: unknown, length: number): Columns {
  if (typeof plots !== 'object' || plots === null) throw new Error('PineTS returned no plots object');
  const out: Columns = {};
  for (const [title, plot] of Object.entries(plots as Record<string, unknown>)) {
    if (title.startsWith('__')) continue;
    const data: unknown = typeof plot === 'object' && plot !== null ? (plot as { data?: unknown }).data : undefined;
    if (!Array.isArray(data)) throw new Error(`PineTS plot '${title}' has no data array`);
    const col = new Float64Array(length).fill(NaN);
    const n = Math.min(length, data.length);
    for (let i = 0; i < n; i++) {
      const point: unknown = data[i];
      const v: unknown = typeof point === 'object' && point !== null ? (point as { value?: unknown }).value : undefined;
      col[i] = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
    }
    out[title] = col;
  }
  return out;
}

export interface PinetsRun {
  plots: Columns;
  /** new PineTS(...) with our candles. */
  constructMs: number;
  /** pineTS.run(source): transpile + execution over all bars. */
  runMs: number;
}

export interface PinetsRunOptions {
  /** PineTS timeframe string for the bars. Default '1' (one minute, as syntheticBars makes). */
  timeframe?: string;
  ticker?: string;
  barMs?: number;
  /** The bars already as PineTS candles (toPinetsCandles): the conversion is then not part of the
   * call, so a CPU time taken around it counts PineTS's own work only. */
  candles?: PinetsCandle[];
}

/** One PineTS run of `source` over `bars`. Candle conversion is not timed. */
export async function runPinets(source: string, bars: BarColumns, opts: PinetsRunOptions = {}): Promise<PinetsRun> {
  const candles = opts.candles ?? toPinetsCandles(bars, opts.barMs ?? 60_000);
  const t0 = performance.now();
  const engine = new PineTS(candles, opts.ticker ?? 'SYNTH', opts.timeframe ?? '1');
  const t1 = performance.now();
  const context: unknown = await engine.run(source);
  const t2 = performance.now();
  const plots: unknown = typeof context === 'object' && context !== null ? (context as { plots?: unknown }).plots : undefined;
  return { plots: pinetsPlotsToColumns(plots, bars.length), constructMs: t1 - t0, runMs: t2 - t1 };
}

/** First bar of each plot where PineTS and TradingView are known to agree (see bench/NOTES.md):
 * PineTS leaves supertrend na on bar 0 (TradingView: 0) and its direction na until the ATR is ready
 * (TradingView: 1); PineTS's ta.vwap accumulates before the first anchor (TradingView: na until
 * the anchor first fires, i.e. the first UTC day change of the bars). */
export function pinetsKnownDifferences(name: BenchScript, bars: BarColumns): Record<string, number> {
  if (name !== 'b') return {};
  let firstDayChange = bars.length;
  for (let i = 1; i < bars.length; i++) {
    if (Math.floor((bars.time[i] as number) / 86_400_000) !== Math.floor((bars.time[i - 1] as number) / 86_400_000)) {
      firstDayChange = i;
      break;
    }
  }
  return { supertrend: 1, st_direction: 9, vwap: firstDayChange };
}

export interface PinetsBenchResult {
  script: BenchScript;
  bars: number;
  /** Median of the timed runs of run() (construction and candle conversion excluded). */
  runMs: number;
  barsPerSecond: number;
  constructMs: number;
  /** Heap + array buffers the run allocated, garbage included (a lower bound of its peak). */
  peakDeltaBytes: number;
  /** Against the plain-JS baseline, from the first bar of every plot. */
  vsBaseline: PlotComparison[];
  /** The same, skipping the known warm-up differences (pinetsKnownDifferences). */
  vsBaselineAfterWarmup: PlotComparison[];
  error: string | null;
}

/** Times a benchmark script in PineTS on `bars` and compares its values with the baseline. */
export async function benchPinets(name: BenchScript, bars: BarColumns, repeats = 3): Promise<PinetsBenchResult> {
  const source = benchScriptSource(name);
  const base: PinetsBenchResult = {
    script: name, bars: bars.length, runMs: NaN, barsPerSecond: NaN, constructMs: NaN,
    peakDeltaBytes: NaN, vsBaseline: [], vsBaselineAfterWarmup: [], error: null,
  };
  try {
    // The first run doubles as JIT warm-up and the memory measurement; the timed runs follow.
    const mem = await measureMemoryAsync(() => runPinets(source, bars));
    const first = mem.result;
    const runs: number[] = [];
    const constructs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      collectGarbage();
      const r = await runPinets(source, bars);
      runs.push(r.runMs);
      constructs.push(r.constructMs);
    }
    const run = summarize(runs);
    const expected = baselineFor(name, bars);
    return {
      ...base,
      runMs: run.medianMs,
      barsPerSecond: barsPerSecond(bars.length, run.medianMs),
      constructMs: summarize(constructs).medianMs,
      peakDeltaBytes: mem.peakDeltaBytes,
      vsBaseline: comparePlots(expected, first.plots),
      vsBaselineAfterWarmup: comparePlots(expected, first.plots, { from: pinetsKnownDifferences(name, bars) }),
    };
  } catch (e) {
    return { ...base, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

async function main(sizes: number[]): Promise<void> {
  const lines: string[] = [];
  for (const n of sizes) {
    const bars = syntheticBars(n, 1);
    for (const name of BENCH_SCRIPTS) {
      const r = await benchPinets(name, bars, n >= 100_000 ? 2 : 3);
      if (r.error !== null) {
        lines.push(`${name} ${n}: ERROR ${r.error}`);
        continue;
      }
      const diff = r.vsBaseline.filter((c) => c.mismatches > 0).map((c) => `${c.plot}: ${c.mismatches} from bar ${c.firstMismatch}`);
      const diffAfter = r.vsBaselineAfterWarmup.filter((c) => c.mismatches > 0).map((c) => c.plot);
      lines.push(
        `${name} ${n} bars: run ${r.runMs.toFixed(0)} ms (${formatRate(r.barsPerSecond)}), construct ${r.constructMs.toFixed(1)} ms, ` +
          `peak +${formatBytes(r.peakDeltaBytes)}; vs baseline: ${diff.length === 0 ? 'all plots agree' : diff.join('; ')}` +
          `${diff.length === 0 ? '' : diffAfter.length === 0 ? ' (all agree after the known warm-up differences)' : `; still differ after warm-up: ${diffAfter.join(', ')}`}`,
      );
      process.stdout.write(`${lines[lines.length - 1]}\n`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  await main(sizes.length > 0 ? sizes : [10_000, 100_000]);
}
