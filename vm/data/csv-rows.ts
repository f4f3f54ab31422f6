// The CSV loader's row step: reads every data row into bar columns. Each row first tries a fast
// path for the common shape (unquoted plain numbers, unix or ISO times, one field per column, no
// spaces) that scans its characters once and reads numbers as it goes; any row that does not fit
// it exactly is read again by the general path, which is the only one that reports errors, so the
// fast path changes no message and no accepted shape. See csv.ts for the rules.

import { type BarColumns, createBars } from './bars.js';
import { ParseError, type Reporter, quote } from './csv-error.js';
import type { CsvHeader } from './csv-header.js';
import { RowScanner, countLines } from './csv-scanner.js';
import { scanNumber } from './scan-number.js';
import {
  type DateKind, dateKindOf, explainBadTime, scanDayMonthYear, scanIsoTime, scanYmdDots,
} from './scan-time.js';

/** What the rows gave: the bars (in `bars`, the first `n` of `capacity` slots) and what the checks
 * after the rows need. */
export interface CsvRows {
  bars: BarColumns;
  n: number;
  capacity: number;
  /** Line of each bar's row. */
  rowLine: Int32Array;
  /** Times are unix numbers (unit decided later from maxAbsTime); else dates of `kind`. */
  numericTimes: boolean;
  kind: DateKind;
  maxAbsTime: number;
  /** The column holding the date (the time column, or `date` when combined with a time of day). */
  dateCol: number;
  firstDateCell: string;
  /** Slash dates: each bar's day-first reading (the month-first one is in `bars.time`), and the
   * first line that only one reading fits (0: none). */
  dayFirstTime: Float64Array | null;
  dayFirstLine: number;
  monthFirstLine: number;
  tickVolume: Float64Array | null;
  volumeNonZero: boolean;
  badRange: number;
  badRangeLine: number;
  badRangeText: string;
  outside: number;
  outsideLine: number;
  outsideText: string;
  /** Rows whose volume is below zero (kept as given, reported once), and the first's line. */
  negativeVolume: number;
  negativeVolumeLine: number;
  negativeVolumeValue: number;
}

/** The longest row the loader reads (1 MiB of text, a thousand times a bar row with a hundred
 * columns): a longer one is refused before it is parsed, so that a file of one endless line is
 * refused in time proportional to its first MiB. */
export const MAX_ROW_CHARS = 1 << 20;

/** A hint for a cell that is almost a number: decimal commas and thousands separators. */
function numberHint(cell: string): string {
  return /\d[,'\u00a0 ]\d/.test(cell) ? " (write numbers with '.' as the decimal point and no thousands separators)" : '';
}

/** Explains a time cell that does not match the file's kind of date. */
function explainBadDate(kind: DateKind, cell: string): string {
  if (kind === 'ymd-dots') return 'expected a date like 2024.01.31 or 2024.01.31 09:30 (year first)';
  if (kind === 'dmy-dots') return 'expected a date like 31.01.2024 or 31.01.2024 09:30:00.000 (day first)';
  if (kind === 'slash') return 'expected a date like 01/31/2024 or 31/01/2024, optionally with a time 09:30';
  return explainBadTime(cell);
}

function kindName(k: DateKind | 'unix'): string {
  return k === 'unix' ? 'a unix number' : k === 'iso' ? 'an ISO date' : k === 'ymd-dots' ? 'a YYYY.MM.DD date'
    : k === 'dmy-dots' ? 'a DD.MM.YYYY date' : 'a slash date';
}

/** Powers of ten for decimal fractions (also the byte loader's, csv-bytes.ts). */
export const POW10: readonly number[] = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

// Roles of a column on the fast path (index into RowReader.values; the byte loader's too).
export const SKIP = 0;
export const TIME = 1;
export const OPEN = 2;
export const HIGH = 3;
export const LOW = 4;
export const CLOSE = 5;
export const VOLUME = 6;
export const TICK_VOLUME = 7;

/** Marks each column's role on the fast path from the header's column indices. */
export function setColumnRoles(roles: Uint8Array, h: CsvHeader): void {
  roles[h.timeCol] = TIME;
  if (!h.closeOnly) {
    roles[h.openCol] = OPEN;
    roles[h.highCol] = HIGH;
    roles[h.lowCol] = LOW;
  }
  roles[h.closeCol] = CLOSE;
  if (h.volumeCol >= 0) roles[h.volumeCol] = VOLUME;
  if (h.tickVolumeCol >= 0) roles[h.tickVolumeCol] = TICK_VOLUME;
}

/** Reads the rows after the header. */
class RowReader {
  private readonly h: CsvHeader;
  private readonly report: Reporter;
  private readonly rows: RowScanner;
  readonly r: CsvRows;
  private readonly priceCols: number[];
  private todCol: number;
  private combined = false;
  private nullRows = 0;
  private nullRowLine = 0;
  /** Fast path: each column's role, the values of the row being read, and whether it applies. */
  private readonly roles: Uint8Array;
  private readonly values = new Float64Array(8);
  private fast = false;
  private isoTimes = false;

  constructor(text: string, h: CsvHeader, report: Reporter, capacity: number) {
    this.h = h;
    this.report = report;
    this.todCol = h.todCol;
    this.rows = new RowScanner(text, h.pos, h.line, h.delim, h.ncols + 8, report.file);
    this.priceCols = h.closeOnly ? [h.closeCol] : [h.openCol, h.highCol, h.lowCol, h.closeCol];
    this.roles = new Uint8Array(h.ncols);
    this.r = {
      bars: createBars(capacity), n: 0, capacity, rowLine: new Int32Array(capacity),
      numericTimes: false, kind: 'iso', maxAbsTime: 0, dateCol: h.timeCol, firstDateCell: '',
      dayFirstTime: null, dayFirstLine: 0, monthFirstLine: 0,
      // MetaTrader's <TICKVOL>, kept beside <VOL>: see the volume choice after the rows.
      tickVolume: h.tickVolumeCol >= 0 ? new Float64Array(capacity) : null,
      volumeNonZero: false,
      badRange: 0, badRangeLine: 0, badRangeText: '', outside: 0, outsideLine: 0, outsideText: '',
      negativeVolume: 0, negativeVolumeLine: 0, negativeVolumeValue: 0,
    };
  }

  private colName(i: number): string {
    return this.h.shown[i] ?? '';
  }

  /** Refuses a row longer than MAX_ROW_CHARS (one that starts on `line`). */
  rowTooLong(line: number): never {
    return this.report.fail(line, null, `a row of more than ${MAX_ROW_CHARS.toLocaleString('en-US')} characters: no bar row is this long (is this a CSV file of bars?)`);
  }

  /** The line the next row starts on. */
  get line(): number {
    return this.rows.line;
  }

  /** Reads the rows of `text` from `pos`. Unless `final`, the text is a piece of a longer file:
   * only rows that end within it are read (a row cut by the end of the piece is left, with any
   * blank lines before it), and the returned position is where the next piece must resume. */
  readText(text: string, pos: number, final: boolean): number {
    const rows = this.rows;
    rows.reset(text, pos);
    if (!final) this.reserve(countLines(text, pos));
    for (;;) {
      const start = rows.pos;
      const line = rows.line;
      // At the end of a piece, blank lines go with the next one (a CR there may pair with an LF).
      if (!rows.skipBlankLines()) {
        if (final) return rows.pos;
        rows.line = line;
        return start;
      }
      if (this.fast && this.fastRow(final)) continue;
      if (!this.row(final)) {
        rows.pos = start;
        rows.line = line;
        return start;
      }
    }
  }

  /** Room for `more` bars beyond those read (a file read in pieces grows its columns). */
  private reserve(more: number): void {
    const r = this.r;
    const need = r.n + more;
    if (need <= r.capacity) return;
    const capacity = Math.max(need, Math.ceil(r.capacity * 1.5));
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a.subarray(0, r.n));
      return b;
    };
    const b = r.bars;
    const volume = grow(b.volume);
    volume.fill(NaN, r.n);
    r.bars = { time: grow(b.time), open: grow(b.open), high: grow(b.high), low: grow(b.low), close: grow(b.close), volume, length: capacity };
    const rowLine = new Int32Array(capacity);
    rowLine.set(r.rowLine.subarray(0, r.n));
    r.rowLine = rowLine;
    if (r.tickVolume !== null) r.tickVolume = grow(r.tickVolume);
    if (r.dayFirstTime !== null) r.dayFirstTime = grow(r.dayFirstTime);
    r.capacity = capacity;
  }

  /** After the last row: no bars is an error; skipped null rows are a warning. */
  finish(): CsvRows {
    const r = this.r;
    if (r.n === 0) {
      if (this.nullRows > 0) {
        this.report.fail(this.nullRowLine, null, `no bars: every row's prices are null (${this.nullRows} row${this.nullRows === 1 ? '' : 's'})`);
      }
      this.report.fail(this.h.headerLine, null, 'no bars: the header is not followed by any data rows');
    }
    if (this.nullRows > 0) {
      this.report.warn(this.nullRowLine, this.nullRows === 1 ? 'skipped a row whose prices are all null (no trading that day)'
        : `skipped ${this.nullRows} rows whose prices are all null (no trading that day); this is the first`);
    }
    return r;
  }

  private price(col: number, line: number): number {
    const rows = this.rows;
    const v = rows.number(col);
    if (Number.isFinite(v)) return v;
    const cell = rows.field(col);
    const fail = (detail: string): never => this.report.fail(line, this.colName(col), detail);
    if (cell === '') return fail('expected a number, got an empty cell');
    if (cell.toLowerCase() === 'null') {
      return fail(`expected a number, got "null" (a row is skipped only when all its prices are null)`);
    }
    if (Number.isNaN(v)) return fail(`expected a number, got ${quote(cell)}${numberHint(cell)}`);
    return fail(`${quote(cell)} is out of range`);
  }

  private optionalVolume(col: number, line: number): number {
    const rows = this.rows;
    const v = rows.number(col);
    if (Number.isFinite(v)) return v;
    const cell = rows.field(col);
    const lower = cell.toLowerCase();
    if (cell !== '' && lower !== 'nan' && lower !== 'na' && lower !== 'null') {
      this.report.fail(line, this.colName(col), Number.isNaN(v) ? `expected a number or an empty cell, got ${quote(cell)}${numberHint(cell)}` : `${quote(cell)} is out of range`);
    }
    return NaN;
  }

  /** A non-ISO date cell in ms (month first for slash dates), or NaN. */
  private otherDate(cell: string, dayFirst: boolean): number {
    const kind = this.r.kind;
    return kind === 'ymd-dots' ? scanYmdDots(cell, 0, cell.length)
      : scanDayMonthYear(cell, 0, cell.length, kind === 'slash' ? 47 : 46, kind === 'dmy-dots' || dayFirst);
  }

  /** Fails on a time cell that is not of the file's kind, saying so when it is of another kind. */
  private badTime(line: number, col: number, cell: string, suffix: string): never {
    const { numericTimes, kind, n } = this.r;
    const fail = (detail: string): never => this.report.fail(line, this.colName(col), detail);
    if (cell === '') return fail(`the time is empty${suffix}`);
    const own: DateKind | 'unix' = numericTimes ? 'unix' : kind;
    const other: DateKind | 'unix' | null = !numericTimes && n > 0 && !Number.isNaN(scanNumber(cell, 0, cell.length)) ? 'unix'
      : !Number.isNaN(scanIsoTime(cell, 0, cell.length)) ? 'iso'
        : dateKindOf(cell) !== 'iso' ? dateKindOf(cell) : null;
    if (other !== null && other !== own) {
      return fail(`got ${quote(cell)}, but the first row's time is ${kindName(own)}: use one kind of time in a file`);
    }
    return fail(`${numericTimes ? explainBadTime(cell) : explainBadDate(kind, cell)}${suffix}, got ${quote(cell)}`);
  }

  /** Checks the row's field count against the header's. */
  private checkFieldCount(line: number): void {
    const { rows, h } = this;
    const ncols = h.ncols;
    if (rows.count < ncols) {
      this.report.fail(line, this.colName(rows.count), `no value: the row has ${rows.count} field${rows.count === 1 ? '' : 's'}, the header ${ncols}`);
    }
    if (rows.count > ncols) {
      // Empty fields after the last column (a trailing delimiter) are harmless; anything else is not.
      for (let i = ncols; i < rows.count; i++) {
        const extra = i < rows.starts.length ? rows.field(i) : '?';
        if (extra !== '') {
          this.report.fail(line, null, `the row has ${rows.count} fields, the header ${ncols}: field ${i + 1} (${quote(extra)}) has no column`);
        }
      }
    }
  }

  /** On the first bar: whether `date` + `time` combine, and what kind of time the file uses. */
  private decideTimes(): void {
    const { rows, h, r } = this;
    if (this.todCol >= 0) {
      // date + time columns: combined when the time column holds a time of day.
      if (!Number.isNaN(rows.timeOfDay(this.todCol))) {
        this.combined = true;
        r.dateCol = h.dateNamed;
      } else {
        const other = this.todCol === h.timeCol ? h.dateNamed : this.todCol;
        this.report.warn(h.headerLine, `columns '${h.shown[h.timeCol]}' and '${h.shown[other]}' could both be the time; using '${h.shown[h.timeCol]}'`);
        this.todCol = -1;
      }
    }
    r.numericTimes = !this.combined && !Number.isNaN(rows.number(h.timeCol));
    if (!r.numericTimes) r.kind = dateKindOf(rows.field(r.dateCol));
    if (r.kind === 'slash') r.dayFirstTime = new Float64Array(r.capacity);
    r.firstDateCell = rows.field(r.dateCol);
    // The fast path reads unix numbers and ISO times in their own column.
    if (!this.combined && (r.numericTimes || r.kind === 'iso')) {
      this.fast = true;
      this.isoTimes = !r.numericTimes;
      setColumnRoles(this.roles, h);
    }
  }

  /** The time of the record just read (month first for slash dates; the day-first reading goes
   * into `dayFirstTime`). */
  private rowTime(line: number): number {
    const { rows, h, r } = this;
    let t: number;
    let tDayFirst = NaN;
    if (this.combined) {
      const dateCol = r.dateCol;
      const dateCell = rows.field(dateCol);
      const suffix = ` (the time of day is in column '${this.colName(this.todCol)}')`;
      let day = r.kind === 'iso' ? rows.isoTime(dateCol) : this.otherDate(dateCell, false);
      if (r.kind === 'slash') tDayFirst = this.otherDate(dateCell, true);
      if (Number.isNaN(day) && Number.isNaN(tDayFirst)) this.badTime(line, dateCol, dateCell, suffix);
      if (dateCell.includes(':') || dateCell.includes(' ')) {
        this.report.fail(line, this.colName(dateCol), `expected a date alone${suffix}, got ${quote(dateCell)}`);
      }
      const tod = rows.timeOfDay(this.todCol);
      if (Number.isNaN(tod)) {
        this.report.fail(line, this.colName(this.todCol), `expected a time of day like 09:30 or 09:30:00, got ${quote(rows.field(this.todCol))}`);
      }
      day += tod;
      tDayFirst += tod;
      t = day;
    } else if (r.numericTimes) {
      t = rows.number(h.timeCol);
      if (Number.isNaN(t)) this.badTime(line, h.timeCol, rows.field(h.timeCol), '');
      const a = Math.abs(t);
      if (a > r.maxAbsTime) r.maxAbsTime = a;
    } else if (r.kind === 'iso') {
      t = rows.isoTime(h.timeCol);
      if (Number.isNaN(t)) this.badTime(line, h.timeCol, rows.field(h.timeCol), '');
    } else {
      const cell = rows.field(h.timeCol);
      t = this.otherDate(cell, false);
      if (r.kind === 'slash') tDayFirst = this.otherDate(cell, true);
      if (Number.isNaN(t) && Number.isNaN(tDayFirst)) this.badTime(line, h.timeCol, cell, '');
    }
    if (r.dayFirstTime !== null) {
      r.dayFirstTime[r.n] = tDayFirst;
      if (Number.isNaN(t) && r.dayFirstLine === 0) r.dayFirstLine = line;
      if (Number.isNaN(tDayFirst) && r.monthFirstLine === 0) r.monthFirstLine = line;
    }
    return t;
  }

  /** The general path: one record, every check, every message. Returns false, having stored
   * nothing, when the record may go on past the end of a piece of the file (not `final`). */
  private row(final: boolean): boolean {
    const { rows, h, r } = this;
    const line = rows.line;
    const start = rows.pos;
    if (final) rows.readRecord();
    else {
      try {
        rows.readRecord();
      } catch (e) {
        if (e instanceof ParseError) return false; // an open quote: the rest is in the next piece
        throw e;
      }
      if (rows.pos >= rows.len && !endsLine(rows.text)) return false;
    }
    if (rows.pos - start > MAX_ROW_CHARS) this.rowTooLong(line);
    this.checkFieldCount(line);
    // Yahoo Finance writes `date,null,null,...` for days without a price: such a row is skipped.
    let allNull = true;
    for (const col of this.priceCols) {
      if (!rows.isNull(col)) {
        allNull = false;
        break;
      }
    }
    if (allNull) {
      if (this.nullRows++ === 0) this.nullRowLine = line;
      return true;
    }
    if (r.n >= r.capacity) this.reserve(Math.max(16, r.n)); // see store()
    if (r.n === 0) this.decideTimes();
    const t = this.rowTime(line);
    const c = this.price(h.closeCol, line);
    let o = c;
    let hi = c;
    let l = c;
    if (!h.closeOnly) {
      o = this.price(h.openCol, line);
      hi = this.price(h.highCol, line);
      l = this.price(h.lowCol, line);
    }
    let v = NaN;
    if (h.volumeCol >= 0) v = this.optionalVolume(h.volumeCol, line);
    const tick = r.tickVolume !== null ? this.optionalVolume(h.tickVolumeCol, line) : NaN;
    this.store(line, t, o, hi, l, c, v, tick);
    return true;
  }

  /** Appends one bar and keeps the counts the checks after the rows report. */
  private store(line: number, t: number, o: number, h: number, l: number, c: number, v: number, tick: number): void {
    // The columns were sized by counting line ends, which a quoted LF in a CR-only file outnumbers.
    if (this.r.n >= this.r.capacity) this.reserve(Math.max(16, this.r.n));
    storeBar(this.r, this.h.closeOnly, line, t, o, h, l, c, v, tick);
  }

  /** The fast path: a row of plain fields (no quotes, no spaces, one field per column) whose time
   * is a unix number or an ISO time and whose prices and volumes are plain decimals of at most 15
   * digits (read exactly as scanNumber reads them). Returns false, having consumed nothing, for any
   * other row. */
  private fastRow(final: boolean): boolean {
    const rows = this.rows;
    const text = rows.text;
    const len = rows.len;
    const delim = rows.delim;
    const roles = this.roles;
    const values = this.values;
    const last = roles.length - 1;
    let p = rows.pos;
    for (let col = 0; col <= last; col++) {
      const role = roles[col];
      let c = p < len ? text.charCodeAt(p) : -1;
      if (role === SKIP) {
        while (c !== delim && c !== 10 && c !== 13 && c !== -1) {
          if (c === 34 /* " */) return false;
          c = ++p < len ? text.charCodeAt(p) : -1;
        }
      } else if (role === TIME && this.isoTimes) {
        const start = p;
        while (c !== delim && c !== 10 && c !== 13 && c !== -1) c = ++p < len ? text.charCodeAt(p) : -1;
        if (p === start) return false;
        const first = text.charCodeAt(start);
        const end = text.charCodeAt(p - 1);
        if (first === 32 || first === 9 || first === 34 || end === 32 || end === 9) return false;
        const t = scanIsoTime(text, start, p);
        if (t !== t) return false;
        values[TIME] = t;
      } else {
        let negative = false;
        if (c === 45 /* - */) {
          negative = true;
          c = ++p < len ? text.charCodeAt(p) : -1;
        }
        let mantissa = 0;
        let digits = 0;
        let fraction = 0;
        while (c >= 48 && c <= 57) {
          mantissa = mantissa * 10 + (c - 48);
          digits++;
          c = ++p < len ? text.charCodeAt(p) : -1;
        }
        if (c === 46 /* . */) {
          c = ++p < len ? text.charCodeAt(p) : -1;
          while (c >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            digits++;
            fraction++;
            c = ++p < len ? text.charCodeAt(p) : -1;
          }
        }
        if (digits === 0 || digits > 15) return false;
        if (c !== delim && c !== 10 && c !== 13 && c !== -1) return false;
        // As scanNumber: at most 15 digits form an exact integer, and one division by an exact
        // power of ten rounds correctly.
        const v = fraction === 0 ? mantissa : mantissa / (POW10[fraction] as number);
        values[role] = negative ? -v : v;
      }
      if (col < last) {
        if (c !== delim) return false;
        p++;
      } else if (c === delim) {
        return false; // more fields than columns: the general path decides
      } else if (c === 13) {
        p++;
        if (p < len && text.charCodeAt(p) === 10) p++;
        else if (p >= len && !final) return false; // a CR at the end of a piece: is an LF next?
      } else if (c === 10) {
        p++;
      } else if (!final) {
        return false; // the end of a piece, not of the row
      }
    }
    const h = this.h;
    const line = rows.line;
    rows.pos = p;
    rows.line = line + 1;
    const t = values[TIME] as number;
    const r = this.r;
    if (!this.isoTimes) {
      const a = Math.abs(t);
      if (a > r.maxAbsTime) r.maxAbsTime = a;
    }
    const c = values[CLOSE] as number;
    const o = h.closeOnly ? c : (values[OPEN] as number);
    const hi = h.closeOnly ? c : (values[HIGH] as number);
    const l = h.closeOnly ? c : (values[LOW] as number);
    const v = h.volumeCol >= 0 ? (values[VOLUME] as number) : NaN;
    const tick = r.tickVolume !== null ? (values[TICK_VOLUME] as number) : NaN;
    this.store(line, t, o, hi, l, c, v, tick);
    return true;
  }
}

/** Appends one bar to `r` (which has room for it) and keeps the counts the checks after the rows
 * report. Shared with the byte loader (csv-bytes.ts). */
export function storeBar(
  r: CsvRows, closeOnly: boolean, line: number, t: number, o: number, h: number, l: number, c: number, v: number, tick: number,
): void {
  if (!closeOnly) {
    if (h < l) {
      if (r.badRange++ === 0) {
        r.badRangeLine = line;
        r.badRangeText = `high ${h} is below low ${l}`;
      }
    } else if (o > h || o < l || c > h || c < l) {
      if (r.outside++ === 0) {
        r.outsideLine = line;
        r.outsideText = `${o > h || o < l ? `open ${o}` : `close ${c}`} is outside low..high (${l}..${h})`;
      }
    }
  }
  if (v !== 0 && !Number.isNaN(v)) r.volumeNonZero = true;
  if (v < 0 && r.negativeVolume++ === 0) {
    r.negativeVolumeLine = line;
    r.negativeVolumeValue = v;
  }
  if (r.tickVolume !== null) r.tickVolume[r.n] = tick;
  const b = r.bars;
  const n = r.n;
  b.time[n] = t;
  b.open[n] = o;
  b.high[n] = h;
  b.low[n] = l;
  b.close[n] = c;
  b.volume[n] = v;
  r.rowLine[n] = line;
  r.n = n + 1;
}

/** Whether a piece of a file ends with a line end that cannot be the CR of a CRLF pair. */
function endsLine(text: string): boolean {
  return text.charCodeAt(text.length - 1) === 10;
}

/** Reads every data row after the header into bars; fails on the first bad row. */
export function readRows(text: string, header: CsvHeader, report: Reporter): CsvRows {
  const reader = new RowReader(text, header, report, countLines(text, header.pos));
  reader.readText(text, header.pos, true);
  return reader.finish();
}

/** Reads the data rows of a file that comes in pieces: `first` holds the header (which ends at
 * `header.pos`), `next` gives the following pieces and null at the end, `totalLength` is the
 * file's length in characters if known (else 0). A row may be cut anywhere between pieces. */
export function readRowsInPieces(
  first: string, header: CsvHeader, report: Reporter, next: () => string | null, totalLength: number,
): CsvRows {
  // Columns sized for the whole file, from the first piece's lines per character and the file's
  // length (2% over), so that they rarely grow and end close to the bars read.
  const lines = countLines(first, header.pos);
  const estimate = totalLength > first.length ? Math.ceil((lines * totalLength * 1.02) / Math.max(1, first.length - header.pos)) + 16 : lines;
  const reader = new RowReader(first, header, report, estimate);
  let text = first;
  let pos = header.pos;
  for (;;) {
    const piece = next();
    if (piece === null) break;
    const rest = reader.readText(text, pos, false);
    // A row that pieces keep extending would be scanned again at each piece (quadratic time).
    if (text.length - rest > MAX_ROW_CHARS) reader.rowTooLong(reader.line);
    text = text.slice(rest) + piece;
    pos = 0;
  }
  reader.readText(text, pos, true);
  return reader.finish();
}
