// Currency conversion of requested bars (`request.security(..., currency = X)`): the exchange-rate
// pair's bars, asked of the host like another symbol's (a host call), and prices converted by them.
// runtime/contexts.ts applies it to another symbol's bars (convertedFeed) and to the chart's own
// bars as they fold into the requested bar (ownRate).

import type { SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import { DataNeeded, NoData, type FeedBars, type RequestData } from './request-data.js';

/** request.security(currency = X): the compiler passes `symbol + CURRENCY_SEP + X` (another
 * symbol) or `timeframe + CURRENCY_SEP + X` (the chart's own, flag CTX_CURRENCY). */
export const CURRENCY_SEP = '\u0001';

/** The bars converting currency `from` to `to` at timeframe `tfs`: the pair FROMTO, else the
 * inverse pair TOFROM (`inverse`: divide by it); a NoData naming both when neither is given (`what`
 * names the converted symbol in the message). Throws DataNeeded while the host has not answered
 * (before anything changed). */
export function ratePair(data: RequestData, from: string, to: string, tfs: string, info: TimeframeInfo, fn: string, what: string): { bars: FeedBars; inverse: boolean } | NoData {
  const pair = `${from}${to}`;
  const inverse = `${to}${from}`;
  const direct = data.bars(pair, tfs, info, fn);
  if (direct === undefined) throw new DataNeeded({ symbol: pair, timeframe: tfs, lower: false });
  if (!(direct instanceof NoData)) return { bars: direct, inverse: false };
  const back = data.bars(inverse, tfs, info, fn);
  if (back === undefined) throw new DataNeeded({ symbol: inverse, timeframe: tfs, lower: false });
  if (!(back instanceof NoData)) return { bars: back, inverse: true };
  return new NoData(
    `${fn}: currency = ${to} converts the prices of ${what} from ${from}, which needs the exchange rate ${pair} (or ${inverse}) at "${tfs}" or lower: give its bars as another symbol (CLI: --data-for ${pair}=file.csv; app: import a dataset with ticker ${pair}). ${direct.message}`,
  );
}

/** The rate at time `t`: the close of the rate's last bar that opened at or before `t` (its
 * inverse when `inverse`); NaN before the first. */
export function rateAt(rate: FeedBars, inverse: boolean, t: number): number {
  const time = rate.time;
  let lo = 0;
  let hi = rate.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((time[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return NaN;
  const c = rate.close[lo - 1] as number;
  return inverse ? 1 / c : c;
}

/** `bars` with open/high/low/close times the as-of close of `rate` (divided by it when `inverse`). */
export function convertBars(bars: FeedBars, rate: FeedBars, inverse: boolean): FeedBars {
  const conv = <T extends { time: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; length: number }>(b: T): T => {
    const n = b.length;
    const open = new Float64Array(n);
    const high = new Float64Array(n);
    const low = new Float64Array(n);
    const close = new Float64Array(n);
    let r = -1;
    for (let i = 0; i < n; i++) {
      const t = b.time[i] as number;
      while (r + 1 < rate.length && (rate.time[r + 1] as number) <= t) r++;
      const c = r < 0 ? NaN : (rate.close[r] as number);
      const k = inverse ? 1 / c : c;
      open[i] = (b.open[i] as number) * k;
      high[i] = (b.high[i] as number) * k;
      low[i] = (b.low[i] as number) * k;
      close[i] = (b.close[i] as number) * k;
    }
    return { ...b, open, high, low, close };
  };
  const out = conv(bars);
  if (bars.src !== undefined) out.src = conv(bars.src);
  return out;
}

/** `sym` with its prices in currency `to` (what syminfo.* reads inside a converting request: its
 * currency is the requested one); one object per symbol and currency. */
const CONVERTED = new WeakMap<SymbolInfo, Map<string, SymbolInfo>>();
export function inCurrency(sym: SymbolInfo, to: string): SymbolInfo {
  let byTo = CONVERTED.get(sym);
  if (byTo === undefined) {
    byTo = new Map();
    CONVERTED.set(sym, byTo);
  }
  let out = byTo.get(to);
  if (out === undefined) {
    out = { ...sym, currency: to };
    byTo.set(to, out);
  }
  return out;
}

/** The bars of the inverse pair: open, high, low and close of 1 / the pair's (high and low swap). */
export function invertBars(bars: FeedBars): FeedBars {
  const inv = <T extends { open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; length: number }>(b: T): T => {
    const n = b.length;
    const open = new Float64Array(n);
    const high = new Float64Array(n);
    const low = new Float64Array(n);
    const close = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      open[i] = 1 / (b.open[i] as number);
      high[i] = 1 / (b.low[i] as number);
      low[i] = 1 / (b.high[i] as number);
      close[i] = 1 / (b.close[i] as number);
    }
    return { ...b, open, high, low, close };
  };
  const out = inv(bars);
  if (bars.src !== undefined) out.src = inv(bars.src);
  return out;
}
