// The chart's timeframe, like TradingView's timeframe buttons: a dataset id with a `@tf` suffix
// ("sample:sp500-daily@1W") names the dataset resampled to that higher timeframe (the VM's
// resampler: the symbol's sessions, weeks and months). The suffix is part of the dataset id, so the
// session remembers it, and the run's identity — its stored rows and checkpoints — follows it.

import { parseTimeframe, resampleBars, ResampleError, DEFAULT_SYMBOL } from '../../vm/index.js';
import type { LoadedDataset } from './datasets.js';
import { chartTimeframeProblem } from '../chart-timeframes.js';

/** The base dataset id and the chart timeframe of `id` (null: the data's own). */
export function splitChartTimeframe(id: string): { base: string; tf: string | null } {
  const at = id.lastIndexOf('@');
  if (at <= 0) return { base: id, tf: null };
  return { base: id.slice(0, at), tf: id.slice(at + 1) };
}

/** `id` of the base dataset at chart timeframe `tf` (the base id itself for null). */
export function withChartTimeframe(base: string, tf: string | null): string {
  return tf ? `${splitChartTimeframe(base).base}@${tf}` : splitChartTimeframe(base).base;
}

/** A chart timeframe the dataset cannot be shown at (chartTimeframeProblem says why). */
export class ChartTimeframeError extends Error {}

/** The base dataset resampled to `tf`, as the dataset `id`. */
export function resampleLoaded(ds: LoadedDataset, tf: string, id: string): LoadedDataset {
  const to = parseTimeframe(tf);
  const from = parseTimeframe(ds.timeframe);
  if (!to || !from) throw new Error(`Unknown chart timeframe '${tf}'.`);
  if (to.period === from.period) return { ...ds, info: { ...ds.info, id } };
  const problem = chartTimeframeProblem(ds.info.name, ds.timeframe, tf);
  if (problem) throw new ChartTimeframeError(problem);
  let bars;
  try {
    bars = resampleBars(ds.bars, { ...DEFAULT_SYMBOL, ...ds.symbol }, from, to);
  } catch (e) {
    if (e instanceof ResampleError) throw new Error(`Cannot show ${ds.info.name} at ${tf}: ${e.message}.`);
    throw e;
  }
  return {
    info: { ...ds.info, id, name: `${ds.info.name} · ${to.period}`, length: bars.length, timeframe: to.period },
    bars,
    symbol: ds.symbol,
    timeframe: to.period,
  };
}
