// The output file of `evergreen run --out <file>`, written over in place: opened without
// truncating it, written from its start, then cut to the length written. The bytes in the file at
// the end are the same as with a truncating open, but an existing file's cached pages are reused:
// truncating a 12 MB output (bench (a)'s JSON, written again by every run) freed ~3,000 pages in
// the open (6-15 ms), and the writes then filled fresh ones (measured in BENCHMARKS.md, stop 21).
// Only a regular file is cut (a FIFO or a device has no length); a failed write still cuts the file
// to what was written before it, as a truncating open would have left it.

import { closeSync, constants, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/** Write-only, created when missing (mode 0o666 less the umask, as `openSync(path, 'w')`), not
 * truncated. */
const OVERWRITE = constants.O_WRONLY | constants.O_CREAT;

export class OutFile {
  private written = 0;
  private readonly fd: number;
  private readonly regular: boolean;

  /** Opens `path` (throws the system error). */
  constructor(path: string) {
    const fd = openSync(path, OVERWRITE, 0o666);
    this.fd = fd;
    let regular = false;
    try {
      regular = fstatSync(fd).isFile();
    } catch {
      regular = false;
    }
    this.regular = regular;
  }

  /** Writes `chunk` after what was written (throws the system error). */
  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) at += writeSync(this.fd, chunk, at, chunk.length - at);
    this.written += chunk.length;
  }

  /** Cuts the file to what was written and closes it (throws the system error). */
  finish(): void {
    try {
      if (this.regular) ftruncateSync(this.fd, this.written);
    } finally {
      closeSync(this.fd);
    }
  }

  /** After a failure: cuts and closes, as best it can (the failure is what gets reported). */
  abandon(): void {
    try {
      this.finish();
    } catch {
      // the first error is the one to report
    }
  }
}
