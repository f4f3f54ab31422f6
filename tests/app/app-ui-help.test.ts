// The pure parts behind the app's chart and editor help: gap cutting of plots with breaks, price
// formats from tick size and format/precision, the editor's reading of a script (declared symbols,
// the call at the cursor), the alertcondition scan, and the builtin catalog (every builtin has a
// signature and a description). Expected values are worked out by hand in the comments.

import { describe, expect, it } from 'vitest';
import { compile } from '../../vm/index.js';
import { drawnSegments, gapAdjusted, TRANSPARENT, type GapPoint } from '../../app/ui/chart/plot-gaps.js';
import { decimalsOf, formatValue, outputFormat, scriptFormat, symbolFormat } from '../../app/ui/chart/price-format.js';
import { callAt, userSymbols } from '../../app/ui/editor/pine-scan.js';
import { alertConditionsOf } from '../../app/ui/panels/alert-conditions.js';
import { builtinCatalog } from '../../app/worker/builtin-catalog.js';
import { builtinDoc } from '../../app/ui/editor/builtin-docs.js';

describe('gaps', () => {
  // Values on bars 0-2, na on 3-4, values on 5-6: the line is drawn 0-2 and 5-6.
  const vals = [1, 2, 3, NaN, NaN, 6, 7];
  const pts: GapPoint[] = vals.map((v, i) => (Number.isNaN(v) ? { time: i } : { time: i, value: v }));
  const adjusted = (shape: 'line' | 'step' | 'area') => pts.map((p, i) => gapAdjusted(p, pts[i + 1] ?? null, shape));
  it('hides the point before a gap of a line and an area', () => {
    expect(adjusted('line')[2]?.color).toBe(TRANSPARENT);
    expect(adjusted('area')[2]?.lineColor).toBe(TRANSPARENT);
    expect(drawnSegments(adjusted('line'), 'line', '#fff', (t) => t)).toEqual([[0, 2], [5, 6]]);
    expect(drawnSegments(adjusted('area'), 'area', '#fff', (t) => t)).toEqual([[0, 2], [5, 6]]);
  });
  it('gives a step line a hidden point at the next value on the last na bar', () => {
    const a = adjusted('step');
    expect(a[4]).toEqual({ time: 4, value: 6, color: TRANSPARENT });
    expect(drawnSegments(a, 'step', '#fff', (t) => t)).toEqual([[0, 2], [5, 6]]);
  });
  it('bridges when nothing is cut', () => {
    expect(drawnSegments(pts, 'line', '#fff', (t) => t)).toEqual([[0, 6]]);
  });
});

describe('price formats', () => {
  it('takes decimals from the tick size', () => {
    expect(decimalsOf(0.00001)).toBe(5);
    expect(decimalsOf(0.25)).toBe(2);
    expect(decimalsOf(1)).toBe(0);
    expect(formatValue(1.171234, symbolFormat(0.00001))).toBe('1.17123');
  });
  it('applies indicator and plot format and precision', () => {
    const sym = symbolFormat(0.01);
    const script = scriptFormat({ format: 'inherit', precision: 4 }, sym);
    expect(formatValue(1.5, script)).toBe('1.5000');
    expect(formatValue(12.345, outputFormat({ options: { format: 'percent' } }, script))).toBe('12.35%'); // default 2 decimals
    // 1,234,567 / 1e6 = 1.234567 → 3 decimals: 1.235M
    expect(formatValue(1234567, outputFormat({ options: { format: 'volume' } }, script))).toBe('1.235M');
    expect(formatValue(2, outputFormat({ options: { precision: 0 } }, script))).toBe('2');
  });
});

describe('reading a script for the editor', () => {
  const src = `//@version=6
indicator("x")
len = input.int(14, "Length")
float basis = ta.sma(close, len)
var int count = 0
[m, s, h] = ta.macd(close, 12, 26, 9)
f(x, simple int n = 2) =>
    x * n
plot(f(basis, n = 3), title = "F")
`;
  it('finds declared variables and functions with their lines', () => {
    const syms = userSymbols(src);
    expect(syms.map((s) => `${s.kind}:${s.name}:${s.line}`)).toEqual([
      'variable:len:3',
      'variable:basis:4',
      'variable:count:5',
      'variable:m:6',
      'variable:s:6',
      'variable:h:6',
      'function:f:7',
    ]);
    expect(syms.find((s) => s.name === 'f')?.params).toEqual(['x', 'simple int n = 2']);
  });
  it('finds the call and argument at the cursor', () => {
    const at = src.indexOf('n = 3') + 4; // just before the 3, after 'n = '
    expect(callAt(src, at)).toMatchObject({ callee: 'f', argIndex: 1, argName: 'n' });
    const inSma = src.indexOf('close, len)') + 8;
    expect(callAt(src, inSma)).toMatchObject({ callee: 'ta.sma', argIndex: 1, argName: null });
    expect(callAt(src, src.indexOf('var int'))).toBeNull();
  });
});

describe('alertcondition scan', () => {
  it('reads titles and messages, positional or named', () => {
    const got = alertConditionsOf(`alertcondition(a > b, "Cross up", "A crossed B")
// alertcondition(x, "commented out")
alertcondition(title="Named", condition=c, message='Msg, with comma')
alertcondition(f(1, 2) and g, "Only title")`);
    expect(got.map((c) => [c.title, c.message, c.key, c.line])).toEqual([
      ['Cross up', 'A crossed B', 'A crossed B', 1],
      ['Named', 'Msg, with comma', 'Msg, with comma', 3],
      ['Only title', null, 'Only title', 4],
    ]);
  });
});

describe('builtin catalog', () => {
  it('lists every builtin with a signature and a description', () => {
    compile('//@version=6\nindicator("x")\nplot(close)'); // the registry is filled on first use
    const c = builtinCatalog();
    expect(c.functions.length).toBeGreaterThan(150);
    const sma = c.functions.find((f) => f.name === 'ta.sma');
    expect(sma?.signatures[0]).toMatch(/^ta\.sma\(source: series float, length: series int\)/);
    expect(sma?.params[0]).toEqual(['source', 'length']);
    for (const f of c.functions) {
      expect(f.signatures.length, f.name).toBeGreaterThan(0);
      expect(builtinDoc(f.name, 'function'), f.name).not.toBeNull();
    }
    expect(c.variables.find((v) => v.name === 'close')?.type).toBe('series float');
    expect(c.functions.some((f) => f.name.startsWith('__'))).toBe(false);
  });
});
