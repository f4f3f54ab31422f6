// The CSV loader's text layer: what kind of text a file is (sniffNotCsv), its delimiter, how many
// lines it has, and RowScanner, which splits one record at a time into field ranges (quotes,
// doubled quotes, CRLF/CR line ends and blank lines handled) without slicing the text.

import { ParseError, quote } from './csv-error.js';
import { scanNumber } from './scan-number.js';
import { scanIsoTime, scanTimeOfDay } from './scan-time.js';

/** How a field was written: its content range may need unquoting before use. */
export const PLAIN = 0;
export const QUOTED = 1; // content between the quotes, no doubled quotes inside
export const QUOTED_ESCAPES = 2; // content contains `""` pairs

/** Splits one record at a time out of the text. Field i of the last record is
 * `text.slice(starts[i], ends[i])` (quotes excluded), `kinds[i]` says whether it needs unquoting. */
export class RowScanner {
  text: string;
  len: number;
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

  /** Continues in another text (the rest of a file read in pieces), at `pos`. */
  reset(text: string, pos: number): void {
    this.text = text;
    this.len = text.length;
    this.pos = pos;
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

export function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Says what the text is when it is clearly not CSV, else null. Looks at the first 4 KB only. */
export function sniffNotCsv(text: string, start: number): string | null {
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
export function detectDelimiter(text: string, start: number): number {
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

export function countLines(text: string, start: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', start); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  if (n === 0) for (let i = text.indexOf('\r', start); i >= 0; i = text.indexOf('\r', i + 1)) n++;
  return n + 1;
}
