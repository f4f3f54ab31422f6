// The helper thread of `evergreen run` (see fast-path.ts for what it does and why): bundled into
// dist-cli/evergreen-worker.cjs and started by bin/evergreen.cjs with `workerData` = { path, flags,
// port }. It reads the data file's bars with the byte loader and posts them (or null), then writes
// JSON parts into bytes for each job the main thread posts. Every path ends by setting its flag, so
// the main thread, waiting on it, never waits for ever: a failure posts null or an error.

import { closeSync, openSync, fstatSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { ParsedBars } from '../data/csv.js';
import { type BatchAnswer, type BatchJob, CLAIM_FREE, CLAIM_HELPER, FLAG_JOBS, FLAG_STATE, jsonItems, type JsonAnswer, type JsonJob, STATE_READING, STATE_READY, STATE_STARTING } from './fast-path.js';
import { TextSink, warmUpJson, writeJsonParts } from './output.js';
import { readBarsBytes } from './read-bars.js';

interface HelperData {
  path: string | null;
  flags: Int32Array;
  port: MessagePort;
}

const { path, flags, port } = workerData as HelperData;

function signal(word: number, value: number | null): void {
  if (value === null) Atomics.add(flags, word, 1);
  else Atomics.store(flags, word, value);
  Atomics.notify(flags, word);
}

/** The buffers under the bars' columns, handed over without a copy. */
function buffersOf(bars: ParsedBars): ArrayBuffer[] {
  const b = bars.bars;
  const set = new Set<ArrayBuffer>();
  for (const c of [b.time, b.open, b.high, b.low, b.close, b.volume]) set.add(c.buffer as ArrayBuffer);
  return [...set];
}

function readBars(file: string): ParsedBars | null {
  let fd = -1;
  try {
    fd = openSync(file, 'r');
    const stat = fstatSync(fd);
    return stat.isFile() ? readBarsBytes(fd, stat.size, file) : null;
  } catch {
    return null;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

// The bars, unless the main thread found this thread not started yet and read them itself.
if (Atomics.compareExchange(flags, FLAG_STATE, STATE_STARTING, STATE_READING) === STATE_STARTING) {
  let bars: ParsedBars | null = null;
  try {
    bars = path === null ? null : readBars(path);
    port.postMessage(bars, bars === null ? [] : buffersOf(bars));
  } catch {
    port.postMessage(null);
  } finally {
    signal(FLAG_STATE, STATE_READY);
  }
  bars = null;
}
// After the bars (which the main thread may be waiting for): the number writer then compiles while
// the script compiles and its first rows run (shortest-number.ts).
warmUpJson();

/** A pipelined batch: its items, unless the main thread claimed it first. */
function batch(job: BatchJob): void {
  let answer: BatchAnswer;
  const transfer: ArrayBuffer[] = [];
  try {
    if (Atomics.compareExchange(job.claims, job.index, CLAIM_FREE, CLAIM_HELPER) !== CLAIM_FREE) answer = { index: job.index, skipped: true };
    else {
      const items = job.values.map((v) => jsonItems(v, job.first));
      for (const b of items) transfer.push(b.buffer as ArrayBuffer);
      answer = { index: job.index, items };
    }
  } catch (e) {
    answer = { index: job.index, error: e instanceof Error ? e.message : String(e) };
    transfer.length = 0;
  }
  try {
    port.postMessage(answer, transfer);
  } catch {
    port.postMessage({ index: job.index, error: 'cannot post the bytes' });
  } finally {
    signal(FLAG_JOBS, null);
  }
}

port.on('message', (job: JsonJob | BatchJob) => {
  if (job.kind === 'batch') {
    batch(job);
    return;
  }
  let answer: JsonAnswer;
  const transfer: ArrayBuffer[] = [];
  try {
    const chunks: Buffer[] = [];
    const sink = new TextSink((c) => {
      chunks.push(c);
    });
    writeJsonParts(sink, job.parts);
    sink.end();
    for (const c of chunks) transfer.push(c.buffer as ArrayBuffer);
    answer = { chunks };
  } catch (e) {
    answer = { error: e instanceof Error ? e.message : String(e) };
    transfer.length = 0;
  }
  try {
    port.postMessage(answer, transfer);
  } catch {
    port.postMessage({ error: 'cannot post the bytes' });
  } finally {
    signal(FLAG_JOBS, null);
  }
});
