// The checkpoint export file (`.evergreen`): one msgpack map holding a format tag and version, the
// checkpoint's metadata, the script source, the VM snapshot bytes, the plot rows up to its bar and,
// for a dataset the user imported, that dataset's bars. The file alone restores the app to the same
// bar in an empty browser. Decoding checks everything and names what is wrong.

import { Packr } from 'msgpackr';
import type { DatasetBarsRecord, DatasetRecord, SnapshotMeta } from '../store/schema.js';
import type { AssembledOutputs } from '../store/store.js';

export const EXPORT_FORMAT = 'evergreen-checkpoint';
export const EXPORT_VERSION = 1;

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: number;
  meta: SnapshotMeta;
  source: string;
  snapshot: Uint8Array;
  outputs: AssembledOutputs;
  /** Present when the checkpoint's dataset is one the user imported (not built in). */
  dataset: { meta: DatasetRecord; bars: DatasetBarsRecord } | null;
}

export class ExportFileError extends Error {
  override readonly name = 'ExportFileError';
}

const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

export function encodeExportFile(f: Omit<ExportFile, 'format' | 'version'>): Uint8Array {
  // pack() returns a view into a reused buffer: copy it to an exact-size array of our own (with
  // set(): in Node pack() gives a Buffer, whose slice() is another view).
  const packed = packr.pack({ format: EXPORT_FORMAT, version: EXPORT_VERSION, ...f });
  const out = new Uint8Array(packed.length);
  out.set(packed);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function need(cond: boolean, what: string): asserts cond {
  if (!cond) throw new ExportFileError(`Not a valid Evergreen checkpoint file: ${what}.`);
}

function isF64(v: unknown): v is Float64Array {
  return v instanceof Float64Array;
}

/** The file begins as an export does (a map whose first entry is the format tag). */
function startsLikeExport(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64);
  let text = '';
  for (const b of head) text += String.fromCharCode(b);
  return text.includes(EXPORT_FORMAT);
}

export function decodeExportFile(bytes: Uint8Array): ExportFile {
  if (bytes.byteLength === 0) throw new ExportFileError('Not a valid Evergreen checkpoint file: the file is empty.');
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (e) {
    // The decoder's own words ("Data read, but end of buffer not reached …") mean nothing to a
    // user: say whether the file is cut short or is something else.
    const text = e instanceof Error ? e.message : String(e);
    const cut = e instanceof RangeError || /unexpected end|outside the bounds/i.test(text);
    throw new ExportFileError(
      cut && startsLikeExport(bytes)
        ? `Not a valid Evergreen checkpoint file: the file is truncated (it ends after ${bytes.byteLength.toLocaleString('en-US')} bytes, before the checkpoint does); export it again.`
        : startsLikeExport(bytes)
          ? 'Not a valid Evergreen checkpoint file: the file is damaged (its contents cannot be read); export it again.'
          : 'Not a valid Evergreen checkpoint file: it is not a checkpoint export (an .evergreen file made with "Export" in the checkpoints panel).',
    );
  }
  need(isRecord(raw), 'it is not a checkpoint export');
  need(raw.format === EXPORT_FORMAT, 'it is not a checkpoint export');
  need(typeof raw.version === 'number', 'it has no version');
  if (raw.version !== EXPORT_VERSION) {
    throw new ExportFileError(`Unsupported checkpoint file version ${String(raw.version)} (this app reads version ${EXPORT_VERSION}).`);
  }
  const meta = raw.meta;
  need(isRecord(meta), 'the metadata is missing');
  need(typeof meta.bar === 'number' && Number.isInteger(meta.bar) && meta.bar >= -1, 'the bar index is missing');
  need(typeof meta.runKey === 'string' && typeof meta.datasetId === 'string', 'the run is not identified');
  need(typeof raw.source === 'string', 'the script source is missing');
  need(raw.snapshot instanceof Uint8Array, 'the snapshot bytes are missing');
  const out = raw.outputs;
  need(isRecord(out) && isF64(out.time) && Array.isArray(out.columns), 'the plot rows are missing');
  const length = out.time.length;
  need(
    out.columns.every((cols) => Array.isArray(cols) && cols.every((c) => isF64(c) && c.length === length)),
    'the plot rows are inconsistent',
  );
  const ds = raw.dataset;
  if (ds !== null) {
    need(isRecord(ds) && isRecord(ds.meta) && isRecord(ds.bars), 'the dataset is incomplete');
    const b = ds.bars;
    const n = isF64(b.time) ? b.time.length : -1;
    need(
      n >= 0 && [b.open, b.high, b.low, b.close, b.volume].every((c) => isF64(c) && c.length === n),
      'the dataset bars are inconsistent',
    );
  }
  return raw as unknown as ExportFile;
}
