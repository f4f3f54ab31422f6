// Presentation-only edits (compiler/presentation.ts): an edit that only changes how things are drawn
// (colors, titles, line widths, styles, display, offsets, the declaration's title/overlay/precision)
// keeps the checkpoint; any edit that can change a computed value — a constant in a computation, an
// input default, a new plot, the order of plots, a color that reaches code — runs from bar 0. Each
// case is an edit a user makes in the editor; the expected decision follows from what TradingView
// recomputes (a plot's style never changes its values) and from what our rows store (a per-bar color
// is a stored channel, so changing one of its colors changes stored values).

import { describe, expect, test } from 'vitest';
import { compile, presentationOnlyEdit, computationFingerprint, restoreWithProgram, Instance, SnapshotError, type Program } from '../../vm/index.js';
import { syntheticBars } from '../../vm/data/synthetic.js';

const BASE = `//@version=6
indicator("Ribbon", overlay=true)
len = input.int(14, "Length")
m = ta.sma(close, len)
e = ta.ema(close, 9)
p1 = plot(m, "MA", color=color.red, linewidth=2)
p2 = plot(e, "EMA", color=#2962FF)
hline(50, "Mid", color=color.gray)
fill(p1, p2, color=color.new(color.green, 80))
plotshape(ta.crossover(e, m), "Cross", style=shape.triangleup, location=location.belowbar, color=color.green)
bgcolor(color.new(color.yellow, 95))
`;

function program(src: string): Program {
  const r = compile(src);
  if (!r.program) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.program;
}

/** Each edit as [description, find, replace]: applied to BASE once. */
const edit = (find: string, replace: string): string => {
  expect(BASE.includes(find), `BASE holds ${find}`).toBe(true);
  return BASE.replace(find, replace);
};

const KEEP: [string, () => string][] = [
  ['a plot color (named → named)', () => edit('color=color.red', 'color=color.blue')],
  ['a plot color (named → color.new with transparency)', () => edit('color=color.red', 'color=color.new(color.purple, 40)')],
  ['a plot color (hex → hex with alpha)', () => edit('color=#2962FF', 'color=#FF000080')],
  ['a plot title', () => edit('"MA"', '"Moving average"')],
  ['a line width', () => edit('linewidth=2', 'linewidth=4')],
  ['a plot style', () => edit('linewidth=2)', 'linewidth=2, style=plot.style_stepline)')],
  ['display', () => edit('color=#2962FF)', 'color=#2962FF, display=display.pane)')],
  ['a plot offset', () => edit('color=#2962FF)', 'color=#2962FF, offset=3)')],
  ['trackprice and show_last', () => edit('linewidth=2)', 'linewidth=2, trackprice=true, show_last=50)')],
  ['an hline price, color and style', () => edit('hline(50, "Mid", color=color.gray)', 'hline(60, "Mid", color=color.orange, linestyle=hline.style_dotted)')],
  ['a fill color', () => edit('color.new(color.green, 80)', 'color.new(color.red, 70)')],
  ['a plotshape style, location and color', () => edit('style=shape.triangleup, location=location.belowbar, color=color.green', 'style=shape.circle, location=location.abovebar, color=color.lime, size=size.small')],
  ['a bgcolor color', () => edit('bgcolor(color.new(color.yellow, 95))', 'bgcolor(color.new(color.aqua, 90))')],
  ['the script title and overlay', () => edit('indicator("Ribbon", overlay=true)', 'indicator("My ribbon", overlay=false)')],
  ['the script precision and format', () => edit('indicator("Ribbon", overlay=true)', 'indicator("Ribbon", overlay=true, precision=4, format=format.price)')],
  ['a default written out', () => edit('linewidth=2)', 'linewidth=2, display=display.all)')],
  ['comments and blank lines', () => edit('m = ta.sma(close, len)\n', '// the average\nm = ta.sma(close, len)\n\n')],
  ['several presentation changes at once', () => edit('color=color.red, linewidth=2', 'color=color.teal, linewidth=1, style=plot.style_circles')],
];

const RERUN: [string, string][] = [
  ['an input default', BASE.replace('input.int(14,', 'input.int(20,')],
  ['a constant in a computation', BASE.replace('ta.ema(close, 9)', 'ta.ema(close, 10)')],
  ['another builtin', BASE.replace('ta.sma(close, len)', 'ta.wma(close, len)')],
  ['another source', BASE.replace('ta.ema(close, 9)', 'ta.ema(open, 9)')],
  ['a new plot', BASE.replace('bgcolor(', 'plot(ta.rsi(close, 14), "RSI")\nbgcolor(')],
  ['two plots swapped', BASE.replace('p1 = plot(m, "MA", color=color.red, linewidth=2)\np2 = plot(e, "EMA", color=#2962FF)', 'p2 = plot(e, "EMA", color=#2962FF)\np1 = plot(m, "MA", color=color.red, linewidth=2)')],
  ['a plotted value', BASE.replace('p1 = plot(m,', 'p1 = plot(m * 2,')],
  ['an input title (the input is stored under it)', BASE.replace('"Length"', '"Period"')],
  ['max_lines_count of the declaration', BASE.replace('overlay=true)', 'overlay=true, max_lines_count=10)')],
];

/** Scripts where a color reaches code: changing it must run history again. */
const COLOR_IN_CODE: [string, string, string][] = [
  [
    'a color kept in a var',
    `//@version=6
indicator("v")
var color c = color.red
c := close > open ? c : color.blue
plot(close, color=c)`,
    'color.red',
  ],
  [
    'a color compared',
    `//@version=6
indicator("cmp")
col = color.red
n = col == color.red ? 1 : 0
plot(n, color=col)`,
    'col = color.red',
  ],
  [
    'a color in a label text',
    `//@version=6
indicator("lbl", overlay=true)
col = color.red
if barstate.islast
    label.new(bar_index, high, str.tostring(color.r(col)))
plot(close, color=col)`,
    'col = color.red',
  ],
  [
    'a color deciding a strategy order',
    `//@version=6
strategy("st", overlay=true)
col = color.red
if color.g(col) < 100 and close > open
    strategy.entry("L", strategy.long)
plot(close, color=col)`,
    'col = color.red',
  ],
  [
    'a color of a per-bar color expression (a stored channel)',
    `//@version=6
indicator("series color")
plot(close, color=close > open ? color.green : color.red)`,
    'color.red',
  ],
  [
    'color = na (a per-bar channel) becoming a color',
    `//@version=6
indicator("na color")
plot(close, color=na)`,
    'color=na',
  ],
];

describe('presentation-only edits keep the checkpoint', () => {
  const before = program(BASE);
  test.each(KEEP)('%s', (_name, make) => {
    const after = program(make());
    expect(presentationOnlyEdit(before, after)).toEqual({ presentationOnly: true });
    expect(computationFingerprint(make())).toBe(computationFingerprint(BASE));
  });
});

describe('computation edits run history again', () => {
  const before = program(BASE);
  test.each(RERUN)('%s', (_name, src) => {
    expect(src).not.toBe(BASE);
    const v = presentationOnlyEdit(before, program(src));
    expect(v.presentationOnly).toBe(false);
  });

  test.each(COLOR_IN_CODE)('%s', (_name, src, find) => {
    const replacement = find === 'color=na' ? 'color=color.red' : find.replace('color.red', 'color.fuchsia');
    const edited = src.replace(find, replacement);
    expect(edited).not.toBe(src);
    const v = presentationOnlyEdit(program(src), program(edited));
    expect(v.presentationOnly).toBe(false);
  });
});

describe('going on from a checkpoint with the edited script', () => {
  const bars = syntheticBars(400, 7);
  const k = 249;

  test('a color, title and style edit continues exactly as the straight run, drawn with the new presentation', () => {
    const a = program(BASE);
    const b = program(edit('color=color.red, linewidth=2', 'color=color.blue, linewidth=3, style=plot.style_stepline').replace('"MA"', '"Average"'));
    const straight = Instance.builder(a).totalBars(bars.length).build();
    straight.runBars(bars, 0, bars.length);
    const first = Instance.builder(a).totalBars(bars.length).build();
    first.runBars(bars, 0, k + 1);
    const go = restoreWithProgram(first.saveState(), b).build();
    expect(go.barIndex).toBe(k);
    go.runBars(bars, k + 1, bars.length);
    // Every value of every output from bar k+1 on is the straight run's (the MA and EMA average
    // 14 and 9 bars, so the checkpoint's state carried the windows over).
    const want = straight.outputs.slice(k + 1, bars.length);
    const got = go.outputs.slice(k + 1, bars.length);
    expect(got.length).toBe(bars.length - k - 1);
    want.columns.forEach((chs, i) => chs.forEach((c, j) => expect(Array.from(got.columns[i]?.[j] ?? [])).toEqual(Array.from(c))));
    expect(go.program.outputs[0]?.title).toBe('Average');
    expect(go.program.outputs[0]?.options.style).toBe('stepline');
    expect(go.program.source).toBe(b.source);
  });

  test('a computation edit is refused with program-mismatch, saying why', () => {
    const a = program(BASE);
    const inst = Instance.builder(a).build();
    inst.runBars(bars, 0, 10);
    const bytes = inst.saveState();
    let err: unknown = null;
    try {
      restoreWithProgram(bytes, program(BASE.replace('ta.ema(close, 9)', 'ta.ema(close, 10)'))).build();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as SnapshotError).code).toBe('program-mismatch');
    expect((err as SnapshotError).message).toMatch(/changes what the script computes/);
  });
});
