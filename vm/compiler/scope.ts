// Symbols and scopes of the lowering pass, and the per-function compilation context (FnCtx): its
// emitter, its temporaries and the layout of its persistent state (var slots, series, call-site
// states, nested call blocks).

import type * as A from './ast.js';
import type { PType } from './types.js';
import { Emitter, type Label } from '../bytecode/emitter.js';
import type { CallBlock, SeriesSpec } from '../bytecode/program.js';

export interface VarSym {
  kind: 'var';
  name: string;
  type: PType;
  /** 'reg': lives in register `index`; 'slot': lives in var slot `index` (vf or vo by type). */
  storage: 'reg' | 'slot';
  index: number;
  /** Series slot for history reads, or -1. Relative to the owner's series base. */
  ser: number;
  mode: A.DeclMode;
  /** Declared in the script body (main): functions reach it with absolute addressing. */
  global: boolean;
  /** Compile-time value of a const variable that is never reassigned. */
  cv?: number | string | null;
  span: A.Span;
  /** Loop counters and for-in variables cannot be assigned. */
  readonly?: boolean;
  /** Declared with the `const` keyword (`const int N = 5`): it cannot be reassigned either. */
  constDecl?: boolean;
  /** A generic parameter of a function checked without a call: its type is unknown, so reading it
   * gives a value that raises no type errors. */
  unknown?: boolean;
}

export interface FuncSym {
  kind: 'func';
  name: string;
  def: A.FuncDef;
  /** Globals visible where the function was defined. */
  globals: Map<string, Sym>;
  specs: Map<string, SpecInfo>;
  /** Later declarations of the same name with other parameter types (Pine's user-function
   * overloads); only the first declaration, the one in the scope, has them. */
  overloads?: FuncSym[];
}

export interface SpecInfo {
  fnId: number;
  results: PType[];
  resultRegs: number[];
  paramRegs: number[];
  paramTypes: PType[];
  ctx: FnCtx;
}

export type Sym = VarSym | FuncSym;

export class Scope {
  readonly syms = new Map<string, Sym>();
  constructor(
    readonly parent: Scope | null,
    readonly fn: FnCtx,
  ) {}

  lookup(name: string): Sym | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const hit = s.syms.get(name);
      if (hit) return hit;
    }
    return undefined;
  }
}

export interface LoopLabels {
  breakL: Label;
  continueL: Label;
}

export class FnCtx {
  readonly em = new Emitter();
  nVarF = 0;
  nVarO = 0;
  nSer = 0;
  nCs = 0;
  readonly series: SeriesSpec[] = [];
  readonly calls: CallBlock[] = [];
  readonly varipF: number[] = [];
  readonly varipO: number[] = [];
  readonly loops: LoopLabels[] = [];
  /** Registers this function owns for temporaries; reused after each statement. */
  private readonly temps: number[] = [];
  private tempTop = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly isMain: boolean,
    private readonly newReg: (n: number) => number,
  ) {}

  temp(): number {
    if (this.tempTop < this.temps.length) return this.temps[this.tempTop++] ?? this.newReg(1);
    const r = this.newReg(1);
    this.temps.push(r);
    this.tempTop++;
    return r;
  }

  tempMark(): number {
    return this.tempTop;
  }

  tempRelease(mark: number): void {
    this.tempTop = mark;
  }

  newSeries(kind: 'f' | 'o'): number {
    const slot = this.nSer++;
    this.series.push({ slot, kind, maxOffset: 0, dynamic: false });
    return slot;
  }

  /** Records a history read at a constant `offset`, or at a dynamic one (null). */
  noteOffset(slot: number, offset: number | null): void {
    const spec = this.series.find((s) => s.slot === slot);
    if (!spec) return;
    if (offset === null) spec.dynamic = true;
    else if (offset > spec.maxOffset) spec.maxOffset = offset;
  }
}
