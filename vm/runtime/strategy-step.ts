// The strategy broker as a host step of the bar driver (bar-feed.ts): before a strategy's body the
// broker fills what is pending on the bar's path (vm/builtins/strategy/broker.ts processBar), after
// it the close fills, excursions, equity and risk rules (finishBar). Its record is
// `state.host.strategy` (plain data: snapshots and clones carry it with the rest; a tick keeps it).
//
// strategy(calc_on_order_fills = true): after each fill on the bar's path the step runs the script
// once more, on the bar as far as the path went (close = the fill price, high/low = the path's
// extremes so far), then rolls the state record back to the bar's start — all but the broker, whose
// fills and new orders stand — so the bar's last run (by the driver, on the whole bar) starts clean.
// Realtime: the broker is kept across a tick's rollback (Instance keeps `TICK_KEPT`): each tick's
// fills stand and the next tick goes on from its price (broker.ts processTick); without
// calc_on_every_tick the script body does not run on ticks (`runsOnTicks`), only at the bar's close.
// strategy(use_bar_magnifier = true): the path is that of the lower-timeframe bars the host gave
// (`setMagnifierBars`) inside each chart bar.

import type { Program } from '../bytecode/program.js';
import type { ScriptState, TickState } from '../core/state.js';
import type { SymbolInfo } from '../core/runtime.js';
import { R } from '../core/registers.js';
import type { BarColumns } from '../data/bars.js';
import { HOST_STEPS, pushBarSeries, type BarInfo, type HostStep } from './bar-feed.js';
import { marginQuiet, processBar, processTick, type BarView, type FillHook, type LowerBars } from '../builtins/strategy/broker.js';
import { finishBar, finishSameDay } from '../builtins/strategy/bar-close.js';
import type { Broker } from '../builtins/strategy/state.js';
import { brokerFor, dayAndMonth, HOST_KEY, localDay } from '../builtins/strategy/index.js';
import { captureTick, rollbackTick, varipSlots, type VaripSlots } from './state-ops.js';

/** What the step reads of the machine it runs on besides the state record. */
interface StepTarget extends ScriptState {
  program: Program;
  syminfo: SymbolInfo;
  f: Float64Array;
  bar: number;
  startBar(): void;
  exec(maxSteps: number): boolean;
}

const VIEW: BarView = { bar: 0, time: 0, open: 0, high: 0, low: 0, close: 0 };

/** The registers the per-bar code reads, as module constants (no load of `R` per bar). */
const { high: HIGH, low: LOW } = R;

function view(bar: BarInfo): BarView {
  VIEW.bar = bar.index;
  VIEW.time = bar.time;
  VIEW.open = bar.open;
  VIEW.high = bar.high;
  VIEW.low = bar.low;
  VIEW.close = bar.close;
  return VIEW;
}

/** Per program: whether it recalculates on fills, its varip slots and bar series pairs. */
interface ProgramFacts {
  onFills: boolean;
  magnifier: boolean;
  varip: VaripSlots;
  barSeries: Int32Array;
}
const FACTS = new WeakMap<Program, ProgramFacts>();
let lastProgram: Program | null = null;
let lastFacts: ProgramFacts | null = null;

function factsOf(p: Program): ProgramFacts {
  // One program runs bar after bar: its facts without a map look-up per bar.
  if (p === lastProgram && lastFacts !== null) return lastFacts;
  let f = FACTS.get(p);
  if (f === undefined) {
    f = {
      onFills: p.meta.options.calc_on_order_fills === true,
      magnifier: p.meta.options.use_bar_magnifier === true,
      varip: varipSlots(p.functions),
      barSeries: Int32Array.from(p.barSeries.flatMap((b) => [b.reg, b.slot])),
    };
    FACTS.set(p, f);
  }
  lastProgram = p;
  lastFacts = f;
  return f;
}

/** The host entry a realtime rollback keeps (the broker: fills on ticks stand, as in TradingView). */
export const TICK_KEPT = HOST_KEY;

/** Whether the script body runs on realtime ticks: always for indicators; for a strategy only with
 * calc_on_every_tick = true (otherwise only when the bar closes). */
export function runsOnTicks(p: Program): boolean {
  return p.meta.kind !== 'strategy' || p.meta.options.calc_on_every_tick === true;
}

/** Lower-timeframe bars given for the bar magnifier, per machine (host data, not state). */
const MAGNIFIER = new WeakMap<object, BarColumns>();

/** Gives the bar magnifier its lower-timeframe bars (ascending times, within the chart's bars). */
export function setMagnifierBars(machine: object, bars: BarColumns): void {
  MAGNIFIER.set(machine, bars);
}

/** Whether `program` needs lower-timeframe bars that `machine` was not given. */
export function magnifierMissing(program: Program, machine: object): boolean {
  return factsOf(program).magnifier && !MAGNIFIER.has(machine);
}

const LOWER: LowerBars = { open: [], high: [], low: [], close: [], from: 0, to: 0 };

/** The lower bars inside [t, tClose): rows found by binary search. */
function lowerBars(cols: BarColumns, t: number, tClose: number): LowerBars {
  const time = cols.time;
  const first = (x: number): number => {
    let lo = 0;
    let hi = cols.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((time[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  LOWER.open = cols.open;
  LOWER.high = cols.high;
  LOWER.low = cols.low;
  LOWER.close = cols.close;
  LOWER.from = first(t);
  LOWER.to = tClose === tClose ? first(tClose) : LOWER.from;
  return LOWER;
}

/** Writes a bar's prices to the registers and the bar series (the bar already entered). */
function setPrices(m: StepTarget, barSeries: Int32Array, o: number, h: number, l: number, c: number): void {
  const f = m.f;
  f[R.open] = o;
  f[R.high] = h;
  f[R.low] = l;
  f[R.close] = c;
  f[R.hl2] = (h + l) / 2;
  f[R.hlc3] = (h + l + c) / 3;
  f[R.ohlc4] = (o + h + l + c) / 4;
  f[R.hlcc4] = (h + l + c + c) / 4;
  if (barSeries.length !== 0) pushBarSeries(m.ser, barSeries, f, m.bar);
}

/** Back to the state captured at the bar's start, keeping the broker as it is now. */
function rollbackKeepingBroker(m: StepTarget, cp: TickState, facts: ProgramFacts): void {
  const live = m.host[HOST_KEY];
  rollbackTick(m, cp, facts.varip);
  m.host[HOST_KEY] = live;
}

/** The broker of the machine: its host record's entry, made on the first bar (strategy()'s
 * arguments and the symbol are read then only: their records' shapes differ between instances, and
 * the per-bar code does not look at them). */
function brokerOf(m: StepTarget): Broker {
  const b = m.host[HOST_KEY] as Broker | undefined;
  return b !== undefined ? b : brokerFor(m.host, m.program.meta.options, m.syminfo, m.program.meta.version);
}

/** The program and symbol the steps ran for last, with the program's facts, the symbol's time zone
 * and the trading day last seen in it (its UTC span [dayFrom, dayTo)): one machine runs bar after
 * bar, so the per-bar code compares two references and two times instead of looking them up. (Not
 * the machine itself: kept here, it would keep a finished backtest's outputs alive.) One constant
 * record, not module variables: its fields are plain property loads in the per-bar code. */
const HOT: { program: Program | null; symbol: SymbolInfo | null; facts: ProgramFacts; zone: string; day: number; dayFrom: number; dayTo: number } = {
  program: null,
  symbol: null,
  facts: { onFills: false, magnifier: false, varip: varipSlots([]), barSeries: new Int32Array(0) },
  zone: '',
  day: NaN,
  dayFrom: NaN,
  dayTo: NaN,
};

function isHot(m: StepTarget): boolean {
  return m.program === HOT.program && m.syminfo === HOT.symbol;
}

function warm(m: StepTarget): void {
  HOT.facts = factsOf(m.program);
  HOT.zone = m.syminfo.timezone;
  HOT.program = m.program;
  HOT.symbol = m.syminfo;
  HOT.day = NaN;
  HOT.dayFrom = NaN;
  HOT.dayTo = NaN;
}

/** The trading day of `t` in the hot zone, and the span of it the next bars are compared with. */
function dayAt(t: number): number {
  HOT.day = localDay(t, HOT.zone, DAY_SPAN);
  HOT.dayFrom = DAY_SPAN.from;
  HOT.dayTo = DAY_SPAN.to;
  return HOT.day;
}
const DAY_SPAN = { from: 0, to: 0 };

/** Before the body when the path has nothing to fill: no pending order on a history bar (most
 * bars). What processBar does then, without the bar view: the first price, and the margin call
 * when a position is open and margin is checked. */
function quietBefore(b: Broker, bar: BarInfo): boolean {
  if (b.orders.length !== 0 || bar.realtime || b.tickBar === bar.index) return false;
  if (!marginQuiet(b, bar.high, bar.low)) return false;
  if (b.firstPrice !== b.firstPrice) b.firstPrice = bar.open;
  return true;
}

/** After the bar `bar`: whether the next history row (bar `bar.index + 1`) is quiet for quietBefore
 * (nothing pending, no margin call possible, the first price known), so that the feed need not
 * call beforeBar there. The feed uses this answer only when it runs the after-body steps at the
 * next row's entry (bar-feed.ts stepsAt), when the registers hold that row's prices: its high and
 * low are compared with the position's margin-call prices (elsewhere the answer is not used). */
function quietNext(m: StepTarget, b: Broker, bar: BarInfo): boolean {
  if (b.orders.length !== 0 || b.tickBar === bar.index + 1 || b.firstPrice !== b.firstPrice) return false;
  return b.open.n === 0 || marginQuiet(b, m.f[HIGH] as number, m.f[LOW] as number);
}

const brokerStep: HostStep = {
  name: HOST_KEY,
  beforeBar(state: ScriptState, bar: BarInfo): void {
    const m = state as StepTarget;
    const b = brokerOf(m);
    if (quietBefore(b, bar)) return;
    fillsBefore(m, b, bar);
  },
  afterBar(state: ScriptState, bar: BarInfo): boolean {
    // On a realtime tick the bar is not over: close fills, excursions and equity wait for it.
    if (!bar.confirmed) return false;
    const m = state as StepTarget;
    const b = brokerOf(m);
    const t = bar.time;
    // Most bars: inside the trading day the broker finished a bar of already.
    if (t >= HOT.dayFrom && t < HOT.dayTo && HOT.day === b.day && isHot(m) && !(b.orders.length !== 0 && b.cfg.onClose)) finishSameDay(b, bar);
    else finishOtherDay(m, b, bar);
    return quietNext(m, b, bar);
  },
};

/** finishBar for a bar of a day the broker has not finished a bar of (or of another machine). */
function finishOtherDay(m: StepTarget, b: Broker, bar: BarInfo): void {
  if (!isHot(m)) warm(m);
  const t = bar.time;
  const day = t >= HOT.dayFrom && t < HOT.dayTo ? HOT.day : dayAt(t);
  finishBar(b, view(bar), day, day === b.day ? b.month : dayAndMonth(b, t, HOT.zone).month);
}

/** Before the body: the fills of the bar's path (or of a realtime tick). */
function fillsBefore(m: StepTarget, b: Broker, bar: BarInfo): void {
  if (!isHot(m)) warm(m);
  const facts = HOT.facts;
  const cols = facts.magnifier ? MAGNIFIER.get(m) : undefined;
  // Realtime ticks, and the confirmation of a bar that had ticks, go on from the last tick.
  const ticked = bar.realtime || b.tickBar === bar.index;
  const lower = cols === undefined || ticked ? null : lowerBars(cols, bar.time, m.f[R.timeClose] as number);
  if (!facts.onFills) {
    if (ticked) processTick(b, view(bar), !bar.realtime);
    else processBar(b, view(bar), null, lower);
    return;
  }
  const { open, high, low, close } = bar;
  let cp: TickState | null = null;
  const hook: FillHook = (price, hi, lo) => {
    if (cp === null) {
      // Nothing ran on this bar yet: the state to come back to, without the broker (it is kept
      // as it goes, and copying its trade log on every fill would cost O(trades)).
      const live = m.host[HOST_KEY];
      delete m.host[HOST_KEY];
      cp = captureTick(m);
      m.host[HOST_KEY] = live;
    } else rollbackKeepingBroker(m, cp, facts);
    setPrices(m, facts.barSeries, open, hi, lo, price);
    m.startBar();
    while (!m.exec(0x7fffffff));
  };
  if (ticked) processTick(b, view(bar), !bar.realtime, hook);
  else processBar(b, view(bar), hook, lower);
  if (cp !== null) {
    rollbackKeepingBroker(m, cp, facts);
    setPrices(m, facts.barSeries, open, high, low, close);
  }
}

HOST_STEPS.push({ applies: (p) => p.meta.kind === 'strategy', step: brokerStep });
