// What the chart library is given for one bar: candles (colored by barcolor), plot points (with
// offset, show_last and per-bar colors applied), backgrounds, plotcandle/plotbar points and
// plotshape/plotchar/plotarrow markers, each read from the PlotBuffer through the ChartPlan. Pure
// functions of the buffer: the ChartView decides which bars and when.

import type { SeriesMarker, Time, UTCTimestamp, WhitespaceData } from 'lightweight-charts';
import { colorToCss } from '../../../vm/values.js';
import { markerVisible, type BgPlan, type CandlePlan, type ChartPlan, type MarkerPlan, type SeriesPlan } from './chart-plan.js';
import type { PlotBuffer } from './plot-buffer.js';
import { TRANSPARENT } from './plot-gaps.js';

export interface PlotPoint {
  time: UTCTimestamp;
  value?: number;
  color?: string;
  lineColor?: string;
  topColor?: string;
  bottomColor?: string;
}

export interface CandleColorPoint {
  time: UTCTimestamp;
  open: number;
  high: number;
  low: number;
  close: number;
  color: string;
  wickColor?: string;
  borderColor?: string;
}

export interface CandlePoint {
  time: UTCTimestamp;
  open: number;
  high: number;
  low: number;
  close: number;
  color?: string;
  wickColor?: string;
}

export function toTime(ms: number): UTCTimestamp {
  return Math.floor(ms / 1000) as UTCTimestamp;
}

/** An area plot's fill color: its line color at 35 % opacity (scaled by the line's own). */
export function areaTop(css: string): string {
  const m = /^rgba\((\d+), (\d+), (\d+), ([\d.]+)\)$/.exec(css);
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${Math.round(Number(m[4]) * 0.35 * 1000) / 1000})` : css;
}

/** A bar's time (ms): the open replay bar's when it is past the confirmed bars. */
export function barTime(buffer: PlotBuffer, bar: number): number {
  const o = buffer.openBar;
  if (o && o.bar === bar && bar >= buffer.barCount) return o.time;
  return buffer.time.data[bar] as number;
}

/** The newest bar with plot values (the open bar during a replay). */
export function lastComputedBar(buffer: PlotBuffer): number {
  const o = buffer.openBar;
  return o && o.bar >= buffer.rowEnd ? o.bar : buffer.rowEnd - 1;
}

/** Bars with plot values before `w1`: rows computed so far (and the open bar). */
export function plotEnd(buffer: PlotBuffer, w1: number): number {
  const o = buffer.openBar;
  return Math.min(w1, o && o.bar >= buffer.rowEnd ? o.bar + 1 : buffer.rowEnd);
}

function candleColor(buffer: PlotBuffer, plan: ChartPlan, bar: number): string | undefined {
  const bc = plan.barColor;
  if (!bc) return undefined;
  const v = bc.colorChannel >= 0 ? buffer.value(bc.outputId, bc.colorChannel, bar - bc.offset) : NaN;
  return (bc.colorChannel >= 0 ? colorToCss(v) : bc.color) ?? undefined;
}

/** The symbol's candle on a bar (the forming one during a replay), colored by barcolor(). */
export function candlePoint(buffer: PlotBuffer, plan: ChartPlan, bar: number): CandlePoint {
  const b = buffer;
  const o = b.openBar;
  const time = toTime(o && o.bar === bar && bar >= b.barCount ? o.time : (b.time.data[bar] as number));
  const vals = o && o.bar === bar && bar >= b.barCount ? o : { open: b.open.data[bar] as number, high: b.high.data[bar] as number, low: b.low.data[bar] as number, close: b.close.data[bar] as number };
  const color = candleColor(buffer, plan, bar);
  const point = { time, open: vals.open, high: vals.high, low: vals.low, close: vals.close };
  return color ? { ...point, color, wickColor: color } : point;
}

/** A plot's point on a bar (null: nothing; `live`: whitespace for na so updates keep the bar). */
export function plotPoint(buffer: PlotBuffer, p: SeriesPlan, bar: number, live: boolean): PlotPoint | null {
  const time = toTime(barTime(buffer, bar));
  // `offset`: bar `bar` shows the value computed on bar `bar - offset`; `show_last`: only the
  // last N bars (up to the newest one computed) are drawn.
  if (p.showLast !== null && bar <= lastComputedBar(buffer) - p.showLast) return live || p.breaks ? { time } : null;
  const src = bar - p.offset;
  const v = buffer.value(p.outputId, p.valueChannel, src);
  if (Number.isNaN(v)) return p.breaks || live ? { time } : null;
  if (p.colorChannel >= 0) {
    const c = colorToCss(buffer.value(p.outputId, p.colorChannel, src));
    // An area's points take their colors as line and fill colors (na: none drawn).
    if (p.shape === 'area') return { time, value: v, lineColor: c ?? TRANSPARENT, topColor: c ? areaTop(c) : TRANSPARENT, bottomColor: TRANSPARENT };
    return { time, value: v, color: c ?? TRANSPARENT };
  }
  return { time, value: v };
}

/** A background's color on a bar (null: none), its `offset` applied. */
export function bgColor(buffer: PlotBuffer, bg: BgPlan, bar: number): string | null {
  return bg.colorChannel >= 0 ? colorToCss(buffer.value(bg.outputId, bg.colorChannel, bar - bg.offset)) : bg.color;
}

/** A plotcandle/plotbar point: whitespace when a price is na or its per-bar color is na (no
 * color: nothing drawn); the body, wick and border colors of the script. */
export function plotCandlePoint(buffer: PlotBuffer, c: CandlePlan, bar: number): CandleColorPoint | WhitespaceData<Time> {
  const time = toTime(barTime(buffer, bar));
  const [o, h, l, cl] = c.channels;
  const id = c.outputId;
  const v = [o, h, l, cl].map((ch) => buffer.value(id, ch, bar)) as [number, number, number, number];
  if (v.some(Number.isNaN)) return { time };
  const color = c.colorChannel >= 0 ? colorToCss(buffer.value(id, c.colorChannel, bar)) : c.color;
  if (color === null) return { time };
  const point: CandleColorPoint = { time, open: v[0], high: v[1], low: v[2], close: v[3], color };
  if (!c.bars) {
    point.wickColor = c.wickColor ?? color;
    point.borderColor = c.borderColor ?? color;
  }
  return point;
}

/** The plotshape/plotchar/plotarrow markers of `plans` on the confirmed bars [from, to). */
export function markersFor(buffer: PlotBuffer, plans: MarkerPlan[], from: number, to: number): SeriesMarker<Time>[] {
  const out: SeriesMarker<Time>[] = [];
  const end = Math.min(to, buffer.rowEnd);
  for (let bar = from; bar < end; bar++) {
    for (const m of plans) {
      // `offset`: the marker on bar `bar` is the one computed on bar `bar - offset`.
      const src = bar - m.offset;
      const v = buffer.value(m.outputId, m.valueChannel, src);
      if (m.kind === 'arrow') {
        if (Number.isNaN(v) || v === 0) continue;
        const up = v > 0;
        const cch = up ? m.upChannel : m.downChannel;
        // A per-bar color that is na means no color: no arrow.
        const color = cch >= 0 ? colorToCss(buffer.value(m.outputId, cch, src)) : up ? m.upColor : m.downColor;
        if (color === null) continue;
        out.push({ time: toTime(buffer.time.data[bar] as number), position: up ? 'belowBar' : 'aboveBar', shape: up ? 'arrowUp' : 'arrowDown', color, size: 1 });
        continue;
      }
      if (!markerVisible(v)) continue;
      // A per-bar color that is na means no color: the shape is not drawn on that bar.
      const color = m.colorChannel >= 0 ? colorToCss(buffer.value(m.outputId, m.colorChannel, src)) : m.color;
      if (color === null) continue;
      const time = toTime(buffer.time.data[bar] as number);
      const base = { time, shape: m.shape, color, size: m.size, ...(m.text ? { text: m.text } : {}) };
      out.push(m.position === 'atPriceMiddle' ? { ...base, position: 'atPriceMiddle', price: v } : { ...base, position: m.position });
    }
  }
  return out;
}
