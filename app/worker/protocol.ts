// What crosses between the page and the engine worker: plain data only (Comlink structured-clones
// it; typed arrays inside are transferred, never copied). The page imports this file and the
// worker's API with `import type`, so no worker code is bundled into the page.

import type {
  BarColumns,
  Diagnostic,
  InputInfo,
  InputValue,
  LogEntry,
  OutputInfo,
  PineRuntimeErrorData,
  ScriptMeta,
} from '../../vm/index.js';
import type { SnapshotKind, SnapshotStatus } from '../store/schema.js';
import type { TimingMark } from '../marks.js';
import type { AlertsEvent } from './alerts-forward.js';
import type { BuiltinCatalog } from './builtin-catalog.js';
import type { StrategyReport, DrawingRecord, SnapshotReport } from '../../vm/index.js';


export type { DrawingRecord };

export type { InputValue };

export interface ProgramInfo {
  meta: ScriptMeta;
  outputs: OutputInfo[];
  inputs: InputInfo[];
}

/** A script added to the chart beside the editor's (app/worker/engine-studies.ts), as the page lists it. */
export interface StudyInfo {
  id: string;
  scriptId: string;
  name: string;
  /** Null when it does not compile (it stays in the list, drawn nowhere). */
  program: ProgramInfo | null;
  hidden: boolean;
  /** Input overrides as saved (by input key). */
  inputs: Record<string, InputValue>;
  /** Why it is not drawn (compile errors, a runtime error, a missing script), or null. */
  error: string | null;
  /** Bar its run was restored from (null: computed from the first bar). */
  restoredBar: number | null;
}

export interface CompileInfo {
  diagnostics: Diagnostic[];
  /** Null when the source has errors. */
  program: ProgramInfo | null;
}

/** OHLCV rows [firstBar, firstBar + length). */
export interface BarsChunk extends BarColumns {
  firstBar: number;
}

/** Plot output rows [firstBar, firstBar + length): `columns[outputId][channel]`. */
export interface OutputsChunk {
  firstBar: number;
  length: number;
  time: Float64Array;
  columns: Float64Array[][];
}

/** Bars the chart library holds at a time (app/ui/chart/chart-view.ts). A restore sends the plot rows of
 * the last window first, so the chart is drawn before the other rows are read from storage. */
export const CHART_WINDOW = 1200;

/** How long a restore drawn from its stored candles waits for the page's chartDrawn() before it
 * loads the dataset and sends the history behind the chart anyway. */
export const BACKFILL_WAIT_MS = 1500;

export type DatasetKind = 'sample' | 'synthetic' | 'csv';

export interface DatasetInfo {
  id: string;
  name: string;
  kind: DatasetKind;
  description: string;
  /** Bars, when known without loading. */
  length: number | null;
  timeframe: string | null;
}

export interface ScriptInfo {
  id: string;
  name: string;
  updatedAt: number;
  sample: string | null;
}

export interface SnapshotInfo {
  id: string;
  createdAt: number;
  bar: number;
  size: number;
  kind: SnapshotKind;
  status: SnapshotStatus;
  statusMessage: string | null;
  scriptName: string;
  datasetName: string;
  /** It belongs to what is open now (same script, inputs, dataset and replay split). */
  matchesCurrent: boolean;
  scriptId: string;
  datasetId: string;
  replayFrom: number | null;
  /** Its replay branch (the checkpoint timeline: 'main', or a fork's id). */
  branch: string;
  /** It belongs to the open run and its current branch. */
  current: boolean;
}

/** What the snapshot inspector shows of a checkpoint (what `evergreen inspect` prints). */
export interface CheckpointInspection {
  id: string;
  bar: number;
  size: number;
  branch: string;
  /** The VM's report (null when the snapshot cannot be read: `problem` says why). */
  report: SnapshotReport | null;
  /** The report as `evergreen inspect` prints it. */
  text: string;
  problem: string | null;
  /** The inputs it was run with, as stored with it (every input of the script). */
  inputs: Record<string, InputValue>;
}

export interface ReplayState {
  /** First replayed bar, or null when every bar runs as history. */
  from: number | null;
  /** Next bar the feed will deliver. */
  next: number;
  /** Bars in the dataset (the feed ends there). */
  end: number;
  playing: boolean;
  /** Bars per second; 0 is as fast as possible. */
  speed: number;
}

export interface SessionView {
  scriptId: string;
  scriptName: string;
  source: string;
  datasetId: string;
  inputs: Record<string, InputValue>;
  replay: ReplayState;
  scripts: ScriptInfo[];
  datasets: DatasetInfo[];
  samples: string[];
}

export interface OpenBar {
  bar: number;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** The plots' values for this tick (one row). */
  outputs: OutputsChunk;
}

export type RunPhase = 'loading' | 'history' | 'restore' | 'replay';

export type NoticeLevel = 'info' | 'warning' | 'error';

export type EngineEvent =
  /** A new run starts: the chart clears, shows `bars` as candles and expects plots for `program`.
   * `restoring`: the run comes from a checkpoint, whose plot rows follow at once. */
  | { type: 'reset'; runId: number; program: ProgramInfo | null; dataset: DatasetInfo; total: number; bars: BarsChunk; restoring?: boolean; studies?: StudyInfo[] }
  /** Confirmed plot rows. A run's rows come in bar order with no gaps, except after a restore: the
   * rows of the chart's last window first, then every row from bar 0 (those again included). */
  | { type: 'outputs'; runId: number; chunk: OutputsChunk }
  /** Candles before the first one a restore's reset carried (it was drawn from the candles stored
   * beside its checkpoint, before the dataset was loaded): the history behind the restored chart. */
  | { type: 'bars'; runId: number; bars: BarsChunk }
  | { type: 'progress'; runId: number; phase: RunPhase; done: number; total: number; barsPerSecond: number }
  /** Replay: newly confirmed bars with their plot rows, and the open bar after the latest tick. */
  | { type: 'feed'; runId: number; bars: BarsChunk; outputs: OutputsChunk; open: OpenBar | null }
  | {
      type: 'run-end';
      runId: number;
      status: 'done' | 'cancelled' | 'error' | 'restored';
      /** Last confirmed bar (-1 if none). */
      lastBar: number;
      elapsedMs: number;
      /** After a restore: the history run continues from the next bar. */
      resumes?: boolean;
      /** Bars this run executed (0 for a restore). */
      barsRun?: number;
      /** A restore that kept the previous run across a presentation-only edit of its script. */
      kept?: 'presentation';
    }
  /** The live drawings (labels, lines, boxes, tables, ...) after a history run, a replayed bar or tick
   * and a restore: the whole list each time (it replaces the previous one). */
  | { type: 'drawings'; runId: number; list: DrawingRecord[] }
  | { type: 'logs'; runId: number; entries: LogEntry[]; reset: boolean }
  | { type: 'runtime-error'; runId: number; error: PineRuntimeErrorData }
  | { type: 'compiled'; info: CompileInfo }
  | { type: 'checkpoint'; bar: number | null; at: number | null }
  | { type: 'snapshots'; list: SnapshotInfo[] }
  | { type: 'notice'; level: NoticeLevel; message: string; code: string }
  | { type: 'replay'; state: ReplayState }
  | { type: 'session'; session: SessionView }
  /** Whether this tab writes the open run's checkpoints (false: another tab on the same run does,
   * and this one follows it until that tab closes). */
  | { type: 'writer'; writer: boolean }
  /** The worker is about to block on bounded work of its own (building or parsing bars): the
   * page's watchdog waits up to `forMs` for its next answer. */
  | { type: 'busy'; forMs: number }
  /** alert() / alertcondition() firings (app/worker/alerts-forward.ts). */
  | AlertsEvent;

export type EngineListener = (e: EngineEvent) => void;

export interface ImportResult {
  ok: boolean;
  message: string;
  datasetId: string | null;
}

export interface EngineApi {
  /** Opens the store, restores the last session (newest matching checkpoint, else a cold run). */
  init(listener: EngineListener, opts?: InitOptions): Promise<SessionView>;
  /** Saves the open script's new source and compiles it (diagnostics only; nothing runs). */
  setSource(source: string): Promise<CompileInfo>;
  /** Runs the open script from bar 0 over the open dataset. */
  run(): Promise<void>;
  /** Stops a history run or the replay feed at the next bar boundary. */
  cancel(): Promise<void>;
  setInputs(values: Record<string, InputValue>): Promise<void>;
  selectScript(id: string): Promise<SessionView>;
  newScript(sample: string | null): Promise<SessionView>;
  renameScript(id: string, name: string): Promise<SessionView>;
  deleteScript(id: string): Promise<SessionView>;
  selectDataset(id: string): Promise<void>;
  importCsv(fileName: string, bytes: Uint8Array): Promise<ImportResult>;
  deleteDataset(id: string): Promise<SessionView>;
  /** Bar the replay starts at (history runs before it); null leaves replay mode. */
  setReplayFrom(bar: number | null): Promise<void>;
  play(): Promise<void>;
  pause(): Promise<void>;
  step(): Promise<void>;
  setSpeed(barsPerSecond: number): Promise<void>;
  listSnapshots(): Promise<SnapshotInfo[]>;
  checkpointNow(): Promise<SnapshotInfo | null>;
  restoreSnapshot(id: string): Promise<void>;
  deleteSnapshot(id: string): Promise<void>;
  exportSnapshot(id: string): Promise<{ fileName: string; bytes: Uint8Array }>;
  importSnapshot(fileName: string, bytes: Uint8Array): Promise<ImportResult>;
  /** Deletes everything stored and starts over with the samples. */
  clearStorage(): Promise<SessionView>;
  /** The session as stored now (scripts and datasets lists read again: another tab may have
   * changed them); also sent as a 'session' event. */
  refreshSession(): Promise<SessionView>;
  /** Checkpoints the bars confirmed since the last checkpoint now (or, while a job runs, at its
   * next confirmed bar): the page calls it when it is hidden or going away. */
  flush(): Promise<void>;
  /** Answers at once while the worker's event loop turns: the page's watchdog calls it every
   * second. Returns the last confirmed bar. */
  ping(): Promise<number>;
  /** The page painted run `runId`'s chart. A restore drawn from its stored candles loads the dataset
   * and sends the rest of the history only after this (or BACKFILL_WAIT_MS), so that work does not
   * compete with the page's first frame for the machine. */
  chartDrawn(runId: number): Promise<void>;
  /** Test-only (the watchdog's e2e tests, app/worker/test-hang.ts): the next bar the engine starts
   * to run for the open script never ends, as a runaway script's would. */
  testOnlyHangAtNextBar(): Promise<void>;
  /** The worker's timing marks (absolute times, for the load benchmark). */
  timingMarks(): Promise<TimingMark[]>;
  /** The VM's builtins (signatures, variables) for the editor's help (app/worker/builtin-catalog.ts). */
  builtinCatalog(): Promise<BuiltinCatalog>;
  /** strategy: the running strategy's trades, summary and equity curve (null for indicators). */
  strategyReport(): Promise<StrategyReport | null>;
  /** strategy: its list of trades as TradingView's CSV (what `evergreen run --trades` writes). */
  strategyTradesCsv(): Promise<string | null>;
  /** Several scripts on one chart (engine-studies.ts): adds a script beside the editor's (run from
   * its newest checkpoint, else from the first bar), removes one, sets one's inputs (it alone is
   * computed again), hides or shows one, moves one up (-1) or down (+1) the list. */
  /** The checkpoint timeline: restores a checkpoint into a new replay branch (the checkpoints after
   * it stay in their branch), deletes a branch's checkpoints, and reads a checkpoint's report. */
  forkSnapshot(id: string): Promise<void>;
  deleteBranch(branch: string): Promise<void>;
  inspectSnapshot(id: string): Promise<CheckpointInspection>;
  addStudy(scriptId: string): Promise<void>;
  removeStudy(id: string): Promise<void>;
  setStudyInputs(id: string, values: Record<string, InputValue>): Promise<void>;
  setStudyHidden(id: string, hidden: boolean): Promise<void>;
  moveStudy(id: string, delta: number): Promise<void>;
}

export type { StrategyReport };

export interface InitOptions {
  /** Dataset to open instead of the session's (e.g. `?dataset=synthetic:100000`). */
  datasetId?: string;
  /** Sample script to open (file name in public/samples/scripts) instead of the session's. */
  sample?: string;
  /** The page's base URL (samples are fetched relative to it). */
  baseUrl: string;
  /** False: run from scratch even when a matching checkpoint exists (`?restore=0`). */
  restore?: boolean;
  /** Id of a script that hung the engine: it is opened (its newest checkpoint restored) but not
   * run until run() is called. */
  hold?: string;
}

/** The engine worker's name, which also carries the page's InitOptions: the worker reads them from
 * its global `name` as its script runs and opens the session at once, rather than when the page's
 * init() call reaches it (a worker's first messages are forwarded by the page's main thread, so
 * they wait behind whatever the page is doing: loading the UI, painting the chart). */
const WORKER_NAME = 'evergreen-engine';

export function workerName(opts: InitOptions): string {
  return `${WORKER_NAME} ${JSON.stringify(opts)}`;
}

/** The InitOptions in a worker name made by workerName, or null (another name, or not valid). */
export function initOptionsFromWorkerName(name: string): InitOptions | null {
  if (!name.startsWith(`${WORKER_NAME} `)) return null;
  let v: unknown;
  try {
    v = JSON.parse(name.slice(WORKER_NAME.length + 1));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.baseUrl !== 'string') return null;
  const opts: InitOptions = { baseUrl: o.baseUrl };
  if (typeof o.restore === 'boolean') opts.restore = o.restore;
  if (typeof o.datasetId === 'string') opts.datasetId = o.datasetId;
  if (typeof o.sample === 'string') opts.sample = o.sample;
  if (typeof o.hold === 'string') opts.hold = o.hold;
  return opts;
}

/** Whether two InitOptions ask for the same thing. */
export function sameInitOptions(a: InitOptions, b: InitOptions): boolean {
  return a.baseUrl === b.baseUrl && (a.restore ?? true) === (b.restore ?? true) && a.datasetId === b.datasetId && a.sample === b.sample && a.hold === b.hold;
}
