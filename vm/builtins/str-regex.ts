// Translates Pine's regular expressions (java.util.regex syntax, as the User Manual's "Regex syntax
// reference" lists it) into JavaScript RegExp source with the 'u' flag, for str.match.
//
// Exact: \Q…\E, \A \z \Z, ^ and $ with and without (?m), . with and without (?s), (?x) comments
// and whitespace, \h \H \v \V \R, Java's ASCII \s, \x{…}, octal \0oo, \a \e, atomic groups (?>…)
// and possessive quantifiers (emulated with a lookahead and a backreference; capture groups are
// renumbered so Java's \1… still point at the right group), named groups, lookbehind, POSIX
// classes \p{Alpha}…, Unicode categories and scripts \p{L} \p{IsLatin}, nested class unions
// [a-z[A-Z]].
// Approximate: (?i) anywhere turns on case-insensitive matching for the whole pattern (JavaScript
// has no scoped flags before ES2025), and (?U) widens \d \w \s only.
// Refused with a RegexError naming the feature: class intersections (&&), \G, Unicode blocks
// (\p{InBasicLatin}), negated nested classes.

export class RegexError extends Error {}

interface GroupRef {
  name: string | null;
  /** JS group number, assigned when the token list is rendered. */
  no: number;
}

type Token = string | { open: GroupRef; prefix: string } | { ref: GroupRef | null };

interface Flags {
  s: boolean;
  m: boolean;
  x: boolean;
  U: boolean;
}

interface Frame {
  start: number;
  flags: Flags;
  atomic: GroupRef | null;
}

const LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
const JAVA_SPACE = '\\t\\n\\x0B\\f\\r ';
const HSPACE = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const VSPACE = '\\n\\x0B\\f\\r\\u0085\\u2028\\u2029';

/** POSIX and java.lang.Character classes as class contents (no brackets). */
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
  javaMirrored: '\\p{Bidi_Mirrored}',
};

const CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'LC', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So',
  'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
]);

const BINARY_PROPS: Record<string, string> = {
  alphabetic: 'Alphabetic',
  ideographic: 'Ideographic',
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
  join_control: 'Join_Control',
  joincontrol: 'Join_Control',
  noncharacter_code_point: 'Noncharacter_Code_Point',
  assigned: 'Assigned',
  emoji: 'Emoji',
};

/** Escapes one code point for a JS 'u' pattern ('-' only needs it inside a class). */
function lit(ch: string, inClass = false): string {
  if (/[\^$\\.*+?()[\]{}|/]/.test(ch) || (inClass && ch === '-')) return `\\${ch}`;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return ch;
}

class Translator {
  private i = 0;
  private readonly out: Token[] = [];
  private readonly groups: GroupRef[] = [];
  private readonly stack: Frame[] = [];
  private flags: Flags = { s: false, m: false, x: false, U: false };
  private atomStart = -1;
  ignoreCase = false;

  constructor(private readonly src: string) {}

  private peek(k = 0): string {
    return this.src.charAt(this.i + k);
  }

  private err(what: string): never {
    throw new RegexError(`Invalid regular expression '${this.src}': ${what}.`);
  }

  translate(): string {
    const n = this.src.length;
    while (this.i < n) this.step();
    if (this.stack.length > 0) this.err('unclosed group');
    // Number the groups first: a possessive wrapper inserted before earlier groups shifts them.
    let no = 0;
    for (const t of this.out) if (typeof t !== 'string' && 'open' in t) t.open.no = ++no;
    let s = '';
    for (const t of this.out) {
      if (typeof t === 'string') s += t;
      else if ('open' in t) s += t.prefix;
      else s += t.ref ? `(?:\\${t.ref.no})` : '(?!)';
    }
    return s;
  }

  private emitAtom(...tokens: Token[]): void {
    this.atomStart = this.out.length;
    this.out.push(...tokens);
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
        this.emitAtom(this.flags.s ? '[\\s\\S]' : `[^${LINE_TERMINATORS}]`);
        return;
      case '^':
        this.i++;
        this.out.push(this.flags.m ? `(?<=^|[${LINE_TERMINATORS}])` : '(?<![\\s\\S])');
        this.atomStart = -1;
        return;
      case '$':
        this.i++;
        this.out.push(
          this.flags.m
            ? `(?=[${LINE_TERMINATORS}]|(?![\\s\\S]))`
            : `(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![\\s\\S]))`,
        );
        this.atomStart = -1;
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
        this.out.push('|');
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

  private quantifier(): void {
    const start = this.i;
    const c = this.peek();
    if (c === '{') {
      const end = this.src.indexOf('}', this.i);
      this.i = end + 1;
    } else this.i++;
    let q = this.src.slice(start, this.i);
    if (this.atomStart < 0) this.err(`nothing to repeat before '${q}' at ${start}`);
    if (this.peek() === '?') {
      q += '?';
      this.i++;
      this.out.push(q);
    } else if (this.peek() === '+') {
      this.i++;
      // Possessive: X*+ matches like the atomic group (?>X*).
      const w: GroupRef = { name: null, no: 0 };
      const atom = this.out.splice(this.atomStart);
      this.out.push('(?=', { open: w, prefix: '(' }, ...atom, q, '))', { ref: w });
    } else this.out.push(q);
    this.atomStart = -1;
  }

  private group(): void {
    this.i++;
    const frame: Frame = { start: this.out.length, flags: { ...this.flags }, atomic: null };
    if (this.peek() !== '?') {
      const g: GroupRef = { name: null, no: 0 };
      this.groups.push(g);
      this.out.push({ open: g, prefix: '(' });
      this.stack.push(frame);
      return;
    }
    this.i++;
    const rest = this.src.slice(this.i);
    let m: RegExpExecArray | null;
    if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!')) {
      this.out.push(`(?${rest.charAt(0)}`);
      this.i++;
    } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
      this.out.push(`(?${rest.slice(0, 2)}`);
      this.i += 2;
    } else if ((m = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(rest))) {
      const g: GroupRef = { name: m[1] ?? '', no: 0 };
      this.groups.push(g);
      this.out.push({ open: g, prefix: `(?<${g.name}>` });
      this.i += m[0].length;
    } else if (rest.startsWith('>')) {
      const w: GroupRef = { name: null, no: 0 };
      frame.atomic = w;
      this.out.push('(?=', { open: w, prefix: '(' });
      this.i++;
    } else if ((m = /^([imsxuUd]*)(?:-([imsxuUd]*))?([:)])/.exec(rest))) {
      const on = m[1] ?? '';
      const off = m[2] ?? '';
      this.i += m[0].length;
      const apply = (f: Flags) => {
        for (const ch of on) this.setFlag(f, ch, true);
        for (const ch of off) this.setFlag(f, ch, false);
      };
      if (m[3] === ')') {
        // (?flags) applies from here to the end of the enclosing group.
        apply(this.flags);
        return;
      }
      this.stack.push(frame);
      apply(this.flags);
      this.out.push('(?:');
      return;
    } else this.err(`unknown group syntax '(?${rest.slice(0, 3)}' at ${this.i - 2}`);
    this.stack.push(frame);
  }

  private setFlag(f: Flags, ch: string, on: boolean): void {
    if (ch === 'i') {
      if (on) this.ignoreCase = true;
    } else if (ch === 's') f.s = on;
    else if (ch === 'm') f.m = on;
    else if (ch === 'x') f.x = on;
    else if (ch === 'U') f.U = on;
  }

  private closeGroup(): void {
    this.i++;
    const frame = this.stack.pop();
    if (!frame) this.err(`unmatched ')' at ${this.i - 1}`);
    if (frame.atomic) this.out.push('))', { ref: frame.atomic });
    else this.out.push(')');
    this.flags = frame.flags;
    this.atomStart = frame.start;
  }

  /** Reads an escape after '\\' (outside classes). */
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
        this.out.push('(?<![\\s\\S])');
        this.atomStart = -1;
        return;
      case 'z':
        this.out.push('(?![\\s\\S])');
        this.atomStart = -1;
        return;
      case 'Z':
        this.out.push(`(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![\\s\\S]))`);
        this.atomStart = -1;
        return;
      case 'b':
      case 'B':
        this.out.push(`\\${c}`);
        this.atomStart = -1;
        return;
      case 'G':
        this.err("'\\G' (end of the previous match) is not supported");
        return;
      case 'R':
        this.emitAtom(`(?:\\r\\n|[${VSPACE}])`);
        return;
      case 'k': {
        const m = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(this.src.slice(this.i));
        if (!m) this.err("'\\k' must be followed by a group name like \\k<name>");
        this.i += m[0].length;
        const g = this.groups.find((x) => x.name === m[1]);
        if (!g) this.err(`no group named '${m[1] ?? ''}'`);
        this.emitAtom({ ref: g });
        return;
      }
      default:
        break;
    }
    if (c >= '1' && c <= '9') {
      let num = Number(c);
      while (/\d/.test(this.peek()) && num * 10 + Number(this.peek()) <= this.groups.length) {
        num = num * 10 + Number(this.peek());
        this.i++;
      }
      this.emitAtom({ ref: this.groups[num - 1] ?? null });
      return;
    }
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
        return this.flags.U ? wrap('\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}', false) : '\\w';
      case 'W':
        return this.flags.U && !inClass ? '[^\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]' : '\\W';
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
          if (end < 0 || !/^[0-9a-fA-F]+$/.test(hex)) this.err("bad '\\x{...}' escape");
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
    const posix = POSIX[name] ?? (name.startsWith('Is') ? POSIX[name.slice(2)] : undefined);
    if (posix !== undefined) {
      if (posix.startsWith('\\p')) return negate ? `\\P${posix.slice(2)}` : posix;
      if (inClass) {
        if (negate) this.err(`'\\P{${name}}' cannot be used inside a character class`);
        return posix;
      }
      return `[${negate ? '^' : ''}${posix}]`;
    }
    const eq = /^(?:gc|general_category|sc|script|blk|block)=(.+)$/i.exec(name);
    if (eq) {
      const key = name.slice(0, name.indexOf('=')).toLowerCase();
      const val = eq[1] ?? '';
      if (key === 'blk' || key === 'block') this.err(`Unicode blocks ('\\p{${name}}') are not supported`);
      return key === 'gc' || key === 'general_category' ? `\\${P}{gc=${val}}` : `\\${P}{Script=${val}}`;
    }
    if (name.startsWith('In')) this.err(`Unicode blocks ('\\p{${name}}') are not supported`);
    const bare = name.startsWith('Is') ? name.slice(2) : name;
    if (CATEGORIES.has(bare)) return `\\${P}{${bare}}`;
    const bin = BINARY_PROPS[bare.toLowerCase()];
    if (bin !== undefined) return `\\${P}{${bin}}`;
    if (name.startsWith('Is')) return `\\${P}{Script=${bare}}`;
    this.err(`unknown character property '\\p{${name}}'`);
  }

  /** Reads a class after '[' up to its ']' and returns the JS class. */
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
    return `[${negate ? '^' : ''}${body}]`;
  }
}

export interface TranslatedRegex {
  source: string;
  flags: string;
}

/** Java regex → JS RegExp source and flags ('u', plus 'i' when the pattern asks for it). */
export function translateJavaRegex(pattern: string): TranslatedRegex {
  const t = new Translator(pattern);
  const source = t.translate();
  return { source, flags: t.ignoreCase ? 'iu' : 'u' };
}

const CACHE = new Map<string, RegExp | RegexError>();

/** Compiles (and caches) a Pine regex; throws RegexError for patterns it cannot express. */
export function compileJavaRegex(pattern: string): RegExp {
  const hit = CACHE.get(pattern);
  if (hit instanceof RegExp) return hit;
  if (hit) throw hit;
  let result: RegExp | RegexError;
  try {
    const t = translateJavaRegex(pattern);
    result = new RegExp(t.source, t.flags);
  } catch (e) {
    result = e instanceof RegexError ? e : new RegexError(`Invalid regular expression '${pattern}': ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (CACHE.size > 500) CACHE.clear();
  CACHE.set(pattern, result);
  if (result instanceof RegexError) throw result;
  return result;
}

/** str.match: the first substring matching `pattern`, or "" when nothing matches. */
export function javaRegexMatch(source: string, pattern: string): string {
  const re = compileJavaRegex(pattern);
  re.lastIndex = 0;
  const m = re.exec(source);
  return m ? m[0] : '';
}
