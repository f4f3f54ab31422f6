// Statements: declarations (plain, var, varip, tuple), assignments, expression statements,
// break/continue and function definitions.

import type * as A from '../ast.js';
import { Qual, QUAL_NAMES, baseName, isNumericStorage, t, typeName, type PType } from '../types.js';
import { FnCtx, Scope, type FuncSym, type VarSym } from '../scope.js';
import { Label } from '../../bytecode/emitter.js';
import { Op } from '../../bytecode/opcodes.js';
import { lookupVar } from '../../builtins/registry.js';
import { printType } from '../ast-print.js';
import { type LowerContext, normConst, type Val } from './context.js';
import { declTypeFromRef, fieldAssign, typeDef } from './types.js';
import { dotted, readVar } from './names.js';
import { enumDef } from './enums.js';
import { importLib } from './libraries.js';
import { exprMulti } from './expressions.js';

/** Compiles statements; returns the value of the last one when `want` (a block's value). */
export function stmts(cx: LowerContext, body: A.Stmt[], scope: Scope, want: boolean): Val[] | null {
  let last: Val[] | null = null;
  const fn = scope.fn;
  for (let i = 0; i < body.length; i++) {
    const s = body[i];
    if (!s) continue;
    const isLast = i === body.length - 1;
    const mark = fn.tempMark();
    fn.em.at = s.span.start;
    last = stmt(cx, s, scope, want && isLast);
    if (!(want && isLast)) fn.tempRelease(mark);
  }
  return last;
}

function stmt(cx: LowerContext, s: A.Stmt, scope: Scope, want: boolean): Val[] | null {
  switch (s.kind) {
    case 'VarDecl':
      return varDecl(cx, s, scope, want);
    case 'TupleDecl':
      tupleDecl(cx, s, scope);
      return null;
    case 'Assign':
      return assign(cx, s, scope, want);
    case 'ExprStmt':
      return exprStmt(cx, s.expr, scope, want);
    case 'Break':
    case 'Continue': {
      const loop = scope.fn.loops[scope.fn.loops.length - 1];
      if (!loop) {
        cx.err('E402', s.span, `'${s.kind.toLowerCase()}' is only allowed inside a loop.`);
        return null;
      }
      scope.fn.em.emitJump(Op.JMP, s.kind === 'Break' ? loop.breakL : loop.continueL);
      return null;
    }
    case 'FuncDef':
      funcDef(cx, s, scope);
      return null;
    case 'TypeDef':
      typeDef(cx, s, scope);
      return null;
    case 'EnumDef':
      enumDef(cx, s, scope);
      return null;
    case 'Import':
      importLib(cx, s, scope);
      return null;
  }
}

function exprStmt(cx: LowerContext, e: A.Expr, scope: Scope, want: boolean): Val[] | null {
  if (e.kind === 'Tuple') {
    if (!want) {
      cx.err('E403', e.span, 'A tuple `[...]` can only be the result of a function.');
      return null;
    }
    return e.items.map((it) => cx.toTemp(scope.fn, cx.expr(it, scope)));
  }
  const vals = exprMulti(cx, e, scope, want);
  return vals;
}

function varDecl(cx: LowerContext, s: A.VarDecl, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  // A function and a variable may share a name (`f = f(close)`): calls find the function.
  if (scope.syms.has(s.name) && scope.syms.get(s.name)?.kind !== 'func') cx.alreadyDeclared(s.name, s.nameSpan, scope);
  else {
    // `x = 1` in a block where an outer `x` exists declares a second variable (valid Pine, and
    // Pine warns): almost always a `:=` was meant.
    // (Not for a function's locals over globals: a function cannot assign globals anyway.)
    let home: Scope | null = scope.parent;
    while (home && !home.syms.has(s.name)) home = home.parent;
    const outer = home && (home.parent !== null || home.fn.isMain) ? home.syms.get(s.name) : undefined;
    if (outer && outer.kind === 'var' && !s.broken) {
      const line = cx.sink.lines.lineCol(outer.span.start).line;
      const key = `W302@${s.nameSpan.start}`;
      if (!cx.reported.has(key)) {
        cx.reported.add(key);
        cx.sink.warning('W302', s.nameSpan, `'${s.name}' shadows the variable declared on line ${line}: this declares a new variable for this block only. To change the outer one, use '${s.name} := ...'.`);
      }
    }
  }
  if (lookupVar(s.name) && BUILTIN_READONLY.has(s.name)) {
    cx.err('E304', s.nameSpan, `Cannot declare a variable named '${s.name}': it is a built-in variable.`);
  }
  const declared = s.type ? declTypeFromRef(cx, s.type) : null;
  const global = fn.isMain && scope === cx.globalScope;
  const hist = cx.histNames.has(s.name);
  // `var string G = "grp"` never reassigned holds its constant for ever: it is a const (TradingView
  // takes it where a const is required, as a `group` or a plot title).
  // The same for `var Source src = input.enum(...)`: an input is the same on every bar, so a `var`
  // never reassigned holds it as an input (a published script passes one to `display =`).
  const constVar = s.mode !== 'plain' && !s.broken && !cx.reassigned.has(s.name) && (isConstExpr(cx, s.value, scope) || isInputExpr(cx, s.value, scope));
  if (s.mode === 'plain' || s.broken || constVar) {
    cx.declName = s.name;
    let v = s.broken ? cx.poison() : cx.expr(s.value, scope);
    cx.declName = null;
    if (v.type.base === 'void' || v.type.base === 'tuple') {
      cx.err('E305', s.value.span, `\`${cx.q(s.value)}\` has no value to assign to '${s.name}'.`);
      v = cx.poison();
    }
    let type: PType = declared ?? v.type;
    if (!declared && v.type.base === 'na') {
      // A declared type that could not be used was reported already.
      if (!s.type) cx.err('E306', s.span, `Cannot infer the type of '${s.name}' from na: declare it with a type, e.g. \`float ${s.name} = na\`.`);
      type = t('float');
    }
    if (declared) v = cx.convert(fn, v, declared, s.value.span, `Cannot assign to '${s.name}'`);
    if (declared && v.type.qual > declared.qual) {
      cx.err('E307', s.value.span, `Cannot assign ${QUAL_NAMES[v.type.qual]} value \`${cx.q(s.value)}\` to '${s.name}' declared ${QUAL_NAMES[declared.qual]}.`);
    }
    const reassigned = cx.reassigned.has(s.name);
    // (Reassigning a `const` variable is an error of its own: it keeps its qualifier, no cascade.)
    const qual = reassigned && s.type?.qualifier !== 'const' ? Qual.Series : declared && s.type?.qualifier ? declared.qual : v.type.qual;
    const sym: VarSym = {
      kind: 'var',
      name: s.name,
      type: { ...type, qual },
      storage: 'reg',
      index: cx.newReg(),
      ser: -1,
      mode: 'plain',
      global,
      span: s.nameSpan,
    };
    if (s.type?.qualifier === 'const') sym.constDecl = true;
    if (!reassigned && v.cv !== undefined && qual === Qual.Const) {
      // A const variable: its register is preloaded once, no code runs per bar.
      sym.cv = v.cv;
      cx.preload.push({ reg: sym.index, value: normConst(v.cv) });
    } else if (!reassigned && !hist && v.stable) {
      // A name for a register that never changes during a bar (input, bar value): no copy.
      sym.index = v.reg;
    } else {
      cx.place(fn, v, sym.index);
    }
    if (hist) {
      sym.ser = fn.newSeries(isNumericStorage(sym.type) ? 'f' : 'o');
      fn.em.emit(isNumericStorage(sym.type) ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
    }
    // A value in error without a declared type: the variable's type is unknown, its uses quiet.
    if (v.bad && !declared) sym.unknown = true;
    scope.syms.set(s.name, sym);
    if (global) cx.globals.push({ name: s.name, where: 'reg', index: sym.index, type: typeName(sym.type) });
    return [{ reg: sym.index, type: sym.type }];
  }
  // var / varip: initialised once per call-site instance, persisted in a var slot.
  const numeric0 = declared ? isNumericStorage(declared) : true;
  const flag = fn.nVarF++;
  const skip = new Label();
  fn.em.emitJump(Op.VAR_INIT, skip, flag);
  const mark = fn.tempMark();
  cx.declName = s.name;
  let v = cx.expr(s.value, scope);
  cx.declName = null;
  let type: PType = declared ?? v.type;
  if (!declared && v.type.base === 'na') {
    if (!s.type) cx.err('E306', s.span, `Cannot infer the type of '${s.name}' from na: declare it with a type, e.g. \`var float ${s.name} = na\`.`);
    type = t('float');
  }
  if (declared) v = cx.convert(fn, v, declared, s.value.span, `Cannot assign to '${s.name}'`);
  const numeric = isNumericStorage(type);
  if (numeric !== numeric0 && declared) type = declared;
  const slot = numeric ? fn.nVarF++ : fn.nVarO++;
  if (v.type.base === 'na') {
    v = { reg: cx.constReg(null), type };
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
  if (global) cx.globals.push({ name: s.name, where: numeric ? 'var' : 'varo', index: slot, type: typeName(sym.type) });
  return want ? [readVar(cx, sym, scope, s.nameSpan)] : null;
}

function tupleDecl(cx: LowerContext, s: A.TupleDecl, scope: Scope): void {
  const fn = scope.fn;
  if (s.value.kind === 'Tuple') {
    cx.err('E403', s.value.span, `A tuple \`${cx.q(s.value)}\` cannot be destructured directly: declare each variable, or return the tuple from a function.`);
    for (const it of s.value.items) cx.expr(it, scope);
    return;
  }
  let vals = s.broken ? [cx.poison()] : exprMulti(cx, s.value, scope, true) ?? [];
  if (vals.length !== s.names.length && vals.some((v) => v.bad)) {
    // The value had an error already: declare the names anyway, so that their uses are quiet.
    vals = s.names.map(() => cx.poison());
  }
  if (vals.length !== s.names.length) {
    const got = vals;
    // Declare the names anyway (values in error), so that their uses are quiet.
    vals = s.names.map(() => cx.poison());
    if (got.length === 1 && got[0]?.type.base !== 'void') {
      cx.err('E308', s.value.span, `\`${cx.q(s.value)}\` returns one value, but ${s.names.length} names are declared.`);
    } else if (got.length > 0) {
      cx.err('E308', s.value.span, `\`${cx.q(s.value)}\` returns ${got.length} values, but ${s.names.length} names are declared.`);
    } else {
      cx.err('E308', s.value.span, `\`${cx.q(s.value)}\` returns no values to destructure.`);
    }
  }
  const global = fn.isMain && scope === cx.globalScope;
  s.names.forEach((n, i) => {
    const v = vals[i];
    if (!v || n.name === '_') return;
    if (scope.syms.has(n.name) && scope.syms.get(n.name)?.kind !== 'func') cx.alreadyDeclared(n.name, n.span, scope);
    const sym: VarSym = {
      kind: 'var',
      name: n.name,
      type: cx.reassigned.has(n.name) ? { ...v.type, qual: Qual.Series } : v.type,
      storage: 'reg',
      index: cx.newReg(),
      ser: -1,
      mode: 'plain',
      global,
      span: n.span,
    };
    cx.place(fn, v, sym.index);
    if (cx.histNames.has(n.name)) {
      sym.ser = fn.newSeries(isNumericStorage(sym.type) ? 'f' : 'o');
      fn.em.emit(isNumericStorage(sym.type) ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
    }
    if (v.bad) sym.unknown = true;
    scope.syms.set(n.name, sym);
    if (global) cx.globals.push({ name: n.name, where: 'reg', index: sym.index, type: typeName(sym.type) });
  });
}

export function assign(cx: LowerContext, s: A.Assign, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  if (s.target.kind === 'Member') return fieldAssign(cx, s, s.target, scope, want);
  const name = s.target.name;
  const sym = scope.lookup(name);
  if (!sym) {
    if (lookupVar(name)) cx.err('E304', s.target.span, `Cannot assign to the built-in variable '${name}'.`);
    else cx.err('E301', s.target.span, `Undeclared identifier '${name}': declare it with \`${name} = ...\` before assigning with '${s.op}'.`);
    cx.expr(s.value, scope);
    return null;
  }
  if (sym.kind !== 'var') {
    cx.err('E309', s.target.span, `'${name}' is a function and cannot be assigned.`);
    return null;
  }
  if (sym.readonly) {
    cx.err('E310', s.target.span, `Cannot assign to the loop variable '${name}'.`);
  }
  if (sym.constDecl) {
    cx.err('E310', s.target.span, `Cannot assign to '${name}': it is declared \`const\` and keeps its value (declare it without \`const\` to reassign it).`);
  }
  if (sym.global && !fn.isMain) {
    cx.err('E311', s.target.span, `Cannot modify the global variable '${name}' inside a function: return the new value and assign it where the function is called.`);
    cx.expr(s.value, scope);
    return null;
  }
  let v: Val;
  if (s.op === ':=') {
    v = cx.expr(s.value, scope);
  } else {
    const cur = readVar(cx, sym, scope, s.target.span);
    const rhs = cx.expr(s.value, scope);
    const op = s.op.slice(0, 1) as '+' | '-' | '*' | '/' | '%';
    v = cx.binaryVals(op, cur, rhs, s.span, scope, s.target, s.value);
  }
  if (v.type.base === 'void' || v.type.base === 'tuple') {
    cx.err('E305', s.value.span, `\`${cx.q(s.value)}\` has no value to assign to '${name}'.`);
    return null;
  }
  // A compound assignment's value is the whole operation, not its right side.
  v = cx.convert(fn, v, sym.type, s.op === ':=' ? s.value.span : s.span, `Cannot assign to '${name}' (${baseName(sym.type)})`);
  storeVar(cx, sym, v, fn);
  if (!want) return null;
  return [sym.storage === 'reg' ? { reg: sym.index, type: sym.type } : readVar(cx, sym, scope, s.target.span)];
}

function storeVar(cx: LowerContext, sym: VarSym, v: Val, fn: FnCtx): void {
  const numeric = isNumericStorage(sym.type);
  if (sym.storage === 'reg') {
    cx.place(fn, v, sym.index);
    if (sym.ser >= 0) fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
  } else {
    const reg = v.type.base === 'na' ? cx.constReg(null) : v.reg;
    fn.em.emit(numeric ? Op.ST_V : Op.ST_VO, sym.index, reg);
    if (sym.ser >= 0) fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, sym.ser, reg);
  }
}

function funcDef(cx: LowerContext, s: A.FuncDef, scope: Scope): void {
  if (scope !== cx.globalScope) {
    // The parser already refuses (E207) a function defined inside a block.
    cx.err('E999', s.nameSpan, `Internal: the function '${s.name}' is defined inside a block.`);
    return;
  }
  if (s.isMethod) {
    methodDef(cx, s, scope);
    return;
  }
  const prev = scope.syms.get(s.name);
  const sym: FuncSym = { kind: 'func', name: s.name, def: s, globals: cx.globalTable.snapshot(), specs: new Map() };
  if (prev && prev.kind === 'func') {
    // An overload: Pine allows several functions of one name whose parameters differ in number
    // or declared types.
    const sig = (d: A.FuncDef): string => d.params.map((p) => (p.type ? printType(p.type) : '?')).join(',');
    const same = [prev, ...(prev.overloads ?? [])].find((o) => sig(o.def) === sig(s));
    if (same) {
      const line = cx.sink.lines.lineCol(same.def.nameSpan.start).line;
      cx.err('E303', s.nameSpan, `The function '${s.name}' is already declared on line ${line} with the same parameters: an overload must differ in the number or the declared types of its parameters.`);
      return;
    }
    (prev.overloads ??= []).push(sym);
    cx.userFns.push(sym);
    return;
  }
  if (prev) {
    // A variable of the same name stays what the name reads; calls find the function.
    cx.userFns.push(sym);
    return;
  }
  scope.syms.set(s.name, sym);
  cx.userFns.push(sym);
}

/** Whether `e` is built only of literals, const variables and built-in constants (`color.red`),
 * so that its value is known when the script compiles (no code needs to run to know it). */
function isConstExpr(cx: LowerContext, e: A.Expr, scope: Scope): boolean {
  switch (e.kind) {
    case 'Number':
    case 'String':
    case 'Bool':
    case 'Color':
      return true;
    case 'Ident': {
      const sym = scope.lookup(e.name);
      return sym !== undefined && sym.kind === 'var' && sym.cv !== undefined;
    }
    case 'Member': {
      const name = dotted(cx, e);
      const root = name?.split('.')[0] ?? '';
      const bv = name !== null && !scope.lookup(root) ? lookupVar(name) : undefined;
      return bv !== undefined && 'value' in bv.impl;
    }
    case 'Unary':
      return isConstExpr(cx, e.operand, scope);
    case 'Binary':
      return isConstExpr(cx, e.left, scope) && isConstExpr(cx, e.right, scope);
    default:
      return false;
  }
}

/** True when `e` is an input: an `input*()` call with arguments free of calls, or an expression of
 * inputs and constants (an operator, a ternary, a variable holding an input). */
function isInputExpr(cx: LowerContext, e: A.Expr, scope: Scope): boolean {
  switch (e.kind) {
    case 'Call': {
      // Not input.source (nor `input(close)`): that one is the source's series, changing each bar.
      const name = dotted(cx, e.callee);
      if (name === null || scope.lookup('input') || !e.args.every((a) => isPure(a.value))) return false;
      if (name === 'input') return e.args[0] !== undefined && e.args[0].name === null && isConstExpr(cx, e.args[0].value, scope);
      return name.startsWith('input.') && name !== 'input.source';
    }
    case 'Ident': {
      const sym = scope.lookup(e.name);
      return sym !== undefined && sym.kind === 'var' && sym.type.qual <= Qual.Input && !cx.reassigned.has(e.name);
    }
    case 'Unary':
      return isInputExpr(cx, e.operand, scope);
    case 'Binary':
      return isInputExpr(cx, e.left, scope) && isInputExpr(cx, e.right, scope);
    case 'Ternary':
      return isInputExpr(cx, e.cond, scope) && isInputExpr(cx, e.then, scope) && isInputExpr(cx, e.else, scope);
    case 'Member': {
      // An enum's member (`Src.vol`) is a constant.
      const name = dotted(cx, e);
      const dot = name === null ? -1 : name.lastIndexOf('.');
      if (name !== null && dot > 0 && cx.enums.has(name.slice(0, dot))) return true;
      return isConstExpr(cx, e, scope);
    }
    default:
      return isConstExpr(cx, e, scope);
  }
}

/** True when evaluating `e` has no effect and reads no bar: literals, names, operators, lists. */
function isPure(e: A.Expr): boolean {
  switch (e.kind) {
    case 'Number':
    case 'String':
    case 'Bool':
    case 'Color':
    case 'Ident':
    case 'Member':
      return true;
    case 'Unary':
      return isPure(e.operand);
    case 'Binary':
      return isPure(e.left) && isPure(e.right);
    case 'Ternary':
      return isPure(e.cond) && isPure(e.then) && isPure(e.else);
    case 'Tuple':
      return e.items.every(isPure);
    default:
      return false;
  }
}

/** `method name(Type self, ...) => body`: called as `value.name(...)` on a value of the first
 * parameter's declared type (a user-defined type or a built-in one). */
function methodDef(cx: LowerContext, s: A.FuncDef, scope: Scope): void {
  const self = s.params[0];
  if (!self || !self.type) {
    cx.err('E342', self ? self.span : s.nameSpan, `The first parameter of the method '${s.name}' must declare its type (\`method ${s.name}(float x, ...)\`): it is the type the method is called on.`);
    return;
  }
  const list = cx.methods.get(s.name) ?? [];
  const sig = (d: A.FuncDef): string => d.params.map((p) => (p.type ? printType(p.type) : '?')).join(',');
  const same = list.find((o) => sig(o.def) === sig(s));
  if (same) {
    const line = cx.sink.lines.lineCol(same.def.nameSpan.start).line;
    cx.err('E303', s.nameSpan, `The method '${s.name}' is already declared on line ${line} with the same parameters.`);
    return;
  }
  const sym: FuncSym = { kind: 'func', name: s.name, def: s, globals: cx.globalTable.snapshot(), specs: new Map() };
  list.push(sym);
  cx.methods.set(s.name, list);
  cx.userFns.push(sym);
}

const BUILTIN_READONLY = new Set(['open', 'high', 'low', 'close', 'volume', 'time', 'bar_index', 'hl2', 'hlc3', 'ohlc4', 'hlcc4', 'na']);
