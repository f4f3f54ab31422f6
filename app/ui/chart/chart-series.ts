// The chart library's series of one chart plan: the candles, the scripts' plots, plotcandles and
// backgrounds, the markers, fills and horizontal lines hung on a series of their pane, and the
// drawings primitives of the scripts' own panes. ChartView (chart-view.ts) fills them with data;
// this file makes, formats and removes them.

import {
  AreaSeries,
  BarSeries,
  CandlestickSeries,
  HistogramSeries,
  LineSeries,
  LineType,
  createSeriesMarkers,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type SeriesType,
  type Time,
} from 'lightweight-charts';
import type { BgPlan, CandlePlan, ChartPlan, MarkerPlan, SeriesPlan } from './chart-plan.js';
import type { PlotBuffer } from './plot-buffer.js';
import { FillPrimitive } from './chart-fill.js';
import { DrawingsPrimitive } from './chart-drawings.js';
import { TRANSPARENT } from './plot-gaps.js';
import { areaTop } from './chart-points.js';
import { priceFormatOptions, type ChartFormats } from './chart-formats.js';
import { THEME } from './chart-style.js';

/** Above this many plots the last-value labels on the price axis are left off (see addPlot). */
const MAX_VALUE_LABELS = 8;

export type PlotApi = ISeriesApi<'Line'> | ISeriesApi<'Histogram'> | ISeriesApi<'Area'>;

export interface DrawnPlot {
  plan: SeriesPlan;
  api: PlotApi;
  /** Bar whose point was last redrawn for a gap edge in a live update (-1: none). */
  adjustedBar: number;
}

export interface DrawnCandles {
  plan: CandlePlan;
  api: ISeriesApi<'Candlestick'> | ISeriesApi<'Bar'>;
}

export interface MarkerHost {
  api: ISeriesApi<SeriesType>;
  plugin: ISeriesMarkersPluginApi<Time>;
  plans: MarkerPlan[];
  markers: SeriesMarker<Time>[];
}

export class ChartSeries {
  candles: ISeriesApi<'Candlestick'> | null = null;
  plots: DrawnPlot[] = [];
  plotCandles: DrawnCandles[] = [];
  bgs: { plan: BgPlan; api: ISeriesApi<'Histogram'> }[] = [];
  hosts = new Map<number, MarkerHost>();
  priceLines: { outputId: number; line: IPriceLine; channel: number }[] = [];
  anchors: ISeriesApi<'Line'>[] = [];
  fillPrims: { prim: FillPrimitive; host: ISeriesApi<SeriesType> }[] = [];
  /** Non-overlay scripts' own panes (pane index → its primitive): their drawings (but tables and
   * force_overlay ones) go there. */
  paneDrawings = new Map<number, { prim: DrawingsPrimitive; host: ISeriesApi<SeriesType> }>();

  constructor(
    /** The chart (made on first use). */
    private readonly chart: () => IChartApi,
    private readonly buffer: PlotBuffer,
    /** The bars the chart library holds. */
    private readonly window: () => { start: number; end: number },
    /** The drawings on the candles' pane (labels, lines, boxes, tables). */
    private readonly drawingsPrim: DrawingsPrimitive,
  ) {}

  /** Removes every series, its markers, fills, lines and primitives, and the panes past the first. */
  clear(): void {
    const chart = this.chart();
    this.candles?.detachPrimitive(this.drawingsPrim);
    for (const p of this.paneDrawings.values()) p.host.detachPrimitive(p.prim);
    this.paneDrawings.clear();
    for (const f of this.fillPrims.splice(0)) f.host.detachPrimitive(f.prim);
    for (const h of this.hosts.values()) h.plugin.detach();
    this.hosts.clear();
    for (const pl of this.priceLines.splice(0)) {
      for (const s of this.all()) {
        try {
          s.removePriceLine(pl.line);
        } catch {
          // not this series' line
        }
      }
    }
    for (const s of this.all()) chart.removeSeries(s);
    this.candles = null;
    this.plots = [];
    this.plotCandles = [];
    this.bgs = [];
    this.anchors = [];
    while (chart.panes().length > 1) chart.removePane(chart.panes().length - 1);
  }

  /** Every series, backgrounds first. */
  all(): ISeriesApi<SeriesType>[] {
    const list: ISeriesApi<SeriesType>[] = [];
    for (const b of this.bgs) list.push(b.api);
    if (this.candles) list.push(this.candles);
    for (const c of this.plotCandles) list.push(c.api);
    for (const p of this.plots) list.push(p.api);
    for (const a of this.anchors) list.push(a);
    return list;
  }

  /** The series of `plan` (the previous ones removed): candles, then the program's outputs. */
  build(plan: ChartPlan): void {
    this.clear();
    this.candles = this.chart().addSeries(
      CandlestickSeries,
      {
        upColor: THEME.up,
        downColor: THEME.down,
        wickUpColor: THEME.up,
        wickDownColor: THEME.down,
        borderVisible: false,
        priceLineVisible: true,
      },
      0,
    );
    this.candles.attachPrimitive(this.drawingsPrim);
    this.buildOutputs(plan);
  }

  /** Gives every series its price format (axis and last-value labels). */
  applyFormats(f: ChartFormats): void {
    this.candles?.applyOptions(priceFormatOptions(f.symbol));
    for (const c of this.plotCandles) c.api.applyOptions(priceFormatOptions(f.of(c.plan.outputId)));
    for (const p of this.plots) p.api.applyOptions(priceFormatOptions(f.of(p.plan.outputId)));
    for (const a of this.anchors) a.applyOptions(priceFormatOptions(f.script));
  }

  /** The drawings primitive of a script's own pane, made on first use. */
  paneDrawing(pane: number): DrawingsPrimitive {
    const had = this.paneDrawings.get(pane);
    if (had) return had.prim;
    const host = this.hostSeries(pane);
    const prim = new DrawingsPrimitive(this.buffer, this.window, document.createElement('div'));
    host.attachPrimitive(prim);
    this.paneDrawings.set(pane, { prim, host });
    return prim;
  }

  /** Creates the series of the program's outputs: backgrounds under the candles, plots above. */
  private buildOutputs(plan: ChartPlan): void {
    const chart = this.chart();
    for (const bg of plan.backgrounds) {
      const api = chart.addSeries(HistogramSeries, { priceScaleId: `bg${bg.pane}`, lastValueVisible: false, priceLineVisible: false, base: 0 }, bg.pane);
      api.priceScale().applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
      api.setSeriesOrder(0);
      this.bgs.push({ plan: bg, api });
    }
    for (const c of plan.candles) {
      const opts = { upColor: c.color, downColor: c.color, title: c.title, priceLineVisible: false, lastValueVisible: false };
      const api = c.bars ? chart.addSeries(BarSeries, opts, c.pane) : chart.addSeries(CandlestickSeries, { ...opts, wickUpColor: c.wickColor ?? c.color, wickDownColor: c.wickColor ?? c.color, borderVisible: c.borderColor !== null, borderColor: c.borderColor ?? c.color }, c.pane);
      this.plotCandles.push({ plan: c, api });
    }
    const labels = plan.series.length <= MAX_VALUE_LABELS;
    for (const p of plan.series) this.plots.push({ plan: p, api: this.addPlot(p, labels), adjustedBar: -1 });
    if (plan.panes > 1) {
      // The price pane keeps most of the height; the scripts' own panes share the rest.
      const panes = chart.panes();
      const main = plan.panes > 2 ? 0.5 : 0.62;
      panes[0]?.setStretchFactor(main);
      for (let i = 1; i < plan.panes; i++) panes[i]?.setStretchFactor((1 - main) / (plan.panes - 1));
    }
    // Markers, fills and horizontal lines hang on a series of their pane.
    for (const m of plan.markers) this.hostFor(m.pane).plans.push(m);
    for (const pane of new Set(plan.fills.map((f) => f.pane))) {
      const host = this.hostSeries(pane);
      const prim = new FillPrimitive(
        plan.fills.filter((f) => f.pane === pane),
        this.buffer,
        this.window,
      );
      host.attachPrimitive(prim);
      this.fillPrims.push({ prim, host });
    }
    for (const h of plan.hlines) {
      const host = this.hostSeries(h.pane);
      const line = host.createPriceLine({
        price: h.price ?? 0,
        color: h.color,
        lineWidth: Math.max(1, Math.min(4, h.lineWidth)) as 1 | 2 | 3 | 4,
        lineStyle: h.lineStyle,
        axisLabelVisible: true,
        title: h.title,
      });
      this.priceLines.push({ outputId: h.outputId, line, channel: h.price === null ? h.priceChannel : -1 });
    }
  }

  /** A plot's series. `labels`: its last value labelled on the price axis (last-value labels help
   * with a few plots; with many they pile up, and placing them costs the library more per frame
   * than drawing the lines). */
  private addPlot(p: SeriesPlan, labels: boolean): PlotApi {
    const chart = this.chart();
    const common = { title: '', priceLineVisible: p.trackPrice, priceLineStyle: 2, lastValueVisible: labels && p.priceLabel, color: p.color };
    if (p.shape === 'histogram') {
      return chart.addSeries(HistogramSeries, { ...common, base: p.histbase }, p.pane);
    }
    if (p.shape === 'area') {
      return chart.addSeries(AreaSeries, { ...common, lineColor: p.color, topColor: areaTop(p.color), bottomColor: TRANSPARENT, lineWidth: width(p.lineWidth) }, p.pane);
    }
    return chart.addSeries(
      LineSeries,
      {
        ...common,
        lineWidth: width(p.lineWidth),
        lineStyle: p.lineStyle,
        lineType: p.shape === 'step' ? LineType.WithSteps : LineType.Simple,
        lineVisible: p.shape !== 'points',
        pointMarkersVisible: p.shape === 'points',
        crosshairMarkerVisible: p.shape !== 'points',
      },
      p.pane,
    );
  }

  /** The series markers and price lines of a pane attach to. */
  hostSeries(pane: number): ISeriesApi<SeriesType> {
    if (pane === 0 && this.candles) return this.candles;
    const plot = this.plots.find((p) => p.plan.pane === pane);
    if (plot) return plot.api;
    const anchor = this.chart().addSeries(LineSeries, { lineVisible: false, lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false }, pane);
    this.anchors.push(anchor);
    return anchor;
  }

  private hostFor(pane: number): MarkerHost {
    let h = this.hosts.get(pane);
    if (!h) {
      const api = this.hostSeries(pane);
      h = { api, plugin: createSeriesMarkers(api, [], { zOrder: 'aboveSeries' }), plans: [], markers: [] };
      this.hosts.set(pane, h);
    }
    return h;
  }
}

/** A line width the library takes (1 to 4 px). */
function width(w: number): 1 | 2 | 3 | 4 {
  return Math.max(1, Math.min(4, Math.round(w))) as 1 | 2 | 3 | 4;
}
