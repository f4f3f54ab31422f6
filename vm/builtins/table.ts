// Tables (table.new, table.cell, ...): kept as plain data — the cells' text and colors — so that
// scripts that keep an info table (many strategies do) compile and run. Hosts do not draw them
// yet. A table is `{ position, columns, rows, cells }`, cells by `row * columns + column`.

import { defineFn, defineVar } from './registry.js';
import type { Runtime } from '../core/runtime.js';

interface TableCell {
  text: string;
  textColor: number;
  bgcolor: number;
}

interface Table {
  position: string;
  columns: number;
  rows: number;
  cells: (TableCell | null)[];
  deleted: boolean;
}

for (const p of ['top_left', 'top_center', 'top_right', 'middle_left', 'middle_center', 'middle_right', 'bottom_left', 'bottom_center', 'bottom_right']) {
  defineVar(`position.${p}: const string`, { value: p });
}

defineFn(
  'table.new(position: series string, columns: series int, rows: series int, bgcolor: series color = na, frame_color: series color = na, frame_width: series int = 0, border_color: series color = na, border_width: series int = 0, force_overlay: const bool = false): series table',
  (rt, a, d) => {
    const columns = rt.f[a + 1] as number;
    const rows = rt.f[a + 2] as number;
    if (!(columns >= 1 && rows >= 1 && columns * rows <= 10000)) {
      rt.fail('table', `table.new: a table needs at least 1 column and 1 row (at most 10000 cells), got ${columns} × ${rows}.`);
    }
    const t: Table = { position: String(rt.o[a] ?? 'top_right'), columns, rows, cells: new Array<TableCell | null>(columns * rows).fill(null), deleted: false };
    rt.o[d] = t;
  },
);

function tableArg(rt: Runtime, i: number, fn: string): Table | null {
  const t = rt.o[i] as Table | null;
  if (t === null || t === undefined) return null;
  if (t.deleted) return rt.fail('table', `${fn}: the table was deleted.`);
  return t;
}

defineFn(
  'table.cell(table_id: series table, column: series int, row: series int, text: series string = "", width: series float = 0, height: series float = 0, text_color: series color = #000000, text_halign: series string = "center", text_valign: series string = "center", text_size: series string = "normal", bgcolor: series color = na, tooltip: series string = "", text_font_family: series string = "default", text_formatting: const string = "none"): void',
  (rt, a) => {
    const t = tableArg(rt, a, 'table.cell');
    if (!t) return;
    const c = rt.f[a + 1] as number;
    const r = rt.f[a + 2] as number;
    if (!(c >= 0 && c < t.columns && r >= 0 && r < t.rows)) {
      rt.fail('table', `table.cell: cell (${c}, ${r}) is outside the table's ${t.columns} columns and ${t.rows} rows.`);
    }
    t.cells[r * t.columns + c] = { text: String(rt.o[a + 3] ?? ''), textColor: rt.f[a + 6] as number, bgcolor: rt.f[a + 10] as number };
  },
);
defineFn('table.clear(table_id: series table, start_column: series int, start_row: series int, end_column: series int = na, end_row: series int = na): void', (rt, a) => {
  const t = tableArg(rt, a, 'table.clear');
  if (!t) return;
  const c0 = rt.f[a + 1] as number;
  const r0 = rt.f[a + 2] as number;
  const c1 = rt.f[a + 3] === rt.f[a + 3] ? (rt.f[a + 3] as number) : c0;
  const r1 = rt.f[a + 4] === rt.f[a + 4] ? (rt.f[a + 4] as number) : r0;
  for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (r >= 0 && r < t.rows && c >= 0 && c < t.columns) t.cells[r * t.columns + c] = null;
});
defineFn('table.delete(table_id: series table): void', (rt, a) => {
  const t = rt.o[a] as Table | null;
  if (t) t.deleted = true;
});
