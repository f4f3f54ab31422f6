// Indicators written the way published ones use drawings (a pivot zigzag with labels, support and
// resistance boxes kept to a count, a dashboard table), run over a wavy series: the drawings left
// at the end are checked against pivots found by a plain JavaScript scan written here.

import { describe, expect, test } from 'vitest';
import { Instance, type DrawingRecord } from '../../vm/index.js';
import { createBars, type BarColumns } from '../../vm/data/bars.js';
import { compileOk } from './helpers.js';

const N = 300;
const L = 4;

/** A wavy series without ties: highs and lows differ from bar to bar by construction. */
function wavy(): BarColumns {
  const cols = createBars(N);
  for (let i = 0; i < N; i++) {
    const c = 100 + 8 * Math.sin(i / 5) + 3 * Math.sin(i / 1.7) + i * 1e-3;
    cols.time[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    cols.open[i] = c - 0.2;
    cols.high[i] = c + 1 + 0.01 * (i % 7);
    cols.low[i] = c - 1 - 0.01 * (i % 5);
    cols.close[i] = c;
    cols.volume[i] = 1000 + i;
  }
  return cols;
}

/** Bars whose value is strictly above (or below) the L values on each side. */
function pivots(v: Float64Array, high: boolean): number[] {
  const out: number[] = [];
  for (let c = L; c + L < v.length; c++) {
    let ok = true;
    for (let k = 1; k <= L && ok; k++) {
      const x = v[c] ?? NaN;
      const a = v[c - k] ?? NaN;
      const b = v[c + k] ?? NaN;
      ok = high ? x > a && x > b : x < a && x < b;
    }
    if (ok) out.push(c);
  }
  return out;
}

function run(source: string, cols: BarColumns): DrawingRecord[] {
  const inst = Instance.builder(compileOk(source)).timeframe('60').totalBars(N).build();
  inst.runBars(cols);
  return inst.drawings();
}

describe('published-style indicators with drawings', () => {
  const cols = wavy();
  const highs = pivots(cols.high, true);
  const lows = pivots(cols.low, false);

  test('zigzag: a label on every recent pivot, lines joining consecutive pivots', () => {
    const ds = run(`//@version=5
indicator("ZigZag", overlay = true, max_labels_count = 500, max_lines_count = 500)
len = input.int(${L}, "Pivot length")
ph = ta.pivothigh(high, len, len)
pl = ta.pivotlow(low, len, len)
var float lastPrice = na
var int lastBar = na
mark(int x, float y, bool isHigh) =>
    label.new(x, y, isHigh ? "H" : "L", style = isHigh ? label.style_label_down : label.style_label_up, color = isHigh ? color.red : color.green, textcolor = color.white)
for k = 0 to 1
    float y = k == 0 ? ph : pl
    if not na(y)
        mark(bar_index - len, y, k == 0)
        if not na(lastPrice)
            line.new(lastBar, lastPrice, bar_index - len, y, color = color.gray, width = 2)
        lastPrice := y
        lastBar := bar_index - len`, cols);
    const labels = ds.filter((d) => d.kind === 'label');
    const lines = ds.filter((d) => d.kind === 'line');
    // Every pivot whose right side is complete gets a label (high pivots first within a bar).
    const want = [...highs.map((b) => ({ b, h: true })), ...lows.map((b) => ({ b, h: false }))].sort((p, q) => p.b - q.b || (p.h ? -1 : 1));
    expect(labels.map((d) => d.x)).toEqual(want.map((p) => p.b));
    expect(labels.map((d) => d.text)).toEqual(want.map((p) => (p.h ? 'H' : 'L')));
    expect(labels.map((d) => d.y)).toEqual(want.map((p) => (p.h ? cols.high[p.b] : cols.low[p.b])));
    // n points make n − 1 segments, each from one point to the next.
    expect(lines).toHaveLength(want.length - 1);
    lines.forEach((l, i) => {
      expect([l.x1, l.x2]).toEqual([want[i]?.b, want[i + 1]?.b]);
    });
  });

  test('support/resistance boxes: the newest three kept, each extended right', () => {
    const ds = run(`//@version=5
indicator("S/R zones", overlay = true)
var box[] zones = array.new_box()
ph = ta.pivothigh(high, ${L}, ${L})
if not na(ph)
    zones.push(box.new(bar_index - ${L}, ph, bar_index, ph - 0.5, extend = extend.right, bgcolor = color.new(color.red, 85), border_color = na))
    if zones.size() > 3
        box.delete(zones.shift())
plot(close)`, cols);
    const boxes = ds.filter((d) => d.kind === 'box');
    const last3 = highs.slice(-3);
    expect(boxes.map((d) => d.left)).toEqual(last3);
    expect(boxes.map((d) => d.top)).toEqual(last3.map((b) => cols.high[b]));
    expect(boxes.every((d) => d.extend === 'right' && d.border_color === null)).toBe(true);
  });

  test('dashboard table filled on the last bar', () => {
    const ds = run(`//@version=5
indicator("Dashboard", overlay = true)
var table t = table.new(position.top_right, 2, 2, bgcolor = color.new(color.black, 10), border_width = 1)
if barstate.islast
    table.cell(t, 0, 0, "Pivot highs", text_color = color.white)
    table.cell(t, 1, 0, str.tostring(${highs.length}), text_color = color.white)
    table.cell(t, 0, 1, "Close", text_color = color.white)
    table.cell(t, 1, 1, str.tostring(close, "#.##"), text_color = close > open ? color.green : color.red)`, cols);
    const t = ds.find((d) => d.kind === 'table');
    const cells = t?.cells as { text: string; text_color: string }[];
    const last = cols.close[N - 1] ?? NaN;
    expect(cells.map((c) => c.text)).toEqual(['Pivot highs', String(highs.length), 'Close', (Math.round(last * 100) / 100).toString()]);
    expect(t?.position).toBe('top_right');
  });
});
