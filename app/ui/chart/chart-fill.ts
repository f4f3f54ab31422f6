// Pine's fill() on the chart: a series primitive (lightweight-charts v5 plugin API) attached to a
// series of the fill's pane, drawing under the series the area between two plots (bar to bar, each
// segment in the color of the bar it ends on; na color or an na side: no fill there) or between two
// hlines (the pane's whole width). It reads the PlotBuffer when the chart paints, so live bars and
// window moves need no bookkeeping here.

import type {
  IChartApi,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  Logical,
  SeriesAttachedParameter,
  SeriesType,
  Time,
} from 'lightweight-charts';
import { colorToCss } from '../../../vm/values.js';
import type { FillEdge, FillPlan } from './chart-plan.js';
import type { PlotBuffer } from './plot-buffer.js';

type CanvasRenderingTarget2D = Parameters<IPrimitivePaneRenderer['draw']>[0];

/** Where the chart's window of bars starts (bar index of logical index 0) and ends. */
export interface FillWindow {
  start: number;
  end: number;
}

interface Segment {
  x0: number;
  x1: number;
  a0: number;
  a1: number;
  b0: number;
  b1: number;
  color: string;
  /** Gradient: top/bottom y and colors. */
  grad: { yTop: number; yBottom: number; top: string; bottom: string } | null;
}

export class FillPrimitive implements ISeriesPrimitive<Time> {
  private chart: IChartApi | null = null;
  private series: ISeriesApi<SeriesType> | null = null;
  private readonly view: IPrimitivePaneView;

  constructor(
    private readonly fills: FillPlan[],
    private readonly buffer: PlotBuffer,
    private readonly window: () => FillWindow,
  ) {
    const renderer: IPrimitivePaneRenderer = {
      draw: () => undefined,
      drawBackground: (target) => this.draw(target),
    };
    this.view = { zOrder: () => 'bottom', renderer: () => renderer };
  }

  attached(p: SeriesAttachedParameter<Time, SeriesType>): void {
    this.chart = p.chart as IChartApi;
    this.series = p.series;
  }

  detached(): void {
    this.chart = null;
    this.series = null;
  }

  has(f: FillPlan): boolean {
    return this.fills.some((x) => x.outputId === f.outputId);
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.view];
  }

  /** An edge's price on a bar (NaN: none). */
  private edgeValue(e: FillEdge, bar: number): number {
    if (e.kind === 'plot') return this.buffer.value(e.outputId, e.channel, bar - e.offset);
    if (e.price !== null) return e.price;
    return this.lastValue(e.outputId, e.channel);
  }

  /** The newest non-na value of a channel (an hline's price from an input is the same on every bar). */
  private lastValue(outputId: number, channel: number): number {
    for (let i = this.buffer.rowEnd - 1; i >= 0; i--) {
      const v = this.buffer.value(outputId, channel, i);
      if (!Number.isNaN(v)) return v;
    }
    return NaN;
  }

  /** A gradient's top or bottom color on a bar: its channel (an input or series color, recorded
   * per bar) or its constant. */
  private gradientColor(f: FillPlan, channel: number, constant: string | null, bar: number): string | null {
    return channel >= 0 ? colorToCss(this.buffer.value(f.outputId, channel, bar)) : constant;
  }

  private colorAt(f: FillPlan, bar: number): string | null {
    if (f.colorChannel >= 0) return colorToCss(this.buffer.value(f.outputId, f.colorChannel, bar));
    return f.color;
  }

  private draw(target: CanvasRenderingTarget2D): void {
    const chart = this.chart;
    const series = this.series;
    if (!chart || !series) return;
    const ts = chart.timeScale();
    const range = ts.getVisibleLogicalRange();
    const win = this.window();
    if (!range || win.end <= win.start) return;
    const y = (price: number) => (Number.isNaN(price) ? null : series.priceToCoordinate(price));
    const lastBar = Math.min(win.end, this.buffer.shownBars) - 1;
    const from = Math.max(win.start, win.start + Math.floor(range.from) - 1);
    const to = Math.min(lastBar, win.start + Math.ceil(range.to) + 1);
    target.useBitmapCoordinateSpace(({ context: ctx, horizontalPixelRatio: hr, verticalPixelRatio: vr, bitmapSize }) => {
      for (const f of this.fills) {
        if (f.a.kind === 'hline' && f.b.kind === 'hline') {
          const ya = y(this.edgeValue(f.a, lastBar));
          const yb = y(this.edgeValue(f.b, lastBar));
          const color = this.colorAt(f, lastBar);
          if (ya === null || yb === null || color === null) continue;
          ctx.fillStyle = color;
          ctx.fillRect(0, Math.min(ya, yb) * vr, bitmapSize.width, Math.abs(ya - yb) * vr);
          continue;
        }
        const segs: Segment[] = [];
        for (let bar = from; bar < to; bar++) {
          const x0 = ts.logicalToCoordinate((bar - win.start) as Logical);
          const x1 = ts.logicalToCoordinate((bar + 1 - win.start) as Logical);
          const a0 = y(this.edgeValue(f.a, bar));
          const a1 = y(this.edgeValue(f.a, bar + 1));
          const b0 = y(this.edgeValue(f.b, bar));
          const b1 = y(this.edgeValue(f.b, bar + 1));
          if (x0 === null || x1 === null || a0 === null || a1 === null || b0 === null || b1 === null) continue;
          if (f.gradient) {
            const g = f.gradient;
            const yTop = g.topChannel >= 0 ? y(this.buffer.value(f.outputId, g.topChannel, bar + 1)) : Math.min(a1, b1);
            const yBottom = g.bottomChannel >= 0 ? y(this.buffer.value(f.outputId, g.bottomChannel, bar + 1)) : Math.max(a1, b1);
            const top = this.gradientColor(f, g.topColorChannel, g.topColor, bar + 1);
            const bottom = this.gradientColor(f, g.bottomColorChannel, g.bottomColor, bar + 1);
            if (yTop === null || yBottom === null || top === null || bottom === null) continue;
            segs.push({ x0, x1, a0, a1, b0, b1, color: top, grad: { yTop, yBottom, top, bottom } });
            continue;
          }
          const color = this.colorAt(f, bar + 1);
          if (color === null) continue;
          segs.push({ x0, x1, a0, a1, b0, b1, color, grad: null });
        }
        for (const s of segs) {
          if (s.grad && s.grad.yTop !== s.grad.yBottom) {
            const g = ctx.createLinearGradient(0, s.grad.yTop * vr, 0, s.grad.yBottom * vr);
            g.addColorStop(0, s.grad.top);
            g.addColorStop(1, s.grad.bottom);
            ctx.fillStyle = g;
          } else {
            ctx.fillStyle = s.color;
          }
          ctx.beginPath();
          ctx.moveTo(s.x0 * hr, s.a0 * vr);
          ctx.lineTo(s.x1 * hr, s.a1 * vr);
          ctx.lineTo(s.x1 * hr, s.b1 * vr);
          ctx.lineTo(s.x0 * hr, s.b0 * vr);
          ctx.closePath();
          ctx.fill();
        }
      }
    });
  }

  /** Segments drawn in the window [from, to) (for the debug accessor): bars whose fill has both
   * sides and a color. */
  filledBars(f: FillPlan, from: number, to: number): number {
    let n = 0;
    for (let bar = from; bar + 1 < to; bar++) {
      const ok = [this.edgeValue(f.a, bar), this.edgeValue(f.a, bar + 1), this.edgeValue(f.b, bar), this.edgeValue(f.b, bar + 1)].every((v) => !Number.isNaN(v));
      const g = f.gradient;
      const colored = g
        ? this.gradientColor(f, g.topColorChannel, g.topColor, bar + 1) !== null && this.gradientColor(f, g.bottomColorChannel, g.bottomColor, bar + 1) !== null
        : this.colorAt(f, bar + 1) !== null;
      if (ok && colored) n++;
    }
    return n;
  }
}
