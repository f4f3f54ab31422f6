// matrix.* over heap matrices (core/heap.ts PineMatrix). For every element type: new<T>, get,
// set, row, col, rows, columns, elements_count, add_row, add_col, remove_row, remove_col,
// swap_rows, swap_columns, fill, copy, submatrix, reverse, reshape, concat, transpose,
// is_square. For int and float matrices also: sum, diff, mult, kron, pow, avg, max, min, median,
// mode, sort, det, inv, pinv, rank, trace, eigenvalues, eigenvectors and the is_* predicates (the
// math lives in matrix-math.ts). Pine's limit: 100,000 elements per matrix.

import { deferFunctions, defineFn, defineFn as define } from './registry.js';
import { newArray, type PineArray } from '../core/heap.js';
import { newMatrix, type PineMatrix } from './collections-heap.js';
import { ELEMS, heapArg, naText, readElem, writeElem, isObjectElem, type Elem, type ObjectElem } from './collection-io.js';
import { arrayMedian } from './array.js';
import { determinant, eigen, inverse, kron, multiply, power, pseudoInverse, rank, type Mat, type Tick } from './matrix-math.js';
import type { Runtime } from '../core/runtime.js';
import { noteAlloc } from './limits.js';

/** Pine's limit on the number of elements of a matrix. */
export const MAX_MATRIX_SIZE = 100_000;

/** The clock of one O(n³) call (inv, pinv, det, pow, mult, eigen*): the call fails once it has run
 * longer than a loop may (Pine's 500 ms, the host's loop limit), so that one call on a matrix near
 * the size limit (a 316 × 316 pinv took minutes) cannot hang the script. */
function clock(rt: Runtime, fn: string, m: PineMatrix): Tick {
  const start = Date.now();
  const limit = rt.limits.loopMs;
  return () => {
    if (Date.now() - start > limit) {
      rt.fail('loop-timeout', `'${fn}()' took longer than ${limit} ms on a ${m.rows} × ${m.columns} matrix (a single call has the time limit of a loop).`);
    }
  };
}

function matArg(rt: Runtime, i: number, fn: string): PineMatrix {
  return heapArg<PineMatrix>(rt, i, 'matrix', fn, 'matrix');
}

function checkSize(rt: Runtime, rows: number, cols: number, fn: string): void {
  if (rows * cols > MAX_MATRIX_SIZE) {
    rt.fail('matrix-too-large', `'${fn}()' would make a matrix of ${rows * cols} elements (${rows} × ${cols}): Pine matrices hold at most ${MAX_MATRIX_SIZE.toLocaleString('en-US')}.`);
  }
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** A row (or column) index checked against the matrix, with Pine's out-of-range message. */
function indexIn(rt: Runtime, v: number, size: number, what: 'row' | 'column', fn: string, allowEnd = false): number {
  const max = allowEnd ? size : size - 1;
  if (v !== v || !Number.isInteger(v) || v < 0 || v > max) {
    const shown = v !== v ? 'na' : String(v);
    rt.fail('index-out-of-bounds', `The ${what} index ${shown} is out of bounds in '${fn}()': the matrix has ${plural(size, what)} (valid ${what} indices ${max < 0 ? 'none' : `0..${max}`}).`);
  }
  return v;
}

function numbersOf(m: PineMatrix): Mat {
  return { rows: m.rows, cols: m.columns, d: m.items.map((x) => (typeof x === 'number' ? x : NaN)) };
}

function fromMat(x: Mat): PineMatrix {
  return newMatrix(x.rows, x.cols, x.d);
}

function square(rt: Runtime, m: PineMatrix, fn: string): void {
  if (m.rows !== m.columns) rt.fail('matrix-not-square', `'${fn}()' needs a square matrix, got ${m.rows} × ${m.columns}.`);
}

/** Non-na numbers of a matrix. */
function values(m: PineMatrix): number[] {
  const out: number[] = [];
  for (const x of m.items) if (typeof x === 'number' && x === x) out.push(x);
  return out;
}

/** The most frequent value (the smallest among ties), na when there is none. */
export function modeOf(xs: number[]): number {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = NaN;
  let bestN = 0;
  for (const [x, c] of counts) if (c > bestN || (c === bestN && x < best)) [best, bestN] = [x, c];
  return best;
}

let registered = false;

/** The matrix.* functions, in the order defineMatrix first defines them (see deferFunctions). */
const MATRIX_FUNCTIONS = [
  'matrix.new', 'matrix.get', 'matrix.set', 'matrix.row', 'matrix.col', 'matrix.rows',
  'matrix.columns', 'matrix.elements_count', 'matrix.add_row', 'matrix.add_col',
  'matrix.remove_row', 'matrix.remove_col', 'matrix.swap_rows', 'matrix.swap_columns',
  'matrix.fill', 'matrix.copy', 'matrix.submatrix', 'matrix.reverse', 'matrix.reshape',
  'matrix.concat', 'matrix.transpose', 'matrix.is_square', 'matrix.sort', 'matrix.sum',
  'matrix.diff', 'matrix.mult', 'matrix.kron', 'matrix.pow', 'matrix.avg', 'matrix.max',
  'matrix.min', 'matrix.median', 'matrix.mode', 'matrix.trace', 'matrix.det', 'matrix.inv',
  'matrix.pinv', 'matrix.rank', 'matrix.eigenvalues', 'matrix.eigenvectors', 'matrix.is_zero',
  'matrix.is_binary', 'matrix.is_identity', 'matrix.is_diagonal', 'matrix.is_antidiagonal',
  'matrix.is_symmetric', 'matrix.is_antisymmetric', 'matrix.is_triangular', 'matrix.is_stochastic',
  // Matrices of objects of user-defined types (registerGeneric('T'), defined last).
  ...['new', 'get', 'set', 'row', 'col', 'rows', 'columns', 'elements_count', 'add_row', 'add_col',
    'remove_row', 'remove_col', 'swap_rows', 'swap_columns', 'fill', 'copy', 'submatrix', 'reverse',
    'reshape', 'concat', 'transpose', 'is_square'].map((n) => `__omatrix.${n}`),
];

/** Registers matrix.* (defined on first use: deferFunctions). */
export function registerMatrix(): void {
  if (registered) return;
  registered = true;
  deferFunctions(MATRIX_FUNCTIONS, defineMatrix);
}

function defineMatrix(): void {
  for (const e of ELEMS) registerGeneric(e);
  for (const e of ['int', 'float'] as const) registerNumeric(e);
  // Matrices of objects of user-defined types (`matrix.new<Point>()`): the compiler routes a matrix
  // call whose element type is a user-defined type to these `__omatrix.*` overloads, T bound to it.
  registerGeneric('T');
}

function registerGeneric(e: Elem | ObjectElem): void {
  const M = `matrix<${e}>`;
  const A = `array<${e}>`;
  const T = `series ${e}`;
  // `__omatrix.<name>` for matrices of objects; the runtime errors name Pine's `matrix.<name>`.
  const defineFn = (sig: string, impl: Parameters<typeof define>[1]): void => {
    define(e === 'T' ? `__o${sig.replace('matrix.new<T>(', 'matrix.new(')}` : sig, impl);
  };
  defineFn(`matrix.new<${e}>(rows: series int = 0, columns: series int = 0, initial_value: ${T} = ${naText(e)}): ${M}`, (rt, a, d) => {
    const rows = rt.f[a] ?? NaN;
    const cols = rt.f[a + 1] ?? NaN;
    if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0)) {
      rt.fail('bad-matrix-size', `Cannot create a matrix of ${rows !== rows ? 'na' : rows} rows and ${cols !== cols ? 'na' : cols} columns: both must be non-negative integers.`);
    }
    checkSize(rt, rows, cols, `matrix.new<${e}>`);
    noteAlloc(rt, rows * cols * 8, `matrix.new<${e}>`);
    rt.o[d] = newMatrix(rows, cols, new Array<unknown>(rows * cols).fill(readElem(rt, e, a + 2)));
  });
  defineFn(`matrix.get(id: ${M}, row: series int, column: series int): ${T}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.get');
    const r = indexIn(rt, rt.f[a + 1] ?? NaN, m.rows, 'row', 'matrix.get');
    const c = indexIn(rt, rt.f[a + 2] ?? NaN, m.columns, 'column', 'matrix.get');
    writeElem(rt, e, d, m.items[r * m.columns + c]);
  });
  defineFn(`matrix.set(id: ${M}, row: series int, column: series int, value: ${T}): void`, (rt, a) => {
    const m = matArg(rt, a, 'matrix.set');
    const r = indexIn(rt, rt.f[a + 1] ?? NaN, m.rows, 'row', 'matrix.set');
    const c = indexIn(rt, rt.f[a + 2] ?? NaN, m.columns, 'column', 'matrix.set');
    m.items[r * m.columns + c] = readElem(rt, e, a + 3);
  });
  defineFn(`matrix.row(id: ${M}, row: series int): ${A}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.row');
    const r = indexIn(rt, rt.f[a + 1] ?? NaN, m.rows, 'row', 'matrix.row');
    rt.o[d] = newArray(m.items.slice(r * m.columns, (r + 1) * m.columns));
  });
  defineFn(`matrix.col(id: ${M}, column: series int): ${A}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.col');
    const c = indexIn(rt, rt.f[a + 1] ?? NaN, m.columns, 'column', 'matrix.col');
    const out: unknown[] = [];
    for (let r = 0; r < m.rows; r++) out.push(m.items[r * m.columns + c]);
    rt.o[d] = newArray(out);
  });
  defineFn(`matrix.rows(id: ${M}): series int`, (rt, a, d) => {
    rt.f[d] = matArg(rt, a, 'matrix.rows').rows;
  });
  defineFn(`matrix.columns(id: ${M}): series int`, (rt, a, d) => {
    rt.f[d] = matArg(rt, a, 'matrix.columns').columns;
  });
  defineFn(`matrix.elements_count(id: ${M}): series int`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.elements_count');
    rt.f[d] = m.rows * m.columns;
  });
  defineFn(`matrix.add_row(id: ${M}, row: series int = na, array_id: ${A} = na): void`, (rt, a) => {
    const fn = 'matrix.add_row';
    const m = matArg(rt, a, fn);
    const rv = rt.f[a + 1] ?? NaN;
    const r = indexIn(rt, rv !== rv ? m.rows : rv, m.rows, 'row', fn, true);
    const arr = rt.o[a + 2] as PineArray | null;
    if (arr && m.rows * m.columns === 0 && m.columns === 0) m.columns = arr.items.length;
    if (arr && arr.items.length !== m.columns) {
      rt.fail('matrix-size-mismatch', `Cannot call '${fn}()': the array has ${plural(arr.items.length, 'element')} but the matrix has ${plural(m.columns, 'column')}.`);
    }
    checkSize(rt, m.rows + 1, m.columns, fn);
    const row = arr ? arr.items.slice() : new Array<unknown>(m.columns).fill(isObjectElem(e) ? null : NaN);
    m.items.splice(r * m.columns, 0, ...row);
    m.rows++;
  });
  defineFn(`matrix.add_col(id: ${M}, column: series int = na, array_id: ${A} = na): void`, (rt, a) => {
    const fn = 'matrix.add_col';
    const m = matArg(rt, a, fn);
    const cv = rt.f[a + 1] ?? NaN;
    const c = indexIn(rt, cv !== cv ? m.columns : cv, m.columns, 'column', fn, true);
    const arr = rt.o[a + 2] as PineArray | null;
    if (arr && m.rows * m.columns === 0 && m.rows === 0) m.rows = arr.items.length;
    if (arr && arr.items.length !== m.rows) {
      rt.fail('matrix-size-mismatch', `Cannot call '${fn}()': the array has ${plural(arr.items.length, 'element')} but the matrix has ${plural(m.rows, 'row')}.`);
    }
    checkSize(rt, m.rows, m.columns + 1, fn);
    const data: unknown[] = [];
    for (let r = 0; r < m.rows; r++) {
      for (let k = 0; k <= m.columns; k++) {
        if (k === c) data.push(arr ? arr.items[r] : isObjectElem(e) ? null : NaN);
        if (k < m.columns) data.push(m.items[r * m.columns + k]);
      }
    }
    m.columns++;
    m.items = data;
  });
  defineFn(`matrix.remove_row(id: ${M}, row: series int = na): ${A}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.remove_row');
    const rv = rt.f[a + 1] ?? NaN;
    const r = indexIn(rt, rv !== rv ? m.rows - 1 : rv, m.rows, 'row', 'matrix.remove_row');
    rt.o[d] = newArray(m.items.splice(r * m.columns, m.columns));
    m.rows--;
    if (m.rows === 0) m.columns = 0;
  });
  defineFn(`matrix.remove_col(id: ${M}, column: series int = na): ${A}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.remove_col');
    const cv = rt.f[a + 1] ?? NaN;
    const c = indexIn(rt, cv !== cv ? m.columns - 1 : cv, m.columns, 'column', 'matrix.remove_col');
    const out: unknown[] = [];
    const data: unknown[] = [];
    for (let r = 0; r < m.rows; r++) {
      for (let k = 0; k < m.columns; k++) (k === c ? out : data).push(m.items[r * m.columns + k]);
    }
    m.columns--;
    m.items = data;
    if (m.columns === 0) m.rows = 0;
    rt.o[d] = newArray(out);
  });
  defineFn(`matrix.swap_rows(id: ${M}, row1: series int, row2: series int): void`, (rt, a) => {
    const m = matArg(rt, a, 'matrix.swap_rows');
    const r1 = indexIn(rt, rt.f[a + 1] ?? NaN, m.rows, 'row', 'matrix.swap_rows');
    const r2 = indexIn(rt, rt.f[a + 2] ?? NaN, m.rows, 'row', 'matrix.swap_rows');
    for (let c = 0; c < m.columns; c++) {
      const t = m.items[r1 * m.columns + c];
      m.items[r1 * m.columns + c] = m.items[r2 * m.columns + c];
      m.items[r2 * m.columns + c] = t;
    }
  });
  defineFn(`matrix.swap_columns(id: ${M}, column1: series int, column2: series int): void`, (rt, a) => {
    const m = matArg(rt, a, 'matrix.swap_columns');
    const c1 = indexIn(rt, rt.f[a + 1] ?? NaN, m.columns, 'column', 'matrix.swap_columns');
    const c2 = indexIn(rt, rt.f[a + 2] ?? NaN, m.columns, 'column', 'matrix.swap_columns');
    for (let r = 0; r < m.rows; r++) {
      const t = m.items[r * m.columns + c1];
      m.items[r * m.columns + c1] = m.items[r * m.columns + c2];
      m.items[r * m.columns + c2] = t;
    }
  });
  defineFn(`matrix.fill(id: ${M}, value: ${T}, from_row: series int = 0, to_row: series int = na, from_column: series int = 0, to_column: series int = na): void`, (rt, a) => {
    const fn = 'matrix.fill';
    const m = matArg(rt, a, fn);
    const v = readElem(rt, e, a + 1);
    const [r0, r1, c0, c1] = span(rt, m, a + 2, fn);
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) m.items[r * m.columns + c] = v;
  });
  defineFn(`matrix.copy(id: ${M}): ${M}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.copy');
    noteAlloc(rt, m.items.length * 8, 'matrix.copy');
    rt.o[d] = newMatrix(m.rows, m.columns, m.items.slice());
  });
  defineFn(`matrix.submatrix(id: ${M}, from_row: series int = 0, to_row: series int = na, from_column: series int = 0, to_column: series int = na): ${M}`, (rt, a, d) => {
    const fn = 'matrix.submatrix';
    const m = matArg(rt, a, fn);
    const [r0, r1, c0, c1] = span(rt, m, a + 1, fn);
    const data: unknown[] = [];
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) data.push(m.items[r * m.columns + c]);
    rt.o[d] = newMatrix(r1 - r0, c1 - c0, data);
  });
  defineFn(`matrix.reverse(id: ${M}): void`, (rt, a) => {
    matArg(rt, a, 'matrix.reverse').items.reverse();
  });
  defineFn(`matrix.reshape(id: ${M}, rows: series int, columns: series int): void`, (rt, a) => {
    const m = matArg(rt, a, 'matrix.reshape');
    const rows = rt.f[a + 1] ?? NaN;
    const cols = rt.f[a + 2] ?? NaN;
    if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows >= 0 && cols >= 0) || rows * cols !== m.rows * m.columns) {
      rt.fail('matrix-size-mismatch', `Cannot reshape a ${m.rows} × ${m.columns} matrix (${plural(m.rows * m.columns, 'element')}) to ${rows !== rows ? 'na' : rows} × ${cols !== cols ? 'na' : cols}: the number of elements must stay the same.`);
    }
    m.rows = rows;
    m.columns = cols;
  });
  defineFn(`matrix.concat(id1: ${M}, id2: ${M}): ${M}`, (rt, a, d) => {
    const m1 = matArg(rt, a, 'matrix.concat');
    const m2 = matArg(rt, a + 1, 'matrix.concat');
    if (m1.rows * m1.columns === 0) m1.columns = m2.columns;
    if (m2.columns !== m1.columns && m2.rows > 0) {
      rt.fail('matrix-size-mismatch', `Cannot call 'matrix.concat()': the first matrix has ${plural(m1.columns, 'column')}, the second ${m2.columns}.`);
    }
    checkSize(rt, m1.rows + m2.rows, m1.columns, 'matrix.concat');
    const add = m2.items.slice();
    for (const x of add) m1.items.push(x);
    m1.rows += m2.rows;
    rt.o[d] = m1;
  });
  defineFn(`matrix.transpose(id: ${M}): ${M}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.transpose');
    const data = new Array<unknown>(m.items.length);
    for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.columns; c++) data[c * m.rows + r] = m.items[r * m.columns + c];
    rt.o[d] = newMatrix(m.columns, m.rows, data);
  });
  defineFn(`matrix.is_square(id: ${M}): series bool`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.is_square');
    rt.f[d] = m.rows === m.columns ? 1 : 0;
  });
  if (e === 'string') {
    defineFn(`matrix.sort(id: ${M}, column: series int = 0, order: series string = "ascending"): void`, (rt, a) => sortRows(rt, a));
  }
}

/** from_row, to_row, from_column, to_column arguments at a..a+3 (na to_* = the end), checked. */
function span(rt: Runtime, m: PineMatrix, a: number, fn: string): [number, number, number, number] {
  const r0 = indexIn(rt, rt.f[a] ?? NaN, m.rows, 'row', fn, true);
  const tr = rt.f[a + 1] ?? NaN;
  const r1 = indexIn(rt, tr !== tr ? m.rows : tr, m.rows, 'row', fn, true);
  const c0 = indexIn(rt, rt.f[a + 2] ?? NaN, m.columns, 'column', fn, true);
  const tc = rt.f[a + 3] ?? NaN;
  const c1 = indexIn(rt, tc !== tc ? m.columns : tc, m.columns, 'column', fn, true);
  if (r1 < r0 || c1 < c0) rt.fail('index-out-of-bounds', `'${fn}()': the end of a range comes before its start (rows ${r0}..${r1}, columns ${c0}..${c1}).`);
  return [r0, r1, c0, c1];
}

/** matrix.sort: reorders the rows by the values in one column (na last). */
function sortRows(rt: Runtime, a: number): void {
  const m = matArg(rt, a, 'matrix.sort');
  const cv = rt.f[a + 1] ?? NaN;
  const c = indexIn(rt, cv !== cv ? 0 : cv, m.columns, 'column', 'matrix.sort');
  const rows: unknown[][] = [];
  for (let r = 0; r < m.rows; r++) rows.push(m.items.slice(r * m.columns, (r + 1) * m.columns));
  const sign = rt.o[a + 2] === 'descending' ? -1 : 1;
  const isNa = (v: unknown): boolean => v === null || (typeof v === 'number' && v !== v);
  const order = rows.map((_, i) => i);
  order.sort((p, q) => {
    const x = rows[p]?.[c];
    const y = rows[q]?.[c];
    if (isNa(x) || isNa(y)) return isNa(x) === isNa(y) ? 0 : isNa(x) ? 1 : -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    const xs = String(x);
    const ys = String(y);
    return sign * (xs < ys ? -1 : xs > ys ? 1 : 0);
  });
  const out: unknown[] = [];
  for (const i of order) for (const x of rows[i] ?? []) out.push(x);
  m.items = out;
}

function registerNumeric(e: 'int' | 'float'): void {
  const M = `matrix<${e}>`;
  const F = 'matrix<float>';
  defineFn(`matrix.sort(id: ${M}, column: series int = 0, order: series string = "ascending"): void`, (rt, a) => sortRows(rt, a));
  const elementwise = (name: 'sum' | 'diff', op: (x: number, y: number) => number): void => {
    defineFn(`matrix.${name}(id1: ${M}, id2: ${M}): ${M}`, (rt, a, d) => {
      const m1 = matArg(rt, a, `matrix.${name}`);
      const m2 = matArg(rt, a + 1, `matrix.${name}`);
      if (m1.rows !== m2.rows || m1.columns !== m2.columns) {
        rt.fail('matrix-size-mismatch', `Cannot call 'matrix.${name}()' on a ${m1.rows} × ${m1.columns} and a ${m2.rows} × ${m2.columns} matrix: the sizes must be the same.`);
      }
      rt.o[d] = newMatrix(m1.rows, m1.columns, m1.items.map((x, i) => op(Number(x), Number(m2.items[i]))));
    });
    defineFn(`matrix.${name}(id1: ${M}, id2: series ${e}): ${M}`, (rt, a, d) => {
      const m1 = matArg(rt, a, `matrix.${name}`);
      const y = rt.f[a + 1] ?? NaN;
      rt.o[d] = newMatrix(m1.rows, m1.columns, m1.items.map((x) => op(Number(x), y)));
    });
  };
  elementwise('sum', (x, y) => x + y);
  elementwise('diff', (x, y) => x - y);
  defineFn(`matrix.mult(id1: ${M}, id2: ${M}): ${M}`, (rt, a, d) => {
    const m1 = matArg(rt, a, 'matrix.mult');
    const m2 = matArg(rt, a + 1, 'matrix.mult');
    if (m1.columns !== m2.rows) {
      rt.fail('matrix-size-mismatch', `Cannot call 'matrix.mult()' on a ${m1.rows} × ${m1.columns} and a ${m2.rows} × ${m2.columns} matrix: the first one's columns must equal the second one's rows.`);
    }
    checkSize(rt, m1.rows, m2.columns, 'matrix.mult');
    noteAlloc(rt, m1.rows * m2.columns * 8, 'matrix.mult');
    rt.o[d] = fromMat(multiply(numbersOf(m1), numbersOf(m2), clock(rt, 'matrix.mult', m1)));
  });
  defineFn(`matrix.mult(id1: ${M}, id2: series ${e}): ${M}`, (rt, a, d) => {
    const m1 = matArg(rt, a, 'matrix.mult');
    const y = rt.f[a + 1] ?? NaN;
    rt.o[d] = newMatrix(m1.rows, m1.columns, m1.items.map((x) => Number(x) * y));
  });
  defineFn(`matrix.mult(id1: ${M}, id2: array<${e}>): array<${e}>`, (rt, a, d) => {
    const m1 = matArg(rt, a, 'matrix.mult');
    const arr = heapArg<PineArray>(rt, a + 1, 'array', 'matrix.mult', 'array');
    if (arr.items.length !== m1.columns) {
      rt.fail('matrix-size-mismatch', `Cannot call 'matrix.mult()' on a ${m1.rows} × ${m1.columns} matrix and an array of ${plural(arr.items.length, 'element')}: the array's size must equal the matrix's columns.`);
    }
    const v: Mat = { rows: arr.items.length, cols: 1, d: arr.items.map((x) => Number(x)) };
    rt.o[d] = newArray(multiply(numbersOf(m1), v).d);
  });
  defineFn(`matrix.kron(id1: ${M}, id2: ${M}): ${M}`, (rt, a, d) => {
    const m1 = matArg(rt, a, 'matrix.kron');
    const m2 = matArg(rt, a + 1, 'matrix.kron');
    checkSize(rt, m1.rows * m2.rows, m1.columns * m2.columns, 'matrix.kron');
    noteAlloc(rt, m1.rows * m2.rows * m1.columns * m2.columns * 8, 'matrix.kron');
    rt.o[d] = fromMat(kron(numbersOf(m1), numbersOf(m2)));
  });
  defineFn(`matrix.pow(id: ${M}, power: series int): ${M}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.pow');
    square(rt, m, 'matrix.pow');
    const p = rt.f[a + 1] ?? NaN;
    if (!(Number.isInteger(p) && p >= 0)) rt.fail('bad-power', `Cannot call 'matrix.pow()' with power ${p !== p ? 'na' : p}: the power must be a non-negative integer.`);
    rt.o[d] = fromMat(power(numbersOf(m), p, clock(rt, 'matrix.pow', m)));
  });
  defineFn(`matrix.avg(id: ${M}): series float`, (rt, a, d) => {
    const xs = values(matArg(rt, a, 'matrix.avg'));
    let s = 0;
    for (const x of xs) s += x;
    rt.f[d] = xs.length === 0 ? NaN : s / xs.length;
  });
  defineFn(`matrix.max(id: ${M}): series ${e}`, (rt, a, d) => {
    const xs = values(matArg(rt, a, 'matrix.max'));
    rt.f[d] = xs.length === 0 ? NaN : Math.max(...xs);
  });
  defineFn(`matrix.min(id: ${M}): series ${e}`, (rt, a, d) => {
    const xs = values(matArg(rt, a, 'matrix.min'));
    rt.f[d] = xs.length === 0 ? NaN : Math.min(...xs);
  });
  defineFn(`matrix.median(id: ${M}): series float`, (rt, a, d) => {
    rt.f[d] = arrayMedian(newArray(values(matArg(rt, a, 'matrix.median'))));
  });
  defineFn(`matrix.mode(id: ${M}): series float`, (rt, a, d) => {
    rt.f[d] = modeOf(values(matArg(rt, a, 'matrix.mode')));
  });
  defineFn(`matrix.trace(id: ${M}): series ${e}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.trace');
    square(rt, m, 'matrix.trace');
    let s = 0;
    for (let i = 0; i < m.rows; i++) s += Number(m.items[i * m.columns + i]);
    rt.f[d] = s;
  });
  defineFn(`matrix.det(id: ${M}): series float`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.det');
    square(rt, m, 'matrix.det');
    rt.f[d] = determinant(numbersOf(m), clock(rt, 'matrix.det', m));
  });
  defineFn(`matrix.inv(id: ${M}): ${F}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.inv');
    square(rt, m, 'matrix.inv');
    const inv = inverse(numbersOf(m), clock(rt, 'matrix.inv', m));
    // A singular matrix has no inverse: a matrix of na (TradingView returns na elements).
    rt.o[d] = inv ? fromMat(inv) : newMatrix(m.rows, m.columns, new Array<unknown>(m.rows * m.columns).fill(NaN));
  });
  defineFn(`matrix.pinv(id: ${M}): ${F}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.pinv');
    rt.o[d] = fromMat(pseudoInverse(numbersOf(m), clock(rt, 'matrix.pinv', m)));
  });
  defineFn(`matrix.rank(id: ${M}): series int`, (rt, a, d) => {
    rt.f[d] = rank(numbersOf(matArg(rt, a, 'matrix.rank')));
  });
  defineFn(`matrix.eigenvalues(id: ${M}): array<float>`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.eigenvalues');
    square(rt, m, 'matrix.eigenvalues');
    rt.o[d] = newArray(eigen(numbersOf(m), clock(rt, 'matrix.eigenvalues', m)).values);
  });
  defineFn(`matrix.eigenvectors(id: ${M}): ${F}`, (rt, a, d) => {
    const m = matArg(rt, a, 'matrix.eigenvectors');
    square(rt, m, 'matrix.eigenvectors');
    rt.o[d] = fromMat(eigen(numbersOf(m), clock(rt, 'matrix.eigenvectors', m)).vectors);
  });
  const predicate = (name: string, test: (m: Mat) => boolean): void => {
    defineFn(`matrix.${name}(id: ${M}): series bool`, (rt, a, d) => {
      rt.f[d] = test(numbersOf(matArg(rt, a, `matrix.${name}`))) ? 1 : 0;
    });
  };
  const all = (m: Mat, f: (v: number, i: number, j: number) => boolean): boolean => {
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) if (!f(m.d[i * m.cols + j] ?? NaN, i, j)) return false;
    return true;
  };
  const sq = (m: Mat): boolean => m.rows === m.cols && m.rows > 0;
  predicate('is_zero', (m) => m.rows * m.cols > 0 && all(m, (v) => v === 0));
  predicate('is_binary', (m) => m.rows * m.cols > 0 && all(m, (v) => v === 0 || v === 1));
  predicate('is_identity', (m) => sq(m) && all(m, (v, i, j) => v === (i === j ? 1 : 0)));
  predicate('is_diagonal', (m) => sq(m) && all(m, (v, i, j) => i === j || v === 0));
  predicate('is_antidiagonal', (m) => sq(m) && all(m, (v, i, j) => i + j === m.cols - 1 || v === 0));
  predicate('is_symmetric', (m) => sq(m) && all(m, (v, i, j) => v === m.d[j * m.cols + i]));
  predicate('is_antisymmetric', (m) => sq(m) && all(m, (v, i, j) => v === -(m.d[j * m.cols + i] ?? NaN)));
  predicate('is_triangular', (m) => sq(m) && (all(m, (v, i, j) => j <= i || v === 0) || all(m, (v, i, j) => j >= i || v === 0)));
  predicate('is_stochastic', (m) => {
    if (m.rows * m.cols === 0 || !all(m, (v) => v >= 0)) return false;
    for (let i = 0; i < m.rows; i++) {
      let s = 0;
      for (let j = 0; j < m.cols; j++) s += m.d[i * m.cols + j] ?? NaN;
      if (Math.abs(s - 1) > 1e-10) return false;
    }
    return true;
  });
}


registerMatrix();
