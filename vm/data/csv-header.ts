// The CSV loader's header step: reads the header row and decides which column is the time (or the
// date and the time of day), open, high, low, close, volume and MetaTrader's tick volume, with the
// warnings and errors about names (duplicates, a line chart of close alone, missing columns, a
// first line that is data rather than names). See csv.ts for the rules.

import { type Reporter, quote } from './csv-error.js';
import { RowScanner } from './csv-scanner.js';
import { scanNumber } from './scan-number.js';
import { dateKindOf, scanIsoTime } from './scan-time.js';

const TIME_NAMES = new Set([
  'time', 'date', 'timestamp', 'datetime', 'date_time', 'date time',
  'open_time', 'open time', 'opentime', // Binance klines (`close_time` is never the time)
  'gmt time', 'local time', // Dukascopy
  'timestamp_ms', 'time_ms',
]);
const VOLUME_NAMES = new Set(['volume', 'vol']);
const TICK_VOLUME_NAMES = new Set(['tickvol', 'tick_volume', 'tick volume', 'tickvolume']);

/** Most columns a header may have. */
const MAX_COLUMNS = 4096;

/** What the header says, column indexes being -1 when absent. */
export interface CsvHeader {
  delim: number;
  ncols: number;
  /** Line of the header row (after any blank lines). */
  headerLine: number;
  /** Where the first data row may start, and its line. */
  pos: number;
  line: number;
  /** The header's names as written (trimmed, unquoted). */
  shown: string[];
  timeCol: number;
  /** Index of a column named `date`, and of a possible time-of-day column beside it (`time`); the
   * first row decides whether they combine. */
  dateNamed: number;
  todCol: number;
  openCol: number;
  highCol: number;
  lowCol: number;
  closeCol: number;
  volumeCol: number;
  tickVolumeCol: number;
  /** Close but none of open/high/low: a line chart. */
  closeOnly: boolean;
  /** The time column's name ends in `_ms` (`timestamp_ms`). */
  timeSaysMs: boolean;
}

/** A header name as matched: lower case, without MetaTrader's angle brackets (`<DATE>`) and without
 * a trailing `(UTC)` / `(GMT)` (`Date(UTC)`: every time is read as UTC anyway). */
function canonicalName(raw: string): string {
  let n = raw.toLowerCase();
  if (n.length > 2 && n.startsWith('<') && n.endsWith('>')) n = n.slice(1, -1).trim();
  const zone = /\s*\((utc|gmt)\)$/.exec(n);
  if (zone !== null && zone.index > 0) n = n.slice(0, zone.index);
  return n;
}

/** Reads the header row at `start` (after a BOM) and finds the columns; fails when the file is
 * empty, the first line is data, or a required column is missing. */
export function readHeader(text: string, start: number, delim: number, report: Reporter): CsvHeader {
  const header = new RowScanner(text, start, 1, delim, MAX_COLUMNS, report.file);
  if (!header.skipBlankLines()) {
    report.fail(1, null, 'the file is empty: expected a header row like time,open,high,low,close,volume');
  }
  const headerLine = header.line;
  header.readRecord();
  const ncols = header.count;
  if (ncols > header.starts.length) report.fail(headerLine, null, `too many columns (${ncols})`);
  const names: string[] = [];
  for (let i = 0; i < ncols; i++) names.push(canonicalName(header.field(i)));
  const shown: string[] = [];
  for (let i = 0; i < ncols; i++) shown.push(header.field(i));

  const find = (accept: (name: string) => boolean, role: string): number => {
    let found = -1;
    for (let i = 0; i < ncols; i++) {
      if (!accept(names[i] ?? '')) continue;
      if (found < 0) found = i;
      else report.warn(headerLine, `columns '${shown[found]}' and '${shown[i]}' could both be ${role}; using '${shown[found]}'`);
    }
    return found;
  };
  // Separate `date` and `time` columns (date, then time of day) are decided on the first row.
  const dateNamed = names.indexOf('date');
  const timeNamed = names.indexOf('time');
  const todCol = dateNamed >= 0 && timeNamed >= 0 ? timeNamed : -1;
  const timeCol = todCol >= 0 ? Math.min(dateNamed, timeNamed) : find((n) => TIME_NAMES.has(n), 'the time');
  const openCol = find((n) => n === 'open', 'open');
  const highCol = find((n) => n === 'high', 'high');
  const lowCol = find((n) => n === 'low', 'low');
  const closeCol = find((n) => n === 'close', 'close');
  const volumeCol = find((n) => VOLUME_NAMES.has(n), 'volume');
  const tickVolumeCol = find((n) => TICK_VOLUME_NAMES.has(n), 'tick volume');
  const timeSaysMs = timeCol >= 0 && (names[timeCol] ?? '').endsWith('_ms');

  const listed = shown.slice(0, 8).map((n) => `'${n.length > 24 ? `${n.slice(0, 21)}...` : n}'`).join(', ');
  const found = `found ${listed}${ncols > 8 ? `, ... (${ncols} columns)` : ''}`;
  if (timeCol < 0 || closeCol < 0) {
    const firstCell = header.field(0);
    const looksLikeData = firstCell !== '' && (!Number.isNaN(scanNumber(firstCell, 0, firstCell.length)) ||
      !Number.isNaN(scanIsoTime(firstCell, 0, firstCell.length)) || dateKindOf(firstCell) !== 'iso');
    if (looksLikeData) {
      report.fail(headerLine, null, `the first line must be a header naming the columns (time,open,high,low,close,volume), but it looks like data: ${quote(text.slice(header.starts[0], header.pos).trim())}`);
    }
    if (timeCol < 0) report.fail(headerLine, null, `no time column: expected one named time, date, timestamp or datetime; ${found}`);
    report.fail(headerLine, null, `no close column; ${found}`);
  }
  const missing = [openCol < 0 ? 'open' : '', highCol < 0 ? 'high' : '', lowCol < 0 ? 'low' : ''].filter((n) => n !== '');
  const closeOnly = missing.length === 3;
  if (missing.length > 0 && !closeOnly) {
    report.fail(headerLine, null, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')} (a file needs open, high, low and close, or close alone); ${found}`);
  }
  if (closeOnly) report.warn(headerLine, 'no open, high or low columns: each bar uses close for all four prices');
  return {
    delim, ncols, headerLine, pos: header.pos, line: header.line, shown, timeCol, dateNamed, todCol,
    openCol, highCol, lowCol, closeCol, volumeCol, tickVolumeCol, closeOnly, timeSaysMs,
  };
}
