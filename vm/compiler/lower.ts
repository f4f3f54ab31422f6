// The typed lowering pass: walks the AST once, checking names, types, qualifiers and overloads, and
// emits bytecode for each function as it goes (checker and code generator in one walk, so that
// user functions can be specialised per argument types the way Pine does). Consumes a Script and
// a DiagnosticSink; produces a Program, or null when there were errors (all of them reported).
//
// Register discipline: registers are static (no recursion in Pine). Constants and call-site
// constant arguments are preloaded once per instance; temporaries are reused after each statement.

import type * as A from './ast.js';
import { type DiagnosticSink } from './diagnostics.js';
import { Qual, QUAL_NAMES, baseName, isNumericStorage, maxQual, t, typeName, type PType, type Base } from './types.js';
import { FnCtx, Scope, type FuncSym, type SpecInfo, type Sym, type VarSym } from './scope.js';
import { Label, link, type Emitter } from '../bytecode/emitter.js';
import { Op, OP_LEN } from '../bytecode/opcodes.js';
import type {
  BuiltinRef,
  DebugVar,
  InputInfo,
  InputKind,
  OutputInfo,
  Preload,
  Program,
  ScriptMeta,
} from '../bytecode/program.js';
import { PROGRAM_FORMAT } from '../bytecode/program.js';
import {
  allFunctionNames,
  allVariableNames,
  lookupFn,
  lookupVar,
  isNamespace,
  type FnSpec,
  type VarSpec,
} from '../builtins/registry.js';
import { printType } from './ast-print.js';
import { assignable, divisionHint, overloadText, resolveOverload, sigToPType, unify, type ArgInfo } from './overloads.js';
import { FIXED_REGISTERS, type Runtime, DEFAULT_LIMITS } from '../runtime/runtime.js';
import { colorFromRgba } from '../runtime/color-value.js';
import { parseDefaultExpr } from './defaults.js';
import { findRecursion, prescan } from './prescan.js';
import { FOR_IN_OPS, METHOD_NAMESPACES, usesDrawings, typeFromRef } from './tier2-types.js';

/** A compiled expression: where its value is, its type, and its compile-time value if known. */
interface Val {
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
  /** Stands in for an expression that had an error (already reported): no further errors about it. */
  bad?: boolean;
}

const VOID: PType = t('void', Qual.Const);
/** indicator() arguments passed to the drawing registry, in `__draw.init`'s order. */
const DRAW_LIMITS = ['max_labels_count', 'max_lines_count', 'max_boxes_count', 'max_polylines_count'] as const;
const DEFAULT_MAX_BARS_BACK = 5000;

/** Namespaces of Pine that exist but are not implemented yet: a clear "not supported" error. */
const UNSUPPORTED_NAMESPACES = [
  'strategy', 'request', 'array', 'chart', 'ticker', 'runtime', 'library', 'dividends', 'earnings', 'splits',
];

export function lower(script: A.Script, sink: DiagnosticSink): Program | null {
  const l = new Lowerer(script, sink);
  return l.run();
}

class Lowerer {
  private readonly version: number;
  private nRegs = FIXED_REGISTERS;
  private readonly consts: number[] = [];
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly preload: Preload[] = [];
  /** Errors already reported (code and span), see err(). */
  private readonly reported = new Set<string>();
  /** Calls whose argument types compile a function body a second time or more (err()). */
  private readonly callContext: { text: string; at: string }[] = [];
  /** The history limit register of each series read with a dynamic offset (emitHistoryLimit). */
  private readonly histLimits = new Map<string, { entry: Preload; owner: FnCtx; ser: number }>();
  private readonly constRegs = new Map<string, number>();
  private readonly builtins: BuiltinRef[] = [];
  private readonly builtinIndex = new Map<string, number>();
  private readonly outputs: OutputInfo[] = [];
  private readonly inputs: InputInfo[] = [];
  private readonly fns: FnCtx[] = [];
  private readonly main: FnCtx;
  private readonly globalScope: Scope;
  /** Names read with `[]` anywhere: variables with these names get a history buffer. */
  private readonly histNames = new Set<string>();
  /** Names assigned with `:=` (or compound) anywhere: such variables are not const. */
  private readonly reassigned = new Set<string>();
  private readonly barSeries = new Map<number, number>();
  private readonly compiling: FuncSym[] = [];
  private meta: ScriptMeta;
  private sawDeclaration = false;
  /** Variable name of the declaration being compiled (`len = input.int(...)`). */
  private declName: string | null = null;
  private readonly globals: DebugVar[] = [];
  private readonly loopRegs: number[] = [];
  /** Functions in a recursion cycle (already reported): calls to them are not reported again. */
  private readonly recursive = new Set<string>();
  /** The script's functions, in declaration order. */
  private readonly userFns: FuncSym[] = [];
  /** Every global function of the script, to explain calls made before a declaration. */
  private readonly declaredFns = new Map<string, A.FuncDef>();

  constructor(
    private readonly script: A.Script,
    private readonly sink: DiagnosticSink,
  ) {
    this.version = script.version ?? 6;
    if (script.version === null && this.oldStudy()) {
      // TradingView reads a script without //@version as Pine v1; study() says it is one.
      sink.error('E501', { start: 0, end: 0 }, "No //@version annotation and a study() declaration: this is a Pine v1-v4 script, which is not supported. Use //@version=5 or //@version=6 (TradingView's Pine Editor converts an old script to v5).");
    } else if (script.version === null) {
      sink.warning('W301', { start: 0, end: 0 }, 'No //@version annotation: compiling as Pine v6.');
    } else if (script.version !== 5 && script.version !== 6) {
      sink.error('E501', { start: 0, end: 0 }, `Pine version ${script.version} is not supported: use //@version=5 or //@version=6${script.version < 5 ? " (TradingView's Pine Editor converts a v4 script to v5)" : ''}.`);
    }
    this.main = this.newFn('main', true);
    this.globalScope = new Scope(null, this.main);
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

  // --- Tier 2: the drawing registry -------------------------------------------------------------
  /** The main function's call-site state slot holding the drawing registry (builtins/draw/store.ts),
   * null when the script mentions no drawing namespace; and the preloaded max_*_count arguments of
   * the `__draw.init` call that opens the script and creates the registry on the first bar. */
  private drawSlot: number | null = null;
  private readonly drawLimitRegs: Preload[] = [];

  private reserveDrawings(): void {
    const spec = lookupFn('__draw.init')?.[0];
    if (!spec) return;
    const block = this.newReg(DRAW_LIMITS.length);
    for (let k = 0; k < DRAW_LIMITS.length; k++) {
      const p: Preload = { reg: block + k, value: 50 };
      this.preload.push(p);
      this.drawLimitRegs.push(p);
    }
    this.drawSlot = this.main.nCs++;
    const idx = this.builtinRef(spec.name, spec.overload, spec.signature);
    this.main.em.at = 0;
    this.main.em.emit(Op.CALLB, idx, block, 0, this.drawSlot);
  }

  /** indicator(max_labels_count = ...) and the others (1 to 500, default 50) into the init call. */
  private drawingLimits(): void {
    DRAW_LIMITS.forEach((name, k) => {
      const v = this.meta.options[name];
      const p = this.drawLimitRegs[k];
      if (typeof v !== 'number') return;
      if (!Number.isInteger(v) || v < 1 || v > 500) {
        const at = this.sink.source.search(new RegExp(`\\b${name}\\b`));
        this.err('E331', { start: Math.max(0, at), end: Math.max(0, at) + name.length }, `Cannot call '${this.meta.kind}' with argument '${name}'=${v}: expected an int from 1 to 500.`);
        return;
      }
      if (p) p.value = v;
    });
  }

  /** The registry slot; reserved here (with the default limits) if the source scan missed it. */
  private drawingSlot(): number {
    if (this.drawSlot === null) this.drawSlot = this.main.nCs++;
    return this.drawSlot;
  }

  /** A top-level `study(...)` call: the declaration of Pine v1-v4. */
  private oldStudy(): boolean {
    return this.script.body.some((st) => st.kind === 'ExprStmt' && st.expr.kind === 'Call' && st.expr.callee.kind === 'Ident' && st.expr.callee.name === 'study');
  }

  run(): Program | null {
    // A script for another Pine version (v4's study(), unprefixed sma(), ...) would only produce
    // a cascade of errors after E501.
    if (this.script.version !== null && this.script.version !== 5 && this.script.version !== 6) return null;
    if (this.script.version === null && this.oldStudy()) return null;
    prescan(this.script, this.histNames, this.reassigned);
    for (const c of findRecursion(this.script)) {
      const how = c.names.length === 2 ? `'${c.names[0] ?? ''}' calls itself` : `the cycle ${c.names.map((n) => `'${n}'`).join(' → ')}`;
      this.err('E405', c.span, `Recursion is not allowed: ${how}. A Pine function cannot call itself, directly or through other functions.`);
      for (const n of c.names) this.recursive.add(n);
    }
    for (const st of this.script.body) if (st.kind === 'FuncDef' && !st.isMethod && !this.declaredFns.has(st.name)) this.declaredFns.set(st.name, st);
    const em = this.main.em;
    if (usesDrawings(this.sink.source)) this.reserveDrawings();
    this.stmts(this.script.body, this.globalScope, false);
    this.drawingLimits();
    em.at = this.script.span.end;
    em.emit(Op.HALT);
    this.checkUncalled();
    // (A declaration with a syntax error was reported already: no second error for it.)
    if (!this.sawDeclaration && !/^[ \t]*(indicator|strategy|library)[ \t]*\(/m.test(this.sink.source)) {
      this.sink.error('E401', { start: 0, end: 0 }, 'The script must declare itself with indicator(), strategy() or library().');
    }
    if (this.sink.hasErrors) return null;
    for (const { entry, owner, ser } of this.histLimits.values()) {
      const spec = owner.series.find((s) => s.slot === ser);
      entry.value = Math.max(this.meta.maxBarsBack, spec ? spec.maxOffset : 0);
    }
    const bodies: Emitter[] = this.fns.map((f) => f.em);
    const linked = link(bodies);
    return {
      format: PROGRAM_FORMAT,
      version: this.version,
      meta: this.meta,
      code: linked.code,
      consts: Float64Array.from(this.consts),
      strings: this.strings,
      functions: this.fns.map((f, i) => ({
        id: f.id,
        name: f.name,
        entry: linked.entries[i] ?? 0,
        nVarF: f.nVarF,
        nVarO: f.nVarO,
        nSer: f.nSer,
        nCs: f.nCs,
        series: f.series,
        calls: f.calls,
        varipF: f.varipF,
        varipO: f.varipO,
      })),
      builtins: this.builtins,
      nRegs: this.nRegs,
      preload: this.preload,
      barSeries: [...this.barSeries].map(([reg, slot]) => ({ reg, slot })),
      outputs: this.outputs,
      inputs: this.inputs,
      spans: linked.spans,
      source: this.sink.source,
      globals: this.globals,
      loopRegs: this.loopRegs,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Allocation helpers

  private newFn(name: string, isMain: boolean): FnCtx {
    const f = new FnCtx(this.fns.length, name, isMain, (n) => this.newReg(n));
    this.fns.push(f);
    return f;
  }

  private newReg(n = 1): number {
    const r = this.nRegs;
    this.nRegs += n;
    return r;
  }

  private constReg(value: number | string | null): number {
    const key =
      value === null ? 'na' : typeof value === 'string' ? `s:${value}` : Number.isNaN(value) ? 'na' : Object.is(value, -0) ? 'n:-0' : `n:${value}`;
    const hit = this.constRegs.get(key);
    if (hit !== undefined) return hit;
    const reg = this.newReg();
    this.preload.push({ reg, value: typeof value === 'number' && Number.isNaN(value) ? null : value });
    this.constRegs.set(key, reg);
    return reg;
  }

  private constVal(value: number | string | null, type: PType): Val {
    return { reg: this.constReg(value), type: { ...type, qual: Qual.Const }, cv: value };
  }

  private stringIdx(s: string): number {
    const hit = this.stringIndex.get(s);
    if (hit !== undefined) return hit;
    const i = this.strings.length;
    this.strings.push(s);
    this.stringIndex.set(s, i);
    return i;
  }

  private builtinRef(name: string, overload: number, signature: string): number {
    const key = `${name}#${overload}`;
    const hit = this.builtinIndex.get(key);
    if (hit !== undefined) return hit;
    const i = this.builtins.length;
    this.builtins.push({ name, overload, signature });
    this.builtinIndex.set(key, i);
    return i;
  }

  /** Runs `f` with every instruction it emits attributed to source offset `at`. */
  private withAt<T>(at: number, f: () => T): T {
    const saved = this.pinnedAt;
    this.pinnedAt = at;
    try {
      return f();
    } finally {
      this.pinnedAt = saved;
    }
  }

  private pinnedAt: number | null = null;

  private err(code: string, span: A.Span, message: string): void {
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
  private alreadyDeclared(name: string, span: A.Span, scope: Scope): void {
    const prev = scope.syms.get(name);
    const at = prev ? (prev.kind === 'var' ? prev.span : prev.def.nameSpan) : null;
    const where = at ? ` on line ${this.sink.lines.lineCol(at.start).line}` : '';
    this.err('E303', span, `'${name}' is already declared${where} in this scope: use ':=' to assign a new value, or choose another name.`);
  }

  private q(node: { span: A.Span }): string {
    return this.sink.quote(node.span);
  }

  /** A value of the right type that stands in after an error, so checking can continue. */
  private poison(type: PType = t('float')): Val {
    return { reg: this.constReg(null), type, bad: true };
  }

  // -------------------------------------------------------------------------------------------
  // Moving values

  /** Puts `v` into register `dst` (retargeting its defining instruction when possible). */
  private place(fn: FnCtx, v: Val, dst: number): void {
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
  private toTemp(fn: FnCtx, v: Val): Val {
    if (v.defAt !== undefined) return v;
    const r = fn.temp();
    this.place(fn, v, r);
    return { reg: r, type: v.type };
  }

  /** Converts a value for storage as `want` (int → float needs nothing; v5 numeric → bool casts). */
  private convert(fn: FnCtx, v: Val, want: PType, span: A.Span, what: string): Val {
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

  // -------------------------------------------------------------------------------------------
  // Statements

  /** Compiles statements; returns the value of the last one when `want` (a block's value). */
  private stmts(body: A.Stmt[], scope: Scope, want: boolean): Val[] | null {
    let last: Val[] | null = null;
    const fn = scope.fn;
    for (let i = 0; i < body.length; i++) {
      const s = body[i];
      if (!s) continue;
      const isLast = i === body.length - 1;
      const mark = fn.tempMark();
      fn.em.at = s.span.start;
      last = this.stmt(s, scope, want && isLast);
      if (!(want && isLast)) fn.tempRelease(mark);
    }
    return last;
  }

  private stmt(s: A.Stmt, scope: Scope, want: boolean): Val[] | null {
    switch (s.kind) {
      case 'VarDecl':
        return this.varDecl(s, scope, want);
      case 'TupleDecl':
        this.tupleDecl(s, scope);
        return null;
      case 'Assign':
        return this.assign(s, scope, want);
      case 'ExprStmt':
        return this.exprStmt(s.expr, scope, want);
      case 'Break':
      case 'Continue': {
        const loop = scope.fn.loops[scope.fn.loops.length - 1];
        if (!loop) {
          this.err('E402', s.span, `'${s.kind.toLowerCase()}' is only allowed inside a loop.`);
          return null;
        }
        scope.fn.em.emitJump(Op.JMP, s.kind === 'Break' ? loop.breakL : loop.continueL);
        return null;
      }
      case 'FuncDef':
        this.funcDef(s, scope);
        return null;
      case 'TypeDef':
        this.err('E502', s.span, `User-defined types ('type ${s.name}') are not supported yet.`);
        return null;
      case 'EnumDef':
        this.err('E502', s.span, `Enums ('enum ${s.name}') are not supported yet.`);
        return null;
      case 'Import':
        this.err('E503', s.span, `Library imports ('import ${s.path}') have no data source offline and are not supported.`);
        return null;
    }
  }

  private exprStmt(e: A.Expr, scope: Scope, want: boolean): Val[] | null {
    if (e.kind === 'Tuple') {
      if (!want) {
        this.err('E403', e.span, 'A tuple `[...]` can only be the result of a function.');
        return null;
      }
      return e.items.map((it) => this.toTemp(scope.fn, this.expr(it, scope)));
    }
    const vals = this.exprMulti(e, scope, want);
    return vals;
  }

  private declTypeFromRef(ref: A.TypeRef): PType | null {
    const q: Qual =
      ref.qualifier === 'const'
        ? Qual.Const
        : ref.qualifier === 'input'
          ? Qual.Input
          : ref.qualifier === 'simple'
            ? Qual.Simple
            : Qual.Series;
    // Tier 2 (drawings, array/matrix/map of any element type): compiler/tier2-types.ts.
    const r = typeFromRef(ref, q, (sp) => this.sink.quote(sp));
    if (!r.ok) {
      this.err(r.code, r.span, r.message);
      return null;
    }
    return r.type;
  }

  private varDecl(s: A.VarDecl, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    if (scope.syms.has(s.name)) this.alreadyDeclared(s.name, s.nameSpan, scope);
    else {
      // `x = 1` in a block where an outer `x` exists declares a second variable (valid Pine, and
      // Pine warns): almost always a `:=` was meant.
      // (Not for a function's locals over globals: a function cannot assign globals anyway.)
      let home: Scope | null = scope.parent;
      while (home && !home.syms.has(s.name)) home = home.parent;
      const outer = home && (home.parent !== null || home.fn.isMain) ? home.syms.get(s.name) : undefined;
      if (outer && outer.kind === 'var' && !s.broken) {
        const line = this.sink.lines.lineCol(outer.span.start).line;
        const key = `W302@${s.nameSpan.start}`;
        if (!this.reported.has(key)) {
          this.reported.add(key);
          this.sink.warning('W302', s.nameSpan, `'${s.name}' shadows the variable declared on line ${line}: this declares a new variable for this block only. To change the outer one, use '${s.name} := ...'.`);
        }
      }
    }
    if (lookupVar(s.name) && BUILTIN_READONLY.has(s.name)) {
      this.err('E304', s.nameSpan, `Cannot declare a variable named '${s.name}': it is a built-in variable.`);
    }
    const declared = s.type ? this.declTypeFromRef(s.type) : null;
    const global = fn.isMain && scope === this.globalScope;
    const hist = this.histNames.has(s.name);
    if (s.mode === 'plain' || s.broken) {
      this.declName = s.name;
      let v = s.broken ? this.poison() : this.expr(s.value, scope);
      this.declName = null;
      if (v.type.base === 'void' || v.type.base === 'tuple') {
        this.err('E305', s.value.span, `\`${this.q(s.value)}\` has no value to assign to '${s.name}'.`);
        v = this.poison();
      }
      let type: PType = declared ?? v.type;
      if (!declared && v.type.base === 'na') {
        // A declared type that could not be used was reported already.
        if (!s.type) this.err('E306', s.span, `Cannot infer the type of '${s.name}' from na: declare it with a type, e.g. \`float ${s.name} = na\`.`);
        type = t('float');
      }
      if (declared) v = this.convert(fn, v, declared, s.value.span, `Cannot assign to '${s.name}'`);
      if (declared && v.type.qual > declared.qual) {
        this.err('E307', s.value.span, `Cannot assign ${QUAL_NAMES[v.type.qual]} value \`${this.q(s.value)}\` to '${s.name}' declared ${QUAL_NAMES[declared.qual]}.`);
      }
      const reassigned = this.reassigned.has(s.name);
      // (Reassigning a `const` variable is an error of its own: it keeps its qualifier, no cascade.)
      const qual = reassigned && s.type?.qualifier !== 'const' ? Qual.Series : declared && s.type?.qualifier ? declared.qual : v.type.qual;
      const sym: VarSym = {
        kind: 'var',
        name: s.name,
        type: { ...type, qual },
        storage: 'reg',
        index: this.newReg(),
        ser: -1,
        mode: 'plain',
        global,
        span: s.nameSpan,
      };
      if (s.type?.qualifier === 'const') sym.constDecl = true;
      if (!reassigned && v.cv !== undefined && qual === Qual.Const) {
        // A const variable: its register is preloaded once, no code runs per bar.
        sym.cv = v.cv;
        this.preload.push({ reg: sym.index, value: normConst(v.cv) });
      } else if (!reassigned && !hist && v.stable) {
        // A name for a register that never changes during a bar (input, bar value): no copy.
        sym.index = v.reg;
      } else {
        this.place(fn, v, sym.index);
      }
      if (hist) {
        sym.ser = fn.newSeries(isNumericStorage(sym.type) ? 'f' : 'o');
        fn.em.emit(isNumericStorage(sym.type) ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
      }
      // A value in error without a declared type: the variable's type is unknown, its uses quiet.
      if (v.bad && !declared) sym.unknown = true;
      scope.syms.set(s.name, sym);
      if (global) this.globals.push({ name: s.name, where: 'reg', index: sym.index, type: typeName(sym.type) });
      return [{ reg: sym.index, type: sym.type }];
    }
    // var / varip: initialised once per call-site instance, persisted in a var slot.
    const numeric0 = declared ? isNumericStorage(declared) : true;
    const flag = fn.nVarF++;
    const skip = new Label();
    fn.em.emitJump(Op.VAR_INIT, skip, flag);
    const mark = fn.tempMark();
    this.declName = s.name;
    let v = this.expr(s.value, scope);
    this.declName = null;
    let type: PType = declared ?? v.type;
    if (!declared && v.type.base === 'na') {
      if (!s.type) this.err('E306', s.span, `Cannot infer the type of '${s.name}' from na: declare it with a type, e.g. \`var float ${s.name} = na\`.`);
      type = t('float');
    }
    if (declared) v = this.convert(fn, v, declared, s.value.span, `Cannot assign to '${s.name}'`);
    const numeric = isNumericStorage(type);
    if (numeric !== numeric0 && declared) type = declared;
    const slot = numeric ? fn.nVarF++ : fn.nVarO++;
    if (v.type.base === 'na') {
      v = { reg: this.constReg(null), type };
    }
    fn.em.emit(numeric ? Op.ST_V : Op.ST_VO, slot, v.reg);
    fn.tempRelease(mark);
    fn.em.mark(skip);
    if (s.mode === 'varip') {
      // varip values and their initialised flags survive realtime rollback.
      fn.varipF.push(flag);
      (numeric ? fn.varipF : fn.varipO).push(slot);
    }
    const sym: VarSym = {
      kind: 'var',
      name: s.name,
      type: { ...type, qual: Qual.Series },
      storage: 'slot',
      index: slot,
      ser: -1,
      mode: s.mode,
      global,
      span: s.nameSpan,
    };
    if (hist) {
      sym.ser = fn.newSeries(numeric ? 'f' : 'o');
      const r = fn.temp();
      fn.em.emit(numeric ? Op.LD_V : Op.LD_VO, r, slot);
      fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, sym.ser, r);
    }
    if (v.bad && !declared) sym.unknown = true;
    scope.syms.set(s.name, sym);
    if (global) this.globals.push({ name: s.name, where: numeric ? 'var' : 'varo', index: slot, type: typeName(sym.type) });
    return want ? [this.readVar(sym, scope, s.nameSpan)] : null;
  }

  private tupleDecl(s: A.TupleDecl, scope: Scope): void {
    const fn = scope.fn;
    if (s.value.kind === 'Tuple') {
      this.err('E403', s.value.span, `A tuple \`${this.q(s.value)}\` cannot be destructured directly: declare each variable, or return the tuple from a function.`);
      for (const it of s.value.items) this.expr(it, scope);
      return;
    }
    let vals = s.broken ? [this.poison()] : this.exprMulti(s.value, scope, true) ?? [];
    if (vals.length !== s.names.length && vals.some((v) => v.bad)) {
      // The value had an error already: declare the names anyway, so that their uses are quiet.
      vals = s.names.map(() => this.poison());
    }
    if (vals.length !== s.names.length) {
      const got = vals;
      // Declare the names anyway (values in error), so that their uses are quiet.
      vals = s.names.map(() => this.poison());
      if (got.length === 1 && got[0]?.type.base !== 'void') {
        this.err('E308', s.value.span, `\`${this.q(s.value)}\` returns one value, but ${s.names.length} names are declared.`);
      } else if (got.length > 0) {
        this.err('E308', s.value.span, `\`${this.q(s.value)}\` returns ${got.length} values, but ${s.names.length} names are declared.`);
      } else {
        this.err('E308', s.value.span, `\`${this.q(s.value)}\` returns no values to destructure.`);
      }
    }
    const global = fn.isMain && scope === this.globalScope;
    s.names.forEach((n, i) => {
      const v = vals[i];
      if (!v || n.name === '_') return;
      if (scope.syms.has(n.name)) this.alreadyDeclared(n.name, n.span, scope);
      const sym: VarSym = {
        kind: 'var',
        name: n.name,
        type: this.reassigned.has(n.name) ? { ...v.type, qual: Qual.Series } : v.type,
        storage: 'reg',
        index: this.newReg(),
        ser: -1,
        mode: 'plain',
        global,
        span: n.span,
      };
      this.place(fn, v, sym.index);
      if (this.histNames.has(n.name)) {
        sym.ser = fn.newSeries(isNumericStorage(sym.type) ? 'f' : 'o');
        fn.em.emit(isNumericStorage(sym.type) ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
      }
      if (v.bad) sym.unknown = true;
      scope.syms.set(n.name, sym);
      if (global) this.globals.push({ name: n.name, where: 'reg', index: sym.index, type: typeName(sym.type) });
    });
  }

  private assign(s: A.Assign, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    if (s.target.kind !== 'Ident') {
      this.err('E502', s.target.span, `Assigning to fields (\`${this.q(s.target)}\`) needs user-defined types, which are not supported yet.`);
      return null;
    }
    const name = s.target.name;
    const sym = scope.lookup(name);
    if (!sym) {
      if (lookupVar(name)) this.err('E304', s.target.span, `Cannot assign to the built-in variable '${name}'.`);
      else this.err('E301', s.target.span, `Undeclared identifier '${name}': declare it with \`${name} = ...\` before assigning with '${s.op}'.`);
      this.expr(s.value, scope);
      return null;
    }
    if (sym.kind !== 'var') {
      this.err('E309', s.target.span, `'${name}' is a function and cannot be assigned.`);
      return null;
    }
    if (sym.readonly) {
      this.err('E310', s.target.span, `Cannot assign to the loop variable '${name}'.`);
    }
    if (sym.constDecl) {
      this.err('E310', s.target.span, `Cannot assign to '${name}': it is declared \`const\` and keeps its value (declare it without \`const\` to reassign it).`);
    }
    if (sym.global && !fn.isMain) {
      this.err('E311', s.target.span, `Cannot modify the global variable '${name}' inside a function: return the new value and assign it where the function is called.`);
      this.expr(s.value, scope);
      return null;
    }
    let v: Val;
    if (s.op === ':=') {
      v = this.expr(s.value, scope);
    } else {
      const cur = this.readVar(sym, scope, s.target.span);
      const rhs = this.expr(s.value, scope);
      const op = s.op.slice(0, 1) as '+' | '-' | '*' | '/' | '%';
      v = this.binaryVals(op, cur, rhs, s.span, scope, s.target, s.value);
    }
    if (v.type.base === 'void' || v.type.base === 'tuple') {
      this.err('E305', s.value.span, `\`${this.q(s.value)}\` has no value to assign to '${name}'.`);
      return null;
    }
    if (s.op === '/=' && sym.type.base === 'int' && v.type.base === 'float' && !v.bad && this.version >= 6) {
      this.err('E302', s.span, `Cannot assign to '${name}' (int) with '/=': in Pine v6 dividing ints gives a float (\`${this.q(s)}\`). Write \`${name} := int(${name} / ${this.q(s.value)})\` to truncate, or declare '${name}' as float.`);
      v = this.poison(sym.type);
    }
    // A compound assignment's value is the whole operation, not its right side.
    v = this.convert(fn, v, sym.type, s.op === ':=' ? s.value.span : s.span, `Cannot assign to '${name}' (${baseName(sym.type)})`);
    this.storeVar(sym, v, fn);
    if (!want) return null;
    return [sym.storage === 'reg' ? { reg: sym.index, type: sym.type } : this.readVar(sym, scope, s.target.span)];
  }

  private storeVar(sym: VarSym, v: Val, fn: FnCtx): void {
    const numeric = isNumericStorage(sym.type);
    if (sym.storage === 'reg') {
      this.place(fn, v, sym.index);
      if (sym.ser >= 0) fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
    } else {
      const reg = v.type.base === 'na' ? this.constReg(null) : v.reg;
      fn.em.emit(numeric ? Op.ST_V : Op.ST_VO, sym.index, reg);
      if (sym.ser >= 0) fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, sym.ser, reg);
    }
  }

  private readVar(sym: VarSym, scope: Scope, _span: A.Span): Val {
    if (sym.unknown) return this.poison(sym.type);
    if (sym.cv !== undefined) return { reg: sym.index, type: sym.type, cv: sym.cv };
    if (sym.storage === 'reg') return { reg: sym.index, type: sym.type };
    const fn = scope.fn;
    const numeric = isNumericStorage(sym.type);
    const r = fn.temp();
    const fromOutside = sym.global && !fn.isMain;
    const op = numeric ? (fromOutside ? Op.LD_GV : Op.LD_V) : fromOutside ? Op.LD_GVO : Op.LD_VO;
    const at = fn.em.emit(op, r, sym.index);
    return { reg: r, type: sym.type, defAt: at + 1 };
  }

  // -------------------------------------------------------------------------------------------
  // Functions

  private funcDef(s: A.FuncDef, scope: Scope): void {
    if (scope !== this.globalScope) {
      // The parser already refuses (E207) a function defined inside a block.
      this.err('E999', s.nameSpan, `Internal: the function '${s.name}' is defined inside a block.`);
      return;
    }
    if (s.isMethod) {
      this.err('E502', s.span, `Methods ('method ${s.name}') are not supported yet.`);
      return;
    }
    const prev = scope.syms.get(s.name);
    const sym: FuncSym = { kind: 'func', name: s.name, def: s, globals: new Map(scope.syms), specs: new Map() };
    if (prev && prev.kind === 'func') {
      // An overload: Pine allows several functions of one name whose parameters differ in number
      // or declared types.
      const sig = (d: A.FuncDef): string => d.params.map((p) => (p.type ? printType(p.type) : '?')).join(',');
      const same = [prev, ...(prev.overloads ?? [])].find((o) => sig(o.def) === sig(s));
      if (same) {
        const line = this.sink.lines.lineCol(same.def.nameSpan.start).line;
        this.err('E303', s.nameSpan, `The function '${s.name}' is already declared on line ${line} with the same parameters: an overload must differ in the number or the declared types of its parameters.`);
        return;
      }
      (prev.overloads ??= []).push(sym);
      this.userFns.push(sym);
      return;
    }
    if (prev) {
      this.alreadyDeclared(s.name, s.nameSpan, scope);
      return;
    }
    scope.syms.set(s.name, sym);
    this.userFns.push(sym);
  }

  /** The overload of a user function that fits the call's arguments best: every argument binds,
   * every declared parameter type accepts its argument, fewest int → float promotions; the
   * first declared on ties. Null after reporting that none fits. */
  private pickOverload(first: FuncSym, others: FuncSym[], call: A.Call, scope: Scope): FuncSym | null {
    const fn = scope.fn;
    const types = call.args.map((a) => this.checkOnly(fn, () => this.expr(a.value, scope)));
    if (types.some((v) => v.bad)) return first;
    let best: FuncSym | null = null;
    let bestScore = Infinity;
    for (const cand of [first, ...others]) {
      const params = cand.def.params;
      const bound: number[] = params.map(() => -1);
      let pos = 0;
      let fits = true;
      call.args.forEach((a, i) => {
        const k = a.name === null ? pos++ : params.findIndex((p) => p.name === a.name);
        if (k < 0 || k >= params.length || (bound[k] ?? -1) >= 0) fits = false;
        else bound[k] = i;
      });
      let score = 0;
      params.forEach((p, k) => {
        const i = bound[k] ?? -1;
        if (i < 0) {
          if (!p.defaultValue) fits = false;
          return;
        }
        if (!p.type) return;
        const want = this.declTypeFromRef(p.type);
        const got = types[i];
        if (!want || !got) return;
        const a = assignable(got.type, want, this.version);
        if (a === null || (p.type.qualifier && got.type.qual > want.qual)) fits = false;
        else if (a !== 'same') score += a === 'promote' ? 1 : 2;
      });
      if (fits && score < bestScore) {
        best = cand;
        bestScore = score;
      }
    }
    if (!best) {
      const got = call.args.map((a, i) => (a.name ? `${a.name}=` : '') + `${QUAL_NAMES[types[i]?.type.qual ?? Qual.Series]} ${baseName(types[i]?.type ?? t('float'))}`).join(', ');
      const forms = [first, ...others].map((o) => `${o.name}(${o.def.params.map((p) => (p.type ? `${printType(p.type)} ${p.name}` : p.name)).join(', ')})`).join('; ');
      this.err('E332', call.span, `No overload of '${first.name}' takes (${got}). Overloads: ${forms}.`);
    }
    return best;
  }

  private userCall(sym: FuncSym, call: A.Call, scope: Scope): Val[] {
    const fn = scope.fn;
    const def = sym.def;
    if (this.compiling.includes(sym)) {
      // findRecursion() reports every cycle before lowering starts; this only keeps the walk finite.
      this.err('E999', call.span, `Internal: '${sym.name}' reached while it is being compiled.`);
      return [this.poison()];
    }
    if (call.typeArgs.length > 0) this.err('E312', call.span, `'${sym.name}' does not take template arguments.`);
    // A function without a body had a syntax error (E204): its calls have no known value.
    if (def.body.body.length === 0) {
      for (const a of call.args) this.expr(a.value, scope);
      return [this.poison()];
    }
    // Bind arguments to parameters.
    const bound: (A.Expr | null)[] = def.params.map(() => null);
    let pos = 0;
    let ok = true;
    let sawNamed = false;
    for (const a of call.args) {
      if (a.name === null) {
        if (sawNamed) {
          this.err('E341', a.value.span, `Positional argument \`${this.q(a.value)}\` follows a named argument in the call to '${sym.name}': name it too, or move it before the named ones.`);
          ok = false;
          break;
        }
        if (pos >= def.params.length) {
          this.err('E313', a.value.span, `Too many arguments in the call to '${sym.name}': it takes ${def.params.length}, got ${call.args.filter((x) => x.name === null).length} (\`${this.q(a.value)}\` is extra).`);
          ok = false;
          break;
        }
        bound[pos++] = a.value;
      } else {
        sawNamed = true;
        const k = def.params.findIndex((p) => p.name === a.name);
        if (k < 0) {
          this.err('E314', a.nameSpan ?? a.value.span, `'${sym.name}' has no parameter named '${a.name}'.`);
          ok = false;
          continue;
        }
        if (bound[k]) this.err('E315', a.nameSpan ?? a.value.span, `Argument '${a.name}' is given twice.`);
        bound[k] = a.value;
      }
    }
    const argVals: Val[] = [];
    const argEnds: number[] = [];
    def.params.forEach((p, i) => {
      argEnds[i] = fn.em.code.length;
      const e = bound[i] ?? p.defaultValue;
      if (!e) {
        // After a binding error the arguments were not all bound: no second report.
        if (ok) this.err('E316', call.span, `Missing argument '${p.name}' in the call to '${sym.name}'.`);
        ok = false;
        argVals.push(this.poison());
        return;
      }
      // Defaults are compiled in the caller's scope like the argument would be.
      let v = this.expr(e, bound[i] ? scope : this.defaultScope(sym, scope));
      if (v.type.base === 'void' || v.type.base === 'tuple') {
        this.err('E305', e.span, `\`${this.q(e)}\` has no value to pass as '${p.name}'.`);
        v = this.poison();
      }
      if (p.type) {
        const want = this.declTypeFromRef(p.type);
        if (want) {
          v = this.convert(fn, v, want, e.span, `Cannot pass \`${this.q(e)}\` as '${p.name}'`);
          if (p.type.qualifier && v.type.qual > want.qual) {
            this.err('E317', e.span, `Argument '${p.name}'=\`${this.q(e)}\` is ${QUAL_NAMES[v.type.qual]}, but the parameter is declared ${QUAL_NAMES[want.qual]}.`);
          }
          v = { ...v, type: { ...want, qual: p.type.qualifier ? want.qual : v.type.qual } };
        }
      } else if (v.type.base === 'na') {
        v = { ...v, type: { base: 'float', qual: v.type.qual } };
      }
      argVals.push(v);
      argEnds[i] = fn.em.code.length;
    });
    // With an argument in error the callee's types are unknown: it is not compiled for this call.
    if (!ok || argVals.some((v) => v.bad)) return [this.poison()];
    const key = argVals.map((v) => `${v.type.qual}${baseName(v.type)}`).join(',');
    let spec = sym.specs.get(key);
    if (!spec) {
      const again = sym.specs.size > 0;
      if (again) {
        const lc = this.sink.lines.lineCol(call.span.start);
        this.callContext.push({ text: this.q(call), at: `${lc.line}:${lc.column}` });
      }
      spec = this.specialize(sym, argVals.map((v) => v.type), call);
      if (again) this.callContext.pop();
      sym.specs.set(key, spec);
    }
    // Pass arguments into the callee's parameter registers. A value is computed straight into its
    // parameter register unless a later argument calls a function (which could clobber it).
    argVals.forEach((v, i) => {
      const r = spec.paramRegs[i];
      if (r === undefined) return;
      const safe = !containsCall(fn.em.code, argEnds[i] ?? 0);
      this.place(fn, safe ? v : { reg: v.reg, type: v.type, cv: v.cv }, r);
    });
    const c = spec.ctx;
    const varOff = fn.nVarF;
    const objOff = fn.nVarO;
    const serOff = fn.nSer;
    const csOff = fn.nCs;
    fn.nVarF += c.nVarF;
    fn.nVarO += c.nVarO;
    fn.nSer += c.nSer;
    fn.nCs += c.nCs;
    if (c.nVarF + c.nVarO + c.nSer + c.nCs > 0) fn.calls.push({ fn: c.id, varOff, objOff, serOff, csOff });
    fn.em.at = this.pinnedAt ?? call.span.start;
    fn.em.emit(Op.CALL, c.id, varOff, objOff, serOff, csOff);
    // Copy results out: the callee's result registers are reused by its next call.
    return spec.results.map((ty, i) => {
      const r = fn.temp();
      const src = spec.resultRegs[i] ?? 0;
      const at = fn.em.emit(isNumericStorage(ty) ? Op.MOV_F : Op.MOV_O, r, src);
      return { reg: r, type: ty, defAt: at + 1 };
    });
  }

  private defaultScope(sym: FuncSym, scope: Scope): Scope {
    const s = new Scope(null, scope.fn);
    for (const [k, v] of sym.globals) s.syms.set(k, v);
    return s;
  }

  /** Functions that no call compiled are checked once if every parameter has a declared type
   * (a generic parameter's type is only known at a call). Their code is never called. */
  private checkUncalled(): void {
    for (const sym of this.userFns) {
      if (sym.specs.size > 0 || this.recursive.has(sym.name)) continue;
      // A generic parameter's type is only known at a call: here it reads as a value that raises
      // no type errors, so that only errors independent of it (names, other types) are reported.
      const unknown = sym.def.params.map((p) => p.type === null);
      const types = sym.def.params.map((p) => (p.type ? (this.declTypeFromRef(p.type) ?? t('float')) : t('float')));
      sym.specs.set('unused', this.specialize(sym, types, null, unknown));
    }
  }

  private specialize(sym: FuncSym, argTypes: PType[], call: A.Call | null, unknown: boolean[] = []): SpecInfo {
    const def = sym.def;
    const label = `${sym.name}(${argTypes.map((t) => baseName(t)).join(', ')})`;
    const ctx = this.newFn(label, false);
    const scope = new Scope(null, ctx);
    for (const [k, v] of sym.globals) scope.syms.set(k, v);
    const fnScope = new Scope(scope, ctx);
    const paramRegs: number[] = [];
    this.compiling.push(sym);
    ctx.em.at = def.span.start;
    def.params.forEach((p, i) => {
      const ty = argTypes[i] ?? t('float');
      const reg = this.newReg();
      paramRegs.push(reg);
      const ps: VarSym = {
        kind: 'var',
        name: p.name,
        type: this.reassigned.has(p.name) ? { ...ty, qual: Qual.Series } : ty,
        storage: 'reg',
        index: reg,
        ser: -1,
        mode: 'plain',
        global: false,
        span: p.span,
      };
      if (unknown[i]) ps.unknown = true;
      if (this.histNames.has(p.name)) {
        ps.ser = ctx.newSeries(isNumericStorage(ty) ? 'f' : 'o');
        ctx.em.emit(isNumericStorage(ty) ? Op.SER_SET : Op.SER_SET_O, ps.ser, reg);
      }
      fnScope.syms.set(p.name, ps);
    });
    const vals = this.stmts(def.body.body, fnScope, true) ?? [];
    const results: PType[] = [];
    const resultRegs: number[] = [];
    for (const v of vals) {
      if (v.type.base === 'void') continue;
      const ty = v.type.base === 'na' ? t('float', v.type.qual) : v.type;
      const r = this.newReg();
      this.place(ctx, v, r);
      results.push(ty);
      resultRegs.push(r);
    }
    ctx.em.emit(Op.RET);
    this.compiling.pop();
    void call;
    return { fnId: ctx.id, results, resultRegs, paramRegs, paramTypes: argTypes, ctx };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  /** Compiles an expression with exactly one value. */
  private expr(e: A.Expr, scope: Scope): Val {
    const vals = this.exprMulti(e, scope, true);
    if (!vals || vals.length === 0) return { reg: this.constReg(null), type: VOID };
    if (vals.length > 1) {
      const names = vals.map((_, i) => String.fromCharCode(97 + (i % 26))).join(', ');
      this.err('E318', e.span, `\`${this.q(e)}\` returns ${vals.length} values; use a tuple declaration \`[${names}] = ...\`.`);
      return vals[0] ?? this.poison();
    }
    return vals[0] ?? this.poison();
  }

  private exprMulti(e: A.Expr, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    const savedAt = fn.em.at;
    fn.em.at = this.pinnedAt ?? e.span.start;
    try {
      switch (e.kind) {
        case 'Number':
          return [this.constVal(e.value, t(e.isInt ? 'int' : 'float'))];
        case 'String':
          return [this.constVal(e.value, t('string'))];
        case 'Bool':
          return [this.constVal(e.value ? 1 : 0, t('bool'))];
        case 'Color':
          return [this.constVal(colorFromRgba(e.r, e.g, e.b, e.a), t('color'))];
        case 'Na':
          return [{ reg: this.constReg(null), type: t('na', Qual.Const), cv: null }];
        case 'Ident':
          return [this.ident(e, scope)];
        case 'Member':
          return [this.member(e, scope)];
        case 'Call':
          return this.call(e, scope);
        case 'Index':
          return [this.history(e, scope)];
        case 'Unary':
          return [this.unary(e, scope)];
        case 'Binary':
          return [this.binary(e, scope)];
        case 'Ternary':
          return [this.ternary(e, scope)];
        case 'Tuple':
          this.err('E403', e.span, 'A tuple `[...]` can only be the result of a function.');
          return [this.poison()];
        case 'If':
          return this.ifExpr(e, scope, want);
        case 'Switch':
          return this.switchExpr(e, scope, want);
        case 'For':
          return this.forExpr(e, scope, want);
        case 'ForIn':
          return this.forInExpr(e, scope, want);
        case 'While':
          return this.whileExpr(e, scope, want);
      }
    } finally {
      fn.em.at = savedAt;
    }
  }

  private ident(e: A.Ident, scope: Scope): Val {
    const sym = scope.lookup(e.name);
    if (sym) {
      if (sym.kind === 'func') {
        this.err('E319', e.span, `'${e.name}' is a function: call it with \`${e.name}(...)\`.`);
        return this.poison();
      }
      return this.readVar(sym, scope, e.span);
    }
    const bv = lookupVar(e.name);
    if (bv) return this.builtinVar(bv, scope, e.span);
    if (lookupFn(e.name)) {
      this.err('E319', e.span, `'${e.name}' is a function: call it with \`${e.name}(...)\`.`);
      return this.poison();
    }
    const later = this.script.body.find(
      (st) => st.span.start > e.span.start && ((st.kind === 'VarDecl' && st.name === e.name) || (st.kind === 'TupleDecl' && st.names.some((n) => n.name === e.name))),
    );
    if (later) {
      const line = this.sink.lines.lineCol(later.span.start).line;
      this.err('E301', e.span, `Undeclared identifier '${e.name}': it is declared later, on line ${line}; declare a variable before the code that uses it.`);
    } else {
      this.err('E301', e.span, `Undeclared identifier '${e.name}'.${this.didYouMean(e.name, scope, 'value')}`);
    }
    return this.poison();
  }

  /** The dotted name of a Member chain of identifiers (`ta.sma`, `color.red`), or null. */
  private dotted(e: A.Expr): string | null {
    if (e.kind === 'Ident') return e.name;
    if (e.kind === 'Member') {
      const left = this.dotted(e.object);
      return left === null ? null : `${left}.${e.name}`;
    }
    return null;
  }

  private member(e: A.Member, scope: Scope): Val {
    const name = this.dotted(e);
    if (name !== null) {
      const root = name.split('.')[0] ?? '';
      const userRoot = scope.lookup(root);
      if (!userRoot) {
        const bv = lookupVar(name);
        if (bv) return this.builtinVar(bv, scope, e.span);
        if (lookupFn(name)) {
          this.err('E319', e.span, `'${name}' is a function: call it with \`${name}(...)\`.`);
          return this.poison();
        }
        return this.unknownName(name, e.span);
      }
    }
    const obj = this.expr(e.object, scope);
    // Tier 2: the fields of a chart.point (`p.price`) read through builtins/draw/points.ts.
    const getter = obj.type.base === 'chart.point' ? lookupFn(`chart.point.__get_${e.name}`)?.[0] : undefined;
    if (getter && !obj.bad) {
      const fn = scope.fn;
      const block = this.newReg(1);
      this.place(fn, obj, block);
      const idx = this.builtinRef(getter.name, getter.overload, getter.signature);
      const d = fn.temp();
      fn.em.at = this.pinnedAt ?? e.span.start;
      const at = fn.em.emit(Op.CALLB, idx, block, d, 0);
      return { reg: d, type: sigToPType(getter.results[0] ?? { base: 'float', qual: Qual.Series }, null), defAt: at + 3 };
    }
    this.err('E502', e.span, `Field access (\`${this.q(e)}\`) needs user-defined types, which are not supported yet.`);
    return this.poison();
  }

  /** ` Did you mean 'x'?` for the closest visible name (at most 2 edits away), or ''. */
  private didYouMean(name: string, scope: Scope | null, want: 'value' | 'function' | 'any'): string {
    const dot = name.lastIndexOf('.');
    const prefix = dot >= 0 ? name.slice(0, dot + 1) : '';
    const pool: string[] = [];
    if (dot < 0 && scope) {
      for (let sc: Scope | null = scope; sc; sc = sc.parent) {
        for (const [k, sym] of sc.syms) if (want === 'any' || (sym.kind === 'func') === (want === 'function')) pool.push(k);
      }
    }
    if (want !== 'function') pool.push(...allVariableNames());
    if (want !== 'value') pool.push(...allFunctionNames());
    let best: string | null = null;
    let bestD = Math.min(2, Math.floor(name.length / 3));
    for (const c of pool) {
      if (!c.startsWith(prefix) || c.slice(prefix.length).includes('.') || c.startsWith('__')) continue;
      const d = editDistance(name, c, bestD);
      if (d <= bestD && (best === null || d < bestD)) {
        best = c;
        bestD = d;
      }
    }
    return best !== null && best !== name ? ` Did you mean '${best}'?` : '';
  }

  private unknownName(name: string, span: A.Span): Val {
    const root = name.split('.')[0] ?? '';
    if (root === 'array' && !PINE_ARRAY_FUNCTIONS.has(name.slice(6)) && !name.startsWith('array.new_')) {
      this.err('E301', span, `Unknown built-in '${name}': 'array' has no member '${name.slice(6)}'.${this.didYouMean(name, null, 'any')}`);
    } else if (OFFLINE_REQUESTS.has(name)) {
      this.err('E504', span, `'${name}' needs data that only TradingView's servers have (financials, economic data, corporate events): it cannot run here.`);
    } else if (root === 'strategy' && this.meta.kind === 'strategy') {
      // strategy() itself was reported: each strategy.* use would only repeat it.
    } else if (UNSUPPORTED_NAMESPACES.includes(root)) {
      this.err('E504', span, `'${name}' is not supported yet.`);
    } else if (isNamespace(root)) {
      this.err('E301', span, `Unknown built-in '${name}': '${root}' has no member '${name.slice(root.length + 1)}'.${this.didYouMean(name, null, 'any')}`);
    } else {
      // `x.y` where x is neither a variable nor a namespace: x is what is missing.
      this.err('E301', { start: span.start, end: span.start + root.length }, `Undeclared identifier '${root}'.${this.didYouMean(root, null, 'value')}`);
    }
    return this.poison();
  }

  private builtinVar(bv: VarSpec, scope: Scope, span: A.Span): Val {
    const type = sigToPType(bv.type, null);
    const impl = bv.impl;
    if ('reg' in impl) return { reg: impl.reg, type, stable: true };
    if ('value' in impl) {
      const v = impl.value;
      return this.constVal(v, type);
    }
    const fn = scope.fn;
    const idx = this.builtinRef(bv.name, -1, `${bv.name}: ${typeName(type)}`);
    const s = impl.drawing ? this.drawingSlot() : impl.stateful ? fn.nCs++ : 0;
    const r = fn.temp();
    fn.em.at = this.pinnedAt ?? span.start;
    const at = fn.em.emit(Op.CALLB, idx, 0, r, s);
    return { reg: r, type, defAt: at + 3 };
  }

  // History reference `x[k]`.
  private history(e: A.Index, scope: Scope): Val {
    const fn = scope.fn;
    const off = this.expr(e.index, scope);
    if (off.type.base !== 'int' && off.type.base !== 'na') {
      if (off.type.base === 'float') {
        this.err('E320', e.index.span, `The history offset \`${this.q(e.index)}\` must be an int, got float; use int(...) or math.round(...).`);
      } else {
        this.err('E320', e.index.span, `The history offset \`${this.q(e.index)}\` must be an int, got ${baseName(off.type)}.`);
      }
      return this.poison();
    }
    const k = typeof off.cv === 'number' ? off.cv : null;
    if (k !== null && (k < 0 || !Number.isInteger(k))) {
      this.err('E321', e.index.span, `The history offset must be a non-negative integer, got ${k}.`);
      return this.poison();
    }
    if (k !== null && k > 100000) {
      this.err('E321', e.index.span, `The history offset ${k} is too large (the limit is 100000).`);
      return this.poison();
    }
    // Resolve what the history is taken of.
    let ser = -1;
    let global = false;
    let type: PType | null = null;
    const obj = e.object;
    const name = this.dotted(obj);
    const sym = obj.kind === 'Ident' ? scope.lookup(obj.name) : undefined;
    if (sym && sym.kind === 'var') {
      if (k === 0 || sym.unknown) return this.readVar(sym, scope, obj.span);
      if (sym.ser < 0) {
        this.err('E999', obj.span, `Internal: no history buffer for '${sym.name}'.`);
        return this.poison(sym.type);
      }
      ser = sym.ser;
      global = sym.global && !fn.isMain;
      type = sym.type;
    } else if (!sym && name !== null && !scope.lookup(name.split('.')[0] ?? '') && lookupVar(name)) {
      const bv = lookupVar(name);
      if (bv && 'reg' in bv.impl) {
        const reg = bv.impl.reg;
        type = sigToPType(bv.type, null);
        if (k === 0) return { reg, type };
        let slot = this.barSeries.get(reg);
        if (slot === undefined) {
          slot = this.main.newSeries('f');
          this.barSeries.set(reg, slot);
        }
        ser = slot;
        global = !fn.isMain;
        type = { ...type, qual: Qual.Series };
        this.noteRead(this.main, ser, k);
        return this.emitSerGet(fn, ser, global, true, off, k, type, this.main);
      }
    }
    if (ser < 0) {
      // History of an arbitrary expression: a hidden series written where it is evaluated.
      const v = this.expr(obj, scope);
      if (v.type.base === 'void' || v.type.base === 'tuple' || v.type.base === 'na') {
        this.err('E322', obj.span, `Cannot take the history of \`${this.q(obj)}\`: it has no single value.`);
        return this.poison();
      }
      if (k === 0) return v;
      const numeric = isNumericStorage(v.type);
      ser = fn.newSeries(numeric ? 'f' : 'o');
      const tmp = this.toTemp(fn, v);
      fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, ser, tmp.reg);
      type = v.type;
      global = false;
    }
    const ty = type ?? t('float');
    this.noteRead(global ? this.main : fn, ser, k);
    return this.emitSerGet(fn, ser, global, isNumericStorage(ty), off, k, { ...ty, qual: Qual.Series }, global ? this.main : fn);
  }

  private noteRead(owner: FnCtx, ser: number, k: number | null): void {
    owner.noteOffset(ser, k);
  }

  private emitSerGet(fn: FnCtx, ser: number, global: boolean, numeric: boolean, off: Val, k: number | null, type: PType, owner: FnCtx): Val {
    const r = fn.temp();
    let at: number;
    if (k !== null) {
      const op = numeric ? (global ? Op.SER_GET_GK : Op.SER_GET_K) : global ? Op.SER_GET_GOK : Op.SER_GET_OK;
      at = fn.em.emit(op, r, ser, k);
    } else {
      this.emitHistoryLimit(fn, owner, ser, off.reg);
      const op = numeric ? (global ? Op.SER_GET_G : Op.SER_GET) : global ? Op.SER_GET_GO : Op.SER_GET_O;
      at = fn.em.emit(op, r, ser, off.reg);
    }
    if (type.base === 'bool' && this.version >= 6) {
      // Before the first bar (or beyond the kept history) a v6 bool reads false, not na.
      fn.em.emit(Op.TO_BOOL, r, r);
      return { reg: r, type };
    }
    return { reg: r, type, defAt: at + 1 };
  }

  /** A dynamic offset `x[k]` fails beyond the series' history limit: max_bars_back, or more when
   * constant offsets or max_bars_back(x, n) ask for more (Pine: "The requested historical offset
   * is beyond the historical buffer's limit"). The ring buffer is rounded up to a power of two, so
   * the limit is checked here, exactly: `k > limit` jumps to a failing check. The limit register is
   * preloaded with the final value once the whole script has been laid out (`run`). */
  private emitHistoryLimit(fn: FnCtx, owner: FnCtx, ser: number, offReg: number): void {
    const key = `${owner.id}:${ser}`;
    let lim = this.histLimits.get(key);
    if (!lim) {
      const entry: Preload = { reg: this.newReg(), value: 0 };
      this.preload.push(entry);
      lim = { entry, owner, ser };
      this.histLimits.set(key, lim);
    }
    const limReg = lim.entry.reg;
    const over = fn.temp();
    const ok = new Label();
    fn.em.emit(Op.GT, over, offReg, limReg);
    fn.em.emitJump(Op.JF, ok, over);
    const args = this.newReg(2);
    fn.em.emit(Op.MOV_F, args, offReg);
    fn.em.emit(Op.MOV_F, args + 1, limReg);
    const spec = lookupFn('__check.history_limit')?.[0];
    if (!spec) throw new Error('Internal: the check __check.history_limit is not registered');
    fn.em.emit(Op.CALLB, this.builtinRef(spec.name, spec.overload, spec.signature), args, 0, 0);
    fn.em.mark(ok);
  }

  private unary(e: A.Unary, scope: Scope): Val {
    const fn = scope.fn;
    const v = this.expr(e.operand, scope);
    if (v.bad) return this.poison(e.op === 'not' ? t('bool') : v.type);
    if (e.op === 'not') {
      let b = v;
      if (v.type.base !== 'bool' && v.type.base !== 'na') {
        if (this.version < 6 && (v.type.base === 'int' || v.type.base === 'float')) b = v;
        else {
          // `not close > open` reads as `(not close) > open`: 'not' binds tighter than comparisons.
          const after = /^\s*(>=|<=|==|!=|>|<)/.exec(this.sink.source.slice(e.operand.span.end, e.operand.span.end + 40));
          const hint = after ? ` 'not' applies before '${after[1]}': write \`not (${this.q(e.operand)} ${after[1]} ...)\`.` : '';
          this.err('E323', e.operand.span, `'not' needs a bool, got ${baseName(v.type)} (\`${this.q(e.operand)}\`).${hint}`);
          return this.poison(t('bool'));
        }
      }
      const type = t('bool', v.type.qual);
      if (typeof b.cv === 'number') return this.constVal(b.cv !== 0 && !Number.isNaN(b.cv) ? 0 : 1, type);
      const r = fn.temp();
      const at = fn.em.emit(Op.NOT, r, b.reg);
      return { reg: r, type, defAt: at + 1 };
    }
    if (v.type.base !== 'int' && v.type.base !== 'float' && v.type.base !== 'na') {
      this.err('E323', e.operand.span, `Unary '${e.op}' needs a number, got ${baseName(v.type)} (\`${this.q(e.operand)}\`).`);
      return this.poison();
    }
    const type = v.type.base === 'na' ? t('float', v.type.qual) : v.type;
    if (e.op === '+') return { ...v, type };
    if (typeof v.cv === 'number') return this.constVal(-v.cv, type);
    const r = fn.temp();
    const at = fn.em.emit(Op.NEG, r, v.reg);
    return { reg: r, type, defAt: at + 1 };
  }

  private binary(e: A.Binary, scope: Scope): Val {
    if (e.op === 'and' || e.op === 'or') return this.logical(e, scope);
    const l = this.expr(e.left, scope);
    const r = this.expr(e.right, scope);
    return this.binaryVals(e.op, l, r, e.span, scope, e.left, e.right);
  }

  private binaryVals(
    op: Exclude<A.BinaryOp, 'and' | 'or'>,
    l: Val,
    r: Val,
    span: A.Span,
    scope: Scope,
    le: { span: A.Span },
    re: { span: A.Span },
  ): Val {
    const fn = scope.fn;
    const qual = maxQual(l.type.qual, r.type.qual);
    const lb = l.type.base;
    const rb = r.type.base;
    if (l.bad || r.bad) {
      const cmp = op === '==' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=';
      return this.poison(cmp ? t('bool') : t(lb === 'string' || rb === 'string' ? 'string' : 'float'));
    }
    const isNum = (b: Base) => b === 'int' || b === 'float' || b === 'na';
    const emit3 = (opc: number, type: PType, fold: ((a: number, b: number) => number) | null): Val => {
      if (fold && typeof l.cv === 'number' && typeof r.cv === 'number') return this.constVal(fold(l.cv, r.cv), type);
      const d = fn.temp();
      const at = fn.em.emit(opc, d, l.reg, r.reg);
      return { reg: d, type, defAt: at + 1 };
    };
    if (op === '+' && (lb === 'string' || rb === 'string')) {
      if ((lb !== 'string' && lb !== 'na') || (rb !== 'string' && rb !== 'na')) {
        this.err('E324', span, `Cannot add ${baseName(l.type)} and ${baseName(r.type)}: convert with str.tostring() (\`${this.sink.quote(span)}\`).`);
        return this.poison(t('string'));
      }
      const type = t('string', qual);
      if (typeof l.cv === 'string' && typeof r.cv === 'string') return this.constVal(l.cv + r.cv, type);
      const d = fn.temp();
      const at = fn.em.emit(Op.CONCAT, d, l.reg, r.reg);
      return { reg: d, type, defAt: at + 1 };
    }
    if (op === '==' || op === '!=') {
      const type = t('bool', qual);
      if (this.version >= 6 && (lb === 'na' || rb === 'na')) {
        // `x == na` is always false; Pine v6 rejects it.
        const other = lb === 'na' ? re : le;
        this.err('E337', span, `Cannot compare with na using '${op}' (\`${this.sink.quote(span)}\`): a comparison with na is never true. Use ${op === '!=' ? 'not ' : ''}na(${this.sink.quote(other.span)}) instead.`);
        return this.poison(t('bool'));
      }
      const bothObj = (lb === 'string' || lb === 'na') && (rb === 'string' || rb === 'na') && (lb === 'string' || rb === 'string');
      if (bothObj) {
        if (typeof l.cv === 'string' && typeof r.cv === 'string') return this.constVal((l.cv === r.cv) === (op === '==') ? 1 : 0, type);
        return emit3(op === '==' ? Op.EQ_O : Op.NE_O, type, null);
      }
      const u = unify(l.type, r.type);
      if (!u || !isNumericStorage(u)) {
        this.err('E324', span, `Cannot compare ${baseName(l.type)} with ${baseName(r.type)} (\`${this.sink.quote(span)}\`).`);
        return this.poison(t('bool'));
      }
      return emit3(op === '==' ? Op.EQ : Op.NE, type, (a, b) => (a === a && b === b && (a === b) === (op === '==') ? 1 : 0));
    }
    if (!isNum(lb) || !isNum(rb)) {
      const bad = !isNum(lb) ? { v: l, e: le } : { v: r, e: re };
      this.err('E324', bad.e.span, `Operator '${op}' needs numbers, got ${baseName(bad.v.type)} (\`${this.sink.quote(bad.e.span)}\`).`);
      return this.poison(op === '<' || op === '<=' || op === '>' || op === '>=' ? t('bool') : t('float'));
    }
    const bothInt = (lb === 'int' || lb === 'na') && (rb === 'int' || rb === 'na') && (lb === 'int' || rb === 'int');
    const numType: PType = t(bothInt ? 'int' : 'float', qual);
    switch (op) {
      case '+':
        return emit3(Op.ADD, numType, (a, b) => a + b);
      case '-':
        return emit3(Op.SUB, numType, (a, b) => a - b);
      case '*':
        return emit3(Op.MUL, numType, (a, b) => a * b);
      case '/':
        if (bothInt && this.version < 6) return emit3(Op.IDIV, numType, (a, b) => (b === 0 ? NaN : Math.trunc(a / b)));
        return emit3(Op.DIV, t(bothInt ? 'float' : 'float', qual), (a, b) => (b === 0 ? NaN : a / b));
      case '%':
        return emit3(Op.MOD, numType, (a, b) => (b === 0 ? NaN : a % b));
      case '<':
        return emit3(Op.LT, t('bool', qual), (a, b) => (a < b ? 1 : 0));
      case '<=':
        return emit3(Op.LE, t('bool', qual), (a, b) => (a <= b ? 1 : 0));
      case '>':
        return emit3(Op.GT, t('bool', qual), (a, b) => (a > b ? 1 : 0));
      case '>=':
        return emit3(Op.GE, t('bool', qual), (a, b) => (a >= b ? 1 : 0));
    }
  }

  private asBool(v: Val, e: { span: A.Span }, what: string): Val | null {
    if (v.type.base === 'bool' || v.type.base === 'na' || v.bad) return v;
    if (this.version < 6 && (v.type.base === 'int' || v.type.base === 'float')) return v;
    this.err('E325', e.span, `${what} must be a bool, got ${baseName(v.type)} (\`${this.sink.quote(e.span)}\`).${this.version >= 6 && (v.type.base === 'int' || v.type.base === 'float') ? ' Pine v6 does not convert numbers to bool implicitly: use bool(x) or a comparison.' : ''}`);
    return null;
  }

  private logical(e: A.Binary, scope: Scope): Val {
    const fn = scope.fn;
    const l = this.expr(e.left, scope);
    const lb = this.asBool(l, e.left, `The left side of '${e.op}'`);
    if (this.version < 6) {
      // v5 evaluates both sides.
      const r = this.expr(e.right, scope);
      const rb = this.asBool(r, e.right, `The right side of '${e.op}'`);
      if (!lb || !rb) return this.poison(t('bool'));
      const type = t('bool', maxQual(l.type.qual, r.type.qual));
      const d = fn.temp();
      const lt = fn.temp();
      fn.em.emit(Op.TO_BOOL, lt, lb.reg);
      const rt = fn.temp();
      fn.em.emit(Op.TO_BOOL, rt, rb.reg);
      fn.em.emit(e.op === 'and' ? Op.MUL : Op.ADD, d, lt, rt);
      if (e.op === 'or') fn.em.emit(Op.TO_BOOL, d, d);
      return { reg: d, type };
    }
    if (typeof lb?.cv === 'number') {
      const lv = lb.cv !== 0 && lb.cv === lb.cv;
      if ((e.op === 'and' && !lv) || (e.op === 'or' && lv)) {
        // The right side never runs, but it is checked.
        const r = this.checkOnly(fn, () => this.expr(e.right, scope));
        this.asBool(r, e.right, `The right side of '${e.op}'`);
        return this.constVal(e.op === 'and' ? 0 : 1, t('bool'));
      }
      const r = this.expr(e.right, scope);
      const rb = this.asBool(r, e.right, `The right side of '${e.op}'`);
      if (!rb) return this.poison(t('bool'));
      if (typeof rb.cv === 'number') return this.constVal(rb.cv !== 0 && rb.cv === rb.cv ? 1 : 0, t('bool'));
      const d = fn.temp();
      const at = fn.em.emit(Op.TO_BOOL, d, rb.reg);
      return { reg: d, type: t('bool', r.type.qual), defAt: at + 1 };
    }
    const d = fn.temp();
    const end = new Label();
    fn.em.emit(Op.TO_BOOL, d, lb ? lb.reg : l.reg);
    fn.em.emitJump(e.op === 'and' ? Op.JF : Op.JT, end, d);
    const r = this.expr(e.right, scope);
    const rb = this.asBool(r, e.right, `The right side of '${e.op}'`);
    fn.em.emit(Op.TO_BOOL, d, rb ? rb.reg : r.reg);
    fn.em.mark(end);
    if (!lb || !rb) return this.poison(t('bool'));
    return { reg: d, type: t('bool', maxQual(l.type.qual, r.type.qual)) };
  }

  private ternary(e: A.Ternary, scope: Scope): Val {
    const fn = scope.fn;
    const c = this.expr(e.cond, scope);
    const cb = this.asBool(c, e.cond, 'The condition of `?:`');
    if (cb && typeof cb.cv === 'number') {
      // A constant condition: only the taken branch is emitted, but both are checked.
      const taken = cb.cv !== 0 && cb.cv === cb.cv;
      const a = this.expr(taken ? e.then : e.else, scope);
      const other = this.checkOnly(fn, () => this.expr(taken ? e.else : e.then, scope));
      const u = unify(a.type, other.type);
      if (!u && (a.bad || other.bad)) return this.poison(a.bad ? other.type : a.type);
      if (!u) {
        const [tt, et] = taken ? [a.type, other.type] : [other.type, a.type];
        this.err('E326', e.span, `The branches of \`?:\` have different types: ${baseName(tt)} and ${baseName(et)}.`);
        return this.poison();
      }
      // The value has the type both branches meet in (`true ? 1 : 2.5` is a float).
      return a.type.base === 'na' && u.base !== 'na' ? { ...a, type: u, cv: undefined, reg: this.naOf(fn, u) } : { ...a, type: { ...u, qual: a.type.qual } };
    }
    const d = fn.temp();
    const elseL = new Label();
    const end = new Label();
    fn.em.emitJump(Op.JF, elseL, cb ? cb.reg : c.reg);
    const a = this.expr(e.then, scope);
    this.place(fn, { ...a, defAt: a.defAt }, d);
    fn.em.emitJump(Op.JMP, end);
    fn.em.mark(elseL);
    const b = this.expr(e.else, scope);
    this.place(fn, b, d);
    fn.em.mark(end);
    const u = unify(a.type, b.type);
    // A branch already in error has no real type: no second error about it.
    if (!u && (a.bad || b.bad)) return this.poison(a.bad ? b.type : a.type);
    if (!u) {
      this.err('E326', e.span, `The branches of \`?:\` have different types: ${baseName(a.type)} and ${baseName(b.type)}.`);
      return this.poison();
    }
    if (u.base === 'bool' && this.version >= 6 && (a.type.base === 'na' || b.type.base === 'na')) {
      // `c ? true : na`: a v6 bool is never na, the na branch gives false.
      fn.em.emit(Op.TO_BOOL, d, d);
    }
    if (!cb) return this.poison(u);
    return { reg: d, type: { ...u, qual: maxQual(u.qual, c.type.qual) } };
  }

  // Control-flow expressions. Their value (when wanted) is the value of the block that ran; na
  // (false for bool) when none ran. Result registers are allocated when the first branch's values
  // are known; the "nothing ran" path initialises them at the end, so no code is ever inserted.

  private block(b: A.Block, parent: Scope, want: boolean): Val[] | null {
    const scope = new Scope(parent, parent.fn);
    return this.stmts(b.body, scope, want);
  }

  private branchInto(fn: FnCtx, vals: Val[] | null, acc: BranchAcc, span: A.Span): void {
    if (!acc.want) return;
    const vs = (vals ?? []).filter((v) => v.type.base !== 'void');
    if (acc.regs === null) {
      acc.regs = vs.map(() => this.newReg());
      acc.types = vs.map((v) => v.type);
    }
    if (vs.length !== acc.regs.length) {
      acc.countMismatch = true;
      return;
    }
    vs.forEach((v, i) => {
      const r = acc.regs?.[i];
      if (r === undefined || !acc.types) return;
      if (v.type.base === 'na') acc.sawNa = true;
      this.place(fn, v, r);
      // A value already in error has no real type: it neither sets nor contradicts the type.
      const bad = (acc.bad ??= []);
      if (v.bad) {
        if (bad[i] === undefined) bad[i] = true;
        return;
      }
      if (bad[i] === true) {
        bad[i] = false;
        acc.types[i] = v.type;
        return;
      }
      bad[i] = false;
      const before = acc.types[i] ?? v.type;
      const u = unify(before, v.type);
      if (!u) acc.mismatch ??= { span, before, got: v.type };
      else acc.types[i] = u;
    });
  }

  /** Emits the na (or false) initialisation of the result registers at the current position. */
  private emitNaInit(fn: FnCtx, acc: BranchAcc): void {
    if (!acc.want || !acc.regs || !acc.types || acc.countMismatch) return;
    acc.regs.forEach((r, i) => {
      if (acc.types?.[i]?.base === 'bool') fn.em.emit(Op.CONST_F, r, this.constIndex(0));
      else fn.em.emit(Op.NA_BOTH, r);
    });
  }

  private finishBranches(fn: FnCtx, acc: BranchAcc, what: string): Val[] | null {
    if (!acc.want) return null;
    if (acc.countMismatch || !acc.regs || !acc.types) return [];
    if (acc.mismatch) {
      const m = acc.mismatch;
      this.err('E326', m.span, `The branches of this ${what} return values of different types: ${baseName(m.before)} before, ${baseName(m.got)} in \`${this.sink.quote(m.span)}\`.`);
      return [this.poison()];
    }
    if (acc.sawNa && this.version >= 6) {
      // A branch gave na where the others give a bool: a v6 bool is never na.
      acc.regs.forEach((reg, i) => {
        if (acc.types?.[i]?.base === 'bool') fn.em.emit(Op.TO_BOOL, reg, reg);
      });
    }
    return acc.regs.map((reg, i) => {
      const ty = acc.types?.[i] ?? t('float');
      return { reg, type: { ...(ty.base === 'na' ? t('float') : ty), qual: Qual.Series } };
    });
  }

  private constIndex(v: number): number {
    const i = this.consts.indexOf(v);
    if (i >= 0) return i;
    this.consts.push(v);
    return this.consts.length - 1;
  }

  private newAcc(want: boolean): BranchAcc {
    return { want, regs: null, types: null, mismatch: null, countMismatch: false, sawNa: false };
  }

  private ifExpr(e: A.IfExpr, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    const acc = this.newAcc(want);
    const end = new Label();
    const chain: A.IfExpr[] = [];
    let elseBlock: A.Block | null = null;
    for (let cur: A.IfExpr | null = e; cur; ) {
      chain.push(cur);
      const el: A.Block | null = cur.else;
      const only: A.Stmt | undefined = el && el.body.length === 1 ? el.body[0] : undefined;
      if (only && only.kind === 'ExprStmt' && only.expr.kind === 'If') {
        cur = only.expr;
      } else {
        elseBlock = el;
        cur = null;
      }
    }
    for (const c of chain) {
      const next = new Label();
      const cv = this.expr(c.cond, scope);
      const cb = this.asBool(cv, c.cond, 'The condition of `if`');
      fn.em.emitJump(Op.JF, next, cb ? cb.reg : cv.reg);
      const vals = this.block(c.then, scope, want);
      this.branchInto(fn, vals, acc, c.then.span);
      fn.em.emitJump(Op.JMP, end);
      fn.em.mark(next);
    }
    if (elseBlock) {
      const vals = this.block(elseBlock, scope, want);
      this.branchInto(fn, vals, acc, elseBlock.span);
    } else {
      this.emitNaInit(fn, acc);
    }
    fn.em.mark(end);
    return this.finishBranches(fn, acc, '`if`');
  }

  private switchExpr(e: A.SwitchExpr, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    const acc = this.newAcc(want);
    const end = new Label();
    let subject: Val | null = null;
    if (e.subject) {
      subject = this.expr(e.subject, scope);
      if (subject.type.base === 'void' || subject.type.base === 'tuple') {
        this.err('E327', e.subject.span, `The switch subject \`${this.q(e.subject)}\` has no value.`);
        subject = this.poison();
      }
      subject = { reg: subject.reg, type: subject.type, cv: subject.cv };
    }
    let defaultCase: A.SwitchCase | null = null;
    for (const c of e.cases) {
      if (c.when === null) {
        if (defaultCase) this.err('E328', c.span, 'A switch can have only one default case `=>`.');
        defaultCase = c;
        continue;
      }
      const next = new Label();
      const w = this.expr(c.when, scope);
      let cond: number;
      if (subject) {
        const cmp = this.binaryVals('==', subject, w, c.when.span, scope, e.subject ?? c.when, c.when);
        cond = cmp.reg;
      } else {
        const b = this.asBool(w, c.when, 'A switch case condition');
        cond = b ? b.reg : w.reg;
      }
      fn.em.emitJump(Op.JF, next, cond);
      const vals = this.block(c.body, scope, want);
      this.branchInto(fn, vals, acc, c.body.span);
      fn.em.emitJump(Op.JMP, end);
      fn.em.mark(next);
    }
    if (defaultCase) {
      const vals = this.block(defaultCase.body, scope, want);
      this.branchInto(fn, vals, acc, defaultCase.body.span);
    } else {
      this.emitNaInit(fn, acc);
    }
    fn.em.mark(end);
    return this.finishBranches(fn, acc, '`switch`');
  }

  private loopRegister(): number {
    const r = this.newReg(2);
    this.loopRegs.push(r);
    return r;
  }

  /** Loops as expressions: a flag register says whether the body's value was ever computed. */
  private loopFlag(fn: FnCtx, want: boolean): number {
    if (!want) return -1;
    const flag = this.newReg();
    fn.em.emit(Op.CONST_F, flag, this.constIndex(0));
    return flag;
  }

  private loopValue(fn: FnCtx, acc: BranchAcc, flag: number, vals: Val[] | null, span: A.Span): void {
    if (!acc.want) return;
    this.branchInto(fn, vals, acc, span);
    fn.em.emit(Op.CONST_F, flag, this.constIndex(1));
  }

  private loopExit(fn: FnCtx, acc: BranchAcc, flag: number): void {
    if (!acc.want) return;
    const skip = new Label();
    fn.em.emitJump(Op.JT, skip, flag);
    this.emitNaInit(fn, acc);
    fn.em.mark(skip);
  }

  private forExpr(e: A.ForExpr, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    const from = this.expr(e.from, scope);
    const to = this.expr(e.to, scope);
    const step = e.step ? this.expr(e.step, scope) : null;
    const bounds: [Val, A.Expr][] = [[from, e.from], [to, e.to]];
    if (step && e.step) bounds.push([step, e.step]);
    for (const [v, x] of bounds) {
      if (v.type.base !== 'int' && v.type.base !== 'float' && v.type.base !== 'na') {
        this.err('E329', x.span, `Loop bounds must be numbers, got ${baseName(v.type)} (\`${this.q(x)}\`).`);
        return null;
      }
    }
    const isInt = from.type.base !== 'float' && (step === null || step.type.base !== 'float');
    // v5's bound is fixed at the start: a copy, so that the body changing a variable does not move it.
    let toOnce: Val = to;
    if (this.version < 6 && to.cv === undefined) {
      toOnce = { reg: this.newReg(), type: to.type };
      fn.em.emit(Op.MOV_F, toOnce.reg, to.reg);
    }
    const loopScope = new Scope(scope, fn);
    const counter: VarSym = {
      kind: 'var',
      name: e.counter,
      type: t(isInt ? 'int' : 'float'),
      storage: 'reg',
      index: this.newReg(),
      ser: -1,
      mode: 'plain',
      global: false,
      span: e.counterSpan,
    };
    loopScope.syms.set(e.counter, counter);
    const i = counter.index;
    this.place(fn, from, i);
    // The direction is fixed at the start: from <= to counts up by |step|, else down.
    const stepReg = this.newReg();
    const up = this.newReg();
    fn.em.emit(Op.LE, up, i, to.reg);
    fn.em.emit(Op.MOV_F, stepReg, step ? step.reg : this.constReg(1));
    // The step is a size: the direction comes from from/to. Zero or negative is an error (a
    // constant one at compile time); na is not (the loop runs once).
    if (step && e.step) {
      if (typeof step.cv === 'number' && step.cv <= 0) {
        this.err('E408', e.step.span, `The step of a \`for\` loop must be positive, got ${step.cv}: the loop counts down by itself when 'from' is greater than 'to'.`);
      } else if (step.cv === undefined) {
        this.emitCheck(fn, '__check.for_step', stepReg, e.step.span);
      }
    }
    const negStep = this.newReg();
    fn.em.emit(Op.NEG, negStep, stepReg);
    fn.em.emit(Op.SELECT_F, stepReg, up, stepReg, negStep);
    const timer = this.loopRegister();
    fn.em.emit(Op.LOOP_ENTER, timer);
    const acc = this.newAcc(want);
    const flag = this.loopFlag(fn, want);
    const top = new Label();
    const cont = new Label();
    const brk = new Label();
    fn.em.mark(top);
    // v6 evaluates `to` again before every iteration (a changed to_num counts); v5 only once.
    const mark = fn.tempMark();
    const toNow = this.version >= 6 ? this.expr(e.to, scope) : toOnce;
    // One instruction: the test in the loop's direction, then the iteration count (LOOP_CHECK).
    fn.em.emitJump(Op.FOR_TEST, brk, up, i, toNow.reg, timer);
    fn.tempRelease(mark);
    this.loopHistory(fn, counter);
    fn.loops.push({ breakL: brk, continueL: cont });
    const vals = this.block(e.body, loopScope, want);
    fn.loops.pop();
    this.loopValue(fn, acc, flag, vals, e.body.span);
    fn.em.mark(cont);
    fn.em.emitJump(Op.FOR_STEP, top, i, stepReg);
    fn.em.mark(brk);
    this.loopExit(fn, acc, flag);
    return this.finishBranches(fn, acc, '`for` loop');
  }

  /** Emits a call of the array builtin `name` on the arguments in `block` (array first). */
  private arrayOp(fn: FnCtx, name: string, arr: PType, block: number, span: A.Span): { reg: number; type: PType } {
    const args: ArgInfo[] = [{ name: null, type: arr, text: '' }];
    if (name === 'array.get' || name === 'matrix.row' || name.startsWith('map.__')) args.push({ name: null, type: t('int'), text: '' });
    const res = resolveOverload(lookupFn(name) ?? [], args, this.version);
    if (!res.ok) throw new Error(`Internal: no ${name} for ${baseName(arr)}`);
    const spec = res.match.spec;
    const r0 = spec.results[0];
    const type = r0 ? sigToPType(r0, null) : t('int');
    const d = this.newReg();
    fn.em.at = this.pinnedAt ?? span.start;
    fn.em.emit(Op.CALLB, this.builtinRef(spec.name, spec.overload, spec.signature), block, d, 0);
    return { reg: d, type };
  }

  /** `for x in arr` / `for [i, x] in arr`: the array's size is read again before each iteration
   * (the body may push or remove elements). */
  private forInExpr(e: A.ForInExpr, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    const coll = this.expr(e.collection, scope);
    const elem = coll.type.elem;
    // Tier 2: maps (`for [key, value] in m`, insertion order) and matrices (`for row in m`).
    const ops = FOR_IN_OPS[coll.type.base];
    if (!ops || !elem) {
      if (coll.type.base !== 'void') {
        this.err('E339', e.collection.span, `\`for ... in\` needs an array, a map or a matrix, got ${baseName(coll.type)} (\`${this.q(e.collection)}\`).`);
      }
      return null;
    }
    if (ops.key && e.indexName === null) {
      this.err('E339', e.collection.span, `\`for ... in\` over a map (\`${this.q(e.collection)}\`) takes a key and a value: \`for [key, value] in ${this.q(e.collection)}\`.`);
      return null;
    }
    // One argument block serves array.size (the array) and array.get (the array, the index): the
    // index register is the loop's index variable.
    const block = this.newReg(2);
    const idx = block + 1;
    fn.em.emit(Op.MOV_O, block, coll.reg);
    fn.em.emit(Op.MOV_F, idx, this.constReg(0));
    const timer = this.loopRegister();
    fn.em.emit(Op.LOOP_ENTER, timer);
    const acc = this.newAcc(want);
    const flag = this.loopFlag(fn, want);
    const top = new Label();
    const cont = new Label();
    const brk = new Label();
    fn.em.mark(top);
    const size = this.arrayOp(fn, ops.size, coll.type, block, e.collection.span);
    const c = this.newReg();
    fn.em.emit(Op.LT, c, idx, size.reg);
    fn.em.emitJump(Op.JF, brk, c);
    fn.em.emit(Op.LOOP_CHECK, timer);
    const item = this.arrayOp(fn, ops.item, coll.type, block, e.collection.span);
    const key = ops.key ? this.arrayOp(fn, ops.key, coll.type, block, e.collection.span) : null;
    const loopScope = new Scope(scope, fn);
    const bind = (name: string, span: A.Span, reg: number, type: PType): void => {
      if (name === '_') return;
      const sym: VarSym = { kind: 'var', name, type, storage: 'reg', index: reg, ser: -1, mode: 'plain', global: false, span, readonly: true };
      this.loopHistory(fn, sym);
      loopScope.syms.set(name, sym);
    };
    if (e.indexName !== null) bind(e.indexName, e.indexSpan ?? e.span, key ? key.reg : idx, key ? { ...key.type, qual: Qual.Series } : t('int'));
    bind(e.valueName, e.valueSpan, item.reg, { ...item.type, qual: Qual.Series });
    fn.loops.push({ breakL: brk, continueL: cont });
    const vals = this.block(e.body, loopScope, want);
    fn.loops.pop();
    this.loopValue(fn, acc, flag, vals, e.body.span);
    fn.em.mark(cont);
    fn.em.emit(Op.ADD, idx, idx, this.constReg(1));
    fn.em.emitJump(Op.JMP, top);
    fn.em.mark(brk);
    this.loopExit(fn, acc, flag);
    return this.finishBranches(fn, acc, '`for ... in` loop');
  }

  /** Emits a call of one of the compiler's runtime checks (builtins/checks.ts) on register `arg`,
   * located at `span`. */
  private emitCheck(fn: FnCtx, name: string, arg: number, span: A.Span): void {
    const spec = lookupFn(name)?.[0];
    if (!spec) throw new Error(`Internal: the check ${name} is not registered`);
    const saved = fn.em.at;
    fn.em.at = span.start;
    fn.em.emit(Op.CALLB, this.builtinRef(spec.name, spec.overload, spec.signature), arg, 0, 0);
    fn.em.at = saved;
  }

  /** Compiles an expression for its errors and type only: its code is dropped. (Such expressions
   * cannot jump to outer labels; state slots they reserved stay unused.) */
  private checkOnly(fn: FnCtx, f: () => Val): Val {
    const mark = fn.em.code.length;
    const tmark = fn.tempMark();
    const v = f();
    fn.em.code.length = mark;
    fn.em.spans.length = mark;
    fn.tempRelease(tmark);
    return v.bad ? this.poison(v.type) : { reg: this.constReg(null), type: v.type };
  }

  /** A register holding na of type `ty` (false for a v6 bool). */
  private naOf(_fn: FnCtx, ty: PType): number {
    return ty.base === 'bool' && this.version >= 6 ? this.constReg(0) : this.constReg(null);
  }

  /** A loop variable read with `[]` gets a history buffer, written at the top of each iteration. */
  private loopHistory(fn: FnCtx, sym: VarSym): void {
    if (!this.histNames.has(sym.name)) return;
    const numeric = isNumericStorage(sym.type);
    sym.ser = fn.newSeries(numeric ? 'f' : 'o');
    fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
  }

  private whileExpr(e: A.WhileExpr, scope: Scope, want: boolean): Val[] | null {
    const fn = scope.fn;
    const timer = this.loopRegister();
    fn.em.emit(Op.LOOP_ENTER, timer);
    const acc = this.newAcc(want);
    const flag = this.loopFlag(fn, want);
    const top = new Label();
    const brk = new Label();
    fn.em.mark(top);
    const mark = fn.tempMark();
    const c = this.expr(e.cond, scope);
    const cb = this.asBool(c, e.cond, 'The condition of `while`');
    fn.em.emitJump(Op.JF, brk, cb ? cb.reg : c.reg);
    fn.tempRelease(mark);
    fn.em.emit(Op.LOOP_CHECK, timer);
    fn.loops.push({ breakL: brk, continueL: top });
    const vals = this.block(e.body, scope, want);
    fn.loops.pop();
    this.loopValue(fn, acc, flag, vals, e.body.span);
    fn.em.emitJump(Op.JMP, top);
    fn.em.mark(brk);
    this.loopExit(fn, acc, flag);
    return this.finishBranches(fn, acc, '`while` loop');
  }

  // -------------------------------------------------------------------------------------------
  // Calls
  private call(e: A.Call, scope: Scope): Val[] {
    const callee = e.callee;
    if (callee.kind === 'Ident') {
      const sym = scope.lookup(callee.name);
      if (sym) {
        if (sym.kind === 'func') {
          const chosen = sym.overloads ? this.pickOverload(sym, sym.overloads, e, scope) : sym;
          return chosen ? this.userCall(chosen, e, scope) : [this.poison()];
        }
        this.err('E330', callee.span, `Cannot call '${callee.name}': it is ${withArticle(baseName(sym.type))} variable, not a function.`);
        return [this.poison()];
      }
    }
    if (callee.kind === 'Ident' && callee.name === 'max_bars_back' && !lookupFn('max_bars_back')) return this.maxBarsBack(e, scope);
    const name = this.dotted(callee);
    if (name !== null) {
      const root = name.split('.')[0] ?? '';
      if (callee.kind === 'Ident' || !scope.lookup(root)) {
        const specs = lookupFn(name);
        if (specs) return this.builtinCall(name, specs, e, scope);
        if (callee.kind === 'Ident') {
          const later = this.declaredFns.get(name);
          if (this.recursive.has(name) && !scope.fn.isMain) {
            // The recursion error already names this call's cycle.
          } else if (later) {
            const { line } = this.sink.lines.lineCol(later.nameSpan.start);
            this.err('E301', callee.span, `Undeclared function '${name}': it is declared later, on line ${line}; declare a function before the code that calls it.`);
          } else {
            // v4 names without their v5 namespace (sma, tostring, security, ...).
            const ns = ['math', 'ta', 'str', 'request', 'color', 'array', 'timeframe'].find((n) => lookupFn(`${n}.${name}`) || UNSUPPORTED_FUNCTIONS.has(`${n}.${name}`));
            const hint = ns
              ? ` Did you mean '${ns}.${name}'? Since Pine v5 built-in functions live in namespaces (ta., math., str., request., ...).`
              : (V4_REMOVED_FUNCTIONS[name] ?? this.didYouMean(name, scope, 'function'));
            this.err('E301', callee.span, `Undeclared function '${name}'.${hint}`);
          }
          for (const a of e.args) this.expr(a.value, scope);
          return [this.poison()];
        }
        // `close.sma(5)`: a method-style call on a built-in variable, not an unknown namespace.
        // (Tier 2: also on a dotted one, `label.all.size()`.)
        const objName = callee.kind === 'Member' ? this.dotted(callee.object) : null;
        const onVar = callee.kind === 'Member' && objName !== null && lookupVar(objName) !== undefined && (callee.object.kind !== 'Ident' || !isNamespace(root));
        if (!onVar) {
          const v = this.unknownName(name, callee.span);
          return [v];
        }
      }
    }
    // Only a Member reaches here: a plain name was resolved (or reported) above.
    return callee.kind === 'Member' ? this.methodCall(e, callee, scope) : [this.poison()];
  }

  /** `max_bars_back(var, num)`: the history buffer of `var` keeps at least `num` bars, so that
   * dynamic offsets up to `num` work whatever the script's max_bars_back. A layout directive:
   * no code. */
  private maxBarsBack(e: A.Call, scope: Scope): Val[] {
    const fn = scope.fn;
    const byName = (k: number, pname: string): A.Expr | undefined => e.args.find((a) => a.name === pname)?.value ?? (e.args[k]?.name === null ? e.args[k]?.value : undefined);
    const target = byName(0, 'var');
    const numE = byName(1, 'num');
    if (!target || !numE || e.args.length !== 2) {
      this.err('E331', e.span, `Cannot call 'max_bars_back' with these arguments: expected a variable and a const int, as in \`max_bars_back(x, 500)\`, got \`${this.q(e)}\`.`);
      return [{ reg: 0, type: VOID }];
    }
    const num = this.expr(numE, scope);
    if (num.type.base !== 'int' || typeof num.cv !== 'number' || num.cv < 0) {
      this.err('E331', numE.span, `Cannot call 'max_bars_back' with argument 'num'=\`${this.q(numE)}\`: expected a non-negative const int, got ${QUAL_NAMES[num.type.qual]} ${baseName(num.type)}.`);
      return [{ reg: 0, type: VOID }];
    }
    const n = num.cv;
    const sym = target.kind === 'Ident' ? scope.lookup(target.name) : undefined;
    const bv = !sym && target.kind === 'Ident' ? lookupVar(target.name) : undefined;
    if (sym && sym.kind === 'var') {
      // Without a history read the variable has no buffer, and none is needed.
      if (sym.ser >= 0) (sym.global ? this.main : fn).noteOffset(sym.ser, n);
    } else if (bv && 'reg' in bv.impl) {
      const reg = bv.impl.reg;
      let slot = this.barSeries.get(reg);
      if (slot === undefined) {
        slot = this.main.newSeries('f');
        this.barSeries.set(reg, slot);
      }
      this.main.noteOffset(slot, n);
    } else {
      this.err('E331', target.span, `Cannot call 'max_bars_back' with argument 'var'=\`${this.q(target)}\`: expected the name of a variable or a built-in series such as close.`);
    }
    return [{ reg: 0, type: VOID }];
  }

  /** `value.name(args)`: the builtin `<namespace of value's type>.name(value, args)`. */
  private methodCall(e: A.Call, callee: A.Member, scope: Scope): Val[] {
    const self = this.expr(callee.object, scope);
    if (self.bad) {
      for (const a of e.args) this.expr(a.value, scope);
      return [this.poison()];
    }
    const ns = METHOD_NAMESPACES[self.type.base];
    const specs = ns ? lookupFn(`${ns}.${callee.name}`) : undefined;
    if (ns && specs) return this.builtinCall(`${ns}.${callee.name}`, specs, e, scope, { v: self, text: this.q(callee.object) });
    for (const a of e.args) this.expr(a.value, scope);
    const obj = this.q(callee.object);
    if (ns && PINE_ARRAY_FUNCTIONS.has(callee.name)) {
      this.err('E504', callee.nameSpan, `'${ns}.${callee.name}' (\`${obj}.${callee.name}()\`) is not supported yet.`);
    } else if (ns) {
      this.err('E338', callee.nameSpan, `Unknown method '${callee.name}' of \`${obj}\` (${baseName(self.type)}): there is no '${ns}.${callee.name}'.${this.didYouMean(`${ns}.${callee.name}`, null, 'function')}`);
    } else if (self.type.base !== 'void') {
      const root = this.dotted(callee.object);
      const hint =
        root !== null && isNamespace(root)
          ? ` The variable '${root}' hides the '${root}' namespace: rename it.`
          : lookupFn(`ta.${callee.name}`)
            ? ` Did you mean \`ta.${callee.name}(${obj}, ...)\`?`
            : lookupFn(`math.${callee.name}`)
              ? ` Did you mean \`math.${callee.name}(${obj}, ...)\`?`
              : '';
      this.err('E338', callee.nameSpan, `Cannot call \`${obj}.${callee.name}()\`: ${baseName(self.type)} values have no methods.${hint}`);
    }
    return [this.poison()];
  }

  /** A call of a builtin function; `self` is the value a method call is made on (`a.push(x)` is
   * `array.push(a, x)`), already compiled. */
  private builtinCall(name: string, allSpecs: readonly FnSpec[], e: A.Call, scope: Scope, self: { v: Val; text: string } | null = null): Val[] {
    const fn = scope.fn;
    const first = allSpecs[0];
    if (first?.globalOnly && !(fn.isMain && scope === this.globalScope)) {
      this.err('E406', e.callee.span, `'${name}' can only be called in the global scope, not inside a function or block.`);
    }
    if (first?.declaration) return this.declaration(name, e, scope);
    const specs = this.byTypeArgs(name, allSpecs, e);
    if (!specs) {
      for (const a of e.args) this.expr(a.value, scope);
      return (allSpecs[0]?.results ?? [t('float')]).map((r) => this.poison(sigToPType(r, null)));
    }
    // Evaluate arguments in source order.
    const argVals: Val[] = [];
    const infos: ArgInfo[] = [];
    if (self) {
      argVals.push(self.v);
      infos.push({ name: null, type: self.v.type, text: self.text });
    }
    for (const a of e.args) {
      const saveDecl = this.declName;
      if (!first?.input) this.declName = null;
      // A list literal is only meaningful as input options (`options = [1, 2, 3]`).
      let v: Val =
        first?.input && a.value.kind === 'Tuple'
          ? { reg: 0, type: t('tuple', Qual.Const) }
          : this.expr(a.value, scope);
      this.declName = saveDecl;
      argVals.push(v);
      infos.push({ name: a.name, type: v.type, text: this.q(a.value) });
    }
    let res = resolveOverload(specs, infos, this.version);
    if (!res.ok && argVals.some((v) => v.bad)) {
      // An argument already had an error: the call's own mismatch would only echo it, unless
      // the call is wrong even with that argument taken as fitting (an independent mistake).
      res = resolveOverload(specs, infos.map((inf, i) => ({ ...inf, bad: argVals[i]?.bad === true })), this.version);
      if (res.ok) return (specs[0]?.results ?? [t('float')]).map((r) => this.poison(sigToPType(r, null)));
    }
    if (!res.ok) {
      // Overloads that took these arguments but not their types say the most about the mistake.
      const typed = res.reasons.filter((r) => r.startsWith('argument '));
      const one =
        specs.length === 1
          ? res.reasons[0]
          : res.nearest ?? (typed.length > 0 && typed.every((r) => r === typed[0]) ? typed[0] : undefined);
      // Named arguments that each fit some overload but no overload takes together
      // (`input.int(..., minval = 1, options = [...])`).
      const unnamed = res.reasons.map((r) => /^'[^']*' has no parameter named '([^']*)'/.exec(r)?.[1]);
      const clash = [...new Set(unnamed)];
      if (one === undefined && unnamed.every((n) => n !== undefined) && clash.length > 1) {
        const forms = [...new Set(specs.map(overloadText))].join(' and ');
        this.err('E332', e.span, `'${name}' cannot take ${clash.map((n) => `'${n}'`).join(' and ')} together: its forms are ${forms}.`);
      } else if (one !== undefined) {
        this.err('E331', e.span, callError(name, one));
      } else {
        const got = infos.map((i) => (i.name ? `${i.name}=` : '') + `${QUAL_NAMES[i.type.qual]} ${baseName(i.type)}`).join(', ');
        this.err('E332', e.span, `No overload of '${name}' takes (${got}). Overloads: ${[...new Set(specs.map(overloadText))].join('; ')}.`);
      }
      return (specs[0]?.results ?? [t('float')]).map((r) => this.poison(sigToPType(r, null)));
    }
    const m = res.match;
    const spec = m.spec;
    if (spec.rejectNote !== null && (spec.untilVersion === null || this.version > spec.untilVersion)) {
      this.err('E340', e.span, `\`${this.q(e)}\`: ${spec.rejectNote}`);
    }
    if (spec.output) return this.outputCall(spec, m, argVals, e, scope);
    if (spec.input) return this.inputCall(spec, m, argVals, e, scope);
    // Argument registers: one consecutive block per call site. Constants are preloaded.
    const nFixed = spec.params.length - (spec.params[spec.params.length - 1]?.rest ? 1 : 0);
    const n = nFixed + m.rest.length;
    const block = n > 0 ? this.newReg(n) : 0;
    const params: { v: Val; p: (typeof spec.params)[number] }[] = [];
    for (let k = 0; k < nFixed; k++) {
      const p = spec.params[k];
      if (!p) continue;
      const bi = m.bound[k] ?? -1;
      let v: Val;
      if (bi >= 0) v = argVals[bi] ?? this.poison();
      else v = this.defaultArg(spec, p.default ?? 'na', scope, e.span);
      params.push({ v, p });
    }
    const restP = spec.params[spec.params.length - 1];
    if (restP?.rest) for (const i of m.rest) params.push({ v: argVals[i] ?? this.poison(), p: restP });
    let qual: Qual = Qual.Const;
    let allConst = true;
    params.forEach(({ v, p }, i) => {
      const reg = block + i;
      if (p.type.base === 'any') this.box(fn, v, reg);
      else if (v.cv !== undefined) this.preload.push({ reg, value: normConst(v.cv) });
      else this.place(fn, v, reg);
      if (v.cv === undefined) allConst = false;
      qual = maxQual(qual, v.type.qual);
    });
    // A pure builtin's result is as constant as its arguments; others have the declared qualifier.
    const results = spec.results.map((r) => {
      const ty = sigToPType(r, m.bindT);
      return spec.pure && params.length > 0 ? { ...ty, qual } : ty;
    });
    if (spec.pure && allConst && !spec.stateful && results.length === 1 && qual === Qual.Const) {
      const folded = this.fold(spec, params.map(({ v, p }) => ({ v, any: p.type.base === 'any' })));
      const r0 = results[0];
      if (folded !== undefined && r0) return [this.constVal(folded, r0)];
    }
    const s = spec.drawing ? this.drawingSlot() : spec.stateful ? fn.nCs++ : spec.params.some((p) => p.rest) ? n : 0;
    const idx = this.builtinRef(spec.name, spec.overload, spec.signature);
    fn.em.at = this.pinnedAt ?? e.span.start;
    if (spec.name === 'nz' && n === 2 && results.length === 1 && results[0]?.base !== 'string') {
      // nz on numbers (int, float, color, v5 bool): one instruction instead of a builtin call.
      const d = fn.temp();
      const at = fn.em.emit(Op.NZ, d, block);
      return [{ reg: d, type: results[0] ?? t('float'), defAt: at + 1 }];
    }
    if (results.length <= 1) {
      const d = results.length === 1 ? fn.temp() : 0;
      const at = fn.em.emit(Op.CALLB, idx, block, d, s);
      const r0 = results[0];
      if (!r0) return [{ reg: 0, type: VOID }];
      return [{ reg: d, type: r0, defAt: at + 3 }];
    }
    const d = this.newReg(results.length);
    fn.em.emit(Op.CALLB, idx, block, d, s);
    return results.map((ty, i) => ({ reg: d + i, type: ty }));
  }

  /** The overloads of a builtin that match the call's template arguments (`array.new<float>`):
   * those declared for exactly these types. Null after reporting a mismatch. */
  private byTypeArgs(name: string, specs: readonly FnSpec[], e: A.Call): readonly FnSpec[] | null {
    if (e.typeArgs.length === 0) return specs;
    const generic = specs.filter((s) => s.typeParams.length > 0);
    const span = { start: e.callee.span.end, end: e.typeArgs[e.typeArgs.length - 1]?.span.end ?? e.callee.span.end };
    if (generic.length === 0) {
      this.err('E312', span, `'${name}' does not take template arguments: remove \`<${e.typeArgs.map((a) => this.sink.quote(a.span)).join(', ')}>\`.`);
      return null;
    }
    const want = e.typeArgs.map((a) => this.sink.quote(a.span).replace(/\s+/g, ''));
    const hit = generic.filter((s) => s.typeParams.length === want.length && s.typeParams.every((p, i) => p === want[i]));
    if (hit.length === 0) {
      const known = [...new Set(generic.map((s) => `<${s.typeParams.join(', ')}>`))].join(', ');
      this.err('E502', span, `'${name}<${want.join(', ')}>' is not supported yet: the supported types are ${known}.`);
      return null;
    }
    return hit;
  }

  /** Puts a value into an `any` argument register as a JS value in o[] (registry.ts). */
  private box(fn: FnCtx, v: Val, reg: number): void {
    if (!isNumericStorage(v.type)) {
      if (v.cv !== undefined) this.preload.push({ reg, value: normConst(v.cv) });
      else this.place(fn, v, reg);
      return;
    }
    const kind = v.type.base === 'bool' ? 'bool' : 'number';
    if (typeof v.cv === 'number' || v.cv === null) {
      this.preload.push({ reg, value: v.cv === null ? NaN : v.cv, boxed: kind });
      return;
    }
    fn.em.emit(Op.BOX, reg, v.reg, kind === 'bool' ? 1 : 0);
  }

  private defaultArg(spec: FnSpec, text: string, scope: Scope, span: A.Span): Val {
    const parsed = parseDefaultExpr(text);
    if (!parsed) {
      this.err('E999', span, `Internal: cannot parse the default '${text}' of '${spec.name}'.`);
      return this.poison();
    }
    // Defaults see only builtins. Their spans point into the default's own text, so any problem
    // is reported once, at the call.
    const s = new Scope(null, scope.fn);
    const saved = scope.fn.em.at;
    const before = this.sink.list.length;
    const v = this.withAt(span.start, () => this.expr(parsed, s));
    scope.fn.em.at = saved;
    if (this.sink.list.length > before) {
      const msgs = this.sink.list.splice(before).map((d) => d.message);
      this.err('E999', span, `Internal: the default value '${text}' of '${spec.name}' does not compile here: ${msgs[0] ?? ''}`);
    }
    return v;
  }

  /** Runs a pure builtin at compile time on a scratch runtime. */
  private fold(spec: FnSpec, args: { v: Val; any: boolean }[]): number | string | null | undefined {
    const n = args.length;
    const f = new Float64Array(n + 4).fill(NaN);
    const o: unknown[] = new Array<unknown>(n + 4).fill(null);
    args.forEach(({ v, any }, i) => {
      const cv = v.cv;
      if (any) o[i] = v.type.base === 'bool' ? cv === 1 : cv === null ? (isNumericStorage(v.type) ? NaN : null) : cv;
      else if (typeof cv === 'number') f[i] = cv;
      else if (cv === null) {
        f[i] = NaN;
        o[i] = null;
      } else o[i] = cv;
    });
    const rt = scratchRuntime(f, o, this.version);
    try {
      spec.impl(rt, 0, n, spec.params.some((p) => p.rest) ? n : 0);
    } catch {
      return undefined;
    }
    const r = spec.results[0];
    if (!r) return undefined;
    const ty = sigToPType(r, null);
    if (isNumericStorage(ty) || r.base === 'T') {
      const x = f[n] ?? NaN;
      if (r.base === 'T' && o[n] !== null && typeof o[n] === 'string') return o[n] as string;
      return x;
    }
    const ov = o[n];
    return typeof ov === 'string' || ov === null ? ov : undefined;
  }

  private constArg(v: Val | undefined, name: string, kind: 'string' | 'number' | 'bool' | 'any', span: A.Span, fnName: string): string | number | boolean | null | undefined {
    if (!v) return undefined;
    if (v.cv === undefined) {
      this.err('E333', span, `The '${name}' argument of '${fnName}' must be known when the script compiles (a literal or a const variable), got ${QUAL_NAMES[v.type.qual]} ${baseName(v.type)} \`${this.sink.quote(span)}\`.`);
      return undefined;
    }
    if (v.type.base === 'bool') return v.cv === 1;
    return v.cv;
  }

  /** indicator(), strategy(), library(): evaluated at compile time into Program.meta. */
  private declaration(name: string, e: A.Call, scope: Scope): Val[] {
    if (this.sawDeclaration) this.err('E407', e.span, `The script declares itself twice ('${name}').`);
    this.sawDeclaration = true;
    const specs = lookupFn(name) ?? [];
    const argVals = e.args.map((a) => this.expr(a.value, scope));
    const infos: ArgInfo[] = e.args.map((a, i) => ({ name: a.name, type: argVals[i]?.type ?? t('float'), text: this.q(a.value) }));
    const res = resolveOverload(specs, infos, this.version);
    if (!res.ok) {
      this.err('E331', e.span, callError(name, res.reasons[0] ?? 'these arguments do not fit'));
      return [{ reg: 0, type: VOID }];
    }
    const m = res.match;
    const values: Record<string, string | number | boolean | null> = {};
    m.spec.params.forEach((p, k) => {
      const bi = m.bound[k] ?? -1;
      if (bi < 0) return;
      const a = e.args[bi];
      const v = argVals[bi];
      if (!a || !v) return;
      const c = this.constArg(v, p.name, 'any', a.value.span, name);
      if (c !== undefined) values[p.name] = c;
    });
    if (name === 'strategy') {
      this.err('E504', e.callee.span, "Strategies ('strategy()') are not supported yet.");
    }
    if (name === 'library') {
      this.err('E504', e.callee.span, "Libraries ('library()') are not supported yet.");
    }
    if (typeof values.calc_bars_count === 'number' && values.calc_bars_count > 0) {
      // Running on the last N bars only changes every value (var counters, averages' seeds).
      const k = m.spec.params.findIndex((p) => p.name === 'calc_bars_count');
      const at = e.args[m.bound[k] ?? -1]?.value.span ?? e.span;
      this.err('E504', at, `${name}(calc_bars_count = ${values.calc_bars_count}) runs the script on the last bars only, which is not supported yet: remove the argument to run on every bar.`);
    }
    if (typeof values.timeframe === 'string' && values.timeframe !== '') {
      // Running the whole script on another timeframe is Tier 4; ignoring it would silently
      // compute something else.
      const k = m.spec.params.findIndex((p) => p.name === 'timeframe');
      const at = e.args[m.bound[k] ?? -1]?.value.span ?? e.span;
      this.err('E504', at, `${name}(timeframe = "${values.timeframe}") runs the script on another timeframe, which is not supported yet: remove the argument (or leave it "") to run on the chart's timeframe.`);
    }
    const title = typeof values.title === 'string' ? values.title : '';
    this.meta = {
      kind: name === 'strategy' ? 'strategy' : name === 'library' ? 'library' : 'indicator',
      title,
      shorttitle: typeof values.shorttitle === 'string' ? values.shorttitle : title,
      overlay: values.overlay === true,
      precision: typeof values.precision === 'number' ? values.precision : null,
      format: typeof values.format === 'string' ? values.format : null,
      maxBarsBack: typeof values.max_bars_back === 'number' && values.max_bars_back > 0 ? values.max_bars_back : DEFAULT_MAX_BARS_BACK,
      version: this.version,
      options: values,
    };
    return [{ reg: 0, type: VOID }];
  }

  /** plot(), plotshape(), hline(), bgcolor(), fill(), ...: metadata at compile time, series
   * channels recorded per bar by OUT. */
  private outputCall(spec: FnSpec, m: import('./overloads.js').Match, argVals: Val[], e: A.Call, scope: Scope): Val[] {
    const fn = scope.fn;
    const kind = spec.output ?? 'plot';
    const id = this.outputs.length;
    const options: Record<string, string | number | boolean | null> = {};
    const channels: { name: string; v: Val }[] = [];
    let title: string | null = null;
    spec.params.forEach((p, k) => {
      const bi = m.bound[k] ?? -1;
      let v: Val;
      if (bi >= 0) v = argVals[bi] ?? this.poison();
      else if (p.default !== null) v = this.defaultArg(spec, p.default, scope, e.span);
      else return;
      if (p.name === 'title') {
        const a = bi >= 0 ? e.args[bi] : undefined;
        if (v.cv === undefined) {
          const at = a ? a.value.span : e.span;
          this.err('E333', at, `The title of '${spec.name}' must be known when the script compiles (a string literal or a const variable), got \`${this.sink.quote(at)}\`.`);
        } else if (typeof v.cv === 'string') title = v.cv;
        return;
      }
      // Series (per-bar) arguments become channels; constants become options. The plotted values
      // themselves are always a channel, so `plot(50)` draws a line like `plot(close)` does.
      const isPlotRef = v.type.base === 'plot' || v.type.base === 'hline';
      const isValue = VALUE_PARAMS.has(p.name) && kind !== 'hline' && kind !== 'fill';
      // `color=na` written out means no color (nothing drawn), as a per-bar na color does; as an
      // option it would read as null, which means "left out" (the host's default color). So it is
      // recorded as a per-bar channel holding na.
      if (bi >= 0 && v.cv === null && p.type.base === 'color' && p.type.qual === Qual.Series && (v.type.base === 'color' || v.type.base === 'na')) {
        channels.push({ name: p.name, v });
        return;
      }
      if ((v.cv !== undefined && !isValue) || isPlotRef) {
        if (isPlotRef) {
          if (v.cv === undefined) {
            const a = bi >= 0 ? e.args[bi] : undefined;
            const at = a ? a.value.span : e.span;
            this.err('E333', at, `The '${p.name}' argument of '${spec.name}' must name a plot() or hline() of the script directly, got \`${this.sink.quote(at)}\`.`);
          }
          else options[p.name] = v.cv;
        } else options[p.name] = v.type.base === 'bool' ? v.cv === 1 : (v.cv ?? null);
        return;
      }
      if (v.type.base === 'string') {
        // Series strings (plotshape text) are not recorded per bar yet: keep as an option only.
        options[p.name] = null;
        return;
      }
      channels.push({ name: p.name, v });
    });
    const defaultTitle = `${kind === 'plot' ? 'plot' : kind}${kind === 'plot' ? this.outputs.filter((o) => o.kind === 'plot').length : this.outputs.filter((o) => o.kind === kind).length}`;
    this.outputs.push({
      id,
      kind,
      title: title ?? (kind === 'plot' ? defaultTitle : defaultTitle),
      channels: channels.map((c) => c.name),
      options,
      span: [e.span.start, e.span.end],
    });
    if (channels.length > 0) {
      const block = this.newReg(channels.length);
      channels.forEach((c, i) => {
        let v = c.v;
        if (v.type.base === 'bool') {
          // plotshape(cond): record 1/0.
          v = { ...v };
        }
        this.place(fn, v, block + i);
      });
      fn.em.at = this.pinnedAt ?? e.span.start;
      fn.em.emit(Op.OUT, id, block);
    }
    const r = spec.results[0];
    if (!r) return [{ reg: 0, type: VOID }];
    return [this.constVal(id, sigToPType(r, null))];
  }

  /** input.*(): recorded in Program.inputs; the value is preloaded into a register per instance. */
  private inputCall(spec: FnSpec, m: import('./overloads.js').Match, argVals: Val[], e: A.Call, scope: Scope): Val[] {
    const fn = scope.fn;
    const get = (pname: string): Val | undefined => {
      const k = spec.params.findIndex((p) => p.name === pname);
      if (k < 0) return undefined;
      const bi = m.bound[k] ?? -1;
      if (bi >= 0) return argVals[bi];
      const p = spec.params[k];
      if (p?.default) return this.defaultArg(spec, p.default, scope, e.span);
      return undefined;
    };
    const kindFromName = spec.name === 'input' ? null : (spec.name.slice('input.'.length) as InputKind);
    const defv = get('defval');
    let kind: InputKind = kindFromName ?? 'float';
    if (!kindFromName && defv) {
      const b = defv.type.base;
      kind = b === 'int' ? 'int' : b === 'bool' ? 'bool' : b === 'string' ? 'string' : b === 'color' ? 'color' : 'float';
      if (defv.cv === undefined && defv.type.qual === Qual.Series && isNumericStorage(defv.type)) kind = 'source';
    }
    const id = this.inputs.length;
    const reg = this.newReg();
    const cv = (name: string): string | number | boolean | null => {
      const v = get(name);
      if (!v || v.cv === undefined) return null;
      if (v.type.base === 'bool') return v.cv === 1;
      return v.cv;
    };
    let defval: string | number | boolean = 0;
    if (kind === 'source') {
      const sourceReg = defv ? defv.reg : 3;
      const srcName = Object.entries(SOURCE_REGS).find(([, r]) => r === sourceReg)?.[0];
      if (!srcName) this.err('E334', e.span, 'The default of input.source() must be a built-in price series such as close or hl2.');
      defval = srcName ?? 'close';
    } else {
      const c = defv ? this.constArg(defv, 'defval', 'any', e.span, spec.name) : undefined;
      if (c !== undefined && c !== null) defval = c;
    }
    const title = cv('title');
    this.inputs.push({
      id,
      kind,
      title: typeof title === 'string' && title !== '' ? title : this.declName ?? `input${id}`,
      varName: this.declName,
      defval,
      options: this.optionsOf(e, m, spec, scope, kind, defval),
      minval: numOrNull(cv('minval')),
      maxval: numOrNull(cv('maxval')),
      step: numOrNull(cv('step')),
      tooltip: strOrNull(cv('tooltip')),
      group: strOrNull(cv('group')),
      inline: strOrNull(cv('inline')),
      reg,
    });
    if (kind === 'source') {
      const d = fn.temp();
      const at = fn.em.emit(Op.MOV_FI, d, reg);
      return [{ reg: d, type: t('float', Qual.Series), defAt: at + 1 }];
    }
    return [{ reg, type: t(INPUT_BASE[kind], Qual.Input), stable: true }];
  }

  /** `options = [...]`: constants (literals or const variables) of the input's type, and the
   * default must be one of them (the host refuses any other value too). */
  private optionsOf(
    e: A.Call,
    m: import('./overloads.js').Match,
    spec: FnSpec,
    scope: Scope,
    kind: InputKind,
    defval: string | number | boolean,
  ): (string | number)[] | null {
    const k = spec.params.findIndex((p) => p.name === 'options');
    if (k < 0) return null;
    const bi = m.bound[k] ?? -1;
    if (bi < 0) return null;
    const a = e.args[bi];
    if (!a) return null;
    if (a.value.kind !== 'Tuple') {
      this.err('E335', a.value.span, 'input options must be a list of constants: `options = ["A", "B"]`.');
      return null;
    }
    const base = INPUT_BASE[kind];
    const out: (string | number)[] = [];
    let bad = false;
    for (const it of a.value.items) {
      const v = this.expr(it, scope);
      if (v.bad) {
        bad = true;
        continue;
      }
      if (v.cv === undefined || v.cv === null || v.type.qual !== Qual.Const) {
        this.err('E335', it.span, `input options must be constants, got \`${this.q(it)}\`.`);
        bad = true;
        continue;
      }
      const fits =
        base === 'string' ? typeof v.cv === 'string' : base === 'int' ? v.type.base === 'int' : base === 'float' ? v.type.base === 'int' || v.type.base === 'float' : false;
      if (!fits) {
        this.err('E335', it.span, `The options of ${spec.name}() must be ${withArticle(base === 'float' ? 'number' : base)} each, got ${baseName(v.type)} \`${this.q(it)}\`.`);
        bad = true;
        continue;
      }
      out.push(v.cv);
    }
    if (!bad && out.length > 0 && (typeof defval === 'string' || typeof defval === 'number') && !out.some((o) => o === defval)) {
      const shown = out.map((o) => (typeof o === 'string' ? `"${o}"` : String(o))).join(', ');
      this.err('E335', a.value.span, `The default ${typeof defval === 'string' ? `"${defval}"` : defval} of ${spec.name}() is not one of its options ${shown}.`);
    }
    return out;
  }

}

interface BranchAcc {
  want: boolean;
  regs: number[] | null;
  types: PType[] | null;
  /** A branch whose value type cannot meet the others'. */
  mismatch: { span: A.Span; before: PType; got: PType } | null;
  /** Branches with different numbers of values: the construct has no value. */
  countMismatch: boolean;
  /** Some branch's value was a bare na. */
  sawNa: boolean;
  /** Per value: whether its type so far comes only from values in error (branchInto). */
  bad?: boolean[];
}

/** Pine v4 functions that v5 renamed or removed without a namespaced twin: the hint of their E301. */
const V4_REMOVED_FUNCTIONS: Readonly<Record<string, string>> = {
  study: " Did you mean 'indicator'? study() was renamed indicator() in Pine v5.",
  iff: " iff() was removed in Pine v5: use the conditional operator `cond ? a : b`.",
};

/** Pine functions of unsupported namespaces that a v4 name may stand for (undeclared-function hint). */
const UNSUPPORTED_FUNCTIONS = new Set(['request.security', 'request.security_lower_tf', 'request.financial']);

/** request.* functions whose data has no offline source (LANGUAGE.md, Tier 4). */
const OFFLINE_REQUESTS = new Set([
  'request.financial', 'request.economic', 'request.dividends', 'request.earnings', 'request.splits',
  'request.quandl', 'request.seed',
]);

/** The type of each input kind's value. */
const INPUT_BASE: Record<InputKind, Base> = {
  int: 'int',
  float: 'float',
  price: 'float',
  bool: 'bool',
  color: 'color',
  time: 'int',
  string: 'string',
  timeframe: 'string',
  symbol: 'string',
  session: 'string',
  text_area: 'string',
  source: 'float',
  enum: 'string',
};

/** Bar registers that input.source() can select, by Pine name. */
export const SOURCE_REGS: Record<string, number> = {
  open: 0,
  high: 1,
  low: 2,
  close: 3,
  volume: 4,
  hl2: 8,
  hlc3: 9,
  ohlc4: 10,
  hlcc4: 11,
};

/** Pine's array.* functions (implemented or not): a missing one is "not supported yet", any other
 * name is unknown. */
const PINE_ARRAY_FUNCTIONS: ReadonlySet<string> = new Set([
  'abs', 'avg', 'binary_search', 'binary_search_leftmost', 'binary_search_rightmost', 'clear',
  'concat', 'copy', 'covariance', 'every', 'fill', 'first', 'from', 'get', 'includes', 'indexof',
  'insert', 'join', 'last', 'lastindexof', 'max', 'median', 'min', 'mode', 'new', 'percentile_linear_interpolation',
  'percentile_nearest_rank', 'percentrank', 'pop', 'push', 'range', 'remove', 'reverse', 'set', 'shift',
  'size', 'slice', 'some', 'sort', 'sort_indices', 'standardize', 'stdev', 'sum', 'unshift', 'variance',
]);


/** Output parameters that carry the plotted values: recorded per bar even when constant. */
const VALUE_PARAMS: ReadonlySet<string> = new Set(['series', 'open', 'high', 'low', 'close']);

const BUILTIN_READONLY = new Set(['open', 'high', 'low', 'close', 'volume', 'time', 'bar_index', 'hl2', 'hlc3', 'ohlc4', 'hlcc4', 'na']);

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), or max + 1 once above max. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** E331's message: "Cannot call 'f' with argument 'x'=`1`: expected ..." for an argument of the
 * wrong type, "Cannot call 'f': missing argument ..." for anything else. */
function callError(name: string, reason: string): string {
  return reason.startsWith('argument ') ? `Cannot call '${name}' with ${reason}.` : `Cannot call '${name}': ${reason}.`;
}

/** `an int`, `a float`: a type name with its indefinite article. */
function withArticle(name: string): string {
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** Whether the code from instruction boundary `from` on contains a CALL. */
function containsCall(code: number[], from: number): boolean {
  for (let pc = from; pc < code.length; pc += OP_LEN[code[pc] ?? 0] ?? 1) {
    if (code[pc] === Op.CALL) return true;
  }
  return false;
}

/** Preload value of a compile-time constant: numeric na (NaN) is stored as null (both files). */
function normConst(v: number | string | null): number | string | null {
  return typeof v === 'number' && Number.isNaN(v) ? null : v;
}

function numOrNull(v: string | number | boolean | null): number | null {
  return typeof v === 'number' ? v : null;
}

function strOrNull(v: string | number | boolean | null): string | null {
  return typeof v === 'string' ? v : null;
}

function scratchRuntime(f: Float64Array, o: unknown[], version: number): Runtime {
  return {
    f,
    o,
    cs: [],
    bar: 0,
    syminfo: {
      ticker: '',
      tickerid: '',
      prefix: '',
      description: '',
      type: '',
      currency: '',
      basecurrency: '',
      timezone: 'Etc/UTC',
      session: '24x7',
      mintick: 0.01,
      pointvalue: 1,
    },
    timeframe: { period: '1D', multiplier: 1, unit: 'D' },
    version,
    limits: DEFAULT_LIMITS,
    rng: new Uint32Array(4),
    logs: [],
    alerts: [],
    fail(code: string, message: string): never {
      throw new Error(`${code}: ${message}`);
    },
  };
}

export { typeName };
