// The CSV loader's checks after the rows: the day/month order of slash dates, MetaTrader's tick
// volume choice, the unit of unix times, strict time order (newest first is reversed), and the
// one-line warnings about inconsistent prices. See csv.ts for the rules.

import { sliceBars, truncateBars, reverseBars, type BarColumns } from './bars.js';
import { type Reporter, quote } from './csv-error.js';
import type { CsvHeader } from './csv-header.js';
import type { CsvRows } from './csv-rows.js';
import { formatTime } from './scan-time.js';

// The times a bar may have: 1700-01-01 up to (not including) 2200-01-01, UTC. Wider than any market
// data (exchange-traded prices start in the 1790s) and any bar a chart draws ahead; a time outside
// is a file's mistake (a unit misread, a digit too many, a sign) that would draw a wrong chart.
export const MIN_BAR_TIME = Date.UTC(1700, 0, 1);
export const MAX_BAR_TIME = Date.UTC(2200, 0, 1);
const RANGE_TEXT = 'outside the years 1700 to 2199 that bar times may have';

/** A unix number's unit read alone (ms per unit), by magnitude: < 1e11 seconds, < 1e14 ms, < 1e17 µs,
 * else ns. */
function unitOf(abs: number): number {
  return abs < 1e11 ? 1000 : abs < 1e14 ? 1 : abs < 1e17 ? 1e-3 : 1e-6;
}

function unitName(toMs: number): string {
  return toMs === 1000 ? 'seconds' : toMs === 1 ? 'milliseconds' : toMs === 1e-3 ? 'microseconds' : 'nanoseconds';
}

/** True for an integer that reads as a YYYYMMDD date between 1900 and 2100. */
function looksLikeCompactDate(v: number): boolean {
  if (!Number.isInteger(v) || v < 19000101 || v > 21001231) return false;
  const month = Math.floor(v / 100) % 100;
  const day = v % 100;
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Slash dates: one order for the whole file, decided only by a row that fits one reading. */
export function decideSlashOrder(h: CsvHeader, r: CsvRows, report: Reporter): void {
  if (r.dayFirstTime === null) return;
  const dateName = h.shown[r.dateCol] ?? '';
  const { dayFirstLine, monthFirstLine } = r;
  if (dayFirstLine > 0 && monthFirstLine > 0) {
    const later = Math.max(dayFirstLine, monthFirstLine);
    const earlier = Math.min(dayFirstLine, monthFirstLine);
    report.fail(later, dateName, `this date reads only ${later === dayFirstLine ? 'day first (DD/MM/YYYY)' : 'month first (MM/DD/YYYY)'}, but line ${earlier}'s reads only ${later === dayFirstLine ? 'month first' : 'day first'}: write dates as YYYY-MM-DD`);
  }
  if (dayFirstLine === 0 && monthFirstLine === 0) {
    report.fail(r.rowLine[0] ?? 0, dateName, `day/month order is ambiguous: write dates as YYYY-MM-DD, got ${quote(r.firstDateCell)}`);
  }
  const dayFirst = dayFirstLine > 0;
  if (dayFirst) r.bars.time.set(r.dayFirstTime.subarray(0, r.n));
  report.warn(dayFirst ? dayFirstLine : monthFirstLine, `slash dates read ${dayFirst ? 'day first (DD/MM/YYYY)' : 'month first (MM/DD/YYYY)'}, as this row's date only reads that way`);
}

/** MetaTrader: <VOL> is the real volume and is 0 for most forex and CFD symbols, where <TICKVOL>
 * (the number of price changes) is what charting tools show. One column for the whole file. */
export function chooseVolume(h: CsvHeader, r: CsvRows, report: Reporter): void {
  if (r.tickVolume === null) return;
  if (h.volumeCol >= 0 && r.volumeNonZero) return;
  r.bars.volume.set(r.tickVolume.subarray(0, r.n));
  const tickName = h.shown[h.tickVolumeCol] ?? '';
  report.warn(h.headerLine, h.volumeCol < 0
    ? `volume is the tick volume of column '${tickName}' (the number of price changes)`
    : `volume is the tick volume of column '${tickName}' (the number of price changes), as column '${h.shown[h.volumeCol] ?? ''}' is 0 in every row`);
}

/** Unix times: one unit for the whole file, chosen by the largest magnitude (< 1e11 seconds,
 * < 1e14 ms, < 1e17 µs, else ns), converted to ms. A time that reads as a plausible time in a smaller
 * unit of its own (seconds in a file of milliseconds) is an error: the file mixes units (unless the
 * column's name says milliseconds). Every time must fall in the bar time range. */
export function convertUnixTimes(h: CsvHeader, r: CsvRows, report: Reporter): void {
  if (!r.numericTimes) return;
  const { maxAbsTime, n, rowLine } = r;
  const time = r.bars.time;
  const timeName = h.shown[h.timeCol] ?? 'time';
  const toMs = unitOf(maxAbsTime);
  const t0 = time[0] ?? NaN;
  if (h.timeSaysMs && toMs !== 1) {
    report.fail(rowLine[0] ?? 0, timeName, `the column's name says milliseconds, but its times read as unix ${unitName(toMs)} (largest ${maxAbsTime})`);
  }
  if (maxAbsTime < 1e8 && looksLikeCompactDate(t0)) {
    report.warn(rowLine[0] ?? 0, `times like ${t0} were read as unix seconds (${formatTime(t0 * 1000)}); if they are dates, write them as YYYY-MM-DD`);
  }
  // Magnitudes below this read as a smaller unit on their own.
  const ownFloor = h.timeSaysMs ? 0 : toMs === 1000 ? 0 : toMs === 1 ? 1e11 : toMs === 1e-3 ? 1e14 : 1e17;
  for (let i = 0; i < n; i++) {
    const raw = time[i] as number;
    const ms = Math.round(raw * toMs);
    if (raw < ownFloor && raw > -ownFloor) mixedUnits(h, r, report, i, toMs, ownFloor);
    if (!(ms >= MIN_BAR_TIME && ms < MAX_BAR_TIME)) {
      report.fail(rowLine[i] ?? 0, timeName, `${raw} read as unix ${unitName(toMs)}${toMs === 1000 ? '' : ` (the unit of the file's largest time, ${maxAbsTime})`} is ${formatTime(ms)}, ${RANGE_TEXT}`);
    }
    time[i] = ms;
  }
}

/** Row i's time reads as a smaller unit alone; an error when it is a plausible time in that unit. */
function mixedUnits(h: CsvHeader, r: CsvRows, report: Reporter, i: number, toMs: number, ownFloor: number): void {
  const raw = r.bars.time[i] as number;
  const own = unitOf(Math.abs(raw));
  const ownMs = Math.round(raw * own);
  if (!(ownMs >= MIN_BAR_TIME && ownMs < MAX_BAR_TIME)) return;
  let k = 0;
  while (k < r.n && Math.abs(r.bars.time[k] as number) < ownFloor) k++;
  const other = r.bars.time[k] as number;
  report.fail(r.rowLine[i] ?? 0, h.shown[h.timeCol] ?? 'time', `${raw} reads as unix ${unitName(own)} (${formatTime(ownMs)}), but line ${r.rowLine[k] ?? 0}'s ${other} reads as unix ${unitName(toMs)}: the file mixes units (it would be ${formatTime(Math.round(raw * toMs))} in ${unitName(toMs)}); write every time in one unit`);
}

/** Strictly ascending, or strictly descending (returns true: the caller reverses). Fails on a
 * repeated time or a row out of order, naming both lines. */
export function checkOrder(h: CsvHeader, r: CsvRows, report: Reporter): boolean {
  const { n, rowLine } = r;
  const time = r.bars.time;
  const timeName = h.shown[h.timeCol] ?? 'time';
  const descending = n > 1 && (time[1] as number) < (time[0] as number);
  for (let i = 0; i < n; i++) {
    const cur = time[i] as number;
    if (!(cur >= MIN_BAR_TIME && cur < MAX_BAR_TIME)) report.fail(rowLine[i] ?? 0, timeName, `${formatTime(cur)} is ${RANGE_TEXT}`);
    if (i === 0) continue;
    const prev = time[i - 1] as number;
    if (cur === prev) {
      report.fail(rowLine[i] ?? 0, timeName, `duplicate time ${formatTime(cur)} (also on line ${rowLine[i - 1]})`);
    }
    if (cur < prev !== descending) {
      const was = descending ? 'newest first' : 'oldest first';
      const rel = descending ? 'after' : 'before';
      report.fail(rowLine[i] ?? 0, timeName, `rows are out of time order: ${formatTime(cur)} is ${rel} ${formatTime(prev)} on line ${rowLine[i - 1]}, but the rows before it are ${was}`);
    }
  }
  return descending;
}

/** Inconsistent prices are kept as given and reported once each, with a count. */
export function warnPriceRanges(r: CsvRows, report: Reporter): void {
  if (r.badRange > 0) {
    report.warn(r.badRangeLine, `${r.badRangeText}${r.badRange > 1 ? ` (${r.badRange} rows have high < low; this is the first)` : ''}`);
  }
  if (r.outside > 0) {
    report.warn(r.outsideLine, `${r.outsideText}${r.outside > 1 ? ` (${r.outside} rows have open or close outside low..high; this is the first)` : ''}`);
  }
  if (r.negativeVolume > 0) {
    report.warn(r.negativeVolumeLine, `volume ${r.negativeVolumeValue} is negative${r.negativeVolume > 1 ? ` (${r.negativeVolume} rows have a negative volume; this is the first)` : ''}`);
  }
}

/** The first `n` bars, oldest first: views when the estimate was close (one extra slot for the last
 * line's missing newline), fresh exact-size buffers when many lines were blank. */
export function finalBars(r: CsvRows, descending: boolean): BarColumns {
  const bars = r.capacity - r.n <= 16 + (r.n >> 4) ? sliceBars(r.bars, 0, r.n) : truncateBars(r.bars, r.n);
  if (descending) reverseBars(bars);
  return bars;
}
