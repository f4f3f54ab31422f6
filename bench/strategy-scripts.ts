// The strategy benchmark's scripts (bench/strategy.ts, bench/strategy-quick.ts): the supertrend
// strategy and its indicator version (the same signals, plotted, no orders).

export const STRATEGY = `//@version=6
strategy("Supertrend strategy", overlay = true, default_qty_type = strategy.percent_of_equity, default_qty_value = 15)
[_, direction] = ta.supertrend(3.0, 10)
if ta.change(direction) < 0
    strategy.entry("Long", strategy.long)
if ta.change(direction) > 0
    strategy.entry("Short", strategy.short)
plot(strategy.equity, "equity")
`;

export const INDICATOR = `//@version=6
indicator("Supertrend signals", overlay = true)
[_, direction] = ta.supertrend(3.0, 10)
plot(ta.change(direction) < 0 ? 1 : ta.change(direction) > 0 ? -1 : 0, "signal")
`;
