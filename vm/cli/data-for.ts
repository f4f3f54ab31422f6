// The run command's other-symbol datasets: `--data-for TICKER=file.csv` (repeatable; a ticker may
// have several files at different timeframes, e.g. daily and hourly) and `--symbol-for
// TICKER=file.toml` (that ticker's sessions, timezone and, with `period`, its bars' timeframe).
// They answer the instance's data requests (a host call: runtime/request-data.ts): a request for
// "NASDAQ:AAPL" takes the files of "NASDAQ:AAPL" or else "AAPL" (and a request for "AAPL" those of
// a single "X:AAPL"). A request nobody gave data for fails naming the ticker and the flag to use.
// request.security_lower_tf's intrabars of the chart's own symbol come from a --data-for of the
// chart's ticker at a lower timeframe; without one, the chart's own bars answer (at the chart's
// timeframe each chart bar is its own single intrabar, as on TradingView).

import { readFileBounded, READ_LIMITS, TooLargeError } from './read-bounded.js';
import { readBarsFile } from './read-bars.js';
import type { DataAnswer, DataRequest, RequestDataset } from '../index.js';
import type { SymbolInfo } from '../core/runtime.js';
import { parseBarsCsv } from '../data/csv.js';
import { isParseError } from '../data/csv-error.js';
import { inferMintick, inferTimeframe } from '../data/infer.js';
import { parseTimeframe } from '../builtins/time/timeframe.js';
import { readSymbolToml, SymbolFileError } from '../builtins/time/symbol-info.js';

/** A problem with a --data-for / --symbol-for value or file, worded for the user. */
export class DataForError extends Error {}

/** `TICKER=path` of --data-for / --symbol-for, checked. */
export function parseTickerFile(flag: string, v: string, example: string): [string, string] {
  const eq = v.indexOf('=');
  if (eq <= 0 || eq === v.length - 1) throw new DataForError(`${flag} expects TICKER=${example}, got '${v}'`);
  return [v.slice(0, eq).trim(), v.slice(eq + 1)];
}

function readBuffer(path: string, what: string): Buffer {
  try {
    return readFileBounded(path, what === 'symbol file' ? READ_LIMITS.symbol : READ_LIMITS.bars);
  } catch (e) {
    if (e instanceof TooLargeError) throw new DataForError(`cannot read the ${what} '${path}': ${e.message}`);
    const code = (e as { code?: unknown }).code;
    throw new DataForError(`cannot read the ${what} '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? e)}`);
  }
}

function readText(path: string, what: string): string {
  return readBuffer(path, what).toString('utf8');
}

/** A UTF-16 file (its byte order mark first), decoded. */
function utf16(b: Buffer): string {
  return new TextDecoder(b[0] === 0xfe ? 'utf-16be' : 'utf-16le').decode(b);
}

/** The chart's own bars, timeframe and symbol (--data's). */
export interface ChartDataset {
  bars: RequestDataset['bars'];
  timeframe: string;
  symbol: SymbolInfo;
}

/** The datasets of --data-for / --symbol-for, by ticker, read once when first asked for. */
export class OtherData {
  private readonly files = new Map<string, string[]>();
  private readonly symbols = new Map<string, string>();
  private readonly read = new Map<string, RequestDataset[]>();

  constructor(
    dataFor: readonly [string, string][],
    symbolFor: readonly [string, string][],
    private readonly chart: ChartDataset | null = null,
  ) {
    for (const [t, p] of dataFor) this.files.set(t, [...(this.files.get(t) ?? []), p]);
    for (const [t, p] of symbolFor) {
      if (!this.files.has(t)) throw new DataForError(`--symbol-for ${t}=${p}: no --data-for ${t}=file.csv goes with it`);
      this.symbols.set(t, p);
    }
  }

  get size(): number {
    return this.files.size;
  }

  /** The given ticker that answers for `symbol`, or null. */
  private tickerFor(symbol: string): string | null {
    if (this.files.has(symbol)) return symbol;
    const bare = symbol.slice(symbol.indexOf(':') + 1);
    if (this.files.has(bare)) return bare;
    const prefixed = [...this.files.keys()].filter((k) => k.slice(k.indexOf(':') + 1) === bare);
    return prefixed.length === 1 ? (prefixed[0] as string) : null;
  }

  private datasets(ticker: string): RequestDataset[] {
    const hit = this.read.get(ticker);
    if (hit) return hit;
    let sym: Partial<SymbolInfo> = { ticker: ticker.slice(ticker.indexOf(':') + 1), tickerid: ticker };
    let period: string | null = null;
    const symPath = this.symbols.get(ticker);
    if (symPath !== undefined) {
      try {
        const f = readSymbolToml(readText(symPath, 'symbol file'));
        sym = f.symbol;
        period = f.period;
      } catch (e) {
        if (e instanceof SymbolFileError) throw new DataForError(`--symbol-for ${ticker}=${symPath}: ${e.message}`);
        throw e;
      }
    }
    const out = (this.files.get(ticker) ?? []).map((path): RequestDataset => {
      let bars;
      try {
        // As --data's file: read in pieces (a device or a pipe never sits in memory whole), UTF-16 decoded whole.
        const cannotRead = (e: unknown): never => {
          const code = (e as { code?: unknown }).code;
          throw new DataForError(`cannot read the data file '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? e)}`);
        };
        bars = (readBarsFile(path, path, cannotRead) ?? parseBarsCsv(utf16(readBuffer(path, 'data file')), { name: path })).bars;
      } catch (e) {
        if (isParseError(e)) throw new DataForError(`--data-for ${ticker}=${path}: ${e.message}`);
        throw e;
      }
      // A ticker with several files: each file's own spacing; one file: the symbol file's period.
      const files = this.files.get(ticker)?.length ?? 1;
      const tf = files === 1 && period !== null ? period : bars.length > 1 ? inferTimeframe(bars) : (period ?? '1D');
      if (!parseTimeframe(tf)) throw new DataForError(`--data-for ${ticker}=${path}: unknown timeframe '${tf}'`);
      // Without a symbol file the price step comes from the prices, as for the chart's own file.
      return { bars, timeframe: tf, symbol: symPath === undefined ? { ...sym, mintick: inferMintick(bars) } : sym };
    });
    this.read.set(ticker, out);
    return out;
  }

  /** The answer to an instance's data request. */
  readonly answer: DataAnswer = (req: DataRequest) => {
    const ticker = this.tickerFor(req.symbol);
    const c = this.chart;
    if (ticker === null && c !== null && (req.symbol === c.symbol.tickerid || req.symbol === c.symbol.ticker)) {
      return { datasets: [{ bars: c.bars, timeframe: c.timeframe, symbol: c.symbol }] };
    }
    if (ticker === null) {
      const given = [...this.files.keys()];
      return {
        datasets: null,
        why: `give its bars with --data-for ${req.symbol}=file.csv${given.length > 0 ? `; given: ${given.map((t) => (t.length > 60 ? `${t.slice(0, 40)}… (${t.length.toLocaleString('en-US')} characters)` : t)).join(', ')}` : ''}`,
      };
    }
    return { datasets: this.datasets(ticker) };
  };
}
