// The `evergreen` command (Node only):
//   evergreen check <script.pine>...
//   evergreen run <script.pine> --data <bars.csv> [--input name=value]... [--format json|csv]
//                 [--out file] [--symbol info.toml] [--timeframe tf] [--chart-timeframe tf] [--data-for T=file] [--symbol-for T=file.toml]
//                 [--save-at <bar>] [--save <file>] [--resume <file>] [--drawings <file>] [--export <file>]
//   evergreen run --resume <checkpoint.evergreen> [--data <bars.csv>]
//   evergreen inspect <snapshot>
// Every failure is one clear line on stderr (no stack trace) and exit code 1; compile errors come
// first as `file:line:col: code: message` lines.

import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { readFileBounded, READ_LIMITS, TooLargeError } from './read-bounded.js';
import { basename } from 'node:path';
import {
  compile,
  formatDiagnostic,
  Instance,
  PineRuntimeError,
  parseBarsCsv,
  ParseError,
  InstanceError,
  runBarsAnswering,
  type Program,
  type InputValue,
  type InputInfo,
  type SymbolInfo,
} from '../index.js';
import { SnapshotError, readSnapshot } from '../snapshot/format.js';
import { JsonWithDrawings, drawingsJson, drawsAnything, writeDrawingsFile } from './drawings.js';
import { decodeBody } from '../snapshot/state.js';
import { SymbolFileError, readSymbolToml, defaultSymbolInfo } from '../builtins/time/symbol-info.js';
import { parseTimeframe, timeframeSeconds } from '../builtins/time/timeframe.js';
import { sessionSchedule } from '../builtins/time/session.js';
import { NAMED_COLORS } from '../builtins/color.js';
import { colorFromRgba } from '../runtime/color-value.js';
import { scanIsoTime } from '../data/scan-time.js';
import { sliceBars, type BarColumns } from '../data/bars.js';
import { csvSymbolInfo, inferMintick, inferTimeframe } from '../data/infer.js';
import { inspectSnapshot } from './inspect.js';
import { barsForSnapshot, chartBars, TimeframeFlagError } from './timeframe-flags.js';
import { type ChartDataset, DataForError, OtherData, parseTickerFile } from './data-for.js';
import { plotColumns, type PlotColumn, TextSink, toCsv, toJson, toJsonFromItems, warmUpJson } from './output.js';
import { OutFile } from './out-file.js';
import { type JsonPipeline, startJsonPipeline } from './fast-path.js';
import { printErr, printOut, stdout } from './terminal-text.js';
import { readBarsFile } from './read-bars.js';
import { rehearse } from './rehearsal.js';
import { StrategyJsonSink, strategyJson, tradesCsv } from './trades.js';
import { brokerOf, strategyReport } from '../builtins/strategy/report.js';
import type { CheckpointFile } from '../snapshot/checkpoint-file.js';
import { checkpointFileBytes, exportProblem, isCheckpointFile, PortableError, resumeCheckpointFile, type PortableResume } from './portable.js';

declare const __EVERGREEN_VERSION__: string | undefined;
const VERSION = typeof __EVERGREEN_VERSION__ === 'string' ? __EVERGREEN_VERSION__ : 'dev';

const USAGE = `Usage:
  evergreen check <script.pine>...
  evergreen run <script.pine> --data <bars.csv> [options]   (or: run <script.pine> <bars.csv>)
  evergreen run --resume <checkpoint.evergreen> [--data <bars.csv>] [options]
  evergreen inspect <snapshot-file>
  evergreen <command> --help | evergreen --help | evergreen --version`;

const HELP_MAIN = `evergreen ${VERSION}: check and run Pine Script (v6, v5 accepted) over CSV bars, save and resume snapshots.

${USAGE}

Commands:
  check     print every diagnostic as file:line:col: code: message; exit 1 when there are errors
  run       run a script over bars from a CSV file and print its plots (JSON or CSV)
  inspect   print a snapshot's header, section sizes, inputs and variable values

Run 'evergreen run --help' for the options of run.
`;

const HELP_CHECK = `Usage: evergreen check <script.pine>... [--lib <library.pine>]...

Compiles each script and prints every diagnostic (errors and warnings) on stdout as
  file:line:col: code: message
then a count of errors on stderr. Exit code 1 when any script has an error, else 0.
`;

const HELP_RUN = `Usage: evergreen run <script.pine> --data <bars.csv> [options]
       evergreen run <script.pine> <bars.csv> [options]

Options:
  --data <file>|-        bars as CSV (- reads stdin; a file named after the script is the same):
                         a header row naming time (or date, timestamp, datetime), open, high,
                         low, close and optionally volume, in any case and order
  --input <name=value>   override an input, by its variable name or its title (repeatable)
  --format json|csv      output format (default json):
                           json  {"bars": N, "plots": {"<title>": [v0, v1, ...]}}, null for na
                           csv   time,<title>,... one row per bar, empty cell for na
  --out <file>           write the output to a file instead of stdout
  --timeframe <tf>       the bars' timeframe (1, 15, 60, 1D, 1W, 1M, ...), also the chart's unless
                         --chart-timeframe is given; default: the bar spacing
  --chart-timeframe <tf> run on a higher timeframe: the bars are resampled to it first
  --data-for T=file.csv  bars of another symbol T for request.security("T", ...) (repeatable; the
                         chart's own ticker at a lower timeframe gives the intrabars of
                         request.security_lower_tf and of request.security below the chart's
                         timeframe); a request for "EXCH:T" also takes the files of T
  --symbol-for T=f.toml  symbol information of T (sessions, timezone; \`period\`: its bars' timeframe)
  --symbol <file.toml>   symbol information (ticker, timezone, mintick, session, ...)
  --lib <file.pine>      a library the script imports (\`import user/Name/1\` takes the library
                         whose library("Name") title matches; repeatable)
  --trades <file>        strategies: write TradingView's "List of trades" CSV (- for stdout);
                         the JSON output also gains a "strategy" section (trades, summary, equity)
  --magnifier-data <f>   strategies with use_bar_magnifier = true: lower-timeframe bars (CSV) whose
                         intrabar paths decide the limit/stop fills inside each chart bar
  --save-at <bar>        with --save: save the snapshot after this bar (bar_index, 0-based)
  --save <file>          write a snapshot (after the last bar when --save-at is not given)
  --drawings <file>      write the drawings alive at the end (labels, lines, boxes, tables,
                         polylines, linefills) to a file as JSON; --format json also lists them
                         under "drawings" for a script that draws
  --resume <file>        continue a snapshot from its next bar; prints the resumed bars only. The
                         data must hold the snapshot's last bar (same open time) or start after it.
                         A checkpoint file (.evergreen, exported from the app or by --export)
                         carries its script (give none, or the same one with other colors/titles)
                         and maybe its bars: without --data the run goes on over them; --data
                         must hold the checkpoint's bars unchanged (checked) or start after them.
  --export <file>        write a portable checkpoint file (.evergreen) after the last bar (or
                         --save-at's): the script, the snapshot, the plot rows and the bars, which
                         the app imports (Checkpoints > Import) and continues; the same bytes as
                         the app's export of the same run

Compile errors are printed on stderr as file:line:col: code: message. Every failure is one line on
stderr and exit code 1.
`;

const HELP_INSPECT = `Usage: evergreen inspect <snapshot-file>

Prints the snapshot's header (format, VM version, script, program hash, last bar, flags, symbol and
timeframe), the size of each section, the input values and the value of every script variable at
its last bar. A damaged, truncated or foreign file is refused with exit code 1 and one line saying why.
`;

/** A failure the user must see as one line. */
class CliError extends Error {}

/** A usage mistake: one line plus where to read about it. */
function usage(message: string, command: 'run' | 'check' | 'inspect' | null): CliError {
  return new CliError(`${message} (see 'evergreen ${command === null ? '' : `${command} `}--help')`);
}

interface RunArgs {
  script: string;
  data: string | null;
  inputs: [string, string][];
  format: 'json' | 'csv';
  out: string | null;
  symbol: string | null;
  timeframe: string | null;
  chartTimeframe: string | null;
  dataFor: [string, string][];
  symbolFor: [string, string][];
  saveAt: number | null;
  save: string | null;
  resume: string | null;
  /** --lib files: libraries the script may import. */
  libs: string[];
  trades: string | null;
  /** --magnifier-data <file>: lower-timeframe bars for the strategy's bar magnifier. */
  magnifierData: string | null;
  /** --drawings <file> (Tier 2). */
  drawings: string | null;
  /** --export <file.evergreen>: a portable checkpoint file (cli/portable.ts). */
  export: string | null;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    const wantsHelp = rest.includes('--help') || rest.includes('-h');
    switch (cmd) {
      case 'check':
        if (wantsHelp) return help(HELP_CHECK);
        return check(rest);
      case 'run':
        if (wantsHelp) return help(HELP_RUN);
        return run(parseRunArgs(rest));
      case 'inspect':
        if (wantsHelp) return help(HELP_INSPECT);
        return inspect(rest);
      case 'help':
        return help(rest[0] === 'run' ? HELP_RUN : rest[0] === 'check' ? HELP_CHECK : rest[0] === 'inspect' ? HELP_INSPECT : HELP_MAIN);
      case '-h':
      case '--help':
        return help(HELP_MAIN);
      case '-v':
      case '--version':
        stdout().write(`evergreen ${VERSION}\n`);
        return 0;
      case undefined:
        process.stderr.write(`${USAGE}\n`);
        return 1;
      default:
        throw usage(`unknown command '${cmd}'`, null);
    }
  } catch (e) {
    printErr(`evergreen: ${describeError(e)}\n`);
    return 1;
  }
}

function help(text: string): number {
  stdout().write(text);
  return 0;
}

function describeError(e: unknown): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof TimeframeFlagError || e instanceof DataForError) return e.message;
  if (e instanceof ParseError) return e.message;
  if (e instanceof SnapshotError) return e.message;
  if (e instanceof SymbolFileError) return e.message;
  if (e instanceof InstanceError) return e.message;
  if (e instanceof PineRuntimeError) return e.message;
  const code = systemErrorCode(e);
  if (code !== null) return systemErrorText(code, e);
  return e instanceof Error ? `internal error: ${e.message}` : String(e);
}

function systemErrorCode(e: unknown): string | null {
  if (e instanceof Error && 'code' in e && typeof e.code === 'string') return e.code;
  return null;
}

function systemErrorText(code: string, e: unknown): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function readBytes(path: string | number, what: string, shown = `'${String(path)}'`): Uint8Array {
  try {
    const b = readFileBounded(path, what === 'snapshot' ? READ_LIMITS.snapshot : READ_LIMITS.bars);
    // A large file has a buffer of its own: viewed, not copied (a 1M-bar CSV is 40 MB).
    return b.byteOffset === 0 && b.buffer.byteLength === b.byteLength ? new Uint8Array(b.buffer) : new Uint8Array(b);
  } catch (e) {
    if (e instanceof TooLargeError) throw new CliError(`cannot read the ${what} ${shown}: ${e.message}`);
    throw new CliError(`cannot read the ${what} ${shown}: ${systemErrorText(systemErrorCode(e) ?? '', e)}`);
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileBounded(path, what === 'symbol file' ? READ_LIMITS.symbol : READ_LIMITS.script).toString('utf8');
  } catch (e) {
    if (e instanceof TooLargeError) throw new CliError(`cannot read the ${what} '${path}': ${e.message}`);
    throw new CliError(`cannot read the ${what} '${path}': ${systemErrorText(systemErrorCode(e) ?? '', e)}`);
  }
}

/** UTF-8, or UTF-16 when the file starts with a UTF-16 byte order mark (Excel's "Unicode text"). */
function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function writeOut(path: string, what: string, data: string | Uint8Array): void {
  fileOp(path, what, () => writeFileSync(path, data));
}

/** A write to `path`, its failure as one line. */
function fileOp<T>(path: string, what: string, op: () => T): T {
  try {
    return op();
  } catch (e) {
    const code = systemErrorCode(e) ?? '';
    const why = code === 'ENOENT' ? 'its folder does not exist' : systemErrorText(code, e);
    throw new CliError(`cannot write the ${what} '${path}': ${why}`);
  }
}

function check(all: string[]): number {
  // `--lib file` (repeatable): libraries the scripts may import.
  const libs: string[] = [];
  const args: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const a = all[i] ?? '';
    if (a === '--lib' || a.startsWith('--lib=')) {
      const v = a === '--lib' ? all[++i] : a.slice('--lib='.length);
      if (v === undefined || v === '') throw usage('--lib needs a value', 'check');
      libs.push(v);
    } else args.push(a);
  }
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown !== undefined) throw usage(`unknown option '${unknown}' for check`, 'check');
  if (args.length === 0) throw usage('check needs a script file', 'check');
  const libraries = libs.map((l) => readText(l, 'library'));
  let failed = 0;
  for (const file of args) {
    const source = readText(file, 'script');
    const { diagnostics } = compile(source, { libraries });
    for (const d of diagnostics) printOut(`${formatDiagnostic(d, file)}\n`);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (errors > 0) {
      printErr(`${file}: ${errors} error${errors === 1 ? '' : 's'}\n`);
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}

function parseRunArgs(args: string[]): RunArgs {
  const r: RunArgs = {
    script: '',
    data: null,
    inputs: [],
    format: 'json',
    out: null,
    symbol: null,
    timeframe: null,
    chartTimeframe: null,
    dataFor: [],
    symbolFor: [],
    saveAt: null,
    save: null,
    resume: null,
    libs: [],
    trades: null,
    magnifierData: null,
    drawings: null,
    export: null,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const eqAt = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eqAt > 0 ? a.slice(0, eqAt) : a;
    const inline = eqAt > 0 ? a.slice(eqAt + 1) : null;
    const take = (): string => {
      if (inline !== null) return inline;
      const v = args[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw usage(`${flag} needs a value`, 'run');
      i++;
      return v;
    };
    switch (flag) {
      case '--data':
        if (r.data !== null) throw usage(`two data files: '${r.data}' and --data`, 'run');
        r.data = take();
        break;
      case '--input': {
        const kv = take();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw usage(`--input expects name=value, got '${kv}'`, 'run');
        r.inputs.push([kv.slice(0, eq).trim(), kv.slice(eq + 1)]);
        break;
      }
      case '--format': {
        const f = take().toLowerCase();
        if (f !== 'json' && f !== 'csv') throw usage(`--format must be json or csv, got '${f}'`, 'run');
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
      case '--chart-timeframe':
        r.chartTimeframe = take();
        break;
      case '--data-for':
        r.dataFor.push(parseTickerFile('--data-for', take(), 'file.csv'));
        break;
      case '--symbol-for':
        r.symbolFor.push(parseTickerFile('--symbol-for', take(), 'file.toml'));
        break;
      case '--save-at': {
        const v = take();
        const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
        if (!Number.isSafeInteger(n)) throw usage(`--save-at expects a bar index (0 or more), got '${v}'`, 'run');
        r.saveAt = n;
        break;
      }
      case '--save':
        r.save = take();
        break;
      case '--drawings':
        r.drawings = take();
        break;
      case '--resume':
        r.resume = take();
        break;
      case '--export':
        r.export = take();
        break;
      case '--lib':
        r.libs.push(take());
        break;
      case '--trades':
        r.trades = take();
        break;
      case '--magnifier-data':
        r.magnifierData = take();
        break;
      default:
        if (a.startsWith('-') && a.length > 1) throw usage(`unknown option '${a}' for run`, 'run');
        if (!r.script) r.script = a;
        // `evergreen run script.pine bars.csv`: a second file is the data, as with --data.
        else if (r.data === null) r.data = a;
        else throw usage(`unexpected argument '${a}' (the script is '${r.script}', the data '${r.data ?? ''}')`, 'run');
    }
  }
  // A checkpoint file (.evergreen) carries its script, and maybe its bars (cli/portable.ts).
  if (!r.script && !r.resume) throw usage('run needs a script file', 'run');
  if (!r.data && !r.resume) throw usage('run needs --data <bars.csv>', 'run');
  if (r.saveAt !== null && r.save === null && r.export === null) throw usage('--save-at needs --save <file> or --export <file>', 'run');
  if (r.resume !== null && r.chartTimeframe !== null) throw usage('--chart-timeframe cannot be combined with --resume: the snapshot carries its timeframe', 'run');
  if (r.resume) {
    // The snapshot carries the inputs, symbol and timeframe it was made with.
    const clash = r.inputs.length > 0 ? '--input' : r.symbol !== null ? '--symbol' : r.timeframe !== null ? '--timeframe' : null;
    if (clash) {
      throw new CliError(`${clash} cannot be combined with --resume: the snapshot carries its inputs, symbol and timeframe`);
    }
  }
  return r;
}

/** Turns `--input` text into the values the VM takes, for the kinds the VM does not read from text
 * (colors, times) and with clearer messages for empty values and bad timeframes. Unknown names are
 * left for the VM, which lists the script's inputs. */
function cliInputs(program: Program, given: [string, string][]): Record<string, InputValue> {
  const out: Record<string, InputValue> = {};
  const seen = new Map<number, string>();
  for (const [key, raw] of given) {
    const info = program.inputs.find((i) => i.varName === key || i.title === key || String(i.id) === key);
    if (!info) {
      out[key] = raw;
      continue;
    }
    const previous = seen.get(info.id);
    if (previous !== undefined && previous !== key) {
      throw new CliError(`--input ${key} and --input ${previous} set the same input '${info.varName ?? info.title}'`);
    }
    seen.set(info.id, key);
    out[key] = inputValue(info, raw);
  }
  return out;
}

function inputValue(info: InputInfo, raw: string): InputValue {
  const name = info.varName ?? info.title;
  const bad = (why: string): CliError => new CliError(`Input '${name}': ${why}.`);
  const v = raw.trim();
  switch (info.kind) {
    case 'int':
    case 'float':
    case 'price':
      if (v === '') throw bad('expected a number, got an empty value');
      return raw;
    case 'time': {
      if (v === '') throw bad('expected a time (unix milliseconds or an ISO date-time), got an empty value');
      const iso = scanIsoTime(v, 0, v.length);
      return Number.isNaN(iso) ? raw : iso;
    }
    case 'color': {
      const c = parseColor(v);
      if (c === null) throw bad(`expected a color like #FF5252, #FF525280 or red, got ${JSON.stringify(raw)}`);
      return c;
    }
    case 'bool':
      return /^(true|false)$/i.test(v) ? v.toLowerCase() : raw;
    case 'session':
      try {
        sessionSchedule(v, 'Etc/UTC');
      } catch (e) {
        throw bad(`${e instanceof Error ? e.message.replace(/\.$/, '') : String(e)}`);
      }
      return v;
    case 'timeframe':
      // One of the input's own options is taken as given (a script may offer 'Auto' or '1H' and map
      // it itself); TradingView offers only those then.
      if (info.options?.includes(v)) return v;
      if (v !== '' && parseTimeframe(v) === null) throw bad(`expected a timeframe like 1, 15, 60, 1D, 1W or 1M, got ${JSON.stringify(raw)}`);
      return v;
    default:
      return raw;
  }
}

/** `#RRGGBB`, `#RRGGBBAA` (AA: 00 transparent … FF opaque) or a Pine color name (`red`, `color.red`). */
function parseColor(text: string): number | null {
  const hex = /^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$/.exec(text);
  if (hex) {
    const rgb = parseInt(hex[1] ?? '', 16);
    const a = hex[2] === undefined ? 255 : parseInt(hex[2], 16);
    return colorFromRgba((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255, a);
  }
  const name = text.toLowerCase().replace(/^color\./, '');
  const named = Object.hasOwn(NAMED_COLORS, name) ? NAMED_COLORS[name] : undefined;
  return named === undefined ? null : parseColor(named);
}

function compileOrFail(path: string, libs: readonly string[] = []): Program {
  const source = readText(path, 'script');
  const libraries = libs.map((l) => readText(l, 'library'));
  const { program, diagnostics } = compile(source, { libraries });
  for (const d of diagnostics) printErr(`${formatDiagnostic(d, path)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (!program || errors > 0) {
    throw new CliError(`${path}: ${errors} compile error${errors === 1 ? '' : 's'}; nothing was run`);
  }
  return program;
}

/** Index of the bar opening at `t` in the (ascending) times, or -1. */
function findTime(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = times[mid] ?? NaN;
    if (v === t) return mid;
    if (v < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

interface Resumed {
  inst: Instance;
  /** First data row to run. */
  from: number;
  /** The bars to run (the data, resampled to the snapshot's timeframe when it is lower). */
  bars: BarColumns;
}

function resumeFrom(a: RunArgs, resume: string, program: Program, given: BarColumns, dataPath: string): Resumed {
  const bytes = readBytes(resume, 'snapshot');
  let inst: Instance;
  let savedLastBar = NaN;
  let savedTf = '';
  try {
    inst = Instance.restoreState(bytes).expectProgram(program).build();
    const d = decodeBody(readSnapshot(bytes).body);
    savedLastBar = d.state.lastBar;
    savedTf = d.env.timeframe.period;
  } catch (e) {
    if (e instanceof SnapshotError && e.code === 'program-mismatch') {
      throw new CliError(`${resume} was saved from another script (or another version of it) than ${a.script}: resume it with the script it was saved with`);
    }
    if (e instanceof SnapshotError) throw new CliError(`${resume}: ${e.message}`);
    throw e;
  }
  const header = Instance.peekSnapshot(bytes);
  if (header.failed) throw new CliError(`${resume} was saved after a runtime error stopped the script; there is nothing to resume`);
  if (header.suspended || header.realtimeOpen) {
    throw new CliError(`${resume} was saved ${header.suspended ? 'in the middle of a bar' : 'while a realtime bar was open'}; the CLI resumes snapshots saved between bars`);
  }
  // A snapshot made on a resampled chart (--chart-timeframe): the data resampled the same way.
  const bars = barsForSnapshot(given, inst.machine.chartSyminfo, inst.machine.timeframe, dataPath) ?? given;
  const k = inst.barIndex;
  const last = inst.lastBarTime;
  let from = 0;
  if (k >= 0) {
    const sameRow = k < bars.length && bars.time[k] === last;
    const row = sameRow ? k : findTime(bars.time, last);
    const first = bars.time[0] ?? NaN;
    if (row >= 0) from = row + 1;
    else if (first > last) from = 0;
    else {
      const end = bars.time[bars.length - 1] ?? NaN;
      throw new CliError(
        `${dataPath} does not continue the snapshot ${resume}: the snapshot's last bar (bar ${k}) opened at ${isoTime(last)}, but ${dataPath} has no bar at that time and does not start after it (its bars run from ${isoTime(first)} to ${isoTime(end)})`,
      );
    }
    if (row >= 0 && row !== k) {
      warn(`${dataPath}: the snapshot's last bar (bar ${k}) is row ${row} of this file; bar_index goes on from ${k + 1}`);
    }
  }
  const dataTf = bars.length > 1 ? inferTimeframe(bars) : null;
  if (dataTf !== null && savedTf !== '' && parseTimeframe(dataTf)?.period !== parseTimeframe(savedTf)?.period) {
    warn(`${dataPath} looks like ${dataTf} bars, but the snapshot runs on timeframe ${savedTf}`);
  }
  const endBar = k + (bars.length - from);
  // The chart now ends where this data ends: last_bar_index and barstate.islast follow it.
  if (endBar !== savedLastBar && endBar > k) inst.setTotalBars(endBar + 1);
  return { inst, from, bars };
}

/** A --symbol file's `period` that is not the bars' spacing (e.g. a symbol file exported from a
 * 15-minute chart given with hourly bars): the bars run at the file's period, and the user is told
 * how to say otherwise. */
function periodCheck(period: string, bars: BarColumns, path: string): void {
  if (bars.length < 3) return;
  const spacing = inferTimeframe(bars);
  const a = parseTimeframe(period);
  const b = parseTimeframe(spacing);
  if (a && b && timeframeSeconds(a) !== timeframeSeconds(b)) {
    warn(`${path} says period = "${period}", but the bars are "${spacing}" apart: they run as "${period}" bars (chart timeframe, request.security periods); pass --timeframe ${spacing} if they are "${spacing}" bars`);
  }
}

/** Warnings wait until everything is checked, so that a failure stays one line on stderr. */
const pendingWarnings: string[] = [];

function warn(message: string): void {
  pendingWarnings.push(`evergreen: warning: ${message}\n`);
}

function flushWarnings(): void {
  for (const w of pendingWarnings.splice(0)) printErr(w);
}

/** --magnifier-data: the lower-timeframe bars, for a strategy that asks for the bar magnifier. */
function magnifierBars(path: string, program: Program): BarColumns {
  if (program.meta.kind !== 'strategy' || program.meta.options.use_bar_magnifier !== true) {
    throw new CliError(`--magnifier-data needs a strategy declared with use_bar_magnifier = true`);
  }
  const cannotRead = (e: unknown): never => {
    throw new CliError(`cannot read the magnifier data file '${path}': ${systemErrorText(systemErrorCode(e) ?? '', e)}`);
  };
  const parsed = readBarsFile(path, path, cannotRead) || parseBarsCsv(decodeText(readBytes(path, 'magnifier data file')), { name: path });
  for (const w of parsed.warnings) warn(w);
  return parsed.bars;
}

function run(a: RunArgs): number {
  const resumeBytes = a.resume !== null ? readBytes(a.resume, 'snapshot') : null;
  const portableFile = a.resume !== null && resumeBytes !== null && isCheckpointFile(a.resume, resumeBytes);
  if (!a.script && !portableFile) throw usage('run needs a script file', 'run');
  if (!a.data && !portableFile) throw usage('run needs --data <bars.csv>', 'run');
  const program = a.script ? compileOrFail(a.script, a.libs) : null;
  warmUpJson(); // the number writers compile while the data is read (output.ts, shortest-number.ts)
  // The script over the data's first bars, dropped (rehearsal.ts): V8 then compiles the hot code early.
  if (program !== null && a.data !== null && a.data !== '-' && a.resume === null && a.save === null && a.export === null && a.magnifierData === null && a.dataFor.length === 0) {
    rehearse(program, a.data, () => cliInputs(program, a.inputs), a.timeframe);
  }
  if (a.data === null && a.resume !== null && resumeBytes !== null) return runPortable(a, a.resume, resumeBytes, program, null);
  const stdin = a.data === '-';
  const dataPath = stdin ? '<stdin>' : (a.data ?? '');
  const cannotRead = (e: unknown): never => {
    throw new CliError(`cannot read the data file '${dataPath}': ${systemErrorText(systemErrorCode(e) ?? '', e)}`);
  };
  const parsed = (!stdin && readBarsFile(dataPath, dataPath, cannotRead)) ||
    parseBarsCsv(decodeText(stdin ? readBytes(0, 'data from', 'stdin') : readBytes(dataPath, 'data file')), { name: dataPath });
  for (const w of parsed.warnings) warn(w);
  if (portableFile && a.resume !== null && resumeBytes !== null) return runPortable(a, a.resume, resumeBytes, program, { bars: parsed.bars, label: dataPath });
  if (program === null) throw usage('run needs a script file', 'run');
  let bars = parsed.bars;

  let inst: Instance;
  let from = 0;
  let chart: ChartDataset | null = null;
  if (a.resume) {
    ({ inst, from, bars } = resumeFrom(a, a.resume, program, bars, dataPath));
  } else {
    const inputs = cliInputs(program, a.inputs);
    const symbol = loadSymbol(a.symbol, dataPath, bars);
    const dataTf = a.timeframe ?? symbol.period ?? inferTimeframe(bars);
    if (a.timeframe === null && symbol.period !== null && a.symbol !== null) periodCheck(symbol.period, bars, a.symbol);
    if (!parseTimeframe(dataTf)) throw usage(`unknown timeframe '${dataTf}' (e.g. 1, 15, 60, 1D, 1W, 1M)`, 'run');
    const tf = a.chartTimeframe ?? dataTf;
    if (a.chartTimeframe !== null) bars = chartBars(bars, symbol.info, dataTf, a.chartTimeframe, dataPath);
    // calc_bars_count: the script runs on the last N bars; a request of the chart's own symbol is
    // answered with every bar (its periods and history are the whole data's, as on TradingView).
    const whole = bars;
    bars = calcBarsData(program, bars);
    inst = Instance.builder(program).symbol(symbol.info).timeframe(tf).inputs(inputs).totalBars(bars.length).build();
    chart = { bars: whole, timeframe: tf, symbol: symbol.info };
  }
  return runFrom(a, program, inst, bars, from, dataPath, null, chart);
}

/** `--resume x.evergreen` (cli/portable.ts): the file's script (or the given one, the same but for
 * presentation), its bars or --data's. */
function runPortable(a: RunArgs, path: string, bytes: Uint8Array, script: Program | null, data: { bars: BarColumns; label: string } | null): number {
  let r: PortableResume;
  try {
    r = resumeCheckpointFile(path, bytes, script && a.script ? { path: a.script, program: script } : null, data);
  } catch (e) {
    if (e instanceof PortableError) throw new CliError(e.message);
    throw e;
  }
  for (const w of r.warnings) warn(w);
  if (!a.script) a.script = path;
  return runFrom(a, r.program, r.inst, r.bars, r.from, r.carried ? null : r.dataLabel, r.file);
}

/** indicator()/strategy()(calc_bars_count = N): TradingView runs the script on the last N bars
 * only, as if they were the whole data (bar_index 0 on the first of them): the data's last N rows. */
function calcBarsData(program: Program, bars: BarColumns): BarColumns {
  const n = program.meta.options.calc_bars_count;
  return typeof n === 'number' && n > 0 && n < bars.length ? sliceBars(bars, bars.length - n) : bars;
}

/** Runs data rows [from, end) on `inst` and prints the outputs. `dataPath` null: the bars are a
 * resumed checkpoint file's own. */
function runFrom(a: RunArgs, program: Program, inst: Instance, bars: BarColumns, from: number, dataPath: string | null, resumedFile: CheckpointFile | null, chart: ChartDataset | null = null): number {
  const dataLabel = dataPath ?? `the bars of ${a.resume ?? ''}`;
  const other = new OtherData(a.dataFor, a.symbolFor, chart);
  if (a.magnifierData !== null) inst.setMagnifierBars(magnifierBars(a.magnifierData, program));
  // Bar index of data row i is i + offset (they differ only when a resumed file starts elsewhere).
  const offset = inst.barIndex + 1 - from;
  const firstBar = from + offset;

  const lastBar = bars.length - 1 + offset;
  const saveAt = a.save !== null || a.export !== null ? (a.saveAt ?? lastBar) : null;
  if (saveAt !== null && (saveAt < firstBar || saveAt > lastBar)) {
    throw new CliError(
      from >= bars.length
        ? `--save-at ${saveAt}: there are no bars to run (${dataLabel} ends at bar ${lastBar})`
        : `--save-at ${saveAt} is outside the bars run (${firstBar} to ${lastBar})`,
    );
  }
  if (a.export !== null) {
    const problem = exportProblem(offset, a.resume !== null && resumedFile === null);
    if (problem) throw new CliError(problem);
  }
  flushWarnings();
  // A plain JSON output's numbers are written while the script runs, by the helper thread when
  // there is one (fast-path.ts); a strategy's or a drawing script's JSON has more than plots.
  const pipeline =
    a.format === 'json' && saveAt === null && program.meta.kind !== 'strategy' && !drawsAnything(program)
      ? startJsonPipeline(from, bars.length, plotColumns(program, inst, firstBar, firstBar).length)
      : null;
  try {
    if (saveAt !== null) {
      const at = saveAt;
      runBarsAnswering(inst, bars, other.answer, from, at - offset + 1);
      if (a.save !== null) writeOut(a.save, 'snapshot', inst.saveState());
      if (a.export !== null) writeOut(a.export, 'checkpoint file', checkpointFileBytes(inst, { bars, dataPath, resumed: resumedFile, symbolText: a.symbol !== null ? readText(a.symbol, 'symbol file') : (resumedFile?.dataset?.symbol ?? null) }));
      runBarsAnswering(inst, bars, other.answer, at - offset + 1, bars.length);
    } else if (pipeline !== null) {
      pipeline.batches.forEach(([r0, r1], i) => {
        runBarsAnswering(inst, bars, other.answer, r0, r1);
        pipeline.ran(i, plotColumns(program, inst, r0 + offset, r1 + offset));
      });
    } else {
      runBarsAnswering(inst, bars, other.answer, from, bars.length);
    }
  } catch (e) {
    printLogs(inst, firstBar);
    if (e instanceof PineRuntimeError) {
      const where = e.frames.map((f) => `    at ${f.fn} (${a.script}:${f.line}:${f.column})`).join('\n');
      throw new CliError(`${a.script}:${e.line}:${e.column}: runtime error at bar ${e.bar}: ${e.detail}${where ? `\n${where}` : ''}`);
    }
    throw e;
  }
  printLogs(inst, firstBar);

  const count = Math.max(0, bars.length - from);
  const cols = plotColumns(program, inst, firstBar, firstBar + count);
  // strategy: the trade list and the JSON's strategy section.
  const broker = brokerOf(inst);
  if (a.trades !== null && broker === null) throw new CliError(`--trades needs a strategy: ${a.script} declares ${program.meta.kind}()`);
  const report = broker ? strategyReport(broker) : null;
  if (report && a.trades !== null) {
    const csv = tradesCsv(report, inst.machine.syminfo.currency, inst.machine.syminfo.timezone);
    // `--trades -` puts the trade list on stdout, instead of the plots unless --out takes them.
    if (a.trades === '-') stdout().write(csv);
    else writeOut(a.trades, 'trade list', csv);
    if (a.trades === '-' && a.out === null) return 0;
  }
  const outPath = a.out;
  const file = outPath !== null && outPath !== '-' ? fileOp(outPath, 'output', () => new OutFile(outPath)) : null;
  try {
    writeOutputs(a, program, inst, firstBar, count, cols, report, pipeline, offset, file);
  } catch (e) {
    file?.abandon();
    throw e;
  }
  if (file !== null) fileOp(outPath ?? '', 'output', () => file.finish());
  return 0;
}

/** Writes the plots (JSON or CSV) to `file`, or to stdout when it is null. */
function writeOutputs(
  a: RunArgs, program: Program, inst: Instance, firstBar: number, count: number, cols: PlotColumn[], report: ReturnType<typeof strategyReport> | null,
  pipeline: JsonPipeline | null, offset: number, file: OutFile | null,
): void {
  const emit: (chunk: Buffer) => void =
    file !== null
      ? (chunk: Buffer) => fileOp(a.out ?? '', 'output', () => file.write(chunk))
      : (chunk: Buffer) => {
          stdout().write(chunk);
        };
  // A file write is done with a chunk when it returns: the sink may reuse its buffer.
  const reuse = file !== null;
  const sink =
    report && a.format === 'json'
      ? new StrategyJsonSink(emit, strategyJson(report), reuse, drawsAnything(program) ? drawingsJson(inst.drawings(), '  ') : null)
      : a.format === 'json' && drawsAnything(program)
        ? new JsonWithDrawings(emit, inst.drawings(), reuse)
        : new TextSink(emit, reuse);
  if (a.drawings !== null) {
    const path = a.drawings;
    fileOp(path, 'drawings', () => writeDrawingsFile(path, inst.drawings()));
  }
  if (a.format === 'csv') toCsv(inst, firstBar, firstBar + count, cols, sink);
  else if (pipeline !== null) {
    const items = pipeline.finish((r0, r1) => plotColumns(program, inst, r0 + offset, r1 + offset));
    toJsonFromItems(count, cols.map((c) => c.title), items, sink);
  } else toJson(count, cols, sink);
  sink.end();
}

/** The script's log.* messages and alert() calls of the bars this run computed, on stderr, in bar
 * order (within a bar: logs, then alerts). alertcondition() only declares a condition a user may
 * set an alert on; its bars are not printed (on most scripts it would be half of them). */
function printLogs(inst: Instance, firstBar: number): void {
  const alerts = inst.alerts.filter((a) => a.bar >= firstBar && a.kind === 'alert');
  let k = 0;
  const alertsUpTo = (bar: number) => {
    for (; k < alerts.length && (alerts[k]?.bar ?? Infinity) <= bar; k++) {
      const a = alerts[k];
      if (a) printErr(`[alert] bar ${a.bar}: ${a.message}\n`);
    }
  };
  for (const l of inst.logs) {
    if (l.bar < firstBar) continue;
    alertsUpTo(l.bar - 1);
    printErr(`[${l.level}] bar ${l.bar}: ${l.message}\n`);
  }
  alertsUpTo(Infinity);
}

function loadSymbol(path: string | null, dataPath: string, bars: BarColumns): { info: SymbolInfo; period: string | null } {
  if (path) {
    let file: ReturnType<typeof readSymbolToml>;
    try {
      file = readSymbolToml(readText(path, 'symbol file'));
    } catch (e) {
      if (e instanceof SymbolFileError) throw new CliError(`${path}: ${e.message}`);
      throw e;
    }
    return { info: file.symbol, period: file.period };
  }
  // The app names an imported file's symbol the same way (vm/data/infer.ts): same snapshot bytes.
  if (dataPath === '<stdin>') return { info: defaultSymbolInfo(inferMintick(bars), 'DATA'), period: null };
  return { info: csvSymbolInfo(basename(dataPath), bars), period: null };
}

function isoTime(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : 'unknown';
}

function inspect(args: string[]): number {
  const unknown = args.find((x) => x.startsWith('-'));
  if (unknown !== undefined) throw usage(`unknown option '${unknown}' for inspect`, 'inspect');
  const file = args[0];
  if (!file || args.length > 1) throw usage('inspect takes one snapshot file', 'inspect');
  const bytes = readBytes(file, 'snapshot');
  let text: string;
  try {
    text = inspectSnapshot(bytes, file);
  } catch (e) {
    if (e instanceof SnapshotError) throw new CliError(`${file}: ${e.message}`);
    // Anything else thrown while decoding a file that passed the checksum is still a bad file.
    throw new CliError(`${file}: Bad snapshot (corrupt): ${e instanceof Error ? e.message : String(e)}`);
  }
  printOut(text);
  return 0;
}

export type { Program };
