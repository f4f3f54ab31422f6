// Linear algebra for matrix.*, runtime-free over row-major number arrays (`Mat`): products,
// LU decomposition (det, inverse, solve), rank, powers, the Kronecker product, eigenvalues and
// eigenvectors (Jacobi rotations for symmetric matrices; Hessenberg reduction + shifted QR for
// the others, real parts of complex pairs; eigenvectors by inverse iteration), and the
// Moore-Penrose pseudo-inverse (A⁺ = (AᵀA)⁺Aᵀ through the eigen-decomposition of AᵀA).
// The O(n³) routines call `tick` once per O(n²) of work: the caller's clock (matrix.ts) stops a call
// on a large matrix that runs too long, as a loop is stopped.

/** Called once per O(n²) step of the O(n³) routines; throws to stop the computation. */
export type Tick = () => void;

const noTick: Tick = () => undefined;

export interface Mat {
  rows: number;
  cols: number;
  /** Row-major, rows × cols. */
  d: number[];
}

export function mat(rows: number, cols: number, fill = 0): Mat {
  return { rows, cols, d: new Array<number>(rows * cols).fill(fill) };
}

export function identity(n: number): Mat {
  const m = mat(n, n);
  for (let i = 0; i < n; i++) m.d[i * n + i] = 1;
  return m;
}

function at(m: Mat, i: number, j: number): number {
  return m.d[i * m.cols + j] ?? NaN;
}

export function transpose(m: Mat): Mat {
  const t = mat(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t.d[j * m.rows + i] = at(m, i, j);
  return t;
}

export function multiply(a: Mat, b: Mat, tick: Tick = noTick): Mat {
  const out = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    tick();
    for (let k = 0; k < a.cols; k++) {
      const x = at(a, i, k);
      for (let j = 0; j < b.cols; j++) out.d[i * b.cols + j] = (out.d[i * b.cols + j] ?? 0) + x * at(b, k, j);
    }
  }
  return out;
}

export function kron(a: Mat, b: Mat): Mat {
  const out = mat(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const x = at(a, i, j);
      for (let p = 0; p < b.rows; p++) {
        for (let q = 0; q < b.cols; q++) out.d[(i * b.rows + p) * out.cols + j * b.cols + q] = x * at(b, p, q);
      }
    }
  }
  return out;
}

/** m^p for a square m and an integer p >= 0 (repeated squaring). */
export function power(m: Mat, p: number, tick: Tick = noTick): Mat {
  let result = identity(m.rows);
  let base = m;
  let e = p;
  while (e > 0) {
    if (e & 1) result = multiply(result, base, tick);
    e = Math.floor(e / 2);
    if (e > 0) base = multiply(base, base, tick);
  }
  return result;
}

interface LU {
  lu: number[];
  perm: number[];
  sign: number;
  singular: boolean;
}

/** LU decomposition with partial pivoting of a square matrix. */
function luDecompose(m: Mat, tick: Tick = noTick): LU {
  const n = m.rows;
  const lu = m.d.slice();
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    tick();
    let p = k;
    let best = Math.abs(lu[k * n + k] ?? 0);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k] ?? 0);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best === 0) {
      singular = true;
      continue;
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j] ?? 0;
        lu[k * n + j] = lu[p * n + j] ?? 0;
        lu[p * n + j] = t;
      }
      const t = perm[k] ?? 0;
      perm[k] = perm[p] ?? 0;
      perm[p] = t;
      sign = -sign;
    }
    const pivot = lu[k * n + k] ?? 0;
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k] ?? 0) / pivot;
      lu[i * n + k] = f;
      for (let j = k + 1; j < n; j++) lu[i * n + j] = (lu[i * n + j] ?? 0) - f * (lu[k * n + j] ?? 0);
    }
  }
  return { lu, perm, sign, singular };
}

export function determinant(m: Mat, tick: Tick = noTick): number {
  const n = m.rows;
  if (n === 0) return 1;
  const { lu, sign, singular } = luDecompose(m, tick);
  if (singular) return 0;
  let det = sign;
  for (let i = 0; i < n; i++) det *= lu[i * n + i] ?? NaN;
  return det;
}

/** The inverse of a square matrix, or null when it is singular. */
export function inverse(m: Mat, tick: Tick = noTick): Mat | null {
  const n = m.rows;
  const { lu, perm, singular } = luDecompose(m, tick);
  if (singular) return null;
  const inv = mat(n, n);
  for (let c = 0; c < n; c++) {
    tick();
    // Solve L U x = P e_c.
    const x = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = perm[i] === c ? 1 : 0;
      for (let j = 0; j < i; j++) s -= (lu[i * n + j] ?? 0) * (x[j] ?? 0);
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i] ?? 0;
      for (let j = i + 1; j < n; j++) s -= (lu[i * n + j] ?? 0) * (x[j] ?? 0);
      x[i] = s / (lu[i * n + i] ?? NaN);
    }
    for (let i = 0; i < n; i++) inv.d[i * n + c] = x[i] ?? NaN;
  }
  return inv;
}

/** The rank: the number of pivots of Gaussian elimination with a tolerance relative to the largest
 * element. */
export function rank(m: Mat): number {
  const a = m.d.slice();
  const rows = m.rows;
  const cols = m.cols;
  let maxAbs = 0;
  for (const v of a) maxAbs = Math.max(maxAbs, Math.abs(v));
  const tol = Math.max(rows, cols) * maxAbs * 1e-12;
  let r = 0;
  for (let c = 0; c < cols && r < rows; c++) {
    let p = r;
    for (let i = r + 1; i < rows; i++) if (Math.abs(a[i * cols + c] ?? 0) > Math.abs(a[p * cols + c] ?? 0)) p = i;
    if (Math.abs(a[p * cols + c] ?? 0) <= tol) continue;
    for (let j = 0; j < cols; j++) {
      const t = a[r * cols + j] ?? 0;
      a[r * cols + j] = a[p * cols + j] ?? 0;
      a[p * cols + j] = t;
    }
    for (let i = r + 1; i < rows; i++) {
      const f = (a[i * cols + c] ?? 0) / (a[r * cols + c] ?? 1);
      for (let j = c; j < cols; j++) a[i * cols + j] = (a[i * cols + j] ?? 0) - f * (a[r * cols + j] ?? 0);
    }
    r++;
  }
  return r;
}

export function isSymmetric(m: Mat, tol = 0): boolean {
  if (m.rows !== m.cols) return false;
  for (let i = 0; i < m.rows; i++) for (let j = i + 1; j < m.cols; j++) if (Math.abs(at(m, i, j) - at(m, j, i)) > tol) return false;
  return true;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: eigenvalues ascending and
 * the matching unit eigenvectors as columns. */
export function symmetricEigen(m: Mat, tick: Tick = noTick): { values: number[]; vectors: Mat } {
  const n = m.rows;
  const a = m.d.slice();
  const v = identity(n).d;
  // Rotations keep the sum of squares: the off-diagonal part is negligible relative to it (an
  // absolute bound alone is never met by a matrix of large elements, which then ran 100 sweeps).
  let total = 0;
  for (const x of a) total += x * x;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += (a[i * n + j] ?? 0) ** 2;
    if (off < 1e-30 || off <= 1e-30 * total) break;
    for (let p = 0; p < n; p++) {
      tick();
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] ?? 0;
        if (apq === 0) continue;
        const app = a[p * n + p] ?? 0;
        const aqq = a[q * n + q] ?? 0;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] ?? 0;
          const akq = a[k * n + q] ?? 0;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] ?? 0;
          const aqk = a[q * n + k] ?? 0;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (a[i * n + i] ?? 0) - (a[j * n + j] ?? 0));
  const values = order.map((i) => a[i * n + i] ?? NaN);
  const vectors = mat(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors.d[k * n + dst] = v[k * n + src] ?? NaN;
  });
  return { values, vectors };
}

/** Eigenvalues of a general square matrix: Hessenberg reduction, then shifted QR iterations with
 * deflation; a 2×2 block with complex eigenvalues gives their real part twice. Ascending. */
export function generalEigenvalues(m: Mat, tick: Tick = noTick): number[] {
  const n = m.rows;
  const h = m.d.slice();
  const H = (i: number, j: number): number => h[i * n + j] ?? 0;
  // Householder reduction to upper Hessenberg form.
  for (let k = 0; k < n - 2; k++) {
    tick();
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha += H(i, k) ** 2;
    alpha = Math.sqrt(alpha);
    if (alpha === 0) continue;
    if (H(k + 1, k) > 0) alpha = -alpha;
    const u = new Array<number>(n).fill(0);
    u[k + 1] = H(k + 1, k) - alpha;
    for (let i = k + 2; i < n; i++) u[i] = H(i, k);
    let uu = 0;
    for (const x of u) uu += x * x;
    if (uu === 0) continue;
    // h = (I - 2uuᵀ/uu) h (I - 2uuᵀ/uu)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += (u[i] ?? 0) * H(i, j);
      s = (2 * s) / uu;
      for (let i = k + 1; i < n; i++) h[i * n + j] = H(i, j) - s * (u[i] ?? 0);
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += H(i, j) * (u[j] ?? 0);
      s = (2 * s) / uu;
      for (let j = k + 1; j < n; j++) h[i * n + j] = H(i, j) - s * (u[j] ?? 0);
    }
  }
  const values: number[] = [];
  let hi = n - 1;
  let iter = 0;
  while (hi >= 0) {
    tick();
    if (hi === 0) {
      values.push(H(0, 0));
      hi--;
      continue;
    }
    // Find a negligible subdiagonal element.
    let l = hi;
    while (l > 0 && Math.abs(H(l, l - 1)) > 1e-14 * (Math.abs(H(l, l)) + Math.abs(H(l - 1, l - 1)))) l--;
    if (l === hi) {
      values.push(H(hi, hi));
      hi--;
      iter = 0;
      continue;
    }
    if (l === hi - 1) {
      const a = H(hi - 1, hi - 1);
      const b = H(hi - 1, hi);
      const c = H(hi, hi - 1);
      const d = H(hi, hi);
      const tr = a + d;
      const disc = ((a - d) / 2) ** 2 + b * c;
      if (disc >= 0) {
        const r = Math.sqrt(disc);
        values.push(tr / 2 + r, tr / 2 - r);
      } else values.push(tr / 2, tr / 2);
      hi -= 2;
      iter = 0;
      continue;
    }
    if (++iter > 1000) {
      for (let i = l; i <= hi; i++) values.push(H(i, i));
      hi = l - 1;
      continue;
    }
    // Wilkinson shift from the trailing 2×2 block; an exceptional shift now and then.
    const a = H(hi - 1, hi - 1);
    const b = H(hi - 1, hi);
    const c = H(hi, hi - 1);
    const d = H(hi, hi);
    const disc = ((a - d) / 2) ** 2 + b * c;
    let mu = d;
    if (disc >= 0) {
      const r1 = (a + d) / 2 + Math.sqrt(disc);
      const r2 = (a + d) / 2 - Math.sqrt(disc);
      mu = Math.abs(r1 - d) < Math.abs(r2 - d) ? r1 : r2;
    }
    if (iter % 11 === 10) mu += Math.abs(H(hi, hi - 1));
    // One QR step on the active block [l..hi] with Givens rotations.
    for (let i = l; i <= hi; i++) h[i * n + i] = H(i, i) - mu;
    const cs: number[] = [];
    const sn: number[] = [];
    for (let k = l; k < hi; k++) {
      const x = H(k, k);
      const y = H(k + 1, k);
      const r = Math.hypot(x, y);
      const cc = r === 0 ? 1 : x / r;
      const ss = r === 0 ? 0 : y / r;
      cs.push(cc);
      sn.push(ss);
      for (let j = l; j < n; j++) {
        const t1 = H(k, j);
        const t2 = H(k + 1, j);
        h[k * n + j] = cc * t1 + ss * t2;
        h[(k + 1) * n + j] = -ss * t1 + cc * t2;
      }
    }
    for (let k = l; k < hi; k++) {
      const cc = cs[k - l] ?? 1;
      const ss = sn[k - l] ?? 0;
      for (let i = 0; i <= Math.min(hi, k + 2); i++) {
        const t1 = H(i, k);
        const t2 = H(i, k + 1);
        h[i * n + k] = cc * t1 + ss * t2;
        h[i * n + k + 1] = -ss * t1 + cc * t2;
      }
    }
    for (let i = l; i <= hi; i++) h[i * n + i] = H(i, i) + mu;
  }
  return values.sort((p, q) => p - q);
}

/** A unit eigenvector of m for the eigenvalue lambda, by inverse iteration. */
export function eigenvectorFor(m: Mat, lambda: number, tick: Tick = noTick): number[] {
  const n = m.rows;
  const shifted = mat(n, n);
  let scale = 0;
  for (const v of m.d) scale = Math.max(scale, Math.abs(v));
  const eps = (scale || 1) * 1e-10;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) shifted.d[i * n + j] = at(m, i, j) - (i === j ? lambda + eps : 0);
  const inv = inverse(shifted, tick);
  let x = Array.from({ length: n }, (_, i) => 1 / Math.sqrt(n) + i * 1e-3);
  if (!inv) return x;
  for (let it = 0; it < 50; it++) {
    tick();
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) y[i] = (y[i] ?? 0) + (inv.d[i * n + j] ?? 0) * (x[j] ?? 0);
    const norm = Math.hypot(...y);
    if (norm === 0 || !Number.isFinite(norm)) break;
    x = y.map((v) => v / norm);
  }
  // A stable sign: the largest component positive.
  let big = 0;
  for (let i = 1; i < n; i++) if (Math.abs(x[i] ?? 0) > Math.abs(x[big] ?? 0)) big = i;
  return (x[big] ?? 0) < 0 ? x.map((v) => -v) : x;
}

/** Eigenvalues (ascending) and eigenvectors (columns, unit length) of a square matrix. */
export function eigen(m: Mat, tick: Tick = noTick): { values: number[]; vectors: Mat } {
  if (isSymmetric(m, 1e-12 * Math.max(1, ...m.d.map(Math.abs)))) return symmetricEigen(m, tick);
  const values = generalEigenvalues(m, tick);
  const n = m.rows;
  const vectors = mat(n, n);
  values.forEach((lambda, c) => {
    const v = eigenvectorFor(m, lambda, tick);
    for (let i = 0; i < n; i++) vectors.d[i * n + c] = v[i] ?? NaN;
  });
  return { values, vectors };
}

/** The Moore-Penrose pseudo-inverse: (AᵀA)⁺Aᵀ, with (AᵀA)⁺ from its symmetric eigen-decomposition
 * (eigenvalues below a relative tolerance count as zero). */
export function pseudoInverse(m: Mat, tick: Tick = noTick): Mat {
  const at_ = transpose(m);
  const ata = multiply(at_, m, tick);
  const { values, vectors } = symmetricEigen(ata, tick);
  const n = ata.rows;
  const top = Math.max(0, ...values.map(Math.abs));
  const tol = top * Math.max(m.rows, m.cols) * 1e-13;
  const plus = mat(n, n);
  for (let i = 0; i < n; i++) {
    tick();
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        const lam = values[k] ?? 0;
        if (Math.abs(lam) > tol) s += ((vectors.d[i * n + k] ?? 0) * (vectors.d[j * n + k] ?? 0)) / lam;
      }
      plus.d[i * n + j] = s;
    }
  }
  return multiply(plus, at_, tick);
}
