// The main thread's side of the helper thread of `evergreen run` (the thread is fast-worker.ts,
// started by bin/evergreen.mjs before it loads the CLI's bundle, so that it starts while the bundle
// loads and the script compiles). The helper does two jobs, each only ever a faster way to the
// same bytes:
//
// - it reads the data file named by `--data` with the byte loader (vm/data/csv-bytes.ts) while
//   the main thread loads and compiles; readBarsFile (read-bars.ts) takes its bars. When it could
//   not read them (another shape, any error), the main thread reads the file itself as before, so
//   every error message comes from the one loader that makes them.
// - it writes the second part of the JSON output's numbers while the main thread writes the first
//   (toJson in output.ts asks through setJsonHelper); the main thread then writes its bytes in order.
//
// The main thread waits for the helper with Atomics.wait on a shared flag word and takes its message
// with receiveMessageOnPort (the CLI's run is synchronous). A helper that has not started within
// START_TIMEOUT_MS is given up (the main thread does the work itself).

import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { ParsedBars } from '../data/csv.js';
import { type JsonPart, setJsonHelper, type TextSink, writeJsonParts } from './output.js';

/** The flag words (an Int32Array over a SharedArrayBuffer) the helper sets. */
export const FLAG_STATE = 0;
export const FLAG_JOBS = 1;
/** FLAG_STATE values: not started yet, started (reading the bars), bars posted. */
export const STATE_STARTING = 0;
export const STATE_READING = 1;
export const STATE_READY = 2;

const START_TIMEOUT_MS = 10_000;
/** Fewer numbers than this are written by the main thread alone (the hand-over costs more). */
const MIN_PARALLEL_NUMBERS = 50_000;
/** The main thread's share of the numbers: it also writes every byte to the output. */
const MAIN_SHARE = 0.45;

/** The helper as bin/evergreen.mjs made it. */
export interface Helper {
  /** The `--data` file it reads, or null. */
  dataPath: string | null;
  flags: Int32Array;
  port: MessagePort;
  worker: Worker;
}

/** What the helper posts after reading the data file (null: it did not read it). */
export type BarsMessage = ParsedBars | null;

/** A JSON job: the parts to write (numbers in `values`); the answer is the bytes, in chunks. */
export interface JsonJob {
  kind: 'json';
  parts: JsonPart[];
}
export type JsonAnswer = { chunks: Uint8Array[] } | { error: string };

let helper: Helper | null = null;
let barsTaken = false;
let jobs = 0;

/** Called by bin/evergreen.mjs (through the bundle's exports) before `main`. */
export function useHelper(h: Helper): void {
  helper = h;
  barsTaken = false;
  jobs = 0;
  setJsonHelper(jsonInParallel);
}

/** Waits until the helper has started; false (and the helper is given up) after the timeout. */
function started(h: Helper): boolean {
  if (Atomics.load(h.flags, FLAG_STATE) !== STATE_STARTING) return true;
  Atomics.wait(h.flags, FLAG_STATE, STATE_STARTING, START_TIMEOUT_MS);
  if (Atomics.load(h.flags, FLAG_STATE) !== STATE_STARTING) return true;
  helper = null;
  setJsonHelper(null);
  void h.worker.terminate();
  return false;
}

/** The bars the helper read from `path` (named `name` in warnings), or null. Once only. */
export function takePrefetchedBars(path: string, name: string): ParsedBars | null {
  const h = helper;
  if (h === null || barsTaken || h.dataPath !== path || name !== path) return null;
  barsTaken = true;
  if (!started(h)) return null;
  Atomics.wait(h.flags, FLAG_STATE, STATE_READING);
  const m = receiveMessageOnPort(h.port);
  return m === undefined ? null : (m.message as BarsMessage);
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
  if (h === null || total < MIN_PARALLEL_NUMBERS || Atomics.load(h.flags, FLAG_STATE) !== STATE_READY) return false;
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
  const m = receiveMessageOnPort(h.port);
  const answer = m?.message as JsonAnswer | undefined;
  if (answer === undefined || 'error' in answer) writeJsonParts(out, kept); // the helper failed: write them here
  else for (const c of answer.chunks) out.raw(c);
  return true;
}
