// The builtin registry: every built-in function and variable, declared with a Pine-style signature
// string and an implementation. The checker resolves calls against these signatures; codegen emits
// CALLB with the builtin's name and overload index; the interpreter runs `impl`.
//
// Signature language (one overload per `defineFn` call):
//   ta.sma(source: series float, length: series int): series float
//   ta.macd(source: series float, fast: simple int, slow: simple int, sig: simple int): [series float, series float, series float]
//   nz(source: series T, replacement: series T = 0): series T      (T: one type shared by all T's)
//   plot(series: series float, title: const string = "", color: series color = na): void
// A default is Pine source text, compiled at the call site when the argument is omitted.
// A last parameter written `...name: type` is variadic (math.max, str.format): it takes zero or more
// arguments; the impl receives the total argument count in `s` (variadic builtins are not stateful).
// A parameter of base `any` receives a boxed JS value in rt.o[a+i]: number (int/float/color, NaN for
// na), boolean (bool), string or null (string), or the reference itself.
//
// Calling convention: arguments are evaluated into consecutive registers starting at `a` (numeric
// values in rt.f[a+i], strings and references in rt.o[a+i]); the result goes to register `d`
// (a tuple result to d, d+1, ...); `s` is the absolute call-site state slot (stateful builtins only).

import type { Runtime } from '../core/runtime.js';
import { Qual, type Base } from '../core/types.js';

export type BuiltinImpl = (rt: Runtime, a: number, d: number, s: number) => void;

/** A type in a signature: like PType but `base` may be the type variable 'T' and the qualifier
 * is the strongest the parameter accepts (a series param accepts anything weaker). */
export interface SigType {
  qual: Qual;
  base: Base | 'T' | 'any';
  elem?: SigType;
  key?: SigType;
}

export interface ParamSpec {
  name: string;
  type: SigType;
  /** Pine source of the default value, or null when the argument is required. */
  default: string | null;
  /** `...name: type`: takes any number of trailing arguments (only the last parameter). */
  rest: boolean;
}

export type { OutputKind } from '../core/types.js';
import type { OutputKind } from '../core/types.js';

export interface FnOptions {
  /** Needs a per-call-site state slot (ta.*, anything with history). */
  stateful?: boolean;
  /** No side effects and the result qualifier is the strongest argument qualifier (a const call
   * gives a const result). Pure builtins with const arguments may be folded at compile time. */
  pure?: boolean;
  /** Output builtin: the checker records its metadata and passes the output id as argument 0. */
  output?: OutputKind;
  /** Only allowed in the global scope (Pine: plot, indicator, input.*, ...). */
  globalOnly?: boolean;
  /** Declaration-like call evaluated by the compiler only (indicator, strategy). */
  declaration?: boolean;
  /** Input builtin: the checker records an input and passes its id as argument 0. */
  input?: boolean;
  /** A call that resolves to this overload is a compile error explaining `rejectNote`: for
   * forms Pine refuses with a specific reason (a color given to str.tostring), or, with
   * `untilVersion`, forms that only later versions refuse (v5's na(bool)). */
  rejectNote?: string;
  untilVersion?: number;
  /** Tier 2: works on the script's drawing registry. The checker passes the absolute state slot
   * of the registry (reserved in the main function) as `s`; see builtins/draw/store.ts. */
  drawing?: boolean;
}

export interface FnSpec {
  /** Index in FUNCTIONS; stable within one build of the VM only (and, while families of
   * deferFunctions are still pending, within one process). */
  id: number;
  name: string;
  /** Overload number among functions of the same name, in definition order. */
  overload: number;
  /** Signature text as declared (for messages and for Program's builtin table). */
  signature: string;
  typeParams: string[];
  params: ParamSpec[];
  /** Result types: [] for void, one item for a plain result, several for a tuple. */
  results: SigType[];
  impl: BuiltinImpl;
  stateful: boolean;
  pure: boolean;
  output: OutputKind | null;
  globalOnly: boolean;
  declaration: boolean;
  input: boolean;
  /** Null, or the compile error of a call that resolves to this overload (FnOptions.rejectNote). */
  rejectNote: string | null;
  untilVersion: number | null;
  /** FnOptions.drawing. */
  drawing: boolean;
}

export type VarImpl =
  /** A fixed register (bar values, barstate flags); see R in runtime.ts. */
  | { reg: number }
  /** A compile-time constant (numbers for numeric types, strings for string types). */
  | { value: number | string }
  /** Computed on read; `s` is a state slot when `stateful`. */
  | { get: BuiltinImpl; stateful?: boolean; drawing?: boolean };

export interface VarSpec {
  name: string;
  type: SigType;
  impl: VarImpl;
}

/** Every spec, in definition order (families of deferFunctions at the place they were deferred). */
const ALL: DeclaredFn[] = [];
const FN_BY_NAME = new Map<string, FnSpec[]>();

/** Every builtin function, in definition order. Reading it defines the families still deferred
 * (deferFunctions), so it is the whole registry, in the same order as if none had been deferred. */
export const FUNCTIONS: readonly FnSpec[] = new Proxy(ALL, {
  get(target, key) {
    defineDeferred();
    return Reflect.get(target, key) as unknown;
  },
});

// ---------------------------------------------------------------------------------------------
// Deferred families. map.* and matrix.* are defined once per element type (~1,200 specs, two
// thirds of the registry): made at import, they were ~40% of the CLI's load time, for scripts that
// mostly use neither. deferFunctions keeps their names' places (the order of allFunctionNames,
// which "did you mean" suggestions follow) and defines the whole family - its overloads in their
// order, so a program's (name, overload) keys are the same - on the first lookup of one of its names,
// on a definition of one of its names elsewhere, or on a read of FUNCTIONS.

interface Family {
  /** The family's names in the order `define` first defines them. */
  readonly names: readonly string[];
  readonly define: () => void;
  /** Its specs' place in definition order: `at` plus a fraction (see order). */
  readonly at: number;
  defined: boolean;
}

/** The pending family of each name not yet defined. */
const PENDING = new Map<string, Family>();
/** The family being defined, or null. */
let defining: Family | null = null;
/** Definition order: a spec's place in ALL (see defineDeferred). */
const ORDER = new Map<FnSpec, number>();
/** Specs defined so far (a deferred family takes one place in this count for all its specs). */
let places = 0;
/** Whether ALL must be sorted again by ORDER (a family was defined after later specs). */
let unsorted = false;

/** Defers the definitions `define` makes (of exactly the functions `names`, first defined in
 * that order) to the first use of one of those names (see above). */
export function deferFunctions(names: readonly string[], define: () => void): void {
  const family: Family = { names, define, at: places++, defined: false };
  for (const name of names) {
    if (FN_BY_NAME.has(name)) throw new Error(`deferFunctions: '${name}' is defined already.`);
    FN_BY_NAME.set(name, []);
    PENDING.set(name, family);
  }
}

function defineFamily(family: Family): void {
  if (family.defined) return;
  family.defined = true;
  for (const name of family.names) PENDING.delete(name);
  const from = ALL.length;
  const outer = defining;
  defining = family;
  try {
    family.define();
  } finally {
    defining = outer;
  }
  // The family's specs take its place in definition order, in the order made.
  const n = ALL.length - from;
  for (let k = 0; k < n; k++) ORDER.set(ALL[from + k] as DeclaredFn, family.at + (k + 1) / (n + 1));
  if (n > 0) unsorted = true;
  const seen: string[] = [];
  for (let k = from; k < ALL.length; k++) {
    const name = (ALL[k] as DeclaredFn).name;
    if (!seen.includes(name)) seen.push(name);
  }
  if (seen.join('|') !== family.names.join('|')) {
    throw new Error(`deferFunctions: the family of '${family.names[0] ?? ''}' defined ${seen.join(', ')} (declared: ${family.names.join(', ')}).`);
  }
}

/** Defines every family still pending, and puts ALL in definition order (ids = indexes). */
function defineDeferred(): void {
  if (PENDING.size !== 0) for (const family of [...new Set(PENDING.values())]) defineFamily(family);
  if (!unsorted) return;
  unsorted = false;
  ALL.sort((a, b) => (ORDER.get(a) ?? 0) - (ORDER.get(b) ?? 0));
  for (let i = 0; i < ALL.length; i++) (ALL[i] as DeclaredFn).id = i;
}

/** The specs of every defined function whose name passes `test` (pending families are defined
 * when one of their names passes), in definition order within each name. */
export function functionsNamed(test: (name: string) => boolean): FnSpec[] {
  const out: FnSpec[] = [];
  for (const [name, specs] of FN_BY_NAME) {
    if (!test(name)) continue;
    const family = PENDING.get(name);
    if (family !== undefined) defineFamily(family);
    for (const spec of specs) out.push(spec);
  }
  return out;
}
const VAR_BY_NAME = new Map<string, VarSpec>();

/** The name a signature declares (what parseSignature reads first), without parsing the rest. */
const SIG_NAME = /^\s*([A-Za-z_][A-Za-z0-9_.]*)/;

/** A FnSpec whose signature is parsed on first use of its parameters, type parameters or results:
 * the registry declares hundreds of builtins at import and a program uses a few, so parsing them
 * all up front only delays the start of every worker and process that imports the VM. */
class DeclaredFn implements FnSpec {
  // Fields are `declare`d and set in the constructor: a class field (or a parameter property) is
  // defined on each instance by an initializer first, then assigned - twice the work for each of
  // the ~1,900 specs made at import (cold code at every start of the CLI).
  declare id: number;
  declare readonly name: string;
  declare readonly overload: number;
  declare readonly signature: string;
  declare readonly impl: BuiltinImpl;
  declare readonly stateful: boolean;
  declare readonly pure: boolean;
  declare readonly output: OutputKind | null;
  declare readonly globalOnly: boolean;
  declare readonly declaration: boolean;
  declare readonly input: boolean;
  declare readonly rejectNote: string | null;
  declare readonly untilVersion: number | null;
  declare readonly drawing: boolean;
  declare private parsed: ParsedSignature | null;

  constructor(
    id: number,
    name: string,
    overload: number,
    signature: string,
    impl: BuiltinImpl,
    stateful: boolean,
    pure: boolean,
    output: OutputKind | null,
    globalOnly: boolean,
    declaration: boolean,
    input: boolean,
    rejectNote: string | null,
    untilVersion: number | null,
    drawing: boolean,
  ) {
    this.id = id;
    this.name = name;
    this.overload = overload;
    this.signature = signature;
    this.impl = impl;
    this.stateful = stateful;
    this.pure = pure;
    this.output = output;
    this.globalOnly = globalOnly;
    this.declaration = declaration;
    this.input = input;
    this.rejectNote = rejectNote;
    this.untilVersion = untilVersion;
    this.drawing = drawing;
    this.parsed = null;
  }

  private sig(): ParsedSignature {
    if (this.parsed === null) this.parsed = parseSignature(this.signature);
    return this.parsed;
  }

  get typeParams(): string[] {
    return this.sig().typeParams;
  }

  get params(): ParamSpec[] {
    return this.sig().params;
  }

  get results(): SigType[] {
    return this.sig().results;
  }
}

/** Whether character code c may continue a builtin's name ([A-Za-z0-9_.]). */
function nameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46;
}

/** The name a signature declares: SIG_NAME's, read by character codes when the signature starts
 * with a letter or `_` (every builtin's does; no match array and no regular expression per spec). */
function signatureName(signature: string): string | undefined {
  const c0 = signature.charCodeAt(0);
  if (!((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90) || c0 === 95)) return SIG_NAME.exec(signature)?.[1];
  let i = 1;
  while (i < signature.length && nameChar(signature.charCodeAt(i))) i++;
  return signature.slice(0, i);
}

export function defineFn(signature: string, impl: BuiltinImpl, opts: FnOptions = {}): FnSpec {
  const name = signatureName(signature);
  if (name === undefined) throw new Error(`Bad signature '${signature}': expected a name at 0.`);
  const family = PENDING.get(name);
  if (family !== undefined) defineFamily(family);
  if (defining !== null && !defining.names.includes(name)) {
    throw new Error(`deferFunctions: the family of '${defining.names[0] ?? ''}' defines '${name}', which it does not declare.`);
  }
  const overloads = FN_BY_NAME.get(name) ?? [];
  const spec = new DeclaredFn(
    ALL.length,
    name,
    overloads.length,
    signature,
    impl,
    opts.stateful ?? false,
    opts.pure ?? false,
    opts.output ?? null,
    opts.globalOnly ?? (opts.output !== undefined || opts.declaration === true),
    opts.declaration ?? false,
    opts.input ?? false,
    opts.rejectNote ?? null,
    opts.untilVersion ?? null,
    opts.drawing ?? false,
  );
  overloads.push(spec);
  FN_BY_NAME.set(name, overloads);
  ALL.push(spec);
  ORDER.set(spec, defining !== null ? -1 : places++);
  return spec;
}

/** A VarSpec whose type is parsed on first use (as DeclaredFn's signature): the registry declares
 * ~360 variables at import and a program reads a few. */
class DeclaredVar implements VarSpec {
  // `declare`d fields, set in the constructor (see DeclaredFn).
  declare readonly name: string;
  declare private readonly typeText: string;
  declare readonly impl: VarImpl;
  declare private parsed: SigType | null;

  constructor(name: string, typeText: string, impl: VarImpl) {
    this.name = name;
    this.typeText = typeText;
    this.impl = impl;
    this.parsed = null;
  }

  get type(): SigType {
    if (this.parsed === null) {
      const lexer = new SigLexer(this.typeText);
      const type = lexer.type();
      lexer.expectEnd();
      this.parsed = type;
    }
    return this.parsed;
  }
}

/** `defineVar('close: series float', { reg: R.close })`. */
export function defineVar(signature: string, impl: VarImpl): VarSpec {
  const colon = signature.indexOf(':');
  if (colon < 0) throw new Error(`Bad variable signature '${signature}': expected 'name: type'.`);
  const name = signature.slice(0, colon).trim();
  const spec = new DeclaredVar(name, signature.slice(colon + 1), impl);
  if (VAR_BY_NAME.has(name)) throw new Error(`Builtin variable '${name}' defined twice.`);
  VAR_BY_NAME.set(name, spec);
  return spec;
}

export function lookupFn(name: string): readonly FnSpec[] | undefined {
  if (PENDING.size !== 0) {
    const family = PENDING.get(name);
    if (family !== undefined) defineFamily(family);
  }
  return FN_BY_NAME.get(name);
}

export function lookupVar(name: string): VarSpec | undefined {
  return VAR_BY_NAME.get(name);
}

/** True if some builtin function or variable name starts with `prefix.` (a namespace). */
export function isNamespace(prefix: string): boolean {
  const p = `${prefix}.`;
  for (const k of FN_BY_NAME.keys()) if (k.startsWith(p)) return true;
  for (const k of VAR_BY_NAME.keys()) if (k.startsWith(p)) return true;
  return false;
}

export function allFunctionNames(): string[] {
  return [...FN_BY_NAME.keys()];
}

export function allVariableNames(): string[] {
  return [...VAR_BY_NAME.keys()];
}

/** Finds a function by name and overload index (used when loading a Program). */
export function fnByKey(name: string, overload: number): FnSpec | undefined {
  if (PENDING.size !== 0) {
    const family = PENDING.get(name);
    if (family !== undefined) defineFamily(family);
  }
  return FN_BY_NAME.get(name)?.[overload];
}

// ---------------------------------------------------------------------------------------------
// Signature parsing

interface ParsedSignature {
  name: string;
  typeParams: string[];
  params: ParamSpec[];
  results: SigType[];
}

const QUALS: Record<string, Qual> = {
  const: Qual.Const,
  input: Qual.Input,
  simple: Qual.Simple,
  series: Qual.Series,
};

const BASES = new Set<string>([
  'int', 'float', 'bool', 'color', 'string', 'void', 'array', 'matrix', 'map', 'line', 'label',
  'box', 'table', 'linefill', 'polyline', 'chart.point', 'plot', 'hline', 'tuple', 'T', 'any',
]);

/** A name in a signature, matched where the lexer stands (sticky: no copy of the rest). */
const WORD = /[A-Za-z_][A-Za-z0-9_.]*/y;

class SigLexer {
  private pos = 0;
  constructor(private readonly text: string) {}

  private ws(): void {
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 32) continue;
      if (c > 32 && c < 127) return;
      if (!/\s/.test(this.text.charAt(this.pos))) return;
    }
  }

  peek(): string {
    this.ws();
    return this.text.charAt(this.pos);
  }

  eat(ch: string): boolean {
    if (this.peek() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(ch: string): void {
    if (!this.eat(ch)) throw new Error(`Bad signature '${this.text}': expected '${ch}' at ${this.pos}.`);
  }

  word(): string {
    this.ws();
    WORD.lastIndex = this.pos;
    const m = WORD.exec(this.text);
    if (!m) throw new Error(`Bad signature '${this.text}': expected a name at ${this.pos}.`);
    this.pos += m[0].length;
    return m[0];
  }

  /** Reads a default value: everything up to the next top-level ',' or ')'. */
  defaultText(): string {
    this.ws();
    let depth = 0;
    let inStr: string | null = null;
    const start = this.pos;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text.charAt(this.pos);
      if (inStr) {
        if (c === '\\') this.pos++;
        else if (c === inStr) inStr = null;
        continue;
      }
      if (c === '"' || c === "'") inStr = c;
      else if (c === '(' || c === '[') depth++;
      else if ((c === ')' || c === ']') && depth > 0) depth--;
      else if ((c === ',' || c === ')') && depth === 0) break;
    }
    return this.text.slice(start, this.pos).trim();
  }

  type(): SigType {
    let word = this.word();
    let qual = Qual.Series;
    const q = QUALS[word];
    if (q !== undefined) {
      qual = q;
      word = this.word();
    }
    if (!BASES.has(word)) throw new Error(`Bad signature '${this.text}': unknown type '${word}'.`);
    const ty: SigType = { qual, base: word as SigType['base'] };
    if (this.eat('<')) {
      const first = this.type();
      if (this.eat(',')) {
        ty.key = first;
        ty.elem = this.type();
      } else {
        ty.elem = first;
      }
      this.expect('>');
    }
    return ty;
  }

  expectEnd(): void {
    this.ws();
    if (this.pos !== this.text.length) {
      throw new Error(`Bad signature '${this.text}': unexpected '${this.text.slice(this.pos)}'.`);
    }
  }
}

function parseSignature(signature: string): ParsedSignature {
  const lx = new SigLexer(signature);
  const name = lx.word();
  const typeParams: string[] = [];
  if (lx.eat('<')) {
    do typeParams.push(lx.word());
    while (lx.eat(','));
    lx.expect('>');
  }
  lx.expect('(');
  const params: ParamSpec[] = [];
  if (!lx.eat(')')) {
    do {
      const rest = lx.eat('.') && (lx.expect('.'), lx.expect('.'), true);
      const pname = lx.word();
      lx.expect(':');
      const type = lx.type();
      const def = lx.eat('=') ? lx.defaultText() : null;
      params.push({ name: pname, type, default: def, rest });
    } while (lx.eat(','));
    lx.expect(')');
  }
  lx.expect(':');
  const results: SigType[] = [];
  if (lx.eat('[')) {
    do results.push(lx.type());
    while (lx.eat(','));
    lx.expect(']');
  } else {
    const r = lx.type();
    if (r.base !== 'void') results.push(r);
  }
  lx.expectEnd();
  const restAt = params.findIndex((p) => p.rest);
  if (restAt >= 0 && restAt !== params.length - 1) {
    throw new Error(`Bad signature '${signature}': only the last parameter can be variadic.`);
  }
  return { name, typeParams, params, results };
}
