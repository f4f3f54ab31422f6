// Writes a double as JavaScript's `String(x)` spells it (the shortest decimal that reads back as the
// same double, the closest such when several have that length), as ASCII bytes straight into a
// buffer, without making a string. Number-to-string conversion was most of the CLI's output time.
//
// How: for 1e-6 <= |x| < 1e15 (the plain, non-exponent spellings), x·10^q is computed exactly as a
// sum of two doubles (Dekker's product: 10^q is exact for q <= 22), rounded to the nearest integer
// of 15, 16 or 17 digits, and the shortest that lies within half a unit in the last place of x (the
// interval of decimals that read back as x) is written (16 is tried first: most outputs need 16 or
// 17, and when 16 is outside, so is 15; ~6% faster than 15 first). Only one decimal of 15 digits or
// fewer can lie in that interval (it is narrower than 10^-15 relative), so the 15-digit rounding
// with its trailing zeros dropped is the shortest whenever any such exists. Anything else - ties
// and near-ties of the interval test, powers of two (whose interval is lopsided), numbers outside
// that range - is written from `String(x)` itself, so the bytes are always String's.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
f64[0] = 1;
/** Index of the word holding the sign and exponent (1 on little-endian machines). */
const HI = u32[1] === 0x3ff00000 ? 1 : 0;

const POW10: number[] = [];
const POW10_HI: number[] = [];
const POW10_LO: number[] = [];
const SPLITTER = 134217729; // 2^27 + 1
for (let q = 0, p = 1; q <= 22; q++, p *= 10) {
  POW10.push(p);
  const c = SPLITTER * p;
  const hi = c - (c - p);
  POW10_HI.push(hi);
  POW10_LO.push(p - hi);
}

/** 10^k as the nearest double, k from -6 to 16 (index k + 6): for finding a number's decimal
 * exponent; an estimate off by one is caught by the digit-count check below. */
const DECADE: number[] = [];
for (let k = -6; k <= 16; k++) DECADE.push(Number(`1e${k}`));

/** By biased exponent e (the range writeShortestOf reaches, 1e-6 to 1e15, is e = 1003..1073):
 * 2^(e-1023) (a power of two has a lopsided interval: String writes it), half an ulp of a double
 * of that exponent, 2^(e-1076), and the first estimate of the decimal exponent. Tables instead of
 * building doubles from bits (a store of two words and a load of their double stalls the load). */
const POW2 = new Float64Array(2048);
const HALF_ULP = new Float64Array(2048);
const N_ESTIMATE = new Int32Array(2048);
// Only the exponents of that range are filled (1e-6 is 2^-19.9, 1e15 below 2^50): the whole table,
// run cold at every start of the CLI, took ~2 ms.
for (let e = 1000; e < 1080; e++) {
  POW2[e] = 2 ** (e - 1023);
  HALF_ULP[e] = 2 ** (e - 1076);
  N_ESTIMATE[e] = Math.floor((e - 1023) * 0.3010299956639812) + 1;
}

/** "00".."99" as ASCII pairs. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** Writes the two digits of v (0..99) at `at`. */
function writePair(out: Uint8Array, at: number, v: number): void {
  out[at] = PAIRS[v << 1] as number;
  out[at + 1] = PAIRS[(v << 1) + 1] as number;
}

/** Scratch digits of the integer being written. */
const DIGITS = new Uint8Array(24);

/** The low part of the last exact product (its high part is returned), in a typed array: a double
 * stored in a module-level `let` is boxed into a fresh heap number at every store (~16 bytes per
 * number written, and the young-generation collections that come with them). */
const PRODUCT_LOW = new Float64Array(1);

/** a * 10^q exactly, as the returned double plus PRODUCT_LOW[0]. */
function exactTimesPow10(a: number, q: number): number {
  const b = POW10[q] as number;
  const p = a * b;
  const c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  const bh = POW10_HI[q] as number;
  const bl = POW10_LO[q] as number;
  PRODUCT_LOW[0] = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** Writes the ASCII of `s` at `pos`; returns the position after it. */
function writeAscii(out: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  return pos;
}

/** Writes the digits of a non-negative integer below 10^16 at `pos`. */
function writeInteger(out: Uint8Array, pos: number, v: number): number {
  if (v < 2147483648) {
    let n = v;
    let k = 0;
    do {
      DIGITS[k++] = 48 + (n % 10);
      n = (n / 10) | 0;
    } while (n > 0);
    while (k > 0) out[pos++] = DIGITS[--k] as number;
    return pos;
  }
  const hi = Math.floor(v / 1e8);
  let lo = v - hi * 1e8;
  pos = writeInteger(out, pos, hi);
  for (let i = 7; i >= 0; i--) {
    out[pos + i] = 48 + (lo % 10);
    lo = Math.floor(lo / 10);
  }
  return pos + 8;
}

/** Writes String(|x|) for x = SHORTEST_ARG[0], the cases writeShortestOf leaves to String. The
 * value is read again here (and a power of two from its table), not passed from writeShortestOf's
 * own double: a call of String with that double, once it has run (the warm-up runs every case),
 * made the optimised writeShortestOf box it into a heap number before it knew whether it would
 * call String - for every number it wrote (32 bytes a number with the product's low part, below;
 * bench (a)'s 600k numbers then made six young-generation collections). */
function writeAbsArg(out: Uint8Array, pos: number): number {
  return writeAscii(out, pos, String(Math.abs(SHORTEST_ARG[0] as number)));
}

/** Most bytes writeShortest writes (String of a double is at most 25 characters). */
export const MAX_NUMBER_BYTES = 25;

/** The number writeShortestOf writes: a caller in a hot loop stores it here instead of passing
 * it, so that V8 need not box each double into a heap number for the (not inlined) call. */
export const SHORTEST_ARG = new Float64Array(1);

/** Writes `String(x)` for a finite x at `pos` of `out` (which must have MAX_NUMBER_BYTES free);
 * returns the position after it. */
export function writeShortest(out: Uint8Array, pos: number, x: number): number {
  SHORTEST_ARG[0] = x;
  return writeShortestOf(out, pos);
}

/** writeShortest of SHORTEST_ARG[0]. */
export function writeShortestOf(out: Uint8Array, pos: number): number {
  const x = SHORTEST_ARG[0] as number;
  if (x === 0) {
    out[pos] = 48; // "0", also for -0
    return pos + 1;
  }
  const a = x < 0 ? -x : x;
  if (!(a >= 1e-6 && a < 1e15)) return writeAscii(out, pos, String(x));
  if (x < 0) out[pos++] = 45; // -
  if (a === Math.floor(a)) return writeInteger(out, pos, a);
  f64[0] = a;
  const exp = (u32[HI] as number) >>> 20; // biased exponent (a is positive and normal)
  if (a === POW2[exp]) return writeAscii(out, pos, String(POW2[exp])); // a power of two (see writeAbsArg)
  const halfUlp = HALF_ULP[exp] as number;
  // Decimal exponent n: 10^(n-1) <= a < 10^n.
  let n = N_ESTIMATE[exp] as number;
  if (a >= (DECADE[n + 6] as number)) n++;
  // y = a·10^q with 17 digits before the point: q = 17 - n is 2..22, so 10^q is exact and
  // y = yh + yl exactly. Its integer part is hi·10^8 + lo, its fraction f (0 <= f < 1, within
  // ~2^-53), both found without rounding: hi·10^8 is a double (hi·5^8 < 2^53), so r is exact, and
  // yl may be several units (yh's ulp reaches 16), so its integer part goes into lo.
  const q = 17 - n;
  const half = halfUlp * (POW10[q] as number); // the interval that reads back as a, in units of y
  const yh = exactTimesPow10(a, q);
  const yl = PRODUCT_LOW[0] as number;
  let hi = Math.floor(yh / 1e8);
  let r = yh - hi * 1e8;
  if (r < 0) {
    hi -= 1;
    r += 1e8;
  } else if (r >= 1e8) {
    hi += 1;
    r -= 1e8;
  }
  const r0 = Math.floor(r);
  const l0 = Math.floor(yl);
  let lo = r0 + l0;
  let f = r - r0 + (yl - l0);
  if (f >= 1) {
    lo += 1;
    f -= 1;
  }
  if (lo >= 1e8) {
    lo -= 1e8;
    hi += 1;
  } else if (lo < 0) {
    lo += 1e8;
    hi -= 1;
  }
  // The closest decimal of 15, then 16, then 17 digits, as the floor's last 2, 1 or 0 digits
  // replaced by zeros, plus one unit of their place (`unit`) when it rounds up; the first within
  // the interval. y's distance above each floor is those digits plus f. A distance within 1e-9 of
  // the midpoint or of `half` is too close to call: String decides.
  // (Integer arithmetic from here: hi < 10^9 and lo < 10^8 fit in 31 bits.)
  let low = lo | 0;
  const r100 = low % 100;
  // 16 digits first: a decimal of 15 digits is one of 16 too, so when the closest of 16 digits is
  // outside the interval, so is the closest of 15 (then 17); when it is inside, 15 may be too.
  const r10 = r100 % 10;
  let unit = 10;
  let rem = r10;
  let t = r10 + f;
  let up = t > 5;
  let dist = up ? 10 - t : t;
  if ((t > 5 - 1e-9 && t < 5 + 1e-9) || (dist > half - 1e-9 && dist < half + 1e-9)) return writeAbsArg(out, pos);
  if (dist < half) {
    const t15 = r100 + f;
    const up15 = t15 > 50;
    const dist15 = up15 ? 100 - t15 : t15;
    if ((t15 > 50 - 1e-9 && t15 < 50 + 1e-9) || (dist15 > half - 1e-9 && dist15 < half + 1e-9)) return writeAbsArg(out, pos);
    if (dist15 < half) {
      unit = 100;
      rem = r100;
      up = up15;
    }
  } else {
    unit = 1;
    rem = 0;
    t = f;
    up = t > 0.5;
    dist = up ? 1 - t : t;
    if ((t > 0.5 - 1e-9 && t < 0.5 + 1e-9) || (dist > half - 1e-9 && dist < half + 1e-9)) return writeAbsArg(out, pos);
    if (!(dist < half)) return writeAbsArg(out, pos); // cannot happen: 17 digits always read back
  }
  low = low - rem + (up ? unit : 0);
  let high = hi | 0;
  if (low >= 100000000) {
    low -= 100000000;
    high += 1;
  }
  // 17 digits exactly (a carry up to 10^17, or an exponent estimate off by one, goes to String).
  if (hi < 1e8 || high >= 1000000000) return writeAbsArg(out, pos);
  // Fixed notation as Number.prototype.toString writes it (n is -5..15 here). The 17 digits are
  // written in a row, two at a time: after `0.` and -n zeros when n <= 0; else one place to the
  // right, and the first n then moved one place left to make room for the point. Trailing zeros
  // are then left out (the buffer has room for all 17 and the point).
  let base = pos + 1;
  if (n <= 0) {
    out[pos] = 48; // 0
    out[pos + 1] = 46; // .
    for (let i = 0; i < -n; i++) out[pos + 2 + i] = 48;
    base = pos + 2 - n;
  }
  // low's 8 digits, then high's 9, two at a time from the right (unrolled: measurably faster).
  let next = (low / 100) | 0;
  writePair(out, base + 15, low - next * 100);
  low = next;
  next = (low / 100) | 0;
  writePair(out, base + 13, low - next * 100);
  low = next;
  next = (low / 100) | 0;
  writePair(out, base + 11, low - next * 100);
  writePair(out, base + 9, next);
  next = (high / 100) | 0;
  writePair(out, base + 7, high - next * 100);
  high = next;
  next = (high / 100) | 0;
  writePair(out, base + 5, high - next * 100);
  high = next;
  next = (high / 100) | 0;
  writePair(out, base + 3, high - next * 100);
  high = next;
  next = (high / 100) | 0;
  writePair(out, base + 1, high - next * 100);
  out[base] = 48 + next;
  let len = 17;
  while (len > 1 && out[base + len - 1] === 48) len--;
  if (n <= 0) return base + len;
  for (let i = 0; i < n; i++) out[pos + i] = out[pos + 1 + i] as number;
  if (len <= n) return pos + n; // a whole number: the digits up to the point, zeros included
  out[pos + n] = 46; // .
  return pos + len + 1;
}

/** Warm-up, for `evergreen run` (called before it reads the data). V8 optimises writeShortestOf
 * from what it has seen run; a path never run by then (an integer, a power of two, one of String's
 * cases) deoptimises it when first met, and it runs unoptimised until compiled again. Running every
 * path a few times records their types first; 1,200 ordinary numbers more have it marked for
 * optimisation (at ~750 here; --trace-opt) and compiled on a background thread while the CLI reads its data and runs the script, instead of
 * while it writes the first numbers (its compile took 8-150 ms there, by the machine's load). Into
 * a Buffer, as the CLI's writers use. Only once: true when this call did it. */
export function warmUpShortest(): boolean {
  if (warmedUp) return false;
  warmedUp = true;
  const scratch = Buffer.alloc(MAX_NUMBER_BYTES);
  for (let i = 0; i < 8; i++) for (const x of [0.1, -2.5, 12, 3e9, 0.5, 1e21, 1e-7, 123.456, 0]) writeShortest(scratch, 0, x);
  for (let i = 1; i <= 1200; i++) writeShortest(scratch, 0, i * 0.37 + 100 / i);
  return true;
}
let warmedUp = false;
