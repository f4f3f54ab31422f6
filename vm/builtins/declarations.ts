// Script declarations: indicator(), strategy(), library(). Evaluated by the compiler into
// Program.meta (lower.ts declaration); never run.

import { defineFn, type BuiltinImpl } from './registry.js';

const compiledAway: BuiltinImpl = (rt) => rt.fail('internal', 'Declarations are evaluated at compile time.');

defineFn(
  'indicator(title: const string, shorttitle: const string = na, overlay: const bool = false, format: const string = na, precision: const int = na, scale: const string = na, max_bars_back: const int = na, timeframe: const string = na, timeframe_gaps: const bool = true, explicit_plot_zorder: const bool = false, max_lines_count: const int = 50, max_labels_count: const int = 50, max_boxes_count: const int = 50, calc_bars_count: const int = 0, max_polylines_count: const int = 50, dynamic_requests: const bool = true, behind_chart: const bool = true, linktoseries: const bool = false): void',
  compiledAway,
  { declaration: true },
);
defineFn(
  'library(title: const string, overlay: const bool = false, dynamic_requests: const bool = true): void',
  compiledAway,
  { declaration: true },
);
defineFn(
  'strategy(title: const string, shorttitle: const string = na, overlay: const bool = false, format: const string = na, precision: const int = na, scale: const string = na, pyramiding: const int = 0, calc_on_order_fills: const bool = false, calc_on_every_tick: const bool = false, max_bars_back: const int = na, backtest_fill_limits_assumption: const int = 0, default_qty_type: const string = na, default_qty_value: const float = 1, initial_capital: const float = 1000000, currency: const string = na, slippage: const int = 0, commission_type: const string = na, commission_value: const float = 0, process_orders_on_close: const bool = false, close_entries_rule: const string = "FIFO", margin_long: const float = 100, margin_short: const float = 100, explicit_plot_zorder: const bool = false, max_lines_count: const int = 50, max_labels_count: const int = 50, max_boxes_count: const int = 50, calc_bars_count: const int = 0, risk_free_rate: const float = 2, use_bar_magnifier: const bool = false, fill_orders_on_standard_ohlc: const bool = false, max_polylines_count: const int = 50, dynamic_requests: const bool = true, behind_chart: const bool = true, linktoseries: const bool = false): void',
  compiledAway,
  { declaration: true },
);
