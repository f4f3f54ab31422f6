// Reads a whole input file of the CLI (a script, a library, a symbol file, a snapshot, bars from
// stdin) with a size bound: a regular file larger than the bound is refused before it is read, and
// anything else (a pipe, /dev/zero, a growing file) is read in pieces until the bound is passed.
// `readFileSync` would read /dev/zero forever and a 3 GB file into an error that names no file.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The bounds, by what is read. Each is far above a real file of its kind. */
export const READ_LIMITS = {
  /** A Pine script or library: 16 MiB (a 25,000-line script is 1 MB). */
  script: 16 << 20,
  /** A symbol file (TOML): 1 MiB. */
  symbol: 1 << 20,
  /** A snapshot or checkpoint file: 512 MiB (a million bars with their plots is ~100 MB). */
  snapshot: 512 << 20,
  /** Bars read whole (stdin, UTF-16 files): 512 MiB, about the longest string V8 makes. */
  bars: 512 << 20,
} as const;

/** Why a bounded read failed: the file is larger than `limit` bytes. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`it is larger than ${formatBytes(limit)}, the most this command reads of such a file`);
  }
}

export function formatBytes(n: number): string {
  return n >= 1 << 30 ? `${n / (1 << 30)} GiB` : n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`;
}

/** The bytes of `path` (or of the open descriptor `path`), at most `limit` of them; TooLargeError
 * past that. System errors (no such file, a directory) are thrown as Node gives them. */
export function readFileBounded(path: string | number, limit: number): Buffer {
  const fd = typeof path === 'number' ? path : openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    if (st.isFile() && st.size > limit) throw new TooLargeError(limit);
    const parts: Buffer[] = [];
    let total = 0;
    // A regular file is read into one buffer of its size (then one more read finds its end).
    let size = st.isFile() && st.size > 0 ? st.size : 1 << 16;
    for (;;) {
      const room = Math.min(size, limit + 1 - total);
      const buf = Buffer.allocUnsafe(room);
      let filled = 0;
      while (filled < room) {
        const n = readSync(fd, buf, filled, room - filled, null);
        if (n === 0) break;
        filled += n;
      }
      total += filled;
      if (total > limit) throw new TooLargeError(limit);
      if (filled > 0) parts.push(filled === room ? buf : buf.subarray(0, filled));
      if (filled < room) break;
      size = 1 << 16;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
  } finally {
    if (typeof path !== 'number') closeSync(fd);
  }
}
