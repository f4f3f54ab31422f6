// Pine's regular expressions (java.util.regex syntax, as the User Manual's "Regex syntax
// reference" lists it) for str.match, run by re2js: a linear-time engine (RE2), so no pattern can
// hang the script, whatever the input (`(a+)+$` on forty a's and a '!' answers at once where a
// backtracking engine never returns). The Java pattern is translated into RE2 syntax first.
//
// Exact: \Q…\E, \A \z, ^ with and without (?m), . with and without (?s), scoped flags (?i) (?s)
// (?m) (?x) with their (?i:…) forms, (?x) comments and whitespace, \h \H \v \V \R, Java's ASCII
// \s, \x{…}, octal \0oo, \a \e \cX, named groups, lookbehind (re2js runs it in linear time; the
// script's groups never capture, so any may sit inside), POSIX classes \p{Alpha}…, Unicode
// categories and scripts \p{L} \p{IsLatin}, nested class unions [a-z[A-Z]], lazy quantifiers.
// $ and \Z (end of input, or before a final line terminator) are exact when nothing that consumes
// text follows them in the pattern (the usual `…$`): the terminator is matched by a group of its
// own and cut off the result. A $ followed by more pattern only matches at the very end (before a
// \n only, in (?m) mode).
// Approximate: (?U) widens \d \w \s only; (?m)^ also matches after a final line terminator;
// (?i) folds all of Unicode's cases (Java folds ASCII only unless (?u) is given).
// Refused with a RegexError naming the feature (TradingView's engine has them, RE2 does not, and
// each can take exponential time): backreferences \1 \k<name>, lookahead (?=…) (?!…), atomic
// groups (?>…), possessive quantifiers *+ ++ ?+; also class intersections (&&), \G, Unicode blocks
// (\p{InBasicLatin}), negated nested classes, and repetition counts above 1000 (RE2's limit).

import { RE2JS } from 're2js';

export class RegexError extends Error {}

interface Flags {
  s: boolean;
  m: boolean;
  x: boolean;
  U: boolean;
}

interface Frame {
  flags: Flags;
  /** Output length when the group opened (the atom a quantifier after ')' repeats). */
  start: number;
}

/** Stands for the opening parenthesis of a `$`'s terminator group until the pattern is compiled
 * (a NUL never appears in translated output: lit() escapes control characters). */
const DOLLAR_GROUP = '\u0000';
const LINE_TERMINATORS = '\\n\\r\\x{85}\\x{2028}\\x{2029}';
const JAVA_SPACE = '\\t\\n\\x0B\\f\\r ';
const HSPACE = ' \\t\\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}';
const VSPACE = '\\n\\x0B\\f\\r\\x{85}\\x{2028}\\x{2029}';
const UNICODE_WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}';

/** POSIX and java.lang.Character classes as class contents (no brackets), in RE2 syntax. */
const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: JAVA_SPACE,
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaWhitespace: '\\p{White_Space}',
};

const CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'LC', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So',
  'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
]);

/** Java's binary properties as RE2 property names, or class contents (starting with '\\x'). */
const BINARY_PROPS: Record<string, string> = {
  alphabetic: 'Alphabetic',
  letter: 'L',
  lowercase: 'Lowercase',
  uppercase: 'Uppercase',
  titlecase: 'Lt',
  punctuation: 'P',
  control: 'Cc',
  white_space: 'White_Space',
  whitespace: 'White_Space',
  digit: 'Nd',
  hex_digit: 'Hex_Digit',
  hexdigit: 'Hex_Digit',
  join_control: '\\x{200C}\\x{200D}',
  joincontrol: '\\x{200C}\\x{200D}',
  assigned: 'Assigned',
  emoji: 'Emoji',
};

/** Escapes one code point for an RE2 pattern ('-' only needs it inside a class). */
function lit(ch: string, inClass = false): string {
  if (/[\^$\\.*+?()[\]{}|/]/.test(ch) || (inClass && ch === '-')) return `\\${ch}`;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return ch;
}

class Translator {
  private i = 0;
  private out = '';
  private flags: Flags = { s: false, m: false, x: false, U: false };
  private readonly stack: Frame[] = [];
  /** Output index where the last atom starts (-1: nothing a quantifier could repeat). */
  private atomStart = -1;
  /** Capturing groups opened so far: only those of `$` (RE2 numbers groups by their opening
   * parenthesis). */
  private groups = 0;
  /** Groups that match the line terminator a `$` or `\Z` stands before (cut off the result). */
  readonly dollarGroups: number[] = [];
  /** The pattern has a lookbehind (re2js runs those only with its LOOKBEHINDS flag). */
  lookbehind = false;

  constructor(private readonly src: string) {}

  private peek(k = 0): string {
    return this.src.charAt(this.i + k);
  }

  private err(what: string): never {
    throw new RegexError(`Invalid regular expression '${this.src}': ${what}.`);
  }

  /** A Java feature RE2 cannot run in linear time. */
  private unsupported(feature: string): never {
    throw new RegexError(
      `The regular expression '${this.src}' uses ${feature}, which str.match does not support: its engine runs in linear time (RE2), without backreferences, lookahead, atomic groups or possessive quantifiers.`,
    );
  }

  translate(): string {
    const n = this.src.length;
    while (this.i < n) this.step();
    if (this.stack.length > 0) this.err('unclosed group');
    return this.out;
  }

  private emitAtom(text: string): void {
    this.atomStart = this.out.length;
    this.out += text;
  }

  private emitAssertion(text: string): void {
    this.out += text;
    this.atomStart = -1;
  }

  private step(): void {
    const c = this.peek();
    if (this.flags.x) {
      if (/\s/.test(c)) {
        this.i++;
        return;
      }
      if (c === '#') {
        while (this.i < this.src.length && !/[\n\r\u0085\u2028\u2029]/.test(this.peek())) this.i++;
        return;
      }
    }
    switch (c) {
      case '\\':
        this.escape();
        return;
      case '.':
        this.i++;
        this.emitAtom(this.flags.s ? '(?s:.)' : `[^${LINE_TERMINATORS}]`);
        return;
      case '^':
        this.i++;
        if (this.flags.m) {
          this.lookbehind = true;
          this.emitAssertion(`(?:\\A|(?<=[${LINE_TERMINATORS}]))`);
        } else this.emitAssertion('\\A');
        return;
      case '$':
        this.i++;
        this.dollar(this.flags.m);
        return;
      case '(':
        this.group();
        return;
      case ')':
        this.closeGroup();
        return;
      case '[':
        this.i++;
        this.emitAtom(this.charClass());
        return;
      case '*':
      case '+':
      case '?':
        this.quantifier();
        return;
      case '{':
        if (/^\{\d+(,\d*)?\}/.test(this.src.slice(this.i))) this.quantifier();
        else this.err(`'{' at ${this.i} does not start a repetition like {2} or {1,3}`);
        return;
      case '|':
        this.i++;
        this.out += '|';
        this.atomStart = -1;
        return;
      default: {
        const cp = this.src.codePointAt(this.i) ?? 0;
        const ch = String.fromCodePoint(cp);
        this.i += ch.length;
        this.emitAtom(lit(ch));
      }
    }
  }

  /** `$` (multiline or not) or `\Z`, the cursor after it. Java's `$` is an assertion RE2 lacks
   * (before a final line terminator); when nothing consuming follows it, it is rewritten to match
   * the terminator in a group of its own, which javaRegexMatch cuts off the match. */
  private dollar(multiline: boolean): void {
    if (!this.nothingFollows()) {
      this.emitAssertion(multiline ? '(?m:$)' : '\\z');
      return;
    }
    this.groups++;
    this.dollarGroups.push(this.groups);
    // DOLLAR_GROUP opens the group: capturing in one compiled form, not in the other (below).
    const term = `${DOLLAR_GROUP}\\r\\n|[${LINE_TERMINATORS}])`;
    this.emitAssertion(multiline ? `(?:${term}|\\z)` : `(?:${term}?\\z)`);
  }

  /** True when the rest of the pattern can match nothing more after this point: only group
   * closings, and other alternatives (skipped up to their group's end), remain. */
  private nothingFollows(): boolean {
    const src = this.src;
    let j = this.i;
    while (j < src.length) {
      const c = src.charAt(j);
      if (c === ')') {
        j++;
        continue;
      }
      if (this.flags.x && /\s/.test(c)) {
        j++;
        continue;
      }
      if (c !== '|') return false;
      // Skip this alternative: up to the ')' closing the current group, or the end.
      let depth = 0;
      j++;
      while (j < src.length) {
        const d = src.charAt(j);
        if (d === '\\') j += 2;
        else if (d === '[') {
          j++;
          if (src.charAt(j) === '^') j++;
          if (src.charAt(j) === ']') j++;
          let nest = 0;
          while (j < src.length && (src.charAt(j) !== ']' || nest > 0)) {
            if (src.charAt(j) === '\\') j++;
            else if (src.charAt(j) === '[') nest++;
            else if (src.charAt(j) === ']') nest--;
            j++;
          }
          j++;
        } else if (d === '(') {
          depth++;
          j++;
        } else if (d === ')') {
          if (depth === 0) break;
          depth--;
          j++;
        } else j++;
      }
    }
    return true;
  }

  private quantifier(): void {
    const start = this.i;
    const c = this.peek();
    if (c === '{') {
      const end = this.src.indexOf('}', this.i);
      this.i = end + 1;
    } else this.i++;
    let q = this.src.slice(start, this.i);
    if (this.atomStart < 0) this.err(`nothing to repeat before '${q}' at ${start}`);
    const counts = /\d+/g;
    for (let m = counts.exec(q); m; m = counts.exec(q)) {
      if (Number(m[0]) > 1000) this.err(`the repetition count in '${q}' is above 1000, the most the linear-time engine allows`);
    }
    if (this.peek() === '?') {
      q += '?';
      this.i++;
    } else if (this.peek() === '+') {
      this.unsupported(`a possessive quantifier ('${q}+')`);
    }
    this.out += q;
    this.atomStart = -1;
  }

  private group(): void {
    this.i++;
    const frame: Frame = { flags: { ...this.flags }, start: this.out.length };
    // str.match returns the whole match only, and backreferences are refused: the script's own
    // groups need not capture, which lets re2js find the match with its DFA (no submatch NFA).
    if (this.peek() !== '?') {
      this.out += '(?:';
      this.stack.push(frame);
      return;
    }
    this.i++;
    const rest = this.src.slice(this.i);
    let m: RegExpExecArray | null;
    if (rest.startsWith(':')) {
      this.out += '(?:';
      this.i++;
    } else if (rest.startsWith('=') || rest.startsWith('!')) {
      this.unsupported(`a lookahead ('(?${rest.charAt(0)}')`);
    } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
      this.lookbehind = true;
      this.out += `(?${rest.slice(0, 2)}`;
      this.i += 2;
    } else if ((m = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(rest))) {
      this.out += '(?:';
      this.i += m[0].length;
    } else if (rest.startsWith('>')) {
      this.unsupported("an atomic group ('(?>')");
    } else if ((m = /^([imsxuUd]*)(?:-([imsxuUd]*))?([:)])/.exec(rest))) {
      const on = m[1] ?? '';
      const off = m[2] ?? '';
      this.i += m[0].length;
      const apply = (f: Flags) => {
        for (const ch of on) this.setFlag(f, ch, true);
        for (const ch of off) this.setFlag(f, ch, false);
      };
      // Case-insensitivity is left to RE2, whose flags are scoped exactly like Java's.
      const i = on.includes('i') ? 'i' : '';
      const noI = off.includes('i') ? '-i' : '';
      if (m[3] === ')') {
        // (?flags) applies from here to the end of the enclosing group.
        apply(this.flags);
        if (i || noI) this.out += `(?${i}${noI})`;
        return;
      }
      this.stack.push(frame);
      apply(this.flags);
      this.out += `(?${i}${noI}:`;
      return;
    } else this.err(`unknown group syntax '(?${rest.slice(0, 3)}' at ${this.i - 2}`);
    this.stack.push(frame);
  }

  private setFlag(f: Flags, ch: string, on: boolean): void {
    if (ch === 's') f.s = on;
    else if (ch === 'm') f.m = on;
    else if (ch === 'x') f.x = on;
    else if (ch === 'U') f.U = on;
  }

  private closeGroup(): void {
    this.i++;
    const frame = this.stack.pop();
    if (!frame) this.err(`unmatched ')' at ${this.i - 1}`);
    this.out += ')';
    this.flags = frame.flags;
    this.atomStart = frame.start;
  }

  /** Reads an escape after '\' (outside classes). */
  private escape(): void {
    this.i++;
    const c = this.peek();
    if (c === '') this.err('trailing backslash');
    this.i++;
    switch (c) {
      case 'Q': {
        const end = this.src.indexOf('\\E', this.i);
        const text = this.src.slice(this.i, end < 0 ? undefined : end);
        this.i = end < 0 ? this.src.length : end + 2;
        for (const ch of text) this.emitAtom(lit(ch));
        return;
      }
      case 'E':
        return;
      case 'A':
        this.emitAssertion('\\A');
        return;
      case 'z':
        this.emitAssertion('\\z');
        return;
      case 'Z':
        this.dollar(false);
        return;
      case 'b':
      case 'B':
        this.emitAssertion(`\\${c}`);
        return;
      case 'G':
        this.err("'\\G' (end of the previous match) is not supported");
        return;
      case 'R':
        this.emitAtom(`(?:\\r\\n|[${VSPACE}])`);
        return;
      case 'k':
        this.unsupported(`a backreference ('\\k${/^<[^>]*>/.exec(this.src.slice(this.i))?.[0] ?? ''}')`);
        return;
      default:
        break;
    }
    if (c >= '1' && c <= '9') this.unsupported(`a backreference ('\\${c}')`);
    this.i--;
    this.emitAtom(this.classEscape(false));
  }

  /** An escape usable both inside and outside classes; `inClass` returns class contents. The
   * cursor is on the character after the backslash. */
  private classEscape(inClass: boolean): string {
    const c = this.peek();
    this.i++;
    const wrap = (body: string, negate: boolean) => {
      if (inClass) {
        if (negate) this.err(`'\\${c}' cannot be used inside a character class here`);
        return body;
      }
      return `[${negate ? '^' : ''}${body}]`;
    };
    switch (c) {
      case 'd':
        return this.flags.U ? '\\p{Nd}' : '\\d';
      case 'D':
        return this.flags.U ? '\\P{Nd}' : '\\D';
      case 'w':
        return this.flags.U ? wrap(UNICODE_WORD, false) : '\\w';
      case 'W':
        return this.flags.U && !inClass ? `[^${UNICODE_WORD}]` : '\\W';
      case 's':
        return this.flags.U ? '\\p{White_Space}' : wrap(JAVA_SPACE, false);
      case 'S':
        if (this.flags.U) return '\\P{White_Space}';
        return inClass ? '\\S' : `[^${JAVA_SPACE}]`;
      case 'h':
        return wrap(HSPACE, false);
      case 'H':
        return wrap(HSPACE, true);
      case 'v':
        return wrap(VSPACE, false);
      case 'V':
        return wrap(VSPACE, true);
      case 't':
        return '\\t';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 'f':
        return '\\f';
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1B';
      case 'c': {
        const ch = this.peek();
        this.i++;
        return `\\x${((ch.charCodeAt(0) ^ 64) & 0x7f).toString(16).padStart(2, '0')}`;
      }
      case '0': {
        const m = /^[0-7]{1,3}/.exec(this.src.slice(this.i));
        if (!m) this.err("'\\0' must be followed by octal digits");
        let digits = m[0];
        if (digits.length === 3 && Number(digits.charAt(0)) > 3) digits = digits.slice(0, 2);
        this.i += digits.length;
        return lit(String.fromCharCode(parseInt(digits, 8)), inClass);
      }
      case 'x': {
        if (this.peek() === '{') {
          const end = this.src.indexOf('}', this.i);
          const hex = this.src.slice(this.i + 1, end);
          if (end < 0 || !/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) this.err("bad '\\x{...}' escape");
          this.i = end + 1;
          return lit(String.fromCodePoint(parseInt(hex, 16)), inClass);
        }
        const hex = this.src.slice(this.i, this.i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.err("'\\x' needs two hexadecimal digits");
        this.i += 2;
        return lit(String.fromCharCode(parseInt(hex, 16)), inClass);
      }
      case 'u': {
        const hex = this.src.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.err("'\\u' needs four hexadecimal digits");
        this.i += 4;
        return lit(String.fromCharCode(parseInt(hex, 16)), inClass);
      }
      case 'p':
      case 'P':
        return this.property(c === 'P', inClass);
      default:
        if (/[A-Za-z0-9]/.test(c)) this.err(`unknown escape '\\${c}'`);
        return lit(String.fromCodePoint(this.src.codePointAt(this.i - 1) ?? 0), inClass);
    }
  }

  private property(negate: boolean, inClass: boolean): string {
    let name: string;
    if (this.peek() === '{') {
      const end = this.src.indexOf('}', this.i);
      if (end < 0) this.err("unclosed '\\p{'");
      name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = this.peek();
      this.i++;
    }
    const P = negate ? 'P' : 'p';
    const asClass = (body: string) => {
      if (inClass) {
        if (negate) this.err(`'\\P{${name}}' cannot be used inside a character class`);
        return body;
      }
      return `[${negate ? '^' : ''}${body}]`;
    };
    const posix = POSIX[name] ?? (name.startsWith('Is') ? POSIX[name.slice(2)] : undefined);
    if (posix !== undefined) {
      if (posix.startsWith('\\p')) return negate ? `\\P${posix.slice(2)}` : posix;
      return asClass(posix);
    }
    const eq = /^(?:gc|general_category|sc|script|blk|block)=(.+)$/i.exec(name);
    if (eq) {
      const key = name.slice(0, name.indexOf('=')).toLowerCase();
      if (key === 'blk' || key === 'block') this.err(`Unicode blocks ('\\p{${name}}') are not supported`);
      return `\\${P}{${eq[1] ?? ''}}`;
    }
    if (name.startsWith('In')) this.err(`Unicode blocks ('\\p{${name}}') are not supported`);
    const bare = name.startsWith('Is') ? name.slice(2) : name;
    if (CATEGORIES.has(bare)) return `\\${P}{${bare}}`;
    const bin = BINARY_PROPS[bare.toLowerCase()];
    if (bin !== undefined) return bin.startsWith('\\') ? asClass(bin) : `\\${P}{${bin}}`;
    if (name.startsWith('Is') || /^[A-Z][a-z]+(?:_[A-Z][a-z]+)*$/.test(name)) return `\\${P}{${bare}}`;
    this.err(`unknown character property '\\p{${name}}'`);
  }

  /** Reads a class after '[' up to its ']' and returns the RE2 class. */
  private charClass(): string {
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.i++;
    }
    let body = '';
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === '') this.err('unclosed character class');
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (this.flags.x && /\s/.test(c)) {
        this.i++;
        continue;
      }
      if (c === '&' && this.peek(1) === '&') this.err("class intersections ('&&') are not supported");
      if (c === '[') {
        this.i++;
        const inner = this.charClass();
        if (inner.startsWith('[^')) this.err('negated classes nested in a class are not supported');
        body += inner.slice(1, -1);
        continue;
      }
      if (c === '\\') {
        this.i++;
        if (this.peek() === 'Q') {
          this.i++;
          const end = this.src.indexOf('\\E', this.i);
          const text = this.src.slice(this.i, end < 0 ? undefined : end);
          this.i = end < 0 ? this.src.length : end + 2;
          for (const ch of text) body += lit(ch, true);
          continue;
        }
        body += this.classEscape(true);
        continue;
      }
      if (c === '-') {
        // A dash at either end of the class is literal.
        body += this.peek(1) === ']' || body === '' ? '\\-' : '-';
        this.i++;
        continue;
      }
      const cp = this.src.codePointAt(this.i) ?? 0;
      const ch = String.fromCodePoint(cp);
      this.i += ch.length;
      body += lit(ch, true);
    }
    if (body === '') return negate ? '(?s:.)' : '[^\\x00-\\x{10FFFF}]';
    return `[${negate ? '^' : ''}${body}]`;
  }
}

/** A translated pattern: RE2 source without any capturing group (`source`), and, when the pattern
 * has a `$` rewritten to match its line terminator, the same with that terminator captured
 * (`withGroups`, groups `dollarGroups`); re2js flags. */
export interface TranslatedRegex {
  source: string;
  withGroups: string | null;
  flags: number;
  dollarGroups: readonly number[];
}

/** Java regex → RE2 source (as re2js reads it). Throws RegexError naming what it cannot run. */
export function translateJavaRegex(pattern: string): TranslatedRegex {
  const t = new Translator(pattern);
  const out = t.translate();
  const dollar = t.dollarGroups.length > 0;
  return {
    source: out.split(DOLLAR_GROUP).join('(?:'),
    withGroups: dollar ? out.split(DOLLAR_GROUP).join('(') : null,
    flags: t.lookbehind ? RE2JS.LOOKBEHINDS : 0,
    dollarGroups: t.dollarGroups,
  };
}

interface Compiled {
  /** No capturing group: re2js finds the match bounds with its DFA (exec). */
  re: RE2JS;
  /** With the `$` terminators captured, run only when a match ends in a line terminator. */
  withGroups: RE2JS | null;
  dollarGroups: readonly number[];
}

/** Compiled patterns by source. Each may grow a lazy DFA of up to 8 MB (re2js' default), so the
 * cache stays small: a script making a new pattern on every bar cannot pile them up. */
const CACHE = new Map<string, Compiled | RegexError>();
const CACHE_SIZE = 32;

/** Compiles (and caches) a Pine regex; throws RegexError for patterns it cannot run. */
export function compileJavaRegex(pattern: string): Compiled {
  const hit = CACHE.get(pattern);
  if (hit instanceof RegexError) throw hit;
  if (hit) return hit;
  let result: Compiled | RegexError;
  try {
    const t = translateJavaRegex(pattern);
    result = {
      re: RE2JS.compile(t.source, t.flags),
      withGroups: t.withGroups === null ? null : RE2JS.compile(t.withGroups, t.flags),
      dollarGroups: t.dollarGroups,
    };
  } catch (e) {
    result = e instanceof RegexError ? e : new RegexError(`Invalid regular expression '${pattern}': ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (CACHE.size >= CACHE_SIZE) CACHE.clear();
  CACHE.set(pattern, result);
  if (result instanceof RegexError) throw result;
  return result;
}

/** str.match: the first substring matching `pattern`, or "" when nothing matches. Linear in the
 * length of `source` whatever the pattern. */
export function javaRegexMatch(source: string, pattern: string): string {
  const { re, withGroups, dollarGroups } = compileJavaRegex(pattern);
  // re2js types exec's result loosely; it mirrors RegExpExecArray (UTF-16 `index`).
  const found = re.exec(source) as (string[] & { index: number }) | null;
  if (!found) return '';
  const text = found[0] ?? '';
  if (withGroups === null || !LINE_END.test(text)) return text;
  // The match ends in a line terminator, which a `$` may have matched: find the same match with
  // the terminators captured, and end it where the `$`'s terminator starts.
  const m = withGroups.matcher(source);
  if (!m.find(found.index)) return text;
  let end = m.end();
  for (const g of dollarGroups) {
    const gs = m.start(g);
    if (gs >= 0 && m.end(g) > gs) end = gs;
  }
  return source.slice(m.start(), end);
}

const LINE_END = /[\n\r\u0085\u2028\u2029]$/;
