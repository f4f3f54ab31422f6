// The page's state and actions: receives the engine's events, keeps the PlotBuffer and the chart in
// step with them, and holds the state React renders (through useSyncExternalStore). Actions call the
// worker's typed API; nothing here computes script values.

import * as Comlink from 'comlink';
import { useSyncExternalStore } from 'react';
import type { Remote } from 'comlink';
import type { LogEntry, PineRuntimeErrorData } from '../../vm/index.js';
import type {
  CompileInfo,
  DatasetInfo,
  EngineApi,
  EngineEvent,
  InputValue,
  NoticeLevel,
  ProgramInfo,
  ReplayState,
  RunPhase,
  SessionView,
  SnapshotInfo,
} from '../worker/protocol.js';
import { PlotBuffer } from './plot-buffer.js';
import type { ChartView, TradeMark } from './chart-view.js';
import { mark, type TimingMark } from '../marks.js';
import type { StrategyReport } from '../worker/protocol.js';

export interface Notice {
  id: number;
  level: NoticeLevel;
  code: string;
  message: string;
  at: number;
}

export type RunState = 'starting' | 'loading' | 'running' | 'done' | 'cancelled' | 'error' | 'restored' | 'compile-error';

export interface RunStatus {
  runId: number;
  state: RunState;
  phase: RunPhase | null;
  done: number;
  total: number;
  barsPerSecond: number;
  elapsedMs: number | null;
}

export interface AppState {
  session: SessionView | null;
  compile: CompileInfo | null;
  program: ProgramInfo | null;
  dataset: DatasetInfo | null;
  status: RunStatus;
  /** Last confirmed bar on the chart (-1 when none). */
  barIndex: number;
  totalBars: number;
  checkpoint: { bar: number; at: number } | null;
  snapshots: SnapshotInfo[];
  replay: ReplayState | null;
  logs: LogEntry[];
  logTotal: number;
  runtimeError: PineRuntimeErrorData | null;
  notices: Notice[];
  /** The run whose chart is fully drawn, and when (performance.now()). */
  drawn: { runId: number; at: number } | null;
  /** The source in the editor differs from what last compiled. */
  sourceDirty: boolean;
  /** Bar of the checkpoint the current run was restored from (null for a run from bar 0). */
  restoredBar: number | null;
}

const MAX_LOGS = 2000;
const COMPILE_DELAY_MS = 300;
const EDITOR_WAIT_MS = 3000;

const initialState: AppState = {
  session: null,
  compile: null,
  program: null,
  dataset: null,
  status: { runId: 0, state: 'starting', phase: null, done: 0, total: 0, barsPerSecond: 0, elapsedMs: null },
  barIndex: -1,
  totalBars: 0,
  checkpoint: null,
  snapshots: [],
  replay: null,
  logs: [],
  logTotal: 0,
  runtimeError: null,
  notices: [],
  drawn: null,
  sourceDirty: false,
  restoredBar: null,
};

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class AppController {
  private state: AppState = initialState;
  private listeners = new Set<() => void>();
  readonly buffer = new PlotBuffer();
  private chart: ChartView | null = null;
  private runId = 0;
  /** The current run comes from a checkpoint and its run-end has not come yet. */
  private restoring = false;
  /** The run the chart is being drawn for (its drawn mark waits for the chart), and a counter that
   * keeps only the newest draw's mark. */
  private drawFor: number | null = null;
  private drawSeq = 0;
  private rowWaiters: (() => void)[] = [];
  private noticeSeq = 0;
  private pendingSource: string | null = null;
  private tellOnSave = true;
  private compileTimer: ReturnType<typeof setTimeout> | null = null;
  /** Source the editor should show (changes when the engine switches scripts). */
  editorSource = '';
  /** The editor may be created: the session's source is known, the engine has said what it opens,
   * no restore is being drawn and the chart has had its first frame (on a page load the chart is
   * drawn first: loading and building the editor costs the main thread ~100 ms, and done in the
   * same frame as the chart's first paint it would make one long task of both). A page whose engine
   * says nothing opens it anyway after EDITOR_WAIT_MS. */
  editorOpen = false;
  private engineOpened = false;
  private chartShown = false;
  private editorOpenListeners = new Set<() => void>();
  private editorListeners = new Set<(source: string) => void>();

  /** performance.now() of milestones of the page's life, for benchmarks (debug accessor). */
  readonly timings = { ready: NaN, reset: NaN, runEnd: NaN, drawn: NaN };

  /** Other tabs of the app (same origin, same storage): told when this one saves a script's
   * source or changes the stored checkpoints, so they do not keep working on what is stale. */
  private readonly tabs: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('evergreen-tabs');
  private snapshotsRefresh: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly engine: Remote<EngineApi>) {
    if (this.tabs) this.tabs.onmessage = (m: MessageEvent<TabMessage>) => this.onTabMessage(m.data);
  }

  private tellTabs(msg: TabMessage): void {
    try {
      this.tabs?.postMessage(msg);
    } catch {
      // the channel is closed (page going away)
    }
  }

  /** Another tab saved a script or changed the checkpoints. The open script is brought up to date
   * as if its new text had been typed here (unless this tab has unsaved typing of its own), and the
   * checkpoints list is read again. */
  private onTabMessage(msg: TabMessage): void {
    if (msg.type === 'source') {
      const s = this.state.session;
      if (!s || s.scriptId !== msg.scriptId || this.pendingSource !== null || msg.source === this.editorSource) return;
      this.notify('info', 'other-tab', `'${s.scriptName}' was edited in another tab: this tab shows the new version.`);
      this.showSource(msg.source);
      this.editSource(msg.source, false);
      return;
    }
    if (msg.type === 'session') {
      // Scripts or datasets were added, renamed or deleted there: read the lists again.
      void this.engine.refreshSession().then(
        (s) => this.applySession(s),
        () => undefined,
      );
      return;
    }
    if (this.snapshotsRefresh) return;
    this.snapshotsRefresh = setTimeout(() => {
      this.snapshotsRefresh = null;
      void this.engine.listSnapshots().then(
        (snapshots) => this.set({ snapshots }),
        () => undefined,
      );
    }, 200);
  }

  // ---- store plumbing ----

  getState = (): AppState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  onEditorOpen = (fn: () => void): (() => void) => {
    this.editorOpenListeners.add(fn);
    return () => this.editorOpenListeners.delete(fn);
  };

  private maybeOpenEditor(force = false): void {
    if (this.editorOpen || !this.state.session) return;
    if (!force && (!this.engineOpened || this.restoring || this.drawFor !== null || !this.chartShown)) return;
    this.editorOpen = true;
    for (const l of this.editorOpenListeners) l();
  }

  onEditorSource(fn: (source: string) => void): () => void {
    this.editorListeners.add(fn);
    return () => this.editorListeners.delete(fn);
  }

  private showSource(source: string): void {
    this.editorSource = source;
    for (const l of this.editorListeners) l(source);
  }

  notify(level: NoticeLevel, code: string, message: string): void {
    const n: Notice = { id: ++this.noticeSeq, level, code, message, at: Date.now() };
    this.set({ notices: [...this.state.notices.slice(-7), n] });
  }

  dismissNotice(id: number): void {
    this.set({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  attachChart(view: ChartView | null): void {
    this.chart = view;
    if (view && this.buffer.barCount > 0) {
      view.reset(this.chartTitle(), !this.restoring);
    } else if (view) {
      // Nothing to show yet: lay out the chart the page showed last while the engine starts.
      const last = rememberedLayout();
      if (last) view.prebuild(last);
    }
    if (view && this.drawFor !== null) this.drawRun(this.drawFor);
  }

  /** Draws the chart with what the buffer holds (at the end of its bars) and marks run `runId` as
   * fully drawn once the library has painted it: the chart sets its data in a task of its own, the
   * library paints in the next frame, and a task queued from that frame runs once it is on screen.
   * Without a chart yet, attachChart does it. `compact`: a restored run's first rows (see
   * ChartView.scheduleRedraw). */
  private drawRun(runId: number, compact = false): void {
    this.drawFor = runId;
    const chart = this.chart;
    if (!chart) return;
    chart.scheduleRedraw(true, compact);
    const seq = ++this.drawSeq;
    chart.afterNextPaint(() => {
      if (this.runId !== runId || this.drawSeq !== seq) return;
      this.drawFor = null;
      this.timings.drawn = performance.now();
      mark('p:drawn');
      this.set({ drawn: { runId, at: this.timings.drawn } });
      this.chartShown = true;
      this.maybeOpenEditor();
    });
  }

  /** Resolves once the buffer holds every plot row from bar 0 (a restore sends the last ones first). */
  private whenRowsComplete(): Promise<void> {
    if (this.buffer.complete) return Promise.resolve();
    return new Promise((resolve) => this.rowWaiters.push(resolve));
  }

  private checkRowWaiters(): void {
    if (!this.buffer.complete) return;
    for (const w of this.rowWaiters.splice(0)) w();
  }

  get chartView(): ChartView | null {
    return this.chart;
  }

  private chartTitle(): string {
    const p = this.state.program;
    const d = this.state.dataset;
    const name = p ? p.meta.shorttitle || p.meta.title : '';
    return [d?.name, name].filter(Boolean).join(' · ');
  }

  // ---- start ----

  /** Takes the engine's events from now on and applies its answer to init(). */
  async start(session: Promise<SessionView>, attach: (deliver: (e: EngineEvent) => void) => void): Promise<void> {
    attach((e) => this.onEvent(e));
    try {
      const s = await session;
      this.timings.ready = performance.now();
      mark('p:session');
      this.applySession(s);
      setTimeout(() => this.maybeOpenEditor(true), EDITOR_WAIT_MS);
      const snapshots = await this.engine.listSnapshots();
      this.set({ snapshots });
    } catch (e) {
      this.notify('error', 'init', `The engine could not start: ${errorText(e)}`);
    }
  }

  private applySession(session: SessionView): void {
    const prev = this.state.session;
    this.set({ session, replay: session.replay });
    if (!prev || prev.scriptId !== session.scriptId || (this.pendingSource === null && this.editorSource !== session.source)) {
      this.showSource(session.source);
    }
    this.maybeOpenEditor();
  }

  // ---- events from the engine ----

  private onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'reset': {
        this.timings.reset = performance.now();
        mark('p:reset');
        this.runId = e.runId;
        this.restoring = e.restoring === true;
        this.engineOpened = true;
        this.drawFor = null;
        this.buffer.reset(e.program, e.bars);
        this.checkRowWaiters();
        this.set({
          program: e.program,
          dataset: e.dataset,
          totalBars: e.total,
          barIndex: -1,
          runtimeError: null,
          drawn: null,
          restoredBar: null,
          status: { runId: e.runId, state: 'running', phase: this.restoring ? 'restore' : 'history', done: 0, total: e.total, barsPerSecond: 0, elapsedMs: null },
        });
        this.chart?.reset(this.chartTitle(), !this.restoring);
        if (e.program) rememberLayout(e.program);
        // A run from bar 0 shows the candles at once; the editor may open once they are painted.
        if (!this.restoring && !this.chartShown) {
          const shown = () => {
            this.chartShown = true;
            this.maybeOpenEditor();
          };
          if (this.chart) this.chart.afterNextPaint(shown);
          else afterFrames(2, shown);
        }
        break;
      }
      case 'outputs': {
        if (e.runId !== this.runId) return;
        const gapFrom = this.buffer.rowCount;
        const gapTo = this.buffer.tailEnd > 0 ? this.buffer.tailFrom : gapFrom;
        this.buffer.appendOutputs(e.chunk);
        mark('p:rows');
        this.checkRowWaiters();
        if (!this.restoring) break;
        // A restore: its first rows (the chart's last window) are drawn at once; rows that fill a
        // gap the chart shows are drawn when they come.
        if (this.drawFor !== this.runId && this.state.drawn?.runId !== this.runId) this.drawRun(this.runId, true);
        else if (this.chart && gapTo > gapFrom && this.chart.windowInfo.start < gapTo) this.chart.scheduleRedraw();
        break;
      }
      case 'progress':
        if (e.phase === 'loading') {
          this.set({ status: { ...this.state.status, state: 'loading', phase: 'loading' } });
          return;
        }
        if (e.runId !== this.runId) return;
        this.set({
          barIndex: Math.max(this.state.barIndex, e.done - 1),
          status: {
            ...this.state.status,
            ...(e.phase === 'history' && this.state.status.state === 'restored' ? { state: 'running' as const } : {}),
            phase: e.phase,
            done: e.done,
            total: e.total,
            barsPerSecond: e.barsPerSecond,
          },
        });
        break;
      case 'feed': {
        if (e.runId !== this.runId) return;
        this.buffer.appendBars(e.bars);
        this.buffer.appendOutputs(e.outputs);
        this.buffer.setOpen(e.open);
        const from = Math.min(e.bars.length > 0 ? e.bars.firstBar : Infinity, e.outputs.length > 0 ? e.outputs.firstBar : Infinity, e.open ? e.open.bar : Infinity);
        if (Number.isFinite(from)) this.chart?.appendLive(from);
        const confirmed = e.outputs.length > 0 ? e.outputs.firstBar + e.outputs.length - 1 : this.state.barIndex;
        const barIndex = Math.max(this.state.barIndex, confirmed);
        // The engine says where the replay is when it starts or stops; while it plays, the feed's
        // confirmed bars move its position (shown next to the replay controls).
        const r = this.state.replay;
        const replay = r && r.from !== null && barIndex + 1 > r.next ? { ...r, next: Math.min(r.end, barIndex + 1) } : r;
        this.set({ barIndex, replay });
        break;
      }
      case 'run-end': {
        if (e.runId !== this.runId) return;
        const state: RunState = e.status === 'error' && this.state.program === null ? 'compile-error' : e.resumes ? 'running' : e.status;
        this.set({
          barIndex: e.lastBar,
          status: { ...this.state.status, state, elapsedMs: e.elapsedMs, done: e.lastBar + 1 },
          ...(e.status === 'restored' ? { restoredBar: e.lastBar } : {}),
        });
        this.timings.runEnd = performance.now();
        mark('p:run-end');
        // A restore's chart was drawn when its first rows came; anything else is drawn now.
        const drawnAlready = this.restoring && (this.drawFor === e.runId || this.state.drawn?.runId === e.runId);
        this.restoring = false;
        if (!drawnAlready) this.drawRun(e.runId);
        this.maybeOpenEditor();
        break;
      }
      case 'logs': {
        if (e.runId !== this.runId) return;
        const logs = e.reset ? e.entries : this.state.logs.concat(e.entries);
        this.set({
          logs: logs.length > MAX_LOGS ? logs.slice(logs.length - MAX_LOGS) : logs,
          logTotal: (e.reset ? 0 : this.state.logTotal) + e.entries.length,
        });
        break;
      }
      case 'runtime-error':
        if (e.runId !== this.runId) return;
        // A replayed bar that fails stops the replay with no run-end: the status says so too.
        this.set({ runtimeError: e.error, status: { ...this.state.status, state: 'error' } });
        break;
      case 'compiled':
        this.set({ compile: e.info, ...(e.info.program ? {} : { status: { ...this.state.status, state: 'compile-error' } }) });
        break;
      case 'checkpoint':
        this.set({ checkpoint: e.bar === null || e.at === null ? null : { bar: e.bar, at: e.at } });
        break;
      case 'snapshots':
        this.set({ snapshots: e.list });
        this.tellTabs({ type: 'snapshots' });
        break;
      case 'notice':
        this.notify(e.level, e.code, e.message);
        break;
      case 'replay':
        this.set({ replay: e.state });
        break;
      case 'session':
        this.applySession(e.session);
        break;
    }
  }

  // ---- actions ----

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.notify('error', 'action', `${what} failed: ${errorText(e)}`);
      return undefined;
    }
  }

  /** Replaces the editor's text as if it had been typed (debug accessor, tests). */
  editorSourceReplace(source: string): void {
    this.showSource(source);
    this.editSource(source);
  }

  /** The editor's text changed: compile it after a pause in typing (and save it). `tell`: other
   * tabs are told once it is saved (not for text that came from another tab). */
  editSource(source: string, tell = true): void {
    this.pendingSource = source;
    this.tellOnSave = tell;
    this.editorSource = source;
    this.set({ sourceDirty: true });
    if (this.compileTimer) clearTimeout(this.compileTimer);
    this.compileTimer = setTimeout(() => void this.flushSource(), COMPILE_DELAY_MS);
  }

  async flushSource(): Promise<void> {
    if (this.compileTimer) clearTimeout(this.compileTimer);
    this.compileTimer = null;
    const src = this.pendingSource;
    if (src === null) return;
    this.pendingSource = null;
    const tell = this.tellOnSave;
    const info = await this.call('Compiling', () => this.engine.setSource(src));
    if (info) this.set({ compile: info, sourceDirty: this.pendingSource !== null });
    const id = this.state.session?.scriptId;
    if (info && tell && id) this.tellTabs({ type: 'source', scriptId: id, source: src });
  }

  async run(): Promise<void> {
    await this.flushSource();
    this.set({ status: { ...this.state.status, state: 'running', done: 0 } });
    await this.call('Running', () => this.engine.run());
  }

  async cancel(): Promise<void> {
    await this.call('Cancelling', () => this.engine.cancel());
  }

  async setInputs(values: Record<string, InputValue>): Promise<void> {
    const s = this.state.session;
    if (s) this.set({ session: { ...s, inputs: values } });
    await this.call('Applying inputs', () => this.engine.setInputs(values));
  }

  async selectScript(id: string): Promise<void> {
    await this.flushSource();
    const s = await this.call('Opening the script', () => this.engine.selectScript(id));
    if (s) this.applySession(s);
  }

  async newScript(sample: string | null): Promise<void> {
    await this.flushSource();
    const s = await this.call('Creating a script', () => this.engine.newScript(sample));
    if (s) this.applySession(s);
    this.tellTabs({ type: 'session' });
  }

  async renameScript(name: string): Promise<void> {
    const id = this.state.session?.scriptId;
    if (!id) return;
    const s = await this.call('Renaming', () => this.engine.renameScript(id, name));
    if (s) this.applySession(s);
    this.tellTabs({ type: 'session' });
  }

  async deleteScript(): Promise<void> {
    const id = this.state.session?.scriptId;
    if (!id) return;
    const s = await this.call('Deleting the script', () => this.engine.deleteScript(id));
    if (s) this.applySession(s);
    this.tellTabs({ type: 'session' });
  }

  async selectDataset(id: string): Promise<void> {
    await this.call('Opening the dataset', () => this.engine.selectDataset(id));
  }

  async deleteDataset(id: string): Promise<void> {
    const s = await this.call('Deleting the dataset', () => this.engine.deleteDataset(id));
    if (s) this.applySession(s);
    this.tellTabs({ type: 'session' });
  }

  async importCsv(file: File): Promise<void> {
    // A CSV, TSV or text file, or a file with no extension (downloads are sometimes saved without
    // one): the parser decides. A file named as something else (.xlsx, .json, .png…) is refused.
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.name)?.[1]?.toLowerCase() ?? null;
    if (ext !== null && !['csv', 'txt', 'tsv'].includes(ext) && file.type !== 'text/csv') {
      this.notify('error', 'csv', `${file.name} is not a CSV file: nothing was imported.`);
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const r = await this.call('Importing the CSV', () => this.engine.importCsv(file.name, Comlink.transfer(bytes, [bytes.buffer])));
    if (!r) return;
    this.notify(r.ok ? 'info' : 'error', r.ok ? 'csv-imported' : 'csv-rejected', r.message);
    if (r.ok) this.tellTabs({ type: 'session' });
  }

  async setReplayFrom(bar: number | null): Promise<void> {
    await this.call('Setting the replay start', () => this.engine.setReplayFrom(bar));
  }

  async play(): Promise<void> {
    await this.call('Play', () => this.engine.play());
  }

  async pause(): Promise<void> {
    await this.call('Pause', () => this.engine.pause());
  }

  async step(): Promise<void> {
    await this.call('Step', () => this.engine.step());
  }

  async setSpeed(barsPerSecond: number): Promise<void> {
    await this.call('Speed', () => this.engine.setSpeed(barsPerSecond));
  }

  async checkpointNow(): Promise<void> {
    const info = await this.call('Saving a checkpoint', () => this.engine.checkpointNow());
    if (info) this.notify('info', 'saved', `Saved a checkpoint at bar ${info.bar}.`);
  }

  async restoreSnapshot(id: string): Promise<void> {
    await this.flushSource();
    await this.call('Restoring', () => this.engine.restoreSnapshot(id));
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.call('Deleting the checkpoint', () => this.engine.deleteSnapshot(id));
  }

  async exportSnapshot(id: string): Promise<void> {
    const r = await this.call('Exporting', () => this.engine.exportSnapshot(id));
    if (!r) return;
    const copy = new Uint8Array(r.bytes.byteLength);
    copy.set(r.bytes);
    download(r.fileName, new Blob([copy.buffer], { type: 'application/octet-stream' }));
  }

  async importSnapshot(file: File): Promise<void> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const r = await this.call('Importing the checkpoint', () => this.engine.importSnapshot(file.name, Comlink.transfer(bytes, [bytes.buffer])));
    if (!r) return;
    this.notify(r.ok ? 'info' : 'error', r.ok ? 'snapshot-imported' : 'snapshot-rejected', r.message);
    if (r.ok) this.tellTabs({ type: 'session' });
  }

  async clearStorage(): Promise<void> {
    const s = await this.call('Clearing storage', () => this.engine.clearStorage());
    if (s) this.applySession(s);
    this.tellTabs({ type: 'session' });
  }

  /** The engine worker's timing marks (debug accessor). */
  async engineMarks(): Promise<TimingMark[]> {
    return (await this.call('Reading timings', () => this.engine.timingMarks())) ?? [];
  }

  // strategy: the strategy tester's reads and its "Export trades".
  async strategyReport(): Promise<StrategyReport | null> {
    return (await this.call('Reading the strategy results', () => this.engine.strategyReport())) ?? null;
  }

  async strategyTradesCsv(): Promise<string | null> {
    return (await this.call('Exporting trades', () => this.engine.strategyTradesCsv())) ?? null;
  }

  async exportTradesCsv(): Promise<void> {
    const csv = await this.strategyTradesCsv();
    if (!csv) return;
    const name = (this.state.program?.meta.shorttitle || 'strategy').replace(/[^A-Za-z0-9._-]+/g, '-');
    download(`${name}-trades.csv`, new Blob([csv], { type: 'text/csv' }));
  }

  /** strategy: the trades' entry/exit markers on the chart. */
  setTradeMarkers(marks: TradeMark[]): void {
    this.chartView?.setTradeMarkers(marks);
  }

  /** strategy: scrolls the chart to a bar (a clicked trade). */
  scrollToBar(bar: number): void {
    this.chartView?.scrollToBar(bar);
  }

  async exportPlotsCsv(): Promise<void> {
    await this.whenRowsComplete();
    const name = (this.state.program?.meta.shorttitle || 'plots').replace(/[^A-Za-z0-9._-]+/g, '-');
    download(`${name}.csv`, new Blob([this.buffer.toCsv()], { type: 'text/csv' }));
  }
}

type TabMessage = { type: 'source'; scriptId: string; source: string } | { type: 'snapshots' } | { type: 'session' };

const LAYOUT_KEY = 'evergreen.chart-layout';

/** Keeps the outputs of the program on the chart (what its layout is made from) for the next page
 * load, which lays the chart out with them before the engine has said anything. */
function rememberLayout(program: ProgramInfo): void {
  try {
    localStorage.setItem(LAYOUT_KEY, JSON.stringify(program));
  } catch {
    // storage full or disabled: the next load lays the chart out when its run starts
  }
}

function rememberedLayout(): ProgramInfo | null {
  try {
    const raw = localStorage.getItem(LAYOUT_KEY);
    if (!raw) return null;
    const p = JSON.parse(raw) as ProgramInfo;
    return p && Array.isArray(p.outputs) && typeof p.meta === 'object' ? p : null;
  } catch {
    return null;
  }
}

/** Runs `fn` in a task of its own after `n` animation frames. */
function afterFrames(n: number, fn: () => void): void {
  if (n <= 0) {
    setTimeout(fn, 0);
    return;
  }
  requestAnimationFrame(() => afterFrames(n - 1, fn));
}

function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function useAppState(c: AppController): AppState {
  return useSyncExternalStore(c.subscribe, c.getState);
}
