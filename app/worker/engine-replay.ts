// The engine's replay: feeding the bars after the replay start like a live feed (four ticks
// through updateBar, then runBar confirms the bar), playing at a speed, pausing and stepping, with
// the feed flushed to the page at most every 33 ms and checkpoints after confirmed bars.

import { now, sleep, yieldToEventLoop } from './scheduling.js';
import { ticksForBar, TICKS_PER_BAR, type TickBar } from './ticks.js';
import { FEED_FLUSH_MS, REPLAY_CHECKPOINT_MS, barAt, barsChunk, chunkBuffers, type ActiveRun, type Job } from './engine-core.js';
import { EngineHistory } from './engine-history.js';
import { testHangPoint } from './test-hang.js';
import { syncStudies, tickStudies, withStudyRows } from './engine-studies.js';
import { answerDataRequest } from './engine-data.js';
import type { Instance, RunResult } from '../../vm/index.js';

export abstract class EngineReplay extends EngineHistory {
  protected flushFeed(run: ActiveRun): void {
    const inst = run.inst;
    const confirmedEnd = inst.barIndex + 1;
    const bars = barsChunk(run.dataset.bars, run.barsSent, Math.max(run.barsSent, confirmedEnd));
    const outputs = withStudyRows(inst.outputs.slice(run.outputsSent, Math.max(run.outputsSent, confirmedEnd)), run.studies);
    let open = null;
    const o = run.open;
    const t = run.lastTick;
    if (o && o.sent > 0 && t) {
      const row = withStudyRows(inst.outputs.slice(o.bar, o.bar + 1), run.studies);
      open = { bar: o.bar, time: t.time, open: t.open, high: t.high, low: t.low, close: t.close, volume: t.volume, outputs: row };
    }
    if (bars.length === 0 && outputs.length === 0 && !open) return;
    run.barsSent = Math.max(run.barsSent, confirmedEnd);
    run.outputsSent = Math.max(run.outputsSent, confirmedEnd);
    const buffers = [...chunkBuffers(bars), ...chunkBuffers(outputs), ...(open ? chunkBuffers(open.outputs) : [])];
    this.send({ type: 'feed', runId: run.id, bars, outputs, open }, buffers);
    this.sendDrawings(run);
    this.flushLogs(run);
    this.lastFeedFlush = now();
  }

  /** Feeds the next bar: its ticks through updateBar, then the confirmed bar through runBar.
   * `tickDelay` > 0 waits between ticks (and flushes each one to the page). Returns false when
   * stopped before the bar was confirmed (it stays open and the next feed continues it). */
  protected async feedBar(job: Job | null, run: ActiveRun, tickDelay: number): Promise<boolean> {
    const inst = run.inst;
    if (!run.open) {
      const bar = inst.barIndex + 1;
      const b = barAt(run.dataset.bars, bar);
      run.open = { bar, ticks: ticksForBar({ ...b, volume: b.volume ?? NaN }), sent: 0 };
    }
    const o = run.open;
    testHangPoint();
    while (o.sent < o.ticks.length) {
      if (job?.stop && !job.finishBar) return false;
      const tick = o.ticks[o.sent] as TickBar;
      await this.settleBar(inst, inst.updateBar(tick));
      if (run.studies.length > 0) await tickStudies(this.studyHost, run.studies, tick);
      o.sent++;
      run.lastTick = tick;
      if (tickDelay > 0 && !job?.stop) {
        this.flushFeed(run);
        await sleep(tickDelay);
      }
    }
    await this.settleBar(inst, inst.runBar(barAt(run.dataset.bars, o.bar)));
    if (run.studies.length > 0) await syncStudies(this.studyHost, run.studies, run.dataset, inst.barIndex, run.historyEnd);
    run.open = null;
    run.lastTick = null;
    if (tickDelay > 0 || now() - this.lastFeedFlush >= FEED_FLUSH_MS) this.flushFeed(run);
    return true;
  }

  /** Finishes a bar that stopped for another symbol's bars (engine-data.ts). */
  protected async settleBar(inst: Instance, r: RunResult): Promise<void> {
    let out = r;
    while (out.status === 'needs-data') {
      await answerDataRequest(inst, this.store, this.baseUrl);
      out = inst.resume();
    }
  }

  protected async replayLoop(job: Job, run: ActiveRun): Promise<void> {
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
        if (this.saveRequests.length > 0 || run.flushWanted || t - run.lastCheckpointAt >= REPLAY_CHECKPOINT_MS) {
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
    } else {
      this.scheduleTrailingCheckpoint(run);
    }
    this.sendReplay();
  }

  /** Starts the feed (or, while a history run goes on, makes it continue into the replay). */
  protected startPlaying(): Promise<void> {
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

  /** Feeds one bar with the feed paused. */
  protected stepOne(): Promise<void> {
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
      else this.scheduleTrailingCheckpoint(run);
      this.sendReplay();
    }, true);
  }
}
