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
//   Every time must fall in 1700-01-01 .. 2199-12-31 (UTC), and a unix time that reads as a plausible
//   time in a smaller unit than the file's (seconds among milliseconds) is an error: the file mixes
//   units (a column named `_ms` is exempt). Both name the line, the value and its reading.
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
//
// The loader is in steps, one file each: csv-scanner.ts (text → records), csv-header.ts (which
// column is which), csv-rows.ts (records → bar columns, with a fast path for plain numeric rows),
// csv-checks.ts (date order, volume choice, time unit, time order, price warnings); csv-error.ts
// holds ParseError.

import type { BarColumns } from './bars.js';
import { isParseError, Reporter } from './csv-error.js';
import { type CsvHeader, readHeader } from './csv-header.js';
import { type CsvRows, readRows, readRowsInPieces } from './csv-rows.js';
import { detectDelimiter, sniffNotCsv } from './csv-scanner.js';
import { checkOrder, chooseVolume, convertUnixTimes, decideSlashOrder, finalBars, warnPriceRanges } from './csv-checks.js';

export {
  ParseError, type ParseErrorData, isParseError, parseErrorFromData, parseErrorToData,
} from './csv-error.js';

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

/** Parses bars from CSV text. Throws ParseError on the first problem; see the rules at the top. */
export function parseBarsCsv(text: string, opts: ParseBarsOptions = {}): ParsedBars {
  return parse(text, null, 0, opts);
}

/** Parses bars from CSV text that comes in pieces (a large file read a few MB at a time, so that it
 * is never one string): `next()` returns each piece in order, cut anywhere, and null at the end;
 * `totalLength`, when known, is the whole text's length (it sizes the columns). Same rules, same
 * results and same errors as parseBarsCsv on the pieces joined. */
export function parseBarsCsvPieces(next: () => string | null, opts: ParseBarsOptions & { totalLength?: number } = {}): ParsedBars {
  let first = '';
  let done = false;
  const more = (): void => {
    const piece = next();
    if (piece === null) done = true;
    else first += piece;
  };
  // The first piece holds the first 4 KB (what sniffNotCsv reads) and the whole header row.
  while (!done && first.length < 4096) more();
  while (!done && first.length < 1 << 20) {
    // A trial read of the header (its errors and warnings are the parse's to report, below).
    const bom = first.charCodeAt(0) === 0xfeff ? 1 : 0;
    try {
      if (readHeader(first, bom, detectDelimiter(first, bom), new Reporter(null)).pos < first.length) break;
    } catch (e) {
      if (!isParseError(e)) throw e;
    }
    more(); // the header row goes on in the next piece, or is bad
  }
  return parse(first, done ? null : next, opts.totalLength ?? 0, opts);
}

function parse(first: string, next: (() => string | null) | null, totalLength: number, opts: ParseBarsOptions): ParsedBars {
  const report = new Reporter(opts.name ?? null);
  const bom = first.charCodeAt(0) === 0xfeff ? 1 : 0;
  const notCsv = sniffNotCsv(first, bom);
  if (notCsv !== null) report.fail(1, null, notCsv);

  const header = readHeader(first, bom, detectDelimiter(first, bom), report);
  const rows = next === null ? readRows(first, header, report) : readRowsInPieces(first, header, report, next, totalLength);
  return afterRows(header, rows, report);
}

/** The checks after the rows (date order, volume choice, time unit, time order, price warnings) and
 * the bars, oldest first. Shared with the byte loader (csv-bytes.ts). */
export function afterRows(header: CsvHeader, rows: CsvRows, report: Reporter): ParsedBars {
  decideSlashOrder(header, rows, report);
  chooseVolume(header, rows, report);
  convertUnixTimes(header, rows, report);
  const descending = checkOrder(header, rows, report);
  warnPriceRanges(rows, report);
  const bars = finalBars(rows, descending);
  return { bars, warnings: report.warnings, order: descending ? 'descending-reversed' : 'ascending' };
}
