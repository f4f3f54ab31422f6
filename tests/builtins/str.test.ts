// str.*: every function and overload. Sources: the v6 Reference pages (quoted), the User
// Manual's "Strings" page (quoted as "Manual"), or hand calculation.

import { describe, expect, it } from 'vitest';
import { lookupFn } from '../../vm/builtins/registry.js';
import { formatMessage, formatDate, FormatError } from '../../vm/builtins/format.js';
import { formatTime, replaceAllLength, splitCount, strReplaceAll, strSplit } from '../../vm/builtins/str.js';
import { javaRegexMatch, RegexError } from '../../vm/builtins/str-regex.js';
import type { PineArray } from '../../vm/runtime/heap.js';
import { call, makeRuntime, RuntimeFailure } from './harness.js';

const rt = makeRuntime();
const S = 'string';
const s1 = (n: string, a: string | null) => call(rt, n, [S], [a]);
const s2 = (n: string, a: string | null, b: string | null) => call(rt, n, [S, S], [a, b]);

describe('str: signatures', () => {
  it('uses the Reference parameter names', () => {
    const names = (n: string) => (lookupFn(n) ?? []).map((s) => s.params.map((p) => (p.rest ? '...' : '') + p.name).join(','));
    expect(names('str.contains')).toEqual(['source,str']);
    expect(names('str.pos')).toEqual(['source,str']);
    expect(names('str.replace')).toEqual(['source,target,replacement,occurrence']);
    expect(names('str.replace_all')).toEqual(['source,target,replacement']);
    expect(names('str.substring')).toEqual(['source,begin_pos', 'source,begin_pos,end_pos']);
    expect(names('str.repeat')).toEqual(['source,repeat,separator']);
    expect(names('str.split')).toEqual(['string,separator']);
    expect(names('str.tonumber')).toEqual(['string']);
    expect(names('str.length')).toEqual(['string']);
    expect(names('str.match')).toEqual(['source,regex', 'source,regex']);
    expect(names('str.format')).toEqual(['formatString,...arg']);
    expect(names('str.format_time')).toEqual(['time,format,timezone']);
  });

  it('declares the optional parameters\' defaults', () => {
    const p = (n: string, k: number) => (lookupFn(n) ?? [])[0]?.params[k]?.default;
    expect(p('str.replace', 3)).toBe('0');
    expect(p('str.repeat', 2)).toBe('""');
    expect(p('str.format_time', 1)).toBe('"yyyy-MM-dd\'T\'HH:mm:ssZ"');
    expect(p('str.format_time', 2)).toBe('syminfo.timezone');
  });

  it('str.split returns array<string> and is never folded; str.match has simple and series overloads', () => {
    const split = lookupFn('str.split')?.[0];
    expect(split?.results[0]?.base).toBe('array');
    expect(split?.results[0]?.elem?.base).toBe('string');
    expect(split?.pure).toBe(false);
    expect((lookupFn('str.match') ?? []).map((s) => s.results[0]?.qual)).toEqual([2, 3]);
  });
});

describe('str: inspection', () => {
  it('length counts every character', () => {
    expect(call(rt, 'str.length', [S], ['TradingView'])).toBe(11);
    expect(call(rt, 'str.length', [S], [''])).toBe(0);
    expect(call(rt, 'str.length', [S], ['a\nb '])).toBe(4);
    expect(call(rt, 'str.length', [S], [null])).toBeNaN();
  });

  it('contains / startswith / endswith; an empty substring always matches (Manual)', () => {
    expect(s2('str.contains', 'FX:EURUSD', 'EUR')).toBe(1);
    expect(s2('str.contains', 'FX:EURUSD', 'eur')).toBe(0);
    expect(s2('str.contains', 'abc', '')).toBe(1);
    expect(s2('str.startswith', 'NASDAQ:AAPL', 'NASDAQ:')).toBe(1);
    expect(s2('str.startswith', 'NASDAQ:AAPL', 'AAPL')).toBe(0);
    expect(s2('str.endswith', 'NASDAQ:AAPL', 'AAPL')).toBe(1);
    expect(s2('str.endswith', 'abc', '')).toBe(1);
    expect(s2('str.contains', null, 'a')).toBe(0);
  });

  it('pos: first occurrence, na when absent, 0 for an empty or na substring (Manual)', () => {
    expect(s2('str.pos', 'NASDAQ:AAPL', ':')).toBe(6);
    expect(s2('str.pos', 'abcabc', 'c')).toBe(2);
    expect(s2('str.pos', 'abc', 'x')).toBeNaN();
    expect(s2('str.pos', 'abc', '')).toBe(0);
    expect(s2('str.pos', 'abc', null)).toBe(0);
  });

  it('substring: begin inclusive, end exclusive, end optional (Reference example: "AAPL")', () => {
    const sub2 = (s: string, b: number) => call(rt, 'str.substring', [S, 'int'], [s, b]);
    const sub3 = (s: string, b: number, e: number) => call(rt, 'str.substring', [S, 'int', 'int'], [s, b, e]);
    expect(sub2('NASDAQ:AAPL', 7)).toBe('AAPL');
    expect(sub3('TradingView', 0, 7)).toBe('Trading');
    expect(sub3('TradingView', 0, 1)).toBe('T');
    // "If begin_pos is equal to end_pos, the function returns an empty string."
    expect(sub3('abc', 1, 1)).toBe('');
    // Manual: na begin_pos → 0; an end_pos past the end takes the rest.
    expect(sub2('abc', NaN)).toBe('abc');
    expect(sub3('abc', 1, 99)).toBe('bc');
    expect(sub2('abc', 3)).toBe('');
    // Manual: an invalid begin_pos and an end_pos below begin_pos are runtime errors.
    expect(() => sub2('abc', 4)).toThrow(RuntimeFailure);
    expect(() => sub2('abc', -1)).toThrow(RuntimeFailure);
    expect(() => sub3('abc', 2, 1)).toThrow(RuntimeFailure);
  });

  it('split: by separator; an empty separator gives single characters (Manual)', () => {
    const items = (s: string, sep: string) => (s2('str.split', s, sep) as PineArray).items;
    expect(items('AAPL, NVDA,MSFT', ',')).toEqual(['AAPL', ' NVDA', 'MSFT']);
    expect(items('0123', '')).toEqual(['0', '1', '2', '3']);
    expect(items('a--b', '--')).toEqual(['a', 'b']);
    expect(items('abc', ',')).toEqual(['abc']);
    expect((s2('str.split', 'a', ',') as PineArray).kind).toBe('array');
  });

  it('match: the first substring matching a regex, "" when none (Reference example)', () => {
    expect(s2('str.match', "It's time to sell some NASDAQ:AAPL!", '[\\w]+:[\\w]+')).toBe('NASDAQ:AAPL');
    expect(s2('str.match', 'abc', '\\d+')).toBe('');
    expect(s2('str.match', 'NASDAQ:AAPL', '^(?:BATS|NASDAQ|NYSE|AMEX):')).toBe('NASDAQ:');
    expect(s2('str.match', 'NASDAQ:AAPL', '(?<=:).+')).toBe('AAPL');
    expect(() => s2('str.match', 'abc', '(unclosed')).toThrow(RuntimeFailure);
  });

  it('tonumber: digits, a leading sign and one period; anything else is na (Manual)', () => {
    const n = (s: string | null) => call(rt, 'str.tonumber', [S], [s]);
    expect(n('1234.50')).toBe(1234.5);
    expect(n('-12')).toBe(-12);
    expect(n('+0.5')).toBe(0.5);
    expect(n('.5')).toBe(0.5);
    expect(n('$1,234.50')).toBeNaN();
    expect(n('1.2.3')).toBeNaN();
    expect(n('abc')).toBeNaN();
    expect(n('')).toBeNaN();
    expect(n(null)).toBeNaN();
  });
});

describe('str: modification', () => {
  const rep = (s: string, t: string, r: string, o = 0) => call(rt, 'str.replace', [S, S, S, 'int'], [s, t, r, o]);
  const repAll = (s: string, t: string, r: string) => call(rt, 'str.replace_all', [S, S, S], [s, t, r]);

  it('replace: the Nth occurrence, 0 = first (Reference example)', () => {
    expect(rep('FTX:BTCUSD / FTX:BTCEUR', 'FTX', 'BINANCE', 0)).toBe('BINANCE:BTCUSD / FTX:BTCEUR');
    expect(rep('FTX:BTCUSD / FTX:BTCEUR', 'FTX', 'BINANCE', 1)).toBe('FTX:BTCUSD / BINANCE:BTCEUR');
    // Manual examples on "Hello world!".
    expect(rep('Hello world!', '!', '!!!')).toBe('Hello world!!!');
    expect(rep('Hello world!', 'o', '0', 1)).toBe('Hello w0rld!');
    expect(rep('Hello world!', 'H ', '_', 1)).toBe('Hello world!');
    // Non-overlapping: in "aaaa", occurrence 1 of "aa" starts at index 2.
    expect(rep('aaaa', 'aa', 'b', 1)).toBe('aab');
    expect(rep('abc', 'x', 'y')).toBe('abc');
    // A replacement with "$&" is inserted literally.
    expect(rep('a.b', '.', '$&')).toBe('a$&b');
  });

  it('replace_all, including empty targets that match every boundary (Manual)', () => {
    expect(repAll('Hello world!', 'l', '1')).toBe('He11o wor1d!');
    expect(repAll('012345', '', '}\n{')).toBe('}\n{0}\n{1}\n{2}\n{3}\n{4}\n{5}\n{');
    // The Manual's formatString construction gives "{0}\n{1}\n{2}\n{3}\n{4}\n{5}".
    const step1 = repAll('012345', '', '}\n{') as string;
    const step2 = rep(step1, '}\n', '') as string;
    expect(rep(step2, '\n{', '', 5)).toBe('{0}\n{1}\n{2}\n{3}\n{4}\n{5}');
    expect(repAll('a b c', ' ', '')).toBe('abc');
  });

  it('upper and lower change ASCII letters only (Manual)', () => {
    expect(s1('str.upper', 'Hello World!')).toBe('HELLO WORLD!');
    expect(s1('str.lower', 'HELLO World!')).toBe('hello world!');
    expect(s1('str.upper', 'straße é')).toBe('STRAßE é');
    expect(s1('str.upper', null)).toBe(null);
  });

  it('trim removes leading and trailing whitespace only (Manual example)', () => {
    expect(s1('str.trim', '\n\n\t\tABC DEF\t  \n\n   ')).toBe('ABC DEF');
    expect(s1('str.trim', '  a  b  ')).toBe('a  b');
    expect(s1('str.trim', '   ')).toBe('');
  });

  it('repeat with a separator (Reference: str.repeat("?", 3, ",") returns "?,?,?")', () => {
    const r = (s: string | null, n: number, sep = '') => call(rt, 'str.repeat', [S, 'int', S], [s, n, sep]);
    expect(r('?', 3, ',')).toBe('?,?,?');
    expect(r('ab', 2)).toBe('abab');
    // Manual: "If the value is 0, the function returns an empty string."
    expect(r('ab', 0)).toBe('');
    // Reference: "Returns na if the source is na."
    expect(r(null, 3)).toBe(null);
    // Reference: "Must be greater than or equal to 0."
    expect(() => r('a', -1)).toThrow(RuntimeFailure);
  });
});

describe('str.format', () => {
  const fmt = (pattern: string, ...args: unknown[]) =>
    call(rt, 'str.format', [S, ...args.map(() => 'any')], [pattern, ...args]);

  it('replaces {0}, {1}... and repeats them in any order (Reference examples)', () => {
    expect(fmt('Number {0} is not {1} to {2}', 1, 'equal', 4)).toBe('Number 1 is not equal to 4');
    expect(fmt('{1}-{0}-{1}', 'a', 'b')).toBe('b-a-b');
    expect(fmt('no placeholders')).toBe('no placeholders');
    expect(fmt('The timeframe multiplier is {0}', 1)).toBe('The timeframe multiplier is 1');
  });

  it('uses #,###.### for plain numbers (Manual: "default numeric format (#,###.###)")', () => {
    expect(fmt('{0}', 1.34)).toBe('1.34');
    expect(fmt('{0}', 1.23456789)).toBe('1.235');
    expect(fmt('{0}', 1234567)).toBe('1,234,567');
    expect(fmt('{0}', -1234.5)).toBe('-1,234.5');
    expect(fmt('{0}', NaN)).toBe('NaN');
  });

  it('number modifiers (Reference examples)', () => {
    expect(fmt('{0,number,#.#}', 1.34)).toBe('1.3');
    expect(fmt('{0,number,integer}', 1.34)).toBe('1');
    expect(fmt('{0,number,currency}', 1.34)).toBe('$1.34');
    expect(fmt('{0,number,percent}', 0.5)).toBe('50%');
    expect(fmt('{0} != {0, number, #.#}', 1.34)).toBe('1.34 != 1.3');
    expect(fmt('{0, number, integer} is equal to 1, but {1, number, integer} is equal to 2', 1.34, 1.52)).toBe(
      '1 is equal to 1, but 2 is equal to 2',
    );
    expect(fmt('The cash turnover amounted to {0, number, currency}', 1340000)).toBe(
      'The cash turnover amounted to $1,340,000.00',
    );
    expect(fmt('Expected return is {0, number, percent} - {1, number, percent}', 0.1, 0.2)).toBe(
      'Expected return is 10% - 20%',
    );
    // Manual: "'$',###.0000" and "#,###.###%".
    expect(fmt("{0,number,'$',###.0000}", 1234.5)).toBe('$1,234.5000');
    expect(fmt('{0,number,#,###.###%}', 12.34567)).toBe('1,234.567%');
    expect(fmt('{0,number,#}', 1234.5)).toBe('1235');
  });

  it('formats bools, strings, na strings and arrays', () => {
    expect(fmt('{0} {1}', true, false)).toBe('true false');
    expect(fmt('[{0}]', 'text')).toBe('[text]');
    expect(fmt('{0}', null)).toBe('NaN');
    expect(fmt('{0}', { kind: 'array', items: [1, 2000.5] })).toBe('[1, 2,000.5]');
  });

  it('quotes with apostrophes; \'\' is one apostrophe (Manual)', () => {
    expect(fmt("Quoting a placeholder includes its characters literally: '{0}'", 'x')).toBe(
      'Quoting a placeholder includes its characters literally: {0}',
    );
    expect(fmt("it''s {0}", 5)).toBe("it's 5");
    expect(fmt("{1}{0}{1}", 'x', "'")).toBe("'x'");
    // Manual: the pattern built with quoted braces.
    expect(fmt("OHLC4: '{'0,number,{0}'}', MA: '{'1,number,{0}'}'", '0.00######')).toBe(
      'OHLC4: {0,number,0.00######}, MA: {1,number,0.00######}',
    );
    expect(fmt('{0,number,0.00######} / {1,number,0.00######}', 1.5, 2.123456789)).toBe('1.50 / 2.12345679');
  });

  it('keeps a placeholder with no argument as literal text (Manual: "{20}")', () => {
    expect(fmt('{0} {20}', 'a')).toBe('a {20}');
  });

  it('unbalanced braces are a runtime error; a stray } is literal (Reference, Remarks)', () => {
    expect(fmt('ab }{0} de', 1)).toBe('ab }1 de');
    expect(() => fmt('ab {0 de', 1)).toThrow(RuntimeFailure);
    expect(() => fmt("ab {0'}' de", 1)).toThrow(RuntimeFailure);
    expect(() => formatMessage("''{''{0}", [1])).toThrow(FormatError);
  });

  it('date and time placeholders are UTC (Manual: "It uses UTC+0 exclusively")', () => {
    // 1453195800000 = 2016-01-19 09:30:00 UTC (Date.UTC(2016, 0, 19, 9, 30)).
    const t = Date.UTC(2016, 0, 19, 9, 30);
    expect(fmt('{0,date,yyyy-MM-dd}T{0,time,HH:mm:ssZ}', t)).toBe('2016-01-19T09:30:00+0000');
    expect(fmt('{0,date,short}', t)).toBe('1/19/16');
    expect(fmt('{0,date}', t)).toBe('Jan 19, 2016');
    expect(fmt('{0,date,long}', t)).toBe('January 19, 2016');
    expect(fmt('{0,date,full}', t)).toBe('Tuesday, January 19, 2016');
    expect(fmt('{0,time,short}', t)).toBe('9:30 AM');
    expect(fmt('{0,time}', t)).toBe('9:30:00 AM');
    expect(fmt('{0,date,yyyy.MM.dd hh:mm:ss}', t)).toBe('2016.01.19 09:30:00');
  });

  it('choice placeholders pick the last limit not above the value', () => {
    const p = 'There {0,choice,0#are no files|1#is one file|1<are {0,number,integer} files}.';
    expect(fmt(p, 0)).toBe('There are no files.');
    expect(fmt(p, 1)).toBe('There is one file.');
    expect(fmt(p, 1273)).toBe('There are 1,273 files.');
  });
});

describe('str.format_time and date patterns', () => {
  // 2016-01-19 09:30:15.007 UTC, a Tuesday.
  const t = Date.UTC(2016, 0, 19, 9, 30, 15, 7);

  it('defaults to "yyyy-MM-dd\'T\'HH:mm:ssZ" in the given zone (Reference)', () => {
    expect(formatTime(t, "yyyy-MM-dd'T'HH:mm:ssZ", 'UTC')).toBe('2016-01-19T09:30:15+0000');
    expect(formatTime(t, "yyyy-MM-dd'T'HH:mm:ssZ", 'UTC-5')).toBe('2016-01-19T04:30:15-0500');
    expect(formatTime(t, "yyyy-MM-dd'T'HH:mm:ssZ", 'GMT+0530')).toBe('2016-01-19T15:00:15+0530');
  });

  it('handles IANA zones with daylight saving', () => {
    // New York is UTC-5 in January and UTC-4 in July.
    expect(formatTime(t, 'yyyy-MM-dd HH:mm Z', 'America/New_York')).toBe('2016-01-19 04:30 -0500');
    const july = Date.UTC(2016, 6, 19, 9, 30);
    expect(formatTime(july, 'HH:mm Z', 'America/New_York')).toBe('05:30 -0400');
    // Kolkata is UTC+5:30 all year: 09:30:15 UTC is 15:00:15.
    expect(formatTime(t, 'HH:mm:ss XXX', 'Asia/Kolkata')).toBe('15:00:15 +05:30');
  });

  it('runs through the registry with syminfo.timezone as the zone when given na', () => {
    const r = makeRuntime({ timezone: 'Europe/Budapest' });
    // Budapest is UTC+1 in January.
    expect(call(r, 'str.format_time', ['int', S, S], [t, 'HH:mm', null])).toBe('10:30');
    expect(call(r, 'str.format_time', ['int', S, S], [t, 'HH:mm', 'UTC'])).toBe('09:30');
    expect(call(r, 'str.format_time', ['int', S, S], [NaN, 'HH:mm', 'UTC'])).toBe('NaN');
    // An unknown zone is the time builtins' runtime error.
    let code = '';
    try {
      call(r, 'str.format_time', ['int', S, S], [t, 'HH:mm', 'Mars/Olympus']);
    } catch (e) {
      if (e instanceof RuntimeFailure) code = e.code;
    }
    expect(code).toBe('RT_TIMEZONE');
  });

  it('"The M, d, h, H, m and s tokens can all be doubled to generate leading zeros"', () => {
    expect(formatDate(t, 'M/d/yy h:m:s', 0)).toBe('1/19/16 9:30:15');
    expect(formatDate(t, 'MM/dd/yyyy hh:mm:ss', 0)).toBe('01/19/2016 09:30:15');
    // "Year 2000 will be 00 with yy or 2000 with yyyy."
    expect(formatDate(Date.UTC(2000, 5, 1), 'yy yyyy', 0)).toBe('00 2000');
  });

  it('12-hour clock, AM/PM, fractions of a second, names', () => {
    const evening = Date.UTC(2016, 0, 19, 23, 5, 0, 250);
    // "h - Hour in the 12-hour format. The last hour of the day will be 11 in this format."
    expect(formatDate(evening, 'h a', 0)).toBe('11 PM');
    expect(formatDate(Date.UTC(2016, 0, 19, 0, 5), 'h:mm a', 0)).toBe('12:05 AM');
    expect(formatDate(evening, 'HH:mm:ss.SSS', 0)).toBe('23:05:00.250');
    expect(formatDate(t, 'EEE EEEE MMM MMMM', 0)).toBe('Tue Tuesday Jan January');
    expect(formatDate(t, "'Day' D 'of' yyyy, 'week' w", 0)).toBe('Day 19 of 2016, week 4');
    expect(formatDate(t, "h 'o''clock'", 0)).toBe("9 o'clock");
    expect(formatDate(t, 'XXX X Z', 0)).toBe('Z Z +0000');
    expect(formatDate(t, 'XXX', -3.5 * 3600000)).toBe('-03:30');
  });

  it('counts weeks like Java\'s US calendar: week 1 holds January 1', () => {
    // Jan 1 2016 is a Friday, so week 1 is Sun Dec 27 2015 – Sat Jan 2 2016: Dec 31 2015 is in
    // week 1, Sun Jan 3 2016 starts week 2. Sat Dec 31 2016 is day 366 of 2016: (365 + 5) / 7
    // → week 53; Jan 1 2017 is a Sunday, so that week does not spill into 2017.
    expect(formatDate(Date.UTC(2016, 11, 31), 'w', 0)).toBe('53');
    expect(formatDate(Date.UTC(2015, 11, 31), 'w', 0)).toBe('1');
    expect(formatDate(Date.UTC(2016, 0, 1), 'w', 0)).toBe('1');
    expect(formatDate(Date.UTC(2016, 0, 3), 'w', 0)).toBe('2');
  });
});

describe('str.match regex dialect (Java, as the Manual\'s regex reference lists it)', () => {
  const m = javaRegexMatch;

  it('literal quoting, anchors and line terminators', () => {
    expect(m('x[^abc]y', '\\Q[^abc]\\E')).toBe('[^abc]');
    expect(m('ab\n', 'b$')).toBe('b');
    expect(m('ab\ncd', '(?m)^c.')).toBe('cd');
    expect(m('ab\ncd', '^c.')).toBe('');
    expect(m('ab\nc', '.+')).toBe('ab');
    expect(m('ab\nc', '(?s).+')).toBe('ab\nc');
    expect(m('abc', '\\Aab')).toBe('ab');
    expect(m('abc\n', 'c\\Z')).toBe('c');
    expect(m('abc\n', 'c\\z')).toBe('');
  });

  it('groups and named groups', () => {
    expect(m('xacdea', '(a|b)cde')).toBe('acde');
    expect(m('bcdeb', '(?<myGroup>a|b)cde')).toBe('bcde');
    expect(m('abc', '(?s)(?:.+).+')).toBe('abc');
    expect(m('xyzabc', '\\w+abc')).toBe('xyzabc');
  });

  it('refuses what a linear-time engine cannot run, naming the pattern and the feature', () => {
    // TradingView's Java engine has these; RE2 (re2js) has none of them (README, Limits).
    expect(() => m('xacdea', '(a|b)cde\\1')).toThrow(/'\(a\|b\)cde\\1' uses a backreference \('\\1'\)/);
    expect(() => m('bcdeb', '(?<g>a|b)cde\\k<g>')).toThrow(/uses a backreference \('\\k<g>'\)/);
    expect(() => m('abc', '(?s)(?>.+).+')).toThrow(/uses an atomic group/);
    expect(() => m('xyzabc', '\\w++abc')).toThrow(/uses a possessive quantifier \('\+\+'\)/);
    expect(() => m('ab', 'a(?=b)')).toThrow(/uses a lookahead \('\(\?='\)/);
    expect(() => m('ab', 'a(?!c)')).toThrow(/uses a lookahead \('\(\?!'\)/);
    expect(() => m('ab', 'a{1001}')).toThrow(/above 1000/);
  });

  it('lookbehind runs (in linear time), groups inside it included', () => {
    expect(m('NASDAQ:AAPL', '(?<=:)[A-Z]+')).toBe('AAPL');
    expect(m('xab', '(?<=x(a|z))b')).toBe('b');
    expect(m('xa ya', '(?<!x)a')).toBe('a');
    expect(m('ab\ncd', '(?m)^c.')).toBe('cd');
  });

  it('$ before a final line terminator, exactly as Java (the terminator is not in the match)', () => {
    // Java: $ matches at the end, or before a line terminator that ends the input.
    expect(m('ab\r\n', 'b$')).toBe('b');
    expect(m('ab\n', 'ab\\n?$')).toBe('ab\n'); // greedy \n? takes the \n, $ at the very end
    expect(m('ab\n', 'ab\\n??$')).toBe('ab'); // lazy: $ already holds before the final \n
    expect(m('ab\ncd\n', '(?m)^\\w+$')).toBe('ab');
    expect(m('x1\ny2', '(?m)\\d$')).toBe('1');
    expect(m('ab\nc', 'b$')).toBe(''); // the \n is not the last character
    expect(m('ab', '(?:a$|b$|ab)')).toBe('ab');
    expect(m('ab\n', 'b$|zz')).toBe('b');
  });

  it('scoped case-insensitivity', () => {
    expect(m('ABc', '(?i:ab)c')).toBe('ABc');
    expect(m('ABC', '(?i:ab)c')).toBe('');
    expect(m('xAB', 'x(?i)ab')).toBe('xAB');
  });

  it('case-insensitive mode, comments mode, laziness and counted repetition', () => {
    expect(m('xAbc', '(?i)ab')).toBe('Ab');
    expect(m('a12b34b', 'a.*?b')).toBe('a12b');
    expect(m('a12b34b', 'a.*b')).toBe('a12b34b');
    // Manual: "(?x)[a-f ] 1 2\n3 # this is a comment!" matches like "[a-f]123".
    expect(m('zz c123', '(?x)[a-f ] 1 2\n3 # this is a comment!')).toBe('c123');
    expect(m('aabbb', 'a{1,}b{2,}')).toBe('aabbb');
    expect(m('abcabc', '[abc]{2}')).toBe('ab');
  });

  it('character classes, POSIX and Unicode properties', () => {
    expect(m('x-y', '[-a-z]+')).toBe('x-y');
    expect(m('Hello', '[a-z[A-Z]]+')).toBe('Hello');
    expect(m('ff 1A', '\\p{XDigit}+')).toBe('ff');
    expect(m('añb', '\\p{L}+')).toBe('añb');
    expect(m('abc д', '\\p{IsCyrillic}')).toBe('д');
    expect(m('a\u2003b', 'a\\hb')).toBe('a\u2003b');
    // Java's \s is ASCII only: an em space is not \s.
    expect(m('a\u2003b', 'a\\sb')).toBe('');
    expect(m('tab\there', '\\x{61}b\\t')).toBe('ab\t');
    expect(m('a.b', 'a\\.b')).toBe('a.b');
  });

  it('refuses what it cannot run, naming the feature', () => {
    expect(() => m('abc', '[abc&&[cde]]')).toThrow(/intersections/);
    expect(() => m('abc', '\\p{InBasicLatin}')).toThrow(/blocks/);
    expect(() => m('abc', '\\Ga')).toThrow(RegexError);
    expect(() => m('abc', 'a{')).toThrow(RegexError);
  });
});

describe('str: result sizes known before building (limits.ts checks them first)', () => {
  it('replace_all and split sizes equal those of the built results', () => {
    const cases: [string, string, string][] = [
      ['banana', 'a', 'aa'], // 3 a's: 6 + 3 × 1 = 9
      ['banana', 'an', ''], // 2 "an": 6 - 2 × 2 = 2
      ['aaaa', 'aa', 'b'], // non-overlapping: 2 matches, 4 - 2 = 2
      ['abc', '', '-'], // every boundary: 3 + 4 × 1 = 7
      ['', 'x', 'yy'], // nothing to replace: 0
    ];
    const want = [9, 2, 2, 7, 0];
    cases.forEach(([src, t, r], k) => {
      expect(replaceAllLength(src, t, r)).toBe(want[k]);
      expect(strReplaceAll(src, t, r).length).toBe(want[k]);
    });
    // a,b,,c → 4 parts; "" separator → one part per character; no separator found → 1 part.
    expect(splitCount('a,b,,c', ',')).toBe(4);
    expect(splitCount('abc', '')).toBe(3);
    expect(splitCount('abc', ';')).toBe(1);
    expect(splitCount('a;;;b', ';;')).toBe(2);
    for (const [src, sep] of [['a,b,,c', ','], ['abc', ''], ['abc', ';'], ['a;;;b', ';;']] as const) {
      expect(splitCount(src, sep)).toBe(strSplit(src, sep).length);
    }
  });
});
