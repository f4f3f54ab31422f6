// chart.*: what a script can ask about the chart it runs on. The chart type: always a standard
// (candle/bar) chart here, so chart.is_standard is true and every non-standard type false. The
// chart's colors: the app's dark background (#131722) and a white foreground that contrasts with
// it (TradingView: chart.fg_color is the color of best contrast with chart.bg_color); the CLI
// reports the same. (chart.left_visible_bar_time / right_visible_bar_time need the viewport: not
// defined, so a script using them gets the compiler's "not supported" error.)

import { defineVar } from './registry.js';
import { makeColor } from '../core/color.js';

let registered = false;

export function registerChartInfo(): void {
  if (registered) return;
  registered = true;
  defineVar('chart.bg_color: input color', { value: makeColor(0x13, 0x17, 0x22, 0) });
  defineVar('chart.fg_color: input color', { value: makeColor(0xff, 0xff, 0xff, 0) });
  defineVar('chart.is_standard: simple bool', { value: 1 });
  for (const t of ['heikinashi', 'renko', 'linebreak', 'kagi', 'pnf', 'range']) defineVar(`chart.is_${t}: simple bool`, { value: 0 });
}

registerChartInfo();
