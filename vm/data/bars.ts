// Bars as columns: the shape every data source (CSV, app datasets, synthetic benchmarks) hands to
// the VM. One Float64Array per field keeps a million bars in ~48 MB with no per-bar objects.

/** OHLCV bars, oldest first. Every array holds exactly `length` values.
 * `time` is the bar's open time in milliseconds since the Unix epoch, UTC, strictly increasing.
 * `volume` is NaN (Pine's na) for bars whose source has no volume. */
export interface BarColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

/** Zero-filled columns for `length` bars (volume NaN-filled: unknown until set). */
export function createBars(length: number): BarColumns {
  const volume = new Float64Array(length);
  volume.fill(NaN);
  return {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume,
    length,
  };
}

/** Copies of the first `length` bars (fresh buffers of exactly that size, so the rest of a larger
 * allocation can be collected). */
export function truncateBars(bars: BarColumns, length: number): BarColumns {
  const n = Math.max(0, Math.min(length, bars.length));
  return {
    time: bars.time.slice(0, n),
    open: bars.open.slice(0, n),
    high: bars.high.slice(0, n),
    low: bars.low.slice(0, n),
    close: bars.close.slice(0, n),
    volume: bars.volume.slice(0, n),
    length: n,
  };
}

/** Reverses the bar order in place (newest-first sources become oldest-first). */
export function reverseBars(bars: BarColumns): void {
  const n = bars.length;
  bars.time.subarray(0, n).reverse();
  bars.open.subarray(0, n).reverse();
  bars.high.subarray(0, n).reverse();
  bars.low.subarray(0, n).reverse();
  bars.close.subarray(0, n).reverse();
  bars.volume.subarray(0, n).reverse();
}

/** The bars from index `start` (inclusive) to `end` (exclusive) as views sharing the buffers. */
export function sliceBars(bars: BarColumns, start: number, end: number = bars.length): BarColumns {
  const a = Math.max(0, Math.min(start, bars.length));
  const b = Math.max(a, Math.min(end, bars.length));
  return {
    time: bars.time.subarray(a, b),
    open: bars.open.subarray(a, b),
    high: bars.high.subarray(a, b),
    low: bars.low.subarray(a, b),
    close: bars.close.subarray(a, b),
    volume: bars.volume.subarray(a, b),
    length: b - a,
  };
}

/** Bar `i` of the columns as one object (the shape `Instance.runBar` takes); NaN past the end. */
export function barAt(
  bars: { readonly [K in 'time' | 'open' | 'high' | 'low' | 'close' | 'volume']: ArrayLike<number> },
  i: number,
): { time: number; open: number; high: number; low: number; close: number; volume: number } {
  return {
    time: bars.time[i] ?? NaN,
    open: bars.open[i] ?? NaN,
    high: bars.high[i] ?? NaN,
    low: bars.low[i] ?? NaN,
    close: bars.close[i] ?? NaN,
    volume: bars.volume[i] ?? NaN,
  };
}
