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
  InitOptions,
  InputValue,
  NoticeLevel,
  ProgramInfo,
  ReplayState,
  RunPhase,
  SessionView,
  SnapshotInfo,
  StudyInfo,
  CheckpointInspection,
} from '../worker/protocol.js';
import { compositeProgram, type ChartLayer } from './chart/chart-layers.js';
import { PlotBuffer } from './chart/plot-buffer.js';
import type { ChartView, TradeMark } from './chart/chart-view.js';
import { mark, markAt, type TimingMark } from '../marks.js';
import { PreviewRun, rememberedLayout, rememberLayout, rememberShown, type RestorePreview } from './restore-preview.js';
import { EngineRestarted, heldScript, setHeldScript, type EngineHost } from './engine-client.js';
import { afterCompiled, afterRunStart, withNotice } from './notice-rules.js';
import { AlertCenter } from './alert-center.js';
import { TabChannel, clearDraft, readDraft, saveDraft } from './tab-sync.js';
import { afterFrames, download } from './browser.js';
import type { BuiltinCatalog } from '../worker/builtin-catalog.js';
import type { DrawingRecord, StrategyReport } from '../worker/protocol.js';

import type { Notice } from './notice-rules.js';
export type { Notice };

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
  /** This tab saves the open run's checkpoints (false: another tab on the same run does; null:
   * not known yet). */
  writer: boolean | null;
  /** The scripts added to the chart beside the editor's, in the chart's order (engine-studies.ts). */
  studies: StudyInfo[];
}

const MAX_LOGS = 2000;
/** Cancel waits this long for the engine before it terminates the worker. */
const CANCEL_WAIT_MS = 2000;
/** More restarts than this within RESTART_WINDOW_MS and the watchdog gives up (reload to retry). */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
const DRAFT_WAIT_MS = 15_000;
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
  writer: null,
  studies: [],
};

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The largest file the page reads for an import (CSV or .evergreen): a file is read whole into the
 * page and decoded to one string, which V8 caps at about 512 M characters; a 2 GB file would fail
 * deep in the decoder or take the tab down. A million bars of CSV are ~60 MB. */
const MAX_IMPORT_BYTES = 512 << 20;

function tooLarge(file: File): string {
  return `${file.name} is ${(file.size / (1 << 20)).toFixed(0)} MB: the app imports files up to ${MAX_IMPORT_BYTES >> 20} MB (the CLI reads larger CSV files). Nothing was imported.`;
}

export class AppController {
  private state: AppState = initialState;
  private listeners = new Set<() => void>();
  readonly buffer = new PlotBuffer();
  /** alert() / alertcondition() firings and the armed conditions (alerts panel). */
  readonly alerts = new AlertCenter();
  private chart: ChartView | null = null;
  /** The live drawings the engine sent last (given to the chart when it attaches). */
  private drawings: DrawingRecord[] = [];
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

  /** performance.now() of milestones of the page's life, for benchmarks (debug accessor).
   * `confirmed`: when the engine's rows matched a chart drawn from the page's preview (`drawn` is
   * then when that chart was first on screen, in the page's first frame or the library's paint,
   * `libraryDrawn` when the library painted it). */
  readonly timings = { ready: NaN, reset: NaN, runEnd: NaN, drawn: NaN, libraryDrawn: NaN, confirmed: NaN };

  /** A restore drawn from what the page read from storage before the engine said anything
   * (restore-preview.ts): drawn as the engine's run once its reset and rows are found equal. */
  private readonly preview = new PreviewRun((runId, at, libraryAt) => {
    this.timings.confirmed = performance.now();
    this.drawn(runId, at, libraryAt);
  });

  /** Other tabs of the app (same origin, same storage): told when this one saves a script's
   * source or changes the stored checkpoints, so they do not keep working on what is stale. */
  private readonly tabs = new TabChannel({
    source: (scriptId, source) => this.otherTabSaved(scriptId, source),
    session: () => {
      void this.engine.refreshSession().then(
        (s) => this.applySession(s),
        () => undefined,
      );
    },
    snapshots: () => {
      void this.engine.listSnapshots().then(
        (snapshots) => this.set({ snapshots }),
        () => undefined,
      );
    },
  });

  /** When the watchdog restarted the engine (performance.now()), newest last. */
  private restarts: number[] = [];
  /** The checkpoint file being imported (a forged one can stop the engine while it is checked). */
  private importing: string | null = null;

  constructor(private readonly host: EngineHost) {
    // A page being hidden asks the engine to save what it confirmed since its last checkpoint (the
    // typing is already kept: see saveDraft). So does one going into the back-forward cache, where
    // its worker is frozen. A page being unloaded does not: its worker is terminated with it (and
    // has saved all but the last second's bars); asking it to save then was seen to keep it running
    // past a reload (Chromium 156), writing while the new page's worker restored.
    const flush = () => {
      this.engine.flush().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') flush();
    });
    window.addEventListener('pagehide', (e) => {
      if (e.persisted) flush();
    });
  }

  /** The current engine worker (the watchdog may replace it). */
  private get engine(): Remote<EngineApi> {
    return this.host.api;
  }

  /** The engine was (re)started and has not finished opening the session: typing it never saved
   * is put back once it has (so its restore sees the text it was saved with). */
  private draftWaiting = true;

  /** The last run's end as the engine reported it (window.evergreen.lastRun). */
  lastRun: { status: string; lastBar: number; barsRun: number | null; kept: string | null } | null = null;

  /** Times the watchdog restarted the engine in this page. */
  get engineRestarts(): number {
    return this.restarts.length;
  }

  // ---- the watchdog ----

  /** The engine stopped answering (`why`): the worker is terminated and a new one opens the
   * session again, restoring the newest checkpoint of the open script without running it (the
   * script is held, across reloads too, until the user presses Run). */
  private recover(why: string): void {
    const now = performance.now();
    const recent = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    const s = this.state.session;
    const title = this.state.program?.meta.title;
    const name = s ? `'${s.scriptName}'${title && title !== s.scriptName ? ` (${title})` : ''}` : 'The script';
    if (this.host.stopped) return;
    if (recent.length >= MAX_RESTARTS) {
      // It hangs again as soon as it opens: stop it for good rather than restart it forever.
      this.host.stop();
      this.notify('error', 'hung', `${name} stopped answering again (${why}): the engine was restarted ${recent.length} times in a minute and is now stopped; reload the page to try again.`);
      return;
    }
    this.restarts.push(now);
    const file = this.importing;
    this.importing = null;
    // A file being imported is checked before anything of it is stored: it, not the open script,
    // stopped the engine, and nothing of it was kept.
    const hold = file === null && s ? s.scriptId : null;
    if (hold && s) setHeldScript({ scriptId: hold, scriptName: s.scriptName, at: Date.now() });
    const opts: InitOptions = { baseUrl: this.host.options.baseUrl, restore: true, ...(hold ? { hold } : {}) };
    this.host.restart(opts);
    this.notify(
      'error',
      'hung',
      file !== null
        ? `Importing ${file} stopped the engine (${why}): it was restarted, and nothing of the file was kept.`
        : `${name} stopped answering (${why}): the engine was restarted and is back at its last checkpoint. The script is not run again until you press Run.`,
    );
    this.restoring = false;
    this.drawFor = null;
    this.draftWaiting = true;
    this.set({ status: { ...this.state.status, state: 'starting', phase: null } });
    void this.reattach(opts);
  }

  /** Connects to a restarted engine: its events, its session, the checkpoints list. */
  private async reattach(opts: InitOptions): Promise<void> {
    const gen = this.host.generation;
    try {
      const session = await this.host.guard(this.engine.init(Comlink.proxy((e: EngineEvent) => this.onEvent(e)), opts));
      if (gen !== this.host.generation) return;
      this.applySession(session);
      this.applyDraftLater();
      const snapshots = await this.host.guard(this.engine.listSnapshots());
      this.set({ snapshots });
    } catch (e) {
      if (!(e instanceof EngineRestarted)) this.notify('error', 'init', `The engine could not start: ${errorText(e)}`);
    }
  }

  // ---- typing the worker has not saved yet ----

  /** Puts unsaved typing back once the engine has opened the session (its first run-end), or after
   * DRAFT_WAIT_MS if it says nothing. */
  private applyDraftLater(): void {
    const gen = this.host.generation;
    setTimeout(() => {
      if (this.draftWaiting && gen === this.host.generation) this.applyDraft();
    }, DRAFT_WAIT_MS);
  }

  /** Text typed into the open script that its engine never saved: put back in the editor and saved. */
  private applyDraft(): void {
    this.draftWaiting = false;
    const s = this.state.session;
    if (!s) return;
    const draft = readDraft(s.scriptId);
    if (draft === null) return;
    if (draft === s.source) {
      clearDraft(s.scriptId, draft);
      return;
    }
    this.showSource(draft);
    this.editSource(draft);
    this.notify('info', 'draft-restored', `'${s.scriptName}': the text typed before the engine last stopped was kept and is saved now.`);
  }

  /** Another tab saved the script `scriptId`: the open one is brought up to date as if its new
   * text had been typed here (unless this tab has unsaved typing of its own). */
  private otherTabSaved(scriptId: string, source: string): void {
    const s = this.state.session;
    if (!s || s.scriptId !== scriptId || this.pendingSource !== null || source === this.editorSource) return;
    this.notify('info', 'other-tab', `'${s.scriptName}' was edited in another tab: this tab shows the new version.`);
    this.showSource(source);
    this.editSource(source, false);
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
    this.set({ notices: withNotice(this.state.notices, n) });
  }

  dismissAllNotices(): void {
    this.set({ notices: [] });
  }

  dismissNotice(id: number): void {
    this.set({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  attachChart(view: ChartView | null): void {
    this.chart = view;
    if (view) mark('p:chart-attached');
    // A resized chart (a splitter moved, a message closed) is laid out anew once it has painted.
    if (view) view.onResized = () => afterFrames(1, () => this.rememberChartLayout());
    view?.setLayers(this.layers, this.state.studies.map((s) => s.id), this.hiddenStudies());
    view?.setDrawings(this.drawings);
    if (view && this.buffer.barCount > 0) {
      view.reset(this.chartTitle(), !this.restoring);
    } else if (view) {
      // Nothing to show yet: lay out the chart the page showed last while the engine starts.
      const last = rememberedLayout();
      if (last) view.prebuild(last);
    }
    if (view && this.drawFor !== null) this.drawRun(this.drawFor, this.restoring);
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
      if (this.drawSeq !== seq) return;
      if (runId === PREVIEW_RUN || this.preview.shows(runId)) {
        this.preview.painted(performance.now(), (s, b, v) => this.chart?.pointAt(s, b, v) ?? null, this.chart?.layout() ?? null);
        return;
      }
      if (this.runId !== runId) return;
      this.drawn(runId, performance.now());
    });
  }

  /** Run `runId` is fully drawn (on screen from `at`; painted by the chart library at `libraryAt`). */
  private drawn(runId: number, at: number, libraryAt = at): void {
    this.drawFor = null;
    this.preview.drop();
    this.timings.drawn = at;
    this.timings.libraryDrawn = libraryAt;
    markAt('p:drawn', at);
    this.set({ drawn: { runId, at } });
    this.rememberChartLayout();
    // A restore drawn from its last candles: the engine sends the history behind it now.
    if (this.restoring || this.buffer.barsFrom > 0) this.engine.chartDrawn(runId).catch(() => undefined);
    this.chartShown = true;
    this.maybeOpenEditor();
  }

  /** Keeps where the library laid the drawn chart out: the next load's first frame is drawn there
   * (first-paint.ts). Not while messages above the chart take some of its height (a reload starts
   * without them), nor with other scripts on the chart (a reload with them has no first frame). */
  private rememberChartLayout(): void {
    const layout = this.state.drawn ? this.chart?.layout() : null;
    const { program, dataset, studies, notices } = this.state;
    if (layout && program && dataset && studies.length === 0 && notices.length === 0) rememberLayout(program, dataset.id, layout);
  }

  /** Shows a restore read from storage by the page (restore-preview.ts) until the engine's run
   * comes: drawn at once, unless the engine has already started a run. */
  showPreview(p: RestorePreview): void {
    if (this.runId !== 0) this.preview.drop();
    if (this.runId !== 0 || !this.preview.start(p)) return;
    const composite = compositeProgram(p.program, []);
    this.layers = composite.layers;
    this.buffer.reset(composite.program, p.bars);
    this.buffer.appendOutputs(p.rows);
    this.restoring = true;
    this.set({ program: p.program, dataset: p.dataset, totalBars: p.total, status: { runId: PREVIEW_RUN, state: 'running', phase: 'restore', done: 0, total: p.total, barsPerSecond: 0, elapsedMs: null } });
    this.chart?.setLayers(this.layers, [], this.hiddenStudies());
    this.chart?.reset(this.chartTitle(), false);
    this.drawRun(PREVIEW_RUN, true);
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
      this.applyDraftLater();
      this.host.watch((silentMs) => this.recover(`no answer for ${Math.round(silentMs / 1000)} s`));
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
        if (this.preview.matchReset(e)) {
          // The run the preview shows: kept as drawn until its rows are compared.
          this.runId = e.runId;
          this.engineOpened = true;
          this.set({ notices: afterRunStart(this.state.notices), status: { ...this.state.status, runId: e.runId } });
          break;
        }
        this.runId = e.runId;
        this.restoring = e.restoring === true;
        this.engineOpened = true;
        this.drawFor = null;
        // Several scripts on the chart: the rows hold each added script's columns after the
        // editor script's (chart-layers.ts).
        const composite = compositeProgram(e.program, e.studies ?? []);
        this.layers = composite.layers;
        this.buffer.reset(composite.program, e.bars);
        this.alerts.reset();
        this.checkRowWaiters();
        this.set({
          program: e.program,
          dataset: e.dataset,
          totalBars: e.total,
          barIndex: -1,
          runtimeError: null,
          drawn: null,
          restoredBar: null,
          studies: e.studies ?? [],
          notices: afterRunStart(this.state.notices),
          status: { runId: e.runId, state: 'running', phase: this.restoring ? 'restore' : 'history', done: 0, total: e.total, barsPerSecond: 0, elapsedMs: null },
        });
        this.chart?.setLayers(this.layers, this.state.studies.map((s) => s.id), this.hiddenStudies());
        this.chart?.reset(this.chartTitle(), !this.restoring);
        this.drawings = [];
        this.chart?.setDrawings([]);
        if (e.program) rememberShown(e.program, e.dataset);
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
        const match = this.preview.matchRows(e.chunk);
        if (match === 'same') {
          // The chart shows what the engine says: drawn as soon as the preview is painted.
          this.drawFor = e.runId;
          mark('p:rows');
          this.preview.confirm();
          break;
        }
        // Not what the preview drew: the engine's run starts over on the chart.
        if (match) this.onEvent(match);
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
      case 'bars':
        // The candles behind a restored chart (it was drawn from the last ones): the chart may now
        // scroll back to bar 0.
        if (e.runId !== this.runId) return;
        this.buffer.appendBars(e.bars);
        mark('p:bars');
        this.chart?.historyArrived();
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
        this.lastRun = { status: e.status, lastBar: e.lastBar, barsRun: e.barsRun ?? null, kept: e.kept ?? null };
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
        if (this.draftWaiting) this.applyDraft();
        break;
      }
      case 'drawings':
        if (e.runId !== this.runId) return;
        this.drawings = e.list;
        this.chart?.setDrawings(e.list);
        break;
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
        this.set({ compile: e.info, ...(e.info.program ? { notices: afterCompiled(this.state.notices) } : { status: { ...this.state.status, state: 'compile-error' } }) });
        break;
      case 'checkpoint':
        this.set({ checkpoint: e.bar === null || e.at === null ? null : { bar: e.bar, at: e.at } });
        break;
      case 'snapshots':
        this.set({ snapshots: e.list });
        this.tabs.tell({ type: 'snapshots' });
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
      case 'writer':
        this.set({ writer: e.writer });
        break;
      case 'busy':
        this.host.allowBusy(e.forMs);
        break;
      case 'alerts':
        if (e.runId === this.runId) this.alerts.onEvent(e, this.state.replay?.from ?? null);
        break;
    }
  }

  // ---- actions ----

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.host.guard(fn());
    } catch (e) {
      // A call the stuck engine never answered: the watchdog has said what happened.
      if (e instanceof EngineRestarted) return undefined;
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
    const id = this.state.session?.scriptId;
    if (id) saveDraft(id, source);
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
    const id = this.state.session?.scriptId;
    const info = await this.call('Compiling', () => this.engine.setSource(src));
    if (info) this.set({ compile: info, sourceDirty: this.pendingSource !== null, ...(info.program ? { notices: afterCompiled(this.state.notices) } : {}) });
    if (info && id) clearDraft(id, src);
    if (info && tell && id) this.tabs.tell({ type: 'source', scriptId: id, source: src });
  }

  async run(): Promise<void> {
    await this.flushSource();
    // Running is the user's choice: a script held after it hung runs again.
    const held = heldScript();
    if (held && held.scriptId === this.state.session?.scriptId) setHeldScript(null);
    this.set({ status: { ...this.state.status, state: 'running', done: 0 } });
    await this.call('Running', () => this.engine.run());
  }

  /** Stops the run; an engine that does not answer within CANCEL_WAIT_MS is terminated and
   * restarted (see recover), so Cancel always works. */
  async cancel(): Promise<void> {
    const answered = this.call('Cancelling', () => this.engine.cancel()).then(() => true);
    const waited = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CANCEL_WAIT_MS));
    if (!(await Promise.race([answered, waited]))) this.recover(`Cancel was not answered in ${CANCEL_WAIT_MS / 1000} s`);
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
    this.tabs.tell({ type: 'session' });
  }

  async renameScript(name: string): Promise<void> {
    const id = this.state.session?.scriptId;
    if (!id) return;
    const s = await this.call('Renaming', () => this.engine.renameScript(id, name));
    if (s) this.applySession(s);
    this.tabs.tell({ type: 'session' });
  }

  async deleteScript(): Promise<void> {
    const id = this.state.session?.scriptId;
    if (!id) return;
    const s = await this.call('Deleting the script', () => this.engine.deleteScript(id));
    if (s) this.applySession(s);
    this.tabs.tell({ type: 'session' });
  }

  async selectDataset(id: string): Promise<void> {
    await this.call('Opening the dataset', () => this.engine.selectDataset(id));
  }

  async deleteDataset(id: string): Promise<void> {
    const s = await this.call('Deleting the dataset', () => this.engine.deleteDataset(id));
    if (s) this.applySession(s);
    this.tabs.tell({ type: 'session' });
  }

  async importCsv(file: File): Promise<void> {
    // A CSV, TSV or text file, or a file with no extension (downloads are sometimes saved without
    // one): the parser decides. A file named as something else (.xlsx, .json, .png…) is refused.
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.name)?.[1]?.toLowerCase() ?? null;
    // (A .toml file is a symbol file for the imported datasets of its ticker.)
    if (ext !== null && !['csv', 'txt', 'tsv', 'toml'].includes(ext) && file.type !== 'text/csv') {
      this.notify('error', 'csv', `${file.name} is not a CSV file (nor a .toml symbol file): nothing was imported.`);
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      this.notify('error', 'csv', tooLarge(file));
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const r = await this.call('Importing the CSV', () => this.engine.importCsv(file.name, Comlink.transfer(bytes, [bytes.buffer])));
    if (!r) return;
    this.notify(r.ok ? 'info' : 'error', r.ok ? 'csv-imported' : 'csv-rejected', r.message);
    if (r.ok) this.tabs.tell({ type: 'session' });
  }

  async setReplayFrom(bar: number | null): Promise<void> {
    // The replay runs what the editor shows, as Run does: text still waiting to compile goes first.
    await this.flushSource();
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

  /** The checkpoint timeline: continue from a checkpoint in a new replay branch; delete a branch. */
  async forkSnapshot(id: string): Promise<void> {
    await this.flushSource();
    await this.call('Forking', () => this.engine.forkSnapshot(id));
  }

  async deleteBranch(branch: string): Promise<void> {
    await this.call('Deleting the branch', () => this.engine.deleteBranch(branch));
  }

  /** A checkpoint's report for the snapshot inspector. */
  async inspectSnapshot(id: string): Promise<CheckpointInspection | null> {
    return (await this.call('Reading the checkpoint', () => this.engine.inspectSnapshot(id))) ?? null;
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
    if (file.size > MAX_IMPORT_BYTES) {
      this.notify('error', 'snapshot-rejected', tooLarge(file));
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    this.importing = file.name;
    const r = await this.call('Importing the checkpoint', () => this.engine.importSnapshot(file.name, Comlink.transfer(bytes, [bytes.buffer])));
    if (this.importing === file.name) this.importing = null;
    if (!r) return;
    this.notify(r.ok ? 'info' : 'error', r.ok ? 'snapshot-imported' : 'snapshot-rejected', r.message);
    if (r.ok) this.tabs.tell({ type: 'session' });
  }

  async clearStorage(): Promise<void> {
    const s = await this.call('Clearing storage', () => this.engine.clearStorage());
    if (s) this.set({ notices: [] });
    if (s) this.applySession(s);
    this.tabs.tell({ type: 'session' });
  }

  private catalog: Promise<BuiltinCatalog> | null = null;

  /** The VM's builtins for the editor's help, asked of the worker once. */
  builtinCatalog(): Promise<BuiltinCatalog> {
    this.catalog ??= this.engine.builtinCatalog();
    return this.catalog;
  }

  /** Test-only (debug accessor): the engine worker stops answering at the next bar it runs. */
  async testOnlyHangEngine(): Promise<void> {
    await this.call('Arming the test hang', () => this.engine.testOnlyHangAtNextBar());
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

  // ---- several scripts on one chart ----

  /** The layers of the chart in the rows' column order (set at each run's reset). */
  private layers: ChartLayer[] = [];

  private hiddenStudies(): Set<string> {
    return new Set(this.state.studies.filter((s) => s.hidden).map((s) => s.id));
  }

  async addStudy(scriptId: string): Promise<void> {
    await this.flushSource();
    await this.call('Adding the script to the chart', () => this.engine.addStudy(scriptId));
  }

  /** Opens an added script in the editor (the editor's script takes its place on the chart). */
  async editStudy(id: string): Promise<void> {
    await this.flushSource();
    const s = await this.call('Opening the script', () => this.engine.editStudy(id));
    if (s) this.applySession(s);
  }

  async removeStudy(id: string): Promise<void> {
    await this.call('Removing the script from the chart', () => this.engine.removeStudy(id));
  }

  async setStudyInputs(id: string, values: Record<string, InputValue>): Promise<void> {
    this.set({ studies: this.state.studies.map((s) => (s.id === id ? { ...s, inputs: values } : s)) });
    await this.call("Applying the script's inputs", () => this.engine.setStudyInputs(id, values));
  }

  /** Hiding and moving lay the chart out again here (nothing is computed); the engine stores them. */
  async setStudyHidden(id: string, hidden: boolean): Promise<void> {
    this.set({ studies: this.state.studies.map((s) => (s.id === id ? { ...s, hidden } : s)) });
    this.chart?.relayout(this.state.studies.map((s) => s.id), this.hiddenStudies());
    await this.call('Hiding the script', () => this.engine.setStudyHidden(id, hidden));
  }

  async moveStudy(id: string, delta: number): Promise<void> {
    const list = [...this.state.studies];
    const i = list.findIndex((s) => s.id === id);
    const j = i + Math.sign(delta);
    const a = list[i];
    const b = list[j];
    if (!a || !b) return;
    list[i] = b;
    list[j] = a;
    this.set({ studies: list });
    this.chart?.relayout(list.map((s) => s.id), this.hiddenStudies());
    await this.call('Moving the script', () => this.engine.moveStudy(id, delta));
  }

  async exportPlotsCsv(): Promise<void> {
    await this.whenRowsComplete();
    const name = (this.state.program?.meta.shorttitle || 'plots').replace(/[^A-Za-z0-9._-]+/g, '-');
    download(`${name}.csv`, new Blob([this.buffer.toCsv()], { type: 'text/csv' }));
  }
}


/** The run id of a chart drawn from the page's preview (engine runs count from 1). */
const PREVIEW_RUN = 0;

/** Runs `fn` in a task of its own after `n` animation frames. */
export function useAppState(c: AppController): AppState {
  return useSyncExternalStore(c.subscribe, c.getState);
}
