// Diagnostics: every compile-time problem is a Diagnostic with a stable code, a severity, a span of
// source offsets and a message that quotes the source. Line:column is derived from offsets only
// when printing (`formatDiagnostic`) or when a host asks (`lineCol`).

/** Source offsets [start, end); the same shape as the parser's `Span` (compiler/ast.ts). */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable code: E1xx lexer, E2xx parser, E3xx names/types, E4xx semantics, E5xx unsupported. */
  code: string;
  severity: Severity;
  span: Span;
  message: string;
  /** 1-based line and column of span.start, filled by `compile()` for hosts that need them. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Offsets of the start of each line, for offset → line:column conversion. */
export class LineMap {
  private readonly starts: number[];
  constructor(readonly source: string) {
    const starts = [0];
    for (let i = 0; i < source.length; i++) {
      if (source.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.starts = starts;
  }

  /** 1-based line and column of a source offset. */
  lineCol(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  lineText(line: number): string {
    const start = this.starts[line - 1] ?? 0;
    const next = this.starts[line];
    const end = next === undefined ? this.source.length : next - 1;
    return this.source.slice(start, end).replace(/\r$/, '');
  }
}

/** A message quoting a hostile script (a name, string or color of a million characters) stays one
 * readable line: a message over 1,000 characters has each quoted text of 300 characters or more cut
 * to its first 60 and its length, and is then at most 1,000 characters. Ordinary messages (which may
 * quote a line of the script, or hold apostrophes in prose) are never touched. */
export function shortenMessage(message: string): string {
  if (message.length <= 1000) return message;
  const short = message.replace(/(['`"])([^'`"\n]{300,})\1/g, (_m, q: string, text: string) => `${q}${text.slice(0, 60)}…${q} (${text.length.toLocaleString('en-US')} characters)`);
  return short.length > 1000 ? `${short.slice(0, 999)}…` : short;
}

/** Builds diagnostics against one source text. Stages push into one shared list. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  readonly lines: LineMap;
  constructor(readonly source: string) {
    this.lines = new LineMap(source);
  }

  add(code: string, severity: Severity, span: Span, message: string): void {
    const a = this.lines.lineCol(span.start);
    const b = this.lines.lineCol(Math.max(span.start, span.end));
    this.list.push({
      code,
      severity,
      span,
      message: shortenMessage(message),
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
    });
  }

  error(code: string, span: Span, message: string): void {
    this.add(code, 'error', span, message);
  }

  warning(code: string, span: Span, message: string): void {
    this.add(code, 'warning', span, message);
  }

  /** The source text of a span, shortened for quoting in a message. */
  quote(span: Span, max = 40): string {
    const text = this.source.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/** `file:line:col: code: message` — the format of `evergreen check`. */
export function formatDiagnostic(d: Diagnostic, file: string): string {
  return `${file}:${d.line}:${d.column}: ${d.code}: ${d.message}`;
}
