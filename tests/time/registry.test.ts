// What the time module registers (names, overloads, qualifiers and flags the checker relies on),
// and the cost of a calendar call per bar over a million bars.

import { describe, expect, it } from 'vitest';
import { lookupFn, lookupVar } from '../../vm/builtins/registry.js';
import { R } from '../../vm/runtime/runtime.js';
import { makeRuntime, read, UTC_SYMBOL } from './harness.js';

describe('registered names', () => {
  it('variables', () => {
    const names = [
      'time_tradingday',
      'year', 'month', 'weekofyear', 'dayofmonth', 'dayofweek', 'hour', 'minute', 'second',
      'dayofweek.sunday', 'dayofweek.saturday',
      'timeframe.period', 'timeframe.main_period', 'timeframe.multiplier', 'timeframe.isseconds', 'timeframe.isminutes',
      'timeframe.isticks', 'timeframe.isintraday', 'timeframe.isdaily', 'timeframe.isweekly', 'timeframe.ismonthly', 'timeframe.isdwm',
      'session.isfirstbar', 'session.isfirstbar_regular', 'session.islastbar', 'session.islastbar_regular',
      'session.ismarket', 'session.ispremarket', 'session.ispostmarket', 'session.regular', 'session.extended',
      'syminfo.ticker', 'syminfo.tickerid', 'syminfo.main_tickerid', 'syminfo.prefix', 'syminfo.description', 'syminfo.type',
      'syminfo.currency', 'syminfo.basecurrency', 'syminfo.timezone', 'syminfo.session', 'syminfo.mintick', 'syminfo.pointvalue',
      'syminfo.pricescale', 'syminfo.minmove', 'syminfo.mincontract', 'syminfo.volumetype', 'syminfo.root', 'syminfo.country',
      'syminfo.industry', 'syminfo.sector', 'syminfo.isin', 'syminfo.current_contract', 'syminfo.expiration_date',
      'syminfo.employees', 'syminfo.shareholders', 'syminfo.shares_outstanding_float', 'syminfo.shares_outstanding_total',
    ];
    for (const n of names) expect(lookupVar(n), n).toBeDefined();
  });

  it('qualifiers: syminfo.* and timeframe.* are simple, dayofweek.* and session.regular are const', () => {
    expect(lookupVar('syminfo.mintick')?.type).toEqual({ qual: lookupVar('timeframe.period')?.type.qual, base: 'float' });
    expect(lookupVar('timeframe.isdaily')?.type.base).toBe('bool');
    expect(lookupVar('dayofweek.monday')?.impl).toEqual({ value: 2 });
    expect(lookupVar('session.regular')?.impl).toEqual({ value: 'regular' });
    expect(lookupVar('session.isfirstbar')?.impl).toMatchObject({ stateful: true });
  });

  it('functions and their overloads', () => {
    const count = (n: string): number => lookupFn(n)?.length ?? 0;
    expect(count('timestamp')).toBe(3);
    expect(count('time')).toBe(2);
    expect(count('time_close')).toBe(2);
    expect(count('timeframe.in_seconds')).toBe(1);
    expect(count('timeframe.from_seconds')).toBe(1);
    expect(count('timeframe.change')).toBe(1);
    expect(lookupFn('timeframe.change')?.[0]?.stateful).toBe(true);
    expect(lookupFn('timeframe.in_seconds')?.[0]?.pure).toBe(true);
    expect(lookupFn('timestamp')?.[0]?.pure).toBe(true); // the date-string form: const in, const out
    expect(lookupFn('timestamp')?.[1]?.pure).toBe(false); // the field form reads the symbol zone
    expect(lookupFn('time')?.[1]?.params.map((p) => p.name)).toEqual(['timeframe', 'session', 'timezone', 'bars_back', 'timeframe_bars_back']);
  });
});

describe('year over a long run', () => {
  it('the year variable over 1,000,000 one-minute bars in a DST zone counts each New York year exactly', () => {
    const rt = makeRuntime({ ...UTC_SYMBOL, timezone: 'America/New_York' }, '1');
    const t0 = Date.parse('2020-01-01T00:00:00Z');
    const N = 1_000_000;
    const count = new Map<number, number>();
    for (let i = 0; i < N; i++) {
      rt.f[R.time] = t0 + i * 60_000;
      const y = read(rt, 'year') as number;
      count.set(y, (count.get(y) ?? 0) + 1);
    }
    // By hand: 2020-01-01 00:00 UTC is 2019-12-31 19:00 in New York (UTC-5), so bars 0..299 are in 2019.
    // 2021-01-01 00:00 New York is 05:00 UTC, 366 days (2020 is a leap year) + 300 minutes after t0:
    // bar 366*1440 + 300 = 527,340. So 2020 holds bars 300..527,339 and 2021 the remaining 472,660.
    expect([...count.entries()]).toEqual([
      [2019, 300],
      [2020, 527_040],
      [2021, 472_660],
    ]);
  });
});
