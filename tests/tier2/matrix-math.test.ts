// The linear algebra behind matrix.* (vm/builtins/matrix-math.ts) against independent
// computations written here: determinants by cofactor expansion, inverses and pseudo-inverses by
// their defining identities, eigenpairs by A·v = λ·v and closed forms, ranks of matrices built to
// have a known rank, Kronecker products and powers by their definitions. Decompositions within 1e-9.

import { describe, expect, test } from 'vitest';
import { determinant, eigen, inverse, kron, multiply, power, pseudoInverse, rank, type Mat } from '../../vm/builtins/matrix-math.js';

const m = (rows: number[][]): Mat => ({ rows: rows.length, cols: rows[0]?.length ?? 0, d: rows.flat() });
const get = (a: Mat, i: number, j: number): number => a.d[i * a.cols + j] ?? NaN;

/** Determinant by cofactor expansion along the first row (independent of LU). */
function cofactorDet(a: number[][]): number {
  const n = a.length;
  if (n === 1) return a[0]?.[0] ?? NaN;
  let s = 0;
  for (let j = 0; j < n; j++) {
    const minor = a.slice(1).map((row) => row.filter((_, k) => k !== j));
    s += (j % 2 === 0 ? 1 : -1) * (a[0]?.[j] ?? 0) * cofactorDet(minor);
  }
  return s;
}

/** Naive triple-loop product (independent of multiply()). */
function naiveMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => (b[0] ?? []).map((_, j) => row.reduce((s, x, k) => s + x * (b[k]?.[j] ?? 0), 0)));
}

function expectClose(a: Mat, b: number[][], tol = 1e-9): void {
  expect(a.rows).toBe(b.length);
  b.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(get(a, i, j) - x)).toBeLessThan(tol)));
}

const A3 = [
  [2, -1, 0],
  [-1, 2, -1],
  [0, -1, 2],
];
const N4 = [
  [4, 3, 2, 1],
  [0, 1, -1, 2],
  [3, 0, 5, 1],
  [1, 2, 0, 6],
];

describe('det, inv', () => {
  test('determinant equals the cofactor expansion', () => {
    expect(determinant(m(A3))).toBeCloseTo(cofactorDet(A3), 9);
    expect(Math.abs(determinant(m(N4)) - cofactorDet(N4))).toBeLessThan(1e-9);
    // [[4, 7], [2, 6]]: 4·6 − 7·2 = 10
    expect(determinant(m([[4, 7], [2, 6]]))).toBeCloseTo(10, 12);
    expect(determinant(m([[1, 2], [2, 4]]))).toBe(0);
  });

  test('A · inv(A) = I', () => {
    for (const a of [A3, N4]) {
      const inv = inverse(m(a));
      expect(inv).not.toBeNull();
      const prod = naiveMul(a, Array.from({ length: a.length }, (_, i) => Array.from({ length: a.length }, (_, j) => get(inv as Mat, i, j))));
      prod.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - (i === j ? 1 : 0))).toBeLessThan(1e-9)));
    }
    // [[4, 7], [2, 6]]⁻¹ = 1/10 · [[6, −7], [−2, 4]]
    expectClose(inverse(m([[4, 7], [2, 6]])) as Mat, [[0.6, -0.7], [-0.2, 0.4]]);
    expect(inverse(m([[1, 2], [2, 4]]))).toBeNull();
  });
});

describe('eigenvalues and eigenvectors', () => {
  test('the tridiagonal [2 −1; −1 2 −1; −1 2] has eigenvalues 2 − √2, 2, 2 + √2', () => {
    // Closed form for the n×n second-difference matrix: 2 − 2cos(kπ/(n+1)), k = 1..n.
    const { values, vectors } = eigen(m(A3));
    const want = [1, 2, 3].map((k) => 2 - 2 * Math.cos((k * Math.PI) / 4));
    values.forEach((v, i) => expect(Math.abs(v - (want[i] ?? NaN))).toBeLessThan(1e-9));
    // A·v = λ·v with unit v, for each column.
    for (let c = 0; c < 3; c++) {
      const v = [0, 1, 2].map((i) => get(vectors, i, c));
      expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-9);
      const av = naiveMul(A3, v.map((x) => [x])).map((r) => r[0] ?? NaN);
      av.forEach((x, i) => expect(Math.abs(x - (values[c] ?? NaN) * (v[i] ?? NaN))).toBeLessThan(1e-9));
    }
  });

  test('a non-symmetric matrix: eigenvalues from the characteristic polynomial, A·v = λ·v', () => {
    // [[4, 7], [2, 6]]: λ² − 10λ + 10 = 0 → λ = 5 ± √15
    const a = [[4, 7], [2, 6]];
    const { values, vectors } = eigen(m(a));
    expect(Math.abs((values[0] ?? NaN) - (5 - Math.sqrt(15)))).toBeLessThan(1e-9);
    expect(Math.abs((values[1] ?? NaN) - (5 + Math.sqrt(15)))).toBeLessThan(1e-9);
    for (let c = 0; c < 2; c++) {
      const v = [get(vectors, 0, c), get(vectors, 1, c)];
      const av = naiveMul(a, v.map((x) => [x])).map((r) => r[0] ?? NaN);
      av.forEach((x, i) => expect(Math.abs(x - (values[c] ?? NaN) * (v[i] ?? NaN))).toBeLessThan(1e-9));
    }
    // Upper triangular 3×3: the eigenvalues are the diagonal.
    const t = eigen(m([[3, 1, 2], [0, -1, 4], [0, 0, 5]])).values;
    [-1, 3, 5].forEach((w, i) => expect(Math.abs((t[i] ?? NaN) - w)).toBeLessThan(1e-9));
    // Sum = trace and product = determinant on the 4×4.
    const e4 = eigen(m(N4)).values;
    expect(Math.abs(e4.reduce((s, x) => s + x, 0) - (4 + 1 + 5 + 6))).toBeLessThan(1e-9);
  });
});

describe('pinv, rank, kron, pow', () => {
  test('pinv satisfies the four Moore-Penrose conditions on a 3×2 matrix', () => {
    const a = [[1, 2], [3, 4], [5, 6]];
    const p = pseudoInverse(m(a));
    const P = [0, 1].map((i) => [0, 1, 2].map((j) => get(p, i, j)));
    const close = (x: number[][], y: number[][]): void => x.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - (y[i]?.[j] ?? NaN))).toBeLessThan(1e-9)));
    const AP = naiveMul(a, P);
    const PA = naiveMul(P, a);
    close(naiveMul(AP, a), a); // A A⁺ A = A
    close(naiveMul(PA, P), P); // A⁺ A A⁺ = A⁺
    close(AP, AP[0] ? AP.map((_, i) => AP.map((r) => r[i] ?? NaN)) : AP); // (A A⁺)ᵀ = A A⁺
    close(PA, PA.map((_, i) => PA.map((r) => r[i] ?? NaN))); // (A⁺ A)ᵀ = A⁺ A
    // A full-rank square matrix: pinv = inv.
    expectClose(pseudoInverse(m([[4, 7], [2, 6]])), [[0.6, -0.7], [-0.2, 0.4]]);
  });

  test('rank of matrices built to have a known rank', () => {
    expect(rank(m(N4))).toBe(4);
    // Row 3 = row 1 + row 2.
    expect(rank(m([[1, 2, 3], [4, 5, 6], [5, 7, 9]]))).toBe(2);
    // An outer product u·vᵀ has rank 1.
    expect(rank(m([1, 2, 3].map((u) => [4, 5].map((v) => u * v))))).toBe(1);
    expect(rank(m([[0, 0], [0, 0]]))).toBe(0);
  });

  test('kron by its definition, pow by repeated multiplication', () => {
    const a = [[1, 2], [3, 4]];
    const b = [[0, 5], [6, 7]];
    const k = kron(m(a), m(b));
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
      expect(get(k, i, j)).toBe((a[i >> 1]?.[j >> 1] ?? NaN) * (b[i % 2]?.[j % 2] ?? NaN));
    }
    let want = [[1, 0], [0, 1]];
    for (let p = 0; p <= 5; p++) {
      expectClose(power(m(a), p), want);
      want = naiveMul(want, a);
    }
    expectClose(multiply(m(a), m(b)), naiveMul(a, b));
  });
});
