// Pine labels painted on the chart canvas as TradingView draws them: a rounded box with a pointer
// at the anchor for label.style_label_* (down/up/left/right, the four corners, center), text only
// for style_none, outlined text for style_text_outline, and a shape (xcross, cross, triangles,
// arrows, flag, circle, square, diamond) with its text beside it for the shape styles. Text size from
// size.* or points, multi-line text aligned by textalign, font family and bold/italic. Returns the
// painted rectangle, for hit-testing tooltips.

import { blockSize, cssFont, fontPx, textLines } from './draw-text.js';

type Rec = Record<string, unknown>;
type Ctx = CanvasRenderingContext2D;

export type Rect = [number, number, number, number];

export interface LabelPaint {
  /** x, y, width, height of what was painted (CSS pixels). */
  rect: Rect;
  fontPx: number;
  lines: string[];
}

const SHAPES = new Set(['xcross', 'cross', 'triangleup', 'triangledown', 'flag', 'circle', 'arrowup', 'arrowdown', 'square', 'diamond']);

/** The path of a shape style centred on (x, y), `s` pixels across. */
function shapePath(ctx: Ctx, style: string, x: number, y: number, s: number): 'fill' | 'stroke' {
  const h = s / 2;
  ctx.beginPath();
  switch (style) {
    case 'xcross':
      ctx.moveTo(x - h, y - h);
      ctx.lineTo(x + h, y + h);
      ctx.moveTo(x + h, y - h);
      ctx.lineTo(x - h, y + h);
      return 'stroke';
    case 'cross':
      ctx.moveTo(x - h, y);
      ctx.lineTo(x + h, y);
      ctx.moveTo(x, y - h);
      ctx.lineTo(x, y + h);
      return 'stroke';
    case 'triangleup':
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h, y + h);
      ctx.lineTo(x - h, y + h);
      break;
    case 'triangledown':
      ctx.moveTo(x, y + h);
      ctx.lineTo(x + h, y - h);
      ctx.lineTo(x - h, y - h);
      break;
    case 'arrowup':
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h, y);
      ctx.lineTo(x + h / 3, y);
      ctx.lineTo(x + h / 3, y + h);
      ctx.lineTo(x - h / 3, y + h);
      ctx.lineTo(x - h / 3, y);
      ctx.lineTo(x - h, y);
      break;
    case 'arrowdown':
      ctx.moveTo(x, y + h);
      ctx.lineTo(x + h, y);
      ctx.lineTo(x + h / 3, y);
      ctx.lineTo(x + h / 3, y - h);
      ctx.lineTo(x - h / 3, y - h);
      ctx.lineTo(x - h / 3, y);
      ctx.lineTo(x - h, y);
      break;
    case 'flag':
      ctx.moveTo(x - h, y + h);
      ctx.lineTo(x - h, y - h);
      ctx.lineTo(x + h, y - h / 2);
      ctx.lineTo(x - h, y);
      break;
    case 'circle':
      ctx.arc(x, y, h, 0, Math.PI * 2);
      break;
    case 'square':
      ctx.rect(x - h, y - h, s, s);
      break;
    case 'diamond':
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h, y);
      ctx.lineTo(x, y + h);
      ctx.lineTo(x - h, y);
      break;
  }
  ctx.closePath();
  return 'fill';
}

/** Paints the lines of text with their left edge, centre or right edge (textalign) at `ax`,
 * starting at `top`. */
function paintLines(ctx: Ctx, lines: readonly string[], ax: number, top: number, px: number, align: string): void {
  const lh = Math.round(px * 1.25);
  ctx.textAlign = align === 'left' ? 'left' : align === 'right' ? 'right' : 'center';
  ctx.textBaseline = 'middle';
  lines.forEach((l, i) => ctx.fillText(l, ax, top + lh * i + lh / 2));
}

/** Paints label record `r` anchored at pixel (x, y). */
export function paintLabel(ctx: Ctx, r: Rec, x: number, y: number, bg: string | null, fg: string | null): LabelPaint {
  const style = typeof r.style === 'string' ? r.style : 'label_down';
  const px = fontPx(r.size);
  ctx.font = cssFont(px, r.text_font_family, r.text_formatting);
  const lines = textLines(typeof r.text === 'string' ? r.text : '');
  const measure = (s: string): number => ctx.measureText(s).width;
  const block = blockSize(lines, px, measure);
  const align = typeof r.textalign === 'string' ? r.textalign : 'center';
  const yloc = r.yloc;

  if (SHAPES.has(style)) {
    const s = Math.round(px * 1.4);
    // Above/below the bar: the shape sits just off the high/low.
    const cy = yloc === 'abovebar' ? y - s / 2 - 3 : yloc === 'belowbar' ? y + s / 2 + 3 : y;
    if (bg) {
      const how = shapePath(ctx, style, x, cy, s);
      if (how === 'fill') {
        ctx.fillStyle = bg;
        ctx.fill();
      } else {
        ctx.strokeStyle = bg;
        ctx.lineWidth = Math.max(1.5, s / 8);
        ctx.stroke();
      }
    }
    // The text goes on the far side of the shape from the bar: below an up shape or a shape below
    // the bar, above the others.
    const below = style === 'triangleup' || style === 'arrowup' || yloc === 'belowbar';
    const top = below ? cy + s / 2 + 2 : cy - s / 2 - 2 - block.h;
    if (fg && lines.length > 0) {
      ctx.fillStyle = fg;
      paintLines(ctx, lines, align === 'left' ? x - block.w / 2 : align === 'right' ? x + block.w / 2 : x, top, px, align);
    }
    const left = Math.min(x - s / 2, x - block.w / 2);
    const bottom = Math.max(cy + s / 2, top + block.h);
    const up = Math.min(cy - s / 2, top);
    return { rect: [left, up, Math.max(s, block.w), bottom - up], fontPx: px, lines };
  }

  const padX = Math.round(px * 0.5);
  const padY = Math.round(px * 0.3);
  const w = Math.max(block.w + 2 * padX, px);
  const h = Math.max(block.h + 2 * padY, px);
  const a = Math.round(px * 0.5); // the pointer's length
  let bx = x - w / 2;
  let by = y - h / 2;
  let pointer: [number, number][] | null = null;
  switch (style) {
    case 'label_down':
      by = y - a - h;
      pointer = [[x - a, by + h], [x, y], [x + a, by + h]];
      break;
    case 'label_up':
      by = y + a;
      pointer = [[x - a, by], [x, y], [x + a, by]];
      break;
    case 'label_left':
      bx = x + a;
      pointer = [[bx, y - a], [x, y], [bx, y + a]];
      break;
    case 'label_right':
      bx = x - a - w;
      pointer = [[bx + w, y - a], [x, y], [bx + w, y + a]];
      break;
    case 'label_lower_left':
      bx = x + a * 0.7;
      by = y - a * 0.7 - h;
      pointer = [[bx, by + h - a], [x, y], [bx + a, by + h]];
      break;
    case 'label_lower_right':
      bx = x - a * 0.7 - w;
      by = y - a * 0.7 - h;
      pointer = [[bx + w, by + h - a], [x, y], [bx + w - a, by + h]];
      break;
    case 'label_upper_left':
      bx = x + a * 0.7;
      by = y + a * 0.7;
      pointer = [[bx, by + a], [x, y], [bx + a, by]];
      break;
    case 'label_upper_right':
      bx = x - a * 0.7 - w;
      by = y + a * 0.7;
      pointer = [[bx + w, by + a], [x, y], [bx + w - a, by]];
      break;
    default:
      // label_center, none, text_outline: centred on the anchor — except above or below the bar
      // (yloc.abovebar/belowbar), where TradingView puts the text just off the high or low, not
      // over the candle (its Zig Zag's price labels).
      if (yloc === 'abovebar') by = y - 3 - h;
      else if (yloc === 'belowbar') by = y + 3;
      break;
  }
  const boxed = style !== 'none' && style !== 'text_outline';
  if (boxed && bg) {
    ctx.fillStyle = bg;
    ctx.beginPath();
    ctx.roundRect(bx, by, w, h, Math.min(4, h / 4));
    ctx.fill();
    if (pointer) {
      ctx.beginPath();
      ctx.moveTo(pointer[0][0], pointer[0][1]);
      ctx.lineTo(pointer[1][0], pointer[1][1]);
      ctx.lineTo(pointer[2][0], pointer[2][1]);
      ctx.closePath();
      ctx.fill();
    }
  }
  const ax = align === 'left' ? bx + padX : align === 'right' ? bx + w - padX : bx + w / 2;
  const top = by + (h - block.h) / 2;
  if (style === 'text_outline' && bg && lines.length > 0) {
    ctx.strokeStyle = bg;
    ctx.lineWidth = Math.max(2, px / 5);
    ctx.lineJoin = 'round';
    const lh = Math.round(px * 1.25);
    ctx.textAlign = align === 'left' ? 'left' : align === 'right' ? 'right' : 'center';
    ctx.textBaseline = 'middle';
    lines.forEach((l, i) => ctx.strokeText(l, ax, top + lh * i + lh / 2));
  }
  if (fg && lines.length > 0) {
    ctx.fillStyle = fg;
    paintLines(ctx, lines, ax, top, px, align);
  }
  const xs = [bx, bx + w, ...(pointer ?? []).map((p) => p[0])];
  const ys = [by, by + h, ...(pointer ?? []).map((p) => p[1])];
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  return { rect: [x0, y0, Math.max(...xs) - x0, Math.max(...ys) - y0], fontPx: px, lines };
}
