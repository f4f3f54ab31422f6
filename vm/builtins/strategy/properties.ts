// A strategy's properties (the strategy() arguments a user may override in a strategy tester,
// as TradingView's "Properties" tab does): the values in effect, and a Program with other values.
// The broker reads them from Program.meta.options when a run starts, so an override is a copy of
// the Program with other options — a different program, with its own hash, snapshots and runs.

import type { Program } from '../../bytecode/program.js';

/** The strategy() arguments a tester may override. */
export const STRATEGY_PROPERTIES = [
  'pyramiding', 'default_qty_type', 'default_qty_value', 'initial_capital', 'commission_type',
  'commission_value', 'slippage', 'process_orders_on_close', 'margin_long', 'margin_short',
  'close_entries_rule', 'backtest_fill_limits_assumption', 'risk_free_rate', 'currency',
] as const;

export type StrategyProperty = (typeof STRATEGY_PROPERTIES)[number];
export type StrategyProperties = Partial<Record<StrategyProperty, number | string | boolean>>;

const DEFAULTS: Record<StrategyProperty, number | string | boolean> = {
  pyramiding: 0,
  default_qty_type: 'fixed',
  default_qty_value: 1,
  initial_capital: 1000000,
  commission_type: 'percent',
  commission_value: 0,
  slippage: 0,
  process_orders_on_close: false,
  margin_long: 100,
  margin_short: 100,
  close_entries_rule: 'FIFO',
  backtest_fill_limits_assumption: 0,
  risk_free_rate: 2,
  currency: 'NONE',
};

/** The properties in effect: the script's strategy() arguments, else TradingView's defaults. */
export function strategyPropertiesOf(program: Program): Record<StrategyProperty, number | string | boolean> {
  // Pine v5's margin default is 0 (funds not checked), v6's 100 (broker's defaultMargin).
  const margin = program.meta.version >= 6 ? 100 : 0;
  const out: Record<StrategyProperty, number | string | boolean> = { ...DEFAULTS, margin_long: margin, margin_short: margin };
  for (const k of STRATEGY_PROPERTIES) {
    const v = program.meta.options[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/** Checks an override; returns the reason it is refused, or null. */
export function checkStrategyProperty(name: StrategyProperty, v: number | string | boolean): string | null {
  const num = (ok: boolean, what: string): string | null => (typeof v === 'number' && Number.isFinite(v) && ok ? null : `${name} must be ${what}, got ${JSON.stringify(v)}`);
  switch (name) {
    case 'default_qty_type':
      return v === 'fixed' || v === 'cash' || v === 'percent_of_equity' ? null : `default_qty_type must be fixed, cash or percent_of_equity, got ${JSON.stringify(v)}`;
    case 'commission_type':
      return v === 'percent' || v === 'cash_per_contract' || v === 'cash_per_order' ? null : `commission_type must be percent, cash_per_contract or cash_per_order, got ${JSON.stringify(v)}`;
    case 'close_entries_rule':
      return v === 'FIFO' || v === 'ANY' ? null : `close_entries_rule must be FIFO or ANY, got ${JSON.stringify(v)}`;
    case 'currency':
      return typeof v === 'string' ? null : `currency must be a currency code, got ${JSON.stringify(v)}`;
    case 'process_orders_on_close':
      return typeof v === 'boolean' ? null : `process_orders_on_close must be true or false, got ${JSON.stringify(v)}`;
    case 'initial_capital':
    case 'default_qty_value':
      return num(typeof v === 'number' && v > 0, 'a number above 0');
    case 'margin_long':
    case 'margin_short':
      return num(typeof v === 'number' && v >= 0 && v <= 100, 'a percentage from 0 to 100');
    case 'pyramiding':
    case 'slippage':
    case 'backtest_fill_limits_assumption':
      return num(typeof v === 'number' && Number.isInteger(v) && v >= 0, 'a whole number of 0 or more');
    default:
      return num(true, 'a number');
  }
}

/** `program` with other strategy properties (unknown or refused values throw, naming them). */
export function withStrategyProperties(program: Program, props: StrategyProperties): Program {
  const entries = Object.entries(props) as [StrategyProperty, number | string | boolean][];
  if (entries.length === 0) return program;
  if (program.meta.kind !== 'strategy') throw new Error('Strategy properties apply to strategy() scripts only.');
  for (const [k, v] of entries) {
    if (!(STRATEGY_PROPERTIES as readonly string[]).includes(k)) throw new Error(`Unknown strategy property '${k}'.`);
    const bad = checkStrategyProperty(k, v);
    if (bad !== null) throw new Error(`Strategy property ${bad}.`);
  }
  return { ...program, meta: { ...program.meta, options: { ...program.meta.options, ...props } } };
}
