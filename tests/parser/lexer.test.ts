// Lexer: token kinds and values, literal forms, layout tokens (NEWLINE/INDENT/DEDENT) by Pine's
// line rules, the version annotation, and lexer diagnostics.

import { describe, expect, it } from 'vitest';
import { lex, lexScript, type Token } from '../../vm/compiler/lexer.js';
import { DiagnosticSink } from '../../vm/compiler/diagnostics.js';
import { src } from './helpers.js';

function show(t: Token): string {
  switch (t.kind) {
    case 'Name':
      return `name:${t.text}`;
    case 'Number':
      return `num:${t.value}`;
    case 'String':
      return `str:${JSON.stringify(t.text)}`;
    case 'Color':
      return `color:${t.text}`;
    case 'Punct':
      return t.text;
    case 'Newline':
      return 'NL';
    case 'Indent':
      return `INDENT${t.value}`;
    case 'Dedent':
      return 'DEDENT';
    case 'EOF':
      return 'EOF';
  }
}

function tokens(source: string): string[] {
  const sink = new DiagnosticSink(source);
  const toks = lex(source, sink);
  expect(sink.list.map((d) => d.message)).toEqual([]);
  return toks.map(show);
}

function lexErrors(source: string): string[] {
  const sink = new DiagnosticSink(source);
  lex(source, sink);
  return sink.list.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`);
}

describe('lexer: tokens', () => {
  it('splits names, dotted names and operators', () => {
    expect(tokens('x := ta.sma(close, 14)[1]')).toEqual([
      'name:x', ':=', 'name:ta', '.', 'name:sma', '(', 'name:close', ',', 'num:14', ')', '[', 'num:1', ']',
      'NL', 'EOF',
    ]);
  });

  it('reads every two-character operator as one token', () => {
    expect(tokens('a == b != c <= d >= e += f -= g *= h /= i %= j => k')).toEqual([
      'name:a', '==', 'name:b', '!=', 'name:c', '<=', 'name:d', '>=', 'name:e', '+=', 'name:f', '-=',
      'name:g', '*=', 'name:h', '/=', 'name:i', '%=', 'name:j', '=>', 'name:k', 'NL', 'EOF',
    ]);
  });

  it('keeps `>>` of nested template arguments as two tokens', () => {
    expect(tokens('map<string, array<float>>')).toEqual([
      'name:map', '<', 'name:string', ',', 'name:array', '<', 'name:float', '>', '>', 'NL', 'EOF',
    ]);
  });

  it('reads number forms: int, fraction, leading and trailing dot, exponents', () => {
    expect(tokens('14 1.5 .5 1. 1e10 1.5E-3 2e+2')).toEqual([
      'num:14', 'num:1.5', 'num:0.5', 'num:1', 'num:10000000000', 'num:0.0015', 'num:200', 'NL', 'EOF',
    ]);
  });

  it('keeps the source text of numbers so the parser can tell int from float', () => {
    const sink = new DiagnosticSink('1. 14 1e3');
    expect(lex('1. 14 1e3', sink).filter((t) => t.kind === 'Number').map((t) => t.text)).toEqual(['1.', '14', '1e3']);
  });

  it('resolves string escapes and lets unicode through', () => {
    expect(tokens(String.raw`"a\"b" 'it\'s' "x\ny\tz\\" "→ ünï ✓"`)).toEqual([
      'str:"a\\"b"', 'str:"it\'s"', 'str:"x\\ny\\tz\\\\"', 'str:"→ ünï ✓"', 'NL', 'EOF',
    ]);
  });

  it('keeps a quote of the other kind inside a string', () => {
    expect(tokens(`"it's" 'say "hi"'`)).toEqual(['str:"it\'s"', 'str:"say \\"hi\\""', 'NL', 'EOF']);
  });

  it('reads colors with 6 and 8 hex digits', () => {
    expect(tokens('#FF0000 #00ff0080')).toEqual(['color:FF0000', 'color:00ff0080', 'NL', 'EOF']);
  });

  it('ignores comments, also after code and inside nothing else', () => {
    expect(tokens(src('// header', 'a = 1 // trailing', '// done'))).toEqual(['name:a', '=', 'num:1', 'NL', 'EOF']);
  });

  it('does not treat // inside a string as a comment', () => {
    expect(tokens('"http://x"')).toEqual(['str:"http://x"', 'NL', 'EOF']);
  });

  it('records spans as source offsets', () => {
    const sink = new DiagnosticSink('ab = "cd"');
    const toks = lex('ab = "cd"', sink);
    expect(toks.slice(0, 3).map((t) => [t.start, t.end])).toEqual([[0, 2], [3, 4], [5, 9]]);
  });
});

describe('lexer: version annotation', () => {
  it('reads //@version=N', () => {
    const sink = new DiagnosticSink('//@version=5\nx = 1');
    expect(lexScript('//@version=5\nx = 1', sink).version).toBe(5);
  });

  it('is null without one, and other annotations are ignored', () => {
    const s = '//@description hi\n//@function f\nx = 1';
    expect(lexScript(s, new DiagnosticSink(s)).version).toBeNull();
  });
});

describe('lexer: layout', () => {
  it('emits INDENT and DEDENT around a block', () => {
    expect(tokens(src('if c', '    x = 1', 'y = 2'))).toEqual([
      'name:if', 'name:c', 'NL', 'INDENT4', 'name:x', '=', 'num:1', 'NL', 'DEDENT', 'name:y', '=', 'num:2', 'NL', 'EOF',
    ]);
  });

  it('closes every open block at end of file', () => {
    expect(tokens(src('if a', '    if b', '        x'))).toEqual([
      'name:if', 'name:a', 'NL', 'INDENT4', 'name:if', 'name:b', 'NL', 'INDENT4', 'name:x', 'NL', 'DEDENT', 'DEDENT', 'EOF',
    ]);
  });

  it('counts a tab as 4 spaces', () => {
    expect(tokens('if c\n\tx = 1\n    y = 2')).toEqual([
      'name:if', 'name:c', 'NL', 'INDENT4', 'name:x', '=', 'num:1', 'NL', 'name:y', '=', 'num:2', 'NL', 'DEDENT', 'EOF',
    ]);
  });

  it('ignores blank and comment-only lines at any indentation', () => {
    expect(tokens(src('if c', '', '  // odd comment', '    x = 1', '        // deep comment', '', 'y'))).toEqual([
      'name:if', 'name:c', 'NL', 'INDENT4', 'name:x', '=', 'num:1', 'NL', 'DEDENT', 'name:y', 'NL', 'EOF',
    ]);
  });

  it('joins a line indented by a non-multiple of 4 to the previous one', () => {
    expect(tokens(src('a = b', '  + c', 'd'))).toEqual([
      'name:a', '=', 'name:b', '+', 'name:c', 'NL', 'name:d', 'NL', 'EOF',
    ]);
  });

  it('ignores newlines and indentation inside brackets', () => {
    expect(tokens(src('f(', '    a,', '        b', ')', 'g'))).toEqual([
      'name:f', '(', 'name:a', ',', 'name:b', ')', 'NL', 'name:g', 'NL', 'EOF',
    ]);
  });

  it('continues after a trailing operator even at a multiple of 4', () => {
    expect(tokens(src('a = b and', '    c'))).toEqual(['name:a', '=', 'name:b', 'name:and', 'name:c', 'NL', 'EOF']);
  });

  it('continues when the line starts with `and`, `?` or `:`', () => {
    expect(tokens(src('a = b', '    and c', 'x = p', '    ? 1', '    : 2'))).toEqual([
      'name:a', '=', 'name:b', 'name:and', 'name:c', 'NL',
      'name:x', '=', 'name:p', '?', 'num:1', ':', 'num:2', 'NL', 'EOF',
    ]);
  });

  it('does not treat a default case `=>` or a leading minus as a continuation', () => {
    expect(tokens(src('switch', '    c => 1', '    => -1'))).toEqual([
      'name:switch', 'NL', 'INDENT4', 'name:c', '=>', 'num:1', 'NL', '=>', '-', 'num:1', 'NL', 'DEDENT', 'EOF',
    ]);
  });

  it('ends the logical line at an unclosed bracket when the next line is a new statement', () => {
    expect(tokens(src('x = f(a', 'y = 1'))).toEqual([
      'name:x', '=', 'name:f', '(', 'name:a', 'NL', 'name:y', '=', 'num:1', 'NL', 'EOF',
    ]);
  });

  it('puts NEWLINE at the end of the last token, before a trailing comment', () => {
    const s = 'x = 1   // c\ny';
    const toks = lex(s, new DiagnosticSink(s));
    const nl = toks[3];
    expect(nl?.kind).toBe('Newline');
    expect([nl?.start, nl?.end]).toEqual([5, 5]);
  });
});

describe('lexer: errors', () => {
  it('E101: an unexpected character, with hints for other languages', () => {
    expect(lexErrors('a = b $ c')).toEqual([
      "1:7 E101: Unexpected character '$': expected a name, number, string, color or operator.",
    ]);
    expect(lexErrors('a = b && c')).toEqual([
      "1:7 E101: Unexpected character '&&': Pine writes logical 'and' as the keyword 'and'.",
    ]);
    expect(lexErrors('a = !b')).toEqual(["1:5 E101: Unexpected character '!': Pine writes negation as the keyword 'not'."]);
    expect(lexErrors('a = 1;')).toEqual(["1:6 E101: Unexpected character ';': Pine statements end at the end of the line."]);
    expect(lexErrors('s = “x”')).toEqual([
      `1:5 E101: Unexpected character '“': strings use straight quotes " or '.`,
      `1:7 E101: Unexpected character '”': strings use straight quotes " or '.`,
    ]);
  });

  it('E102: a string not closed on its line', () => {
    expect(lexErrors('s = "abc\nt = 1')).toEqual([
      `1:5 E102: Unterminated string '"abc': expected a closing " before the end of the line.`,
    ]);
  });

  it('E103: a color without 6 or 8 hex digits', () => {
    expect(lexErrors('c = #12345')).toEqual([
      "1:5 E103: Invalid color '#12345': expected 6 or 8 hex digits after '#' (#RRGGBB or #RRGGBBAA), found 5 digits.",
    ]);
    expect(lexErrors('c = #ff00zz')).toEqual([
      "1:5 E103: Invalid color '#ff00zz': expected 6 or 8 hex digits after '#' (#RRGGBB or #RRGGBBAA), found characters that are not hex digits.",
    ]);
  });

  it('E104: a number with a broken exponent or letters glued to it', () => {
    expect(lexErrors('x = 1e+')).toEqual([
      "1:5 E104: Invalid number '1e': expected digits, an optional fraction and an optional exponent such as 1.5e-3.",
    ]);
    expect(lexErrors('x = 12abc')).toEqual([
      "1:5 E104: Invalid number '12abc': expected digits, an optional fraction and an optional exponent such as 1.5e-3.",
    ]);
  });

  it('E105: a dedent to an indentation no enclosing block has', () => {
    // Line 2 opens a block at 8 (reported by the parser as too deep); line 3 at 4 matches neither 0 nor 8.
    expect(lexErrors(src('if c', '        a = 1', '    b = 2'))).toEqual([
      '3:1 E105: Indentation of 4 spaces does not match any enclosing block: expected 0 or 8 spaces.',
    ]);
  });
});
