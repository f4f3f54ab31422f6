// Pine's drawings on the chart: a series primitive (lightweight-charts v5 plugin API) on the candles
// that paints the live labels, lines, boxes, polylines and linefills the engine sends (records of
// `inst.drawings()`), and an HTML overlay for tables at their `position.*` (draw-tables.ts). Labels
// are painted by draw-labels.ts (every label.style_*, sizes, alignment, fonts); a label's tooltip
// shows while the pointer is over it. Only drawings whose bars meet the visible range are painted;
// what was painted last is kept for the debug accessor.

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
import type { DrawingRecord } from '../../worker/protocol.js';
import type { PlotBuffer } from './plot-buffer.js';
import { paintLabel, type Rect } from './draw-labels.js';
import { buildTable } from './draw-tables.js';
import { blockSize, cssFont, fitBoxText, fontPx, textLines, wrapLines } from './draw-text.js';

type CanvasRenderingTarget2D = Parameters<IPrimitivePaneRenderer['draw']>[0];
type Rec = Record<string, unknown>;

/** A drawing as painted: its kind, id and pixel coordinates (CSS pixels in the pane). */
export interface RenderedDrawing {
  /** The added script (engine-studies.ts) that drew it; absent for the editor's script. */
  study?: string;
  kind: string;
  id: number;
  /** Pixel points: a label's anchor, a line's two ends, a box's corners, a polyline's points. */
  points: [number, number][];
  /** The bar/price coordinates the points come from. */
  coords: [number, number][];
  text?: string;
  /** Labels: the style painted, the font size in pixels, the painted rectangle [x, y, w, h], the
   * tooltip; boxes: the font size and the text's lines after wrapping. */
  style?: string;
  fontPx?: number;
  rect?: Rect;
  tooltip?: string;
  lines?: string[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** `#RRGGBBAA` (the VM's drawing colors) as CSS; null for na. */
export function drawColor(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  if (/^#[0-9a-fA-F]{8}$/.test(s)) {
    const a = parseInt(s.slice(7, 9), 16) / 255;
    return `rgba(${parseInt(s.slice(1, 3), 16)},${parseInt(s.slice(3, 5), 16)},${parseInt(s.slice(5, 7), 16)},${a.toFixed(3)})`;
  }
  return s;
}

function dash(style: unknown, width: number): number[] {
  const s = str(style) ?? '';
  if (s.includes('dashed')) return [6 * width, 4 * width];
  if (s.includes('dotted')) return [width, 2 * width];
  return [];
}

/** An arrowhead at `to`, pointing away from `from` (line.style_arrow_*). */
function arrowHead(ctx: CanvasRenderingContext2D, from: [number, number], to: [number, number], width: number): void {
  const ang = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const len = 6 + 2 * width;
  ctx.beginPath();
  ctx.moveTo(to[0], to[1]);
  ctx.lineTo(to[0] - len * Math.cos(ang - 0.45), to[1] - len * Math.sin(ang - 0.45));
  ctx.moveTo(to[0], to[1]);
  ctx.lineTo(to[0] - len * Math.cos(ang + 0.45), to[1] - len * Math.sin(ang + 0.45));
  ctx.stroke();
}

/** The `study` tag of an added script's drawing (none for the editor script's). */
function studyOf(d: DrawingRecord): { study?: string } {
  return typeof d.study === 'string' ? { study: d.study } : {};
}

export class DrawingsPrimitive implements ISeriesPrimitive<Time> {
  private chart: IChartApi | null = null;
  private series: ISeriesApi<SeriesType> | null = null;
  private readonly view: IPrimitivePaneView;
  private list: DrawingRecord[] = [];
  private requestUpdate: (() => void) | null = null;
  private readonly overlay: HTMLDivElement;
  rendered: RenderedDrawing[] = [];
  /** Labels with a tooltip, where they were painted. */
  private tips: { rect: Rect; text: string }[] = [];
  private readonly tipEl: HTMLDivElement;
  private readonly onMove: (e: MouseEvent) => void;
  private readonly container: HTMLElement;

  constructor(
    private readonly buffer: PlotBuffer,
    private readonly window: () => { start: number; end: number },
    container: HTMLElement,
  ) {
    const renderer: IPrimitivePaneRenderer = { draw: (t) => this.draw(t) };
    this.view = { zOrder: () => 'top', renderer: () => renderer };
    this.overlay = document.createElement('div');
    this.overlay.className = 'chart-tables';
    this.overlay.dataset.testid = 'chart-tables';
    // A size container: table cells' width/height percentages are of the pane (cqw, cqh).
    Object.assign(this.overlay.style, { position: 'absolute', inset: '0 60px 28px 0', pointerEvents: 'none', zIndex: '3', containerType: 'size' });
    container.appendChild(this.overlay);
    this.container = container;
    this.tipEl = document.createElement('div');
    this.tipEl.dataset.testid = 'drawing-tooltip';
    Object.assign(this.tipEl.style, {
      position: 'absolute',
      display: 'none',
      pointerEvents: 'none',
      zIndex: '4',
      background: 'rgba(19,23,34,0.92)',
      color: '#fff',
      font: '12px sans-serif',
      padding: '4px 8px',
      borderRadius: '4px',
      whiteSpace: 'pre',
    });
    container.appendChild(this.tipEl);
    this.onMove = (e) => this.showTip(e);
    container.addEventListener('mousemove', this.onMove);
    container.addEventListener('mouseleave', () => (this.tipEl.style.display = 'none'));
  }

  /** Shows the tooltip of the label under the pointer (the pane starts at the container's corner). */
  private showTip(e: MouseEvent): void {
    if (this.tips.length === 0) {
      if (this.tipEl.style.display !== 'none') this.tipEl.style.display = 'none';
      return;
    }
    const box = this.container.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    const hit = this.tips.find(({ rect: [rx, ry, rw, rh] }) => x >= rx && x <= rx + rw && y >= ry && y <= ry + rh);
    if (!hit) {
      this.tipEl.style.display = 'none';
      return;
    }
    this.tipEl.textContent = hit.text;
    Object.assign(this.tipEl.style, { display: 'block', left: `${hit.rect[0]}px`, top: `${hit.rect[1] + hit.rect[3] + 4}px` });
  }

  /** A box's text: its size (size.auto fits the box), wrapping, alignment, font; clipped to the box. */
  private boxText(ctx: CanvasRenderingContext2D, r: Rec, text: string, x: number, y: number, w: number, h: number): { px: number; lines: string[] } {
    const pad = 3;
    const iw = Math.max(0, w - 2 * pad);
    const ih = Math.max(0, h - 2 * pad);
    const wrap = r.text_wrap === 'auto';
    const measureAt = (px: number) => {
      ctx.font = cssFont(px, r.text_font_family, r.text_formatting);
      return (t: string): number => ctx.measureText(t).width;
    };
    let px = r.text_size === 'auto' || r.text_size === undefined ? fitBoxText(text, iw, ih, wrap, measureAt) : fontPx(r.text_size);
    if (wrap && r.text_size !== 'auto' && r.text_size !== undefined) {
      // text.wrap_auto: the text is "wrapped and scaled to be visible in the constraints of the box"
      // (Pine's manual): a size that would overflow the box shrinks until the wrapped text fits.
      const m = measureAt(px);
      const b = blockSize(wrapLines(text, iw, m), px, m);
      if (b.w > iw || b.h > ih) px = Math.min(px, fitBoxText(text, iw, ih, true, measureAt));
    }
    const measure = measureAt(px);
    const lines = wrap ? wrapLines(text, iw, measure) : textLines(text);
    const block = blockSize(lines, px, measure);
    const ha = str(r.text_halign) ?? 'center';
    const va = str(r.text_valign) ?? 'center';
    const ax = ha === 'left' ? x + pad : ha === 'right' ? x + w - pad : x + w / 2;
    const top = va === 'top' ? y + pad : va === 'bottom' ? y + h - pad - block.h : y + (h - block.h) / 2;
    const color = drawColor(r.text_color);
    if (color && lines.length > 0) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y, w, h);
      ctx.clip();
      ctx.fillStyle = color;
      ctx.textAlign = ha === 'left' ? 'left' : ha === 'right' ? 'right' : 'center';
      ctx.textBaseline = 'middle';
      const lh = Math.round(px * 1.25);
      lines.forEach((l, i) => ctx.fillText(l, ax, top + lh * i + lh / 2));
      ctx.restore();
    }
    return { px, lines };
  }

  attached(p: SeriesAttachedParameter<Time, SeriesType>): void {
    this.chart = p.chart as IChartApi;
    this.series = p.series;
    this.requestUpdate = p.requestUpdate;
  }

  detached(): void {
    this.chart = null;
    this.series = null;
    this.requestUpdate = null;
  }

  destroy(): void {
    this.overlay.remove();
    this.tipEl.remove();
    this.container.removeEventListener('mousemove', this.onMove);
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.view];
  }

  setDrawings(list: DrawingRecord[]): void {
    this.list = list;
    this.renderTables();
    this.requestUpdate?.();
  }

  get drawings(): DrawingRecord[] {
    return this.list;
  }

  /** The bar of an x coordinate (a time when xloc is bar_time: the last bar at or before it). */
  private barOf(x: number, xloc: unknown): number {
    if (xloc !== 'bar_time') return x;
    const t = this.buffer.time.data;
    let lo = 0;
    let hi = this.buffer.barCount - 1;
    if (hi < 0) return NaN;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((t[mid] as number) <= x) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private draw(target: CanvasRenderingTarget2D): void {
    const chart = this.chart;
    const series = this.series;
    this.rendered = [];
    this.tips = [];
    if (!chart || !series || this.list.length === 0) return;
    const ts = chart.timeScale();
    this.fitOverlay(chart);
    const range = ts.getVisibleLogicalRange();
    const win = this.window();
    if (!range) return;
    const vFrom = win.start + Math.floor(range.from) - 1;
    const vTo = win.start + Math.ceil(range.to) + 1;
    const X = (bar: number): number | null => ts.logicalToCoordinate((bar - win.start) as Logical);
    const Y = (p: number): number | null => series.priceToCoordinate(p);
    const lines = new Map<string, { ends: [number, number][]; rec: Rec }>();
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      const W = mediaSize.width;
      const lineEnds = (r: Rec): [number, number][] | null => {
        const b1 = this.barOf(num(r.x1) ?? NaN, r.xloc);
        const b2 = this.barOf(num(r.x2) ?? NaN, r.xloc);
        const y1v = num(r.y1);
        const y2v = num(r.y2);
        if (Number.isNaN(b1) || Number.isNaN(b2) || y1v === null || y2v === null) return null;
        const ext = str(r.extend) ?? 'none';
        const lo = Math.min(b1, b2);
        const hi = Math.max(b1, b2);
        const vertical = b1 === b2;
        if ((hi < vFrom && (vertical || (ext !== 'right' && ext !== 'both'))) || (lo > vTo && (vertical || (ext !== 'left' && ext !== 'both')))) return null;
        const x1 = X(b1);
        const x2 = X(b2);
        const y1 = Y(y1v);
        const y2 = Y(y2v);
        if (x1 === null || x2 === null || y1 === null || y2 === null) return null;
        let p1: [number, number] = [x1, y1];
        let p2: [number, number] = [x2, y2];
        if (ext !== 'none' && x1 !== x2) {
          const slope = (y2 - y1) / (x2 - x1);
          const at = (x: number): [number, number] => [x, y1 + slope * (x - x1)];
          const [l, rr] = x1 <= x2 ? [p1, p2] : [p2, p1];
          const left = ext === 'left' || ext === 'both' ? at(0) : l;
          const right = ext === 'right' || ext === 'both' ? at(W) : rr;
          p1 = left;
          p2 = right;
        } else if (ext !== 'none' && x1 === x2 && y1 !== y2) {
          // A vertical line extends up/down: extend.left past its first point, extend.right past
          // its second, extend.both over the whole pane.
          const H = mediaSize.height;
          const away = (from: number, to: number): number => (to < from ? H : 0);
          if (ext === 'left' || ext === 'both') p1 = [x1, away(y1, y2)];
          if (ext === 'right' || ext === 'both') p2 = [x2, away(y2, y1)];
        }
        return [p1, p2];
      };
      // Lines first (linefills need their ends), then linefills under everything else drawn after.
      for (const d of this.list) {
        const r = d as unknown as Rec;
        if (d.kind !== 'line') continue;
        const ends = lineEnds(r);
        if (ends) lines.set(`${String(d.study ?? '')}:${d.id}`, { ends, rec: r });
      }
      for (const d of this.list) {
        const r = d as unknown as Rec;
        if (d.kind !== 'linefill') continue;
        const a = lines.get(`${String(d.study ?? '')}:${num(r.line1) ?? -1}`);
        const b = lines.get(`${String(d.study ?? '')}:${num(r.line2) ?? -1}`);
        const color = drawColor(r.color);
        if (!a || !b || !color) continue;
        ctx.fillStyle = color;
        ctx.beginPath();
        ctx.moveTo(a.ends[0][0], a.ends[0][1]);
        ctx.lineTo(a.ends[1][0], a.ends[1][1]);
        ctx.lineTo(b.ends[1][0], b.ends[1][1]);
        ctx.lineTo(b.ends[0][0], b.ends[0][1]);
        ctx.closePath();
        ctx.fill();
        this.rendered.push({ ...studyOf(d), kind: 'linefill', id: d.id, points: [...a.ends, ...b.ends], coords: [] });
      }
      for (const d of this.list) {
        const r = d as unknown as Rec;
        if (d.kind === 'line') {
          const l = lines.get(`${String(d.study ?? '')}:${d.id}`);
          const color = drawColor(r.color);
          if (!l) continue;
          const width = num(r.width) ?? 1;
          if (color) {
            ctx.strokeStyle = color;
            ctx.lineWidth = width;
            ctx.setLineDash(dash(r.style, width));
            ctx.beginPath();
            ctx.moveTo(l.ends[0][0], l.ends[0][1]);
            ctx.lineTo(l.ends[1][0], l.ends[1][1]);
            ctx.stroke();
            ctx.setLineDash([]);
            // Arrows at the drawn ends: first point for arrow_left, second for arrow_right.
            const st = str(r.style) ?? '';
            if (st === 'arrow_left' || st === 'arrow_both') arrowHead(ctx, l.ends[1], l.ends[0], width);
            if (st === 'arrow_right' || st === 'arrow_both') arrowHead(ctx, l.ends[0], l.ends[1], width);
          }
          this.rendered.push({
            ...studyOf(d),
            kind: 'line',
            id: d.id,
            points: l.ends,
            coords: [
              [this.barOf(num(r.x1) ?? NaN, r.xloc), num(r.y1) ?? NaN],
              [this.barOf(num(r.x2) ?? NaN, r.xloc), num(r.y2) ?? NaN],
            ],
          });
        } else if (d.kind === 'box') {
          const b1 = this.barOf(num(r.left) ?? NaN, r.xloc);
          const b2 = this.barOf(num(r.right) ?? NaN, r.xloc);
          const top = num(r.top);
          const bottom = num(r.bottom);
          if (Number.isNaN(b1) || Number.isNaN(b2) || top === null || bottom === null) continue;
          const ext = str(r.extend) ?? 'none';
          if ((Math.max(b1, b2) < vFrom && ext === 'none') || (Math.min(b1, b2) > vTo && ext === 'none')) continue;
          let x1 = X(b1);
          let x2 = X(b2);
          const y1 = Y(top);
          const y2 = Y(bottom);
          if (x1 === null || x2 === null || y1 === null || y2 === null) continue;
          if (ext === 'left' || ext === 'both') x1 = 0;
          if (ext === 'right' || ext === 'both') x2 = W;
          const bg = drawColor(r.bgcolor);
          if (bg) {
            ctx.fillStyle = bg;
            ctx.fillRect(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1));
          }
          const border = drawColor(r.border_color);
          const bw = num(r.border_width) ?? 1;
          if (border && bw > 0) {
            ctx.strokeStyle = border;
            ctx.lineWidth = bw;
            ctx.setLineDash(dash(r.border_style, bw));
            ctx.strokeRect(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1));
            ctx.setLineDash([]);
          }
          const text = str(r.text) ?? '';
          let boxText: { px: number; lines: string[] } | undefined;
          if (text) boxText = this.boxText(ctx, r, text, Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1), Math.abs(y2 - y1));
          this.rendered.push({ ...studyOf(d), kind: 'box', id: d.id, points: [[x1, y1], [x2, y2]], coords: [[b1, top], [b2, bottom]], text, fontPx: boxText?.px, lines: boxText?.lines });
        } else if (d.kind === 'label') {
          const bar = this.barOf(num(r.x) ?? NaN, r.xloc);
          if (Number.isNaN(bar) || bar < vFrom || bar > vTo) continue;
          const yloc = str(r.yloc) ?? 'price';
          let price = num(r.y);
          if (yloc === 'abovebar') price = bar < this.buffer.barCount ? (this.buffer.high.data[bar] as number) : null;
          if (yloc === 'belowbar') price = bar < this.buffer.barCount ? (this.buffer.low.data[bar] as number) : null;
          if (price === null) continue;
          const x = X(bar);
          const y = Y(price);
          if (x === null || y === null) continue;
          const text = str(r.text) ?? '';
          const painted = paintLabel(ctx, r, x, y, drawColor(r.color), drawColor(r.textcolor));
          const tooltip = str(r.tooltip) ?? undefined;
          if (tooltip) this.tips.push({ rect: painted.rect, text: tooltip });
          this.rendered.push({ ...studyOf(d), kind: 'label', id: d.id, points: [[x, y]], coords: [[bar, price]], text, style: str(r.style) ?? 'label_down', fontPx: painted.fontPx, rect: painted.rect, tooltip });
        } else if (d.kind === 'polyline') {
          const pts = Array.isArray(r.points) ? (r.points as unknown[]) : [];
          const px: [number, number][] = [];
          const cs: [number, number][] = [];
          let lo = Infinity;
          let hi = -Infinity;
          for (const p of pts) {
            if (!Array.isArray(p)) continue;
            const bar = this.barOf(num(p[0]) ?? NaN, r.xloc);
            const pr = num(p[1]);
            if (Number.isNaN(bar) || pr === null) continue;
            const x = X(bar);
            const y = Y(pr);
            if (x === null || y === null) continue;
            lo = Math.min(lo, bar);
            hi = Math.max(hi, bar);
            px.push([x, y]);
            cs.push([bar, pr]);
          }
          if (px.length < 2 || hi < vFrom || lo > vTo) continue;
          ctx.beginPath();
          ctx.moveTo(px[0]?.[0] ?? 0, px[0]?.[1] ?? 0);
          for (const [x, y] of px.slice(1)) ctx.lineTo(x, y);
          if (r.closed === true) ctx.closePath();
          const fill = drawColor(r.fill_color);
          if (fill) {
            ctx.fillStyle = fill;
            ctx.fill();
          }
          const lc = drawColor(r.line_color);
          const lw = num(r.line_width) ?? 1;
          if (lc) {
            ctx.strokeStyle = lc;
            ctx.lineWidth = lw;
            ctx.setLineDash(dash(r.line_style, lw));
            ctx.stroke();
            ctx.setLineDash([]);
          }
          this.rendered.push({ ...studyOf(d), kind: 'polyline', id: d.id, points: px, coords: cs });
        }
      }
    });
    for (const el of this.overlay.querySelectorAll<HTMLElement>('[data-testid="chart-table"]')) this.rendered.push({ kind: 'table', id: Number(el.dataset.id), points: [], coords: [] });
  }

  /** Keeps the tables' overlay off the price and time axes (their widths change with the labels). */
  private fitOverlay(chart: IChartApi): void {
    const inset = `0px ${chart.priceScale('right').width()}px ${chart.timeScale().height()}px 0px`;
    if (this.overlay.style.inset !== inset) this.overlay.style.inset = inset;
  }

  /** Tables: one HTML table per position (top_right, middle_center, ...): the newest table placed
   * there, as TradingView shows one table per position (a script that makes a table on every bar
   * without `var` shows its last one, not 500 piled up). */
  private renderTables(): void {
    const newest = new Map<string, DrawingRecord>();
    for (const d of this.list) if (d.kind === 'table') newest.set(str((d as unknown as Rec).position) ?? 'top_right', d);
    this.overlay.replaceChildren(...[...newest.values()].map((d) => buildTable(d as unknown as Rec, d.id, drawColor)));
  }
}
