// ISO 8601 dates and date-times scanned straight from a range of a larger string, to milliseconds
// since the Unix epoch (UTC), plus the reverse formatting used in messages.
//
// Accepted: `YYYY-MM-DD` (UTC midnight) and `YYYY-MM-DD(T|t| )HH:MM[:SS[.fraction]]` followed by
// nothing (UTC), `Z`/`z`, or an offset `±HH`, `±HHMM`, `±HH:MM` (one space before the zone is
// allowed). Fractions of a second beyond milliseconds are truncated.
//
// Other date shapes seen in exports (one kind per file, see TimeKind), each with the same optional
// time of day and zone, where the zone may also be written `GMT±HHMM` / `UTC±HHMM` (Dukascopy):
// - `YYYY.MM.DD` (MetaTrader): year first, so unambiguous.
// - `DD.MM.YYYY` (Dukascopy, European): dots with the 4-digit year last are always day first.
// - `D/M/YYYY` or `M/D/YYYY`: ambiguous per cell; the loader decides the order from the whole file.

import { daysFromCivil, daysInMonth, MS_DAY as MS_PER_DAY } from '../builtins/time/calendar.js';

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1e6; // any non-digit makes a sum of weighted digits negative
}

function twoDigits(s: string, i: number): number {
  const v = digit(s, i) * 10 + digit(s, i + 1);
  return v >= 0 ? v : -1;
}

/** Where the latest scanSeconds stopped. */
let scannedTo = 0;

/** The optional `:SS[.fraction]` at `s[i]` (also `,fraction` when `comma`) in milliseconds (0 when
 * absent), or NaN when malformed; sets `scannedTo` to the index after it. Fractions beyond
 * milliseconds are truncated. */
function scanSeconds(s: string, i: number, end: number, comma: boolean): number {
  let ms = 0;
  if (i < end && s.charCodeAt(i) === 58 /* : */) {
    if (end - i < 3) return NaN;
    const second = twoDigits(s, i + 1);
    if (second < 0 || second > 59) return NaN;
    ms = second * 1000;
    i += 3;
    const c = i < end ? s.charCodeAt(i) : -1;
    if (c === 46 /* . */ || (comma && c === 44) /* , */) {
      i++;
      let count = 0;
      let scale = 100;
      while (i < end) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        if (count < 3) ms += d * scale;
        scale /= 10;
        count++;
        i++;
      }
      if (count === 0) return NaN;
    }
  }
  scannedTo = i;
  return ms;
}

/** Milliseconds since the epoch for the ISO date or date-time in `s[start, end)`, or NaN when the
 * range is not one (wrong shape, or a field out of range such as 2021-02-29 or 24:00). */
export function scanIsoTime(s: string, start: number, end: number): number {
  if (end - start < 10) return NaN;
  const year =
    digit(s, start) * 1000 + digit(s, start + 1) * 100 + digit(s, start + 2) * 10 + digit(s, start + 3);
  if (year < 0 || s.charCodeAt(start + 4) !== 45 || s.charCodeAt(start + 7) !== 45) return NaN;
  const month = twoDigits(s, start + 5);
  const day = twoDigits(s, start + 8);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return scanClock(s, start + 10, end, daysFromCivil(year, month, day), false);
}

/** The kinds of written date a file may use (one per file, decided from its first row). */
export type DateKind = 'iso' | 'ymd-dots' | 'dmy-dots' | 'slash';

/** The kind of date `text` starts like (`iso` when it is none of the others, so that errors explain
 * ISO). */
export function dateKindOf(text: string): DateKind {
  if (/^\d{4}\.\d/.test(text)) return 'ymd-dots';
  if (/^\d{1,2}\.\d{1,2}\.\d{4}/.test(text)) return 'dmy-dots';
  if (/^\d{1,2}\/\d{1,2}\/\d{4}/.test(text)) return 'slash';
  return 'iso';
}

/** `YYYY.MM.DD[ HH:MM[:SS[.fraction]]][zone]` (MetaTrader) in ms, or NaN. */
export function scanYmdDots(s: string, start: number, end: number): number {
  if (end - start < 10) return NaN;
  const year =
    digit(s, start) * 1000 + digit(s, start + 1) * 100 + digit(s, start + 2) * 10 + digit(s, start + 3);
  if (year < 0 || s.charCodeAt(start + 4) !== 46 || s.charCodeAt(start + 7) !== 46) return NaN;
  const month = twoDigits(s, start + 5);
  const day = twoDigits(s, start + 8);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return scanClock(s, start + 10, end, daysFromCivil(year, month, day), true);
}

/** `A<sep>B<sep>YYYY[ HH:MM[:SS[.fraction]]][zone]` with A and B of 1 or 2 digits, read as day, month
 * when `dayFirst`, else month, day; in ms, or NaN. */
export function scanDayMonthYear(s: string, start: number, end: number, sep: number, dayFirst: boolean): number {
  let i = start;
  let a = digit(s, i++);
  if (a < 0) return NaN;
  if (i < end && s.charCodeAt(i) !== sep) a = a * 10 + digit(s, i++);
  if (a < 0 || i >= end || s.charCodeAt(i) !== sep) return NaN;
  i++;
  let b = digit(s, i++);
  if (b < 0) return NaN;
  if (i < end && s.charCodeAt(i) !== sep) b = b * 10 + digit(s, i++);
  if (b < 0 || i >= end || s.charCodeAt(i) !== sep) return NaN;
  i++;
  if (end - i < 4) return NaN;
  const year = digit(s, i) * 1000 + digit(s, i + 1) * 100 + digit(s, i + 2) * 10 + digit(s, i + 3);
  if (year < 0) return NaN;
  i += 4;
  const day = dayFirst ? a : b;
  const month = dayFirst ? b : a;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return scanClock(s, i, end, daysFromCivil(year, month, day), true);
}

/** The part after a date at `s[i]`: nothing (midnight), or `(T|t| )HH:MM[:SS[.fraction]]` and an
 * optional zone; `gmt` also allows `GMT`/`UTC` before the zone's sign. */
function scanClock(s: string, i: number, end: number, days: number, gmt: boolean): number {
  if (i === end) return days * MS_PER_DAY;

  const sep = s.charCodeAt(i);
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) return NaN;
  i++;
  if (end - i < 5 || s.charCodeAt(i + 2) !== 58 /* : */) return NaN;
  const hour = twoDigits(s, i);
  const minute = twoDigits(s, i + 3);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  i += 5;
  const secondsMs = scanSeconds(s, i, end, true);
  if (secondsMs !== secondsMs) return NaN;
  i = scannedTo;
  let offsetMinutes = 0;
  if (i < end && s.charCodeAt(i) === 32) {
    i++;
    if (i === end) return NaN;
  }
  if (gmt && end - i >= 3) {
    const word = s.slice(i, i + 3).toUpperCase();
    if (word === 'GMT' || word === 'UTC') i += 3;
  }
  if (i < end) {
    const z = s.charCodeAt(i);
    if (z === 90 /* Z */ || z === 122 /* z */) {
      i++;
    } else if (z === 43 /* + */ || z === 45 /* - */) {
      if (end - i < 3) return NaN;
      const oh = twoDigits(s, i + 1);
      if (oh < 0 || oh > 23) return NaN;
      let om = 0;
      i += 3;
      if (i < end) {
        if (s.charCodeAt(i) === 58) i++;
        if (end - i < 2) return NaN;
        om = twoDigits(s, i);
        if (om < 0 || om > 59) return NaN;
        i += 2;
      }
      offsetMinutes = (z === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return NaN;
    }
  }
  if (i !== end) return NaN;
  // Local time minus its offset is UTC: 09:30-05:00 is 14:30Z.
  return (
    days * MS_PER_DAY +
    (hour * 60 + minute - offsetMinutes) * 60_000 +
    secondsMs
  );
}

/** A short explanation of why `text` is not an accepted time, for error messages. */
export function explainBadTime(text: string): string {
  const t = text.trim();
  if (t === '') return 'the time is empty';
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(t);
  if (iso) {
    const year = Number(iso[1]);
    const month = Number(iso[2]);
    const day = Number(iso[3]);
    if (month < 1 || month > 12) return `month ${iso[2]} does not exist`;
    if (day < 1 || day > daysInMonth(year, month)) return `${iso[1]}-${iso[2]} has no day ${iso[3]}`;
    if (iso[4] !== undefined && Number(iso[4]) > 23) return `hour ${iso[4]} does not exist`;
    if (iso[5] !== undefined && Number(iso[5]) > 59) return `minute ${iso[5]} does not exist`;
    if (iso[6] !== undefined && Number(iso[6]) > 59) return `second ${iso[6]} does not exist`;
    return 'expected an ISO date-time like 2020-01-03T09:30:00Z, 2020-01-03 09:30 or 2020-01-03T09:30:00-05:00';
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}/.test(t)) {
    return 'day/month order is ambiguous: write dates as YYYY-MM-DD';
  }
  return 'expected unix seconds or milliseconds, or an ISO date like 2020-01-03 or 2020-01-03T09:30:00Z';
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `2020-01-03` for a UTC midnight, `2020-01-03T09:30:00Z` (with `.123` when there are
 * milliseconds) otherwise; the plain number when it is outside the Date range. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  const d = new Date(ms);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  if (ms % MS_PER_DAY === 0) return date;
  const frac = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${date}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${frac}Z`;
}

/** Milliseconds since midnight for a time of day `HH:MM[:SS[.fraction]]` in `s[start, end)`, or NaN
 * when the range is not one. Used when a file has separate date and time columns. */
export function scanTimeOfDay(s: string, start: number, end: number): number {
  // One-digit hours (9:30) are common in exports; normalise by reading 1 or 2 digits.
  let i = start;
  let hour = digit(s, i);
  if (hour < 0) return NaN;
  i++;
  if (i < end && s.charCodeAt(i) !== 58) {
    const d = digit(s, i);
    if (d < 0) return NaN;
    hour = hour * 10 + d;
    i++;
  }
  if (end - i < 3 || s.charCodeAt(i) !== 58) return NaN;
  const minute = twoDigits(s, i + 1);
  if (hour > 23 || minute < 0 || minute > 59) return NaN;
  i += 3;
  const secondsMs = scanSeconds(s, i, end, false);
  if (secondsMs !== secondsMs) return NaN;
  i = scannedTo;
  if (i !== end) return NaN;
  return (hour * 60 + minute) * 60_000 + secondsMs;
}
