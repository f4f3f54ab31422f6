// The CSV loader's checks after the rows: the day/month order of slash dates, MetaTrader's tick
// volume choice, the unit of unix times, strict time order (newest first is reversed), and the
// one-line warnings about inconsistent prices. See csv.ts for the rules.

import { sliceBars, truncateBars, reverseBars, type BarColumns } from './bars.js';
import { type Reporter, quote } from './csv-error.js';
import type { CsvHeader } from './csv-header.js';
import type { CsvRows } from './csv-rows.js';
import { formatTime } from './scan-time.js';

const MAX_TIME_MS = 8.64e15; // the Date range

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
 * < 1e14 ms, < 1e17 µs, else ns), converted to ms. */
export function convertUnixTimes(h: CsvHeader, r: CsvRows, report: Reporter): void {
  if (!r.numericTimes) return;
  const { maxAbsTime, n, rowLine } = r;
  const time = r.bars.time;
  const timeName = h.shown[h.timeCol] ?? 'time';
  const toMs = maxAbsTime < 1e11 ? 1000 : maxAbsTime < 1e14 ? 1 : maxAbsTime < 1e17 ? 1e-3 : 1e-6;
  const t0 = time[0] ?? NaN;
  if (h.timeSaysMs && toMs !== 1) {
    report.fail(rowLine[0] ?? 0, timeName, `the column's name says milliseconds, but its times read as unix ${toMs === 1000 ? 'seconds' : toMs === 1e-3 ? 'microseconds' : 'nanoseconds'} (largest ${maxAbsTime})`);
  }
  if (maxAbsTime < 1e8 && looksLikeCompactDate(t0)) {
    report.warn(rowLine[0] ?? 0, `times like ${t0} were read as unix seconds (${formatTime(t0 * 1000)}); if they are dates, write them as YYYY-MM-DD`);
  }
  for (let i = 0; i < n; i++) {
    const raw = time[i] as number;
    const ms = Math.round(raw * toMs);
    if (Math.abs(ms) > MAX_TIME_MS) report.fail(rowLine[i] ?? 0, timeName, `${raw} is too far from 1970 to be a time`);
    time[i] = ms;
  }
}

/** Strictly ascending, or strictly descending (returns true: the caller reverses). Fails on a
 * repeated time or a row out of order, naming both lines. */
export function checkOrder(h: CsvHeader, r: CsvRows, report: Reporter): boolean {
  const { n, rowLine } = r;
  const time = r.bars.time;
  const timeName = h.shown[h.timeCol] ?? 'time';
  const descending = n > 1 && (time[1] as number) < (time[0] as number);
  for (let i = 1; i < n; i++) {
    const prev = time[i - 1] as number;
    const cur = time[i] as number;
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
