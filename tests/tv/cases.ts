// The TradingView ta fixtures as data: for each file, the Pine lines that reproduce its columns
// (header expression or COLUMNS.md formula) and which plot title gives which column. Used by the
// fixture tests and by the snapshot equivalence tests.

export interface TaCase {
  name: string;
  file: string;
  /** Plot expression and the fixture column it must equal (the plot is titled by the column). */
  pairs: [string, string][];
  prelude?: string;
  /** Compare only the first rows (the rest was not verified upstream). */
  limit?: number;
  naValue?: number;
}

export const TA_CASES: TaCase[] = [];

let current = '';
function def(name: string, f: () => void): void {
  current = name;
  f();
}

function add(file: string, pairs: [string, string][], opts: { prelude?: string; limit?: number; naValue?: number } = {}): void {
  TA_CASES.push({ name: current, file, pairs, ...opts });
}

/** Columns whose header is the Pine expression itself. */
function same(cols: string[]): [string, string][] {
  return cols.map((c) => [c, c]);
}

/** The Pine body of a case: prelude plus one titled plot per pair. */
export function caseBody(c: TaCase): string {
  return (c.prelude ?? '') + '\n' + c.pairs.map(([expr, col]) => `plot(${expr}, ${JSON.stringify(col)})`).join('\n');
}

def('accdist, pvi, pvt, wad, wvad', () => {
    add('ta/accdist+pvi+pvt+wad+wvad.csv', same(['ta.accdist', 'ta.pvi', 'ta.pvt', 'ta.wad', 'ta.wvad']));
});
def('bb and bbw', () => {
    add(
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
def('cci, cmo, cog', () => {
    add('ta/cci+cmo+cog.csv', same(['ta.cmo(close, 20)', 'ta.cci(close, 20)', 'ta.cog(close, 21)']));
});
def('correlation', () => {
    add('ta/correlation.csv', [['ta.correlation(ta.sma(close, 20), ta.ema(close, 10), 20)', 'correlation']]);
});
def('cross, crossover, crossunder', () => {
    add(
      'ta/cross.csv',
      [
        ['ta.cross(ema1, ema2) ? 0.5 : 0.0', 'ta.cross(ema1, ema2)'],
        ['ta.crossover(ema1, ema2) ? 1.0 : 0.0', 'ta.crossover(ema1, ema2)'],
        ['ta.crossunder(ema1, ema2) ? -1.0 : 0.0', 'ta.crossunder(ema1, ema2)'],
      ],
      { prelude: 'ema1 = ta.ema(close, 5)\nema2 = ta.ema(close, 11)' },
    );
});
def('dmi', () => {
    add(
      'ta/dmi.csv',
      [
        ['dip', 'ta.dmi(17, 14).dip'],
        ['dim', 'ta.dmi(17, 14).dim'],
        ['adx', 'ta.dmi(17, 14).adx'],
      ],
      { prelude: '[dip, dim, adx] = ta.dmi(17, 14)' },
    );
});
def('falling, rising', () => {
    add(
      'ta/falling+rising.csv',
      [
        ['ta.falling(ema, 5) ? -1 : 0', 'ta.falling(ema, 5)'],
        ['ta.rising(ema, 5) ? 1 : 0', 'ta.rising(ema, 5)'],
      ],
      { prelude: 'ema = ta.ema(close, 20)' },
    );
});
def('highest, lowest, highestbars, lowestbars', () => {
    add(
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
def('iii, nvi, obv', () => {
    add('ta/iii+nvi+obv.csv', same(['ta.iii', 'ta.nvi', 'ta.obv']));
});
def('kc and kcw', () => {
    add(
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
def('linreg', () => {
    add('ta/linreg.csv', same(['ta.linreg(close, 20, 0)', 'ta.linreg(close, 20, 10)']));
});
def('moving averages (first 102 rows verified upstream)', () => {
    add(
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
def('macd', () => {
    add(
      'ta/macd.csv',
      [
        ['m', 'ta.macd(close, 12, 26, 9).macd'],
        ['s', 'ta.macd(close, 12, 26, 9).signal'],
        ['h', 'ta.macd(close, 12, 26, 9).hist'],
      ],
      { prelude: '[m, s, h] = ta.macd(close, 12, 26, 9)' },
    );
});
def('mfi, rsi, stoch', () => {
    add('ta/mfi+rsi+stoch.csv', same(['ta.mfi(close, 14)', 'ta.rsi(close, 14)', 'ta.stoch(close, high, low, 20)']));
});
def('min, max, median, mode', () => {
    add('ta/min+max+median+mode.csv', [
      ['ta.min(close)', 'min(close)'],
      ['ta.max(close)', 'max(close)'],
      ['ta.median(close, 20)', 'median(close)'],
      ['ta.mode(close, 20)', 'mode(close)'],
    ]);
});
def('pivothigh, pivotlow', () => {
    add('ta/pivot.csv', same(['ta.pivothigh(10, 5)', 'ta.pivothigh(close, 10, 5)', 'ta.pivotlow(10, 5)', 'ta.pivotlow(close, 10, 5)']));
});
def('percentile_linear_interpolation, percentile_nearest_rank, percentrank', () => {
    add('ta/ppp.csv', [
      ['ta.percentile_linear_interpolation(close, 20, 20)', 'ta.percentile_linear_interpolation(close, 20, 30)'],
      ['ta.percentile_nearest_rank(close, 20, 20)', 'ta.percentile_nearest_rank(close, 20, 0)'],
      ['ta.percentrank(close, 33)', 'ta.percentrank(close, 33)'],
    ]);
});
def('range', () => {
    add('ta/range.csv', same(['ta.range(close, 20)']));
});
def('rci', () => {
    add('ta/rci.csv', same(['ta.rci(close, 5)', 'ta.rci(close, 20)', 'ta.rci(hl2, 20)', 'hl2']));
});
def('sar', () => {
    add('ta/sar.csv', same(['ta.sar(0.02, 0.02, 0.2)']));
});
def('supertrend', () => {
    add(
      'ta/supertrend.csv',
      [
        ['dir < 0 ? st : na', 'ta.supertrend(3, 10).up'],
        ['bar_index == 0 ? 0 : dir > 0 ? st : na', 'ta.supertrend(3, 10).down'],
      ],
      { prelude: '[st, dir] = ta.supertrend(3, 10)' },
    );
});
def('tr and atr', () => {
    add('ta/tr.csv', same(['ta.tr(false)', 'ta.tr(true)', 'ta.tr', 'ta.atr(14)']));
});
def('tsi', () => {
    add('ta/tsi.csv', same(['ta.tsi(close, 12, 26)']));
});
def('valuewhen', () => {
    add('ta/valuewhen.csv', same(['ta.valuewhen(ta.cross(slow, fast), close, 1)']), {
      prelude: 'slow = ta.sma(close, 7)\nfast = ta.sma(close, 14)',
    });
});
def('valuewhen with na sources', () => {
    add(
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
def('vwap anchored at sessions, 4h and 6h', () => {
    add(
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
def('pivot_point_levels (arrays and method calls)', () => {
    add(
      'ta/pivot_point_levels.csv',
      [
        ['trad.get(0)', 'P_trad'],
        ['trad.get(1)', 'R1_trad'],
        ['trad.get(2)', 'S1_trad'],
        ['trad.get(3)', 'R2_trad'],
        ['trad.get(4)', 'S2_trad'],
        ['trad.get(5)', 'R3_trad'],
        ['trad.get(6)', 'S3_trad'],
        ['fib.get(0)', 'P_fib'],
        ['fib.get(1)', 'R1_fib'],
        ['fib.get(2)', 'S1_fib'],
        ['dm.get(0)', 'P_dm'],
        ['dm.get(1)', 'R1_dm'],
        ['dm.get(2)', 'S1_dm'],
        ['cam.get(0)', 'P_cam'],
        ['cam.get(7)', 'R4_cam'],
        ['cam.get(8)', 'S4_cam'],
        ['woodie.get(0)', 'P_woodie'],
      ],
      {
        prelude: [
          'a = timeframe.change("D")',
          'trad = ta.pivot_point_levels("Traditional", a, false)',
          'fib = ta.pivot_point_levels("Fibonacci", a, false)',
          'dm = ta.pivot_point_levels("DM", a, false)',
          'cam = ta.pivot_point_levels("Camarilla", a, false)',
          'woodie = ta.pivot_point_levels("Woodie", a, false)',
        ].join('\n'),
        limit: 902,
        naValue: 1e100,
      },
    );
});
def('wpr', () => {
    add('ta/wpr.csv', same(['ta.wpr(20)']));
});

def('ta state in loops and conditionals (core/series_if_for.csv)', () => {
  TA_CASES.push({
    name: current,
    file: 'core/series_if_for.csv',
    pairs: [],
    limit: 102,
    prelude: `float ema1 = na
float ema2 = na
for i = 1 to 3
    ema1 := ta.ema(close * i, 5)
if bar_index % 4 == 3
    ema2 := ta.ema(close, 10)
plot(ema1, "ema1")
plot(ema1[1], "ema1[1]")
plot(ema2, "ema2")
plot(ema2[2], "ema2[2]")`,
});
});
