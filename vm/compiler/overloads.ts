// Type rules shared by the lowering pass: unification of branch types, assignability, and builtin
// overload resolution (positional and named arguments, defaults, variadic tails, the type variable
// T, qualifier checks, int → float promotion).

import type { FnSpec, ParamSpec, SigType } from '../builtins/registry.js';
import { Qual, QUAL_NAMES, baseName, maxQual, sameBase, type PType } from './types.js';

/** The common type of two branches (if/switch/?:), or null when they cannot meet. */
export function unify(a: PType, b: PType): PType | null {
  const qual = maxQual(a.qual, b.qual);
  if (a.base === 'na') return { ...b, qual };
  if (b.base === 'na') return { ...a, qual };
  if (sameBase(a, b)) return { ...a, qual };
  if ((a.base === 'int' && b.base === 'float') || (a.base === 'float' && b.base === 'int')) {
    return { base: 'float', qual };
  }
  return null;
}

/** Whether a value of type `v` can be stored where `d` is expected (ignoring qualifiers). Returns
 * 'same', 'promote' (int → float), 'cast' (v5's implicit numeric → bool) or null. */
export function assignable(v: PType, d: PType, version: number): 'same' | 'promote' | 'cast' | null {
  if (v.base === 'na') return 'same';
  if (sameBase(v, d)) return 'same';
  if (v.base === 'int' && d.base === 'float') return 'promote';
  if (version < 6 && d.base === 'bool' && (v.base === 'int' || v.base === 'float')) return 'cast';
  return null;
}

export function sigTypeName(t: SigType): string {
  const q = QUAL_NAMES[t.qual];
  let b: string = t.base;
  if (t.base === 'array' || t.base === 'matrix') b = `${t.base}<${t.elem ? sigTypeName(t.elem).split(' ').pop() : '?'}>`;
  return `${q} ${b}`;
}

export function sigToPType(t: SigType, bindT: PType | null): PType {
  if (t.base === 'T') return { ...(bindT ?? { base: 'float', qual: t.qual }), qual: t.qual };
  if (t.base === 'any') return { base: 'float', qual: t.qual };
  const out: PType = { base: t.base, qual: t.qual };
  if (t.elem) out.elem = sigToPType(t.elem, bindT);
  if (t.key) out.key = sigToPType(t.key, bindT);
  return out;
}

export interface ArgInfo {
  name: string | null;
  type: PType;
  /** Source text, for messages. */
  text: string;
  /** The argument already had an error: it fits any parameter, so that only the call's other,
   * independent mistakes are reported. */
  bad?: boolean;
}

export interface Match {
  spec: FnSpec;
  /** For each parameter, the index of the argument bound to it, or -1 (default used). The rest
   * parameter, if any, takes `rest` instead. */
  bound: number[];
  rest: number[];
  /** Binding of the type variable T. */
  bindT: PType | null;
  score: number;
}

/** A failed overload says why, and how far it got: the position of the parameter (or variadic
 * argument) whose argument did not fit, or -1 when the arguments did not bind at all. */
export type MatchResult = { ok: true; match: Match } | { ok: false; reason: string; progress: number };

/** Tries one overload against the arguments. */
export function tryOverload(spec: FnSpec, args: ArgInfo[], version: number): MatchResult {
  const params = spec.params;
  const bound = new Array<number>(params.length).fill(-1);
  const rest: number[] = [];
  const restParam = params.length > 0 && params[params.length - 1]?.rest === true;
  const fixed = restParam ? params.length - 1 : params.length;
  let pos = 0;
  let sawNamed = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg) continue;
    if (arg.name === null) {
      if (sawNamed) return { ok: false, reason: `positional argument \`${arg.text}\` follows a named argument`, progress: -1 };
      if (pos < fixed) bound[pos++] = i;
      else if (restParam) rest.push(i);
      else {
        return {
          ok: false,
          reason: `too many arguments: '${spec.name}' takes at most ${fixed}, got ${args.length}`,
          progress: -1,
        };
      }
    } else {
      sawNamed = true;
      const k = params.findIndex((p) => p.name === arg.name && !p.rest);
      if (k < 0) {
        const near = params.filter((p) => !p.rest && editDistance(p.name, arg.name ?? '') <= 2).map((p) => p.name)[0];
        const transp = arg.name === 'transp' ? ` ('transp' was removed in Pine v5: give the color its transparency with color.new(color, transp))` : '';
        return { ok: false, reason: `'${spec.name}' has no parameter named '${arg.name}'${near ? ` (did you mean '${near}'?)` : transp}`, progress: -1 };
      }
      if (bound[k] !== -1) return { ok: false, reason: `argument '${arg.name}' is given twice`, progress: -1 };
      bound[k] = i;
    }
  }
  for (let k = 0; k < fixed; k++) {
    const p = params[k];
    if (p && bound[k] === -1 && p.default === null) {
      return { ok: false, reason: `missing argument '${p.name}' (${sigTypeName(p.type)})`, progress: -1 };
    }
  }
  let score = 0;
  let bindT: PType | null = null;
  const check = (p: ParamSpec, argIndex: number): string | null => {
    const arg = args[argIndex];
    if (!arg || arg.bad) return null;
    const v = arg.type;
    const label = `argument '${p.name}'=\`${arg.text}\``;
    // A list literal (`options = [...]`) arrives as a tuple and fits only a tuple parameter.
    if (v.base === 'tuple' && p.type.base === 'tuple') return null;
    if (v.base === 'void' || v.base === 'tuple') return `${label}: expected ${sigTypeName(p.type)}, got no value`;
    if (v.qual > p.type.qual) {
      // A series value where the parameter must stay fixed for the whole run.
      const why =
        v.qual === Qual.Series && p.type.qual <= Qual.Simple
          ? spec.name === 'hline'
            ? ' (hline() draws a fixed level: use plot() for a value that changes from bar to bar)'
            : ' (it can change from bar to bar; this argument must be fixed: a constant or an input)'
          : p.type.qual === Qual.Const
            ? ' (this argument must be known when the script compiles: a literal or a const value, not one built from inputs)'
            : '';
      return `${label}: expected ${sigTypeName(p.type)}, got ${QUAL_NAMES[v.qual]} ${baseName(v)}${why}`;
    }
    if (p.type.base === 'any') return null;
    if (p.type.base === 'T') {
      if (v.base === 'na') return null;
      if (bindT === null) {
        bindT = { ...v };
        return null;
      }
      const u = unifyBases(bindT, v);
      if (!u) return `${label}: expected ${baseName(bindT)} like the other arguments, got ${baseName(v)}`;
      if (u.base !== bindT.base) score += 1;
      bindT = u;
      return null;
    }
    if ((p.type.base === 'array' || p.type.base === 'matrix') && p.type.elem?.base === 'T' && v.base === p.type.base && v.elem) {
      // `array<T>`, `matrix<T>` (of objects: builtins/object-arrays.ts, matrix.ts `__omatrix.*`):
      // binds T to the element type.
      if (bindT === null) {
        bindT = { ...v.elem };
        return null;
      }
      return sameBase(bindT, v.elem) ? null : `${label}: expected ${p.type.base}<${baseName(bindT)}> like the other arguments, got ${baseName(v)}`;
    }
    const want = sigToPType(p.type, bindT);
    const a = assignable(v, want, version);
    if (a === null) return `${label}: expected ${sigTypeName(p.type)}, got ${QUAL_NAMES[v.qual]} ${baseName(v)}${mismatchHint(v, want, arg.text, version)}`;
    if (a === 'promote') score += 1;
    if (a === 'cast') score += 2;
    return null;
  };
  for (let k = 0; k < fixed; k++) {
    const p = params[k];
    const b = bound[k] ?? -1;
    if (p && b >= 0) {
      const err = check(p, b);
      if (err) return { ok: false, reason: err, progress: k };
    }
  }
  if (restParam) {
    const p = params[params.length - 1];
    if (p) {
      for (let j = 0; j < rest.length; j++) {
        const err = check(p, rest[j] ?? -1);
        if (err) return { ok: false, reason: err, progress: fixed + j };
      }
    }
  }
  return { ok: true, match: { spec, bound, rest, bindT, score } };
}

function unifyBases(a: PType, b: PType): PType | null {
  const u = unify(a, b);
  return u ? { ...u, qual: Qual.Series } : null;
}

/** Picks the best overload: the viable one with the fewest conversions (first on ties). */
export function resolveOverload(
  specs: readonly FnSpec[],
  args: ArgInfo[],
  version: number,
): { ok: true; match: Match } | { ok: false; reasons: string[]; nearest: string | undefined } {
  let best: Match | null = null;
  const reasons: string[] = [];
  let far = -2;
  const farReasons = new Set<string>();
  for (const spec of specs) {
    const r = tryOverload(spec, args, version);
    if (r.ok) {
      if (!best || r.match.score < best.score) best = r.match;
    } else {
      reasons.push(r.reason);
      if (r.progress > far) {
        far = r.progress;
        farReasons.clear();
      }
      if (r.progress === far) farReasons.add(r.reason);
    }
  }
  if (best) return { ok: true, match: best };
  // The overloads that got furthest say the most about the mistake, when they all say the same.
  // ("missing argument 'x' (series int)" and "(series float)" say the same without the type.)
  const plain = new Set([...farReasons].map((r) => r.replace(/ \([^()]*\)$/, '')));
  const nearest = farReasons.size === 1 ? [...farReasons][0] : plain.size === 1 ? [...plain][0] : undefined;
  return { ok: false, reasons, nearest };
}

export function overloadText(spec: FnSpec): string {
  return `${spec.name}(${spec.params.map((p) => (p.rest ? `...${p.name}` : p.name)).join(', ')})`;
}

/** Levenshtein distance, for "did you mean" hints on parameter names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** A short fix for the common mismatches: a condition where a number or a color is expected,
 * an hline where fill() expects a plot (or the reverse). */
function mismatchHint(v: PType, want: PType, text: string, version: number): string {
  const t = text.length > 30 ? 'cond' : text;
  const div = divisionHint(v, want, text, version);
  if (div) return div;
  if (v.base === 'bool' && (want.base === 'float' || want.base === 'int')) return ` (a bool is not a number: use \`${t} ? 1 : 0\`)`;
  if (v.base === 'bool' && want.base === 'color') return ` (use a color for each case: \`${t} ? color.green : na\`)`;
  if ((v.base === 'hline' && want.base === 'plot') || (v.base === 'plot' && want.base === 'hline')) return ' (fill() takes two plots or two hlines, not one of each)';
  return '';
}

/** For a float where an int is wanted that comes from `/`: a division with a float operand gives a
 * float (between two ints it stays an int, in every version). */
export function divisionHint(v: PType, want: PType, text: string, _version: number): string {
  if (v.base !== 'float' || want.base !== 'int' || !isDivision(text)) return '';
  const t = text.length > 30 ? 'a / b' : text;
  return ` (\`/\` with a float operand gives a float: write \`int(${t})\` to truncate, or \`math.round(${t})\`)`;
}

/** Whether an argument's source text is a division at its top level (`len / 2`, not `f(a / b)`). */
function isDivision(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '/' && depth === 0 && text[i + 1] !== '/' && text[i - 1] !== '/') return true;
  }
  return false;
}
