// ticker.* ids built as plain data: chart-type wrappers keep the ticker they wrap (plain or
// encoded), standard() unwraps any depth, inherit() swaps the symbol inside a chart type, and
// what request.security() would need beyond standard bars is named.

import { describe, expect, test } from 'vitest';
import { tickerChart, tickerInherit, tickerModify, tickerNeeds, tickerNew, tickerStandard } from '../../vm/builtins/ticker.js';

describe('ticker ids', () => {
  test('chart types wrap plain and encoded tickers', () => {
    const ext = tickerNew('NASDAQ', 'AAPL', { session: 'extended' });
    const renko = tickerChart(ext, 'renko', { boxSize: 2, style: 'Traditional' });
    expect(renko).toBe('={"inputs":{"boxSize":2,"style":"Traditional"},"symbol":{"session":"extended","symbol":"NASDAQ:AAPL"},"type":"BarSetRenko@tv-prostudies-40!"}');
    expect(tickerStandard(renko)).toBe('NASDAQ:AAPL');
    expect(tickerStandard(tickerChart(renko, 'kagi', {}))).toBe('NASDAQ:AAPL');
  });

  test('inherit keeps the modifiers and the chart type', () => {
    const ha = tickerChart(tickerNew('NASDAQ', 'AAPL', { adjustment: 'dividends' }), 'heikinashi', {});
    expect(tickerInherit(ha, 'NYSE:F')).toBe('={"inputs":{},"symbol":{"adjustment":"dividends","symbol":"NYSE:F"},"type":"BarSetHeikenAshi@tv-basicstudies-60!"}');
    expect(tickerInherit('NASDAQ:AAPL', 'NYSE:F')).toBe('NYSE:F');
  });

  test('inherit resets a modifier to the chart default: the key goes', () => {
    const t = tickerModify('NYSE:F', { backadjustment: 'on' });
    expect(t).toBe('={"backadjustment":"on","symbol":"NYSE:F"}');
    expect(tickerModify(t, { backadjustment: 'inherit' })).toBe('NYSE:F');
  });

  test('what a ticker needs beyond the standard bars', () => {
    expect(tickerNeeds('NASDAQ:AAPL', 'regular')).toBeNull();
    expect(tickerNeeds(tickerNew('NASDAQ', 'AAPL', { session: 'regular' }), 'regular')).toBeNull();
    expect(tickerNeeds(tickerNew('NASDAQ', 'AAPL', { session: 'extended' }), 'regular')).toBe('the extended session');
    expect(tickerNeeds(tickerNew('NASDAQ', 'AAPL', { adjustment: 'dividends' }), 'regular')).toBe('dividends-adjusted prices');
    expect(tickerNeeds(tickerChart('NASDAQ:AAPL', 'pointfigure', {}), 'regular')).toBe('Point & Figure bars');
  });
});
