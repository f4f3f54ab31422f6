// A restoring load's first frame (app/ui/first-paint.ts): where it puts candles and plot lines, for
// small charts computed by hand with the chart library's geometry — bar x = pane width − (last bar
// + right offset 8 − bar + 0.5) × bar spacing 6 − 1; per pane, the values of the bars in view span
// the height less the scale margins (20 % above, 10 % below), y = top + height − 1 − (bottom margin
// + (inner height − 1) × (v − min) / (max − min)) — and the charts it leaves to the library.

import { describe, expect, it } from 'vitest';
import { compile } from '../../vm/index.js';
import { makeColor } from '../../vm/values.js';
import { firstPaintScene, type ChartLayout } from '../../app/ui/first-paint.js';
import type { BarsChunk, OutputsChunk, ProgramInfo } from '../../app/worker/protocol.js';

function programOf(source: string): ProgramInfo {
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { meta: program.meta, outputs: program.outputs, inputs: program.inputs };
}

const DAY = 86_400_000;

function bars(ohlc: [number, number, number, number][]): BarsChunk {
  const col = (k: number) => Float64Array.from(ohlc.map((b) => b[k] as number));
  return { firstBar: 0, length: ohlc.length, time: Float64Array.from(ohlc.map((_, i) => i * DAY)), open: col(0), high: col(1), low: col(2), close: col(3), volume: new Float64Array(ohlc.length) };
}

function rows(columns: number[][][]): OutputsChunk {
  const n = columns[0]?.[0]?.length ?? 0;
  return { firstBar: 0, length: n, time: Float64Array.from({ length: n }, (_, i) => i * DAY), columns: columns.map((o) => o.map((c) => Float64Array.from(c))) };
}

/** A 300 × 200 chart: panes 228 px wide, the price pane 100 px high, a separator, a script pane
 * 71 px high, the time axis 28 px. */
const TWO_PANES: ChartLayout = { width: 300, height: 200, paneWidth: 228, timeAxisHeight: 28, panes: [{ top: 0, height: 100 }, { top: 101, height: 71 }] };

const CANDLES = bars([
  [10, 12, 9, 11],
  [11, 13, 10, 10],
  [10, 11, 8, 9],
]);

describe('first frame', () => {
  it('puts candles and a script pane line where the chart library puts them', () => {
    const program = programOf('//@version=6\nindicator("t")\nplot(close, "c")\n');
    const scene = firstPaintScene({ program, bars: CANDLES, rows: rows([[[11, 10, 9]]]) }, TWO_PANES);
    expect(scene).not.toBeNull();
    // x: 228 − (2 + 8 − bar + 0.5) × 6 − 1 → 164, 170, 176.
    // Price pane: lows and highs 8…13; margins 20 and 10 px, inner 70: y = 89 − 69 / 5 × (v − 8).
    // Script pane: closes 9…11 at top 101, height 71; margins 14.2 and 7.1, inner 49.7:
    // y = 101 + 70 − (7.1 + 48.7 / 2 × (v − 9)).
    const candle = scene?.candles[2];
    expect(candle?.x).toBe(176);
    expect(candle?.high).toBeCloseTo(89 - 13.8 * 3, 9);
    expect(candle?.low).toBeCloseTo(89, 9);
    expect(candle?.open).toBeCloseTo(89 - 13.8 * 2, 9);
    expect(candle?.close).toBeCloseTo(89 - 13.8, 9);
    // Bar 1 closed below its open, bar 0 above: the library's down and up colors.
    expect(scene?.candles.map((c) => c.color)).toEqual(['#26a69a', '#ef5350', '#ef5350']);
    expect(scene?.strokes).toHaveLength(1);
    const xy = scene?.strokes[0]?.xy ?? [];
    expect(xy.filter((_, i) => i % 2 === 0)).toEqual([164, 170, 176]);
    expect(xy[1]).toBeCloseTo(163.9 - 48.7, 9);
    expect(xy[3]).toBeCloseTo(163.9 - 24.35, 9);
    expect(xy[5]).toBeCloseTo(163.9, 9);
    expect(scene?.strokes[0]?.pane).toBe(1);
    // The last price line at the last close, in its candle's color.
    expect(scene?.priceLine?.y).toBeCloseTo(89 - 13.8, 9);
    expect(scene?.priceLine?.color).toBe('#ef5350');
    expect(scene?.samples.map((s) => [s.series, s.bar, s.value, s.x])).toEqual([
      ['candles', 2, 9, 176],
      ['c', 2, 9, 176],
    ]);
  });

  it('leaves out the bars left of the view when scaling, and draws the line in from the edge', () => {
    // 100 px of panes hold 100 / 6 bars: with the last bar 12 and the offset 8 the view starts at
    // floor(20 − 16.67 + 1) = bar 4. Bar 0's spike to 100 is out of view and out of the scale.
    const n = 13;
    const ohlc = Array.from({ length: n }, (_, i): [number, number, number, number] => (i === 0 ? [10, 100, 9, 11] : [10, 12, 8, 11]));
    const layout: ChartLayout = { width: 172, height: 128, paneWidth: 100, timeAxisHeight: 28, panes: [{ top: 0, height: 100 }] };
    const program = programOf('//@version=6\nindicator("t", overlay = true)\nplot(bar_index == 3 ? 1000 : close, "c")\n');
    const closes = ohlc.map((b, i) => (i === 3 ? 1000 : b[3]));
    const scene = firstPaintScene({ program, bars: bars(ohlc), rows: rows([[closes]]) }, layout);
    // In view 8…12 (bar 3's 1000 is left of it): y = 89 − 69 / 4 × (v − 8).
    expect(scene?.samples[0]?.y).toBeCloseTo(89 - (69 / 4) * 3, 9);
    // Candles from bar 3 (one before the view); the line from bar 3 too, entering from the left.
    expect(scene?.candles[0]?.x).toBe(100 - (12 + 8 - 3 + 0.5) * 6 - 1);
    expect(scene?.strokes[0]?.xy[0]).toBe(100 - (12 + 8 - 3 + 0.5) * 6 - 1);
    expect(scene?.strokes[0]?.xy[1]).toBeCloseTo(89 - (69 / 4) * 992, 6);
  });

  it('cuts a line with breaks at na and colors each segment as its first point', () => {
    const program = programOf('//@version=6\nindicator("t")\nplot(bar_index == 2 ? na : close, "c", color = close > open ? color.lime : color.red, style = plot.style_linebr)\n');
    const ohlc = bars([
      [10, 12, 9, 11],
      [11, 13, 10, 10],
      [10, 11, 8, 9],
      [9, 12, 8, 12],
    ]);
    // Channel 1 holds the per-bar color the engine wrote (color.lime #00e676, color.red #f23645).
    const limeNum = colorNumber(0x00, 0xe6, 0x76);
    const redNum = colorNumber(0xf2, 0x36, 0x45);
    const scene = firstPaintScene({ program, bars: ohlc, rows: rows([[[11, 10, NaN, 12], [limeNum, redNum, redNum, limeNum]]]) }, TWO_PANES);
    // Bar 0 → 1 in bar 0's color (lime); bar 1 is followed by na: nothing from it across the gap,
    // and bar 3 alone draws nothing.
    expect(scene?.strokes.map((s) => [s.color, s.xy.filter((_, i) => i % 2 === 0)])).toEqual([['rgba(0, 230, 118, 1)', [158, 164]]]);
  });

  it('leaves to the chart library what it does not draw exactly', () => {
    const input = (src: string, cols: number) => ({ program: programOf(`//@version=6\n${src}\n`), bars: CANDLES, rows: rows([Array.from({ length: cols }, () => [1, 2, 3])]) });
    const overlay: ChartLayout = { ...TWO_PANES, panes: [{ top: 0, height: 172 }] };
    expect(firstPaintScene(input('indicator("t", overlay = true)\nplot(close)', 1), overlay)).not.toBeNull();
    expect(firstPaintScene(input('indicator("t", overlay = true)\nplot(close, style = plot.style_histogram)', 1), overlay)).toBeNull();
    expect(firstPaintScene(input('indicator("t", overlay = true)\nplot(close, offset = 2)', 1), overlay)).toBeNull();
    expect(firstPaintScene(input('indicator("t", overlay = true)\nbgcolor(color.red)', 1), overlay)).toBeNull();
    // A layout remembered for another number of panes.
    expect(firstPaintScene(input('indicator("t")\nplot(close)', 1), overlay)).toBeNull();
  });
});

/** The VM's number for an opaque color. */
function colorNumber(r: number, g: number, b: number): number {
  return makeColor(r, g, b, 0);
}
