// The engine's history run: opening the session's script over its dataset (restore or run from the
// first bar) and running history in slices sized to ~25 ms, bar by bar under an instruction budget
// for slow scripts, with progress, logs and periodic checkpoints, then continuing into the replay
// when it is playing.

import { Instance, InstanceError, withStrategyProperties, type Program } from '../../vm/index.js';
import type { LoadedDataset } from './datasets.js';
import { now, yieldToEventLoop } from './scheduling.js';
import { mark } from '../marks.js';
import {
  BAR_BUDGET,
  HISTORY_CHECKPOINT_MS,
  LOG_FLUSH_MS,
  MAX_SLICE,
  PROGRESS_MS,
  SLICE_TARGET_MS,
  SLOW_BAR_MS,
  barAt,
  barsChunk,
  chunkBuffers,
  programInfo,
  type ActiveRun,
  type Job,
} from './engine-core.js';
import { EngineCheckpoints } from './engine-checkpoints.js';
import { testHangPoint } from './test-hang.js';
import { openStudies, syncStudies } from './engine-studies.js';
import { answerDataRequest } from './engine-data.js';

export abstract class EngineHistory extends EngineCheckpoints {
  /** Opens the session's script over its dataset: restores the newest matching checkpoint when
   * `restore`, else (or when none is usable) runs from the first bar. */
  protected async openCurrent(restore: boolean): Promise<void> {
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
      this.releaseWriter();
      const runId = ++this.runSeq;
      const bars = barsChunk(ds.bars, 0, ds.bars.length);
      this.send({ type: 'reset', runId, program: null, dataset: ds.info, total: ds.bars.length, bars }, chunkBuffers(bars));
      this.send({ type: 'run-end', runId, status: 'error', lastBar: -1, elapsedMs: 0 });
      const n = info.diagnostics.filter((d) => d.severity === 'error').length;
      this.notice('error', 'compile', `The script has ${n} error${n === 1 ? '' : 's'}: fix ${n === 1 ? 'it' : 'them'} to run it.`);
      return;
    }
    // calc_bars_count = N: the run's dataset is the last N bars (calc-bars.ts).
    const rds = this.runDataset(ds, program);
    if (restore && (await this.restoreLatest(program, rds))) return;
    // Only colors, titles, styles… changed: the run goes on where it is (engine-checkpoints.ts).
    if (!this.isHeld() && (await this.keepAcrossPresentationEdit(program, rds))) return;
    if (this.isHeld()) {
      this.holdRun(program, rds);
      return;
    }
    await this.coldRun(program, rds);
  }

  /** Shows a held script's candles and layout without running it (it hung the engine last time). */
  protected holdRun(program: Program, ds: LoadedDataset): void {
    this.active = null;
    this.releaseWriter();
    const runId = ++this.runSeq;
    const bars = barsChunk(ds.bars, 0, ds.bars.length);
    this.send({ type: 'reset', runId, program: programInfo(program), dataset: ds.info, total: ds.bars.length, bars }, chunkBuffers(bars));
    this.send({ type: 'run-end', runId, status: 'cancelled', lastBar: -1, elapsedMs: 0 });
    this.sendReplay();
    const name = this.script?.name ?? 'The script';
    this.notice('warning', 'held', `'${name}' stopped answering last time and has no checkpoint to go back to: it was not run. Press Run to run it again.`);
  }

  /** Output rows of a run already in the store, from bar 0: a run computes the same rows every
   * time, so a new run of it writes only past them. Every checkpoint of the run had its rows up to
   * its bar written with it, and rows go only when the run's last checkpoint does. */
  protected async storedRowsOf(runKey: string): Promise<number> {
    const snaps = await this.store.listSnapshots();
    return snaps.reduce((end, s) => (s.runKey === runKey && s.status !== 'corrupt' ? Math.max(end, s.bar + 1) : end), 0);
  }

  protected async coldRun(program: Program, ds: LoadedDataset): Promise<void> {
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
    const studies = await openStudies(this.studyHost, ds, -1, id.replayFrom);
    const run = this.adopt(inst, ds, id, historyEnd, 0, stored, false, studies);
    this.send({ type: 'checkpoint', bar: null, at: null });
    this.startJob('history', (job) => this.historyJob(job, run));
  }

  /** Runs bars [from, to) one at a time under an instruction budget, yielding when a slice is used
   * up. Returns false when stopped mid-bar (the instance stays suspended until resumed). */
  protected async runSlowBars(job: Job, run: ActiveRun, from: number, to: number): Promise<boolean> {
    const inst = run.inst;
    let sliceStart = now();
    if (inst.isSuspended) {
      if (!(await this.finishSuspended(job, run))) return false;
    }
    // A bar that was suspended (a budget, or data from the host) is done now: go on after it.
    for (let i = Math.max(from, inst.barIndex + 1); i < to; i++) {
      let r = inst.runBar(barAt(run.dataset.bars, i), { budget: BAR_BUDGET });
      while (r.status !== 'done') {
        // Another symbol's bars: a host call answered from IndexedDB (engine-data.ts).
        if (r.status === 'needs-data') await answerDataRequest(inst, this.store, this.baseUrl);
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

  protected async finishSuspended(job: Job, run: ActiveRun): Promise<boolean> {
    let sliceStart = now();
    while (run.inst.isSuspended) {
      if (run.inst.dataRequest) await answerDataRequest(run.inst, this.store, this.baseUrl);
      if (job.stop) return false;
      run.inst.resume({ budget: BAR_BUDGET });
      if (now() - sliceStart > SLICE_TARGET_MS) {
        await yieldToEventLoop();
        sliceStart = now();
        if (job.stop) return false;
      }
    }
    return true;
  }

  protected async historyJob(job: Job, run: ActiveRun): Promise<void> {
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
        testHangPoint();
        if (slow || inst.isSuspended) {
          if (!(await this.runSlowBars(job, run, from, to))) {
            status = 'cancelled';
            break;
          }
        } else if (inst.runBars(run.dataset.bars, from, to).status === 'needs-data') await answerDataRequest(inst, this.store, this.baseUrl);
        if (run.studies.length > 0) await syncStudies(this.studyHost, run.studies, run.dataset, inst.barIndex, end);
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
        if (!inst.isSuspended && (this.saveRequests.length > 0 || run.flushWanted || t - run.lastCheckpointAt >= HISTORY_CHECKPOINT_MS)) {
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
    this.sendDrawings(run);
    this.send({ type: 'run-end', runId: run.id, status, lastBar: inst.barIndex, elapsedMs: now() - t0, barsRun: inst.barIndex + 1 - startBar });
    this.sendReplay();
    if (status !== 'done') return;
    await this.checkpoint(run, this.saveRequests.length > 0 ? 'manual' : 'auto');
    if (this.session.replay.playing && run.replayFrom !== null && !job.stop) await this.replayLoop(job, run);
  }
}
