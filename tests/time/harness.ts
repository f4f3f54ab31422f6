// Test harness for the time builtins: a minimal Runtime on a symbol and timeframe, bar registers set
// the way the Instance sets them, and calls into registered builtins the way the interpreter makes
// them (arguments from register `a`, result in `d`, state in rt.cs[s]). Also reads fixture CSVs.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../vm/builtins/bar-vars.js';
import '../../vm/builtins/time/index.js';
import { lookupFn, lookupVar, type FnSpec } from '../../vm/builtins/registry.js';
import { parseTimeframe } from '../../vm/builtins/time/timeframe.js';
import { DEFAULT_LIMITS, FIXED_REGISTERS, R, type Runtime, type SymbolInfo } from '../../vm/runtime/runtime.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tradingview');

export class RuntimeFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const UTC_SYMBOL: SymbolInfo = {
  ticker: 'BTCUSDT',
  tickerid: 'TEST:BTCUSDT',
  prefix: 'TEST',
  description: 'test symbol',
  type: 'crypto',
  currency: 'USDT',
  basecurrency: 'BTC',
  timezone: 'Etc/UTC',
  session: '24x7',
  mintick: 0.00001,
  pointvalue: 1,
};

export function makeRuntime(sym: SymbolInfo = UTC_SYMBOL, timeframe = '5', version = 6): Runtime {
  const tf = parseTimeframe(timeframe);
  if (tf === null) throw new Error(`bad timeframe ${timeframe}`);
  return {
    f: new Float64Array(512).fill(Number.NaN),
    o: new Array<unknown>(512).fill(null),
    cs: [],
    bar: 0,
    syminfo: sym,
    timeframe: tf,
    version,
    limits: { ...DEFAULT_LIMITS },
    rng: new Uint32Array(4),
    logs: [],
    alerts: [],
    fail(code: string, message: string): never {
      throw new RuntimeFailure(code, message);
    },
  };
}

/** Sets the bar registers for bar `index` opening at `time` (close time NaN: builtins derive it). */
export function setBar(rt: Runtime, index: number, time: number, timeClose = Number.NaN): void {
  rt.bar = index;
  rt.f[R.barIndex] = index;
  rt.f[R.time] = time;
  rt.f[R.timeClose] = timeClose;
}

const A = FIXED_REGISTERS + 100;
const D = FIXED_REGISTERS + 300;
const NUMERIC = new Set(['int', 'float', 'bool', 'color']);

/** The overload of `name` whose parameter bases start with `bases` (remaining ones defaulted). */
export function overload(name: string, bases: readonly string[]): FnSpec {
  const specs = lookupFn(name);
  if (specs === undefined) throw new Error(`No builtin '${name}'`);
  for (const spec of specs) {
    if (bases.length > spec.params.length) continue;
    if (spec.params.slice(bases.length).some((p) => p.default === null)) continue;
    if (bases.every((b, k) => spec.params[k]?.type.base === b)) return spec;
  }
  throw new Error(`No overload ${name}(${bases.join(', ')})`);
}

/** Literal Pine defaults: numbers and double-quoted strings. */
function literalDefault(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const m = /^"(.*)"$/.exec(text);
  if (m !== null) return m[1];
  throw new Error(`default '${text}' is not a literal; pass the argument`);
}

/** Calls `name`; numbers go to numeric parameters, strings (or null for na) to the others.
 * Omitted trailing arguments take their literal defaults. */
export function call(rt: Runtime, name: string, args: readonly (number | string | null)[], slot = 0): number | string | null {
  const bases = args.map((v) => (typeof v === 'number' ? 'int' : 'string'));
  const specs = lookupFn(name) ?? [];
  let spec: FnSpec | undefined;
  for (const s of specs) {
    if (args.length > s.params.length) continue;
    if (s.params.slice(args.length).some((p) => p.default === null)) continue;
    const ok = bases.every((b, k) => {
      const pb = s.params[k]?.type.base ?? '';
      return b === 'int' ? NUMERIC.has(pb) : !NUMERIC.has(pb);
    });
    if (ok) {
      spec = s;
      break;
    }
  }
  if (spec === undefined) throw new Error(`No overload of ${name} for (${bases.join(', ')})`);
  const all: unknown[] = [...args];
  for (let k = args.length; k < spec.params.length; k++) all.push(literalDefault((spec.params[k] as FnSpec['params'][number]).default ?? ''));
  all.forEach((v, k) => {
    const base = (spec as FnSpec).params[k]?.type.base ?? 'float';
    if (NUMERIC.has(base)) rt.f[A + k] = v as number;
    else rt.o[A + k] = v;
  });
  spec.impl(rt, A, D, spec.stateful ? slot : all.length);
  const res = spec.results[0];
  if (res === undefined) return null;
  return NUMERIC.has(res.base) ? (rt.f[D] as number) : (rt.o[D] as string | null);
}

/** Reads a builtin variable (a register, a constant or a computed one). */
export function read(rt: Runtime, name: string, slot = 0): number | string | null {
  const spec = lookupVar(name);
  if (spec === undefined) throw new Error(`No builtin variable '${name}'`);
  const impl = spec.impl;
  if ('reg' in impl) return rt.f[impl.reg] as number;
  if ('value' in impl) return impl.value;
  impl.get(rt, 0, D, slot);
  return NUMERIC.has(spec.type.base) ? (rt.f[D] as number) : (rt.o[D] as string | null);
}

export interface Csv {
  header: string[];
  rows: string[][];
}

export function readCsv(path: string): Csv {
  const lines = readFileSync(join(FIXTURES, path), 'utf8').trim().split(/\r?\n/);
  return { header: (lines[0] as string).split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

export function readText(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

/** Bar open time of a fixture row: ISO with offset, or seconds since the epoch. */
export function rowTime(cell: string): number {
  return /^\d+$/.test(cell) ? Number(cell) * 1000 : Date.parse(cell);
}
