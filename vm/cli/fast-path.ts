// The main thread's side of the helper thread of `evergreen run` (the thread is fast-worker.ts,
// started by bin/evergreen.cjs before it loads the CLI's bundle, so that it starts while the bundle
// loads and the script compiles). The helper does two jobs, each only ever a faster way to the
// same bytes:
//
// - it reads the data file named by `--data` with the byte loader (vm/data/csv-bytes.ts) while
//   the main thread loads and compiles; readBarsFile (read-bars.ts) takes its bars. When it could
//   not read them (another shape, any error), the main thread reads the file itself as before, so
//   every error message comes from the one loader that makes them.
// - it writes JSON numbers. For a plain JSON output (no strategy, no drawings, no snapshot), the
//   script runs in batches of rows (startJsonPipeline) and the helper writes each batch's numbers
//   while the main thread runs the next; when the script is done, the main thread writes the
//   batches the helper has not started, from the last one back (each batch is claimed once, by a
//   compare-and-swap on a shared word), then writes everything in order. Otherwise it writes the
//   second part of the JSON output's numbers while the main thread writes the first (toJson in
//   output.ts asks through setJsonHelper); the main thread then writes its bytes in order.
//
// The main thread waits for the helper with Atomics.wait on a shared flag word and takes its message
// with receiveMessageOnPort (the CLI's run is synchronous). It never waits for the helper to start:
// when it needs the bars and the helper has not started yet (a busy machine), it reads them itself
// (unless EVERGREEN_HELPER=1 forces the helper: then it waits up to 10 s for it to start, so that
// tests see the helper's path). A helper silent for 10 s while its JSON bytes are awaited is given up.

import type { MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ParsedBars } from '../data/csv.js';
import { JSON_ITEM_BYTES, type JsonPart, type PlotColumn, setJsonHelper, type TextSink, writeJsonItems, writeJsonParts } from './output.js';

/** The flag words (an Int32Array over a SharedArrayBuffer) the helper sets. */
export const FLAG_STATE = 0;
export const FLAG_JOBS = 1;
/** FLAG_STATE values: not started yet, reading the bars, bars posted; or the main thread read the
 * bars itself (it found the helper not started yet: it takes the job with a compare-and-swap, and
 * the helper, when it starts, reads nothing). */
export const STATE_STARTING = 0;
export const STATE_READING = 1;
export const STATE_READY = 2;
export const STATE_MAIN = 3;

/** A helper silent this long while the main thread waits for its JSON bytes is given up. */
const ANSWER_TIMEOUT_MS = 10_000;
/** Fewer numbers than this are written by the main thread alone (the hand-over costs more). */
const MIN_PARALLEL_NUMBERS = 50_000;
/** More numbers than this are written by the main thread alone: the helper's bytes wait in memory
 * until the main thread has written its part (~10 MB at this size), and memory stays bounded for
 * any output (a 1M-bar run with 3 plots would hold ~32 MB). */
const MAX_PARALLEL_NUMBERS = 1_000_000;
/** The main thread's share of the numbers: it also writes every byte to the output. */
const MAIN_SHARE = 0.45;

/** The helper as bin/evergreen.cjs made it. */
export interface Helper {
  /** The `--data` file it reads, or null. */
  dataPath: string | null;
  flags: Int32Array;
  port: MessagePort;
  worker: Worker;
  /** worker_threads' receiveMessageOnPort, from bin: the bundle does not load worker_threads
   * itself (with its stream modules, ~3-4 ms of start-up) for the runs without a helper. */
  receive: typeof receiveMessageOnPort;
}

/** What the helper posts after reading the data file (null: it did not read it). */
export type BarsMessage = ParsedBars | null;

/** A JSON job: the parts to write (numbers in `values`); the answer is the bytes, in chunks. */
export interface JsonJob {
  kind: 'json';
  parts: JsonPart[];
}
export type JsonAnswer = { chunks: Uint8Array[] } | { error: string };

/** A batch of a pipelined JSON output: its rows' numbers, one array per plot; the helper writes
 * them unless the main thread claimed the batch first (claims[index]: 0 free, 1 the helper's, 2
 * the main thread's). The answer is the bytes of each plot's items, or `skipped`. */
export interface BatchJob {
  kind: 'batch';
  claims: Int32Array;
  index: number;
  values: Float64Array[];
  first: boolean;
}
export type BatchAnswer = { index: number } & ({ items: Uint8Array[] } | { skipped: true } | { error: string });
export const CLAIM_FREE = 0;
export const CLAIM_HELPER = 1;
export const CLAIM_MAIN = 2;

let helper: Helper | null = null;
let barsTaken = false;
let jobs = 0;
/** Rows per pipelined batch at least, and batches at most. */
const MIN_BATCH_ROWS = 8192;
const MAX_BATCHES = 16;

/** EVERGREEN_HELPER_TRACE=1: one line on stderr for each job the helper did (for tests). */
function trace(what: string): void {
  if (process.env.EVERGREEN_HELPER_TRACE === '1') process.stderr.write(`evergreen: helper: ${what}\n`);
}

/** Called by bin/evergreen.cjs (through the bundle's exports) before `main`. */
export function useHelper(h: Helper): void {
  helper = h;
  barsTaken = false;
  jobs = 0;
  setJsonHelper(jsonInParallel);
}

/** The helper's bars message, once only: null when the helper had not started (the main thread
 * then reads the bars itself) or did not read them. Waits while the helper is reading. */
function barsMessage(h: Helper): BarsMessage {
  barsTaken = true;
  if (process.env.EVERGREEN_HELPER === '1') Atomics.wait(h.flags, FLAG_STATE, STATE_STARTING, ANSWER_TIMEOUT_MS);
  if (Atomics.compareExchange(h.flags, FLAG_STATE, STATE_STARTING, STATE_MAIN) === STATE_STARTING) return null;
  Atomics.wait(h.flags, FLAG_STATE, STATE_READING);
  if (Atomics.load(h.flags, FLAG_STATE) !== STATE_READY) return null;
  const m = h.receive(h.port);
  return m === undefined ? null : (m.message as BarsMessage);
}

/** The bars the helper read from `path` (named `name` in warnings), or null. Once only. */
export function takePrefetchedBars(path: string, name: string): ParsedBars | null {
  const h = helper;
  if (h === null || barsTaken || h.dataPath !== path || name !== path) return null;
  const starting = Atomics.load(h.flags, FLAG_STATE) === STATE_STARTING;
  const bars = barsMessage(h);
  trace(bars !== null ? `read ${bars.bars.length} bars` : starting && Atomics.load(h.flags, FLAG_STATE) === STATE_MAIN ? 'had not started: the main thread reads the bars' : 'left the bars to the main thread');
  return bars;
}

/** Takes the helper's bars message off the port when takePrefetchedBars did not (the data was not
 * `--data`'s file): the next message must be a job's answer. */
function dropBars(h: Helper): void {
  if (!barsTaken) barsMessage(h);
}

/** How many numbers the parts hold. */
function numbers(parts: readonly JsonPart[]): number {
  let n = 0;
  for (const p of parts) if (typeof p !== 'string') n += p.values.length;
  return n;
}

/** toJson's helper: writes the first part of `parts` into `out` while the helper thread writes the
 * rest, then the helper's bytes. False (nothing written) when the helper is not there or idle. */
function jsonInParallel(parts: readonly JsonPart[], out: TextSink): boolean {
  const h = helper;
  const total = numbers(parts);
  if (h === null || total < MIN_PARALLEL_NUMBERS || total > MAX_PARALLEL_NUMBERS || Atomics.load(h.flags, FLAG_STATE) !== STATE_READY) return false;
  dropBars(h);
  // Split at the number where the main thread's share ends (a plot's numbers may be split).
  let left = Math.round(total * MAIN_SHARE);
  let k = 0;
  const mine: JsonPart[] = [];
  const theirs: JsonPart[] = []; // copies, handed over
  const kept: JsonPart[] = []; // the same on the VM's columns, if the helper fails
  const transfer: ArrayBuffer[] = [];
  for (; k < parts.length; k++) {
    const p = parts[k] as JsonPart;
    if (typeof p === 'string') {
      mine.push(p);
      continue;
    }
    if (p.values.length <= left) {
      mine.push(p);
      left -= p.values.length;
      continue;
    }
    if (left > 0) mine.push({ values: p.values.subarray(0, left), first: p.first });
    const rest = p.values.slice(left); // a copy the helper owns
    theirs.push({ values: rest, first: p.first && left === 0 });
    kept.push({ values: p.values.subarray(left), first: p.first && left === 0 });
    transfer.push(rest.buffer as ArrayBuffer);
    k++;
    break;
  }
  for (; k < parts.length; k++) {
    const p = parts[k] as JsonPart;
    kept.push(p);
    if (typeof p === 'string') theirs.push(p);
    else {
      const copy = p.values.slice();
      theirs.push({ values: copy, first: p.first });
      transfer.push(copy.buffer as ArrayBuffer);
    }
  }
  const job: JsonJob = { kind: 'json', parts: theirs };
  h.port.postMessage(job, transfer);
  writeJsonParts(out, mine);
  const done = ++jobs;
  while (Atomics.load(h.flags, FLAG_JOBS) < done) Atomics.wait(h.flags, FLAG_JOBS, done - 1);
  const m = h.receive(h.port);
  const answer = m?.message as JsonAnswer | undefined;
  if (answer === undefined || 'error' in answer) {
    trace('failed to write its JSON numbers');
    writeJsonParts(out, kept); // write them here
  } else {
    trace(`wrote ${total - Math.round(total * MAIN_SHARE)} of ${total} JSON numbers`);
    for (const c of answer.chunks) out.raw(c);
  }
  return true;
}

/** A JSON output whose numbers are written while the script runs (see the top of this file). */
export interface JsonPipeline {
  /** The rows to run, in order, as [from, to) ranges. */
  readonly batches: readonly (readonly [number, number])[];
  /** After batch `index` ran: its rows' plot values (views: copied for the helper). */
  ran(index: number, cols: readonly PlotColumn[]): void;
  /** After the last batch: the items of each plot ([plot][piece], in order). `columnsOf(from, to)`
   * gives the plot values of rows [from, to) for the batches the main thread writes itself. */
  finish(columnsOf: (from: number, to: number) => PlotColumn[]): Uint8Array[][];
}

/** A pipeline for rows [from, to) of `plots` plots, or null when there is no helper or the output is
 * too small (the hand-over costs more) or too large (the bytes wait in memory until the end, as
 * jsonInParallel's). The helper need not have started: the batches wait in its queue, and those it
 * has not reached at the end are the main thread's. */
export function startJsonPipeline(from: number, to: number, plots: number): JsonPipeline | null {
  const h = helper;
  const rows = to - from;
  const total = rows * plots;
  if (h === null || plots === 0 || total < MIN_PARALLEL_NUMBERS || total > MAX_PARALLEL_NUMBERS) return null;
  dropBars(h);
  const count = Math.max(2, Math.min(MAX_BATCHES, Math.floor(rows / MIN_BATCH_ROWS)));
  const batches: [number, number][] = [];
  for (let i = 0; i < count; i++) batches.push([from + Math.floor((rows * i) / count), from + Math.floor((rows * (i + 1)) / count)]);
  const claims = new Int32Array(new SharedArrayBuffer(4 * count));
  return {
    batches,
    ran(index, cols) {
      const values = cols.map((c) => c.values.slice()); // copies the helper owns
      const job: BatchJob = { kind: 'batch', claims, index, values, first: index === 0 };
      h.port.postMessage(job, values.map((v) => v.buffer as ArrayBuffer));
      jobs++;
    },
    finish(columnsOf) {
      const items: Uint8Array[][] = Array.from({ length: plots }, () => new Array<Uint8Array>(count));
      // The batches the helper has not started, from the last back: the main thread's.
      let mine = 0;
      for (let i = count - 1; i >= 0; i--) {
        if (Atomics.compareExchange(claims, i, CLAIM_FREE, CLAIM_MAIN) !== CLAIM_FREE) break;
        const [a, b] = batches[i] as [number, number];
        columnsOf(a, b).forEach((c, k) => ((items[k] as Uint8Array[])[i] = jsonItems(c.values, i === 0)));
        mine++;
      }
      // The helper's answers for the batches it claimed (the others' answers say `skipped`).
      const theirs = count - mine;
      let answered = 0;
      while (answered < theirs) {
        const seen = Atomics.load(h.flags, FLAG_JOBS);
        const m = h.receive(h.port);
        if (m === undefined) {
          if (Atomics.wait(h.flags, FLAG_JOBS, seen, ANSWER_TIMEOUT_MS) === 'timed-out') {
            trace('gave up waiting for its JSON bytes');
            break;
          }
          continue;
        }
        const answer = m.message as BatchAnswer;
        if ('skipped' in answer) continue;
        answered++;
        if ('items' in answer) answer.items.forEach((bytes, k) => ((items[k] as Uint8Array[])[answer.index] = bytes));
      }
      // Any batch not written yet (the helper failed on it): the main thread writes it.
      for (let i = 0; i < count; i++) {
        if (items.every((plot) => plot[i] !== undefined)) continue;
        trace('failed to write a batch');
        const [a, b] = batches[i] as [number, number];
        columnsOf(a, b).forEach((c, k) => ((items[k] as Uint8Array[])[i] = jsonItems(c.values, i === 0)));
      }
      trace(`wrote ${count - mine} of ${count} batches of JSON numbers`);
      return items;
    },
  };
}

/** `values` as JSON array items, in bytes of their own. */
export function jsonItems(values: Float64Array, first: boolean): Uint8Array {
  const out = Buffer.allocUnsafeSlow(values.length * JSON_ITEM_BYTES); // never pooled: its buffer may be transferred
  return out.subarray(0, writeJsonItems(out, 0, values, 0, values.length, first));
}
