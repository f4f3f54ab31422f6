// How Pine's output arguments reach the chart plan: `display` (display.none and data_window draw
// nothing, price_scale and status_line flags), `offset`, plotcandle's body/wick/border colors.
// Expected values are Pine's documented meanings of the arguments (color.blue is #2962FF,
// color.red #F23645, color.purple #9C27B0 in Pine v5/v6).

import { describe, expect, it } from 'vitest';
import { Instance, compile } from '../../vm/index.js';
import { buildChartPlan } from '../../app/ui/chart/chart-plan.js';
import type { ProgramInfo } from '../../app/worker/protocol.js';

function programOf(source: string): ProgramInfo {
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { meta: program.meta, outputs: program.outputs, inputs: program.inputs };
}

describe('chart plan: display, offset and colors', () => {
  it('draws nothing for outputs whose display leaves out the pane', () => {
    const plan = buildChartPlan(
      programOf(`//@version=6
indicator("d", overlay=true)
plot(close, "shown")
plot(high, "data window only", display=display.data_window)
plot(low, "none", display=display.none)
plot(open, "no axis label", display=display.pane + display.status_line)
plotshape(close > open, "hidden shape", display=display.none)
plotchar(close > open, "char", char="x")
bgcolor(color.red, display=display.none)
barcolor(color.red, display=display.none)
hline(10, "hidden level", display=display.none)
hline(20, "level")
`),
    );
    expect(plan.series.map((s) => s.title)).toEqual(['shown', 'no axis label']);
    expect(plan.series.map((s) => [s.priceLabel, s.legend])).toEqual([
      [true, true],
      [false, true],
    ]);
    expect(plan.series.map((s) => s.trackPrice)).toEqual([false, false]);
    const tracked = buildChartPlan(programOf('//@version=6\nindicator("t", overlay=true)\nplot(close, "c", trackprice=true)\n'));
    expect(tracked.series[0]?.trackPrice).toBe(true);
    expect(plan.series.map((s) => s.showLast)).toEqual([null, null]);
    const last = buildChartPlan(programOf('//@version=6\nindicator("t", overlay=true)\nplot(close, "c", show_last=10)\n'));
    expect(last.series[0]?.showLast).toBe(10);
    expect(plan.markers.map((m) => m.title)).toEqual(['char']);
    expect(plan.backgrounds).toEqual([]);
    expect(plan.barColor).toBeNull();
    expect(plan.hlines.map((h) => h.title)).toEqual(['level']);
  });

  it('does not open a pane for a non-overlay script whose outputs are all hidden from it', () => {
    const plan = buildChartPlan(programOf('//@version=6\nindicator("x")\nplot(close, display=display.data_window)\n'));
    expect(plan.panes).toBe(1);
    expect(plan.series).toEqual([]);
  });

  it('keeps each output offset', () => {
    const plan = buildChartPlan(
      programOf(`//@version=6
indicator("o", overlay=true)
plot(close, "left", offset=-3)
plot(close, "right", offset=2)
plotshape(close > open, "shape", offset=1)
plotarrow(close - open, "arrow", offset=-1)
bgcolor(color.red, offset=4)
barcolor(color.red, offset=-2)
`),
    );
    expect(plan.series.map((s) => [s.title, s.offset])).toEqual([
      ['left', -3],
      ['right', 2],
    ]);
    expect(plan.markers.map((m) => [m.title, m.offset])).toEqual([
      ['shape', 1],
      ['arrow', -1],
    ]);
    expect(plan.backgrounds[0]?.offset).toBe(4);
    expect(plan.barColor?.offset).toBe(-2);
  });

  it("gives plotcandle its per-bar body color, wick color and border color", () => {
    const plan = buildChartPlan(
      programOf(`//@version=6
indicator("c")
plotcandle(open, high, low, close, "c", color=close > open ? color.green : na, wickcolor=#ffffff, bordercolor=#ffff00)
plotcandle(open, high, low, close, "plain", color=#ff0000)
`),
    );
    const [c, plain] = plan.candles;
    expect(c?.colorChannel).toBeGreaterThanOrEqual(0);
    expect(c?.wickColor).toBe('rgba(255, 255, 255, 1)');
    expect(c?.borderColor).toBe('rgba(255, 255, 0, 1)');
    expect(plain?.colorChannel).toBe(-1);
    expect(plain?.color).toBe('rgba(255, 0, 0, 1)');
    expect(plain?.wickColor).toBeNull();
    expect(plain?.borderColor).toBeNull();
  });
});

describe('chart plan: fills', () => {
  it('fills between two plots (hidden ones too), with a per-bar color, and between two hlines', () => {
    const plan = buildChartPlan(
      programOf(`//@version=6
indicator("f")
a = plot(high, "a", offset=1)
b = plot(low, "b", display=display.none)
fill(a, b, color=close > open ? color.new(color.green, 70) : na, title="dyn")
fill(a, b, high, low, color.red, color.blue, title="grad")
lvl = input.int(70, "level")
h1 = hline(lvl, "h1")
h2 = hline(30, "h2")
fill(h1, h2, color=color.new(color.purple, 80), title="zone")
fill(a, b, display=display.none, title="hidden")
`),
    );
    expect(plan.notes).toEqual([]);
    expect(plan.panes).toBe(2);
    const [dyn, grad, zone] = plan.fills;
    expect(plan.fills).toHaveLength(3);
    expect(dyn).toMatchObject({ title: 'dyn', pane: 1, a: { kind: 'plot', outputId: 0, offset: 1 }, b: { kind: 'plot', outputId: 1, offset: 0 }, color: null, gradient: null });
    expect(dyn?.colorChannel).toBeGreaterThanOrEqual(0);
    expect(grad?.gradient).toMatchObject({ topColor: 'rgba(242, 54, 69, 1)', bottomColor: 'rgba(41, 98, 255, 1)' });
    expect(grad?.gradient?.topChannel).toBeGreaterThanOrEqual(0);
    expect(zone).toMatchObject({ title: 'zone', a: { kind: 'hline', price: null }, b: { kind: 'hline', price: 30 }, color: 'rgba(156, 39, 176, 0.2)' });
    expect(zone?.a.kind === 'hline' && zone.a.channel).toBeGreaterThanOrEqual(0);
  });
});

describe('chart plan: plotshape styles without a library marker', () => {
  it('draws xcross (the default), cross, diamond and flag as characters, keeping the text', () => {
    const plan = buildChartPlan(
      programOf(`//@version=6
indicator("s", overlay=true)
plotshape(close > open, "default")
plotshape(close > open, "diamond", style=shape.diamond, text="D")
plotshape(close > open, "cross", style=shape.cross)
plotshape(close > open, "flag", style=shape.flag)
plotshape(close > open, "square", style=shape.square, text="S")
`),
    );
    expect(plan.markers.map((m) => [m.title, m.text, m.size])).toEqual([
      ['default', '✕', 0],
      ['diamond', '◆ D', 0],
      ['cross', '✚', 0],
      ['flag', '⚑', 0],
      ['square', 'S', 1],
    ]);
    expect(plan.markers[4]?.shape).toBe('square');
  });
});

describe('chart plan: color=na written out', () => {
  it('draws nothing (a per-bar na color), while a color left out takes the default', () => {
    const source = `//@version=6
indicator("na color", overlay=true)
plot(close, "hidden", color=na)
plot(close, "default")
plotshape(close > open, "shape", color=na)
`;
    const info = programOf(source);
    const plan = buildChartPlan(info);
    const hidden = plan.series.find((s) => s.title === 'hidden');
    const dflt = plan.series.find((s) => s.title === 'default');
    const shape = plan.markers.find((m) => m.title === 'shape');
    expect(hidden?.colorChannel).toBeGreaterThanOrEqual(0);
    expect(dflt?.colorChannel).toBe(-1);
    expect(dflt?.color).toMatch(/^#|^rgb/);
    expect(shape?.colorChannel).toBeGreaterThanOrEqual(0);
    // The channel holds na on every bar, which the chart draws as no color.
    const { program } = compile(source);
    if (!program) throw new Error('no program');
    const inst = Instance.builder(program).timeframe('1D').totalBars(3).build();
    inst.runBars({ time: Float64Array.of(0, 864e5, 1728e5), open: Float64Array.of(1, 2, 3), high: Float64Array.of(2, 3, 4), low: Float64Array.of(0.5, 1.5, 2.5), close: Float64Array.of(1.5, 2.5, 3.5), volume: Float64Array.of(1, 1, 1), length: 3 });
    const hiddenCols = inst.outputs.columns[0] ?? [];
    expect(Array.from(hiddenCols[0]?.subarray(0, 3) ?? [])).toEqual([1.5, 2.5, 3.5]);
    expect(Array.from(hiddenCols[1]?.subarray(0, 3) ?? []).every(Number.isNaN)).toBe(true);
  });
});
