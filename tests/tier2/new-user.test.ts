// Features met while running published indicators as a new user would (a support/resistance toolkit,
// a killzones/period-lines script, dashboards, an economic-data table, a zigzag with objects),
// in scripts written here: objects whose fields hold drawings (na until made, methods called on
// them, deleted through them), `T[]` array types, several declarations or assignments on one line,
// a user function with a parameter named `color` (with a default) beside a `color` typed one,
// table.new with positional arguments, merged cells, str.format number patterns, chart.bg_color /
// chart.fg_color, locals named like namespaces (`str`, `indicator`), a vertical line extended both
// ways. Bars: close = 10 + i (helpers.ts); expected values by hand.

import { describe, expect, test } from 'vitest';
import { bars, build, compileOk } from './helpers.js';
import type { DrawingRecord } from '../../vm/index.js';

function run(source: string, n: number, interpreted: boolean): { drawings: DrawingRecord[]; plot: (t: string) => number[] } {
  const program = compileOk(source);
  const inst = build(program, interpreted, n);
  for (const b of bars(n)) inst.runBar(b);
  const chunk = inst.outputs.slice(0, n);
  return {
    drawings: inst.drawings(),
    plot: (t) => [...(chunk.columns[program.outputs.findIndex((o) => o.title === t)]?.[0] ?? [])],
  };
}

const ZONES = `//@version=6
indicator("zones", overlay = true)
NONE = #00000000
type zone
    float top
    float btm
    int   start
    line  lineId
    box   boxId
    label tag
var zone[] zones = array.new<zone>()
zones.unshift(zone.new(high, low, bar_index, na, na, na))
if zones.size() > 3
    z = zones.pop()
    z.lineId.delete()
    z.boxId.delete()
    z.tag.delete()
for z in zones
    if na(z.boxId)
        z.boxId := box.new(z.start, z.top, bar_index, z.btm, border_color = NONE, bgcolor = color.new(color.teal, 85))
        z.lineId := line.new(z.start, (z.top + z.btm) / 2, bar_index, (z.top + z.btm) / 2)
    else
        z.boxId.set_right(bar_index)
        z.lineId.set_x2(bar_index)
    if z.start % 2 == 0 and na(z.tag)
        z.tag := label.new(z.start, z.top, str.tostring(z.start), style = label.style_label_left, size = size.tiny)
var float first = na, var int count = 0
if na(first)
    first := close, count := 1
else
    count += 1
plot(count, "count")
plot(first, "first")
`;

const DASH = `//@version=6
indicator("dashboard", overlay = true)
cell(table tb, int column, int row, string data, color = #FFFFFF, align = text.align_right, color background = na) =>
    tb.cell(column, row, data, text_color = color, text_halign = align, bgcolor = background, text_size = size.small)
fmt(float v) =>
    str = v >= 1000 ? str.format("{0,number,#.#}K", v / 1000) : str.tostring(v, "#.#")
    str
if barstate.islast
    var table t = table.new(position.top_right, 3, 2, color.new(chart.bg_color, 3), chart.fg_color, 1, #2E2E2E, 1)
    t.merge_cells(0, 0, 2, 0)
    cell(t, 0, 0, "Stats", #DBDBDB, text.align_center)
    indicator = "Close"
    cell(t, 0, 1, indicator, align = text.align_left)
    cell(t, 1, 1, fmt(close * 100), background = color.new(color.teal, 60))
    cell(t, 2, 1, fmt(close))
    line.new(bar_index, low, bar_index, high, extend = extend.both, style = line.style_dashed)
`;

for (const interpreted of [false, true]) {
  describe(`what published indicators use (${interpreted ? 'interpreted' : 'compiled'})`, () => {
    test('objects holding drawings: the newest three zones keep a box and a line each, labels on even starts', () => {
      const r = run(ZONES, 10, interpreted);
      // Bars 0..9: zones started on bars 7, 8, 9 remain; their boxes reach bar 9.
      const boxes = r.drawings.filter((d) => d.kind === 'box');
      expect(boxes.map((b) => [b.left, b.right]).sort()).toEqual([[7, 9], [8, 9], [9, 9]]);
      expect(boxes.map((b) => b.top).sort()).toEqual([18, 19, 20]); // high = close + 1 = 11 + i
      expect(r.drawings.filter((d) => d.kind === 'line').map((l) => [l.x1, l.x2, l.y1]).sort()).toEqual([[7, 9, 17], [8, 9, 18], [9, 9, 19]]);
      // Labels of the zones still kept, on even start bars: only bar 8's (the others went with their zone).
      expect(r.drawings.filter((d) => d.kind === 'label').map((l) => l.text)).toEqual(['8']);
      expect(r.plot('count')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(r.plot('first')).toEqual(Array(10).fill(10));
    });

    test('a dashboard: positional table.new, merged header, a parameter named color, str.format, chart colors', () => {
      const r = run(DASH, 5, interpreted);
      const t = r.drawings.find((d) => d.kind === 'table');
      // color.new(chart.bg_color, 3): #131722 at 97% opacity (0.97 × 255 = 247 = F7).
      expect(t).toMatchObject({ position: 'top_right', columns: 3, rows: 2, bgcolor: '#131722F7', frame_color: '#FFFFFFFF', frame_width: 1, border_width: 1, merges: [[0, 0, 2, 0]] });
      const cells = (t?.cells ?? []) as ({ text: string; text_color: string; text_halign: string } | null)[];
      // Last close 14: 1400 → "1.4K", 14 → "14".
      expect(cells.map((c) => c?.text ?? null)).toEqual(['Stats', null, null, 'Close', '1.4K', '14']);
      expect(cells[0]).toMatchObject({ text_color: '#DBDBDBFF', text_halign: 'center' });
      expect(cells[3]).toMatchObject({ text_color: '#FFFFFFFF', text_halign: 'left' });
      const v = r.drawings.find((d) => d.kind === 'line');
      expect(v).toMatchObject({ x1: 4, x2: 4, y1: 13, y2: 15, extend: 'both', style: 'dashed' });
    });
  });
}
