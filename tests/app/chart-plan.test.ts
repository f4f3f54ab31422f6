// How scripts' outputs are laid out on the chart: the sample overlay and oscillator scripts and a
// few plot styles, compiled for real and turned into a ChartPlan.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../vm/index.js';
import { buildChartPlan, markerVisible } from '../../app/ui/chart/chart-plan.js';
import type { ProgramInfo } from '../../app/worker/protocol.js';

function programOf(source: string): ProgramInfo {
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { meta: program.meta, outputs: program.outputs, inputs: program.inputs };
}

const sample = (f: string) => readFileSync(new URL(`../../public/samples/scripts/${f}`, import.meta.url), 'utf8');

describe('chart plan', () => {
  it('reads a gradient fill\'s input color per bar (the compiler records it as a channel)', () => {
    const plan = buildChartPlan(
      programOf('//@version=5\nindicator("g", overlay=true)\nF0 = input.color(#08998164, "F0")\na = plot(close)\nb = plot(open)\nfill(a, b, close, open, color.red, F0)\n'),
    );
    const g = plan.fills[0]?.gradient;
    expect(g?.topColor).toBe('rgba(242, 54, 69, 1)');
    expect(g?.topColorChannel).toBe(-1);
    // The bottom color is the input: no constant, a channel the fill reads on each bar.
    expect(g?.bottomColor).toBeNull();
    expect(g?.bottomColorChannel).toBeGreaterThanOrEqual(0);
  });

  it('names an untitled plot "Plot" in the legend, as TradingView does, and keeps its key plot0', () => {
    const plan = buildChartPlan(
      programOf('//@version=6\nindicator("t")\nplot(close)\nplot(open, "Open")\nplot(high)\nplot(low, "plot9")\nplotshape(close > open)\nplot(hl2, display = display.none)\nplot(ohlc4)\n'),
    );
    expect(plan.series.map((s) => [s.title, s.label])).toEqual([
      ['plot0', 'Plot'],
      ['Open', 'Open'],
      ['plot2', 'Plot'],
      ['plot9', 'plot9'],
      ['plot5', 'Plot'],
    ]);
  });

  it('puts an overlay script on the price pane with its lines, markers and background', () => {
    const plan = buildChartPlan(programOf(sample('bollinger-ma.pine')));
    expect(plan.panes).toBe(1);
    expect(plan.series.map((s) => [s.title, s.pane, s.shape])).toEqual([
      ['Fast MA', 0, 'line'],
      ['Slow MA', 0, 'line'],
      ['BB upper', 0, 'line'],
      ['BB basis', 0, 'line'],
      ['BB lower', 0, 'line'],
    ]);
    // color.new(#f6c343, 0) is opaque; #5b9cf6 at 30 transparency is 70 % opaque.
    expect(plan.series[0]?.color).toBe('rgba(246, 195, 67, 1)');
    expect(plan.series[2]?.color).toBe('rgba(91, 156, 246, 0.7)');
    expect(plan.series[0]?.lineWidth).toBe(2);
    // The slow MA's color changes per bar: it reads the color channel.
    expect(plan.series[1]?.colorChannel).toBe(1);
    expect(plan.series[0]?.colorChannel).toBe(-1);
    // linebr breaks at na, a plain line bridges it.
    expect(plan.series[3]?.breaks).toBe(true);
    expect(plan.series[0]?.breaks).toBe(false);
    expect(plan.markers.map((m) => [m.title, m.shape, m.position])).toEqual([
      ['Golden cross', 'arrowUp', 'belowBar'],
      ['Death cross', 'arrowDown', 'aboveBar'],
    ]);
    expect(plan.backgrounds).toHaveLength(1);
    expect(plan.backgrounds[0]?.colorChannel).toBe(0);
    expect(plan.notes).toEqual([]);
  });

  it('puts an oscillator in its own pane with hlines from constants and inputs', () => {
    const plan = buildChartPlan(programOf(sample('rsi-macd.pine')));
    expect(plan.panes).toBe(2);
    expect(plan.series.map((s) => [s.title, s.pane, s.shape])).toEqual([
      ['RSI', 1, 'line'],
      ['MACD histogram', 1, 'histogram'],
    ]);
    expect(plan.series[1]?.histbase).toBe(50);
    expect(plan.hlines.map((h) => [h.title, h.price, h.priceChannel >= 0, h.lineStyle])).toEqual([
      ['Overbought', null, true, 2],
      ['Midline', 50, false, 1],
      ['Oversold', null, true, 2],
    ]);
    expect(plan.markers.map((m) => [m.kind, m.pane])).toEqual([
      ['shape', 1],
      ['shape', 1],
      ['char', 1],
    ]);
    expect(plan.markers[2]?.text).toBe('•');
  });

  it('maps plot styles and notes what it cannot draw', () => {
    const plan = buildChartPlan(
      programOf(`//@version=6
indicator("styles", overlay=true)
a = plot(close, "step", style=plot.style_stepline)
b = plot(open, "area", style=plot.style_area)
plot(high, "dots", style=plot.style_circles)
plot(low, "over", force_overlay=true)
fill(a, b, color=color.new(color.blue, 80), title="band")
plotarrow(close - open, "arrows")
barcolor(close > open ? color.green : color.red)
`),
    );
    expect(plan.series.map((s) => s.shape)).toEqual(['step', 'area', 'points', 'line']);
    expect(plan.notes).toEqual([]);
    expect(plan.fills.map((f) => [f.title, f.a.kind, f.b.kind, f.color])).toEqual([['band', 'plot', 'plot', 'rgba(41, 98, 255, 0.2)']]);
    expect(plan.markers[0]?.kind).toBe('arrow');
    expect(plan.barColor?.colorChannel).toBe(0);
  });

  it('shows a marker for true or non-zero values only', () => {
    expect([1, 0, NaN, -2].map(markerVisible)).toEqual([true, false, false, true]);
  });
});
