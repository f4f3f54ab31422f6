// Calendar variables and functions: ISO weeks at year boundaries, day-of-week numbering and its
// constants, fields in the symbol's zone across midnight and DST, na in → na out. Expected values
// are worked out by hand from the calendar (weekdays checked against a printed calendar).

import { describe, expect, it } from 'vitest';
import { lookupFn } from '../../vm/builtins/registry.js';
import { call, makeRuntime, read, setBar, UTC_SYMBOL } from './harness.js';

const utc = (iso: string): number => Date.parse(iso);

describe('weekofyear follows ISO 8601 (weeks start Monday; week 1 holds the first Thursday)', () => {
  const rt = makeRuntime();
  setBar(rt, 0, 0);
  const cases: [string, number][] = [
    ['2024-12-29T12:00:00Z', 52], // Sunday: still the week of Monday Dec 23 (the fixture agrees)
    ['2024-12-30T00:00:00Z', 1], // Monday: the week holding Thursday 2025-01-02
    ['2025-01-01T00:00:00Z', 1],
    ['2020-12-28T00:00:00Z', 53], // 2020 began on a Wednesday and was a leap year: 53 weeks
    ['2021-01-01T00:00:00Z', 53], // Friday 2021-01-01 belongs to 2020's week 53
    ['2021-01-03T23:59:59Z', 53], // Sunday
    ['2021-01-04T00:00:00Z', 1], // Monday
    ['2016-01-03T00:00:00Z', 53], // 2015 began on a Thursday: 53 weeks
    ['2026-01-01T00:00:00Z', 1], // Thursday
    ['2025-12-29T00:00:00Z', 1], // Monday of that week, still in 2025
    ['2027-01-01T00:00:00Z', 53], // 2026 begins on a Thursday: 53 weeks
    ['2024-02-29T12:00:00Z', 9],
  ];
  for (const [iso, week] of cases) {
    it(`${iso} is week ${week}`, () => {
      expect(call(rt, 'weekofyear', [utc(iso)])).toBe(week);
    });
  }
});

describe('dayofweek', () => {
  it('numbers Sunday 1 ... Saturday 7 and registers the constants', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    // 2024-12-22 was a Sunday.
    const names = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
    names.forEach((name, i) => {
      expect(read(rt, `dayofweek.${name}`)).toBe(i + 1);
      expect(call(rt, 'dayofweek', [utc('2024-12-22T10:00:00Z') + i * 86_400_000])).toBe(i + 1);
    });
  });

  it('1970-01-01 was a Thursday and 1969-12-31 a Wednesday', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    expect(call(rt, 'dayofweek', [0])).toBe(5);
    expect(call(rt, 'dayofweek', [-1])).toBe(4);
  });
});

describe('fields of an instant', () => {
  it('before the epoch: 1969-12-31 23:59:59 UTC', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    const t = -1000;
    expect([call(rt, 'year', [t]), call(rt, 'month', [t]), call(rt, 'dayofmonth', [t])]).toEqual([1969, 12, 31]);
    expect([call(rt, 'hour', [t]), call(rt, 'minute', [t]), call(rt, 'second', [t])]).toEqual([23, 59, 59]);
  });

  it('a leap day and the day after', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    expect([call(rt, 'month', [utc('2024-02-29T00:00:00Z')]), call(rt, 'dayofmonth', [utc('2024-02-29T00:00:00Z')])]).toEqual([2, 29]);
    expect([call(rt, 'month', [utc('2024-03-01T00:00:00Z')]), call(rt, 'dayofmonth', [utc('2024-03-01T00:00:00Z')])]).toEqual([3, 1]);
    expect(call(rt, 'dayofmonth', [utc('2100-03-01T00:00:00Z') - 1])).toBe(28); // 2100 is not a leap year
  });

  it('the variables read the bar time in the symbol zone; f(time) defaults to it too', () => {
    const rt = makeRuntime({ ...UTC_SYMBOL, timezone: 'America/New_York' });
    // 2024-01-01 04:59:59 UTC is 2023-12-31 23:59:59 in New York (EST, UTC-5).
    const t = utc('2024-01-01T04:59:59Z');
    setBar(rt, 0, t);
    expect(['year', 'month', 'dayofmonth', 'hour', 'minute', 'second', 'dayofweek', 'weekofyear'].map((n) => read(rt, n))).toEqual([
      2023, 12, 31, 23, 59, 59, 1, 52,
    ]);
    expect(call(rt, 'year', [t])).toBe(2023);
    expect(call(rt, 'year', [t, 'UTC'])).toBe(2024);
    // In July New York is on EDT (UTC-4): 2024-07-04 03:30 UTC is July 3, 23:30.
    setBar(rt, 1, utc('2024-07-04T03:30:00Z'));
    expect([read(rt, 'dayofmonth'), read(rt, 'hour'), read(rt, 'minute')]).toEqual([3, 23, 30]);
  });

  it('a timezone argument of na means the symbol zone', () => {
    const rt = makeRuntime({ ...UTC_SYMBOL, timezone: 'Asia/Tokyo' });
    setBar(rt, 0, 0);
    expect(call(rt, 'hour', [0, null])).toBe(9);
  });

  it('na in, na out, for every field and both overloads', () => {
    const rt = makeRuntime();
    setBar(rt, 0, Number.NaN);
    for (const name of ['year', 'month', 'weekofyear', 'dayofmonth', 'dayofweek', 'hour', 'minute', 'second']) {
      expect(read(rt, name)).toBeNaN();
      expect(call(rt, name, [Number.NaN])).toBeNaN();
      expect(call(rt, name, [Number.NaN, 'Europe/Budapest'])).toBeNaN();
    }
  });

  it('each calendar function has exactly the overloads f(time) and f(time, timezone)', () => {
    for (const name of ['year', 'month', 'weekofyear', 'dayofmonth', 'dayofweek', 'hour', 'minute', 'second']) {
      const sigs = (lookupFn(name) ?? []).map((s) => s.signature);
      expect(sigs).toEqual([`${name}(time: series int): series int`, `${name}(time: series int, timezone: series string): series int`]);
    }
  });
});
