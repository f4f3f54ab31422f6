// What a request's expression names, read in the requested context (TradingView computes the
// requested expression, and what it depends on, in the requested symbol and timeframe):
// - a parameter of the user function that holds the request (`f(src) => request.security(...,
//   src)`), that function specialised per call site (`perSite`): the argument expression
//   of the call is put in its place (through callers' parameters too), its names resolved where
//   the call was written (`argsInPlace`);
// - an `input.source()` (or `input(close)`) of the script: the chosen source's bar register read
//   again inside the context, where the bar registers hold the requested bar (`contextSources`).
// What still cannot be computed in the context (a parameter whose argument names a caller's local
// variable) is read on the chart's bars, with warning W303.

import type * as A from '../ast.js';
import { Op } from '../../bytecode/opcodes.js';
import { isNumericStorage, Qual, t } from '../types.js';
import { Scope, type FuncSym, type VarSym } from '../scope.js';
import type { LowerContext } from './context.js';
import { dotted } from './names.js';

/** The argument a parameter of a per-call-site specialisation was given, with the scope the
 * argument is written in. */
export interface ParamArg {
  expr: A.Expr;
  scope: Scope;
}

const argOf = new WeakMap<VarSym, ParamArg>();

/** Records that parameter `ps` of a per-call-site specialisation was given `arg`. */
export function bindParamArg(ps: VarSym, arg: ParamArg): void {
  argOf.set(ps, arg);
}

const REQUESTS = new Set(['request.security', 'request.security_lower_tf']);
const perSiteMemo = new WeakMap<FuncSym, boolean>();

/** Whether `sym`'s body gives one of its parameters to the expression of a request (directly, or
 * as an argument of a user function that does): such a function is compiled once per call site,
 * so that its requests compute the call's argument expressions in the requested context. (Other
 * functions holding requests, a screener's `f(sym) => request.security(sym, ...)`, keep one code
 * for all their calls.) */
export function perSite(cx: LowerContext, sym: FuncSym, lookupFn: (name: string) => FuncSym[] | undefined, seen = new Set<FuncSym>()): boolean {
  const memo = perSiteMemo.get(sym);
  if (memo !== undefined) return memo;
  if (seen.has(sym)) return false;
  seen.add(sym);
  const params = new Set(sym.def.params.map((p) => p.name));
  const names = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object') return false;
    if (Array.isArray(node)) return node.some(names);
    const n = node as { kind?: string; name?: string };
    if (n.kind === 'Ident' && typeof n.name === 'string' && params.has(n.name)) return true;
    return Object.entries(node).some(([k, v]) => k !== 'span' && k !== 'nameSpan' && k !== 'callee' && names(v));
  };
  let hit = false;
  const walk = (node: unknown): void => {
    if (hit || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    const n = node as { kind?: string; callee?: A.Expr; args?: A.Arg[] };
    if (n.kind === 'Call' && n.callee && n.args) {
      const name = dotted(cx, n.callee);
      if (name !== null && REQUESTS.has(name)) {
        const x = n.args.find((a) => a.name === 'expression') ?? n.args.filter((a) => a.name === null)[2];
        if (x && names(x.value)) hit = true;
      } else if (name !== null && !name.includes('.') && n.args.some((a) => names(a.value))) {
        for (const f of lookupFn(name) ?? []) if (f !== sym && perSite(cx, f, lookupFn, seen)) hit = true;
      }
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'span' && k !== 'nameSpan') walk(v);
  };
  walk(sym.def.body);
  perSiteMemo.set(sym, hit);
  return hit;
}

let renames = 0;

/** A scope that also sees the names of the script's scope where the outermost call was written
 * (global declarations after the function that holds the request, which the substituted
 * arguments and their declarations may name). */
class CallerScope extends Scope {
  constructor(parent: Scope, readonly caller: Scope) {
    super(parent, parent.fn);
  }
  override lookup(name: string): ReturnType<Scope['lookup']> {
    return super.lookup(name) ?? this.caller.lookup(name);
  }
}

/** The requested expression with every parameter of a per-call-site function replaced by its
 * argument expression, and the scope to compile it in: the names the arguments use are renamed
 * (`name\u0000k`) and bound in a child scope to what they name where the call was written. */
export function argsInPlace(cx: LowerContext, e: A.Expr, scope: Scope): { expr: A.Expr; scope: Scope } {
  // The child scope of renamed names; the scope of the outermost call reached.
  const at: { child: Scope | null; outer: Scope | null; depth: number } = { child: null, outer: null, depth: 0 };
  // null: a name the request's scope cannot reach (a local variable of a caller).
  const rename = (id: A.Ident, sc: Scope): A.Expr | null => {
    const sym = sc.lookup(id.name);
    const here = scope.lookup(id.name);
    if (here === sym) return id;
    if (sym === undefined || (sym.kind === 'var' && !sym.global && !argOf.has(sym))) return null;
    const name = `${id.name}\u0000${renames++}`;
    at.child ??= new Scope(scope, scope.fn);
    at.child.syms.set(name, sym);
    return { ...id, name };
  };
  const walk = (node: unknown, key: string, sc: Scope, depth: number): unknown => {
    if (Array.isArray(node)) {
      const out = node.map((x) => walk(x, key, sc, depth));
      return out.some((x, i) => x === null && node[i] !== null) ? null : out;
    }
    if (node === null || typeof node !== 'object') return node;
    const n = node as { kind?: string; name?: string };
    if (n.kind === 'TypeRef' || n.kind === 'FuncDef') return node;
    if (n.kind === 'Ident' && key !== 'callee' && typeof n.name === 'string') {
      const id = node as A.Ident;
      const sym = sc.lookup(id.name);
      const arg = sym && sym.kind === 'var' ? argOf.get(sym) : undefined;
      if (sym && sym.kind === 'var' && arg && sym.type.qual === Qual.Series && !cx.reassigned.has(sym.name) && depth < 32) {
        if (depth + 1 > at.depth) {
          at.depth = depth + 1;
          at.outer = arg.scope;
        }
        const out = walk(arg.expr, 'value', arg.scope, depth + 1);
        const again = out === null ? null : callsCompiling(cx, out as A.Expr);
        if (out !== null && again === null) return { ...(out as A.Expr), span: id.span };
        if (sc !== scope) return null;
        const why = again !== null ? `which calls '${again}' again (a request in the expression of its own function's request is not supported)` : 'which names a variable of the calling function';
        cx.sink.warning('W303', id.span, `'${id.name}' is given \`${cx.q(arg.expr)}\`, ${why}, so the request reads it on the chart's bars; TradingView computes it on the requested timeframe. Pass a global variable or an expression of built-in series, or write the calculation in the request.`);
        return node;
      }
      return sc === scope ? node : rename(id, sc);
    }
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'span' || k === 'nameSpan') {
        copy[k] = v;
        continue;
      }
      const w = walk(v, k, sc, depth);
      if (w === null && v !== null) return null;
      copy[k] = w;
    }
    return copy;
  };
  const expr = walk(e, 'value', scope, 0) as A.Expr | null;
  const inner = at.child ?? scope;
  return { expr: expr ?? e, scope: at.outer === null ? inner : new CallerScope(inner, at.outer) };
}

/** The user function being compiled that `e` calls, directly or through the global declarations
 * it names (as the request would compute them), or null. */
function callsCompiling(cx: LowerContext, e: A.Expr): string | null {
  const busy = new Set(cx.compiling.map((f) => f.name));
  const seen = new Set<string>();
  let hit: string | null = null;
  const walk = (node: unknown): void => {
    if (hit !== null || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    const n = node as { kind?: string; name?: string; callee?: A.Expr };
    if (n.kind === 'FuncDef' || n.kind === 'TypeRef') return;
    if (n.kind === 'Call' && n.callee?.kind === 'Ident' && busy.has(n.callee.name)) {
      hit = n.callee.name;
      return;
    }
    // (By the declared name: argsInPlace renames a caller's names `name\u0000k`.)
    const name = n.kind === 'Ident' && typeof n.name === 'string' ? (n.name.split('\u0000')[0] ?? n.name) : null;
    if (name !== null && !seen.has(name)) {
      seen.add(name);
      for (const st of cx.script.body) if (st.kind === 'VarDecl' && st.name === name) walk(st.value);
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'span' && k !== 'nameSpan') walk(v);
  };
  walk(e);
  return hit;
}

/** Emitted at the start of each evaluation of a request's expression: every `input.source()` of
 * the script that the expression names reads its chosen source's bar register again (there the
 * requested bar's), into a variable of a child scope that the expression is compiled in. */
export function contextSources(cx: LowerContext, e: A.Expr, scope: Scope): Scope {
  const fn = scope.fn;
  const child = new Scope(scope, fn);
  let bound = 0;
  const walk = (node: unknown, key: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x, key);
      return;
    }
    const n = node as { kind?: string; name?: string; span?: A.Span };
    if (n.kind === 'TypeRef' || n.kind === 'FuncDef') return;
    if (n.kind === 'Ident' && key !== 'callee' && typeof n.name === 'string') {
      if (child.syms.has(n.name)) return;
      const sym = scope.lookup(n.name);
      if (!sym || sym.kind !== 'var' || !sym.global || sym.mode !== 'plain' || cx.reassigned.has(sym.name)) return;
      const inputs = cx.inputs.filter((i) => i.varName === sym.name);
      const input = inputs[0];
      if (inputs.length !== 1 || !input || input.kind !== 'source' || !isNumericStorage(sym.type)) return;
      const reg = cx.newReg();
      fn.em.emit(Op.MOV_FI, reg, input.reg);
      const ps: VarSym = { kind: 'var', name: sym.name, type: t('float', Qual.Series), storage: 'reg', index: reg, ser: -1, mode: 'plain', global: false, span: sym.span };
      if (cx.histNames.has(sym.name)) {
        ps.ser = fn.newSeries('f');
        fn.em.emit(Op.SER_SET, ps.ser, reg);
      }
      child.syms.set(n.name, ps);
      bound++;
      return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'span' && k !== 'nameSpan') walk(v, k);
  };
  walk(e, 'value');
  return bound > 0 ? child : scope;
}
