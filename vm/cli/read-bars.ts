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
    let held = 0; // bytes at the start of `buf` not yet decoded (the end of a line)
    const read = (): number => {
      try {
        return readSync(fd, buf, held, PIECE_BYTES - held, null);
      } catch (e) {
        return cannotRead(e);
      }
    };
    let n = read();
    if (n >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) return null;
    // The loader skips a UTF-8 byte order mark itself: keep it in the text, as a whole-file decode does.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let pending = true; // `n` bytes after `held` in `buf` not yet decoded
    let ended = false;
    return parseBarsCsvPieces(() => {
      if (ended) return null;
      if (!pending) n = read();
      pending = false;
      const total = held + n;
      if (n === 0) {
        ended = true;
        return decoder.decode(buf.subarray(0, total)); // the last line, and a character it cuts as U+FFFD
      }
      // Pieces end after a line feed (ASCII, so never inside a character): rows then rarely span
      // two pieces, and the loader need not join strings. A line longer than the buffer is cut.
      const cut = total < PIECE_BYTES ? total : buf.lastIndexOf(10, total - 1) + 1 || total;
      const piece = decoder.decode(buf.subarray(0, cut), { stream: true });
      buf.copyWithin(0, cut, total);
      held = total - cut;
      return piece;
    }, { name, totalLength: size });
  } finally {
    closeSync(fd);
  }
}
