// Resampling bars to a higher timeframe with TradingView's period boundaries (the exchange
// timezone and sessions of the symbol, daily/weekly/monthly periods and intraday multiples, from
// builtins/time/periods.ts): each period's bar opens at the period's start, with the first open,
// the highest high, the lowest low, the last close and the summed volume of the bars inside it.
// Used for a chart timeframe above the data's (the CLI's --chart-timeframe, the app's timeframe
// buttons); request.security builds the same bars incrementally (runtime/contexts.ts).

import type { SymbolInfo, TimeframeInfo } from '../core/runtime.js';
import { symbolSchedule } from '../builtins/time/session.js';
import { periodStart } from '../builtins/time/periods.js';
import { timeframeSeconds } from '../builtins/time/timeframe.js';
import { createBars, type BarColumns } from './bars.js';

/** Why bars cannot be resampled to a timeframe. */
export class ResampleError extends Error {}

/** `cols` (bars of timeframe `from`, oldest first) as bars of the higher timeframe `to`. Volume is
 * na for a period where every bar's volume is na. */
export function resampleBars(cols: BarColumns, sym: SymbolInfo, from: TimeframeInfo, to: TimeframeInfo): BarColumns {
  if (to.unit === 'T' || from.unit === 'T') throw new ResampleError('tick timeframes cannot be resampled');
  if (timeframeSeconds(to) < timeframeSeconds(from)) {
    throw new ResampleError(`the timeframe ${to.period} is lower than the data's ${from.period}: bars can only be combined into a higher timeframe`);
  }
  const sched = symbolSchedule(sym);
  const n = cols.length;
  const starts = new Float64Array(n);
  let groups = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const p = periodStart(sched, to, cols.time[i] as number);
    if (Number.isNaN(p)) throw new ResampleError(`row ${i + 1}: the bar time has no ${to.period} period`);
    if (i > 0 && p < prev) throw new ResampleError(`row ${i + 1}: the bars are not in time order`);
    if (i === 0 || p !== prev) groups++;
    starts[i] = p;
    prev = p;
  }
  const out = createBars(groups);
  let g = -1;
  for (let i = 0; i < n; i++) {
    const p = starts[i] as number;
    const h = cols.high[i] as number;
    const l = cols.low[i] as number;
    const v = cols.volume[i] as number;
    if (g < 0 || p !== out.time[g]) {
      g++;
      out.time[g] = p;
      out.open[g] = cols.open[i] as number;
      out.high[g] = h;
      out.low[g] = l;
      out.volume[g] = v;
    } else {
      if (h > (out.high[g] as number)) out.high[g] = h;
      if (l < (out.low[g] as number)) out.low[g] = l;
      const sum = out.volume[g] as number;
      out.volume[g] = Number.isNaN(sum) ? v : Number.isNaN(v) ? sum : sum + v;
    }
    out.close[g] = cols.close[i] as number;
  }
  return out;
}
