// The run command's chart timeframe flag: `--chart-timeframe <tf>` resamples the data (bars of the
// data's timeframe) into the chart's higher timeframe before the run (data/resample.ts). Other
// symbols' datasets (--data-for, --symbol-for) are in data-for.ts.

import type { SymbolInfo } from '../core/runtime.js';
import type { BarColumns } from '../data/bars.js';
import { resampleBars, ResampleError } from '../data/resample.js';
import { parseTimeframe, timeframeSeconds } from '../builtins/time/timeframe.js';
import type { TimeframeInfo } from '../core/runtime.js';
import { inferTimeframe } from '../data/infer.js';

/** Thrown with a message for the user (main.ts prints it as a CLI error). */
export class TimeframeFlagError extends Error {}

/** `bars` of timeframe `dataTf` as bars of `chartTf` (the same bars when the two are equal). */
export function chartBars(bars: BarColumns, sym: SymbolInfo, dataTf: string, chartTf: string, dataPath: string): BarColumns {
  const to = parseTimeframe(chartTf);
  if (!to) throw new TimeframeFlagError(`--chart-timeframe: unknown timeframe '${chartTf}' (e.g. 60, 240, 1D, 1W, 1M)`);
  const from = parseTimeframe(dataTf);
  if (!from) throw new TimeframeFlagError(`unknown timeframe '${dataTf}' for the bars of ${dataPath}`);
  if (from.period === to.period) return bars;
  try {
    return resampleBars(bars, sym, from, to);
  } catch (e) {
    if (e instanceof ResampleError) throw new TimeframeFlagError(`--chart-timeframe ${chartTf}: cannot resample ${dataPath} (${dataTf} bars): ${e.message}`);
    throw e;
  }
}

/** Bars given to continue a snapshot or checkpoint made on timeframe `tf`: when their own spacing
 * is a lower timeframe (the run was on a chart resampled by --chart-timeframe or the app's
 * timeframe picker), they are resampled to `tf` as that run's were; otherwise null (used as they
 * are). */
export function barsForSnapshot(bars: BarColumns, sym: SymbolInfo, tf: TimeframeInfo, label: string): BarColumns | null {
  if (bars.length < 2) return null;
  const dataTf = parseTimeframe(inferTimeframe(bars));
  if (!dataTf || timeframeSeconds(dataTf) >= timeframeSeconds(tf)) return null;
  try {
    return resampleBars(bars, sym, dataTf, tf);
  } catch (e) {
    if (e instanceof ResampleError) throw new TimeframeFlagError(`${label}: its ${dataTf.period} bars cannot be resampled to the snapshot's timeframe ${tf.period}: ${e.message}`);
    throw e;
  }
}
