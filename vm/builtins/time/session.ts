// Trading sessions: a symbol's weekly schedule (from its opening hours and session starts/ends, or
// from a session string like "0930-1600:23456", "1700-1700", "24x7"), the trading day any instant
// belongs to, and the session.* flags.
//
// A Schedule is one week of trading days in the symbol's zone, in "week ms": ms after Sunday 00:00
// local time. Each trading day has
//   start, end   its session (first and last market instant); `end` lies on the trading day itself,
//                so an overnight session (FX: Sunday 17:00 → Monday 17:00) starts the day before,
//   market       the market hours inside [start, end) (a break splits them),
//   anchor       where its intraday periods start counting: the session start, or, when the session
//                follows the previous one after a break shorter than 15 minutes, the previous end
//                rounded up to the minute (FX sessions end 16:59:50 and restart 17:05, and
//                TradingView's 4-hour bars run 17:00, 21:00, ... — as in timeframe.csv),
//   segStart     where the time that belongs to this trading day begins: the anchor after a short
//                break, otherwise the later of the previous end and the local midnight before the
//                start (so pre-market and midnight-stamped daily bars join the coming day, and
//                post-market bars stay with the day they follow).
// The segments tile the week, so every instant has exactly one trading day.
//
// Session strings: "HHMM-HHMM[,HHMM-HHMM...][:days]", parts joined by "|" (a later part replaces
// an earlier one on the days it names), days as digits 1 (Sunday) ... 7 (Saturday). Ranges are
// chronological; one that ends at or before its start runs past midnight, and the session named by
// a day ends on that day ("1700-1600:23456": Monday's session starts Sunday 17:00). "24x7" is every
// day 00:00-24:00. Days default to all seven for Pine's time() (as the reference says) and to
// Monday-Friday for a symbol's own session string (TradingView's symbol convention).

import type { SymbolInfo, WeeklyRange, WeeklyTime } from '../../core/runtime.js';
import { dowOfDays, MS_DAY, MS_MINUTE, MS_SECOND } from './calendar.js';
import { TIME_ERROR, TimeError } from './errors.js';
import { fromLocal, offsetAt, zoneOf, type Zone } from './tz.js';

export const MS_WEEK = 7 * MS_DAY;
/** Local ms of Sunday 1970-01-04 00:00, the origin of week numbering. */
const SUNDAY0 = 3 * MS_DAY;
/** A break shorter than this between two sessions does not end the trading day's time. */
const SHORT_BREAK = 15 * MS_MINUTE;

export const ALL_DAYS = '1234567';
export const WEEKDAYS = '23456';

export interface SessionDay {
  /** Pine day of week of the trading day. */
  dow: number;
  segStart: number;
  segEnd: number;
  anchor: number;
  start: number;
  end: number;
  /** Market hours as [start0, end0, start1, end1, ...], sorted, inside [start, end). */
  market: number[];
}

/** Where an instant sits: its trading day, in UTC ms (and the trading date in epoch days). A
 * schedule owns one and returns it from locate(); read it before the next locate() call. */
export interface DayCursor {
  valid: boolean;
  /** [lo, hi): the instants that belong to this trading day. */
  lo: number;
  hi: number;
  anchor: number;
  start: number;
  end: number;
  market: number[];
  /** Epoch day of the trading date. */
  date: number;
  day: SessionDay;
}

export interface Schedule {
  zone: Zone;
  /** Trading days of one week, sorted by segStart; segStart of the first may be negative. */
  days: SessionDay[];
  /** byDow[d] for Pine day d: its trading day, or null. Index 0 unused. */
  byDow: (SessionDay | null)[];
  /** Number of trading days in a week. */
  count: number;
  cursor: DayCursor;
  /** Memo of the last multi-day period asked for (see periods.ts). */
  memo: PeriodMemo;
}

export interface PeriodMemo {
  unit: string;
  mult: number;
  date: number;
  start: number;
  end: number;
  startDate: number;
  nextDate: number;
}

function sessionError(what: string, why: string): TimeError {
  return new TimeError(TIME_ERROR.session, `${what}: ${why}.`);
}

// ---------------------------------------------------------------------------------------------
// Building a schedule

interface RawDay {
  dow: number;
  start: number;
  end: number;
  market: number[];
}

/** Sorts, merges and links raw trading days into a Schedule. */
function buildSchedule(zone: Zone, raw: RawDay[], what: string): Schedule {
  if (raw.length === 0) throw sessionError(what, 'no trading days');
  // One trading day per day of week: merge days named alike.
  const byDowRaw = new Map<number, RawDay>();
  for (const r of raw) {
    const prev = byDowRaw.get(r.dow);
    if (prev === undefined) byDowRaw.set(r.dow, { ...r, market: r.market.slice() });
    else {
      prev.start = Math.min(prev.start, r.start);
      prev.end = Math.max(prev.end, r.end);
      prev.market = mergeIntervals(prev.market.concat(r.market));
    }
  }
  const list = [...byDowRaw.values()].sort((a, b) => a.start - b.start);
  const n = list.length;
  const days: SessionDay[] = list.map((r) => ({
    dow: r.dow,
    segStart: 0,
    segEnd: 0,
    anchor: r.start,
    start: r.start,
    end: r.end,
    market: mergeIntervals(r.market),
  }));
  for (let i = 0; i < n; i++) {
    const d = days[i] as SessionDay;
    const prev = days[(i + n - 1) % n] as SessionDay;
    const prevEnd = i === 0 ? prev.end - MS_WEEK : prev.end;
    const gap = d.start - prevEnd;
    if (gap <= 0) {
      d.anchor = d.start;
      d.segStart = d.start;
    } else if (gap < SHORT_BREAK) {
      d.anchor = Math.min(d.start, Math.ceil(prevEnd / MS_MINUTE) * MS_MINUTE);
      d.segStart = d.anchor;
    } else {
      d.anchor = d.start;
      d.segStart = Math.max(prevEnd, Math.floor(d.start / MS_DAY) * MS_DAY);
    }
  }
  days.sort((a, b) => a.segStart - b.segStart);
  for (let i = 0; i < n; i++) {
    const d = days[i] as SessionDay;
    d.segEnd = i + 1 < n ? (days[i + 1] as SessionDay).segStart : (days[0] as SessionDay).segStart + MS_WEEK;
  }
  const byDow: (SessionDay | null)[] = [null, null, null, null, null, null, null, null];
  for (const d of days) byDow[d.dow] = d;
  return {
    zone,
    days,
    byDow,
    count: n,
    cursor: {
      valid: false,
      lo: 0,
      hi: 0,
      anchor: 0,
      start: 0,
      end: 0,
      market: [],
      date: 0,
      day: days[0] as SessionDay,
    },
    memo: { unit: '', mult: 0, date: Number.NaN, start: 0, end: 0, startDate: 0, nextDate: 0 },
  };
}

/** Union of [a, b) intervals given as a flat list; result sorted and disjoint. */
function mergeIntervals(flat: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as number, flat[i + 1] as number]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    if (b <= a) continue;
    const last = out.length - 1;
    if (last > 0 && a <= (out[last] as number)) out[last] = Math.max(out[last] as number, b);
    else out.push(a, b);
  }
  return out;
}

/** The trading day named by an end in week ms (0, WEEK]. */
function dowOfEnd(end: number): number {
  return Math.floor((end - 1) / MS_DAY) + 1;
}

function clockText(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}${s > 0 ? `:${String(s).padStart(2, '0')}` : ''}`;
}

const DAY_NAMES = ['', 'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function checkWeekly(what: string, day: number, secs: number[]): void {
  if (!Number.isInteger(day) || day < 1 || day > 7) throw sessionError(what, `day ${day} is not 1 (Sunday) .. 7 (Saturday)`);
  for (const s of secs) {
    if (!Number.isFinite(s) || s < 0 || s > 86_400) throw sessionError(what, `${s} is not a time of day in seconds (0..86400)`);
  }
}

/** Schedule from structured opening hours and session starts/ends (a symbol file). */
export function scheduleFromHours(
  zone: Zone,
  openingHours: readonly WeeklyRange[],
  starts: readonly WeeklyTime[] | undefined,
  ends: readonly WeeklyTime[] | undefined,
): Schedule {
  const what = 'Symbol schedule';
  // Market hours over one week, unrolled to three weeks so sessions crossing the week's edge see them.
  const week: number[] = [];
  for (const r of openingHours) {
    checkWeekly(what, r.day, [r.start, r.end]);
    const a = (r.day - 1) * MS_DAY + r.start * MS_SECOND;
    let b = (r.day - 1) * MS_DAY + r.end * MS_SECOND;
    if (b <= a) b += MS_DAY;
    week.push(a, b);
  }
  const unrolled: number[] = [];
  for (const shift of [-MS_WEEK, 0, MS_WEEK]) for (const x of week) unrolled.push(x + shift);
  const market = mergeIntervals(unrolled);
  const clip = (a: number, b: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i + 1 < market.length; i += 2) {
      const s = Math.max(a, market[i] as number);
      const e = Math.min(b, market[i + 1] as number);
      if (e > s) out.push(s, e);
    }
    return out;
  };
  const raw: RawDay[] = [];
  if (starts !== undefined && ends !== undefined && starts.length > 0 && ends.length > 0) {
    interface Ev { t: number; isEnd: boolean }
    const evs: Ev[] = [];
    for (const s of starts) {
      checkWeekly(what, s.day, [s.time]);
      evs.push({ t: (s.day - 1) * MS_DAY + (s.time % 86_400) * MS_SECOND, isEnd: false });
    }
    for (const e of ends) {
      checkWeekly(what, e.day, [e.time]);
      evs.push({ t: (e.day - 1) * MS_DAY + (e.time === 0 ? 86_400 : e.time) * MS_SECOND, isEnd: true });
    }
    // Ends first at equal times: a session ending at midnight precedes one starting then.
    evs.sort((x, y) => x.t - y.t || (x.isEnd === y.isEnd ? 0 : x.isEnd ? -1 : 1));
    const first = evs.findIndex((e) => e.isEnd);
    let pending = Number.NaN;
    for (let j = 1; j <= evs.length; j++) {
      const k = (first + j) % evs.length;
      const ev = evs[k] as Ev;
      const t = ev.t + (first + j >= evs.length ? MS_WEEK : 0);
      if (!ev.isEnd) {
        if (!Number.isNaN(pending)) {
          throw sessionError(what, `two session starts (${describe(pending)} and ${describe(t)}) without an end between them`);
        }
        pending = t;
      } else {
        if (Number.isNaN(pending)) throw sessionError(what, `the session end ${describe(t)} has no start before it`);
        let s = pending;
        let e = t;
        while (e > MS_WEEK) {
          s -= MS_WEEK;
          e -= MS_WEEK;
        }
        raw.push({ dow: dowOfEnd(e), start: s, end: e, market: openingHours.length > 0 ? clip(s, e) : [s, e] });
        pending = Number.NaN;
      }
    }
  } else if (starts !== undefined && starts.length > 0) {
    throw sessionError(what, 'session starts are given without session ends');
  } else if (ends !== undefined && ends.length > 0) {
    throw sessionError(what, 'session ends are given without session starts');
  } else {
    // Opening hours only: each calendar day's hours form that day's session.
    for (let d = 1; d <= 7; d++) {
      const m = clip((d - 1) * MS_DAY, d * MS_DAY);
      if (m.length > 0) raw.push({ dow: d, start: m[0] as number, end: m[m.length - 1] as number, market: m });
    }
  }
  for (const r of raw) {
    if (r.market.length === 0) {
      throw sessionError(what, `the session ending ${describe(r.end)} has no opening hours`);
    }
  }
  return buildSchedule(zone, raw, what);
}

function describe(weekMs: number): string {
  const w = ((weekMs % MS_WEEK) + MS_WEEK) % MS_WEEK;
  const d = Math.floor(w / MS_DAY) + 1;
  return `${DAY_NAMES[d] ?? '?'} ${clockText(Math.round((w % MS_DAY) / MS_SECOND))}`;
}

/** Schedule from a session string; `defaultDays` applies to parts without ":days". */
export function scheduleFromString(zone: Zone, spec: string, defaultDays: string): Schedule {
  const what = `Session "${spec}"`;
  const text = spec.trim();
  const perDay = new Map<number, number[]>();
  if (text.toLowerCase() === '24x7') {
    for (let d = 1; d <= 7; d++) perDay.set(d, [0, MS_DAY]);
  } else {
    if (text === '') throw sessionError(what, 'the string is empty');
    for (const partRaw of text.split('|')) {
      const part = partRaw.trim();
      const colon = part.lastIndexOf(':');
      const rangesText = colon >= 0 ? part.slice(0, colon) : part;
      const daysText = colon >= 0 ? part.slice(colon + 1).trim() : defaultDays;
      if (!/^[1-7]+$/.test(daysText)) {
        throw sessionError(what, `"${daysText}" is not a list of days (digits 1 = Sunday .. 7 = Saturday)`);
      }
      const ranges: number[] = [];
      for (const r of rangesText.split(',')) {
        const m = /^\s*(\d{2})(\d{2})\s*-\s*(\d{2})(\d{2})\s*$/.exec(r);
        if (m === null) throw sessionError(what, `"${r.trim()}" is not a time range like "0930-1600"`);
        const h1 = Number(m[1]);
        const m1 = Number(m[2]);
        const h2 = Number(m[3]);
        const m2 = Number(m[4]);
        if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59 || (h1 === 24 && m1 > 0) || (h2 === 24 && m2 > 0)) {
          throw sessionError(what, `"${r.trim()}" has a time outside 0000..2400`);
        }
        ranges.push(h1 * 3_600_000 + m1 * MS_MINUTE, h2 * 3_600_000 + m2 * MS_MINUTE);
      }
      const unrolled = unrollRanges(ranges);
      for (const ch of daysText) perDay.set(Number(ch), unrolled);
    }
  }
  const raw: RawDay[] = [];
  for (const [dow, ranges] of perDay) {
    const base = (dow - 1) * MS_DAY;
    const market = ranges.map((x) => x + base);
    raw.push({ dow, start: market[0] as number, end: market[market.length - 1] as number, market });
  }
  return buildSchedule(zone, raw, what);
}

/** Lays ranges (ms after midnight) out in time order, each starting after the previous ends and
 * each ending after it starts, then shifts them so the last ends within (0, 24h]. */
function unrollRanges(ranges: number[]): number[] {
  const out: number[] = [];
  let shift = 0;
  let prevEnd = Number.NEGATIVE_INFINITY;
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    let a = (ranges[i] as number) + shift;
    if (a < prevEnd) {
      shift += MS_DAY;
      a += MS_DAY;
    }
    let b = (ranges[i + 1] as number) + shift;
    if (b <= a) {
      shift += MS_DAY;
      b += MS_DAY;
    }
    out.push(a, b);
    prevEnd = b;
  }
  const last = out[out.length - 1] as number;
  const back = (Math.ceil(last / MS_DAY) - 1) * MS_DAY;
  return out.map((x) => x - back);
}

// ---------------------------------------------------------------------------------------------
// Schedules of symbols and of session strings (memoised; the inputs are immutable values).

const SYMBOL_SCHEDULES = new WeakMap<SymbolInfo, Schedule>();
const STRING_SCHEDULES = new Map<string, Schedule>();
const MAX_STRING_SCHEDULES = 256;

/** The schedule of a symbol: its opening hours when given, else its session string (days
 * Monday-Friday unless named, "24x7" for every day). Throws a TimeError for a bad schedule. */
export function symbolSchedule(sym: SymbolInfo): Schedule {
  let s = SYMBOL_SCHEDULES.get(sym);
  if (s === undefined) {
    const zone = zoneOf(sym.timezone);
    s =
      sym.openingHours !== undefined && sym.openingHours.length > 0
        ? scheduleFromHours(zone, sym.openingHours, sym.sessionStarts, sym.sessionEnds)
        : scheduleFromString(zone, sym.session === '' ? '24x7' : sym.session, WEEKDAYS);
    SYMBOL_SCHEDULES.set(sym, s);
  }
  return s;
}

/** The schedule of a session string as Pine's time() reads it (days default to all seven). */
export function sessionSchedule(spec: string, timezone: string): Schedule {
  const key = `${timezone}\u0000${spec}`;
  let s = STRING_SCHEDULES.get(key);
  if (s === undefined) {
    s = scheduleFromString(zoneOf(timezone), spec, ALL_DAYS);
    if (STRING_SCHEDULES.size >= MAX_STRING_SCHEDULES) STRING_SCHEDULES.clear();
    STRING_SCHEDULES.set(key, s);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Locating instants

/** The trading day of the instant `t` (ms UTC). Returns the schedule's cursor. */
export function locate(s: Schedule, t: number): DayCursor {
  const c = s.cursor;
  if (c.valid && t >= c.lo && t < c.hi) return c;
  const zone = s.zone;
  const local = t + offsetAt(zone, t);
  let base = Math.floor((local - SUNDAY0) / MS_WEEK) * MS_WEEK + SUNDAY0;
  let w = local - base;
  const days = s.days;
  const first = (days[0] as SessionDay).segStart;
  if (w < first) {
    w += MS_WEEK;
    base -= MS_WEEK;
  } else if (w >= first + MS_WEEK) {
    w -= MS_WEEK;
    base += MS_WEEK;
  }
  let i = days.length - 1;
  while (i > 0 && (days[i] as SessionDay).segStart > w) i--;
  const d = days[i] as SessionDay;
  c.day = d;
  c.date = Math.floor(base / MS_DAY) + d.dow - 1;
  c.lo = fromLocal(zone, base + d.segStart);
  c.hi = fromLocal(zone, base + d.segEnd);
  c.anchor = fromLocal(zone, base + d.anchor);
  c.start = fromLocal(zone, base + d.start);
  c.end = fromLocal(zone, base + d.end);
  const m = d.market;
  if (c.market.length !== m.length) c.market = new Array<number>(m.length);
  for (let k = 0; k < m.length; k++) c.market[k] = fromLocal(zone, base + (m[k] as number));
  // A DST jump can make the local segment miss `t` by the jump; never cache a cursor that does.
  c.valid = t >= c.lo && t < c.hi;
  return c;
}

/** The instant of a week-ms value of the trading day `d` on trading date `date`. */
export function instantOnDate(s: Schedule, d: SessionDay, date: number, weekMs: number): number {
  const local = date * MS_DAY + (weekMs - (d.dow - 1) * MS_DAY);
  return fromLocal(s.zone, local);
}

// ---------------------------------------------------------------------------------------------
// session.* flags. `t` is the bar's open time, `tc` its close time (ms UTC).

/** The bar [t, tc) overlaps the market hours of its trading day (session.ismarket). */
export function isMarket(s: Schedule, t: number, tc: number): boolean {
  if (Number.isNaN(t)) return false;
  const c = locate(s, t);
  const end = Number.isNaN(tc) || tc <= t ? t + 1 : tc;
  const m = c.market;
  for (let k = 0; k + 1 < m.length; k += 2) {
    if (t < (m[k + 1] as number) && end > (m[k] as number)) return true;
  }
  return false;
}

/** The bar opens before its trading day's market hours and does not reach them. */
export function isPreMarket(s: Schedule, t: number, tc: number): boolean {
  if (Number.isNaN(t) || isMarket(s, t, tc)) return false;
  return t < locate(s, t).start;
}

/** The bar opens after its trading day's market hours ended. */
export function isPostMarket(s: Schedule, t: number, tc: number): boolean {
  if (Number.isNaN(t) || isMarket(s, t, tc)) return false;
  return t >= locate(s, t).end;
}

/** The bar opens inside its trading day's session and closes at or after the session's end
 * (session.islastbar): decided from time alone, as it must be on a realtime bar. */
export function isLastBar(s: Schedule, t: number, tc: number): boolean {
  if (Number.isNaN(t) || Number.isNaN(tc)) return false;
  const c = locate(s, t);
  return t < c.end && tc >= c.end;
}

/** The bar opens at or before its trading day's first market instant and closes after it. Used for
 * the first bar of the data, which has no previous bar to compare trading days with. */
export function containsSessionStart(s: Schedule, t: number, tc: number): boolean {
  if (Number.isNaN(t)) return false;
  const c = locate(s, t);
  return t <= c.start && (Number.isNaN(tc) || tc > c.start);
}

/** Trading date (epoch days) of the instant `t`. */
export function tradingDate(s: Schedule, t: number): number {
  return locate(s, t).date;
}

/** State of session.isfirstbar / isfirstbar_regular at one call site: the trading date of the
 * last bar (of the last market bar, for the regular variant) before the current one. */
export interface FirstBarState {
  bar: number;
  /** Trading date committed by earlier bars; NaN before any. */
  prev: number;
  /** This bar's candidate to commit. */
  cur: number;
}

export function newFirstBarState(): FirstBarState {
  return { bar: -1, prev: Number.NaN, cur: Number.NaN };
}

/** session.isfirstbar: the first bar of a new trading day. `regular`: only market bars count. */
export function firstBarStep(st: FirstBarState, bar: number, s: Schedule, t: number, tc: number, regular: boolean): boolean {
  if (bar !== st.bar) {
    if (!Number.isNaN(st.cur)) st.prev = st.cur;
    st.bar = bar;
  }
  if (Number.isNaN(t)) {
    st.cur = Number.NaN;
    return false;
  }
  if (regular && !isMarket(s, t, tc)) {
    st.cur = Number.NaN;
    return false;
  }
  const date = locate(s, t).date;
  st.cur = date;
  if (Number.isNaN(st.prev)) return containsSessionStart(s, t, tc);
  return date !== st.prev;
}

/** The instant `t` lies inside market hours (how time(timeframe, session) tests a bar's open time
 * against a session string). */
export function isOpenAt(s: Schedule, t: number): boolean {
  if (Number.isNaN(t)) return false;
  const m = locate(s, t).market;
  for (let k = 0; k + 1 < m.length; k += 2) {
    if (t >= (m[k] as number) && t < (m[k + 1] as number)) return true;
  }
  return false;
}
