// The engine's ground floor: the state every part of the worker shares (the store, the page's
// listener, the open session, the active run and the one job at a time) and the plumbing over it:
// events to the page (typed arrays transferred), notices, the queue of exclusive calls, jobs, and
// what a run sends the page as it goes (its reset, progress, plot rows, logs, failures). The parts
// above it (library, checkpoints, history run, replay) and the protocol facade (engine.ts) extend it.

import { Instance, PineRuntimeError, STRATEGY_PROPERTIES, type Bar, type BarColumns, type Diagnostic, type InputValue, type Program, type StrategyProperties } from '../../vm/index.js';
import { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { MAIN_BRANCH, type ScriptRecord, type SessionRecord } from '../store/schema.js';
import { DEFAULT_DATASET_ID, type LoadedDataset } from './datasets.js';
import type { resolveInputs } from './run-config.js';
import { now } from './scheduling.js';
import type { TickBar } from './ticks.js';
import type {
  BarsChunk,
  EngineEvent,
  EngineListener,
  InitOptions,
  NoticeLevel,
  OutputsChunk,
  ProgramInfo,
  ReplayState,
  RunPhase,
  SessionView,
  SnapshotInfo,
} from './protocol.js';
import { alertEvents } from './alerts-forward.js';
import { studyDrawings, withStudyRows, type StudyHost, type StudyInfo, type StudyRun } from './engine-studies.js';
/** Target duration of one slice of a history run before the event loop gets a turn. */
export const SLICE_TARGET_MS = 25;
export const PROGRESS_MS = 50;
export const LOG_FLUSH_MS = 250;
export const FEED_FLUSH_MS = 33;
/** A long history run is checkpointed this often, so a reload mid-run resumes instead of restarting. */
export const HISTORY_CHECKPOINT_MS = 3000;
/** Replay checkpoints: at most this often, after a confirmed bar. */
export const REPLAY_CHECKPOINT_MS = 1000;
/** How long the page's watchdog waits for an answer while the worker builds or parses bars. */
export const BUSY_GRACE_MS = 60_000;
/** Automatic checkpoints kept per run (manual and imported ones are never pruned). */
export const KEEP_AUTO = 3;
/** Bars slower than this (ms, on average) run one at a time under an instruction budget. */
export const SLOW_BAR_MS = 4;
export const BAR_BUDGET = 200_000;
export const MAX_SLICE = 50_000;

export type Transfer = <T>(value: T, transferables: Transferable[]) => T;

export interface Job {
  kind: 'history' | 'replay';
  stop: boolean;
  /** A replay asked to stop completes the bar that is forming first (a pause), so it stops on a
   * confirmed bar that can be checkpointed. */
  finishBar?: boolean;
  done: Promise<void>;
}

/** A replay bar whose ticks are being fed (not yet confirmed). */
export interface OpenReplayBar {
  bar: number;
  ticks: TickBar[];
  /** Ticks sent so far. */
  sent: number;
}

export interface ActiveRun {
  id: number;
  inst: Instance;
  program: Program;
  dataset: LoadedDataset;
  scriptId: string;
  scriptName: string;
  sourceHash: string;
  inputs: Record<string, InputValue>;
  replayFrom: number | null;
  runKey: string;
  /** Bars run as history: [0, historyEnd). */
  historyEnd: number;
  /** Output rows [0, outputsSent) are on the page; [0, outputsStored) in the store. */
  outputsSent: number;
  outputsStored: number;
  /** Candles [0, barsSent) are on the page. */
  barsSent: number;
  logsSent: number;
  open: OpenReplayBar | null;
  lastTick: TickBar | null;
  failed: boolean;
  /** The last drawings sent to the page were not empty. */
  drew?: boolean;
  lastCheckpointAt: number;
  /** Bar of the newest checkpoint of this run (written or restored), -1 when none. */
  savedBar: number;
  /** The trailing-edge checkpoint waiting for the feed to stay idle. */
  trailing: ReturnType<typeof setTimeout> | null;
  /** The page is going away or hidden: the running job checkpoints at its next confirmed bar. */
  flushWanted: boolean;
  /** This tab holds the run's writer lock (checkpoints of a run are written by one tab at a time). */
  writer: boolean;
  /** Automatic checkpoints are not written at or before this bar: a tab that took the writer lock
   * over must not put a checkpoint behind the one the previous writer left. */
  floorBar: number;
  /** The other scripts on the chart, run in step with this one (engine-studies.ts). */
  studies: StudyRun[];
  /** The replay branch its checkpoints go to (SnapshotMeta.branch; the timeline's forks). */
  branch: string;
}

export function defaultSession(scriptId: string): SessionRecord {
  return { scriptId, datasetId: DEFAULT_DATASET_ID, inputs: {}, replay: { from: null, playing: false, speed: 10 } };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function barAt(b: BarColumns, i: number): Bar {
  return {
    time: b.time[i] as number,
    open: b.open[i] as number,
    high: b.high[i] as number,
    low: b.low[i] as number,
    close: b.close[i] as number,
    volume: b.volume[i] as number,
  };
}

export function barsChunk(b: BarColumns, from: number, to: number): BarsChunk {
  return {
    firstBar: from,
    length: Math.max(0, to - from),
    time: b.time.slice(from, to),
    open: b.open.slice(from, to),
    high: b.high.slice(from, to),
    low: b.low.slice(from, to),
    close: b.close.slice(from, to),
    volume: b.volume.slice(from, to),
  };
}

export function chunkBuffers(c: BarsChunk | OutputsChunk): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: Float64Array) => {
    if (a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  add(c.time);
  if ('columns' in c) for (const cols of c.columns) cols.forEach(add);
  else [c.open, c.high, c.low, c.close, c.volume].forEach(add);
  return out;
}

export function programInfo(p: Program): ProgramInfo {
  return { meta: p.meta, outputs: p.outputs, inputs: p.inputs };
}

export function timeOfDay(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** What decides a run's identity (and so which checkpoints belong to it). */
export interface RunIdentity {
  script: ScriptRecord;
  resolved: ReturnType<typeof resolveInputs>;
  replayFrom: number | null;
  sourceHash: string;
  runKey: string;
  /** strategy: the tester's Properties (overrides of strategy()'s arguments). */
  props: StrategyProperties;
}

/** strategy: the tester's Properties are saved with the inputs under `strategy:<name>` keys (so a
 * run's identity, its stored rows and its checkpoints follow them like input values). */
export function splitStrategyProps(saved: Record<string, InputValue>): { inputs: Record<string, InputValue>; props: StrategyProperties } {
  const inputs: Record<string, InputValue> = {};
  const props: StrategyProperties = {};
  for (const [k, v] of Object.entries(saved)) {
    const name = k.startsWith('strategy:') ? k.slice(9) : null;
    if (name !== null && (STRATEGY_PROPERTIES as readonly string[]).includes(name)) props[name as keyof StrategyProperties] = v;
    else inputs[k] = v;
  }
  return { inputs, props };
}

export abstract class EngineCore {
  protected storeRef: Store | null = null;
  protected listener: EngineListener = () => {};
  /** The session start() is opening, with the options it was given. */
  protected started: { opts: InitOptions; opening: Promise<SessionView> } | null = null;
  /** Events sent before init() brought the page's listener. */
  protected held: EngineEvent[] | null = null;
  protected baseUrl = '';
  protected session: SessionRecord = defaultSession('');
  protected script: ScriptRecord | null = null;
  protected dataset: LoadedDataset | null = null;
  /** A built-in dataset the page named, being built while the store opens. */
  protected preload: { id: string; ds: Promise<LoadedDataset | null> } | null = null;
  protected compiled: { source: string; libKey?: string; program: Program | null; diagnostics: Diagnostic[] } | null = null;
  protected active: ActiveRun | null = null;
  protected runSeq = 0;
  protected job: Job | null = null;
  protected queue: Promise<unknown> = Promise.resolve();
  protected saveRequests: ((s: SnapshotInfo | null) => void)[] = [];
  protected lastFeedFlush = 0;
  /** A script that hung the engine (InitOptions.hold): opened and restored, never run or resumed
   * on its own, until run() is called. */
  protected hold: string | null = null;
  /** The last checkpoint write failed for lack of room (reported once until one succeeds). */
  protected storageFull = false;
  private sessionSaveError: string | null = null;

  constructor(
    protected readonly transfer: Transfer = (v) => v,
    protected readonly openStore: () => Promise<Store> = () => Store.open(),
  ) {}

  // ---- plumbing ----

  protected get store(): Store {
    if (!this.storeRef) throw new Error('The engine is not initialised: call init() first.');
    return this.storeRef;
  }

  protected send(e: EngineEvent, transferables: Transferable[] = []): void {
    this.deliver(this.transfer(e, transferables));
  }

  /** Hands an event (already marked for transfer) to the page's listener. */
  protected deliver(e: EngineEvent): void {
    try {
      const r: unknown = this.listener(e);
      if (r instanceof Promise) r.catch(() => undefined);
    } catch {
      // The page is gone (reload): nothing to tell.
    }
  }

  /** Tells the page's watchdog that the worker is about to block on bounded work of its own
   * (generating or parsing bars), so a late answer to its ping is not taken for a hung script. */
  protected busy(forMs = BUSY_GRACE_MS): void {
    this.send({ type: 'busy', forMs });
  }

  /** What the chart's other scripts (engine-studies.ts) need of the engine. */
  protected get studyHost(): StudyHost {
    return { store: this.store, notice: (l, c, m) => this.notice(l, c, m), busy: () => this.busy(), baseUrl: this.baseUrl };
  }

  protected notice(level: NoticeLevel, code: string, message: string): void {
    this.send({ type: 'notice', level, code, message });
  }

  /** Runs `fn` after every earlier exclusive call, with no job running (unless `keepJob`, for
   * calls that decide themselves what to do with a running job). */
  protected exclusive<T>(fn: () => Promise<T>, keepJob = false): Promise<T> {
    const p = this.queue.then(async () => {
      if (!keepJob) await this.stopJob();
      return fn();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  protected async stopJob(): Promise<void> {
    const j = this.job;
    if (!j) return;
    j.stop = true;
    await j.done;
  }

  protected startJob(kind: Job['kind'], body: (job: Job) => Promise<void>): void {
    const job: Job = { kind, stop: false, done: Promise.resolve() };
    job.done = (async () => {
      try {
        await body(job);
      } catch (e) {
        this.notice('error', 'internal', `The engine stopped: ${errorMessage(e)}`);
      } finally {
        if (this.job === job) this.job = null;
        this.answerSaveRequests(null);
      }
    })();
    this.job = job;
  }

  protected async saveSession(): Promise<void> {
    try {
      await this.store.putSession(this.session);
      this.sessionSaveError = null;
    } catch (e) {
      // Said once, not at every step of a replay, until a save succeeds again.
      const msg = errorMessage(e);
      if (msg !== this.sessionSaveError) this.notice('error', e instanceof StoreError ? e.code : 'store', msg);
      this.sessionSaveError = msg;
    }
  }

  /** Takes (or waits for) the writer lock of `run` (see engine-checkpoints.ts). */
  protected abstract claimWriter(run: ActiveRun): void;

  /** The open script is held (it hung the engine last time). */
  protected isHeld(): boolean {
    return this.hold !== null && this.script?.id === this.hold;
  }

  protected answerSaveRequests(info: SnapshotInfo | null): void {
    const waiting = this.saveRequests;
    this.saveRequests = [];
    for (const w of waiting) w(info);
  }

  /** Bars of the dataset the open script runs on: the active run's (its last calc_bars_count
   * bars, calc-bars.ts), else the loaded dataset's. */
  protected runBars(): number {
    const r = this.active;
    return r && this.dataset && r.dataset.info.id === this.dataset.info.id ? r.dataset.bars.length : (this.dataset?.bars.length ?? 0);
  }

  protected replayState(): ReplayState {
    const r = this.active;
    const next = r ? (r.open ? r.open.bar : r.inst.barIndex + 1) : 0;
    return {
      from: this.session.replay.from,
      next,
      end: this.runBars(),
      playing: this.session.replay.playing,
      speed: this.session.replay.speed,
    };
  }

  /** Sends the active instance's live drawings, then those of the scripts added to the chart (each
   * tagged with its `study` id); nothing while none of them ever drew. */
  protected sendDrawings(run: ActiveRun): void {
    const own = run.inst.drawings();
    const list = run.studies.length === 0 ? own : own.concat(studyDrawings(run.studies));
    if (list.length === 0 && !run.drew) return;
    run.drew = list.length > 0;
    this.send({ type: 'drawings', runId: run.id, list });
  }

  protected sendReplay(): void {
    this.send({ type: 'replay', state: this.replayState() });
  }

  // ---- what a run sends the page ----

  /** Makes `inst` the active run and sends the page its reset (candles and program). */
  protected adopt(
    inst: Instance,
    ds: LoadedDataset,
    id: RunIdentity,
    historyEnd: number,
    outputsSent: number,
    outputsStored: number,
    restoring = false,
    studies: { runs: StudyRun[]; infos: StudyInfo[] } = { runs: [], infos: [] },
    /** The run's reset was sent already (a restore drawn before its dataset was loaded). */
    earlyRunId?: number,
  ): ActiveRun {
    const runId = earlyRunId ?? ++this.runSeq;
    const shown = Math.max(historyEnd, inst.barIndex + 1);
    const run: ActiveRun = {
      id: runId,
      inst,
      program: inst.program,
      dataset: ds,
      scriptId: id.script.id,
      scriptName: id.script.name,
      sourceHash: id.sourceHash,
      inputs: id.resolved.values,
      replayFrom: id.replayFrom,
      runKey: id.runKey,
      historyEnd,
      outputsSent,
      outputsStored,
      barsSent: shown,
      logsSent: 0,
      open: null,
      lastTick: null,
      failed: false,
      lastCheckpointAt: now(),
      savedBar: restoring ? inst.barIndex : -1,
      trailing: null,
      flushWanted: false,
      writer: false,
      floorBar: -1,
      studies: studies.runs,
      branch: MAIN_BRANCH,
    };
    this.active = run;
    this.claimWriter(run);
    if (earlyRunId === undefined) {
      const bars = barsChunk(ds.bars, 0, shown);
      this.send(
        { type: 'reset', runId, program: programInfo(inst.program), dataset: ds.info, total: ds.bars.length, bars, restoring, studies: studies.infos },
        chunkBuffers(bars),
      );
    }
    this.send({ type: 'logs', runId, entries: [], reset: true });
    this.sendReplay();
    return run;
  }

  protected progress(run: ActiveRun, phase: RunPhase, done: number, total: number, bps: number): void {
    this.send({ type: 'progress', runId: run.id, phase, done, total, barsPerSecond: bps });
  }

  protected flushOutputs(run: ActiveRun): void {
    const end = run.inst.barIndex + 1;
    if (end <= run.outputsSent) return;
    const s = withStudyRows(run.inst.outputs.slice(run.outputsSent, end), run.studies);
    run.outputsSent = end;
    if (s.length === 0) return;
    this.send({ type: 'outputs', runId: run.id, chunk: s }, chunkBuffers(s));
  }

  protected flushLogs(run: ActiveRun): void {
    for (const a of alertEvents(run)) this.send(a);
    if (run.open) return; // tick logs are rolled back with the tick; confirmed ones follow
    const logs = run.inst.logs;
    if (logs.length < run.logsSent) run.logsSent = logs.length;
    if (logs.length === run.logsSent) return;
    const entries = logs.slice(run.logsSent);
    run.logsSent = logs.length;
    this.send({ type: 'logs', runId: run.id, entries, reset: false });
  }

  protected reportFailure(run: ActiveRun, e: unknown): void {
    run.failed = true;
    if (e instanceof PineRuntimeError) {
      this.send({ type: 'runtime-error', runId: run.id, error: e.toJSON() });
      this.notice('error', 'runtime', e.message);
    } else {
      this.notice('error', 'engine', `The run stopped: ${errorMessage(e)}`);
    }
  }

}
