// The shared state of the lowering pass (LowerContext): the program being built (registers,
// constants, strings, builtin references, outputs, inputs, function contexts), the script's
// declaration, and the helpers every concern uses (allocation, constants, moving and converting
// values, diagnostics without repeats). The concerns (statements, expressions, control, calls,
// script-level calls, types) are free functions taking this context; they reach each other's
// recursive entry points (expr, stmts, binaryVals, asBool, defaultArg) through it, so that the
// files of lower/ import only downwards and form no import cycle.
//
// Register discipline: registers are static (no recursion in Pine). Constants and call-site
// constant arguments are preloaded once per instance; temporaries are reused after each statement.

import type * as A from '../ast.js';
import type { DiagnosticSink } from '../diagnostics.js';
import { Qual, baseName, isNumericStorage, t, type PType } from '../types.js';
import { FnCtx, GlobalTable, Scope, type FuncSym } from '../scope.js';
import { Op, OP_LEN } from '../../bytecode/opcodes.js';
import type { BuiltinRef, DebugVar, InputInfo, OutputInfo, Preload, ScriptMeta } from '../../bytecode/program.js';
import { lookupFn, type FnSpec } from '../../builtins/registry.js';
import { assignable, divisionHint } from '../overloads.js';
import { FIXED_REGISTERS } from '../../runtime/runtime.js';

/** A user-defined type: its fields in declaration order (types.ts). */
export interface UdtInfo {
  name: string;
  def: A.TypeDef;
  fields: { name: string; type: PType; def: A.FieldDef }[];
}

/** An enum: its members in declaration order (a value is the member's index) and their titles. */
export interface EnumInfo {
  name: string;
  def: A.EnumDef;
  members: string[];
  titles: string[];
}

/** A library given to the compiler, parsed and compiled alone first (compile.ts). */
export interface LibSource {
  source: string;
  script: A.Script;
  /** The title of its `library("...")` declaration, or null. */
  title: string | null;
  /** Errors of its own compilation. */
  errors: { line: number; column: number; code: string; message: string }[];
}

/** An imported library: its exported functions by name (each the first of its overloads). */
export interface LibInfo {
  path: string;
  alias: string;
  fns: Map<string, FuncSym>;
  /** Exported constants (`export const int N = 5`) with their values. */
  consts: Map<string, Val>;
  /** The import failed (reported once): every use of the alias is quiet. */
  broken?: boolean;
}

/** A compiled expression: where its value is, its type, and its compile-time value if known. */
export interface Val {
  reg: number;
  type: PType;
  /** Compile-time value (const): number for numeric types (NaN = na), string, or null (na object). */
  cv?: number | string | null;
  /** Code position of the operand naming `reg` as destination, when `reg` is a fresh temporary
   * defined by that one instruction: the value can then be retargeted instead of moved. */
  defAt?: number;
  /** `reg` holds the same value for the whole bar (a bar register, an input): a variable
   * initialised from it and never reassigned can simply name it. */
  stable?: boolean;
  /** An int known to hold no fraction (see VarSym.whole). */
  whole?: boolean;
  /** Stands in for an expression that had an error (already reported): no further errors about it. */
  bad?: boolean;
}

export const VOID: PType = t('void', Qual.Const);
export const DEFAULT_MAX_BARS_BACK = 5000;

/** The recursive entry points of the concerns, wired by index.ts: a concern calls another one's
 * through the context (`cx.expr(...)`), never by importing it. */
export interface Passes {
  expr(cx: LowerContext, e: A.Expr, scope: Scope): Val;
  stmts(cx: LowerContext, body: A.Stmt[], scope: Scope, want: boolean): Val[] | null;
  binaryVals(
    cx: LowerContext,
    op: Exclude<A.BinaryOp, 'and' | 'or'>,
    l: Val,
    r: Val,
    span: A.Span,
    scope: Scope,
    le: { span: A.Span },
    re: { span: A.Span },
  ): Val;
  asBool(cx: LowerContext, v: Val, e: { span: A.Span }, what: string): Val | null;
  defaultArg(cx: LowerContext, spec: FnSpec, text: string, scope: Scope, span: A.Span): Val;
}

/** The state of one lowering run and the helpers shared by every concern. */
/** Pine v1-v4 built-ins that v5 moved into namespaces (ta., math., request., str.). */
const V4_MOVED = new Set(['sma', 'ema', 'rma', 'wma', 'vwma', 'change', 'highest', 'lowest', 'crossover', 'crossunder', 'cross', 'rsi', 'atr', 'stdev', 'security', 'abs', 'max', 'min', 'round', 'iff', 'tostring', 'valuewhen', 'barssince', 'pivothigh', 'pivotlow', 'linreg', 'avg', 'sum', 'sqrt', 'pow', 'log', 'exp', 'macd', 'stoch', 'cci', 'mom', 'sar', 'tr', 'dmi', 'falling', 'rising', 'heikinashi', 'tickerid']);

export class LowerContext {
  readonly version: number;
  nRegs = FIXED_REGISTERS;
  readonly consts: number[] = [];
  readonly strings: string[] = [];
  readonly stringIndex = new Map<string, number>();
  readonly preload: Preload[] = [];
  /** Errors already reported (code and span), see err(). */
  readonly reported = new Set<string>();
  /** Calls whose argument types compile a function body a second time or more (err()). */
  readonly callContext: { text: string; at: string }[] = [];
  /** The history limit register of each series read with a dynamic offset (emitHistoryLimit). */
  readonly histLimits = new Map<string, { entry: Preload; owner: FnCtx; ser: number }>();
  readonly constRegs = new Map<string, number>();
  readonly builtins: BuiltinRef[] = [];
  readonly builtinIndex = new Map<string, number>();
  readonly outputs: OutputInfo[] = [];
  readonly inputs: InputInfo[] = [];
  readonly fns: FnCtx[] = [];
  readonly main: FnCtx;
  readonly globalScope: Scope;
  /** Names read with `[]` anywhere: variables with these names get a history buffer. */
  readonly histNames = new Set<string>();
  /** Names assigned with `:=` (or compound) anywhere: such variables are not const. */
  readonly reassigned = new Set<string>();
  readonly barSeries = new Map<number, number>();
  /** History of built-in variables computed on read (`strategy.position_size[1]`): a series of
   * main per name, written at the end of every bar (lower/index.ts), so that its history is the
   * variable's on every bar, not only on the bars where the read was evaluated. */
  readonly varSeries = new Map<string, { slot: number; numeric: boolean }>();
  /** Depth of request.security expressions being lowered (lower/request.ts): inside one, the
   * history of a bar variable is the requested timeframe's, not the chart's bar series. */
  requestDepth = 0;
  /** Depth of request.security_lower_tf expressions among them (nesting in them is refused). */
  lowerDepth = 0;
  /** A canonical compile (compiler/presentation.ts): constant presentation arguments stand as
   * canonical constants (lower/presentation-args.ts). */
  canonicalPresentation = false;
  readonly compiling: FuncSym[] = [];
  meta: ScriptMeta;
  sawDeclaration = false;
  /** Variable name of the declaration being compiled (`len = input.int(...)`). */
  declName: string | null = null;
  readonly globals: DebugVar[] = [];
  readonly loopRegs: number[] = [];
  /** Functions in a recursion cycle (already reported): calls to them are not reported again. */
  readonly recursive = new Set<string>();
  /** The script's functions, in declaration order. */
  readonly userFns: FuncSym[] = [];
  /** Every global function of the script, to explain calls made before a declaration. */
  readonly declaredFns = new Map<string, A.FuncDef>();
  /** The symbols of globalScope, with the order they were declared in (function definitions see
   * the globals declared before them). */
  readonly globalTable = new GlobalTable();
  /** Outputs so far of each kind, for default titles (plot0, plot1, …). */
  readonly outputsOfKind = new Map<string, number>();
  /** TradingView's plot count of the script so far (script-calls.ts, MAX_PLOT_COUNT). */
  plotCount = 0;
  /** The call that took the plot count past the limit. */
  plotLimitAt: A.Span | null = null;
  /** A chain of user functions was too deep to compile (E409). */
  callDepthExceeded = false;
  /** The expression most recently entered: where the compiler was if it runs out of stack. */
  lastSpan: A.Span = { start: 0, end: 0 };
  pinnedAt: number | null = null;
  /** User-defined types declared so far, by name (types.ts). */
  readonly udts = new Map<string, UdtInfo>();
  /** User methods (`method f(Type self, ...)`) by name; a name may have one per type of self. */
  readonly methods = new Map<string, FuncSym[]>();
  /** Enums declared so far, by name (types.ts). */
  readonly enums = new Map<string, EnumInfo>();
  /** Libraries given to the compiler (`import` resolves against them, libraries.ts). */
  libraries: readonly LibSource[] = [];
  /** Imported libraries by alias (libraries.ts). */
  readonly libs = new Map<string, LibInfo>();
  /** The path of an `import TradingView/ta/N` whose library was not given: built-in ta.* names
   * still resolve; a name only the library exports is reported naming it. */
  taImport: string | null = null;
  /** While a library's declarations or function bodies are compiled: `alias.`, the prefix of its
   * types and enums (a library's `Point` is `L.Point` to the script that imports it as L). */
  libPrefix: string | null = null;

  constructor(
    readonly script: A.Script,
    readonly sink: DiagnosticSink,
    private readonly passes: Passes,
  ) {
    this.version = script.version ?? 6;
    const oldName = script.version === null ? this.oldBuiltin() : null;
    if (script.version === null && this.oldStudy()) {
      // TradingView reads a script without //@version as Pine v1; study() says it is one.
      sink.error('E501', { start: 0, end: 0 }, "No //@version annotation and a study() declaration: this is a Pine v1-v4 script, which is not supported. Use //@version=5 or //@version=6 (TradingView's Pine Editor converts an old script to v5).");
    } else if (oldName !== null) {
      // A strategy without //@version calling change(), rma(), security(), ...: Pine v1-v4.
      sink.error('E501', { start: 0, end: 0 }, `No //@version annotation and a call of the v1-v4 built-in '${oldName}()' (v5 has it as a namespaced function): TradingView reads this as a Pine v1 script, which is not supported. Use //@version=5 or //@version=6 (TradingView's Pine Editor converts an old script to v5).`);
    } else if (script.version === null) {
      sink.warning('W301', { start: 0, end: 0 }, 'No //@version annotation: compiling as Pine v6.');
    } else if (script.version !== 5 && script.version !== 6) {
      // At the //@version annotation (a script may open with comment lines).
      const at = /^[ \t]*\/\/\s*@version\s*=/m.exec(sink.source)?.index ?? 0;
      sink.error('E501', { start: at, end: at }, `Pine version ${script.version} is not supported: use //@version=5 or //@version=6${script.version < 5 ? " (TradingView's Pine Editor converts a v4 script to v5)" : ''}.`);
    }
    this.main = this.newFn('main', true);
    this.globalScope = new Scope(null, this.main, this.globalTable);
    this.meta = {
      kind: 'indicator',
      title: '',
      shorttitle: '',
      overlay: false,
      precision: null,
      format: null,
      maxBarsBack: DEFAULT_MAX_BARS_BACK,
      version: this.version,
      options: {},
    };
  }

  /** A top-level `study(...)` call: the declaration of Pine v1-v4. */
  oldStudy(): boolean {
    return this.script.body.some((st) => st.kind === 'ExprStmt' && st.expr.kind === 'Call' && st.expr.callee.kind === 'Ident' && st.expr.callee.name === 'study');
  }

  /** The first call of a v1-v4 built-in that v5 moved into a namespace (`change(high)`, `rma(x, n)`)
   * and that the script does not declare itself, or null. */
  oldBuiltin(): string | null {
    const own = new Set(this.script.body.flatMap((st) => (st.kind === 'FuncDef' ? [st.name] : [])));
    let found: string | null = null;
    const walk = (n: unknown): void => {
      if (found !== null || n === null || typeof n !== 'object') return;
      if (Array.isArray(n)) {
        for (const x of n) walk(x);
        return;
      }
      const o = n as { kind?: unknown; callee?: { kind?: unknown; name?: unknown } };
      if (o.kind === 'Call' && o.callee?.kind === 'Ident' && typeof o.callee.name === 'string' && V4_MOVED.has(o.callee.name) && !own.has(o.callee.name)) {
        found = o.callee.name;
        return;
      }
      for (const v of Object.values(n)) if (typeof v === 'object') walk(v);
    };
    walk(this.script.body);
    return found;
  }

  newFn(name: string, isMain: boolean): FnCtx {
    const f = new FnCtx(this.fns.length, name, isMain, (n) => this.newReg(n));
    this.fns.push(f);
    return f;
  }

  newReg(n = 1): number {
    const r = this.nRegs;
    this.nRegs += n;
    return r;
  }

  constReg(value: number | string | null): number {
    const key =
      value === null ? 'na' : typeof value === 'string' ? `s:${value}` : Number.isNaN(value) ? 'na' : Object.is(value, -0) ? 'n:-0' : `n:${value}`;
    const hit = this.constRegs.get(key);
    if (hit !== undefined) return hit;
    const reg = this.newReg();
    this.preload.push({ reg, value: typeof value === 'number' && Number.isNaN(value) ? null : value });
    this.constRegs.set(key, reg);
    return reg;
  }

  constVal(value: number | string | null, type: PType): Val {
    return { reg: this.constReg(value), type: { ...type, qual: Qual.Const }, cv: value };
  }

  stringIdx(s: string): number {
    const hit = this.stringIndex.get(s);
    if (hit !== undefined) return hit;
    const i = this.strings.length;
    this.strings.push(s);
    this.stringIndex.set(s, i);
    return i;
  }

  builtinRef(name: string, overload: number, signature: string): number {
    const key = `${name}#${overload}`;
    const hit = this.builtinIndex.get(key);
    if (hit !== undefined) return hit;
    const i = this.builtins.length;
    this.builtins.push({ name, overload, signature });
    this.builtinIndex.set(key, i);
    return i;
  }

  /** Runs `f` with every instruction it emits attributed to source offset `at`. */
  withAt<T>(at: number, f: () => T): T {
    const saved = this.pinnedAt;
    this.pinnedAt = at;
    try {
      return f();
    } finally {
      this.pinnedAt = saved;
    }
  }

  err(code: string, span: A.Span, message: string): void {
    // A function body is compiled once per argument-type signature: a mistake that does not
    // depend on the types would be reported once per signature.
    const key = `${code}@${span.start}:${span.end}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    // A mistake that only a later signature shows: name the call that brought it.
    const ctx = this.callContext[this.callContext.length - 1];
    this.sink.error(code, span, ctx ? `${message.replace(/\.$/, '')}. In the call \`${ctx.text}\` at ${ctx.at}.` : message);
  }

  /** E303 for a second declaration of `name` in `scope`, naming the line of the first one. */
  alreadyDeclared(name: string, span: A.Span, scope: Scope): void {
    const prev = scope.syms.get(name);
    const at = prev ? (prev.kind === 'var' ? prev.span : prev.def.nameSpan) : null;
    const where = at ? ` on line ${this.sink.lines.lineCol(at.start).line}` : '';
    this.err('E303', span, `'${name}' is already declared${where} in this scope: use ':=' to assign a new value, or choose another name.`);
  }

  q(node: { span: A.Span }): string {
    return this.sink.quote(node.span);
  }

  /** A value of the right type that stands in after an error, so checking can continue. */
  poison(type: PType = t('float')): Val {
    return { reg: this.constReg(null), type, bad: true };
  }

  /** Puts `v` into register `dst` (retargeting its defining instruction when possible). */
  place(fn: FnCtx, v: Val, dst: number): void {
    if (v.reg === dst) return;
    if (v.defAt !== undefined) {
      fn.em.code[v.defAt] = dst;
      v.reg = dst;
      v.defAt = undefined;
      return;
    }
    if (v.type.base === 'na') fn.em.emit(Op.NA_BOTH, dst);
    else if (isNumericStorage(v.type)) fn.em.emit(Op.MOV_F, dst, v.reg);
    else fn.em.emit(Op.MOV_O, dst, v.reg);
  }

  /** Returns a Val whose register is a temporary of `fn` (copying if needed). */
  toTemp(fn: FnCtx, v: Val): Val {
    if (v.defAt !== undefined) return v;
    const r = fn.temp();
    this.place(fn, v, r);
    return { reg: r, type: v.type };
  }

  /** Converts a value for storage as `want` (int → float needs nothing; v5 numeric → bool casts). */
  convert(fn: FnCtx, v: Val, want: PType, span: A.Span, what: string): Val {
    if (v.bad) return this.poison(want);
    const a = assignable(v.type, want, this.version);
    if (a === null) {
      const text = this.sink.quote(span);
      this.err('E302', span, `${what}: expected ${baseName(want)}, got ${baseName(v.type)} (\`${text}\`)${divisionHint(v.type, want, text, this.version)}.`);
      return this.poison(want);
    }
    if (v.type.base === 'na' && want.base === 'bool' && this.version >= 6) {
      // A v6 bool is never na: na converts to false.
      return this.constVal(0, { ...want, qual: v.type.qual });
    }
    if (a === 'cast') {
      const r = fn.temp();
      const at = fn.em.emit(Op.TO_BOOL, r, v.reg);
      return { reg: r, type: { ...want, qual: v.type.qual }, defAt: at + 1 };
    }
    if (v.type.base === 'na') return { ...v, type: { ...want, qual: v.type.qual } };
    return { ...v, type: { ...v.type, base: want.base === 'float' && v.type.base === 'int' ? 'float' : v.type.base } };
  }

  constIndex(v: number): number {
    const i = this.consts.indexOf(v);
    if (i >= 0) return i;
    this.consts.push(v);
    return this.consts.length - 1;
  }

  /** Emits a call of one of the compiler's runtime checks (builtins/checks.ts) on register `arg`,
   * located at `span`. */
  emitCheck(fn: FnCtx, name: string, arg: number, span: A.Span): void {
    const spec = lookupFn(name)?.[0];
    if (!spec) throw new Error(`Internal: the check ${name} is not registered`);
    const saved = fn.em.at;
    fn.em.at = span.start;
    fn.em.emit(Op.CALLB, this.builtinRef(spec.name, spec.overload, spec.signature), arg, 0, 0);
    fn.em.at = saved;
  }

  /** Compiles an expression for its errors and type only: its code is dropped. (Such expressions
   * cannot jump to outer labels; state slots they reserved stay unused.) */
  checkOnly(fn: FnCtx, f: () => Val): Val {
    const mark = fn.em.code.length;
    const tmark = fn.tempMark();
    const v = f();
    fn.em.code.length = mark;
    fn.em.spans.length = mark;
    fn.tempRelease(tmark);
    return v.bad ? this.poison(v.type) : { reg: this.constReg(null), type: v.type };
  }

  /** The user-defined type `name` as seen from the code being compiled (a library's own types by
   * their short names inside it). */
  udt(name: string): UdtInfo | undefined {
    return (this.libPrefix !== null ? this.udts.get(this.libPrefix + name) : undefined) ?? this.udts.get(name);
  }

  /** The enum `name` as seen from the code being compiled (see udt()). */
  enumNamed(name: string): EnumInfo | undefined {
    return (this.libPrefix !== null ? this.enums.get(this.libPrefix + name) : undefined) ?? this.enums.get(name);
  }

  /** A register holding na of type `ty` (false for a v6 bool). */
  naOf(_fn: FnCtx, ty: PType): number {
    return ty.base === 'bool' && this.version >= 6 ? this.constReg(0) : this.constReg(null);
  }

  // -------------------------------------------------------------------------------------------
  // Entry points of the concerns (see Passes)

  /** Compiles an expression with exactly one value (expressions.ts). */
  expr(e: A.Expr, scope: Scope): Val {
    return this.passes.expr(this, e, scope);
  }

  /** Compiles statements; returns the value of the last one when `want` (statements.ts). */
  stmts(body: A.Stmt[], scope: Scope, want: boolean): Val[] | null {
    return this.passes.stmts(this, body, scope, want);
  }

  /** A binary operator on two compiled operands (expressions.ts). */
  binaryVals(
    op: Exclude<A.BinaryOp, 'and' | 'or'>,
    l: Val,
    r: Val,
    span: A.Span,
    scope: Scope,
    le: { span: A.Span },
    re: { span: A.Span },
  ): Val {
    return this.passes.binaryVals(this, op, l, r, span, scope, le, re);
  }

  /** `v` as a condition, or null after reporting that it is not a bool (expressions.ts). */
  asBool(v: Val, e: { span: A.Span }, what: string): Val | null {
    return this.passes.asBool(this, v, e, what);
  }

  /** The value of a builtin parameter's default text at a call (calls.ts). */
  defaultArg(spec: FnSpec, text: string, scope: Scope, span: A.Span): Val {
    return this.passes.defaultArg(this, spec, text, scope, span);
  }
}

/** E331's message: "Cannot call 'f' with argument 'x'=`1`: expected ..." for an argument of the
 * wrong type, "Cannot call 'f': missing argument ..." for anything else. */
export function callError(name: string, reason: string): string {
  return reason.startsWith('argument ') ? `Cannot call '${name}' with ${reason}.` : `Cannot call '${name}': ${reason}.`;
}

/** `an int`, `a float`: a type name with its indefinite article. */
export function withArticle(name: string): string {
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** Whether the code from instruction boundary `from` on contains a CALL. */
export function containsCall(code: number[], from: number): boolean {
  for (let pc = from; pc < code.length; pc += OP_LEN[code[pc] ?? 0] ?? 1) {
    if (code[pc] === Op.CALL) return true;
  }
  return false;
}

/** Preload value of a compile-time constant: numeric na (NaN) is stored as null (both files). */
export function normConst(v: number | string | null): number | string | null {
  return typeof v === 'number' && Number.isNaN(v) ? null : v;
}
