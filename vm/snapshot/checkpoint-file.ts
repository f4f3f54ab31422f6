// The portable checkpoint file (`.evergreen`), shared by the app and the CLI: the same run gives the
// same bytes in the browser and in Node. One msgpack map, written in one fixed key order:
//
//   format    "evergreen-checkpoint"
//   version   3
//   run       { bar, scriptName, source, inputs, datasetId, datasetName, replayFrom, totalBars, barsDigest,
//               outputsDigest }
//   snapshot  the VM snapshot bytes (snapshot/format.ts) at bar `run.bar`
//   outputs   { time, columns }: the plot rows of bars 0..bar (columns[output][channel]), na as NaN
//   dataset   null, or the bars themselves { name, fileName, timeframe, time, open, high, low, close, volume,
//             symbol }: `symbol` is the symbol file (TOML, the CLI's --symbol format: sessions, timezone,
//             mintick, currency...) the bars ran with, or null for none
//
// Nothing in it is local to one host: no storage ids, no clock. `run.scriptName` is the script's
// declared title; `run.inputs` holds every input's value by its variable name (else its title), keys
// sorted; `run.datasetId` names a built-in dataset (`sample:…`, `synthetic:N`) or, for bars the file
// carries, their content (`csv:` + barsDigest of all of them); `run.barsDigest` is the digest of bars
// 0..bar, so a host that brings its own copy of the bars can check they are the same;
// `run.outputsDigest` is the digest of the plot rows (their times and every channel), checked when
// the file is read, so a damaged plot value is refused instead of restored. Every NaN is written as
// the one quiet NaN. Versions 1 (the app's first exports) and 2 are still read: their plot rows are
// read unchecked (no plot digest), and their bars carry no symbol file (they ran as 24x7 UTC, or with a
// built-in dataset's symbol).
//
// Decoding never trusts its input: anything missing or inconsistent is a CheckpointFileError saying
// what, in words a user can act on.

import { Packr } from 'msgpackr';
import { hash64 } from './checksum.js';
import type { BarColumns } from '../data/bars.js';
import type { InputInfo } from '../bytecode/program.js';

export const CHECKPOINT_FILE_FORMAT = 'evergreen-checkpoint';
export const CHECKPOINT_FILE_VERSION = 3;

export type CheckpointInputValue = number | string | boolean;

export interface CheckpointRun {
  /** Last confirmed bar of the snapshot: the run continues at bar + 1. */
  bar: number;
  scriptName: string;
  source: string;
  /** Every input's value, by variable name (else title). */
  inputs: Record<string, CheckpointInputValue>;
  datasetId: string;
  datasetName: string;
  /** First bar fed by a replay (bars before it ran as history), or null. */
  replayFrom: number | null;
  /** Bars in the dataset when the checkpoint was made. */
  totalBars: number;
  /** barsDigest(bars, bar + 1); null in version 1 files. */
  barsDigest: string | null;
}

export interface CheckpointRows {
  time: Float64Array;
  columns: Float64Array[][];
}

export interface CheckpointBars {
  name: string;
  fileName: string;
  timeframe: string;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** The symbol file (TOML text) the bars ran with, or null (version 1 and 2 files: null). */
  symbol: string | null;
}

export interface CheckpointFile {
  run: CheckpointRun;
  snapshot: Uint8Array;
  outputs: CheckpointRows;
  dataset: CheckpointBars | null;
}

export class CheckpointFileError extends Error {
  override readonly name = 'CheckpointFileError';
}

const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

const BAR_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** A digest of bars [0, end) (16 hex digits): equal bars give equal digests on every host. */
export function barsDigest(bars: Pick<BarColumns, (typeof BAR_COLUMNS)[number]>, end: number): string {
  const parts = BAR_COLUMNS.map((k) => {
    const c = canonicalNaN(bars[k].subarray(0, Math.max(0, end)));
    return hash64(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  });
  const text = `${end}:${parts.join(':')}`;
  return hash64(Uint8Array.from(text, (ch) => ch.charCodeAt(0)));
}

/** A digest of plot rows (16 hex digits): their count, every output's channel count, the times and
 * every channel's values (NaN canonical). */
export function outputsDigest(rows: CheckpointRows): string {
  const parts = [rows.time, ...rows.columns.flat()].map((a) => {
    const c = canonicalNaN(a);
    return hash64(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  });
  const text = `${rows.time.length}:${rows.columns.map((chs) => chs.length).join(',')}:${parts.join(':')}`;
  return hash64(Uint8Array.from(text, (ch) => ch.charCodeAt(0)));
}

/** The dataset id of bars a file carries: their content. */
export function carriedDatasetId(bars: Pick<BarColumns, (typeof BAR_COLUMNS)[number]>): string {
  return `csv:${barsDigest(bars, bars.time.length)}`;
}

/** A plain Float64Array copy with every NaN the same quiet NaN (NaN payloads and signs differ with
 * the operation that made them; the file must not). The input itself when it has no odd NaN. */
function canonicalNaN(a: Float64Array): Float64Array {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  let odd = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== a[i] && (bits[2 * i] !== 0 || bits[2 * i + 1] !== 0x7ff80000)) {
      odd = true;
      break;
    }
  }
  if (!odd && a.byteOffset % 8 === 0) return a;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    out[i] = v === v ? v : NaN;
  }
  return out;
}

/** Always a fresh, exact Float64Array (msgpackr writes a view's whole buffer otherwise). */
function exact(a: Float64Array): Float64Array {
  const c = canonicalNaN(a);
  return c === a ? a.slice() : c;
}

function sortedInputs(inputs: Record<string, CheckpointInputValue>): Record<string, CheckpointInputValue> {
  const out: Record<string, CheckpointInputValue> = {};
  for (const k of Object.keys(inputs).sort()) {
    const v = inputs[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The file's bytes. Built field by field in the documented order, so equal contents give equal
 * bytes whatever order the caller's records were made in. */
export function encodeCheckpointFile(f: CheckpointFile): Uint8Array {
  const r = f.run;
  const outputs: CheckpointRows = { time: exact(f.outputs.time), columns: f.outputs.columns.map((chs) => chs.map(exact)) };
  const run: CheckpointRun & { outputsDigest: string } = {
    bar: r.bar,
    scriptName: r.scriptName,
    source: r.source,
    inputs: sortedInputs(r.inputs),
    datasetId: r.datasetId,
    datasetName: r.datasetName,
    replayFrom: r.replayFrom,
    totalBars: r.totalBars,
    barsDigest: r.barsDigest,
    outputsDigest: outputsDigest(outputs),
  };
  const d = f.dataset;
  const dataset: CheckpointBars | null = d
    ? {
        name: d.name,
        fileName: d.fileName,
        timeframe: d.timeframe,
        time: exact(d.time),
        open: exact(d.open),
        high: exact(d.high),
        low: exact(d.low),
        close: exact(d.close),
        volume: exact(d.volume),
        symbol: d.symbol,
      }
    : null;
  const snapshot = new Uint8Array(f.snapshot.byteLength);
  snapshot.set(f.snapshot);
  const packed = packr.pack({ format: CHECKPOINT_FILE_FORMAT, version: CHECKPOINT_FILE_VERSION, run, snapshot, outputs, dataset });
  // pack() returns a view into a reused buffer (a Buffer in Node): copy it to an array of our own.
  const out = new Uint8Array(packed.length);
  out.set(packed);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function need(cond: boolean, what: string): asserts cond {
  if (!cond) throw new CheckpointFileError(`Not a valid Evergreen checkpoint file: ${what}.`);
}

/** The first bar whose time is not a finite time after the previous bar's, or -1. */
function badBarTime(time: Float64Array): number {
  let prev = -Infinity;
  for (let i = 0; i < time.length; i++) {
    const t = time[i] as number;
    if (!(t > prev) || !Number.isFinite(t) || Math.abs(t) > 8.64e15) return i;
    prev = t;
  }
  return -1;
}

function isF64(v: unknown): v is Float64Array {
  return v instanceof Float64Array;
}

/** The file begins as an export does (a map whose first entry is the format tag). */
function startsLikeExport(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64);
  let text = '';
  for (const b of head) text += String.fromCharCode(b);
  return text.includes(CHECKPOINT_FILE_FORMAT);
}

function isInputValue(v: unknown): v is CheckpointInputValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

export function decodeCheckpointFile(bytes: Uint8Array): CheckpointFile {
  if (bytes.byteLength === 0) throw new CheckpointFileError('Not a valid Evergreen checkpoint file: the file is empty.');
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (e) {
    // The decoder's own words ("Data read, but end of buffer not reached …") mean nothing to a
    // user: say whether the file is cut short or is something else.
    const text = e instanceof Error ? e.message : String(e);
    const cut = e instanceof RangeError || /unexpected end|outside the bounds/i.test(text);
    throw new CheckpointFileError(
      cut && startsLikeExport(bytes)
        ? `Not a valid Evergreen checkpoint file: the file is truncated (it ends after ${bytes.byteLength.toLocaleString('en-US')} bytes, before the checkpoint does); export it again.`
        : startsLikeExport(bytes)
          ? 'Not a valid Evergreen checkpoint file: the file is damaged (its contents cannot be read); export it again.'
          : 'Not a valid Evergreen checkpoint file: it is not a checkpoint export (an .evergreen file made with "Export" in the checkpoints panel).',
    );
  }
  need(isRecord(raw), 'it is not a checkpoint export');
  need(raw.format === CHECKPOINT_FILE_FORMAT, 'it is not a checkpoint export');
  need(typeof raw.version === 'number', 'it has no version');
  if (raw.version !== CHECKPOINT_FILE_VERSION && raw.version !== 1 && raw.version !== 2) {
    throw new CheckpointFileError(
      `Unsupported checkpoint file version ${String(raw.version)}: this version of Evergreen reads versions 1 to ${CHECKPOINT_FILE_VERSION}${typeof raw.version === 'number' && raw.version > CHECKPOINT_FILE_VERSION ? ' (the file was made by a newer Evergreen: update this one to import it)' : ''}.`,
    );
  }
  const v1 = raw.version === 1;
  const r = v1 ? raw.meta : raw.run;
  need(isRecord(r), v1 ? 'the metadata is missing' : 'the run record is missing');
  need(typeof r.bar === 'number' && Number.isInteger(r.bar) && r.bar >= -1, 'the bar index is missing');
  need(typeof r.datasetId === 'string', 'the run is not identified');
  const source = v1 ? raw.source : r.source;
  need(typeof source === 'string', 'the script source is missing');
  need(raw.snapshot instanceof Uint8Array, 'the snapshot bytes are missing');
  need(isRecord(r.inputs) && Object.values(r.inputs).every(isInputValue), 'the input values are missing');
  need(r.replayFrom === null || (typeof r.replayFrom === 'number' && Number.isInteger(r.replayFrom) && r.replayFrom >= 0), 'the replay start is not a bar');
  need(typeof r.totalBars === 'number' && Number.isInteger(r.totalBars) && r.totalBars >= 0, 'the bar count is missing');
  const out = raw.outputs;
  need(isRecord(out) && isF64(out.time) && Array.isArray(out.columns), 'the plot rows are missing');
  const length = out.time.length;
  const badRow = badBarTime(out.time);
  need(badRow < 0, `the plot rows are damaged: row ${badRow} has time ${String(out.time[badRow])}, not a time after the row before it`);
  need(
    out.columns.every((cols) => Array.isArray(cols) && cols.every((c) => isF64(c) && c.length === length)),
    'the plot rows are inconsistent',
  );
  if (raw.version === CHECKPOINT_FILE_VERSION) {
    // (Versions 1 and 2 carry no digest of their plot rows: read unchecked, as they always were.)
    need(typeof r.outputsDigest === 'string', "the run record has no digest of the plot rows (field 'run.outputsDigest')");
    const rows: CheckpointRows = { time: out.time, columns: out.columns as Float64Array[][] };
    need(
      outputsDigest(rows) === r.outputsDigest,
      `the plot rows are damaged: their values do not match the file's digest of them (field 'outputs', digest ${r.outputsDigest.length > 16 ? `${r.outputsDigest.slice(0, 16)}…` : r.outputsDigest}); export it again`,
    );
  }
  const ds = raw.dataset;
  let dataset: CheckpointBars | null = null;
  if (ds !== null && ds !== undefined) {
    need(isRecord(ds), 'the dataset is incomplete');
    // Version 1: { meta: the app's dataset record, bars: its columns }.
    const meta = v1 && isRecord(ds.meta) ? ds.meta : ds;
    const b = v1 && isRecord(ds.bars) ? ds.bars : ds;
    const n = isF64(b.time) ? b.time.length : -1;
    need(
      n >= 0 && [b.open, b.high, b.low, b.close, b.volume].every((c) => isF64(c) && c.length === n),
      'the dataset bars are inconsistent',
    );
    need(typeof meta.name === 'string' && typeof meta.fileName === 'string' && typeof meta.timeframe === 'string', 'the dataset is incomplete');
    // Version 3 names the symbol file the bars ran with (null: none); older files have none.
    const symbol = raw.version === CHECKPOINT_FILE_VERSION ? ds.symbol : null;
    need(symbol === null || (typeof symbol === 'string' && symbol.length <= 1 << 20), "the dataset's symbol file is not text");
    // Bars go on from here: a damaged time (NaN, out of order) must stop the file, not a later date formatting.
    const bad = badBarTime(b.time as Float64Array);
    need(bad < 0, `the dataset bars are damaged: bar ${bad} has time ${String((b.time as Float64Array)[bad])}, not a time after the bar before it`);
    dataset = {
      name: meta.name,
      fileName: meta.fileName,
      timeframe: meta.timeframe,
      time: b.time as Float64Array,
      open: b.open as Float64Array,
      high: b.high as Float64Array,
      low: b.low as Float64Array,
      close: b.close as Float64Array,
      volume: b.volume as Float64Array,
      symbol,
    };
  }
  const run: CheckpointRun = {
    bar: r.bar,
    scriptName: typeof r.scriptName === 'string' ? r.scriptName : 'Script',
    source,
    inputs: r.inputs as Record<string, CheckpointInputValue>,
    datasetId: r.datasetId,
    datasetName: typeof r.datasetName === 'string' ? r.datasetName : r.datasetId,
    replayFrom: r.replayFrom as number | null,
    totalBars: r.totalBars,
    barsDigest: typeof r.barsDigest === 'string' ? r.barsDigest : null,
  };
  need(length === 0 || length === run.bar + 1, `it holds ${length} rows of plot values for ${run.bar + 1} bars`);
  if (dataset) need(dataset.time.length >= run.bar + 1 && dataset.time.length >= run.totalBars, `it carries ${dataset.time.length} bars, fewer than its checkpoint needs`);
  return { run, snapshot: raw.snapshot, outputs: { time: out.time, columns: out.columns as Float64Array[][] }, dataset };
}

/** A run's input values by input key (variable name, else title), as the file holds them. */
export function checkpointInputs(inputs: readonly InputInfo[], values: readonly CheckpointInputValue[]): Record<string, CheckpointInputValue> {
  const out: Record<string, CheckpointInputValue> = {};
  inputs.forEach((info, i) => {
    const v = values[i];
    if (v !== undefined) out[info.varName ?? info.title] = v;
  });
  return out;
}

/** The script name a file gives: the script's declared title (the same on every host). */
export function checkpointScriptName(title: string): string {
  return title.trim() === '' ? 'Script' : title;
}
