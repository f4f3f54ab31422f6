// Which chart timeframes a dataset can be shown at (the timeframe buttons, shared by the page and
// the worker): bars combine into a higher timeframe only. A timeframe below the dataset's needs
// data the browser does not have, and an intraday timeframe that is not a whole number of the
// dataset's bars (45 minutes from 30-minute bars) would have to split bars — TradingView builds such
// a chart from lower-timeframe data (45 from 15- or 1-minute bars), which a dataset of 30-minute
// bars cannot give. Each case gets a message saying what to do; nothing else is refused.

import { parseTimeframe, type TimeframeInfo } from '../vm/values.js';

/** The buttons offered besides the dataset's own timeframe (TradingView's usual ones). */
export const CHART_TIMEFRAMES = ['1', '5', '15', '30', '45', '60', '240', '1D', '1W', '1M'];

const UNIT_SECONDS: Record<string, number> = { S: 1, '': 60, D: 86_400, W: 604_800, M: 2_629_800 };

export function timeframeSeconds(tf: TimeframeInfo): number {
  return tf.multiplier * (UNIT_SECONDS[tf.unit] ?? Number.NaN);
}

/** A timeframe as a user reads it: "30-minute", "1-hour", "1D". */
function spoken(tf: TimeframeInfo): string {
  if (tf.unit === '') return tf.multiplier % 60 === 0 ? `${tf.multiplier / 60}-hour` : `${tf.multiplier}-minute`;
  if (tf.unit === 'S') return `${tf.multiplier}-second`;
  return tf.period;
}

/** Why dataset `name` (bars of timeframe `own`) cannot be shown at `tf`, or null when it can. */
export function chartTimeframeProblem(name: string, own: string, tf: string): string | null {
  const to = parseTimeframe(tf);
  const from = parseTimeframe(own);
  if (!to) return `'${tf}' is not a timeframe (examples: 15, 60, 1D, 1W).`;
  if (!from || from.unit === 'T' || to.unit === 'T') return `${name} cannot be shown at ${tf}: tick timeframes cannot be built from bars.`;
  const a = timeframeSeconds(from);
  const b = timeframeSeconds(to);
  if (b < a) {
    return `${name} has ${spoken(from)} bars: a ${tf} chart needs bars of ${tf} or lower, which this browser does not have (bars can only be combined into a higher timeframe). Import a CSV file of ${tf} bars or lower to see it; the chart stays at ${own}.`;
  }
  const intraday = (x: TimeframeInfo) => x.unit === '' || x.unit === 'S';
  if (intraday(from) && intraday(to) && b % a !== 0) {
    const m = from.unit === 'S' ? `${from.multiplier}S` : String(from.multiplier);
    return `${name} has ${spoken(from)} bars, and ${tf} is not a whole number of them: a ${tf} bar would split one of its bars (TradingView builds it from lower-timeframe bars). Pick a multiple of ${m}, or import bars of a timeframe that divides ${tf}; the chart stays at ${own}.`;
  }
  if (from.unit === 'W' && to.unit === 'M') {
    return `${name} has weekly bars, and a month does not hold whole weeks: a ${tf} chart needs daily bars or lower; the chart stays at ${own}.`;
  }
  return null;
}
