// The typed lowering pass: walks the AST once, checking names, types, qualifiers and overloads, and
// emits bytecode for each function as it goes (checker and code generator in one walk, so that
// user functions can be specialised per argument types the way Pine does). Consumes a Script and
// a DiagnosticSink; produces a Program, or null when there were errors (all of them reported).
// The walk is split by concern in this folder; context.ts holds the state they share.

import type * as A from '../ast.js';
import type { DiagnosticSink } from '../diagnostics.js';
import { link, type Emitter } from '../../bytecode/emitter.js';
import { Op } from '../../bytecode/opcodes.js';
import type { Program } from '../../bytecode/program.js';
import { PROGRAM_FORMAT } from '../../bytecode/program.js';
import { findRecursion, forEachNode, prescan } from '../prescan.js';
import { LowerContext, type LibSource } from './context.js';
import { checkUncalled, defaultArg } from './calls.js';
import { asBool, binaryVals, expr } from './expressions.js';
import { stmts } from './statements.js';
import { checkPlotCount } from './script-calls.js';
import { drawingLimits, reserveDrawings } from './tier2.js';
import { lookupVar } from '../../builtins/registry.js';
import { sigToPType } from '../overloads.js';
import { isNumericStorage, typeName } from '../types.js';

export { SOURCE_REGS } from './script-calls.js';
export type { LibSource } from './context.js';
export { typeName } from '../types.js';

/** Lowers a parsed script to a Program (null when any error was reported to `sink`). */
export function lower(script: A.Script, sink: DiagnosticSink, libraries: readonly LibSource[] = [], canonicalPresentation = false): Program | null {
  const cx = new LowerContext(script, sink, { expr, stmts, binaryVals, asBool, defaultArg });
  cx.libraries = libraries;
  cx.canonicalPresentation = canonicalPresentation;
  try {
    return run(cx);
  } catch (e) {
    // The parser bounds expression height and lowering bounds chains of user functions; a script
    // that still nests deeper than the JS stack allows (deep blocks inside deep expressions inside
    // long call chains) gets a diagnostic where the walk was, not an internal error.
    if (!isStackOverflow(e)) throw e;
    cx.sink.error('E409', cx.lastSpan, 'The script nests too deeply to compile here (blocks, expressions and calls of user functions inside each other): split long expressions into variables or shorten chains of functions.');
    return null;
  }
}

/** Built-in variables computed on read that the script reads with history (`strategy.position_size[1]`):
 * each gets a series of main, written with the variable's value at the start of every bar, so that
 * its history is the variable's on every bar, not only on the bars where the read was evaluated
 * (inside `and`, `if`, a function). lower/expressions.ts `history` reads it. */
function builtinVarSeries(cx: LowerContext): void {
  const names = new Set<string>();
  forEachNode(cx.script.body, (n) => {
    if (n.kind !== 'Index') return;
    const name = dottedName((n as A.Index).object);
    if (name !== null) names.add(name);
  });
  const strategy = /^[ \t]*strategy[ \t]*\(/m.test(cx.sink.source);
  for (const name of [...names].sort()) {
    const bv = lookupVar(name);
    if (bv === undefined || !('get' in bv.impl) || bv.impl.stateful === true || bv.impl.drawing === true) continue;
    if (name.startsWith('strategy.') && !strategy) continue;
    const type = sigToPType(bv.type, null);
    const numeric = isNumericStorage(type);
    const slot = cx.main.newSeries(numeric ? 'f' : 'o');
    cx.varSeries.set(name, { slot, numeric });
    // builtinVar's read, without its check for strategy() (the declaration is not lowered yet).
    const idx = cx.builtinRef(bv.name, -1, `${bv.name}: ${typeName(type)}`);
    const r = cx.main.temp();
    cx.main.em.emit(Op.CALLB, idx, 0, r, 0);
    cx.main.em.emit(numeric ? Op.SER_SET : Op.SER_SET_O, slot, r);
  }
}

/** The kind of the script's first top-level indicator()/strategy()/library() call, or null. */
function declarationKind(script: A.Script): 'indicator' | 'strategy' | 'library' | null {
  for (const st of script.body) {
    if (st.kind !== 'ExprStmt' || st.expr.kind !== 'Call' || st.expr.callee.kind !== 'Ident') continue;
    const name = st.expr.callee.name;
    if (name === 'indicator' || name === 'strategy' || name === 'library') return name;
  }
  return null;
}

function dottedName(e: A.Expr): string | null {
  if (e.kind === 'Ident') return e.name;
  if (e.kind !== 'Member') return null;
  const left = dottedName(e.object);
  return left === null ? null : `${left}.${e.name}`;
}

/** Whether `e` is the engine's "Maximum call stack size exceeded" (V8) / "too much recursion". */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof Error && ((e instanceof RangeError && /call stack/i.test(e.message)) || (e.name === 'InternalError' && /recursion/i.test(e.message)));
}

function run(cx: LowerContext): Program | null {
  // A script for another Pine version (v4's study(), unprefixed sma(), ...) would only produce
  // a cascade of errors after E501.
  if (cx.script.version !== null && cx.script.version !== 5 && cx.script.version !== 6) return null;
  if (cx.script.version === null && (cx.oldStudy() || cx.oldBuiltin() !== null)) return null;
  prescan(cx.script, cx.histNames, cx.reassigned);
  for (const c of findRecursion(cx.script)) {
    const how = c.names.length === 2 ? `'${c.names[0] ?? ''}' calls itself` : `the cycle ${c.names.map((n) => `'${n}'`).join(' → ')}`;
    cx.err('E405', c.span, `Recursion is not allowed: ${how}. A Pine function cannot call itself, directly or through other functions.`);
    for (const n of c.names) cx.recursive.add(n);
  }
  for (const st of cx.script.body) if (st.kind === 'FuncDef' && !st.isMethod && !cx.declaredFns.has(st.name)) cx.declaredFns.set(st.name, st);
  const em = cx.main.em;
  // TradingView takes the declaration anywhere in the global scope (its manual: "that statement
  // must be in the script's global scope"; published scripts call strategy() last): its kind is
  // known before the statements above it, which may use strategy.*; the rest of meta is set when
  // the call itself is lowered.
  const kind = declarationKind(cx.script);
  if (kind !== null) cx.meta = { ...cx.meta, kind };
  reserveDrawings(cx);
  builtinVarSeries(cx);
  cx.stmts(cx.script.body, cx.globalScope, false);
  drawingLimits(cx);
  em.at = cx.script.span.end;
  em.emit(Op.HALT);
  checkUncalled(cx);
  checkPlotCount(cx);
  // (A declaration with a syntax error was reported already: no second error for it.)
  if (!cx.sawDeclaration && !/^[ \t]*(indicator|strategy|library)[ \t]*\(/m.test(cx.sink.source)) {
    cx.sink.error('E401', { start: 0, end: 0 }, 'The script must declare itself with indicator(), strategy() or library().');
  }
  if (cx.sink.hasErrors) return null;
  for (const { entry, owner, ser } of cx.histLimits.values()) {
    const spec = owner.seriesAt(ser);
    entry.value = Math.max(cx.meta.maxBarsBack, spec ? spec.maxOffset : 0);
  }
  const bodies: Emitter[] = cx.fns.map((f) => f.em);
  const linked = link(bodies);
  const varipFields = [...cx.udts.values()]
    .map((u) => ({ type: u.name, fields: u.fields.flatMap((f, i) => (f.def.varip ? [i] : [])) }))
    .filter((v) => v.fields.length > 0);
  return {
    format: PROGRAM_FORMAT,
    version: cx.version,
    meta: cx.meta,
    code: linked.code,
    consts: Float64Array.from(cx.consts),
    strings: cx.strings,
    functions: cx.fns.map((f, i) => ({
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
    builtins: cx.builtins,
    nRegs: cx.nRegs,
    preload: cx.preload,
    barSeries: [...cx.barSeries].map(([reg, slot]) => ({ reg, slot })),
    outputs: cx.outputs,
    inputs: cx.inputs,
    spans: linked.spans,
    source: cx.sink.source,
    globals: cx.globals,
    loopRegs: cx.loopRegs,
    // Only when some type has varip fields: other programs (and their hashes) stay as they were.
    ...(varipFields.length > 0 ? { varipFields } : {}),
  };
}
