// Checkpoints: the only module that calls the VM's snapshot API (saveState, restoreState,
// peekSnapshot). Writing one stores the snapshot bytes, its metadata and the plot rows computed since
// the run's last checkpoint in one transaction; reading one restores an Instance and assembles the
// stored plot rows up to its bar, so the chart is redrawn without re-running history. A snapshot the
// VM rejects (bad magic, truncated, checksum...) is reported as a SnapshotProblem, never half-used.

import { Instance } from '../../vm/index.js';
import { SnapshotError } from '../../vm/index.js';
import type { Store, AssembledOutputs } from '../store/store.js';
import type { OutputChunkRecord, SnapshotKind, SnapshotMeta, StoredInputValue, TailBarsRecord } from '../store/schema.js';
import type { BarColumns } from '../../vm/index.js';
import { mark } from '../marks.js';

export interface SnapshotProblem {
  code: string;
  message: string;
}

export interface SnapshotHeaderInfo {
  bar: number;
  programHash: string;
}

// ---- the VM's snapshot API ----

export function captureInstance(inst: Instance): Uint8Array {
  return inst.saveState();
}

export function restoreInstance(bytes: Uint8Array): Instance {
  return Instance.restoreState(bytes).build();
}

export function peekHeader(bytes: Uint8Array): SnapshotHeaderInfo {
  const h = Instance.peekSnapshot(bytes);
  return { bar: h.bar, programHash: h.programHash };
}

/** The VM's reason for rejecting a snapshot, or null when `e` is some other failure. */
export function snapshotProblem(e: unknown): SnapshotProblem | null {
  if (e instanceof SnapshotError) return { code: e.code, message: e.message };
  return null;
}

// ---- writing and reading checkpoints ----

/** What the engine knows about the run a checkpoint is taken from. */
export interface CheckpointSource {
  inst: Instance;
  runKey: string;
  sourceHash: string;
  scriptId: string;
  scriptName: string;
  datasetId: string;
  datasetName: string;
  inputs: Record<string, StoredInputValue>;
  replayFrom: number | null;
  totalBars: number;
  /** The run's bars: the last `tailBars` of them up to the checkpoint's bar are stored beside it. */
  bars?: BarColumns;
  tailBars?: number;
  /** Output rows [0, outputsStored) of the run are already in the store. */
  outputsStored: number;
  /** Its replay branch (SnapshotMeta.branch; absent: the main one). */
  branch?: string;
}

/** Bars [from, to) as a stored tail (copies). */
export function tailBarsOf(b: BarColumns, from: number, to: number): TailBarsRecord {
  return {
    firstBar: from,
    time: b.time.slice(from, to),
    open: b.open.slice(from, to),
    high: b.high.slice(from, to),
    low: b.low.slice(from, to),
    close: b.close.slice(from, to),
    volume: Float64Array.from(b.volume.subarray(from, to)),
  };
}

export function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Output rows [from, to) of an instance as a store chunk (null when there are none). */
export function outputsChunk(inst: Instance, runKey: string, from: number, to: number): OutputChunkRecord | null {
  if (to <= from) return null;
  const s = inst.outputs.slice(from, to);
  if (s.length === 0) return null;
  return { runKey, fromBar: s.firstBar, toBar: s.firstBar + s.length, time: s.time, columns: s.columns };
}

/** Saves a checkpoint of the instance at its last confirmed bar. Returns its metadata and the new
 * end of the stored output rows. Throws StoreError (e.g. 'quota') with the previous state kept. */
export async function writeCheckpoint(
  store: Store,
  src: CheckpointSource,
  kind: SnapshotKind,
): Promise<{ meta: SnapshotMeta; outputsStored: number }> {
  const bar = src.inst.barIndex;
  const bytes = captureInstance(src.inst);
  const end = bar + 1;
  const outputs = outputsChunk(src.inst, src.runKey, src.outputsStored, end);
  const meta: SnapshotMeta = {
    id: newId(),
    createdAt: Date.now(),
    bar,
    size: bytes.byteLength,
    kind,
    status: 'ok',
    statusMessage: null,
    scriptId: src.scriptId,
    scriptName: src.scriptName,
    sourceHash: src.sourceHash,
    datasetId: src.datasetId,
    datasetName: src.datasetName,
    inputs: src.inputs,
    replayFrom: src.replayFrom,
    runKey: src.runKey,
    totalBars: src.totalBars,
    ...(src.branch !== undefined ? { branch: src.branch } : {}),
  };
  const n = src.tailBars ?? 0;
  const tail = src.bars && n > 0 && end <= src.bars.length ? tailBarsOf(src.bars, Math.max(0, end - n), end) : undefined;
  await store.saveCheckpoint(tail ? { meta, bytes, outputs, tail } : { meta, bytes, outputs });
  return { meta, outputsStored: Math.max(src.outputsStored, outputs ? outputs.toBar : src.outputsStored) };
}

export type RestoreOutcome =
  | { ok: true; inst: Instance; outputs: AssembledOutputs; tailBars: TailBarsRecord | null }
  | { ok: false; problem: SnapshotProblem };

/** Restores a stored checkpoint with the last of its plot rows, from bar `firstRows` at least to
 * its bar (the rest are for `store.readOutputs`). The snapshot bytes and the rows are read at once.
 * A missing or rejected snapshot is a problem, not an exception. */
export async function readCheckpoint(store: Store, meta: SnapshotMeta, firstRows: number): Promise<RestoreOutcome> {
  const end = meta.bar + 1;
  const from = Math.max(0, Math.min(firstRows, end));
  const tail = store.readOutputTail(meta.runKey, from, end);
  tail.catch(() => undefined);
  const rec = await store.getSnapshotRecord(meta.id);
  const bytes = rec?.bytes;
  mark('w:snapshot-read');
  if (!bytes) return { ok: false, problem: { code: 'missing', message: 'its bytes are missing from storage' } };
  if (bytes.byteLength !== meta.size) {
    return { ok: false, problem: { code: 'truncated', message: `it holds ${bytes.byteLength} bytes where ${meta.size} were saved` } };
  }
  let inst: Instance;
  try {
    inst = restoreInstance(bytes);
  } catch (e) {
    const p = snapshotProblem(e);
    if (p) return { ok: false, problem: p };
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, problem: { code: 'restore-failed', message: msg } };
  }
  mark('w:instance-restored');
  if (inst.barIndex !== meta.bar) {
    return { ok: false, problem: { code: 'corrupt', message: `it holds bar ${inst.barIndex}, its record says ${meta.bar}` } };
  }
  const shape = inst.program.outputs.map((o) => o.channels.length);
  let outputs = await tail;
  const sameShape = outputs.columns.length === shape.length && shape.every((n, i) => outputs.columns[i]?.length === n);
  // No rows stored (or not this program's): the program's columns, all na.
  if (!sameShape) outputs = await store.readOutputTail(meta.runKey, from, end, shape);
  mark('w:rows-read');
  const t = rec.tail;
  const tailBars = t && t.firstBar >= 0 && t.time.length > 0 && t.firstBar + t.time.length === end ? t : null;
  return { ok: true, inst, outputs, tailBars };
}

/** Reads an exported or foreign snapshot's header without restoring it. */
export function inspectSnapshot(bytes: Uint8Array): { ok: true; header: SnapshotHeaderInfo } | { ok: false; problem: SnapshotProblem } {
  try {
    return { ok: true, header: peekHeader(bytes) };
  } catch (e) {
    const p = snapshotProblem(e);
    if (p) return { ok: false, problem: p };
    return { ok: false, problem: { code: 'unreadable', message: e instanceof Error ? e.message : String(e) } };
  }
}
