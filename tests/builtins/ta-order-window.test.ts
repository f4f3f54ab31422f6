// ta.median, ta.mode, the percentiles and ta.rci keep a sorted copy of their window up to date
// instead of sorting it on every call (extremes.ts, oscillators.ts). This checks that copy against a brute-force sort of the
// window on every call: random values with repeats, na, -0 and 0, 1-3 calls per bar (only the
// last counts) and a length that changes every few bars.

import { describe, expect, it } from 'vitest';
import * as X from '../../vm/builtins/ta/extremes.js';
import * as O from '../../vm/builtins/ta/oscillators.js';

describe('sorted windows match a full sort on every call', () => {
  it('median, mode, nearest-rank and linear percentiles over 4,000 bars', () => {
    let seed = 987654;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const st = { med: X.newOrderState(), mode: X.newOrderState(), pnr: X.newOrderState(), pli: X.newOrderState() };
    const hist: number[] = []; // the last value of every bar
    let len = 60; // the first bar uses the largest length, so the ring keeps all the brute force needs
    for (let bar = 0; bar < 4000; bar++) {
      if (bar > 0 && rnd() < 0.1) len = 1 + Math.floor(rnd() * 60);
      const calls = 1 + Math.floor(rnd() * 3);
      let v = NaN;
      let got: number[] = [];
      for (let c = 0; c < calls; c++) {
        const u = rnd();
        v = u < 0.1 ? NaN : u < 0.15 ? -0 : u < 0.2 ? 0 : Math.round(rnd() * 40) / 4;
        got = [
          X.medianStep(st.med, bar, v, len, false),
          X.modeStep(st.mode, bar, v, len),
          X.percentileNearestRankStep(st.pnr, bar, v, len, 35),
          X.percentileLinearStep(st.pli, bar, v, len, 35),
        ];
      }
      hist.push(v);
      // Brute force, from the definitions: median and mode over the newest `len` non-na values
      // (na on an na bar); percentiles over the newest `len` bars, na sorting last.
      const nonNa = Float64Array.from(hist.filter((x) => !Number.isNaN(x)).slice(-len)).sort();
      let med = NaN;
      let mode = NaN;
      if (!Number.isNaN(v) && nonNa.length === len) {
        const mid = len >> 1;
        med = len % 2 ? (nonNa[mid] ?? NaN) : ((nonNa[mid - 1] ?? NaN) + (nonNa[mid] ?? NaN)) / 2;
        let best = 0;
        for (let i = 0; i < len; ) {
          let j = i + 1;
          while (j < len && nonNa[j] === nonNa[i]) j++;
          if (j - i > best) {
            best = j - i;
            mode = nonNa[i] ?? NaN;
          }
          i = j;
        }
      }
      let pnr = NaN;
      let pli = NaN;
      if (hist.length >= len && !Number.isNaN(v)) {
        const raw = Float64Array.from(hist.slice(-len)).sort();
        const rank = Math.ceil((35 * len) / 100);
        pnr = raw[Math.min(Math.max(rank, 1), len) - 1] ?? NaN;
        const pos = (len * 35) / 100 + 0.5;
        if (pos <= 1) pli = raw[0] ?? NaN;
        else if (pos >= len) pli = raw[len - 1] ?? NaN;
        else {
          const k = Math.floor(pos);
          const lo = raw[k - 1] ?? NaN;
          pli = lo + (pos - k) * ((raw[k] ?? NaN) - lo);
        }
      }
      const want = [med, mode, pnr, pli];
      want.forEach((w, k) => {
        expect(Object.is(got[k], w) || (Number.isNaN(w) && Number.isNaN(got[k] ?? 0)) || got[k] === w, `bar ${bar} len ${len} fn ${k}: got ${got[k]}, want ${w}`).toBe(true);
      });
    }
  });

  it('rci over 3,000 bars: Spearman correlation with average ranks for values within 1e-10', () => {
    let seed = 4242;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const st = O.newRciState();
    const hist: number[] = [];
    let len = 40;
    for (let bar = 0; bar < 3000; bar++) {
      if (bar > 0 && rnd() < 0.1) len = 2 + Math.floor(rnd() * 38);
      const calls = 1 + Math.floor(rnd() * 3);
      let v = NaN;
      let got = NaN;
      for (let c = 0; c < calls; c++) {
        // Few distinct values (many ties), a value 1e-12 off a tie, and rare na.
        const u = rnd();
        v = u < 0.03 ? NaN : Math.floor(rnd() * 12) + (u < 0.1 ? 1e-12 : 0);
        got = O.rciStep(st, bar, v, len);
      }
      hist.push(v);
      // Brute force: time rank t (0 = newest), price rank = average position (0 = largest) of the
      // run of values within 1e-10 of the run's largest; Pearson correlation × 100. na before
      // len + 1 bars or with na in the window.
      let want = NaN;
      const win = hist.slice(-len);
      if (hist.length > len && win.every((x) => !Number.isNaN(x))) {
        const desc = win.map((x, k) => ({ x, t: len - 1 - k })).sort((p, q) => q.x - p.x);
        const rank = new Array<number>(len).fill(0);
        for (let i = 0; i < len; ) {
          let j = i + 1;
          while (j < len && (desc[i]?.x ?? 0) - (desc[j]?.x ?? 0) < 1e-10) j++;
          for (let q = i; q < j; q++) rank[desc[q]?.t ?? 0] = (i + j - 1) / 2;
          i = j;
        }
        const mean = (len - 1) / 2;
        let sxy = 0;
        let sxx = 0;
        let syy = 0;
        for (let t = 0; t < len; t++) {
          sxy += (t - mean) * ((rank[t] ?? 0) - mean);
          sxx += (t - mean) ** 2;
          syy += ((rank[t] ?? 0) - mean) ** 2;
        }
        want = sxx === 0 || syy === 0 ? NaN : (100 * sxy) / Math.sqrt(sxx * syy);
      }
      const ok = Number.isNaN(want) ? Number.isNaN(got) : Math.abs(got - want) <= 1e-9;
      expect(ok, `bar ${bar} len ${len}: got ${got}, want ${want}`).toBe(true);
    }
  });
});
