// Presentation arguments in the canonical compile of a script (compiler/presentation.ts): an
// argument of plot(), plotshape(), hline(), fill(), bgcolor()… or of indicator()/strategy() that
// only says how things are drawn (a color, a title, a line width, a style, `display`, an offset…)
// and is a compile-time constant is evaluated in a sandbox: when it emitted no code and took no
// state (only constant registers), everything it allocated is taken back and it stands as a
// canonical constant of the same type. Two scripts that differ only in such arguments then compile
// to the same canonical program, register for register. Anything else — a series color, a color
// that also feeds a variable, a value argument, `color = na` (a per-bar channel) — is evaluated as
// usual, so a change there changes the canonical program.

import type * as A from '../ast.js';
import { lookupFn } from '../../builtins/registry.js';
import type { Scope } from '../scope.js';
import type { LowerContext, Val } from './context.js';

/** Output calls: every argument is presentation except the plotted values. */
const OUTPUT_CALLS: ReadonlySet<string> = new Set(['plot', 'plotshape', 'plotchar', 'plotarrow', 'plotcandle', 'plotbar', 'hline', 'fill', 'bgcolor', 'barcolor']);
/** Arguments of an output call that are its per-bar values (hline's price and fill's plots are drawing only). */
const VALUE_ARGS: ReadonlySet<string> = new Set(['series', 'open', 'high', 'low', 'close']);
/** Arguments of a declaration that only change how the script is shown. */
export const DECLARATION_ARGS: ReadonlySet<string> = new Set(['title', 'shorttitle', 'overlay', 'format', 'precision', 'scale', 'explicit_plot_zorder', 'behind_chart']);
const DECLARATIONS: ReadonlySet<string> = new Set(['indicator', 'strategy']);

/** The parameter an argument binds to: its name, or the name every overload gives its position. */
function paramOf(call: string, index: number, arg: A.Arg): string | null {
  if (arg.name !== null) return arg.name;
  const specs = lookupFn(call) ?? [];
  const names = new Set(specs.map((s) => s.params[index]?.name ?? null));
  const [only] = [...names];
  return names.size === 1 && typeof only === 'string' ? only : null;
}

/** Whether argument `index` of a call of `call` is a presentation argument. */
export function isPresentationArg(call: string, index: number, arg: A.Arg): boolean {
  const p = paramOf(call, index, arg);
  if (p === null) return false;
  if (OUTPUT_CALLS.has(call)) return call === 'hline' || call === 'fill' || !VALUE_ARGS.has(p);
  if (DECLARATIONS.has(call)) return DECLARATION_ARGS.has(p);
  return false;
}

/** Evaluates one argument of a call. In a canonical compile, a constant presentation argument that
 * emitted nothing but constant registers is taken back and replaced by a canonical constant of its
 * type; otherwise (and always in an ordinary compile) this is `cx.expr`. */
export function argValue(cx: LowerContext, call: string, index: number, arg: A.Arg, scope: Scope): Val {
  if (!cx.canonicalPresentation || !isPresentationArg(call, index, arg)) return cx.expr(arg.value, scope);
  return sandboxed(cx, scope, () => cx.expr(arg.value, scope));
}

/** A default of an output call's parameter `param` (evaluated when the argument is left out), as
 * argValue treats a written one. */
export function defaultValue(cx: LowerContext, call: string, param: string, scope: Scope, evaluate: () => Val): Val {
  const pres = OUTPUT_CALLS.has(call) && (call === 'hline' || call === 'fill' || !VALUE_ARGS.has(param));
  if (!cx.canonicalPresentation || !pres) return evaluate();
  return sandboxed(cx, scope, evaluate);
}

function sandboxed(cx: LowerContext, scope: Scope, evaluate: () => Val): Val {
  const fn = scope.fn;
  const mark = {
    nRegs: cx.nRegs,
    preload: cx.preload.length,
    constRegs: cx.constRegs.size,
    consts: cx.consts.length,
    strings: cx.strings.length,
    builtins: cx.builtins.length,
    fns: cx.fns.length,
    code: fn.em.code.length,
    state: [fn.nVarF, fn.nVarO, fn.nSer, fn.nCs, fn.calls.length].join(),
    temps: fn.tempPoolMark(),
  };
  const v = evaluate();
  const clean =
    v.cv !== undefined &&
    v.cv !== null &&
    !v.bad &&
    cx.consts.length === mark.consts &&
    cx.strings.length === mark.strings &&
    cx.builtins.length === mark.builtins &&
    cx.fns.length === mark.fns &&
    fn.em.code.length === mark.code &&
    [fn.nVarF, fn.nVarO, fn.nSer, fn.nCs, fn.calls.length].join() === mark.state &&
    fn.tempPoolMark() === mark.temps;
  if (!clean) return v;
  // Take back the constant registers it allocated (the newest entries of the cache).
  const added = [...cx.constRegs.keys()].slice(mark.constRegs);
  for (const k of added) cx.constRegs.delete(k);
  cx.preload.length = mark.preload;
  cx.nRegs = mark.nRegs;
  return { reg: 0, type: v.type, cv: typeof v.cv === 'string' ? '' : 0 };
}
