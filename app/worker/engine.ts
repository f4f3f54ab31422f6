// The engine behind the worker's Comlink API (EngineApi in protocol.ts): the protocol facade over
// the worker's parts, each a layer of one object so they share the session and the active run:
// engine-core.ts (state, events to the page, the queue of exclusive calls, jobs), engine-library.ts
// (session, scripts, datasets, compiling), engine-checkpoints.ts (save, restore, export/import),
// engine-history.ts (history runs) and engine-replay.ts (the replay feed). Jobs run in slices and give
// the event loop a turn between them, so control calls (cancel, pause, speed, "save now") are
// answered while they run; calls that replace the run wait for the job to stop at a bar boundary
// first. Everything the page sees arrives as EngineEvents through one listener.

import type { InputValue } from '../../vm/index.js';
import { DEFAULT_DATASET_ID } from './datasets.js';
import { SAMPLE_SCRIPTS } from './samples.js';
import { mark, timingMarks, type TimingMark } from '../marks.js';
import { sameInitOptions } from './protocol.js';
import type { CheckpointInspection, CompileInfo, EngineApi, EngineEvent, EngineListener, ImportResult, InitOptions, SessionView, SnapshotInfo } from './protocol.js';
import { defaultSession, errorMessage, type Transfer } from './engine-core.js';
import { EngineReplay } from './engine-replay.js';
import { builtinCatalog, type BuiltinCatalog } from './builtin-catalog.js';
import { brokerOf, formatSnapshotReport, inspectSnapshotBytes, strategyReport, tradesCsv, type StrategyReport } from '../../vm/index.js';
import { MAIN_BRANCH } from '../store/schema.js';
import { armTestHang } from './test-hang.js';
import { CHART_ID } from './engine-studies.js';
import { newId } from './checkpoint.js';
import { calcBarsView } from './calc-bars.js';
import { splitChartTimeframe } from './chart-timeframe.js';
import { chartTimeframeProblem } from '../chart-timeframes.js';

export type { Transfer };

export class Engine extends EngineReplay implements EngineApi {
  // ---- init ----


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

  /** Stops what runs and closes the store, leaving the session as it was (what a terminated
   * worker leaves behind; used by tests to stand for a page reload). */
  async dispose(): Promise<void> {
    const trailing = this.active?.trailing;
    if (trailing) clearTimeout(trailing);
    this.releaseWriter();
    await this.stopJob();
    await this.queue;
    this.storeRef?.close();
    this.storeRef = null;
    this.listener = () => {};
  }

  // ---- the API ----

  /** Answers at once while the worker's event loop turns (the page's watchdog). */
  async ping(): Promise<number> {
    return this.active?.inst.barIndex ?? -1;
  }

  /** Checkpoints what was confirmed since the last checkpoint (the page is hidden or closing). */
  flush(): Promise<void> {
    return this.flushActive();
  }

  async chartDrawn(runId: number): Promise<void> {
    this.pageDrew(runId);
  }

  /** Test-only (app/worker/test-hang.ts): the next bar the engine runs never ends. */
  async testOnlyHangAtNextBar(): Promise<void> {
    armTestHang();
  }

  async timingMarks(): Promise<TimingMark[]> {
    return timingMarks();
  }

  async builtinCatalog(): Promise<BuiltinCatalog> {
    return builtinCatalog();
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
    // The user's choice: a held script runs again.
    this.hold = null;
    return this.exclusive(() => this.openCurrent(false));
  }

  async cancel(): Promise<void> {
    if (this.job?.kind === 'replay') {
      this.job.finishBar = true;
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

  async selectScript(id: string): Promise<SessionView> {
    // A script already on the chart beside the editor's swaps places with it (not drawn twice).
    const onChart = (await this.store.listStudies(CHART_ID)).find((s) => s.scriptId === id);
    if (onChart && id !== this.session.scriptId) return (await this.editStudy(onChart.id)) ?? this.sessionView();
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
      // A timeframe the dataset's bars cannot make (below its own, or splitting its bars): said,
      // and the chart stays as it is (not an empty chart, nor another dataset).
      const view = splitChartTimeframe(id);
      if (view.tf !== null) {
        const base = (await this.datasetList()).find((d) => d.id === view.base);
        const problem = base && base.timeframe !== null ? chartTimeframeProblem(base.name, base.timeframe, view.tf) : null;
        if (problem) {
          this.notice('warning', 'chart-timeframe', problem);
          await this.pushSession();
          return;
        }
      }
      const at = this.replayTimeAcross(id);
      this.session.datasetId = id;
      this.session.replay = { ...this.session.replay, from: null, playing: false };
      if (at !== null) {
        // Another timeframe of the same dataset during a replay: the replay goes on from the same
        // moment, as TradingView's does, paused on the bar of the new timeframe that holds it (that
        // bar forms again from its open: nothing after the moment is shown).
        const ds = await this.ensureDataset();
        const program = this.compiled && this.compiled.source === this.script?.source ? this.compiled.program : null;
        const bars = calcBarsView(ds, program).bars;
        const from = ds.info.id === id ? barHolding(bars.time, at) : -1;
        if (from >= 1 && from < bars.length) this.session.replay = { ...this.session.replay, from };
      }
      await this.saveSession();
      await this.openCurrent(true);
      await this.pushSession();
    });
  }

  /** The time of the next bar a replay would feed, when `id` is another timeframe of the replayed
   * dataset (null: no replay, or another dataset). */
  private replayTimeAcross(id: string): number | null {
    const r = this.active;
    if (!r || this.session.replay.from === null) return null;
    if (splitChartTimeframe(id).base !== splitChartTimeframe(this.session.datasetId).base) return null;
    const next = r.open ? r.open.bar : r.inst.barIndex + 1;
    const t = r.dataset.bars.time[next];
    return t === undefined ? null : t;
  }

  async importCsv(fileName: string, bytes: Uint8Array): Promise<ImportResult> {
    // A symbol file for imported datasets (engine-library.ts): the open chart runs again with it.
    if (/\.toml$/i.test(fileName)) {
      return this.exclusive(async () => {
        const { result, ids } = await this.importSymbolFile(fileName, bytes);
        if (!result.ok) return result;
        await this.sendSnapshots();
        if (ids.includes(splitChartTimeframe(this.session.datasetId).base)) await this.openCurrent(true);
        await this.pushSession();
        return result;
      });
    }
    const result = await this.importCsvFile(fileName, bytes);
    if (result.ok && result.datasetId) void this.selectDataset(result.datasetId);
    return result;
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
      const total = this.runBars();
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
    return this.startPlaying();
  }

  async pause(): Promise<void> {
    this.session.replay.playing = false;
    if (this.job?.kind === 'replay') {
      // Stops once the forming bar is confirmed: the feed rests on a bar that can be saved.
      this.job.finishBar = true;
      await this.stopJob();
    }
    await this.saveSession();
    this.sendReplay();
  }

  step(): Promise<void> {
    return this.stepOne();
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

  async deleteSnapshot(id: string): Promise<void> {
    await this.store.deleteSnapshot(id);
    await this.sendSnapshots();
  }

  exportSnapshot(id: string): Promise<{ fileName: string; bytes: Uint8Array }> {
    return this.exportFile(id);
  }

  importSnapshot(fileName: string, bytes: Uint8Array): Promise<ImportResult> {
    return this.exclusive(() => this.importFile(fileName, bytes));
  }

  // ---- the checkpoint timeline ----

  /** Restores checkpoint `id` and continues in a new replay branch: the checkpoints after it stay
   * in their own branch (automatic ones are pruned per branch) until that branch is deleted. The new
   * branch starts with a checkpoint at the same bar. */
  forkSnapshot(id: string): Promise<void> {
    return this.exclusive(async () => {
      const meta = await this.store.getSnapshot(id);
      if (!meta) {
        this.notice('error', 'not-found', 'That checkpoint no longer exists.');
        return;
      }
      await this.restoreById(id);
      const run = this.active;
      if (!run || run.runKey !== meta.runKey || run.inst.barIndex < meta.bar) return;
      run.branch = `fork-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
      if (run.inst.barIndex === meta.bar) await this.checkpoint(run, 'manual');
      this.notice('info', 'forked', `Forked from the checkpoint at bar ${meta.bar}: a new branch; the other branch's checkpoints are kept.`);
    });
  }

  /** Deletes every checkpoint of a replay branch of the chart (the open script's and its added
   * scripts' on the open dataset; not the branch the open run saves to). */
  deleteBranch(branch: string): Promise<void> {
    return this.exclusive(async () => {
      if (this.active?.branch === branch) {
        this.notice('warning', 'branch-current', 'The open run saves to this branch: restore a checkpoint of another branch first.');
        return;
      }
      const scripts = new Set([this.session.scriptId, ...(this.active?.studies.map((s) => s.scriptId) ?? [])]);
      const onChart = (m: { scriptId: string; datasetId: string }) => scripts.has(m.scriptId) && m.datasetId === this.session.datasetId;
      const gone = (await this.store.listSnapshots()).filter((m) => (m.branch ?? MAIN_BRANCH) === branch && onChart(m));
      for (const m of gone) await this.store.deleteSnapshot(m.id);
      this.notice('info', 'branch-deleted', `Deleted the branch's ${gone.length} checkpoint${gone.length === 1 ? '' : 's'}.`);
      await this.sendSnapshots();
    }, true);
  }

  /** A checkpoint's snapshot as `evergreen inspect` reports it (the VM's own inspect). */
  async inspectSnapshot(id: string): Promise<CheckpointInspection> {
    const meta = await this.store.getSnapshot(id);
    if (!meta) throw new Error('That checkpoint no longer exists.');
    const bytes = await this.store.getSnapshotBytes(id);
    const base = { id, bar: meta.bar, size: meta.size, branch: meta.branch ?? MAIN_BRANCH, inputs: { ...meta.inputs } };
    try {
      if (!bytes) throw new Error('its bytes are missing from storage');
      const report = inspectSnapshotBytes(bytes);
      return { ...base, report, text: formatSnapshotReport(report, `${meta.scriptName} @ bar ${meta.bar}`), problem: null };
    } catch (e) {
      const problem = errorMessage(e);
      return { ...base, report: null, text: problem, problem };
    }
  }

  // ---- several scripts on one chart (engine-studies.ts) ----

  /** Saves the active run's (and its studies') checkpoint at its bar, then opens the chart again:
   * the editor's script and every study come back from their checkpoints, a new or changed study
   * is computed. */
  private reopenChart(change: () => Promise<void>): Promise<void> {
    return this.exclusive(async () => {
      const run = this.active;
      if (run && !run.open && !run.failed) await this.checkpoint(run, 'auto');
      await change();
      await this.openCurrent(true);
    });
  }

  addStudy(scriptId: string): Promise<void> {
    return this.reopenChart(async () => {
      if (!(await this.store.getScript(scriptId))) throw new Error(`No script with id ${scriptId}.`);
      const list = await this.store.listStudies(CHART_ID);
      const order = list.reduce((m, s) => Math.max(m, s.order), 0) + 1;
      await this.store.putStudy({ id: newId(), chartId: CHART_ID, scriptId, inputs: {}, hidden: false, order, addedAt: Date.now() });
    });
  }

  removeStudy(id: string): Promise<void> {
    return this.reopenChart(() => this.store.deleteStudy(id));
  }

  setStudyInputs(id: string, values: Record<string, InputValue>): Promise<void> {
    return this.reopenChart(async () => {
      const rec = (await this.store.listStudies(CHART_ID)).find((s) => s.id === id);
      if (rec) await this.store.putStudy({ ...rec, inputs: { ...values } });
    });
  }

  editStudy(id: string): Promise<SessionView | null> {
    let view: SessionView | null = null;
    return this.reopenChart(async () => {
      const rec = (await this.store.listStudies(CHART_ID)).find((s) => s.id === id);
      const main = this.script;
      if (!rec || !main) return;
      const next = await this.store.getScript(rec.scriptId);
      if (!next) throw new Error(`No script with id ${rec.scriptId}.`);
      // Strategy properties stay with the editor's script; inputs travel with each script.
      const mainInputs = Object.fromEntries(Object.entries(this.session.inputs[main.id] ?? {}).filter(([k]) => !k.startsWith('strategy:')));
      await this.store.putStudy({ ...rec, scriptId: main.id, inputs: mainInputs, hidden: false });
      this.session.inputs = { ...this.session.inputs, [next.id]: { ...rec.inputs } };
      this.script = next;
      this.session.scriptId = next.id;
      this.session.replay.playing = false;
      await this.saveSession();
      view = await this.pushSession();
    }).then(() => view);
  }

  /** Hiding and moving change only how the chart is laid out (the page does it): stored here. */
  async setStudyHidden(id: string, hidden: boolean): Promise<void> {
    const rec = (await this.store.listStudies(CHART_ID)).find((s) => s.id === id);
    if (rec) await this.store.putStudy({ ...rec, hidden });
  }

  async moveStudy(id: string, delta: number): Promise<void> {
    const list = await this.store.listStudies(CHART_ID);
    const i = list.findIndex((s) => s.id === id);
    const j = i + Math.sign(delta);
    const a = list[i];
    const b = list[j];
    if (!a || !b) return;
    list[i] = b;
    list[j] = a;
    for (const [k, s] of list.entries()) if (s.order !== k + 1) await this.store.putStudy({ ...s, order: k + 1 });
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

/** The last bar that opened at or before `t` (-1: none). */
function barHolding(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((time[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
