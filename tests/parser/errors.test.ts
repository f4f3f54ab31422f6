// Parser: every error path — code, line:column and message text — and recovery: one parse reports
// every error it can and keeps the statements that parsed.

import { describe, expect, it } from 'vitest';
import { ast, diags, parseWith, src } from './helpers.js';
import { printAst } from '../../vm/compiler/ast-print.js';

describe('E200: a missing keyword or punctuation', () => {
  it("'to' in a for loop", () => {
    expect(diags(src('for i = 0 10', '    x := i'))).toEqual(["1:11 E200: Expected 'to' after 'for i = 0', found '10'."]);
  });

  it("'=' or 'in' after the loop variable", () => {
    expect(diags(src('for i 0', '    x := i'))).toEqual(["1:7 E200: Expected '=' or 'in' after 'for i', found '0'."]);
  });

  it("',' in a for [i, x] header", () => {
    expect(diags(src('for [i x] in a', '    x'))).toEqual(["1:8 E200: Expected ',' after 'for [i', found 'x'."]);
  });

  it("':' of a conditional", () => {
    expect(diags('t = x ? 1')).toEqual(["1:10 E200: Expected ':' in the conditional 'x ? 1' (its '?' is at 1:7), found end of file."]);
  });

  it("'=>' after a switch case", () => {
    expect(diags(src('switch x', '    1 2'))).toEqual(["2:7 E200: Expected '=>' after the case '1', found '2'."]);
  });

  it("'=>' after a method's parameter list", () => {
    expect(diags('method m(int x) 1')).toEqual(["1:17 E200: Expected '=>' after the parameter list of 'm', found '1'."]);
  });
});

describe('E201: unclosed brackets and missing commas', () => {
  it('an unclosed call at the end of its line', () => {
    expect(diags(src('//@version=6', 'indicator("x")', 'x = ta.sma(close, 14', 'plot(x)'))).toEqual([
      "3:21 E201: Expected ')' to close the call to 'ta.sma' opened at 3:11, found end of line.",
    ]);
  });

  it('an unclosed call at the end of the file', () => {
    expect(diags('plot(close')).toEqual(["1:11 E201: Expected ')' to close the call to 'plot' opened at 1:5, found end of file."]);
  });

  it('an unclosed parenthesis', () => {
    expect(diags(src('z = (1 + 2', 'y = 1'))).toEqual(["1:11 E201: Expected ')' to close the '(' opened at 1:5, found end of line."]);
  });

  it('an unclosed history reference', () => {
    expect(diags(src('z = close[1', 'y = 1'))).toEqual([
      "1:12 E201: Expected ']' to close the history reference 'close[' opened at 1:10, found end of line.",
    ]);
  });

  it('a missing comma between arguments', () => {
    expect(diags('h = f(a b)')).toEqual(["1:9 E201: Expected ',' or ')' after argument 1 of the call to 'f' opened at 1:6, found 'b'."]);
  });

  it('a missing comma in a list, tuple declaration and parameter list', () => {
    expect(diags('x = [1, 2')).toEqual(["1:10 E201: Expected ',' or ']' in the list '[' opened at 1:5, found end of file."]);
    expect(diags('[a b] = f()')).toEqual(["1:4 E201: Expected ',' or ']' in the tuple declaration opened at 1:1, found 'b'."]);
    expect(diags('f(a, b c d) => 1')).toEqual([
      "1:10 E201: Expected ',' or ')' in the parameter list of 'f' opened at 1:2, found 'd'.",
    ]);
  });
});

describe('E202: a missing expression', () => {
  it('after a binary operator at the end of a line', () => {
    expect(diags(src('y = 1 +', 'z = 2'))).toEqual(["1:8 E202: Expected an expression after '+', found end of line."]);
  });

  it('after = and before a keyword or closing bracket', () => {
    expect(diags('x = )')).toEqual(["1:5 E202: Expected an expression after '=', found ')'."]);
    expect(diags('x = and')).toEqual(["1:5 E202: Expected an expression after '=', found keyword 'and'."]);
  });

  it('an empty argument', () => {
    expect(diags('f(a,,b)')).toEqual(["1:5 E202: Expected argument 2 in the call to 'f' opened at 1:2, found ','."]);
  });

  it('a line that cannot start a statement', () => {
    expect(diags(')')).toEqual(["1:1 E202: Expected a statement, found ')'."]);
  });
});

describe('E203: extra text after a statement or header', () => {
  it('after a statement', () => {
    expect(diags('b = 2 c')).toEqual(["1:7 E203: Expected end of line after 'b = 2', found 'c'."]);
  });

  it('after an if header (its block is still checked, then dropped)', () => {
    expect(diags(src('if a b', '    x = (1', 'y = 1'))).toEqual([
      "1:6 E203: Expected end of line after 'if a', found 'b'.",
      "2:11 E201: Expected ')' to close the '(' opened at 2:9, found end of line.",
    ]);
  });
});

describe('E203 in headers', () => {
  it("hints at '==' when '=' follows an if or while condition", () => {
    expect(diags(src('if a = b', '    x := 1'))).toEqual([
      "1:6 E203: Expected end of line after 'if a', found '=' (to compare, use '==').",
    ]);
    expect(diags(src('while i = 0', '    i += 1'))).toEqual([
      "1:9 E203: Expected end of line after 'while i', found '=' (to compare, use '==').",
    ]);
  });
});

describe('E204: a missing block', () => {
  it('after if, at the next line', () => {
    expect(diags(src('if c', 'x = 1'))).toEqual([
      "2:1 E204: Expected an indented block after 'if c' at 1:1, found a line that is not indented deeper.",
    ]);
  });

  it('after a function header at the end of the file', () => {
    expect(diags('f() =>')).toEqual(["1:7 E204: Expected an indented block after 'f() =>' at 1:1, found end of file."]);
  });

  it('after switch, type and enum headers', () => {
    expect(diags(src('y = switch x', 'z = 1'))).toEqual([
      "2:1 E204: Expected an indented list of cases after 'switch x' at 1:5, found a line that is not indented deeper.",
    ]);
    expect(diags('type P')).toEqual(["1:7 E204: Expected an indented list of fields after 'type P' at 1:1, found end of file."]);
    expect(diags(src('enum E', 'x = 1'))).toEqual([
      "2:1 E204: Expected an indented list of fields after 'enum E' at 1:1, found a line that is not indented deeper.",
    ]);
  });

  it('the else branch still parses after a missing then-block', () => {
    const { script, sink } = parseWith(src('if c', 'else', '    x := 1'));
    expect(sink.list.map((d) => d.code)).toEqual(['E204']);
    expect(printAst(script)).toBe('(if c (block) (block (:= x 1)))');
  });
});

describe('E205 and E206: bad indentation', () => {
  it('E205: an indented line that no header opened; its statements are kept', () => {
    const { script, sink } = parseWith(src('x = 1', '    y = 2', 'z = 3'));
    expect(sink.list.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)).toEqual([
      '2:1 E205: Unexpected indentation: this line is indented 4 spaces deeper than the line before it, which does not open a block.',
    ]);
    expect(printAst(script)).toBe('(decl x 1)\n(decl y 2)\n(decl z 3)');
  });

  it('E205: an indented first line', () => {
    expect(diags('    x = 1')).toEqual([
      '1:1 E205: Unexpected indentation: this line is indented 4 spaces deeper than the line before it, which does not open a block.',
    ]);
  });

  it('E206: a block indented 8 where 4 is expected', () => {
    expect(diags(src('if a', '        k = 1'))).toEqual([
      "2:1 E206: Block indented 8 spaces deeper than 'if a' at 1:1: expected exactly 4 spaces (or one tab).",
    ]);
  });

  it('E206 for switch cases and type fields', () => {
    expect(diags(src('switch', '        a => 1'))).toEqual([
      "2:1 E206: Cases indented 8 spaces deeper than 'switch' at 1:1: expected exactly 4 spaces (or one tab).",
    ]);
    expect(diags(src('type P', '        int x'))).toEqual([
      "2:1 E206: Fields indented 8 spaces deeper than 'type P' at 1:1: expected exactly 4 spaces (or one tab).",
    ]);
  });
});

describe('E207: definitions outside global scope', () => {
  it('a function inside a function', () => {
    expect(diags(src('f(a) =>', '    g(b) => 1', '    a'))).toEqual([
      "2:5 E207: A function 'g' can only be defined at the top level of the script, not inside a block.",
    ]);
  });

  it('a type, enum, method or import inside a block', () => {
    expect(diags(src('if a', '    type P', '        int x'))).toEqual([
      "2:5 E207: A type 'P' can only be defined at the top level of the script, not inside a block.",
    ]);
    expect(diags(src('if a', '    enum E', '        x'))).toEqual([
      "2:5 E207: An enum 'E' can only be defined at the top level of the script, not inside a block.",
    ]);
    expect(diags(src('for i = 0 to 1', '    method m(int x) => x'))).toEqual([
      "2:5 E207: A method 'm' can only be defined at the top level of the script, not inside a block.",
    ]);
    expect(diags(src('if a', '    import u/l/1 as L'))).toEqual([
      '2:5 E207: An import can only be defined at the top level of the script, not inside a block.',
    ]);
  });
});

describe('E208: a missing name', () => {
  it('after var', () => {
    expect(diags('var = 1')).toEqual(["1:5 E208: Expected a variable name after 'var', found '='."]);
  });

  it('a keyword used as a name', () => {
    expect(diags('var if = 1')).toEqual([
      "1:5 E208: Expected a variable name after 'var', found keyword 'if', which cannot be used as a name.",
    ]);
  });

  it('after a dot', () => {
    expect(diags('x = a.')).toEqual(["1:7 E208: Expected a name after 'a.', found end of file."]);
  });

  it('for a loop variable and a parameter', () => {
    expect(diags(src('for 1 = 0 to 2', '    x'))).toEqual(["1:5 E208: Expected a loop variable name after 'for', found '1'."]);
    expect(diags('f(1) => 1')).toEqual(["1:3 E208: Expected a parameter name in the parameter list of 'f', found '1'."]);
  });
});

describe('E209: a declaration without a value', () => {
  it('var x', () => {
    expect(diags('var x')).toEqual(["1:6 E209: Expected '=' and an initial value after 'var x', found end of file."]);
  });

  it('a typed name alone', () => {
    expect(diags(src('float x', 'y = 1'))).toEqual(["1:8 E209: Expected '=' and an initial value after 'float x', found end of line."]);
  });

  it("':=' used to declare", () => {
    expect(diags('float y := 1')).toEqual([
      "1:9 E209: Expected '=' to declare 'y' in 'float y', found ':=': ':=' assigns to an existing variable.",
    ]);
  });
});

describe('E210: bad assignment targets', () => {
  it("'=' on a field", () => {
    expect(diags('a.b = 1')).toEqual([
      "1:1 E210: Cannot declare 'a.b': expected a variable name on the left of '='; to assign to a field use ':='.",
    ]);
  });

  it("'=' on a literal, ':=' on a call and on a history reference", () => {
    expect(diags('1 = 2')).toEqual(["1:1 E210: Cannot declare '1': expected a variable name on the left of '='."]);
    expect(diags('f(x) := 1')).toEqual(["1:1 E210: Cannot assign to 'f(x)': expected a variable or field name on the left of ':='."]);
    expect(diags('x[1] += 1')).toEqual(["1:1 E210: Cannot assign to 'x[1]': expected a variable or field name on the left of '+='."]);
  });

  it("':=' on a tuple", () => {
    expect(diags('[a, b] := f()')).toEqual([
      "1:1 E210: Cannot assign to a tuple with ':=': tuples can only be declared, as in '[a, b] = f()'.",
    ]);
  });
});

describe('E211: a missing type', () => {
  it('in a type field', () => {
    expect(diags(src('type P', '    1 x'))).toEqual(["2:5 E211: Expected a type for a field of 'P', found '1'."]);
  });

  it('an unclosed template argument list', () => {
    expect(diags('var array<float x = na')).toEqual(["1:5 E211: Expected a type after 'var', found 'array'."]);
  });
});

describe('E212: misplaced keywords', () => {
  it("'else' without 'if'", () => {
    expect(diags(src('x = 1', 'else', '    x := 2'))).toEqual([
      "2:1 E212: Unexpected 'else': it must follow an 'if' block at the same indentation.",
    ]);
  });

  it("'=>' at the start of a statement", () => {
    expect(diags('=> 1')).toEqual(["1:1 E212: Unexpected '=>': it belongs after a function's parameter list or a switch case."]);
  });

  it("'if' inside an expression", () => {
    expect(diags(src('x = 1 + if c', '    2'))).toEqual([
      "1:9 E212: Unexpected 'if' after '+': 'if' can only start a statement or the value of a declaration or assignment.",
    ]);
  });

  it("'export' before something that cannot be exported", () => {
    expect(diags('export x')).toEqual([
      "1:8 E212: Expected a function, method, type or enum definition after 'export', found 'x'.",
    ]);
  });
});

describe('E213, E214, E215', () => {
  it('E213: calling something that is not a name', () => {
    expect(diags('f(x)(y)')).toEqual(["1:5 E213: Cannot call 'f(x)': only a function or method name can be called."]);
    expect(diags('y = x[1](2)')).toEqual(["1:9 E213: Cannot call 'x[1]': only a function or method name can be called."]);
  });

  it('E214: a malformed import path', () => {
    expect(diags('import user/lib as L')).toEqual([
      "1:8 E214: Expected a library path 'user/library/version' after 'import', found 'user/lib'.",
    ]);
  });

  it('E215: nesting deeper than 200 levels is reported, not a crash', () => {
    const deep = `x = ${'('.repeat(300)}1${')'.repeat(300)}`;
    expect(diags(deep)).toEqual(['1:205 E215: Code nested too deeply (more than 200 levels) at (.']);
    const unary = `x = ${'-'.repeat(5000)}1`;
    expect(diags(unary).map((d) => d.slice(0, 10))).toEqual(['1:205 E215']);
  });
});

describe('lexer errors do not cascade into parser errors on the same line', () => {
  it('one report for a stray character', () => {
    expect(diags(src('w = 1 $ 2', 'v = 1'))).toEqual([
      "1:7 E101: Unexpected character '$': expected a name, number, string, color or operator.",
    ]);
  });
});

describe('recovery', () => {
  it('reports at least three errors in one parse, in source order, with positions', () => {
    const source = src(
      '//@version=6',
      'indicator("multi")',
      'x = ta.sma(close, 14',
      'y = 1 +',
      'if x > y',
      'plot(x)',
      'z = #12345',
      'f(a) =>',
      '    b = a *',
      '    b',
      'w = (1 + 2',
      'plot(z)',
    );
    const { script, sink } = parseWith(source);
    expect(sink.list.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)).toEqual([
      "3:21 E201: Expected ')' to close the call to 'ta.sma' opened at 3:11, found end of line.",
      "4:8 E202: Expected an expression after '+', found end of line.",
      "6:1 E204: Expected an indented block after 'if x > y' at 5:1, found a line that is not indented deeper.",
      "7:5 E103: Invalid color '#12345': expected 6 or 8 hex digits after '#' (#RRGGBB or #RRGGBBAA), found 5 digits.",
      "9:12 E202: Expected an expression after '*', found end of line.",
      "11:11 E201: Expected ')' to close the '(' opened at 11:5, found end of line.",
    ]);
    // The statements that parsed are kept; a declaration that failed after `name =` still
    // declares its name (with no value), so that later uses are not reported as undeclared.
    expect(printAst(script)).toBe(
      [
        'version 6',
        '(call indicator "multi")',
        '(decl x <error>)',
        '(decl y <error>)',
        '(if (> x y) (block))',
        '(call plot x)',
        '(decl z #000000ff)',
        '(fn f [a] (block (decl b <error>) b))',
        '(decl w <error>)',
        '(call plot z)',
      ].join('\n'),
    );
  });

  it('never throws on garbage and still returns a Script', () => {
    const inputs = ['(((', ']]] = =', 'if\n\n    else', '=>=>=>', 'for for for', '"\n\'', '\t\t  \t x', 'type 1\nenum +'];
    for (const input of inputs) {
      const { script, sink } = parseWith(input);
      expect(script.kind).toBe('Script');
      expect(sink.hasErrors).toBe(true);
    }
  });

  it('a clean script after an error-free parse has no diagnostics', () => {
    expect(ast(src('a = 1', 'b = a + 1'))).toBe('(decl a 1)\n(decl b (+ a 1))');
  });
});
