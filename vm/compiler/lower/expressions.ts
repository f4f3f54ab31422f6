// Expressions: literals, history references `x[k]`, unary, binary, logical and conditional
// operators, and the dispatch of each expression kind to its concern.

import type * as A from '../ast.js';
import { Qual, baseName, isNumericStorage, maxQual, t, type PType, type Base } from '../types.js';
import { FnCtx, Scope } from '../scope.js';
import { Label } from '../../bytecode/emitter.js';
import { Op } from '../../bytecode/opcodes.js';
import type { Preload } from '../../bytecode/program.js';
import { lookupFn, lookupVar } from '../../builtins/registry.js';
import { MAX_STRING_LENGTH } from '../../builtins/limits.js';
import { sigToPType, unify } from '../overloads.js';
import { colorFromRgba } from '../../runtime/color-value.js';
import { type LowerContext, type Val, VOID } from './context.js';
import { builtinVar, dotted, ident, member, readVar } from './names.js';
import { notInStrategy } from './strategy.js';
import { call } from './calls.js';
import { forExpr, forInExpr, ifExpr, switchExpr, whileExpr } from './control.js';

/** Compiles an expression with exactly one value. */
export function expr(cx: LowerContext, e: A.Expr, scope: Scope): Val {
  const vals = exprMulti(cx, e, scope, true);
  if (!vals || vals.length === 0) return { reg: cx.constReg(null), type: VOID };
  if (vals.length > 1) {
    const names = vals.map((_, i) => String.fromCharCode(97 + (i % 26))).join(', ');
    cx.err('E318', e.span, `\`${cx.q(e)}\` returns ${vals.length} values; use a tuple declaration \`[${names}] = ...\`.`);
    return vals[0] ?? cx.poison();
  }
  return vals[0] ?? cx.poison();
}

export function exprMulti(cx: LowerContext, e: A.Expr, scope: Scope, want: boolean): Val[] | null {
  const fn = scope.fn;
  const savedAt = fn.em.at;
  fn.em.at = cx.pinnedAt ?? e.span.start;
  cx.lastSpan = e.span;
  try {
    switch (e.kind) {
      case 'Number':
        return [cx.constVal(e.value, t(e.isInt ? 'int' : 'float'))];
      case 'String':
        return [cx.constVal(e.value, t('string'))];
      case 'Bool':
        return [cx.constVal(e.value ? 1 : 0, t('bool'))];
      case 'Color':
        return [cx.constVal(colorFromRgba(e.r, e.g, e.b, e.a), t('color'))];
      case 'Na':
        return [{ reg: cx.constReg(null), type: t('na', Qual.Const), cv: null }];
      case 'Ident':
        return [ident(cx, e, scope)];
      case 'Member':
        return [member(cx, e, scope)];
      case 'Call':
        return call(cx, e, scope);
      case 'Index':
        return [history(cx, e, scope)];
      case 'Unary':
        return [unary(cx, e, scope)];
      case 'Binary':
        return [binary(cx, e, scope)];
      case 'Ternary':
        return [ternary(cx, e, scope)];
      case 'Tuple':
        cx.err('E403', e.span, 'A tuple `[...]` can only be the result of a function.');
        return [cx.poison()];
      case 'If':
        return ifExpr(cx, e, scope, want);
      case 'Switch':
        return switchExpr(cx, e, scope, want);
      case 'For':
        return forExpr(cx, e, scope, want);
      case 'ForIn':
        return forInExpr(cx, e, scope, want);
      case 'While':
        return whileExpr(cx, e, scope, want);
    }
  } finally {
    fn.em.at = savedAt;
  }
}

// History reference `x[k]`.
export function history(cx: LowerContext, e: A.Index, scope: Scope): Val {
  const fn = scope.fn;
  let off = expr(cx, e.index, scope);
  if (off.type.base === 'float') {
    // Pine's reference: the offset "must be numerical. Floats will be rounded down" — TradingView's
    // own ZigZag library reads `src[length]` with a `series float length`. A negative one is still an
    // error (below, or at run time), so truncating here is rounding down for every offset that runs.
    const type: PType = { ...off.type, base: 'int' };
    if (typeof off.cv === 'number') {
      off = { reg: off.reg, type, cv: off.cv };
    } else {
      const r = fn.temp();
      const one = fn.temp();
      fn.em.emit(Op.CONST_F, one, cx.constIndex(1));
      fn.em.emit(Op.IDIV, r, off.reg, one);
      off = { reg: r, type };
    }
  } else if (off.type.base !== 'int' && off.type.base !== 'na') {
    cx.err('E320', e.index.span, `The history offset \`${cx.q(e.index)}\` must be an int, got ${baseName(off.type)}.`);
    return cx.poison();
  }
  // A constant offset that carries a fraction (v6 `x[3 / 2]`) counts whole bars, truncated toward zero.
  const k = typeof off.cv === 'number' && off.cv >= 0 ? Math.trunc(off.cv) : typeof off.cv === 'number' ? off.cv : null;
  if (k !== null && (k < 0 || !Number.isInteger(k))) {
    cx.err('E321', e.index.span, `The history offset must be a non-negative integer, got ${k}.`);
    return cx.poison();
  }
  if (k !== null && k > 100000) {
    cx.err('E321', e.index.span, `The history offset ${k} is too large (the limit is 100000).`);
    return cx.poison();
  }
  // Resolve what the history is taken of.
  let ser = -1;
  let global = false;
  let type: PType | null = null;
  const obj = e.object;
  const name = dotted(cx, obj);
  const sym = obj.kind === 'Ident' ? scope.lookup(obj.name) : undefined;
  if (sym && sym.kind === 'var') {
    if (k === 0 || sym.unknown) return readVar(cx, sym, scope, obj.span);
    if (sym.ser < 0) {
      cx.err('E999', obj.span, `Internal: no history buffer for '${sym.name}'.`);
      return cx.poison(sym.type);
    }
    ser = sym.ser;
    global = sym.global && !fn.isMain;
    type = sym.type;
  } else if (cx.requestDepth === 0 && !sym && name !== null && !scope.lookup(name.split('.')[0] ?? '') && lookupVar(name)) {
    const bv = lookupVar(name);
    if (bv && 'reg' in bv.impl) {
      const reg = bv.impl.reg;
      type = sigToPType(bv.type, null);
      if (k === 0) return { reg, type };
      let slot = cx.barSeries.get(reg);
      if (slot === undefined) {
        slot = cx.main.newSeries('f');
        cx.barSeries.set(reg, slot);
      }
      ser = slot;
      global = !fn.isMain;
      type = { ...type, qual: Qual.Series };
      noteRead(cx, cx.main, ser, k);
      return emitSerGet(cx, fn, ser, global, true, off, k, type, cx.main);
    }
    const vs = cx.varSeries.get(name);
    if (bv && vs !== undefined && k !== 0) {
      // A variable computed on read (strategy.*): its series is written at the start of every bar
      // (lower/index.ts builtinVarSeries).
      if (notInStrategy(cx, bv.name, obj.span)) return cx.poison();
      type = sigToPType(bv.type, null);
      const numeric = vs.numeric;
      ser = vs.slot;
      global = !fn.isMain;
      type = { ...type, qual: Qual.Series };
      noteRead(cx, cx.main, ser, k);
      return emitSerGet(cx, fn, ser, global, numeric, off, k, type, cx.main);
    }
  }
  if (ser < 0) {
    // History of an arbitrary expression: a hidden series written where it is evaluated.
    const v = expr(cx, obj, scope);
    if (v.type.base === 'void' || v.type.base === 'tuple' || v.type.base === 'na') {
      cx.err('E322', obj.span, `Cannot take the history of \`${cx.q(obj)}\`: it has no single value.`);
      return cx.poison();
    }
    if (k === 0) return v;
    const numeric = isNumericStorage(v.type);
    ser = fn.newSeries(numeric ? 'f' : 'o');
    const tmp = cx.toTemp(fn, v);
    fn.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, ser, tmp.reg);
    type = v.type;
    global = false;
  }
  const ty = type ?? t('float');
  noteRead(cx, global ? cx.main : fn, ser, k);
  return emitSerGet(cx, fn, ser, global, isNumericStorage(ty), off, k, { ...ty, qual: Qual.Series }, global ? cx.main : fn);
}

function noteRead(cx: LowerContext, owner: FnCtx, ser: number, k: number | null): void {
  owner.noteOffset(ser, k);
}

function emitSerGet(cx: LowerContext, fn: FnCtx, ser: number, global: boolean, numeric: boolean, off: Val, k: number | null, type: PType, owner: FnCtx): Val {
  const r = fn.temp();
  let at: number;
  if (k !== null) {
    const op = numeric ? (global ? Op.SER_GET_GK : Op.SER_GET_K) : global ? Op.SER_GET_GOK : Op.SER_GET_OK;
    at = fn.em.emit(op, r, ser, k);
  } else {
    emitHistoryLimit(cx, fn, owner, ser, off.reg);
    const op = numeric ? (global ? Op.SER_GET_G : Op.SER_GET) : global ? Op.SER_GET_GO : Op.SER_GET_O;
    at = fn.em.emit(op, r, ser, off.reg);
  }
  if (type.base === 'bool' && cx.version >= 6) {
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
export function emitHistoryLimit(cx: LowerContext, fn: FnCtx, owner: FnCtx, ser: number, offReg: number): void {
  const key = `${owner.id}:${ser}`;
  let lim = cx.histLimits.get(key);
  if (!lim) {
    const entry: Preload = { reg: cx.newReg(), value: 0 };
    cx.preload.push(entry);
    lim = { entry, owner, ser };
    cx.histLimits.set(key, lim);
  }
  const limReg = lim.entry.reg;
  const over = fn.temp();
  const ok = new Label();
  fn.em.emit(Op.GT, over, offReg, limReg);
  fn.em.emitJump(Op.JF, ok, over);
  const args = cx.newReg(2);
  fn.em.emit(Op.MOV_F, args, offReg);
  fn.em.emit(Op.MOV_F, args + 1, limReg);
  const spec = lookupFn('__check.history_limit')?.[0];
  if (!spec) throw new Error('Internal: the check __check.history_limit is not registered');
  fn.em.emit(Op.CALLB, cx.builtinRef(spec.name, spec.overload, spec.signature), args, 0, 0);
  fn.em.mark(ok);
}

function unary(cx: LowerContext, e: A.Unary, scope: Scope): Val {
  const fn = scope.fn;
  const v = expr(cx, e.operand, scope);
  if (v.bad) return cx.poison(e.op === 'not' ? t('bool') : v.type);
  if (e.op === 'not') {
    let b = v;
    if (v.type.base !== 'bool' && v.type.base !== 'na') {
      if (cx.version < 6 && (v.type.base === 'int' || v.type.base === 'float')) b = v;
      else {
        // `not close > open` reads as `(not close) > open`: 'not' binds tighter than comparisons.
        const after = /^\s*(>=|<=|==|!=|>|<)/.exec(cx.sink.source.slice(e.operand.span.end, e.operand.span.end + 40));
        const hint = after ? ` 'not' applies before '${after[1]}': write \`not (${cx.q(e.operand)} ${after[1]} ...)\`.` : '';
        cx.err('E323', e.operand.span, `'not' needs a bool, got ${baseName(v.type)} (\`${cx.q(e.operand)}\`).${hint}`);
        return cx.poison(t('bool'));
      }
    }
    const type = t('bool', v.type.qual);
    if (typeof b.cv === 'number') return cx.constVal(b.cv !== 0 && !Number.isNaN(b.cv) ? 0 : 1, type);
    const r = fn.temp();
    const at = fn.em.emit(Op.NOT, r, b.reg);
    return { reg: r, type, defAt: at + 1 };
  }
  if (v.type.base !== 'int' && v.type.base !== 'float' && v.type.base !== 'na') {
    cx.err('E323', e.operand.span, `Unary '${e.op}' needs a number, got ${baseName(v.type)} (\`${cx.q(e.operand)}\`).`);
    return cx.poison();
  }
  const type = v.type.base === 'na' ? t('float', v.type.qual) : v.type;
  if (e.op === '+') return { ...v, type };
  if (typeof v.cv === 'number') return cx.constVal(-v.cv, type);
  const r = fn.temp();
  const at = fn.em.emit(Op.NEG, r, v.reg);
  return { reg: r, type, defAt: at + 1 };
}

export function binary(cx: LowerContext, e: A.Binary, scope: Scope): Val {
  if (e.op === 'and' || e.op === 'or') return logical(cx, e, scope);
  const l = expr(cx, e.left, scope);
  const r = expr(cx, e.right, scope);
  return binaryVals(cx, e.op, l, r, e.span, scope, e.left, e.right);
}

export function binaryVals(
  cx: LowerContext,
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
    return cx.poison(cmp ? t('bool') : t(lb === 'string' || rb === 'string' ? 'string' : 'float'));
  }
  const isNum = (b: Base) => b === 'int' || b === 'float' || b === 'na';
  const emit3 = (opc: number, type: PType, fold: ((a: number, b: number) => number) | null): Val => {
    if (fold && typeof l.cv === 'number' && typeof r.cv === 'number') return cx.constVal(fold(l.cv, r.cv), type);
    const d = fn.temp();
    const at = fn.em.emit(opc, d, l.reg, r.reg);
    return { reg: d, type, defAt: at + 1 };
  };
  if (op === '+' && (lb === 'string' || rb === 'string')) {
    if ((lb !== 'string' && lb !== 'na') || (rb !== 'string' && rb !== 'na')) {
      cx.err('E324', span, `Cannot add ${baseName(l.type)} and ${baseName(r.type)}: convert with str.tostring() (\`${cx.sink.quote(span)}\`).`);
      return cx.poison(t('string'));
    }
    const type = t('string', qual);
    // Folded only within Pine's string limit; beyond it the CONCAT fails at run time naming `+`.
    if (typeof l.cv === 'string' && typeof r.cv === 'string' && l.cv.length + r.cv.length <= MAX_STRING_LENGTH) return cx.constVal(l.cv + r.cv, type);
    const d = fn.temp();
    const at = fn.em.emit(Op.CONCAT, d, l.reg, r.reg);
    return { reg: d, type, defAt: at + 1 };
  }
  if (op === '==' || op === '!=') {
    const type = t('bool', qual);
    if (cx.version >= 6 && (lb === 'na' || rb === 'na')) {
      // `x == na` is always false; Pine v6 rejects it.
      const other = lb === 'na' ? re : le;
      cx.err('E337', span, `Cannot compare with na using '${op}' (\`${cx.sink.quote(span)}\`): a comparison with na is never true. Use ${op === '!=' ? 'not ' : ''}na(${cx.sink.quote(other.span)}) instead.`);
      return cx.poison(t('bool'));
    }
    const bothObj = (lb === 'string' || lb === 'na') && (rb === 'string' || rb === 'na') && (lb === 'string' || rb === 'string');
    if (bothObj) {
      if (typeof l.cv === 'string' && typeof r.cv === 'string') return cx.constVal((l.cv === r.cv) === (op === '==') ? 1 : 0, type);
      return emit3(op === '==' ? Op.EQ_O : Op.NE_O, type, null);
    }
    if (cx.version < 6 && ((lb === 'bool' && (rb === 'int' || rb === 'float')) || (rb === 'bool' && (lb === 'int' || lb === 'float')))) {
      // Pine v5 casts an int or float to bool implicitly (v6 dropped it): `cond[1] == 0` compares
      // with false. The number becomes 1 when non-zero and not na, else 0.
      const asB = (v: Val): Val => {
        if (v.type.base === 'bool') return v;
        if (typeof v.cv === 'number') return cx.constVal(v.cv !== 0 && v.cv === v.cv ? 1 : 0, t('bool', v.type.qual));
        const d = fn.temp();
        const at = fn.em.emit(Op.TO_BOOL, d, v.reg);
        return { reg: d, type: t('bool', v.type.qual), defAt: at + 1 };
      };
      const lv = asB(l);
      const rv = asB(r);
      if (typeof lv.cv === 'number' && typeof rv.cv === 'number') return cx.constVal((lv.cv === rv.cv) === (op === '==') ? 1 : 0, type);
      const d = fn.temp();
      const at = fn.em.emit(op === '==' ? Op.EQ : Op.NE, d, lv.reg, rv.reg);
      return { reg: d, type, defAt: at + 1 };
    }
    const u = unify(l.type, r.type);
    if (!u || !isNumericStorage(u)) {
      cx.err('E324', span, `Cannot compare ${baseName(l.type)} with ${baseName(r.type)} (\`${cx.sink.quote(span)}\`).`);
      return cx.poison(t('bool'));
    }
    return emit3(op === '==' ? Op.EQ : Op.NE, type, (a, b) => (a === a && b === b && (a === b) === (op === '==') ? 1 : 0));
  }
  if (!isNum(lb) || !isNum(rb)) {
    const bad = !isNum(lb) ? { v: l, e: le } : { v: r, e: re };
    cx.err('E324', bad.e.span, `Operator '${op}' needs numbers, got ${baseName(bad.v.type)} (\`${cx.sink.quote(bad.e.span)}\`).`);
    return cx.poison(op === '<' || op === '<=' || op === '>' || op === '>=' ? t('bool') : t('float'));
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
      // Pine: int / int stays an int-typed value but keeps its fraction (bar_index / 2 is 0.5 on bar 1),
      // except v5's const int / const int, which truncates (5 / 2 is 2). Consumers that need a whole
      // number (builtin int parameters, history offsets) truncate toward zero.
      if (bothInt && cx.version < 6 && qual === Qual.Const) return emit3(Op.IDIV, numType, (a, b) => (b === 0 ? NaN : Math.trunc(a / b)));
      return emit3(Op.DIV, numType, (a, b) => (b === 0 ? NaN : a / b));
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

export function asBool(cx: LowerContext, v: Val, e: { span: A.Span }, what: string): Val | null {
  if (v.type.base === 'bool' || v.type.base === 'na' || v.bad) return v;
  if (cx.version < 6 && (v.type.base === 'int' || v.type.base === 'float')) return v;
  cx.err('E325', e.span, `${what} must be a bool, got ${baseName(v.type)} (\`${cx.sink.quote(e.span)}\`).${cx.version >= 6 && (v.type.base === 'int' || v.type.base === 'float') ? ' Pine v6 does not convert numbers to bool implicitly: use bool(x) or a comparison.' : ''}`);
  return null;
}

function logical(cx: LowerContext, e: A.Binary, scope: Scope): Val {
  const fn = scope.fn;
  const l = expr(cx, e.left, scope);
  const lb = asBool(cx, l, e.left, `The left side of '${e.op}'`);
  if (cx.version < 6) {
    // v5 evaluates both sides.
    const r = expr(cx, e.right, scope);
    const rb = asBool(cx, r, e.right, `The right side of '${e.op}'`);
    if (!lb || !rb) return cx.poison(t('bool'));
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
      const r = cx.checkOnly(fn, () => expr(cx, e.right, scope));
      asBool(cx, r, e.right, `The right side of '${e.op}'`);
      return cx.constVal(e.op === 'and' ? 0 : 1, t('bool'));
    }
    const r = expr(cx, e.right, scope);
    const rb = asBool(cx, r, e.right, `The right side of '${e.op}'`);
    if (!rb) return cx.poison(t('bool'));
    if (typeof rb.cv === 'number') return cx.constVal(rb.cv !== 0 && rb.cv === rb.cv ? 1 : 0, t('bool'));
    const d = fn.temp();
    const at = fn.em.emit(Op.TO_BOOL, d, rb.reg);
    return { reg: d, type: t('bool', r.type.qual), defAt: at + 1 };
  }
  const d = fn.temp();
  const end = new Label();
  fn.em.emit(Op.TO_BOOL, d, lb ? lb.reg : l.reg);
  fn.em.emitJump(e.op === 'and' ? Op.JF : Op.JT, end, d);
  const r = expr(cx, e.right, scope);
  const rb = asBool(cx, r, e.right, `The right side of '${e.op}'`);
  fn.em.emit(Op.TO_BOOL, d, rb ? rb.reg : r.reg);
  fn.em.mark(end);
  if (!lb || !rb) return cx.poison(t('bool'));
  return { reg: d, type: t('bool', maxQual(l.type.qual, r.type.qual)) };
}

function ternary(cx: LowerContext, e: A.Ternary, scope: Scope): Val {
  const fn = scope.fn;
  const c = expr(cx, e.cond, scope);
  const cb = asBool(cx, c, e.cond, 'The condition of `?:`');
  if (cb && typeof cb.cv === 'number') {
    // A constant condition: only the taken branch is emitted, but both are checked.
    const taken = cb.cv !== 0 && cb.cv === cb.cv;
    const a = expr(cx, taken ? e.then : e.else, scope);
    const other = cx.checkOnly(fn, () => expr(cx, taken ? e.else : e.then, scope));
    const u = unify(a.type, other.type);
    if (!u && (a.bad || other.bad)) return cx.poison(a.bad ? other.type : a.type);
    if (!u) {
      const [tt, et] = taken ? [a.type, other.type] : [other.type, a.type];
      cx.err('E326', e.span, `The branches of \`?:\` have different types: ${baseName(tt)} and ${baseName(et)}.`);
      return cx.poison();
    }
    // The value has the type both branches meet in (`true ? 1 : 2.5` is a float).
    return a.type.base === 'na' && u.base !== 'na' ? { ...a, type: u, cv: undefined, reg: cx.naOf(fn, u) } : { ...a, type: { ...u, qual: a.type.qual } };
  }
  const d = fn.temp();
  const elseL = new Label();
  const end = new Label();
  fn.em.emitJump(Op.JF, elseL, cb ? cb.reg : c.reg);
  const a = expr(cx, e.then, scope);
  cx.place(fn, { ...a, defAt: a.defAt }, d);
  fn.em.emitJump(Op.JMP, end);
  fn.em.mark(elseL);
  const b = expr(cx, e.else, scope);
  cx.place(fn, b, d);
  fn.em.mark(end);
  const u = unify(a.type, b.type);
  // A branch already in error has no real type: no second error about it.
  if (!u && (a.bad || b.bad)) return cx.poison(a.bad ? b.type : a.type);
  if (!u) {
    cx.err('E326', e.span, `The branches of \`?:\` have different types: ${baseName(a.type)} and ${baseName(b.type)}.`);
    return cx.poison();
  }
  if (u.base === 'bool' && cx.version >= 6 && (a.type.base === 'na' || b.type.base === 'na')) {
    // `c ? true : na`: a v6 bool is never na, the na branch gives false.
    fn.em.emit(Op.TO_BOOL, d, d);
  }
  if (!cb) return cx.poison(u);
  return { reg: d, type: { ...u, qual: maxQual(u.qual, c.type.qual) } };
}
