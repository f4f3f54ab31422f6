// Calls: user functions (argument binding, overload picking, one specialisation per argument
// types, checking of functions never called), method-style calls, and builtin calls (overload
// resolution, argument blocks, compile-time folding of pure builtins).

import type * as A from '../ast.js';
import { Qual, QUAL_NAMES, baseName, isNumericStorage, maxQual, t, type PType, type Base } from '../types.js';
import { FnCtx, Scope, type FuncSym, type SpecInfo, type VarSym } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import { lookupFn, lookupVar, isNamespace, type FnSpec } from '../../builtins/registry.js';
import { printType } from '../ast-print.js';
import { assignable, overloadText, resolveOverload, sigToPType, type ArgInfo } from '../overloads.js';
import { type Runtime, DEFAULT_LIMITS } from '../../runtime/runtime.js';
import { parseDefaultExpr } from '../defaults.js';
import { callError, containsCall, type LowerContext, normConst, type Val, VOID, withArticle } from './context.js';
import { copyObject, declTypeFromRef, objectArrayElem, objectMatrixElem, udtStaticCall } from './types.js';
import { OBJECT_ARRAY_FUNCTIONS } from '../../builtins/object-arrays.js';
import { enumToString, inputEnum } from './enums.js';
import { libFunction } from './libraries.js';
import { didYouMean, dotted, offlineIgnored, PINE_ARRAY_FUNCTIONS, unknownName } from './names.js';
import { bindParamArg, perSite, type ParamArg } from './request-expr.js';
import { notePlotCount, SCRIPT_CALLS } from './script-calls.js';
import { argValue } from './presentation-args.js';
import { notInStrategy } from './strategy.js';
import { drawingSlot } from './tier2.js';
import { METHOD_NAMESPACES } from '../tier2-types.js';

/** Deepest chain of user functions compiled inside each other (each call with new argument types
 * compiles the callee's body inside the caller's). */
export const MAX_CALL_DEPTH = 100;

/** A call: of a user function, a builtin, a script-level call (script-calls.ts) or a method. */
export function call(cx: LowerContext, e: A.Call, scope: Scope): Val[] {
  const callee = e.callee;
  if (callee.kind === 'Ident') {
    const sym = scope.lookup(callee.name);
    if (sym) {
      if (sym.kind === 'func') {
        const chosen = sym.overloads ? pickOverload(cx, sym, sym.overloads, e, scope) : sym;
        return chosen ? userCall(cx, chosen, e, scope) : [cx.poison()];
      }
      // Variables and functions have separate names in Pine: `f = f(close)`, `alert = "..."`
      // then `alert(...)` call the function.
      const fnOfName = cx.userFns.find((f) => f.name === callee.name && !f.def.isMethod && f.lib === undefined && f.def.span.start < e.span.start);
      if (fnOfName) {
        const chosen = fnOfName.overloads ? pickOverload(cx, fnOfName, fnOfName.overloads, e, scope) : fnOfName;
        return chosen ? userCall(cx, chosen, e, scope) : [cx.poison()];
      }
      if (!lookupFn(callee.name)) {
        cx.err('E330', callee.span, `Cannot call '${callee.name}': it is ${withArticle(baseName(sym.type))} variable, not a function.`);
        return [cx.poison()];
      }
    }
  }
  const name = dotted(cx, callee);
  if (name !== null) {
    const root = name.split('.')[0] ?? '';
    if (callee.kind === 'Ident' || !scope.lookup(root) || shadowedNamespaceCall(cx, callee, name, scope)) {
      // A method called like a function, its first argument being the value it applies to.
      const asFn = callee.kind === 'Ident' ? cx.methods.get(name)?.filter((m) => m.lib === undefined) : undefined;
      const firstM = asFn?.[0];
      if (asFn && firstM) {
        const chosen = asFn.length === 1 ? firstM : pickOverload(cx, firstM, asFn.slice(1), e, scope);
        return chosen ? userCall(cx, chosen, e, scope) : [cx.poison()];
      }
      if (name === 'input.enum') return [inputEnum(cx, e, scope)];
      if (name === 'str.tostring' && cx.enums.size > 0 && e.args.length === 1) {
        // `str.tostring(e)` of an enum: the member's title.
        const a = e.args[0];
        const ty = a ? cx.checkOnly(scope.fn, () => cx.expr(a.value, scope)) : null;
        if (a && ty?.type.base === 'enum') return [enumToString(cx, cx.expr(a.value, scope), scope)];
      }
      const objName = callee.kind === 'Member' ? dotted(cx, callee.object) : null;
      const udt = objName !== null ? cx.udt(objName) : undefined;
      if (udt && callee.kind === 'Member') return [udtStaticCall(cx, udt, e, callee, scope)];
      const lib = callee.kind === 'Member' && !scope.lookup(root) ? cx.libs.get(root) : undefined;
      if (lib && callee.kind === 'Member') {
        const sym = lib.broken ? null : libFunction(cx, lib, callee);
        if (!sym) {
          for (const a of e.args) cx.expr(a.value, scope);
          return [cx.poison()];
        }
        const direct: A.Call = { ...e, callee: { kind: 'Ident', span: callee.span, name: callee.name } };
        const chosen = sym.overloads ? pickOverload(cx, sym, sym.overloads, direct, scope) : sym;
        return chosen ? userCall(cx, chosen, direct, scope) : [cx.poison()];
      }
      const specs = lookupFn(name);
      const script = SCRIPT_CALLS.get(name);
      // A script-level call without a registry signature (max_bars_back).
      if (script?.stage === 'unevaluated' && !specs) return script.lower(cx, name, e, scope);
      if (specs) return builtinCall(cx, name, specs, e, scope);
      if (callee.kind === 'Ident') {
        const later = cx.declaredFns.get(name);
        if (cx.recursive.has(name) && !scope.fn.isMain) {
          // The recursion error already names this call's cycle.
        } else if (later) {
          const { line } = cx.sink.lines.lineCol(later.nameSpan.start);
          cx.err('E301', callee.span, `Undeclared function '${name}': it is declared later, on line ${line}; declare a function before the code that calls it.`);
        } else {
          // v4 names without their v5 namespace (sma, tostring, security, ...).
          const ns = ['math', 'ta', 'str', 'request', 'color', 'array', 'timeframe'].find((n) => lookupFn(`${n}.${name}`) || UNSUPPORTED_FUNCTIONS.has(`${n}.${name}`));
          const hint = ns
            ? ` Did you mean '${ns}.${name}'? Since Pine v5 built-in functions live in namespaces (ta., math., str., request., ...).`
            : (V4_REMOVED_FUNCTIONS[name] ?? didYouMean(cx, name, scope, 'function'));
          cx.err('E301', callee.span, `Undeclared function '${name}'.${hint}`);
        }
        for (const a of e.args) cx.expr(a.value, scope);
        return [cx.poison()];
      }
      // `close.sma(5)`: a method-style call on a built-in variable, not an unknown namespace.
      // (Tier 2: also on a dotted one, `label.all.size()`.)
      const onVar = callee.kind === 'Member' && objName !== null && lookupVar(objName) !== undefined && (callee.object.kind !== 'Ident' || !isNamespace(root));
      if (!onVar && root === 'ta' && cx.taImport !== null && !scope.lookup('ta')) {
        cx.err('E503', callee.span, `'${name}' is a function of the library '${cx.taImport}' (imported as ta), which is not available: pass its source with \`--lib file.pine\` (its library("ta") title must match). Built-in ta.* functions work without it.`);
        for (const a of e.args) cx.expr(a.value, scope);
        return [cx.poison()];
      }
      if (!onVar) {
        const ignored = offlineIgnored(cx, name, e);
        if (ignored) return [ignored];
        const v = unknownName(cx, name, callee.span);
        return [v];
      }
    }
  }
  // Only a Member reaches here: a plain name was resolved (or reported) above.
  return callee.kind === 'Member' ? methodCall(cx, e, callee, scope) : [cx.poison()];
}

/** The overload of a user function that fits the call's arguments best: every argument binds,
 * every declared parameter type accepts its argument, fewest int → float promotions; the
 * first declared on ties. Null after reporting that none fits. */
function pickOverload(cx: LowerContext, first: FuncSym, others: FuncSym[], call: A.Call, scope: Scope): FuncSym | null {
  const fn = scope.fn;
  const types = call.args.map((a) => cx.checkOnly(fn, () => cx.expr(a.value, scope)));
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
      const want = paramType(cx, cand, p.type);
      const got = types[i];
      if (!want || !got) return;
      const a = assignable(got.type, want, cx.version);
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
    cx.err('E332', call.span, `No overload of '${first.name}' takes (${got}). Overloads: ${forms}.`);
  }
  return best;
}

function userCall(cx: LowerContext, sym: FuncSym, call: A.Call, scope: Scope): Val[] {
  const fn = scope.fn;
  const def = sym.def;
  if (cx.compiling.includes(sym)) {
    // findRecursion() reports every cycle of plain functions before lowering starts; a cycle
    // through methods (resolved by their first argument's type, so not in its call graph) is found
    // here, when the call reaches a method being compiled: reported once, naming the cycle.
    const names = [...cx.compiling.slice(cx.compiling.indexOf(sym)).map((f) => f.name), sym.name];
    if (!names.every((n) => cx.recursive.has(n))) {
      const kind = def.isMethod ? 'method' : 'function';
      const how = names.length === 2 ? `${kind} '${sym.name}' calls itself` : `the cycle ${names.map((n) => `'${n}'`).join(' → ')}`;
      cx.err('E405', call.span, `Recursion is not allowed: ${how}. A Pine function or method cannot call itself, directly or through other functions.`);
      for (const n of names) cx.recursive.add(n);
    }
    return [cx.poison()];
  }
  if (call.typeArgs.length > 0) cx.err('E312', call.span, `'${sym.name}' does not take template arguments.`);
  // A function without a body had a syntax error (E204): its calls have no known value.
  if (def.body.body.length === 0) {
    for (const a of call.args) cx.expr(a.value, scope);
    return [cx.poison()];
  }
  // Bind arguments to parameters.
  const bound: (A.Expr | null)[] = def.params.map(() => null);
  let pos = 0;
  let ok = true;
  let sawNamed = false;
  for (const a of call.args) {
    if (a.name === null) {
      if (sawNamed) {
        cx.err('E341', a.value.span, `Positional argument \`${cx.q(a.value)}\` follows a named argument in the call to '${sym.name}': name it too, or move it before the named ones.`);
        ok = false;
        break;
      }
      if (pos >= def.params.length) {
        cx.err('E313', a.value.span, `Too many arguments in the call to '${sym.name}': it takes ${def.params.length}, got ${call.args.filter((x) => x.name === null).length} (\`${cx.q(a.value)}\` is extra).`);
        ok = false;
        break;
      }
      bound[pos++] = a.value;
    } else {
      sawNamed = true;
      const k = def.params.findIndex((p) => p.name === a.name);
      if (k < 0) {
        cx.err('E314', a.nameSpan ?? a.value.span, `'${sym.name}' has no parameter named '${a.name}'.`);
        ok = false;
        continue;
      }
      if (bound[k]) cx.err('E315', a.nameSpan ?? a.value.span, `Argument '${a.name}' is given twice.`);
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
      if (ok) cx.err('E316', call.span, `Missing argument '${p.name}' in the call to '${sym.name}'.`);
      ok = false;
      argVals.push(cx.poison());
      return;
    }
    // Defaults are compiled in the caller's scope like the argument would be.
    let v = cx.expr(e, bound[i] ? scope : defaultScope(cx, sym, scope));
    if (v.type.base === 'void' || v.type.base === 'tuple') {
      cx.err('E305', e.span, `\`${cx.q(e)}\` has no value to pass as '${p.name}'.`);
      v = cx.poison();
    }
    if (p.type) {
      const want = paramType(cx, sym, p.type);
      if (want) {
        v = cx.convert(fn, v, want, e.span, `Cannot pass \`${cx.q(e)}\` as '${p.name}'`);
        if (p.type.qualifier && v.type.qual > want.qual) {
          cx.err('E317', e.span, `Argument '${p.name}'=\`${cx.q(e)}\` is ${QUAL_NAMES[v.type.qual]}, but the parameter is declared ${QUAL_NAMES[want.qual]}.`);
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
  if (!ok || argVals.some((v) => v.bad)) return [cx.poison()];
  // A function holding a request is compiled per call site: its requests compute the call's
  // argument expressions in the requested context (request-expr.ts).
  const site = perSite(cx, sym, (n) => cx.userFns.filter((f) => f.name === n));
  const key = argVals.map((v) => `${v.type.qual}${baseName(v.type)}`).join(',') + (site ? `@${cx.userFns.length}:${siteCount++}` : '');
  let spec = sym.specs.get(key);
  if (!spec && cx.compiling.length >= MAX_CALL_DEPTH) {
    // Each new specialisation is compiled inside its caller's: a long chain of functions calling
    // each other would exhaust the compiler's stack.
    const outer = cx.compiling[0]?.name ?? sym.name;
    cx.callDepthExceeded = true;
    cx.err('E409', call.span, `User functions call each other too deeply here (more than ${MAX_CALL_DEPTH} levels, from '${outer}' down to '${sym.name}'): shorten the chain of functions calling functions.`);
    return [cx.poison()];
  }
  if (!spec) {
    const again = sym.specs.size > 0;
    if (again) {
      const lc = cx.sink.lines.lineCol(call.span.start);
      cx.callContext.push({ text: cx.q(call), at: `${lc.line}:${lc.column}` });
    }
    const given = site ? def.params.map((p, i): ParamArg | undefined => {
          const x = bound[i] ?? p.defaultValue;
          return x ? { expr: x, scope: bound[i] ? scope : defaultScope(cx, sym, scope) } : undefined;
        }) : undefined;
    spec = specialize(cx, sym, argVals.map((v) => v.type), call, [], given);
    if (again) cx.callContext.pop();
    sym.specs.set(key, spec);
  }
  // Pass arguments into the callee's parameter registers. A value is computed straight into its
  // parameter register unless a later argument calls a function (which could clobber it).
  argVals.forEach((v, i) => {
    const r = spec.paramRegs[i];
    if (r === undefined) return;
    const safe = !containsCall(fn.em.code, argEnds[i] ?? 0);
    cx.place(fn, safe ? v : { reg: v.reg, type: v.type, cv: v.cv }, r);
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
  fn.em.at = cx.pinnedAt ?? call.span.start;
  fn.em.emit(Op.CALL, c.id, varOff, objOff, serOff, csOff);
  // Copy results out: the callee's result registers are reused by its next call.
  return spec.results.map((ty, i) => {
    const r = fn.temp();
    const src = spec.resultRegs[i] ?? 0;
    const at = fn.em.emit(isNumericStorage(ty) ? Op.MOV_F : Op.MOV_O, r, src);
    return { reg: r, type: ty, defAt: at + 1 };
  });
}

/** The declared type of a parameter of `sym`, read where `sym` was declared (a library's
 * function names the library's types by their short names). */
function paramType(cx: LowerContext, sym: FuncSym, ref: A.TypeRef): PType | null {
  if (sym.lib === undefined) return declTypeFromRef(cx, ref);
  const saved = cx.libPrefix;
  cx.libPrefix = sym.lib;
  try {
    return declTypeFromRef(cx, ref);
  } finally {
    cx.libPrefix = saved;
  }
}

function defaultScope(cx: LowerContext, sym: FuncSym, scope: Scope): Scope {
  return new Scope(null, scope.fn, sym.globals.copy());
}

/** Functions that no call compiled are checked once if every parameter has a declared type
 * (a generic parameter's type is only known at a call). Their code is never called. */
export function checkUncalled(cx: LowerContext): void {
  // After a chain too deep to compile, the functions below its cut would each report it again.
  if (cx.callDepthExceeded) return;
  for (const sym of cx.userFns) {
    if (sym.specs.size > 0 || cx.recursive.has(sym.name)) continue;
    // A generic parameter's type is only known at a call: here it reads as a value that raises
    // no type errors, so that only errors independent of it (names, other types) are reported.
    const unknown = sym.def.params.map((p) => p.type === null);
    const types = sym.def.params.map((p) => (p.type ? (paramType(cx, sym, p.type) ?? t('float')) : t('float')));
    sym.specs.set('unused', specialize(cx, sym, types, null, unknown));
  }
}

let siteCount = 0;

function specialize(cx: LowerContext, sym: FuncSym, argTypes: PType[], call: A.Call | null, unknown: boolean[] = [], given?: (ParamArg | undefined)[]): SpecInfo {
  const def = sym.def;
  const label = `${sym.name}(${argTypes.map((t) => baseName(t)).join(', ')})`;
  const ctx = cx.newFn(label, false);
  const scope = new Scope(null, ctx, sym.globals.copy());
  const fnScope = new Scope(scope, ctx);
  const paramRegs: number[] = [];
  cx.compiling.push(sym);
  // A library's function sees the library's types by their short names.
  const savedLib = cx.libPrefix;
  cx.libPrefix = sym.lib ?? null;
  ctx.em.at = def.span.start;
  def.params.forEach((p, i) => {
    const ty = argTypes[i] ?? t('float');
    const reg = cx.newReg();
    paramRegs.push(reg);
    const ps: VarSym = {
      kind: 'var',
      name: p.name,
      type: cx.reassigned.has(p.name) ? { ...ty, qual: Qual.Series } : ty,
      storage: 'reg',
      index: reg,
      ser: -1,
      mode: 'plain',
      global: false,
      span: p.span,
    };
    if (unknown[i]) ps.unknown = true;
    const arg = given?.[i];
    if (arg) bindParamArg(ps, arg);
    if (cx.histNames.has(p.name)) {
      ps.ser = ctx.newSeries(isNumericStorage(ty) ? 'f' : 'o');
      ctx.em.emit(isNumericStorage(ty) ? Op.SER_SET : Op.SER_SET_O, ps.ser, reg);
    }
    fnScope.syms.set(p.name, ps);
  });
  const vals = cx.stmts(def.body.body, fnScope, true) ?? [];
  const results: PType[] = [];
  const resultRegs: number[] = [];
  for (const v of vals) {
    if (v.type.base === 'void') continue;
    const ty = v.type.base === 'na' ? t('float', v.type.qual) : v.type;
    const r = cx.newReg();
    cx.place(ctx, v, r);
    results.push(ty);
    resultRegs.push(r);
  }
  ctx.em.emit(Op.RET);
  cx.libPrefix = savedLib;
  cx.compiling.pop();
  void call;
  return { fnId: ctx.id, results, resultRegs, paramRegs, paramTypes: argTypes, ctx };
}

/** `timeframe.in_seconds(tf)` where a variable or parameter named `timeframe` is in scope: as on
 * TradingView, the call is the namespace's function when the variable's value has no method of
 * that name (a string has no `in_seconds`), so the variable does not hide the namespace. */
function shadowedNamespaceCall(cx: LowerContext, callee: A.Expr, name: string, scope: Scope): boolean {
  if (callee.kind !== 'Member' || callee.object.kind !== 'Ident' || !isNamespace(callee.object.name) || !lookupFn(name)) return false;
  if (cx.methods.get(callee.name)) return false;
  const obj = callee.object;
  const self = cx.checkOnly(scope.fn, () => cx.expr(obj, scope));
  if (self.bad || self.type.base === 'udt') return false;
  const ns = METHOD_NAMESPACES[self.type.base];
  return !(ns && lookupFn(`${ns}.${callee.name}`));
}

/** `value.name(args)`: the builtin `<namespace of value's type>.name(value, args)`. */
function methodCall(cx: LowerContext, e: A.Call, callee: A.Member, scope: Scope): Val[] {
  const methods = cx.methods.get(callee.name);
  if (methods) {
    const user = userMethodCall(cx, methods, e, callee, scope);
    if (user) return user;
  }
  const self = cx.expr(callee.object, scope);
  if (self.bad) {
    for (const a of e.args) cx.expr(a.value, scope);
    return [cx.poison()];
  }
  if (self.type.base === 'udt' && callee.name === 'copy' && e.args.length === 0) {
    return [copyObject(cx, self, callee.object, self.type.name ?? '', scope)];
  }
  const ns = METHOD_NAMESPACES[self.type.base];
  const specs = ns ? lookupFn(`${ns}.${callee.name}`) : undefined;
  if (ns && specs) return builtinCall(cx, `${ns}.${callee.name}`, specs, e, scope, { v: self, text: cx.q(callee.object) });
  for (const a of e.args) cx.expr(a.value, scope);
  const obj = cx.q(callee.object);
  if (ns && PINE_ARRAY_FUNCTIONS.has(callee.name)) {
    cx.err('E504', callee.nameSpan, `'${ns}.${callee.name}' (\`${obj}.${callee.name}()\`) is not supported yet.`);
  } else if (ns) {
    cx.err('E338', callee.nameSpan, `Unknown method '${callee.name}' of \`${obj}\` (${baseName(self.type)}): there is no '${ns}.${callee.name}'.${didYouMean(cx, `${ns}.${callee.name}`, null, 'function')}`);
  } else if (self.type.base !== 'void') {
    const root = dotted(cx, callee.object);
    const hint =
      root !== null && isNamespace(root)
        ? ` The variable '${root}' hides the '${root}' namespace: rename it.`
        : lookupFn(`ta.${callee.name}`)
          ? ` Did you mean \`ta.${callee.name}(${obj}, ...)\`?`
          : lookupFn(`math.${callee.name}`)
            ? ` Did you mean \`math.${callee.name}(${obj}, ...)\`?`
            : '';
    cx.err('E338', callee.nameSpan, `Cannot call \`${obj}.${callee.name}()\`: ${baseName(self.type)} values have no methods.${hint}`);
  }
  return [cx.poison()];
}

/** `value.name(args)` where `name` is a user method declared for the value's type: the method
 * called with `value` as its first argument. Null when no method of that name takes the value. */
function userMethodCall(cx: LowerContext, methods: FuncSym[], e: A.Call, callee: A.Member, scope: Scope): Val[] | null {
  const selfT = cx.checkOnly(scope.fn, () => cx.expr(callee.object, scope));
  if (selfT.bad) return null;
  const fits = methods.filter((m) => {
    const p = m.def.params[0]?.type;
    const want = p ? paramType(cx, m, p) : null;
    return want !== null && selfT.type.base !== 'na' && assignable(selfT.type, want, cx.version) === 'same';
  });
  const first = fits[0];
  if (!first) return null;
  const call: A.Call = {
    ...e,
    callee: { kind: 'Ident', span: callee.nameSpan, name: callee.name },
    args: [{ name: null, nameSpan: null, value: callee.object }, ...e.args],
  };
  const chosen = fits.length === 1 ? first : pickOverload(cx, first, fits.slice(1), call, scope);
  return chosen ? userCall(cx, chosen, call, scope) : [cx.poison()];
}

/** A call of a builtin function; `self` is the value a method call is made on (`a.push(x)` is
 * `array.push(a, x)`), already compiled. */
function builtinCall(cx: LowerContext, name: string, allSpecs: readonly FnSpec[], e: A.Call, scope: Scope, self: { v: Val; text: string } | null = null): Val[] {
  const fn = scope.fn;
  const first = allSpecs[0];
  if (first?.globalOnly && !(fn.isMain && scope === cx.globalScope)) {
    cx.err('E406', e.callee.span, `'${name}' can only be called in the global scope, not inside a function or block.`);
  }
  const script = SCRIPT_CALLS.get(name);
  if (script?.stage === 'unevaluated') return script.lower(cx, name, e, scope);
  // strategy: order functions and trade queries need a strategy() script.
  if (notInStrategy(cx, name, e.callee.span)) {
    for (const a of e.args) cx.expr(a.value, scope);
    return (allSpecs[0]?.results ?? []).map((r) => cx.poison(sigToPType(r, null)));
  }
  const resolved = script?.stage === 'resolved' ? script : null;
  // Arrays of objects (`array.new<Point>()`, `a.push(p)` on an array<Point>) have their own overloads.
  let objElem = name.startsWith('array.') ? objectArrayElem(cx, e, []) : name.startsWith('matrix.') ? objectMatrixElem(cx, e, []) : null;
  let specs = objElem ? objectCollectionSpecs(cx, name, e) : byTypeArgs(cx, name, allSpecs, e);
  if (!specs) {
    for (const a of e.args) cx.expr(a.value, scope);
    return (allSpecs[0]?.results ?? [t('float')]).map((r) => cx.poison(sigToPType(r, null)));
  }
  // Evaluate arguments in source order.
  const argVals: Val[] = [];
  const infos: ArgInfo[] = [];
  if (self) {
    argVals.push(self.v);
    infos.push({ name: null, type: self.v.type, text: self.text });
  }
  for (const [i, a] of e.args.entries()) {
    const saveDecl = cx.declName;
    if (!resolved?.declName) cx.declName = null;
    // A list literal is only meaningful as input options (`options = [1, 2, 3]`).
    let v: Val =
      resolved?.listArgs && a.value.kind === 'Tuple'
        ? { reg: 0, type: t('tuple', Qual.Const) }
        : argValue(cx, name, i, a, scope);
    cx.declName = saveDecl;
    argVals.push(v);
    infos.push({ name: a.name, type: v.type, text: cx.q(a.value) });
  }
  if (!objElem && (name.startsWith('array.') || name.startsWith('matrix.'))) {
    objElem = name.startsWith('array.') ? objectArrayElem(cx, e, argVals) : objectMatrixElem(cx, e, argVals);
    if (objElem) {
      specs = objectCollectionSpecs(cx, name, e);
      if (!specs) return (allSpecs[0]?.results ?? [t('float')]).map((r) => cx.poison(sigToPType(r, null)));
    }
  }
  let res = resolveOverload(specs, infos, cx.version);
  if (!res.ok && argVals.some((v) => v.bad)) {
    // An argument already had an error: the call's own mismatch would only echo it, unless
    // the call is wrong even with that argument taken as fitting (an independent mistake).
    res = resolveOverload(specs, infos.map((inf, i) => ({ ...inf, bad: argVals[i]?.bad === true })), cx.version);
    if (res.ok) return (specs[0]?.results ?? [t('float')]).map((r) => cx.poison(sigToPType(r, null)));
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
      cx.err('E332', e.span, `'${name}' cannot take ${clash.map((n) => `'${n}'`).join(' and ')} together: its forms are ${forms}.`);
    } else if (one !== undefined) {
      cx.err('E331', e.span, callError(name, one));
    } else {
      const got = infos.map((i) => (i.name ? `${i.name}=` : '') + `${QUAL_NAMES[i.type.qual]} ${baseName(i.type)}`).join(', ');
      cx.err('E332', e.span, `No overload of '${name}' takes (${got}). Overloads: ${[...new Set(specs.map(overloadText))].join('; ')}.`);
    }
    return (specs[0]?.results ?? [t('float')]).map((r) => cx.poison(sigToPType(r, null)));
  }
  const m = res.match;
  if (objElem && m.bindT === null) m.bindT = objElem;
  const spec = m.spec;
  if (spec.rejectNote !== null && (spec.untilVersion === null || cx.version > spec.untilVersion)) {
    cx.err('E340', e.span, `\`${cx.q(e)}\`: ${spec.rejectNote}`);
  }
  if (resolved) return resolved.lower(cx, spec, m, argVals, e, scope);
  // alertcondition() is not an output here, but it uses one of TradingView's plot counts.
  if (spec.name === 'alertcondition') notePlotCount(cx, 1, e.span);
  // Argument registers: one consecutive block per call site. Constants are preloaded.
  const nFixed = spec.params.length - (spec.params[spec.params.length - 1]?.rest ? 1 : 0);
  const n = nFixed + m.rest.length;
  const block = n > 0 ? cx.newReg(n) : 0;
  const params: { v: Val; p: (typeof spec.params)[number] }[] = [];
  for (let k = 0; k < nFixed; k++) {
    const p = spec.params[k];
    if (!p) continue;
    const bi = m.bound[k] ?? -1;
    let v: Val;
    if (bi >= 0) v = argVals[bi] ?? cx.poison();
    else v = defaultArg(cx, spec, p.default ?? 'na', scope, e.span);
    params.push({ v, p });
  }
  const restP = spec.params[spec.params.length - 1];
  if (restP?.rest) for (const i of m.rest) params.push({ v: argVals[i] ?? cx.poison(), p: restP });
  let qual: Qual = Qual.Const;
  let allConst = true;
  params.forEach(({ v, p }, i) => {
    const reg = block + i;
    const whole = p.type.base === 'int' && v.type.base === 'int' && !dataParam(spec, i);
    if (p.type.base === 'any') box(cx, fn, v, reg);
    else if (whole && typeof v.cv === 'number') cx.preload.push({ reg, value: Math.trunc(v.cv) + 0 });
    else if (v.cv !== undefined) cx.preload.push({ reg, value: normConst(v.cv) });
    else if (whole && !v.stable && !v.whole) wholeArg(cx, fn, v, reg);
    else cx.place(fn, v, reg);
    if (v.cv === undefined) allConst = false;
    qual = maxQual(qual, v.type.qual);
  });
  // A pure builtin's result is as constant as its arguments; others have the declared qualifier.
  const results = spec.results.map((r) => {
    const ty = sigToPType(r, m.bindT);
    return spec.pure && params.length > 0 ? { ...ty, qual } : ty;
  });
  if (spec.pure && allConst && !spec.stateful && results.length === 1 && qual === Qual.Const) {
    const folded = fold(cx, spec, params.map(({ v, p }) => ({ v, any: p.type.base === 'any' })));
    const r0 = results[0];
    if (folded !== undefined && r0) return [cx.constVal(folded, r0)];
  }
  const s = spec.drawing ? drawingSlot(cx) : spec.stateful ? fn.nCs++ : spec.params.some((p) => p.rest) ? n : 0;
  const idx = cx.builtinRef(spec.name, spec.overload, spec.signature);
  fn.em.at = cx.pinnedAt ?? e.span.start;
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
  const d = cx.newReg(results.length);
  fn.em.emit(Op.CALLB, idx, block, d, s);
  return results.map((ty, i) => ({ reg: d + i, type: ty }));
}

/** Per overload, its int parameters that are data rather than a count: the builtin has an overload
 * taking a float for the same parameter (str.tostring, math.max, nz, ...), so an int there is a value
 * whose fraction (`wins / trades` is int-typed but 0.4 on TradingView) must not be truncated. */
const DATA_PARAMS = new WeakMap<FnSpec, readonly boolean[]>();

function dataParam(spec: FnSpec, k: number): boolean {
  let flags = DATA_PARAMS.get(spec);
  if (!flags) {
    const siblings = lookupFn(spec.name) ?? [];
    flags = spec.params.map((p, i) => p.type.base === 'int' && siblings.some((o) => o !== spec && o.params[i]?.name === p.name && o.params[i]?.type.base === 'float'));
    DATA_PARAMS.set(spec, flags);
  }
  return flags[Math.min(k, flags.length - 1)] === true;
}

/** An int argument where the builtin needs a whole number (a length, an index, an offset): an int
 * may carry a fraction on TradingView (`length / 2` is 4.5 for 9), which the builtin's int parameter
 * truncates toward zero (`int()`'s int overload). Bar variables and inputs are whole and skip it. */
function wholeArg(cx: LowerContext, fn: FnCtx, v: Val, reg: number): void {
  const spec = lookupFn('int')?.find((s) => s.params[0]?.type.base === 'int');
  if (!spec) {
    cx.place(fn, v, reg);
    return;
  }
  fn.em.emit(Op.CALLB, cx.builtinRef(spec.name, spec.overload, spec.signature), v.reg, reg, 0);
}

/** The `__oarray.*` (`__omatrix.*`) overloads standing for `array.<name>` (`matrix.<name>`) on
 * arrays (matrices) of objects, or null after reporting that this function does not take them. */
function objectCollectionSpecs(cx: LowerContext, name: string, e: A.Call): readonly FnSpec[] | null {
  if (name.startsWith('matrix.')) {
    const specs = lookupFn(`__o${name}`);
    if (!specs) cx.err('E504', e.callee.span, `'${name}' on matrices of objects of user-defined types is not supported: only the functions of every element type are (new, get, set, row, col, rows, columns, add_row, remove_row, ...).`);
    return specs ?? null;
  }
  const specs = lookupFn(`__oarray.${name.slice(6)}`);
  if (!specs) cx.err('E504', e.callee.span, `'${name}' on arrays of objects of user-defined types is not supported yet: ${OBJECT_ARRAY_FUNCTIONS.map((f) => `array.${f}`).join(', ')} are.`);
  return specs ?? null;
}

/** The overloads of a builtin that match the call's template arguments (`array.new<float>`):
 * those declared for exactly these types. Null after reporting a mismatch. */
function byTypeArgs(cx: LowerContext, name: string, specs: readonly FnSpec[], e: A.Call): readonly FnSpec[] | null {
  if (e.typeArgs.length === 0) return specs;
  const generic = specs.filter((s) => s.typeParams.length > 0);
  const span = { start: e.callee.span.end, end: e.typeArgs[e.typeArgs.length - 1]?.span.end ?? e.callee.span.end };
  if (generic.length === 0) {
    cx.err('E312', span, `'${name}' does not take template arguments: remove \`<${e.typeArgs.map((a) => cx.sink.quote(a.span)).join(', ')}>\`.`);
    return null;
  }
  const want = e.typeArgs.map((a) => cx.sink.quote(a.span).replace(/\s+/g, ''));
  const hit = generic.filter((s) => s.typeParams.length === want.length && s.typeParams.every((p, i) => p === want[i]));
  if (hit.length === 0) {
    const known = [...new Set(generic.map((s) => `<${s.typeParams.join(', ')}>`))].join(', ');
    cx.err('E502', span, `'${name}<${want.join(', ')}>' is not supported yet: the supported types are ${known}.`);
    return null;
  }
  return hit;
}

/** Puts a value into an `any` argument register as a JS value in o[] (registry.ts). */
export function box(cx: LowerContext, fn: FnCtx, v: Val, reg: number): void {
  if (!isNumericStorage(v.type)) {
    if (v.cv !== undefined) cx.preload.push({ reg, value: normConst(v.cv) });
    else cx.place(fn, v, reg);
    return;
  }
  const kind = v.type.base === 'bool' ? 'bool' : 'number';
  if (typeof v.cv === 'number' || v.cv === null) {
    cx.preload.push({ reg, value: v.cv === null ? NaN : v.cv, boxed: kind });
    return;
  }
  fn.em.emit(Op.BOX, reg, v.reg, kind === 'bool' ? 1 : 0);
}

export function defaultArg(cx: LowerContext, spec: FnSpec, text: string, scope: Scope, span: A.Span): Val {
  const parsed = parseDefaultExpr(text);
  if (!parsed) {
    cx.err('E999', span, `Internal: cannot parse the default '${text}' of '${spec.name}'.`);
    return cx.poison();
  }
  // Defaults see only builtins. Their spans point into the default's own text, so any problem
  // is reported once, at the call.
  const s = new Scope(null, scope.fn);
  const saved = scope.fn.em.at;
  const before = cx.sink.list.length;
  const v = cx.withAt(span.start, () => cx.expr(parsed, s));
  scope.fn.em.at = saved;
  if (cx.sink.list.length > before) {
    const msgs = cx.sink.list.splice(before).map((d) => d.message);
    cx.err('E999', span, `Internal: the default value '${text}' of '${spec.name}' does not compile here: ${msgs[0] ?? ''}`);
  }
  return v;
}

/** Runs a pure builtin at compile time on a scratch runtime. */
export function fold(cx: LowerContext, spec: FnSpec, args: { v: Val; any: boolean }[]): number | string | null | undefined {
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
  const rt = scratchRuntime(f, o, cx.version);
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

/** Pine v4 functions that v5 renamed or removed without a namespaced twin: the hint of their E301. */
const V4_REMOVED_FUNCTIONS: Readonly<Record<string, string>> = {
  study: " Did you mean 'indicator'? study() was renamed indicator() in Pine v5.",
  iff: " iff() was removed in Pine v5: use the conditional operator `cond ? a : b`.",
};

/** Pine functions of unsupported namespaces that a v4 name may stand for (undeclared-function hint). */
const UNSUPPORTED_FUNCTIONS = new Set(['request.security', 'request.security_lower_tf', 'request.financial']);


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
