// timestamp(): an instant from calendar fields in a time zone, and from a date string.
//
// Fields roll over like Pine's (java.util.Calendar's lenient mode): month 13 is January of the next
// year, day 0 is the last day of the previous month, minute 90 is an hour and a half; so
// `timestamp(year, month, dayofmonth - 1, 0, 0)` is always a valid date.
//
// Date strings follow the reference: RFC 2822 ("04 Dec 1995 00:12:00 GMT+5", "Mon, 20 Feb 2020",
// "20 Feb 2020 10:00 +0300"), ISO 8601 ("2011-10-10T14:48:00", "2020-02-20", "...Z", "...+05:30")
// and the month-first form of the reference's example ("Feb 01 2020 22:10:05"). Without a time the
// time is 00:00; without a zone the zone is UTC (the reference calls this out as a divergence from
// the field form, which uses the exchange's zone).

import { daysFromCivil, daysInMonth, MS_DAY, MS_HOUR, MS_MINUTE, MS_SECOND } from './calendar.js';
import { TIME_ERROR, TimeError } from './errors.js';
import { fromLocal, type Zone } from './tz.js';

/** Wall-clock ms (as if UTC) of lenient calendar fields. NaN if any field is NaN. */
export function localFromFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const m0 = Math.trunc(month) - 1;
  const y = Math.trunc(year) + Math.floor(m0 / 12);
  const m = m0 - Math.floor(m0 / 12) * 12 + 1;
  const days = daysFromCivil(y, m, 1) + Math.trunc(day) - 1;
  return days * MS_DAY + Math.trunc(hour) * MS_HOUR + Math.trunc(minute) * MS_MINUTE + Math.trunc(second) * MS_SECOND;
}

/** timestamp(timezone, year, month, day, hour, minute, second). */
export function timestampFields(
  z: Zone,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const local = localFromFields(year, month, day, hour, minute, second);
  if (Number.isNaN(local)) return Number.NaN;
  return fromLocal(z, local);
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9,
  sept: 9, october: 10, november: 11, december: 12,
};

const WEEKDAYS = new Set([
  'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'monday', 'tuesday', 'wednesday', 'thursday',
  'friday', 'saturday', 'sunday', 'tues', 'thur', 'thurs',
]);

/** RFC 2822's obsolete zone names, in hours. */
const NAMED_ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, est: -5, edt: -4, cst: -6, cdt: -5, mst: -7, mdt: -6, pst: -8, pdt: -7,
};

const ISO_RE =
  /^([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T\s](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function badDate(text: string, why: string): TimeError {
  return new TimeError(
    TIME_ERROR.date,
    `Cannot read the date "${text}": ${why}. Expected a date like "2020-02-20T15:30:00+02:00" (ISO 8601) or "20 Feb 2020 15:30:00 +0200" (RFC 2822).`,
  );
}

/** timestamp(dateString): ms UTC. Throws a TimeError saying what is wrong with the string. */
export function parseDateString(text: string): number {
  const s = text.trim();
  if (s === '') throw badDate(text, 'the string is empty');
  const iso = ISO_RE.exec(s);
  if (iso !== null) {
    const y = Number(iso[1]);
    const mo = Number(iso[2]);
    const d = Number(iso[3]);
    const h = iso[4] === undefined ? 0 : Number(iso[4]);
    const mi = iso[5] === undefined ? 0 : Number(iso[5]);
    const sec = iso[6] === undefined ? 0 : Number(iso[6]);
    const frac = iso[7] === undefined ? 0 : Math.floor(Number(`0.${iso[7]}`) * 1000);
    checkFields(text, y, mo, d, h, mi, sec);
    const offset = iso[8] === undefined ? 0 : numericZone(text, iso[8]);
    return localFromFields(y, mo, d, h, mi, sec) + frac - offset;
  }
  return parseTextDate(text, s);
}

/** "+05", "+0530", "+05:30", "Z" → ms. */
function numericZone(text: string, z: string): number {
  if (z === 'Z' || z === 'z') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (m === null) throw badDate(text, `"${z}" is not a time zone offset`);
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 14 || min > 59) throw badDate(text, `the offset "${z}" is out of range`);
  return (m[1] === '-' ? -1 : 1) * (h * MS_HOUR + min * MS_MINUTE);
}

function checkFields(text: string, y: number, mo: number, d: number, h: number, mi: number, s: number): void {
  if (mo < 1 || mo > 12) throw badDate(text, `month ${mo} is not 1..12`);
  if (d < 1 || d > daysInMonth(y, mo)) throw badDate(text, `day ${d} does not exist in ${y}-${String(mo).padStart(2, '0')}`);
  if (h > 24 || (h === 24 && (mi > 0 || s > 0))) throw badDate(text, `hour ${h} is not 0..23`);
  if (mi > 59) throw badDate(text, `minute ${mi} is not 0..59`);
  if (s > 60) throw badDate(text, `second ${s} is not 0..59`);
}

/** The RFC 2822 family: tokens in any of the orders "DD Mon YYYY", "Mon DD YYYY", "Mon DD, YYYY",
 * an optional leading weekday, an optional "hh:mm[:ss]" and an optional zone. */
function parseTextDate(text: string, s: string): number {
  const tokens = s
    .replace(/,/g, ' ')
    .split(/\s+/)
    .filter((x) => x !== '');
  let month = 0;
  let day = -1;
  let year = -1;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let offset = 0;
  let sawTime = false;
  let sawZone = false;
  const numbers: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as string;
    const low = tok.toLowerCase().replace(/\.$/, '');
    if (i === 0 && WEEKDAYS.has(low)) continue;
    const mon = MONTHS[low];
    if (mon !== undefined && month === 0) {
      month = mon;
      continue;
    }
    const time = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(tok);
    if (time !== null && !sawTime) {
      sawTime = true;
      h = Number(time[1]);
      mi = Number(time[2]);
      sec = time[3] === undefined ? 0 : Number(time[3]);
      continue;
    }
    if (/^\d+$/.test(tok)) {
      numbers.push(tok);
      continue;
    }
    if (!sawZone) {
      const zm = /^(?:(ut|utc|gmt)|([a-z]{3}))?([+-]\d{1,2}(?::?\d{2})?)?$/i.exec(tok);
      if (zm !== null && (zm[1] !== undefined || zm[3] !== undefined || (zm[2] !== undefined && NAMED_ZONES[low] !== undefined))) {
        sawZone = true;
        if (zm[2] !== undefined) offset = (NAMED_ZONES[low] as number) * MS_HOUR;
        else if (zm[3] !== undefined) offset = numericZone(text, zm[3]);
        continue;
      }
      if (NAMED_ZONES[low] !== undefined) {
        sawZone = true;
        offset = (NAMED_ZONES[low] as number) * MS_HOUR;
        continue;
      }
    }
    throw badDate(text, `"${tok}" is not a day, month, year, time or time zone`);
  }
  if (month === 0) throw badDate(text, 'no month name');
  for (const n of numbers) {
    if (n.length >= 3 && year < 0) year = Number(n);
    else if (day < 0 && n.length <= 2) day = Number(n);
    else if (year < 0) year = Number(n);
    else throw badDate(text, `"${n}" is one number too many`);
  }
  if (day < 0) throw badDate(text, 'no day of the month');
  if (year < 0) throw badDate(text, 'no year');
  checkFields(text, year, month, day, h, mi, sec);
  return localFromFields(year, month, day, h, mi, sec) - offset;
}
