// Test harness for the core builtins: a minimal Runtime, and a way to call a registered builtin
// the way the interpreter does (arguments in registers from `a`, result in register `d`, state in
// rt.cs[s]), choosing the overload by the exact parameter types a test names.

import { registerCoreBuiltins } from '../../vm/builtins/core-index.js';
import { lookupFn, lookupVar, type FnSpec } from '../../vm/builtins/registry.js';
import { DEFAULT_LIMITS, FIXED_REGISTERS, type Runtime } from '../../vm/runtime/runtime.js';

registerCoreBuiltins();

export class RuntimeFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function makeRuntime(over: Partial<Pick<Runtime, 'bar' | 'version'>> & { mintick?: number; timezone?: string } = {}): Runtime {
  return {
    f: new Float64Array(512).fill(NaN),
    o: new Array<unknown>(512).fill(null),
    cs: [],
    bar: over.bar ?? 0,
    syminfo: {
      ticker: 'BTCUSD',
      tickerid: 'TEST:BTCUSD',
      prefix: 'TEST',
      description: 'test symbol',
      type: 'crypto',
      currency: 'USD',
      basecurrency: 'BTC',
      timezone: over.timezone ?? 'Etc/UTC',
      session: '24x7',
      mintick: over.mintick ?? 0.01,
      pointvalue: 1,
    },
    timeframe: { period: '5', multiplier: 5, unit: '' },
    version: over.version ?? 6,
    limits: { ...DEFAULT_LIMITS },
    rng: new Uint32Array(4),
    logs: [],
    alerts: [],
    fail(code: string, message: string): never {
      throw new RuntimeFailure(code, message);
    },
  };
}

const NUMERIC = new Set(['int', 'float', 'bool', 'color']);

/** The overload of `name` whose parameters have exactly these bases (a rest parameter repeats). */
export function overload(name: string, bases: readonly string[]): FnSpec {
  const specs = lookupFn(name);
  if (!specs) throw new Error(`No builtin '${name}'`);
  for (const spec of specs) {
    const ps = spec.params;
    const rest = ps.length > 0 && ps[ps.length - 1]?.rest === true;
    const fixed = rest ? ps.length - 1 : ps.length;
    if (bases.length < fixed - ps.filter((p) => p.default !== null && !p.rest).length) continue;
    if (!rest && bases.length > ps.length) continue;
    let ok = true;
    for (let k = 0; k < bases.length; k++) {
      const p = k < fixed ? ps[k] : ps[ps.length - 1];
      if (!p || (k >= fixed && !rest) || p.type.base !== bases[k]) ok = false;
    }
    if (ok) return spec;
  }
  throw new Error(`No overload ${name}(${bases.join(', ')})`);
}

const A = FIXED_REGISTERS + 100;
const D = FIXED_REGISTERS + 300;

/** Calls `name` with `args` typed by `bases`; defaulted trailing parameters get `defaults`
 * (numbers for numeric parameters, strings otherwise) since no compiler evaluates Pine defaults
 * here. Returns the result register's value (numeric from rt.f, others from rt.o). */
export function call(
  rt: Runtime,
  name: string,
  bases: readonly string[],
  args: readonly unknown[],
  opts: { slot?: number; defaults?: readonly unknown[] } = {},
): unknown {
  const spec = overload(name, bases);
  const all = [...args, ...(opts.defaults ?? [])];
  const total = Math.max(all.length, args.length);
  for (let k = 0; k < total; k++) {
    const p = spec.params[Math.min(k, spec.params.length - 1)];
    const base = p?.type.base ?? 'float';
    const v = all[k];
    if (NUMERIC.has(base)) rt.f[A + k] = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
    else rt.o[A + k] = v;
  }
  spec.impl(rt, A, D, spec.stateful ? (opts.slot ?? 0) : total);
  const res = spec.results[0];
  if (!res) return undefined;
  return NUMERIC.has(res.base) ? rt.f[D] : rt.o[D];
}

export function constValue(name: string): number | string {
  const v = lookupVar(name);
  if (!v || !('value' in v.impl)) throw new Error(`No constant '${name}'`);
  return v.impl.value;
}
