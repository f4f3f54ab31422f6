// Decimal number scanning straight from a range of a larger string, without slicing it first.
// Accepts `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?` and nothing else: no hex,
// no `Infinity`, no thousands separators, no surrounding spaces (callers trim).

const POW10: readonly number[] = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/** The number written in `s` from index `start` (inclusive) to `end` (exclusive), or NaN when the
 * range is empty or is not a plain decimal number.
 *
 * Correctly rounded: with at most 15 significant digits and a decimal exponent within ±22, the digits
 * form an exact integer below 2^53 and 10^|e| is exact, so one IEEE multiply or divide gives the
 * correctly rounded result. Anything longer falls back to the engine's own conversion. */
export function scanNumber(s: string, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let c = s.charCodeAt(i);
  let negative = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    i++;
    if (i >= end) return NaN;
    c = s.charCodeAt(i);
  }
  let mantissa = 0;
  let significant = 0; // digits counted from the first non-zero one
  let digits = 0; // all digits before the exponent
  let fraction = 0; // digits after the point
  while (c >= 48 && c <= 57) {
    if (significant > 0 || c !== 48) {
      significant++;
      if (significant <= 15) mantissa = mantissa * 10 + (c - 48);
    }
    digits++;
    i++;
    c = i < end ? s.charCodeAt(i) : -1;
  }
  if (c === 46 /* . */) {
    i++;
    c = i < end ? s.charCodeAt(i) : -1;
    while (c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) {
        significant++;
        if (significant <= 15) mantissa = mantissa * 10 + (c - 48);
      }
      fraction++;
      digits++;
      i++;
      c = i < end ? s.charCodeAt(i) : -1;
    }
  }
  if (digits === 0) return NaN;
  let exponent = 0;
  if (c === 101 /* e */ || c === 69 /* E */) {
    i++;
    if (i >= end) return NaN;
    c = s.charCodeAt(i);
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      i++;
      if (i >= end) return NaN;
      c = s.charCodeAt(i);
    }
    if (!(c >= 48 && c <= 57)) return NaN;
    while (c >= 48 && c <= 57) {
      if (exponent < 100000) exponent = exponent * 10 + (c - 48);
      i++;
      c = i < end ? s.charCodeAt(i) : -1;
    }
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return NaN;
  if (significant > 15) return Number(s.slice(start, end));
  const e10 = exponent - fraction;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (e10 >= 0 && e10 <= 22) value = mantissa * POW10[e10];
  else if (e10 < 0 && e10 >= -22) value = mantissa / POW10[-e10];
  else return Number(s.slice(start, end));
  return negative ? -value : value;
}
