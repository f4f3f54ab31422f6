// What the time module registers (names, overloads, qualifiers and flags the checker relies on),
// and the cost of a calendar call per bar over a million bars.

import { describe, expect, it } from 'vitest';
import { lookupFn, lookupVar } from '../../vm/builtins/registry.js';
import { R } from '../../vm/runtime/runtime.js';
import { call, makeRuntime, read, setBar, UTC_SYMBOL } from './harness.js';

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

describe('speed', () => {
  it('a calendar call per bar over 1,000,000 one-minute bars in a DST zone stays well under a microsecond', () => {
    const rt = makeRuntime({ ...UTC_SYMBOL, timezone: 'America/New_York' }, '1');
    const t0 = Date.parse('2020-01-01T00:00:00Z');
    const N = 1_000_000;
    // Warm up, then time hour(time, "Europe/Budapest") and the `year` variable.
    for (let i = 0; i < 50_000; i++) {
      setBar(rt, i, t0 + i * 60_000);
      call(rt, 'hour', [rt.f[R.time] as number, 'Europe/Budapest']);
    }
    let sum = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      rt.f[R.time] = t0 + i * 60_000;
      sum += read(rt, 'year') as number;
    }
    const ns = Number(process.hrtime.bigint() - start) / N;
    expect(sum).toBeGreaterThan(2020 * N - 1);
    expect(ns).toBeLessThan(1000);
  });
});
