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
  /** An int that never carries a fraction (a loop counter started and stepped by whole numbers):
   * a builtin's int parameter takes it as it is, without `int()`'s truncation. */
  whole?: boolean;
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
  /** Globals visible where the function was defined (a scope for its body starts from a copy). */
  globals: GlobalSnapshot;
  specs: Map<string, SpecInfo>;
  /** Later declarations of the same name with other parameter types (Pine's user-function
   * overloads); only the first declaration, the one in the scope, has them. */
  overloads?: FuncSym[];
  /** `alias.` of the imported library the function comes from (its body sees the library's
   * types by their short names). */
  lib?: string;
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

/** The symbols declared in one scope (a Map, or a view of the global scope). */
export interface SymTable extends Iterable<[string, Sym]> {
  get(name: string): Sym | undefined;
  has(name: string): boolean;
  set(name: string, sym: Sym): void;
}

/** The global scope's symbols with the order they were declared in, so that a function can see
 * the globals declared before it without a copy of them (a copy per function made compile time
 * and memory grow with the square of the number of functions). */
export class GlobalTable implements SymTable {
  private count = 0;
  /** Every symbol each name was bound to, with the order of the binding. */
  private readonly history = new Map<string, { at: number; sym: Sym }[]>();

  get(name: string): Sym | undefined {
    const h = this.history.get(name);
    return h?.[h.length - 1]?.sym;
  }

  has(name: string): boolean {
    return this.history.has(name);
  }

  set(name: string, sym: Sym): void {
    const entry = { at: this.count++, sym };
    const h = this.history.get(name);
    if (h) h.push(entry);
    else this.history.set(name, [entry]);
  }

  *[Symbol.iterator](): Iterator<[string, Sym]> {
    for (const [name, h] of this.history) {
      const last = h[h.length - 1];
      if (last) yield [name, last.sym];
    }
  }

  /** The table as it is now: later declarations do not show in it. */
  snapshot(): GlobalSnapshot {
    return new GlobalSnapshot(this, this.count);
  }

  /** The symbol `name` was bound to before binding number `before`. */
  boundBefore(name: string, before: number): Sym | undefined {
    const h = this.history.get(name);
    if (!h) return undefined;
    for (let i = h.length - 1; i >= 0; i--) {
      const e = h[i];
      if (e && e.at < before) return e.sym;
    }
    return undefined;
  }

  /** Names in the order of their first binding. */
  names(): IterableIterator<string> {
    return this.history.keys();
  }
}

/** The global symbols as they were at one point (GlobalTable.snapshot). */
export class GlobalSnapshot implements SymTable {
  /** Symbols bound in a scope built on this view (none today; kept apart from the globals). */
  private readonly own = new Map<string, Sym>();
  constructor(
    private readonly table: GlobalTable,
    private readonly before: number,
  ) {}

  get(name: string): Sym | undefined {
    return this.own.get(name) ?? this.table.boundBefore(name, this.before);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, sym: Sym): void {
    this.own.set(name, sym);
  }

  /** A view of the same globals with no symbols of its own: the start of a new scope. */
  copy(): GlobalSnapshot {
    return new GlobalSnapshot(this.table, this.before);
  }

  *[Symbol.iterator](): Iterator<[string, Sym]> {
    for (const name of this.table.names()) {
      const sym = this.get(name);
      if (sym && !this.own.has(name)) yield [name, sym];
    }
    yield* this.own;
  }
}

export class Scope {
  constructor(
    readonly parent: Scope | null,
    readonly fn: FnCtx,
    readonly syms: SymTable = new Map<string, Sym>(),
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
  /** `series` by slot (a search per history read made compile time quadratic in the variables). */
  private readonly seriesBySlot = new Map<number, SeriesSpec>();
  /** Registers this function owns for temporaries; reused after each statement. */
  private readonly temps: number[] = [];
  private tempTop = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly isMain: boolean,
    private readonly newReg: (n: number) => number,
  ) {}

  /** Where the temporaries stand (pool size and top), to tell whether an expression took one. */
  tempPoolMark(): string {
    return `${this.temps.length}:${this.tempTop}`;
  }

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
    const spec: SeriesSpec = { slot, kind, maxOffset: 0, dynamic: false };
    this.series.push(spec);
    this.seriesBySlot.set(slot, spec);
    return slot;
  }

  /** The series of this function at `slot`. */
  seriesAt(slot: number): SeriesSpec | undefined {
    return this.seriesBySlot.get(slot);
  }

  /** Records a history read at a constant `offset`, or at a dynamic one (null). */
  noteOffset(slot: number, offset: number | null): void {
    const spec = this.seriesAt(slot);
    if (!spec) return;
    if (offset === null) spec.dynamic = true;
    else if (offset > spec.maxOffset) spec.maxOffset = offset;
  }
}
