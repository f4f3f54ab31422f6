// The run command's chart timeframe flag: `--chart-timeframe <tf>` resamples the data (bars of the
// data's timeframe) into the chart's higher timeframe before the run (data/resample.ts). Other
// symbols' datasets (--data-for, --symbol-for) are in data-for.ts.

import type { SymbolInfo } from '../core/runtime.js';
import type { BarColumns } from '../data/bars.js';
import { resampleBars, ResampleError } from '../data/resample.js';
import { parseTimeframe } from '../builtins/time/timeframe.js';

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
