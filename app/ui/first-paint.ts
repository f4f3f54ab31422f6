// A restoring page load's first frame, drawn by the page's entry before the chart library (and the
// rest of the UI) has loaded: the restore preview's candles and plot lines (restore-preview.ts) on
// one canvas, laid over the place the chart will take, in the chart's own geometry — the layout the
// library gave the chart the last time it drew this program (remembered with it), its first view
// (bar spacing, right offset), its price scales' autoscale and margins, and its colors — so the
// library's first paint, which replaces it, lands on the same pixels. Only what it draws exactly:
// a chart with anything else (backgrounds, fills, markers, plotcandle, barcolor, columns, areas,
// offsets, ...) gets no first frame, and the library draws the preview as before. Removed once the
// library has painted (or the engine's run differs from the preview, or the window is resized).

import { buildChartPlan, type ChartPlan, type SeriesPlan } from './chart/chart-plan.js';
import { PlotBuffer } from './chart/plot-buffer.js';
import { candlePoint, plotPoint } from './chart/chart-points.js';
import { cutsGaps, gapAdjusted, TRANSPARENT } from './chart/plot-gaps.js';
import { BAR_SPACING, RIGHT_OFFSET, SCALE_MARGINS, THEME } from './chart/chart-style.js';
import type { BarsChunk, OutputsChunk, ProgramInfo } from '../worker/protocol.js';
import { mark } from '../marks.js';

/** Where the chart library laid a chart out, in CSS px of the chart's box (ChartView.layout). */
export interface ChartLayout {
  width: number;
  height: number;
  /** Width of the panes (the price axis is right of them). */
  paneWidth: number;
  timeAxisHeight: number;
  /** Each pane's top (from the box's top) and height, top to bottom. */
  panes: { top: number; height: number }[];
}

/** A chart layout and where its box was in the page, at which viewport size and pixel ratio. */
export interface PageLayout extends ChartLayout {
  left: number;
  top: number;
  viewport: { width: number; height: number; dpr: number };
}

/** What the first frame shows: the preview's program, candles and rows. */
export interface FirstPaintInput {
  program: ProgramInfo;
  bars: BarsChunk;
  rows: OutputsChunk;
}

interface Candle {
  x: number;
  open: number;
  high: number;
  low: number;
  close: number;
  color: string;
}

/** A run of one plot's line in one color: x, y pairs (a step line's risers included). */
interface Stroke {
  color: string;
  width: number;
  dash: number[];
  pane: number;
  xy: number[];
}

/** A value the frame put at a pixel (for tests: the chart library must put it there too). */
export interface PaintedPoint {
  series: string;
  bar: number;
  value: number;
  x: number;
  y: number;
}

/** Where the chart library puts a value of a series on a bar (ChartView.pointAt). */
export type Locate = (series: string, bar: number, value: number) => { x: number; y: number } | null;

/** What the library had laid out when it replaced the frame (for tests). */
type Handover = { points: ({ x: number; y: number } | null)[]; layout: PageLayout | null };

export interface Scene {
  layout: ChartLayout;
  candles: Candle[];
  strokes: Stroke[];
  /** The candles' last-price line (dashed, in the last candle's color). */
  priceLine: { y: number; color: string } | null;
  /** The newest bar's candle close and each plot's newest value. */
  samples: PaintedPoint[];
}

/** The first frame's geometry for `input` in `layout`, or null when this chart is not one it draws
 * exactly (see the file's comment) or the layout does not fit its program. */
export function firstPaintScene(input: FirstPaintInput, layout: ChartLayout): Scene | null {
  const plan = buildChartPlan(input.program);
  if (!drawable(plan) || plan.panes !== layout.panes.length || layout.paneWidth <= 0) return null;
  const buffer = new PlotBuffer();
  buffer.reset(input.program, input.bars);
  buffer.appendOutputs(input.rows);
  const last = buffer.shownBars - 1;
  if (last < 0) return null;
  // The library's first view: the last bar RIGHT_OFFSET bars left of the right edge; the bars in
  // view (rounded outward) scale the prices.
  const x = (bar: number) => layout.paneWidth - (last + RIGHT_OFFSET - bar + 0.5) * BAR_SPACING - 1;
  const right = last + RIGHT_OFFSET;
  const from = Math.max(buffer.barsFrom, Math.floor(right - layout.paneWidth / BAR_SPACING + 1));
  const first = Math.max(buffer.barsFrom, from - 1);
  const lo = plan.panes > 0 ? new Array<number>(plan.panes).fill(Infinity) : [];
  const hi = lo.map(() => -Infinity);
  const widen = (pane: number, v: number) => {
    if (v < (lo[pane] as number)) lo[pane] = v;
    if (v > (hi[pane] as number)) hi[pane] = v;
  };

  const bars: { bar: number; open: number; high: number; low: number; close: number; color: string }[] = [];
  for (let b = first; b <= last; b++) {
    const c = candlePoint(buffer, plan, b);
    if ([c.open, c.high, c.low, c.close].some(Number.isNaN)) continue;
    if (b >= from) {
      widen(0, c.low);
      widen(0, c.high);
    }
    bars.push({ bar: b, open: c.open, high: c.high, low: c.low, close: c.close, color: c.open <= c.close ? THEME.up : THEME.down });
  }

  // Each plot's points as the chart gives them to the library (gaps cut the same way), from the
  // last one before the view (its line enters from the left edge).
  const end = Math.min(buffer.rowEnd, last + 1);
  const plots = plan.series.map((p) => {
    const pts: { bar: number; value: number; color: string }[] = [];
    const at = (b: number) => {
      let pt = plotPoint(buffer, p, b, false);
      if (pt && cutsGaps(p.shape, p.breaks)) pt = gapAdjusted(pt, b + 1 < end ? plotPoint(buffer, p, b + 1, true) : null, p.shape);
      return pt && pt.value !== undefined ? { bar: b, value: pt.value, color: pt.color ?? p.color } : null;
    };
    let start = from;
    for (let b = from - 1; b >= buffer.barsFrom; b--) {
      if (at(b)) {
        start = b;
        break;
      }
    }
    for (let b = start; b < end; b++) {
      const pt = at(b);
      if (!pt) continue;
      if (b >= from) widen(p.pane, pt.value);
      pts.push(pt);
    }
    return { plan: p, pts };
  });

  // Price → pixel per pane: the library's autoscale over the bars in view, with the scale margins.
  const ys: ((v: number) => number)[] = [];
  for (let k = 0; k < plan.panes; k++) {
    const pane = layout.panes[k];
    const min = lo[k] as number;
    const max = hi[k] as number;
    // A pane with nothing in view, or one value only (the library widens it by the symbol's tick).
    if (!pane || !(max > min)) return null;
    const bottom = SCALE_MARGINS.bottom * pane.height;
    const inner = pane.height - SCALE_MARGINS.top * pane.height - bottom;
    const per = (inner - 1) / (max - min);
    ys.push((v) => pane.top + pane.height - 1 - (bottom + per * (v - min)));
  }
  const y0 = ys[0] as (v: number) => number;

  const candles = bars.map((c) => ({ x: x(c.bar), open: y0(c.open), high: y0(c.high), low: y0(c.low), close: y0(c.close), color: c.color }));
  const strokes: Stroke[] = [];
  const samples: PaintedPoint[] = [];
  const lastBar = bars[bars.length - 1];
  if (lastBar) samples.push({ series: 'candles', bar: lastBar.bar, value: lastBar.close, x: x(lastBar.bar), y: y0(lastBar.close) });
  for (const { plan: p, pts } of plots) {
    const y = ys[p.pane] as (v: number) => number;
    strokes.push(...strokesOf(p, pts, x, y));
    const end = pts[pts.length - 1];
    if (end) samples.push({ series: p.title, bar: end.bar, value: end.value, x: x(end.bar), y: y(end.value) });
  }
  const priceLine = lastBar ? { y: y0(lastBar.close), color: lastBar.color } : null;
  return { layout, candles, strokes, priceLine, samples };
}

/** The chart plans the first frame draws exactly: candles in the price pane and lines or steps
 * (any width, style and per-bar colors) in any pane. */
function drawable(plan: ChartPlan): boolean {
  if (plan.fills.length || plan.candles.length || plan.markers.length || plan.hlines.length || plan.backgrounds.length || plan.barColor) return false;
  return plan.series.every((s) => (s.shape === 'line' || s.shape === 'step') && s.offset === 0 && !s.trackPrice);
}

/** A line's strokes: the segment from a point to the next is drawn in the first one's color (as the
 * library does; a transparent one, across a gap, is not drawn); a step's riser in the next's. */
function strokesOf(p: SeriesPlan, pts: { bar: number; value: number; color: string }[], x: (b: number) => number, y: (v: number) => number): Stroke[] {
  const width = Math.max(1, Math.min(4, Math.round(p.lineWidth)));
  const dash = p.lineStyle === 1 ? [width, width] : p.lineStyle === 2 ? [2 * width, 2 * width] : [];
  const out: Stroke[] = [];
  let cur: Stroke | null = null;
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i] as { bar: number; value: number; color: string };
    const b = pts[i + 1] as { bar: number; value: number; color: string };
    if (a.color === TRANSPARENT) {
      cur = null;
      continue;
    }
    if (!cur || cur.color !== a.color) {
      cur = { color: a.color, width, dash, pane: p.pane, xy: [x(a.bar), y(a.value)] };
      out.push(cur);
    }
    if (p.shape === 'step') {
      cur.xy.push(x(b.bar), y(a.value));
      if (b.color !== a.color && b.color !== TRANSPARENT) {
        cur = { color: b.color, width, dash, pane: p.pane, xy: [x(b.bar), y(a.value)] };
        out.push(cur);
      }
    }
    cur.xy.push(x(b.bar), y(b.value));
  }
  return out;
}

/** Draws `scene` on a 2D context of a canvas of the layout's size × `dpr`. */
export function drawScene(g: CanvasRenderingContext2D, scene: Scene, dpr: number): void {
  const { layout } = scene;
  const W = Math.round(layout.width * dpr);
  const H = Math.round(layout.height * dpr);
  const pw = Math.round(layout.paneWidth * dpr);
  g.fillStyle = THEME.background;
  g.fillRect(0, 0, W, H);
  // Pane separators, the price axis' and the time axis' borders.
  g.fillStyle = THEME.border;
  for (const p of layout.panes.slice(1)) g.fillRect(0, Math.round((p.top - 1) * dpr), W, Math.max(1, Math.floor(dpr)));
  g.fillRect(pw, 0, Math.max(1, Math.floor(dpr)), Math.round((layout.height - layout.timeAxisHeight) * dpr));
  g.fillRect(0, Math.round((layout.height - layout.timeAxisHeight) * dpr), W, Math.max(1, Math.floor(dpr)));
  const clip = (pane: number, fn: () => void) => {
    const p = layout.panes[pane];
    if (!p) return;
    g.save();
    g.beginPath();
    g.rect(0, Math.round(p.top * dpr), pw, Math.round(p.height * dpr));
    g.clip();
    fn();
    g.restore();
  };
  clip(0, () => {
    const line = scene.priceLine;
    if (line) {
      g.strokeStyle = line.color;
      g.lineWidth = Math.max(1, Math.floor(dpr));
      g.setLineDash([2 * g.lineWidth, 2 * g.lineWidth]);
      g.beginPath();
      const y = Math.round(line.y * dpr) + (g.lineWidth % 2 ? 0.5 : 0);
      g.moveTo(0, y);
      g.lineTo(pw, y);
      g.stroke();
      g.setLineDash([]);
    }
    // As the library draws candles at this bar spacing: wicks, then bodies of an odd width.
    let body = candleWidth(BAR_SPACING, dpr);
    const wick = Math.floor(dpr);
    if (body >= 2 && wick % 2 !== body % 2) body--;
    for (const c of scene.candles) {
      g.fillStyle = c.color;
      const cx = Math.round(c.x * dpr);
      const top = Math.round(Math.min(c.open, c.close) * dpr);
      const bottom = Math.round(Math.max(c.open, c.close) * dpr);
      const left = cx - Math.floor(wick * 0.5);
      g.fillRect(left, Math.round(c.high * dpr), wick, top - Math.round(c.high * dpr));
      g.fillRect(left, bottom + 1, wick, Math.round(c.low * dpr) - bottom);
      g.fillRect(cx - Math.floor(body * 0.5), top, body, bottom - top + 1);
    }
  });
  g.lineCap = 'butt';
  g.lineJoin = 'round';
  for (const s of scene.strokes) {
    clip(s.pane, () => {
      g.strokeStyle = s.color;
      g.lineWidth = s.width * dpr;
      g.setLineDash(s.dash.map((d) => d * dpr));
      g.beginPath();
      for (let i = 0; i < s.xy.length; i += 2) {
        const px = (s.xy[i] as number) * dpr;
        const py = (s.xy[i + 1] as number) * dpr;
        if (i === 0) g.moveTo(px, py);
        else g.lineTo(px, py);
      }
      g.stroke();
    });
  }
}

/** The library's candle body width (px of the bitmap) at a bar spacing and pixel ratio. */
function candleWidth(barSpacing: number, ratio: number): number {
  if (barSpacing >= 2.5 && barSpacing <= 4) return Math.floor(3 * ratio);
  const coeff = 1 - (0.2 * Math.atan(Math.max(4, barSpacing) - 4)) / (Math.PI * 0.5);
  return Math.max(Math.floor(ratio), Math.min(Math.floor(barSpacing * coeff * ratio), Math.floor(barSpacing * ratio)));
}

// ---- in the page ----

let shown: { canvas: HTMLCanvasElement; off: () => void } | null = null;

/** Draws the first frame of `input` over where the chart will be (`layout`: remembered from the
 * last time the library drew this program) and resolves with the time it was on screen (the task
 * after the frame that painted it), or null when it is not drawn (no layout, another viewport,
 * a chart it does not draw exactly). */
export function paintFirst(input: FirstPaintInput, layout: PageLayout | undefined): Promise<number | null> {
  const dpr = window.devicePixelRatio || 1;
  const vp = layout?.viewport;
  if (!layout || !vp || vp.width !== window.innerWidth || vp.height !== window.innerHeight || vp.dpr !== dpr || shown) return Promise.resolve(null);
  let scene: Scene | null;
  try {
    scene = firstPaintScene(input, layout);
  } catch {
    scene = null;
  }
  if (!scene) return Promise.resolve(null);
  mark('p:first-scene');
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(layout.width * dpr);
  canvas.height = Math.round(layout.height * dpr);
  canvas.dataset.testid = 'first-paint';
  canvas.style.cssText = `position:fixed;left:${layout.left}px;top:${layout.top}px;width:${layout.width}px;height:${layout.height}px;z-index:10;pointer-events:none`;
  const g = canvas.getContext('2d');
  if (!g) return Promise.resolve(null);
  drawScene(g, scene, dpr);
  document.body.appendChild(canvas);
  mark('p:first-canvas');
  // The window resized: the chart will not be where the frame is.
  const off = () => removeFirstPaint();
  window.addEventListener('resize', off);
  const entry = { canvas, off: () => window.removeEventListener('resize', off) };
  shown = entry;
  return new Promise((resolve) =>
    requestAnimationFrame(() =>
      setTimeout(() => {
        const at = performance.now();
        lastPainted = { at, samples: scene.samples, layout, library: null };
        mark('p:first-paint');
        resolve(shown === entry ? at : null);
      }, 0),
    ),
  );
}

/** Takes the first frame away (the chart library has painted, or will paint something else).
 * `locate`: the library has painted the same chart; where it put the frame's samples is kept
 * (firstPaintInfo). */
export function removeFirstPaint(locate?: Locate, layout?: PageLayout | null): void {
  if (!shown) return;
  if (locate && lastPainted) lastPainted.library = { points: lastPainted.samples.map((s) => locate(s.series, s.bar, s.value)), layout: layout ?? null };
  shown.off();
  shown.canvas.remove();
  shown = null;
}

let lastPainted: { at: number; samples: PaintedPoint[]; layout: PageLayout; library: Handover | null } | null = null;

/** The first frame of this page load (for tests; null: none was drawn): when it was on screen,
 * whether it still is, where it put the newest candle's close and each plot's newest value, and
 * where the chart library put them when its paint replaced the frame (null: the frame was taken
 * away for another reason). */
export function firstPaintInfo(): { at: number; onScreen: boolean; samples: (PaintedPoint & { library: { x: number; y: number } | null })[]; replaced: boolean; layout: PageLayout; libraryLayout: PageLayout | null } | null {
  const p = lastPainted;
  return p && { at: p.at, onScreen: shown !== null, replaced: p.library !== null, layout: p.layout, libraryLayout: p.library?.layout ?? null, samples: p.samples.map((s, i) => ({ ...s, library: p.library?.points[i] ?? null })) };
}
