// `window.evergreen`: a small read-only accessor for tests and curious users (documented in the
// README): plot values by title and bar, the app's state, and what the chart holds.

import type { AppController } from './controller.js';
import { timingMarks } from '../marks.js';
import { firstPaintInfo, type PageLayout } from './first-paint.js';
import type { StrategyReport } from '../worker/protocol.js';

export interface EvergreenDebug {
  /** Titles of the running script's outputs, in output order. */
  plotTitles(): string[];
  /** Value of a plot on a bar (its 'series' channel, or `channel`); null for na or no such bar. */
  plotValue(title: string, bar: number, channel?: string): number | null;
  /** Every value of a plot from bar 0 to the last confirmed bar (null for na). */
  plotValues(title: string, channel?: string): (number | null)[];
  /** All plot rows as CSV (what "Export plots" downloads). */
  plotsCsv(): string;
  state(): {
    barIndex: number;
    totalBars: number;
    checkpointBar: number | null;
    restoredBar: number | null;
    status: string;
    phase: string | null;
    runId: number;
    drawnRunId: number | null;
    drawnAt: number | null;
    replay: { from: number | null; next: number; end: number; playing: boolean; speed: number } | null;
    rows: number;
    candles: number;
    snapshots: { id: string; bar: number; status: string; kind: string }[];
    notices: { level: string; code: string; message: string }[];
    /** Times the watchdog replaced a worker that stopped answering, in this page. */
    engineRestarts: number;
    /** This tab writes the open run's checkpoints (false: it follows another tab; null: unknown). */
    writer: boolean | null;
  };
  /** The chart's window of bars, the points each plot series holds, the markers' times (seconds),
   * the horizontal lines and the fills. */
  chart(): {
    start: number;
    end: number;
    bars: number;
    panes: number;
    series: Record<string, number>;
    markers: number[];
    hlines: { title: string; price: number }[];
    /** fill() outputs drawn, by title: bar-to-bar segments filled in the window. */
    fills: Record<string, number>;
    /** Bar ranges [first, last] each plot draws connected in the window, by title: a line, step or
     * area with breaks has one range per run of values; circles and columns one per bar. */
    segments: Record<string, [number, number][]>;
    /** First and last bar in view. */
    visible: [number, number] | null;
  } | null;
  /** A value as the price axis and last-value label of a series write it (`series`: 'candles' or
   * a plot's title; null when there is no such series). */
  axisLabel(series: string, value: number): string | null;
  /** The legend's text and the bar it shows (-1: none). */
  legend(): { bar: number; text: string } | null;
  /** The candle the chart library holds for a bar (null outside its window). */
  candleAt(bar: number): { time: number; open: number; high: number; low: number; close: number } | null;
  /** The drawings the chart painted last (labels, lines, boxes, polylines, linefills in view, every
   * table): kind, id, the bar/price coordinates, their pixels in the pane, and the text; `study`:
   * the id of the added script that drew it (as studies() lists it), absent for the editor's. */
  drawings(): {
    study?: string;
    kind: string;
    id: number;
    pane: number;
    coords: [number, number][];
    points: [number, number][];
    text?: string;
    /** Labels: style, font pixels, the painted [x, y, w, h], tooltip; boxes: font pixels, wrapped lines. */
    style?: string;
    fontPx?: number;
    rect?: [number, number, number, number];
    tooltip?: string;
    lines?: string[];
  }[];
  /** How the last run ended: its status ('done', 'restored', …), last bar, the bars it executed
   * (0 for a restore, null when unknown) and `kept: 'presentation'` when an edit that only changed
   * colors, titles or styles went on from the previous run without running the history again. */
  lastRun(): { status: string; lastBar: number; barsRun: number | null; kept: string | null } | null;
  /** Scrolls the chart so `bar` is in view. */
  scrollToBar(bar: number): void;
  /** Replaces the editor's text (as typing would). */
  setSource(source: string): void;
  /** The editor's text. */
  source(): string;
  /** strategy: the running strategy's trades, performance summary and equity curve (null for an
   * indicator), and its list of trades as "Export trades" writes it. */
  strategy(): Promise<StrategyReport | null>;
  tradesCsv(): Promise<string | null>;
  /** performance.now() (ms since the page started loading) of the engine being ready, the last
   * run's start (reset) and end, and its chart being fully drawn; NaN before they happen.
   * `confirmed`: a restore drawn from the page's own read of storage before the engine answered
   * (`drawn` is when that was first on screen: the page's first frame, or the chart library's
   * paint) was found equal to the engine's rows at this time. `libraryDrawn`: when the chart
   * library painted the run (equal to `drawn` but after such a first frame). */
  timings(): { ready: number; reset: number; runEnd: number; drawn: number; libraryDrawn: number; confirmed: number };
  /** A reload's first frame, drawn before the chart library loaded (null: none this page load):
   * when it was on screen, whether it still is, where it put the newest candle's close and each
   * plot's newest value (px in the chart's box), and where the library put them (`library`) when
   * its paint of the same chart replaced the frame (`replaced`; false: taken away for another
   * reason, e.g. the engine's run differed). */
  firstPaint(): { at: number; onScreen: boolean; replaced: boolean; samples: { series: string; bar: number; value: number; x: number; y: number; library: { x: number; y: number } | null }[]; layout: PageLayout; libraryLayout: PageLayout | null } | null;

  /** The scripts added to the chart beside the editor's, in the chart's order: id, name, hidden,
   * overlay, their plots' titles, the panes they draw in (empty when hidden), the bar their run was
   * restored from (null: computed from the first bar) and their error (null: none). */
  studies(): { id: string; name: string; scriptId: string; hidden: boolean; overlay: boolean | null; plots: string[]; panes: number[]; restoredBar: number | null; error: string | null; inputs: Record<string, unknown> }[];
  /** Timing marks of this page load, the page's (`p:`) and the engine worker's (`w:`), in ms from
   * the start of the navigation, in time order. */
  marks(): Promise<{ name: string; ms: number }[]>;
  /** Test-only (the watchdog's e2e tests): the engine worker stops answering at the next bar it
   * runs for the open script (a history slice or a replayed bar), as a runaway script would; the
   * page's watchdog then replaces it. Nothing else in the app, and no script, can do this. */
  testOnlyHangEngine(): Promise<void>;
}

export function installDebug(c: AppController): void {
  const channelOf = (id: number, channel: string | undefined) => {
    const chs = c.buffer.program?.outputs[id]?.channels ?? [];
    const name = channel ?? (chs.includes('series') ? 'series' : chs[0]);
    return name === undefined ? -1 : chs.indexOf(name);
  };
  const api: EvergreenDebug = {
    plotTitles: () => c.buffer.program?.outputs.map((o) => o.title) ?? [],
    plotValue(title, bar, channel) {
      const id = c.buffer.outputIdByTitle(title);
      if (id < 0) return null;
      const ch = channelOf(id, channel);
      if (ch < 0) return null;
      const v = c.buffer.value(id, ch, bar);
      return Number.isNaN(v) ? null : v;
    },
    plotValues(title, channel) {
      const id = c.buffer.outputIdByTitle(title);
      if (id < 0) return [];
      const ch = channelOf(id, channel);
      const col = c.buffer.column(id, ch);
      if (!col) return [];
      const out: (number | null)[] = new Array(c.buffer.rowCount);
      for (let i = 0; i < c.buffer.rowCount; i++) {
        const v = col[i] as number;
        out[i] = Number.isNaN(v) ? null : v;
      }
      return out;
    },
    plotsCsv: () => c.buffer.toCsv(),
    state() {
      const s = c.getState();
      return {
        barIndex: s.barIndex,
        totalBars: s.totalBars,
        checkpointBar: s.checkpoint?.bar ?? null,
        restoredBar: s.restoredBar,
        status: s.status.state,
        phase: s.status.phase,
        runId: s.status.runId,
        drawnRunId: s.drawn?.runId ?? null,
        drawnAt: s.drawn?.at ?? null,
        replay: s.replay,
        rows: c.buffer.rowCount,
        candles: c.buffer.barCount,
        snapshots: s.snapshots.map((x) => ({ id: x.id, bar: x.bar, status: x.status, kind: x.kind })),
        notices: s.notices.map((n) => ({ level: n.level, code: n.code, message: n.message })),
        engineRestarts: c.engineRestarts,
        writer: s.writer,
      };
    },
    chart() {
      const v = c.chartView;
      if (!v) return null;
      return { ...v.windowInfo, series: v.seriesPointCounts(), markers: v.markerTimes(), hlines: v.priceLineList(), fills: v.fillCounts(), segments: v.plotSegments(), visible: v.visibleBars() };
    },
    lastRun: () => (c.lastRun ? { ...c.lastRun } : null),
    axisLabel: (series, value) => c.chartView?.axisLabel(series, value) ?? null,
    legend: () => c.chartView?.legendInfo() ?? null,
    candleAt: (bar) => c.chartView?.candleAt(bar) ?? null,
    scrollToBar: (bar) => c.chartView?.scrollToBar(bar),
    drawings: () => (c.chartView?.renderedDrawings() ?? []).map((d) => ({ ...d })),
    setSource(source) {
      c.editorSourceReplace(source);
    },
    source: () => c.editorSource,
    strategy: () => c.strategyReport(),
    tradesCsv: () => c.strategyTradesCsv(),
    timings: () => ({ ...c.timings }),
    firstPaint: () => firstPaintInfo(),
    studies() {
      const panes = c.chartView?.layerPanes() ?? {};
      return c.getState().studies.map((s) => ({
        id: s.id,
        name: s.name,
        scriptId: s.scriptId,
        hidden: s.hidden,
        overlay: s.program?.meta.overlay ?? null,
        plots: s.program?.outputs.filter((o) => o.kind === 'plot').map((o) => o.title) ?? [],
        panes: panes[s.id] ?? [],
        restoredBar: s.restoredBar,
        error: s.error,
        inputs: { ...s.inputs },
      }));
    },
    testOnlyHangEngine: () => c.testOnlyHangEngine(),
    async marks() {
      const worker = await c.engineMarks();
      return [...timingMarks(), ...worker]
        .map((m) => ({ name: m.name, ms: m.at - performance.timeOrigin }))
        .sort((a, b) => a.ms - b.ms);
    },
  };
  (window as unknown as { evergreen: EvergreenDebug }).evergreen = api;
}
