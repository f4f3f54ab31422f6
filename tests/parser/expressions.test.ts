// Parser: expressions — literals, names, calls (named and template arguments), members and method
// chains, the history operator, and operator precedence and associativity.

import { describe, expect, it } from 'vitest';
import type { Expr, Stmt } from '../../vm/compiler/ast.js';
import { parseExpression } from '../../vm/compiler/parser/index.js';
import { printAst } from '../../vm/compiler/ast-print.js';
import { DiagnosticSink } from '../../vm/compiler/diagnostics.js';
import { ast, parseWith } from './helpers.js';

/** The printed value of `x = <expr>`. */
function expr(source: string): string {
  const printed = ast(`x = ${source}`);
  expect(printed.startsWith('(decl x ')).toBe(true);
  return printed.slice('(decl x '.length, -1);
}

/** The value node of `x = <expr>`. */
function node(source: string): Expr {
  const { script, sink } = parseWith(`x = ${source}`);
  expect(sink.list).toEqual([]);
  const s = script.body[0] as Stmt;
  if (s.kind !== 'VarDecl') throw new Error(`expected a declaration, got ${s.kind}`);
  return s.value;
}

describe('literals', () => {
  it('int and float numbers', () => {
    expect(expr('14')).toBe('14');
    expect(expr('1.5')).toBe('1.5');
    expect(expr('.5')).toBe('0.5');
    expect(expr('1.')).toBe('1.0');
    expect(expr('1e10')).toBe('10000000000.0');
    expect(expr('1.5E-3')).toBe('0.0015');
  });

  it('marks numbers written without fraction or exponent as int', () => {
    const kinds = ['14', '14.0', '1e3', '1.', '.5'].map((s) => {
      const n = node(s);
      return n.kind === 'Number' ? n.isInt : null;
    });
    expect(kinds).toEqual([true, false, false, false, false]);
  });

  it('strings in either quote with escapes resolved', () => {
    expect(expr('"abc"')).toBe('"abc"');
    expect(expr("'abc'")).toBe('"abc"');
    expect(expr(String.raw`"a\"b\n"`)).toBe(String.raw`"a\"b\n"`);
    expect(expr(String.raw`'it\'s'`)).toBe(`"it's"`);
    expect(expr('"→ ü"')).toBe('"→ ü"');
  });

  it('true, false and na', () => {
    expect(expr('true')).toBe('true');
    expect(expr('false')).toBe('false');
    expect(expr('na')).toBe('na');
  });

  it('colors: 6 digits get alpha 255, 8 digits keep theirs', () => {
    expect(node('#FF8000')).toMatchObject({ kind: 'Color', r: 255, g: 128, b: 0, a: 255 });
    expect(node('#00ff0080')).toMatchObject({ kind: 'Color', r: 0, g: 255, b: 0, a: 128 });
    expect(expr('#ff8000')).toBe('#ff8000ff');
  });
});

describe('names, members and calls', () => {
  it('identifiers and dotted names', () => {
    expect(expr('close')).toBe('close');
    expect(expr('color.red')).toBe('color.red');
    expect(expr('chart.point.new(time, bar_index, close)')).toBe('(call chart.point.new time bar_index close)');
  });

  it('a dotted name is a Member chain over an Ident', () => {
    expect(node('a.b.c')).toMatchObject({
      kind: 'Member',
      name: 'c',
      object: { kind: 'Member', name: 'b', object: { kind: 'Ident', name: 'a' } },
    });
  });

  it('calls with positional and named arguments', () => {
    expect(expr('ta.sma(close, 14)')).toBe('(call ta.sma close 14)');
    expect(expr('f()')).toBe('(call f)');
    expect(expr('plot(close, title="x", color=color.red)')).toBe('(call plot close title="x" color=color.red)');
  });

  it('keyword-like argument names: type, in, to, by, inline, location', () => {
    expect(expr('f(type="a", in=1, to=2, by=3)')).toBe('(call f type="a" in=1 to=2 by=3)');
    expect(expr('input.bool(true, "x", inline="a")')).toBe('(call input.bool true "x" inline="a")');
    expect(expr('plotshape(c, location=location.abovebar)')).toBe('(call plotshape c location=location.abovebar)');
  });

  it('na(x) and type-named functions are calls of an Ident', () => {
    expect(expr('na(x)')).toBe('(call na x)');
    expect(node('na(x)')).toMatchObject({ kind: 'Call', callee: { kind: 'Ident', name: 'na' } });
    expect(expr('int(x) + float(y)')).toBe('(+ (call int x) (call float y))');
    expect(expr('bool(x)')).toBe('(call bool x)');
    expect(expr('color(x)')).toBe('(call color x)');
    expect(expr('string(x)')).toBe('(call string x)');
    expect(expr('color.new(color.red, 50)')).toBe('(call color.new color.red 50)');
  });

  it('template arguments on calls', () => {
    expect(expr('array.new<float>(10)')).toBe('(call array.new<float> 10)');
    expect(expr('map.new<string, int>()')).toBe('(call map.new<string,int>)');
    expect(expr('matrix.new<float>(2, 2)')).toBe('(call matrix.new<float> 2 2)');
    expect(expr('array.new<chart.point>()')).toBe('(call array.new<chart.point>)');
    expect(expr('map.new<string, array<float>>()')).toBe('(call map.new<string,array<float>>)');
    expect(expr('array.new<Point>(0)')).toBe('(call array.new<Point> 0)');
  });

  it('`<` after a name is a comparison when no template call follows', () => {
    expect(expr('a < b')).toBe('(< a b)');
    expect(expr('a<b')).toBe('(< a b)');
    expect(expr('a < b and c > (d)')).toBe('(and (< a b) (> c d))');
  });

  it('method calls and chains', () => {
    expect(expr('arr.push(1)')).toBe('(call arr.push 1)');
    expect(expr('a.get(0).x')).toBe('(. (call a.get 0) x)');
    expect(expr('a.get(0).f(1).g()')).toBe('(call (. (call (. (call a.get 0) f) 1) g))');
  });

  it('history operator on names, calls and parenthesised expressions', () => {
    expect(expr('close[1]')).toBe('(index close 1)');
    expect(expr('ta.sma(close, 10)[1]')).toBe('(index (call ta.sma close 10) 1)');
    expect(expr('(high + low)[2]')).toBe('(index (+ high low) 2)');
    expect(expr('close[i + 1][2]')).toBe('(index (index close (+ i 1)) 2)');
    expect(expr('p.x[1]')).toBe('(index p.x 1)');
  });

  it('tuple / array literals', () => {
    expect(expr('[a, b, 1]')).toBe('(tuple a b 1)');
    expect(expr('f(options=["EMA", "SMA"])')).toBe('(call f options=(tuple "EMA" "SMA"))');
  });
});

describe('operators', () => {
  it('multiplicative binds tighter than additive', () => {
    expect(expr('a + b * c')).toBe('(+ a (* b c))');
    expect(expr('a * b + c')).toBe('(+ (* a b) c)');
    expect(expr('a + b * c % d')).toBe('(+ a (% (* b c) d))');
  });

  it('binary operators are left-associative', () => {
    expect(expr('1 - 2 - 3')).toBe('(- (- 1 2) 3)');
    expect(expr('a / b / c')).toBe('(/ (/ a b) c)');
    expect(expr('a == b != c')).toBe('(!= (== a b) c)');
    expect(expr('a and b and c')).toBe('(and (and a b) c)');
  });

  it('comparison above equality above and above or', () => {
    expect(expr('a < b == c > d')).toBe('(== (< a b) (> c d))');
    expect(expr('a == b and c != d')).toBe('(and (== a b) (!= c d))');
    expect(expr('a or b and c')).toBe('(or a (and b c))');
    expect(expr('a + 1 >= b - 1')).toBe('(>= (+ a 1) (- b 1))');
  });

  it('unary operators bind tighter than binary ones and looser than history', () => {
    expect(expr('-x')).toBe('(- x)');
    expect(expr('+x')).toBe('(+ x)');
    expect(expr('-x[1]')).toBe('(- (index x 1))');
    expect(expr('-a * b')).toBe('(* (- a) b)');
    expect(expr('a - -b')).toBe('(- a (- b))');
    expect(expr('not a == b')).toBe('(== (not a) b)');
    expect(expr('not a and not b')).toBe('(and (not a) (not b))');
    expect(expr('not not a')).toBe('(not (not a))');
  });

  it('the conditional operator is lowest and right-associative', () => {
    expect(expr('a ? b : c')).toBe('(? a b c)');
    expect(expr('a or b ? c + 1 : d')).toBe('(? (or a b) (+ c 1) d)');
    expect(expr('a ? b : c ? d : e')).toBe('(? a b (? c d e))');
    expect(expr('a ? b ? c : d : e')).toBe('(? a (? b c d) e)');
  });

  it('parentheses group', () => {
    expect(expr('(a + b) * c')).toBe('(* (+ a b) c)');
    expect(expr('a - (b - c)')).toBe('(- a (- b c))');
  });
});

describe('spans', () => {
  it('cover the source text of each node', () => {
    const source = 'x = ta.sma(close, 14)[1] + 2';
    const n = node('ta.sma(close, 14)[1] + 2');
    const text = (e: { span: { start: number; end: number } }): string => source.slice(e.span.start, e.span.end);
    expect(text(n)).toBe('ta.sma(close, 14)[1] + 2');
    if (n.kind !== 'Binary' || n.left.kind !== 'Index' || n.left.object.kind !== 'Call') throw new Error('shape');
    expect(text(n.left)).toBe('ta.sma(close, 14)[1]');
    expect(text(n.left.object)).toBe('ta.sma(close, 14)');
    expect(text(n.left.object.callee)).toBe('ta.sma');
    const callee = n.left.object.callee;
    if (callee.kind !== 'Member') throw new Error('shape');
    expect(source.slice(callee.nameSpan.start, callee.nameSpan.end)).toBe('sma');
  });
});

describe('parseExpression', () => {
  it('parses a lone expression such as a builtin default', () => {
    const sink = new DiagnosticSink('color.new(color.blue, 0)');
    const e = parseExpression('color.new(color.blue, 0)', sink);
    expect(sink.list).toEqual([]);
    expect(e && printAst(e)).toBe('(call color.new color.blue 0)');
  });

  it('reports and returns null when the text is not one expression', () => {
    const sink = new DiagnosticSink('1 2');
    expect(parseExpression('1 2', sink)).toBeNull();
    expect(sink.list.map((d) => `${d.column} ${d.code}: ${d.message}`)).toEqual([
      "3 E203: Expected end of expression after '1', found '2'.",
    ]);
  });
});
