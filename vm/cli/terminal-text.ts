// Text the CLI prints (stderr, and stdout when it is text rather than JSON) with the characters a
// terminal would act on shown as escapes instead: C0 and C1 control characters (ESC starts colour
// and cursor sequences, CR overwrites a line, BEL rings) and Unicode's invisible direction
// overrides, which can make a line read differently from what it holds. Newlines and tabs stay.
// A script's log messages, alerts, runtime errors, titles and string values all pass through here.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 13) return '\\r';
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character except newline and tab written as `\xHH` (`\r` for CR)
 * or `\uHHHH`: ESC becomes the four characters `\x1b`. */
export function escapeControls(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, escapeOne) : text;
}

/** Writes text to stderr with its control characters escaped. */
export function printErr(text: string): void {
  process.stderr.write(escapeControls(text));
}

/** Writes text to stdout with its control characters escaped. */
export function printOut(text: string): void {
  stdout().write(escapeControls(text));
}

let stdoutReady = false;

/** process.stdout, with the CLI's handler for its write errors installed on first use: a run that
 * writes to a file (`--out`) never makes the stream (for a pipe, Node loads its socket and stream
 * modules then: ~4 ms of start-up). `evergreen run ... | head` closes stdout early: that is not an
 * error worth a stack trace. */
export function stdout(): NodeJS.WriteStream {
  const out = process.stdout;
  if (!stdoutReady) {
    stdoutReady = true;
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      printErr(`evergreen: cannot write the output: ${e.message}\n`);
      process.exit(1);
    });
  }
  return out;
}
