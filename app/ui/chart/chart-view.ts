// The chart: lightweight-charts v5 driven from a PlotBuffer and a ChartPlan. The library's setData
// costs grow with the points it holds (measured here: ~100 ms per 100k-point series, 5 s for a
// 100k-bar chart with 19 plots), so the chart holds a window of a few thousand bars around what is
// visible and moves the window when the user scrolls near its edge; the buffer keeps every bar.
// Each window change is one setData per series; live bars are appended with update().

import {
  ColorType,
  CrosshairMode,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Logical,
  type LogicalRange,
  type MouseEventParams,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts';
import { buildChartPlan, type ChartPlan, type SeriesPlan } from './chart-plan.js';
import { ChartSeries, type DrawnPlot, type MarkerHost } from './chart-series.js';
import type { PlotBuffer } from './plot-buffer.js';
import { DrawingsPrimitive, type RenderedDrawing } from './chart-drawings.js';
import type { DrawingRecord } from '../../worker/protocol.js';
import { cutsGaps, drawnSegments, gapAdjusted } from './plot-gaps.js';
import { barTime, bgColor, candlePoint, markersFor, plotCandlePoint, plotEnd, plotPoint, toTime, type CandleColorPoint, type PlotPoint } from './chart-points.js';
import { ChartLegend } from './chart-legend.js';
import { ChartFormats } from './chart-formats.js';
import { drawingsByPane, layeredPlan, MAIN_LAYER, type ChartLayer } from './chart-layers.js';
import type { ProgramInfo } from '../../worker/protocol.js';
import { CHART_WINDOW } from '../../worker/protocol.js';
import { mark } from '../../marks.js';
import { BAR_SPACING, RIGHT_OFFSET, SCALE_MARGINS, THEME } from './chart-style.js';
import type { PageLayout } from '../first-paint.js';

/** How close to an edge of the window of bars the library holds (CHART_WINDOW) a scroll may get
 * before the window moves. The library's minimum bar spacing (1 px) caps what is visible below it. */
const EDGE_MARGIN = 300;
/** Minimum width of the price axis (px): wide enough for most prices' labels. */
const PRICE_AXIS_WIDTH = 72;

/** strategy: a trade marker: its bar, above (sell) or below (buy) the bar, text and color. */
export interface TradeMark {
  bar: number;
  above: boolean;
  text: string;
  color: string;
}

export interface ChartWindowInfo {
  start: number;
  end: number;
  bars: number;
  panes: number;
}

export class ChartView {
  /** The chart library's chart, made when first laid out (see `chart`). */
  private api: IChartApi | null = null;
  private plan: ChartPlan = buildChartPlan(null);
  /** The library's series of the plan (chart-series.ts). */
  private readonly series: ChartSeries;
  /** The script's labels, lines, boxes, ... on the candles' pane, tables over the chart. */
  private readonly drawingsPrim: DrawingsPrimitive;
  private drawingList: DrawingRecord[] = [];
  private w0 = 0;
  private w1 = 0;
  /** First bar of the data the library holds (-1: none). */
  private drawnStart = -1;
  private pendingDraw: ReturnType<typeof setTimeout> | null = null;
  /** Called once the chart has painted the data of the next setWindowData. */
  private paintWaiters: (() => void)[] = [];
  private pendingFollow = false;
  /** The pending redraw may hold a compact window (see scheduleRedraw). */
  private pendingCompact = true;
  /** The series of the current plan exist (see reset). */
  private built = false;
  /** Some series holds data (set since they were built or last emptied). */
  private holdsData = false;
  private resetSeq = 0;
  private destroyed = false;
  private adjusting = false;
  private rangeCheck = 0;
  private readonly legend: ChartLegend;
  private resizeObserver: ResizeObserver;
  private size = { w: 0, h: 0 };
  /** How the symbol's prices and the script's values are written (see price-format.ts). */
  private readonly formats: ChartFormats;

  constructor(
    private readonly container: HTMLElement,
    private readonly buffer: PlotBuffer,
  ) {
    this.formats = new ChartFormats(buffer);
    this.legend = new ChartLegend({
      buffer,
      candlePoint: (bar) => candlePoint(buffer, this.plan, bar),
      legendPlots: () => this.plots.map((p) => p.plan),
      symbolFormat: () => this.formats.symbol,
      formatOf: (id) => this.formats.of(id),
      layerTitle: (id) => this.layers.find((l) => l.id === id)?.title ?? id,
    });
    container.appendChild(this.legend.element);
    this.resizeObserver = new ResizeObserver(() => {
      const chart = this.api;
      if (!chart) return;
      const w = this.container.clientWidth;
      const h = this.container.clientHeight;
      if (w !== this.size.w || h !== this.size.h) {
        this.size = { w, h };
        chart.resize(w, h);
        this.onResized?.();
      }
      this.checkRange();
    });
    this.resizeObserver.observe(container);
    const window = () => ({ start: this.w0, end: this.w1 });
    this.drawingsPrim = new DrawingsPrimitive(buffer, window, container);
    this.series = new ChartSeries(() => this.chart, buffer, window, this.drawingsPrim);
  }

  private get candles(): ISeriesApi<'Candlestick'> | null {
    return this.series.candles;
  }

  private get plots(): DrawnPlot[] {
    return this.series.plots;
  }

  // ---- several scripts on one chart (chart-layers.ts) ----

  /** The scripts on the chart in the buffer's column order (one: the editor's script alone). */
  private layers: ChartLayer[] = [];
  /** Their order on the chart and the hidden ones (layer ids). */
  private layerOrder: string[] = [];
  private hiddenLayers: ReadonlySet<string> = new Set();

  /** The scripts whose columns the buffer holds (set before the reset of their run). */
  setLayers(layers: ChartLayer[], order: string[], hidden: ReadonlySet<string>): void {
    this.layers = layers;
    this.layerOrder = order;
    this.hiddenLayers = hidden;
  }

  /** Lays the chart out again after scripts were hidden, shown or moved (the rows are kept). */
  relayout(order: string[], hidden: ReadonlySet<string>): void {
    this.layerOrder = order;
    this.hiddenLayers = hidden;
    if (this.buffer.barCount > 0) this.reset(this.legend.title, true);
  }

  /** The chart plan of what the buffer holds. */
  private planOf(program: ProgramInfo | null): ChartPlan {
    if (this.layers.length <= 1 || program !== this.buffer.program) return buildChartPlan(program);
    return layeredPlan(this.layers, [MAIN_LAYER, ...this.layerOrder.filter((id) => id !== MAIN_LAYER)], this.hiddenLayers);
  }

  /** The pane each script's plots are in (layer id → panes; MAIN_LAYER for the editor's). */
  layerPanes(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const p of this.plots) {
      const id = p.plan.layer ?? MAIN_LAYER;
      const list = (out[id] ??= []);
      if (!list.includes(p.plan.pane)) list.push(p.plan.pane);
    }
    return out;
  }

  /** The live drawings (the whole list: it replaces the previous one). */
  setDrawings(list: DrawingRecord[]): void {
    this.drawingList = list;
    const mainPane = this.buffer.program && !this.buffer.program.meta.overlay && this.plan.panes > 1 ? 1 : 0;
    const byPane = drawingsByPane(list, mainPane, this.layers, this.hiddenLayers, this.layers.length > 1 ? this.layerPanes() : {});
    if (this.built && this.candles) {
      for (const pane of byPane.keys()) if (pane !== 0) this.series.paneDrawing(pane);
    } else for (const pane of [...byPane.keys()]) if (pane !== 0) byPane.set(0, [...(byPane.get(0) ?? []), ...(byPane.get(pane) ?? [])]);
    this.drawingsPrim.setDrawings(byPane.get(0) ?? []);
    for (const [pane, p] of this.series.paneDrawings) p.prim.setDrawings(byPane.get(pane) ?? []);
  }

  /** The drawings painted at the last paint (kind, id, pane, pixel and bar/price coordinates, and
   * `study`: the added script's id, absent for the editor's script). */
  renderedDrawings(): (RenderedDrawing & { pane: number })[] {
    const out = this.drawingsPrim.rendered.map((d) => ({ ...d, pane: 0 }));
    for (const [pane, p] of this.series.paneDrawings) out.push(...p.prim.rendered.map((d) => ({ ...d, pane })));
    return out;
  }

  /** The chart is made when first laid out (the remembered layout, or the first run's reset), with
   * all of the program's panes, so its canvases are allocated once at their final size. In
   * software rendering every new or resized canvas costs several ms in each of the first frames
   * that show it, so an empty chart made earlier and then split into panes would pay twice. It is
   * sized here rather than with the library's autoSize, which starts it at 0×0 and sizes it in the
   * next frame. */
  get chart(): IChartApi {
    if (this.api) return this.api;
    this.size = { w: this.container.clientWidth, h: this.container.clientHeight };
    const chart = createChart(this.container, {
      width: this.size.w,
      height: this.size.h,
      layout: {
        background: { type: ColorType.Solid, color: THEME.background },
        textColor: THEME.text,
        fontFamily: "'Inter', 'Segoe UI', system-ui, sans-serif",
        fontSize: 11,
        panes: { separatorColor: THEME.border, separatorHoverColor: '#363a45', enableResize: true },
        attributionLogo: false,
      },
      grid: { vertLines: { color: THEME.grid }, horzLines: { color: THEME.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      // A fixed minimum width keeps the price axis (and so every pane's canvases) from being resized
      // when the labels' width changes.
      rightPriceScale: { borderColor: THEME.border, minimumWidth: PRICE_AXIS_WIDTH, scaleMargins: SCALE_MARGINS },
      timeScale: { borderColor: THEME.border, timeVisible: true, secondsVisible: false, barSpacing: BAR_SPACING, minBarSpacing: 1, rightOffset: RIGHT_OFFSET },
    });
    this.api = chart;
    this.container.appendChild(this.legend.element); // above the chart's own elements
    chart.timeScale().subscribeVisibleLogicalRangeChange((r) => this.onRange(r));
    chart.subscribeCrosshairMove((p) => this.onCrosshair(p));
    chart.subscribeClick((p) => this.onClick(p));
    return chart;
  }

  destroy(): void {
    this.destroyed = true;
    if (this.pendingDraw !== null) clearTimeout(this.pendingDraw);
    this.resizeObserver.disconnect();
    this.api?.remove();
    this.legend.destroy();
    this.drawingsPrim.destroy();
  }

  get windowInfo(): ChartWindowInfo {
    return { start: this.w0, end: this.w1, bars: this.buffer.shownBars, panes: this.api?.panes().length ?? 0 };
  }

  /** Called after the chart took a new size (its box was resized). */
  onResized: (() => void) | null = null;

  /** Where the library laid the chart out and where the chart is in the page (CSS px; null before
   * it is made): what a restoring load's first frame draws in (first-paint.ts). */
  layout(): PageLayout | null {
    const api = this.api;
    if (!api) return null;
    const box = this.container.getBoundingClientRect();
    const panes = api.panes().map((p) => {
      const r = p.getHTMLElement()?.getBoundingClientRect();
      return { top: r ? r.top - box.top : 0, height: p.getHeight() };
    });
    return {
      left: box.left,
      top: box.top,
      viewport: { width: window.innerWidth, height: window.innerHeight, dpr: window.devicePixelRatio || 1 },
      width: this.size.w,
      height: this.size.h,
      paneWidth: api.timeScale().width(),
      timeAxisHeight: api.timeScale().height(),
      panes,
    };
  }

  /** Where the library puts `value` of a series ('candles' or a plot's title) on `bar`, in px of
   * the chart's box (null: no such series, or the bar is not in the window). */
  pointAt(series: string, bar: number, value: number): { x: number; y: number } | null {
    const api = series === 'candles' ? this.candles : this.plots.find((p) => p.plan.title === series)?.api;
    if (!api || !this.api || bar < this.w0 || bar >= this.w1) return null;
    const x = this.api.timeScale().logicalToCoordinate((bar - this.w0) as Logical);
    const y = api.priceToCoordinate(value);
    const el = api.getPane().getHTMLElement();
    if (x === null || y === null || !el) return null;
    return { x, y: y + el.getBoundingClientRect().top - this.container.getBoundingClientRect().top };
  }

  get plotTitles(): string[] {
    return this.plots.map((p) => p.plan.title);
  }

  /** Candle the chart library holds for a bar (null when it is outside the window). */
  candleAt(bar: number): { time: number; open: number; high: number; low: number; close: number } | null {
    if (!this.candles || bar < this.w0 || bar >= this.w1) return null;
    const d = this.candles.data()[bar - this.w0];
    if (!d || !('open' in d)) return null;
    return { time: Number(d.time), open: d.open, high: d.high, low: d.low, close: d.close };
  }

  /** Number of points each plot series holds in the chart library (backgrounds as `bgcolor:<id>`). */
  seriesPointCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.plots) out[p.plan.title] = p.api.data().length;
    for (const b of this.series.bgs) out[`bgcolor:${b.plan.outputId}`] = b.api.data().filter((d) => 'value' in d).length;
    return out;
  }

  /** Fills the chart draws, by title: the bar-to-bar segments filled in its window. */
  fillCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    const end = Math.min(this.w1, this.buffer.shownBars);
    for (const f of this.plan.fills) {
      const p = this.series.fillPrims.find((x) => x.prim.has(f));
      if (p) out[f.title] = p.prim.filledBars(f, this.w0, end);
    }
    return out;
  }

  /** Markers the chart shows, by the time (seconds) they sit at. */
  markerTimes(): number[] {
    const out: number[] = [];
    for (const h of this.series.hosts.values()) for (const m of h.markers) out.push(Number(m.time));
    // strategy: the trade markers too.
    for (const m of this.tradeShown) out.push(Number(m.time));
    return out.sort((a, b) => a - b);
  }

  // strategy: entry/exit markers of a strategy's trades, with their signal names, on the candles.
  private tradeMarks: TradeMark[] = [];
  private tradeShown: SeriesMarker<Time>[] = [];
  private tradePlugin: { series: ISeriesApi<'Candlestick'>; plugin: ISeriesMarkersPluginApi<Time> } | null = null;

  /** strategy: the markers of a strategy's trades (shown where the window holds their bars). */
  setTradeMarkers(marks: TradeMark[]): void {
    this.tradeMarks = marks;
    this.drawTradeMarkers();
  }

  private drawTradeMarkers(): void {
    const series = this.candles;
    if (!series) return;
    if (this.tradePlugin?.series !== series) {
      if (this.tradeMarks.length === 0) return;
      this.tradePlugin = { series, plugin: createSeriesMarkers(series, [], { zOrder: 'aboveSeries' }) };
    }
    const end = Math.min(this.w1, this.buffer.shownBars);
    const shown: SeriesMarker<Time>[] = [];
    for (const m of this.tradeMarks) {
      if (m.bar < this.w0 || m.bar >= end) continue;
      shown.push({ time: toTime(barTime(this.buffer, m.bar)), position: m.above ? 'aboveBar' : 'belowBar', shape: m.above ? 'arrowDown' : 'arrowUp', color: m.color, text: m.text });
    }
    shown.sort((a, b) => Number(a.time) - Number(b.time));
    this.tradeShown = shown;
    this.tradePlugin.plugin.setMarkers(shown);
  }

  /** Horizontal lines: title and price. */
  priceLineList(): { title: string; price: number }[] {
    return this.series.priceLines.map((p) => {
      const o = p.line.options();
      return { title: o.title, price: o.price };
    });
  }

  // ---- building series (chart-series.ts) ----

  /** Lays out the chart for `program` before any run has started (the program the page showed
   * last, remembered by the controller): the panes, axes and empty series are painted while the
   * engine starts, so when its run comes with the same layout only data is set and painted. */
  prebuild(program: ProgramInfo): void {
    if (this.built) return;
    try {
      this.plan = buildChartPlan(program);
      this.buildSeries();
    } catch {
      // a layout remembered by another version of the app: laid out when the run starts
      this.plan = buildChartPlan(null);
      this.built = false;
    }
  }

  /** Starts over for a new program. `draw` (a run from bar 0): the program's panes and (empty)
   * series are laid out now and painted in the next frame, and the candles are set after that frame
   * and painted in the one after, so neither frame does both (a new chart's first paint allocates
   * every canvas). Laying out every pane at once means the rows that come later only fill series
   * in: no pane is added and no canvas resized while the run goes on. Without `draw` (a restore,
   * whose plot rows follow at once) nothing is built until they are drawn: one paint with
   * everything. Series already laid out for the same plan are kept (emptied). */
  reset(title: string, draw = true): void {
    this.legend.title = title;
    this.formats.compute();
    const plan = this.planOf(this.buffer.program);
    const same = this.built && planKey(plan) === planKey(this.plan);
    this.plan = plan;
    this.w0 = 0;
    this.w1 = 0;
    this.drawnStart = -1;
    const seq = ++this.resetSeq;
    if (same) {
      this.emptySeries();
      this.applyFormats();
    } else this.built = false;
    if (!draw) return;
    if (!this.built) this.buildSeries();
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (this.resetSeq === seq && !this.destroyed) this.scheduleRedraw(true);
      }, 0),
    );
  }

  /** Removes every series' data (a new run of the same layout). */
  private emptySeries(): void {
    if (!this.holdsData) return;
    this.holdsData = false;
    this.adjusting = true;
    try {
      for (const s of this.series.all()) s.setData([]);
      for (const h of this.series.hosts.values()) {
        h.markers = [];
        h.plugin.setMarkers([]);
      }
    } finally {
      this.adjusting = false;
    }
  }

  /** The series of the current plan: candles, then the program's outputs. */
  private buildSeries(): void {
    this.built = true;
    this.holdsData = false;
    this.series.build(this.plan);
    this.setDrawings(this.drawingList);
    this.applyFormats();
  }

  private applyFormats(): void {
    this.series.applyFormats(this.formats);
  }

  /** A value as a series' price axis and last-value label write it ('candles' or a plot's title;
   * null: no such series). */
  axisLabel(series: string, value: number): string | null {
    const api = series === 'candles' ? this.candles : this.plots.find((p) => p.plan.title === series)?.api;
    return api ? api.priceFormatter().format(value) : null;
  }

  /** What the legend shows, and for which bar. */
  legendInfo(): { bar: number; text: string } {
    return this.legend.info();
  }

  renderLegend(bar: number): void {
    this.legend.render(bar);
  }

  // ---- data ----

  private candlePoint(bar: number) {
    return candlePoint(this.buffer, this.plan, bar);
  }

  private plotPoint(p: SeriesPlan, bar: number, live: boolean): PlotPoint | null {
    return plotPoint(this.buffer, p, bar, live);
  }

  private barTime(bar: number): number {
    return barTime(this.buffer, bar);
  }

  private plotEnd(): number {
    return plotEnd(this.buffer, this.w1);
  }

  private markersFor(h: MarkerHost, from: number, to: number): SeriesMarker<Time>[] {
    return markersFor(this.buffer, h.plans, from, to);
  }

  /** Redraws in a task of its own, soon; calls before it coalesce into one draw. Not in an animation
   * frame: the library paints the new data in the next frame, which then holds only that paint
   * rather than the setData work as well. `compact` (with `follow`: a restored run's first draw):
   * the window holds the visible bars and the margin at which it moves, not CHART_WINDOW bars; the
   * library's setData costs grow with the points it is given, and the window grows as soon as the
   * user scrolls or zooms toward its start. */
  scheduleRedraw(follow = false, compact = false): void {
    this.pendingFollow ||= follow;
    this.pendingCompact &&= compact;
    if (this.pendingDraw !== null) return;
    this.pendingDraw = setTimeout(() => {
      this.pendingDraw = null;
      const f = this.pendingFollow;
      const c = this.pendingCompact;
      this.pendingFollow = false;
      this.pendingCompact = true;
      this.redraw(f, c);
    }, 0);
  }

  /** Calls `fn` in a task after the frame in which the chart paints its next data (that of a
   * pending redraw, or of the next one). */
  afterNextPaint(fn: () => void): void {
    this.paintWaiters.push(fn);
  }

  /** setData for every series over the window [w0, w1). `follow`: put the window at the end
   * (`compact`: see scheduleRedraw). */
  redraw(follow = false, compact = false): void {
    if (this.pendingDraw !== null) {
      clearTimeout(this.pendingDraw);
      this.pendingDraw = null;
      follow ||= this.pendingFollow;
      compact &&= this.pendingCompact;
      this.pendingFollow = false;
      this.pendingCompact = true;
    }
    const total = this.buffer.shownBars;
    if (follow || this.w1 === 0 || this.w1 > total) {
      const visible = Math.ceil(this.container.clientWidth / BAR_SPACING);
      const size = compact && follow ? Math.min(CHART_WINDOW, visible + EDGE_MARGIN + 100) : CHART_WINDOW;
      this.w1 = total;
      this.w0 = Math.max(this.buffer.barsFrom, total - size);
    }
    this.setWindowData();
  }

  /** A plot's point on a bar with its gap cut (see plot-gaps.ts): its color depends on whether the
   * next bar (if computed, before `pend`) has a value. */
  private gapPoint(plan: SeriesPlan, bar: number, live: boolean, pend: number): PlotPoint | null {
    const pt = this.plotPoint(plan, bar, live);
    if (!pt || !cutsGaps(plan.shape, plan.breaks)) return pt;
    return gapAdjusted(pt, bar + 1 < pend ? this.plotPoint(plan, bar + 1, true) : null, plan.shape);
  }

  /** A plot's points over the window [w0, pend). */
  private plotWindowData(plan: SeriesPlan, pend: number): PlotPoint[] {
    const data: PlotPoint[] = [];
    let started = false;
    for (let i = this.w0; i < pend; i++) {
      const pt = this.gapPoint(plan, i, false, pend);
      if (!pt) continue;
      if (!started && pt.value === undefined) continue; // leading na
      started = true;
      data.push(pt);
    }
    return data;
  }

  private setWindowData(): void {
    if (!this.built) this.buildSeries();
    const { w0, w1 } = this;
    this.adjusting = true;
    try {
      // Series updated one after another while the time scale still holds another window's points
      // get misplaced by the library: empty every series first, then fill them from scratch.
      if (w0 !== this.drawnStart) for (const s of this.series.all()) s.setData([]);
      this.drawnStart = w0;
      this.holdsData = true;
      if (this.candles) {
        const data = new Array(w1 - w0);
        for (let i = w0; i < w1; i++) data[i - w0] = this.candlePoint(i);
        this.candles.setData(data);
      }
      const pend = this.plotEnd();
      for (const bg of this.series.bgs) {
        const data: ({ time: UTCTimestamp; value: number; color: string } | WhitespaceData<Time>)[] = [];
        for (let i = w0; i < pend; i++) {
          const c = bgColor(this.buffer, bg.plan, i);
          const time = toTime(this.barTime(i));
          data.push(c ? { time, value: 1, color: c } : { time });
        }
        bg.api.setData(data);
      }
      for (const c of this.series.plotCandles) {
        const data: (CandleColorPoint | WhitespaceData<Time>)[] = [];
        for (let i = w0; i < pend; i++) data.push(plotCandlePoint(this.buffer, c.plan, i));
        c.api.setData(data);
      }
      for (const p of this.plots) p.api.setData(this.plotWindowData(p.plan, pend));
      for (const h of this.series.hosts.values()) {
        h.markers = this.markersFor(h, w0, w1);
        h.plugin.setMarkers(h.markers);
      }
      this.drawTradeMarkers(); // strategy
      this.updatePriceLines();
    } finally {
      this.adjusting = false;
    }
    this.followLegend();
    if (this.buffer.rowEnd > 0) mark('p:chart-data-set');
    // The library asked for an animation frame to paint the new data: one asked for now runs after
    // it in that frame, and a task queued from there runs once the frame is on screen.
    const waiters = this.paintWaiters.splice(0);
    if (waiters.length > 0) requestAnimationFrame(() => setTimeout(() => { for (const w of waiters) w(); }, 0));
  }

  /** Redraws an earlier point of a plot whose gaps are cut (a historical update; a bar the library
   * does not hold, before the plot's first value, is left alone). */
  private updateBefore(p: DrawnPlot, bar: number, pend: number): void {
    const pt = this.gapPoint(p.plan, bar, true, pend);
    if (!pt) return;
    try {
      p.api.update(pt, true);
    } catch {
      // not held by the library (its window moved): the next redraw sets it
    }
  }

  /** Bar ranges each plot draws connected in the chart's window, by title (see plot-gaps.ts). */
  plotSegments(): Record<string, [number, number][]> {
    const bars = new Map<number, number>();
    for (let i = this.w0; i < this.w1; i++) bars.set(toTime(this.barTime(i)), i);
    const out: Record<string, [number, number][]> = {};
    for (const p of this.plots) {
      const pts = p.api.data().map((d) => ({ ...d, time: Number(d.time) }));
      out[p.plan.title] = drawnSegments(pts, p.plan.shape, p.plan.color, (t) => bars.get(t) ?? -1);
    }
    return out;
  }

  private updatePriceLines(): void {
    for (const pl of this.series.priceLines) {
      if (pl.channel < 0) continue;
      let v = NaN;
      const col = this.buffer.column(pl.outputId, pl.channel);
      for (let i = this.buffer.rowEnd - 1; i >= 0 && col && this.buffer.hasRow(i); i--) {
        v = col[i] as number;
        if (!Number.isNaN(v)) break;
      }
      if (!Number.isNaN(v)) pl.line.applyOptions({ price: v });
    }
  }

  /** New confirmed bars/rows [from, to) and/or a new open bar: appended with update() when the
   * window follows the live edge, else redrawn. */
  appendLive(from: number): void {
    if (this.pendingDraw !== null) return; // the coming redraw shows them
    if (!this.built) {
      this.redraw(true);
      return;
    }
    const total = this.buffer.shownBars;
    const following = this.w1 >= from;
    if (!following) {
      this.followLegend();
      return;
    }
    const added = total - this.w1;
    if (added > 64 || total - this.w0 > CHART_WINDOW * 2) {
      this.redraw(true);
      return;
    }
    const start = Math.min(from, this.w1);
    this.w1 = total;
    this.adjusting = true;
    try {
      const pend = this.plotEnd();
      for (let i = start; i < total; i++) {
        this.candles?.update(this.candlePoint(i));
        if (i >= pend) continue;
        const time = toTime(this.barTime(i));
        for (const bg of this.series.bgs) {
          const c = bgColor(this.buffer, bg.plan, i);
          bg.api.update(c ? { time, value: 1, color: c } : { time });
        }
        for (const p of this.plots) {
          if (p.plan.offset < 0 || p.plan.showLast !== null) continue; // set whole below
          // A gap that starts or ends on this bar changes how the bar before it is drawn (and a
          // forming bar whose ticks closed such a gap again changes it back).
          if (cutsGaps(p.plan.shape, p.plan.breaks) && i > this.w0) {
            const edge = Number.isNaN(this.buffer.value(p.plan.outputId, p.plan.valueChannel, i - p.plan.offset)) !== Number.isNaN(this.buffer.value(p.plan.outputId, p.plan.valueChannel, i - 1 - p.plan.offset));
            if (edge || p.adjustedBar === i - 1) {
              this.updateBefore(p, i - 1, pend);
              p.adjustedBar = edge ? i - 1 : -1;
            }
          }
          const pt = this.gapPoint(p.plan, i, true, pend);
          if (pt) p.api.update(pt);
        }
        for (const c of this.series.plotCandles) c.api.update(plotCandlePoint(this.buffer, c.plan, i));
      }
      // A plot shifted left (negative offset) shows on earlier bars the values of the new ones:
      // its window is set again (the library's in-place updates of earlier points lose some).
      // So is a plot drawn on its last N bars only (show_last): its oldest bar drops out.
      for (const p of this.plots) if (p.plan.offset < 0 || p.plan.showLast !== null) p.api.setData(this.plotWindowData(p.plan, this.plotEnd()));
      const confirmedEnd = Math.min(total, this.buffer.rowEnd);
      if (confirmedEnd > start) {
        for (const h of this.series.hosts.values()) {
          const back = Math.max(this.w0, start + Math.min(0, ...h.plans.map((m) => m.offset)));
          const firstTime = toTime(this.buffer.time.data[back] as number);
          h.markers = h.markers.filter((m) => Number(m.time) < firstTime).concat(this.markersFor(h, back, confirmedEnd));
          h.plugin.setMarkers(h.markers);
        }
      }
      this.updatePriceLines();
    } finally {
      this.adjusting = false;
    }
    this.followLegend();
  }

  // ---- windowing ----

  private onRange(r: LogicalRange | null): void {
    if (this.adjusting || !r) return;
    if (this.rangeCheck) return;
    this.rangeCheck = requestAnimationFrame(() => {
      this.rangeCheck = 0;
      this.checkRange();
    });
  }

  /** The candles before a restored window arrived (PlotBuffer.barsFrom fell): a view at the old
   * start can now scroll on into them, and the symbol's format is inferred from the first ones. */
  historyArrived(): void {
    // The tick size was inferred from the restored window's candles: now from the first ones.
    if (this.formats.compute() && this.built) {
      this.adjusting = true;
      try {
        this.applyFormats();
      } finally {
        this.adjusting = false;
      }
    }
    this.checkRange();
  }

  /** Moves the window when the view nears one of its edges. Not before the run's first redraw
   * (reset cleared the window, w1 = 0): the visible range still measures the previous run's
   * points, and a window moved from it (a resize — a notice shown — between a restore's reset and
   * its first rows) would be left somewhere in history, the view then scrolled past the end. */
  private checkRange(): void {
    if (this.w1 === 0) return;
    const r = this.chart.timeScale().getVisibleLogicalRange();
    if (!r) return;
    const n = this.w1 - this.w0;
    const total = this.buffer.shownBars;
    const nearStart = r.from < EDGE_MARGIN && this.w0 > this.buffer.barsFrom;
    const nearEnd = r.to > n - EDGE_MARGIN && this.w1 < total;
    if (!nearStart && !nearEnd) return;
    this.moveWindow(this.w0 + (r.from + r.to) / 2, r.to - r.from, r);
  }

  private moveWindow(center: number, span: number, keep: LogicalRange | null): void {
    const total = this.buffer.shownBars;
    const size = Math.max(CHART_WINDOW, Math.ceil(span * 3));
    const nw0 = Math.max(this.buffer.barsFrom, Math.min(Math.round(center - size / 2), Math.max(0, total - size)));
    const nw1 = Math.min(total, nw0 + size);
    const shift = this.w0 - nw0;
    this.w0 = nw0;
    this.w1 = nw1;
    this.setWindowData();
    this.adjusting = true;
    try {
      if (keep) this.chart.timeScale().setVisibleLogicalRange({ from: keep.from + shift, to: keep.to + shift });
    } finally {
      this.adjusting = false;
    }
  }

  /** Shows bar `bar` in the middle of the view (moving the window if needed). */
  scrollToBar(bar: number, span = 120): void {
    const total = this.buffer.shownBars;
    const b = Math.max(this.buffer.barsFrom, Math.min(total - 1, bar));
    if (b < this.w0 + span || b >= this.w1 - span) this.moveWindow(b, span, null);
    const rel = b - this.w0;
    this.adjusting = true;
    try {
      this.chart.timeScale().setVisibleLogicalRange({ from: rel - span / 2, to: rel + span / 2 });
    } finally {
      this.adjusting = false;
    }
  }

  scrollToEnd(): void {
    if (this.w1 < this.buffer.shownBars) this.redraw(true);
    this.chart.timeScale().scrollToRealTime();
  }

  // ---- picking a bar, dates ----

  private picker: ((bar: number | null) => void) | null = null;

  /** Resolves with the bar the user clicks next on the chart (null: cancelled). */
  pickBar(): Promise<number | null> {
    this.cancelPick();
    this.container.classList.add('chart-picking');
    return new Promise((resolve) => {
      this.picker = resolve;
    });
  }

  cancelPick(): void {
    const p = this.picker;
    this.picker = null;
    this.container.classList.remove('chart-picking');
    p?.(null);
  }

  private onClick(p: MouseEventParams<Time>): void {
    const pick = this.picker;
    if (!pick || p.logical === undefined) return;
    this.picker = null;
    this.container.classList.remove('chart-picking');
    pick(Math.max(0, Math.min(this.buffer.shownBars - 1, this.w0 + Math.round(p.logical))));
  }

  /** The first bar the page holds whose time is at or after `ms` (null: past the last one). */
  barAtTime(ms: number): number | null {
    const t = this.buffer.time.data;
    let lo = 0;
    let hi = this.buffer.barCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((t[mid] as number) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.buffer.barCount ? lo : null;
  }

  /** The bars in view (first and last, by the chart's visible range). */
  visibleBars(): [number, number] | null {
    const r = this.api?.timeScale().getVisibleLogicalRange();
    return r ? [this.w0 + Math.ceil(r.from), this.w0 + Math.floor(r.to)] : null;
  }

  // ---- legend ----

  private onCrosshair(p: MouseEventParams<Time>): void {
    const logical = p.logical;
    this.legend.hover(logical === undefined || p.point === undefined ? null : this.w0 + Math.round(logical));
  }

  private followLegend(): void {
    this.legend.follow();
  }
}

/** Two plans with the same key lay the chart out the same way. */
function planKey(plan: ChartPlan): string {
  return JSON.stringify(plan);
}
