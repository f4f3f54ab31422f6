// Strategy properties overridden by a host (the tester's Properties tab): the run uses the new
// values, and a refused value says which property and why.

import { describe, expect, test } from 'vitest';
import { compile, Instance, type Program } from '../../vm/index.js';
import { strategyPropertiesOf, withStrategyProperties } from '../../vm/builtins/strategy/properties.js';

const SRC = `//@version=6
strategy("props", initial_capital = 1000, commission_type = strategy.commission.cash_per_order, commission_value = 1)
if bar_index == 1
    strategy.entry("L", strategy.long, qty = 2)
if bar_index == 3
    strategy.close("L")
plot(strategy.initial_capital, "capital")
plot(strategy.netprofit, "net")
`;

function program(): Program {
  const { program: p, diagnostics } = compile(SRC);
  if (!p) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return p;
}

/** Bars close 10 + i, open close - 0.5 (as the language suite's synthetic bars). */
function last(p: Program, title: string): number {
  const inst = Instance.builder(p).timeframe('1D').totalBars(6).build();
  for (let i = 0; i < 6; i++) inst.runBar({ time: Date.UTC(2024, 0, 1 + i), open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i });
  const id = p.outputs.findIndex((o) => o.title === title);
  const col = inst.outputs.slice(0, 6).columns[id]?.[0];
  return col?.[5] ?? NaN;
}

describe('strategy properties', () => {
  test('the script’s values are in effect, and an override changes the run', () => {
    const p = program();
    expect(strategyPropertiesOf(p)).toMatchObject({ initial_capital: 1000, commission_type: 'cash_per_order', commission_value: 1, pyramiding: 0 });
    // Bought 2 at bar 2's open 11.5, sold at bar 4's open 13.5: 2 · 2 = 4, less 1 + 1 commission = 2.
    expect(last(p, 'net')).toBe(2);
    expect(last(p, 'capital')).toBe(1000);
    const q = withStrategyProperties(p, { initial_capital: 5000, commission_value: 0.25 });
    expect(strategyPropertiesOf(q)).toMatchObject({ initial_capital: 5000, commission_value: 0.25 });
    // 4 less 0.25 + 0.25 = 3.5.
    expect(last(q, 'net')).toBe(3.5);
    expect(last(q, 'capital')).toBe(5000);
    // The original program is untouched.
    expect(last(p, 'net')).toBe(2);
  });

  test('a refused value names the property', () => {
    const p = program();
    expect(() => withStrategyProperties(p, { margin_long: 150 })).toThrow('Strategy property margin_long must be a percentage from 0 to 100, got 150.');
    expect(() => withStrategyProperties(p, { default_qty_type: 'shares' })).toThrow('default_qty_type must be fixed, cash or percent_of_equity');
  });
});
