// Parser: realistic whole scripts (written for these tests) parse with zero diagnostics into the
// expected top-level structure, and a 5,000-line script parses whole (its speed is benchmarked, not tested).

import { describe, expect, it } from 'vitest';
import type { Stmt } from '../../vm/compiler/ast.js';
import { printStmt } from '../../vm/compiler/ast-print.js';
import { parseWith, src } from './helpers.js';

/** Parses a script that must be clean; returns its top-level statements. */
function clean(source: string): Stmt[] {
  const { script, sink } = parseWith(source);
  expect(sink.list.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)).toEqual([]);
  return script.body;
}

function kinds(body: Stmt[]): string[] {
  return body.map((s) => (s.kind === 'ExprStmt' ? s.expr.kind : s.kind));
}

const RSI_MACD = src(
  '//@version=6',
  'indicator("RSI + MACD panel", shorttitle="RSI/MACD", overlay=false, precision=2)',
  '',
  '// ---- inputs',
  'rsiLen   = input.int(14, "RSI length", minval=1)',
  'src      = input.source(close, "Source")',
  'fastLen  = input.int(12, "Fast", minval=1, inline="macd")',
  'slowLen  = input.int(26, "Slow", minval=1, inline="macd")',
  'sigLen   = input.int(9, "Signal", minval=1)',
  'obLevel  = input.float(70.0, "Overbought", step=0.5)',
  'osLevel  = input.float(30.0, "Oversold", step=0.5)',
  '',
  '// Wilder-smoothed RSI written by hand.',
  'myRsi(series float x, simple int len) =>',
  '    up = ta.rma(math.max(ta.change(x), 0), len)',
  '    down = ta.rma(-math.min(ta.change(x), 0), len)',
  '    down == 0 ? 100.0 : up == 0 ? 0.0 : 100.0 - 100.0 / (1.0 + up / down)',
  '',
  'r = myRsi(src, rsiLen)',
  '[macdLine, signalLine, hist] = ta.macd(src, fastLen, slowLen, sigLen)',
  '',
  'histColor = hist >= 0',
  '     ? (hist > hist[1] ? #26A69A : #B2DFDB)',
  '     : (hist < hist[1] ? #FF5252 : #FFCDD2)',
  '',
  'plot(r, "RSI", color=color.new(color.purple, 0), linewidth=2)',
  'hline(obLevel, "OB", color=color.gray, linestyle=hline.style_dashed)',
  'hline(osLevel, "OS", color=color.gray, linestyle=hline.style_dashed)',
  'plot(hist, "Histogram", style=plot.style_columns, color=histColor)',
  'plot(macdLine, "MACD", color=#2962FF)',
  'plot(signalLine, "Signal", color=#FF6D00)',
  '',
  'crossUp = ta.crossover(macdLine, signalLine) and r < osLevel',
  'bgcolor(crossUp ? color.new(color.green, 85) : na)',
  'alertcondition(crossUp, "Bullish cross", "MACD crossed up while RSI oversold")',
);

const CONTROL_FLOW = src(
  '//@version=6',
  'indicator("Control flow and data structures", overlay=true, max_labels_count=50)',
  '',
  'enum Mode',
  '    fast = "Fast"',
  '    slow = "Slow"',
  '',
  'type Swing',
  '    int   idx',
  '    float price',
  '    bool  isHigh = false',
  '',
  'method describe(Swing this) =>',
  '    (this.isHigh ? "H " : "L ") + str.tostring(this.price, format.mintick)',
  '',
  'mode    = input.enum(Mode.fast, "Mode")',
  'maType  = input.string("EMA", "MA", options=["EMA", "SMA", "WMA"])',
  'len     = mode == Mode.fast ? 10 : 30',
  '',
  'float ma = switch maType',
  '    "EMA" => ta.ema(close, len)',
  '    "SMA" => ta.sma(close, len)',
  '    =>',
  '        w = ta.wma(close, len)',
  '        w',
  '',
  'var swings = array.new<Swing>()',
  'ph = ta.pivothigh(high, 3, 3)',
  'pl = ta.pivotlow(low, 3, 3)',
  'if not na(ph)',
  '    swings.push(Swing.new(bar_index - 3, ph, true))',
  'else if not na(pl)',
  '    swings.push(Swing.new(bar_index - 3, pl))',
  'while swings.size() > 20',
  '    swings.shift()',
  '',
  '// Average of the last highs, with an early exit.',
  'sumHigh = 0.0',
  'count = 0',
  'for i = swings.size() - 1 to 0 by 1',
  '    Swing s = swings.get(i)',
  '    if not s.isHigh',
  '        continue',
  '    sumHigh += s.price',
  '    count += 1',
  '    if count >= 5',
  '        break',
  'avgHigh = count > 0 ? sumHigh / count : na',
  '',
  'int highs = 0',
  'for [i, s] in swings',
  '    highs += s.isHigh ? 1 : 0',
  'for s in swings',
  '    s.price := math.round_to_mintick(s.price)',
  '',
  'var label last = na',
  'if barstate.islast and swings.size() > 0',
  '    label.delete(last)',
  '    last := label.new(bar_index, high, swings.last().describe(),',
  '      style=label.style_label_down, color=color.new(color.blue, 20))',
  '',
  'm = matrix.new<float>(2, 2, 0.0)',
  'stats = map.new<string, float>()',
  'stats.put("avgHigh", nz(avgHigh))',
  'plot(ma, "MA", color=close > ma ? color.teal : color.maroon)',
  'plot(stats.get("avgHigh"), "Avg high", color=color.orange)',
);

const V5_STRATEGY = src(
  '//@version=5',
  'strategy("Breakout v5", overlay=true, initial_capital=10000,',
  '     default_qty_type=strategy.percent_of_equity, default_qty_value=10,',
  '     commission_type=strategy.commission.percent, commission_value=0.05)',
  '',
  'lookback = input.int(20, title="Lookback", minval=2)',
  'atrMult  = input.float(2.0, title="ATR stop", minval=0.1)',
  'useTrend = input.bool(true, title="Trend filter", inline="f")',
  '',
  'hh = ta.highest(high, lookback)[1]',
  'll = ta.lowest(low, lookback)[1]',
  'atr = ta.atr(14)',
  'trendOk = not useTrend or close > ta.sma(close, 200)',
  '',
  'var float stopPrice = na',
  'longSignal = close > hh and trendOk and strategy.position_size == 0',
  '',
  'if longSignal',
  '    strategy.entry("L", strategy.long, comment="breakout")',
  '    stopPrice := close - atrMult * atr',
  'else if strategy.position_size > 0',
  '    stopPrice := math.max(stopPrice, close - atrMult * atr)',
  '',
  'if strategy.position_size > 0 and',
  '   close < ll',
  '    strategy.close("L", comment="exit")',
  '',
  'strategy.exit("Stop", from_entry="L", stop=stopPrice)',
  'plot(hh, "HH", color=color.new(color.green, 0))',
  'plot(ll, "LL", color=color.new(color.red, 0))',
  'plot(strategy.position_size > 0 ? stopPrice : na, "Stop",',
  '     color=color.orange, style=plot.style_linebr)',
);

describe('realistic scripts parse cleanly', () => {
  it('an RSI + MACD indicator with a user function', () => {
    const body = clean(RSI_MACD);
    expect(kinds(body)).toEqual([
      'Call', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl',
      'FuncDef', 'VarDecl', 'TupleDecl', 'VarDecl',
      'Call', 'Call', 'Call', 'Call', 'Call', 'Call', 'VarDecl', 'Call', 'Call',
    ]);
    expect(printStmt(body[8] as Stmt)).toBe(
      '(fn myRsi [series float x, simple int len] (block ' +
        '(decl up (call ta.rma (call math.max (call ta.change x) 0) len)) ' +
        '(decl down (call ta.rma (- (call math.min (call ta.change x) 0)) len)) ' +
        '(? (== down 0) 100.0 (? (== up 0) 0.0 (- 100.0 (/ 100.0 (+ 1.0 (/ up down))))))))',
    );
    expect(printStmt(body[11] as Stmt)).toBe(
      '(decl histColor (? (>= hist 0) (? (> hist (index hist 1)) #26a69aff #b2dfdbff) (? (< hist (index hist 1)) #ff5252ff #ffcdd2ff)))',
    );
  });

  it('a script using enum, type, method, switch, for, for-in, while and collections', () => {
    const body = clean(CONTROL_FLOW);
    expect(kinds(body)).toEqual([
      'Call', 'EnumDef', 'TypeDef', 'FuncDef', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl',
      'VarDecl', 'VarDecl', 'VarDecl', 'If', 'While', 'VarDecl', 'VarDecl', 'For', 'VarDecl',
      'VarDecl', 'ForIn', 'ForIn', 'VarDecl', 'If', 'VarDecl', 'VarDecl', 'Call', 'Call', 'Call',
    ]);
    expect(printStmt(body[15] as Stmt)).toBe(
      '(for i (- (call swings.size) 1) 0 1 (block (decl Swing s (call swings.get i)) ' +
        '(if (not s.isHigh) (block continue)) (+= sumHigh s.price) (+= count 1) (if (>= count 5) (block break))))',
    );
    expect(printStmt(body[21] as Stmt)).toBe(
      '(if (and barstate.islast (> (call swings.size) 0)) (block (call label.delete last) ' +
        '(:= last (call label.new bar_index high (call (. (call swings.last) describe)) ' +
        'style=label.style_label_down color=(call color.new color.blue 20)))))',
    );
  });

  it('a v5 strategy with wrapped declaration arguments and a wrapped if condition', () => {
    const { script, sink } = parseWith(V5_STRATEGY);
    expect(sink.list).toEqual([]);
    expect(script.version).toBe(5);
    expect(kinds(script.body)).toEqual([
      'Call', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl', 'VarDecl',
      'VarDecl', 'VarDecl', 'If', 'If', 'Call', 'Call', 'Call', 'Call',
    ]);
    expect(printStmt(script.body[11] as Stmt)).toBe(
      '(if (and (> strategy.position_size 0) (< close ll)) (block (call strategy.close "L" comment="exit")))',
    );
  });
});

describe('large scripts', () => {
  it('parses a 5,000-line script into exactly the statements of its repeated parts', () => {
    // Whole statements only: the bodies of the scripts above, repeated.
    const chunk = [...CONTROL_FLOW.split('\n').slice(2), ...RSI_MACD.split('\n').slice(2)];
    const lines: string[] = [];
    let reps = 0;
    while (lines.length < 5000) {
      lines.push(...chunk);
      reps++;
    }
    const one = parseWith(chunk.join('\n'));
    expect(one.sink.list).toEqual([]);
    const { script, sink } = parseWith(lines.join('\n'));
    expect(sink.list).toEqual([]);
    expect(script.body.length).toBe(reps * one.script.body.length);
  });
});
