// Pine tables as HTML over the chart, as TradingView lays them out: the table at its position.*
// (nine places, 4 px off the pane's edges), its bgcolor, a frame (frame_color/width) around it and
// borders (border_color/width) between cells; each cell with its text (multi-line), text size
// (size.* or points), color, horizontal and vertical alignment, background, font family, bold/
// italic, a tooltip (the cell's title; only such cells take the pointer), and a width/height in
// percent of the pane (0: fit the text). table.merge_cells spans the first cell over the others,
// which are not drawn.

import { cssFont, fontPx } from './draw-text.js';

type Rec = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Where each cell goes: for a merge's first cell its span, for the cells it covers 'covered'. */
function spans(merges: unknown, cols: number, rows: number): Map<number, [number, number] | 'covered'> {
  const out = new Map<number, [number, number] | 'covered'>();
  if (!Array.isArray(merges)) return out;
  for (const m of merges) {
    if (!Array.isArray(m)) continue;
    const [c0, r0, c1, r1] = m.map((v) => num(v) ?? 0) as [number, number, number, number];
    const cl = Math.max(0, Math.min(c0, c1));
    const ch = Math.min(cols - 1, Math.max(c0, c1));
    const rl = Math.max(0, Math.min(r0, r1));
    const rh = Math.min(rows - 1, Math.max(r0, r1));
    // A merge that overlaps one made before it is ignored (TradingView keeps the first).
    let clash = false;
    for (let r = rl; r <= rh && !clash; r++) for (let c = cl; c <= ch; c++) if (out.has(r * cols + c)) clash = true;
    if (clash) continue;
    for (let r = rl; r <= rh; r++) for (let c = cl; c <= ch; c++) out.set(r * cols + c, 'covered');
    out.set(rl * cols + cl, [ch - cl + 1, rh - rl + 1]);
  }
  return out;
}

/** One HTML table for table record `r`; `color` turns a drawing color into CSS (null for na). */
export function buildTable(r: Rec, id: number, color: (v: unknown) => string | null): HTMLTableElement {
  const pos = (str(r.position) ?? 'top_right').split('_');
  const el = document.createElement('table');
  el.dataset.testid = 'chart-table';
  el.dataset.id = String(id);
  const v = pos[0] ?? 'top';
  const h = pos[1] ?? 'right';
  const tx = h === 'center' ? '-50%' : '0';
  const ty = v === 'middle' ? '-50%' : '0';
  const frame = color(r.frame_color);
  const fw = num(r.frame_width) ?? 0;
  const border = color(r.border_color);
  const bw = num(r.border_width) ?? 0;
  Object.assign(el.style, {
    position: 'absolute',
    borderCollapse: 'separate',
    borderSpacing: '0',
    background: color(r.bgcolor) ?? 'transparent',
    border: frame && fw > 0 ? `${fw}px solid ${frame}` : 'none',
    ...(v === 'top' ? { top: '4px' } : v === 'bottom' ? { bottom: '4px' } : { top: '50%' }),
    ...(h === 'left' ? { left: '4px' } : h === 'right' ? { right: '4px' } : { left: '50%' }),
    transform: `translate(${tx}, ${ty})`,
  });
  const cols = num(r.columns) ?? 0;
  const rows = num(r.rows) ?? 0;
  const cells = Array.isArray(r.cells) ? (r.cells as unknown[]) : [];
  const span = spans(r.merges, cols, rows);
  // TradingView draws nothing for rows and columns that have no cell at all.
  const usedRows = new Set<number>();
  const usedCols = new Set<number>();
  cells.forEach((c, k) => {
    if (!c || typeof c !== 'object') return;
    const row = Math.floor(k / Math.max(1, cols));
    const col = k % Math.max(1, cols);
    const sp = span.get(k);
    const [sc, sr] = Array.isArray(sp) ? sp : [1, 1];
    if (sp === 'covered') return;
    for (let i = 0; i < sr; i++) usedRows.add(row + i);
    for (let i = 0; i < sc; i++) usedCols.add(col + i);
  });
  for (let row = 0; row < rows; row++) {
    if (!usedRows.has(row)) continue;
    const tr = document.createElement('tr');
    for (let col = 0; col < cols; col++) {
      if (!usedCols.has(col)) continue;
      const k = row * cols + col;
      const sp = span.get(k);
      if (sp === 'covered') continue;
      const td = document.createElement('td');
      if (sp) {
        td.colSpan = sp[0];
        td.rowSpan = sp[1];
      }
      const c = cells[k];
      td.style.padding = '2px 6px';
      td.style.whiteSpace = 'pre';
      if (border && bw > 0) {
        // Borders between cells only: the frame is the table's outside.
        if (col + (sp ? sp[0] : 1) < cols) td.style.borderRight = `${bw}px solid ${border}`;
        if (row + (sp ? sp[1] : 1) < rows) td.style.borderBottom = `${bw}px solid ${border}`;
      }
      if (c && typeof c === 'object') {
        const cell = c as Rec;
        td.textContent = str(cell.text) ?? '';
        const px = fontPx(cell.text_size);
        td.style.font = cssFont(px, cell.text_font_family, cell.text_formatting);
        td.style.lineHeight = '1.25';
        td.style.color = color(cell.text_color) ?? 'transparent';
        const bg = color(cell.bgcolor);
        if (bg) td.style.background = bg;
        const ha = str(cell.text_halign) ?? 'center';
        td.style.textAlign = ha === 'left' || ha === 'right' ? ha : 'center';
        const va = str(cell.text_valign) ?? 'center';
        td.style.verticalAlign = va === 'top' || va === 'bottom' ? va : 'middle';
        const w = num(cell.width) ?? 0;
        const hh = num(cell.height) ?? 0;
        // Width and height in percent of the pane (the overlay is the pane's size).
        if (w > 0) td.style.width = `${w}cqw`;
        if (hh > 0) td.style.height = `${hh}cqh`;
        const tip = str(cell.tooltip);
        if (tip) {
          td.title = tip;
          td.style.pointerEvents = 'auto';
          td.style.cursor = 'default';
        }
        td.dataset.size = String(px);
      }
      tr.appendChild(td);
    }
    el.appendChild(tr);
  }
  return el;
}
