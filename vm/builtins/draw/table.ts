// table.*: table.new, table.cell and every table.cell_set_*, table.set_*, table.clear,
// table.merge_cells, table.delete. A table stores position, columns, rows, bgcolor, frame_color,
// frame_width, border_color, border_width, force_overlay, `cells` (row-major, null for an empty
// cell) and `merges` ([start_column, start_row, end_column, end_row] each).

import { defineFn } from '../registry.js';
import type { Runtime } from '../../core/runtime.js';
import { makeColor } from '../../core/color.js';
import { addDrawing, deleteDrawing, findDrawing, registry, type Drawing } from './store.js';
import { defineSetters, readProps, styleArgs, withIntSize, type StyleSpec } from './props.js';

const CELL: StyleSpec = [
  ['text', 'string', '""'],
  ['width', 'float', '0'],
  ['height', 'float', '0'],
  ['text_color', 'color', 'color.black'],
  ['text_halign', 'string', 'text.align_center'],
  ['text_valign', 'string', 'text.align_center'],
  ['text_size', 'string', 'size.normal'],
  ['bgcolor', 'color', 'na'],
  ['tooltip', 'string', '""'],
  ['text_font_family', 'string', 'font.family_default'],
  ['text_formatting', 'int', 'text.format_none'],
];
const cellFields = styleArgs(CELL).fields;
/** At most this many cells in one table, so a table's state stays bounded. */
const MAX_CELLS = 10_000;

function defaultCell(): Record<string, unknown> {
  return { text: '', width: 0, height: 0, text_color: makeColor(0x36, 0x3a, 0x45, 0), text_halign: 'center', text_valign: 'center', text_size: 'normal', bgcolor: NaN, tooltip: '', text_font_family: 'default', text_formatting: 0 };
}

/** The index of cell (column, row) in a table, or a runtime error naming the function. */
function cellIndex(rt: Runtime, t: Drawing, column: number, row: number, fn: string): number {
  const cols = Number(t.columns);
  const rows = Number(t.rows);
  if (!(Number.isInteger(column) && Number.isInteger(row) && column >= 0 && row >= 0 && column < cols && row < rows)) {
    const show = (v: number): string => (v !== v ? 'na' : String(v));
    rt.fail('table-cell-out-of-bounds', `Cell (column ${show(column)}, row ${show(row)}) is out of bounds in '${fn}()': the table has ${cols} column${cols === 1 ? '' : 's'} and ${rows} row${rows === 1 ? '' : 's'}.`);
  }
  return row * cols + column;
}

let registered = false;

export function registerTable(): void {
  if (registered) return;
  registered = true;
  defineFn(
    'table.new(position: series string, columns: series int, rows: series int, bgcolor: series color = na, frame_color: series color = na, frame_width: series int = 0, border_color: series color = na, border_width: series int = 0, force_overlay: const bool = false): series table',
    (rt, a, d, s) => {
      const columns = rt.f[a + 1] ?? NaN;
      const rows = rt.f[a + 2] ?? NaN;
      if (!(Number.isInteger(columns) && Number.isInteger(rows) && columns > 0 && rows > 0) || columns * rows > MAX_CELLS) {
        rt.fail('bad-table-size', `Cannot create a table of ${columns !== columns ? 'na' : columns} columns and ${rows !== rows ? 'na' : rows} rows: both must be positive integers, ${MAX_CELLS.toLocaleString('en-US')} cells at most.`);
      }
      const props = {
        ...readProps(rt, a, [['position', 'string'], ['columns', 'int'], ['rows', 'int'], ['bgcolor', 'color'], ['frame_color', 'color'], ['frame_width', 'int'], ['border_color', 'color'], ['border_width', 'int'], ['force_overlay', 'bool']]),
        cells: new Array<unknown>(columns * rows).fill(null),
        merges: [],
      };
      rt.f[d] = addDrawing(rt, s, 'table', props);
    },
    { drawing: true },
  );
  // Twice: `text_size` as a size.* constant, then as a number of points.
  for (const { params, fields } of [styleArgs(CELL), styleArgs(withIntSize(CELL, 'text_size'))]) {
    defineFn(
      `table.cell(table_id: series table, column: series int, row: series int, ${params}): void`,
      (rt, a, _d, s) => {
        const t = findDrawing(rt, s, 'table', rt.f[a] ?? NaN);
        if (!t) return;
        const k = cellIndex(rt, t, rt.f[a + 1] ?? NaN, rt.f[a + 2] ?? NaN, 'table.cell');
        (t.cells as unknown[])[k] = readProps(rt, a + 3, fields);
      },
      { drawing: true },
    );
  }
  for (const [name, ty] of [...cellFields, ['text_size', 'int'] as const]) {
    defineFn(`table.cell_set_${name}(table_id: series table, column: series int, row: series int, ${name}: series ${ty}): void`, (rt, a, _d, s) => {
      const t = findDrawing(rt, s, 'table', rt.f[a] ?? NaN);
      if (!t) return;
      const k = cellIndex(rt, t, rt.f[a + 1] ?? NaN, rt.f[a + 2] ?? NaN, `table.cell_set_${name}`);
      const cells = t.cells as (Record<string, unknown> | null)[];
      const c = cells[k] ?? defaultCell();
      c[name] = readProps(rt, a + 3, [[name, ty]])[name];
      cells[k] = c;
    }, { drawing: true });
  }
  defineSetters('table', [['position', 'string'], ['bgcolor', 'color'], ['frame_color', 'color'], ['frame_width', 'int'], ['border_color', 'color'], ['border_width', 'int']]);
  defineFn('table.clear(table_id: series table, start_column: series int, start_row: series int, end_column: series int = na, end_row: series int = na): void', (rt, a, _d, s) => {
    const t = findDrawing(rt, s, 'table', rt.f[a] ?? NaN);
    if (!t) return;
    const c0 = rt.f[a + 1] ?? NaN;
    const r0 = rt.f[a + 2] ?? NaN;
    const c1 = rt.f[a + 3] ?? NaN;
    const r1 = rt.f[a + 4] ?? NaN;
    const ce = c1 !== c1 ? c0 : c1;
    const re = r1 !== r1 ? r0 : r1;
    cellIndex(rt, t, c0, r0, 'table.clear');
    cellIndex(rt, t, ce, re, 'table.clear');
    const cells = t.cells as unknown[];
    for (let r = Math.min(r0, re); r <= Math.max(r0, re); r++) {
      for (let c = Math.min(c0, ce); c <= Math.max(c0, ce); c++) cells[r * Number(t.columns) + c] = null;
    }
    t.merges = (t.merges as number[][]).filter(([mc, mr]) => !((mc ?? 0) >= Math.min(c0, ce) && (mc ?? 0) <= Math.max(c0, ce) && (mr ?? 0) >= Math.min(r0, re) && (mr ?? 0) <= Math.max(r0, re)));
  }, { drawing: true });
  defineFn('table.merge_cells(table_id: series table, start_column: series int, start_row: series int, end_column: series int, end_row: series int): void', (rt, a, _d, s) => {
    const t = findDrawing(rt, s, 'table', rt.f[a] ?? NaN);
    if (!t) return;
    const box = [rt.f[a + 1] ?? NaN, rt.f[a + 2] ?? NaN, rt.f[a + 3] ?? NaN, rt.f[a + 4] ?? NaN];
    cellIndex(rt, t, box[0] ?? NaN, box[1] ?? NaN, 'table.merge_cells');
    cellIndex(rt, t, box[2] ?? NaN, box[3] ?? NaN, 'table.merge_cells');
    (t.merges as number[][]).push(box);
  }, { drawing: true });
  defineFn('table.delete(table_id: series table): void', (rt, a, _d, s) => {
    deleteDrawing(registry(rt, s), rt.f[a] ?? NaN);
  }, { drawing: true });
}

registerTable();
