// Hand-calculated behaviour of the ta step functions: repeated calls within one bar (loops and
// realtime ticks), call sites skipped on some bars, na inputs, lengths that change from bar to
// bar, long-run accuracy of the rolling sums, and state records that survive a structured copy.

import { describe, expect, test } from 'vitest';
import * as M from '../../vm/builtins/ta/moving-averages.js';
import * as V from '../../vm/builtins/ta/volatility.js';
import * as O from '../../vm/builtins/ta/oscillators.js';
import * as X from '../../vm/builtins/ta/extremes.js';
import * as P from '../../vm/builtins/ta/pivots.js';
import * as VO from '../../vm/builtins/ta/volume.js';
import * as S from '../../vm/builtins/ta/signals.js';
import * as W from '../../vm/builtins/ta/window.js';

/** Feeds `values[i]` on bar i and returns the outputs. */
function feed(values: number[], step: (bar: number, v: number) => number): number[] {
  return values.map((v, bar) => step(bar, v));
}

function near(a: number, b: number): boolean {
  return Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
}

function expectSeries(ours: number[], expected: number[]): void {
  expect(ours.length).toBe(expected.length);
  ours.forEach((v, i) => expect(near(v, expected[i] ?? NaN), `index ${i}: got ${v}, expected ${expected[i]}`).toBe(true));
}

describe('repeated calls in one bar replace the bar, never add twice', () => {
  test('sma: the last call of a bar is what later bars see', () => {
    const st = M.newSmaState();
    expect(M.smaStep(st, 0, 1, 2)).toBeNaN();
    expect(M.smaStep(st, 1, 2, 2)).toBe(1.5);
    expect(M.smaStep(st, 1, 10, 2)).toBe(5.5); // (1 + 10) / 2, not (1 + 2 + 10) / ...
    expect(M.smaStep(st, 2, 3, 2)).toBe(6.5); // (10 + 3) / 2
    // An na call after a value in the same bar withdraws the value: the window is [10, 3].
    expect(M.smaStep(st, 3, 100, 2)).toBe(51.5);
    expect(M.smaStep(st, 3, NaN, 2)).toBe(6.5);
    expect(M.smaStep(st, 4, 5, 2)).toBe(4);
  });

  test('ema: seeded with the sma of the first values, alpha = 2 / (length + 1)', () => {
    const st = M.newExpState();
    expect(M.emaStep(st, 0, 1, 2)).toBeNaN();
    expect(M.emaStep(st, 0, 3, 2)).toBeNaN();
    expect(M.emaStep(st, 1, 2, 2)).toBe(2.5); // seed (3 + 2) / 2: the 1 was replaced by 3
    expect(M.emaStep(st, 2, 3, 2)).toBeCloseTo(2.5 + (2 / 3) * 0.5, 14);
    expect(M.emaStep(st, 2, 6, 2)).toBeCloseTo(2.5 + (2 / 3) * 3.5, 14); // 4.8333…
    expect(M.emaStep(st, 3, 4, 2)).toBeCloseTo(2.5 + (2 / 3) * 3.5 + (2 / 3) * (4 - (2.5 + (2 / 3) * 3.5)), 14);
  });

  test('rma: alpha = 1 / length', () => {
    const st = M.newExpState();
    feed([2, 4], (b, v) => M.rmaStep(st, b, v, 2)); // seed 3
    expect(M.rmaStep(st, 2, 100, 2)).toBe(51.5);
    expect(M.rmaStep(st, 2, 5, 2)).toBe(4); // (3 * 1 + 5) / 2
    expect(M.rmaStep(st, 3, 6, 2)).toBe(5);
  });

  test('cum, barssince, valuewhen, change and highest count a bar once', () => {
    const cum = M.newCumState();
    expect(M.cumStep(cum, 0, 1)).toBe(1);
    expect(M.cumStep(cum, 1, 2)).toBe(3);
    expect(M.cumStep(cum, 1, 5)).toBe(6);
    expect(M.cumStep(cum, 2, 1)).toBe(7);

    const bs = S.newBarssinceState();
    expect(S.barssinceStep(bs, 0, false)).toBeNaN();
    expect(S.barssinceStep(bs, 1, true)).toBe(0);
    expect(S.barssinceStep(bs, 1, false)).toBeNaN(); // the true call of bar 1 was replaced
    expect(S.barssinceStep(bs, 2, true)).toBe(0);
    expect(S.barssinceStep(bs, 3, false)).toBe(1);
    expect(S.barssinceStep(bs, 3, false)).toBe(1);
    expect(S.barssinceStep(bs, 4, false)).toBe(2);

    const vw = S.newValuewhenState();
    expect(S.valuewhenStep(vw, 0, true, 10, 0)).toBe(10);
    expect(S.valuewhenStep(vw, 1, true, 11, 0)).toBe(11);
    expect(S.valuewhenStep(vw, 1, false, 12, 0)).toBe(10); // bar 1 no longer an occurrence
    expect(S.valuewhenStep(vw, 2, false, 13, 1)).toBeNaN();
    expect(S.valuewhenStep(vw, 3, true, 14, 1)).toBe(10);

    const ch = O.newHistState();
    expect(O.changeStep(ch, 0, 5, 1)).toBeNaN();
    expect(O.changeStep(ch, 1, 7, 1)).toBe(2);
    expect(O.changeStep(ch, 1, 9, 1)).toBe(4);
    expect(O.changeStep(ch, 2, 10, 1)).toBe(1);

    const hi = X.newExtremeState();
    feed([1, 5, 2], (b, v) => X.extremeStep(hi, b, v, 3, 1));
    expect(X.extremeStep(hi, 2, 9, 3, 1)).toBe(9);
    expect(X.extremeStep(hi, 2, 0, 3, 1)).toBe(5);
    expect(X.extremeStep(hi, 3, 0, 3, 1)).toBe(5);
    expect(X.extremeStep(hi, 4, 0, 3, 1)).toBe(0);
  });

  test('a loop of three calls per bar equals one call per bar with the last value', () => {
    const closes = [10, 11, 12, 11, 13, 14, 12, 15, 16, 15, 17];
    const looped = { ema: M.newExpState(), rsi: O.newRsiState(), bb: V.newBbState(), st: V.newSupertrendState() };
    const once = { ema: M.newExpState(), rsi: O.newRsiState(), bb: V.newBbState(), st: V.newSupertrendState() };
    const o1 = new Float64Array(3);
    const o2 = new Float64Array(3);
    closes.forEach((c, bar) => {
      let e = NaN;
      let r = NaN;
      for (let i = 1; i <= 3; i++) {
        e = M.emaStep(looped.ema, bar, c * i, 3);
        r = O.rsiStep(looped.rsi, bar, c * i, 3);
        V.bbStep(looped.bb, bar, c * i, 4, 2, o1);
        V.supertrendStep(looped.st, bar, c * i + 1, c * i - 1, c * i, 2, 3, o2);
      }
      const o3 = new Float64Array(3);
      const o4 = new Float64Array(3);
      expect(near(e, M.emaStep(once.ema, bar, c * 3, 3))).toBe(true);
      expect(near(r, O.rsiStep(once.rsi, bar, c * 3, 3))).toBe(true);
      V.bbStep(once.bb, bar, c * 3, 4, 2, o3);
      V.supertrendStep(once.st, bar, c * 3 + 1, c * 3 - 1, c * 3, 2, 3, o4);
      for (let k = 0; k < 3; k++) expect(near(o1[k] ?? NaN, o3[k] ?? NaN)).toBe(true);
      for (let k = 0; k < 2; k++) expect(near(o2[k] ?? NaN, o4[k] ?? NaN)).toBe(true);
    });
  });
});

describe('records combining several averages or windows', () => {
  // One record per call site holds all the parts of macd, dmi, atr, supertrend, kc, tsi, stoch,
  // cci, vwap; the parts enter a new bar together. Calling three times per bar (a loop, or
  // realtime ticks) must leave exactly what one call with the last values leaves.
  test('three calls per bar equal one call with the last values, bar after bar', () => {
    type Rec = ReturnType<typeof make>;
    const make = () => ({
      macd: O.newMacdState(),
      dmi: O.newDmiState(),
      atr: V.newAtrState(),
      st: V.newSupertrendState(),
      kc: V.newKcState(),
      tsi: O.newTsiState(),
      stoch: O.newStochState(),
      cci: O.newCciState(),
      vwap: VO.newVwapState(),
      hi: X.newExtremeState(),
      sd: V.newVarState(),
    });
    const run = (r: Rec, bar: number, c: number): number[] => {
      const o = new Float64Array(3);
      const row: number[] = [];
      O.macdStep(r.macd, bar, c, 3, 5, 2, o);
      row.push(...o);
      O.dmiStep(r.dmi, bar, c + 1, c - 1, c, 3, 2, o);
      row.push(...o);
      row.push(V.atrStep(r.atr, bar, c + 1, c - 1, c, 3));
      V.supertrendStep(r.st, bar, c + 1, c - 1, c, 2, 3, o);
      row.push(o[0] ?? NaN, o[1] ?? NaN);
      V.kcStep(r.kc, bar, c, c + 1, c - 1, c, 3, 2, true, o);
      row.push(...o);
      row.push(O.tsiStep(r.tsi, bar, c, 2, 3));
      row.push(O.stochStep(r.stoch, bar, c, c + 1, c - 1, 4));
      row.push(O.cciStep(r.cci, bar, c, 4));
      row.push(VO.vwapValueStep(r.vwap, bar, c, 1 + (bar % 3), bar % 5 === 0));
      row.push(X.extremeBarsStep(r.hi, bar, c, 4, 1));
      row.push(V.stdevStep(r.sd, bar, c, 4, false));
      return row;
    };
    const closes = [10, 11, 12, 11, 13, 14, 12, 15, 16, 15, 17, 13, 12, 18, 11];
    const looped = make();
    const once = make();
    closes.forEach((c, bar) => {
      run(looped, bar, c * 3 + 7);
      run(looped, bar, c / 2);
      const last = run(looped, bar, c);
      const single = run(once, bar, c);
      last.forEach((v, k) => expect(near(v, single[k] ?? NaN), `bar ${bar}, value ${k}: ${v} vs ${single[k]}`).toBe(true));
    });
  });
});

describe('a call site skipped on some bars only sees the bars it runs on', () => {
  test('sma and change over the executions of an `if bar_index % 2 == 0` block', () => {
    const sma = M.newSmaState();
    const ch = O.newHistState();
    const out: number[] = [];
    const chg: number[] = [];
    for (let bar = 0; bar < 9; bar++) {
      if (bar % 2 !== 0) continue;
      out.push(M.smaStep(sma, bar, bar * 10, 3));
      chg.push(O.changeStep(ch, bar, bar * 10, 1));
    }
    // executions on bars 0, 2, 4, 6, 8 with values 0, 20, 40, 60, 80
    expectSeries(out, [NaN, NaN, 20, 40, 60]);
    expectSeries(chg, [NaN, 20, 20, 20, 20]);
  });

  test('tr and atr take close[1] from the previous execution of the call site', () => {
    const tr = V.newTrState();
    expect(V.trStep(tr, 0, 10, 8, 9, true)).toBe(2);
    // bar 1 skipped; on bar 2 the previous close this call site saw is 9
    expect(V.trStep(tr, 2, 12, 11, 11.5, false)).toBe(3);
  });
});

describe('na inputs', () => {
  test('sma skips na values and keeps its window on an na bar', () => {
    const st = M.newSmaState();
    expectSeries(feed([1, NaN, 2, 3, NaN, 7], (b, v) => M.smaStep(st, b, v, 3)), [NaN, NaN, NaN, 2, 2, 4]);
  });

  test('ema and rma return na on an na bar and continue from where they were', () => {
    const e = M.newExpState();
    const out = feed([2, NaN, 4, NaN, 6], (b, v) => M.emaStep(e, b, v, 2));
    expectSeries(out, [NaN, NaN, 3, NaN, 3 + (2 / 3) * 3]);
    const r = M.newExpState();
    expectSeries(feed([2, 4, NaN, 6], (b, v) => M.rmaStep(r, b, v, 2)), [NaN, 3, NaN, 4.5]);
  });

  test('swma, alma and linreg propagate an na inside their window', () => {
    const sw = W.newRawWin();
    const out = feed([1, 2, 3, 4, NaN, 6, 7, 8, 9, 10], (b, v) => M.swmaStep(sw, b, v));
    expectSeries(out, [NaN, NaN, NaN, (1 + 4 + 6 + 4) / 6, NaN, NaN, NaN, NaN, (6 + 14 + 16 + 9) / 6, (7 + 16 + 18 + 10) / 6]);
    const lr = W.newRawWin();
    // a straight line through 1, 2, 3 evaluated at the newest point; na while the window holds na
    expectSeries(feed([1, 2, 3, NaN, 5, 6, 7], (b, v) => M.linregStep(lr, b, v, 3, 0)), [NaN, NaN, 3, NaN, NaN, NaN, 7]);
    const al = M.newAlmaState();
    const alma = feed([1, NaN, 3, 4], (b, v) => M.almaStep(al, b, v, 2, 0.5, 6, false));
    expectSeries(alma, [NaN, NaN, NaN, 3.5]); // symmetric weights around the middle of 2 values
  });

  test('wma repeats the last value inside its window and returns na on the na bar', () => {
    const st = M.newWmaState();
    // window of 2: weights 1 (older), 2 (newer), sum 3
    expectSeries(feed([3, 6, NaN, 9], (b, v) => M.wmaStep(st, b, v, 2)), [NaN, (3 + 12) / 3, NaN, (6 + 18) / 3]);
  });

  test('highest and lowest ignore na values inside the window', () => {
    const hi = X.newExtremeState();
    expectSeries(feed([1, NaN, 3, NaN, NaN, NaN], (b, v) => X.extremeStep(hi, b, v, 3, 1)), [NaN, NaN, 3, 3, 3, NaN]);
    const lob = X.newExtremeState();
    expectSeries(feed([4, 2, NaN, 5], (b, v) => X.extremeBarsStep(lob, b, v, 3, -1)), [NaN, NaN, -1, -2]);
  });

  test('change, mom and roc give na when either end is na', () => {
    const ch = O.newHistState();
    expectSeries(feed([1, NaN, 4, 8], (b, v) => O.changeStep(ch, b, v, 1)), [NaN, NaN, NaN, 4]);
    const roc = O.newHistState();
    expectSeries(feed([2, 4, 5], (b, v) => O.rocStep(roc, b, v, 2)), [NaN, NaN, 150]);
  });

  test('cross compares with the last execution where both sources were defined', () => {
    const st = S.newCrossState();
    const a = [1, NaN, 3, 1];
    const b = [2, 2, 2, 2];
    expect(a.map((x, i) => S.crossStep(st, i, x, b[i] ?? NaN, 1))).toEqual([false, false, true, false]);
  });

  test('the bool overload of change is false until a previous value exists', () => {
    const st = O.newHistState();
    expect([true, true, false, false, true].map((v, b) => O.changeBoolStep(st, b, v, 1))).toEqual([false, false, true, false, true]);
  });

  test('cum skips na values', () => {
    const st = M.newCumState();
    expectSeries(feed([1, NaN, 2], (b, v) => M.cumStep(st, b, v)), [1, NaN, 3]);
  });
});

describe('series lengths that change from bar to bar', () => {
  test('sma, highest and wma follow the length of each bar', () => {
    const sma = M.newSmaState();
    const hi = X.newExtremeState();
    const wma = M.newWmaState();
    const values = [5, 1, 4, 2, 8, 3, 7, 6];
    const lengths = [1, 2, 3, 5, 2, 4, 1, 3];
    const s: number[] = [];
    const h: number[] = [];
    const w: number[] = [];
    values.forEach((v, b) => {
      const len = lengths[b] ?? 1;
      s.push(M.smaStep(sma, b, v, len));
      h.push(X.extremeStep(hi, b, v, len, 1));
      w.push(M.wmaStep(wma, b, v, len));
    });
    const windows = values.map((_, b) => values.slice(Math.max(0, b - (lengths[b] ?? 1) + 1), b + 1));
    const full = windows.map((win, b) => win.length === lengths[b]);
    expectSeries(s, windows.map((win, b) => (full[b] ? win.reduce((x, y) => x + y, 0) / win.length : NaN)));
    expectSeries(h, windows.map((win, b) => (full[b] ? Math.max(...win) : NaN)));
    const wmaOf = (win: number[]): number => win.reduce((acc, x, i) => acc + x * (i + 1), 0) / ((win.length * (win.length + 1)) / 2);
    expectSeries(w, windows.map((win, b) => (full[b] ? wmaOf(win) : NaN)));
  });

  test('a window grown past what was kept fills up again from the new bars', () => {
    const st = M.newSmaState();
    for (let b = 0; b < 40; b++) M.smaStep(st, b, b, 2);
    // Length 50 now: the older values were never kept, so the average waits for 50 values of
    // this call site's own history, then matches a fresh computation.
    let last = NaN;
    for (let b = 40; b < 100; b++) last = M.smaStep(st, b, b, 50);
    expect(last).toBe((50 + 99) / 2);
  });
});

describe('accuracy and plain-data state', () => {
  test('the rolling sum stays within 1e-10 of a fresh sum over 1,000,000 bars', () => {
    const st = M.newSmaState();
    let x = 123.456;
    let seed = 7;
    const values = new Float64Array(1_000_000);
    let worst = 0;
    for (let b = 0; b < values.length; b++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      x *= 1 + (seed / 2147483648 - 0.5) * 0.02;
      values[b] = x;
      const v = M.smaStep(st, b, x, 14);
      if (b >= 13 && b % 1000 === 999) {
        let fresh = 0;
        for (let k = 0; k < 14; k++) fresh += values[b - k] ?? NaN;
        fresh /= 14;
        worst = Math.max(worst, Math.abs(v - fresh) / Math.abs(fresh));
      }
    }
    expect(worst).toBeLessThan(1e-10);
  });

  test('the rolling sums of x and x² (variance, stdev, bb) stay within 1e-10 over 1,000,000 bars', () => {
    const st = W.newRollSum2();
    let x = 123.456;
    let seed = 11;
    const values = new Float64Array(1_000_000);
    let worstP = 0;
    let worstQ = 0;
    for (let b = 0; b < values.length; b++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      x *= 1 + (seed / 2147483648 - 0.5) * 0.02;
      values[b] = x;
      const p = W.rollSum2Step(st, b, x, 20);
      if (b >= 19 && b % 1000 === 999) {
        let fp = 0;
        let fq = 0;
        for (let k = 0; k < 20; k++) {
          const v = values[b - k] ?? NaN;
          fp += v;
          fq += v * v;
        }
        worstP = Math.max(worstP, Math.abs(p - fp) / Math.abs(fp));
        worstQ = Math.max(worstQ, Math.abs(st.q - fq) / Math.abs(fq));
      }
    }
    expect(worstP).toBeLessThan(1e-10);
    expect(worstQ).toBeLessThan(1e-10);
  });

  test('a huge value leaving the window leaves no rounding residue behind', () => {
    const st = M.newSmaState();
    const vals = [1e15, 0.1, 0.2, 0.3, 0.4];
    const out = feed(vals, (b, v) => M.smaStep(st, b, v, 3));
    expect(out[4]).toBeCloseTo(0.3, 14);
    const v = V.newVarState();
    const sd = feed([1e8, 1, 2, 3, 4, 5], (b, x) => V.stdevStep(v, b, x, 3, true));
    expect(sd[5]).toBeCloseTo(Math.sqrt(2 / 3), 6);
  });

  test('variance, stdev, dev and correlation match their textbook definitions', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    const ys = [1, 3, 2, 5, 4, 6, 8, 7];
    const v = V.newVarState();
    const vu = V.newVarState();
    const sd = V.newVarState();
    const dv = V.newDevState();
    const co = V.newCorrState();
    let last: number[] = [];
    xs.forEach((x, b) => {
      last = [
        V.varianceStep(v, b, x, 8, true),
        V.varianceStep(vu, b, x, 8, false),
        V.stdevStep(sd, b, x, 8, true),
        V.devStep(dv, b, x, 8),
        V.correlationStep(co, b, x, ys[b] ?? NaN, 8),
      ];
    });
    const [variance = NaN, unbiased = NaN, stdev = NaN, dev = NaN, corr = NaN] = last;
    expect(variance).toBeCloseTo(4, 12); // mean 5, squared deviations sum 32
    expect(unbiased).toBeCloseTo(32 / 7, 12);
    expect(stdev).toBeCloseTo(2, 12);
    expect(dev).toBeCloseTo(12 / 8, 12); // |−3|+|−1|·3+0·2+2+4 = 12
    const my = ys.reduce((a, b) => a + b, 0) / 8;
    const cov = xs.reduce((acc, x, i) => acc + (x - 5) * ((ys[i] ?? NaN) - my), 0) / 8;
    const sy = Math.sqrt(ys.reduce((acc, y) => acc + (y - my) ** 2, 0) / 8);
    expect(corr).toBeCloseTo(cov / (2 * sy), 12);
  });

  test('rsi, stoch, cmo and mfi on a hand-worked series', () => {
    const closes = [10, 11, 10, 12];
    const r = O.newRsiState();
    const rsi = feed(closes, (b, c) => O.rsiStep(r, b, c, 2));
    // changes +1, −1, +2; seeds: up (1 + 0) / 2 = 0.5, down (0 + 1) / 2 = 0.5 → 50;
    // then up (0.5 + 2) / 2 = 1.25, down (0.5 + 0) / 2 = 0.25 → 100 − 100 / 6
    expectSeries(rsi, [NaN, NaN, 50, 100 - 100 / 6]);
    const st = O.newStochState();
    const stoch = closes.map((c, b) => O.stochStep(st, b, c, c + 1, c - 1, 2));
    expectSeries(stoch, [NaN, 100 * (11 - 9) / (12 - 9), 100 * (10 - 9) / (12 - 9), 100 * (12 - 9) / (13 - 9)]);
    const cm = O.newCmoState();
    expectSeries(feed(closes, (b, c) => O.cmoStep(cm, b, c, 2)), [NaN, NaN, 0, (100 * (2 - 1)) / 3]);
  });

  test('rising and falling need a strict move on each of the last `length` executions', () => {
    const up = W.newRawWin();
    const down = W.newRawWin();
    const vals = [1, 2, 3, 3, 4, 5, 4];
    expect(vals.map((v, b) => X.risingStep(up, b, v, 2, 1))).toEqual([false, false, true, false, false, true, false]);
    expect(vals.map((v, b) => X.risingStep(down, b, v, 1, -1))).toEqual([false, false, false, false, false, false, true]);
  });

  test('median, mode and the percentiles of a small window', () => {
    const med = X.newOrderState();
    const mode = X.newOrderState();
    const vals = [3, 1, 2, 2, 5];
    expectSeries(feed(vals, (b, v) => X.medianStep(med, b, v, 4, false)), [NaN, NaN, NaN, 2, 2]);
    expectSeries(feed(vals, (b, v) => X.modeStep(mode, b, v, 3)), [NaN, NaN, 1, 2, 2]);
    const even = X.newOrderState();
    expectSeries(feed([1, 4], (b, v) => X.medianStep(even, b, v, 2, false)), [NaN, 2.5]);
    const evenInt = X.newOrderState();
    expectSeries(feed([1, 4], (b, v) => X.medianStep(evenInt, b, v, 2, true)), [NaN, 1]);
    const near20 = X.newOrderState();
    const lin = X.newOrderState();
    const data = [15, 20, 35, 40, 50];
    const nr = feed(data, (b, v) => X.percentileNearestRankStep(near20, b, v, 5, 40));
    const li = feed(data, (b, v) => X.percentileLinearStep(lin, b, v, 5, 40));
    expect(nr[4]).toBe(20); // rank ceil(0.4 · 5) = 2
    expect(li[4]).toBe(27.5); // position 0.4 · 5 + 0.5 = 2.5 → halfway between 20 and 35
    const pr = W.newRawWin();
    expectSeries(feed([1, 3, 2, 2], (b, v) => X.percentrankStep(pr, b, v, 3)), [NaN, NaN, NaN, 2 / 3 * 100]);
  });

  test('pivots: a swing point is reported `rightbars` executions later', () => {
    const ph = P.newPivotState();
    const vals = [1, 2, 5, 3, 2, 4, 1];
    expectSeries(feed(vals, (b, v) => P.pivotStep(ph, b, v, 2, 2, 1)), [NaN, NaN, NaN, NaN, 5, NaN, NaN]);
    const pl = P.newPivotState();
    expectSeries(feed(vals, (b, v) => P.pivotStep(pl, b, v, 1, 1, -1)), [NaN, NaN, NaN, NaN, NaN, 2, NaN]);
  });

  test('pivot point levels: fixed until the next anchor, or developing', () => {
    const st = P.newPivotLevelsState();
    const out = new Float64Array(11);
    // period 1: bars 0-1 (H 12, L 8, last close 11); anchor on bar 2 with open 11.5
    P.pivotLevelsStep(st, 0, 'Traditional', false, false, 10, 12, 9, 10, out);
    expect([...out].every(Number.isNaN)).toBe(true);
    P.pivotLevelsStep(st, 1, 'Traditional', false, false, 10, 11, 8, 11, out);
    P.pivotLevelsStep(st, 2, 'Traditional', true, false, 11.5, 13, 11, 12, out);
    const p = (12 + 8 + 11) / 3;
    expect(out[0]).toBeCloseTo(p, 12);
    expect(out[1]).toBeCloseTo(2 * p - 8, 12);
    expect(out[2]).toBeCloseTo(2 * p - 12, 12);
    expect(out[9]).toBeCloseTo(p * 4 + (12 - 4 * 8), 12);
    P.pivotLevelsStep(st, 3, 'Traditional', false, false, 12, 20, 1, 15, out);
    expect(out[0]).toBeCloseTo(p, 12); // unchanged until the next anchor
    const dev = P.newPivotLevelsState();
    P.pivotLevelsStep(dev, 0, 'Camarilla', false, true, 10, 12, 9, 10, out);
    expect(out[0]).toBeCloseTo((12 + 9 + 10) / 3, 12);
    expect(out[7]).toBeCloseTo(10 + (3 * 1.1) / 2, 12);
    P.pivotLevelsStep(dev, 1, 'Camarilla', false, true, 10, 14, 8, 13, out);
    expect(out[0]).toBeCloseTo((14 + 8 + 13) / 3, 12);
    const woodie = P.newPivotLevelsState();
    P.pivotLevelsStep(woodie, 0, 'Woodie', false, false, 10, 12, 9, 10, out);
    P.pivotLevelsStep(woodie, 1, 'Woodie', true, false, 11, 11, 10, 10.5, out);
    expect(out[0]).toBeCloseTo((12 + 9 + 2 * 11) / 4, 12); // today's open, yesterday's high/low
  });

  test('vwap resets on the anchor and is na before the first one', () => {
    const st = VO.newVwapState();
    const out = new Float64Array(3);
    const rows: number[][] = [];
    const bars: [number, number, boolean][] = [[10, 1, false], [10, 2, true], [13, 1, false], [20, 5, true]];
    bars.forEach(([src, vol, anchor], b) => {
      VO.vwapStep(st, b, src, vol, anchor, 1, out);
      rows.push([...out]);
    });
    expectSeries(rows.map((r) => r[0] ?? NaN), [NaN, 10, 11, 20]);
    // bar 2: mean 11, E[x²] = (200 + 169) / 3 = 123 → variance 2 → band ± sqrt(2)
    expect(rows[2]?.[1]).toBeCloseTo(11 + Math.SQRT2, 12);
    expect(rows[2]?.[2]).toBeCloseTo(11 - Math.SQRT2, 12);
  });

  test('state records survive a structured copy and continue identically', () => {
    const closes = Array.from({ length: 120 }, (_, i) => 100 + 10 * Math.sin(i / 5) + (i % 7));
    const make = () => ({
      sma: M.newSmaState(),
      rsi: O.newRsiState(),
      bb: V.newBbState(),
      sar: V.newSarState(),
      med: X.newOrderState(),
      ppl: P.newPivotLevelsState(),
      vw: S.newValuewhenState(),
    });
    type States = ReturnType<typeof make>;
    const out = new Float64Array(11);
    const step = (s: States, b: number): number[] => {
      const c = closes[b] ?? NaN;
      V.bbStep(s.bb, b, c, 10, 2, out);
      const bb = out[1] ?? NaN;
      P.pivotLevelsStep(s.ppl, b, 'Fibonacci', b % 17 === 0, false, c, c + 2, c - 2, c, out);
      return [
        M.smaStep(s.sma, b, c, 9),
        O.rsiStep(s.rsi, b, c, 14),
        bb,
        V.sarStep(s.sar, b, c + 1, c - 1, c, 0.02, 0.02, 0.2),
        X.medianStep(s.med, b, c, 7, false),
        out[3] ?? NaN,
        S.valuewhenStep(s.vw, b, b % 5 === 0, c, 2),
      ];
    };
    const a = make();
    for (let b = 0; b < 60; b++) step(a, b);
    const isPlain = (v: unknown): boolean => {
      if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return true;
      if (ArrayBuffer.isView(v)) return true;
      if (Array.isArray(v)) return v.every(isPlain);
      if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).every(isPlain);
      return false;
    };
    expect(isPlain(a)).toBe(true);
    const b2 = structuredClone(a);
    for (let b = 60; b < 120; b++) expect(step(b2, b)).toEqual(step(a, b));
  });
});

describe('randomised against brute force', () => {
  // Each bar calls the step 1-3 times (only the last call counts), ~15% of values are na, and the
  // length changes every few bars (the first bar uses the largest length, so every value the
  // brute force needs is still held by the ring).
  test('sma, stdev, highestbars, lowest, median, wma and linreg over 3000 bars', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const st = {
      sma: M.newSmaState(),
      sd: V.newVarState(),
      hb: X.newExtremeState(),
      med: X.newOrderState(),
      wma: M.newWmaState(),
      lr: W.newRawWin(),
      lo: X.newExtremeState(),
    };
    const hist: number[] = []; // last value of every bar
    let len = 40;
    for (let bar = 0; bar < 3000; bar++) {
      if (bar > 0 && rnd() < 0.2) len = 1 + Math.floor(rnd() * 40);
      const calls = 1 + Math.floor(rnd() * 3);
      let v = NaN;
      let got: number[] = [];
      for (let c = 0; c < calls; c++) {
        v = rnd() < 0.15 ? NaN : Math.round(rnd() * 1000) / 10;
        got = [
          M.smaStep(st.sma, bar, v, len),
          V.stdevStep(st.sd, bar, v, len, true),
          X.extremeBarsStep(st.hb, bar, v, len, 1),
          X.medianStep(st.med, bar, v, len, false),
          M.wmaStep(st.wma, bar, v, len),
          M.linregStep(st.lr, bar, v, len, 0),
          X.extremeStep(st.lo, bar, v, len, -1),
        ];
      }
      hist.push(v);
      // Brute force.
      const nonNa = hist.filter((x) => !Number.isNaN(x));
      const lastN = nonNa.slice(-len);
      const fullN = lastN.length === len;
      const mean = lastN.reduce((a, b) => a + b, 0) / len;
      const sma = fullN ? mean : NaN;
      const sd = fullN ? Math.sqrt(lastN.reduce((a, b) => a + (b - mean) ** 2, 0) / len) : NaN;
      const win = hist.slice(-len);
      let hb = NaN;
      if (win.length === len) {
        let best = -Infinity;
        win.forEach((x, i) => {
          if (!Number.isNaN(x) && x > best) {
            best = x;
            hb = -(len - 1 - i);
          }
        });
      }
      const sorted = [...lastN].sort((a, b) => a - b);
      const med = !fullN || Number.isNaN(v) ? NaN : len % 2 ? (sorted[len >> 1] ?? NaN) : ((sorted[len / 2 - 1] ?? NaN) + (sorted[len / 2] ?? NaN)) / 2;
      // wma: na values repeat the previous non-na value; na on an na bar or before len values.
      const ff: number[] = [];
      let lastv = NaN;
      for (const x of hist) {
        if (!Number.isNaN(x)) lastv = x;
        ff.push(lastv);
      }
      const fwin = ff.slice(-len);
      const wma = Number.isNaN(v) || nonNa.length < len ? NaN : fwin.reduce((a, x, i) => a + x * (i + 1), 0) / ((len * (len + 1)) / 2);
      let lr = NaN;
      if (win.length === len && win.every((x) => !Number.isNaN(x))) {
        const xs = win.map((_, i) => i + 1);
        const mx = (len + 1) / 2;
        const my = win.reduce((a, b) => a + b, 0) / len;
        const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
        const slope = sxx === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * ((win[i] ?? NaN) - my), 0) / sxx;
        lr = my + slope * (len - mx);
      }
      const finite = win.filter((x) => !Number.isNaN(x));
      const lowest = win.length === len && finite.length > 0 ? Math.min(...finite) : NaN;
      const want = [sma, sd, hb, med, wma, lr, lowest];
      want.forEach((w, k) => {
        const g = got[k] ?? NaN;
        const ok = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w));
        expect(ok, `bar ${bar} len ${len} fn ${k}: got ${g}, want ${w}`).toBe(true);
      });
    }
  });
});
