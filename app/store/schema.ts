// The IndexedDB schema of the app as one typed DBSchema, and its upgrades. Upgrades are cumulative
// (`if (oldVersion < n)`), so a database at any older version reaches the current one by running
// every step after its own; a step never edits what an earlier step created except to add to it.

import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { BarColumns } from '../../vm/index.js';

export const DB_NAME = 'evergreen';
export const DB_VERSION = 3;

/** An input override as the host passes it to the VM (by variable name or title). */
export type StoredInputValue = number | string | boolean;

export interface ScriptRecord {
  id: string;
  name: string;
  source: string;
  createdAt: number;
  updatedAt: number;
  /** File name of the sample the script was created from, or null. */
  sample: string | null;
}

/** A dataset imported by the user. Built-in datasets (samples, synthetic) are not stored. */
export interface DatasetRecord {
  id: string;
  name: string;
  fileName: string;
  length: number;
  firstTime: number;
  lastTime: number;
  /** Pine timeframe string inferred from the bar spacing ('1D', '60', ...). */
  timeframe: string;
  warnings: string[];
  createdAt: number;
  /** A symbol file (TOML, as the CLI's --symbol) imported for the dataset: its exchange, timezone
   * and sessions (absent: 24x7 UTC, as the CLI reads a bar file alone). */
  symbolToml?: string;
}

/** The bars of a stored dataset, as columns (the VM's BarColumns without `length`). */
export interface DatasetBarsRecord extends Omit<BarColumns, 'length'> {
  id: string;
}

export interface ReplaySettings {
  /** First bar fed by the replay (bars before it run as history); null: no replay. */
  from: number | null;
  playing: boolean;
  /** Bars per second; 0 is as fast as possible. */
  speed: number;
}

/** What the app had open: restored on the next page load. Key 'current'. */
export interface SessionRecord {
  scriptId: string;
  datasetId: string;
  /** Input overrides per script id, by input variable name (or title when it has none). */
  inputs: Record<string, Record<string, StoredInputValue>>;
  replay: ReplaySettings;
}

export type SnapshotKind = 'auto' | 'manual' | 'imported';
export type SnapshotStatus = 'ok' | 'stale' | 'corrupt';

/** Everything needed to list a checkpoint and to decide whether it matches what is open. */
export interface SnapshotMeta {
  id: string;
  createdAt: number;
  /** Last confirmed bar index held by the snapshot: the app continues at bar + 1. */
  bar: number;
  /** Bytes of the VM snapshot. */
  size: number;
  kind: SnapshotKind;
  status: SnapshotStatus;
  /** Why the status is not 'ok'. */
  statusMessage: string | null;
  scriptId: string;
  scriptName: string;
  sourceHash: string;
  datasetId: string;
  datasetName: string;
  /** Resolved input values (every input of the script) by input key. */
  inputs: Record<string, StoredInputValue>;
  replayFrom: number | null;
  /** Identity of the run (source, inputs, dataset, replay split): outputs are stored under it. */
  runKey: string;
  /** Bars in the dataset when the snapshot was taken. */
  totalBars: number;
  /** The replay branch it belongs to (the checkpoint timeline's forks; absent: MAIN_BRANCH). Automatic
   * checkpoints are pruned within their branch, so forking keeps the older branch's. */
  branch?: string;
}

/** The branch of checkpoints made before any fork. */
export const MAIN_BRANCH = 'main';

export interface SnapshotBytesRecord {
  id: string;
  bytes: Uint8Array;
  /** The candles of the chart's last window up to the checkpoint's bar, kept beside the snapshot
   * so that a page load draws the restored chart before it has the dataset (absent in checkpoints
   * written before this field, and in imported ones). */
  tail?: TailBarsRecord;
}

/** Bars [firstBar, firstBar + time.length) as columns. */
export interface TailBarsRecord {
  firstBar: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Plot output rows [fromBar, toBar) of one run, as columns (`columns[output][channel]`). */
export interface OutputChunkRecord {
  runKey: string;
  fromBar: number;
  toBar: number;
  time: Float64Array;
  columns: Float64Array[][];
}

/** A script added to the chart next to the one the editor has open (several scripts on one chart,
 * app/worker/engine-studies.ts): its own inputs, shown or hidden, in the chart's order. */
export interface StudyRecord {
  id: string;
  /** The chart it is on ('current': the one chart of the app). */
  chartId: string;
  scriptId: string;
  /** Input overrides by input variable name (or title), as SessionRecord.inputs. */
  inputs: Record<string, StoredInputValue>;
  hidden: boolean;
  /** Place in the chart's list (smaller first; the editor's script is always first). */
  order: number;
  addedAt: number;
}

export interface EvergreenDB extends DBSchema {
  scripts: { key: string; value: ScriptRecord; indexes: { 'by-updated': number } };
  datasets: { key: string; value: DatasetRecord };
  datasetBars: { key: string; value: DatasetBarsRecord };
  session: { key: string; value: SessionRecord };
  snapshots: {
    key: string;
    value: SnapshotMeta;
    indexes: { 'by-created': number; 'by-run': string; 'by-script-dataset': [string, string] };
  };
  snapshotBytes: { key: string; value: SnapshotBytesRecord };
  outputs: { key: [string, number]; value: OutputChunkRecord; indexes: { 'by-run': string } };
  studies: { key: string; value: StudyRecord; indexes: { 'by-chart': string } };
}

export type EvergreenStoreName = StoreNames<EvergreenDB>;

/** Runs every upgrade step after `oldVersion` up to `newVersion`, in order. */
export function upgradeSchema(
  db: IDBPDatabase<EvergreenDB>,
  oldVersion: number,
  newVersion: number,
  _tx: IDBPTransaction<EvergreenDB, EvergreenStoreName[], 'versionchange'>,
): void {
  const step = (v: number) => oldVersion < v && v <= newVersion;
  if (step(1)) {
    const scripts = db.createObjectStore('scripts', { keyPath: 'id' });
    scripts.createIndex('by-updated', 'updatedAt');
    db.createObjectStore('datasets', { keyPath: 'id' });
    db.createObjectStore('datasetBars', { keyPath: 'id' });
    db.createObjectStore('session');
  }
  if (step(2)) {
    const snaps = db.createObjectStore('snapshots', { keyPath: 'id' });
    snaps.createIndex('by-created', 'createdAt');
    snaps.createIndex('by-run', 'runKey');
    snaps.createIndex('by-script-dataset', ['scriptId', 'datasetId']);
    db.createObjectStore('snapshotBytes', { keyPath: 'id' });
    const outputs = db.createObjectStore('outputs', { keyPath: ['runKey', 'fromBar'] });
    outputs.createIndex('by-run', 'runKey');
  }
  if (step(3)) {
    // Several scripts on one chart: the scripts added to the chart. Nothing stored before changes
    // (the editor's script stays the chart's first script, as it was its only one).
    const studies = db.createObjectStore('studies', { keyPath: 'id' });
    studies.createIndex('by-chart', 'chartId');
  }
}
