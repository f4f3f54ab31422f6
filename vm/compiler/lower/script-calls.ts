// Script-level calls: the calls that describe the script rather than compute a value per bar
// (declarations, outputs, inputs, layout directives), evaluated at compile time into the
// Program's meta, outputs and inputs. Each is one entry of SCRIPT_CALLS (at the end of this
// file), keyed by the name the script calls; calls.ts consults the table before lowering any call
// as an ordinary builtin.

import type * as A from '../ast.js';
import { Qual, QUAL_NAMES, baseName, isNumericStorage, t, type Base } from '../types.js';
import { Scope } from '../scope.js';
import { Op } from '../../bytecode/opcodes.js';
import type { InputKind } from '../../bytecode/program.js';
import { lookupFn, lookupVar, type FnSpec, type OutputKind } from '../../builtins/registry.js';
import { resolveOverload, sigToPType, type ArgInfo, type Match } from '../overloads.js';
import { callError, DEFAULT_MAX_BARS_BACK, type LowerContext, type Val, VOID, withArticle } from './context.js';
import { SOURCE_REGS } from '../../core/registers.js';
import { requestCurrencyRate, requestSecurity } from './request.js';
import { requestSecurityFlags } from './request-flags.js';
import { strategyDeclaration } from './strategy.js';
import { argValue, defaultValue } from './presentation-args.js';

/** `max_bars_back(var, num)`: the history buffer of `var` keeps at least `num` bars, so that
 * dynamic offsets up to `num` work whatever the script's max_bars_back. A layout directive:
 * no code. */
function maxBarsBack(cx: LowerContext, e: A.Call, scope: Scope): Val[] {
  const fn = scope.fn;
  const byName = (k: number, pname: string): A.Expr | undefined => e.args.find((a) => a.name === pname)?.value ?? (e.args[k]?.name === null ? e.args[k]?.value : undefined);
  const target = byName(0, 'var');
  const numE = byName(1, 'num');
  if (!target || !numE || e.args.length !== 2) {
    cx.err('E331', e.span, `Cannot call 'max_bars_back' with these arguments: expected a variable and a const int, as in \`max_bars_back(x, 500)\`, got \`${cx.q(e)}\`.`);
    return [{ reg: 0, type: VOID }];
  }
  const num = cx.expr(numE, scope);
  if (num.type.base !== 'int' || typeof num.cv !== 'number' || num.cv < 0) {
    cx.err('E331', numE.span, `Cannot call 'max_bars_back' with argument 'num'=\`${cx.q(numE)}\`: expected a non-negative const int, got ${QUAL_NAMES[num.type.qual]} ${baseName(num.type)}.`);
    return [{ reg: 0, type: VOID }];
  }
  const n = Math.trunc(num.cv);
  const sym = target.kind === 'Ident' ? scope.lookup(target.name) : undefined;
  const bv = !sym && target.kind === 'Ident' ? lookupVar(target.name) : undefined;
  if (sym && sym.kind === 'var') {
    // Without a history read the variable has no buffer, and none is needed.
    if (sym.ser >= 0) (sym.global ? cx.main : fn).noteOffset(sym.ser, n);
  } else if (bv && 'reg' in bv.impl) {
    const reg = bv.impl.reg;
    let slot = cx.barSeries.get(reg);
    if (slot === undefined) {
      slot = cx.main.newSeries('f');
      cx.barSeries.set(reg, slot);
    }
    cx.main.noteOffset(slot, n);
  } else {
    cx.err('E331', target.span, `Cannot call 'max_bars_back' with argument 'var'=\`${cx.q(target)}\`: expected the name of a variable or a built-in series such as close.`);
  }
  return [{ reg: 0, type: VOID }];
}

function constArg(cx: LowerContext, v: Val | undefined, name: string, kind: 'string' | 'number' | 'bool' | 'any', span: A.Span, fnName: string): string | number | boolean | null | undefined {
  if (!v) return undefined;
  if (v.cv === undefined) {
    cx.err('E333', span, `The '${name}' argument of '${fnName}' must be known when the script compiles (a literal or a const variable), got ${QUAL_NAMES[v.type.qual]} ${baseName(v.type)} \`${cx.sink.quote(span)}\`.`);
    return undefined;
  }
  if (v.type.base === 'bool') return v.cv === 1;
  return v.cv;
}

/** indicator(), strategy(), library(): evaluated at compile time into Program.meta. */
function declaration(cx: LowerContext, name: string, e: A.Call, scope: Scope): Val[] {
  if (cx.sawDeclaration) cx.err('E407', e.span, `The script declares itself twice ('${name}').`);
  cx.sawDeclaration = true;
  const specs = lookupFn(name) ?? [];
  const argVals = e.args.map((a, i) => argValue(cx, name, i, a, scope));
  const infos: ArgInfo[] = e.args.map((a, i) => ({ name: a.name, type: argVals[i]?.type ?? t('float'), text: cx.q(a.value) }));
  const res = resolveOverload(specs, infos, cx.version);
  if (!res.ok) {
    cx.err('E331', e.span, callError(name, res.reasons[0] ?? 'these arguments do not fit'));
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
    const c = constArg(cx, v, p.name, 'any', a.value.span, name);
    // An int argument may carry a fraction (`1000 / 3` in v6): the declaration counts whole ones.
    if (c !== undefined) values[p.name] = typeof c === 'number' && p.type.base === 'int' ? Math.trunc(c) : c;
  });
  // strategy: the arguments that change results go to the broker's begin step, emitted here.
  if (name === 'strategy') {
    const spans = m.spec.params.map((_p, k) => e.args[m.bound[k] ?? -1]?.value.span ?? null);
    strategyDeclaration(cx, values, spans, m.spec.params.map((p) => p.name), e);
  }
  if (values.linktoseries === true && values.overlay !== true) {
    // TradingView: a script linked to the chart's series must be drawn on it.
    const k = m.spec.params.findIndex((p) => p.name === 'linktoseries');
    const at = e.args[m.bound[k] ?? -1]?.value.span ?? e.span;
    cx.err('E331', at, `${name}(linktoseries = true) needs overlay = true: a script linked to the chart's main series is drawn on the main pane.`);
  }
  if (typeof values.timeframe === 'string' && values.timeframe !== '') {
    // Running the whole script on another timeframe is Tier 4; ignoring it would silently
    // compute something else.
    const k = m.spec.params.findIndex((p) => p.name === 'timeframe');
    const at = e.args[m.bound[k] ?? -1]?.value.span ?? e.span;
    cx.err('E504', at, `${name}(timeframe = "${values.timeframe}") runs the script on another timeframe, which is not supported yet: remove the argument (or leave it "") to run on the chart's timeframe.`);
  }
  const title = typeof values.title === 'string' ? values.title : '';
  cx.meta = {
    kind: name === 'strategy' ? 'strategy' : name === 'library' ? 'library' : 'indicator',
    title,
    shorttitle: typeof values.shorttitle === 'string' ? values.shorttitle : title,
    overlay: values.overlay === true,
    precision: typeof values.precision === 'number' ? values.precision : null,
    format: typeof values.format === 'string' ? values.format : null,
    maxBarsBack: typeof values.max_bars_back === 'number' && values.max_bars_back > 0 ? values.max_bars_back : DEFAULT_MAX_BARS_BACK,
    version: cx.version,
    options: values,
  };
  return [{ reg: 0, type: VOID }];
}

/** plot(), plotshape(), hline(), bgcolor(), fill(), ...: metadata at compile time, series
 * channels recorded per bar by OUT. */
function outputCall(cx: LowerContext, spec: FnSpec, m: Match, argVals: Val[], e: A.Call, scope: Scope): Val[] {
  const fn = scope.fn;
  const kind = spec.output ?? 'plot';
  const id = cx.outputs.length;
  const options: Record<string, string | number | boolean | null> = {};
  const channels: { name: string; v: Val }[] = [];
  let title: string | null = null;
  const counts = PLOT_COUNTS[kind];
  let dynamicColors = 0;
  spec.params.forEach((p, k) => {
    const bi = m.bound[k] ?? -1;
    let v: Val;
    if (bi >= 0) v = argVals[bi] ?? cx.poison();
    else if (p.default !== null) {
      const text = p.default;
      v = defaultValue(cx, spec.name, p.name, scope, () => cx.defaultArg(spec, text, scope, e.span));
    } else return;
    if (counts.colors.includes(p.name) && v.type.qual >= counts.colorQual) dynamicColors++;
    if (p.name === 'title') {
      const a = bi >= 0 ? e.args[bi] : undefined;
      if (v.cv === undefined) {
        const at = a ? a.value.span : e.span;
        cx.err('E333', at, `The title of '${spec.name}' must be known when the script compiles (a string literal or a const variable), got \`${cx.sink.quote(at)}\`.`);
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
          cx.err('E333', at, `The '${p.name}' argument of '${spec.name}' must name a plot() or hline() of the script directly, got \`${cx.sink.quote(at)}\`.`);
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
  notePlotCount(cx, counts.values + (counts.colorsAtMostOne ? Math.min(dynamicColors, 1) : dynamicColors), e.span);
  // Untitled outputs are numbered per kind: plot0, plot1, …, hline0, …
  const ofKind = cx.outputsOfKind.get(kind) ?? 0;
  cx.outputsOfKind.set(kind, ofKind + 1);
  cx.outputs.push({
    id,
    kind,
    title: title ?? `${kind}${ofKind}`,
    channels: channels.map((c) => c.name),
    options,
    span: [e.span.start, e.span.end],
  });
  if (channels.length > 0) {
    const block = cx.newReg(channels.length);
    channels.forEach((c, i) => {
      let v = c.v;
      if (v.type.base === 'bool') {
        // plotshape(cond): record 1/0.
        v = { ...v };
      }
      cx.place(fn, v, block + i);
    });
    fn.em.at = cx.pinnedAt ?? e.span.start;
    fn.em.emit(Op.OUT, id, block);
  }
  const r = spec.results[0];
  if (!r) return [{ reg: 0, type: VOID }];
  return [cx.constVal(id, sigToPType(r, null))];
}

/** input.*(): recorded in Program.inputs; the value is preloaded into a register per instance. */
function inputCall(cx: LowerContext, spec: FnSpec, m: Match, argVals: Val[], e: A.Call, scope: Scope): Val[] {
  const fn = scope.fn;
  const get = (pname: string): Val | undefined => {
    const k = spec.params.findIndex((p) => p.name === pname);
    if (k < 0) return undefined;
    const bi = m.bound[k] ?? -1;
    if (bi >= 0) return argVals[bi];
    const p = spec.params[k];
    if (p?.default) return cx.defaultArg(spec, p.default, scope, e.span);
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
  const id = cx.inputs.length;
  const reg = cx.newReg();
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
    if (!srcName) cx.err('E334', e.span, 'The default of input.source() must be a built-in price series such as close or hl2.');
    defval = srcName ?? 'close';
  } else {
    const c = defv ? constArg(cx, defv, 'defval', 'any', e.span, spec.name) : undefined;
    if (c !== undefined && c !== null) defval = c;
  }
  const title = cv('title');
  cx.inputs.push({
    id,
    kind,
    title: typeof title === 'string' && title !== '' ? title : cx.declName ?? `input${id}`,
    varName: cx.declName,
    defval,
    options: optionsOf(cx, e, m, spec, scope, kind, defval),
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
function optionsOf(
  cx: LowerContext,
  e: A.Call,
  m: Match,
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
    cx.err('E335', a.value.span, 'input options must be a list of constants: `options = ["A", "B"]`.');
    return null;
  }
  const base = INPUT_BASE[kind];
  const out: (string | number)[] = [];
  let bad = false;
  for (const it of a.value.items) {
    const v = cx.expr(it, scope);
    if (v.bad) {
      bad = true;
      continue;
    }
    if (v.cv === undefined || v.cv === null || v.type.qual !== Qual.Const) {
      cx.err('E335', it.span, `input options must be constants, got \`${cx.q(it)}\`.`);
      bad = true;
      continue;
    }
    const fits =
      base === 'string' ? typeof v.cv === 'string' : base === 'int' ? v.type.base === 'int' : base === 'float' ? v.type.base === 'int' || v.type.base === 'float' : false;
    if (!fits) {
      cx.err('E335', it.span, `The options of ${spec.name}() must be ${withArticle(base === 'float' ? 'number' : base)} each, got ${baseName(v.type)} \`${cx.q(it)}\`.`);
      bad = true;
      continue;
    }
    out.push(v.cv);
  }
  if (!bad && out.length > 0 && (typeof defval === 'string' || typeof defval === 'number') && !out.some((o) => o === defval)) {
    const shown = out.map((o) => (typeof o === 'string' ? `"${o}"` : String(o))).join(', ');
    cx.err('E335', a.value.span, `The default ${typeof defval === 'string' ? `"${defval}"` : defval} of ${spec.name}() is not one of its options ${shown}.`);
  }
  return out;
}

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

/** Bar registers that input.source() can select, by Pine name (one definition: core/registers.ts). */
export { SOURCE_REGS };

/** Output parameters that carry the plotted values: recorded per bar even when constant. */
const VALUE_PARAMS: ReadonlySet<string> = new Set(['series', 'open', 'high', 'low', 'close']);

function numOrNull(v: string | number | boolean | null): number | null {
  return typeof v === 'number' ? v : null;
}

function strOrNull(v: string | number | boolean | null): string | null {
  return typeof v === 'string' ? v : null;
}

/** TradingView's plot counts (User Manual, Limitations, "Plot limits"): a script may use at most
 * MAX_PLOT_COUNT. Each call counts its plotted values, plus one for each color argument that is
 * not a constant (a color that changes is one more series); fill() counts one only when its color
 * is a series, and hline() counts nothing. alertcondition() counts one (builtinCall). */
export const MAX_PLOT_COUNT = 64;

const PLOT_COUNTS: Record<OutputKind, { values: number; colors: readonly string[]; colorQual: Qual; colorsAtMostOne?: boolean }> = {
  plot: { values: 1, colors: ['color'], colorQual: Qual.Input },
  plotshape: { values: 1, colors: ['color', 'textcolor'], colorQual: Qual.Input },
  plotchar: { values: 1, colors: ['color', 'textcolor'], colorQual: Qual.Input },
  plotarrow: { values: 1, colors: ['colorup', 'colordown'], colorQual: Qual.Input },
  plotbar: { values: 4, colors: ['color'], colorQual: Qual.Input },
  plotcandle: { values: 4, colors: ['color', 'wickcolor', 'bordercolor'], colorQual: Qual.Input },
  bgcolor: { values: 1, colors: [], colorQual: Qual.Input },
  barcolor: { values: 1, colors: [], colorQual: Qual.Input },
  fill: { values: 0, colors: ['color', 'top_color', 'bottom_color'], colorQual: Qual.Series, colorsAtMostOne: true },
  hline: { values: 0, colors: [], colorQual: Qual.Input },
};

/** Adds a call's plot count; the call that takes the script past MAX_PLOT_COUNT is where the
 * error is reported, with the script's whole count (checkPlotCount). */
export function notePlotCount(cx: LowerContext, n: number, span: A.Span): void {
  cx.plotCount += n;
  if (cx.plotCount > MAX_PLOT_COUNT && !cx.plotLimitAt) cx.plotLimitAt = span;
}

/** TradingView's error for a script over the plot count limit, at the call that passed it. */
export function checkPlotCount(cx: LowerContext): void {
  if (cx.plotLimitAt) {
    cx.err('E410', cx.plotLimitAt, `The script creates too many plots (${cx.plotCount}). The limit is ${MAX_PLOT_COUNT}: this call passes it. A plot*() call counts one per plotted series plus one per color argument that is not a constant; bgcolor(), barcolor() and alertcondition() count one.`);
  }
}

/** How a script-level call is lowered. */
export type ScriptCall = UnevaluatedCall | ResolvedCall;

/** The handler gets the call as written and evaluates its arguments itself (a declaration reads
 * them as constants, max_bars_back names a variable). Such a call needs no registry signature;
 * when it has one, only its `globalOnly` is used. */
export interface UnevaluatedCall {
  stage: 'unevaluated';
  lower(cx: LowerContext, name: string, e: A.Call, scope: Scope): Val[];
}

/** The arguments are evaluated and matched to one of the builtin's registry signatures first (so
 * types and qualifiers are checked as for any builtin); the handler gets the match. */
export interface ResolvedCall {
  stage: 'resolved';
  lower(cx: LowerContext, spec: FnSpec, m: Match, argVals: Val[], e: A.Call, scope: Scope): Val[];
  /** A list literal `[...]` is accepted as an argument (input options): it is left to the handler. */
  listArgs?: boolean;
  /** The handler reads the name of the variable the call is assigned to (`len = input.int(...)`)
   * in `cx.declName`. */
  declName?: boolean;
}

const declarationEntry: UnevaluatedCall = { stage: 'unevaluated', lower: declaration };
const outputEntry: ResolvedCall = { stage: 'resolved', lower: outputCall };
const inputEntry: ResolvedCall = { stage: 'resolved', lower: inputCall, listArgs: true, declName: true };

/** Every script-level call, by the name the script calls. A new one (`request.security`, say) is
 * its handler plus one entry here: an `unevaluated` entry for a call that needs to see its
 * arguments as written (a symbol, an expression evaluated in another context), a `resolved` one
 * for a call with a registry signature whose arguments are ordinary values. */
export const SCRIPT_CALLS: ReadonlyMap<string, ScriptCall> = new Map<string, ScriptCall>([
  // Declarations: Program.meta.
  ['indicator', declarationEntry],
  ['strategy', declarationEntry],
  ['library', declarationEntry],
  // Layout directives: no code.
  ['max_bars_back', { stage: 'unevaluated', lower: (cx, _name, e, scope) => maxBarsBack(cx, e, scope) }],
  // Outputs: Program.outputs, and an OUT instruction for their per-bar channels.
  ['plot', outputEntry],
  ['plotshape', outputEntry],
  ['plotchar', outputEntry],
  ['plotarrow', outputEntry],
  ['plotcandle', outputEntry],
  ['plotbar', outputEntry],
  ['hline', outputEntry],
  ['fill', outputEntry],
  ['bgcolor', outputEntry],
  ['barcolor', outputEntry],
  // Inputs: Program.inputs, and a register preloaded with the value per instance.
  ['input', inputEntry],
  ['input.int', inputEntry],
  ['input.float', inputEntry],
  ['input.bool', inputEntry],
  ['input.color', inputEntry],
  ['input.string', inputEntry],
  ['input.text_area', inputEntry],
  ['input.timeframe', inputEntry],
  ['input.symbol', inputEntry],
  ['input.session', inputEntry],
  ['input.source', inputEntry],
  ['input.price', inputEntry],
  ['input.time', inputEntry],
  // Data of other timeframes: the expression argument is compiled in the requested context.
  ['request.security', { stage: 'unevaluated', lower: requestSecurityFlags }],
  ['request.security_lower_tf', { stage: 'unevaluated', lower: requestSecurity }],
  ['request.currency_rate', { stage: 'unevaluated', lower: requestCurrencyRate }],
]);
