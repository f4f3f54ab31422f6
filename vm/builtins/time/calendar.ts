// Calendar arithmetic on the proleptic Gregorian calendar, and Pine's calendar fields (year, month,
// weekofyear, dayofmonth, dayofweek, hour, minute, second) of an instant in a time zone.
//
// Dates are counted in whole days since 1970-01-01 ("epoch days"); a wall-clock time is "local ms":
// the instant's ms plus the zone's offset, so local ms / 86_400_000 floors to the local epoch day.
// Pine numbers the days of the week Sunday = 1 ... Saturday = 7, and weekofyear follows ISO 8601
// (weeks start on Monday; week 1 holds the year's first Thursday), which is what TradingView shows:
// Sunday 2024-12-29 is week 52, Monday 2024-12-30 is week 1.

import { offsetAt, type Zone } from './tz.js';

export const MS_SECOND = 1000;
export const MS_MINUTE = 60_000;
export const MS_HOUR = 3_600_000;
export const MS_DAY = 86_400_000;

/** Pine's dayofweek.* values. */
export const DAY_OF_WEEK = {
  sunday: 1,
  monday: 2,
  tuesday: 3,
  wednesday: 4,
  thursday: 5,
  friday: 6,
  saturday: 7,
} as const;

/** Epoch day of a date; `month` 1..12 and `day` 1..31 (a day past the month's end rolls over). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Scratch output of civilFromDays: [year, month, day]. Read it right after the call. */
export const CIVIL = new Int32Array(3);

let civilDays = Number.NaN;

/** Writes the year, month (1..12) and day (1..31) of an epoch day to CIVIL. Consecutive bars
 * mostly ask about the same day, so the last answer is kept. */
export function civilFromDays(days: number): void {
  if (days === civilDays) return;
  civilDays = days;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  CIVIL[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  CIVIL[1] = m;
  CIVIL[2] = d;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Pine day of week (Sunday = 1 ... Saturday = 7) of an epoch day (1970-01-01 was a Thursday). */
export function dowOfDays(days: number): number {
  return ((((days + 4) % 7) + 7) % 7) + 1;
}

/** Epoch day of the Monday starting the ISO week that holds `days`. */
export function mondayOf(days: number): number {
  return days - ((((days + 3) % 7) + 7) % 7);
}

let weekDays = Number.NaN;
let weekNumber = 0;

/** ISO 8601 week number (1..53) of an epoch day. */
export function isoWeekOfDays(days: number): number {
  if (days === weekDays) return weekNumber;
  const thursday = mondayOf(days) + 3;
  civilFromDays(thursday);
  const jan1 = daysFromCivil(CIVIL[0] as number, 1, 1);
  weekDays = days;
  weekNumber = Math.floor((thursday - jan1) / 7) + 1;
  return weekNumber;
}

// ---------------------------------------------------------------------------------------------
// Calendar fields of an instant in a zone. NaN in, NaN out.

function localMs(t: number, z: Zone): number {
  return t + offsetAt(z, t);
}

/** Local epoch day of `t`; NaN when `t` is na or out of Date's range. */
function localDays(t: number, z: Zone): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.floor(localMs(t, z) / MS_DAY);
}

export function yearOf(t: number, z: Zone): number {
  const days = localDays(t, z);
  if (Number.isNaN(days)) return Number.NaN;
  civilFromDays(days);
  return CIVIL[0] as number;
}

export function monthOf(t: number, z: Zone): number {
  const days = localDays(t, z);
  if (Number.isNaN(days)) return Number.NaN;
  civilFromDays(days);
  return CIVIL[1] as number;
}

export function dayOfMonthOf(t: number, z: Zone): number {
  const days = localDays(t, z);
  if (Number.isNaN(days)) return Number.NaN;
  civilFromDays(days);
  return CIVIL[2] as number;
}

export function dayOfWeekOf(t: number, z: Zone): number {
  return dowOfDays(localDays(t, z));
}

export function weekOfYearOf(t: number, z: Zone): number {
  const days = localDays(t, z);
  return Number.isNaN(days) ? Number.NaN : isoWeekOfDays(days);
}

function msOfDay(t: number, z: Zone): number {
  const l = localMs(t, z);
  return l - Math.floor(l / MS_DAY) * MS_DAY;
}

export function hourOf(t: number, z: Zone): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.floor(msOfDay(t, z) / MS_HOUR);
}

export function minuteOf(t: number, z: Zone): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.floor((msOfDay(t, z) % MS_HOUR) / MS_MINUTE);
}

export function secondOf(t: number, z: Zone): number {
  if (Number.isNaN(t)) return Number.NaN;
  return Math.floor((msOfDay(t, z) % MS_MINUTE) / MS_SECOND);
}

/** The calendar fields by Pine name, for the registry. */
export const CALENDAR_FIELDS = {
  year: yearOf,
  month: monthOf,
  weekofyear: weekOfYearOf,
  dayofmonth: dayOfMonthOf,
  dayofweek: dayOfWeekOf,
  hour: hourOf,
  minute: minuteOf,
  second: secondOf,
} as const;
