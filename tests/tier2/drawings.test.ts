// Drawings through the VM: what Instance.drawings() lists (everything a renderer needs), the
// max_*_count rule (the oldest goes), getters, deletion through history (`label.delete(lb[1])`),
// realtime ticks rolled back like other state, snapshots (split points 0, 1, middle, N−1) that
// carry the drawings, maps and matrices, and a snapshot size that follows live objects, not bars.

import { describe, expect, test } from 'vitest';
import { Instance, type DrawingRecord } from '../../vm/index.js';
import { createBars } from '../../vm/data/bars.js';
import { checkEquivalence, standardSplits } from '../snapshot/helpers.js';
import { bar, bars, build, compileOk, TIERS } from './helpers.js';

const byKind = (ds: DrawingRecord[], kind: string): DrawingRecord[] => ds.filter((d) => d.kind === kind);

for (const tier of TIERS) {
  describe(`drawings (${tier.name})`, () => {
    test('every kind is listed with its coordinates, text, colors and styles', () => {
      const p = compileOk(`//@version=6
indicator("all kinds", overlay = true)
if barstate.islast
    lb = label.new(bar_index, high, "top", color = color.red, style = label.style_label_up, textcolor = color.white, size = size.large, tooltip = "tip")
    l1 = line.new(bar_index - 2, low, bar_index, high, extend = extend.right, color = #00FF00, style = line.style_dashed, width = 3)
    l2 = line.new(bar_index - 2, low - 1, bar_index, high - 1)
    linefill.new(l1, l2, color.new(color.blue, 80))
    box.new(bar_index - 3, high, bar_index, low, border_color = color.orange, bgcolor = color.new(color.gray, 50), text = "zone", text_halign = text.align_left)
    t = table.new(position.bottom_right, 2, 1, bgcolor = color.black)
    t.cell(0, 0, "Close", text_color = color.white)
    table.cell(t, 1, 0, str.tostring(close), bgcolor = color.green)
    pts = array.new<chart.point>()
    pts.push(chart.point.from_index(bar_index - 2, 1))
    pts.push(chart.point.from_index(bar_index - 1, 3))
    pts.push(chart.point.now(2))
    polyline.new(pts, closed = true, line_color = color.purple)
plot(close)`);
      const inst = build(p, tier.interpreted, 5);
      for (const b of bars(5)) inst.runBar(b);
      const ds = inst.drawings();
      expect(ds.map((d) => d.kind)).toEqual(['label', 'line', 'line', 'box', 'table', 'polyline', 'linefill']);
      // Bar 4: close 14, high 15, low 13.
      expect(byKind(ds, 'label')[0]).toMatchObject({ x: 4, y: 15, text: 'top', xloc: 'bar_index', yloc: 'price', style: 'label_up', size: 'large', tooltip: 'tip', textcolor: '#FFFFFFFF', bar: 4 });
      const [l1, l2] = byKind(ds, 'line');
      expect(l1).toMatchObject({ x1: 2, y1: 13, x2: 4, y2: 15, extend: 'right', color: '#00FF00FF', style: 'dashed', width: 3 });
      // Defaults: xloc.bar_index, extend.none, solid, width 1, color.blue (#2962FF).
      expect(l2).toMatchObject({ x1: 2, y1: 12, x2: 4, y2: 14, extend: 'none', style: 'solid', width: 1, color: '#2962FFFF' });
      // color.new(color.blue, 80): alpha = round(255 · 0.2) = 51 = 0x33
      expect(byKind(ds, 'linefill')[0]).toMatchObject({ line1: l1?.id, line2: l2?.id, color: '#2962FF33' });
      expect(byKind(ds, 'box')[0]).toMatchObject({ left: 1, top: 15, right: 4, bottom: 13, text: 'zone', text_halign: 'left', border_style: 'solid' });
      const t = byKind(ds, 'table')[0];
      expect(t).toMatchObject({ position: 'bottom_right', columns: 2, rows: 1 });
      const cells = t?.cells as { text: string; bgcolor: string | null }[];
      expect(cells.map((c) => c.text)).toEqual(['Close', '14']);
      expect(cells[0]?.bgcolor).toBeNull();
      // polyline points: (2, 1), (3, 3), (4, 2), closed
      expect(byKind(ds, 'polyline')[0]).toMatchObject({ points: [[2, 1], [3, 3], [4, 2]], closed: true, curved: false });
    });

    test('max_labels_count keeps the newest labels; the getters read a live one, na after delete', () => {
      const p = compileOk(`//@version=6
indicator("limit", overlay = true, max_labels_count = 3)
lb = label.new(bar_index, close, str.tostring(bar_index))
plot(label.all.size(), "live")
plot(label.get_x(lb), "x")
plot(label.get_y(lb[2]), "y two bars ago")
label.delete(lb[3])
plot(na(label.get_text(lb[3])) ? 1 : 0, "deleted reads na")`);
      const inst = build(p, tier.interpreted);
      for (const b of bars(8)) inst.runBar(b);
      const ds = inst.drawings();
      expect(ds.map((d) => d.text)).toEqual(['5', '6', '7']);
      const col = (k: number): number[] => Array.from(inst.outputs.slice(0, 8).columns[k]?.[0] ?? []);
      expect(col(0)).toEqual([1, 2, 3, 3, 3, 3, 3, 3]);
      expect(col(1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      // lb[2] is still live (the limit keeps 3): its y is close two bars ago = 10 + i − 2.
      expect(col(2).slice(2)).toEqual([10, 11, 12, 13, 14, 15]);
      expect(col(3)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    });

    test('a zigzag of lines deleted through history keeps one line per bar', () => {
      const p = compileOk(`//@version=6
indicator("one line", overlay = true)
l = line.new(bar_index, low, bar_index + 1, high)
line.delete(l[1])
plot(line.all.size())`);
      const inst = build(p, tier.interpreted);
      for (const b of bars(6)) inst.runBar(b);
      expect(inst.drawings()).toHaveLength(1);
      expect(inst.drawings()[0]).toMatchObject({ x1: 5, y1: 14, x2: 6, y2: 16 });
    });

    test('realtime ticks roll back drawings like other state', () => {
      const p = compileOk(`//@version=6
indicator("rt", overlay = true)
var label last = label.new(bar_index, close, "first")
if barstate.isrealtime
    label.set_text(last, "tick " + str.tostring(close))
    label.new(bar_index, close, "rt " + str.tostring(close))
plot(label.all.size())`);
      const inst = build(p, tier.interpreted, 3);
      for (const b of bars(3)) inst.runBar(b);
      expect(inst.drawings().map((d) => d.text)).toEqual(['first']);
      inst.updateBar(bar(3, 20));
      expect(inst.drawings().map((d) => d.text)).toEqual(['tick 20', 'rt 20']);
      inst.updateBar(bar(3, 21));
      // The first tick's label and text are rolled back: one new label, not two.
      expect(inst.drawings().map((d) => d.text)).toEqual(['tick 21', 'rt 21']);
      // Confirming reruns the bar from the rolled-back state (this VM runs the confirmation as a
      // closed bar, barstate.isrealtime false): the ticks' drawings are gone.
      inst.runBar(bar(3, 22));
      expect(inst.drawings().map((d) => d.text)).toEqual(['first']);
      inst.updateBar(bar(4, 23));
      expect(inst.drawings().map((d) => d.text)).toEqual(['tick 23', 'rt 23']);
      expect(inst.drawings()[1]).toMatchObject({ x: 4, y: 23, bar: 4 });
    });
  });
}

describe('snapshots carry drawings, maps and matrices', () => {
  const SCRIPTS: Record<string, string> = {
    'pivots with labels and lines': `//@version=6
indicator("pivots", overlay = true, max_labels_count = 20, max_lines_count = 10)
ph = ta.pivothigh(high, 2, 2)
pl = ta.pivotlow(low, 2, 2)
var line zz = na
var float lastY = na
var int lastX = na
if not na(ph) or not na(pl)
    y = not na(ph) ? ph : pl
    label.new(bar_index - 2, y, not na(ph) ? "H" : "L", style = not na(ph) ? label.style_label_down : label.style_label_up)
    if not na(lastY)
        zz := line.new(lastX, lastY, bar_index - 2, y, color = color.orange)
    lastY := y
    lastX := bar_index - 2
var b = box.new(bar_index, high, bar_index + 5, low)
box.set_right(b, bar_index)
box.set_top(b, math.max(box.get_top(b), high))
var t = table.new(position.top_right, 1, 2)
t.cell(0, 0, str.tostring(label.all.size()))
t.cell(0, 1, str.tostring(line.all.size()))
plot(line.all.size() + label.all.size())`,
    'maps and matrices in var': `//@version=6
indicator("collections")
var counts = map.new<string, int>()
key = close > open ? "up" : close < open ? "down" : "flat"
counts.put(key, nz(counts.get(key)) + 1)
var m = matrix.new<float>(2, 2, 1)
m.set(bar_index % 2, (bar_index / 2) % 2 == 0 ? 0 : 1, close)
var arr = array.new<float>()
arr.push(close)
if arr.size() > 5
    arr.shift()
s = arr.slice(0, math.min(3, arr.size()))
plot(counts.get("up"))
plot(m.det())
plot(s.avg())`,
  };
  const n = 60;
  const cols = createBars(n);
  for (let i = 0; i < n; i++) {
    // A wavy series so pivots happen.
    const c = 100 + 10 * Math.sin(i / 3) + (i % 7);
    cols.time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    cols.open[i] = c + (i % 2 === 0 ? 0.5 : -0.5);
    cols.high[i] = c + 1;
    cols.low[i] = c - 1;
    cols.close[i] = c;
    cols.volume[i] = 100;
  }
  for (const [name, src] of Object.entries(SCRIPTS)) {
    test(`${name}: split points 0, 1, middle, N−1`, () => {
      const program = compileOk(src);
      checkEquivalence(program, cols, standardSplits(n));
      // The restored instance lists the same drawings as the straight run.
      const straight = Instance.builder(program).timeframe('1').totalBars(n).build();
      straight.runBars(cols);
      const half = Instance.builder(program).timeframe('1').totalBars(n).build();
      half.runBars(cols, 0, n / 2);
      const again = Instance.restoreState(half.saveState()).build();
      again.runBars(cols, n / 2, n);
      expect(again.drawings()).toEqual(straight.drawings());
    });
  }

  test('snapshot size follows live drawings, not bars', () => {
    const p = compileOk(`//@version=6
indicator("many", overlay = true, max_labels_count = 50)
label.new(bar_index, close, "a label with some text")
plot(close)`);
    const sizeAfter = (count: number): number => {
      const inst = build(p);
      for (const b of bars(count)) inst.runBar(b);
      expect(inst.drawings()).toHaveLength(Math.min(count, 50));
      return inst.saveState().length;
    };
    const s100 = sizeAfter(100);
    const s1000 = sizeAfter(1000);
    // Same 50 live labels: only the numbers in them grow a digit or two.
    expect(Math.abs(s1000 - s100)).toBeLessThan(1000);
    expect(sizeAfter(10)).toBeLessThan(s100);
  });
});

describe('a bar suspended by its instruction budget, saved and restored mid-drawing', () => {
  test('every budget inside a bar that draws and fills a map and a matrix gives the straight result', () => {
    const program = compileOk(`//@version=6
indicator("mid-bar", overlay = true, max_labels_count = 5)
var m = map.new<int, line>()
var mx = matrix.new<float>(2, 2, 0)
for i = 0 to 2
    l = line.new(bar_index - i, low, bar_index, high + i)
    old = m.put(i, l)
    line.delete(old)
    mx.set(i % 2, 1, mx.get(i % 2, 1) + close)
lb = label.new(bar_index, close, str.tostring(mx.det()))
label.set_tooltip(lb, "m " + str.tostring(m.size()))
plot(mx.get(0, 1))`);
    const all = bars(12);
    const k = 8;
    const straight = build(program, false, 12);
    for (const b of all) straight.runBar(b);
    const probe = build(program, false, 12);
    for (let i = 0; i < k; i++) probe.runBar(all[i] ?? bar(i));
    let steps = 1;
    let r = probe.runBar(all[k] ?? bar(k), { budget: 1 });
    while (r.status === 'yielded') {
      r = probe.resume({ budget: 1 });
      steps++;
    }
    expect(steps).toBeGreaterThan(30);
    for (let budget = 1; budget < steps; budget += 3) {
      const inst = build(program, false, 12);
      for (let i = 0; i < k; i++) inst.runBar(all[i] ?? bar(i));
      expect(inst.runBar(all[k] ?? bar(k), { budget }).status).toBe('yielded');
      const again = Instance.restoreState(inst.saveState()).build();
      expect(again.resume().status).toBe('done');
      for (let i = k + 1; i < all.length; i++) again.runBar(all[i] ?? bar(i));
      expect(again.drawings(), `budget ${budget}`).toEqual(straight.drawings());
      expect(Array.from(again.outputs.slice(k + 1, 12).columns[0]?.[0] ?? [])).toEqual(Array.from(straight.outputs.slice(k + 1, 12).columns[0]?.[0] ?? []));
    }
  });
});
