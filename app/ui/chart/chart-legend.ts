// The chart's legend (top left, as on TradingView): the symbol's OHLC and each plot's value on the
// bar under the cursor, or on the newest bar when the cursor is away from the chart (also while a
// replay feeds bars). Written with the symbol's and each plot's price format (price-format.ts),
// drawn at most once per animation frame however many ticks arrive.

import { colorToCss } from '../../../vm/values.js';
import type { SeriesPlan } from './chart-plan.js';
import type { PlotBuffer } from './plot-buffer.js';
import type { CandlePoint } from './chart-points.js';
import { formatValue, type ValueFormat } from './price-format.js';

/** What the legend reads from the chart. */
export interface LegendSource {
  readonly buffer: PlotBuffer;
  candlePoint(bar: number): CandlePoint;
  /** The plots drawn, in legend order. */
  legendPlots(): SeriesPlan[];
  symbolFormat(): ValueFormat;
  formatOf(outputId: number): ValueFormat;
  /** The title of an added script's layer (SeriesPlan.layer). */
  layerTitle(id: string): string;
}

export class ChartLegend {
  readonly element: HTMLDivElement;
  /** The symbol and script names shown first. */
  title = '';
  /** The bar the cursor is on (null: away from the chart, the legend follows the newest bar). */
  private hoverBar: number | null = null;
  private frame = 0;
  private destroyed = false;

  constructor(private readonly source: LegendSource) {
    this.element = document.createElement('div');
    this.element.className = 'chart-legend';
    this.element.dataset.testid = 'chart-legend';
  }

  destroy(): void {
    this.destroyed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.element.remove();
  }

  private get shownBar(): number {
    return this.hoverBar ?? this.source.buffer.shownBars - 1;
  }

  /** The cursor moved to `bar` (null: it left the chart). */
  hover(bar: number | null): void {
    this.hoverBar = bar;
    this.render(this.shownBar);
  }

  /** The legend shows the bar under the cursor, or the newest bar when the cursor is away (drawn
   * once per frame however many ticks arrive). */
  follow(): void {
    if (this.frame || this.destroyed) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.destroyed) this.render(this.shownBar);
    });
  }

  /** What the legend shows, and for which bar. */
  info(): { bar: number; text: string } {
    if (this.frame) {
      // a redraw is pending: what it will show
      cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.render(this.shownBar);
    }
    return { bar: Number(this.element.dataset.bar ?? -1), text: this.element.textContent ?? '' };
  }

  render(bar: number): void {
    const b = this.source.buffer;
    this.element.dataset.bar = String(bar < 0 || bar >= b.shownBars ? -1 : bar);
    if (bar < 0 || bar >= b.shownBars) {
      this.element.textContent = this.title;
      return;
    }
    const c = this.source.candlePoint(bar);
    const sym = this.source.symbolFormat();
    const fmt = (v: number) => formatValue(v, sym);
    const up = c.close >= c.open;
    const parts: string[] = [
      `<span class="legend-title">${escapeHtml(this.title)}</span>`,
      `<span class="legend-ohlc ${up ? 'up' : 'down'}">O ${fmt(c.open)} H ${fmt(c.high)} L ${fmt(c.low)} C ${fmt(c.close)}</span>`,
    ];
    let layer: string | undefined;
    for (const p of this.source.legendPlots()) {
      if (!p.legend) continue;
      if (p.layer !== layer) {
        // Several scripts on the chart: each added script's values after its title.
        layer = p.layer;
        if (layer !== undefined) parts.push(`<span class="legend-layer" data-layer="${escapeHtml(layer)}">${escapeHtml(this.source.layerTitle(layer))}</span>`);
      }
      const src = bar - p.offset;
      const v = b.value(p.outputId, p.valueChannel, src);
      const color = (p.colorChannel >= 0 ? colorToCss(b.value(p.outputId, p.colorChannel, src)) : null) ?? p.color;
      parts.push(`<span class="legend-plot" style="color:${color}">${escapeHtml(p.label)} ${formatValue(v, this.source.formatOf(p.outputId))}</span>`);
    }
    this.element.innerHTML = parts.join('');
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;'));
}
