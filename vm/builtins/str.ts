// Pine's str.* namespace and the format.* constants. Strings are JS strings (UTF-16 code units,
// like Java's, so lengths and positions agree with Pine); na string is null. Formatting lives in
// format.ts, regex translation in str-regex.ts, time zones in time/tz.ts.

import { defineFn, defineVar } from './registry.js';
import type { Runtime } from '../core/runtime.js';
import { newArray } from '../core/heap.js';
import {
  FORMAT,
  FormatError,
  formatDate,
  formatMessage,
  numberToString,
  numberToStringFormat,
  valueToString,
} from './format.js';
import { RegexError, javaRegexMatch } from './str-regex.js';
import { TimeError } from './time/errors.js';
import { offsetAt, zoneOf } from './time/tz.js';
import { checkStringLength, failStringLength, MAX_STRING_LENGTH, noteAlloc, StringLengthError } from './limits.js';
import { MAX_ARRAY_SIZE } from './array.js';

// ---------------------------------------------------------------------------------------------
// str.format_time

/** str.format_time: `time` formatted with `format` in `timezone` (Reference: default format
 * "yyyy-MM-dd'T'HH:mm:ssZ", zones as "UTC-5", "GMT+0530" or IANA names). Zone rules are the time
 * builtins' (time/tz.ts); an unknown zone throws their TimeError. na time gives "NaN". */
export function formatTime(time: number, format: string, timezone: string): string {
  if (time !== time) return 'NaN';
  return formatDate(time, format, offsetAt(zoneOf(timezone), time));
}

// ---------------------------------------------------------------------------------------------
// Plain string functions (na string = null)

/** str.pos: first position of `needle`, 0 when it is na or empty, na when absent (User Manual,
 * Strings: "If the argument is na or an empty string value, the function returns 0"). */
export function strPos(source: string | null, needle: string | null): number {
  if (needle === null || needle === '') return 0;
  if (source === null) return NaN;
  const k = source.indexOf(needle);
  return k < 0 ? NaN : k;
}

/** str.replace: the `occurrence`-th (0-based) non-overlapping `target` replaced. An empty target
 * matches every boundary between characters, as Java's String.replace does. */
export function strReplace(source: string, target: string, replacement: string, occurrence: number): string {
  if (!(occurrence >= 0)) return source;
  if (target === '') {
    if (occurrence > source.length) return source;
    return source.slice(0, occurrence) + replacement + source.slice(occurrence);
  }
  let from = 0;
  for (let n = 0; ; n++) {
    const k = source.indexOf(target, from);
    if (k < 0) return source;
    if (n === occurrence) return source.slice(0, k) + replacement + source.slice(k + target.length);
    from = k + target.length;
  }
}

/** Length of str.replace_all's result, found without building it. */
export function replaceAllLength(source: string, target: string, replacement: string): number {
  if (target === '') return source.length + (source.length + 1) * replacement.length;
  let count = 0;
  for (let k = source.indexOf(target); k >= 0; k = source.indexOf(target, k + target.length)) count++;
  return source.length + count * (replacement.length - target.length);
}

/** Number of parts str.split makes, found without splitting. */
export function splitCount(source: string, separator: string): number {
  if (separator === '') return source.length;
  let count = 1;
  for (let k = source.indexOf(separator); k >= 0; k = source.indexOf(separator, k + separator.length)) count++;
  return count;
}

/** str.replace_all: every non-overlapping `target`; an empty target inserts the replacement at
 * every boundary ("abc" → "-a-b-c-"). */
export function strReplaceAll(source: string, target: string, replacement: string): string {
  if (target === '') {
    let out = replacement;
    for (const ch of source.split('')) out += ch + replacement;
    return out;
  }
  return source.split(target).join(replacement);
}

/** str.split: an empty separator splits into single characters. */
export function strSplit(source: string, separator: string): string[] {
  if (separator === '') return source.split('');
  return source.split(separator);
}

/** str.tonumber: digits with an optional leading sign and one decimal point (User Manual,
 * Strings: "the value's character sequence can include only ASCII digits, a sign symbol at the
 * beginning (+ or -), and a single period"); anything else is na. */
export function strToNumber(s: string | null): number {
  if (s === null || !/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(s)) return NaN;
  return Number(s);
}

/** str.trim: removes leading and trailing characters ≤ U+0020 (ASCII whitespace and controls). */
export function strTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.slice(a, b);
}

/** str.upper / str.lower change ASCII letters only (User Manual, Strings). */
export function asciiUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Registration

function str(rt: Runtime, i: number): string | null {
  const v = rt.o[i];
  return typeof v === 'string' ? v : null;
}

/** Runs a formatting step, turning format errors into Pine runtime errors. */
function guarded<T>(rt: Runtime, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TimeError) rt.fail(e.code, e.message);
    if (e instanceof FormatError) rt.fail('RT_FORMAT', e.message);
    if (e instanceof RegexError) rt.fail('RT_REGEX', e.message);
    throw e;
  }
}

/** The boxed variadic arguments of str.format / log.*: `count` registers from `a`. */
export function boxedArgs(rt: Runtime, a: number, count: number): unknown[] {
  const args: unknown[] = [];
  for (let k = 0; k < count; k++) args.push(rt.o[a + k] ?? null);
  return args;
}

/** str.format's work, shared with log.*: throws a runtime error for a malformed format string,
 * or one naming `fn` for a result longer than Pine's string limit. */
export function formatMessageRt(rt: Runtime, pattern: string | null, args: readonly unknown[], fn = 'str.format'): string {
  if (pattern === null) return 'NaN';
  try {
    return sized(rt, guarded(rt, () => formatMessage(pattern, args, MAX_STRING_LENGTH)), fn);
  } catch (e) {
    if (e instanceof StringLengthError) failStringLength(rt, null, fn);
    throw e;
  }
}

/** A string result of `fn`, or a runtime error when it is longer than Pine's string limit (for
 * results whose size is bounded by their arguments, so that building them first is harmless). */
function sized(rt: Runtime, v: string, fn: string): string {
  checkStringLength(rt, v.length, fn);
  return v;
}

/** valueToString within Pine's string limit: an array's text is measured before it is built. */
function boundedText(rt: Runtime, v: unknown, fn: string, fmt?: (x: number) => string): string {
  try {
    return sized(rt, valueToString(v, fmt, MAX_STRING_LENGTH), fn);
  } catch (e) {
    if (e instanceof StringLengthError) failStringLength(rt, null, fn);
    throw e;
  }
}

let registered = false;

/** Defines every str.* function and the format.* constants in the registry (once). */
export function registerStr(): void {
  if (registered) return;
  registered = true;
  const pure = { pure: true };

  // str.tostring(value). int first: an int argument must not fall to the boxed `any` overload.
  for (const base of ['int', 'float']) {
    defineFn(`str.tostring(value: series ${base}): series string`, (rt, a, d) => {
      rt.o[d] = numberToString(rt.f[a] ?? NaN);
    }, pure);
  }
  defineFn('str.tostring(value: series bool): series string', (rt, a, d) => {
    rt.o[d] = (rt.f[a] ?? 0) !== 0 ? 'true' : 'false';
  }, pure);
  defineFn('str.tostring(value: series string): series string', (rt, a, d) => {
    rt.o[d] = str(rt, a);
  }, pure);
  // A color has no text form in Pine (str.tostring takes numbers, bools, strings, arrays and
  // matrices): without this overload it would fall to `any` and print the packed color value.
  const noColor = {
    rejectNote: 'str.tostring() does not accept a color: use color.r(), color.g(), color.b() and color.t() to show its parts.',
  };
  defineFn('str.tostring(value: series color): series string', (rt, _a, d) => {
    rt.o[d] = null;
  }, noColor);
  defineFn('str.tostring(value: series color, format: series string): series string', (rt, _a, d) => {
    rt.o[d] = null;
  }, noColor);
  defineFn('str.tostring(value: series any): series string', (rt, a, d) => {
    rt.o[d] = boundedText(rt, rt.o[a], 'str.tostring');
  }, pure);
  // With a format: simple and series only, and never folded (format.mintick reads syminfo).
  for (const q of ['simple', 'series']) {
    for (const base of ['int', 'float']) {
      defineFn(`str.tostring(value: ${q} ${base}, format: ${q} string): ${q} string`, (rt, a, d) => {
        rt.o[d] = sized(rt, numberToStringFormat(rt.f[a] ?? NaN, str(rt, a + 1), rt.syminfo.mintick), 'str.tostring');
      });
    }
    defineFn(`str.tostring(value: ${q} bool, format: ${q} string): ${q} string`, (rt, a, d) => {
      rt.o[d] = (rt.f[a] ?? 0) !== 0 ? 'true' : 'false';
    });
    defineFn(`str.tostring(value: ${q} string, format: ${q} string): ${q} string`, (rt, a, d) => {
      rt.o[d] = str(rt, a);
    });
    defineFn(`str.tostring(value: ${q} any, format: ${q} string): ${q} string`, (rt, a, d) => {
      const fmt = str(rt, a + 1);
      rt.o[d] = boundedText(rt, rt.o[a], 'str.tostring', (v) => numberToStringFormat(v, fmt, rt.syminfo.mintick));
    });
  }

  defineFn(
    'str.format(formatString: series string, ...arg: series any): series string',
    (rt, a, d, s) => {
      rt.o[d] = formatMessageRt(rt, str(rt, a), boxedArgs(rt, a + 1, s - 1));
    },
    pure,
  );

  defineFn('str.length(string: series string): series int', (rt, a, d) => {
    const v = str(rt, a);
    rt.f[d] = v === null ? NaN : v.length;
  }, pure);
  defineFn('str.contains(source: series string, str: series string): series bool', (rt, a, d) => {
    const s = str(rt, a);
    const t = str(rt, a + 1);
    rt.f[d] = s !== null && t !== null && s.includes(t) ? 1 : 0;
  }, pure);
  defineFn('str.startswith(source: series string, str: series string): series bool', (rt, a, d) => {
    const s = str(rt, a);
    const t = str(rt, a + 1);
    rt.f[d] = s !== null && t !== null && s.startsWith(t) ? 1 : 0;
  }, pure);
  defineFn('str.endswith(source: series string, str: series string): series bool', (rt, a, d) => {
    const s = str(rt, a);
    const t = str(rt, a + 1);
    rt.f[d] = s !== null && t !== null && s.endsWith(t) ? 1 : 0;
  }, pure);
  defineFn('str.pos(source: series string, str: series string): series int', (rt, a, d) => {
    rt.f[d] = strPos(str(rt, a), str(rt, a + 1));
  }, pure);
  defineFn(
    'str.replace(source: series string, target: series string, replacement: series string, occurrence: series int = 0): series string',
    (rt, a, d) => {
      const s = str(rt, a);
      const t = str(rt, a + 1);
      const r = str(rt, a + 2);
      if (s !== null && t !== null) checkStringLength(rt, s.length + Math.max(0, (r ?? '').length - t.length), 'str.replace');
      rt.o[d] = s === null || t === null ? s : strReplace(s, t, r ?? '', rt.f[a + 3] ?? NaN);
    },
    pure,
  );
  defineFn(
    'str.replace_all(source: series string, target: series string, replacement: series string): series string',
    (rt, a, d) => {
      const s = str(rt, a);
      const t = str(rt, a + 1);
      const r = str(rt, a + 2);
      if (s !== null && t !== null) checkStringLength(rt, (r ?? '').length > t.length ? replaceAllLength(s, t, r ?? '') : s.length, 'str.replace_all');
      rt.o[d] = s === null || t === null ? s : strReplaceAll(s, t, r ?? '');
    },
    pure,
  );
  const substring = (rt: Runtime, a: number, d: number, end: number) => {
    const s = str(rt, a);
    if (s === null) {
      rt.o[d] = null;
      return;
    }
    let begin = rt.f[a + 1] ?? NaN;
    if (begin !== begin) begin = 0;
    if (begin < 0 || begin > s.length) {
      rt.fail('RT_ARGUMENT', `Invalid value of the 'begin_pos' argument (${begin}) in 'str.substring': the string "${s}" has ${s.length} characters.`);
    }
    let stop = end !== end || end > s.length ? s.length : end;
    if (stop < begin) {
      rt.fail('RT_ARGUMENT', `Invalid value of the 'end_pos' argument (${end}) in 'str.substring': it is less than 'begin_pos' (${begin}).`);
    }
    stop = Math.trunc(stop);
    rt.o[d] = s.slice(Math.trunc(begin), stop);
  };
  defineFn('str.substring(source: series string, begin_pos: series int): series string', (rt, a, d) => {
    substring(rt, a, d, NaN);
  }, pure);
  defineFn(
    'str.substring(source: series string, begin_pos: series int, end_pos: series int): series string',
    (rt, a, d) => {
      substring(rt, a, d, rt.f[a + 2] ?? NaN);
    },
    pure,
  );
  defineFn('str.upper(source: series string): series string', (rt, a, d) => {
    const s = str(rt, a);
    if (s !== null) checkStringLength(rt, s.length, 'str.upper');
    rt.o[d] = s === null ? null : asciiUpper(s);
  }, pure);
  defineFn('str.lower(source: series string): series string', (rt, a, d) => {
    const s = str(rt, a);
    if (s !== null) checkStringLength(rt, s.length, 'str.lower');
    rt.o[d] = s === null ? null : asciiLower(s);
  }, pure);
  defineFn('str.trim(source: series string): series string', (rt, a, d) => {
    const s = str(rt, a);
    rt.o[d] = s === null ? null : strTrim(s);
  }, pure);
  defineFn('str.tonumber(string: series string): series float', (rt, a, d) => {
    rt.f[d] = strToNumber(str(rt, a));
  }, pure);
  defineFn(
    'str.repeat(source: series string, repeat: series int, separator: series string = ""): series string',
    (rt, a, d) => {
      const s = str(rt, a);
      const n = rt.f[a + 1] ?? NaN;
      if (s === null || n !== n) {
        rt.o[d] = null;
        return;
      }
      if (n < 0) {
        rt.fail('RT_ARGUMENT', `Invalid value of the 'repeat' argument (${n}) in 'str.repeat': it must be greater than or equal to 0.`);
      }
      const sep = str(rt, a + 2) ?? '';
      const count = Math.trunc(n);
      const length = count === 0 ? 0 : count * s.length + (count - 1) * sep.length;
      checkStringLength(rt, length, 'str.repeat');
      rt.o[d] = count === 0 ? '' : (s + sep).repeat(count - 1) + s;
    },
    pure,
  );
  // str.split makes a new array on every call, so it is never folded.
  defineFn('str.split(string: series string, separator: series string): array<string>', (rt, a, d) => {
    const s = str(rt, a);
    const sep = str(rt, a + 1) ?? '';
    if (s !== null) {
      const parts = splitCount(s, sep);
      if (parts > MAX_ARRAY_SIZE) {
        rt.fail('array-too-large', `'str.split()' would make an array of ${parts} elements: Pine arrays hold at most ${MAX_ARRAY_SIZE.toLocaleString('en-US')}.`);
      }
      noteAlloc(rt, parts * 8 + s.length * 2, 'str.split');
    }
    rt.o[d] = newArray(s === null ? [] : strSplit(s, sep));
  });
  for (const q of ['simple', 'series']) {
    defineFn(`str.match(source: ${q} string, regex: ${q} string): ${q} string`, (rt, a, d) => {
      const s = str(rt, a);
      const re = str(rt, a + 1);
      rt.o[d] = s === null || re === null ? '' : guarded(rt, () => javaRegexMatch(s, re));
    });
  }
  defineFn(
    'str.format_time(time: series int, format: series string = "yyyy-MM-dd\'T\'HH:mm:ssZ", timezone: series string = syminfo.timezone): series string',
    (rt, a, d) => {
      const fmt = str(rt, a + 1) ?? "yyyy-MM-dd'T'HH:mm:ssZ";
      const zone = str(rt, a + 2) ?? rt.syminfo.timezone;
      rt.o[d] = sized(rt, guarded(rt, () => formatTime(rt.f[a] ?? NaN, fmt, zone)), 'str.format_time');
    },
  );

  // format.* constants (Reference: "Type: const string").
  defineVar('format.inherit: const string', { value: FORMAT.inherit });
  defineVar('format.price: const string', { value: FORMAT.price });
  defineVar('format.volume: const string', { value: FORMAT.volume });
  defineVar('format.percent: const string', { value: FORMAT.percent });
  defineVar('format.mintick: const string', { value: FORMAT.mintick });
}
