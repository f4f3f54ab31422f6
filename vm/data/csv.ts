// CSV text → BarColumns: the one bar loader shared by the CLI and the app.
//
// Rules (a user's CSV export should load as it is, and anything that would draw a wrong chart is an
// error that names its line):
// - A header row is required. Names are matched trimmed, case-insensitively, quoted or not, with
//   MetaTrader's angle brackets (`<DATE>`) and a trailing `(UTC)`/`(GMT)` (`Date(UTC)`) dropped. The
//   time column is the first named time, date, timestamp, datetime, date_time, open_time / Open time
//   (Binance; `close_time` is ignored), Gmt time / Local time (Dukascopy), timestamp_ms or time_ms;
//   then open, high, low, close, and optionally volume (or vol). Other columns are ignored and never
//   parsed. A name ending in `_ms` must hold unix milliseconds (else an error).
// - Volume: a MetaTrader tick volume column (<TICKVOL>, tick_volume) is used as the volume, with a
//   warning, when there is no volume column or that column is 0 in every row (MetaTrader writes
//   <VOL> 0 for most forex and CFD symbols). Never mixed row by row. A tick volume column is read
//   like volume (a non-number is an error, empty/NaN/null is na) even when <VOL> is used.
// - A file with close but none of open/high/low loads as a line chart: open = high = low = close, with
//   a warning. Some but not all of open/high/low is an error naming the missing ones.
// - Times: unix seconds, milliseconds, microseconds or nanoseconds, told apart by the largest
//   magnitude in the file (< 1e11 seconds, < 1e14 ms, < 1e17 µs, else ns; so seconds reach year 5138
//   and ms start in 1973); or ISO dates and date-times (see scan-time.ts); or `2024.01.31` (year
//   first, MetaTrader); or `31.01.2024` (dots with the 4-digit year last are day first: Dukascopy,
//   e.g. `31.01.2024 00:00:00.000`, optionally ending `GMT+0100`); or slash dates `01/31/2024` /
//   `31/01/2024`, whose order is decided from the whole file: a row whose first number is over 12
//   makes the file day first, one whose second is, month first (a warning says which and why); a
//   file with both is an error, and a file where every date reads both ways is an error saying the
//   order is ambiguous. Each date may carry a time of day and a zone. One file uses one kind.
//   A file with both a `date` and a `time` column whose first row's time is a time of day (`09:30`,
//   `9:30:15`) reads each bar's time as that date plus that time, in UTC (MetaTrader: `<DATE>`,
//   `<TIME>`).
//   Compact dates such as 20200103 are read as unix seconds, with a warning saying so.
// - Rows newest first are reversed. Time order must be strict one way or the other: a row out of
//   order or a repeated time is an error naming its line.
// - Empty lines, a trailing newline, CRLF or CR line ends and a UTF-8 BOM are fine. The delimiter is
//   the most frequent of `,` `;` or tab in the header line.
// - Every row must have as many fields as the header (empty fields after the last one, from a
//   trailing delimiter, are ignored). Prices must be finite numbers with a `.` decimal point and no
//   thousands separators (`1e3` is fine, `1,5`, empty or NaN is not); volume may be empty, NaN or
//   null (na).
// - A row whose prices are all `null` (Yahoo Finance writes them for days without trading) is
//   skipped, its time unread; one warning gives the count and the first such line. A row with only
//   some prices null is an error.
// - Inconsistent prices (high < low, open or close outside low..high) are kept as given and reported
//   once as a warning with a count: charting tools draw such bars, and exchange data has them.
// - The first problem found stops the parse with a ParseError (line 1 is the header); a file that is
//   not CSV at all (binary, HTML, JSON) fails on one message saying so (a first line of angle-bracketed
//   names between delimiters, `<DATE>,<OPEN>,...`, is a MetaTrader header, not HTML).

import { type BarColumns, createBars, reverseBars, sliceBars, truncateBars } from './bars.js';
import { scanNumber } from './scan-number.js';
import {
  type DateKind, dateKindOf, explainBadTime, formatTime, scanDayMonthYear, scanIsoTime, scanTimeOfDay, scanYmdDots,
} from './scan-time.js';

/** A CSV the loader cannot turn into bars. `line` is 1-based with the header as line 1; `column` is
 * the header name of the offending cell, or null when the problem is the row or the file. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  readonly file: string | null;
  readonly line: number;
  readonly column: string | null;
  /** The message without its `file:line: column 'x': ` prefix. */
  readonly detail: string;

  constructor(file: string | null, line: number, column: string | null, detail: string) {
    super(`${locate(file, line)}: ${column === null ? '' : `column '${column}': `}${detail}`);
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

/** A ParseError as plain data, for crossing a worker boundary (structured clone keeps only an
 * Error's name and message). */
export interface ParseErrorData {
  name: 'ParseError';
  message: string;
  file: string | null;
  line: number;
  column: string | null;
  detail: string;
}

export function parseErrorToData(e: ParseError): ParseErrorData {
  return { name: 'ParseError', message: e.message, file: e.file, line: e.line, column: e.column, detail: e.detail };
}

export function parseErrorFromData(d: ParseErrorData): ParseError {
  return new ParseError(d.file, d.line, d.column, d.detail);
}

export function isParseError(e: unknown): e is ParseError {
  return e instanceof ParseError;
}

export interface ParseBarsOptions {
  /** File name used in messages (`bars.csv:57: ...`); without it messages say `line 57: ...`. */
  name?: string;
}

export interface ParsedBars {
  bars: BarColumns;
  /** Things the loader accepted but a user may want to know, each prefixed with its location. */
  warnings: string[];
  /** 'descending-reversed' when the file listed the newest bar first. */
  order: 'ascending' | 'descending-reversed';
}

const TIME_NAMES = new Set([
  'time', 'date', 'timestamp', 'datetime', 'date_time', 'date time',
  'open_time', 'open time', 'opentime', // Binance klines (`close_time` is never the time)
  'gmt time', 'local time', // Dukascopy
  'timestamp_ms', 'time_ms',
]);
const VOLUME_NAMES = new Set(['volume', 'vol']);
const TICK_VOLUME_NAMES = new Set(['tickvol', 'tick_volume', 'tick volume', 'tickvolume']);

/** A header name as matched: lower case, without MetaTrader's angle brackets (`<DATE>`) and without
 * a trailing `(UTC)` / `(GMT)` (`Date(UTC)`: every time is read as UTC anyway). */
function canonicalName(raw: string): string {
  let n = raw.toLowerCase();
  if (n.length > 2 && n.startsWith('<') && n.endsWith('>')) n = n.slice(1, -1).trim();
  const zone = /\s*\((utc|gmt)\)$/.exec(n);
  if (zone !== null && zone.index > 0) n = n.slice(0, zone.index);
  return n;
}

/** Explains a time cell that does not match the file's kind of date. */
function explainBadDate(kind: DateKind, cell: string): string {
  if (kind === 'ymd-dots') return 'expected a date like 2024.01.31 or 2024.01.31 09:30 (year first)';
  if (kind === 'dmy-dots') return 'expected a date like 31.01.2024 or 31.01.2024 09:30:00.000 (day first)';
  if (kind === 'slash') return 'expected a date like 01/31/2024 or 31/01/2024, optionally with a time 09:30';
  return explainBadTime(cell);
}
const MAX_TIME_MS = 8.64e15; // the Date range

/** How a field was written: its content range may need unquoting before use. */
const PLAIN = 0;
const QUOTED = 1; // content between the quotes, no doubled quotes inside
const QUOTED_ESCAPES = 2; // content contains `""` pairs

function locate(file: string | null, line: number): string {
  return file === null ? `line ${line}` : `${file}:${line}`;
}

function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return JSON.stringify(short);
}

/** Splits one record at a time out of the text. Field i of the last record is
 * `text.slice(starts[i], ends[i])` (quotes excluded), `kinds[i]` says whether it needs unquoting. */
class RowScanner {
  readonly text: string;
  readonly len: number;
  readonly delim: number;
  readonly file: string | null;
  pos: number;
  /** Line number at `pos`. */
  line: number;
  /** Fields in the last record (may exceed the capacity of the arrays; extra ones are not kept). */
  count = 0;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly kinds: Uint8Array;

  constructor(text: string, pos: number, line: number, delim: number, capacity: number, file: string | null) {
    this.text = text;
    this.len = text.length;
    this.delim = delim;
    this.pos = pos;
    this.line = line;
    this.file = file;
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.kinds = new Uint8Array(capacity);
  }

  /** Skips lines holding nothing but spaces. Returns false at the end of the text. */
  skipBlankLines(): boolean {
    const { text, len, delim } = this;
    let p = this.pos;
    while (p < len) {
      let q = p;
      let c = text.charCodeAt(q);
      while (c === 32 || (c === 9 && delim !== 9)) c = ++q < len ? text.charCodeAt(q) : -1;
      if (c === -1) {
        p = len;
        break;
      }
      if (c === 10) {
        p = q + 1;
      } else if (c === 13) {
        p = q + 1;
        if (p < len && text.charCodeAt(p) === 10) p++;
      } else {
        this.pos = p;
        return true;
      }
      this.line++;
    }
    this.pos = p;
    return false;
  }

  /** Reads one record starting at `pos`; leaves `pos` at the start of the next line. */
  readRecord(): void {
    const { text, len, delim, starts, ends, kinds } = this;
    const capacity = starts.length;
    let p = this.pos;
    let count = 0;
    for (;;) {
      let start = p;
      let end: number;
      let kind = PLAIN;
      let c = p < len ? text.charCodeAt(p) : -1;
      while (c === 32) c = ++p < len ? text.charCodeAt(p) : -1;
      if (c === 34 /* " */) {
        const openLine = this.line;
        start = p + 1;
        kind = QUOTED;
        p = start;
        for (;;) {
          const q = text.indexOf('"', p);
          if (q < 0) {
            throw new ParseError(this.file, openLine, null, 'a quoted field is never closed (missing ")');
          }
          for (let k = p; k < q; k++) if (text.charCodeAt(k) === 10) this.line++;
          if (q + 1 < len && text.charCodeAt(q + 1) === 34) {
            kind = QUOTED_ESCAPES;
            p = q + 2;
            continue;
          }
          end = q;
          p = q + 1;
          break;
        }
        c = p < len ? text.charCodeAt(p) : -1;
        while (c === 32) c = ++p < len ? text.charCodeAt(p) : -1;
        if (c !== delim && c !== 10 && c !== 13 && c !== -1) {
          throw new ParseError(this.file, this.line, null, `unexpected text after a closing quote: ${quote(text.slice(p, p + 20))}`);
        }
      } else {
        start = p;
        while (c !== delim && c !== 10 && c !== 13 && c !== -1) c = ++p < len ? text.charCodeAt(p) : -1;
        end = p;
      }
      if (count < capacity) {
        starts[count] = start;
        ends[count] = end;
        kinds[count] = kind;
      }
      count++;
      if (c === delim) {
        p++;
        continue;
      }
      if (c === 13) {
        p++;
        if (p < len && text.charCodeAt(p) === 10) p++;
      } else if (c === 10) {
        p++;
      }
      break;
    }
    this.pos = p;
    this.line++;
    this.count = count;
  }

  /** Field i of the last record as a string, unquoted and trimmed. */
  field(i: number): string {
    const raw = this.text.slice(this.starts[i], this.ends[i]);
    return (this.kinds[i] === QUOTED_ESCAPES ? raw.replaceAll('""', '"') : raw).trim();
  }

  /** Field i parsed as a number (NaN when it is not one); trims spaces and tabs. */
  number(i: number): number {
    if (this.kinds[i] === QUOTED_ESCAPES) {
      const f = this.field(i);
      return scanNumber(f, 0, f.length);
    }
    const text = this.text;
    let a = this.starts[i];
    let b = this.ends[i];
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    return scanNumber(text, a, b);
  }

  /** Whether field i is the word `null` (any case, spaces around allowed), without slicing it. */
  isNull(i: number): boolean {
    const text = this.text;
    let a = this.starts[i];
    let b = this.ends[i];
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    return b - a === 4 && (text.charCodeAt(a) | 32) === 110 && (text.charCodeAt(a + 1) | 32) === 117 &&
      (text.charCodeAt(a + 2) | 32) === 108 && (text.charCodeAt(a + 3) | 32) === 108;
  }

  /** Field i parsed as an ISO time in ms (NaN when it is not one). */
  isoTime(i: number): number {
    if (this.kinds[i] === QUOTED_ESCAPES) {
      const f = this.field(i);
      return scanIsoTime(f, 0, f.length);
    }
    const text = this.text;
    let a = this.starts[i];
    let b = this.ends[i];
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    return scanIsoTime(text, a, b);
  }

  /** Field i parsed as a time of day in ms since midnight (NaN when it is not one). */
  timeOfDay(i: number): number {
    const f = this.field(i);
    return scanTimeOfDay(f, 0, f.length);
  }
}

/** A hint for a cell that is almost a number: decimal commas and thousands separators. */
function numberHint(cell: string): string {
  return /\d[,'\u00a0 ]\d/.test(cell) ? " (write numbers with '.' as the decimal point and no thousands separators)" : '';
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Says what the text is when it is clearly not CSV, else null. Looks at the first 4 KB only. */
function sniffNotCsv(text: string, start: number): string | null {
  const head = text.slice(start, start + 4096);
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0) {
      return 'this is not a CSV file: it contains binary data (NUL bytes). If it is text, save it as UTF-8.';
    }
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  if (control > 8 && control * 100 > head.length) {
    return 'this is not a CSV file: it looks like binary data.';
  }
  const first = head.trimStart().charAt(0);
  // MetaTrader headers are `<DATE>,<TIME>,<OPEN>,...`: angle-bracketed names between delimiters.
  if (first === '<' && /^<[A-Za-z_]\w*>([ ]*[,;\t][ ]*<[A-Za-z_]\w*>)+[ \t]*(\r|\n|$)/.test(head.trimStart())) return null;
  if (first === '<') return 'this is not a CSV file: it looks like HTML or XML (starts with "<").';
  if (first === '{' || first === '[') {
    return `this is not a CSV file: it looks like JSON (starts with "${first}").`;
  }
  return null;
}

/** The most frequent of `,` `;` tab outside quotes on the header line (comma on a tie). */
function detectDelimiter(text: string, start: number): number {
  let comma = 0;
  let semi = 0;
  let tab = 0;
  let inQuotes = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === 10 || c === 13) break;
    else if (c === 44) comma++;
    else if (c === 59) semi++;
    else if (c === 9) tab++;
  }
  if (semi > comma && semi >= tab) return 59;
  if (tab > comma && tab > semi) return 9;
  return 44;
}

function countLines(text: string, start: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  if (n === 0) for (let i = text.indexOf('\r', start); i >= 0; i = text.indexOf('\r', i + 1)) n++;
  return n + 1;
}

/** True for an integer that reads as a YYYYMMDD date between 1900 and 2100. */
function looksLikeCompactDate(v: number): boolean {
  if (!Number.isInteger(v) || v < 19000101 || v > 21001231) return false;
  const month = Math.floor(v / 100) % 100;
  const day = v % 100;
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Parses bars from CSV text. Throws ParseError on the first problem; see the rules at the top. */
export function parseBarsCsv(text: string, opts: ParseBarsOptions = {}): ParsedBars {
  const file = opts.name ?? null;
  const fail = (line: number, column: string | null, detail: string): never => {
    throw new ParseError(file, line, column, detail);
  };
  const warnings: string[] = [];
  const warn = (line: number, detail: string): void => {
    warnings.push(`${locate(file, line)}: ${detail}`);
  };

  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const notCsv = sniffNotCsv(text, bom);
  if (notCsv !== null) fail(1, null, notCsv);

  // ---- header
  const delim = detectDelimiter(text, bom);
  const header = new RowScanner(text, bom, 1, delim, 4096, file);
  if (!header.skipBlankLines()) {
    fail(1, null, 'the file is empty: expected a header row like time,open,high,low,close,volume');
  }
  const headerLine = header.line;
  header.readRecord();
  const ncols = header.count;
  if (ncols > header.starts.length) fail(headerLine, null, `too many columns (${ncols})`);
  const names: string[] = [];
  for (let i = 0; i < ncols; i++) names.push(canonicalName(header.field(i)));
  const shown: string[] = [];
  for (let i = 0; i < ncols; i++) shown.push(header.field(i));

  const find = (accept: (name: string) => boolean, role: string): number => {
    let found = -1;
    for (let i = 0; i < ncols; i++) {
      if (!accept(names[i] ?? '')) continue;
      if (found < 0) found = i;
      else warn(headerLine, `columns '${shown[found]}' and '${shown[i]}' could both be ${role}; using '${shown[found]}'`);
    }
    return found;
  };
  // Separate `date` and `time` columns (date, then time of day) are decided on the first row.
  const dateNamed = names.indexOf('date');
  const timeNamed = names.indexOf('time');
  let todCol = dateNamed >= 0 && timeNamed >= 0 ? timeNamed : -1;
  const timeCol = todCol >= 0 ? Math.min(dateNamed, timeNamed) : find((n) => TIME_NAMES.has(n), 'the time');
  const openCol = find((n) => n === 'open', 'open');
  const highCol = find((n) => n === 'high', 'high');
  const lowCol = find((n) => n === 'low', 'low');
  const closeCol = find((n) => n === 'close', 'close');
  const volumeCol = find((n) => VOLUME_NAMES.has(n), 'volume');
  const tickVolumeCol = find((n) => TICK_VOLUME_NAMES.has(n), 'tick volume');
  /** Whether the name says milliseconds (`timestamp_ms`): checked against the magnitude rule. */
  const timeSaysMs = timeCol >= 0 && (names[timeCol] ?? '').endsWith('_ms');

  const listed = shown.slice(0, 8).map((n) => `'${n.length > 24 ? `${n.slice(0, 21)}...` : n}'`).join(', ');
  const found = `found ${listed}${ncols > 8 ? `, ... (${ncols} columns)` : ''}`;
  if (timeCol < 0 || closeCol < 0) {
    const firstCell = header.field(0);
    const looksLikeData = firstCell !== '' && (!Number.isNaN(scanNumber(firstCell, 0, firstCell.length)) ||
      !Number.isNaN(scanIsoTime(firstCell, 0, firstCell.length)) || dateKindOf(firstCell) !== 'iso');
    if (looksLikeData) {
      fail(headerLine, null, `the first line must be a header naming the columns (time,open,high,low,close,volume), but it looks like data: ${quote(text.slice(header.starts[0], header.pos).trim())}`);
    }
    if (timeCol < 0) fail(headerLine, null, `no time column: expected one named time, date, timestamp or datetime; ${found}`);
    fail(headerLine, null, `no close column; ${found}`);
  }
  const missing = [openCol < 0 ? 'open' : '', highCol < 0 ? 'high' : '', lowCol < 0 ? 'low' : ''].filter((n) => n !== '');
  const closeOnly = missing.length === 3;
  if (missing.length > 0 && !closeOnly) {
    fail(headerLine, null, `missing column${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')} (a file needs open, high, low and close, or close alone); ${found}`);
  }
  if (closeOnly) warn(headerLine, "no open, high or low columns: each bar uses close for all four prices");
  const timeName = shown[timeCol] ?? 'time';
  const colName = (i: number): string => shown[i] ?? '';

  // ---- rows
  const capacity = countLines(text, header.pos);
  const out = createBars(capacity);
  const { time, open, high, low, close, volume } = out;
  const rowLine = new Int32Array(capacity);
  const rows = new RowScanner(text, header.pos, header.line, delim, ncols + 8, file);
  let combined = false;
  let dateCol = timeCol;
  let n = 0;
  let numericTimes = false;
  let kind: DateKind = 'iso';
  let maxAbsTime = 0;
  let badRange = 0;
  let badRangeLine = 0;
  let badRangeText = '';
  let outside = 0;
  let outsideLine = 0;
  let outsideText = '';
  let nullRows = 0;
  let nullRowLine = 0;
  // Slash dates: `time` holds the month-first reading, `dayFirstTime` the day-first one (NaN when a
  // reading is not a date); the first line that only one reading fits decides the file's order.
  let dayFirstTime: Float64Array | null = null;
  let dayFirstLine = 0;
  let firstDateCell = '';
  let monthFirstLine = 0;
  // MetaTrader's <TICKVOL>, kept beside <VOL>: see the volume choice after the rows.
  const tickVolume = tickVolumeCol >= 0 ? new Float64Array(capacity) : null;
  let volumeNonZero = false;
  const priceCols = closeOnly ? [closeCol] : [openCol, highCol, lowCol, closeCol];

  const price = (col: number, line: number): number => {
    const v = rows.number(col);
    if (Number.isFinite(v)) return v;
    const cell = rows.field(col);
    if (cell === '') return fail(line, colName(col), 'expected a number, got an empty cell');
    if (cell.toLowerCase() === 'null') {
      return fail(line, colName(col), `expected a number, got "null" (a row is skipped only when all its prices are null)`);
    }
    if (Number.isNaN(v)) return fail(line, colName(col), `expected a number, got ${quote(cell)}${numberHint(cell)}`);
    return fail(line, colName(col), `${quote(cell)} is out of range`);
  };
  const optionalVolume = (col: number, line: number): number => {
    const v = rows.number(col);
    if (Number.isFinite(v)) return v;
    const cell = rows.field(col);
    const lower = cell.toLowerCase();
    if (cell !== '' && lower !== 'nan' && lower !== 'na' && lower !== 'null') {
      fail(line, colName(col), Number.isNaN(v) ? `expected a number or an empty cell, got ${quote(cell)}${numberHint(cell)}` : `${quote(cell)} is out of range`);
    }
    return NaN;
  };
  /** A non-ISO date cell in ms (month first for slash dates), or NaN. */
  const otherDate = (cell: string, dayFirst: boolean): number =>
    kind === 'ymd-dots' ? scanYmdDots(cell, 0, cell.length)
      : scanDayMonthYear(cell, 0, cell.length, kind === 'slash' ? 47 : 46, kind === 'dmy-dots' || dayFirst);
  const kindName = (k: DateKind | 'unix'): string =>
    k === 'unix' ? 'a unix number' : k === 'iso' ? 'an ISO date' : k === 'ymd-dots' ? 'a YYYY.MM.DD date'
      : k === 'dmy-dots' ? 'a DD.MM.YYYY date' : 'a slash date';
  /** Fails on a time cell that is not of the file's kind, saying so when it is of another kind. */
  const badTime = (line: number, col: number, cell: string, suffix: string): never => {
    if (cell === '') return fail(line, colName(col), `the time is empty${suffix}`);
    const own: DateKind | 'unix' = numericTimes ? 'unix' : kind;
    const other: DateKind | 'unix' | null = !numericTimes && n > 0 && !Number.isNaN(scanNumber(cell, 0, cell.length)) ? 'unix'
      : !Number.isNaN(scanIsoTime(cell, 0, cell.length)) ? 'iso'
        : dateKindOf(cell) !== 'iso' ? dateKindOf(cell) : null;
    if (other !== null && other !== own) {
      return fail(line, colName(col), `got ${quote(cell)}, but the first row's time is ${kindName(own)}: use one kind of time in a file`);
    }
    return fail(line, colName(col), `${numericTimes ? explainBadTime(cell) : explainBadDate(kind, cell)}${suffix}, got ${quote(cell)}`);
  };

  while (rows.skipBlankLines()) {
    const line = rows.line;
    rows.readRecord();
    if (rows.count < ncols) {
      fail(line, colName(rows.count), `no value: the row has ${rows.count} field${rows.count === 1 ? '' : 's'}, the header ${ncols}`);
    }
    if (rows.count > ncols) {
      // Empty fields after the last column (a trailing delimiter) are harmless; anything else is not.
      for (let i = ncols; i < rows.count; i++) {
        const extra = i < rows.starts.length ? rows.field(i) : '?';
        if (extra !== '') {
          fail(line, null, `the row has ${rows.count} fields, the header ${ncols}: field ${i + 1} (${quote(extra)}) has no column`);
        }
      }
    }
    // Yahoo Finance writes `date,null,null,...` for days without a price: such a row is skipped.
    let allNull = true;
    for (const col of priceCols) {
      if (!rows.isNull(col)) {
        allNull = false;
        break;
      }
    }
    if (allNull) {
      if (nullRows++ === 0) nullRowLine = line;
      continue;
    }
    if (n === 0 && todCol >= 0) {
      // date + time columns: combined when the time column holds a time of day.
      if (!Number.isNaN(rows.timeOfDay(todCol))) {
        combined = true;
        dateCol = dateNamed;
      } else {
        warn(headerLine, `columns '${shown[timeCol]}' and '${shown[todCol === timeCol ? dateNamed : todCol]}' could both be the time; using '${shown[timeCol]}'`);
        todCol = -1;
      }
    }
    if (n === 0) {
      numericTimes = !combined && !Number.isNaN(rows.number(timeCol));
      if (!numericTimes) kind = dateKindOf(rows.field(dateCol));
      if (kind === 'slash') dayFirstTime = new Float64Array(capacity);
      firstDateCell = rows.field(dateCol);
    }
    let t: number;
    let tDayFirst = NaN;
    if (combined) {
      const dateCell = rows.field(dateCol);
      const suffix = ` (the time of day is in column '${colName(todCol)}')`;
      let day = kind === 'iso' ? rows.isoTime(dateCol) : otherDate(dateCell, false);
      if (kind === 'slash') tDayFirst = otherDate(dateCell, true);
      if (Number.isNaN(day) && Number.isNaN(tDayFirst)) badTime(line, dateCol, dateCell, suffix);
      if (dateCell.includes(':') || dateCell.includes(' ')) {
        fail(line, colName(dateCol), `expected a date alone${suffix}, got ${quote(dateCell)}`);
      }
      const tod = rows.timeOfDay(todCol);
      if (Number.isNaN(tod)) {
        fail(line, colName(todCol), `expected a time of day like 09:30 or 09:30:00, got ${quote(rows.field(todCol))}`);
      }
      day += tod;
      tDayFirst += tod;
      t = day;
    } else if (numericTimes) {
      t = rows.number(timeCol);
      if (Number.isNaN(t)) badTime(line, timeCol, rows.field(timeCol), '');
      const a = Math.abs(t);
      if (a > maxAbsTime) maxAbsTime = a;
    } else if (kind === 'iso') {
      t = rows.isoTime(timeCol);
      if (Number.isNaN(t)) badTime(line, timeCol, rows.field(timeCol), '');
    } else {
      const cell = rows.field(timeCol);
      t = otherDate(cell, false);
      if (kind === 'slash') tDayFirst = otherDate(cell, true);
      if (Number.isNaN(t) && Number.isNaN(tDayFirst)) badTime(line, timeCol, cell, '');
    }
    if (dayFirstTime !== null) {
      dayFirstTime[n] = tDayFirst;
      if (Number.isNaN(t) && dayFirstLine === 0) dayFirstLine = line;
      if (Number.isNaN(tDayFirst) && monthFirstLine === 0) monthFirstLine = line;
    }
    const c = price(closeCol, line);
    let o = c;
    let h = c;
    let l = c;
    if (!closeOnly) {
      o = price(openCol, line);
      h = price(highCol, line);
      l = price(lowCol, line);
      if (h < l) {
        if (badRange++ === 0) {
          badRangeLine = line;
          badRangeText = `high ${h} is below low ${l}`;
        }
      } else if (o > h || o < l || c > h || c < l) {
        if (outside++ === 0) {
          outsideLine = line;
          outsideText = `${o > h || o < l ? `open ${o}` : `close ${c}`} is outside low..high (${l}..${h})`;
        }
      }
    }
    let v = NaN;
    if (volumeCol >= 0) {
      v = optionalVolume(volumeCol, line);
      if (v !== 0 && !Number.isNaN(v)) volumeNonZero = true;
    }
    if (tickVolume !== null) tickVolume[n] = optionalVolume(tickVolumeCol, line);
    time[n] = t;
    open[n] = o;
    high[n] = h;
    low[n] = l;
    close[n] = c;
    volume[n] = v;
    rowLine[n] = line;
    n++;
  }
  if (n === 0) {
    if (nullRows > 0) fail(nullRowLine, null, `no bars: every row's prices are null (${nullRows} row${nullRows === 1 ? '' : 's'})`);
    fail(headerLine, null, 'no bars: the header is not followed by any data rows');
  }
  if (nullRows > 0) {
    warn(nullRowLine, nullRows === 1 ? 'skipped a row whose prices are all null (no trading that day)'
      : `skipped ${nullRows} rows whose prices are all null (no trading that day); this is the first`);
  }

  if (dayFirstTime !== null) {
    // Slash dates: one order for the whole file, decided only by a row that fits one reading.
    const dateName = colName(dateCol);
    if (dayFirstLine > 0 && monthFirstLine > 0) {
      const later = Math.max(dayFirstLine, monthFirstLine);
      const earlier = Math.min(dayFirstLine, monthFirstLine);
      fail(later, dateName, `this date reads only ${later === dayFirstLine ? 'day first (DD/MM/YYYY)' : 'month first (MM/DD/YYYY)'}, but line ${earlier}'s reads only ${later === dayFirstLine ? 'month first' : 'day first'}: write dates as YYYY-MM-DD`);
    }
    if (dayFirstLine === 0 && monthFirstLine === 0) {
      fail(rowLine[0], dateName, `day/month order is ambiguous: write dates as YYYY-MM-DD, got ${quote(firstDateCell)}`);
    }
    const dayFirst = dayFirstLine > 0;
    if (dayFirst) time.set(dayFirstTime.subarray(0, n));
    warn(dayFirst ? dayFirstLine : monthFirstLine, `slash dates read ${dayFirst ? 'day first (DD/MM/YYYY)' : 'month first (MM/DD/YYYY)'}, as this row's date only reads that way`);
  }

  if (tickVolume !== null) {
    // MetaTrader: <VOL> is the real volume and is 0 for most forex and CFD symbols, where <TICKVOL>
    // (the number of price changes) is what charting tools show. One column for the whole file.
    if (volumeCol < 0 || !volumeNonZero) {
      volume.set(tickVolume.subarray(0, n));
      warn(headerLine, volumeCol < 0
        ? `volume is the tick volume of column '${colName(tickVolumeCol)}' (the number of price changes)`
        : `volume is the tick volume of column '${colName(tickVolumeCol)}' (the number of price changes), as column '${colName(volumeCol)}' is 0 in every row`);
    }
  }

  if (numericTimes) {
    // One unit for the whole file, chosen by the largest magnitude (see the rules above).
    const toMs = maxAbsTime < 1e11 ? 1000 : maxAbsTime < 1e14 ? 1 : maxAbsTime < 1e17 ? 1e-3 : 1e-6;
    const t0 = time[0];
    if (timeSaysMs && toMs !== 1) {
      fail(rowLine[0], timeName, `the column's name says milliseconds, but its times read as unix ${toMs === 1000 ? 'seconds' : toMs === 1e-3 ? 'microseconds' : 'nanoseconds'} (largest ${maxAbsTime})`);
    }
    if (maxAbsTime < 1e8 && looksLikeCompactDate(t0)) {
      warn(rowLine[0], `times like ${t0} were read as unix seconds (${formatTime(t0 * 1000)}); if they are dates, write them as YYYY-MM-DD`);
    }
    for (let i = 0; i < n; i++) {
      const ms = Math.round(time[i] * toMs);
      if (Math.abs(ms) > MAX_TIME_MS) {
        fail(rowLine[i], timeName, `${time[i]} is too far from 1970 to be a time`);
      }
      time[i] = ms;
    }
  }

  // ---- order: strictly ascending, or strictly descending (then reversed)
  const descending = n > 1 && time[1] < time[0];
  for (let i = 1; i < n; i++) {
    const prev = time[i - 1];
    const cur = time[i];
    if (cur === prev) {
      fail(rowLine[i], timeName, `duplicate time ${formatTime(cur)} (also on line ${rowLine[i - 1]})`);
    }
    if (cur < prev !== descending) {
      const was = descending ? 'newest first' : 'oldest first';
      const rel = descending ? 'after' : 'before';
      fail(rowLine[i], timeName, `rows are out of time order: ${formatTime(cur)} is ${rel} ${formatTime(prev)} on line ${rowLine[i - 1]}, but the rows before it are ${was}`);
    }
  }

  if (badRange > 0) {
    warn(badRangeLine, `${badRangeText}${badRange > 1 ? ` (${badRange} rows have high < low; this is the first)` : ''}`);
  }
  if (outside > 0) {
    warn(outsideLine, `${outsideText}${outside > 1 ? ` (${outside} rows have open or close outside low..high; this is the first)` : ''}`);
  }

  // Views when the estimate was close (one extra slot for the last line's missing newline),
  // fresh exact-size buffers when many lines were blank.
  const bars = capacity - n <= 16 + (n >> 4) ? sliceBars(out, 0, n) : truncateBars(out, n);
  if (descending) reverseBars(bars);
  return { bars, warnings, order: descending ? 'descending-reversed' : 'ascending' };
}
