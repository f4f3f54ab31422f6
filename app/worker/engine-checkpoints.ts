// The engine's checkpoints: saving the active run (automatic, manual), restoring the newest one
// that matches what the session opens (quickly at page load, before compiling), marking stale and
// corrupt ones, restoring one the user picks, and export/import of `.evergreen` files. The only
// part that reaches the VM's snapshot API (through checkpoint.ts).

import type { Instance, Program } from '../../vm/index.js';
import { StoreError } from '../store/errors.js';
import { MAIN_BRANCH, type ScriptRecord, type SnapshotKind, type SnapshotMeta, type TailBarsRecord } from '../store/schema.js';
import type { AssembledOutputs } from '../store/store.js';
import { builtinDatasets, storedDatasetInfo, type LoadedDataset } from './datasets.js';
import { hashText, stableJson } from './hash.js';
import { newId, readCheckpoint, writeCheckpoint, inspectSnapshot, restoreInstance } from './checkpoint.js';
import { portableFile } from './export-file.js';
import { keepAcrossEdit } from './presentation-keep.js';
import { barsDigest, carriedDatasetId, checkpointInputs, CheckpointFileError, decodeCheckpointFile, presentationOnlyEdit, readSymbolToml, restoreWithProgram, withStrategyProperties, type CheckpointFile } from '../../vm/index.js';
import { runKeyOf } from './run-config.js';
import { mark } from '../marks.js';
import { now } from './scheduling.js';
import { BACKFILL_WAIT_MS, CHART_WINDOW } from './protocol.js';
import type { BarsChunk, DatasetInfo, ImportResult, OutputsChunk, SnapshotInfo } from './protocol.js';
import { EngineLibrary } from './engine-library.js';
import { calcBarsView } from './calc-bars.js';
import { splitChartTimeframe } from './chart-timeframe.js';
import { CHART_ID, checkpointStudies, openStudies, withStudyRows } from './engine-studies.js';
import { KEEP_AUTO, REPLAY_CHECKPOINT_MS, barsChunk, chunkBuffers, errorMessage, programInfo, timeOfDay, type ActiveRun, type Job, type RunIdentity } from './engine-core.js';

/** A follower that gets the writer lock sooner than this took it over from its own reloaded page. */
const TAKEOVER_QUIET_MS = 3000;

export abstract class EngineCheckpoints extends EngineLibrary {
  /** The history run's and the replay's parts: what a restored run continues with. */
  protected abstract coldRun(program: Program, ds: LoadedDataset): Promise<void>;
  protected abstract historyJob(job: Job, run: ActiveRun): Promise<void>;
  protected abstract replayLoop(job: Job, run: ActiveRun): Promise<void>;

  protected snapshotInfo(m: SnapshotMeta): SnapshotInfo {
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
      scriptId: m.scriptId,
      datasetId: m.datasetId,
      replayFrom: m.replayFrom,
      branch: m.branch ?? MAIN_BRANCH,
      current: r !== null && m.runKey === r.runKey && (m.branch ?? MAIN_BRANCH) === r.branch,
    };
  }

  protected async sendSnapshots(): Promise<SnapshotInfo[]> {
    const list = (await this.store.listSnapshots()).map((m) => this.snapshotInfo(m));
    this.send({ type: 'snapshots', list });
    return list;
  }

  /** Checkpoints the run at its last confirmed bar (never while a replay bar is open or a bar is
   * suspended). A storage failure is reported; the previous checkpoint stays. */
  protected async checkpoint(run: ActiveRun, kind: SnapshotKind): Promise<SnapshotInfo | null> {
    if (run.failed || run.open || run.inst.isSuspended || run.inst.barIndex < 0 || this.active !== run) {
      this.answerSaveRequests(null);
      return null;
    }
    if (!run.writer || (kind === 'auto' && run.inst.barIndex <= run.floorBar)) {
      // Another tab writes this run's checkpoints (it would prune ours and we theirs), or did and
      // left one further along than this tab is.
      if (kind === 'manual' && !run.writer) this.notice('warning', 'follower', 'Another tab is saving this run\'s checkpoints: close it (or open another script or dataset there) to save from this tab.');
      run.lastCheckpointAt = now();
      run.flushWanted = false;
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
          bars: run.dataset.bars,
          tailBars: CHART_WINDOW,
          outputsStored: run.outputsStored,
          branch: run.branch,
        },
        kind,
      );
      run.outputsStored = outputsStored;
      run.savedBar = Math.max(run.savedBar, meta.bar);
      if (this.storageFull) {
        this.storageFull = false;
        this.notice('info', 'storage-ok', `Checkpoints are saved again (bar ${meta.bar}).`);
      }
      info = this.snapshotInfo(meta);
      this.send({ type: 'checkpoint', bar: meta.bar, at: meta.createdAt });
      if (kind === 'auto') await this.store.pruneAutoSnapshots(run.runKey, KEEP_AUTO, run.branch);
      // The chart's other scripts are checkpointed at the same bar (each its own checkpoint).
      if (run.studies.length > 0) await checkpointStudies(this.studyHost, run.studies, run.dataset, meta.bar, run.replayFrom, kind === 'manual' ? 'manual' : 'auto', KEEP_AUTO, run.branch);
      await this.sendSnapshots();
    } catch (e) {
      // A full disk is said once (the next saves would fail the same way at every bar) until a
      // checkpoint is written again; the previous checkpoint is untouched (one transaction).
      const full = e instanceof StoreError && e.code === 'quota';
      if (!full || !this.storageFull) {
        if (e instanceof StoreError) this.notice('error', e.code, e.message);
        else this.notice('error', 'checkpoint', `Could not save a checkpoint: ${errorMessage(e)}`);
      }
      if (full) this.storageFull = true;
    } finally {
      run.lastCheckpointAt = now();
      run.flushWanted = false;
    }
    this.answerSaveRequests(info);
    return info;
  }

  // ---- one writer per run ----

  private writerClaim: { runKey: string; run: ActiveRun; held: boolean; abort: AbortController; release: () => void } | null = null;

  /** Checkpoints of a run are written by one tab at a time: the one holding the Web Lock
   * `evergreen-writer:<runKey>`. Another tab on the same run follows: it runs and shows the run
   * but saves nothing (the writer's checkpoints reach its list through the page's
   * BroadcastChannel), and waits for the lock; when the writer's tab closes (or moves to another
   * run) it takes over and checkpoints what it has confirmed. A new run with the same key (run
   * again, restored) keeps the claim. Without Web Locks (Node tests) every engine writes. */
  protected claimWriter(run: ActiveRun): void {
    const current = this.writerClaim;
    if (current && current.runKey === run.runKey) {
      current.run = run;
      run.writer = current.held;
      return;
    }
    this.releaseWriter();
    const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
    if (!locks) {
      run.writer = true;
      return;
    }
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const claim = { runKey: run.runKey, run, held: false, abort: new AbortController(), release };
    this.writerClaim = claim;
    const name = `evergreen-writer:${run.runKey}`;
    const become = async (): Promise<void> => {
      claim.held = true;
      claim.run.writer = true;
      this.send({ type: 'writer', writer: true });
      await held;
      claim.held = false;
      claim.run.writer = false;
    };
    locks
      .request(name, { ifAvailable: true }, async (lock) => {
        if (lock) return become();
        if (claim.abort.signal.aborted) return undefined;
        this.send({ type: 'writer', writer: false });
        const since = now();
        return locks
          .request(name, { signal: claim.abort.signal }, async () => {
            if (this.writerClaim !== claim) return;
            // Not said when the lock was only the reloaded page's own, on its way out.
            if (now() - since > TAKEOVER_QUIET_MS) this.notice('info', 'writer', "The tab that was saving this run's checkpoints was closed: this tab saves them now.");
            await this.takeOver(claim.run);
            await become();
          })
          .catch(() => undefined);
      })
      .catch(() => undefined);
  }

  /** Lets go of the writer lock held (or waited for) for the previous run. */
  protected releaseWriter(): void {
    const c = this.writerClaim;
    this.writerClaim = null;
    if (!c) return;
    c.abort.abort();
    c.release();
  }

  /** A follower that became the writer saves what it confirmed (at once, or at the running job's
   * next bar), unless the previous writer left a checkpoint of the run at or past it. */
  private async takeOver(run: ActiveRun): Promise<void> {
    const snaps = await this.store.listSnapshots().catch((): SnapshotMeta[] => []);
    run.floorBar = snaps.reduce((m, x) => (x.runKey === run.runKey && x.status === 'ok' ? Math.max(m, x.bar) : m), run.floorBar);
    run.writer = true;
    if (this.active !== run) return;
    if (this.job) {
      run.flushWanted = true;
      return;
    }
    void this.exclusive(async () => {
      if (this.active === run && !this.job && this.unsaved(run)) await this.checkpoint(run, 'auto');
    }, true);
  }

  /** Confirmed bars not yet in a checkpoint (none while a bar forms or is suspended). */
  protected unsaved(run: ActiveRun): boolean {
    return !run.failed && !run.open && !run.inst.isSuspended && run.inst.barIndex > Math.max(run.savedBar, run.floorBar);
  }

  /** The trailing edge of the replay's checkpoints (at most one a second): once the feed is idle
   * (stepped, paused), the confirmed bars not yet saved are checkpointed when the second since the
   * last checkpoint is up, so none is lost to a reload. A feed that plays again checkpoints them
   * itself. */
  protected scheduleTrailingCheckpoint(run: ActiveRun): void {
    if (run.trailing !== null || !this.unsaved(run)) return;
    const delay = Math.max(0, run.lastCheckpointAt + REPLAY_CHECKPOINT_MS - now());
    run.trailing = setTimeout(() => {
      run.trailing = null;
      void this.exclusive(async () => {
        if (this.active !== run || this.job || !this.unsaved(run)) return;
        await this.checkpoint(run, 'auto');
      }, true);
    }, delay);
  }

  /** Saves what the active run confirmed since its last checkpoint now (the page is hidden or
   * going away). A running job does it at its next confirmed bar. */
  protected async flushActive(): Promise<void> {
    const run = this.active;
    if (!run) return;
    if (this.job) {
      run.flushWanted = true;
      return;
    }
    await this.exclusive(async () => {
      if (this.active === run && !this.job && this.unsaved(run)) await this.checkpoint(run, 'auto');
    }, true);
  }

  /** Restores the newest usable checkpoint of the run the session describes. Marks checkpoints of
   * an edited script stale and rejected ones corrupt (both kept), telling the user why. */
  protected async restoreLatest(program: Program, ds: LoadedDataset): Promise<boolean> {
    const id = this.identity(program, ds);
    const all = await this.store.listSnapshots();
    const stale = await this.markStale(all, id.script, ds.info.id, id.sourceHash);
    const candidates = all.filter((s) => s.runKey === id.runKey && s.status === 'ok');
    for (const c of candidates) {
      if (await this.adoptCheckpoint(c, ds, id)) return true;
    }
    // An earlier version of the script that differs only in colors, titles, styles: its checkpoint
    // goes on with this one (presentation-keep.ts).
    const next = program.meta.kind === 'strategy' ? withStrategyProperties(program, id.props) : program;
    const run = { scriptId: id.script.id, scriptName: id.script.name, sourceHash: id.sourceHash, runKey: id.runKey, datasetId: ds.info.id, datasetName: ds.info.name, replayFrom: id.replayFrom, inputs: id.resolved.values, totalBars: ds.bars.length };
    // (Not for a held script: it opens as it did before the edit, without its checkpoint.)
    const kept = this.isHeld() ? null : await keepAcrossEdit(this.store, all, run, next, ds.bars.length - 1);
    if (kept) {
      this.notice('info', 'presentation-edit', `Only how '${id.script.name}' is drawn changed: it goes on from bar ${kept.meta.bar} with the new look, without running the history again.`);
      await this.adoptRestored(kept.meta, ds, id, kept.inst, kept.rows, null, 'presentation');
      return true;
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
   * embeds its program, whose inputs decide the run's identity). A checkpoint stored with its last
   * candles is drawn before the dataset is even loaded (drawRestoredEarly): what the page needs for
   * its first frame costs the same at 10k bars as at 1M. False when none fits: the slow path
   * compiles, marks stale checkpoints and restores or runs from the first bar. */
  protected async restoreAtOpen(): Promise<boolean> {
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
    const loaded = this.dataset && this.dataset.info.id === this.session.datasetId ? this.dataset : null;
    let ds: LoadedDataset | null = null;
    // The early draw shows the editor's script alone: a chart with other scripts waits for them.
    const alone = (await this.store.listStudies(CHART_ID)).length === 0;
    for (const c of candidates) {
      const outcome = c === first ? await firstRead : await this.readForRestore(c);
      if (!outcome.ok) {
        await this.rejectCheckpoint(c, outcome.problem);
        continue;
      }
      const early = loaded || ds || !alone ? null : await this.drawRestoredEarly(c, outcome.inst, outcome.outputs, outcome.tailBars);
      // The rest waits for the page to have painted the chart (or BACKFILL_WAIT_MS).
      if (early) await this.untilDrawn(early.runId);
      if (!ds) {
        ds = await this.ensureDataset();
        mark('w:dataset-ready');
      }
      // calc_bars_count = N: the run's bars are the dataset's last N (calc-bars.ts).
      const rds = this.runDataset(ds, outcome.inst.program);
      const id = this.identity(outcome.inst.program, rds);
      if (id.runKey !== c.runKey) continue;
      const fits = early !== null && rds.info.id === c.datasetId && rds.bars.length === c.totalBars;
      await this.adoptRestored(c, rds, id, outcome.inst, outcome.outputs, fits ? early : null);
      if ((await this.markStale(all, script, ds.info.id, sourceHash)).length > 0) await this.sendSnapshots();
      return true;
    }
    return false;
  }

  /** Before the dataset is loaded: sends the page a restored run's reset with only the candles
   * stored beside the checkpoint, and the plot rows of that window, so it draws the chart while the
   * worker loads the bars (the rest of them follow as a 'bars' event, then every row from bar 0).
   * Only for a checkpoint at the end of what the chart shows (no history left to resume past it)
   * whose run is the one the session opens. Returns the run id and the first candle sent, or null
   * when it cannot (nothing was sent). */
  protected async drawRestoredEarly(meta: SnapshotMeta, inst: Instance, tail: AssembledOutputs, bars: TailBarsRecord | null): Promise<{ runId: number; barsFrom: number } | null> {
    if (!bars) return null;
    const id = this.identity(inst.program, { info: { id: meta.datasetId }, bars: { length: meta.totalBars } });
    const historyEnd = id.replayFrom ?? meta.totalBars;
    const end = meta.bar + 1;
    if (id.runKey !== meta.runKey || historyEnd > end || end > meta.totalBars) return null;
    const info = await this.datasetInfoOf(meta.datasetId, meta.totalBars);
    if (!info) return null;
    const runId = ++this.runSeq;
    const chunk: BarsChunk = { ...bars, length: bars.time.length };
    this.send({ type: 'reset', runId, program: programInfo(inst.program), dataset: info, total: meta.totalBars, bars: chunk, restoring: true }, chunkBuffers(chunk));
    mark('w:reset-posted');
    // Copies: the rows stay usable should the run be adopted without this early draw.
    const first: OutputsChunk = { firstBar: tail.firstBar, length: tail.length, time: tail.time.slice(), columns: tail.columns.map((o) => o.map((c) => c.slice())) };
    this.send({ type: 'outputs', runId, chunk: first }, chunkBuffers(first));
    mark('w:rows-posted');
    return { runId, barsFrom: bars.firstBar };
  }

  private drawnRun = -1;
  private drawnWaiter: { runId: number; resolve: () => void } | null = null;

  /** The page painted run `runId` (EngineApi.chartDrawn). */
  protected pageDrew(runId: number): void {
    this.drawnRun = Math.max(this.drawnRun, runId);
    const w = this.drawnWaiter;
    if (w && w.runId <= runId) {
      this.drawnWaiter = null;
      w.resolve();
    }
  }

  private untilDrawn(runId: number): Promise<void> {
    if (this.drawnRun >= runId) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.drawnWaiter?.runId === runId) this.drawnWaiter = null;
        resolve();
      }, BACKFILL_WAIT_MS);
      this.drawnWaiter = {
        runId,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  /** What the page shows of a dataset before it is loaded (null: not in this browser). */
  private async datasetInfoOf(datasetId: string, length: number): Promise<DatasetInfo | null> {
    // A chart timeframe (`id@1W`, chart-timeframe.ts) is a view of its base dataset.
    const { base, tf } = splitChartTimeframe(datasetId);
    const view = (d: DatasetInfo): DatasetInfo => (tf === null ? d : { ...d, id: datasetId, name: `${d.name} · ${tf}`, length, timeframe: tf });
    const builtin = builtinDatasets().find((d) => d.id === base);
    if (builtin) return view({ ...builtin, length });
    const stored = await this.store.getDataset(base);
    return stored ? view(storedDatasetInfo(stored)) : null;
  }

  protected readForRestore(meta: SnapshotMeta) {
    const p = readCheckpoint(this.store, meta, meta.bar + 1 - CHART_WINDOW);
    p.catch(() => undefined);
    return p;
  }

  /** Marks a checkpoint the VM rejected (stale for a version problem, else corrupt) and says so. */
  protected async rejectCheckpoint(meta: SnapshotMeta, problem: { code: string; message: string }): Promise<void> {
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
  protected async markStale(all: SnapshotMeta[], script: ScriptRecord, datasetId: string, sourceHash: string): Promise<SnapshotMeta[]> {
    const stale = all.filter((s) => s.scriptId === script.id && s.datasetId === datasetId && s.sourceHash !== sourceHash && s.status === 'ok');
    const why = `made with an earlier version of '${script.name}'`;
    for (const s of stale) await this.store.updateSnapshot(s.id, { status: 'stale', statusMessage: why }).catch(() => undefined);
    return stale;
  }

  /** Restores one checkpoint into a run for `id`. A rejected snapshot is marked and reported. */
  protected async adoptCheckpoint(meta: SnapshotMeta, ds: LoadedDataset, id: RunIdentity): Promise<boolean> {
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
  protected async adoptRestored(
    meta: SnapshotMeta,
    ds: LoadedDataset,
    id: RunIdentity,
    inst: Instance,
    tail: AssembledOutputs,
    early: { runId: number; barsFrom: number } | null = null,
    kept?: 'presentation',
  ): Promise<void> {
    const t0 = now();
    const historyEnd = id.replayFrom ?? ds.bars.length;
    const end = meta.bar + 1;
    const held = this.isHeld();
    // The chart's other scripts, each from its own checkpoint (caught up to this bar).
    const studies = await openStudies(this.studyHost, ds, meta.bar, id.replayFrom);
    const run = this.adopt(inst, ds, id, historyEnd, end, end, true, studies, early?.runId);
    // Its checkpoints continue the replay branch of the one it came from (timeline forks).
    if (meta.branch !== undefined) run.branch = meta.branch;
    if (early) {
      // The page drew the chart from the stored candles: the ones before them follow.
      if (early.barsFrom > 0) {
        const back = barsChunk(ds.bars, 0, early.barsFrom);
        this.send({ type: 'bars', runId: run.id, bars: back }, chunkBuffers(back));
      }
      mark('w:bars-posted');
    } else {
      mark('w:reset-posted');
      const first: OutputsChunk = withStudyRows({ firstBar: tail.firstBar, length: tail.length, time: tail.time, columns: tail.columns }, run.studies);
      this.send({ type: 'outputs', runId: run.id, chunk: first }, chunkBuffers(first));
      mark('w:rows-posted');
    }
    run.logsSent = inst.logs.length;
    this.send({ type: 'logs', runId: run.id, entries: inst.logs.slice(), reset: true });
    this.send({ type: 'checkpoint', bar: meta.bar, at: meta.createdAt });
    if (tail.firstBar > 0) {
      const shape = inst.program.outputs.map((o) => o.channels.length);
      const all = await this.store.readOutputs(meta.runKey, end, shape);
      run.outputsStored = Math.max(end, all.storedEnd);
      const chunk: OutputsChunk = withStudyRows({ firstBar: 0, length: all.length, time: all.time, columns: all.columns }, run.studies);
      this.send({ type: 'outputs', runId: run.id, chunk }, chunkBuffers(chunk));
    } else {
      run.outputsStored = Math.max(end, await this.store.storedOutputsEnd(meta.runKey));
    }
    mark('w:all-rows-posted');
    // The page has the chart's other scripts' rows: later ones come from their instances.
    for (const s of run.studies) s.rows = null;
    this.sendDrawings(run);
    this.send({ type: 'run-end', runId: run.id, status: 'restored', lastBar: meta.bar, elapsedMs: now() - t0, resumes: meta.bar + 1 < historyEnd && !held, barsRun: 0, ...(kept ? { kept } : {}) });
    mark('w:run-end-posted');
    this.sendReplay();
    await this.sendSnapshots();
    if (held) {
      // It hung the engine: nothing runs on its own; the user presses Run.
      this.notice('warning', 'held', `'${id.script.name}' stopped answering last time: restored its checkpoint at bar ${meta.bar} without running it. Press Run to run it again.`);
      if (this.session.replay.playing) {
        this.session.replay.playing = false;
        await this.saveSession();
        this.sendReplay();
      }
    } else if (meta.bar + 1 < historyEnd) {
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

  /** A presentation-only edit of the active run's script (colors, titles, line widths, styles,
   * display…: vm/compiler/presentation.ts decides): the run goes on from its last confirmed bar with
   * the new program — its state and plot rows kept, the chart redrawn with the new presentation —
   * instead of running the history again. False when that does not apply (the caller runs from bar
   * 0): another dataset, inputs or replay start, a failed or mid-bar run, or any other edit. */
  protected async keepAcrossPresentationEdit(program: Program, ds: LoadedDataset): Promise<boolean> {
    const old = this.active;
    if (!old || old.dataset.info.id !== ds.info.id || old.dataset.bars.length !== ds.bars.length || old.program.source === program.source) return false;
    const id = this.identity(program, ds);
    if (old.replayFrom !== id.replayFrom || stableJson(old.inputs) !== stableJson(id.resolved.values)) return false;
    // strategy: the tester's properties are part of the program the run was built with.
    const next = program.meta.kind === 'strategy' ? withStrategyProperties(program, id.props) : program;
    if (!presentationOnlyEdit(old.inst.program, next).presentationOnly) return false;
    await this.stopJob();
    if (this.active !== old || old.failed || old.open || old.inst.isSuspended || old.inst.barIndex < 0) return false;
    // The old run's confirmed bars go to the store first (its rows are what the new run shows).
    if (this.unsaved(old)) await this.checkpoint(old, 'auto');
    const end = old.inst.barIndex + 1;
    const shape = next.outputs.map((o) => o.channels.length);
    const rows = await this.store.readOutputs(old.runKey, end, shape);
    if (rows.storedEnd < end) return false;
    let inst: Instance;
    try {
      inst = restoreWithProgram(old.inst.saveState(), next).build();
    } catch {
      return false;
    }
    const bytes = inst.saveState();
    const meta: SnapshotMeta = {
      id: newId(),
      createdAt: Date.now(),
      bar: end - 1,
      size: bytes.byteLength,
      kind: 'auto',
      status: 'ok',
      statusMessage: null,
      scriptId: id.script.id,
      scriptName: id.script.name,
      sourceHash: id.sourceHash,
      datasetId: ds.info.id,
      datasetName: ds.info.name,
      inputs: id.resolved.values,
      replayFrom: id.replayFrom,
      runKey: id.runKey,
      totalBars: ds.bars.length,
      // The timeline's replay branch goes on.
      ...(old.branch !== MAIN_BRANCH ? { branch: old.branch } : {}),
    };
    const { storedEnd: _end, ...all } = rows;
    try {
      await this.store.saveCheckpoint({ meta, bytes, outputs: { runKey: id.runKey, fromBar: 0, toBar: end, time: all.time, columns: all.columns } });
    } catch {
      return false;
    }
    this.notice('info', 'presentation-edit', `Only how '${id.script.name}' is drawn changed: it goes on from bar ${end - 1} with the new look, without running the history again.`);
    await this.adoptRestored(meta, ds, id, inst, all, null, 'presentation');
    return true;
  }

  /** Switches the session to what a checkpoint was made with and restores it. The checkpoint's
   * own program source decides the script: an edited script gets the old version back as a copy. */
  protected async restoreById(id: string): Promise<void> {
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
    const rds = this.runDataset(ds, program);
    const ident = this.identity(program, rds);
    if (ident.runKey !== meta.runKey) {
      this.notice('error', 'mismatch', 'This checkpoint does not match its script and dataset any more: running from the first bar.');
      await this.coldRun(program, rds);
      await this.pushSession();
      return;
    }
    await this.pushSession();
    if (meta.status !== 'ok') await this.store.updateSnapshot(id, { status: 'ok', statusMessage: null });
    if (!(await this.adoptCheckpoint({ ...meta, status: 'ok' }, rds, ident))) await this.coldRun(program, rds);
  }

  protected async exportFile(id: string): Promise<{ fileName: string; bytes: Uint8Array }> {
    const meta = await this.store.getSnapshot(id);
    const bytes = await this.store.getSnapshotBytes(id);
    if (!meta || !bytes) throw new Error('That checkpoint no longer exists.');
    const program = restoreInstance(bytes).program;
    const shape = program.outputs.map((o) => o.channels.length);
    const rows = await this.store.readOutputs(meta.runKey, meta.bar + 1, shape);
    // The bars: carried when the user imported them (named by their content, as the CLI names a
    // data file's), else only their digest (a built-in dataset is in every browser).
    const loaded = this.dataset && this.dataset.info.id === meta.datasetId ? this.dataset : await this.loadDataset(meta.datasetId).catch(() => null);
    // calc_bars_count = N: the bars it ran on are the dataset's last N (calc-bars.ts).
    const ds = loaded ? calcBarsView(loaded, program) : null;
    // A chart timeframe view (`csv:…@1W`): the file carries the resampled bars it ran on, as a
    // dataset of that timeframe (an importing browser needs neither the base file nor resampling).
    const view = splitChartTimeframe(meta.datasetId);
    const base = view.base.startsWith('csv:') ? await this.store.getDataset(view.base) : undefined;
    const dm = base && (view.tf !== null || ds !== loaded) && ds ? { ...base, name: ds.info.name, timeframe: ds.timeframe, length: ds.bars.length } : base;
    const file = portableFile({ meta, program, snapshot: bytes, rows, bars: ds?.bars ?? null, stored: dm ?? null });
    const safe = meta.scriptName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'checkpoint';
    const fileName = `${safe}-bar${meta.bar}.evergreen`;
    const buf = file.buffer instanceof ArrayBuffer ? [file.buffer] : [];
    return this.transfer({ fileName, bytes: file }, buf);
  }

  /** What is wrong with an export file whose snapshot header checked out, or null: the snapshot
   * must restore and hold the script the file carries, and the plot rows must fit the program. */
  protected importProblem(file: CheckpointFile): string | null {
    let inst: Instance;
    try {
      inst = restoreInstance(file.snapshot);
    } catch (e) {
      return `the snapshot inside cannot be restored (${errorMessage(e)}).`;
    }
    const program = inst.program;
    const run = file.run;
    if (program.source !== run.source) return "the snapshot's script is not the script the file carries.";
    // The record's inputs (the strategy tester's properties apart) and bar count are the snapshot's.
    const own = checkpointInputs(program.inputs, inst.inputValues);
    const said = Object.fromEntries(Object.entries(run.inputs).filter(([k]) => !k.startsWith('strategy:')));
    if (stableJson(own) !== stableJson(said) || inst.totalBars !== (run.replayFrom ?? run.totalBars)) {
      return 'its record does not match its script, inputs, dataset and replay start.';
    }
    const o = file.outputs;
    if (o.time.length > 0) {
      const fits = o.columns.length === program.outputs.length && program.outputs.every((out, i) => o.columns[i]?.length === out.channels.length);
      if (!fits) return "its plot values do not fit the script's plots.";
    }
    if (file.dataset && file.run.barsDigest !== null && barsDigest(file.dataset, file.run.bar + 1) !== file.run.barsDigest) {
      return 'the bars it carries are not the bars its checkpoint ran on.';
    }
    if (file.dataset && file.run.barsDigest !== null && file.run.datasetId.startsWith('csv:') && carriedDatasetId(file.dataset) !== file.run.datasetId) {
      return 'the bars it carries after the checkpoint are not the dataset it names (the file is damaged).';
    }
    return null;
  }

  /** Validates an `.evergreen` file, stores it as an imported checkpoint and restores it. */
  protected async importFile(fileName: string, bytes: Uint8Array): Promise<ImportResult> {
    let file: CheckpointFile;
    try {
      file = decodeCheckpointFile(bytes);
    } catch (e) {
      const msg = e instanceof CheckpointFileError ? e.message : `Could not read ${fileName}: ${errorMessage(e)}`;
      return { ok: false, message: `${fileName}: ${msg}`, datasetId: null };
    }
    const peek = inspectSnapshot(file.snapshot);
    if (!peek.ok) return { ok: false, message: `${fileName}: the snapshot inside is damaged (${peek.problem.message}).`, datasetId: null };
    if (peek.header.bar !== file.run.bar) {
      return { ok: false, message: `${fileName}: the snapshot holds bar ${peek.header.bar} but its record says ${file.run.bar}.`, datasetId: null };
    }
    // Every file is treated as hostile: it is restored (the VM validates all of it) and checked
    // against its own record before anything is stored, so a file that fails is never kept.
    const problem = this.importProblem(file);
    if (problem) return { ok: false, message: `${fileName}: ${problem} Nothing was imported.`, datasetId: null };
    const run = file.run;
    const dsId = run.datasetId;
    // A chart timeframe view of a dataset (`sample:…@1W`) is there when its base dataset is.
    const baseId = splitChartTimeframe(dsId).base;
    const builtin = builtinDatasets().some((d) => d.id === baseId) || baseId.startsWith('synthetic:');
    // The symbol file the bars ran with (version 3 files carry it): checked as an imported one is.
    const symbolToml = file.dataset?.symbol ?? null;
    if (symbolToml !== null) {
      try {
        readSymbolToml(symbolToml);
      } catch (e) {
        return { ok: false, message: `${fileName}: the symbol file it carries is damaged (${errorMessage(e)}). Nothing was imported.`, datasetId: null };
      }
    }
    const have = builtin ? undefined : await this.store.getDataset(baseId);
    if (have && symbolToml !== null && (have.symbolToml ?? null) !== symbolToml) {
      // Its bars are here already, with another symbol (or none): restoring would give other
      // sessions than the checkpoint ran with, and replacing it would drop its own checkpoints.
      return {
        ok: false,
        message: `${fileName}: this browser has its dataset '${have.name}' with ${have.symbolToml === undefined ? 'no symbol file' : 'another symbol file'}, and the checkpoint ran with the symbol file it carries: delete that dataset and import this file again (it carries the bars and their symbol file). Nothing was imported.`,
        datasetId: null,
      };
    }
    if (!builtin && !have) {
      if (!file.dataset) {
        return { ok: false, message: `${fileName}: its dataset '${run.datasetName}' is not in this browser and the file does not carry it.`, datasetId: null };
      }
      const d = file.dataset;
      try {
        await this.store.putDataset(
          {
            id: dsId,
            name: d.name,
            fileName: d.fileName,
            length: d.time.length,
            firstTime: d.time[0] ?? NaN,
            lastTime: d.time[d.time.length - 1] ?? NaN,
            timeframe: d.timeframe,
            warnings: [],
            createdAt: Date.now(),
            ...(d.symbol !== null ? { symbolToml: d.symbol } : {}),
          },
          { id: dsId, time: d.time, open: d.open, high: d.high, low: d.low, close: d.close, volume: d.volume },
        );
      } catch (e) {
        return { ok: false, message: errorMessage(e), datasetId: null };
      }
    }
    const script = await this.scriptForSource(run.source, '', run.scriptName);
    const sourceHash = hashText(run.source);
    const meta: SnapshotMeta = {
      id: newId(),
      createdAt: Date.now(),
      bar: run.bar,
      size: file.snapshot.byteLength,
      kind: 'imported',
      status: 'ok',
      statusMessage: null,
      scriptId: script.id,
      scriptName: script.name,
      sourceHash,
      datasetId: dsId,
      datasetName: run.datasetName,
      inputs: run.inputs,
      replayFrom: run.replayFrom,
      runKey: runKeyOf({ sourceHash, inputs: run.inputs, datasetId: dsId, replayFrom: run.replayFrom }),
      totalBars: run.totalBars,
    };
    const o = file.outputs;
    try {
      await this.store.saveCheckpoint({
        meta,
        bytes: file.snapshot,
        outputs: o.time.length > 0 ? { runKey: meta.runKey, fromBar: 0, toBar: o.time.length, time: o.time, columns: o.columns } : null,
      });
    } catch (e) {
      return { ok: false, message: errorMessage(e), datasetId: null };
    }
    await this.restoreById(meta.id);
    return { ok: true, message: `Imported ${fileName}: continuing from bar ${meta.bar + 1}.`, datasetId: dsId };
  }
}
