// Every column of every TradingView export in tests/fixtures/tradingview/ta/, reproduced by
// compiling the Pine expression that produced it (the header, or COLUMNS.md's formula) and running
// it through the whole VM. Tolerance 1e-8 + 1e-5·|tv| on every row, na equal to na.

import { describe, test } from 'vitest';
import { expectColumn, runOnFixture } from './harness.js';

/** One plot per [expression, column] pair, titled by column; checks each. */
function check(file: string, pairs: [string, string][], opts: { prelude?: string; limit?: number; naValue?: number } = {}): void {
  const body = (opts.prelude ?? '') + '\n' + pairs.map(([expr, col]) => `plot(${expr}, ${JSON.stringify(col)})`).join('\n');
  const run = runOnFixture(file, body, opts.naValue !== undefined ? { naValue: opts.naValue } : {});
  for (const [, col] of pairs) expectColumn(run, col, col, opts.limit);
}

/** Columns whose header is the Pine expression itself. */
function same(cols: string[]): [string, string][] {
  return cols.map((c) => [c, c]);
}

describe('ta.* through the VM against TradingView', () => {
  test('accdist, pvi, pvt, wad, wvad', () => {
    check('ta/accdist+pvi+pvt+wad+wvad.csv', same(['ta.accdist', 'ta.pvi', 'ta.pvt', 'ta.wad', 'ta.wvad']));
  });
  test('bb and bbw', () => {
    check(
      'ta/bb.csv',
      [
        ['b', 'ta.bb(close, 20, 2).base'],
        ['u', 'ta.bb(close, 20, 2).upper'],
        ['l', 'ta.bb(close, 20, 2).lower'],
        ['ta.bbw(close, 20, 2.1)', 'ta.bbw(close, 20, 2.1)'],
      ],
      { prelude: '[b, u, l] = ta.bb(close, 20, 2)' },
    );
  });
  test('cci, cmo, cog', () => {
    check('ta/cci+cmo+cog.csv', same(['ta.cmo(close, 20)', 'ta.cci(close, 20)', 'ta.cog(close, 21)']));
  });
  test('correlation', () => {
    check('ta/correlation.csv', [['ta.correlation(ta.sma(close, 20), ta.ema(close, 10), 20)', 'correlation']]);
  });
  test('cross, crossover, crossunder', () => {
    check(
      'ta/cross.csv',
      [
        ['ta.cross(ema1, ema2) ? 0.5 : 0.0', 'ta.cross(ema1, ema2)'],
        ['ta.crossover(ema1, ema2) ? 1.0 : 0.0', 'ta.crossover(ema1, ema2)'],
        ['ta.crossunder(ema1, ema2) ? -1.0 : 0.0', 'ta.crossunder(ema1, ema2)'],
      ],
      { prelude: 'ema1 = ta.ema(close, 5)\nema2 = ta.ema(close, 11)' },
    );
  });
  test('dmi', () => {
    check(
      'ta/dmi.csv',
      [
        ['dip', 'ta.dmi(17, 14).dip'],
        ['dim', 'ta.dmi(17, 14).dim'],
        ['adx', 'ta.dmi(17, 14).adx'],
      ],
      { prelude: '[dip, dim, adx] = ta.dmi(17, 14)' },
    );
  });
  test('falling, rising', () => {
    check(
      'ta/falling+rising.csv',
      [
        ['ta.falling(ema, 5) ? -1 : 0', 'ta.falling(ema, 5)'],
        ['ta.rising(ema, 5) ? 1 : 0', 'ta.rising(ema, 5)'],
      ],
      { prelude: 'ema = ta.ema(close, 20)' },
    );
  });
  test('highest, lowest, highestbars, lowestbars', () => {
    check(
      'ta/highest+lowest.csv',
      same([
        'ta.highest(10)',
        'ta.highest(close, 10)',
        'ta.lowest(10)',
        'ta.lowest(close, 10)',
        'ta.highestbars(10)',
        'ta.highestbars(close, 10)',
        'ta.lowestbars(10)',
        'ta.lowestbars(close, 10)',
      ]),
    );
  });
  test('iii, nvi, obv', () => {
    check('ta/iii+nvi+obv.csv', same(['ta.iii', 'ta.nvi', 'ta.obv']));
  });
  test('kc and kcw', () => {
    check(
      'ta/kc.csv',
      [
        ['b', 'ta.kc(close, 20, 2).base'],
        ['u', 'ta.kc(close, 20, 2).upper'],
        ['l', 'ta.kc(close, 20, 2).lower'],
        ['ta.kcw(close, 20, 2.1, useTrueRange=false)', 'ta.kcw(close, 20, 2.1, useTrueRange=false)'],
      ],
      { prelude: '[b, u, l] = ta.kc(close, 20, 2)' },
    );
  });
  test('linreg', () => {
    check('ta/linreg.csv', same(['ta.linreg(close, 20, 0)', 'ta.linreg(close, 20, 10)']));
  });
  test('moving averages (first 102 rows verified upstream)', () => {
    check(
      'ta/ma.csv',
      same([
        'ta.sma(close, 10)',
        'ta.sma(hl2, 20)',
        'ta.sma(hlc3, 15)',
        'ta.ema(close, 20)',
        'ta.ema(ohlc4, 10)',
        'ta.rma(hlcc4, 5)',
        'ta.rma(high, 15)',
        'ta.alma(close, 5, 0.85, 6)',
        'ta.alma(close, 10, 0.55, 12)',
        'ta.wma(close, 5)',
        'ta.wma(close, 20)',
        'ta.hma(close, 9)',
        'ta.hma(close, 20)',
        'ta.swma(hlc3)',
        'ta.vwma(close, 20)',
      ]),
      { limit: 102 },
    );
  });
  test('macd', () => {
    check(
      'ta/macd.csv',
      [
        ['m', 'ta.macd(close, 12, 26, 9).macd'],
        ['s', 'ta.macd(close, 12, 26, 9).signal'],
        ['h', 'ta.macd(close, 12, 26, 9).hist'],
      ],
      { prelude: '[m, s, h] = ta.macd(close, 12, 26, 9)' },
    );
  });
  test('mfi, rsi, stoch', () => {
    check('ta/mfi+rsi+stoch.csv', same(['ta.mfi(close, 14)', 'ta.rsi(close, 14)', 'ta.stoch(close, high, low, 20)']));
  });
  test('min, max, median, mode', () => {
    check('ta/min+max+median+mode.csv', [
      ['ta.min(close)', 'min(close)'],
      ['ta.max(close)', 'max(close)'],
      ['ta.median(close, 20)', 'median(close)'],
      ['ta.mode(close, 20)', 'mode(close)'],
    ]);
  });
  test('pivothigh, pivotlow', () => {
    check('ta/pivot.csv', same(['ta.pivothigh(10, 5)', 'ta.pivothigh(close, 10, 5)', 'ta.pivotlow(10, 5)', 'ta.pivotlow(close, 10, 5)']));
  });
  test('percentile_linear_interpolation, percentile_nearest_rank, percentrank', () => {
    check('ta/ppp.csv', [
      ['ta.percentile_linear_interpolation(close, 20, 20)', 'ta.percentile_linear_interpolation(close, 20, 30)'],
      ['ta.percentile_nearest_rank(close, 20, 20)', 'ta.percentile_nearest_rank(close, 20, 0)'],
      ['ta.percentrank(close, 33)', 'ta.percentrank(close, 33)'],
    ]);
  });
  test('range', () => {
    check('ta/range.csv', same(['ta.range(close, 20)']));
  });
  test('rci', () => {
    check('ta/rci.csv', same(['ta.rci(close, 5)', 'ta.rci(close, 20)', 'ta.rci(hl2, 20)', 'hl2']));
  });
  test('sar', () => {
    check('ta/sar.csv', same(['ta.sar(0.02, 0.02, 0.2)']));
  });
  test('supertrend', () => {
    check(
      'ta/supertrend.csv',
      [
        ['dir < 0 ? st : na', 'ta.supertrend(3, 10).up'],
        ['bar_index == 0 ? 0 : dir > 0 ? st : na', 'ta.supertrend(3, 10).down'],
      ],
      { prelude: '[st, dir] = ta.supertrend(3, 10)' },
    );
  });
  test('tr and atr', () => {
    check('ta/tr.csv', same(['ta.tr(false)', 'ta.tr(true)', 'ta.tr', 'ta.atr(14)']));
  });
  test('tsi', () => {
    check('ta/tsi.csv', same(['ta.tsi(close, 12, 26)']));
  });
  test('valuewhen', () => {
    check('ta/valuewhen.csv', same(['ta.valuewhen(ta.cross(slow, fast), close, 1)']), {
      prelude: 'slow = ta.sma(close, 7)\nfast = ta.sma(close, 14)',
    });
  });
  test('valuewhen with na sources', () => {
    check(
      'ta/valuewhen_na.csv',
      [
        ['ta.valuewhen(cond, src, 0)', 'v0'],
        ['ta.valuewhen(cond, src, 1)', 'v1'],
        ['ta.valuewhen(cond, src, 2)', 'v2'],
        ['ta.valuewhen(cond, close, 0)', 'w0'],
      ],
      { prelude: 'cond = bar_index % 3 == 0\nsrc = bar_index % 2 == 0 ? na : close' },
    );
  });
  test('vwap anchored at sessions, 4h and 6h', () => {
    check(
      'ta/vwap.csv',
      [
        ['ta.vwap(close)', 'ta.vwap(close)'],
        ['ta.vwap(close, timeframe.change("240"))', 'ta.vwap(close, timeframe.change("240"))'],
        ['v', 'ta.vwap(close, timeframe.change("360"), 2.0).vwap'],
        ['u', 'ta.vwap(close, timeframe.change("360"), 2.0).upper_band'],
        ['l', 'ta.vwap(close, timeframe.change("360"), 2.0).lower_band'],
      ],
      { prelude: '[v, u, l] = ta.vwap(close, timeframe.change("360"), 2.0)' },
    );
  });
  test('wpr', () => {
    check('ta/wpr.csv', same(['ta.wpr(20)']));
  });
});

describe('ta state in loops and conditionals (core/series_if_for.csv)', () => {
  test('a ta call in a for loop keeps one state; one under an if sees only its bars', () => {
    const body = `float ema1 = na
float ema2 = na
for i = 1 to 3
    ema1 := ta.ema(close * i, 5)
if bar_index % 4 == 3
    ema2 := ta.ema(close, 10)
plot(ema1, "ema1")
plot(ema1[1], "ema1[1]")
plot(ema2, "ema2")
plot(ema2[2], "ema2[2]")`;
    const run = runOnFixture('core/series_if_for.csv', body);
    for (const c of ['ema1', 'ema1[1]', 'ema2', 'ema2[2]']) expectColumn(run, c, c, 102);
  });
});
