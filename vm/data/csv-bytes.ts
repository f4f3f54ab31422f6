// The CSV loader straight from a file's bytes, for the common shape only: an ASCII header, then
// rows of plain fields (no quotes or spaces, one field per column) whose time is a unix number and
// whose prices and volumes are plain decimals of at most 15 digits. It reads each number as it
// scans the bytes, never making a string of the file (the CLI's `run` reads a large file this way,
// in a worker thread while the script compiles: vm/cli/fast-bars.ts).
//
// It returns null, having reported nothing, for any file it does not read exactly as the text
// loader (csv.ts) would: another shape (quotes, ISO dates, a date + time of day, blank lines with
// spaces, null rows...), any error or anything unusual. The caller then reads the file with
// parseBarsCsv, which alone produces every error message. On a file it accepts, the bars, the
// warnings and their lines are the text loader's: the same header step, the same numbers (the
// text loader's fast path, csv-rows.ts, read over bytes), and the same checks after the rows.

import { createBars } from './bars.js';
import { Reporter } from './csv-error.js';
import { readHeader } from './csv-header.js';
import { CLOSE, HIGH, LOW, OPEN, POW10, SKIP, TICK_VOLUME, TIME, VOLUME, setColumnRoles, type CsvRows, storeBar } from './csv-rows.js';
import { countLines, detectDelimiter, sniffNotCsv } from './csv-scanner.js';
import { afterRows, type ParsedBars } from './csv.js';

/** Bytes decoded for the header step (the text loader's first piece holds at least 4 KB). */
const HEAD_BYTES = 64 << 10;

/** Bytes the header step must see as ASCII: sniffNotCsv reads the first 4096 characters, which
 * are then the first 4096 bytes (a character of another script would be several). */
const ASCII_BYTES = 16 << 10;

/** A character that is not ASCII (searched for natively: a loop over the 64 kB head's bytes ran
 * unoptimised in a fresh process, ~3-5 ms). */
const NOT_ASCII = /[^\x00-\x7f]/;

/** `bytes[from, to)` as text, one character per byte (Latin-1: the same as UTF-8 for ASCII). */
function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i += 4096) s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
  return s;
}

/** Bars from the bytes of a UTF-8 CSV file, or null when the text loader must read it (see above).
 * `name` is the file name in warnings, as parseBarsCsv's option. */
export function parseBarsBytes(bytes: Uint8Array, name: string | null): ParsedBars | null {
  let given = false;
  return parseBarsByteChunks(() => {
    if (given) return null;
    given = true;
    return bytes;
  }, bytes.length, name);
}

/** The same over a file read in chunks: `next()` gives each chunk in order and null at the end.
 * Every chunk but the last ends right after a line feed (so no row is cut), and the first holds the
 * first 64 kB of the file (or all of it); a chunk is read to its end before the next is asked for,
 * so one buffer may be reused. `totalLength` is the file's size (it sizes the columns). */
export function parseBarsByteChunks(next: () => Uint8Array | null, totalLength: number, name: string | null): ParsedBars | null {
  try {
    return parse(next, totalLength, name);
  } catch {
    return null; // an error: the text loader says it
  }
}

function parse(next: () => Uint8Array | null, totalLength: number, name: string | null): ParsedBars | null {
  let bytes = next();
  if (bytes === null) return null;
  const len = bytes.length;
  const whole = len >= totalLength;
  // The header step runs on the first bytes as text (a UTF-8 BOM is the text's U+FEFF).
  const bomBytes = len >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // The head: the first 64 kB, ending after a line feed and before any byte that is not ASCII.
  const limit = Math.min(len, HEAD_BYTES);
  const text = ascii(bytes, bomBytes, limit);
  const notAscii = text.search(NOT_ASCII);
  const asciiEnd = notAscii < 0 ? limit : bomBytes + notAscii;
  if (asciiEnd < Math.min(len, ASCII_BYTES)) return null;
  const headEnd = asciiEnd === len && whole ? len : bytes.lastIndexOf(10, asciiEnd - 1) + 1;
  if (headEnd <= bomBytes) return null;
  const rest = text.slice(0, headEnd - bomBytes);
  const head = bomBytes > 0 ? `\ufeff${rest}` : rest;
  const bom = bomBytes > 0 ? 1 : 0;
  if (sniffNotCsv(head, bom) !== null) return null;
  const report = new Reporter(name);
  const h = readHeader(head, bom, detectDelimiter(head, bom), report);
  if (h.pos >= head.length && !(whole && headEnd === len)) return null; // the header row goes on past the head
  if (h.todCol >= 0) return null; // date + time of day: decided on the first row by the text loader

  // Columns sized as the text loader sizes them for a file read in pieces.
  const lines = countLines(head, h.pos);
  const total = Math.max(totalLength, len);
  const capacity = total > headEnd ? Math.ceil((lines * total * 1.02) / Math.max(1, head.length - h.pos)) + 16 : lines;
  const r: CsvRows = {
    bars: createBars(capacity), n: 0, capacity, rowLine: new Int32Array(capacity),
    numericTimes: true, kind: 'iso', maxAbsTime: 0, dateCol: h.timeCol, firstDateCell: '',
    dayFirstTime: null, dayFirstLine: 0, monthFirstLine: 0,
    tickVolume: h.tickVolumeCol >= 0 ? new Float64Array(capacity) : null,
    volumeNonZero: false,
    badRange: 0, badRangeLine: 0, badRangeText: '', outside: 0, outsideLine: 0, outsideText: '',
    negativeVolume: 0, negativeVolumeLine: 0, negativeVolumeValue: 0,
  };
  const roles = new Uint8Array(h.ncols);
  setColumnRoles(roles, h);
  const reader = new ByteRow(h.delim, roles);
  reader.line = h.line;
  let p = h.pos + (bomBytes > 0 ? bomBytes - 1 : 0);
  for (;;) {
    reader.start(bytes);
    if (chunkRows(reader, r, p, h.closeOnly, h.volumeCol >= 0) < 0) return null;
    // A chunk that does not end after a line feed may have cut a row (or a CR from its LF).
    const cut = bytes.length === 0 || bytes[bytes.length - 1] !== 10;
    const more = next();
    if (more === null) break;
    if (cut) return null;
    bytes = more;
    p = 0;
  }
  if (r.n === 0) return null;
  return afterRows(h, r, report);
}

/** Rows a call of plainRows reads at most (see chunkRows). */
const PLAIN_BATCH = 512;

/** The rows of the reader's chunk from `p` on, into `r`: the chunk's end, or -1 when a row is not
 * of this loader's shape. A function of its own (not a loop inside parse) so that V8 optimises it
 * early and small: inside parse, the loop was compiled on-stack with the whole function (~60 ms of
 * compiling, during which it ran unoptimised) and deoptimised at the first chunk's end. */
function chunkRows(reader: ByteRow, r: CsvRows, p: number, closeOnly: boolean, hasVolume: boolean): number {
  const values = reader.values;
  const end = reader.length;
  const bytes = reader.chunk;
  // The plainest rows (see plainRow) are read by plainRows up to the chunk's last line feed, which
  // ends every scan there; any other row, and the first (whose time cell is kept), here.
  const plainEnd = reader.allNumeric ? bytes.lastIndexOf(10, end - 1) + 1 : 0;
  let line = reader.line;
  for (;;) {
    if (p < plainEnd && r.n > 0) {
      const n0 = r.n;
      // PLAIN_BATCH rows a call at most: V8 then compiles plainRows once, for its next call, instead
      // of first on-stack for the loop in progress and then again for the next call (two TurboFan
      // compiles of the hot loop on a background thread, 15-60 ms each at load 9).
      for (;;) {
        const stop = Math.min(r.capacity, r.n + PLAIN_BATCH);
        p = plainRows(bytes, p, plainEnd, reader.delimiter, reader.roleList, values, r, stop, closeOnly, hasVolume, line + (r.n - n0));
        if (r.n < stop || stop === r.capacity || p >= plainEnd) break;
      }
      line += r.n - n0;
    }
    p = reader.skipBlankLines(p);
    line += reader.blankLines;
    if (p >= end) break;
    p = reader.row(p);
    if (p < 0) return -1;
    if (r.n === 0) r.firstDateCell = ascii(reader.chunk, reader.timeStart, reader.timeEnd);
    if (r.n >= r.capacity) grow(r, Math.max(r.n + 16, Math.ceil(r.capacity * 1.5)));
    storeRow(r, values, closeOnly, hasVolume, line);
    line++;
  }
  reader.line = line;
  return p;
}

/** The row just read into `values` (by role), as bar r.n, from line `line`. */
function storeRow(r: CsvRows, values: Float64Array, closeOnly: boolean, hasVolume: boolean, line: number): void {
  const t = values[TIME] as number;
  const a = Math.abs(t);
  if (a > r.maxAbsTime) r.maxAbsTime = a;
  const cl = values[CLOSE] as number;
  storeBar(
    r, closeOnly, line, t,
    closeOnly ? cl : (values[OPEN] as number), closeOnly ? cl : (values[HIGH] as number), closeOnly ? cl : (values[LOW] as number), cl,
    hasVolume ? (values[VOLUME] as number) : NaN, r.tickVolume !== null ? (values[TICK_VOLUME] as number) : NaN,
  );
}

/** The rows from `p` on that plainRow reads, stored from line `line` on, up to row `stop` (at most
 * the columns' capacity): where it stopped (`end`, or the start of a row left to the general
 * reader). The hot loop of a common file, small and in a function of its own so that V8 compiles it
 * early and quickly, and never meets code it has not run (which would throw its compiled code away). */
function plainRows(
  bytes: Uint8Array, p: number, end: number, delim: number, roles: Uint8Array, values: Float64Array,
  r: CsvRows, stop: number, closeOnly: boolean, hasVolume: boolean, line: number,
): number {
  while (p < end && r.n < stop) {
    const q = plainRow(bytes, p, delim, roles, values);
    if (q < 0) break;
    storeRow(r, values, closeOnly, hasVolume, line++);
    p = q;
  }
  return p;
}

/** One row at `p` of the plainest shape only: every column a number (a `-`, digits, then at most
 * one `.` and digits; 1 to 15 digits), the fields separated by `delim`, the row ended by a line
 * feed, into `values` by role; where the next line starts, or -1 for any other row (which the
 * general reader then reads: ByteRow.row accepts every row this does, and reads the same values).
 * A line feed must follow `p` in `bytes`: every scan stops at one. */
function plainRow(bytes: Uint8Array, p: number, delim: number, roles: Uint8Array, values: Float64Array): number {
  const last = roles.length - 1;
  for (let col = 0; ; col++) {
    let c = bytes[p] as number;
    let negative = false;
    if (c === 45 /* - */) {
      negative = true;
      c = bytes[++p] as number;
    }
    let mantissa = 0;
    const start = p;
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      c = bytes[++p] as number;
    }
    let digits = p - start;
    let fraction = 0;
    if (c === 46 /* . */) {
      const dot = ++p;
      c = bytes[p] as number;
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        c = bytes[++p] as number;
      }
      fraction = p - dot;
      digits += fraction;
    }
    if (digits === 0 || digits > 15) return -1;
    const v = fraction === 0 ? mantissa : mantissa / (POW10[fraction] as number);
    values[roles[col] as number] = negative ? -v : v;
    if (col === last) return c === 10 ? p + 1 : -1;
    if (c !== delim) return -1;
    p++;
  }
}

/** Reads rows of plain fields from bytes. */
class ByteRow {
  /** The values of the row just read, by role. */
  readonly values = new Float64Array(8);
  /** Where the last row's time field was. */
  timeStart = 0;
  timeEnd = 0;
  /** Blank lines the last skipBlankLines passed. */
  blankLines = 0;
  /** The line number of the next row (for chunkRows). */
  line = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private len = 0;
  private readonly last: number;

  constructor(
    private readonly delim: number,
    private readonly roles: Uint8Array,
  ) {
    this.last = roles.length - 1;
    this.allNumeric = roles.every((role) => role !== SKIP);
  }

  /** Whether every column is read as a number (none skipped): plainRow may read the rows. */
  readonly allNumeric: boolean;

  get roleList(): Uint8Array {
    return this.roles;
  }

  get delimiter(): number {
    return this.delim;
  }

  /** Reads from `bytes` (the next chunk of the file) from now on. */
  start(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.len = bytes.length;
  }

  /** The chunk being read, and its length. */
  get chunk(): Uint8Array {
    return this.bytes;
  }

  get length(): number {
    return this.len;
  }

  /** Past the blank lines at `p` (nothing but spaces, and tabs unless tab is the delimiter), as
   * RowScanner skips them; counts them in `blankLines`. */
  skipBlankLines(p: number): number {
    const { bytes, len, delim } = this;
    let lines = 0;
    while (p < len) {
      let q = p;
      let c = bytes[q] as number;
      while (c === 32 || (c === 9 && delim !== 9)) c = ++q < len ? (bytes[q] as number) : -1;
      if (c === -1) {
        p = len;
        break;
      }
      if (c === 10) p = q + 1;
      else if (c === 13) {
        p = q + 1;
        if (p < len && bytes[p] === 10) p++;
      } else break;
      lines++;
    }
    this.blankLines = lines;
    return p;
  }

  /** One row at `p`, as csv-rows.ts's fast path reads it (the whole file is here: no piece ends):
   * where the next line starts, or -1 when the row is not of that shape. */
  row(p: number): number {
    const { bytes, len, delim, roles, values, last } = this;
    for (let col = 0; col <= last; col++) {
      const role = roles[col] as number;
      let c = p < len ? (bytes[p] as number) : -1;
      if (role === SKIP) {
        while (c !== delim && c !== 10 && c !== 13 && c !== -1) {
          if (c === 34 /* " */) return -1;
          c = ++p < len ? (bytes[p] as number) : -1;
        }
      } else {
        const start = p;
        let negative = false;
        if (c === 45 /* - */) {
          negative = true;
          c = ++p < len ? (bytes[p] as number) : -1;
        }
        let mantissa = 0;
        let digits = 0;
        let fraction = 0;
        while (c >= 48 && c <= 57) {
          mantissa = mantissa * 10 + (c - 48);
          digits++;
          c = ++p < len ? (bytes[p] as number) : -1;
        }
        if (c === 46 /* . */) {
          c = ++p < len ? (bytes[p] as number) : -1;
          while (c >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            digits++;
            fraction++;
            c = ++p < len ? (bytes[p] as number) : -1;
          }
        }
        if (digits === 0 || digits > 15) return -1;
        if (c !== delim && c !== 10 && c !== 13 && c !== -1) return -1;
        if (role === TIME) {
          this.timeStart = start;
          this.timeEnd = p;
        }
        const v = fraction === 0 ? mantissa : mantissa / (POW10[fraction] as number);
        values[role] = negative ? -v : v;
      }
      if (col < last) {
        if (c !== delim) return -1;
        p++;
      } else if (c === delim) {
        return -1; // more fields than columns
      } else if (c === 13) {
        p++;
        if (p < len && bytes[p] === 10) p++;
      } else if (c === 10) {
        p++;
      }
    }
    return p;
  }
}

/** Room for `capacity` bars (as the text loader's reserve). */
function grow(r: CsvRows, capacity: number): void {
  const n = r.n;
  const more = (a: Float64Array): Float64Array => {
    const b = new Float64Array(capacity);
    b.set(a.subarray(0, n));
    return b;
  };
  const b = r.bars;
  const volume = more(b.volume);
  volume.fill(NaN, n);
  r.bars = { time: more(b.time), open: more(b.open), high: more(b.high), low: more(b.low), close: more(b.close), volume, length: capacity };
  const rowLine = new Int32Array(capacity);
  rowLine.set(r.rowLine.subarray(0, n));
  r.rowLine = rowLine;
  if (r.tickVolume !== null) r.tickVolume = more(r.tickVolume);
  r.capacity = capacity;
}
