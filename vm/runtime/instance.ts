// The public Instance: one running script over one symbol and timeframe. Built with a builder
// (symbol, timeframe, inputs, limits), it runs confirmed bars (`runBar`, `runBars`), realtime ticks
// of the open bar (`updateBar`, rolled back before each tick except varip), and can stop after an
// instruction budget (`{ budget }`) and `resume()` mid-bar.

import type { InputInfo, Program } from '../bytecode/program.js';
import { Machine } from './machine.js';
import { OutputStore } from './outputs.js';
import { DEFAULT_LIMITS, DEFAULT_SYMBOL, R, type Limits, type SymbolInfo, type TimeframeInfo } from '../core/runtime.js';
import { SOURCE_REGS } from '../core/registers.js';
import type { InputValue, TickState } from '../core/state.js';
import { parseTimeframe } from '../builtins/time/timeframe.js';
import type { BarColumns } from '../data/bars.js';
import { PineRuntimeError, type PineRuntimeErrorData } from '../core/errors.js';
import { keepExemplar, keepStateShapes } from '../core/shapes.js';
import { drawingsOf, type DrawingRecord } from '../builtins/draw/output.js';
import {
  FLAG_FAILED,
  FLAG_OUTPUTS,
  FLAG_REALTIME,
  FLAG_SUSPENDED,
  readHeader,
  readSnapshot,
  SnapshotError,
  writeSnapshot,
  type SnapshotHeader,
} from '../snapshot/format.js';
import {
  checkStateSeries,
  decodeBody,
  encodeBody,
  packProgram,
  programHash,
  type Env,
  type MachineState,
} from '../snapshot/state.js';
import { BarFeed, hostStepsFor, HISTORY, REALTIME_NEW, REALTIME_UPDATE } from './bar-feed.js';
import { magnifierMissing, runsOnTicks, setMagnifierBars, TICK_KEPT } from './strategy-step.js'; // strategy: registers the broker's host step in HOST_STEPS
import type { PineObject } from '../core/heap.js';
import {
  captureTick,
  objectPairs,
  restoreRecord,
  rollbackTick,
  saveRecord,
  syncVaripFields,
  varipSlots,
  type ObjectPairs,
  type VaripFields,
  type VaripSlots,
} from './state-ops.js';
import { DataNeeded, type DataRequest, type RequestDataset } from './request-data.js';
import { chartRegister, contextRestore, settleContexts } from './contexts.js';

export interface Bar {
  /** Bar open time, ms since the epoch (UTC). */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number;
  /** Bar close time; derived from the timeframe when absent. */
  timeClose?: number;
}


export interface RunOptions {
  /** Stop after this many instructions; the result is then `{ status: 'yielded' }`. */
  budget?: number;
}

/** `needs-data`: the bar stopped at a request for a symbol the host has not answered for; answer
 * with `provideData` and `resume()` (runtime/request-data.ts). */
export type RunResult =
  | { status: 'done'; bar: number }
  | { status: 'yielded'; bar: number }
  | { status: 'needs-data'; bar: number; request: DataRequest };

/** runBars: every bar ran, or bar `bar` (row `row` of the columns) waits for data: answer with
 * `provideData`, `resume()` until done, then go on with the rows after `row`. */
export type RunBarsResult = { status: 'done' } | { status: 'needs-data'; bar: number; row: number; request: DataRequest };

export type { InputValue };

export class InstanceError extends Error {
  override readonly name = 'InstanceError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export { DEFAULT_SYMBOL };

/** What the host knows of the chart, for both builders: its bar count and its last bar's time. */
abstract class ChartFacts {
  protected total: number | null = null;
  protected lastTime: number | null = null;
  protected visible: { left: number; right: number } | null = null;
  protected compiled = true;

  /** Runs every instruction in the interpreter instead of the compiled tier (runtime/jit.ts). Both
   * give the same results; the interpreter is slower and exists for testing and diagnosis. */
  interpreted(): this {
    this.compiled = false;
    return this;
  }

  /** How many bars the chart has in all: sets last_bar_index (n - 1) and barstate.islast. On a
   * restore, only needed when it differs from the run the snapshot was saved in. */
  totalBars(n: number): this {
    this.total = n;
    return this;
  }

  /** Open time (ms) of the chart's last bar: sets last_bar_time (not part of a snapshot). Without it,
   * last_bar_time is known only when `runBars` is given columns that reach the last bar (see
   * `totalBars`), or on a realtime bar (the last bar of the chart by definition); otherwise na. */
  lastBarTime(ms: number): this {
    this.lastTime = ms;
    return this;
  }

  /** Open times (ms) of the leftmost and rightmost bars the chart shows: chart.left_visible_bar_time
   * and chart.right_visible_bar_time (not part of a snapshot). Without it, every bar of the data
   * counts as visible: the first bar run and last_bar_time. */
  visibleRange(leftMs: number, rightMs: number): this {
    this.visible = { left: leftMs, right: rightMs };
    return this;
  }
}

export class InstanceBuilder extends ChartFacts {
  private sym: SymbolInfo = { ...DEFAULT_SYMBOL };
  private tf: TimeframeInfo = { period: '1D', multiplier: 1, unit: 'D' };
  private inputValues: Record<string, InputValue> = {};
  private lim: Limits = { ...DEFAULT_LIMITS };
  private seed = 0x5eed;

  constructor(private readonly program: Program) {
    super();
    this.lim.maxBarsBack = program.meta.maxBarsBack;
  }

  symbol(info: Partial<SymbolInfo>): this {
    this.sym = { ...this.sym, ...info };
    return this;
  }

  timeframe(tf: string | TimeframeInfo): this {
    if (typeof tf === 'string') {
      const parsed = parseTimeframe(tf);
      if (!parsed) throw new InstanceError('bad-timeframe', `Unknown timeframe '${tf}': use e.g. "1", "15", "60", "1D", "1W", "1M".`);
      this.tf = parsed;
    } else this.tf = tf;
    return this;
  }

  /** Overrides input values by variable name, title or index (`{ len: 20 }`). */
  inputs(values: Record<string, InputValue>): this {
    this.inputValues = { ...this.inputValues, ...values };
    return this;
  }

  limits(l: Partial<Limits>): this {
    this.lim = { ...this.lim, ...l };
    return this;
  }

  /** Seed of math.random's generator (deterministic; part of the state). */
  randomSeed(seed: number): this {
    this.seed = seed;
    return this;
  }

  build(): Instance {
    const values = resolveInputs(this.program.inputs, this.inputValues);
    const outputs = new OutputStore(this.program.outputs, 0);
    const m = new Machine(this.program, {
      syminfo: this.sym,
      timeframe: this.tf,
      limits: this.lim,
      outputs,
      rngSeed: this.seed,
      compiled: this.compiled,
    });
    if (this.visible !== null) m.visible = { ...m.visible, ...this.visible };
    return new Instance(m, values, this.total, this.lastTime);
  }
}

/** A program a snapshot goes on with in place of its own (RestoreBuilder.replaceProgram). */
export interface ProgramReplacement {
  program: Program;
  check: (saved: Program) => string | null;
}

/** Restores an instance from snapshot bytes, with optional overrides, on `build()`. */
export class RestoreBuilder extends ChartFacts {
  private lim: Partial<Limits> = {};
  private expected: Program | null = null;
  private expectedHash: string | null = null;
  private replacement: ProgramReplacement | null = null;

  constructor(private readonly bytes: Uint8Array) {
    super();
  }

  /** Sets resource limits (loop time, logs kept): the host's, never the file's (defaults when not set);
   * history depth stays as saved. */
  limits(l: Partial<Limits>): this {
    this.lim = { ...this.lim, ...l };
    return this;
  }

  /** Refuses ('program-mismatch') a snapshot whose program differs from `program`. */
  expectProgram(program: Program): this {
    this.expected = program;
    return this;
  }

  /** Goes on with `program` in place of the snapshot's own, when `check(saved program)` finds
   * nothing wrong (returns null; else its reason is a 'program-mismatch'). Only for a snapshot taken
   * between bars; the check (compiler/presentation.ts) decides that `program` computes exactly what
   * the saved one did, so the state carries over as it is. */
  replaceProgram(program: Program, check: (saved: Program) => string | null): this {
    this.replacement = { program, check };
    return this;
  }

  /** Refuses ('program-mismatch') a snapshot whose program/inputs/symbol/timeframe hash differs. */
  expectHash(hash: string): this {
    this.expectedHash = hash;
    return this;
  }

  build(): Instance {
    const inst = Instance.fromSnapshot(this.bytes, this.lim, this.expected, this.expectedHash, this.compiled, this.replacement);
    if (this.lastTime !== null) inst.setLastBarTime(this.lastTime);
    if (this.visible !== null) inst.setVisibleRange(this.visible.left, this.visible.right);
    if (this.total !== null) inst.setTotalBars(this.total);
    return inst;
  }
}

/** Checks host input overrides against the script's inputs; unknown names and bad values are errors
 * that name the input. Returns the value of every input, by input id. */
export function resolveInputs(inputs: InputInfo[], overrides: Record<string, InputValue>): InputValue[] {
  const values = inputs.map((i) => i.defval);
  for (const [key, raw] of Object.entries(overrides)) {
    const idx = inputs.findIndex((i) => i.varName === key || i.title === key || String(i.id) === key);
    const info = inputs[idx];
    if (!info) {
      const known = inputs.map((i) => i.varName ?? i.title).join(', ') || 'none';
      throw new InstanceError('unknown-input', `Unknown input '${key}' (the script's inputs: ${known}).`);
    }
    values[idx] = coerceInput(info, raw);
  }
  return values;
}

function coerceInput(info: InputInfo, raw: InputValue): InputValue {
  const name = info.varName ?? info.title;
  const bad = (why: string) => new InstanceError('bad-input', `Input '${name}': ${why}.`);
  switch (info.kind) {
    case 'int':
    case 'float':
    case 'price':
    case 'time': {
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(v)) throw bad(`expected a number, got ${JSON.stringify(raw)}`);
      if ((info.kind === 'int' || info.kind === 'time') && !Number.isInteger(v)) throw bad(`expected an integer, got ${v}`);
      if (info.minval !== null && v < info.minval) throw bad(`${v} is below the minimum ${info.minval}`);
      if (info.maxval !== null && v > info.maxval) throw bad(`${v} is above the maximum ${info.maxval}`);
      if (info.options && !info.options.includes(v)) throw bad(`${v} is not one of the options ${info.options.join(', ')}`);
      return v;
    }
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 1 || raw === '1') return true;
      if (raw === 'false' || raw === 0 || raw === '0') return false;
      throw bad(`expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'source': {
      const v = String(raw);
      if (!(v in SOURCE_REGS)) throw bad(`expected one of ${Object.keys(SOURCE_REGS).join(', ')}, got ${JSON.stringify(raw)}`);
      return v;
    }
    case 'color': {
      if (typeof raw === 'number') return raw;
      throw bad('colors are given as numbers (see runtime/color-value.ts)');
    }
    default: {
      const v = String(raw);
      if (info.options && !info.options.includes(v)) throw bad(`${JSON.stringify(v)} is not one of the options ${info.options.join(', ')}`);
      return v;
    }
  }
}

/** Debug types of globals that live in the number registers (the rest: strings, arrays, objects). */
const NUMBER_REG_TYPE = /(^| )(int|float|bool|color)$/;

export class Instance {
  /** Index of the last confirmed bar (-1 before the first). */
  private confirmed = -1;
  /** The open (realtime, unconfirmed) bar's time, or null. */
  private openTime: number | null = null;
  private checkpoint: TickState | null = null;
  /** Whether the host gave last_bar_time (otherwise found in runBars' columns, or the realtime
   * bar's; the value is the feed's `lastBarMs`, NaN when unknown). */
  private lastBarMsGiven = false;
  /** Status of a bar stopped by its budget: which bar, and whether it confirms. */
  private pending: { bar: number; confirm: boolean } | null = null;
  /** What the suspended bar waits for (a host call), or null. */
  private waiting: DataRequest | null = null;
  private failed: PineRuntimeError | null = null;
  /** Restores this instance descends from (0 for a fresh one). */
  private incarnation = 0;
  private programBytes: Uint8Array | null = null;
  private hash: string | null = null;
  /** Whether every call-site state has had its shape kept (runtime/shapes.ts), and scans left. */
  private shapesKept = false;
  private shapeScans = 24;

  static builder(program: Program): InstanceBuilder {
    return new InstanceBuilder(program);
  }

  /** A builder that restores the instance saved in `bytes`. */
  static restoreState(bytes: Uint8Array): RestoreBuilder {
    return new RestoreBuilder(bytes);
  }

  /** Reads a snapshot's header only (cheap; does not check the body). */
  static peekSnapshot(bytes: Uint8Array): SnapshotHeader {
    return readHeader(bytes);
  }

  /** THE per-bar driver (bar-feed.ts): bar registers, bar series, output row, host steps. */
  readonly feed: BarFeed;
  /** Absolute varip slots, kept across a realtime rollback. */
  private readonly varip: VaripSlots;
  /** `varip` fields of user-defined types, by type name. */
  private readonly varipFields: VaripFields;
  /** The open bar's UDT objects with their checkpoint copies (null after a restore). */
  private tickObjects: ObjectPairs | null = null;

  constructor(
    readonly machine: Machine,
    readonly inputValues: InputValue[],
    total: number | null,
    lastBarTime: number | null = null,
  ) {
    const p = machine.program;
    this.feed = new BarFeed(machine, Int32Array.from(p.barSeries.flatMap((b) => [b.reg, b.slot])), hostStepsFor(p));
    this.varip = varipSlots(p.functions);
    this.varipFields = new Map((p.varipFields ?? []).map((v) => [v.type, v.fields]));
    this.feed.last = total === null ? NaN : total - 1;
    if (lastBarTime !== null) this.setLastBarTime(lastBarTime);
    this.applyInputs();
  }

  /** Sets how many bars the chart has in all (last_bar_index = n - 1, barstate.islast on that bar)
   * for the bars run from now on: a restored run that goes on over more data than it was saved with. */
  setTotalBars(n: number): void {
    if (!Number.isInteger(n) || n < this.confirmed + 1) {
      throw new InstanceError('bad-total', `totalBars must be a whole number of at least ${this.confirmed + 1} (the bars already run), got ${n}`);
    }
    this.feed.last = n - 1;
  }

  /** How many bars the chart has in all, as this instance runs them (last_bar_index + 1). */
  get totalBars(): number {
    return this.feed.last + 1;
  }

  /** Sets last_bar_time (the open time of the chart's last bar) for the bars run from now on. */
  setLastBarTime(ms: number): void {
    this.feed.lastBarMs = ms;
    this.lastBarMsGiven = true;
  }

  /** Sets chart.left_visible_bar_time / right_visible_bar_time (open times in ms; NaN for the
   * default: the first bar of the data, last_bar_time) for the bars run from now on. */
  setVisibleRange(leftMs: number, rightMs: number): void {
    this.machine.visible.left = leftMs;
    this.machine.visible.right = rightMs;
  }

  /** The first bar of the data enters at `t` (the default chart.left_visible_bar_time). */
  private noteFirstBar(t: number): void {
    if (this.confirmed === -1) this.machine.visible.first = t;
  }

  /** Times this instance's lineage was restored from a snapshot. */
  get restoreCount(): number {
    return this.incarnation;
  }

  /** Identity of this run: program, inputs, symbol and timeframe (as in snapshot headers). */
  get programHash(): string {
    this.hash ??= programHash(this.packedProgram(), this.env());
    return this.hash;
  }

  private packedProgram(): Uint8Array {
    this.programBytes ??= packProgram(this.program);
    return this.programBytes;
  }

  private env(): Env {
    const m = this.machine;
    return { inputs: this.inputValues, symbol: m.chartSyminfo, timeframe: m.chartTimeframe, limits: m.limits };
  }

  /** Saves the whole state to bytes. With `includeOutputs`, the plot history goes too (a
   * self-contained file); without it the size does not grow with the number of bars. */
  saveState(opts: { includeOutputs?: boolean } = {}): Uint8Array {
    const m = this.machine;
    // The open bar's checkpoint goes into the file with the varip fields' current values.
    if (this.openTime !== null && this.tickObjects) syncVaripFields(this.tickObjects, this.varipFields);
    const suspended = this.pending !== null && m.pc >= 0;
    const state: MachineState = {
      bar: m.bar,
      confirmed: this.confirmed,
      lastBar: this.feed.last,
      lastTime: this.lastTime,
      ...saveRecord(m),
      exec:
        suspended && this.pending
          ? {
              pc: m.pc,
              frames: m.frames,
              vb: m.vb,
              ob: m.ob,
              sb: m.sb,
              cb: m.cb,
              f: m.f,
              o: m.o,
              pendingBar: this.pending.bar,
              confirm: this.pending.confirm,
            }
          : null,
      open:
        this.openTime !== null && this.checkpoint
          ? {
              time: this.openTime,
              checkpoint: this.checkpoint,
              ...(this.tickObjects && this.tickObjects.size > 0 ? { objects: [...this.tickObjects].flat() } : {}),
            }
          : null,
      failed: this.failed ? this.failed.toJSON() : null,
      globals: this.program.globals.map((g) =>
        g.where === 'reg' ? (NUMBER_REG_TYPE.test(g.type) ? m.f[g.index] : m.o[g.index]) : g.where === 'var' ? m.vf[g.index] : m.vo[g.index],
      ),
    };
    const out = opts.includeOutputs ? m.outputs.slice(m.outputs.firstBar, m.outputs.firstBar + m.outputs.length) : null;
    const body = encodeBody(this.packedProgram(), this.env(), state, out);
    let flags = 0;
    if (out) flags |= FLAG_OUTPUTS;
    if (state.exec) flags |= FLAG_SUSPENDED;
    if (state.open) flags |= FLAG_REALTIME;
    if (state.failed) flags |= FLAG_FAILED;
    return writeSnapshot({ flags, programHash: this.programHash, bar: this.confirmed, incarnation: this.incarnation }, body);
  }

  /** See RestoreBuilder. Everything is decoded and checked before the instance exists. */
  static fromSnapshot(
    bytes: Uint8Array,
    limits: Partial<Limits>,
    expected: Program | null,
    expectedHash: string | null,
    compiled = true,
    replacement: ProgramReplacement | null = null,
  ): Instance {
    const { header, body } = readSnapshot(bytes);
    const d = decodeBody(body);
    const env = d.env;
    let hash = programHash(d.programBytes, env);
    if (hash !== header.programHash) {
      throw new SnapshotError('corrupt', `the header's program hash ${header.programHash} does not match its body (${hash})`);
    }
    if (replacement) {
      if (d.state.exec || d.state.open) {
        throw new SnapshotError('program-mismatch', 'the snapshot was taken in the middle of a bar: it goes on only with its own program');
      }
      const why = replacement.check(d.program);
      if (why !== null) throw new SnapshotError('program-mismatch', `the edited script cannot go on from this snapshot: ${why}`);
      d.program = replacement.program;
      d.programBytes = packProgram(replacement.program);
      hash = programHash(d.programBytes, env);
    }
    if (expected) {
      const want = packProgram(expected);
      if (want.length !== d.programBytes.length || want.some((b, i) => b !== d.programBytes[i])) {
        throw new SnapshotError('program-mismatch', `the snapshot was taken with a different program ("${d.program.meta.title}")`);
      }
    }
    if (expectedHash !== null && expectedHash !== hash) {
      throw new SnapshotError('program-mismatch', `the snapshot's program, inputs, symbol or timeframe differ (hash ${hash}, expected ${expectedHash})`);
    }
    checkStateSeries(d.state, d.program, env.limits.maxBarsBack);
    // The host's limits win over the file's (a forged file could set a loop limit of 1e300): only
    // the history depth is kept from the file, as the saved series buffers are sized by it.
    const lim: Limits = { ...DEFAULT_LIMITS, ...limits, maxBarsBack: env.limits.maxBarsBack };
    const st = d.state;
    const firstBar = d.outputs ? d.outputs.firstBar : st.confirmed + 1;
    const outputs = new OutputStore(d.program.outputs, firstBar, d.outputs ? d.outputs.length + 16 : 16);
    let m: Machine;
    try {
      m = new Machine(d.program, { syminfo: env.symbol, timeframe: env.timeframe, limits: lim, outputs, rngSeed: 0, compiled });
    } catch (e) {
      throw new SnapshotError('incompatible-vm', e instanceof Error ? e.message : String(e));
    }
    if (d.outputs) {
      outputs.length = d.outputs.length;
      outputs.time.set(d.outputs.time);
      d.outputs.columns.forEach((chs, i) => chs.forEach((c, j) => outputs.columns[i]?.[j]?.set(c)));
      // The first bar's time (the default chart.left_visible_bar_time) when the plot history
      // reaches back to it; otherwise the host gives the range (visibleRange).
      if (firstBar === 0 && outputs.length > 0) m.visible.first = outputs.time[0] as number;
    }
    m.bar = st.bar;
    restoreRecord(m, st);
    const inst = new Instance(m, env.inputs, Number.isNaN(st.lastBar) ? null : st.lastBar + 1);
    inst.confirmed = st.confirmed;
    inst.lastTime = st.lastTime;
    inst.incarnation = header.incarnation + 1;
    inst.programBytes = d.programBytes;
    inst.hash = hash;
    if (st.open) {
      inst.openTime = st.open.time;
      inst.checkpoint = st.open.checkpoint;
      const objs = st.open.objects;
      if (objs) {
        const pairs: ObjectPairs = new Map();
        for (let i = 0; i + 1 < objs.length; i += 2) pairs.set(objs[i] as PineObject, objs[i + 1] as PineObject);
        inst.tickObjects = pairs;
      }
    }
    if (st.exec) {
      const e = st.exec;
      m.f.set(e.f);
      e.o.forEach((v, i) => (m.o[i] = v));
      m.pc = e.pc;
      m.frames = e.frames;
      m.vb = e.vb;
      m.ob = e.ob;
      m.sb = e.sb;
      m.cb = e.cb;
      // Stopped inside another symbol's request: its symbol information, as when it stopped.
      contextRestore(m);
      // Loop timers restart: time spent before the save does not count against this run.
      for (const r of d.program.loopRegs) m.f[r + 1] = NaN;
      inst.pending = { bar: e.pendingBar, confirm: e.confirm };
    }
    if (st.failed) inst.failed = PineRuntimeError.fromData(st.failed as PineRuntimeErrorData);
    if (!st.exec) {
      // Global variables' last values (dead between bars, kept for `inspect` and so that saving
      // again gives the same bytes).
      d.program.globals.forEach((g, i) => {
        const v = st.globals[i];
        if (g.where !== 'reg') return;
        if (typeof v === 'number') m.f[g.index] = v;
        else m.o[g.index] = v;
      });
    }
    return inst;
  }

  get program(): Program {
    return this.machine.program;
  }

  get outputs(): OutputStore {
    return this.machine.outputs;
  }

  /** Tier 2: every live drawing (label, line, box, table, polyline, linefill) at this point, as
   * a renderer reads them (builtins/draw/output.ts). */
  drawings(): DrawingRecord[] {
    return drawingsOf(this.machine.cs);
  }

  get logs() {
    return this.machine.logs;
  }

  get alerts() {
    return this.machine.alerts;
  }

  /** Index of the last confirmed bar (-1 before the first). */
  get barIndex(): number {
    return this.confirmed;
  }

  /** Open time of the last confirmed bar (NaN before the first). */
  get lastBarTime(): number {
    return this.lastTime;
  }

  private lastTime = NaN;

  /** True while a bar stopped by its budget waits for `resume()`. */
  get isSuspended(): boolean {
    return this.pending !== null;
  }

  /** The data a suspended bar waits for (answer with `provideData`, then `resume()`), or null. */
  get dataRequest(): DataRequest | null {
    return this.waiting;
  }

  /** The host's answer for another symbol's bars (request.security, request.security_lower_tf):
   * its datasets, or null when it has none (`why`: what was looked for, shown in the error unless
   * the request ignores invalid symbols). Host data, not state: a restored instance asks again. */
  provideData(symbol: string, datasets: readonly RequestDataset[] | null, why = ''): void {
    const m = this.machine;
    m.data.provide(symbol, datasets, why);
    m.feeds.length = 0;
    m.feedSym.length = 0;
    m.feedTf.length = 0;
    m.feedKey.length = 0;
    if (this.waiting !== null && this.waiting.symbol === symbol) this.waiting = null;
  }

  /** Refuses a new bar while one waits for data. */
  private checkNotWaiting(): void {
    if (this.waiting !== null) {
      throw new InstanceError('needs-data', `Bar ${this.pending?.bar ?? '?'} waits for data for "${this.waiting.symbol}" (${this.waiting.timeframe}): answer with provideData(), then resume().`);
    }
  }

  private applyInputs(): void {
    const f = this.machine.f;
    const o = this.machine.o;
    this.program.inputs.forEach((info, i) => {
      const v = this.inputValues[i];
      if (v === undefined) return;
      if (info.kind === 'source') f[info.reg] = SOURCE_REGS[String(v)] ?? R.close;
      else if (typeof v === 'number') f[info.reg] = v;
      else if (typeof v === 'boolean') f[info.reg] = v ? 1 : 0;
      else o[info.reg] = v;
    });
  }

  /** Runs one confirmed bar. If a realtime bar with the same time is open, this confirms it. */
  runBar(bar: Bar, opts: RunOptions = {}): RunResult {
    this.checkUsable();
    this.checkNotWaiting();
    if (this.openTime !== null) {
      if (bar.time !== this.openTime) throw new InstanceError('bar-order', `Bar at ${bar.time} does not confirm the open bar at ${this.openTime}: confirm it first.`);
      this.rollback();
      this.checkpoint = null;
      this.tickObjects = null;
      this.openTime = null;
    }
    const idx = this.confirmed + 1;
    this.machine.f[R.timeNow] = Date.now();
    this.noteFirstBar(bar.time);
    this.feed.enter(idx, bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume ?? NaN, bar.timeClose, HISTORY);
    this.pending = { bar: idx, confirm: true };
    return this.go(opts.budget);
  }

  /** Runs every bar of `cols` in [from, to) as confirmed history (no per-bar objects). */
  runBars(cols: BarColumns, from = 0, to = cols.length): RunBarsResult {
    this.checkUsable();
    this.checkNotWaiting();
    if (this.openTime !== null) throw new InstanceError('bar-order', 'A realtime bar is open: confirm it with runBar() first.');
    if (to <= from) return DONE;
    const m = this.machine;
    const feed = this.feed;
    const last = feed.last;
    const time = cols.time;
    // Room for this run's rows; when the host announced its bar count, for all of them at once
    // (a run in chunks then allocates its columns once instead of once per chunk).
    const lastRow = this.confirmed + (to - from);
    if (last === last && last >= lastRow && last < lastRow + 1e8) m.outputs.reserve(last);
    else m.outputs.reserve(lastRow, false);
    m.f[R.timeNow] = Date.now();
    this.noteFirstBar(time[from] as number);
    // The last bar's time, when these columns reach the last bar (row of bar b: from + b - first).
    if (!this.lastBarMsGiven && last === last) {
      const row = from + last - (this.confirmed + 1);
      if (row >= from && row < time.length) feed.lastBarMs = time[row] as number;
    }
    feed.beginHistory();
    m.aheadCols = cols;
    let out: RunBarsResult = DONE;
    const first = this.confirmed;
    try {
      this.runRows(cols, from, to);
    } catch (e) {
      if (!(e instanceof DataNeeded)) throw e;
      // A host call: the bar entered last stops at its request (pc kept), as a budget yield.
      // (Stopped inside a request's expression, nested or not: the chart's bar index, saved by the
      // outermost running request.)
      const bar = chartRegister(m, R.barIndex);
      const row = from + (bar - first - 1);
      this.confirmed = bar - 1;
      if (row > from) this.lastTime = time[row - 1] as number;
      out = { status: 'needs-data', bar, row, request: e.request };
      this.pending = { bar, confirm: true };
      this.waiting = e.request;
    } finally {
      // The rows ahead stay for a bar waiting for data (lookahead_on reads them when it resumes).
      if (this.waiting === null) m.aheadCols = null;
    }
    return out;
  }

  /** runBars' rows, compiled or interpreted. */
  private runRows(cols: BarColumns, from: number, to: number): void {
    const m = this.machine;
    // Own-symbol requests may defer their quiet chart bars while the rows run; every deferred bar
    // is applied before anything else sees the state (contexts.ts, LazyRows).
    m.lazyOn = true;
    try {
      this.runRowsOf(cols, from, to);
    } finally {
      m.lazyOn = false;
      settleContexts(m);
    }
    if (!this.shapesKept) this.keepShapes();
  }

  private runRowsOf(cols: BarColumns, from: number, to: number): void {
    const m = this.machine;
    const time = cols.time;
    const feed = this.feed;
    const history = m.history;
    if (history !== null) {
      // The compiled tier runs the whole range in one call (jit.ts), doing per bar what the loop
      // below does; m.bar is the last bar it entered.
      const first = this.confirmed;
      m.bar = first;
      try {
        history(m, feed, cols, from, to);
        // The loop leaves each bar's after-body host steps to the next bar's entry: the last's here.
        feed.settle();
      } catch (e) {
        this.confirmed = m.bar - 1;
        if (m.bar - 1 > first) this.lastTime = time[from + (m.bar - 1 - first) - 1] as number;
        if (e instanceof PineRuntimeError) this.failed = e;
        this.pending = null;
        throw e;
      }
      this.confirmed = m.bar;
      this.lastTime = time[to - 1] as number;
    } else this.interpretBars(cols, from, to);
  }

  /** runBars' loop for the interpreter: the bar enters through the feed, then its body runs. */
  private interpretBars(cols: BarColumns, from: number, to: number): void {
    const m = this.machine;
    const feed = this.feed;
    const time = cols.time;
    let idx = this.confirmed;
    try {
      for (let i = from; i < to; i++) {
        idx++;
        m.aheadRow = i;
        feed.enterRow(cols, i, idx);
        m.startBar();
        while (!m.exec(0x7fffffff));
        feed.leave();
        this.confirmed = idx;
        this.lastTime = time[i] as number;
      }
    } catch (e) {
      if (e instanceof PineRuntimeError) this.failed = e;
      this.pending = null;
      throw e;
    }
  }

  /** Keeps the shapes of this instance's call-site states alive (runtime/shapes.ts). A call site
   * runs for the first time on any bar, so this looks again a bounded number of times. */
  private keepShapes(): void {
    if (this.shapeScans <= 0) {
      this.shapesKept = true;
      return;
    }
    this.shapeScans--;
    this.shapesKept = keepStateShapes(this.machine.cs);
  }

  /** Re-executes the open (unconfirmed) bar for a new tick: everything rolls back to the last
   * confirmed bar first, except varip variables. A tick with a new time opens a new bar. */
  updateBar(tick: Bar, opts: RunOptions = {}): RunResult {
    this.checkUsable();
    this.checkNotWaiting();
    if (this.openTime !== null && tick.time !== this.openTime) {
      throw new InstanceError('bar-order', `Tick at ${tick.time} is for a new bar while the bar at ${this.openTime} is open: confirm it with runBar() first.`);
    }
    const isNew = this.openTime === null;
    if (isNew) {
      const seen = new Map<object, unknown>();
      this.checkpoint = captureTick(this.machine, seen);
      this.tickObjects = objectPairs(seen, 'capture');
      this.openTime = tick.time;
    } else {
      this.rollback();
    }
    const idx = this.confirmed + 1;
    this.machine.f[R.timeNow] = Date.now();
    // The open bar is the chart's last bar.
    if (!this.lastBarMsGiven) this.feed.lastBarMs = tick.time;
    const t = tick;
    this.noteFirstBar(t.time);
    this.feed.enter(idx, t.time, t.open, t.high, t.low, t.close, t.volume ?? NaN, t.timeClose, isNew ? REALTIME_NEW : REALTIME_UPDATE);
    this.pending = { bar: idx, confirm: false };
    // A strategy without calc_on_every_tick runs only when the bar closes (its broker still fills
    // on the tick, in the host step).
    if (!runsOnTicks(this.machine.program)) {
      this.finish(true);
      return { status: 'done', bar: idx };
    }
    return this.go(opts.budget);
  }

  /** Continues a bar stopped by its budget. */
  resume(opts: RunOptions = {}): RunResult {
    this.checkUsable();
    if (!this.pending) throw new InstanceError('not-suspended', 'Nothing to resume: no bar is suspended.');
    return this.go(opts.budget, true);
  }

  private checkUsable(): void {
    if (this.failed) throw this.failed;
    if (magnifierMissing(this.machine.program, this.machine)) {
      throw new InstanceError(
        'magnifier-data',
        'strategy(use_bar_magnifier = true) needs lower-timeframe bars: give them (CLI: --magnifier-data lower.csv; API: Instance.setMagnifierBars), or set use_bar_magnifier = false.',
      );
    }
  }

  /** Lower-timeframe bars for strategy(use_bar_magnifier = true): the broker fills orders on their
   * intrabar paths inside each chart bar (host data: give them again to a restored instance). */
  setMagnifierBars(bars: BarColumns): void {
    setMagnifierBars(this.machine, bars);
  }

  private go(budget: number | undefined, resuming = false): RunResult {
    const m = this.machine;
    const p = this.pending;
    if (!p) throw new InstanceError('internal', 'No bar to run.');
    if (this.waiting !== null) this.checkNotWaiting();
    if (!resuming) m.startBar();
    let done: boolean;
    try {
      if (budget === undefined) while (!m.exec(0x7fffffff));
      done = budget === undefined ? true : m.exec(Math.max(0, budget));
    } catch (e) {
      if (e instanceof DataNeeded) {
        // A host call: the bar stops at its request (pc kept), as a budget yield.
        this.waiting = e.request;
        return { status: 'needs-data', bar: p.bar, request: e.request };
      }
      if (e instanceof PineRuntimeError) this.failed = e;
      this.pending = null;
      throw e;
    }
    if (!done) return { status: 'yielded', bar: p.bar };
    m.aheadCols = null;
    this.finish(true);
    return { status: 'done', bar: p.bar };
  }

  private finish(done: boolean): void {
    const p = this.pending;
    if (!done || !p) return;
    this.feed.leave();
    if (p.confirm) {
      this.confirmed = p.bar;
      this.lastTime = this.machine.f[R.time] as number;
    }
    this.pending = null;
    // On bars 0, 1, 3, 7, 15, ...: a logarithmic number of looks over a run of single bars.
    if (!this.shapesKept && (p.bar & (p.bar + 1)) === 0) this.keepShapes();
  }

  /** time_close of a bar opening at `t` (see BarFeed.closeTimeOf). */
  closeTimeOf(t: number): number {
    return this.feed.closeTimeOf(t);
  }

  /** Restores the last confirmed state (state-ops.ts), keeping varip variables. */
  private rollback(): void {
    if (!this.checkpoint) return;
    // A strategy's broker is not rolled back: its fills on realtime ticks stand (strategy-step.ts).
    const kept = this.machine.host[TICK_KEPT];
    this.tickObjects = rollbackTick(this.machine, this.checkpoint, this.varip, { pairs: this.tickObjects, fields: this.varipFields });
    if (kept !== undefined) this.machine.host[TICK_KEPT] = kept;
  }
}

const DONE: RunBarsResult = { status: 'done' };

/** The smallest valid program (an empty script body), for the shape exemplars below. */
function emptyProgram(): Program {
  return {
    format: 1,
    version: 6,
    meta: { kind: 'indicator', title: '', shorttitle: '', overlay: false, precision: null, format: null, maxBarsBack: 0, version: 6, options: {} },
    code: Int32Array.of(0),
    consts: new Float64Array(0),
    strings: [],
    functions: [{ id: 0, name: 'main', entry: 0, nVarF: 0, nVarO: 0, nSer: 0, nCs: 0, series: [], calls: [], varipF: [], varipO: [] }],
    builtins: [],
    nRegs: 24,
    preload: [],
    barSeries: [],
    outputs: [],
    inputs: [],
    spans: new Int32Array(1),
    source: '',
    globals: [],
    loopRegs: [],
  };
}

// Exemplars of Instance, Machine and OutputStore stay alive so that their hidden classes survive
// the death of every real instance (see runtime/shapes.ts).
keepExemplar(
  'Instance',
  new Instance(
    new Machine(emptyProgram(), {
      syminfo: { ...DEFAULT_SYMBOL },
      timeframe: { period: '1D', multiplier: 1, unit: 'D' },
      limits: { ...DEFAULT_LIMITS },
      outputs: new OutputStore([], 0, 1),
      rngSeed: 0,
    }),
    [],
    null,
  ),
);
