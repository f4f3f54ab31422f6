// THE per-bar driver. Every way a bar enters the VM goes through here: Instance.runBar, updateBar
// (each realtime tick), runBars in the interpreter and in the compiled tier's generated history loop
// (jit.ts), and a restored instance going on. For each bar, in this order:
//
//   1. the bar registers (core/registers.ts): prices, time, time_close, bar_index, hl2..hlcc4, the
//      barstate flags, last_bar_index / last_bar_time;
//   2. the bar series: the history buffers of price registers read with `[]`;
//   3. the output row of the bar (OutputStore.beginBar);
//   4. HOST STEPS, before the body: each step's `beforeBar` (e.g. a broker filling the orders placed
//      on the previous bar at this bar's open; a request.security context advancing its own bars);
//   5. the script's body (the caller runs it: interpreter, compiled block or budgeted slices);
//   6. HOST STEPS, after the body: each step's `afterBar` (e.g. the broker checking stops/limits
//      against this bar's range, drawing limits dropping the oldest drawings).
//
// A host step keeps its state in the state record (`state.host[step.name]`, plain data), so a
// realtime rollback, a snapshot, a clone and inspect carry it without knowing the step. Steps are
// chosen per program in `hostStepsFor` (a builder and a restore choose the same steps), and a step
// must be deterministic: given the same state and bar, it does the same thing (a rolled-back tick
// runs it again).

import type { Program } from '../bytecode/program.js';
import { R } from '../core/registers.js';
import type { SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import type { ScriptState } from '../core/state.js';
import type { SeriesF } from '../core/series.js';
import type { BarColumns } from '../data/bars.js';
import { timeframeSeconds } from '../builtins/time/timeframe.js';
import { barCloseTime } from '../builtins/time/periods.js';
import type { OutputStore } from './outputs.js';

/** The bar a host step sees: its index and the values just written to the bar registers. */
export interface BarInfo {
  /** bar_index. */
  index: number;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** A realtime tick of the open bar (not a confirmed bar). */
  realtime: boolean;
  /** The bar confirms (the last tick of a bar, or any history bar). */
  confirmed: boolean;
}

/** Work the host does around each bar's script body: order fills, drawing limits, other-timeframe
 * feeds. `state.host[name]` is the step's own state (plain data; absent until the step sets it). */
export interface HostStep {
  readonly name: string;
  beforeBar(state: ScriptState, bar: BarInfo): void;
  afterBar(state: ScriptState, bar: BarInfo): void;
}

/** A host step and the programs it runs for. Add new steps to HOST_STEPS. */
export interface HostStepEntry {
  applies(program: Program): boolean;
  step: HostStep;
}

/** Every host step this VM knows, in the order they run before the body (after the body they run in
 * reverse order). A strategy's broker goes here: `{ applies: (p) => p.meta.kind === 'strategy',
 * step: brokerStep }`. */
export const HOST_STEPS: HostStepEntry[] = [];

/** The host steps of `program`, in order. */
export function hostStepsFor(program: Program): HostStep[] {
  return HOST_STEPS.filter((e) => e.applies(program)).map((e) => e.step);
}

/** What the driver writes to: the machine's registers, record and outputs. */
export interface FeedTarget extends ScriptState {
  f: Float64Array;
  bar: number;
  outputs: OutputStore;
  syminfo: SymbolInfo;
  timeframe: TimeframeInfo;
}

/** Bar kinds, for the barstate flags. */
export const HISTORY = 0;
/** A realtime tick that opens a new bar. */
export const REALTIME_NEW = 1;
/** A later realtime tick of the open bar. */
export const REALTIME_UPDATE = 2;

export class BarFeed {
  /** last_bar_index (NaN when unknown). */
  last = NaN;
  /** last_bar_time (NaN when unknown). */
  lastBarMs = NaN;
  /** Bar length when it is fixed (intraday, round the clock), 0 otherwise, null until known. */
  private fixedBarMs: number | null = null;
  private readonly info: BarInfo = { index: -1, time: NaN, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN, realtime: false, confirmed: true };

  constructor(
    private readonly m: FeedTarget,
    /** Bar series as (register, slot) pairs. */
    readonly barSeries: Int32Array,
    readonly steps: readonly HostStep[],
  ) {}

  /** time_close of a bar opening at `t`: the end of its period, cut at the session end. Intraday
   * bars of a round-the-clock symbol simply last one timeframe. */
  closeTimeOf(t: number): number {
    if (this.fixedBarMs === null) {
      const tf = this.m.timeframe;
      this.fixedBarMs = (tf.unit === '' || tf.unit === 'S') && this.m.syminfo.session === '24x7' ? timeframeSeconds(tf) * 1000 : 0;
    }
    return this.fixedBarMs > 0 ? t + this.fixedBarMs : barCloseTime(this.m.syminfo, this.m.timeframe, t);
  }

  /** Steps 1-4 for row `i` of `cols` as confirmed history bar `idx` (runBars, both tiers): `enter`
   * with kind HISTORY, written out for the hot loop (no call on the way unless a host step or a
   * session-cut close time needs one; the compiled tier's history loop inlines it). */
  enterRow(cols: BarColumns, i: number, idx: number): void {
    const m = this.m;
    const f = m.f;
    const t = cols.time[i] as number;
    const o = cols.open[i] as number;
    const h = cols.high[i] as number;
    const l = cols.low[i] as number;
    const c = cols.close[i] as number;
    const fixed = this.fixedBarMs;
    const last = this.last;
    m.bar = idx;
    f[R.open] = o;
    f[R.high] = h;
    f[R.low] = l;
    f[R.close] = c;
    f[R.volume] = cols.volume[i] as number;
    f[R.time] = t;
    f[R.timeClose] = fixed !== null && fixed > 0 ? t + fixed : this.closeTimeOf(t);
    f[R.barIndex] = idx;
    f[R.hl2] = (h + l) / 2;
    f[R.hlc3] = (h + l + c) / 3;
    f[R.ohlc4] = (o + h + l + c) / 4;
    f[R.hlcc4] = (h + l + c + c) / 4;
    f[R.isFirst] = idx === 0 ? 1 : 0;
    f[R.isLast] = idx === last ? 1 : 0;
    f[R.isHistory] = 1;
    f[R.isRealtime] = 0;
    f[R.isNew] = 1;
    f[R.isConfirmed] = 1;
    f[R.isLastConfirmedHistory] = idx === last ? 1 : 0;
    f[R.lastBarIndex] = last;
    f[R.lastBarTime] = this.lastBarMs;
    const bs = this.barSeries;
    if (bs.length !== 0) pushBarSeries(m.ser, bs, f, idx);
    // OutputStore.beginBar, its fast path written out: runBars reserved every row of the run.
    const out = m.outputs;
    const row = idx - out.firstBar;
    if (row >= 0 && row < out.time.length) {
      out.time[row] = t;
      if (row >= out.length) out.length = row + 1;
    } else out.beginBar(idx, t);
    if (this.steps.length !== 0) this.before();
  }

  /** Steps 1-4 for bar `idx` of kind HISTORY, REALTIME_NEW or REALTIME_UPDATE. Without
   * `timeClose`, time_close is derived from the timeframe. */
  enter(idx: number, t: number, o: number, h: number, l: number, c: number, v: number, timeClose: number | undefined, kind: number): void {
    const m = this.m;
    const f = m.f;
    const last = this.last;
    const realtime = kind !== HISTORY;
    m.bar = idx;
    f[R.open] = o;
    f[R.high] = h;
    f[R.low] = l;
    f[R.close] = c;
    f[R.volume] = v;
    f[R.time] = t;
    f[R.timeClose] = timeClose === undefined ? this.closeTimeOf(t) : timeClose;
    f[R.barIndex] = idx;
    f[R.hl2] = (h + l) / 2;
    f[R.hlc3] = (h + l + c) / 3;
    f[R.ohlc4] = (o + h + l + c) / 4;
    f[R.hlcc4] = (h + l + c + c) / 4;
    f[R.isFirst] = idx === 0 ? 1 : 0;
    f[R.isLast] = realtime || idx === last ? 1 : 0;
    f[R.isHistory] = realtime ? 0 : 1;
    f[R.isRealtime] = realtime ? 1 : 0;
    f[R.isNew] = kind === REALTIME_UPDATE ? 0 : 1;
    f[R.isConfirmed] = realtime ? 0 : 1;
    f[R.isLastConfirmedHistory] = !realtime && idx === last ? 1 : 0;
    f[R.lastBarIndex] = last;
    f[R.lastBarTime] = this.lastBarMs;
    pushBarSeries(m.ser, this.barSeries, f, idx);
    m.outputs.beginBar(idx, t);
    if (this.steps.length !== 0) this.before();
  }

  /** Step 6: the host steps after the body of the bar last entered. */
  leave(): void {
    const steps = this.steps;
    if (steps.length === 0) return;
    const info = this.barInfo();
    for (let k = steps.length - 1; k >= 0; k--) steps[k]?.afterBar(this.m, info);
  }

  private before(): void {
    const info = this.barInfo();
    for (const s of this.steps) s.beforeBar(this.m, info);
  }

  private barInfo(): BarInfo {
    const f = this.m.f;
    const b = this.info;
    b.index = this.m.bar;
    b.time = f[R.time] as number;
    b.open = f[R.open] as number;
    b.high = f[R.high] as number;
    b.low = f[R.low] as number;
    b.close = f[R.close] as number;
    b.volume = f[R.volume] as number;
    b.realtime = f[R.isRealtime] === 1;
    b.confirmed = f[R.isConfirmed] === 1;
    return b;
  }
}

/** Step 2: the bar series (price registers read with `[]`), as (register, slot) pairs in `bs`. */
function pushBarSeries(ser: ScriptState['ser'], bs: Int32Array, f: Float64Array, idx: number): void {
  for (let k = 0; k < bs.length; k += 2) {
    const s = ser[bs[k + 1] as number] as SeriesF;
    if (s.bar !== idx) {
      s.bar = idx;
      s.head = (s.head + 1) & s.mask;
      if (s.count < 0x7fffffff) s.count++;
    }
    s.buf[s.head] = f[bs[k] as number] as number;
  }
}
