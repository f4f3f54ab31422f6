// Timing and memory helpers for the benchmarks (Node only). Timings: warm-up runs, then repeats,
// reported as the median (robust to a stray GC or a neighbour process) with min and max. Memory:
// process.memoryUsage() around a run, with a forced GC first when node runs with --expose-gc.

import { performance } from 'node:perf_hooks';

export interface TimingOptions {
  /** Runs whose time is thrown away (JIT warm-up). Default 2. */
  warmup?: number;
  /** Timed runs. Default 5. */
  repeats?: number;
  /** Keep repeating past `repeats` until this much time has been measured in total. Default 0. */
  minTotalMs?: number;
  /** Largest number of timed runs whatever minTotalMs says. Default 1000. */
  maxRepeats?: number;
  /** Force a GC (if exposed) before every timed run so runs start from the same heap. Default true. */
  gcBetween?: boolean;
}

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Every timed run, in order. */
  samplesMs: number[];
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface MemoryReport<T> {
  result: T;
  /** After a forced GC, before the run. */
  before: MemorySample;
  /** Right after the run, garbage included: the heap the run needed, roughly. */
  after: MemorySample;
  /** After a forced GC, with the result still referenced: what the run's output keeps alive. */
  retained: MemorySample;
  /** heapUsed + arrayBuffers of `after` minus `before`: a lower bound on the run's peak. */
  peakDeltaBytes: number;
  /** heapUsed + arrayBuffers of `retained` minus `before`. */
  retainedDeltaBytes: number;
  /** The process's peak resident set size so far (it only grows), in bytes. */
  maxRssBytes: number;
  /** False when node was started without --expose-gc: before/retained then include garbage. */
  gcAvailable: boolean;
}

type GcFunction = () => void;

function gcFunction(): GcFunction | null {
  const g: unknown = (globalThis as { gc?: unknown }).gc;
  return typeof g === 'function' ? (g as GcFunction) : null;
}

/** Runs a full GC when node was started with --expose-gc; returns whether it could. */
export function collectGarbage(): boolean {
  const gc = gcFunction();
  if (gc === null) return false;
  gc();
  gc(); // a second pass collects what the first one's finalizers released
  return true;
}

export function memorySample(): MemorySample {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
}

function median(sorted: number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median, min and max of samples measured elsewhere. */
export function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: median(sorted), minMs: sorted[0] ?? NaN, maxMs: sorted[sorted.length - 1] ?? NaN, samplesMs: samples };
}

function plan(opts: TimingOptions): Required<TimingOptions> {
  return {
    warmup: opts.warmup ?? 2,
    repeats: Math.max(1, opts.repeats ?? 5),
    minTotalMs: opts.minTotalMs ?? 0,
    maxRepeats: opts.maxRepeats ?? 1000,
    gcBetween: opts.gcBetween ?? true,
  };
}

/** Times a synchronous function. Its result is kept in a sink so the work cannot be optimised away. */
export function timeSync(fn: () => unknown, opts: TimingOptions = {}): Timing {
  const p = plan(opts);
  let sink: unknown = null;
  for (let i = 0; i < p.warmup; i++) sink = fn();
  const samples: number[] = [];
  let total = 0;
  while (samples.length < p.repeats || (total < p.minTotalMs && samples.length < p.maxRepeats)) {
    if (p.gcBetween) collectGarbage();
    const t0 = performance.now();
    sink = fn();
    const ms = performance.now() - t0;
    samples.push(ms);
    total += ms;
  }
  keep(sink);
  return summarize(samples);
}

/** Times an async function (awaited each run). */
export async function timeAsync(fn: () => Promise<unknown>, opts: TimingOptions = {}): Promise<Timing> {
  const p = plan(opts);
  let sink: unknown = null;
  for (let i = 0; i < p.warmup; i++) sink = await fn();
  const samples: number[] = [];
  let total = 0;
  while (samples.length < p.repeats || (total < p.minTotalMs && samples.length < p.maxRepeats)) {
    if (p.gcBetween) collectGarbage();
    const t0 = performance.now();
    sink = await fn();
    const ms = performance.now() - t0;
    samples.push(ms);
    total += ms;
  }
  keep(sink);
  return summarize(samples);
}

let kept: unknown = null;
/** Holds the last result where the optimiser cannot prove it unused. */
function keep(x: unknown): void {
  kept = x;
}
/** The last value a timing helper kept (exposed only so `kept` is observably used). */
export function lastKept(): unknown {
  return kept;
}

function footprint(m: MemorySample): number {
  return m.heapUsed + m.arrayBuffers;
}

function report<T>(result: T, before: MemorySample, after: MemorySample, gcAvailable: boolean): MemoryReport<T> {
  collectGarbage();
  const retained = memorySample();
  return {
    result,
    before,
    after,
    retained,
    peakDeltaBytes: footprint(after) - footprint(before),
    retainedDeltaBytes: footprint(retained) - footprint(before),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    gcAvailable,
  };
}

/** Runs `fn` once and reports memory around it (see MemoryReport). */
export function measureMemory<T>(fn: () => T): MemoryReport<T> {
  const gcAvailable = collectGarbage();
  const before = memorySample();
  const result = fn();
  const after = memorySample();
  return report(result, before, after, gcAvailable);
}

/** measureMemory for an async function. */
export async function measureMemoryAsync<T>(fn: () => Promise<T>): Promise<MemoryReport<T>> {
  const gcAvailable = collectGarbage();
  const before = memorySample();
  const result = await fn();
  const after = memorySample();
  return report(result, before, after, gcAvailable);
}

/** Bars per second for `bars` bars processed in `ms` milliseconds. */
export function barsPerSecond(bars: number, ms: number): number {
  return ms > 0 ? (bars * 1000) / ms : Infinity;
}

/** `1.2 MB`, `340 kB`, `512 B` (decimal units). */
export function formatBytes(bytes: number): string {
  const a = Math.abs(bytes);
  if (a >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (a >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (a >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

/** `1.25M bars/s`, `48k bars/s`, `900 bars/s`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M bars/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k bars/s`;
  return `${perSecond.toFixed(0)} bars/s`;
}
