// chart.*: what a script can ask about the chart it runs on. The chart type: always a standard
// (candle/bar) chart here, so chart.is_standard is true and every non-standard type false. The
// chart's colors: the app's dark background (#131722) and a white foreground that contrasts with
// it (TradingView: chart.fg_color is the color of best contrast with chart.bg_color); the CLI
// reports the same. chart.left_visible_bar_time / right_visible_bar_time: the open times of the
// leftmost and rightmost visible bars, as the host gives them (Instance builder `visibleRange`);
// without a viewport (the CLI, or a host that gives none) every bar of the data counts as visible:
// the first bar's time and last_bar_time. Like on TradingView they hold the same value on every bar.

import { defineVar } from './registry.js';
import { makeColor } from '../core/color.js';
import { R } from '../core/registers.js';

let registered = false;

export function registerChartInfo(): void {
  if (registered) return;
  registered = true;
  defineVar('chart.bg_color: input color', { value: makeColor(0x13, 0x17, 0x22, 0) });
  defineVar('chart.fg_color: input color', { value: makeColor(0xff, 0xff, 0xff, 0) });
  defineVar('chart.is_standard: simple bool', { value: 1 });
  for (const t of ['heikinashi', 'renko', 'linebreak', 'kagi', 'pnf', 'range']) defineVar(`chart.is_${t}: simple bool`, { value: 0 });
  defineVar('chart.left_visible_bar_time: input int', {
    get: (rt, _a, d) => {
      const v = rt.visible;
      rt.f[d] = v === undefined ? NaN : v.left === v.left ? v.left : v.first;
    },
  });
  defineVar('chart.right_visible_bar_time: input int', {
    get: (rt, _a, d) => {
      const v = rt.visible?.right ?? NaN;
      rt.f[d] = v === v ? v : (rt.f[R.lastBarTime] ?? NaN);
    },
  });
}

registerChartInfo();
