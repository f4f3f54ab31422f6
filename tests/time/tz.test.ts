// Time zones: offsets across DST transitions (hand-calculated from the published US and EU rules),
// fixed-offset names, local→instant conversion in gaps and overlaps, unknown names, and the offset
// cache never changing an answer.

import { describe, expect, it } from 'vitest';
import { fromLocal, isValidZone, offsetAt, zoneOf } from '../../vm/builtins/time/tz.js';
import { call, makeRuntime, RuntimeFailure, setBar } from './harness.js';

const H = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);

describe('IANA zones with DST', () => {
  // US rules since 2007: second Sunday of March 02:00 local, first Sunday of November 02:00 local.
  // 2024: March 10 (07:00 UTC, EST→EDT) and November 3 (06:00 UTC, EDT→EST).
  it('America/New_York springs forward at 2024-03-10 07:00 UTC', () => {
    const ny = zoneOf('America/New_York');
    expect(offsetAt(ny, utc('2024-03-10T06:59:59Z'))).toBe(-5 * H);
    expect(offsetAt(ny, utc('2024-03-10T07:00:00Z'))).toBe(-4 * H);
    expect(offsetAt(ny, utc('2024-07-01T12:00:00Z'))).toBe(-4 * H);
  });

  it('America/New_York falls back at 2024-11-03 06:00 UTC', () => {
    const ny = zoneOf('America/New_York');
    expect(offsetAt(ny, utc('2024-11-03T05:59:59Z'))).toBe(-4 * H);
    expect(offsetAt(ny, utc('2024-11-03T06:00:00Z'))).toBe(-5 * H);
    expect(offsetAt(ny, utc('2024-12-25T12:00:00Z'))).toBe(-5 * H);
  });

  it('US/Eastern is the same zone as America/New_York', () => {
    const a = zoneOf('US/Eastern');
    const b = zoneOf('America/New_York');
    for (const iso of ['2024-03-10T06:59:59Z', '2024-03-10T07:00:00Z', '2024-11-03T05:59:59Z', '2024-11-03T06:00:00Z']) {
      expect(offsetAt(a, utc(iso))).toBe(offsetAt(b, utc(iso)));
    }
  });

  // EU rules: last Sunday of March and of October at 01:00 UTC. 2024: March 31 and October 27.
  it('Europe/Budapest switches at 01:00 UTC on 2024-03-31 and 2024-10-27', () => {
    const bud = zoneOf('Europe/Budapest');
    expect(offsetAt(bud, utc('2024-03-31T00:59:59Z'))).toBe(1 * H);
    expect(offsetAt(bud, utc('2024-03-31T01:00:00Z'))).toBe(2 * H);
    expect(offsetAt(bud, utc('2024-10-27T00:59:59Z'))).toBe(2 * H);
    expect(offsetAt(bud, utc('2024-10-27T01:00:00Z'))).toBe(1 * H);
  });

  it('hour() skips 2 a.m. on the spring-forward day and repeats 1 a.m. on the fall-back day', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    expect(call(rt, 'hour', [utc('2024-03-10T06:30:00Z'), 'America/New_York'])).toBe(1);
    expect(call(rt, 'hour', [utc('2024-03-10T07:30:00Z'), 'America/New_York'])).toBe(3);
    expect(call(rt, 'hour', [utc('2024-11-03T05:30:00Z'), 'America/New_York'])).toBe(1);
    expect(call(rt, 'hour', [utc('2024-11-03T06:30:00Z'), 'America/New_York'])).toBe(1);
    expect(call(rt, 'hour', [utc('2024-11-03T07:30:00Z'), 'America/New_York'])).toBe(2);
  });

  it('a local time in the spring gap moves forward by the gap; one in the fall overlap takes the earlier instant', () => {
    const ny = zoneOf('America/New_York');
    // 2024-03-10 02:30 does not exist in New York: read as 03:30 EDT = 07:30 UTC.
    expect(fromLocal(ny, utc('2024-03-10T02:30:00Z'))).toBe(utc('2024-03-10T07:30:00Z'));
    // 2024-11-03 01:30 happens twice: 01:30 EDT (05:30 UTC) comes first.
    expect(fromLocal(ny, utc('2024-11-03T01:30:00Z'))).toBe(utc('2024-11-03T05:30:00Z'));
    // Ordinary times: 2024-01-15 09:30 EST = 14:30 UTC; 2024-07-15 09:30 EDT = 13:30 UTC.
    expect(fromLocal(ny, utc('2024-01-15T09:30:00Z'))).toBe(utc('2024-01-15T14:30:00Z'));
    expect(fromLocal(ny, utc('2024-07-15T09:30:00Z'))).toBe(utc('2024-07-15T13:30:00Z'));
  });
});

describe('fixed offsets', () => {
  it('reads GMT±h, UTC±h:mm, ±hhmm and the bare names', () => {
    const t = utc('2024-06-01T00:00:00Z');
    expect(offsetAt(zoneOf('GMT+5'), t)).toBe(5 * H);
    expect(offsetAt(zoneOf('GMT-5'), t)).toBe(-5 * H);
    expect(offsetAt(zoneOf('UTC-3:30'), t)).toBe(-3.5 * H);
    expect(offsetAt(zoneOf('UTC+0530'), t)).toBe(5.5 * H);
    expect(offsetAt(zoneOf('UTC+0'), t)).toBe(0);
    expect(offsetAt(zoneOf('UTC'), t)).toBe(0);
    expect(offsetAt(zoneOf('GMT'), t)).toBe(0);
    expect(offsetAt(zoneOf('Etc/UTC'), t)).toBe(0);
  });

  it('Etc/GMT+5 is the IANA zone five hours behind UTC (POSIX sign)', () => {
    expect(offsetAt(zoneOf('Etc/GMT+5'), utc('2024-06-01T00:00:00Z'))).toBe(-5 * H);
  });

  it('"GMT+5" shifts calendar fields by five hours', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    // 2024-12-31 20:00 UTC is 2025-01-01 01:00 at GMT+5.
    const t = utc('2024-12-31T20:00:00Z');
    expect(call(rt, 'year', [t, 'GMT+5'])).toBe(2025);
    expect(call(rt, 'dayofmonth', [t, 'GMT+5'])).toBe(1);
    expect(call(rt, 'hour', [t, 'GMT+5'])).toBe(1);
    expect(call(rt, 'hour', [t, 'UTC-3:30'])).toBe(16);
    expect(call(rt, 'minute', [t, 'UTC-3:30'])).toBe(30);
  });
});

describe('unknown zones', () => {
  it('isValidZone tells names apart', () => {
    expect(isValidZone('America/New_York')).toBe(true);
    expect(isValidZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidZone('GMT+15')).toBe(false);
    expect(isValidZone('')).toBe(false);
  });

  it('a calendar call with an unknown zone is a runtime error naming it', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    let err: unknown;
    try {
      call(rt, 'hour', [0, 'Mars/Olympus_Mons']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RuntimeFailure);
    expect((err as RuntimeFailure).code).toBe('RT_TIMEZONE');
    expect((err as RuntimeFailure).message).toContain('Unknown time zone "Mars/Olympus_Mons"');
  });

  it('a symbol with an unknown zone fails on its first calendar read', () => {
    const rt = makeRuntime({ ...makeRuntime().syminfo, timezone: 'Nowhere/City' });
    setBar(rt, 0, 0);
    expect(() => call(rt, 'year', [0])).toThrow(/Unknown time zone "Nowhere\/City"/);
  });
});

describe('the offset cache', () => {
  /** Offset straight from Intl, with no cache: the independent oracle. */
  function intlOffset(zone: string, t: number): number {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(t);
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return local - Math.floor(t / 1000) * 1000;
  }

  it('agrees with Intl at 3000 random instants 1950-2100, visited out of order, in six zones', () => {
    const zones = ['America/New_York', 'Europe/Budapest', 'Australia/Sydney', 'Asia/Kolkata', 'America/Santiago', 'Africa/Casablanca'];
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const lo = utc('1950-01-01T00:00:00Z');
    const hi = utc('2100-01-01T00:00:00Z');
    const bad: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const name = zones[i % zones.length] as string;
      const t = Math.floor(lo + rand() * (hi - lo));
      const got = offsetAt(zoneOf(name), t);
      const want = intlOffset(name, t);
      if (got !== want) bad.push(`${name} ${new Date(t).toISOString()}: ${got} vs ${want}`);
    }
    expect(bad).toEqual([]);
  });

  it('agrees with Intl minute by minute around both 2024 New York transitions', () => {
    const ny = zoneOf('America/New_York');
    const bad: number[] = [];
    for (const center of [utc('2024-03-10T07:00:00Z'), utc('2024-11-03T06:00:00Z')]) {
      for (let t = center - 3 * H; t < center + 3 * H; t += 60_000) {
        if (offsetAt(ny, t) !== intlOffset('America/New_York', t)) bad.push(t);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('instants Date cannot hold', () => {
  it('give na calendar fields instead of an exception', () => {
    const rt = makeRuntime();
    setBar(rt, 0, 0);
    expect(call(rt, 'hour', [1e20, 'America/New_York'])).toBeNaN();
    expect(call(rt, 'year', [-1e20, 'Europe/Budapest'])).toBeNaN();
  });
});
