// Reads a bar file for `evergreen run` 64 kB at a time: the bytes are decoded piece by piece
// and handed to the CSV loader's piece-wise parser, so that a large file (40 MB for a million
// bars) never sits in memory twice, as bytes and as one string. UTF-16 files (a byte order mark)
// are left to the caller, which decodes them whole.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type ParsedBars, parseBarsCsvPieces } from '../data/csv.js';

const PIECE_BYTES = 64 << 10; // small enough that each decoded piece is a young-generation string, collected at once

/** The bars of the UTF-8 CSV file at `path`, or null when the file starts with a UTF-16 byte order
 * mark. `cannotRead` turns a system error (no such file, a directory, ...) into the CLI's error. */
export function readBarsFile(path: string, name: string, cannotRead: (e: unknown) => never): ParsedBars | null {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    cannotRead(e);
  }
  try {
    let size = 0;
    try {
      size = fstatSync(fd).size;
    } catch {
      size = 0; // a pipe or device: the columns grow as needed
    }
    const buf = Buffer.allocUnsafe(PIECE_BYTES);
    const read = (): number => {
      try {
        return readSync(fd, buf, 0, PIECE_BYTES, null);
      } catch (e) {
        return cannotRead(e);
      }
    };
    let n = read();
    if (n >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) return null;
    // The loader skips a UTF-8 byte order mark itself: keep it in the text, as a whole-file decode does.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let pending = true; // `n` bytes in `buf` not yet decoded
    let ended = false;
    return parseBarsCsvPieces(() => {
      if (ended) return null;
      if (!pending) n = read();
      pending = false;
      if (n > 0) return decoder.decode(buf.subarray(0, n), { stream: true });
      ended = true;
      return decoder.decode(); // a character cut by the end of the file, as U+FFFD
    }, { name, totalLength: size });
  } finally {
    closeSync(fd);
  }
}
