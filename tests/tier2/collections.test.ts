// map.*, matrix.* and the newer array.* functions run through the VM (both tiers) and compared with
// an independent JavaScript computation of the same thing written here.

import { describe, expect, test } from 'vitest';
import { runPlots, TIERS } from './helpers.js';

const N = 12;
const close = (i: number): number => 10 + i;

function expectSeries(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i] ?? NaN;
    if (Number.isNaN(w)) expect(Number.isNaN(g), `${what}[${i}] should be na, got ${g}`).toBe(true);
    else expect(Math.abs(g - w), `${what}[${i}]: ${g} vs ${w}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(w)));
  });
}

for (const tier of TIERS) {
  describe(`collections (${tier.name})`, () => {
    test('map: insertion order, put returns the old value, remove, keys/values are copies', () => {
      const src = `//@version=6
indicator("map")
var m = map.new<string, float>()
old = m.put("k" + str.tostring(bar_index % 3), close)
if bar_index % 4 == 3
    m.remove("k0")
ks = m.keys()
vs = m.values()
ks.clear()
plot(m.size(), "size")
plot(old, "old")
plot(m.contains("k0") ? 1 : 0, "has0")
plot(m.get("k1"), "k1")
plot(vs.first(), "first")
plot(m.keys().size(), "nkeys")`;
      const { plot } = runPlots(src, N, tier.interpreted);
      // The same with a JS Map (insertion-ordered; set on an existing key keeps its place).
      const js = new Map<string, number>();
      const want = { size: [] as number[], old: [] as number[], has0: [] as number[], k1: [] as number[], first: [] as number[] };
      for (let i = 0; i < N; i++) {
        const k = `k${i % 3}`;
        want.old.push(js.has(k) ? (js.get(k) ?? NaN) : NaN);
        js.set(k, close(i));
        if (i % 4 === 3) js.delete('k0');
        want.size.push(js.size);
        want.has0.push(js.has('k0') ? 1 : 0);
        want.k1.push(js.get('k1') ?? NaN);
        want.first.push([...js.values()][0] ?? NaN);
      }
      expectSeries(plot('size'), want.size, 'size');
      expectSeries(plot('old'), want.old, 'old');
      expectSeries(plot('has0'), want.has0, 'has0');
      expectSeries(plot('k1'), want.k1, 'k1');
      expectSeries(plot('first'), want.first, 'first');
      expectSeries(plot('nkeys'), want.size, 'nkeys (keys() is a copy: clearing it leaves the map)');
    });

    test('map: put_all, copy, clear, int keys with drawing values', () => {
      const src = `//@version=6
indicator("map2")
a = map.new<int, float>()
b = map.new<int, float>()
a.put(1, 10)
a.put(2, 20)
b.put(2, 200)
b.put(3, 300)
a.put_all(b)
c = a.copy()
c.put(4, 4)
plot(a.size(), "a")
plot(c.size(), "c")
plot(a.get(2), "a2")
ks = a.keys()
plot(ks.get(2), "third key")
lm = map.new<int, label>()
lm.put(bar_index, label.new(bar_index, close))
plot(na(lm.get(bar_index)) ? 0 : 1, "label stored")
a.clear()
plot(a.size(), "cleared")`;
      const { plot } = runPlots(src, 3, tier.interpreted);
      // a = {1: 10, 2: 200, 3: 300} (2 replaced in place, 3 appended); c adds 4.
      expectSeries(plot('a'), [3, 3, 3], 'a');
      expectSeries(plot('c'), [4, 4, 4], 'c');
      expectSeries(plot('a2'), [200, 200, 200], 'a2');
      expectSeries(plot('third key'), [3, 3, 3], 'third key');
      expectSeries(plot('label stored'), [1, 1, 1], 'label stored');
      expectSeries(plot('cleared'), [0, 0, 0], 'cleared');
    });

    test('matrix: element ops, det/inv/trace/mult/transpose of a matrix built from closes', () => {
      const src = `//@version=6
indicator("matrix")
m = matrix.new<float>(3, 3, 0)
for i = 0 to 2
    for j = 0 to 2
        m.set(i, j, i == j ? close + i : (i + 1) * (j + 2) % 5)
inv = m.inv()
p = m.mult(inv)
t = m.transpose()
plot(m.det(), "det")
plot(m.trace(), "trace")
plot(p.get(0, 0), "p00")
plot(p.get(1, 2), "p12")
plot(t.get(0, 2), "t02")
plot(m.avg(), "avg")
plot(m.max(), "max")
plot(m.sum(m).get(2, 2), "sum22")
plot(matrix.elements_count(m), "count")`;
      const { plot } = runPlots(src, N, tier.interpreted);
      const mat = (i: number): number[][] => [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? close(i) + r : ((r + 1) * (c + 2)) % 5)));
      const det3 = (a: number[][]): number => {
        const g = (r: number, c: number): number => a[r]?.[c] ?? NaN;
        return g(0, 0) * (g(1, 1) * g(2, 2) - g(1, 2) * g(2, 1)) - g(0, 1) * (g(1, 0) * g(2, 2) - g(1, 2) * g(2, 0)) + g(0, 2) * (g(1, 0) * g(2, 1) - g(1, 1) * g(2, 0));
      };
      const rng = Array.from({ length: N }, (_, i) => i);
      expectSeries(plot('det'), rng.map((i) => det3(mat(i))), 'det');
      expectSeries(plot('trace'), rng.map((i) => 3 * close(i) + 3), 'trace');
      expectSeries(plot('p00'), rng.map(() => 1), 'm · inv(m) diagonal');
      rng.forEach((i) => expect(Math.abs(plot('p12')[i] ?? NaN)).toBeLessThan(1e-9));
      expectSeries(plot('t02'), rng.map((i) => mat(i)[2]?.[0] ?? NaN), 'transpose');
      expectSeries(plot('avg'), rng.map((i) => mat(i).flat().reduce((s, x) => s + x, 0) / 9), 'avg');
      expectSeries(plot('max'), rng.map((i) => Math.max(...mat(i).flat())), 'max');
      expectSeries(plot('sum22'), rng.map((i) => 2 * (close(i) + 2)), 'sum');
      expectSeries(plot('count'), rng.map(() => 9), 'count');
    });

    test('matrix: rows and columns added, removed, swapped; submatrix, reshape, concat, sort, kron, pow, predicates', () => {
      const src = `//@version=6
indicator("matrix2")
m = matrix.new<int>(2, 2, 1)
m.add_row(2, array.from(5, 6))
m.add_col(0, array.from(7, 8, 9))
// m = [7 1 1; 8 1 1; 9 5 6]
r = m.remove_row(1)
// m = [7 1 1; 9 5 6], r = [8 1 1]
m.swap_columns(0, 2)
// m = [1 1 7; 6 5 9]
s = m.submatrix(0, 2, 1, 3)
// s = [1 7; 5 9]
plot(m.get(1, 0), "m10")
plot(r.sum(), "removed")
plot(s.det(), "sdet")
m.reshape(3, 2)
// m = [1 1; 7 6; 5 9]
plot(m.get(2, 1), "reshaped")
m.sort(1, order.descending)
// by column 1 descending: [5 9; 7 6; 1 1]
plot(m.get(0, 0), "sorted")
c = matrix.new<int>(1, 2, 0)
m.concat(c)
plot(m.rows(), "concat rows")
k = matrix.kron(s, matrix.new<int>(2, 2, 1))
plot(k.get(3, 2), "kron")
p = s.pow(3)
plot(p.get(0, 1), "pow")
plot(matrix.is_square(s) ? 1 : 0, "square")
id = matrix.new<float>(2, 2, 0)
id.set(0, 0, 1)
id.set(1, 1, 1)
plot(id.is_identity() ? 1 : 0, "identity")
plot(id.is_symmetric() ? 1 : 0, "symmetric")
plot(s.is_triangular() ? 1 : 0, "triangular")
plot(s.rank(), "rank")
plot(s.mode(), "mode")
plot(s.median(), "median")`;
      const { plot } = runPlots(src, 1, tier.interpreted);
      const s = [[1, 7], [5, 9]];
      // s³ by hand-free JS: multiply three times.
      const mul = (a: number[][], b: number[][]): number[][] => a.map((row) => [0, 1].map((j) => row.reduce((acc, x, k) => acc + x * (b[k]?.[j] ?? 0), 0)));
      const s3 = mul(mul(s, s), s);
      expect(plot('m10')).toEqual([6]);
      expect(plot('removed')).toEqual([10]);
      expect(plot('sdet')[0]).toBeCloseTo(1 * 9 - 7 * 5, 9);
      expect(plot('reshaped')).toEqual([9]);
      expect(plot('sorted')).toEqual([5]);
      expect(plot('concat rows')).toEqual([4]);
      // kron(s, ones(2,2))[3][2] = s[1][1] · 1
      expect(plot('kron')).toEqual([9]);
      expect(plot('pow')).toEqual([s3[0]?.[1]]);
      expect(plot('square')).toEqual([1]);
      expect(plot('identity')).toEqual([1]);
      expect(plot('symmetric')).toEqual([1]);
      expect(plot('triangular')).toEqual([0]);
      expect(plot('rank')).toEqual([2]);
      // values 1, 7, 5, 9 each once: the smallest
      expect(plot('mode')).toEqual([1]);
      expect(plot('median')).toEqual([6]);
    });

    test('array: binary searches, percentiles, percentrank, mode, standardize, covariance, abs, every/some, sort_indices', () => {
      const src = `//@version=6
indicator("arrays")
a = array.from(1.0, 3, 3, 3, 8, 13)
plot(a.binary_search(8), "bs")
plot(a.binary_search(4), "bs miss")
plot(a.binary_search_leftmost(3), "left")
plot(a.binary_search_rightmost(3), "right")
plot(a.binary_search_leftmost(5), "left miss")
plot(a.binary_search_rightmost(5), "right miss")
w = array.new<float>()
for i = 0 to 6
    w.push(close[i] * (i % 2 == 0 ? 1 : -1))
plot(w.percentile_linear_interpolation(30), "pli")
plot(w.percentile_nearest_rank(30), "pnr")
plot(w.percentrank(0), "prank")
plot(w.abs().sum(), "abs")
z = w.standardize()
plot(z.get(0), "z0")
v = array.new<float>()
for i = 0 to 6
    v.push(volume[i])
plot(array.covariance(w, v), "cov")
plot(array.covariance(w, v, false), "cov unbiased")
plot(array.from(2, 7, 2, 7, 1).mode(), "mode")
plot(array.from(true, true).every() ? 1 : 0, "every")
plot(array.from(false, true).some() ? 1 : 0, "some")
plot(array.from(false, false).some() ? 1 : 0, "none")
idx = array.from(30, 10, 20).sort_indices()
plot(idx.get(0) * 100 + idx.get(1) * 10 + idx.get(2), "indices")`;
      const n = 10;
      const { plot } = runPlots(src, n, tier.interpreted);
      expect(plot('bs')[9]).toBe(4);
      expect(plot('bs miss')[9]).toBe(-1);
      expect(plot('left')[9]).toBe(1);
      expect(plot('right')[9]).toBe(3);
      // 5 lies between 3 (index 3) and 8 (index 4).
      expect(plot('left miss')[9]).toBe(3);
      expect(plot('right miss')[9]).toBe(4);
      // Window of the last 7 closes with alternating signs, na (before bar 6) counted out.
      const sorted = (xs: number[]): number[] => xs.slice().sort((p, q) => p - q);
      const pli = (xs: number[], p: number): number => {
        // Linear interpolation between closest ranks: rank position n·p/100 + 0.5 (1-based).
        const s = sorted(xs);
        const pos = (s.length * p) / 100 + 0.5;
        if (pos <= 1) return s[0] ?? NaN;
        if (pos >= s.length) return s[s.length - 1] ?? NaN;
        const k = Math.floor(pos);
        return (s[k - 1] ?? NaN) + (pos - k) * ((s[k] ?? NaN) - (s[k - 1] ?? NaN));
      };
      for (let bar = 6; bar < n; bar++) {
        const w = Array.from({ length: 7 }, (_, i) => close(bar - i) * (i % 2 === 0 ? 1 : -1));
        const vol = Array.from({ length: 7 }, (_, i) => 100 * (bar - i + 1));
        expect(plot('pli')[bar]).toBeCloseTo(pli(w, 30), 9);
        // nearest rank: the ceil(30% · 7) = 3rd smallest
        expect(plot('pnr')[bar]).toBe(sorted(w)[2]);
        const others = w.slice(1);
        expect(plot('prank')[bar]).toBeCloseTo((others.filter((x) => x <= (w[0] ?? NaN)).length / others.length) * 100, 9);
        expect(plot('abs')[bar]).toBeCloseTo(w.reduce((s, x) => s + Math.abs(x), 0), 9);
        const mean = w.reduce((s, x) => s + x, 0) / 7;
        const sd = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / 7);
        expect(plot('z0')[bar]).toBeCloseTo(((w[0] ?? NaN) - mean) / sd, 9);
        const mv = vol.reduce((s, x) => s + x, 0) / 7;
        const cross = w.reduce((s, x, i) => s + (x - mean) * ((vol[i] ?? NaN) - mv), 0);
        expect(plot('cov')[bar]).toBeCloseTo(cross / 7, 6);
        expect(plot('cov unbiased')[bar]).toBeCloseTo(cross / 6, 6);
      }
      expect(plot('mode')[0]).toBe(2);
      expect(plot('every')[0]).toBe(1);
      expect(plot('some')[0]).toBe(1);
      expect(plot('none')[0]).toBe(0);
      // [30, 10, 20] ascending: indices 1, 2, 0
      expect(plot('indices')[0]).toBe(120);
    });

    test('array.slice is a view: it sees later changes of its source and writes through', () => {
      const src = `//@version=6
indicator("slice")
a = array.from(0, 1, 2, 3, 4, 5)
s = a.slice(2, 5)
a.set(3, 30)
plot(s.get(1), "sees source")
s.set(0, 20)
plot(a.get(2), "writes through")
s.push(99)
plot(a.size(), "push grows source")
plot(a.get(5), "pushed at the slice end")
s2 = s.slice(1, 2)
s2.set(0, -1)
plot(a.get(3), "slice of a slice")
plot(s.sum(), "sum over view")`;
      const { plot } = runPlots(src, 1, tier.interpreted);
      expect(plot('sees source')).toEqual([30]);
      expect(plot('writes through')).toEqual([20]);
      expect(plot('push grows source')).toEqual([7]);
      // a = [0, 1, 20, 30, 4, 99, 5]
      expect(plot('pushed at the slice end')).toEqual([99]);
      expect(plot('slice of a slice')).toEqual([-1]);
      // s = [20, -1, 4, 99]
      expect(plot('sum over view')).toEqual([122]);
    });
  });
}
