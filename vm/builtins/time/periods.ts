// Periods of a timeframe on a symbol's schedule: which period of "15", "240", "1D", "2D", "W", "3W",
// "M", "3M"... an instant belongs to, when that period opens and closes, and timeframe.change().
//
// Rules, each matching TradingView's bars as recorded in tests/fixtures/tradingview/timeframe:
// - Seconds and minutes count from the trading day's anchor (FX: 17:00 New York), so "240" bars
//   open at 17:00, 21:00, 01:00, ... and the grid restarts every trading day.
// - Days count trading days (the days of week the schedule trades on, holidays included) from the
//   first trading day of the calendar year: "2D" pairs the 1st and 2nd trading days of the year,
//   the 3rd and 4th, and so on; the last period of a year may be short.
// - Weeks start on Monday and count from the first Monday of the year; a week belongs to the year
//   of its Monday ("3W": weeks 0-2, 3-5, ... of each year).
// - Months count from January: "3M" periods are quarters.
// A trading day is dated by its session end (FX's Monday starts Sunday 17:00), and a multi-day
// period opens at the anchor of its first trading day and closes at the session end of its last.

import type { SymbolInfo, TimeframeInfo } from '../../core/runtime.js';
import { CIVIL, civilFromDays, daysFromCivil, dowOfDays, mondayOf, MS_DAY } from './calendar.js';
import { instantOnDate, locate, symbolSchedule, type Schedule, type SessionDay } from './session.js';

// ---------------------------------------------------------------------------------------------
// Trading-date arithmetic (epoch days)

/** Number of trading dates in [from, to). */
export function countTradingDates(s: Schedule, from: number, to: number): number {
  if (to <= from) return 0;
  const n = to - from;
  const full = Math.floor(n / 7);
  let c = full * s.count;
  for (let d = from + full * 7; d < to; d++) if (s.byDow[dowOfDays(d)] !== null) c++;
  return c;
}

/** The trading date with `p` trading dates before it, counting from `from`. */
function nthTradingDate(s: Schedule, from: number, p: number): number {
  const weeks = Math.floor(p / s.count);
  let r = p - weeks * s.count;
  let d = from + weeks * 7;
  for (;;) {
    if (s.byDow[dowOfDays(d)] !== null) {
      if (r === 0) return d;
      r--;
    }
    d++;
  }
}

export function firstTradingDateFrom(s: Schedule, date: number): number {
  let d = date;
  while (s.byDow[dowOfDays(d)] === null) d++;
  return d;
}

export function lastTradingDateBefore(s: Schedule, date: number): number {
  let d = date - 1;
  while (s.byDow[dowOfDays(d)] === null) d--;
  return d;
}

function jan1Of(date: number): number {
  civilFromDays(date);
  return daysFromCivil(CIVIL[0] as number, 1, 1);
}

/** First Monday on or after January 1 of `year`. */
function firstMonday(year: number): number {
  const jan1 = daysFromCivil(year, 1, 1);
  return jan1 + ((9 - dowOfDays(jan1)) % 7);
}

/** Epoch day on which the D/W/M period holding trading date `date` starts (it may be a
 * non-trading day: the 1st of a month, a Monday). */
export function periodStartDate(s: Schedule, info: TimeframeInfo, date: number): number {
  const n = info.multiplier;
  switch (info.unit) {
    case 'D': {
      if (n === 1) return date;
      const jan1 = jan1Of(date);
      const idx = countTradingDates(s, jan1, date);
      return nthTradingDate(s, jan1, Math.floor(idx / n) * n);
    }
    case 'W': {
      const mon = mondayOf(date);
      civilFromDays(mon);
      const first = firstMonday(CIVIL[0] as number);
      const wi = Math.floor((mon - first) / 7);
      return first + Math.floor(wi / n) * n * 7;
    }
    case 'M': {
      civilFromDays(date);
      const m = CIVIL[1] as number;
      return daysFromCivil(CIVIL[0] as number, Math.floor((m - 1) / n) * n + 1, 1);
    }
    default:
      return date;
  }
}

/** Epoch day on which the period after the one starting on `start` starts. */
export function nextPeriodStartDate(s: Schedule, info: TimeframeInfo, start: number): number {
  const n = info.multiplier;
  civilFromDays(start);
  const y = CIVIL[0] as number;
  const m = CIVIL[1] as number;
  switch (info.unit) {
    case 'D': {
      const jan1 = daysFromCivil(y, 1, 1);
      const nextJan1 = daysFromCivil(y + 1, 1, 1);
      const p = countTradingDates(s, jan1, start) + n;
      return p < countTradingDates(s, jan1, nextJan1) ? nthTradingDate(s, jan1, p) : nextJan1;
    }
    case 'W':
      return Math.min(start + 7 * n, firstMonday(y + 1));
    case 'M': {
      const next = m + n;
      return next > 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, next, 1);
    }
    default:
      return start + 1;
  }
}

function dayOf(s: Schedule, date: number): SessionDay {
  const d = s.byDow[dowOfDays(date)];
  if (d === null || d === undefined) throw new Error(`internal: ${date} is not a trading date`);
  return d;
}

/** Opening instant of the trading day dated `date`. */
export function anchorOf(s: Schedule, date: number): number {
  const d = dayOf(s, date);
  return instantOnDate(s, d, date, d.anchor);
}

/** Session end instant of the trading day dated `date`. */
export function sessionEndOf(s: Schedule, date: number): number {
  const d = dayOf(s, date);
  return instantOnDate(s, d, date, d.end);
}

/** Fills the schedule's memo with the D/W/M period holding trading date `date`. */
function multiDay(s: Schedule, info: TimeframeInfo, date: number): Schedule['memo'] {
  const memo = s.memo;
  if (memo.date === date && memo.unit === info.unit && memo.mult === info.multiplier) return memo;
  const startDate = periodStartDate(s, info, date);
  const nextDate = nextPeriodStartDate(s, info, startDate);
  memo.unit = info.unit;
  memo.mult = info.multiplier;
  memo.date = date;
  memo.startDate = startDate;
  memo.nextDate = nextDate;
  memo.start = anchorOf(s, firstTradingDateFrom(s, startDate));
  memo.end = sessionEndOf(s, lastTradingDateBefore(s, nextDate));
  return memo;
}

function periodMs(info: TimeframeInfo): number {
  return info.unit === 'S' ? info.multiplier * 1000 : info.multiplier * 60_000;
}

// ---------------------------------------------------------------------------------------------
// Public period queries. `t` is an instant (ms UTC); NaN in, NaN out. Tick timeframes have no
// periods in time and give NaN.

/** A number identifying the period of `info` that holds `t`: equal for instants in the same
 * period, different otherwise (the period's opening instant for seconds/minutes, its start date
 * for D/W/M). Cheap: this is what timeframe.change() compares bar to bar. */
export function periodKey(s: Schedule, info: TimeframeInfo, t: number): number {
  if (Number.isNaN(t) || info.unit === 'T') return Number.NaN;
  const c = locate(s, t);
  if (info.unit === 'S' || info.unit === '') {
    const p = periodMs(info);
    return c.anchor + Math.floor((t - c.anchor) / p) * p;
  }
  if (info.unit === 'D' && info.multiplier === 1) return c.date;
  return multiDay(s, info, c.date).startDate;
}

/** Opening instant of the period of `info` that holds `t` (time(timeframe)). */
export function periodStart(s: Schedule, info: TimeframeInfo, t: number): number {
  if (Number.isNaN(t) || info.unit === 'T') return Number.NaN;
  const c = locate(s, t);
  if (info.unit === 'S' || info.unit === '') {
    const p = periodMs(info);
    return c.anchor + Math.floor((t - c.anchor) / p) * p;
  }
  if (info.unit === 'D' && info.multiplier === 1) return c.anchor;
  return multiDay(s, info, c.date).start;
}

/** Closing instant of the period of `info` that holds `t` (time_close(timeframe)): the next
 * grid point, or the session end when that comes first; for D/W/M the session end of the last
 * trading day of the period. */
export function periodEnd(s: Schedule, info: TimeframeInfo, t: number): number {
  if (Number.isNaN(t) || info.unit === 'T') return Number.NaN;
  const c = locate(s, t);
  if (info.unit === 'S' || info.unit === '') {
    const p = periodMs(info);
    const next = c.anchor + (Math.floor((t - c.anchor) / p) + 1) * p;
    return t < c.end && next > c.end ? c.end : next;
  }
  if (info.unit === 'D' && info.multiplier === 1) return c.end;
  return multiDay(s, info, c.date).end;
}

/** time_tradingday: 00:00 UTC of the trading day of `t`; for D/W/M bars, of the last trading day
 * in the bar's period. */
export function tradingDayTime(s: Schedule, info: TimeframeInfo, t: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  const c = locate(s, t);
  if (info.unit === 'S' || info.unit === '' || info.unit === 'T' || (info.unit === 'D' && info.multiplier === 1)) {
    return c.date * MS_DAY;
  }
  const memo = multiDay(s, info, c.date);
  return lastTradingDateBefore(s, memo.nextDate) * MS_DAY;
}

/** Moves `t` by `n` periods of `info` (negative: back) along the schedule, skipping the time
 * between sessions; returns the opening instant of the period reached. Used for the bars_back
 * arguments of time() and time_close(), which count expected bars, not loaded ones. */
export function shiftPeriods(s: Schedule, info: TimeframeInfo, t: number, n: number): number {
  let p = periodStart(s, info, t);
  for (let k = 0; k < n && !Number.isNaN(p); k++) p = nextPeriod(s, info, p);
  for (let k = 0; k > n && !Number.isNaN(p); k--) p = previousPeriod(s, info, p);
  return p;
}

/** Opening instant of the first period after the one opening at `p` that overlaps a session. */
function nextPeriod(s: Schedule, info: TimeframeInfo, p: number): number {
  let x = periodEnd(s, info, p);
  // Each step moves to a later trading day; a week of closed days takes at most 8 steps.
  for (let guard = 0; guard < 16; guard++) {
    const c = locate(s, x);
    if (x >= c.end) x = c.hi;
    else return periodStart(s, info, x < c.start ? c.start : x);
  }
  return Number.NaN;
}

/** Opening instant of the last period before the one opening at `p` that overlaps a session. */
function previousPeriod(s: Schedule, info: TimeframeInfo, p: number): number {
  let x = p - 1;
  for (let guard = 0; guard < 16; guard++) {
    const c = locate(s, x);
    if (x < c.start) x = c.lo - 1;
    else return periodStart(s, info, x >= c.end ? c.end - 1 : x);
  }
  return Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// timeframe.change()

/** State of one timeframe.change() call site: the period key committed by earlier bars and the
 * key of the current bar (replaced, not added, when the call runs again in the same bar). */
export interface ChangeState {
  bar: number;
  prev: number;
  cur: number;
}

export function newChangeState(): ChangeState {
  return { bar: -1, prev: Number.NaN, cur: Number.NaN };
}

/** True when `key` differs from the key of the previous bar this call ran on; false on its first
 * bar (as TradingView: timeframe.csv's first row is all zeros). */
export function changeStep(st: ChangeState, bar: number, key: number): boolean {
  if (bar !== st.bar) {
    if (!Number.isNaN(st.cur)) st.prev = st.cur;
    st.bar = bar;
  }
  st.cur = key;
  return !Number.isNaN(st.prev) && !Number.isNaN(key) && key !== st.prev;
}

/** Close time of a bar of timeframe `info` opening at `t` on `sym` (for the instance's
 * time_close register): the next period boundary, cut at the session end (a stock's 15:30 hourly
 * bar closes at 16:00); for D/W/M bars the session end of the period's last trading day. NaN for
 * tick bars. Throws a TimeError when the symbol's zone or schedule is invalid. */
export function barCloseTime(sym: SymbolInfo, info: TimeframeInfo, t: number): number {
  return periodEnd(symbolSchedule(sym), info, t);
}

/** time_tradingday of a bar of timeframe `info` opening at `t` on `sym`. */
export function barTradingDay(sym: SymbolInfo, info: TimeframeInfo, t: number): number {
  return tradingDayTime(symbolSchedule(sym), info, t);
}
