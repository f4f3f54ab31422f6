// Text formatting shared by str.tostring, str.format, str.format_time and log.*: Java-style decimal
// patterns ("#.##", "0.000", "#,###.##", "#.##%", "0.###E0", "'$'#,###.00"), the format.* presets,
// MessageFormat placeholders ({0}, {0,number,#.#}, {0,date,...}, {0,choice,...}) and
// SimpleDateFormat-style date patterns. Everything here is a pure function of its arguments.
//
// Choices where Pine's documentation is silent, applied everywhere the same way:
// - Rounding is half away from zero on the exact binary value of the double (what "ties rounding
//   up" in the math.round / format.mintick reference pages says, and what JS toFixed does):
//   0.125 with "#.##" gives "0.13", 2.5 with "#" gives "3", but 1.005 with "#.##" gives "1" because
//   the double 1.005 is 1.00499999999999989...
// - A number whose integer part is zero prints one "0" even when the pattern has no '0' before the
//   point: 0.5 with "#.##" is "0.5" (Java would print ".5").
// - A negative value that rounds to zero prints without a sign ("0", not "-0").
// - Digits come from the shortest representation that round-trips (String(x)), so 0.1 with twenty
//   fraction digits is "0.1", not the binary expansion.

import { StringLengthError } from './limits.js';

/** Values of the format.* constants. */
export const FORMAT = {
  inherit: 'inherit',
  price: 'price',
  volume: 'volume',
  percent: 'percent',
  mintick: 'mintick',
} as const;

/** str.tostring's default pattern (User Manual, Strings: "The default numeric format is
 * `#.########`"). */
export const TOSTRING_DEFAULT_PATTERN = '#.########';
/** str.format's default for numbers (User Manual, Strings: "default numeric format (`#,###.###`)"). */
export const MESSAGE_DEFAULT_NUMBER_PATTERN = '#,###.###';
/** str.format presets (User Manual, Strings: integer `#,###`, currency `'$'#,###.00`, percent `#,###%`). */
export const MESSAGE_INTEGER_PATTERN = '#,###';
export const MESSAGE_CURRENCY_PATTERN = "'$'#,###.00";
export const MESSAGE_PERCENT_PATTERN = '#,###%';

// ---------------------------------------------------------------------------------------------
// Decimal digits

/** Decimal digits of a non-negative finite double from its shortest round-trip form: the integer
 * digits without leading zeros ("" for zero) and the fraction digits without trailing zeros. */
export function shortestDigits(v: number): { int: string; frac: string } {
  const s = String(v);
  const e = s.indexOf('e');
  let mant = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  let point = dot < 0 ? mant.length : dot;
  mant = mant.replace('.', '');
  point += exp;
  let int: string;
  let frac: string;
  if (point <= 0) {
    int = '';
    frac = '0'.repeat(-point) + mant;
  } else if (point >= mant.length) {
    int = mant + '0'.repeat(point - mant.length);
    frac = '';
  } else {
    int = mant.slice(0, point);
    frac = mant.slice(point);
  }
  int = int.replace(/^0+/, '');
  frac = frac.replace(/0+$/, '');
  return { int, frac };
}

/** Rounds a non-negative finite double to `n` fraction digits, half away from zero on the exact
 * binary value. Returns the integer digits ("" for zero) and exactly `n` fraction digits. */
export function roundDigits(v: number, n: number): { int: string; frac: string } {
  const d = shortestDigits(v);
  if (d.frac.length <= n) return { int: d.int, frac: d.frac.padEnd(n, '0') };
  if (n <= 100) {
    // v has a fractional part, so v < 2^53 and toFixed prints plain digits.
    const s = v.toFixed(n);
    const dot = s.indexOf('.');
    const int = (dot < 0 ? s : s.slice(0, dot)).replace(/^0+/, '');
    return { int, frac: dot < 0 ? '' : s.slice(dot + 1) };
  }
  // More than 100 fraction digits: round the shortest digits, half up.
  const all = d.int + d.frac;
  const keep = d.int.length + n;
  const up = (all.charCodeAt(keep) ?? 48) >= 53;
  let digits = all.slice(0, keep);
  if (up) digits = incrementDigits(digits);
  const intLen = digits.length - n;
  return { int: digits.slice(0, intLen).replace(/^0+/, ''), frac: digits.slice(intLen) };
}

function incrementDigits(s: string): string {
  const a = s.split('');
  let i = a.length - 1;
  for (; i >= 0; i--) {
    if (a[i] === '9') a[i] = '0';
    else {
      a[i] = String.fromCharCode((a[i] ?? '0').charCodeAt(0) + 1);
      break;
    }
  }
  return i < 0 ? `1${a.join('')}` : a.join('');
}

/** Number of fraction digits in a value's shortest form: 0.25 → 2, 1e-5 → 5, 1 → 0. */
export function fractionDigits(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return shortestDigits(Math.abs(v)).frac.length;
}

// ---------------------------------------------------------------------------------------------
// Decimal patterns

interface NumberPattern {
  posPrefix: string;
  posSuffix: string;
  negPrefix: string;
  negSuffix: string;
  minInt: number;
  /** Count of '#' and '0' before the point (used by exponent patterns). */
  maxIntPattern: number;
  minFrac: number;
  maxFrac: number;
  /** Digits per group, 0 when the pattern has no ','. */
  grouping: number;
  multiplier: number;
  /** The pattern ends its number part with a '.' and no fraction digits. */
  decimalAlways: boolean;
  /** Minimum exponent digits, or -1 without 'E'. */
  expDigits: number;
}

const PATTERN_CACHE = new Map<string, NumberPattern>();

/** Parses a Java DecimalFormat-style pattern. Never throws: characters that do not belong to the
 * number part are kept as literal prefix or suffix text. */
export function parseNumberPattern(pattern: string): NumberPattern {
  const cached = PATTERN_CACHE.get(pattern);
  if (cached) return cached;
  const p: NumberPattern = {
    posPrefix: '',
    posSuffix: '',
    negPrefix: '',
    negSuffix: '',
    minInt: 0,
    maxIntPattern: 0,
    minFrac: 0,
    maxFrac: 0,
    grouping: 0,
    multiplier: 1,
    decimalAlways: false,
    expDigits: -1,
  };
  let i = 0;
  const n = pattern.length;
  // Affix reader: stops at an unquoted number character (or ';' / end).
  const readAffix = (stopAtNumber: boolean): string => {
    let out = '';
    let quoted = false;
    while (i < n) {
      const c = pattern.charAt(i);
      if (c === "'") {
        if (pattern.charAt(i + 1) === "'") {
          out += "'";
          i += 2;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      if (!quoted) {
        if (c === ';') break;
        if (stopAtNumber && (c === '#' || c === '0' || c === ',' || c === '.')) break;
        if (c === '%') p.multiplier = 100;
        else if (c === '\u2030') p.multiplier = 1000;
        else if (c === '\u00a4') {
          out += '$';
          i++;
          continue;
        }
      }
      out += c;
      i++;
    }
    return out;
  };
  p.posPrefix = readAffix(true);
  // Number part.
  let intDigits = 0;
  let lastComma = -1;
  let sawPoint = false;
  let fracZeros = 0;
  let fracHashes = 0;
  let intZeros = 0;
  while (i < n) {
    const c = pattern.charAt(i);
    if (!sawPoint && (c === '#' || c === '0')) {
      if (c === '0') intZeros++;
      intDigits++;
      i++;
    } else if (!sawPoint && c === ',') {
      lastComma = intDigits;
      i++;
    } else if (!sawPoint && c === '.') {
      sawPoint = true;
      i++;
    } else if (sawPoint && (c === '#' || c === '0')) {
      if (c === '0') fracZeros++;
      else fracHashes++;
      i++;
    } else if (c === 'E' && pattern.charAt(i + 1) === '0') {
      i++;
      let e = 0;
      while (pattern.charAt(i) === '0') {
        e++;
        i++;
      }
      p.expDigits = e;
      break;
    } else break;
  }
  p.minInt = intZeros;
  p.maxIntPattern = intDigits;
  p.minFrac = fracZeros;
  p.maxFrac = fracZeros + fracHashes;
  p.grouping = lastComma >= 0 ? intDigits - lastComma : 0;
  p.decimalAlways = sawPoint && p.maxFrac === 0;
  p.posSuffix = readAffix(false);
  if (pattern.charAt(i) === ';') {
    i++;
    // Only the negative subpattern's affixes matter; its number part is ignored, as in Java.
    p.negPrefix = readAffix(true);
    while (i < n && '#0,.E'.includes(pattern.charAt(i))) i++;
    p.negSuffix = readAffix(false);
  } else {
    p.negPrefix = `-${p.posPrefix}`;
    p.negSuffix = p.posSuffix;
  }
  PATTERN_CACHE.set(pattern, p);
  return p;
}

function group(int: string, size: number): string {
  if (size <= 0 || int.length <= size) return int;
  let out = '';
  let first = int.length % size;
  if (first === 0) first = size;
  out = int.slice(0, first);
  for (let k = first; k < int.length; k += size) out += `,${int.slice(k, k + size)}`;
  return out;
}

function trimFrac(frac: string, minFrac: number): string {
  let end = frac.length;
  while (end > minFrac && frac.charCodeAt(end - 1) === 48) end--;
  return frac.slice(0, end);
}

/** Formats a number with a decimal pattern. na is "NaN"; infinities are "∞" with the affixes. */
export function formatNumber(value: number, pattern: string): string {
  if (value !== value) return 'NaN';
  const p = parseNumberPattern(pattern);
  let v = value * p.multiplier;
  const negative = v < 0;
  v = Math.abs(v);
  let body: string;
  if (v === Infinity) body = '\u221e';
  else if (p.expDigits >= 0) body = formatScientific(v, p);
  else {
    const r = roundDigits(v, p.maxFrac);
    const frac = trimFrac(r.frac, p.minFrac);
    let int = r.int.padStart(p.minInt, '0');
    if (int === '') int = '0';
    body = group(int, p.grouping);
    if (frac !== '' || p.decimalAlways) body += `.${frac}`;
  }
  const isZero = !/[1-9\u221e]/.test(body);
  return negative && !isZero ? p.negPrefix + body + p.negSuffix : p.posPrefix + body + p.posSuffix;
}

function formatScientific(v: number, p: NumberPattern): string {
  const intCount = Math.max(1, p.minInt);
  let exp = 0;
  let int = '0';
  let frac = '0'.repeat(p.maxFrac);
  if (v !== 0) {
    exp = Math.floor(Math.log10(v)) - (intCount - 1);
    for (let tries = 0; tries < 3; tries++) {
      const mant = exp >= 0 ? v / 10 ** exp : v * 10 ** -exp;
      const r = roundDigits(mant, p.maxFrac);
      const digits = r.int === '' ? '0' : r.int;
      if (digits.length > intCount) {
        exp++;
        continue;
      }
      if (digits.length < intCount && digits !== '0' && tries < 2) {
        exp--;
        continue;
      }
      int = digits;
      frac = r.frac;
      break;
    }
  }
  frac = trimFrac(frac, p.minFrac);
  let body = int.padStart(p.minInt, '0');
  if (frac !== '' || p.decimalAlways) body += `.${frac}`;
  const e = String(Math.abs(exp)).padStart(p.expDigits, '0');
  return `${body}E${exp < 0 ? '-' : ''}${e}`;
}

// ---------------------------------------------------------------------------------------------
// str.tostring

/** Rounds to a multiple of `mintick`, ties away from zero (Reference, math.round_to_mintick and
 * format.mintick: "with ties rounding up"). Returns the value unchanged when mintick is not a
 * positive number. */
export function roundToMintick(value: number, mintick: number): number {
  if (value !== value) return NaN;
  if (!(mintick > 0) || !Number.isFinite(mintick)) return value;
  const k = Math.sign(value) * Math.round(Math.abs(value) / mintick);
  const inv = Math.round(1 / mintick);
  // Dividing by an integral 1/mintick avoids products like 3 * 0.1 = 0.30000000000000004.
  if (inv > 0 && Math.abs(inv * mintick - 1) < 1e-12) return k / inv;
  return k * mintick;
}

/** str.tostring(value) for int and float: "#.########", na → "NaN". */
export function numberToString(value: number): string {
  return formatNumber(value, TOSTRING_DEFAULT_PATTERN);
}

/** str.tostring(value, format) for int and float. `format` is a decimal pattern or one of the
 * format.* constants; `mintick` is syminfo.mintick. */
export function numberToStringFormat(value: number, format: string | null, mintick: number): string {
  if (value !== value) return 'NaN';
  switch (format) {
    case null:
    case '':
    case FORMAT.inherit:
      return numberToString(value);
    case FORMAT.mintick:
    case FORMAT.price: {
      if (!(mintick > 0)) return numberToString(value);
      const decimals = fractionDigits(mintick);
      const pattern = decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0';
      return formatNumber(format === FORMAT.mintick ? roundToMintick(value, mintick) : value, pattern);
    }
    case FORMAT.percent:
      // Reference, format.percent: "adds a percent sign after values"; default precision 2.
      return formatNumber(value, "0.00'%'");
    case FORMAT.volume:
      return volumeToString(value);
    default:
      return formatNumber(value, format);
  }
}

/** format.volume: thousands as K, millions as M, billions as B, trillions as T (Reference,
 * format.volume: "'5183' will be formatted as '5.183K'"), up to three fraction digits. */
export function volumeToString(value: number): string {
  if (value !== value) return 'NaN';
  const a = Math.abs(value);
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [scale, letter] of units) {
    if (a >= scale) return formatNumber(value / scale, `#.###'${letter}'`);
  }
  return formatNumber(value, '#.###');
}

/** Elements of an array as Pine prints them: "[1, 2.5, NaN]", strings unquoted. */
export function listToString(items: readonly unknown[], fmt: (v: number) => string, maxLength = Infinity): string {
  const parts = items.map((x) => valueToString(x, fmt, maxLength));
  // The parts are references to existing strings or short numbers: measured before joining, so
  // that 100,000 long strings are never joined into one huge text.
  let total = 2 + 2 * Math.max(0, parts.length - 1);
  for (const p of parts) total += p.length;
  if (total > maxLength) throw new StringLengthError();
  return `[${parts.join(', ')}]`;
}

/** A boxed value (see registry.ts, `any` parameters) as text: numbers through `fmt`, booleans as
 * "true"/"false", na string as "NaN", arrays as lists. */
export function valueToString(x: unknown, fmt: (v: number) => string = numberToString, maxLength = Infinity): string {
  if (typeof x === 'number') return fmt(x);
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (typeof x === 'string') return x;
  if (x === null || x === undefined) return 'NaN';
  if (typeof x === 'object' && 'kind' in x && 'items' in x && Array.isArray(x.items)) {
    return listToString(x.items, fmt, maxLength);
  }
  return String(x);
}

// ---------------------------------------------------------------------------------------------
// Dates

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const DAY_MS = 86400000;

/** Week of year as Java's US calendar counts it: weeks start on Sunday and week 1 is the week
 * that contains January 1. `y`, `doy` (0-based) and `dow` (0 = Sunday) are of the local date. */
function weekOfYear(y: number, doy: number, dow: number): number {
  const jan1Dow = (((dow - doy) % 7) + 7) % 7;
  const week = Math.floor((doy + jan1Dow) / 7) + 1;
  // The last days of December belong to week 1 of the next year when that week holds Jan 1.
  const daysInYear = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365;
  const nextJan1Dow = (jan1Dow + daysInYear) % 7;
  if (doy >= daysInYear - nextJan1Dow && nextJan1Dow !== 0) return 1;
  return week;
}

function offsetText(offsetMs: number, colon: boolean): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const m = Math.round(Math.abs(offsetMs) / 60000);
  const hh = String(Math.floor(m / 60)).padStart(2, '0');
  const mm = String(m % 60).padStart(2, '0');
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}

/** Formats a UNIX time (ms) with a SimpleDateFormat-style pattern, in a zone `offsetMs` away from
 * UTC. Letters: G y Y M L w W D d F E u a H k K h m s S z Z X; text in '...' is literal and ''
 * is a quote. Other letters are copied as they are. na time gives "NaN". */
export function formatDate(ms: number, pattern: string, offsetMs: number): string {
  if (ms !== ms || !Number.isFinite(ms)) return 'NaN';
  const t = new Date(ms + offsetMs);
  const y = t.getUTCFullYear();
  const mon = t.getUTCMonth();
  const d = t.getUTCDate();
  const dow = t.getUTCDay();
  const doy = Math.floor((Date.UTC(y, mon, d) - Date.UTC(y, 0, 1)) / DAY_MS);
  const H = t.getUTCHours();
  const mi = t.getUTCMinutes();
  const s = t.getUTCSeconds();
  const S = t.getUTCMilliseconds();
  const pad = (v: number, n: number) => String(v).padStart(n, '0');
  let out = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern.charAt(i + 1) === "'") {
        out += "'";
        i += 2;
        continue;
      }
      // A quoted run; inside it '' is one quote.
      i++;
      while (i < n) {
        if (pattern.charAt(i) === "'") {
          if (pattern.charAt(i + 1) === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += pattern.charAt(i);
        i++;
      }
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let count = 1;
    while (pattern.charAt(i + count) === c) count++;
    i += count;
    switch (c) {
      case 'G':
        out += y > 0 ? 'AD' : 'BC';
        break;
      case 'y':
      case 'Y':
        out += count === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, count);
        break;
      case 'M':
      case 'L':
        if (count >= 4) out += MONTHS[mon] ?? '';
        else if (count === 3) out += (MONTHS[mon] ?? '').slice(0, 3);
        else out += pad(mon + 1, count);
        break;
      case 'w':
        out += pad(weekOfYear(y, doy, dow), count);
        break;
      case 'W': {
        const firstDow = (((dow - (d - 1)) % 7) + 7) % 7;
        out += pad(Math.floor((d - 1 + firstDow) / 7) + 1, count);
        break;
      }
      case 'D':
        out += pad(doy + 1, count);
        break;
      case 'd':
        out += pad(d, count);
        break;
      case 'F':
        out += pad(Math.floor((d - 1) / 7) + 1, count);
        break;
      case 'E':
        out += count >= 4 ? (DAYS[dow] ?? '') : (DAYS[dow] ?? '').slice(0, 3);
        break;
      case 'u':
        out += pad(dow === 0 ? 7 : dow, count);
        break;
      case 'a':
        out += H < 12 ? 'AM' : 'PM';
        break;
      case 'H':
        out += pad(H, count);
        break;
      case 'k':
        out += pad(H === 0 ? 24 : H, count);
        break;
      case 'K':
        out += pad(H % 12, count);
        break;
      case 'h':
        out += pad(H % 12 === 0 ? 12 : H % 12, count);
        break;
      case 'm':
        out += pad(mi, count);
        break;
      case 's':
        out += pad(s, count);
        break;
      case 'S':
        out += pad(S, count);
        break;
      case 'z':
        if (offsetMs === 0) out += count >= 4 ? 'Coordinated Universal Time' : 'UTC';
        else out += `GMT${offsetText(offsetMs, true)}`;
        break;
      case 'Z':
        out += offsetText(offsetMs, false);
        break;
      case 'X':
        if (offsetMs === 0) out += 'Z';
        else if (count === 1) out += offsetText(offsetMs, false).slice(0, 3);
        else out += offsetText(offsetMs, count >= 3);
        break;
      default:
        out += c.repeat(count);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// str.format (java.text.MessageFormat semantics, en-US, dates in UTC)

/** Thrown for malformed format strings; the registry adapter turns it into a runtime error. */
export class FormatError extends Error {}

const DATE_STYLES: Record<string, string> = {
  '': 'MMM d, yyyy',
  short: 'M/d/yy',
  medium: 'MMM d, yyyy',
  long: 'MMMM d, yyyy',
  full: 'EEEE, MMMM d, yyyy',
};
const TIME_STYLES: Record<string, string> = {
  '': 'h:mm:ss a',
  short: 'h:mm a',
  medium: 'h:mm:ss a',
  long: 'h:mm:ss a z',
  full: 'h:mm:ss a zzzz',
};

interface Placeholder {
  index: number;
  /** The placeholder's own text, for arguments that do not exist. */
  type: string;
  style: string;
}

/** Formats `pattern` with boxed arguments (numbers, booleans, strings, null for na, arrays), as
 * str.format documents: placeholders {i}, {i,number[,integer|currency|percent|pattern]},
 * {i,date[,short|medium|long|full|pattern]}, {i,time[,...]}, {i,choice,pattern}; an apostrophe
 * quotes (`''` is one apostrophe); a placeholder past the last argument stays as `{i}`; an
 * unbalanced `{` throws FormatError. Dates are in UTC. */
export function formatMessage(pattern: string, args: readonly unknown[], maxLength = Infinity): string {
  let out = '';
  let inQuote = false;
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern.charAt(i + 1) === "'") {
        out += "'";
        i += 2;
      } else {
        inQuote = !inQuote;
        i++;
      }
      continue;
    }
    if (c === '{' && !inQuote) {
      const r = readPlaceholder(pattern, i + 1);
      out += formatArgument(r.ph, args, maxLength);
      // Checked as it grows: "{0}{0}…" with a long argument would otherwise build a huge string.
      if (out.length > maxLength) throw new StringLengthError();
      i = r.end;
      continue;
    }
    out += c;
    i++;
  }
  if (out.length > maxLength) throw new StringLengthError();
  return out;
}

function readPlaceholder(pattern: string, start: number): { ph: Placeholder; end: number } {
  const segs = ['', '', ''];
  let part = 0;
  let depth = 0;
  let inQuote = false;
  for (let i = start; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (inQuote) {
      segs[part] += c;
      if (c === "'") inQuote = false;
      continue;
    }
    if (c === ',' && part < 2) {
      part++;
    } else if (c === '{') {
      depth++;
      segs[part] += c;
    } else if (c === '}') {
      if (depth === 0) {
        const idxText = (segs[0] ?? '').trim();
        if (!/^\d+$/.test(idxText)) {
          throw new FormatError(`Cannot format the string: the placeholder '{${segs.slice(0, part + 1).join(',')}}' must start with an argument number.`);
        }
        return {
          ph: { index: Number(idxText), type: (segs[1] ?? '').trim().toLowerCase(), style: (segs[2] ?? '').trim() },
          end: i + 1,
        };
      }
      depth--;
      segs[part] += c;
    } else {
      if (c === "'") inQuote = true;
      segs[part] += c;
    }
  }
  throw new FormatError('Cannot format the string: unmatched braces in the pattern.');
}

function formatArgument(ph: Placeholder, args: readonly unknown[], maxLength = Infinity): string {
  if (ph.index >= args.length) return `{${ph.index}}`;
  const arg = args[ph.index];
  switch (ph.type) {
    case '':
      return valueToString(arg, (v) => formatNumber(v, MESSAGE_DEFAULT_NUMBER_PATTERN), maxLength);
    case 'number': {
      const key = ph.style.toLowerCase();
      const pat =
        key === '' ? MESSAGE_DEFAULT_NUMBER_PATTERN
        : key === 'integer' ? MESSAGE_INTEGER_PATTERN
        : key === 'currency' ? MESSAGE_CURRENCY_PATTERN
        : key === 'percent' ? MESSAGE_PERCENT_PATTERN
        : ph.style;
      return valueToString(arg, (v) => formatNumber(v, pat), maxLength);
    }
    case 'date':
    case 'time': {
      const styles = ph.type === 'date' ? DATE_STYLES : TIME_STYLES;
      const pat = styles[ph.style.toLowerCase()] ?? ph.style;
      return valueToString(arg, (v) => formatDate(v, pat, 0), maxLength);
    }
    case 'choice':
      return valueToString(arg, (v) => formatChoice(v, ph.style, args), maxLength);
    default:
      throw new FormatError(`Cannot format the string: unknown format type '${ph.type}' in placeholder {${ph.index},${ph.type}}.`);
  }
}

/** ChoiceFormat: "0#none|1#one|1<many {0}" picks the last limit not above the value. */
function formatChoice(v: number, style: string, args: readonly unknown[]): string {
  const options: Array<{ limit: number; text: string }> = [];
  for (const part of splitChoice(style)) {
    const m = /^\s*(-?\u221e|[+-]?[\d.]+(?:[eE][+-]?\d+)?)\s*([#<\u2264])([\s\S]*)$/.exec(part);
    if (!m) throw new FormatError(`Cannot format the string: bad choice pattern '${style}'.`);
    const lim = m[1] ?? '0';
    let limit = lim === '\u221e' ? Infinity : lim === '-\u221e' ? -Infinity : Number(lim);
    if (m[2] === '<') limit = nextUp(limit);
    options.push({ limit, text: m[3] ?? '' });
  }
  if (options.length === 0 || v !== v) return 'NaN';
  let pick = options[0];
  for (const o of options) if (v >= o.limit) pick = o;
  const text = pick ? pick.text : '';
  return text.includes('{') ? formatMessage(text, args) : text.replace(/''/g, "'");
}

function splitChoice(style: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of style) {
    if (c === '{') depth++;
    else if (c === '}') depth--;
    if (c === '|' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function nextUp(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] = (bits[0] ?? 0n) + (x > 0 ? 1n : -1n);
  return buf[0] ?? x;
}
