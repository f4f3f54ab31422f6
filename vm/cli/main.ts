// The `evergreen` command (Node only):
//   evergreen check <script.pine>
//   evergreen run <script.pine> --data <bars.csv> [--input name=value]... [--format json|csv]
//                 [--out file] [--symbol info.toml] [--timeframe tf] [--save-at <bar> --save <file>]
//                 [--resume <file>]
//   evergreen inspect <snapshot>
// Every failure is one clear line on stderr (no stack trace) and a non-zero exit code.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  compile,
  formatDiagnostic,
  Instance,
  PineRuntimeError,
  parseBarsCsv,
  ParseError,
  InstanceError,
  type Program,
  type InputValue,
  type SymbolInfo,
} from '../index.js';
import { SnapshotError } from '../snapshot/format.js';
import { SymbolFileError, readSymbolToml, defaultSymbolInfo } from '../builtins/time/symbol-info.js';
import { parseTimeframe } from '../builtins/time/timeframe.js';
import type { BarColumns } from '../data/bars.js';
import { inspectSnapshot } from './inspect.js';
import { plotColumns, toCsv, toJson } from './output.js';

const USAGE = `Usage:
  evergreen check <script.pine>
  evergreen run <script.pine> --data <bars.csv> [--input name=value]... [--format json|csv] [--out file]
                [--symbol info.toml] [--timeframe tf] [--save-at <bar> --save <file>] [--resume <file>]
  evergreen inspect <snapshot-file>`;

/** A failure the user must see as one line. */
class CliError extends Error {}

interface RunArgs {
  script: string;
  data: string | null;
  inputs: Record<string, InputValue>;
  format: 'json' | 'csv';
  out: string | null;
  symbol: string | null;
  timeframe: string | null;
  saveAt: number | null;
  save: string | null;
  resume: string | null;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'check':
        return check(rest);
      case 'run':
        return run(parseRunArgs(rest));
      case 'inspect':
        return inspect(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return cmd === undefined ? 2 : 0;
      default:
        throw new CliError(`unknown command '${cmd}'\n${USAGE}`);
    }
  } catch (e) {
    process.stderr.write(`evergreen: ${describeError(e)}\n`);
    return 1;
  }
}

function describeError(e: unknown): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof ParseError) return e.message;
  if (e instanceof SnapshotError) return e.message;
  if (e instanceof SymbolFileError) return e.message;
  if (e instanceof InstanceError) return e.message;
  if (e instanceof PineRuntimeError) return e.message;
  if (e instanceof Error && 'code' in e && typeof (e as { code?: unknown }).code === 'string') {
    const code = (e as { code: string }).code;
    if (code === 'ENOENT') return `cannot read '${(e as { path?: string }).path ?? ''}': no such file`;
    if (code === 'EISDIR') return `'${(e as { path?: string }).path ?? ''}' is a directory, not a file`;
    if (code === 'EACCES') return `permission denied: '${(e as { path?: string }).path ?? ''}'`;
  }
  return e instanceof Error ? `internal error: ${e.message}` : String(e);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the ${what} '${path}': ${describeError(e)}`);
  }
}

function check(args: string[]): number {
  const file = args[0];
  if (!file || args.length > 1) throw new CliError(`check takes one script file\n${USAGE}`);
  const source = readText(file, 'script');
  const { diagnostics } = compile(source);
  for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d, file)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    process.stderr.write(`${file}: ${errors} error${errors === 1 ? '' : 's'}\n`);
    return 1;
  }
  return 0;
}

function parseRunArgs(args: string[]): RunArgs {
  const r: RunArgs = {
    script: '',
    data: null,
    inputs: {},
    format: 'json',
    out: null,
    symbol: null,
    timeframe: null,
    saveAt: null,
    save: null,
    resume: null,
  };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new CliError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null];
    const take = (): string => {
      if (inline !== null) return inline;
      const v = value(i, flag);
      i++;
      return v;
    };
    switch (flag) {
      case '--data':
        r.data = take();
        break;
      case '--input': {
        const kv = take();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new CliError(`--input expects name=value, got '${kv}'`);
        r.inputs[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--format': {
        const f = take();
        if (f !== 'json' && f !== 'csv') throw new CliError(`--format must be json or csv, got '${f}'`);
        r.format = f;
        break;
      }
      case '--out':
        r.out = take();
        break;
      case '--symbol':
        r.symbol = take();
        break;
      case '--timeframe':
        r.timeframe = take();
        break;
      case '--save-at': {
        const v = take();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new CliError(`--save-at expects a bar index (0 or more), got '${v}'`);
        r.saveAt = n;
        break;
      }
      case '--save':
        r.save = take();
        break;
      case '--resume':
        r.resume = take();
        break;
      default:
        if (a.startsWith('--')) throw new CliError(`unknown option '${a}'\n${USAGE}`);
        if (r.script) throw new CliError(`unexpected argument '${a}' (the script is '${r.script}')`);
        r.script = a;
    }
  }
  if (!r.script) throw new CliError(`run needs a script file\n${USAGE}`);
  if (!r.data) throw new CliError('run needs --data <bars.csv>');
  if ((r.saveAt === null) !== (r.save === null)) throw new CliError('--save-at and --save go together');
  if (r.resume && Object.keys(r.inputs).length > 0) {
    throw new CliError('--input cannot be combined with --resume: the snapshot carries its input values');
  }
  return r;
}

/** Smallest price step written in the data (at most 10 decimals), as a default mintick. */
function inferMintick(bars: BarColumns): number {
  let decimals = 0;
  const n = Math.min(bars.length, 2000);
  for (let i = 0; i < n && decimals < 10; i++) {
    for (const col of [bars.open, bars.high, bars.low, bars.close]) {
      const v = col[i] ?? 0;
      while (decimals < 10 && Math.abs(Math.round(v * 10 ** decimals) - v * 10 ** decimals) > 1e-7) decimals++;
    }
  }
  return Number(`1e-${decimals}`);
}

/** The most common spacing between bars, as a Pine timeframe. */
function inferTimeframe(bars: BarColumns): string {
  const counts = new Map<number, number>();
  const n = Math.min(bars.length, 5000);
  for (let i = 1; i < n; i++) {
    const dt = (bars.time[i] ?? 0) - (bars.time[i - 1] ?? 0);
    counts.set(dt, (counts.get(dt) ?? 0) + 1);
  }
  let best = 86_400_000;
  let bestCount = 0;
  for (const [dt, c] of counts) {
    if (c > bestCount) {
      best = dt;
      bestCount = c;
    }
  }
  const min = best / 60_000;
  if (min >= 1440 * 27) return '1M';
  if (min >= 1440 * 6) return '1W';
  // Daily data skips weekends and holidays; anything a day or longer (but less than a week) is D.
  if (min >= 1440) return '1D';
  if (min >= 1) return String(Math.round(min));
  return `${Math.max(1, Math.round(best / 1000))}S`;
}

function run(a: RunArgs): number {
  const source = readText(a.script, 'script');
  const { program, diagnostics } = compile(source);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!program || errors.length > 0) {
    for (const d of errors) process.stderr.write(`${formatDiagnostic(d, a.script)}\n`);
    throw new CliError(`${a.script}: ${errors.length} compile error${errors.length === 1 ? '' : 's'}; nothing was run`);
  }
  const dataPath = a.data ?? '';
  const { bars, warnings } = parseBarsCsv(readText(dataPath, 'data file'), { name: dataPath });
  for (const w of warnings) process.stderr.write(`evergreen: warning: ${w}\n`);
  if (bars.length === 0) throw new CliError(`${dataPath}: no bars`);

  let inst: Instance;
  let from = 0;
  if (a.resume) {
    const bytes = new Uint8Array(readFileSync(a.resume));
    inst = Instance.restoreState(bytes).expectProgram(program).build();
    from = inst.barIndex + 1;
    if (from > bars.length) {
      throw new CliError(`${dataPath} has ${bars.length} bars, but the snapshot is already at bar ${inst.barIndex}`);
    }
    const t = bars.time[inst.barIndex];
    if (inst.barIndex >= 0 && t !== inst.lastBarTime) {
      throw new CliError(
        `${dataPath} does not continue the snapshot: its bar ${inst.barIndex} opens at ${isoTime(t ?? NaN)}, the snapshot's last bar opened at ${isoTime(inst.lastBarTime)}`,
      );
    }
  } else {
    const symbol = loadSymbol(a.symbol, dataPath, bars);
    const tf = a.timeframe ?? symbol.period ?? inferTimeframe(bars);
    if (!parseTimeframe(tf)) throw new CliError(`unknown timeframe '${tf}' (e.g. 1, 15, 60, 1D, 1W, 1M)`);
    inst = Instance.builder(program).symbol(symbol.info).timeframe(tf).inputs(a.inputs).totalBars(bars.length).build();
  }

  try {
    if (a.saveAt !== null && a.save !== null) {
      if (a.saveAt < from || a.saveAt >= bars.length) {
        throw new CliError(`--save-at ${a.saveAt} is outside the bars run (${from} to ${bars.length - 1})`);
      }
      inst.runBars(bars, from, a.saveAt + 1);
      writeFileSync(a.save, inst.saveState());
      inst.runBars(bars, a.saveAt + 1, bars.length);
    } else {
      inst.runBars(bars, from, bars.length);
    }
  } catch (e) {
    if (e instanceof PineRuntimeError) {
      const where = e.frames.map((f) => `    at ${f.fn} (${a.script}:${f.line}:${f.column})`).join('\n');
      throw new CliError(`${a.script}:${e.line}:${e.column}: runtime error at bar ${e.bar}: ${e.detail}\n${where}`);
    }
    throw e;
  }
  for (const l of inst.logs) process.stderr.write(`[${l.level}] bar ${l.bar}: ${l.message}\n`);

  const cols = plotColumns(program, inst, from, bars.length);
  const text = a.format === 'csv' ? toCsv(inst, from, bars.length, cols) : toJson(bars.length - from, cols);
  if (a.out) writeFileSync(a.out, text);
  else process.stdout.write(text);
  return 0;
}

function loadSymbol(path: string | null, dataPath: string, bars: BarColumns): { info: SymbolInfo; period: string | null } {
  if (path) {
    const file = readSymbolToml(readText(path, 'symbol file'));
    return { info: file.symbol, period: file.period };
  }
  const ticker = basename(dataPath).replace(/\.[^.]*$/, '').toUpperCase().replace(/[^A-Z0-9_]+/g, '_') || 'DATA';
  return { info: defaultSymbolInfo(inferMintick(bars), ticker), period: null };
}

function isoTime(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : 'unknown';
}

function inspect(args: string[]): number {
  const file = args[0];
  if (!file || args.length > 1) throw new CliError(`inspect takes one snapshot file\n${USAGE}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new CliError(`cannot read the snapshot '${file}': ${describeError(e)}`);
  }
  process.stdout.write(inspectSnapshot(bytes, file));
  return 0;
}

export type { Program };
