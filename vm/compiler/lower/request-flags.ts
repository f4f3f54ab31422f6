// request.security(gaps = …, lookahead = …) given as a value rather than written out: a variable
// (`var gaps = useGaps ? barmerge.gaps_on : barmerge.gaps_off`), an input, a conditional. The values
// barmerge.gaps_on/off and barmerge.lookahead_on/off are constant strings (builtins/ticker.ts);
// TradingView requires the argument to be simple (known on the first bar, the same on every bar):
// - known when compiling: the request is compiled with that flag (the argument read as written);
// - known only when the script runs (an input): the request is compiled once per value of the
//   flag and the value chooses which one runs (it never changes during a run, so the one that runs
//   keeps its state): JF flag, else; request(on); JMP end; else: request(off); end.
// A series value (one that may change from bar to bar) is refused (E333).

import type * as A from '../ast.js';
import { Qual, baseName } from '../types.js';
import type { Scope } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import { Label } from '../../bytecode/emitter.js';
import type { LowerContext, Val } from './context.js';
import { dotted } from './names.js';
import { requestSecurity } from './request.js';

const FLAGS: Record<string, { at: number; on: string; off: string }> = {
  gaps: { at: 3, on: 'barmerge.gaps_on', off: 'barmerge.gaps_off' },
  lookahead: { at: 4, on: 'barmerge.lookahead_on', off: 'barmerge.lookahead_off' },
};

/** A flag argument known only when the script runs: the register of its on-ness. */
interface RunFlag {
  arg: A.Arg;
  reg: number;
}

export function requestSecurityFlags(cx: LowerContext, name: string, e: A.Call, scope: Scope): Val[] {
  if (name !== 'request.security') return requestSecurity(cx, name, e, scope);
  const fn = scope.fn;
  const args = e.args.slice();
  const dyn: RunFlag[] = [];
  for (const [pname, spec] of Object.entries(FLAGS)) {
    const k = args.findIndex((a, i) => a.name === pname || (a.name === null && i === spec.at));
    const a = args[k];
    if (!a) continue;
    const x = a.value;
    const n = dotted(cx, x);
    if (x.kind === 'Bool' || n === spec.on || n === spec.off) continue;
    const v = cx.expr(declared(cx, x, scope), scope);
    if (v.bad) return [cx.poison()];
    const other = pname === 'gaps' ? FLAGS.lookahead : FLAGS.gaps;
    if (typeof v.cv === 'string' && v.cv !== spec.on && v.cv !== spec.off) {
      cx.err('E333', x.span, `Expected ${spec.on} or ${spec.off} here, got \`${cx.q(x)}\` (${other && (v.cv === other.on || v.cv === other.off) ? `${v.cv}, which is for '${pname === 'gaps' ? 'lookahead' : 'gaps'}'` : JSON.stringify(v.cv)}).`);
      return [cx.poison()];
    }
    if (typeof v.cv === 'string' || (v.type.base === 'bool' && typeof v.cv === 'number')) {
      const on = typeof v.cv === 'string' ? v.cv === spec.on : v.cv === 1;
      args[k] = { ...a, value: { kind: 'Bool', span: x.span, value: on } };
      continue;
    }
    if ((v.type.base !== 'string' && v.type.base !== 'bool') || v.type.qual > Qual.Simple) {
      cx.err('E333', x.span, `Expected ${spec.on} or ${spec.off} here, got \`${cx.q(x)}\` (${v.type.qual > Qual.Simple && (v.type.base === 'string' || v.type.base === 'bool') ? `a series ${baseName(v.type)}: TradingView requires a simple value, one known on the first bar such as a constant or an input` : baseName(v.type)}).`);
      return [cx.poison()];
    }
    let reg = v.reg;
    if (v.type.base === 'string') {
      reg = fn.temp();
      fn.em.emit(Op.EQ_O, reg, v.reg, cx.constReg(spec.on));
    }
    dyn.push({ arg: a, reg });
  }
  return variants(cx, name, { ...e, args }, scope, dyn);
}

/** A `var` variable never reassigned holds its declaration's value on every bar: its declaration
 * (a global one, by name) stands for it, so that its qualifier is the value's own. */
function declared(cx: LowerContext, x: A.Expr, scope: Scope): A.Expr {
  if (x.kind !== 'Ident') return x;
  const sym = scope.lookup(x.name);
  if (!sym || sym.kind !== 'var' || !sym.global || sym.mode !== 'var' || cx.reassigned.has(x.name)) return x;
  const decls = cx.script.body.filter((st): st is A.VarDecl => st.kind === 'VarDecl' && st.name === x.name);
  const d = decls[0];
  return decls.length === 1 && d ? d.value : x;
}

/** The request compiled once per value of each flag in `dyn`, the flags' registers choosing which
 * runs; the values of all in the same registers. */
function variants(cx: LowerContext, name: string, e: A.Call, scope: Scope, dyn: RunFlag[]): Val[] {
  const [first, ...rest] = dyn;
  if (!first) return requestSecurity(cx, name, e, scope);
  const fn = scope.fn;
  const withFlag = (on: boolean): A.Call => ({ ...e, args: e.args.map((a) => (a === first.arg ? { ...a, value: { kind: 'Bool', span: a.value.span, value: on } } : a)) });
  const off = new Label();
  const end = new Label();
  fn.em.emitJump(Op.JF, off, first.reg);
  const on = variants(cx, name, withFlag(true), scope, rest);
  if (on.some((v) => v.bad)) return on;
  const dst = cx.newReg(on.length);
  on.forEach((v, j) => cx.place(fn, v, dst + j));
  fn.em.emitJump(Op.JMP, end);
  fn.em.mark(off);
  // The same call again: its diagnostics were reported once already.
  const seen = cx.sink.list.length;
  const offVals = variants(cx, name, withFlag(false), scope, rest);
  cx.sink.list.splice(seen);
  offVals.forEach((v, j) => cx.place(fn, v, dst + j));
  fn.em.mark(end);
  return on.map((v, j) => ({ reg: dst + j, type: v.type }));
}
