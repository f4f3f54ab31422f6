// The chart's own intrabars missing: a request of the chart's own ticker below the chart's
// timeframe (request.security_lower_tf, or request.security at a lower timeframe) for which the
// host has no bars. Published scripts often make such a request unconditionally and read it only
// when an input turns it on (a "use intrabars" option, a custom timeframe shown only on charts
// below it); TradingView always has the data and runs them. Here the request runs on no bars —
// empty arrays (request.security_lower_tf), na (request.security) — and the run goes on, with a
// warning in the script's log (once) naming the missing data and how to give it. Another
// symbol without data stays an error (runtime/request-other.ts), as that data is what the script
// asked for.

import { appendLog } from '../builtins/log.js';
import { timeframeSeconds } from '../builtins/time/timeframe.js';
import type { TimeframeInfo } from '../core/runtime.js';
import { R } from '../core/registers.js';
import { CTX_LOWER, type ContextHost } from './request-state.js';
import { feedBarsOf, type FeedBars } from './request-data.js';

/** When `sym` at `info` asks for the chart's own intrabars: no bars to run on (a warning logged
 * once); else null (the caller fails). */
export function ownIntrabarsMissing(m: ContextHost, sym: unknown, tfs: string, info: TimeframeInfo, flags: number): FeedBars | null {
  const own = m.chartSyminfo;
  if ((sym !== own.tickerid && sym !== own.ticker) || m.ctxTop >= 0) return null;
  if (timeframeSeconds(info) >= timeframeSeconds(m.chartTimeframe)) return null;
  const t = own.tickerid;
  const what = (flags & CTX_LOWER) !== 0 ? 'request.security_lower_tf(): its arrays are empty' : `request.security(): its value is na (at "${tfs}", below the chart's timeframe, the expression runs on intrabars)`;
  const message = `No bars of ${t} at "${tfs}" or lower were given, so ${what} on every bar. Give them if the script uses these values (CLI: --data-for ${t}=file.csv; app: import them as a dataset with ticker ${t}).`;
  // (Once: a restored instance asks for the bars again, its log already says it.)
  if (!m.logs.some((e) => e.message === message)) appendLog(m.logs, { bar: m.bar, time: m.f[R.time] ?? NaN, level: 'warning', message }, m.limits.maxLogs);
  const empty = new Float64Array(0);
  return feedBarsOf({ time: empty, open: empty, high: empty, low: empty, close: empty, volume: empty, length: 0 }, empty, undefined, own);
}
