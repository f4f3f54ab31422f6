// Other symbols' bars for request.security / request.security_lower_tf, given by the host.
//
// Data is a host call: when a request names a symbol the instance has no answer for, the context
// code (runtime/contexts.ts) throws `DataNeeded` BEFORE changing any state; the machine stops at the
// CTX_IN instruction (like an instruction-budget yield, pc kept), the Instance reports
// `{ status: 'needs-data', request }`, the host answers with `provideData(symbol, datasets | null)`
// and calls `resume()`, which runs the CTX_IN again. The answers are host data, not state: a
// snapshot keeps only each context's position in the other symbol's bars, and a restored instance
// asks again when it next needs them (it never re-reads bars a context already consumed).
//
// A symbol may have several datasets at different timeframes (e.g. daily and hourly): a request at
// timeframe T uses the dataset of the highest timeframe not above T, resampled to T with the other
// symbol's sessions (data/resample.ts); request.security_lower_tf uses the same rule for its
// intrabars.

import { DEFAULT_SYMBOL, type SymbolInfo, type TimeframeInfo } from '../core/runtime.js';
import type { BarColumns } from '../data/bars.js';
import { resampleBars, ResampleError } from '../data/resample.js';
import { parseTimeframe, timeframeSeconds } from '../builtins/time/timeframe.js';
import { barCloseTime } from '../builtins/time/periods.js';

/** One dataset of a symbol, as the host gives it. */
export interface RequestDataset {
  /** Bars, oldest first, at `timeframe`. */
  bars: BarColumns;
  /** The bars' timeframe ("60", "1D", ...). */
  timeframe: string;
  /** Sessions and timezone of the symbol (defaults: round the clock, UTC). */
  symbol?: Partial<SymbolInfo>;
}

/** What a suspended instance asks the host for. */
export interface DataRequest {
  /** The symbol as the script names it ("EURUSD", "NASDAQ:AAPL"). */
  symbol: string;
  /** The requested timeframe. */
  timeframe: string;
  /** request.security_lower_tf (intrabars) rather than request.security. */
  lower: boolean;
}

/** Thrown by the context code when the host has not answered for a symbol yet (not an error: the
 * instance suspends). */
export class DataNeeded {
  constructor(readonly request: DataRequest) {}
}

/** Bars of one symbol at one timeframe, with their close times. */
export interface FeedBars {
  time: Float64Array;
  timeClose: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
  /** The symbol's information (syminfo.* inside its requests). */
  sym?: SymbolInfo;
  /** The bars these were resampled from (a forming bar on a realtime chart bar is built from them). */
  src?: BarColumns;
}

/** A FeedBars object, always built with the same fields in the same order: the compiled tier's
 * history loop reads them, and an object of another shape there (a spread copy's) sends V8 back
 * to unoptimised code. */
export function feedBarsOf(cols: BarColumns, timeClose: Float64Array, src: BarColumns | undefined, sym: SymbolInfo | undefined): FeedBars {
  return { time: cols.time, timeClose, open: cols.open, high: cols.high, low: cols.low, close: cols.close, volume: cols.volume, length: cols.length, sym, src };
}

/** The host's answer for a symbol: its datasets, or why it has none. */
type Answer = { datasets: { ds: RequestDataset; tf: TimeframeInfo; sym: SymbolInfo }[] } | { why: string };

/** Not a usable answer for the request (the message names the symbol and the reason). */
export class NoData {
  constructor(readonly message: string) {}
}

/** The information of `ticker`'s bars: what the host gave, over the chart's own (`own`) when the
 * ticker is the chart's (its intrabars: the chart's sessions, timezone, currency, mintick), else
 * over the defaults. */
function symbolOf(ticker: string, given: Partial<SymbolInfo> | undefined, own: SymbolInfo | null): SymbolInfo {
  const base = own !== null && (ticker === own.tickerid || ticker === own.ticker) ? own : DEFAULT_SYMBOL;
  return { ...base, ticker: base === own ? own.ticker : ticker, tickerid: base === own ? own.tickerid : ticker, ...given };
}

/** Bars built from a host's dataset, by its columns and `symbol tf` (hosts answer many instances
 * with the same dataset objects: the app's runs, a benchmark's repeats). */
const BUILT = new WeakMap<BarColumns, Map<string, FeedBars>>();

/** `bars` (timeframe `from`) as bars of `to` with their close times: resampled when `to` is higher;
 * intraday bars of a round-the-clock symbol simply last one timeframe. */
function feedBars(bars: BarColumns, sym: SymbolInfo, from: TimeframeInfo, to: TimeframeInfo): FeedBars {
  let byKey = BUILT.get(bars);
  if (!byKey) {
    byKey = new Map();
    BUILT.set(bars, byKey);
  }
  const key = `${sym.session}\u0000${sym.timezone}\u0000${to.period}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const cols = from.period === to.period ? bars : resampleBars(bars, sym, from, to);
  const timeClose = new Float64Array(cols.length);
  const fixed = (to.unit === '' || to.unit === 'S') && sym.session === '24x7' ? timeframeSeconds(to) * 1000 : 0;
  for (let i = 0; i < cols.length; i++) {
    const t = cols.time[i] as number;
    timeClose[i] = fixed > 0 ? t + fixed : barCloseTime(sym, to, t);
  }
  const out = feedBarsOf(cols, timeClose, cols === bars ? undefined : bars, undefined);
  if (byKey.size < 16) byKey.set(key, out);
  return out;
}

export class RequestData {
  /** The chart's symbol information (the machine sets it): the base of its own ticker's datasets. */
  own: SymbolInfo | null = null;
  /** The chart's own ticker is requested from the host like another symbol's (the script declares
   * calc_bars_count: the chart holds only the data's last bars). */
  wholeOwn = false;
  private readonly answers = new Map<string, Answer>();
  private readonly feeds = new Map<string, FeedBars | NoData>();

  /** Records the host's answer for `symbol`: its datasets, or null when it has none (`why` says
   * what the host looked for, for the error message). Replaces an earlier answer. */
  provide(symbol: string, datasets: readonly RequestDataset[] | null, why = ''): void {
    for (const k of [...this.feeds.keys()]) if (k.startsWith(`${symbol}\u0000`)) this.feeds.delete(k);
    if (datasets === null || datasets.length === 0) {
      this.answers.set(symbol, { why });
      return;
    }
    const list = datasets.map((ds) => {
      const tf = parseTimeframe(ds.timeframe);
      if (!tf) throw new Error(`The dataset given for "${symbol}" has an unknown timeframe '${ds.timeframe}'.`);
      return { ds, tf, sym: symbolOf(symbol, ds.symbol, this.own) };
    });
    list.sort((a, b) => timeframeSeconds(b.tf) - timeframeSeconds(a.tf));
    this.answers.set(symbol, { datasets: list });
  }

  /** Whether the host answered for `symbol`. */
  has(symbol: string): boolean {
    return this.answers.has(symbol);
  }

  /** Bars of `symbol` at `tf`; undefined when the host has not answered (the caller suspends), a
   * NoData when it cannot give them. Cached per symbol and timeframe. */
  bars(symbol: string, tfText: string, tf: TimeframeInfo, fn: string): FeedBars | NoData | undefined {
    const key = `${symbol}\u0000${tfText}`;
    const hit = this.feeds.get(key);
    if (hit !== undefined) return hit;
    const answer = this.answers.get(symbol);
    if (answer === undefined) return undefined;
    let out: FeedBars | NoData;
    if ('why' in answer) out = new NoData(`${fn}: no data for symbol "${symbol}"${answer.why ? ` (${answer.why})` : ''}.`);
    else {
      const want = timeframeSeconds(tf);
      const pick = answer.datasets.find((d) => timeframeSeconds(d.tf) <= want);
      if (!pick) {
        const have = answer.datasets.map((d) => d.tf.period).join(', ');
        out = new NoData(`${fn}: the data for "${symbol}" is at ${have}, above the requested timeframe "${tf.period}": give a dataset of "${tf.period}" or lower (CLI: --data-for ${symbol}=file.csv; app: import it as ${symbol}.csv).`);
      } else {
        try {
          const fb = feedBars(pick.ds.bars, pick.sym, pick.tf, tf);
          out = feedBarsOf(fb, fb.timeClose, fb.src, pick.sym);
        } catch (e) {
          if (!(e instanceof ResampleError)) throw e;
          out = new NoData(`${fn}: cannot build "${tf.period}" bars of "${symbol}" from its ${pick.tf.period} data: ${e.message}.`);
        }
      }
    }
    this.feeds.set(key, out);
    return out;
  }
}
