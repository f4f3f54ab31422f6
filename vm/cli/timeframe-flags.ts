// The run command's other-timeframe and other-symbol flags: `--chart-timeframe <tf>` resamples the
// data (bars of the data's timeframe) into the chart's higher timeframe before the run
// (data/resample.ts); `--data-for TICKER=file.csv` names a dataset for request.security("TICKER", ...),
// which the VM cannot use yet: it is refused with the ticker named rather than silently ignored.

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

/** `TICKER=file.csv` of --data-for, checked. */
export function parseDataFor(v: string): [string, string] {
  const eq = v.indexOf('=');
  if (eq <= 0 || eq === v.length - 1) throw new TimeframeFlagError(`--data-for expects TICKER=file.csv, got '${v}'`);
  return [v.slice(0, eq).trim(), v.slice(eq + 1)];
}

/** Other symbols' data: not usable by the VM yet. */
export function refuseDataFor(dataFor: [string, string][]): void {
  const first = dataFor[0];
  if (!first) return;
  throw new TimeframeFlagError(
    `--data-for ${first[0]}=${first[1]}: request.security() cannot read other symbols yet (only the chart's own symbol at the chart's or a higher timeframe); remove --data-for`,
  );
}
