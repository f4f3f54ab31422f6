// timestamp(): field forms with and without a zone (rolling over like Pine), DST gaps, and the
// date-string form in the ISO 8601 and RFC 2822 shapes the reference names; bad strings are
// errors that quote the string. Expected instants are hand-computed.

import { describe, expect, it } from 'vitest';
import { call, makeRuntime, RuntimeFailure, setBar, UTC_SYMBOL } from './harness.js';

const utc = (iso: string): number => Date.parse(iso);

function rtOn(timezone = 'Etc/UTC') {
  const rt = makeRuntime({ ...UTC_SYMBOL, timezone });
  setBar(rt, 0, 0);
  return rt;
}

describe('timestamp(year, month, day, hour, minute, second)', () => {
  it('uses the symbol zone: 2016-01-19 09:30 in New York is 14:30 UTC', () => {
    expect(call(rtOn('America/New_York'), 'timestamp', [2016, 1, 19, 9, 30])).toBe(utc('2016-01-19T14:30:00Z'));
  });

  it('hour, minute and second default to 0', () => {
    expect(call(rtOn(), 'timestamp', [2020, 2, 20])).toBe(utc('2020-02-20T00:00:00Z'));
  });

  it('rolls over out-of-range fields', () => {
    const rt = rtOn();
    expect(call(rt, 'timestamp', [2020, 13, 1, 0, 0])).toBe(utc('2021-01-01T00:00:00Z'));
    expect(call(rt, 'timestamp', [2024, 3, 0, 0, 0])).toBe(utc('2024-02-29T00:00:00Z'));
    expect(call(rt, 'timestamp', [2024, 1, 1, 0, 90])).toBe(utc('2024-01-01T01:30:00Z'));
    expect(call(rt, 'timestamp', [2024, 0, 1, 0, 0])).toBe(utc('2023-12-01T00:00:00Z'));
    expect(call(rt, 'timestamp', [2024, 1, 1, -1, 0])).toBe(utc('2023-12-31T23:00:00Z'));
  });

  it('na in any field gives na', () => {
    expect(call(rtOn(), 'timestamp', [2020, Number.NaN, 1, 0, 0])).toBeNaN();
    expect(call(rtOn(), 'timestamp', ['UTC', 2020, 1, 1, Number.NaN, 0])).toBeNaN();
  });
});

describe('timestamp(timezone, year, month, day, hour, minute, second)', () => {
  it('GMT+6 and GMT+3 as in the reference example', () => {
    const rt = rtOn();
    expect(call(rt, 'timestamp', ['GMT+6', 2016, 1, 19, 9, 30])).toBe(utc('2016-01-19T03:30:00Z'));
    expect(call(rt, 'timestamp', ['GMT+3', 2019, 6, 19, 9, 30, 15])).toBe(utc('2019-06-19T06:30:15Z'));
  });

  it('an IANA zone on both sides of a DST change', () => {
    const rt = rtOn();
    // Friday 2024-03-08 09:30 EST = 14:30 UTC; Monday 2024-03-11 09:30 EDT = 13:30 UTC.
    expect(call(rt, 'timestamp', ['America/New_York', 2024, 3, 8, 9, 30])).toBe(utc('2024-03-08T14:30:00Z'));
    expect(call(rt, 'timestamp', ['America/New_York', 2024, 3, 11, 9, 30])).toBe(utc('2024-03-11T13:30:00Z'));
    // 02:30 on the spring-forward day does not exist: 03:30 EDT.
    expect(call(rt, 'timestamp', ['America/New_York', 2024, 3, 10, 2, 30])).toBe(utc('2024-03-10T07:30:00Z'));
    // 01:30 on the fall-back day happens twice: the first, EDT.
    expect(call(rt, 'timestamp', ['America/New_York', 2024, 11, 3, 1, 30])).toBe(utc('2024-11-03T05:30:00Z'));
  });

  it('an unknown zone is an error naming it', () => {
    expect(() => call(rtOn(), 'timestamp', ['Atlantis/Capital', 2020, 1, 1, 0, 0])).toThrow(/Unknown time zone "Atlantis\/Capital"/);
  });
});

describe('timestamp(dateString)', () => {
  const cases: [string, string][] = [
    ['2020-02-20', '2020-02-20T00:00:00Z'],
    ['2020-02-20T15:30', '2020-02-20T15:30:00Z'],
    ['2020-02-20T15:30:00Z', '2020-02-20T15:30:00Z'],
    ['2020-02-20T15:30:00+02:00', '2020-02-20T13:30:00Z'],
    ['2020-02-20T15:30:00-0530', '2020-02-20T21:00:00Z'],
    ['2020-02-20 15:30:00', '2020-02-20T15:30:00Z'],
    ['2020-02-20T15:30:00.250Z', '2020-02-20T15:30:00.250Z'],
    ['20 Feb 2020', '2020-02-20T00:00:00Z'],
    ['20 Feb 2020 15:30:00 +0200', '2020-02-20T13:30:00Z'],
    ['Thu, 20 Feb 2020 15:30:00 GMT', '2020-02-20T15:30:00Z'],
    ['Feb 01 2020 22:10:05', '2020-02-01T22:10:05Z'],
    ['Feb 1, 2020', '2020-02-01T00:00:00Z'],
    ['04 Dec 1995 00:12:00 GMT+5', '1995-12-03T19:12:00Z'],
    ['04 Dec 1995 00:12:00 GMT-3:30', '1995-12-04T03:42:00Z'],
    ['20 February 2020 10:00 EST', '2020-02-20T15:00:00Z'],
    ['20 feb 2020 10:00 UTC', '2020-02-20T10:00:00Z'],
  ];
  for (const [text, iso] of cases) {
    it(`"${text}" is ${iso}`, () => {
      expect(call(rtOn('America/New_York'), 'timestamp', [text])).toBe(utc(iso));
    });
  }

  it('na gives na', () => {
    expect(call(rtOn(), 'timestamp', [null])).toBeNaN();
  });

  const bad: [string, RegExp][] = [
    ['', /the string is empty/],
    ['hello', /"hello" is not a day, month, year, time or time zone/],
    ['2020-02-30', /day 30 does not exist in 2020-02/],
    ['2020-13-01', /month 13 is not 1\.\.12/],
    ['2020-02-20T25:00', /hour 25/],
    ['31 Foo 2020', /"Foo"/],
    ['20 Feb', /no year/],
    ['Feb 2020', /no day of the month/],
    ['20 Feb 2020 10:00 +2500', /out of range/],
  ];
  for (const [text, why] of bad) {
    it(`"${text}" is a runtime error saying why`, () => {
      let err: unknown;
      try {
        call(rtOn(), 'timestamp', [text]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RuntimeFailure);
      expect((err as RuntimeFailure).code).toBe('RT_DATE');
      expect((err as RuntimeFailure).message).toContain(`Cannot read the date "${text}"`);
      expect((err as RuntimeFailure).message).toMatch(why);
    });
  }
});
