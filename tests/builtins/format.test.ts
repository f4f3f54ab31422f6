// Number formatting: str.tostring with and without a format, the format.* presets, and the
// decimal patterns shared with str.format. Sources: the Reference pages of str.tostring and the
// format.* constants, the User Manual's "Strings" page (quoted), or arithmetic. Where Pine's
// documents are silent the tests pin the choice documented at the top of vm/builtins/format.ts
// and say so.

import { describe, expect, it } from 'vitest';
import {
  formatNumber,
  numberToString,
  numberToStringFormat,
  roundDigits,
  shortestDigits,
  volumeToString,
} from '../../vm/builtins/format.js';
import { newArray } from '../../vm/runtime/heap.js';
import { call, constValue, makeRuntime } from './harness.js';

const rt = makeRuntime({ mintick: 0.01 });
const tostr = (v: number) => call(rt, 'str.tostring', ['float'], [v]);
const tostrf = (v: number, f: string, r = rt) => call(r, 'str.tostring', ['float', 'string'], [v, f]);

describe('str.tostring(value)', () => {
  it('uses "#.########": up to eight fraction digits, no trailing zeros (User Manual, Strings)', () => {
    expect(tostr(123.456)).toBe('123.456');
    expect(tostr(1 / 3)).toBe('0.33333333');
    expect(tostr(2 / 3)).toBe('0.66666667');
    expect(tostr(1.5)).toBe('1.5');
    expect(tostr(1.0)).toBe('1');
    expect(tostr(-42.25)).toBe('-42.25');
  });

  it('prints ints without decimals', () => {
    expect(call(rt, 'str.tostring', ['int'], [42])).toBe('42');
    expect(call(rt, 'str.tostring', ['int'], [-7])).toBe('-7');
    expect(call(rt, 'str.tostring', ['int'], [1700000000000])).toBe('1700000000000');
  });

  it('"When the value is na, the function returns the string NaN"', () => {
    expect(tostr(NaN)).toBe('NaN');
    expect(call(rt, 'str.tostring', ['int'], [NaN])).toBe('NaN');
    expect(tostrf(NaN, '#.##')).toBe('NaN');
  });

  it('"Bool type arguments return true or false"; strings are returned as is', () => {
    expect(call(rt, 'str.tostring', ['bool'], [true])).toBe('true');
    expect(call(rt, 'str.tostring', ['bool'], [false])).toBe('false');
    expect(call(rt, 'str.tostring', ['string'], ['abc'])).toBe('abc');
    expect(call(rt, 'str.tostring', ['bool', 'string'], [true, '#.##'])).toBe('true');
  });

  it('very large and very small numbers print as plain digits, no exponent', () => {
    expect(tostr(1e21)).toBe('1000000000000000000000');
    expect(tostr(123456789012.5)).toBe('123456789012.5');
    // 1e-9 has no digit within eight decimals: it prints as 0.
    expect(tostr(1e-9)).toBe('0');
    expect(tostr(2.6e-8)).toBe('0.00000003');
    // Choice: a negative number that rounds to zero prints without a sign.
    expect(tostr(-1e-9)).toBe('0');
  });

  it('uses the shortest digits of a double: 0.1 + 0.2 prints as 0.3', () => {
    expect(tostr(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(0.1, '#.####################')).toBe('0.1');
  });

  it('prints arrays as [a, b, c] with each element formatted', () => {
    const arr = newArray([1, 2.5, NaN]);
    expect(call(rt, 'str.tostring', ['any'], [arr])).toBe('[1, 2.5, NaN]');
    expect(call(rt, 'str.tostring', ['any', 'string'], [newArray([1.234, 5]), '#.0'])).toBe('[1.2, 5.0]');
    expect(call(rt, 'str.tostring', ['any'], [newArray(['a', 'b'])])).toBe('[a, b]');
  });
});

describe('str.tostring(value, format) patterns', () => {
  it('"str.tostring(3.99, \'#\') will return 4"', () => {
    expect(tostrf(3.99, '#')).toBe('4');
  });

  it('"To display trailing zeros, use 0 instead of #. For example, #.000"', () => {
    expect(tostrf(3.99, '#.000')).toBe('3.990');
    expect(tostrf(5, '0.00')).toBe('5.00');
    expect(tostrf(3.14159, '#.##')).toBe('3.14');
    expect(tostrf(2.5, '#.##')).toBe('2.5');
  });

  it('"#.########" and "0.00000" from the manual\'s demo', () => {
    expect(tostrf(68123.456789123, '#.########')).toBe('68123.45678912');
    expect(tostrf(68123.456789123, '0.00000')).toBe('68123.45679');
    expect(tostrf(68123.456789123, '#.###')).toBe('68123.457');
  });

  it('"000000" keeps leading zeros; "0000,000.##" adds commas every three digits', () => {
    expect(tostrf(1234.5678, '000000')).toBe('001235');
    // Manual: "Values less than 1000000 include leading zeros. The fractional part includes up
    // to two digits."
    expect(tostrf(1234.5678, '0000,000.##')).toBe('0,001,234.57');
    expect(tostrf(1234567.891, '#,###.##')).toBe('1,234,567.89');
    expect(tostrf(999, '#,###')).toBe('999');
    expect(tostrf(-1234567, '#,###')).toBe('-1,234,567');
  });

  it('"When the % token is at the end of the formatting string, the representation multiplies numbers by 100"', () => {
    expect(tostrf(0.123456, '#.####%')).toBe('12.3456%');
    expect(tostrf(0.5, '#%')).toBe('50%');
  });

  it('rounds half away from zero on the exact binary value (choice: ties round up, as math.round documents)', () => {
    // 0.125, 2.5, 0.5 are exact binary values: real ties, rounded up in magnitude.
    expect(tostrf(0.125, '#.##')).toBe('0.13');
    expect(tostrf(-0.125, '#.##')).toBe('-0.13');
    expect(tostrf(2.5, '#')).toBe('3');
    expect(tostrf(0.5, '#')).toBe('1');
    // The double nearest 1.005 is 1.00499999999999989..., below the tie: it rounds down.
    expect(tostrf(1.005, '#.##')).toBe('1');
    // 2.675 is 2.67499999999999982...: rounds down.
    expect(tostrf(2.675, '0.00')).toBe('2.67');
  });

  it('always prints one integer digit (choice: 0.5 with "#.##" is "0.5", not ".5")', () => {
    expect(tostrf(0.5, '#.##')).toBe('0.5');
    expect(tostrf(0, '#.##')).toBe('0');
    expect(tostrf(0, '#.00')).toBe('0.00');
  });

  it('supports quoted literal text and explicit negative subpatterns', () => {
    expect(tostrf(1.34, "'$'#,###.00")).toBe('$1.34');
    expect(tostrf(-1.34, "'$'#,###.00")).toBe('-$1.34');
    expect(tostrf(-5, '#;(#)')).toBe('(5)');
    expect(tostrf(5, "# 'pts'")).toBe('5 pts');
    expect(tostrf(5, "#''")).toBe("5'");
  });

  it('supports scientific patterns', () => {
    expect(formatNumber(12345, '0.###E0')).toBe('1.234E4');
    expect(formatNumber(0.00012, '0.##E0')).toBe('1.2E-4');
    expect(formatNumber(0, '0.0E00')).toBe('0.0E00');
  });
});

describe('format.* presets', () => {
  it('constants are const strings', () => {
    expect(constValue('format.mintick')).toBe('mintick');
    expect(constValue('format.percent')).toBe('percent');
    expect(constValue('format.volume')).toBe('volume');
    expect(constValue('format.price')).toBe('price');
    expect(constValue('format.inherit')).toBe('inherit');
  });

  it('format.mintick: "rounds ... to the nearest value that can be divided by syminfo.mintick ... with ties rounding up, ... with trailing zeros"', () => {
    expect(tostrf(1.234, 'mintick')).toBe('1.23');
    expect(tostrf(1.235, 'mintick')).toBe('1.24');
    expect(tostrf(7, 'mintick')).toBe('7.00');
    const q = makeRuntime({ mintick: 0.25 });
    // 10.1 / 0.25 = 40.4 → 40 ticks → 10.00 (two decimals, the decimals of 0.25).
    expect(tostrf(10.1, 'mintick', q)).toBe('10.00');
    expect(tostrf(10.13, 'mintick', q)).toBe('10.25');
    const fx = makeRuntime({ mintick: 0.00001 });
    expect(tostrf(1.0849, 'mintick', fx)).toBe('1.08490');
    const whole = makeRuntime({ mintick: 1 });
    expect(tostrf(1234.5, 'mintick', whole)).toBe('1235');
  });

  it('format.percent: "adds a percent sign after values", default precision 2 (value not scaled)', () => {
    expect(tostrf(12.3456, 'percent')).toBe('12.35%');
    expect(tostrf(5, 'percent')).toBe('5.00%');
    expect(tostrf(-0.5, 'percent')).toBe('-0.50%');
  });

  it('format.volume: "\'5183\' will be formatted as \'5.183K\'"', () => {
    expect(tostrf(5183, 'volume')).toBe('5.183K');
    expect(volumeToString(999)).toBe('999');
    expect(volumeToString(1234567)).toBe('1.235M');
    expect(volumeToString(2.5e9)).toBe('2.5B');
    expect(volumeToString(3e12)).toBe('3T');
    expect(volumeToString(-5183)).toBe('-5.183K');
  });

  it('format.inherit and an empty format use the default pattern', () => {
    expect(tostrf(1 / 3, 'inherit')).toBe('0.33333333');
    expect(numberToStringFormat(1.5, '', 0.01)).toBe('1.5');
    expect(numberToString(2)).toBe('2');
  });

  it('never folds str.tostring(value, format) at compile time (format.mintick reads syminfo)', async () => {
    const { lookupFn } = await import('../../vm/builtins/registry.js');
    const withFormat = (lookupFn('str.tostring') ?? []).filter((s) => s.params.length === 2);
    expect(withFormat.length).toBeGreaterThan(0);
    expect(withFormat.every((s) => !s.pure)).toBe(true);
  });
});

describe('digit helpers', () => {
  it('shortestDigits expands exponents', () => {
    expect(shortestDigits(1.5e-7)).toEqual({ int: '', frac: '00000015' });
    expect(shortestDigits(1.25e22)).toEqual({ int: '12500000000000000000000', frac: '' });
    expect(shortestDigits(0)).toEqual({ int: '', frac: '' });
  });

  it('roundDigits carries into the integer part: 9.999 to two digits is 10.00', () => {
    expect(roundDigits(9.999, 2)).toEqual({ int: '10', frac: '00' });
    expect(roundDigits(0.0005, 3)).toEqual({ int: '', frac: '001' });
  });
});
