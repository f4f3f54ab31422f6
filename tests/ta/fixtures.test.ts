// Every column of every TradingView export in tests/fixtures/tradingview/ta (and
// core/series_if_for.csv), reproduced by driving the ta step functions bar by bar from the CSV's
// OHLCV, the way the VM calls them. Tolerance 1e-8 + 1e-5·|tv|, na equal to na, on every row.

import { describe as suite, expect, test } from 'vitest';
import { column, describe, loadFixture, mismatches, run, runTuple, type Fixture } from './fixture.js';
import * as M from '../../vm/builtins/ta/moving-averages.js';
import * as V from '../../vm/builtins/ta/volatility.js';
import * as O from '../../vm/builtins/ta/oscillators.js';
import * as X from '../../vm/builtins/ta/extremes.js';
import * as P from '../../vm/builtins/ta/pivots.js';
import * as VO from '../../vm/builtins/ta/volume.js';
import * as S from '../../vm/builtins/ta/signals.js';
import * as W from '../../vm/builtins/ta/window.js';

type Columns = Record<string, number[]>;

function expectColumns(fx: Fixture, ours: Columns): void {
  for (const [name, values] of Object.entries(ours)) {
    const m = mismatches(values, column(fx, name));
    expect(m, `${name}: ${describe(m)}`).toEqual([]);
  }
}

const hl2 = (fx: Fixture, i: number): number => ((fx.high[i] ?? NaN) + (fx.low[i] ?? NaN)) / 2;
const hlc3 = (fx: Fixture, i: number): number => ((fx.high[i] ?? NaN) + (fx.low[i] ?? NaN) + (fx.close[i] ?? NaN)) / 3;
const ohlc4 = (fx: Fixture, i: number): number =>
  ((fx.open[i] ?? NaN) + (fx.high[i] ?? NaN) + (fx.low[i] ?? NaN) + (fx.close[i] ?? NaN)) / 4;
const hlcc4 = (fx: Fixture, i: number): number =>
  ((fx.high[i] ?? NaN) + (fx.low[i] ?? NaN) + 2 * (fx.close[i] ?? NaN)) / 4;

// Bars as plain arrays of numbers (no undefined) for the step calls below.
function bars(fx: Fixture): { o: number[]; h: number[]; l: number[]; c: number[]; v: number[] } {
  return { o: fx.open, h: fx.high, l: fx.low, c: fx.close, v: fx.volume };
}

suite('ta fixtures', () => {
  test('ma.csv: sma, ema, rma, alma, wma, hma, swma, vwma (all 150 rows, upstream verified 102)', () => {
    const fx = loadFixture('ta/ma.csv');
    const { c, h, v } = bars(fx);
    const sma = (src: (i: number) => number, len: number): number[] => {
      const s = M.newSmaState();
      return run(fx.rows, (b) => M.smaStep(s, b, src(b), len));
    };
    const ema = (src: (i: number) => number, len: number): number[] => {
      const s = M.newExpState();
      return run(fx.rows, (b) => M.emaStep(s, b, src(b), len));
    };
    const rma = (src: (i: number) => number, len: number): number[] => {
      const s = M.newExpState();
      return run(fx.rows, (b) => M.rmaStep(s, b, src(b), len));
    };
    const alma = (len: number, off: number, sigma: number): number[] => {
      const s = M.newAlmaState();
      return run(fx.rows, (b) => M.almaStep(s, b, c[b] ?? NaN, len, off, sigma, false));
    };
    const wma = (len: number): number[] => {
      const s = M.newWmaState();
      return run(fx.rows, (b) => M.wmaStep(s, b, c[b] ?? NaN, len));
    };
    const hma = (len: number): number[] => {
      const s = M.newHmaState();
      return run(fx.rows, (b) => M.hmaStep(s, b, c[b] ?? NaN, len));
    };
    const sw = W.newRawWin();
    const vw = M.newVwmaState();
    const close = (i: number): number => c[i] ?? NaN;
    expectColumns(fx, {
      'ta.sma(close, 10)': sma(close, 10),
      'ta.sma(hl2, 20)': sma((i) => hl2(fx, i), 20),
      'ta.sma(hlc3, 15)': sma((i) => hlc3(fx, i), 15),
      'ta.ema(close, 20)': ema(close, 20),
      'ta.ema(ohlc4, 10)': ema((i) => ohlc4(fx, i), 10),
      'ta.rma(hlcc4, 5)': rma((i) => hlcc4(fx, i), 5),
      'ta.rma(high, 15)': rma((i) => h[i] ?? NaN, 15),
      'ta.alma(close, 5, 0.85, 6)': alma(5, 0.85, 6),
      'ta.alma(close, 10, 0.55, 12)': alma(10, 0.55, 12),
      'ta.wma(close, 5)': wma(5),
      'ta.wma(close, 20)': wma(20),
      'ta.hma(close, 9)': hma(9),
      'ta.hma(close, 20)': hma(20),
      'ta.swma(hlc3)': run(fx.rows, (b) => M.swmaStep(sw, b, hlc3(fx, b))),
      'ta.vwma(close, 20)': run(fx.rows, (b) => M.vwmaStep(vw, b, c[b] ?? NaN, v[b] ?? NaN, 20)),
    });
  });

  test('core/series_if_for.csv: ema in a 3-iteration loop and under `if bar_index % 4 == 3`', () => {
    const fx = loadFixture('core/series_if_for.csv');
    const s1 = M.newExpState();
    const s2 = M.newExpState();
    const ema1: number[] = [];
    const ema2: number[] = [];
    for (let b = 0; b < fx.rows; b++) {
      const close = fx.close[b] ?? NaN;
      // for i = 1 to 3: ema1 := ta.ema(close * i, 5) — one call site, three calls per bar.
      let e1 = NaN;
      for (let i = 1; i <= 3; i++) e1 = M.emaStep(s1, b, close * i, 5);
      // if bar_index % 4 == 3: ema2 := ta.ema(close, 10) — the call site skips three bars of four.
      const e2 = b % 4 === 3 ? M.emaStep(s2, b, close, 10) : NaN;
      ema1.push(e1);
      ema2.push(e2);
    }
    const back = (a: number[], k: number): number[] => a.map((_, i) => (i >= k ? (a[i - k] ?? NaN) : NaN));
    expectColumns(fx, { ema1, 'ema1[1]': back(ema1, 1), ema2, 'ema2[2]': back(ema2, 2) });
  });

  test('accdist+pvi+pvt+wad+wvad.csv', () => {
    const fx = loadFixture('ta/accdist+pvi+pvt+wad+wvad.csv');
    const { o, h, l, c, v } = bars(fx);
    const ad = VO.newCumVarState();
    const pvi = VO.newVolIndexState();
    const pvt = VO.newCumVarState();
    const wad = VO.newCumVarState();
    expectColumns(fx, {
      'ta.accdist': run(fx.rows, (b) => VO.accdistStep(ad, b, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, v[b] ?? NaN)),
      'ta.pvi': run(fx.rows, (b) => VO.volIndexStep(pvi, b, c[b] ?? NaN, v[b] ?? NaN, 1)),
      'ta.pvt': run(fx.rows, (b) => VO.pvtStep(pvt, b, c[b] ?? NaN, v[b] ?? NaN)),
      'ta.wad': run(fx.rows, (b) => VO.wadStep(wad, b, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, v[b] ?? NaN)),
      'ta.wvad': run(fx.rows, (b) => VO.wvadValue(o[b] ?? NaN, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, v[b] ?? NaN)),
    });
  });

  test('iii+nvi+obv.csv', () => {
    const fx = loadFixture('ta/iii+nvi+obv.csv');
    const { h, l, c, v } = bars(fx);
    const nvi = VO.newVolIndexState();
    const obv = VO.newCumVarState();
    expectColumns(fx, {
      'ta.iii': run(fx.rows, (b) => VO.iiiValue(h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, v[b] ?? NaN)),
      'ta.nvi': run(fx.rows, (b) => VO.volIndexStep(nvi, b, c[b] ?? NaN, v[b] ?? NaN, -1)),
      'ta.obv': run(fx.rows, (b) => VO.obvStep(obv, b, c[b] ?? NaN, v[b] ?? NaN)),
    });
  });

  test('bb.csv: ta.bb(close, 20, 2) and ta.bbw(close, 20, 2.1)', () => {
    const fx = loadFixture('ta/bb.csv');
    const { c } = bars(fx);
    const bb = V.newBbState();
    const out = new Float64Array(3);
    const [base, upper, lower] = runTuple(fx.rows, 3, (b) => {
      V.bbStep(bb, b, c[b] ?? NaN, 20, 2, out);
      return out;
    });
    const bbw = V.newBbState();
    expectColumns(fx, {
      'ta.bb(close, 20, 2).base': base ?? [],
      'ta.bb(close, 20, 2).upper': upper ?? [],
      'ta.bb(close, 20, 2).lower': lower ?? [],
      'ta.bbw(close, 20, 2.1)': run(fx.rows, (b) => V.bbwStep(bbw, b, c[b] ?? NaN, 20, 2.1)),
    });
  });

  test('cci+cmo+cog.csv', () => {
    const fx = loadFixture('ta/cci+cmo+cog.csv');
    const { c } = bars(fx);
    const cmo = O.newCmoState();
    const cci = O.newCciState();
    const cog = O.newCogState();
    expectColumns(fx, {
      'ta.cmo(close, 20)': run(fx.rows, (b) => O.cmoStep(cmo, b, c[b] ?? NaN, 20)),
      'ta.cci(close, 20)': run(fx.rows, (b) => O.cciStep(cci, b, c[b] ?? NaN, 20)),
      'ta.cog(close, 21)': run(fx.rows, (b) => O.cogStep(cog, b, c[b] ?? NaN, 21)),
    });
  });

  test('correlation.csv: ta.correlation(ta.sma(close, 20), ta.ema(close, 10), 20)', () => {
    const fx = loadFixture('ta/correlation.csv');
    const { c } = bars(fx);
    const sma = M.newSmaState();
    const ema = M.newExpState();
    const corr = V.newCorrState();
    expectColumns(fx, {
      correlation: run(fx.rows, (b) =>
        V.correlationStep(corr, b, M.smaStep(sma, b, c[b] ?? NaN, 20), M.emaStep(ema, b, c[b] ?? NaN, 10), 20),
      ),
    });
  });

  test('cross.csv: cross, crossover, crossunder of ema(close, 5) and ema(close, 11)', () => {
    const fx = loadFixture('ta/cross.csv');
    const { c } = bars(fx);
    const e1 = M.newExpState();
    const e2 = M.newExpState();
    const [cr, co, cu] = [S.newCrossState(), S.newCrossState(), S.newCrossState()];
    const [x, over, under] = runTuple(fx.rows, 3, (b) => {
      const a = M.emaStep(e1, b, c[b] ?? NaN, 5);
      const d = M.emaStep(e2, b, c[b] ?? NaN, 11);
      return [S.crossStep(cr, b, a, d, 0) ? 0.5 : 0, S.crossStep(co, b, a, d, 1) ? 1 : 0, S.crossStep(cu, b, a, d, -1) ? -1 : 0];
    });
    expectColumns(fx, {
      'ta.cross(ema1, ema2)': x ?? [],
      'ta.crossover(ema1, ema2)': over ?? [],
      'ta.crossunder(ema1, ema2)': under ?? [],
    });
  });

  test('dmi.csv: ta.dmi(17, 14)', () => {
    const fx = loadFixture('ta/dmi.csv');
    const { h, l, c } = bars(fx);
    const st = O.newDmiState();
    const out = new Float64Array(3);
    const [dip, dim, adx] = runTuple(fx.rows, 3, (b) => {
      O.dmiStep(st, b, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, 17, 14, out);
      return out;
    });
    expectColumns(fx, {
      'ta.dmi(17, 14).dip': dip ?? [],
      'ta.dmi(17, 14).dim': dim ?? [],
      'ta.dmi(17, 14).adx': adx ?? [],
    });
  });

  test('falling+rising.csv: ta.falling/ta.rising(ta.ema(close, 20), 5)', () => {
    const fx = loadFixture('ta/falling+rising.csv');
    const { c } = bars(fx);
    const ema = M.newExpState();
    const f = W.newRawWin();
    const r = W.newRawWin();
    const [falling, rising] = runTuple(fx.rows, 2, (b) => {
      const e = M.emaStep(ema, b, c[b] ?? NaN, 20);
      return [X.risingStep(f, b, e, 5, -1) ? -1 : 0, X.risingStep(r, b, e, 5, 1) ? 1 : 0];
    });
    expectColumns(fx, { 'ta.falling(ema, 5)': falling ?? [], 'ta.rising(ema, 5)': rising ?? [] });
  });

  test('highest+lowest.csv: both overloads of highest, lowest, highestbars, lowestbars', () => {
    const fx = loadFixture('ta/highest+lowest.csv');
    const { h, l, c } = bars(fx);
    const value = (src: number[], sign: number): number[] => {
      const s = X.newExtremeState();
      return run(fx.rows, (b) => X.extremeStep(s, b, src[b] ?? NaN, 10, sign));
    };
    const offset = (src: number[], sign: number): number[] => {
      const s = X.newExtremeState();
      return run(fx.rows, (b) => X.extremeBarsStep(s, b, src[b] ?? NaN, 10, sign));
    };
    expectColumns(fx, {
      'ta.highest(10)': value(h, 1),
      'ta.highest(close, 10)': value(c, 1),
      'ta.lowest(10)': value(l, -1),
      'ta.lowest(close, 10)': value(c, -1),
      'ta.highestbars(10)': offset(h, 1),
      'ta.highestbars(close, 10)': offset(c, 1),
      'ta.lowestbars(10)': offset(l, -1),
      'ta.lowestbars(close, 10)': offset(c, -1),
    });
  });

  test('kc.csv: ta.kc(close, 20, 2) and ta.kcw(close, 20, 2.1, useTrueRange=false)', () => {
    const fx = loadFixture('ta/kc.csv');
    const { h, l, c } = bars(fx);
    const kc = V.newKcState();
    const out = new Float64Array(3);
    const [base, upper, lower] = runTuple(fx.rows, 3, (b) => {
      V.kcStep(kc, b, c[b] ?? NaN, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, 20, 2, true, out);
      return out;
    });
    const kcw = V.newKcState();
    expectColumns(fx, {
      'ta.kc(close, 20, 2).base': base ?? [],
      'ta.kc(close, 20, 2).upper': upper ?? [],
      'ta.kc(close, 20, 2).lower': lower ?? [],
      'ta.kcw(close, 20, 2.1, useTrueRange=false)': run(fx.rows, (b) =>
        V.kcwStep(kcw, b, c[b] ?? NaN, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, 20, 2.1, false),
      ),
    });
  });

  test('linreg.csv: offsets 0 and 10', () => {
    const fx = loadFixture('ta/linreg.csv');
    const { c } = bars(fx);
    const a = W.newRawWin();
    const b10 = W.newRawWin();
    expectColumns(fx, {
      'ta.linreg(close, 20, 0)': run(fx.rows, (b) => M.linregStep(a, b, c[b] ?? NaN, 20, 0)),
      'ta.linreg(close, 20, 10)': run(fx.rows, (b) => M.linregStep(b10, b, c[b] ?? NaN, 20, 10)),
    });
  });

  test('macd.csv: ta.macd(close, 12, 26, 9)', () => {
    const fx = loadFixture('ta/macd.csv');
    const { c } = bars(fx);
    const st = O.newMacdState();
    const out = new Float64Array(3);
    const [macd, signal, hist] = runTuple(fx.rows, 3, (b) => {
      O.macdStep(st, b, c[b] ?? NaN, 12, 26, 9, out);
      return out;
    });
    expectColumns(fx, {
      'ta.macd(close, 12, 26, 9).macd': macd ?? [],
      'ta.macd(close, 12, 26, 9).signal': signal ?? [],
      'ta.macd(close, 12, 26, 9).hist': hist ?? [],
    });
  });

  test('mfi+rsi+stoch.csv', () => {
    const fx = loadFixture('ta/mfi+rsi+stoch.csv');
    const { h, l, c, v } = bars(fx);
    const mfi = O.newMfiState();
    const rsi = O.newRsiState();
    const stoch = O.newStochState();
    expectColumns(fx, {
      'ta.mfi(close, 14)': run(fx.rows, (b) => O.mfiStep(mfi, b, c[b] ?? NaN, v[b] ?? NaN, 14)),
      'ta.rsi(close, 14)': run(fx.rows, (b) => O.rsiStep(rsi, b, c[b] ?? NaN, 14)),
      'ta.stoch(close, high, low, 20)': run(fx.rows, (b) => O.stochStep(stoch, b, c[b] ?? NaN, h[b] ?? NaN, l[b] ?? NaN, 20)),
    });
  });

  test('min+max+median+mode.csv: ta.min/ta.max (all history), ta.median/ta.mode(close, 20)', () => {
    const fx = loadFixture('ta/min+max+median+mode.csv');
    const { c } = bars(fx);
    const mn = X.newAllTimeState();
    const mx = X.newAllTimeState();
    const med = X.newOrderState();
    const mode = X.newOrderState();
    expectColumns(fx, {
      'min(close)': run(fx.rows, (b) => X.allTimeStep(mn, b, c[b] ?? NaN, -1)),
      'max(close)': run(fx.rows, (b) => X.allTimeStep(mx, b, c[b] ?? NaN, 1)),
      'median(close)': run(fx.rows, (b) => X.medianStep(med, b, c[b] ?? NaN, 20, false)),
      'mode(close)': run(fx.rows, (b) => X.modeStep(mode, b, c[b] ?? NaN, 20)),
    });
  });

  test('pivot.csv: both overloads of pivothigh and pivotlow (10, 5)', () => {
    const fx = loadFixture('ta/pivot.csv');
    const { h, l, c } = bars(fx);
    const pivot = (src: number[], sign: number): number[] => {
      const s = P.newPivotState();
      return run(fx.rows, (b) => P.pivotStep(s, b, src[b] ?? NaN, 10, 5, sign));
    };
    expectColumns(fx, {
      'ta.pivothigh(10, 5)': pivot(h, 1),
      'ta.pivothigh(close, 10, 5)': pivot(c, 1),
      'ta.pivotlow(10, 5)': pivot(l, -1),
      'ta.pivotlow(close, 10, 5)': pivot(c, -1),
    });
  });

  test('ppp.csv: percentile_linear_interpolation(close, 20, 20), percentile_nearest_rank(close, 20, 20), percentrank(close, 33)', () => {
    const fx = loadFixture('ta/ppp.csv');
    const { c } = bars(fx);
    const lin = X.newOrderState();
    const near = X.newOrderState();
    const rank = W.newRawWin();
    // The headers name other arguments; COLUMNS.md gives the formulas that produced the data.
    expectColumns(fx, {
      'ta.percentile_linear_interpolation(close, 20, 30)': run(fx.rows, (b) => X.percentileLinearStep(lin, b, c[b] ?? NaN, 20, 20)),
      'ta.percentile_nearest_rank(close, 20, 0)': run(fx.rows, (b) => X.percentileNearestRankStep(near, b, c[b] ?? NaN, 20, 20)),
      'ta.percentrank(close, 33)': run(fx.rows, (b) => X.percentrankStep(rank, b, c[b] ?? NaN, 33)),
    });
  });

  test('range.csv: ta.range(close, 20)', () => {
    const fx = loadFixture('ta/range.csv');
    const { c } = bars(fx);
    const st = W.newRawWin();
    expectColumns(fx, { 'ta.range(close, 20)': run(fx.rows, (b) => X.rangeStep(st, b, c[b] ?? NaN, 20)) });
  });

  test('rci.csv: ta.rci(close, 5), ta.rci(close, 20), ta.rci(hl2, 20)', () => {
    const fx = loadFixture('ta/rci.csv');
    const { c } = bars(fx);
    const rci = (src: (i: number) => number, len: number): number[] => {
      const s = O.newRciState();
      return run(fx.rows, (b) => O.rciStep(s, b, src(b), len));
    };
    expectColumns(fx, {
      'ta.rci(close, 5)': rci((i) => c[i] ?? NaN, 5),
      'ta.rci(close, 20)': rci((i) => c[i] ?? NaN, 20),
      'ta.rci(hl2, 20)': rci((i) => hl2(fx, i), 20),
      hl2: run(fx.rows, (i) => hl2(fx, i)),
    });
  });

  test('sar.csv: ta.sar(0.02, 0.02, 0.2)', () => {
    const fx = loadFixture('ta/sar.csv');
    const { h, l, c } = bars(fx);
    const st = V.newSarState();
    expectColumns(fx, {
      'ta.sar(0.02, 0.02, 0.2)': run(fx.rows, (b) => V.sarStep(st, b, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, 0.02, 0.02, 0.2)),
    });
  });

  test('supertrend.csv: ta.supertrend(3, 10) split by direction', () => {
    const fx = loadFixture('ta/supertrend.csv');
    const { h, l, c } = bars(fx);
    const st = V.newSupertrendState();
    const out = new Float64Array(2);
    const [up, down] = runTuple(fx.rows, 2, (b) => {
      V.supertrendStep(st, b, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, 3, 10, out);
      const [value = NaN, dir = NaN] = out;
      return [dir < 0 ? value : NaN, dir > 0 ? value : NaN];
    });
    expectColumns(fx, { 'ta.supertrend(3, 10).up': up ?? [], 'ta.supertrend(3, 10).down': down ?? [] });
  });

  test('tr.csv: ta.tr(false), ta.tr(true), ta.tr, ta.atr(14)', () => {
    const fx = loadFixture('ta/tr.csv');
    const { h, l, c } = bars(fx);
    const tr = (handleNa: boolean): number[] => {
      const s = V.newTrState();
      return run(fx.rows, (b) => V.trStep(s, b, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, handleNa));
    };
    const atr = V.newAtrState();
    expectColumns(fx, {
      'ta.tr(false)': tr(false),
      'ta.tr(true)': tr(true),
      'ta.tr': tr(false),
      'ta.atr(14)': run(fx.rows, (b) => V.atrStep(atr, b, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, 14)),
    });
  });

  test('tsi.csv: ta.tsi(close, 12, 26)', () => {
    const fx = loadFixture('ta/tsi.csv');
    const { c } = bars(fx);
    const st = O.newTsiState();
    expectColumns(fx, { 'ta.tsi(close, 12, 26)': run(fx.rows, (b) => O.tsiStep(st, b, c[b] ?? NaN, 12, 26)) });
  });

  test('valuewhen.csv: second most recent close at a cross of sma(7) and sma(14)', () => {
    const fx = loadFixture('ta/valuewhen.csv');
    const { c } = bars(fx);
    const slow = M.newSmaState();
    const fast = M.newSmaState();
    const cross = S.newCrossState();
    const vw = S.newValuewhenState();
    expectColumns(fx, {
      'ta.valuewhen(ta.cross(slow, fast), close, 1)': run(fx.rows, (b) => {
        const s = M.smaStep(slow, b, c[b] ?? NaN, 7);
        const f = M.smaStep(fast, b, c[b] ?? NaN, 14);
        return S.valuewhenStep(vw, b, S.crossStep(cross, b, s, f, 0), c[b] ?? NaN, 1);
      }),
    });
  });

  test('valuewhen_na.csv: na sources on condition bars consume an occurrence', () => {
    const fx = loadFixture('ta/valuewhen_na.csv');
    const { c } = bars(fx);
    const st = [S.newValuewhenState(), S.newValuewhenState(), S.newValuewhenState(), S.newValuewhenState()] as const;
    const [v0, v1, v2, w0] = runTuple(fx.rows, 4, (b) => {
      const cond = b % 3 === 0;
      const src = b % 2 === 0 ? NaN : (c[b] ?? NaN);
      return [
        S.valuewhenStep(st[0], b, cond, src, 0),
        S.valuewhenStep(st[1], b, cond, src, 1),
        S.valuewhenStep(st[2], b, cond, src, 2),
        S.valuewhenStep(st[3], b, cond, c[b] ?? NaN, 0),
      ];
    });
    expectColumns(fx, { v0: v0 ?? [], v1: v1 ?? [], v2: v2 ?? [], w0: w0 ?? [] });
  });

  test('wpr.csv: ta.wpr(20)', () => {
    const fx = loadFixture('ta/wpr.csv');
    const { h, l, c } = bars(fx);
    const st = O.newStochState();
    expectColumns(fx, { 'ta.wpr(20)': run(fx.rows, (b) => O.wprStep(st, b, c[b] ?? NaN, h[b] ?? NaN, l[b] ?? NaN, 20)) });
  });
});

// ---------------------------------------------------------------------------------------------
// Session-anchored fixtures. The anchors are computed here from the bar times, in the symbol's
// timezone from the .toml beside each CSV (US/Eastern = America/New_York): the FX trading day
// starts at 17:00 New York time, so a bar's trading day is the New York date of (time + 7 h), and
// timeframe.change("D") is true on the first bar of a new trading day (never on bar 0, as
// timeframe/timeframe.csv shows). Intraday periods ("240", "360") are counted from 17:00.

const NY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function nyParts(t: number): Record<string, string> {
  return Object.fromEntries(NY.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
}

function tradingDay(t: number): string {
  const p = nyParts(t + 7 * 3_600_000);
  return `${p.year}-${p.month}-${p.day}`;
}

function minutesSinceOpen(t: number): number {
  const p = nyParts(t);
  return (Number(p.hour) * 60 + Number(p.minute) - 17 * 60 + 1440) % 1440;
}

/** timeframe.change(tf) for "D" (minutes = 0) or an intraday period in minutes. */
function change(times: number[], minutes: number): boolean[] {
  const key = (t: number): string => (minutes ? `${tradingDay(t)}|${Math.floor(minutesSinceOpen(t) / minutes)}` : tradingDay(t));
  return times.map((t, i) => i > 0 && key(t) !== key(times[i - 1] ?? NaN));
}

suite('ta fixtures anchored on sessions', () => {
  test('pivot_point_levels.csv: all five types with timeframe.change("D") (13000 rows; upstream verified 902)', () => {
    const fx = loadFixture('ta/pivot_point_levels.csv', { naValue: 1e100 });
    const { o, h, l, c } = bars(fx);
    const anchor = change(fx.time, 0);
    const levels = (type: P.PivotType, pick: Record<string, number>): Columns => {
      const st = P.newPivotLevelsState();
      const out = new Float64Array(11);
      const cols: Columns = Object.fromEntries(Object.keys(pick).map((k) => [k, [] as number[]]));
      for (let b = 0; b < fx.rows; b++) {
        P.pivotLevelsStep(st, b, type, anchor[b] ?? false, false, o[b] ?? NaN, h[b] ?? NaN, l[b] ?? NaN, c[b] ?? NaN, out);
        for (const [k, idx] of Object.entries(pick)) cols[k]?.push(out[idx] ?? NaN);
      }
      return cols;
    };
    expectColumns(fx, {
      ...levels('Traditional', { P_trad: 0, R1_trad: 1, S1_trad: 2, R2_trad: 3, S2_trad: 4, R3_trad: 5, S3_trad: 6 }),
      ...levels('Fibonacci', { P_fib: 0, R1_fib: 1, S1_fib: 2 }),
      ...levels('DM', { P_dm: 0, R1_dm: 1, S1_dm: 2 }),
      ...levels('Camarilla', { P_cam: 0, R4_cam: 7, S4_cam: 8 }),
      ...levels('Woodie', { P_woodie: 0 }),
    });
  });

  test('vwap.csv: default (session) anchor, timeframe.change("240"), and bands with timeframe.change("360")', () => {
    const fx = loadFixture('ta/vwap.csv');
    const { c, v } = bars(fx);
    // Bar 0 opens the Sunday 17:00 session; the default anchor is true there (see index.ts).
    const daily = change(fx.time, 0).map((x, i) => x || i === 0);
    const vwap = (anchor: boolean[], mult: number): number[][] => {
      const st = VO.newVwapState();
      const out = new Float64Array(3);
      return runTuple(fx.rows, 3, (b) => {
        VO.vwapStep(st, b, c[b] ?? NaN, v[b] ?? NaN, anchor[b] ?? false, mult, out);
        return out;
      });
    };
    const [day] = vwap(daily, NaN);
    const [h4] = vwap(change(fx.time, 240), NaN);
    const [h6, upper, lower] = vwap(change(fx.time, 360), 2);
    expectColumns(fx, {
      'ta.vwap(close)': day ?? [],
      'ta.vwap(close, timeframe.change("240"))': h4 ?? [],
      'ta.vwap(close, timeframe.change("360"), 2.0).vwap': h6 ?? [],
      'ta.vwap(close, timeframe.change("360"), 2.0).upper_band': upper ?? [],
      'ta.vwap(close, timeframe.change("360"), 2.0).lower_band': lower ?? [],
    });
  });

  test('the ta.vwap variable anchors at each trading day and on its first execution', () => {
    // ta.vwap is the vwap of hlc3; compared with a direct computation (hand-driven anchors) on the
    // same bars, since the fixture has no ta.vwap column.
    const fx = loadFixture('ta/vwap.csv');
    const { h, l, c, v } = bars(fx);
    const day = fx.time.map((t) => Date.parse(`${tradingDay(t)}T00:00:00Z`));
    const viaVar = VO.newVwapVarState();
    const ours = run(fx.rows, (b) => VO.vwapVarStep(viaVar, b, hlc3(fx, b), v[b] ?? NaN, day[b] ?? NaN));
    let sv = 0;
    let spv = 0;
    for (let b = 0; b < fx.rows; b++) {
      if (b === 0 || day[b] !== day[b - 1]) {
        sv = 0;
        spv = 0;
      }
      sv += v[b] ?? NaN;
      spv += (((h[b] ?? NaN) + (l[b] ?? NaN) + (c[b] ?? NaN)) / 3) * (v[b] ?? NaN);
      expect(Math.abs((ours[b] ?? NaN) - spv / sv)).toBeLessThan(1e-12);
    }
    expect(new Set(day).size).toBeGreaterThan(2);
  });
});
