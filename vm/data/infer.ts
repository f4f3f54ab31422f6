// What a bar file does not say but a script needs: the timeframe (syminfo/timeframe.period) and the
// price step (syminfo.mintick), inferred from the bars themselves. One set of rules for the CLI and
// the app, so a file gives the same values in both.

import type { BarColumns } from './bars.js';
import type { SymbolInfo } from '../core/runtime.js';
import { defaultSymbolInfo } from '../builtins/time/symbol-info.js';

/** Smallest price step written in the data (at most 10 decimals, from the open, high, low and close
 * of the first 2,000 bars), as a default mintick. A price that is a 32-bit float printed with many
 * decimals (Yahoo's 1455.219971 is the float nearest 1455.22, printed with 6) counts the decimals of
 * the price it stands for (2), so such a file gets the tick its prices really move by. */
export function inferMintick(bars: BarColumns): number {
  let decimals = 0;
  const n = Math.min(bars.length, 2000);
  const cols = [bars.open, bars.high, bars.low, bars.close];
  for (let i = 0; i < n && decimals < 10; i++) {
    for (const col of cols) {
      const v = col[i] ?? 0;
      if (!withinDecimals(v, decimals)) decimals = Math.max(decimals, priceDecimals(v));
    }
  }
  return Number(`1e-${Math.min(decimals, 10)}`);
}

/** 10^d, d from 0 to 10. */
const SCALE = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/** Whether v is surely written with at most d decimals (d <= 10), so that priceDecimals(v) <= d
 * and need not be worked out (String for each price was most of the time this took): m / 10^d,
 * for the integer m nearest v·10^d, is the double nearest the decimal m·10^-d (m and 10^d are
 * exact, the division correctly rounded), so when it is v that decimal reads back as v, and v's
 * shortest form has at most d decimals. False is only "not sure": priceDecimals decides. Only for
 * plain spellings (String writes numbers below 1e-6 or from 1e21 with an exponent). */
function withinDecimals(v: number, d: number): boolean {
  const a = v < 0 ? -v : v;
  if (!(a >= 1e-6 && a < 1e15) && v !== 0) return false;
  const p = SCALE[d] as number;
  return Math.round(v * p) / p === v;
}

/** The fewest decimals (up to this many) that a price printed from a 32-bit float may stand for. */
const FLOAT32_MAX_DECIMALS = 4;

/** Decimals of a price: those written, unless the written value is a 32-bit float printed with
 * more decimals than it holds — `v` is exactly what printing Math.fround(v) with its decimals
 * gives, and a price with at most FLOAT32_MAX_DECIMALS decimals rounds to the same float — then
 * those of that price. A price that float32 cannot hold to its written decimals (43000.123456,
 * whose nearest float prints 43000.125000) keeps all of them. */
function priceDecimals(v: number): number {
  const written = decimalsWritten(v);
  if (written <= FLOAT32_MAX_DECIMALS || !Number.isFinite(v)) return written;
  const f = Math.fround(v);
  if (Number(f.toFixed(written)) !== v) return written;
  for (let k = 0; k <= FLOAT32_MAX_DECIMALS; k++) {
    const p = 10 ** k;
    if (Math.fround(Math.round(v * p) / p) === f) return k;
  }
  return written;
}

/** Decimals of a price as the file wrote it: those of its shortest round-trip form, so that
 * 1455.219971 (1455219970.9999998 once scaled by 1e6) counts 6, not 10. */
function decimalsWritten(v: number): number {
  if (!Number.isFinite(v)) return 0;
  const [mant = '', exp = '0'] = String(Math.abs(v)).split('e');
  const dot = mant.indexOf('.');
  return Math.max(0, (dot < 0 ? 0 : mant.length - dot - 1) - Number(exp));
}

/** The most common spacing between bars (of the first 5,000), as a Pine timeframe: '1M', '1W', '1D',
 * minutes, or seconds ('30S'). Daily data skips weekends and holidays, so any spacing from a day up
 * to under 6 days is '1D'. One bar or none: '1D'. */
export function inferTimeframe(bars: BarColumns): string {
  if (bars.length < 2) return '1D';
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
  if (min >= 1440) return '1D';
  if (min >= 1) return String(Math.round(min));
  return `${Math.max(1, Math.round(best / 1000))}S`;
}

/** The ticker of a bar file named `fileName`: its name without the extension, upper case, each run of
 * other characters than letters and digits one `_` (at most 24 characters); `DATA` when nothing is left.
 * A name as TradingView's "Export chart data" writes it — `EXCHANGE_SYMBOL, TIMEFRAME` with an
 * optional `_xxxxx` suffix (`FX_EURUSD, 60.csv`, `BINANCE_BTCUSDT, 1D_3f2a1.csv`) — gives SYMBOL. */
export function tickerFromFileName(fileName: string): string {
  const name = fileName.replace(/\.[^.]*$/, '');
  const tv = /^[A-Za-z0-9]+_([^,\s]+), ?[0-9]*[SDWMH]?(?:_[0-9A-Za-z]+)?$/.exec(name);
  return tickerOf(tv?.[1] ?? name);
}

/** `text` as a ticker: upper case, each run of other characters than letters and digits one `_`
 * (at most 24 characters); `DATA` when nothing is left. A requested symbol (its exchange prefix
 * removed) compares with a file's ticker this way (`BTCUSDT.P` is `BTCUSDT_P`). */
export function tickerOf(text: string): string {
  const base = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return (base || 'DATA').toUpperCase().slice(0, 24);
}

/** What a bar file alone says of its symbol, the same in the CLI and the app (so a run gives the
 * same snapshot bytes in both): the ticker from its name, the mintick from its prices, UTC, 24x7. */
export function csvSymbolInfo(fileName: string, bars: BarColumns): SymbolInfo {
  return defaultSymbolInfo(inferMintick(bars), tickerFromFileName(fileName));
}
