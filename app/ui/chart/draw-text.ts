// Text of Pine drawings on the chart: size.* constants and sizes in typographic points as pixels,
// the CSS font of a drawing (font.family_*, text.format_bold/italic), multi-line text (a label's
// "\n") and word wrapping to a width (text.wrap_auto of boxes), measured with the canvas.

/** Font pixels of size.* for label and table text (size.auto: normal); boxes fit size.auto to
 * themselves (fitBoxText). */
const SIZE_PX: Readonly<Record<string, number>> = { tiny: 8, small: 10, normal: 12, large: 16, huge: 24, auto: 12 };

/** The pixel size of a size.* name or a number of typographic points (1 pt = 4/3 px). */
export function fontPx(size: unknown, fallback = 12): number {
  if (typeof size === 'number' && Number.isFinite(size) && size > 0) return Math.round((size * 4) / 3);
  if (typeof size === 'string') return SIZE_PX[size] ?? fallback;
  return fallback;
}

/** The CSS font of a drawing's text: its size, font.family_* and text.format_* (1 bold, 2 italic). */
export function cssFont(px: number, family: unknown, formatting: unknown): string {
  const f = typeof formatting === 'number' ? formatting : 0;
  const style = f & 2 ? 'italic ' : '';
  const weight = f & 1 ? 'bold ' : '';
  const face = family === 'monospace' ? 'ui-monospace, Menlo, Consolas, monospace' : '-apple-system, BlinkMacSystemFont, "Trebuchet MS", Roboto, Ubuntu, sans-serif';
  return `${style}${weight}${px}px ${face}`;
}

/** A label's text as lines (Pine's "\n"). */
export function textLines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

type Measure = (s: string) => number;

/** Lines of `text` broken at spaces so that each fits `width` (a word longer than the width stays
 * on its own line, as TradingView does). */
export function wrapLines(text: string, width: number, measure: Measure): string[] {
  const out: string[] = [];
  for (const para of textLines(text)) {
    const words = para.split(' ');
    let line = '';
    for (const w of words) {
      const next = line === '' ? w : `${line} ${w}`;
      if (line !== '' && measure(next) > width) {
        out.push(line);
        line = w;
      } else line = next;
    }
    out.push(line);
  }
  return out;
}

/** Width and height of lines at `px` (line height 1.25·px). */
export function blockSize(lines: readonly string[], px: number, measure: Measure): { w: number; h: number } {
  let w = 0;
  for (const l of lines) w = Math.max(w, measure(l));
  return { w, h: lines.length * Math.round(px * 1.25) };
}

/** The largest font size (6..40 px) whose text, wrapped or not, fits a box of w × h. */
export function fitBoxText(text: string, w: number, h: number, wrap: boolean, measureAt: (px: number) => Measure): number {
  let lo = 6;
  let hi = 40;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const m = measureAt(mid);
    const lines = wrap ? wrapLines(text, w, m) : textLines(text);
    const b = blockSize(lines, mid, m);
    if (b.w <= w && b.h <= h) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
