// How a script's outputs are drawn: Program.outputs → a plan of chart series (lines, histograms,
// areas, candles), markers (plotshape, plotchar, plotarrow), horizontal lines, background colors
// and bar colors, each with its pane and the output channels it reads. Pure data, no chart library,
// so it is tested in Node. Pane 0 is the price pane; a non-overlay script draws in pane 1 except
// outputs with force_overlay.

import { colorToCss } from '../../../vm/values.js';
import type { OutputInfo } from '../../../vm/index.js';
import type { ProgramInfo } from '../../worker/protocol.js';

export const DEFAULT_PLOT_COLORS = ['#2962ff', '#f6c343', '#ab47bc', '#26a69a', '#ef5350', '#29b6f6', '#ff7043', '#9ccc65'];

export type LineShape = 'line' | 'step' | 'histogram' | 'area' | 'points';

export interface SeriesPlan {
  outputId: number;
  /** The output's title (the key plots are found by; the compiler names an untitled one plot0, …). */
  title: string;
  /** The name the legend shows: the title, or "Plot" for a plot without one, as TradingView's
   * status line and data window name it. */
  label: string;
  pane: number;
  shape: LineShape;
  color: string;
  valueChannel: number;
  /** Channel with a per-bar color, or -1. */
  colorChannel: number;
  lineWidth: number;
  /** 0 solid, 1 dotted, 2 dashed (lightweight-charts LineStyle). */
  lineStyle: number;
  /** na values break the line (linebr styles, histograms) instead of being bridged. */
  breaks: boolean;
  histbase: number;
  /** Bars the plot is shifted by (`offset`: +2 draws bar i's value at bar i + 2). */
  offset: number;
  /** Its last value is labelled on the price axis (`display` includes display.price_scale). */
  priceLabel: boolean;
  /** Its value is shown in the legend (`display` includes display.status_line). */
  legend: boolean;
  /** `trackprice`: a horizontal line at its last value. */
  trackPrice: boolean;
  /** `show_last`: only the last N bars are drawn (null: all). */
  showLast: number | null;
  /** The added script it belongs to when several are on the chart (its id; chart-layers.ts): the
   * legend groups by it. */
  layer?: string;
}

export interface CandlePlan {
  outputId: number;
  title: string;
  pane: number;
  /** Channels of open, high, low, close, and per-bar color (or -1). */
  channels: [number, number, number, number];
  colorChannel: number;
  color: string;
  /** Wick and border colors (plotcandle's `wickcolor` / `bordercolor`; null: the body's color). */
  wickColor: string | null;
  borderColor: string | null;
  bars: boolean;
}

export type MarkerShape = 'circle' | 'square' | 'arrowUp' | 'arrowDown';
export type MarkerPosition = 'aboveBar' | 'belowBar' | 'inBar' | 'atPriceMiddle';

export interface MarkerPlan {
  outputId: number;
  title: string;
  pane: number;
  kind: 'shape' | 'char' | 'arrow';
  shape: MarkerShape;
  position: MarkerPosition;
  color: string;
  colorChannel: number;
  valueChannel: number;
  text: string | null;
  size: number;
  /** plotarrow colors for up and down arrows (channels or -1). */
  upColor: string;
  downColor: string;
  upChannel: number;
  downChannel: number;
  offset: number;
}

export interface HlinePlan {
  outputId: number;
  title: string;
  pane: number;
  /** Constant price, or null when it comes from `priceChannel` (an input). */
  price: number | null;
  priceChannel: number;
  color: string;
  lineStyle: number;
  lineWidth: number;
}

export interface BgPlan {
  outputId: number;
  pane: number;
  colorChannel: number;
  color: string | null;
  offset: number;
}

export interface BarColorPlan {
  outputId: number;
  colorChannel: number;
  color: string | null;
  offset: number;
}

/** One side of a fill: a plot's values (with its offset) or an hline's price (constant, or an input's
 * value read from its 'price' channel). */
export type FillEdge =
  | { kind: 'plot'; outputId: number; channel: number; offset: number }
  | { kind: 'hline'; outputId: number; price: number | null; channel: number };

export interface FillPlan {
  outputId: number;
  title: string;
  pane: number;
  a: FillEdge;
  b: FillEdge;
  /** Per-bar color channel (-1: the constant `color`; null color: nothing drawn). */
  colorChannel: number;
  color: string | null;
  /** fill(plot1, plot2, top_value, bottom_value, top_color, bottom_color): a vertical gradient. */
  gradient: {
    topChannel: number;
    bottomChannel: number;
    topColor: string | null;
    bottomColor: string | null;
    /** Channels with a per-bar top/bottom color (an input or series color), or -1. */
    topColorChannel: number;
    bottomColorChannel: number;
  } | null;
}

export interface ChartPlan {
  panes: number;
  fills: FillPlan[];
  series: SeriesPlan[];
  candles: CandlePlan[];
  markers: MarkerPlan[];
  hlines: HlinePlan[];
  backgrounds: BgPlan[];
  barColor: BarColorPlan | null;
  /** Outputs drawn approximately or not at all, with why. */
  notes: string[];
}

function optColor(o: OutputInfo, name: string): string | null {
  const v = o.options[name];
  return typeof v === 'number' ? colorToCss(v) : null;
}

function optNum(o: OutputInfo, name: string, dflt: number): number {
  const v = o.options[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

function optStr(o: OutputInfo, name: string): string | null {
  const v = o.options[name];
  return typeof v === 'string' ? v : null;
}

/** Pine's display.* flags (vm/builtins/outputs.ts): pane 1, data_window 2, price_scale 4, status_line 8. */
const DISPLAY_PANE = 1;
const DISPLAY_PRICE_SCALE = 4;
const DISPLAY_STATUS_LINE = 8;

function displayOf(o: OutputInfo): number {
  const v = o.options.display;
  return typeof v === 'number' && Number.isFinite(v) ? v : 15;
}

function offsetOf(o: OutputInfo): number {
  const v = o.options.offset;
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

function lineStyleOf(s: string | null): number {
  return s === 'dotted' ? 1 : s === 'dashed' ? 2 : 0;
}

/** plotshape styles drawn as a character (the chart library's markers are circles, squares and
 * arrows). */
const SHAPE_GLYPHS: Record<string, string> = { xcross: '✕', cross: '✚', diamond: '◆', flag: '⚑' };

function shapeOf(style: string | null, location: string | null): MarkerShape {
  switch (style) {
    case 'triangleup':
    case 'arrowup':
    case 'labelup':
      return 'arrowUp';
    case 'triangledown':
    case 'arrowdown':
    case 'labeldown':
      return 'arrowDown';
    case 'square':
    case 'diamond':
    case 'flag':
      return 'square';
    case 'circle':
      return 'circle';
    default:
      return location === 'belowbar' ? 'arrowUp' : 'circle';
  }
}

function positionOf(location: string | null): MarkerPosition {
  switch (location) {
    case 'belowbar':
    case 'bottom':
      return 'belowBar';
    case 'absolute':
      return 'atPriceMiddle';
    case 'abovebar':
    case 'top':
    default:
      return 'aboveBar';
  }
}

function sizeOf(s: string | null): number {
  switch (s) {
    case 'tiny':
      return 0.5;
    case 'small':
      return 0.8;
    case 'large':
      return 1.6;
    case 'huge':
      return 2.2;
    default:
      return 1;
  }
}

export function buildChartPlan(program: ProgramInfo | null): ChartPlan {
  const plan: ChartPlan = { panes: 1, fills: [], series: [], candles: [], markers: [], hlines: [], backgrounds: [], barColor: null, notes: [] };
  if (!program) return plan;
  const overlay = program.meta.overlay;
  let colorIdx = 0;
  const nextColor = () => DEFAULT_PLOT_COLORS[colorIdx++ % DEFAULT_PLOT_COLORS.length] as string;
  const perKind = new Map<string, number>();
  for (const o of program.outputs) {
    // The compiler titles an untitled output `<kind><n>`, n counting the earlier outputs of its kind.
    const nth = perKind.get(o.kind) ?? 0;
    perKind.set(o.kind, nth + 1);
    const label = o.kind === 'plot' && o.title === `plot${nth}` ? 'Plot' : o.title;
    const ch = (name: string) => o.channels.indexOf(name);
    const pane = overlay || o.options.force_overlay === true ? 0 : 1;
    const display = displayOf(o);
    // display.none / display.data_window / ...: nothing drawn on the chart.
    if ((display & DISPLAY_PANE) === 0) continue;
    if (pane === 1 && o.kind !== 'fill') plan.panes = 2;
    const offset = offsetOf(o);
    switch (o.kind) {
      case 'plot': {
        const style = optStr(o, 'style') ?? 'line';
        const shape: LineShape =
          style === 'histogram' || style === 'columns'
            ? 'histogram'
            : style === 'area' || style === 'areabr'
              ? 'area'
              : style === 'stepline' || style === 'steplinebr' || style === 'stepline_diamond'
                ? 'step'
                : style === 'circles' || style === 'cross'
                  ? 'points'
                  : 'line';
        plan.series.push({
          outputId: o.id,
          title: o.title,
          label,
          pane,
          shape,
          color: optColor(o, 'color') ?? nextColor(),
          valueChannel: ch('series'),
          colorChannel: ch('color'),
          lineWidth: optNum(o, 'linewidth', 1),
          lineStyle: lineStyleOf(optStr(o, 'linestyle')),
          breaks: style.endsWith('br') || shape === 'histogram' || shape === 'points',
          histbase: optNum(o, 'histbase', 0),
          offset,
          priceLabel: (display & DISPLAY_PRICE_SCALE) !== 0,
          legend: (display & DISPLAY_STATUS_LINE) !== 0,
          trackPrice: o.options.trackprice === true,
          showLast: typeof o.options.show_last === 'number' && Number.isFinite(o.options.show_last) ? Math.max(0, Math.trunc(o.options.show_last)) : null,
        });
        break;
      }
      case 'plotshape':
      case 'plotchar': {
        const location = optStr(o, 'location') ?? 'abovebar';
        const isChar = o.kind === 'plotchar';
        // Shapes the chart library has no marker for are drawn as a character, like plotchar.
        const glyph = isChar ? null : SHAPE_GLYPHS[optStr(o, 'style') ?? ''];
        const userText = optStr(o, 'text');
        const text = isChar ? (optStr(o, 'char') ?? '★') : glyph ? (userText ? `${glyph} ${userText}` : glyph) : userText;
        plan.markers.push({
          outputId: o.id,
          title: o.title,
          pane,
          kind: isChar ? 'char' : 'shape',
          shape: isChar || glyph ? 'circle' : shapeOf(optStr(o, 'style'), location),
          position: positionOf(location),
          color: optColor(o, 'color') ?? '#2962ff',
          colorChannel: ch('color'),
          valueChannel: ch('series'),
          text,
          size: isChar || glyph ? 0 : sizeOf(optStr(o, 'size')),
          upColor: '',
          downColor: '',
          upChannel: -1,
          downChannel: -1,
          offset,
        });
        break;
      }
      case 'plotarrow':
        plan.markers.push({
          outputId: o.id,
          title: o.title,
          pane,
          kind: 'arrow',
          shape: 'arrowUp',
          position: 'belowBar',
          color: '#26a69a',
          colorChannel: -1,
          valueChannel: ch('series'),
          text: null,
          size: 1,
          upColor: optColor(o, 'colorup') ?? '#4caf50',
          downColor: optColor(o, 'colordown') ?? '#ff5252',
          upChannel: ch('colorup'),
          downChannel: ch('colordown'),
          offset,
        });
        break;
      case 'hline': {
        const price = o.options.price;
        plan.hlines.push({
          outputId: o.id,
          title: o.title,
          pane,
          price: typeof price === 'number' ? price : null,
          priceChannel: ch('price'),
          color: optColor(o, 'color') ?? '#787b86',
          lineStyle: lineStyleOf(optStr(o, 'linestyle') ?? 'dashed'),
          lineWidth: optNum(o, 'linewidth', 1),
        });
        break;
      }
      case 'bgcolor':
        plan.backgrounds.push({ outputId: o.id, pane, colorChannel: ch('color'), color: optColor(o, 'color'), offset });
        break;
      case 'barcolor':
        plan.barColor = { outputId: o.id, colorChannel: ch('color'), color: optColor(o, 'color'), offset };
        break;
      case 'plotcandle':
      case 'plotbar':
        plan.candles.push({
          outputId: o.id,
          title: o.title,
          pane,
          channels: [ch('open'), ch('high'), ch('low'), ch('close')],
          colorChannel: ch('color'),
          color: optColor(o, 'color') ?? nextColor(),
          wickColor: optColor(o, 'wickcolor'),
          borderColor: optColor(o, 'bordercolor'),
          bars: o.kind === 'plotbar',
        });
        break;
      case 'fill':
        addFill(plan, program, o, overlay);
        break;
    }
  }
  return plan;
}

/** The edge of a fill that output `ref` (an option's value) names, and its pane. */
function fillEdge(program: ProgramInfo, ref: unknown, overlay: boolean): { edge: FillEdge; pane: number } | null {
  if (typeof ref !== 'number') return null;
  const o = program.outputs[ref];
  if (!o) return null;
  const pane = overlay || o.options.force_overlay === true ? 0 : 1;
  if (o.kind === 'plot') return { edge: { kind: 'plot', outputId: o.id, channel: o.channels.indexOf('series'), offset: offsetOf(o) }, pane };
  if (o.kind === 'hline') {
    const price = o.options.price;
    return { edge: { kind: 'hline', outputId: o.id, price: typeof price === 'number' ? price : null, channel: o.channels.indexOf('price') }, pane };
  }
  return null;
}

/** A fill between two plots or two hlines (drawn under them, in their pane). The plots may be
 * hidden (display.none): Pine still fills between them. */
function addFill(plan: ChartPlan, program: ProgramInfo, o: OutputInfo, overlay: boolean): void {
  const ch = (name: string) => o.channels.indexOf(name);
  const a = fillEdge(program, o.options.plot1 ?? o.options.hline1, overlay);
  const b = fillEdge(program, o.options.plot2 ?? o.options.hline2, overlay);
  if (!a || !b || a.pane !== b.pane) {
    plan.notes.push(`fill() '${o.title}' is not drawn (its two sides are not plots or hlines of one pane).`);
    return;
  }
  if (a.pane === 1) plan.panes = 2;
  const gradient =
    ch('top_value') >= 0 || o.options.top_color !== undefined
      ? { topChannel: ch('top_value'), bottomChannel: ch('bottom_value'), topColor: optColor(o, 'top_color'), bottomColor: optColor(o, 'bottom_color'), topColorChannel: ch('top_color'), bottomColorChannel: ch('bottom_color') }
      : null;
  plan.fills.push({ outputId: o.id, title: o.title, pane: a.pane, a: a.edge, b: b.edge, colorChannel: ch('color'), color: optColor(o, 'color'), gradient });
}

/** Whether a marker output shows on a bar with value `v` (plotshape/plotchar: true or non-zero). */
export function markerVisible(v: number): boolean {
  return !Number.isNaN(v) && v !== 0;
}
