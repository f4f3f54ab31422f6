// Runtime errors: one error type carrying a code, the bar index, the source location and the script
// call stack. `toJSON()` gives plain data that crosses the worker boundary; `fromData` rebuilds it.

export interface StackFrame {
  /** Function name ('main' for the script body). */
  fn: string;
  line: number;
  column: number;
}

export interface PineRuntimeErrorData {
  name: 'PineRuntimeError';
  code: string;
  message: string;
  bar: number;
  line: number;
  column: number;
  stack: StackFrame[];
}

export class PineRuntimeError extends Error {
  override readonly name = 'PineRuntimeError';
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly bar: number,
    readonly line: number,
    readonly column: number,
    readonly frames: StackFrame[],
  ) {
    super(`Runtime error at bar ${bar}, ${line}:${column}: ${detail}`);
  }

  toJSON(): PineRuntimeErrorData {
    return {
      name: 'PineRuntimeError',
      code: this.code,
      message: this.detail,
      bar: this.bar,
      line: this.line,
      column: this.column,
      stack: this.frames,
    };
  }

  static fromData(d: PineRuntimeErrorData): PineRuntimeError {
    return new PineRuntimeError(d.code, d.message, d.bar, d.line, d.column, d.stack);
  }
}

/** Thrown by Runtime.fail inside builtins; the interpreter turns it into a PineRuntimeError with
 * the location of the failing instruction. */
export class FailSignal {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}
