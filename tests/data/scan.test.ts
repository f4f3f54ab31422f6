// Number and time scanning checked against the engine's own conversions (Number, Date.UTC,
// Date.parse) on many generated inputs: the scanners must agree bit for bit.

import { describe, expect, it } from 'vitest';
import { scanNumber } from '../../vm/data/scan-number.js';
import { formatTime, scanIsoTime, scanTimeOfDay } from '../../vm/data/scan-time.js';
import { daysFromCivil } from '../../vm/builtins/time/calendar.js';

/** A small deterministic generator (LCG) so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const num = (t: string): number => scanNumber(t, 0, t.length);

describe('scanNumber', () => {
  it('agrees with Number() on generated decimals of every length, bit for bit', () => {
    const rnd = lcg(7);
    const digits = (k: number): string => Array.from({ length: k }, () => String(Math.floor(rnd() * 10))).join('');
    for (let i = 0; i < 20000; i++) {
      const int = digits(Math.floor(rnd() * 12));
      const frac = rnd() < 0.7 ? `.${digits(1 + Math.floor(rnd() * 18))}` : '';
      const exp = rnd() < 0.2 ? `e${rnd() < 0.5 ? '-' : ''}${Math.floor(rnd() * 40)}` : '';
      const sign = rnd() < 0.3 ? '-' : '';
      const text = `${sign}${int === '' && frac === '' ? '0' : int}${frac}${exp}`;
      const got = num(text);
      const want = Number(text);
      if (!Object.is(got, want)) expect([text, got]).toEqual([text, want]);
    }
  });

  it('agrees with Number() on the shortest spelling of random doubles', () => {
    const rnd = lcg(11);
    for (let i = 0; i < 20000; i++) {
      const v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15);
      const text = String(v);
      expect(Object.is(num(text), v)).toBe(true);
    }
  });

  it('reads a range inside a larger string', () => {
    expect(scanNumber('ab,1.25,cd', 3, 7)).toBe(1.25);
  });

  it('rejects what is not a plain decimal number', () => {
    for (const t of ['', '-', '+', '.', 'e5', '1e', '1e+', '1.2.3', '0x10', 'Infinity', 'NaN', '1,5', ' 1', '1 ', '1_000', '--1', '1e5.5']) {
      expect([t, Number.isNaN(num(t))]).toEqual([t, true]);
    }
  });
});

describe('scanIsoTime', () => {
  it('agrees with Date.UTC on random date-times from 1900 to 2100, with and without offsets', () => {
    const rnd = lcg(3);
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    for (let i = 0; i < 20000; i++) {
      const y = 1900 + Math.floor(rnd() * 200);
      const mo = 1 + Math.floor(rnd() * 12);
      const d = 1 + Math.floor(rnd() * 28);
      const h = Math.floor(rnd() * 24);
      const mi = Math.floor(rnd() * 60);
      const s = Math.floor(rnd() * 60);
      const oh = Math.floor(rnd() * 14);
      const om = rnd() < 0.5 ? 0 : 30;
      const sign = rnd() < 0.5 ? -1 : 1;
      const text = `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${sign < 0 ? '-' : '+'}${p(oh)}:${p(om)}`;
      const want = Date.UTC(y, mo - 1, d, h, mi, s) - sign * (oh * 60 + om) * 60_000;
      const got = scanIsoTime(text, 0, text.length);
      if (got !== want) expect([text, got]).toEqual([text, want]);
      expect(got).toBe(Date.parse(text));
    }
  });

  it('rejects malformed or impossible times', () => {
    for (const t of ['2020-1-03', '2020-01-3', '2020/01/03', '2020-00-10', '2020-01-32', '2019-02-29', '2020-01-03T', '2020-01-03T9:30',
      '2020-01-03T09:60', '2020-01-03T09:30:60', '2020-01-03T09:30:00.', '2020-01-03T09:30+24:00', '2020-01-03T09:30+05:', '2020-01-03T09:30 ',
      '2020-01-03X09:30', '2020-01-03T09:30Zs', '20200103']) {
      expect([t, Number.isNaN(scanIsoTime(t, 0, t.length))]).toEqual([t, true]);
    }
  });
});

describe('daysFromCivil and formatTime', () => {
  it('counts days like Date.UTC for every month from year 1 to 9999 (leap centuries included)', () => {
    for (let y = 1; y <= 9999; y += 7) {
      for (let m = 1; m <= 12; m++) {
        const want = new Date(0);
        want.setUTCFullYear(y, m - 1, 1);
        want.setUTCHours(0, 0, 0, 0);
        expect(daysFromCivil(y, m, 1) * 86_400_000).toBe(want.getTime());
      }
    }
    expect(daysFromCivil(2000, 2, 29) - daysFromCivil(2000, 2, 28)).toBe(1);
    expect(daysFromCivil(1900, 3, 1) - daysFromCivil(1900, 2, 28)).toBe(1);
  });

  it('prints dates for midnights and full UTC times otherwise', () => {
    expect(formatTime(Date.UTC(2020, 0, 3))).toBe('2020-01-03');
    expect(formatTime(Date.UTC(2020, 0, 3, 9, 30))).toBe('2020-01-03T09:30:00Z');
    expect(formatTime(Date.UTC(1950, 0, 3, 0, 0, 0, 5))).toBe('1950-01-03T00:00:00.005Z');
  });
});

describe('scanTimeOfDay', () => {
  const tod = (s: string): number => scanTimeOfDay(s, 0, s.length);
  it('reads HH:MM, H:MM, HH:MM:SS and a fraction as ms since midnight', () => {
    expect(tod('09:30')).toBe((9 * 60 + 30) * 60_000);
    expect(tod('9:30')).toBe((9 * 60 + 30) * 60_000);
    expect(tod('00:00')).toBe(0);
    expect(tod('23:59:59')).toBe(86_399_000);
    expect(tod('23:59:59.5')).toBe(86_399_500);
    expect(tod('12:00:00.1239')).toBe(43_200_123);
  });
  it('refuses anything else', () => {
    for (const s of ['', '24:00', '9:60', '9:3', '09:30:', '09:30:60', '0930', '09:30Z', '09:30:00.', 'ab:cd', '-1:00', '09:30 ']) {
      expect(tod(s), s).toBeNaN();
    }
  });
});
