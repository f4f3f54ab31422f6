// What a snapshot body holds, and the two mirror functions that build it from a running machine
// and check it back into fresh state. The body is
//   { program: <packed Program>, env: { inputs, symbol, timeframe, limits },
//     graph: <flat object table of the machine state>, outputs: <columns> | null }
// Plot history is left out unless asked for (its size grows with bars; nothing needs it to go on).

import type { Program } from '../bytecode/program.js';
import type { Limits, SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import type { SeriesF, SeriesO } from '../core/series.js';
import type { PineRuntimeErrorData } from '../core/errors.js';
import {
  STATE_FIELDS,
  STATE_KEYS,
  type ExecState,
  type FieldShape,
  type InputValue,
  type ScriptState,
  type StateLayout,
  type TickState,
} from '../core/state.js';
import { hash64 } from './checksum.js';
import { packr, SnapshotError } from './format.js';
import { decodeGraph, encodeGraph, GraphError, type EncodedGraph } from './graph.js';
import { arr, bad, num, obj, str, typed, validateProgram } from './validate.js';
import { capFor } from '../core/series.js';
import { msgpackBoundsError } from './bounds.js';
import { checkProgramWhole } from './program-check.js';
import { checkSlotValue, checkStateValues } from './state-types.js';

export type { ExecState, TickState };

export interface Env {
  inputs: InputValue[];
  symbol: SymbolInfo;
  timeframe: TimeframeInfo;
  limits: Limits;
}

/** A snapshot's state: the instance's bookkeeping around THE state record (core/state.ts), whose
 * fields sit between `lastTime` and `exec` in the record's table order. */
export type MachineState = {
  bar: number;
  confirmed: number;
  /** last_bar_index given by the host (NaN when unknown). */
  lastBar: number;
  /** Open time of the last confirmed bar (NaN before the first): a resume checks its data. */
  lastTime: number;
} & ScriptState & {
  exec: ExecState | null;
  /** The open realtime bar: its time, the state its ticks roll back to and, flat, the pairs of
   * live UDT objects and their checkpoint copies (so `varip` fields survive a restore). */
  open: { time: number; checkpoint: TickState; objects?: unknown[] } | null;
  failed: PineRuntimeErrorData | null;
  /** Values of the script's global variables at the last bar, for `evergreen inspect`. */
  globals: unknown[];
};

export interface OutputsState {
  firstBar: number;
  length: number;
  time: Float64Array;
  columns: Float64Array[][];
}

export interface Body {
  program: Uint8Array;
  env: Env;
  graph: EncodedGraph;
  outputs: OutputsState | null;
}

/** Identity of a run: the program with its inputs, symbol and timeframe (not resource limits). */
export function programHash(programBytes: Uint8Array, env: Env): string {
  const envBytes = packr.pack({ inputs: env.inputs, symbol: env.symbol, timeframe: env.timeframe });
  const all = new Uint8Array(programBytes.length + envBytes.length);
  all.set(programBytes, 0);
  all.set(envBytes, programBytes.length);
  return hash64(all);
}

/** msgpackr hands out Node Buffers in Node and Uint8Arrays in browsers; they encode differently,
 * so every byte array that goes into a body is a plain Uint8Array (one encoding everywhere). */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function packProgram(p: Program): Uint8Array {
  return plainBytes(packr.pack(p).slice());
}

export function encodeBody(programBytes: Uint8Array, env: Env, state: MachineState, outputs: OutputsState | null): Uint8Array {
  let graph: EncodedGraph;
  try {
    graph = encodeGraph(state);
  } catch (e) {
    if (e instanceof GraphError) throw new SnapshotError('corrupt', `cannot save the state: ${e.message}`);
    throw e;
  }
  const body: Body = { program: programBytes, env, graph, outputs };
  return packr.pack(body).slice();
}

export interface DecodedBody {
  program: Program;
  programBytes: Uint8Array;
  env: Env;
  state: MachineState;
  outputs: OutputsState | null;
}

/** Checks a decoded body against its own program; throws SnapshotError('corrupt') on anything odd. */
export function decodeBody(raw: unknown): DecodedBody {
  const b = obj(raw, 'body');
  const programBytes = plainBytes(typed(b.program, Uint8Array, 'body.program'));
  const unbounded = msgpackBoundsError(programBytes, 0, programBytes.length, 'body.program');
  if (unbounded !== null) bad('body.program', unbounded.slice('body.program '.length));
  let programRaw: unknown;
  try {
    programRaw = packr.unpack(programBytes);
  } catch (e) {
    bad('body.program', `does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
  const program = validateProgram(programRaw);
  checkProgramWhole(program);
  const env = checkEnv(b.env, program);
  let stateRaw: unknown;
  try {
    const g = obj(b.graph, 'body.graph');
    stateRaw = decodeGraph({ table: arr(g.table, 'body.graph.table') as EncodedGraph['table'], root: g.root });
  } catch (e) {
    if (e instanceof GraphError) bad('body.graph', e.message);
    throw e;
  }
  const state = checkState(stateRaw, program);
  const outputs = b.outputs === null ? null : checkOutputs(b.outputs, program);
  return { program, programBytes, env, state, outputs };
}

function checkEnv(v: unknown, program: Program): Env {
  const e = obj(v, 'body.env');
  const inputs = arr(e.inputs, 'body.env.inputs', program.inputs.length);
  inputs.forEach((x, i) => {
    if (typeof x !== 'number' && typeof x !== 'string' && typeof x !== 'boolean') bad(`body.env.inputs[${i}]`, 'is not a number, string or bool');
  });
  const s = obj(e.symbol, 'body.env.symbol');
  for (const k of ['ticker', 'tickerid', 'timezone', 'session']) str(s[k], `body.env.symbol.${k}`);
  num(s.mintick, 'body.env.symbol.mintick', { min: 0 });
  const tf = obj(e.timeframe, 'body.env.timeframe');
  str(tf.period, 'body.env.timeframe.period');
  num(tf.multiplier, 'body.env.timeframe.multiplier', { min: 0 });
  const l = obj(e.limits, 'body.env.limits');
  num(l.loopMs, 'body.env.limits.loopMs', { min: 0 });
  num(l.maxBarsBack, 'body.env.limits.maxBarsBack', { int: true, min: 0, max: 1 << 20 });
  num(l.maxLogs, 'body.env.limits.maxLogs', { int: true, min: 0 });
  return e as unknown as Env;
}

/** Expected kind and capacity of every absolute series slot, from the program layout. */
function seriesLayout(program: Program, maxBarsBack: number): { kind: 'f' | 'o'; cap: number }[] {
  const main = program.functions[0];
  const out: { kind: 'f' | 'o'; cap: number }[] = new Array<{ kind: 'f' | 'o'; cap: number }>(main ? main.nSer : 0);
  const stack = [{ fn: 0, base: 0 }];
  while (stack.length > 0) {
    const it = stack.pop();
    if (!it) break;
    const info = program.functions[it.fn];
    if (!info) continue;
    for (const s of info.series) {
      const depth = s.dynamic ? Math.max(maxBarsBack, s.maxOffset) : s.maxOffset;
      out[it.base + s.slot] = { kind: s.kind, cap: capFor(depth) };
    }
    for (const c of info.calls) stack.push({ fn: c.fn, base: it.base + c.serOff });
  }
  return out;
}

function checkSeries(v: unknown, program: Program, maxBarsBack: number, field: string): (SeriesF | SeriesO)[] {
  // The list is in the file: its length is checked before the layout is built at that size.
  const list = arr(v, field, program.functions[0]?.nSer ?? 0);
  const layout = seriesLayout(program, maxBarsBack);
  list.forEach((s, i) => {
    const spec = layout[i];
    const o = obj(s, `${field}[${i}]`);
    if (!spec) bad(`${field}[${i}]`, 'has no place in the program layout');
    if (spec.kind === 'f') typed(o.buf, Float64Array, `${field}[${i}].buf`, spec.cap);
    else arr(o.buf, `${field}[${i}].buf`, spec.cap).forEach((x, j) => checkSlotValue(x, `${field}[${i}].buf[${j}]`));
    num(o.mask, `${field}[${i}].mask`, { int: true, min: spec.cap - 1, max: spec.cap - 1 });
    num(o.head, `${field}[${i}].head`, { int: true, min: 0, max: spec.cap - 1 });
    num(o.count, `${field}[${i}].count`, { int: true, min: 0 });
    num(o.bar, `${field}[${i}].bar`, { int: true, min: -1 });
  });
  return list as (SeriesF | SeriesO)[];
}

function layoutOf(program: Program): StateLayout {
  const main = program.functions[0];
  return { nVarF: main?.nVarF ?? 0, nVarO: main?.nVarO ?? 0, nCs: main?.nCs ?? 0 };
}

/** Checks one field of the record by its shape (core/state.ts); series are checked later, against
 * the limits the snapshot was taken with (checkStateSeries). */
function checkField(v: unknown, shape: FieldShape, layout: StateLayout, field: string): void {
  switch (shape.type) {
    case 'f64':
      typed(v, Float64Array, field, layout[shape.length]);
      return;
    case 'list':
      arr(v, field, layout[shape.length]);
      return;
    case 'u32':
      typed(v, Uint32Array, field, shape.length);
      return;
    case 'series':
      return;
    case 'journal':
      arr(v, field).forEach((l, i) => {
        const o = obj(l, `${field}[${i}]`);
        num(o.bar, `${field}[${i}].bar`, { int: true, min: 0 });
        str(o.message, `${field}[${i}].message`);
      });
      return;
    case 'record':
      obj(v, field);
      return;
  }
}

/** Fills the fields a snapshot written before they existed lacks (their rule's `missing` value), and
 * renames the open bar's series positions from their first name (`serPos`). */
function upgradeFields(o: Record<string, unknown>, tick: boolean): void {
  if (tick && o.ser === undefined && o.serPos !== undefined) {
    o.ser = o.serPos;
    delete o.serPos;
  }
  for (const k of STATE_KEYS) {
    const missing = STATE_FIELDS[k].missing;
    if (o[k] === undefined && missing !== null) o[k] = missing();
  }
}

function checkTick(v: unknown, program: Program, maxBarsBack: number, field: string): TickState {
  const t = obj(v, field);
  upgradeFields(t, true);
  const layout = layoutOf(program);
  for (const k of STATE_KEYS) {
    const rule = STATE_FIELDS[k];
    const at = `${field}.${k}`;
    if (rule.tick === 'copy') checkField(t[k], rule.shape, layout, at);
    else if (rule.tick === 'journal') num(t[k], at, { int: true, min: 0 });
    else {
      const series = seriesLayout(program, maxBarsBack);
      const pos = typed(t[k], Float64Array, at, series.length * 3);
      series.forEach((spec, i) => {
        num(pos[i * 3], `${at}[${i * 3}]`, { int: true, min: 0, max: spec.cap - 1 });
        num(pos[i * 3 + 1], `${at}[${i * 3 + 1}]`, { int: true, min: 0 });
        num(pos[i * 3 + 2], `${at}[${i * 3 + 2}]`, { int: true, min: -1 });
      });
    }
  }
  return t as unknown as TickState;
}

function checkState(v: unknown, program: Program): MachineState {
  const s = obj(v, 'state');
  upgradeFields(s, false);
  num(s.bar, 'state.bar', { int: true, min: -1 });
  num(s.confirmed, 'state.confirmed', { int: true, min: -1 });
  num(s.lastBar, 'state.lastBar', { nan: true });
  num(s.lastTime, 'state.lastTime', { nan: true });
  const layout = layoutOf(program);
  for (const k of STATE_KEYS) checkField(s[k], STATE_FIELDS[k].shape, layout, `state.${k}`);
  if (s.exec !== null) {
    const e = obj(s.exec, 'state.exec');
    num(e.pc, 'state.exec.pc', { int: true, min: 0, max: program.code.length - 1 });
    const frames = arr(e.frames, 'state.exec.frames');
    if (frames.length % 5 !== 0) bad('state.exec.frames', 'is not a list of whole frames');
    frames.forEach((x, i) => num(x, `state.exec.frames[${i}]`, { int: true, min: 0 }));
    for (const k of ['vb', 'ob', 'sb', 'cb']) num(e[k], `state.exec.${k}`, { int: true, min: 0 });
    typed(e.f, Float64Array, 'state.exec.f', program.nRegs);
    arr(e.o, 'state.exec.o', program.nRegs);
    num(e.pendingBar, 'state.exec.pendingBar', { int: true, min: 0 });
    if (typeof e.confirm !== 'boolean') bad('state.exec.confirm', 'is not a bool');
  }
  if (s.failed !== null) obj(s.failed, 'state.failed');
  arr(s.globals, 'state.globals', program.globals.length);
  checkStateValues(s, program);
  return s as unknown as MachineState;
}

/** Checks the series of a decoded state (and of its open-bar copy) against the layout. */
export function checkStateSeries(state: MachineState, program: Program, maxBarsBack: number): void {
  checkSeries(state.ser, program, maxBarsBack, 'state.ser');
  if (state.open !== null) {
    const o = obj(state.open, 'state.open');
    num(o.time, 'state.open.time');
    checkTick(o.checkpoint, program, maxBarsBack, 'state.open.checkpoint');
    if (o.objects !== undefined) {
      const list = arr(o.objects, 'state.open.objects');
      if (list.length % 2 !== 0) bad('state.open.objects', 'has an odd length');
      list.forEach((x, i) => {
        const v = obj(x, `state.open.objects[${i}]`);
        if (v.kind !== 'object') bad(`state.open.objects[${i}]`, 'is not an object of a user-defined type');
      });
    }
  }
}

function checkOutputs(v: unknown, program: Program): OutputsState {
  const o = obj(v, 'body.outputs');
  num(o.firstBar, 'body.outputs.firstBar', { int: true, min: 0 });
  const length = num(o.length, 'body.outputs.length', { int: true, min: 0 });
  typed(o.time, Float64Array, 'body.outputs.time', length);
  const cols = arr(o.columns, 'body.outputs.columns', program.outputs.length);
  cols.forEach((chs, i) => {
    const info = program.outputs[i];
    arr(chs, `body.outputs.columns[${i}]`, info?.channels.length ?? 0).forEach((c, j) =>
      typed(c, Float64Array, `body.outputs.columns[${i}][${j}]`, length),
    );
  });
  return o as unknown as OutputsState;
}
