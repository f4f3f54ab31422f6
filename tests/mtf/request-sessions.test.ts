// request.security on real bars with an exchange session: EURUSD 5-minute bars exported from
// TradingView (tests/fixtures/tradingview/timeframe/timeframe.csv, FX sessions starting 17:00 New
// York, its symbol info in timeframe.toml). TradingView's own `timeframe.change("D")` and
// `timeframe.change("W")` columns mark where its daily and weekly periods start; the test groups
// the rows by those marks and computes each period's open/high/low/close itself, then checks the
// requested values against them, in both tiers:
// - lookahead_on: every bar shows its own period's values (the whole period, bars ahead included);
// - lookahead_off: every bar that does not end a period shows the previous period's values (the
//   bar that ends a period may already show its own: the period's value arrives at its close).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile, Instance, type BarColumns } from '../../vm/index.js';
import { parseSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import { column, FIXTURES_DIR, loadFixture } from './fixture-path.js';

const fx = loadFixture('timeframe/timeframe.csv');
const symbol = parseSymbolToml(readFileSync(join(FIXTURES_DIR, 'timeframe/timeframe.toml'), 'utf8'));

const cols: BarColumns = {
  time: Float64Array.from(fx.time),
  open: Float64Array.from(fx.open),
  high: Float64Array.from(fx.high),
  low: Float64Array.from(fx.low),
  close: Float64Array.from(fx.close),
  volume: Float64Array.from(fx.volume),
  length: fx.rows,
};

/** Period number of each row from TradingView's change marks (non-zero where a period starts; the first row starts period 0). */
function groups(marks: number[]): number[] {
  let g = 0;
  return marks.map((m, i) => (i > 0 && m !== 0 ? ++g : g));
}

interface Agg {
  open: number;
  high: number;
  low: number;
  close: number;
}

function aggregate(g: number[]): Agg[] {
  const out: Agg[] = [];
  g.forEach((k, i) => {
    const h = fx.high[i] as number;
    const l = fx.low[i] as number;
    const c = fx.close[i] as number;
    const a = out[k];
    if (!a) out[k] = { open: fx.open[i] as number, high: h, low: l, close: c };
    else {
      a.high = Math.max(a.high, h);
      a.low = Math.min(a.low, l);
      a.close = c;
    }
  });
  return out;
}

const SRC = `//@version=6
indicator("fx")
[dOn_h, dOn_l, dOn_c] = request.security(syminfo.tickerid, "D", [high, low, close], lookahead = barmerge.lookahead_on)
[dOff_h, dOff_c] = request.security(syminfo.tickerid, "D", [high, close])
[wOn_h, wOn_o] = request.security(syminfo.tickerid, "W", [high, open], lookahead = barmerge.lookahead_on)
wOff_c = request.security(syminfo.tickerid, "W", close)
plot(dOn_h, "dOn_h")
plot(dOn_l, "dOn_l")
plot(dOn_c, "dOn_c")
plot(dOff_h, "dOff_h")
plot(dOff_c, "dOff_c")
plot(wOn_h, "wOn_h")
plot(wOn_o, "wOn_o")
plot(wOff_c, "wOff_c")
`;

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('daily and weekly requests on EURUSD 5-minute bars, FX sessions (%s tier)', (_tier, interpreted) => {
  const { program } = compile(SRC);
  if (!program) throw new Error('did not compile');
  const b = Instance.builder(program).symbol(symbol).timeframe('5');
  if (interpreted) b.interpreted();
  const inst = b.build();
  inst.runBars(cols);
  const plot = (t: string): number[] => Array.from(inst.outputs.column(program.outputs.findIndex((o) => o.title === t)));

  for (const [tf, mark, on, off] of [
    ['D', 'tf_change_D', { h: 'dOn_h', l: 'dOn_l', c: 'dOn_c' }, { h: 'dOff_h', c: 'dOff_c' }],
    ['W', 'tf_change_W', { h: 'wOn_h', o: 'wOn_o' }, { c: 'wOff_c' }],
  ] as const) {
    test(`${tf}: periods start where TradingView's timeframe.change("${tf}") says, with their own OHLC`, () => {
      const g = groups(column(fx, mark));
      const agg = aggregate(g);
      const last = g.map((k, i) => g[i + 1] !== k);
      // The first period may have started before the data: skip it.
      const rows = g.map((_, i) => i).filter((i) => (g[i] as number) > 0);
      expect(rows.length).toBeGreaterThan(100);
      let checked = 0;
      for (const [key, title] of Object.entries(on)) {
        const got = plot(title);
        for (const i of rows) {
          const want = (agg[g[i] as number] as Agg)[key === 'h' ? 'high' : key === 'l' ? 'low' : key === 'o' ? 'open' : 'close'];
          if (got[i] !== want) throw new Error(`${title} row ${i} (${new Date(fx.time[i] as number).toISOString()}): ${got[i]}, expected ${want}`);
          checked++;
        }
      }
      for (const [key, title] of Object.entries(off)) {
        const got = plot(title);
        for (const i of rows) {
          if (last[i]) continue;
          const want = (agg[(g[i] as number) - 1] as Agg)[key === 'h' ? 'high' : 'close'];
          if (got[i] !== want) throw new Error(`${title} row ${i} (${new Date(fx.time[i] as number).toISOString()}): ${got[i]}, expected ${want}`);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(rows.length);
    });
  }
});
