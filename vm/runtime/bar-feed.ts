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
import { growSeriesF, type SeriesF } from '../core/series.js';
import type { BarColumns } from '../data/bars.js';
import { timeframeSeconds } from '../builtins/time/timeframe.js';
import { barCloseTime } from '../builtins/time/periods.js';
import type { OutputStore } from './outputs.js';

// The bar registers (core/registers.ts) as module constants: the hot path reads no object.
const {
  open: OPEN,
  high: HIGH,
  low: LOW,
  close: CLOSE,
  volume: VOLUME,
  time: TIME,
  timeClose: TIME_CLOSE,
  barIndex: BAR_INDEX,
  hl2: HL2,
  hlc3: HLC3,
  ohlc4: OHLC4,
  hlcc4: HLCC4,
  isFirst: IS_FIRST,
  isLast: IS_LAST,
  isHistory: IS_HISTORY,
  isRealtime: IS_REALTIME,
  isNew: IS_NEW,
  isConfirmed: IS_CONFIRMED,
  isLastConfirmedHistory: IS_LAST_CONFIRMED_HISTORY,
  lastBarIndex: LAST_BAR_INDEX,
  lastBarTime: LAST_BAR_TIME,
} = R;

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
  /** May return true: the step's `beforeBar` has nothing to do on the next history row (the bar
   * after `bar`, entered by `enterRow`), which then skips it when every step says so. */
  afterBar(state: ScriptState, bar: BarInfo): boolean | void;
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
  chartSyminfo: SymbolInfo;
  timeframe: TimeframeInfo;
  chartTimeframe: TimeframeInfo;
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
  /** Bar length when it is fixed (intraday, round the clock), 0 otherwise. */
  private readonly fixedMs: number;
  private readonly info: BarInfo = { index: -1, time: NaN, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN, realtime: false, confirmed: true };

  constructor(
    private readonly m: FeedTarget,
    /** Bar series as (register, slot) pairs. */
    readonly barSeries: Int32Array,
    readonly steps: readonly HostStep[],
  ) {
    const tf = m.chartTimeframe;
    this.fixedMs = (tf.unit === '' || tf.unit === 'S') && m.chartSyminfo.session === '24x7' ? timeframeSeconds(tf) * 1000 : 0;
  }

  /** time_close of a bar opening at `t`: the end of its period, cut at the session end. Intraday
   * bars of a round-the-clock symbol simply last one timeframe. */
  closeTimeOf(t: number): number {
    return this.fixedMs > 0 ? t + this.fixedMs : barCloseTime(this.m.chartSyminfo, this.m.chartTimeframe, t);
  }

  /** The registers that are the same on every bar of a runBars call (history, confirmed, new,
   * last_bar_index, last_bar_time): set once before its rows enter. */
  beginHistory(): void {
    const f = this.m.f;
    f[IS_HISTORY] = 1;
    f[IS_REALTIME] = 0;
    f[IS_NEW] = 1;
    f[IS_CONFIRMED] = 1;
    f[LAST_BAR_INDEX] = this.last;
    f[LAST_BAR_TIME] = this.lastBarMs;
  }

  /** Steps 1-4 for row `i` of `cols` as confirmed history bar `idx` (runBars, both tiers, after
   * `beginHistory`): `enter` with kind HISTORY, written out for the hot loop. Keep it small: V8
   * inlines it into the compiled tier's history loop only under 460 bytes of bytecode (441 now;
   * `node --print-bytecode --print-bytecode-filter=enterRow`), and a call per bar costs the VM's
   * speed on short scripts. */
  enterRow(cols: BarColumns, i: number, idx: number): void {
    const m = this.m;
    const f = m.f;
    const t = cols.time[i] as number;
    const o = cols.open[i] as number;
    const h = cols.high[i] as number;
    const l = cols.low[i] as number;
    const c = cols.close[i] as number;
    const fixed = this.fixedMs;
    m.bar = idx;
    f[OPEN] = o;
    f[HIGH] = h;
    f[LOW] = l;
    f[CLOSE] = c;
    f[VOLUME] = cols.volume[i] as number;
    f[TIME] = t;
    f[TIME_CLOSE] = fixed > 0 ? t + fixed : this.closeTimeOf(t);
    f[BAR_INDEX] = idx;
    f[HL2] = (h + l) / 2;
    f[HLC3] = (h + l + c) / 3;
    f[OHLC4] = (o + h + l + c) / 4;
    f[HLCC4] = (h + l + c + c) / 4;
    f[IS_FIRST] = idx === 0 ? 1 : 0;
    f[IS_LAST] = f[IS_LAST_CONFIRMED_HISTORY] = idx === this.last ? 1 : 0;
    if (this.barSeries.length !== 0) pushBarSeries(m.ser, this.barSeries, f, idx);
    m.outputs.beginBar(idx, t);
    if (this.steps.length !== 0) this.stepsAt();
  }

  /** The host steps at a row's entry (`enterRow`), one call per bar: step 6 of the bar before when
   * the compiled loop owes it (`leaveLater`), then step 4 of this bar. The bar before's facts are
   * still in `info` (step 4 refills it), and an after-body step reads only those and its own host
   * record, never the registers, so it may run after this bar's registers are written. */
  private stepsAt(): void {
    if (this.owed) {
      this.owed = false;
      // Every step has nothing to do before this bar (most bars of a backtest): only its facts for
      // the after-body steps.
      if (this.after(this.info)) {
        this.barInfo();
        return;
      }
    }
    this.before();
  }

  /** Steps 1-4 for bar `idx` of kind HISTORY, REALTIME_NEW or REALTIME_UPDATE. Without
   * `timeClose`, time_close is derived from the timeframe. */
  enter(idx: number, t: number, o: number, h: number, l: number, c: number, v: number, timeClose: number | undefined, kind: number): void {
    const m = this.m;
    const f = m.f;
    const last = this.last;
    const realtime = kind !== HISTORY;
    m.bar = idx;
    f[OPEN] = o;
    f[HIGH] = h;
    f[LOW] = l;
    f[CLOSE] = c;
    f[VOLUME] = v;
    f[TIME] = t;
    f[TIME_CLOSE] = timeClose === undefined ? this.closeTimeOf(t) : timeClose;
    f[BAR_INDEX] = idx;
    f[HL2] = (h + l) / 2;
    f[HLC3] = (h + l + c) / 3;
    f[OHLC4] = (o + h + l + c) / 4;
    f[HLCC4] = (h + l + c + c) / 4;
    f[IS_FIRST] = idx === 0 ? 1 : 0;
    f[IS_LAST] = realtime || idx === last ? 1 : 0;
    f[IS_HISTORY] = realtime ? 0 : 1;
    f[IS_REALTIME] = realtime ? 1 : 0;
    f[IS_NEW] = kind === REALTIME_UPDATE ? 0 : 1;
    f[IS_CONFIRMED] = realtime ? 0 : 1;
    f[IS_LAST_CONFIRMED_HISTORY] = !realtime && idx === last ? 1 : 0;
    f[LAST_BAR_INDEX] = last;
    f[LAST_BAR_TIME] = this.lastBarMs;
    pushBarSeries(m.ser, this.barSeries, f, idx);
    m.outputs.beginBar(idx, t);
    if (this.steps.length !== 0) this.before();
  }

  /** The compiled tier's history loop (jit.ts) owes step 6 of the bar it ran last: `leaveLater`
   * set it, the next `enterRow` or the end of the loop (`settle`) runs it. */
  owed = false;

  /** Step 6 deferred, for the compiled tier's history loop: the next `enterRow` (with the next
   * bar's step 4) or `settle` runs it, outside the loop's own code. The loop then inlines this
   * one-field store rather than the host steps' after-body code, which took V8's inlining budget
   * from the script's builtins (a strategy's per-bar overhead; BENCHMARKS.md, Strategies). */
  leaveLater(): void {
    this.owed = true;
  }

  /** Runs the step 6 a `leaveLater` left owed, if any. */
  settle(): void {
    if (!this.owed) return;
    this.owed = false;
    this.leave();
  }

  /** Step 6: the host steps after the body of the bar last entered. */
  leave(): void {
    const steps = this.steps;
    if (steps.length === 0) return;
    // The bar's facts as step 4 gave them (the body changes none of them), unless this feed did not
    // enter the bar (a restored instance finishing it).
    this.after(this.info.index === this.m.bar && this.info.time === this.m.f[TIME] ? this.info : this.barInfo());
  }

  /** The after-body steps (in reverse order) for the bar `info` describes; true when each says its
   * before-body step has nothing to do on the next history row. */
  private after(info: BarInfo): boolean {
    const steps = this.steps;
    let quiet = true;
    for (let k = steps.length - 1; k >= 0; k--) if (steps[k]?.afterBar(this.m, info) !== true) quiet = false;
    return quiet;
  }

  private before(): void {
    const info = this.barInfo();
    const steps = this.steps;
    for (let k = 0; k < steps.length; k++) steps[k]?.beforeBar(this.m, info);
  }

  private barInfo(): BarInfo {
    const f = this.m.f;
    const b = this.info;
    b.index = this.m.bar;
    b.time = f[TIME] as number;
    b.open = f[OPEN] as number;
    b.high = f[HIGH] as number;
    b.low = f[LOW] as number;
    b.close = f[CLOSE] as number;
    b.volume = f[VOLUME] as number;
    b.realtime = f[IS_REALTIME] === 1;
    b.confirmed = f[IS_CONFIRMED] === 1;
    return b;
  }
}

/** Step 2: the bar series (price registers read with `[]`), as (register, slot) pairs in `bs`. */
export function pushBarSeries(ser: ScriptState['ser'], bs: Int32Array, f: Float64Array, idx: number): void {
  for (let k = 0; k < bs.length; k += 2) {
    const s = ser[bs[k + 1] as number] as SeriesF;
    if (s.bar !== idx) {
      s.bar = idx;
      s.head = (s.head + 1) & s.mask;
      if (s.head === s.buf.length) growSeriesF(s);
      if (s.count < 0x7fffffff) s.count++;
    }
    s.buf[s.head] = f[bs[k] as number] as number;
  }
}
