// The interpreter. A Machine holds the whole mutable state of one running script — registers, THE
// state record of core/state.ts (var slots, history buffers, call-site states, random generator,
// logs, alerts, host-step state), outputs — and executes
// Program.code one instruction at a time in an explicit loop (pc, frame stack and bases live in
// fields, not on the JS stack), so it can stop after any instruction and resume later.
//
// Cases are numbered literally (V8 builds a jump table only for literal cases); each carries the
// opcode name, and tests/vm/opcodes.test.ts checks the numbers against bytecode/opcodes.ts.

import type { Program } from '../bytecode/program.js';
import type { BuiltinImpl } from '../builtins/registry.js';
import { resolveBuiltins } from './builtin-table.js';
import { LineMap, shortenMessage } from '../core/diagnostics.js';
import type { OutputStore } from './outputs.js';
import { FailSignal, PineRuntimeError, type StackFrame } from '../core/errors.js';
import type {
  AlertEntry,
  Limits,
  LogEntry,
  Runtime,
  SymbolInfo,
  TimeframeInfo,
  VisibleRange,
} from '../core/runtime.js';
import type { HostState, ScriptState } from '../core/state.js';
import type { SeriesF, SeriesO } from '../core/series.js';
import type { BarColumns } from '../data/bars.js';
import { growSeriesF, growSeriesO, newSeriesF, newSeriesO } from '../core/series.js';
import { seedRng } from '../builtins/math.js';
import { MAX_STRING_LENGTH } from '../builtins/limits.js';
import { compileProgram, type Compiled, type CompiledHistory } from './jit.js';
import { ctxEnter, ctxEnterLoop, ctxEnterRun, ctxLeave, ctxLeaveArray, ctxLoop, type LazyRows } from './contexts.js';
import { ctxVars } from './request-vars.js';
import { ctxKey, ctxUnkey } from './request-keys.js';
import { DataNeeded, RequestData, type FeedBars } from './request-data.js';

/** Absolute history buffers for the whole call-site tree, expanded from the functions' layouts. */
export function allocateSeries(program: Program, maxBarsBack: number): (SeriesF | SeriesO)[] {
  const main = program.functions[0];
  const out: (SeriesF | SeriesO)[] = new Array<SeriesF | SeriesO>(main ? main.nSer : 0);
  const stack: { fn: number; base: number }[] = [{ fn: 0, base: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const info = program.functions[item.fn];
    if (!info) continue;
    for (const s of info.series) {
      const depth = s.dynamic ? Math.max(maxBarsBack, s.maxOffset) : s.maxOffset;
      out[item.base + s.slot] = s.kind === 'f' ? newSeriesF(depth) : newSeriesO(depth);
    }
    for (const c of info.calls) stack.push({ fn: c.fn, base: item.base + c.serOff });
  }
  return out;
}

export class Machine implements Runtime, ScriptState {
  // --- Runtime (what builtins see)
  f: Float64Array;
  o: unknown[];
  cs: unknown[];
  bar = -1;
  /** The columns a runBars call is running and the row of the current bar: the confirmed bars
   * ahead, which request.security(lookahead_on) reads on history (runtime/contexts.ts). */
  aheadCols: BarColumns | null = null;
  aheadRow = 0;
  /** Other symbols' bars given by the host (request-data.ts), and each context's (not state). */
  data = new RequestData();
  feeds: (FeedBars | null | undefined)[] = [];
  feedSym: unknown[] = [];
  feedTf: unknown[] = [];
  feedKey: string[] = [];
  /** Own-symbol requests' deferred quiet chart bars during runBars (contexts.ts, LazyRows; not state). */
  lazy: (LazyRows | undefined)[] = [];
  lazySlots: number[] = [];
  lazyOn = false;
  /** The symbol whose bars are in the registers: the chart's, or another symbol's inside its
   * request (runtime/contexts.ts swaps it), and the chart's own. */
  syminfo: SymbolInfo;
  chartSyminfo: SymbolInfo;
  /** The running context's timeframe (the requested one inside a request's expression) and the
   * chart's; the innermost running request's slot (-1: none; runtime/request-state.ts). */
  timeframe: TimeframeInfo;
  chartTimeframe: TimeframeInfo;
  ctxTop = -1;
  version: number;
  limits: Limits;
  rng: Uint32Array;
  logs: LogEntry[] = [];
  alerts: AlertEntry[] = [];
  /** chart.left/right_visible_bar_time (a chart fact, not state: see Runtime). */
  visible: VisibleRange = { left: NaN, right: NaN, first: NaN };

  // --- THE state record (core/state.ts): cs, rng, logs and alerts above, and these. Every path
  // that carries it (runtime/state-ops.ts) walks the record's field table, not these names.
  vf: Float64Array;
  vo: unknown[];
  ser: (SeriesF | SeriesO)[];
  host: HostState = {};

  outputs: OutputStore;

  // --- The loop clock (not part of the state: loop timers restart on restore). Every iteration of
  // every loop counts a tick, nested loops included; a loop looks at the time when 1,024 ticks have
  // passed since it last did (or was entered), at the end of its own iteration, so an outer loop is
  // timed however few iterations it has and however its inner loops are cut up: the outer loop of
  // nested loops counts as one loop, as in TradingView.
  /** [0]: iterations of all loops so far (the loop clock's ticks). A typed array, not a field: the
   * compiled tier holds it in a local, so counting a tick costs what counting one loop's did. */
  loopTicks = new Float64Array(1);
  /** Per timer register r: the tick at which loop r next looks at the time (1,024 ticks after it
   * was entered or last looked). The loop's first register holds the tick it was entered at. */
  loopBase: Float64Array;
  /** Timer registers of loops entered since the clock was last read: stamped at the next reading. */
  private loopPending: number[] = [];
  loopPendingFlag: Uint8Array;

  // --- Execution state: pc is -1 between bars.
  pc = -1;
  frames: number[] = [];
  vb = 0;
  ob = 0;
  sb = 0;
  cb = 0;

  private readonly code: Int32Array;
  private readonly consts: Float64Array;
  private readonly entries: Int32Array;
  private readonly impls: BuiltinImpl[];
  private readonly statefulBuiltin: Uint8Array;
  /** The compiled tier (jit.ts), or null to interpret every instruction; undefined until the first
   * bar needs it (a restore compiles nothing until bars run). */
  private compiled: Compiled | null | undefined;
  private lines: LineMap | null = null;

  constructor(
    readonly program: Program,
    init: {
      syminfo: SymbolInfo;
      timeframe: TimeframeInfo;
      limits: Limits;
      outputs: OutputStore;
      rngSeed: number;
      /** Run the compiled tier when the program has one (default true). */
      compiled?: boolean;
    },
  ) {
    const main = program.functions[0];
    if (!main) throw new Error('Program has no main function.');
    this.code = program.code;
    this.consts = program.consts;
    this.entries = Int32Array.from(program.functions, (fn) => fn.entry);
    const { impls, stateful } = resolveBuiltins(program);
    this.impls = impls;
    this.statefulBuiltin = stateful;
    this.compiled = init.compiled === false ? null : undefined;
    this.f = new Float64Array(program.nRegs).fill(NaN);
    this.loopBase = new Float64Array(program.nRegs);
    this.loopPendingFlag = new Uint8Array(program.nRegs);
    this.o = new Array<unknown>(program.nRegs).fill(null);
    this.cs = new Array<unknown>(main.nCs).fill(undefined);
    this.vf = new Float64Array(main.nVarF);
    this.vo = new Array<unknown>(main.nVarO).fill(null);
    this.syminfo = init.syminfo;
    this.chartSyminfo = init.syminfo;
    this.data.own = init.syminfo;
    // indicator()/strategy()(calc_bars_count = N): the chart's own symbol is requested from the host
    // (its whole data), not folded from the chart's N bars (compiler/lower/request.ts).
    const cbc = program.meta.options.calc_bars_count;
    this.data.wholeOwn = typeof cbc === 'number' && cbc > 0;
    this.timeframe = init.timeframe;
    this.chartTimeframe = init.timeframe;
    this.version = program.version;
    this.limits = init.limits;
    this.ser = allocateSeries(program, init.limits.maxBarsBack);
    this.outputs = init.outputs;
    this.rng = new Uint32Array(4);
    seedRng(this.rng, init.rngSeed);
    this.applyPreload();
  }

  /** Loads constants and constant arguments into their registers. */
  applyPreload(): void {
    const f = this.f;
    const o = this.o;
    for (const p of this.program.preload) {
      if (p.boxed === 'bool') o[p.reg] = p.value === 1;
      else if (p.boxed === 'number') o[p.reg] = p.value === null ? NaN : p.value;
      else if (p.value === null) {
        f[p.reg] = NaN;
        o[p.reg] = null;
      } else if (typeof p.value === 'number') f[p.reg] = p.value;
      else o[p.reg] = p.value;
    }
  }

  fail(code: string, message: string): never {
    throw new FailSignal(code, message);
  }

  /** Starts the bar's script at main's entry. */
  startBar(): void {
    this.pc = this.entries[0] ?? 0;
    if (this.frames.length !== 0) this.frames.length = 0;
    this.vb = 0;
    this.ob = 0;
    this.sb = 0;
    this.cb = 0;
  }

  /** Whether bars run in the compiled tier. */
  get isCompiled(): boolean {
    return this.tier() !== null;
  }

  /** Runs up to `maxSteps` instructions (at most 2^31 - 1 per call). Returns true when the bar's
   * script finished. Both tiers leave the same state after the same number of instructions. */
  exec(maxSteps: number): boolean {
    const c = this.compiled === undefined ? this.tier() : this.compiled;
    return c !== null ? c.exec(this, maxSteps) : this.interpret(maxSteps);
  }

  /** The compiled history loop (jit.ts), or null when bars are interpreted. */
  get history(): CompiledHistory | null {
    const c = this.tier();
    return c === null ? null : c.history;
  }

  private tier(): Compiled | null {
    if (this.compiled === undefined) this.compiled = compileProgram(this.program, this.impls, this.statefulBuiltin);
    return this.compiled;
  }

  /** The interpreter: exec one instruction at a time. */
  interpret(maxSteps: number): boolean {
    let budget = maxSteps >= 0x7fffffff ? 0x7fffffff : maxSteps | 0;
    const outCols = this.outputs.columns;
    let outRow = this.bar - this.outputs.firstBar;
    const code = this.code;
    const consts = this.consts;
    const f = this.f;
    const o = this.o;
    const vf = this.vf;
    const vo = this.vo;
    const ser = this.ser;
    let bar = this.bar;
    const impls = this.impls;
    const statefulBuiltin = this.statefulBuiltin;
    let pc = this.pc;
    let vb = this.vb;
    let ob = this.ob;
    let sb = this.sb;
    let cb = this.cb;
    try {
      for (;;) {
        if (--budget < 0) {
          this.pc = pc;
          this.vb = vb;
          this.ob = ob;
          this.sb = sb;
          this.cb = cb;
          return false;
        }
        switch (code[pc]) {
          case 0: // HALT
            this.pc = -1;
            return true;
          case 1: // CONST_F
            f[code[pc + 1] as number] = consts[code[pc + 2] as number] as number;
            pc += 3;
            break;
          case 2: // MOV_F
            f[code[pc + 1] as number] = f[code[pc + 2] as number] as number;
            pc += 3;
            break;
          case 3: // MOV_O
            o[code[pc + 1] as number] = o[code[pc + 2] as number];
            pc += 3;
            break;
          case 4: // ADD
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) + (f[code[pc + 3] as number] as number);
            pc += 4;
            break;
          case 5: // SUB
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) - (f[code[pc + 3] as number] as number);
            pc += 4;
            break;
          case 6: // MUL
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) * (f[code[pc + 3] as number] as number);
            pc += 4;
            break;
          case 7: {
            // DIV
            const d = f[code[pc + 3] as number] as number;
            f[code[pc + 1] as number] = d === 0 ? NaN : (f[code[pc + 2] as number] as number) / d;
            pc += 4;
            break;
          }
          case 8: {
            // IDIV
            const d = f[code[pc + 3] as number] as number;
            f[code[pc + 1] as number] = d === 0 ? NaN : Math.trunc((f[code[pc + 2] as number] as number) / d);
            pc += 4;
            break;
          }
          case 9: // MOD
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) % (f[code[pc + 3] as number] as number);
            pc += 4;
            break;
          case 10: // NEG
            f[code[pc + 1] as number] = -(f[code[pc + 2] as number] as number);
            pc += 3;
            break;
          case 11: {
            // NOT
            const x = f[code[pc + 2] as number] as number;
            f[code[pc + 1] as number] = x === x && x !== 0 ? 0 : 1;
            pc += 3;
            break;
          }
          case 12: // LT
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) < (f[code[pc + 3] as number] as number) ? 1 : 0;
            pc += 4;
            break;
          case 13: // LE
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) <= (f[code[pc + 3] as number] as number) ? 1 : 0;
            pc += 4;
            break;
          case 14: // GT
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) > (f[code[pc + 3] as number] as number) ? 1 : 0;
            pc += 4;
            break;
          case 15: // GE
            f[code[pc + 1] as number] = (f[code[pc + 2] as number] as number) >= (f[code[pc + 3] as number] as number) ? 1 : 0;
            pc += 4;
            break;
          case 16: // EQ
            f[code[pc + 1] as number] = f[code[pc + 2] as number] === f[code[pc + 3] as number] ? 1 : 0;
            pc += 4;
            break;
          case 17: {
            // NE
            const x = f[code[pc + 2] as number] as number;
            const y = f[code[pc + 3] as number] as number;
            f[code[pc + 1] as number] = x === x && y === y && x !== y ? 1 : 0;
            pc += 4;
            break;
          }
          case 18: {
            // EQ_O
            const x = o[code[pc + 2] as number];
            const y = o[code[pc + 3] as number];
            f[code[pc + 1] as number] = x !== null && y !== null && x === y ? 1 : 0;
            pc += 4;
            break;
          }
          case 19: {
            // NE_O
            const x = o[code[pc + 2] as number];
            const y = o[code[pc + 3] as number];
            f[code[pc + 1] as number] = x !== null && y !== null && x !== y ? 1 : 0;
            pc += 4;
            break;
          }
          case 20: {
            // CONCAT
            const x = o[code[pc + 2] as number];
            const y = o[code[pc + 3] as number];
            o[code[pc + 1] as number] = typeof x === 'string' && typeof y === 'string' ? (x.length + y.length > MAX_STRING_LENGTH ? this.concatTooLong(x, y) : x + y) : null;
            pc += 4;
            break;
          }
          case 21: {
            // TO_BOOL
            const x = f[code[pc + 2] as number] as number;
            f[code[pc + 1] as number] = x === x && x !== 0 ? 1 : 0;
            pc += 3;
            break;
          }
          case 22: // JMP
            pc = code[pc + 1] as number;
            break;
          case 23: {
            // JF
            const x = f[code[pc + 1] as number] as number;
            pc = x === x && x !== 0 ? pc + 3 : (code[pc + 2] as number);
            break;
          }
          case 24: {
            // JT
            const x = f[code[pc + 1] as number] as number;
            pc = x === x && x !== 0 ? (code[pc + 2] as number) : pc + 3;
            break;
          }
          case 25: // LD_V
            f[code[pc + 1] as number] = vf[vb + (code[pc + 2] as number)] as number;
            pc += 3;
            break;
          case 26: // ST_V
            vf[vb + (code[pc + 1] as number)] = f[code[pc + 2] as number] as number;
            pc += 3;
            break;
          case 27: // LD_VO
            o[code[pc + 1] as number] = vo[ob + (code[pc + 2] as number)];
            pc += 3;
            break;
          case 28: // ST_VO
            vo[ob + (code[pc + 1] as number)] = o[code[pc + 2] as number];
            pc += 3;
            break;
          case 29: {
            // VAR_INIT
            const at = vb + (code[pc + 1] as number);
            if (vf[at] === 1) pc = code[pc + 2] as number;
            else {
              vf[at] = 1;
              pc += 3;
            }
            break;
          }
          case 30: {
            // SER_SET
            const s = ser[sb + (code[pc + 1] as number)] as SeriesF;
            if (s.bar !== bar) {
              s.bar = bar;
              s.head = (s.head + 1) & s.mask;
              if (s.head === s.buf.length) growSeriesF(s);
              if (s.count < 0x7fffffff) s.count++;
            }
            s.buf[s.head] = f[code[pc + 2] as number] as number;
            pc += 3;
            break;
          }
          case 31: {
            // SER_SET_O
            const s = ser[sb + (code[pc + 1] as number)] as SeriesO;
            if (s.bar !== bar) {
              s.bar = bar;
              s.head = (s.head + 1) & s.mask;
              if (s.head === s.buf.length) growSeriesO(s);
              if (s.count < 0x7fffffff) s.count++;
            }
            s.buf[s.head] = o[code[pc + 2] as number];
            pc += 3;
            break;
          }
          case 32: {
            // SER_GET
            const s = ser[sb + (code[pc + 2] as number)] as SeriesF;
            const k = f[code[pc + 3] as number] as number;
            // Fast path: a whole offset within the buffer (histF checks and reports the rest).
            if (k >>> 0 === k && k < s.mask) f[code[pc + 1] as number] = k < s.count ? (s.buf[(s.head - k) & s.mask] as number) : NaN;
            else f[code[pc + 1] as number] = this.histF(s, k);
            pc += 4;
            break;
          }
          case 33: {
            // SER_GET_K
            const s = ser[sb + (code[pc + 2] as number)] as SeriesF;
            const k = code[pc + 3] as number;
            f[code[pc + 1] as number] = k < s.count ? (s.buf[(s.head - k) & s.mask] as number) : NaN;
            pc += 4;
            break;
          }
          case 34: // SER_GET_O
            o[code[pc + 1] as number] = this.histO(ser[sb + (code[pc + 2] as number)] as SeriesO, f[code[pc + 3] as number] as number);
            pc += 4;
            break;
          case 35: {
            // SER_GET_OK
            const s = ser[sb + (code[pc + 2] as number)] as SeriesO;
            const k = code[pc + 3] as number;
            o[code[pc + 1] as number] = k < s.count ? s.buf[(s.head - k) & s.mask] : null;
            pc += 4;
            break;
          }
          case 36: // LD_GV
            f[code[pc + 1] as number] = vf[code[pc + 2] as number] as number;
            pc += 3;
            break;
          case 37: // LD_GVO
            o[code[pc + 1] as number] = vo[code[pc + 2] as number];
            pc += 3;
            break;
          case 38: // SER_GET_G
            f[code[pc + 1] as number] = this.histF(ser[code[pc + 2] as number] as SeriesF, f[code[pc + 3] as number] as number);
            pc += 4;
            break;
          case 39: {
            // SER_GET_GK
            const s = ser[code[pc + 2] as number] as SeriesF;
            const k = code[pc + 3] as number;
            f[code[pc + 1] as number] = k < s.count ? (s.buf[(s.head - k) & s.mask] as number) : NaN;
            pc += 4;
            break;
          }
          case 40: // SER_GET_GO
            o[code[pc + 1] as number] = this.histO(ser[code[pc + 2] as number] as SeriesO, f[code[pc + 3] as number] as number);
            pc += 4;
            break;
          case 41: {
            // SER_GET_GOK
            const s = ser[code[pc + 2] as number] as SeriesO;
            const k = code[pc + 3] as number;
            o[code[pc + 1] as number] = k < s.count ? s.buf[(s.head - k) & s.mask] : null;
            pc += 4;
            break;
          }
          case 42: // MOV_FI
            f[code[pc + 1] as number] = f[f[code[pc + 2] as number] as number] as number;
            pc += 3;
            break;
          case 43: {
            // CALLB
            const n = code[pc + 1] as number;
            const s = code[pc + 4] as number;
            (impls[n] as BuiltinImpl)(this, code[pc + 2] as number, code[pc + 3] as number, statefulBuiltin[n] === 1 ? cb + s : s);
            pc += 5;
            break;
          }
          case 44: {
            // CALL
            this.frames.push(pc + 6, vb, ob, sb, cb);
            vb += code[pc + 2] as number;
            ob += code[pc + 3] as number;
            sb += code[pc + 4] as number;
            cb += code[pc + 5] as number;
            pc = this.entries[code[pc + 1] as number] as number;
            break;
          }
          case 45: {
            // OUT
            const cols = outCols[code[pc + 1] as number] as Float64Array[];
            const base = code[pc + 2] as number;
            if (cols.length === 1) (cols[0] as Float64Array)[outRow] = f[base] as number;
            else for (let j = 0; j < cols.length; j++) (cols[j] as Float64Array)[outRow] = f[base + j] as number;
            pc += 3;
            break;
          }
          case 46: {
            // RET
            const fr = this.frames;
            cb = fr.pop() as number;
            sb = fr.pop() as number;
            ob = fr.pop() as number;
            vb = fr.pop() as number;
            pc = fr.pop() as number;
            break;
          }
          case 47: {
            // LOOP_ENTER
            const r = code[pc + 1] as number;
            f[r] = this.loopTicks[0] as number;
            f[r + 1] = NaN;
            this.loopEnter(r);
            pc += 2;
            break;
          }
          case 48: {
            // LOOP_CHECK
            const r = code[pc + 1] as number;
            const t = (this.loopTicks[0] as number) + 1;
            this.loopTicks[0] = t;
            if (t >= (this.loopBase[r] as number)) {
              this.pc = pc;
              this.loopCheck(r);
            }
            pc += 2;
            break;
          }
          case 49: {
            // SELECT_F
            const c = f[code[pc + 2] as number] as number;
            f[code[pc + 1] as number] = c === c && c !== 0 ? (f[code[pc + 3] as number] as number) : (f[code[pc + 4] as number] as number);
            pc += 5;
            break;
          }
          case 50: {
            // SELECT_O
            const c = f[code[pc + 2] as number] as number;
            o[code[pc + 1] as number] = c === c && c !== 0 ? o[code[pc + 3] as number] : o[code[pc + 4] as number];
            pc += 5;
            break;
          }
          case 51: {
            // BOX
            const x = f[code[pc + 2] as number] as number;
            o[code[pc + 1] as number] = code[pc + 3] === 1 ? x === x && x !== 0 : x;
            pc += 4;
            break;
          }
          case 52: // NA_BOTH
            f[code[pc + 1] as number] = NaN;
            o[code[pc + 1] as number] = null;
            pc += 2;
            break;
          case 53: {
            // FOR_TEST
            const i = f[code[pc + 2] as number] as number;
            const to = f[code[pc + 3] as number] as number;
            if ((f[code[pc + 1] as number] as number) !== 0 ? i <= to : i >= to) {
              const r = code[pc + 4] as number;
              const t = (this.loopTicks[0] as number) + 1;
              this.loopTicks[0] = t;
              if (t >= (this.loopBase[r] as number)) {
                this.pc = pc;
                this.loopCheck(r);
              }
              pc += 6;
            } else pc = code[pc + 5] as number;
            break;
          }
          case 54: {
            // FOR_STEP
            const r = code[pc + 1] as number;
            f[r] = (f[r] as number) + (f[code[pc + 2] as number] as number);
            pc = code[pc + 3] as number;
            break;
          }
          case 55: {
            // NZ
            const a = code[pc + 2] as number;
            const x = f[a] as number;
            f[code[pc + 1] as number] = x === x ? x : (f[a + 1] as number);
            pc += 3;
            break;
          }
          case 56:
            // CTX_IN
            bar = ctxEnter(this, cb + (code[pc + 1] as number), o[code[pc + 2] as number], code[pc + 3] as number < 0 ? null : o[code[pc + 3] as number], code[pc + 4] as number);
            pc += 5;
            break;
          case 57:
            // CTX_OUT
            bar = ctxLeave(this, cb + (code[pc + 1] as number), code[pc + 2] as number, code[pc + 3] as number, code[pc + 4] as number);
            outRow = bar - this.outputs.firstBar;
            pc += 5;
            break;
          case 58: {
            // CTX_LOOP
            const k = ctxLoop(this, cb + (code[pc + 1] as number), code[pc + 2] as number, code[pc + 3] as number);
            if (k < 0) pc = code[pc + 4] as number;
            else {
              bar = k;
              pc += 5;
            }
            break;
          }
          case 59:
            // CTX_OUT_ARR
            bar = ctxLeaveArray(this, cb + (code[pc + 1] as number), code[pc + 3] as number, o, code[pc + 4] as number);
            outRow = bar - this.outputs.firstBar;
            pc += 5;
            break;
          case 60: {
            // CTX_IN_RUN
            const k = ctxEnterRun(this, cb + (code[pc + 2] as number), o[code[pc + 3] as number], code[pc + 4] as number);
            f[code[pc + 1] as number] = k >= 0 ? 1 : 0;
            if (k >= 0) bar = k;
            pc += 5;
            break;
          }
          case 61: {
            // CTX_IN_LOOP
            const k = ctxEnterLoop(this, cb + (code[pc + 1] as number), o[code[pc + 2] as number], code[pc + 3] as number < 0 ? null : o[code[pc + 3] as number], code[pc + 4] as number);
            if (k < 0) pc = code[pc + 5] as number;
            else {
              bar = k;
              pc += 6;
            }
            break;
          }
          case 62: {
            // CTX_NEXT
            const k = ctxLoop(this, cb + (code[pc + 1] as number), code[pc + 2] as number, code[pc + 3] as number);
            if (k >= 0) {
              bar = k;
              pc = code[pc + 4] as number;
            } else pc += 5;
            break;
          }
          case 63:
            // CTX_VARS
            ctxVars(this, cb + (code[pc + 1] as number), bar, vb + (code[pc + 2] as number), code[pc + 3] as number, ob + (code[pc + 4] as number), code[pc + 5] as number);
            pc += 6;
            break;
          case 64: {
            // CTX_KEY
            const y = code[pc + 2] as number;
            ctxKey(this, cb + (code[pc + 1] as number), y < 0 ? null : o[y], o[code[pc + 3] as number], cb + (code[pc + 4] as number), code[pc + 5] as number, sb + (code[pc + 6] as number), code[pc + 7] as number, vb + (code[pc + 8] as number), code[pc + 9] as number, ob + (code[pc + 10] as number), code[pc + 11] as number);
            pc += 12;
            break;
          }
          case 65:
            // CTX_UNKEY
            ctxUnkey(this, cb + (code[pc + 1] as number));
            pc += 2;
            break;
          default:
            throw new FailSignal('bad-opcode', `Corrupt program: unknown opcode ${code[pc]} at ${pc}.`);
        }
      }
    } catch (e) {
      this.pc = pc;
      this.vb = vb;
      this.ob = ob;
      this.sb = sb;
      this.cb = cb;
      throw this.locate(e, pc);
    }
  }

  /** CTX_IN / CTX_OUT for the compiled tier (runtime/contexts.ts). */
  ctxIn(s: number, tf: unknown, sym: unknown, flags: number): number {
    return ctxEnter(this, s, tf, sym, flags);
  }

  ctxOut(s: number, src: number, dst: number, n: number): number {
    return ctxLeave(this, s, src, dst, n);
  }

  ctxLoop(s: number, src: number, n: number): number {
    return ctxLoop(this, s, src, n);
  }

  ctxInLoop(s: number, tf: unknown, sym: unknown, flags: number): number {
    return ctxEnterLoop(this, s, tf, sym, flags);
  }

  ctxInRun(s: number, tf: unknown, flags: number): number {
    return ctxEnterRun(this, s, tf, flags);
  }

  ctxOutArr(s: number, dst: number, bools: number): number {
    return ctxLeaveArray(this, s, dst, this.o, bools);
  }

  /** f history read with a checked offset (the compiled tier calls it too). */
  histF(s: SeriesF, k: number): number {
    if (k !== k) return NaN;
    // An int offset may carry a fraction (`close[n / 2]`): it counts whole bars, truncated toward zero.
    k = Math.trunc(k);
    this.checkOffset(s.mask, k);
    return k < s.count ? (s.buf[(s.head - k) & s.mask] as number) : NaN;
  }

  histO(s: SeriesO, k: number): unknown {
    if (k !== k) return null;
    k = Math.trunc(k);
    this.checkOffset(s.mask, k);
    return k < s.count ? s.buf[(s.head - k) & s.mask] : null;
  }

  private checkOffset(mask: number, k: number): void {
    if (k < 0 || !Number.isInteger(k)) {
      this.fail('bad-offset', `The history offset must be a non-negative integer, got ${k}.`);
    }
    if (k > mask - 1) {
      this.fail(
        'max-bars-back',
        `The history offset ${k} is beyond the ${mask - 1} bars kept for this series; raise max_bars_back in indicator().`,
      );
    }
  }

  /** The string `+` over Pine's string limit (checked before the string is built). */
  concatTooLong(x: string, y: string): never {
    const n = (x.length + y.length).toLocaleString('en-US');
    return this.fail('string-too-long', `The '+' operator would make a string of ${n} characters: Pine strings hold at most ${MAX_STRING_LENGTH.toLocaleString('en-US')}.`);
  }

  /** A history buffer's advance reached the end of what it has allocated (the compiled tier). */
  growSerF(s: SeriesF): void {
    growSeriesF(s);
  }

  growSerO(s: SeriesO): void {
    growSeriesO(s);
  }

  /** A loop starts (LOOP_ENTER, after its timer registers are cleared): its ticks count from here,
   * and its start time is the clock's next reading (at most ~2,048 ticks away while loops run). */
  loopEnter(r: number): void {
    this.loopBase[r] = (this.loopTicks[0] as number) + 1024;
    if (this.loopPendingFlag[r] === 0) {
      this.loopPendingFlag[r] = 1;
      this.loopPending.push(r);
    }
  }

  /** Loop r has seen 1,024 ticks (its own iterations and its inner loops') since it last looked:
   * reads the clock, stamps the loops entered since the last reading, and fails if loop r has run
   * longer than the limit. */
  loopCheck(r: number): void {
    const now = Date.now();
    const f = this.f;
    const ticks = this.loopTicks[0] as number;
    this.loopBase[r] = ticks + 1024;
    const pending = this.loopPending;
    for (let i = 0; i < pending.length; i++) {
      const q = pending[i] as number;
      this.loopPendingFlag[q] = 0;
      if (f[q + 1] !== f[q + 1]) f[q + 1] = now;
    }
    pending.length = 0;
    const start = f[r + 1] as number;
    if (start !== start) {
      f[r + 1] = now;
      return;
    }
    if (now - start > this.limits.loopMs) {
      const n = ticks - (f[r] as number);
      this.fail('loop-timeout', `The loop took longer than ${this.limits.loopMs} ms (after ${n >= 0 ? n : 'many'} iterations, its inner loops' included).`);
    }
  }

  /** Turns a FailSignal (or an internal error) at `pc` into a PineRuntimeError. */
  locate(e: unknown, pc: number): unknown {
    if (e instanceof PineRuntimeError || e instanceof DataNeeded) return e;
    const code = e instanceof FailSignal ? e.code : 'internal';
    const message = e instanceof FailSignal ? e.message : e instanceof Error ? `Internal error: ${e.message}` : String(e);
    const stack = this.stackAt(pc);
    const top = stack[0] ?? { fn: 'main', line: 0, column: 0 };
    // (A message quoting a script's own string of 40,000 characters stays one readable line.)
    return new PineRuntimeError(code, shortenMessage(message), this.bar, top.line, top.column, stack);
  }

  /** The script call stack at `pc`, innermost first. */
  stackAt(pc: number): StackFrame[] {
    const lines = (this.lines ??= new LineMap(this.program.source));
    const at = (p: number): StackFrame => {
      const off = this.program.spans[p] ?? 0;
      const { line, column } = lines.lineCol(off);
      return { fn: this.fnNameAt(p), line, column };
    };
    const out: StackFrame[] = [at(pc)];
    for (let i = this.frames.length - 5; i >= 0; i -= 5) {
      const ret = this.frames[i] ?? 0;
      out.push(at(ret - 6));
    }
    return out;
  }

  private fnNameAt(pc: number): string {
    let best = 'main';
    let bestEntry = -1;
    for (const fn of this.program.functions) {
      if (fn.entry <= pc && fn.entry > bestEntry) {
        best = fn.name;
        bestEntry = fn.entry;
      }
    }
    return best;
  }
}
