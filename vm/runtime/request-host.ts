// A synchronous host for other symbols' data (the CLI, tests, benchmarks): runs bars and answers
// each `needs-data` stop of the instance from a function, then resumes — the same host-call
// protocol an asynchronous host (the app's worker, answering from IndexedDB) follows by hand.

import type { BarColumns } from '../data/bars.js';
import type { Instance, RunOptions, RunResult } from './instance.js';
import type { DataRequest, RequestDataset } from './request-data.js';

/** The host's answer to a data request: the symbol's datasets, or null and why there are none. */
export type DataAnswer = (request: DataRequest) => { datasets: RequestDataset[] | null; why?: string };

/** Answers `r` (and every later stop of the same bar) until the bar is done or yields. */
export function settle(inst: Instance, r: RunResult, answer: DataAnswer, opts: RunOptions = {}): RunResult {
  let out = r;
  while (out.status === 'needs-data') {
    const a = answer(out.request);
    inst.provideData(out.request.symbol, a.datasets, a.why ?? '');
    out = inst.resume(opts);
  }
  return out;
}

/** runBars over [from, to), answering every data request on the way. */
export function runBarsAnswering(inst: Instance, cols: BarColumns, answer: DataAnswer, from = 0, to = cols.length): void {
  let at = from;
  while (at < to) {
    const r = inst.runBars(cols, at, to);
    if (r.status === 'done') return;
    const done = settle(inst, { status: 'needs-data', bar: r.bar, request: r.request }, answer);
    if (done.status !== 'done') throw new Error(`Internal: bar ${r.bar} did not finish after its data request.`);
    at = r.row + 1;
  }
}
