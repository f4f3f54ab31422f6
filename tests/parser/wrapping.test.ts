// Parser: Pine's line wrapping and indentation — continuation lines by non-multiple-of-4
// indentation, wrapped call arguments at any indentation, continuation after a trailing operator or
// before a leading one, blocks by tabs or spaces, and lines that never affect indentation.

import { describe, expect, it } from 'vitest';
import { ast, src } from './helpers.js';

describe('continuation by indentation', () => {
  it('a line indented 1, 2, 3, 5 or 6 spaces continues the statement', () => {
    for (const pad of [' ', '  ', '   ', '     ', '      ']) {
      expect(ast(src('a = close', `${pad}+ open`, 'b = 1'))).toBe('(decl a (+ close open))\n(decl b 1)');
    }
  });

  it('leading `and` lines, the canonical Pine style', () => {
    expect(ast(src('ok = x < 2', '         and y', '         and z', 'next = 1'))).toBe(
      '(decl ok (and (and (< x 2) y) z))\n(decl next 1)',
    );
  });

  it('inside a block, relative to the statement', () => {
    expect(ast(src('if cond', '    v = x < 2', '         and y', '    s = a > 0 ? 1 :', '               b < 0 ? 2 : 3', 'q = 1'))).toBe(
      '(if cond (block (decl v (and (< x 2) y)) (decl s (? (> a 0) 1 (? (< b 0) 2 3)))))\n(decl q 1)',
    );
  });

  it('a wrapped if condition before its block', () => {
    expect(ast(src('if a and', '   b', '    x := 1'))).toBe('(if (and a b) (block (:= x 1)))');
  });

  it('several continuation lines keep joining the same statement', () => {
    expect(ast(src('t = 1 +', '  2 +', '      3 +', '   4'))).toBe('(decl t (+ (+ (+ 1 2) 3) 4))');
  });
});

describe('continuation by operator', () => {
  it('after a trailing binary operator, even at a multiple of 4', () => {
    expect(ast(src('a = close +', '    open'))).toBe('(decl a (+ close open))');
    expect(ast(src('c = a and', '    b'))).toBe('(decl c (and a b))');
    expect(ast(src('d = a ==', '        b'))).toBe('(decl d (== a b))');
  });

  it('after a trailing ?, : or =', () => {
    expect(ast(src('x = c ?', '    1 :', '    2'))).toBe('(decl x (? c 1 2))');
    expect(ast(src('y =', '    close'))).toBe('(decl y close)');
    expect(ast(src('z :=', '    1'))).toBe('(:= z 1)');
  });

  it('before a leading ? or : at a multiple of 4', () => {
    expect(ast(src('g = cond', '    ? 1', '    : 2'))).toBe('(decl g (? cond 1 2))');
  });

  it('a leading minus at a multiple of 4 starts a block line, not a continuation', () => {
    expect(ast(src('x = if c', '    -1', 'else', '    1'))).toBe('(decl x (if c (block (- 1)) (block 1)))');
  });
});

describe('wrapped call arguments', () => {
  it('at arbitrary indentation, including multiples of 4', () => {
    expect(
      ast(
        src(
          'plot(',
          ' pc, title = "Percent change",',
          '   color = (pc >= 0 ? color.green : color.red),',
          '    linewidth = 8,',
          '        style = plot.style_histogram, format = format.percent',
          ')',
        ),
      ),
    ).toBe(
      '(call plot pc title="Percent change" color=(? (>= pc 0) color.green color.red) linewidth=8 style=plot.style_histogram format=format.percent)',
    );
  });

  it('one argument per line at 4 spaces with the paren on its own line', () => {
    expect(ast(src('len = input.int(', '    defval = 10,', '    title = "Show last",', '    minval = 1', ')', 'plot(len)'))).toBe(
      '(decl len (call input.int defval=10 title="Show last" minval=1))\n(call plot len)',
    );
  });

  it('at the statement indentation after a comma, or with a leading comma', () => {
    expect(ast(src('h = math.max(1,', '2)'))).toBe('(decl h (call math.max 1 2))');
    expect(ast(src('k = input.int(10, "Len"', '  , minval=1)'))).toBe('(decl k (call input.int 10 "Len" minval=1))');
  });

  it('inside a block, wrapped at the block indentation after a comma', () => {
    expect(ast(src('if c', '    label.new(bar_index, high, "x",', '    color=color.red)', '    y = 1'))).toBe(
      '(if c (block (call label.new bar_index high "x" color=color.red) (decl y 1)))',
    );
  });

  it('trailing comments on wrapped lines', () => {
    expect(ast(src('plot(close, // the source', '     color=color.red) // and a color'))).toBe('(call plot close color=color.red)');
  });

  it('wrapped parenthesised expressions and array literals', () => {
    expect(ast(src('pc = (', '    (cd)', '    / close[1] * 100  )'))).toBe('(decl pc (* (/ cd (index close 1)) 100))');
    expect(ast(src('opts = ["a",', '        "b",', '    "c"]'))).toBe('(decl opts (tuple "a" "b" "c"))');
  });

  it('wrapped parameter lists of function definitions', () => {
    expect(ast(src('f(float a,', '  int b = 2) =>', '    a + b'))).toBe('(fn f [float a, int b=2] (block (+ a b)))');
  });
});

describe('blocks and indentation', () => {
  it('tab-indented blocks and tabs mixed with 4 spaces', () => {
    expect(ast('if a\n\tx := 1\n\tif b\n\t\ty := 2\n\t    z := 3')).toBe('(if a (block (:= x 1) (if b (block (:= y 2) (:= z 3)))))');
  });

  it('blank and comment-only lines never affect indentation', () => {
    expect(ast(src('f() =>', '', '    a = 1', '// flush-left comment', '      // odd comment', '', '    a', 'g = 1'))).toBe(
      '(fn f [] (block (decl a 1) a))\n(decl g 1)',
    );
  });

  it('dedents several levels at once', () => {
    expect(ast(src('if a', '    if b', '        if c', '            x := 1', 'y = 2'))).toBe(
      '(if a (block (if b (block (if c (block (:= x 1)))))))\n(decl y 2)',
    );
  });
});
