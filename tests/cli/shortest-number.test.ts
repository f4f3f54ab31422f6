// writeShortest, the CLI's number writer: its bytes must be exactly what JavaScript's String(x)
// prints (the shortest decimal that reads back as x), checked against String itself on doubles of
// every kind: random bit patterns, short decimals, the results of indicator-like arithmetic, the
// neighbours of short decimals (which need 16 or 17 digits), and the edges of the plain range.

import { describe, expect, test } from 'vitest';
import { MAX_NUMBER_BYTES, writeShortest } from '../../vm/cli/shortest-number.js';

const out = new Uint8Array(64);
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function written(x: number): string {
  const end = writeShortest(out, 0, x);
  expect(end).toBeLessThanOrEqual(MAX_NUMBER_BYTES);
  return Buffer.from(out.subarray(0, end)).toString('latin1');
}

/** A small seeded generator (an LCG), so every run checks the same numbers. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

/** The numbers that do not print as String prints them (at most 5 listed). */
function mismatches(xs: Iterable<number>): string[] {
  const bad: string[] = [];
  for (const x of xs) if (bad.length < 5 && written(x) !== String(x)) bad.push(`${String(x)} written as ${written(x)}`);
  return bad;
}

describe('writeShortest prints numbers exactly as String does', () => {
  test('edges: zero, signs, integers, the limits of plain notation, exponent forms, powers of two', () => {
    const xs = [0, -0, 1, -1, 10, 123456789, 2 ** 31, 2 ** 53, 999999999999999, 1e15, 1e21, 1e-6, 1e-7,
      9.999999999999999e-7, 0.000001234, 0.1, 0.2, 0.1 + 0.2, 1 / 3, -2 / 3, 0.5, 0.25, 2 ** -20, 4.35,
      99.99999999999999, 0.9999999999999999, 123456789012345.6, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE];
    expect(mismatches(xs)).toEqual([]);
  });

  test('50,000 random bit patterns', () => {
    const rnd = lcg(1);
    const xs: number[] = [];
    while (xs.length < 50_000) {
      u32[0] = (rnd() * 4294967296) >>> 0;
      u32[1] = (rnd() * 4294967296) >>> 0;
      const x = f64[0] as number;
      if (Number.isFinite(x)) xs.push(x);
    }
    expect(mismatches(xs)).toEqual([]);
  });

  test('64,000 decimals of 1 to 17 digits, their neighbours, and indicator-like arithmetic', () => {
    const rnd = lcg(2);
    const xs: number[] = [];
    for (let i = 0; i < 8_000; i++) {
      const price = Math.round(rnd() * 1e6) / 100; // a 0.01-tick price
      xs.push(price, -price, price / 14 + price * 0.1, 100 - 100 / (1 + price / 7), price * 1e-5);
      const d = Number((rnd() * 10 ** (Math.floor(rnd() * 12) - 4)).toPrecision(1 + Math.floor(rnd() * 17)));
      xs.push(d);
      f64[0] = d;
      u32[0] = ((u32[0] as number) + 1) >>> 0; // the next double up: 16 or 17 digits
      xs.push(f64[0] as number);
      f64[0] = d;
      u32[0] = ((u32[0] as number) - 1) >>> 0;
      xs.push(f64[0] as number);
    }
    expect(mismatches(xs)).toEqual([]);
  });
});
