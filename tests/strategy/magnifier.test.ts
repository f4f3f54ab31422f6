// The bar magnifier (strategy(use_bar_magnifier = true)): with lower-timeframe bars given, limit and
// stop orders fill where the lower bars' intrabar paths reach them inside each chart bar, instead
// of on the chart bar's own assumed path. Without them, one clear error naming what is missing.
// Expected fills are worked out by hand below.

import { describe, expect, test } from 'vitest';
import { compile, Instance, type BarColumns, type Program } from '../../vm/index.js';
import { brokerOf } from '../../vm/builtins/strategy/report.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function columns(rows: [number, number, number, number, number][]): BarColumns {
  return {
    length: rows.length,
    time: Float64Array.from(rows, (r) => r[0]),
    open: Float64Array.from(rows, (r) => r[1]),
    high: Float64Array.from(rows, (r) => r[2]),
    low: Float64Array.from(rows, (r) => r[3]),
    close: Float64Array.from(rows, (r) => r[4]),
    volume: new Float64Array(rows.length).fill(NaN),
  } as BarColumns;
}

// Three daily bars. Bar 1 (open 100, high 110, low 90, close 105) holds both sides of the bracket
// placed on bar 0 (stop 95, limit 108) for the long entry that fills at bar 1's open, 100.
// On the chart bar's own path the high and the low are as far from the open (10), so the low comes
// first: open → 90 → 110 → 105, and the stop fills at 95 (-5).
// The magnifier's four 6-hour bars of day 1 show what happened: the first one (100, 108.5, 99.5,
// 108) goes down to 99.5 first (nearer the open), then up to 108.5, passing the limit: it fills at
// 108 (+8) before the price ever falls to 95 (in the second bar).
const CHART = columns([
  [T0, 100, 101, 99, 100],
  [T0 + DAY, 100, 110, 90, 105],
  [T0 + 2 * DAY, 105, 106, 104, 105],
]);
const H6 = DAY / 4;
const LOWER = columns([
  [T0 + DAY, 100, 108.5, 99.5, 108],
  [T0 + DAY + H6, 108, 110, 95, 96],
  [T0 + DAY + 2 * H6, 96, 100, 90, 99],
  [T0 + DAY + 3 * H6, 99, 106, 98, 105],
]);

const SCRIPT = (magnifier: boolean): string => `//@version=6
strategy("magnifier", initial_capital = 1000, use_bar_magnifier = ${magnifier})
if bar_index == 0
    strategy.entry("L", strategy.long, qty = 1)
    strategy.exit("X", "L", stop = 95, limit = 108)
plot(strategy.netprofit, "net")
`;

function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return p;
}

function exitOf(inst: Instance): { price: number; profit: number; bar: number } {
  const b = brokerOf(inst);
  if (!b || b.closed.n !== 1) throw new Error('expected one closed trade');
  return { price: b.closed.exitPrice[0] as number, profit: b.closed.profit[0] as number, bar: b.closed.exitBar[0] as number };
}

describe('bar magnifier', () => {
  for (const interpreted of [false, true]) {
    const tier = interpreted ? 'interpreter' : 'compiled tier';
    test(`the lower bars' path decides between the stop and the limit inside one chart bar (${tier})`, () => {
      const build = (p: Program): Instance => {
        const b = Instance.builder(p).timeframe('1D').totalBars(CHART.length);
        if (interpreted) b.interpreted();
        return b.build();
      };
      const plain = build(program(SCRIPT(false)));
      plain.runBars(CHART);
      expect(exitOf(plain)).toEqual({ price: 95, profit: -5, bar: 1 });

      const magnified = build(program(SCRIPT(true)));
      magnified.setMagnifierBars(LOWER);
      magnified.runBars(CHART);
      expect(exitOf(magnified)).toEqual({ price: 108, profit: 8, bar: 1 });
    });
  }

  test('a gap between two lower bars fills a stop at the next lower bar open', () => {
    // Only the stop this time. The first lower bar ends at 108 above the stop at 95; the second
    // opens at 94, below it: the stop fills at that open, 94 (-6), not at 95 as a continuous move
    // from 108 down to 94 would have it.
    const src = `//@version=6
strategy("magnifier gap", initial_capital = 1000, use_bar_magnifier = true)
if bar_index == 0
    strategy.entry("L", strategy.long, qty = 1)
    strategy.exit("X", "L", stop = 95)
plot(strategy.netprofit, "net")
`;
    const lower = columns([
      [T0 + DAY, 100, 108.5, 99.5, 108],
      [T0 + DAY + H6, 94, 96, 90, 93],
      [T0 + DAY + 2 * H6, 93, 100, 90, 99],
      [T0 + DAY + 3 * H6, 99, 110, 98, 105],
    ]);
    const inst = Instance.builder(program(src)).timeframe('1D').totalBars(CHART.length).build();
    inst.setMagnifierBars(lower);
    inst.runBars(CHART);
    expect(exitOf(inst)).toEqual({ price: 94, profit: -6, bar: 1 });
  });

  test('saved and restored with the lower bars given again: the same fills', () => {
    const p = program(SCRIPT(true));
    const a = Instance.builder(p).timeframe('1D').totalBars(CHART.length).build();
    a.setMagnifierBars(LOWER);
    a.runBars(CHART, 0, 1);
    const r = Instance.restoreState(a.saveState()).expectProgram(p).build();
    r.setMagnifierBars(LOWER);
    r.runBars(CHART, 1, CHART.length);
    expect(exitOf(r)).toEqual({ price: 108, profit: 8, bar: 1 });
  });

  test('without lower-timeframe bars: one error naming what is missing', () => {
    const inst = Instance.builder(program(SCRIPT(true))).timeframe('1D').build();
    expect(() => inst.runBars(CHART)).toThrow(/use_bar_magnifier = true\) needs lower-timeframe bars: give them \(CLI: --magnifier-data lower\.csv/);
  });
});
