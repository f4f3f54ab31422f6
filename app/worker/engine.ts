// The engine behind the worker's Comlink API: owns the store, the open session (script, dataset,
// inputs, replay settings), the running Instance and the one long job at a time (a history run or
// the replay feed). Jobs run in slices and give the event loop a turn between them, so control calls
// (cancel, pause, speed, "save now") are answered while they run; calls that replace the run wait
// for the job to stop at a bar boundary first. Everything the page sees arrives as EngineEvents
// through one listener, with typed arrays transferred.

import {
  compile,
  Instance,
  InstanceError,
  PineRuntimeError,
  ParseError,
  inferTimeframe,
  parseBarsCsv,
  type Bar,
  type BarColumns,
  type Diagnostic,
  type InputValue,
  type Program,
} from '../../vm/index.js';
import { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import type { ScriptRecord, SessionRecord, SnapshotMeta, SnapshotKind } from '../store/schema.js';
import type { AssembledOutputs } from '../store/store.js';
import {
  builtinDatasets,
  DEFAULT_DATASET_ID,
  loadBuiltin,
  loadStored,
  storedDatasetInfo,
  type LoadedDataset,
} from './datasets.js';
import { hashText } from './hash.js';
import { resolveInputs, runKeyOf } from './run-config.js';
import { now, sleep, yieldToEventLoop } from './scheduling.js';
import { ticksForBar, TICKS_PER_BAR, type TickBar } from './ticks.js';
import { BLANK_SCRIPT, SAMPLE_SCRIPTS, fetchSample } from './samples.js';
import { newId, readCheckpoint, writeCheckpoint, inspectSnapshot, restoreInstance } from './checkpoint.js';
import { decodeExportFile, encodeExportFile, ExportFileError } from './export-file.js';
import { mark, timingMarks, type TimingMark } from '../marks.js';
import { brokerOf, strategyReport, tradesCsv, STRATEGY_PROPERTIES, withStrategyProperties, type StrategyReport, type StrategyProperties } from '../../vm/index.js';

/** strategy: the tester's Properties are saved with the inputs under `strategy:<name>` keys (so a
 * run's identity, its stored rows and its checkpoints follow them like input values). */
function splitStrategyProps(saved: Record<string, InputValue>): { inputs: Record<string, InputValue>; props: StrategyProperties } {
  const inputs: Record<string, InputValue> = {};
  const props: StrategyProperties = {};
  for (const [k, v] of Object.entries(saved)) {
    const name = k.startsWith('strategy:') ? k.slice(9) : null;
    if (name !== null && (STRATEGY_PROPERTIES as readonly string[]).includes(name)) props[name as keyof StrategyProperties] = v;
    else inputs[k] = v;
  }
  return { inputs, props };
}
import { CHART_WINDOW, sameInitOptions } from './protocol.js';
import type {
  BarsChunk,
  CompileInfo,
  DatasetInfo,
  EngineApi,
  EngineEvent,
  EngineListener,
  ImportResult,
  InitOptions,
  NoticeLevel,
  OutputsChunk,
  ProgramInfo,
  ReplayState,
  RunPhase,
  SessionView,
  SnapshotInfo,
} from './protocol.js';

/** Target duration of one slice of a history run before the event loop gets a turn. */
const SLICE_TARGET_MS = 25;
const PROGRESS_MS = 50;
const LOG_FLUSH_MS = 250;
const FEED_FLUSH_MS = 33;
/** A long history run is checkpointed this often, so a reload mid-run resumes instead of restarting. */
const HISTORY_CHECKPOINT_MS = 3000;
/** Replay checkpoints: at most this often, after a confirmed bar. */
const REPLAY_CHECKPOINT_MS = 1000;
/** Automatic checkpoints kept per run (manual and imported ones are never pruned). */
const KEEP_AUTO = 3;
/** Bars slower than this (ms, on average) run one at a time under an instruction budget. */
const SLOW_BAR_MS = 4;
const BAR_BUDGET = 200_000;
const MAX_SLICE = 50_000;

export type Transfer = <T>(value: T, transferables: Transferable[]) => T;

interface Job {
  kind: 'history' | 'replay';
  stop: boolean;
  done: Promise<void>;
}

/** A replay bar whose ticks are being fed (not yet confirmed). */
interface OpenReplayBar {
  bar: number;
  ticks: TickBar[];
  /** Ticks sent so far. */
  sent: number;
}

interface ActiveRun {
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
  lastCheckpointAt: number;
}

function defaultSession(scriptId: string): SessionRecord {
  return { scriptId, datasetId: DEFAULT_DATASET_ID, inputs: {}, replay: { from: null, playing: false, speed: 10 } };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function barAt(b: BarColumns, i: number): Bar {
  return {
    time: b.time[i] as number,
    open: b.open[i] as number,
    high: b.high[i] as number,
    low: b.low[i] as number,
    close: b.close[i] as number,
    volume: b.volume[i] as number,
  };
}

function barsChunk(b: BarColumns, from: number, to: number): BarsChunk {
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

function chunkBuffers(c: BarsChunk | OutputsChunk): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (a: Float64Array) => {
    if (a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  };
  add(c.time);
  if ('columns' in c) for (const cols of c.columns) cols.forEach(add);
  else [c.open, c.high, c.low, c.close, c.volume].forEach(add);
  return out;
}

function programInfo(p: Program): ProgramInfo {
  return { meta: p.meta, outputs: p.outputs, inputs: p.inputs };
}

function timeOfDay(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export class Engine implements EngineApi {
  private storeRef: Store | null = null;
  private listener: EngineListener = () => {};
  /** The session start() is opening, with the options it was given. */
  private started: { opts: InitOptions; opening: Promise<SessionView> } | null = null;
  /** Events sent before init() brought the page's listener. */
  private held: EngineEvent[] | null = null;
  private baseUrl = '';
  private session: SessionRecord = defaultSession('');
  private script: ScriptRecord | null = null;
  private dataset: LoadedDataset | null = null;
  /** A built-in dataset the page named, being built while the store opens. */
  private preload: { id: string; ds: Promise<LoadedDataset | null> } | null = null;
  private compiled: { source: string; program: Program | null; diagnostics: Diagnostic[] } | null = null;
  private active: ActiveRun | null = null;
  private runSeq = 0;
  private job: Job | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private saveRequests: ((s: SnapshotInfo | null) => void)[] = [];
  private lastFeedFlush = 0;

  constructor(
    private readonly transfer: Transfer = (v) => v,
    private readonly openStore: () => Promise<Store> = () => Store.open(),
  ) {}

  // ---- plumbing ----

  private get store(): Store {
    if (!this.storeRef) throw new Error('The engine is not initialised: call init() first.');
    return this.storeRef;
  }

  private send(e: EngineEvent, transferables: Transferable[] = []): void {
    this.deliver(this.transfer(e, transferables));
  }

  /** Hands an event (already marked for transfer) to the page's listener. */
  private deliver(e: EngineEvent): void {
    try {
      const r: unknown = this.listener(e);
      if (r instanceof Promise) r.catch(() => undefined);
    } catch {
      // The page is gone (reload): nothing to tell.
    }
  }

  private notice(level: NoticeLevel, code: string, message: string): void {
    this.send({ type: 'notice', level, code, message });
  }

  /** Runs `fn` after every earlier exclusive call, with no job running (unless `keepJob`, for
   * calls that decide themselves what to do with a running job). */
  private exclusive<T>(fn: () => Promise<T>, keepJob = false): Promise<T> {
    const p = this.queue.then(async () => {
      if (!keepJob) await this.stopJob();
      return fn();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async stopJob(): Promise<void> {
    const j = this.job;
    if (!j) return;
    j.stop = true;
    await j.done;
  }

  private startJob(kind: Job['kind'], body: (job: Job) => Promise<void>): void {
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

  private async saveSession(): Promise<void> {
    try {
      await this.store.putSession(this.session);
    } catch (e) {
      this.notice('error', e instanceof StoreError ? e.code : 'store', errorMessage(e));
    }
  }

  // ---- init and session ----

  /** Opens the session before the page's init() has arrived (the worker entry calls it with the
   * options in the worker's name). Events are held until init() brings the listener. */
  start(opts: InitOptions): void {
    if (this.started) return;
    mark('w:start');
    const held: EngineEvent[] = [];
    this.held = held;
    this.listener = (e) => {
      held.push(e);
    };
    const opening = this.open(opts);
    opening.catch(() => undefined);
    this.started = { opts, opening };
  }

  async init(listener: EngineListener, opts: InitOptions): Promise<SessionView> {
    mark('w:init');
    const started = this.started;
    this.started = null;
    const held = this.held ?? [];
    this.held = null;
    this.listener = listener;
    // What start() sent so far, in order (their typed arrays were marked for transfer when sent).
    for (const e of held) this.deliver(e);
    if (started) {
      if (sameInitOptions(started.opts, opts)) return started.opening;
      await started.opening.catch(() => undefined);
    }
    return this.open(opts);
  }

  private async open(opts: InitOptions): Promise<SessionView> {
    this.baseUrl = opts.baseUrl;
    const opening = this.openStore();
    // A built-in dataset named by the page is built (synthetic bars take a while) while the
    // store opens and the session and checkpoints are read.
    if (opts.datasetId) {
      const ds = loadBuiltin(opts.datasetId, this.baseUrl);
      ds.catch(() => undefined);
      this.preload = { id: opts.datasetId, ds };
    }
    this.storeRef = await opening;
    mark('w:idb-open');
    let scripts = await this.store.listScripts();
    if (scripts.length === 0) {
      await this.seedSamples();
      scripts = await this.store.listScripts();
    }
    const saved = await this.store.getSession();
    const first = scripts.find((s) => s.sample === SAMPLE_SCRIPTS[0]?.file) ?? scripts[0];
    if (!first) throw new Error('No script to open.');
    this.session = saved && scripts.some((s) => s.id === saved.scriptId) ? saved : defaultSession(first.id);
    if (opts.sample) {
      const fromSample = scripts.find((s) => s.sample === opts.sample) ?? (await this.createScript(opts.sample));
      this.session.scriptId = fromSample.id;
    }
    if (opts.datasetId && opts.datasetId !== this.session.datasetId) {
      this.session.datasetId = opts.datasetId;
      this.session.replay = { ...this.session.replay, from: null, playing: false };
    }
    this.script = (await this.store.getScript(this.session.scriptId)) ?? first;
    mark('w:session-read');
    await this.saveSession();
    const restore = opts.restore !== false;
    void this.exclusive(() => this.openCurrent(restore));
    return this.sessionView();
  }

  private async seedSamples(): Promise<void> {
    for (const s of SAMPLE_SCRIPTS) {
      try {
        await this.createScript(s.file);
      } catch (e) {
        this.notice('warning', 'sample', errorMessage(e));
      }
    }
    if ((await this.store.listScripts()).length === 0) {
      const t = Date.now();
      await this.store.putScript({ id: newId(), name: 'My script', source: BLANK_SCRIPT, createdAt: t, updatedAt: t, sample: null });
    }
  }

  private async createScript(sample: string | null): Promise<ScriptRecord> {
    const spec = SAMPLE_SCRIPTS.find((s) => s.file === sample);
    const source = spec ? await fetchSample(spec.file, this.baseUrl) : BLANK_SCRIPT;
    const t = Date.now();
    const existing = await this.store.listScripts();
    let name = spec ? spec.name : 'My script';
    for (let k = 2; existing.some((s) => s.name === name); k++) name = `${spec ? spec.name : 'My script'} (${k})`;
    const rec: ScriptRecord = { id: newId(), name, source, createdAt: t, updatedAt: t, sample: spec ? spec.file : null };
    await this.store.putScript(rec);
    return rec;
  }

  private async datasetList(): Promise<DatasetInfo[]> {
    const stored = await this.store.listDatasets();
    const list = builtinDatasets();
    const loaded = this.dataset?.info;
    const merged = list.map((d) => (loaded && loaded.id === d.id ? loaded : d));
    return [...merged, ...stored.map(storedDatasetInfo)];
  }

  private async sessionView(): Promise<SessionView> {
    const script = this.script;
    if (!script) throw new Error('No script is open.');
    const scripts = await this.store.listScripts();
    return {
      scriptId: script.id,
      scriptName: script.name,
      source: script.source,
      datasetId: this.session.datasetId,
      inputs: this.session.inputs[script.id] ?? {},
      replay: this.replayState(),
      scripts: scripts.map((s) => ({ id: s.id, name: s.name, updatedAt: s.updatedAt, sample: s.sample })),
      datasets: await this.datasetList(),
      samples: SAMPLE_SCRIPTS.map((s) => s.file),
    };
  }

  private async pushSession(): Promise<SessionView> {
    const view = await this.sessionView();
    this.send({ type: 'session', session: view });
    return view;
  }

  private replayState(): ReplayState {
    const r = this.active;
    const next = r ? (r.open ? r.open.bar : r.inst.barIndex + 1) : 0;
    return {
      from: this.session.replay.from,
      next,
      end: this.dataset?.bars.length ?? 0,
      playing: this.session.replay.playing,
      speed: this.session.replay.speed,
    };
  }

  private sendReplay(): void {
    this.send({ type: 'replay', state: this.replayState() });
  }

  // ---- opening what the session names ----

  private async ensureDataset(): Promise<LoadedDataset> {
    const id = this.session.datasetId;
    if (this.dataset && this.dataset.info.id === id) return this.dataset;
    this.send({ type: 'progress', runId: this.runSeq, phase: 'loading', done: 0, total: 0, barsPerSecond: 0 });
    try {
      const ds = await this.loadDataset(id);
      this.dataset = ds;
      return ds;
    } catch (e) {
      this.notice('error', 'dataset', `${errorMessage(e)} Opening the sample dataset instead.`);
      this.session.datasetId = DEFAULT_DATASET_ID;
      this.session.replay = { ...this.session.replay, from: null, playing: false };
      await this.saveSession();
      const ds = await this.loadDataset(DEFAULT_DATASET_ID);
      this.dataset = ds;
      return ds;
    }
  }

  private async loadDataset(id: string): Promise<LoadedDataset> {
    const pre = this.preload;
    this.preload = null;
    const early = pre && pre.id === id ? await pre.ds.catch(() => null) : null;
    if (early) return early;
    const builtin = await loadBuiltin(id, this.baseUrl);
    if (builtin) return builtin;
    const meta = await this.store.getDataset(id);
    const bars = meta ? await this.store.getDatasetBars(id) : undefined;
    if (!meta || !bars) throw new Error(`The dataset '${id}' is not in this browser's storage.`);
    return loadStored(meta, bars);
  }

  private async compileCurrent(): Promise<CompileInfo> {
    const script = this.script;
    if (!script) throw new Error('No script is open.');
    if (!this.compiled || this.compiled.source !== script.source) {
      const source = script.source;
      const { program, diagnostics } = compile(source);
      this.compiled = { source, program, diagnostics };
    }
    const c = this.compiled;
    const info: CompileInfo = { diagnostics: c.diagnostics, program: c.program ? programInfo(c.program) : null };
    this.send({ type: 'compiled', info });
    return info;
  }

  private replayFromFor(ds: LoadedDataset): number | null {
    const f = this.session.replay.from;
    return f !== null && f >= 1 && f < ds.bars.length ? f : null;
  }

  private identity(program: Program, ds: LoadedDataset) {
    const script = this.script;
    if (!script) throw new Error('No script is open.');
    // strategy: properties apart from the inputs; both make the run's identity.
    const { inputs, props } = splitStrategyProps(this.session.inputs[script.id] ?? {});
    const resolved = resolveInputs(program.inputs, inputs);
    const replayFrom = this.replayFromFor(ds);
    const sourceHash = hashText(script.source);
    const keyed: Record<string, InputValue> = { ...resolved.values };
    for (const [k, v] of Object.entries(props)) keyed[`strategy:${k}`] = v;
    const runKey = runKeyOf({ sourceHash, inputs: keyed, datasetId: ds.info.id, replayFrom });
    return { script, resolved, replayFrom, sourceHash, runKey, props };
  }

  /** Opens the session's script over its dataset: restores the newest matching checkpoint when
   * `restore`, else (or when none is usable) runs from the first bar. */
  private async openCurrent(restore: boolean): Promise<void> {
    if (restore && (await this.restoreAtOpen())) {
      // The restored run needs no compiler; the editor's diagnostics come after the chart.
      await this.compileCurrent();
      return;
    }
    const ds = await this.ensureDataset();
    mark('w:dataset-ready');
    const info = await this.compileCurrent();
    mark('w:compiled');
    const program = this.compiled?.program ?? null;
    if (!program) {
      this.active = null;
      const runId = ++this.runSeq;
      const bars = barsChunk(ds.bars, 0, ds.bars.length);
      this.send({ type: 'reset', runId, program: null, dataset: ds.info, total: ds.bars.length, bars }, chunkBuffers(bars));
      this.send({ type: 'run-end', runId, status: 'error', lastBar: -1, elapsedMs: 0 });
      const n = info.diagnostics.filter((d) => d.severity === 'error').length;
      this.notice('error', 'compile', `The script has ${n} error${n === 1 ? '' : 's'}: fix ${n === 1 ? 'it' : 'them'} to run it.`);
      return;
    }
    if (restore && (await this.restoreLatest(program, ds))) return;
    await this.coldRun(program, ds);
  }

  /** Output rows of a run already in the store, from bar 0: a run computes the same rows every
   * time, so a new run of it writes only past them. Every checkpoint of the run had its rows up to
   * its bar written with it, and rows go only when the run's last checkpoint does. */
  private async storedRowsOf(runKey: string): Promise<number> {
    const snaps = await this.store.listSnapshots();
    return snaps.reduce((end, s) => (s.runKey === runKey && s.status !== 'corrupt' ? Math.max(end, s.bar + 1) : end), 0);
  }

  private async coldRun(program: Program, ds: LoadedDataset): Promise<void> {
    const id = this.identity(program, ds);
    const stored = await this.storedRowsOf(id.runKey);
    if (id.resolved.dropped.length > 0) {
      this.notice('warning', 'inputs', `Saved values for ${id.resolved.dropped.map((k) => `'${k}'`).join(', ')} no longer fit the script's inputs: using the defaults.`);
    }
    const historyEnd = id.replayFrom ?? ds.bars.length;
    let inst: Instance;
    try {
      // strategy: the tester's properties override strategy()'s arguments.
      const run = program.meta.kind === 'strategy' ? withStrategyProperties(program, id.props) : program;
      inst = Instance.builder(run).symbol(ds.symbol).timeframe(ds.timeframe).inputs(id.resolved.overrides).totalBars(historyEnd).build();
    } catch (e) {
      if (e instanceof InstanceError) {
        this.notice('error', e.code, e.message);
        return;
      }
      if (e instanceof Error && e.message.startsWith('Strategy property')) {
        this.notice('error', 'strategy-properties', e.message);
        return;
      }
      throw e;
    }
    const run = this.adopt(inst, ds, id, historyEnd, 0, stored);
    this.send({ type: 'checkpoint', bar: null, at: null });
    this.startJob('history', (job) => this.historyJob(job, run));
  }

  /** Makes `inst` the active run and sends the page its reset (candles and program). */
  private adopt(
    inst: Instance,
    ds: LoadedDataset,
    id: ReturnType<Engine['identity']>,
    historyEnd: number,
    outputsSent: number,
    outputsStored: number,
    restoring = false,
  ): ActiveRun {
    const runId = ++this.runSeq;
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
    };
    this.active = run;
    const bars = barsChunk(ds.bars, 0, shown);
    this.send(
      { type: 'reset', runId, program: programInfo(inst.program), dataset: ds.info, total: ds.bars.length, bars, restoring },
      chunkBuffers(bars),
    );
    this.send({ type: 'logs', runId, entries: [], reset: true });
    this.sendReplay();
    return run;
  }

  // ---- history runs ----

  private progress(run: ActiveRun, phase: RunPhase, done: number, total: number, bps: number): void {
    this.send({ type: 'progress', runId: run.id, phase, done, total, barsPerSecond: bps });
  }

  private flushOutputs(run: ActiveRun): void {
    const end = run.inst.barIndex + 1;
    if (end <= run.outputsSent) return;
    const s = run.inst.outputs.slice(run.outputsSent, end);
    run.outputsSent = end;
    if (s.length === 0) return;
    this.send({ type: 'outputs', runId: run.id, chunk: s }, chunkBuffers(s));
  }

  private flushLogs(run: ActiveRun): void {
    if (run.open) return; // tick logs are rolled back with the tick; confirmed ones follow
    const logs = run.inst.logs;
    if (logs.length < run.logsSent) run.logsSent = logs.length;
    if (logs.length === run.logsSent) return;
    const entries = logs.slice(run.logsSent);
    run.logsSent = logs.length;
    this.send({ type: 'logs', runId: run.id, entries, reset: false });
  }

  private reportFailure(run: ActiveRun, e: unknown): void {
    run.failed = true;
    if (e instanceof PineRuntimeError) {
      this.send({ type: 'runtime-error', runId: run.id, error: e.toJSON() });
      this.notice('error', 'runtime', e.message);
    } else {
      this.notice('error', 'engine', `The run stopped: ${errorMessage(e)}`);
    }
  }

  /** Runs bars [from, to) one at a time under an instruction budget, yielding when a slice is used
   * up. Returns false when stopped mid-bar (the instance stays suspended until resumed). */
  private async runSlowBars(job: Job, run: ActiveRun, from: number, to: number): Promise<boolean> {
    const inst = run.inst;
    let sliceStart = now();
    if (inst.isSuspended) {
      if (!(await this.finishSuspended(job, run))) return false;
    }
    for (let i = from; i < to; i++) {
      let r = inst.runBar(barAt(run.dataset.bars, i), { budget: BAR_BUDGET });
      while (r.status === 'yielded') {
        if (now() - sliceStart > SLICE_TARGET_MS) {
          await yieldToEventLoop();
          sliceStart = now();
          if (job.stop) return false;
        }
        r = inst.resume({ budget: BAR_BUDGET });
      }
      if (now() - sliceStart > SLICE_TARGET_MS) break;
    }
    return true;
  }

  private async finishSuspended(job: Job, run: ActiveRun): Promise<boolean> {
    let sliceStart = now();
    while (run.inst.isSuspended) {
      run.inst.resume({ budget: BAR_BUDGET });
      if (now() - sliceStart > SLICE_TARGET_MS) {
        await yieldToEventLoop();
        sliceStart = now();
        if (job.stop) return false;
      }
    }
    return true;
  }

  private async historyJob(job: Job, run: ActiveRun): Promise<void> {
    const inst = run.inst;
    const end = run.historyEnd;
    const startBar = inst.barIndex + 1;
    const t0 = now();
    let lastProgress = t0;
    let lastFlush = t0;
    // Start small: the first bars tell how fast this script is (a slow one must not block the
    // worker for a whole slice); then grow at most 4x per slice toward the target duration.
    let slice = 8;
    let slow = false;
    let status: 'done' | 'cancelled' | 'error' = 'done';
    const rate = () => ((inst.barIndex + 1 - startBar) * 1000) / Math.max(1, now() - t0);
    mark('w:history-start');
    this.progress(run, 'history', startBar, end, 0);
    try {
      while (inst.barIndex + 1 < end || inst.isSuspended) {
        if (job.stop) {
          status = 'cancelled';
          break;
        }
        const from = inst.barIndex + 1;
        const to = Math.min(end, from + slice);
        const ts = now();
        if (slow || inst.isSuspended) {
          if (!(await this.runSlowBars(job, run, from, to))) {
            status = 'cancelled';
            break;
          }
        } else inst.runBars(run.dataset.bars, from, to);
        const n = inst.barIndex + 1 - from;
        const perBar = (now() - ts) / Math.max(1, n);
        slow = perBar > SLOW_BAR_MS;
        slice = Math.max(1, Math.min(MAX_SLICE, slice * 4, Math.round(SLICE_TARGET_MS / Math.max(perBar, 1e-4))));
        const t = now();
        if (t - lastProgress >= PROGRESS_MS) {
          this.progress(run, 'history', inst.barIndex + 1, end, rate());
          lastProgress = t;
        }
        // Plot rows go to the page once, when the run stops (the page draws them then anyway, and
        // takes one whole chunk without copying it); logs go as they come.
        if (t - lastFlush >= LOG_FLUSH_MS) {
          this.flushLogs(run);
          lastFlush = t;
        }
        if (!inst.isSuspended && (this.saveRequests.length > 0 || t - run.lastCheckpointAt >= HISTORY_CHECKPOINT_MS)) {
          await this.checkpoint(run, this.saveRequests.length > 0 ? 'manual' : 'auto');
        }
        await yieldToEventLoop();
      }
    } catch (e) {
      status = 'error';
      this.reportFailure(run, e);
    }
    mark('w:history-end');
    this.flushOutputs(run);
    mark('w:rows-posted');
    this.flushLogs(run);
    this.progress(run, 'history', inst.barIndex + 1, end, rate());
    this.send({ type: 'run-end', runId: run.id, status, lastBar: inst.barIndex, elapsedMs: now() - t0 });
    this.sendReplay();
    if (status !== 'done') return;
    await this.checkpoint(run, this.saveRequests.length > 0 ? 'manual' : 'auto');
    if (this.session.replay.playing && run.replayFrom !== null && !job.stop) await this.replayLoop(job, run);
  }

  // ---- checkpoints ----

  private answerSaveRequests(info: SnapshotInfo | null): void {
    const waiting = this.saveRequests;
    this.saveRequests = [];
    for (const w of waiting) w(info);
  }

  private snapshotInfo(m: SnapshotMeta): SnapshotInfo {
    const r = this.active;
    return {
      id: m.id,
      createdAt: m.createdAt,
      bar: m.bar,
      size: m.size,
      kind: m.kind,
      status: m.status,
      statusMessage: m.statusMessage,
      scriptName: m.scriptName,
      datasetName: m.datasetName,
      matchesCurrent: r !== null && m.runKey === r.runKey,
    };
  }

  private async sendSnapshots(): Promise<SnapshotInfo[]> {
    const list = (await this.store.listSnapshots()).map((m) => this.snapshotInfo(m));
    this.send({ type: 'snapshots', list });
    return list;
  }

  /** Checkpoints the run at its last confirmed bar (never while a replay bar is open or a bar is
   * suspended). A storage failure is reported; the previous checkpoint stays. */
  private async checkpoint(run: ActiveRun, kind: SnapshotKind): Promise<SnapshotInfo | null> {
    if (run.failed || run.open || run.inst.isSuspended || run.inst.barIndex < 0 || this.active !== run) {
      this.answerSaveRequests(null);
      return null;
    }
    let info: SnapshotInfo | null = null;
    try {
      const { meta, outputsStored } = await writeCheckpoint(
        this.store,
        {
          inst: run.inst,
          runKey: run.runKey,
          sourceHash: run.sourceHash,
          scriptId: run.scriptId,
          scriptName: run.scriptName,
          datasetId: run.dataset.info.id,
          datasetName: run.dataset.info.name,
          inputs: run.inputs,
          replayFrom: run.replayFrom,
          totalBars: run.dataset.bars.length,
          outputsStored: run.outputsStored,
        },
        kind,
      );
      run.outputsStored = outputsStored;
      info = this.snapshotInfo(meta);
      this.send({ type: 'checkpoint', bar: meta.bar, at: meta.createdAt });
      if (kind === 'auto') await this.store.pruneAutoSnapshots(run.runKey, KEEP_AUTO);
      await this.sendSnapshots();
    } catch (e) {
      if (e instanceof StoreError) this.notice('error', e.code, e.message);
      else this.notice('error', 'checkpoint', `Could not save a checkpoint: ${errorMessage(e)}`);
    } finally {
      run.lastCheckpointAt = now();
    }
    this.answerSaveRequests(info);
    return info;
  }

  /** Restores the newest usable checkpoint of the run the session describes. Marks checkpoints of
   * an edited script stale and rejected ones corrupt (both kept), telling the user why. */
  private async restoreLatest(program: Program, ds: LoadedDataset): Promise<boolean> {
    const id = this.identity(program, ds);
    const all = await this.store.listSnapshots();
    const stale = await this.markStale(all, id.script, ds.info.id, id.sourceHash);
    const candidates = all.filter((s) => s.runKey === id.runKey && s.status === 'ok');
    for (const c of candidates) {
      if (await this.adoptCheckpoint(c, ds, id)) return true;
    }
    const newestStale = stale[0];
    if (newestStale) {
      this.notice(
        'warning',
        'stale-checkpoint',
        `The checkpoint at bar ${newestStale.bar} (saved ${timeOfDay(newestStale.createdAt)} UTC) was made before '${id.script.name}' was edited: ` +
          'it is kept and marked stale, and the script runs from the first bar.',
      );
    }
    if (stale.length > 0) await this.sendSnapshots();
    return false;
  }

  /** A page load's quick way back: the newest checkpoints made from the open script's exact source
   * over the open dataset (and replay start) are tried without compiling anything (a snapshot
   * embeds its program, whose inputs decide the run's identity). Reading the newest one starts
   * before the dataset is built, so storage and generating bars overlap. False when none fits: the
   * slow path compiles, marks stale checkpoints and restores or runs from the first bar. */
  private async restoreAtOpen(): Promise<boolean> {
    const script = this.script;
    if (!script) return false;
    const sourceHash = hashText(script.source);
    const all = await this.store.listSnapshots();
    mark('w:snapshots-listed');
    const from = this.session.replay.from;
    const candidates = all.filter((s) => s.status === 'ok' && s.sourceHash === sourceHash && s.datasetId === this.session.datasetId && s.replayFrom === from);
    const first = candidates[0];
    if (!first) return false;
    const firstRead = this.readForRestore(first);
    const ds = await this.ensureDataset();
    mark('w:dataset-ready');
    for (const c of candidates) {
      const outcome = c === first ? await firstRead : await this.readForRestore(c);
      if (!outcome.ok) {
        await this.rejectCheckpoint(c, outcome.problem);
        continue;
      }
      const id = this.identity(outcome.inst.program, ds);
      if (id.runKey !== c.runKey) continue;
      await this.adoptRestored(c, ds, id, outcome.inst, outcome.outputs);
      if ((await this.markStale(all, script, ds.info.id, sourceHash)).length > 0) await this.sendSnapshots();
      return true;
    }
    return false;
  }

  private readForRestore(meta: SnapshotMeta) {
    const p = readCheckpoint(this.store, meta, meta.bar + 1 - CHART_WINDOW);
    p.catch(() => undefined);
    return p;
  }

  /** Marks a checkpoint the VM rejected (stale for a version problem, else corrupt) and says so. */
  private async rejectCheckpoint(meta: SnapshotMeta, problem: { code: string; message: string }): Promise<void> {
    const versionProblem = ['unsupported-version', 'incompatible-vm', 'program-mismatch'].includes(problem.code);
    const status = versionProblem ? 'stale' : 'corrupt';
    await this.store.updateSnapshot(meta.id, { status, statusMessage: problem.message }).catch(() => undefined);
    this.notice(
      'warning',
      `snapshot-${status}`,
      `The checkpoint at bar ${meta.bar} (saved ${timeOfDay(meta.createdAt)} UTC) could not be restored and was skipped: ${problem.message}`,
    );
    await this.sendSnapshots();
  }

  /** Marks the checkpoints of `script` over the dataset made from another version of its source
   * stale (they are kept). Returns them, newest first. */
  private async markStale(all: SnapshotMeta[], script: ScriptRecord, datasetId: string, sourceHash: string): Promise<SnapshotMeta[]> {
    const stale = all.filter((s) => s.scriptId === script.id && s.datasetId === datasetId && s.sourceHash !== sourceHash && s.status === 'ok');
    const why = `made with an earlier version of '${script.name}'`;
    for (const s of stale) await this.store.updateSnapshot(s.id, { status: 'stale', statusMessage: why }).catch(() => undefined);
    return stale;
  }

  /** Restores one checkpoint into a run for `id`. A rejected snapshot is marked and reported. */
  private async adoptCheckpoint(meta: SnapshotMeta, ds: LoadedDataset, id: ReturnType<Engine['identity']>): Promise<boolean> {
    const outcome = await this.readForRestore(meta);
    if (!outcome.ok) {
      await this.rejectCheckpoint(meta, outcome.problem);
      return false;
    }
    await this.adoptRestored(meta, ds, id, outcome.inst, outcome.outputs);
    return true;
  }

  /** Makes a restored instance the active run. The page gets its candles and the last plot rows
   * first (enough to draw the chart), then every row from bar 0, then the run's end. */
  private async adoptRestored(meta: SnapshotMeta, ds: LoadedDataset, id: ReturnType<Engine['identity']>, inst: Instance, tail: AssembledOutputs): Promise<void> {
    const t0 = now();
    const historyEnd = id.replayFrom ?? ds.bars.length;
    const end = meta.bar + 1;
    const run = this.adopt(inst, ds, id, historyEnd, end, end, true);
    mark('w:reset-posted');
    const first: OutputsChunk = { firstBar: tail.firstBar, length: tail.length, time: tail.time, columns: tail.columns };
    this.send({ type: 'outputs', runId: run.id, chunk: first }, chunkBuffers(first));
    mark('w:rows-posted');
    run.logsSent = inst.logs.length;
    this.send({ type: 'logs', runId: run.id, entries: inst.logs.slice(), reset: true });
    this.send({ type: 'checkpoint', bar: meta.bar, at: meta.createdAt });
    if (tail.firstBar > 0) {
      const shape = inst.program.outputs.map((o) => o.channels.length);
      const all = await this.store.readOutputs(meta.runKey, end, shape);
      run.outputsStored = Math.max(end, all.storedEnd);
      const chunk: OutputsChunk = { firstBar: 0, length: all.length, time: all.time, columns: all.columns };
      this.send({ type: 'outputs', runId: run.id, chunk }, chunkBuffers(chunk));
    } else {
      run.outputsStored = Math.max(end, await this.store.storedOutputsEnd(meta.runKey));
    }
    mark('w:all-rows-posted');
    this.send({ type: 'run-end', runId: run.id, status: 'restored', lastBar: meta.bar, elapsedMs: now() - t0, resumes: meta.bar + 1 < historyEnd });
    mark('w:run-end-posted');
    this.sendReplay();
    await this.sendSnapshots();
    if (meta.bar + 1 < historyEnd) {
      this.notice('info', 'resumed', `Resumed from the checkpoint at bar ${meta.bar}: running the rest of the history.`);
      this.startJob('history', (job) => this.historyJob(job, run));
    } else if (this.session.replay.playing && run.replayFrom !== null && meta.bar + 1 < ds.bars.length) {
      this.startJob('replay', (job) => this.replayLoop(job, run));
    } else if (this.session.replay.playing) {
      this.session.replay.playing = false;
      await this.saveSession();
      this.sendReplay();
    }
  }

  // ---- replay ----

  private flushFeed(run: ActiveRun): void {
    const inst = run.inst;
    const confirmedEnd = inst.barIndex + 1;
    const bars = barsChunk(run.dataset.bars, run.barsSent, Math.max(run.barsSent, confirmedEnd));
    const outputs = inst.outputs.slice(run.outputsSent, Math.max(run.outputsSent, confirmedEnd));
    let open = null;
    const o = run.open;
    const t = run.lastTick;
    if (o && o.sent > 0 && t) {
      const row = inst.outputs.slice(o.bar, o.bar + 1);
      open = { bar: o.bar, time: t.time, open: t.open, high: t.high, low: t.low, close: t.close, volume: t.volume, outputs: row };
    }
    if (bars.length === 0 && outputs.length === 0 && !open) return;
    run.barsSent = Math.max(run.barsSent, confirmedEnd);
    run.outputsSent = Math.max(run.outputsSent, confirmedEnd);
    const buffers = [...chunkBuffers(bars), ...chunkBuffers(outputs), ...(open ? chunkBuffers(open.outputs) : [])];
    this.send({ type: 'feed', runId: run.id, bars, outputs, open }, buffers);
    this.flushLogs(run);
    this.lastFeedFlush = now();
  }

  /** Feeds the next bar: its ticks through updateBar, then the confirmed bar through runBar.
   * `tickDelay` > 0 waits between ticks (and flushes each one to the page). Returns false when
   * stopped before the bar was confirmed (it stays open and the next feed continues it). */
  private async feedBar(job: Job | null, run: ActiveRun, tickDelay: number): Promise<boolean> {
    const inst = run.inst;
    if (!run.open) {
      const bar = inst.barIndex + 1;
      const b = barAt(run.dataset.bars, bar);
      run.open = { bar, ticks: ticksForBar({ ...b, volume: b.volume ?? NaN }), sent: 0 };
    }
    const o = run.open;
    while (o.sent < o.ticks.length) {
      if (job?.stop) return false;
      const tick = o.ticks[o.sent] as TickBar;
      inst.updateBar(tick);
      o.sent++;
      run.lastTick = tick;
      if (tickDelay > 0) {
        this.flushFeed(run);
        await sleep(tickDelay);
      }
    }
    inst.runBar(barAt(run.dataset.bars, o.bar));
    run.open = null;
    run.lastTick = null;
    if (tickDelay > 0 || now() - this.lastFeedFlush >= FEED_FLUSH_MS) this.flushFeed(run);
    return true;
  }

  private async replayLoop(job: Job, run: ActiveRun): Promise<void> {
    const total = run.dataset.bars.length;
    let finished = false;
    let lastYield = now();
    const t0 = now();
    const first = run.inst.barIndex + 1;
    this.sendReplay();
    try {
      while (!job.stop) {
        const next = run.open ? run.open.bar : run.inst.barIndex + 1;
        if (next >= total) {
          finished = true;
          break;
        }
        const speed = this.session.replay.speed;
        const delay = speed > 0 ? 1000 / (speed * (TICKS_PER_BAR + 1)) : 0;
        if (!(await this.feedBar(job, run, delay))) break;
        if (delay > 0) await sleep(delay);
        const t = now();
        if (this.saveRequests.length > 0 || t - run.lastCheckpointAt >= REPLAY_CHECKPOINT_MS) {
          this.flushFeed(run);
          await this.checkpoint(run, this.saveRequests.length > 0 ? 'manual' : 'auto');
        }
        if (t - lastYield > 12) {
          const done = run.inst.barIndex + 1 - first;
          this.progress(run, 'replay', run.inst.barIndex + 1, total, (done * 1000) / Math.max(1, t - t0));
          await yieldToEventLoop();
          lastYield = now();
        }
      }
    } catch (e) {
      this.reportFailure(run, e);
      run.open = null;
      finished = false;
      this.session.replay.playing = false;
      await this.saveSession();
    }
    this.flushFeed(run);
    if (finished) {
      this.session.replay.playing = false;
      await this.saveSession();
      this.notice('info', 'replay-end', `Replay finished: every bar of ${run.dataset.info.name} has been fed.`);
      await this.checkpoint(run, 'auto');
    }
    this.sendReplay();
  }

  /** Stops what runs and closes the store, leaving the session as it was (what a terminated
   * worker leaves behind; used by tests to stand for a page reload). */
  async dispose(): Promise<void> {
    await this.stopJob();
    await this.queue;
    this.storeRef?.close();
    this.storeRef = null;
    this.listener = () => {};
  }

  // ---- the API ----

  async timingMarks(): Promise<TimingMark[]> {
    return timingMarks();
  }

  // strategy: the strategy tester's reads of the active run's broker.
  async strategyReport(): Promise<StrategyReport | null> {
    const b = this.active ? brokerOf(this.active.inst) : null;
    return b ? strategyReport(b) : null;
  }

  async strategyTradesCsv(): Promise<string | null> {
    const inst = this.active?.inst;
    const b = inst ? brokerOf(inst) : null;
    return inst && b ? tradesCsv(strategyReport(b), inst.machine.syminfo.currency, inst.machine.syminfo.timezone) : null;
  }

  setSource(source: string): Promise<CompileInfo> {
    const script = this.script;
    if (!script) return Promise.reject(new Error('No script is open.'));
    script.source = source;
    script.updatedAt = Date.now();
    const saved = this.store.putScript({ ...script });
    return this.compileCurrent().then((info) =>
      saved.then(
        () => info,
        (e: unknown) => {
          this.notice('error', 'store', errorMessage(e));
          return info;
        },
      ),
    );
  }

  run(): Promise<void> {
    return this.exclusive(() => this.openCurrent(false));
  }

  async cancel(): Promise<void> {
    if (this.job?.kind === 'replay') {
      this.session.replay.playing = false;
      await this.saveSession();
    }
    await this.stopJob();
    this.sendReplay();
  }

  setInputs(values: Record<string, InputValue>): Promise<void> {
    return this.exclusive(async () => {
      const script = this.script;
      if (!script) return;
      this.session.inputs = { ...this.session.inputs, [script.id]: { ...values } };
      this.session.replay.playing = false;
      await this.saveSession();
      await this.openCurrent(true);
    });
  }

  selectScript(id: string): Promise<SessionView> {
    return this.exclusive(async () => {
      const s = await this.store.getScript(id);
      if (!s) throw new Error(`No script with id ${id}.`);
      this.script = s;
      this.session.scriptId = id;
      this.session.replay.playing = false;
      await this.saveSession();
      const view = await this.pushSession();
      await this.openCurrent(true);
      return view;
    });
  }

  newScript(sample: string | null): Promise<SessionView> {
    return this.exclusive(async () => {
      const s = await this.createScript(sample);
      this.script = s;
      this.session.scriptId = s.id;
      this.session.replay.playing = false;
      await this.saveSession();
      const view = await this.pushSession();
      await this.openCurrent(true);
      return view;
    });
  }

  refreshSession(): Promise<SessionView> {
    return this.pushSession();
  }

  async renameScript(id: string, name: string): Promise<SessionView> {
    const s = await this.store.getScript(id);
    const clean = name.trim().slice(0, 80);
    if (s && clean) {
      const next = { ...s, name: clean };
      await this.store.putScript(next);
      if (this.script?.id === id) this.script = { ...this.script, name: clean };
    }
    return this.pushSession();
  }

  deleteScript(id: string): Promise<SessionView> {
    return this.exclusive(async () => {
      const scripts = await this.store.listScripts();
      if (scripts.length <= 1) {
        this.notice('warning', 'last-script', 'The last script cannot be deleted.');
        return this.sessionView();
      }
      await this.store.deleteScript(id);
      if (this.session.scriptId === id) {
        const next = scripts.find((s) => s.id !== id);
        if (next) {
          this.script = next;
          this.session.scriptId = next.id;
          await this.saveSession();
          const view = await this.pushSession();
          await this.openCurrent(true);
          return view;
        }
      }
      return this.pushSession();
    });
  }

  selectDataset(id: string): Promise<void> {
    return this.exclusive(async () => {
      if (id === this.session.datasetId && this.active) return;
      this.session.datasetId = id;
      this.session.replay = { ...this.session.replay, from: null, playing: false };
      await this.saveSession();
      await this.openCurrent(true);
      await this.pushSession();
    });
  }

  async importCsv(fileName: string, bytes: Uint8Array): Promise<ImportResult> {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, message: `${fileName} is not a UTF-8 text file: nothing was imported.`, datasetId: null };
    }
    let parsed;
    try {
      parsed = parseBarsCsv(text, { name: fileName });
    } catch (e) {
      if (e instanceof ParseError) return { ok: false, message: `${e.message} — nothing was imported.`, datasetId: null };
      return { ok: false, message: `${fileName}: ${errorMessage(e)} — nothing was imported.`, datasetId: null };
    }
    const { bars, warnings } = parsed;
    if (bars.length === 0) return { ok: false, message: `${fileName} has a header but no bars: nothing was imported.`, datasetId: null };
    const id = `csv:${newId()}`;
    const name = fileName.replace(/\.(csv|tsv|txt)$/i, '') || fileName;
    try {
      await this.store.putDataset(
        {
          id,
          name,
          fileName,
          length: bars.length,
          firstTime: bars.time[0] as number,
          lastTime: bars.time[bars.length - 1] as number,
          timeframe: inferTimeframe(bars),
          warnings,
          createdAt: Date.now(),
        },
        { id, time: bars.time, open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume },
      );
    } catch (e) {
      return { ok: false, message: errorMessage(e), datasetId: null };
    }
    const warn = warnings.length > 0 ? ` Warnings: ${warnings.join(' ')}` : '';
    void this.selectDataset(id);
    return { ok: true, message: `Imported ${fileName}: ${bars.length.toLocaleString('en-US')} bar${bars.length === 1 ? '' : 's'}.${warn}`, datasetId: id };
  }

  deleteDataset(id: string): Promise<SessionView> {
    return this.exclusive(async () => {
      if (!id.startsWith('csv:')) {
        this.notice('warning', 'builtin-dataset', 'Built-in datasets cannot be deleted.');
        return this.sessionView();
      }
      const name = (await this.store.getDataset(id))?.name ?? id;
      await this.store.deleteDataset(id);
      // Its checkpoints cannot be restored (nor exported with their bars) once the bars are gone:
      // they go with it, rather than staying in the list as rows whose Restore does nothing.
      const orphans = (await this.store.listSnapshots()).filter((m) => m.datasetId === id);
      for (const m of orphans) await this.store.deleteSnapshot(m.id);
      const n = orphans.length;
      this.notice('info', 'dataset-deleted', `Deleted the dataset '${name}'${n > 0 ? ` and its ${n} checkpoint${n === 1 ? '' : 's'}` : ''}.`);
      if (n > 0) await this.sendSnapshots();
      if (this.session.datasetId === id) {
        this.session.datasetId = DEFAULT_DATASET_ID;
        this.session.replay = { ...this.session.replay, from: null, playing: false };
        await this.saveSession();
        await this.openCurrent(true);
      }
      return this.pushSession();
    });
  }

  setReplayFrom(bar: number | null): Promise<void> {
    return this.exclusive(async () => {
      const total = this.dataset?.bars.length ?? 0;
      const from = bar !== null && Number.isInteger(bar) && bar >= 1 && bar < total ? bar : null;
      if (bar !== null && from === null) {
        this.notice('warning', 'replay-range', `The replay can start at a bar from 1 to ${Math.max(1, total - 1)}.`);
        return;
      }
      this.session.replay = { ...this.session.replay, from, playing: false };
      await this.saveSession();
      await this.openCurrent(true);
    });
  }

  play(): Promise<void> {
    return this.exclusive(async () => {
      const run = this.active;
      const job = this.job;
      if (job) {
        // A history run still going continues into the replay when it ends (the job itself does
        // when it sees the flag in time; otherwise this starts it once the job is over).
        if (job.kind === 'history' && run && run.replayFrom !== null) {
          this.session.replay.playing = true;
          await this.saveSession();
          this.sendReplay();
          void job.done.then(() =>
            this.exclusive(async () => {
              if (!this.job && this.active === run && this.session.replay.playing && !run.failed) {
                this.startJob('replay', (j) => this.replayLoop(j, run));
              }
            }, true),
          );
        }
        return;
      }
      if (!run || run.failed) return;
      if (run.replayFrom === null) {
        this.notice('warning', 'no-replay', 'Choose the bar the replay starts at first.');
        return;
      }
      if (run.inst.barIndex + 1 >= run.dataset.bars.length && !run.open) {
        this.notice('info', 'replay-end', 'The replay is at the last bar: choose an earlier start bar to replay again.');
        return;
      }
      this.session.replay.playing = true;
      await this.saveSession();
      this.startJob('replay', (job) => this.replayLoop(job, run));
    }, true);
  }

  async pause(): Promise<void> {
    this.session.replay.playing = false;
    if (this.job?.kind === 'replay') await this.stopJob();
    await this.saveSession();
    this.sendReplay();
  }

  step(): Promise<void> {
    return this.exclusive(async () => {
      const job = this.job;
      if (job?.kind === 'history') {
        // Only the checkpoint after the history is left: wait for it. A history still running
        // has no bar to step to yet.
        const r = this.active;
        if (!r || r.inst.barIndex + 1 < r.historyEnd) return;
        await job.done;
      }
      this.session.replay.playing = false;
      await this.stopJob();
      await this.saveSession();
      const run = this.active;
      if (!run || run.failed || run.replayFrom === null) return;
      if (run.inst.barIndex + 1 >= run.dataset.bars.length && !run.open) return;
      try {
        await this.feedBar(null, run, 0);
      } catch (e) {
        this.reportFailure(run, e);
        run.open = null;
      }
      this.flushFeed(run);
      if (now() - run.lastCheckpointAt >= REPLAY_CHECKPOINT_MS) await this.checkpoint(run, 'auto');
      this.sendReplay();
    }, true);
  }

  async setSpeed(barsPerSecond: number): Promise<void> {
    this.session.replay.speed = Math.max(0, Math.min(1000, barsPerSecond));
    await this.saveSession();
    this.sendReplay();
  }

  async listSnapshots(): Promise<SnapshotInfo[]> {
    return (await this.store.listSnapshots()).map((m) => this.snapshotInfo(m));
  }

  checkpointNow(): Promise<SnapshotInfo | null> {
    if (this.job) {
      return new Promise((resolve) => this.saveRequests.push(resolve));
    }
    return this.exclusive(async () => {
      const run = this.active;
      if (!run) return null;
      if (run.open) {
        this.notice('warning', 'bar-open', 'A bar is still forming: step once to confirm it, then save.');
        return null;
      }
      return this.checkpoint(run, 'manual');
    });
  }

  restoreSnapshot(id: string): Promise<void> {
    return this.exclusive(() => this.restoreById(id));
  }

  /** Switches the session to what a checkpoint was made with and restores it. The checkpoint's
   * own program source decides the script: an edited script gets the old version back as a copy. */
  private async restoreById(id: string): Promise<void> {
    const meta = await this.store.getSnapshot(id);
    if (!meta) {
      this.notice('error', 'not-found', 'That checkpoint no longer exists.');
      return;
    }
    const bytes = await this.store.getSnapshotBytes(id);
    let source: string;
    try {
      if (!bytes) throw new Error('its bytes are missing from storage');
      source = restoreInstance(bytes).program.source;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      await this.store.updateSnapshot(id, { status: 'corrupt', statusMessage: msg }).catch(() => undefined);
      this.notice('error', 'snapshot-corrupt', `The checkpoint at bar ${meta.bar} cannot be restored: ${msg}`);
      await this.sendSnapshots();
      return;
    }
    const script = await this.scriptForSource(source, meta.scriptId, meta.scriptName);
    this.script = script;
    this.session.scriptId = script.id;
    this.session.datasetId = meta.datasetId;
    this.session.inputs = { ...this.session.inputs, [script.id]: { ...meta.inputs } };
    this.session.replay = { ...this.session.replay, from: meta.replayFrom, playing: false };
    await this.saveSession();
    const ds = await this.ensureDataset();
    if (ds.info.id !== meta.datasetId) {
      // Its bars are gone (deleted, maybe in another tab): say so, and show the script on the
      // dataset the session fell back to rather than leaving the page as it was.
      this.notice('error', 'snapshot-dataset', `The checkpoint at bar ${meta.bar} was made on a dataset that is no longer in this browser (${meta.datasetId}): import that file again to restore it.`);
      await this.openCurrent(true);
      return;
    }
    await this.compileCurrent();
    const program = this.compiled?.program;
    if (!program) return;
    const ident = this.identity(program, ds);
    if (ident.runKey !== meta.runKey) {
      this.notice('error', 'mismatch', 'This checkpoint does not match its script and dataset any more: running from the first bar.');
      await this.coldRun(program, ds);
      await this.pushSession();
      return;
    }
    await this.pushSession();
    if (meta.status !== 'ok') await this.store.updateSnapshot(id, { status: 'ok', statusMessage: null });
    if (!(await this.adoptCheckpoint({ ...meta, status: 'ok' }, ds, ident))) await this.coldRun(program, ds);
  }

  private async scriptForSource(source: string, preferId: string, name: string): Promise<ScriptRecord> {
    const hash = hashText(source);
    const scripts = await this.store.listScripts();
    const same = scripts.find((s) => s.id === preferId && hashText(s.source) === hash) ?? scripts.find((s) => hashText(s.source) === hash);
    if (same) return same;
    const t = Date.now();
    let n = `${name} (from checkpoint)`;
    for (let k = 2; scripts.some((s) => s.name === n); k++) n = `${name} (from checkpoint ${k})`;
    const rec: ScriptRecord = { id: newId(), name: n, source, createdAt: t, updatedAt: t, sample: null };
    await this.store.putScript(rec);
    return rec;
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.store.deleteSnapshot(id);
    await this.sendSnapshots();
  }

  async exportSnapshot(id: string): Promise<{ fileName: string; bytes: Uint8Array }> {
    const meta = await this.store.getSnapshot(id);
    const bytes = await this.store.getSnapshotBytes(id);
    if (!meta || !bytes) throw new Error('That checkpoint no longer exists.');
    const source = restoreInstance(bytes).program.source;
    const { storedEnd: _stored, ...outputs } = await this.store.readOutputs(meta.runKey, meta.bar + 1);
    let dataset = null;
    if (meta.datasetId.startsWith('csv:')) {
      const dm = await this.store.getDataset(meta.datasetId);
      const db = await this.store.getDatasetBars(meta.datasetId);
      if (dm && db) dataset = { meta: dm, bars: db };
    }
    const file = encodeExportFile({ meta, source, snapshot: bytes, outputs, dataset });
    const safe = meta.scriptName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'checkpoint';
    const fileName = `${safe}-bar${meta.bar}.evergreen`;
    const buf = file.buffer instanceof ArrayBuffer ? [file.buffer] : [];
    return this.transfer({ fileName, bytes: file }, buf);
  }

  importSnapshot(fileName: string, bytes: Uint8Array): Promise<ImportResult> {
    return this.exclusive(async () => {
      let file;
      try {
        file = decodeExportFile(bytes);
      } catch (e) {
        const msg = e instanceof ExportFileError ? e.message : `Could not read ${fileName}: ${errorMessage(e)}`;
        return { ok: false, message: `${fileName}: ${msg}`, datasetId: null };
      }
      const peek = inspectSnapshot(file.snapshot);
      if (!peek.ok) return { ok: false, message: `${fileName}: the snapshot inside is damaged (${peek.problem.message}).`, datasetId: null };
      if (peek.header.bar !== file.meta.bar) {
        return { ok: false, message: `${fileName}: the snapshot holds bar ${peek.header.bar} but its record says ${file.meta.bar}.`, datasetId: null };
      }
      const dsId = file.meta.datasetId;
      const builtin = builtinDatasets().some((d) => d.id === dsId) || dsId.startsWith('synthetic:');
      if (!builtin && !(await this.store.getDataset(dsId))) {
        if (!file.dataset) {
          return { ok: false, message: `${fileName}: its dataset '${file.meta.datasetName}' is not in this browser and the file does not carry it.`, datasetId: null };
        }
        try {
          await this.store.putDataset(file.dataset.meta, file.dataset.bars);
        } catch (e) {
          return { ok: false, message: errorMessage(e), datasetId: null };
        }
      }
      const script = await this.scriptForSource(file.source, file.meta.scriptId, file.meta.scriptName);
      const meta: SnapshotMeta = {
        ...file.meta,
        id: newId(),
        kind: 'imported',
        status: 'ok',
        statusMessage: null,
        scriptId: script.id,
        scriptName: script.name,
        sourceHash: hashText(file.source),
        size: file.snapshot.byteLength,
        createdAt: Date.now(),
      };
      const o = file.outputs;
      try {
        await this.store.saveCheckpoint({
          meta,
          bytes: file.snapshot,
          outputs: o.length > 0 ? { runKey: meta.runKey, fromBar: 0, toBar: o.length, time: o.time, columns: o.columns } : null,
        });
      } catch (e) {
        return { ok: false, message: errorMessage(e), datasetId: null };
      }
      await this.restoreById(meta.id);
      return { ok: true, message: `Imported ${fileName}: continuing from bar ${meta.bar + 1}.`, datasetId: dsId };
    });
  }

  clearStorage(): Promise<SessionView> {
    return this.exclusive(async () => {
      await this.store.clearAll();
      this.active = null;
      this.dataset = null;
      this.compiled = null;
      await this.seedSamples();
      const scripts = await this.store.listScripts();
      const first = scripts.find((s) => s.sample === SAMPLE_SCRIPTS[0]?.file) ?? scripts[0];
      if (!first) throw new Error('No script to open.');
      this.script = first;
      this.session = defaultSession(first.id);
      await this.saveSession();
      this.send({ type: 'checkpoint', bar: null, at: null });
      await this.sendSnapshots();
      const view = await this.pushSession();
      await this.openCurrent(false);
      return view;
    });
  }
}
