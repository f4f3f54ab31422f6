// The compiled program: plain, serializable data (embedded in every snapshot). Nothing here refers
// to functions or closures; builtins are named (name + overload) and resolved when an Instance is
// built, so a program compiled by one VM build is checked, not trusted, by another.

import type { OutputKind } from '../core/types.js';

export const PROGRAM_FORMAT = 1;

export interface SeriesSpec {
  /** Slot relative to the owning function's series base. */
  slot: number;
  /** 'f' numeric, 'o' object. */
  kind: 'f' | 'o';
  /** Largest constant history offset read. */
  maxOffset: number;
  /** Read with a non-constant offset: keeps max_bars_back values. */
  dynamic: boolean;
}

/** A call site's block of state inside its caller's layout. */
export interface CallBlock {
  fn: number;
  varOff: number;
  objOff: number;
  serOff: number;
  csOff: number;
}

export interface FunctionInfo {
  id: number;
  /** Source name with its specialisation, e.g. `f(float,int)`; `main` for the script body. */
  name: string;
  entry: number;
  /** Sizes of this function's state block, nested call blocks included. */
  nVarF: number;
  nVarO: number;
  nSer: number;
  nCs: number;
  series: SeriesSpec[];
  calls: CallBlock[];
  /** Var slots (relative) that are varip: kept on realtime rollback. */
  varipF: number[];
  varipO: number[];
}

export interface BuiltinRef {
  name: string;
  overload: number;
  /** The signature text at compile time; checked against the VM's when loading. */
  signature: string;
}

export interface OutputInfo {
  id: number;
  kind: OutputKind;
  title: string;
  /** Names of the per-bar channels recorded by OUT, in register order (e.g. ['value', 'color']). */
  channels: string[];
  /** Options known at compile time (const arguments): color, style, linewidth, location, shape, … */
  options: Record<string, string | number | boolean | null>;
  /** Source offset of the call, for messages. */
  span: [number, number];
}

export type InputKind =
  | 'int'
  | 'float'
  | 'bool'
  | 'string'
  | 'color'
  | 'source'
  | 'timeframe'
  | 'symbol'
  | 'price'
  | 'time'
  | 'session'
  | 'text_area'
  | 'enum';

export interface InputInfo {
  id: number;
  kind: InputKind;
  title: string;
  /** Variable the input is assigned to (`len = input.int(...)`), for host overrides by name. */
  varName: string | null;
  defval: string | number | boolean;
  options: (string | number)[] | null;
  minval: number | null;
  maxval: number | null;
  step: number | null;
  tooltip: string | null;
  group: string | null;
  inline: string | null;
  /** Register preloaded with the value when an instance is built. */
  reg: number;
}

export interface ScriptMeta {
  kind: 'indicator' | 'strategy' | 'library';
  title: string;
  shorttitle: string;
  overlay: boolean;
  precision: number | null;
  format: string | null;
  maxBarsBack: number;
  version: number;
  /** Remaining const arguments of indicator()/strategy(), by name. */
  options: Record<string, string | number | boolean | null>;
}

/** Registers preloaded once when an instance is built (constants, constant arguments of call
 * sites, const variables). A number goes to f[reg], a string to o[reg], null to both (na). With
 * `boxed`, the value goes to o[reg] as a JS number or boolean (arguments of `any` parameters). */
export interface Preload {
  reg: number;
  value: number | string | null;
  boxed?: 'number' | 'bool';
}

export interface DebugVar {
  name: string;
  /** 'reg' (plain global), 'var' / 'varo' (var slot), for `evergreen inspect`. */
  where: 'reg' | 'var' | 'varo';
  index: number;
  type: string;
}

export interface Program {
  format: number;
  /** Pine version of the source. */
  version: number;
  meta: ScriptMeta;
  code: Int32Array;
  consts: Float64Array;
  strings: string[];
  functions: FunctionInfo[];
  builtins: BuiltinRef[];
  nRegs: number;
  preload: Preload[];
  /** Global series slots fed by the instance at bar start from bar registers (close[1], time[2]…). */
  barSeries: { reg: number; slot: number }[];
  outputs: OutputInfo[];
  inputs: InputInfo[];
  /** pc → source offset of the construct that emitted the instruction (for runtime errors). */
  spans: Int32Array;
  /** The source text (snapshots restore without it, but errors and inspect quote it). */
  source: string;
  globals: DebugVar[];
  /** Loop timer registers (two each: iteration count, start time); cleared on restore. */
  loopRegs: number[];
  /** The `varip` fields of user-defined types (field indices by type name): a realtime rollback
   * keeps their values (runtime/state-ops.ts). Absent in programs that declare none. */
  varipFields?: { type: string; fields: number[] }[];
}
