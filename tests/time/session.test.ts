// Sessions by hand: a US stock (0930-1600 New York, Monday-Friday), the FX symbol of the fixtures
// (Sunday 17:00 - Friday 16:59:50 New York, daily break 16:59:50-17:05), custom session strings in
// time()/time_close(), bars_back, the session.* flags with pre- and post-market bars, and errors.

import { describe, expect, it } from 'vitest';
import { parseSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import type { SymbolInfo } from '../../vm/runtime/runtime.js';
import { call, makeRuntime, read, readText, RuntimeFailure, setBar, UTC_SYMBOL } from './harness.js';

const utc = (iso: string): number => Date.parse(iso);
/** New York wall-clock time in winter (EST, UTC-5). */
const est = (local: string): number => Date.parse(`${local}-05:00`);
/** New York wall-clock time in summer (EDT, UTC-4). */
const edt = (local: string): number => Date.parse(`${local}-04:00`);

const STOCK: SymbolInfo = { ...UTC_SYMBOL, ticker: 'AAPL', type: 'stock', timezone: 'America/New_York', session: '0930-1600' };
const FX = parseSymbolToml(readText('timeframe/timeframe.toml'));

describe('a stock session, 0930-1600 New York', () => {
  it('time("D"), time_close("D"), time("W"), time("M") from a 5-minute bar (no holidays are known)', () => {
    const rt = makeRuntime(STOCK, '5');
    setBar(rt, 0, est('2024-01-16T11:00:00')); // a Tuesday
    expect(call(rt, 'time', ['D'])).toBe(est('2024-01-16T09:30:00'));
    expect(call(rt, 'time_close', ['D'])).toBe(est('2024-01-16T16:00:00'));
    expect(call(rt, 'time', ['W'])).toBe(est('2024-01-15T09:30:00'));
    expect(call(rt, 'time', ['M'])).toBe(est('2024-01-01T09:30:00'));
    expect(call(rt, 'time_close', ['M'])).toBe(est('2024-01-31T16:00:00'));
    expect(call(rt, 'time', ['60'])).toBe(est('2024-01-16T10:30:00'));
  });

  it('the session opens at 09:30 local on both sides of the 2024-03-10 DST change', () => {
    const rt = makeRuntime(STOCK, '5');
    setBar(rt, 0, est('2024-03-08T11:00:00')); // Friday, EST
    expect(call(rt, 'time', ['D'])).toBe(utc('2024-03-08T14:30:00Z'));
    setBar(rt, 1, edt('2024-03-11T11:00:00')); // Monday, EDT
    expect(call(rt, 'time', ['D'])).toBe(utc('2024-03-11T13:30:00Z'));
  });

  it('the last hourly bar (15:30) closes at the session end, 16:00', () => {
    const rt = makeRuntime(STOCK, '60');
    setBar(rt, 0, est('2024-01-16T15:30:00'));
    expect(call(rt, 'time_close', [''])).toBe(est('2024-01-16T16:00:00'));
    expect(read(rt, 'session.islastbar')).toBe(1);
    setBar(rt, 1, est('2024-01-16T14:30:00'));
    expect(call(rt, 'time_close', [''])).toBe(est('2024-01-16T15:30:00'));
    expect(read(rt, 'session.islastbar')).toBe(0);
  });

  it('the first bar of the data is the first bar of a session only if it holds the session start', () => {
    const a = makeRuntime(STOCK, '30');
    setBar(a, 0, est('2024-01-16T09:30:00'));
    expect(read(a, 'session.isfirstbar')).toBe(1);
    const b = makeRuntime(STOCK, '30');
    setBar(b, 0, est('2024-01-16T10:00:00'));
    expect(read(b, 'session.isfirstbar')).toBe(0);
  });

  it('pre- and post-market bars: flags and the first bar of the day with and without them', () => {
    const rt = makeRuntime(STOCK, '5');
    const bars = [
      est('2024-01-15T15:55:00'), // last regular bar of Monday
      est('2024-01-15T16:30:00'), // Monday post-market
      est('2024-01-16T08:00:00'), // Tuesday pre-market
      est('2024-01-16T08:05:00'),
      est('2024-01-16T09:30:00'), // Tuesday's first regular bar
      est('2024-01-16T09:35:00'),
    ];
    const rows = bars.map((t, i) => {
      setBar(rt, i, t, t + 300_000);
      return [
        read(rt, 'session.isfirstbar', 0),
        read(rt, 'session.isfirstbar_regular', 1),
        read(rt, 'session.islastbar'),
        read(rt, 'session.ismarket'),
        read(rt, 'session.ispremarket'),
        read(rt, 'session.ispostmarket'),
      ];
    });
    expect(rows).toEqual([
      [0, 0, 1, 1, 0, 0],
      [0, 0, 0, 0, 0, 1],
      [1, 0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1, 0],
      [0, 1, 0, 1, 0, 0],
      [0, 0, 0, 1, 0, 0],
    ]);
  });

  it('ispremarket and ispostmarket are false on a daily chart', () => {
    const rt = makeRuntime(STOCK, 'D');
    setBar(rt, 0, est('2024-01-16T08:00:00'));
    expect(read(rt, 'session.ispremarket')).toBe(0);
    expect(read(rt, 'session.ispostmarket')).toBe(0);
  });

  it('bars_back counts expected bars, skipping nights and weekends', () => {
    const rt = makeRuntime(STOCK, '30');
    setBar(rt, 0, est('2024-01-16T09:30:00')); // Tuesday's first bar
    expect(call(rt, 'time', ['', '', 1])).toBe(est('2024-01-15T15:30:00'));
    expect(call(rt, 'time_close', ['', '', 1])).toBe(est('2024-01-15T16:00:00'));
    expect(call(rt, 'time', ['', '', -1])).toBe(est('2024-01-16T10:00:00'));
    expect(call(rt, 'time', ['', '', 14])).toBe(est('2024-01-12T15:30:00')); // 13 bars a day
    setBar(rt, 1, est('2024-01-15T15:30:00'));
    expect(call(rt, 'time', ['', '', -1])).toBe(est('2024-01-16T09:30:00'));
  });

  it('timeframe_bars_back moves whole periods of the requested timeframe', () => {
    const rt = makeRuntime(STOCK, '30');
    setBar(rt, 0, est('2024-01-15T11:00:00')); // Monday
    expect(call(rt, 'time', ['D', '', 0, 1])).toBe(est('2024-01-12T09:30:00')); // the Friday before
    expect(call(rt, 'time', ['D', '', 0, -1])).toBe(est('2024-01-16T09:30:00'));
    expect(call(rt, 'time_close', ['D', '', 0, 1])).toBe(est('2024-01-12T16:00:00'));
    expect(call(rt, 'time', ['W', '', 0, 1])).toBe(est('2024-01-08T09:30:00'));
  });

  it('more than 500 bars into the future is an error', () => {
    const rt = makeRuntime(STOCK, '30');
    setBar(rt, 0, est('2024-01-16T09:30:00'));
    expect(() => call(rt, 'time', ['', '', -501])).toThrow(/at most 500 bars into the future/);
  });

  it('a Saturday bar is outside the symbol session: time() is na', () => {
    const rt = makeRuntime(STOCK, '60');
    setBar(rt, 0, est('2024-01-13T11:00:00'));
    expect(call(rt, 'time', [''])).toBeNaN();
    expect(call(rt, 'time', ['D'])).toBeNaN();
  });
});

describe('the FX symbol of the fixtures (trading day from 17:00 New York)', () => {
  it('a Tuesday bar: the day opens Monday 17:00 and closes Tuesday 16:59:50; the trading day is Tuesday', () => {
    const rt = makeRuntime(FX, '5');
    setBar(rt, 0, edt('2024-10-22T10:00:00'));
    expect(call(rt, 'time', ['D'])).toBe(edt('2024-10-21T17:00:00'));
    expect(call(rt, 'time_close', ['D'])).toBe(edt('2024-10-22T16:59:50'));
    expect(read(rt, 'time_tradingday')).toBe(utc('2024-10-22T00:00:00Z'));
    expect(call(rt, 'time', ['240'])).toBe(edt('2024-10-22T09:00:00'));
    expect(call(rt, 'time', ['W'])).toBe(edt('2024-10-20T17:00:00'));
  });

  it('the Sunday-evening bar belongs to Monday', () => {
    const rt = makeRuntime(FX, '60');
    setBar(rt, 0, edt('2024-10-20T18:00:00'));
    expect(read(rt, 'time_tradingday')).toBe(utc('2024-10-21T00:00:00Z'));
    expect(read(rt, 'dayofweek')).toBe(1); // the bar itself is on a Sunday in New York
  });

  it('on a weekly chart time_tradingday is the last trading day of the week, Friday', () => {
    const rt = makeRuntime(FX, 'W');
    setBar(rt, 0, edt('2024-10-20T17:00:00'));
    expect(read(rt, 'time_tradingday')).toBe(utc('2024-10-25T00:00:00Z'));
    expect(call(rt, 'time_close', [''])).toBe(edt('2024-10-25T16:59:50'));
  });

  it('a 5-minute bar in the daily break (17:00-17:05) is not market time; the hourly 17:00 bar is', () => {
    const five = makeRuntime(FX, '5');
    setBar(five, 0, edt('2024-10-22T17:00:00'));
    expect(read(five, 'session.ismarket')).toBe(0);
    const hour = makeRuntime(FX, '60');
    setBar(hour, 0, edt('2024-10-22T17:00:00'));
    expect(read(hour, 'session.ismarket')).toBe(1);
  });

  it('the 4-hour grid stays on 17:00 New York after the November DST change', () => {
    const rt = makeRuntime(FX, '5');
    setBar(rt, 0, est('2024-11-05T10:00:00'));
    expect(call(rt, 'time', ['240'])).toBe(utc('2024-11-05T14:00:00Z')); // 09:00 EST
    expect(call(rt, 'time', ['D'])).toBe(utc('2024-11-04T22:00:00Z')); // Monday 17:00 EST
  });
});

describe('custom sessions in time() and time_close()', () => {
  it('"1000-1100" on hourly bars of a 24x7 UTC symbol', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    const got = ['09', '10', '11'].map((h, i) => {
      setBar(rt, i, utc(`2024-01-08T${h}:00:00Z`));
      return call(rt, 'time', ['60', '1000-1100']);
    });
    expect(got).toEqual([Number.NaN, utc('2024-01-08T10:00:00Z'), Number.NaN]);
  });

  it('on the chart timeframe a bar inside the session gives its own time, off the session grid', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    setBar(rt, 0, utc('2024-01-08T10:00:00Z'), utc('2024-01-08T11:00:00Z'));
    expect(call(rt, 'time', ['', '0930-1600'])).toBe(utc('2024-01-08T10:00:00Z'));
    expect(call(rt, 'time_close', ['', '0930-1600'])).toBe(utc('2024-01-08T11:00:00Z'));
    expect(call(rt, 'time', ['60', '0930-1600'])).toBe(utc('2024-01-08T10:00:00Z'));
    expect(call(rt, 'time', ['D', '0930-1600'])).toBe(utc('2024-01-08T09:30:00Z'));
  });

  it('days after the colon: "1000-1100,1400-1500:23456" is weekdays only', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    setBar(rt, 0, utc('2024-01-06T10:00:00Z')); // Saturday
    expect(call(rt, 'time', ['', '1000-1100,1400-1500:23456'])).toBeNaN();
    setBar(rt, 1, utc('2024-01-08T14:00:00Z')); // Monday
    expect(call(rt, 'time', ['', '1000-1100,1400-1500:23456'])).toBe(utc('2024-01-08T14:00:00Z'));
    setBar(rt, 2, utc('2024-01-08T12:00:00Z'));
    expect(call(rt, 'time', ['', '1000-1100,1400-1500:23456'])).toBeNaN();
  });

  it('an overnight session "1700-0900:23456" in New York: the Monday session starts Sunday 17:00', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    const sess = '1700-0900:23456';
    setBar(rt, 0, est('2024-01-08T08:00:00')); // Monday 08:00
    expect(call(rt, 'time', ['D', sess, 'America/New_York'])).toBe(est('2024-01-07T17:00:00'));
    expect(call(rt, 'time_close', ['D', sess, 'America/New_York'])).toBe(est('2024-01-08T09:00:00'));
    setBar(rt, 1, est('2024-01-07T18:00:00')); // Sunday 18:00: Monday's session
    expect(call(rt, 'time', ['', sess, 'America/New_York'])).toBe(est('2024-01-07T18:00:00'));
    setBar(rt, 2, est('2024-01-05T18:00:00')); // Friday 18:00 would be Saturday's session
    expect(call(rt, 'time', ['', sess, 'America/New_York'])).toBeNaN();
    setBar(rt, 3, est('2024-01-06T08:00:00')); // Saturday 08:00
    expect(call(rt, 'time', ['', sess, 'America/New_York'])).toBeNaN();
  });

  it('"24x7" and "0000-0000" are whole days', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    setBar(rt, 0, utc('2024-01-06T13:00:00Z'));
    expect(call(rt, 'time', ['D', '24x7'])).toBe(utc('2024-01-06T00:00:00Z'));
    expect(call(rt, 'time', ['D', '0000-0000'])).toBe(utc('2024-01-06T00:00:00Z'));
    expect(call(rt, 'time_close', ['D', '0000-0000'])).toBe(utc('2024-01-07T00:00:00Z'));
  });

  it('a bad session string is a runtime error saying what is wrong', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    setBar(rt, 0, utc('2024-01-06T13:00:00Z'));
    const cases: [string, RegExp][] = [
      ['0930-1600:89', /"89" is not a list of days/],
      ['930-1600', /"930-1600" is not a time range like "0930-1600"/],
      ['0930-2500', /outside 0000\.\.2400/],
    ];
    for (const [sess, why] of cases) {
      let err: unknown;
      try {
        call(rt, 'time', ['', sess]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RuntimeFailure);
      expect((err as RuntimeFailure).code).toBe('RT_SESSION');
      expect((err as RuntimeFailure).message).toMatch(why);
    }
  });
});

describe('the default 24x7 UTC symbol', () => {
  it('days run midnight to midnight UTC; weeks start Monday; months on the 1st', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    setBar(rt, 0, utc('2024-01-10T13:00:00Z')); // Wednesday
    expect(call(rt, 'time', ['D'])).toBe(utc('2024-01-10T00:00:00Z'));
    expect(call(rt, 'time_close', ['D'])).toBe(utc('2024-01-11T00:00:00Z'));
    expect(call(rt, 'time', ['W'])).toBe(utc('2024-01-08T00:00:00Z'));
    expect(call(rt, 'time', ['M'])).toBe(utc('2024-01-01T00:00:00Z'));
    expect(call(rt, 'time_close', ['M'])).toBe(utc('2024-02-01T00:00:00Z'));
    expect(call(rt, 'time', ['3M'])).toBe(utc('2024-01-01T00:00:00Z'));
    expect(read(rt, 'time_tradingday')).toBe(utc('2024-01-10T00:00:00Z'));
  });

  it('time("") is the bar time, time_close("") the close register when the host sets it', () => {
    const rt = makeRuntime(UTC_SYMBOL, '60');
    setBar(rt, 0, utc('2024-01-10T13:00:00Z'), utc('2024-01-10T14:00:00Z'));
    expect(call(rt, 'time', [''])).toBe(utc('2024-01-10T13:00:00Z'));
    expect(call(rt, 'time_close', [''])).toBe(utc('2024-01-10T14:00:00Z'));
    expect(call(rt, 'time', ['', '', 1])).toBe(utc('2024-01-10T12:00:00Z'));
  });

  it('session.regular and session.extended; syminfo.session defaults to regular', () => {
    const rt = makeRuntime();
    expect(read(rt, 'session.regular')).toBe('regular');
    expect(read(rt, 'session.extended')).toBe('extended');
    expect(read(rt, 'syminfo.session')).toBe('regular');
  });
});
