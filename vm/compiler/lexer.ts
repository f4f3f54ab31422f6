// The lexer: Pine source text → tokens, with the layout tokens NEWLINE, INDENT and DEDENT placed by
// Pine's line rules, so the parser never looks at whitespace.
//
// Layout rules (one logical line may span several physical lines):
// - Blank lines and comment-only lines are skipped entirely; they never affect indentation.
// - Inside ( ) and [ ] newlines and indentation are insignificant.
// - Outside brackets, a line whose indentation differs from the indentation of the statement it
//   follows by something other than a multiple of 4 continues that statement (Pine's line wrapping).
// - A line indented deeper by a multiple of 4 also continues the statement when the previous line
//   ends with an operator, ',', '?', ':' or '=' (lenient), or when the line itself starts with a
//   token that cannot begin a statement (`and`, `or`, `?`, `:`, `*`, `==`, ...).
// - Every other line starts a new logical line: NEWLINE ends the previous one, then INDENT (deeper)
//   or DEDENTs (shallower) adjust the block stack. A tab counts as 4 spaces.
// - An unclosed '(' or '[' does not swallow the rest of the file: a line inside brackets that is not
//   indented deeper than its statement, where neither that line nor the previous one shows a sign
//   of continuing, ends the logical line, and the parser reports the missing ')' or ']'.
// Diagnostics: E101 unexpected character, E102 unterminated string, E103 bad color literal,
// E104 bad number literal, E105 dedent to an indentation that matches no enclosing block.

import type { DiagnosticSink } from './diagnostics.js';

export type TokenKind =
  | 'Name'
  | 'Number'
  | 'String'
  | 'Color'
  | 'Punct'
  | 'Newline'
  | 'Indent'
  | 'Dedent'
  | 'EOF';

export interface Token {
  kind: TokenKind;
  /** Source offsets [start, end). Newline sits at the end of the line's last token (zero width);
   * Indent covers the leading whitespace; Dedent and EOF are zero-width at the line's first token. */
  start: number;
  end: number;
  /** Name: the identifier or keyword. Punct: the operator text. String: the value with escapes
   * resolved. Number: the source text. Color: the hex digits (6 or 8, or '' when malformed).
   * Empty for layout tokens. */
  text: string;
  /** Number: its value. Indent: how many columns deeper than the enclosing block (4 is right). */
  value: number;
  /** Indent only: the lexer already reported a problem with this indentation. */
  flagged: boolean;
}

export interface LexResult {
  tokens: Token[];
  /** From the first `//@version=N` annotation, or null. */
  version: number | null;
}

const TAB_WIDTH = 4;
const INDENT_STEP = 4;

/** Operators that leave a line unfinished when they end it. */
const CONTINUING_PUNCT = new Set([
  '+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=',
  '=', ':=', '+=', '-=', '*=', '/=', '%=', '?', ':', ',', '(', '[',
]);
const CONTINUING_WORDS = new Set(['and', 'or', 'not']);

/** One-character operators by char code ('' for other codes below 128). */
const PUNCT1: readonly string[] = (() => {
  const table: string[] = new Array<string>(128).fill('');
  for (const ch of '+-*/%<>=?:,.()[]') table[ch.charCodeAt(0)] = ch;
  return table;
})();

/** The two-character operator starting with chars a, b, or null. */
function punct2(a: number, b: number): string | null {
  if (b === 61) {
    // x=
    switch (a) {
      case 58: return ':=';
      case 43: return '+=';
      case 45: return '-=';
      case 42: return '*=';
      case 47: return '/=';
      case 37: return '%=';
      case 61: return '==';
      case 33: return '!=';
      case 60: return '<=';
      case 62: return '>=';
      default: return null;
    }
  }
  return a === 61 && b === 62 ? '=>' : null;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/** Horizontal whitespace inside a line, including the invisible characters pasted scripts carry
 * (no-break space, zero-width space, byte order mark). */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 0x200b || c === 0xfeff || c === 0x3000 ||
    (c >= 0x2000 && c <= 0x200a);
}

/** Tokens of `source` by the layout rules above; problems go to `sink`. */
export function lex(source: string, sink: DiagnosticSink): Token[] {
  return lexScript(source, sink).tokens;
}

/** Like `lex`, also returning the `//@version=N` annotation. */
export function lexScript(source: string, sink: DiagnosticSink): LexResult {
  return new Lexer(source, sink).run();
}

class Lexer {
  private readonly tokens: Token[] = [];
  private version: number | null = null;
  private pos = 0;
  /** Indentation widths of the open blocks; the bottom entry is the script's 0. */
  private readonly levels: number[] = [0];
  /** Indentation of the first line of the current logical line. */
  private stmtIndent = 0;
  /** Nesting of ( and [ on the current logical line. */
  private brackets = 0;
  /** Last non-layout token of the current logical line, or null before the first statement. */
  private last: Token | null = null;

  constructor(
    private readonly src: string,
    private readonly sink: DiagnosticSink,
  ) {}

  run(): LexResult {
    const src = this.src;
    const n = src.length;
    while (this.pos < n) {
      // At the start of a physical line: measure its indentation.
      const lineStart = this.pos;
      let width = 0;
      let p = this.pos;
      for (; p < n; p++) {
        const c = src.charCodeAt(p);
        if (c === 32) width += 1;
        else if (c === 9) width += TAB_WIDTH;
        else if (c === 13 || c === 0xfeff || c === 0xa0) width += c === 0xa0 ? 1 : 0;
        else break;
      }
      const c0 = p < n ? src.charCodeAt(p) : 10;
      if (c0 === 10 || (c0 === 47 && src.charCodeAt(p + 1) === 47)) {
        // Blank or comment-only line.
        this.pos = p;
        this.skipRestOfLine();
        continue;
      }
      this.layout(lineStart, p, width);
      this.pos = p;
      this.lexLine();
    }
    this.finish();
    return { tokens: this.tokens, version: this.version };
  }

  /** Decides how the physical line starting at `first` (indentation `width`) joins the token
   * stream, emitting NEWLINE / INDENT / DEDENT as needed. */
  private layout(lineStart: number, first: number, width: number): void {
    const last = this.last;
    if (last !== null) {
      const rel = width - this.stmtIndent;
      if (this.brackets > 0) {
        if (rel > 0 || endsLine(last) || this.startsWithContinuation(first, true)) return;
        // An unclosed bracket: end the logical line here so the parser reports it.
        this.brackets = 0;
      } else if (rel % INDENT_STEP !== 0) {
        return;
      } else if (rel > 0 && (endsLine(last) || this.startsWithContinuation(first, false))) {
        return;
      }
      this.push('Newline', last.end, last.end, '');
    }
    this.last = null;
    let top = this.levels[this.levels.length - 1] ?? 0;
    if (width > top) {
      this.levels.push(width);
      this.pushIndent(lineStart, first, width - top, false);
    } else if (width < top) {
      const open = this.levels.slice();
      while (this.levels.length > 1 && top > width) {
        this.levels.pop();
        this.push('Dedent', first, first, '');
        top = this.levels[this.levels.length - 1] ?? 0;
      }
      if (top !== width) {
        this.sink.error(
          'E105',
          { start: lineStart, end: first },
          `Indentation of ${width} spaces does not match any enclosing block: expected ${open.join(' or ')} spaces.`,
        );
        this.levels.push(width);
        this.pushIndent(lineStart, first, width - top, true);
      }
    }
    this.stmtIndent = width;
  }

  /** True when the line starting at `p` begins with a token that cannot start a statement, so it
   * must continue the previous one. `+`/`-` count only inside brackets: outside they may start a
   * block's value line such as `-1`. */
  private startsWithContinuation(p: number, inBrackets: boolean): boolean {
    const src = this.src;
    const c = src.charCodeAt(p);
    const d = src.charCodeAt(p + 1);
    switch (c) {
      case 41: // )
      case 93: // ]
      case 44: // ,
      case 63: // ?
      case 58: // :
      case 42: // *
      case 47: // /
      case 37: // %
      case 60: // <
      case 62: // >
        return true;
      case 33: // !
        return d === 61;
      case 61: // = (but not the default case arrow `=>`)
        return d !== 62;
      case 46: // . (a member access, not a number like .5)
        return !isDigit(d);
      case 43: // +
      case 45: // -
        return inBrackets || d === 61;
      default:
        break;
    }
    if (isIdentStart(c)) {
      let e = p + 1;
      while (e < src.length && isIdentPart(src.charCodeAt(e))) e++;
      const word = src.slice(p, e);
      return word === 'and' || word === 'or';
    }
    return false;
  }

  private finish(): void {
    const n = this.src.length;
    if (this.last !== null) this.push('Newline', this.last.end, this.last.end, '');
    while (this.levels.length > 1) {
      this.levels.pop();
      this.push('Dedent', n, n, '');
    }
    this.push('EOF', n, n, '');
  }

  private push(kind: TokenKind, start: number, end: number, text: string, value = 0): Token {
    const tok: Token = { kind, start, end, text, value, flagged: false };
    this.tokens.push(tok);
    return tok;
  }

  private pushIndent(start: number, end: number, depth: number, flagged: boolean): void {
    const tok = this.push('Indent', start, end, '', depth);
    tok.flagged = flagged;
  }

  /** Skips to just after the next '\n', reading a `//@version=` annotation on the way. */
  private skipRestOfLine(): void {
    const src = this.src;
    let p = this.pos;
    while (p < src.length && src.charCodeAt(p) !== 10) {
      if (src.charCodeAt(p) === 47 && src.charCodeAt(p + 1) === 47) {
        this.readComment(p);
        p = src.indexOf('\n', p);
        if (p < 0) p = src.length;
        break;
      }
      p++;
    }
    this.pos = p + 1;
  }

  private readComment(p: number): void {
    if (this.version !== null) return;
    const end = this.src.indexOf('\n', p);
    const text = this.src.slice(p, end < 0 ? this.src.length : end);
    const m = /^\/\/\s*@version\s*=\s*(\d+)/.exec(text);
    if (m) this.version = Number(m[1]);
  }

  /** Lexes the tokens of one physical line, from `pos` to just after its '\n'. */
  private lexLine(): void {
    const src = this.src;
    const n = src.length;
    while (this.pos < n) {
      const c = src.charCodeAt(this.pos);
      if (c === 10) {
        this.pos++;
        return;
      }
      if (isSpace(c)) {
        this.pos++;
        continue;
      }
      if (c === 47 && src.charCodeAt(this.pos + 1) === 47) {
        this.skipRestOfLine();
        return;
      }
      this.lexToken(c);
    }
  }

  private emit(kind: TokenKind, start: number, end: number, text: string, value = 0): void {
    this.last = this.push(kind, start, end, text, value);
  }

  private lexToken(c: number): void {
    const src = this.src;
    const start = this.pos;
    if (isIdentStart(c)) {
      let p = start + 1;
      while (p < src.length && isIdentPart(src.charCodeAt(p))) p++;
      this.pos = p;
      this.emit('Name', start, p, src.slice(start, p));
      return;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(start + 1)))) {
      this.lexNumber();
      return;
    }
    if (c === 34 || c === 39) {
      this.lexString(c);
      return;
    }
    if (c === 35) {
      this.lexColor();
      return;
    }
    const two = punct2(c, src.charCodeAt(start + 1));
    if (two !== null) {
      this.pos = start + 2;
      this.emit('Punct', start, start + 2, two);
      return;
    }
    const one = PUNCT1[c];
    if (c < 128 && one !== undefined && one !== '') {
      this.pos = start + 1;
      if (c === 40 || c === 91) this.brackets++;
      else if ((c === 41 || c === 93) && this.brackets > 0) this.brackets--;
      this.emit('Punct', start, start + 1, one);
      return;
    }
    this.unexpectedChar(start);
  }

  private unexpectedChar(start: number): void {
    const src = this.src;
    const cp = src.codePointAt(start) ?? 0;
    const ch = String.fromCodePoint(cp);
    const len = ch.length;
    const two = src.slice(start, start + 2);
    let hint = 'expected a name, number, string, color or operator';
    if (two === '&&') hint = "Pine writes logical 'and' as the keyword 'and'";
    else if (two === '||') hint = "Pine writes logical 'or' as the keyword 'or'";
    else if (ch === '!') hint = "Pine writes negation as the keyword 'not'";
    else if (ch === ';') hint = 'Pine statements end at the end of the line';
    else if (ch === '{' || ch === '}') hint = 'Pine blocks are written by indentation, not braces';
    else if ('\u201c\u201d\u2018\u2019'.includes(ch)) hint = "strings use straight quotes \" or '";
    const skip = two === '&&' || two === '||' ? 2 : len;
    const shown = skip === 2 ? two : ch;
    this.sink.error('E101', { start, end: start + skip }, `Unexpected character '${shown}': ${hint}.`);
    this.pos = start + skip;
  }

  private lexNumber(): void {
    const src = this.src;
    const start = this.pos;
    let p = start;
    while (isDigit(src.charCodeAt(p))) p++;
    if (src.charCodeAt(p) === 46) {
      const d = src.charCodeAt(p + 1);
      // `1.5`, `1.`, `1.e3` are floats; `1.foo` leaves the dot to the member access.
      if (isDigit(d) || !isIdentStart(d) || ((d === 101 || d === 69) && this.exponentAt(p + 1))) {
        p++;
        while (isDigit(src.charCodeAt(p))) p++;
      }
    }
    let bad = false;
    const e = src.charCodeAt(p);
    if (e === 101 || e === 69) {
      if (this.exponentAt(p)) {
        p++;
        const s = src.charCodeAt(p);
        if (s === 43 || s === 45) p++;
        while (isDigit(src.charCodeAt(p))) p++;
      } else {
        bad = true;
      }
    }
    const numEnd = p;
    if (bad || isIdentPart(src.charCodeAt(p))) {
      while (p < src.length && isIdentPart(src.charCodeAt(p))) p++;
      const text = src.slice(start, p);
      this.sink.error(
        'E104',
        { start, end: p },
        `Invalid number '${text}': expected digits, an optional fraction and an optional exponent such as 1.5e-3.`,
      );
    }
    this.pos = p;
    const text = src.slice(start, numEnd);
    this.emit('Number', start, p, text, Number(text));
  }

  /** True when an exponent (`e5`, `E-3`, `e+2`) starts at p. */
  private exponentAt(p: number): boolean {
    const src = this.src;
    const c = src.charCodeAt(p);
    if (c !== 101 && c !== 69) return false;
    const s = src.charCodeAt(p + 1);
    if (isDigit(s)) return true;
    return (s === 43 || s === 45) && isDigit(src.charCodeAt(p + 2));
  }

  private lexString(quote: number): void {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    let value = '';
    let chunk = p;
    for (;;) {
      if (p < src.length && src.charCodeAt(p) === 10 && wrapsString(src, p + 1)) {
        // Line wrapping inside a string (published v6 scripts wrap long tooltips this way): the
        // next line, indented by other than a multiple of 4, goes on with the string; the line
        // break is not part of its value, the next line's text (its indentation too) is.
        value += src.slice(chunk, src.charCodeAt(p - 1) === 13 ? p - 1 : p);
        p++;
        chunk = p;
        continue;
      }
      if (p >= src.length || src.charCodeAt(p) === 10) {
        value += src.slice(chunk, p);
        const q = String.fromCharCode(quote);
        this.sink.error(
          'E102',
          { start, end: p },
          `Unterminated string '${this.sink.quote({ start, end: p }, 20)}': expected a closing ${q} before the end of the line.`,
        );
        break;
      }
      const c = src.charCodeAt(p);
      if (c === quote) {
        value += src.slice(chunk, p);
        p++;
        break;
      }
      if (c === 92 && p + 1 < src.length && src.charCodeAt(p + 1) !== 10) {
        value += src.slice(chunk, p);
        const e = src[p + 1] ?? '';
        value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        p += 2;
        chunk = p;
        continue;
      }
      p++;
    }
    this.pos = p;
    this.emit('String', start, p, value);
  }

  private lexColor(): void {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    while (p < src.length && isIdentPart(src.charCodeAt(p))) p++;
    let hex = true;
    for (let i = start + 1; i < p; i++) if (!isHexDigit(src.charCodeAt(i))) hex = false;
    const digits = p - start - 1;
    let text = src.slice(start + 1, p);
    if (!hex || (digits !== 6 && digits !== 8)) {
      const found = !hex ? 'characters that are not hex digits' : `${digits} digit${digits === 1 ? '' : 's'}`;
      this.sink.error(
        'E103',
        { start, end: Math.max(p, start + 1) },
        `Invalid color '${src.slice(start, p)}': expected 6 or 8 hex digits after '#' (#RRGGBB or #RRGGBBAA), found ${found}.`,
      );
      text = '';
    }
    this.pos = p;
    this.emit('Color', start, p, text);
  }
}

/** True when the line starting at `p` continues a string left open on the line before: it is
 * indented by a number of columns that is not a multiple of 4 (a tab counts 4), as wrapped lines
 * are, and has text. */
function wrapsString(src: string, p: number): boolean {
  let cols = 0;
  let q = p;
  for (; q < src.length; q++) {
    const c = src.charCodeAt(q);
    if (c === 32) cols++;
    else if (c === 9) cols += 4;
    else break;
  }
  const c = src.charCodeAt(q);
  return cols % 4 !== 0 && q < src.length && c !== 10 && c !== 13;
}

/** True when a line ending with `tok` cannot be complete. */
function endsLine(tok: Token): boolean {
  if (tok.kind === 'Punct') return CONTINUING_PUNCT.has(tok.text);
  if (tok.kind === 'Name') return CONTINUING_WORDS.has(tok.text);
  return false;
}
