// The CSV loader's errors and warnings: ParseError (a file that cannot become bars, with the file,
// line and column it names), its plain-data form for crossing a worker boundary, and the Reporter
// each part of the loader uses to fail or warn with the same `file:line: column 'x': ` prefix.

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

export function locate(file: string | null, line: number): string {
  return file === null ? `line ${line}` : `${file}:${line}`;
}

/** A cell or text as shown in a message: JSON-quoted, cut to 40 characters. */
export function quote(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return JSON.stringify(short);
}

/** Where one parse reports: the first failure throws, warnings are collected in order. */
export class Reporter {
  readonly warnings: string[] = [];

  constructor(readonly file: string | null) {}

  fail(line: number, column: string | null, detail: string): never {
    throw new ParseError(this.file, line, column, detail);
  }

  warn(line: number, detail: string): void {
    this.warnings.push(`${locate(this.file, line)}: ${detail}`);
  }
}
