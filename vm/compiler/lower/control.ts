// Control flow: if / switch / for / for-in / while, as statements and as expressions. Their
// value (when wanted) is the value of the block that ran; na (false for bool) when none ran.
// Result registers are allocated when the first branch's values are known; the "nothing ran"
// path initialises them at the end, so no code is ever inserted.

import type * as A from '../ast.js';
import { Qual, baseName, isNumericStorage, t, type PType } from '../types.js';
import { FnCtx, Scope, type VarSym } from '../scope.js';
import { Label } from '../../bytecode/emitter.js';
import { Op } from '../../bytecode/opcodes.js';
import { lookupFn } from '../../builtins/registry.js';
import { resolveOverload, sigToPType, unify, type ArgInfo } from '../overloads.js';
import { type LowerContext, type Val } from './context.js';
import { FOR_IN_OPS } from '../tier2-types.js';

function lowerBlock(cx: LowerContext, b: A.Block, parent: Scope, want: boolean): Val[] | null {
  const scope = new Scope(parent, parent.fn);
  return cx.stmts(b.body, scope, want);
}

function branchInto(cx: LowerContext, fn: FnCtx, vals: Val[] | null, acc: BranchAcc, span: A.Span): void {
  if (!acc.want) return;
  const vs = (vals ?? []).filter((v) => v.type.base !== 'void');
  if (acc.regs === null) {
    acc.regs = vs.map(() => cx.newReg());
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
    cx.place(fn, v, r);
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
function emitNaInit(cx: LowerContext, fn: FnCtx, acc: BranchAcc): void {
  if (!acc.want || !acc.regs || !acc.types || acc.countMismatch) return;
  acc.regs.forEach((r, i) => {
    if (acc.types?.[i]?.base === 'bool') fn.em.emit(Op.CONST_F, r, cx.constIndex(0));
    else fn.em.emit(Op.NA_BOTH, r);
  });
}

function finishBranches(cx: LowerContext, fn: FnCtx, acc: BranchAcc, what: string): Val[] | null {
  if (!acc.want) return null;
  if (acc.countMismatch || !acc.regs || !acc.types) return [];
  if (acc.mismatch) {
    const m = acc.mismatch;
    cx.err('E326', m.span, `The branches of this ${what} return values of different types: ${baseName(m.before)} before, ${baseName(m.got)} in \`${cx.sink.quote(m.span)}\`.`);
    return [cx.poison()];
  }
  if (acc.sawNa && cx.version >= 6) {
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

function newAcc(cx: LowerContext, want: boolean): BranchAcc {
  return { want, regs: null, types: null, mismatch: null, countMismatch: false, sawNa: false };
}

export function ifExpr(cx: LowerContext, e: A.IfExpr, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  const acc = newAcc(cx, want);
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
    const cv = cx.expr(c.cond, scope);
    const cb = cx.asBool(cv, c.cond, 'The condition of `if`');
    fn.em.emitJump(Op.JF, next, cb ? cb.reg : cv.reg);
    const vals = lowerBlock(cx, c.then, scope, want);
    branchInto(cx, fn, vals, acc, c.then.span);
    fn.em.emitJump(Op.JMP, end);
    fn.em.mark(next);
  }
  if (elseBlock) {
    const vals = lowerBlock(cx, elseBlock, scope, want);
    branchInto(cx, fn, vals, acc, elseBlock.span);
  } else {
    emitNaInit(cx, fn, acc);
  }
  fn.em.mark(end);
  return finishBranches(cx, fn, acc, '`if`');
}

export function switchExpr(cx: LowerContext, e: A.SwitchExpr, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  const acc = newAcc(cx, want);
  const end = new Label();
  let subject: Val | null = null;
  if (e.subject) {
    subject = cx.expr(e.subject, scope);
    if (subject.type.base === 'void' || subject.type.base === 'tuple') {
      cx.err('E327', e.subject.span, `The switch subject \`${cx.q(e.subject)}\` has no value.`);
      subject = cx.poison();
    }
    // (A subject that raises no type errors — a generic parameter of a function no call compiled —
    // keeps that: comparing it with each case must not report errors either.)
    subject = { reg: subject.reg, type: subject.type, cv: subject.cv, ...(subject.bad ? { bad: true } : {}) };
  }
  let defaultCase: A.SwitchCase | null = null;
  for (const c of e.cases) {
    if (c.when === null) {
      if (defaultCase) cx.err('E328', c.span, 'A switch can have only one default case `=>`.');
      defaultCase = c;
      continue;
    }
    const next = new Label();
    const w = cx.expr(c.when, scope);
    let cond: number;
    if (subject) {
      const cmp = cx.binaryVals('==', subject, w, c.when.span, scope, e.subject ?? c.when, c.when);
      cond = cmp.reg;
    } else {
      const b = cx.asBool(w, c.when, 'A switch case condition');
      cond = b ? b.reg : w.reg;
    }
    fn.em.emitJump(Op.JF, next, cond);
    const vals = lowerBlock(cx, c.body, scope, want);
    branchInto(cx, fn, vals, acc, c.body.span);
    fn.em.emitJump(Op.JMP, end);
    fn.em.mark(next);
  }
  if (defaultCase) {
    const vals = lowerBlock(cx, defaultCase.body, scope, want);
    branchInto(cx, fn, vals, acc, defaultCase.body.span);
  } else {
    emitNaInit(cx, fn, acc);
  }
  fn.em.mark(end);
  return finishBranches(cx, fn, acc, '`switch`');
}

function loopRegister(cx: LowerContext): number {
  const r = cx.newReg(2);
  cx.loopRegs.push(r);
  return r;
}

/** Loops as expressions: a flag register says whether the body's value was ever computed. */
function loopFlag(cx: LowerContext, fn: FnCtx, want: boolean): number {
  if (!want) return -1;
  const flag = cx.newReg();
  fn.em.emit(Op.CONST_F, flag, cx.constIndex(0));
  return flag;
}

function loopValue(cx: LowerContext, fn: FnCtx, acc: BranchAcc, flag: number, vals: Val[] | null, span: A.Span): void {
  if (!acc.want) return;
  branchInto(cx, fn, vals, acc, span);
  fn.em.emit(Op.CONST_F, flag, cx.constIndex(1));
}

function loopExit(cx: LowerContext, fn: FnCtx, acc: BranchAcc, flag: number): void {
  if (!acc.want) return;
  const skip = new Label();
  fn.em.emitJump(Op.JT, skip, flag);
  emitNaInit(cx, fn, acc);
  fn.em.mark(skip);
}

export function forExpr(cx: LowerContext, e: A.ForExpr, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  const from = cx.expr(e.from, scope);
  const to = cx.expr(e.to, scope);
  const step = e.step ? cx.expr(e.step, scope) : null;
  const bounds: [Val, A.Expr][] = [[from, e.from], [to, e.to]];
  if (step && e.step) bounds.push([step, e.step]);
  for (const [v, x] of bounds) {
    if (v.type.base !== 'int' && v.type.base !== 'float' && v.type.base !== 'na') {
      cx.err('E329', x.span, `Loop bounds must be numbers, got ${baseName(v.type)} (\`${cx.q(x)}\`).`);
      return null;
    }
  }
  const isInt = from.type.base !== 'float' && (step === null || step.type.base !== 'float');
  // v5's bound is fixed at the start: a copy, so that the body changing a variable does not move it.
  let toOnce: Val = to;
  if (cx.version < 6 && to.cv === undefined) {
    toOnce = { reg: cx.newReg(), type: to.type };
    fn.em.emit(Op.MOV_F, toOnce.reg, to.reg);
  }
  const loopScope = new Scope(scope, fn);
  const counter: VarSym = {
    kind: 'var',
    name: e.counter,
    type: t(isInt ? 'int' : 'float'),
    storage: 'reg',
    index: cx.newReg(),
    ser: -1,
    mode: 'plain',
    global: false,
    span: e.counterSpan,
  };
  // Started and stepped by whole numbers, the counter never carries a fraction (an int may: `n / 2`).
  if (isInt && isWhole(from) && (step === null || isWhole(step))) counter.whole = true;
  loopScope.syms.set(e.counter, counter);
  const i = counter.index;
  cx.place(fn, from, i);
  // The direction is fixed at the start: from <= to counts up by |step|, else down.
  const stepReg = cx.newReg();
  const up = cx.newReg();
  fn.em.emit(Op.LE, up, i, to.reg);
  fn.em.emit(Op.MOV_F, stepReg, step ? step.reg : cx.constReg(1));
  // The step is a size: the direction comes from from/to. Zero or negative is an error (a
  // constant one at compile time); na is not (the loop runs once).
  if (step && e.step) {
    if (typeof step.cv === 'number' && step.cv <= 0) {
      cx.err('E408', e.step.span, `The step of a \`for\` loop must be positive, got ${step.cv}: the loop counts down by itself when 'from' is greater than 'to'.`);
    } else if (step.cv === undefined) {
      cx.emitCheck(fn, '__check.for_step', stepReg, e.step.span);
    }
  }
  const negStep = cx.newReg();
  fn.em.emit(Op.NEG, negStep, stepReg);
  fn.em.emit(Op.SELECT_F, stepReg, up, stepReg, negStep);
  const timer = loopRegister(cx);
  fn.em.emit(Op.LOOP_ENTER, timer);
  const acc = newAcc(cx, want);
  const flag = loopFlag(cx, fn, want);
  const top = new Label();
  const cont = new Label();
  const brk = new Label();
  fn.em.mark(top);
  // v6 evaluates `to` again before every iteration (a changed to_num counts); v5 only once.
  const mark = fn.tempMark();
  const toNow = cx.version >= 6 ? cx.expr(e.to, scope) : toOnce;
  // One instruction: the test in the loop's direction, then the iteration count (LOOP_CHECK).
  fn.em.emitJump(Op.FOR_TEST, brk, up, i, toNow.reg, timer);
  fn.tempRelease(mark);
  loopHistory(cx, fn, counter);
  fn.loops.push({ breakL: brk, continueL: cont });
  const vals = lowerBlock(cx, e.body, loopScope, want);
  fn.loops.pop();
  loopValue(cx, fn, acc, flag, vals, e.body.span);
  fn.em.mark(cont);
  fn.em.emitJump(Op.FOR_STEP, top, i, stepReg);
  fn.em.mark(brk);
  loopExit(cx, fn, acc, flag);
  return finishBranches(cx, fn, acc, '`for` loop');
}

/** Emits a call of the array builtin `name` on the arguments in `block` (array first). */
function arrayOp(cx: LowerContext, fn: FnCtx, name: string, arr: PType, block: number, span: A.Span): { reg: number; type: PType } {
  const args: ArgInfo[] = [{ name: null, type: arr, text: '' }];
  if (name === 'array.get' || name === 'matrix.row' || name.startsWith('map.__')) args.push({ name: null, type: t('int'), text: '' });
  // Arrays and matrices of objects have their own overloads (builtins/object-arrays.ts, matrix.ts).
  const objects = arr.elem?.base === 'udt';
  const own = !objects ? name : name.startsWith('matrix.') ? `__o${name}` : name.replace('array.', '__oarray.');
  const res = resolveOverload(lookupFn(own) ?? [], args, cx.version);
  if (!res.ok) throw new Error(`Internal: no ${name} for ${baseName(arr)}`);
  const spec = res.match.spec;
  const r0 = spec.results[0];
  const type = r0 ? sigToPType(r0, res.match.bindT) : t('int');
  const d = cx.newReg();
  fn.em.at = cx.pinnedAt ?? span.start;
  fn.em.emit(Op.CALLB, cx.builtinRef(spec.name, spec.overload, spec.signature), block, d, 0);
  return { reg: d, type };
}

/** `for x in arr` / `for [i, x] in arr`: the array's size is read again before each iteration
 * (the body may push or remove elements). */
export function forInExpr(cx: LowerContext, e: A.ForInExpr, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  const coll = cx.expr(e.collection, scope);
  const elem = coll.type.elem;
  // Tier 2: maps (`for [key, value] in m`, insertion order) and matrices (`for row in m`).
  const ops = FOR_IN_OPS[coll.type.base];
  if (!ops || !elem) {
    if (coll.type.base !== 'void') {
      cx.err('E339', e.collection.span, `\`for ... in\` needs an array, a map or a matrix, got ${baseName(coll.type)} (\`${cx.q(e.collection)}\`).`);
    }
    return null;
  }
  if (ops.key && e.indexName === null) {
    cx.err('E339', e.collection.span, `\`for ... in\` over a map (\`${cx.q(e.collection)}\`) takes a key and a value: \`for [key, value] in ${cx.q(e.collection)}\`.`);
    return null;
  }
  // One argument block serves array.size (the array) and array.get (the array, the index): the
  // index register is the loop's index variable.
  const block = cx.newReg(2);
  const idx = block + 1;
  fn.em.emit(Op.MOV_O, block, coll.reg);
  fn.em.emit(Op.MOV_F, idx, cx.constReg(0));
  const timer = loopRegister(cx);
  fn.em.emit(Op.LOOP_ENTER, timer);
  const acc = newAcc(cx, want);
  const flag = loopFlag(cx, fn, want);
  const top = new Label();
  const cont = new Label();
  const brk = new Label();
  fn.em.mark(top);
  const size = arrayOp(cx, fn, ops.size, coll.type, block, e.collection.span);
  const c = cx.newReg();
  fn.em.emit(Op.LT, c, idx, size.reg);
  fn.em.emitJump(Op.JF, brk, c);
  fn.em.emit(Op.LOOP_CHECK, timer);
  const item = arrayOp(cx, fn, ops.item, coll.type, block, e.collection.span);
  const key = ops.key ? arrayOp(cx, fn, ops.key, coll.type, block, e.collection.span) : null;
  const loopScope = new Scope(scope, fn);
  const bind = (name: string, span: A.Span, reg: number, type: PType): void => {
    if (name === '_') return;
    const sym: VarSym = { kind: 'var', name, type, storage: 'reg', index: reg, ser: -1, mode: 'plain', global: false, span, readonly: true };
    loopHistory(cx, fn, sym);
    loopScope.syms.set(name, sym);
  };
  if (e.indexName !== null) bind(e.indexName, e.indexSpan ?? e.span, key ? key.reg : idx, key ? { ...key.type, qual: Qual.Series } : t('int'));
  bind(e.valueName, e.valueSpan, item.reg, { ...item.type, qual: Qual.Series });
  fn.loops.push({ breakL: brk, continueL: cont });
  const vals = lowerBlock(cx, e.body, loopScope, want);
  fn.loops.pop();
  loopValue(cx, fn, acc, flag, vals, e.body.span);
  fn.em.mark(cont);
  fn.em.emit(Op.ADD, idx, idx, cx.constReg(1));
  fn.em.emitJump(Op.JMP, top);
  fn.em.mark(brk);
  loopExit(cx, fn, acc, flag);
  return finishBranches(cx, fn, acc, '`for ... in` loop');
}

/** A loop variable read with `[]` gets a history buffer, written at the top of each iteration. */
function loopHistory(cx: LowerContext, fn: FnCtx, sym: VarSym): void {
  if (!cx.histNames.has(sym.name)) return;
  const numeric = isNumericStorage(sym.type);
  sym.ser = fn.newSeries(numeric ? 'f' : 'o');
  fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, sym.ser, sym.index);
}

export function whileExpr(cx: LowerContext, e: A.WhileExpr, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  const timer = loopRegister(cx);
  fn.em.emit(Op.LOOP_ENTER, timer);
  const acc = newAcc(cx, want);
  const flag = loopFlag(cx, fn, want);
  const top = new Label();
  const brk = new Label();
  fn.em.mark(top);
  const mark = fn.tempMark();
  const c = cx.expr(e.cond, scope);
  const cb = cx.asBool(c, e.cond, 'The condition of `while`');
  fn.em.emitJump(Op.JF, brk, cb ? cb.reg : c.reg);
  fn.tempRelease(mark);
  fn.em.emit(Op.LOOP_CHECK, timer);
  fn.loops.push({ breakL: brk, continueL: top });
  const vals = lowerBlock(cx, e.body, scope, want);
  fn.loops.pop();
  loopValue(cx, fn, acc, flag, vals, e.body.span);
  fn.em.emitJump(Op.JMP, top);
  fn.em.mark(brk);
  loopExit(cx, fn, acc, flag);
  return finishBranches(cx, fn, acc, '`while` loop');
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

/** A value that holds no fraction: an integral constant, a bar value or input, a whole counter. */
function isWhole(v: Val): boolean {
  return v.stable === true || v.whole === true || (typeof v.cv === 'number' && Number.isInteger(v.cv));
}
