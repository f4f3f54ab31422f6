// Parser: statements — declarations (plain, var/varip, typed, tuple), assignments, expression
// statements, if/switch/for/while as statements and as values, functions, methods, types, enums,
// imports, and the script version.

import { describe, expect, it } from 'vitest';
import { ast, parseWith, src } from './helpers.js';

describe('declarations', () => {
  it('plain, var and varip', () => {
    expect(ast('x = 1')).toBe('(decl x 1)');
    expect(ast('var x = 0')).toBe('(decl var x 0)');
    expect(ast('varip n = 0')).toBe('(decl varip n 0)');
  });

  it('with a type', () => {
    expect(ast('int x = 1')).toBe('(decl int x 1)');
    expect(ast('float f = na')).toBe('(decl float f na)');
    expect(ast('bool b = true')).toBe('(decl bool b true)');
    expect(ast('string s = "a"')).toBe('(decl string s "a")');
    expect(ast('color c = color.red')).toBe('(decl color c color.red)');
    expect(ast('var label lbl = na')).toBe('(decl var label lbl na)');
    expect(ast('var line ln = na')).toBe('(decl var line ln na)');
    expect(ast('var box bx = na')).toBe('(decl var box bx na)');
    expect(ast('var table tb = na')).toBe('(decl var table tb na)');
    expect(ast('varip int ticks = 0')).toBe('(decl varip int ticks 0)');
  });

  it('with a qualifier', () => {
    expect(ast('series float s = close')).toBe('(decl series float s close)');
    expect(ast('simple int n = 14')).toBe('(decl simple int n 14)');
    expect(ast('const string T = "t"')).toBe('(decl const string T "t")');
    expect(ast('var series float v = na')).toBe('(decl var series float v na)');
  });

  it('with collection, user and namespaced types', () => {
    expect(ast('array<float> a = array.new<float>()')).toBe('(decl array<float> a (call array.new<float>))');
    expect(ast('float[] a = array.new_float()')).toBe('(decl array<float> a (call array.new_float))');
    expect(ast('matrix<int> m = matrix.new<int>(2, 2)')).toBe('(decl matrix<int> m (call matrix.new<int> 2 2))');
    expect(ast('map<string, float> m = map.new<string, float>()')).toBe(
      '(decl map<string,float> m (call map.new<string,float>))',
    );
    expect(ast('Point p = Point.new(1, 2)')).toBe('(decl Point p (call Point.new 1 2))');
    expect(ast('chart.point cp = na')).toBe('(decl chart.point cp na)');
    expect(ast('var array<Point> pts = array.new<Point>()')).toBe('(decl var array<Point> pts (call array.new<Point>))');
  });

  it('`float[]` is written in the AST as array<float>', () => {
    const { script } = parseWith('float[] a = na');
    expect(script.body[0]).toMatchObject({
      kind: 'VarDecl',
      type: { kind: 'TypeRef', name: 'array', qualifier: null, args: [{ kind: 'TypeRef', name: 'float', args: [] }] },
    });
  });

  it('records the name span and the whole declaration span', () => {
    const source = 'var float acc = 0.0';
    const { script } = parseWith(source);
    const d = script.body[0];
    if (d?.kind !== 'VarDecl') throw new Error('shape');
    expect(source.slice(d.span.start, d.span.end)).toBe(source);
    expect(source.slice(d.nameSpan.start, d.nameSpan.end)).toBe('acc');
    expect(d.type && source.slice(d.type.span.start, d.type.span.end)).toBe('float');
  });

  it('tuples', () => {
    expect(ast('[a, b, c] = f()')).toBe('(decl [a b c] (call f))');
    expect(ast('[m, s, h] = ta.macd(close, 12, 26, 9)')).toBe('(decl [m s h] (call ta.macd close 12 26 9))');
    expect(ast('[_, up] = g()')).toBe('(decl [_ up] (call g))');
  });
});

describe('assignments and expression statements', () => {
  it('reassignment and compound assignment', () => {
    expect(ast('x := 2')).toBe('(:= x 2)');
    expect(ast('x += 1')).toBe('(+= x 1)');
    expect(ast('x -= 1')).toBe('(-= x 1)');
    expect(ast('x *= 2')).toBe('(*= x 2)');
    expect(ast('x /= 2')).toBe('(/= x 2)');
    expect(ast('x %= 3')).toBe('(%= x 3)');
  });

  it('on fields', () => {
    expect(ast('obj.field := 1')).toBe('(:= obj.field 1)');
    expect(ast('a.b.c += 2')).toBe('(+= a.b.c 2)');
  });

  it('expression statements', () => {
    expect(ast('plot(x)')).toBe('(call plot x)');
    expect(ast('f()')).toBe('(call f)');
    expect(ast('alert("x")')).toBe('(call alert "x")');
    expect(ast('arr.push(close)')).toBe('(call arr.push close)');
  });

  it('declaration statements of scripts are ordinary calls', () => {
    expect(ast('indicator("My script", overlay=true)')).toBe('(call indicator "My script" overlay=true)');
    expect(ast('strategy("S", initial_capital=1000)')).toBe('(call strategy "S" initial_capital=1000)');
    expect(ast('library("L")')).toBe('(call library "L")');
  });
});

describe('if', () => {
  it('with a block', () => {
    expect(ast(src('if close > open', '    x := 1', '    y := 2'))).toBe('(if (> close open) (block (:= x 1) (:= y 2)))');
  });

  it('with else and else if', () => {
    expect(ast(src('if a', '    x := 1', 'else if b', '    x := 2', 'else', '    x := 3'))).toBe(
      '(if a (block (:= x 1)) (block (if b (block (:= x 2)) (block (:= x 3)))))',
    );
  });

  it('nested: else belongs to the if at its indentation', () => {
    expect(ast(src('if a', '    if b', '        x := 1', 'else', '    x := 2'))).toBe(
      '(if a (block (if b (block (:= x 1)))) (block (:= x 2)))',
    );
    expect(ast(src('if a', '    if b', '        x := 1', '    else', '        x := 2'))).toBe(
      '(if a (block (if b (block (:= x 1)) (block (:= x 2)))))',
    );
  });

  it('else-if spans start at their own if and end with the chain', () => {
    const source = src('if a', '    x := 1', 'else if b', '    x := 2', 'else', '    x := 3');
    const { script } = parseWith(source);
    const outer = script.body[0];
    if (outer?.kind !== 'ExprStmt' || outer.expr.kind !== 'If') throw new Error('shape');
    expect(source.slice(outer.expr.span.start, outer.expr.span.end)).toBe(source);
    const inner = outer.expr.else?.body[0];
    if (inner?.kind !== 'ExprStmt' || inner.expr.kind !== 'If') throw new Error('shape');
    expect(source.slice(inner.expr.span.start, inner.expr.span.end)).toBe(src('if b', '    x := 2', 'else', '    x := 3'));
  });

  it('a chain of 3,000 else-if links parses without exhausting the stack', () => {
    const lines = ['if c == 0', '    x := 0'];
    for (let i = 1; i < 3000; i++) lines.push(`else if c == ${i}`, `    x := ${i}`);
    const { script, sink } = parseWith(lines.join('\n'));
    expect(sink.list).toEqual([]);
    let links = 0;
    let stmt: (typeof script.body)[number] | undefined = script.body[0];
    while (stmt?.kind === 'ExprStmt' && stmt.expr.kind === 'If') {
      links++;
      stmt = stmt.expr.else?.body[0];
    }
    expect(links).toBe(3000);
  });

  it('as the value of a declaration or assignment', () => {
    expect(ast(src('x = if c', '    1', 'else', '    -1'))).toBe('(decl x (if c (block 1) (block (- 1))))');
    expect(ast(src('x := if c', '    1'))).toBe('(:= x (if c (block 1)))');
    expect(ast(src('float x = if c', '    a = 1', '    a * 2', 'else', '    na'))).toBe(
      '(decl float x (if c (block (decl a 1) (* a 2)) (block na)))',
    );
  });

  it('inside a block, followed by more statements', () => {
    expect(ast(src('f() =>', '    if a', '        b', '    c'))).toBe('(fn f [] (block (if a (block b)) c))');
  });
});

describe('switch', () => {
  it('with a subject, one-line cases and a default', () => {
    expect(ast(src('y = switch t', '    "EMA" => ta.ema(close, 10)', '    "SMA" => ta.sma(close, 10)', '    => na'))).toBe(
      '(decl y (switch t (case "EMA" (block (call ta.ema close 10))) (case "SMA" (block (call ta.sma close 10))) (default (block na))))',
    );
  });

  it('without a subject', () => {
    expect(ast(src('switch', '    a => strategy.entry("L", strategy.long)', '    b => strategy.close("L")'))).toBe(
      '(switch (case a (block (call strategy.entry "L" strategy.long))) (case b (block (call strategy.close "L"))))',
    );
  });

  it('with block cases and statements in cases', () => {
    expect(ast(src('y := switch s', '    1 =>', '        z = 2', '        z * 3', '    2 => x := 4', '    =>', '        0'))).toBe(
      '(:= y (switch s (case 1 (block (decl z 2) (* z 3))) (case 2 (block (:= x 4))) (default (block 0))))',
    );
  });

  it('with comment lines between cases', () => {
    expect(ast(src('switch x', '    1 => a', '    // the rest', '    => b'))).toBe('(switch x (case 1 (block a)) (default (block b)))');
  });
});

describe('loops', () => {
  it('for with and without a step', () => {
    expect(ast(src('for i = 0 to 10', '    s += i'))).toBe('(for i 0 10 (block (+= s i)))');
    expect(ast(src('for i = 0 to n - 1 by 2', '    s += i'))).toBe('(for i 0 (- n 1) 2 (block (+= s i)))');
    expect(ast(src('for i = 10 to 0 by 1', '    s += i'))).toBe('(for i 10 0 1 (block (+= s i)))');
  });

  it('for as a value', () => {
    expect(ast(src('float z = for i = 0 to 3', '    i * 2'))).toBe('(decl float z (for i 0 3 (block (* i 2))))');
  });

  it('for-in over values and index/value pairs', () => {
    expect(ast(src('for x in arr', '    s += x'))).toBe('(for-in x arr (block (+= s x)))');
    expect(ast(src('for [i, x] in arr', '    s += i * x'))).toBe('(for-in [i x] arr (block (+= s (* i x))))');
  });

  it('while, break and continue', () => {
    expect(ast(src('while i < 10', '    i += 1', '    if i == 5', '        break', '    continue'))).toBe(
      '(while (< i 10) (block (+= i 1) (if (== i 5) (block break)) continue))',
    );
    expect(ast(src('n = while i > 0', '    i -= 1'))).toBe('(decl n (while (> i 0) (block (-= i 1))))');
  });

  it('records the loop variable spans', () => {
    const source = src('for [i, v] in arr', '    v');
    const { script } = parseWith(source);
    const s = script.body[0];
    if (s?.kind !== 'ExprStmt' || s.expr.kind !== 'ForIn' || s.expr.indexSpan === null) throw new Error('shape');
    expect(source.slice(s.expr.indexSpan.start, s.expr.indexSpan.end)).toBe('i');
    expect(source.slice(s.expr.valueSpan.start, s.expr.valueSpan.end)).toBe('v');
  });
});

describe('functions', () => {
  it('single-line, with defaults', () => {
    expect(ast('f(a, b = 1) => a + b')).toBe('(fn f [a, b=1] (block (+ a b)))');
    expect(ast('g() => 42')).toBe('(fn g [] (block 42))');
  });

  it('single-line with a tuple result', () => {
    expect(ast('f(a) => [a, a * 2]')).toBe('(fn f [a] (block (tuple a (* a 2))))');
  });

  it('multi-line', () => {
    expect(ast(src('f(a) =>', '    b = a * 2', '    b + 1'))).toBe('(fn f [a] (block (decl b (* a 2)) (+ b 1)))');
  });

  it('typed parameters with qualifiers and defaults', () => {
    expect(ast(src('f(float a, simple int len = 14, series float src = close, array<float> xs) =>', '    a'))).toBe(
      '(fn f [float a, simple int len=14, series float src=close, array<float> xs] (block a))',
    );
    expect(ast('h(float[] v, chart.point p) => p')).toBe('(fn h [array<float> v, chart.point p] (block p))');
  });

  it('methods', () => {
    expect(ast(src('method grow(Point this, int by) =>', '    this.x += by'))).toBe(
      '(method grow [Point this, int by] (block (+= this.x by)))',
    );
  });

  it('with the export prefix', () => {
    expect(ast('export f(x) => x')).toBe('(fn f [x] (block x))');
    expect(ast('export method m(array<float> a) => a.size()')).toBe('(method m [array<float> a] (block (call a.size)))');
  });

  it('spans cover the definition from export to the end of the body', () => {
    const source = src('export f(x) =>', '    y = x', '    y');
    const { script } = parseWith(source);
    const f = script.body[0];
    if (f?.kind !== 'FuncDef') throw new Error('shape');
    expect(source.slice(f.span.start, f.span.end)).toBe(source);
    expect(source.slice(f.nameSpan.start, f.nameSpan.end)).toBe('f');
  });

  it('a call followed by => elsewhere is not a definition', () => {
    expect(ast(src('switch', '    f(x) => 1'))).toBe('(switch (case (call f x) (block 1)))');
  });
});

describe('types, enums and imports', () => {
  it('type with fields and defaults', () => {
    expect(ast(src('type Point', '    float x = 0.0', '    int y', '    Point next', '    array<float> a', '    varip int n = 0'))).toBe(
      '(type Point (field float x 0.0) (field int y) (field Point next) (field array<float> a) (field varip int n 0))',
    );
  });

  it('export type', () => {
    expect(ast(src('export type Bar', '    float o = open'))).toBe('(type Bar (field float o open))');
  });

  it('enum with and without titles', () => {
    expect(ast(src('enum Dir', '    up', '    down = "Down"'))).toBe('(enum Dir up (down "Down"))');
    expect(ast(src('export enum Tz', '    utc = "UTC"'))).toBe('(enum Tz (utc "UTC"))');
  });

  it('import with and without alias', () => {
    expect(ast('import user/Lib/1 as L')).toBe('(import user/Lib/1 as L)');
    expect(ast('import TradingView/ta/7')).toBe('(import TradingView/ta/7)');
  });

  it('type, enum, method, in, to and by remain usable as names', () => {
    expect(ast('type = 1')).toBe('(decl type 1)');
    expect(ast('x = in + to + by')).toBe('(decl x (+ (+ in to) by))');
    expect(ast('method = enum')).toBe('(decl method enum)');
  });
});

describe('script', () => {
  it('reads the version annotation', () => {
    expect(parseWith('//@version=6\nx = 1').script.version).toBe(6);
    expect(parseWith('//@version=5\nx = 1').script.version).toBe(5);
    expect(parseWith('x = 1').script.version).toBeNull();
    expect(ast(src('//@version=6', '//@description x', 'x = 1'))).toBe('version 6\n(decl x 1)');
  });

  it('is empty for an empty or comment-only source', () => {
    expect(ast('')).toBe('');
    expect(ast('// only a comment\n\n')).toBe('');
  });

  it('accepts CRLF line endings', () => {
    expect(ast('if a\r\n    x = 1\r\ny = 2\r\n')).toBe('(if a (block (decl x 1)))\n(decl y 2)');
  });
});
