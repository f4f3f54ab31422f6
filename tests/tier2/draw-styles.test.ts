// Label, box and table styling reaches the drawings a renderer reads: label styles, size.* and
// sizes in points (Pine v6 takes an int), text alignment, tooltips, font family and formatting;
// box text size, alignment and wrapping; table cell text sizes, colors, alignment, tooltips, merges,
// borders and frame. Both tiers.

import { describe, expect, test } from 'vitest';
import { bars, build, compileOk } from './helpers.js';

const SCRIPT = `//@version=6
indicator("styled drawings", overlay = true)
if barstate.islast
    label.new(bar_index, high, "big\\nsecond line", style = label.style_label_left, size = size.huge, textalign = text.align_left, tooltip = "the high", text_font_family = font.family_monospace, text_formatting = text.format_bold + text.format_italic)
    lb = label.new(bar_index - 1, low, "pts", style = label.style_triangleup, size = 14, yloc = yloc.belowbar)
    label.set_size(lb, 18)
    bx = box.new(bar_index - 2, high, bar_index, low, text = "wrapped text in a box", text_size = size.auto, text_halign = text.align_right, text_valign = text.align_bottom, text_wrap = text.wrap_auto, border_style = line.style_dotted)
    box.set_text_size(bx, 9)
    t = table.new(position.bottom_center, 3, 2, frame_color = #ff0000, frame_width = 2, border_color = #0000ff, border_width = 1)
    t.cell(0, 0, "merged", text_size = size.large, text_color = #ffff00, text_halign = text.align_left, text_valign = text.align_top, tooltip = "tip", width = 20, height = 5)
    t.cell(2, 0, "pts", text_size = 11)
    table.merge_cells(t, 0, 0, 1, 1)
    table.cell_set_text_size(t, 2, 0, 13)
    table.cell_set_text_font_family(t, 2, 0, font.family_monospace)
`;

for (const interpreted of [false, true]) {
  describe(`styled drawings (${interpreted ? 'interpreted' : 'compiled'})`, () => {
    const inst = build(compileOk(SCRIPT), interpreted, 5);
    for (const b of bars(5)) inst.runBar(b);
    const list = inst.drawings();
    const labels = list.filter((d) => d.kind === 'label');

    test('labels keep style, size (constant or points), alignment, tooltip, font', () => {
      expect(labels[0]).toMatchObject({ style: 'label_left', size: 'huge', textalign: 'left', tooltip: 'the high', text_font_family: 'monospace', text_formatting: 3, text: 'big\nsecond line' });
      expect(labels[1]).toMatchObject({ style: 'triangleup', size: 18, yloc: 'belowbar' });
    });

    test('boxes keep text size, alignment, wrapping and border style', () => {
      expect(list.find((d) => d.kind === 'box')).toMatchObject({ text_size: 9, text_halign: 'right', text_valign: 'bottom', text_wrap: 'auto', border_style: 'dotted' });
    });

    test('tables keep cells, merges, borders and frame', () => {
      const t = list.find((d) => d.kind === 'table');
      expect(t).toMatchObject({ position: 'bottom_center', columns: 3, rows: 2, frame_color: '#FF0000FF', frame_width: 2, border_color: '#0000FFFF', border_width: 1, merges: [[0, 0, 1, 1]] });
      const cells = t?.cells as Record<string, unknown>[];
      expect(cells[0]).toMatchObject({ text: 'merged', text_size: 'large', text_color: '#FFFF00FF', text_halign: 'left', text_valign: 'top', tooltip: 'tip', width: 20, height: 5 });
      expect(cells[2]).toMatchObject({ text: 'pts', text_size: 13, text_font_family: 'monospace' });
    });
  });
}

test('size in points is an int: a string that is not a size constant or a float is refused', () => {
  const bad = compileOk.bind(null, `//@version=6
indicator("x", overlay = true)
label.new(bar_index, high, "t", size = 1.5)
`);
  expect(bad).toThrow(/size/);
});
