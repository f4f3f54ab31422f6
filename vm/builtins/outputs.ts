// Output builtins (plot, plotshape, plotchar, plotarrow, plotcandle, plotbar, hline, fill, bgcolor,
// barcolor) and their style constants. The compiler turns each call into an OUT instruction and
// Program.outputs metadata (lower.ts outputCall); the impls here are never run.

import { defineFn, defineVar, type BuiltinImpl } from './registry.js';

const compiledAway: BuiltinImpl = (rt) => rt.fail('internal', 'Output builtins are compiled into OUT instructions.');

const DISPLAY = { none: 0, pane: 1, data_window: 2, price_scale: 4, status_line: 8, all: 15 } as const;
for (const [k, v] of Object.entries(DISPLAY)) defineVar(`display.${k}: const int`, { value: v });

const PLOT_STYLES = [
  'line', 'linebr', 'stepline', 'steplinebr', 'stepline_diamond', 'histogram', 'cross', 'area',
  'areabr', 'columns', 'circles',
];
for (const s of PLOT_STYLES) defineVar(`plot.style_${s}: const string`, { value: s });
defineVar('plot.linestyle_solid: const string', { value: 'solid' });
defineVar('plot.linestyle_dashed: const string', { value: 'dashed' });
defineVar('plot.linestyle_dotted: const string', { value: 'dotted' });

const SHAPES = [
  'xcross', 'cross', 'circle', 'triangleup', 'triangledown', 'flag', 'arrowup', 'arrowdown',
  'labelup', 'labeldown', 'square', 'diamond',
];
for (const s of SHAPES) defineVar(`shape.${s}: const string`, { value: s });
for (const s of ['abovebar', 'belowbar', 'top', 'bottom', 'absolute']) defineVar(`location.${s}: const string`, { value: s });
for (const s of ['auto', 'tiny', 'small', 'normal', 'large', 'huge']) defineVar(`size.${s}: const string`, { value: s });
for (const s of ['solid', 'dotted', 'dashed']) defineVar(`hline.style_${s}: const string`, { value: s });
for (const s of ['right', 'left', 'none']) defineVar(`scale.${s}: const string`, { value: s });

const common = 'editable: input bool = true, show_last: input int = na, display: input int = display.all, format: input string = na, precision: input int = na, force_overlay: const bool = false';

defineFn(
  `plot(series: series float, title: const string = na, color: series color = na, linewidth: input int = 1, style: input string = "line", trackprice: input bool = false, histbase: input float = 0.0, offset: simple int = 0, join: input bool = false, ${common}, linestyle: input string = "solid"): plot`,
  compiledAway,
  { output: 'plot' },
);
for (const series of ['series bool', 'series float']) {
  defineFn(
    `plotshape(series: ${series}, title: const string = na, style: input string = "xcross", location: input string = "abovebar", color: series color = na, offset: simple int = 0, text: const string = na, textcolor: series color = na, editable: input bool = true, size: const string = "auto", show_last: input int = na, display: input int = display.all, format: input string = na, precision: input int = na, force_overlay: const bool = false): void`,
    compiledAway,
    { output: 'plotshape' },
  );
  defineFn(
    `plotchar(series: ${series}, title: const string = na, char: input string = "★", location: input string = "abovebar", color: series color = na, offset: simple int = 0, text: const string = na, textcolor: series color = na, editable: input bool = true, size: const string = "auto", show_last: input int = na, display: input int = display.all, format: input string = na, precision: input int = na, force_overlay: const bool = false): void`,
    compiledAway,
    { output: 'plotchar' },
  );
}
defineFn(
  `plotarrow(series: series float, title: const string = na, colorup: series color = #4CAF50, colordown: series color = #FF5252, offset: simple int = 0, minheight: input int = 5, maxheight: input int = 100, ${common}): void`,
  compiledAway,
  { output: 'plotarrow' },
);
defineFn(
  `plotcandle(open: series float, high: series float, low: series float, close: series float, title: const string = na, color: series color = na, wickcolor: series color = na, editable: input bool = true, show_last: input int = na, bordercolor: series color = na, display: input int = display.all, format: input string = na, precision: input int = na, force_overlay: const bool = false): void`,
  compiledAway,
  { output: 'plotcandle' },
);
defineFn(
  `plotbar(open: series float, high: series float, low: series float, close: series float, title: const string = na, color: series color = na, ${common}): void`,
  compiledAway,
  { output: 'plotbar' },
);
defineFn(
  'hline(price: input float, title: const string = na, color: input color = #787B86, linestyle: input string = "dashed", linewidth: input int = 1, editable: input bool = true, display: input int = display.all): hline',
  compiledAway,
  { output: 'hline' },
);
defineFn(
  'fill(hline1: const hline, hline2: const hline, color: series color = na, title: const string = na, editable: input bool = true, fillgaps: const bool = false, display: input int = display.all): void',
  compiledAway,
  { output: 'fill' },
);
defineFn(
  'fill(plot1: const plot, plot2: const plot, color: series color = na, title: const string = na, editable: input bool = true, show_last: input int = na, fillgaps: const bool = false, display: input int = display.all): void',
  compiledAway,
  { output: 'fill' },
);
defineFn(
  'fill(plot1: const plot, plot2: const plot, top_value: series float, bottom_value: series float, top_color: series color, bottom_color: series color, title: const string = na, display: input int = display.all, fillgaps: const bool = false, editable: input bool = true): void',
  compiledAway,
  { output: 'fill' },
);
defineFn(
  'bgcolor(color: series color, offset: simple int = 0, editable: input bool = true, show_last: input int = na, title: const string = na, display: input int = display.all, force_overlay: const bool = false): void',
  compiledAway,
  { output: 'bgcolor' },
);
defineFn(
  'barcolor(color: series color, offset: simple int = 0, editable: input bool = true, show_last: input int = na, title: const string = na, display: input int = display.all): void',
  compiledAway,
  { output: 'barcolor' },
);
