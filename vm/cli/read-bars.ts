// Reads a bar file for `evergreen run`. A regular file of the common shape is read 1 MB at a time
// by the byte loader (vm/data/csv-bytes.ts: numbers read straight from the bytes, no text made);
// any other file, or one the byte loader leaves to the text loader, is read 64 kB at a time: the
// bytes are decoded piece by piece and handed to the CSV loader's piece-wise parser, so that a
// large file (40 MB for a million bars) never sits in memory twice, as bytes and as one string.
// UTF-16 files (a byte order mark) are left to the caller, which decodes them whole. The bars may
// also have been read already by the helper thread (fast-path.ts).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type ParsedBars, parseBarsCsvPieces } from '../data/csv.js';
import { parseBarsByteChunks } from '../data/csv-bytes.js';
import { takePrefetchedBars } from './fast-path.js';

const PIECE_BYTES = 64 << 10; // small enough that each decoded piece is a young-generation string, collected at once
const CHUNK_BYTES = 1 << 20;

/** The bars of the regular file open as `fd` (`size` bytes) by the byte loader, or null when it
 * leaves the file to the text loader (another shape, an error, a read error). Reads at explicit
 * positions: the file's own position stays at its start for the text loader. */
export function readBarsBytes(fd: number, size: number, name: string): ParsedBars | null {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let held = 0; // bytes at the start of `buf` after the last chunk given (the start of a line)
  let given = 0; // bytes at the start of `buf` given as the last chunk
  let at = 0;
  let ended = false;
  return parseBarsByteChunks(() => {
    if (ended) return null;
    if (given > 0) {
      buf.copyWithin(0, given, given + held);
      given = 0;
    }
    let total = held;
    while (total < CHUNK_BYTES) {
      const n = readSync(fd, buf, total, CHUNK_BYTES - total, at);
      if (n === 0) {
        ended = true;
        break;
      }
      at += n;
      total += n;
    }
    if (ended) return total > 0 ? buf.subarray(0, total) : null;
    // Up to the last line feed (a line longer than the buffer: the whole buffer, which the loader refuses).
    const cut = buf.lastIndexOf(10, total - 1) + 1 || total;
    given = cut;
    held = total - cut;
    return buf.subarray(0, cut);
  }, size, name);
}

/** The bars of the UTF-8 CSV file at `path`, or null when the file starts with a UTF-16 byte order
 * mark. `cannotRead` turns a system error (no such file, a directory, ...) into the CLI's error. */
export function readBarsFile(path: string, name: string, cannotRead: (e: unknown) => never): ParsedBars | null {
  const prefetched = takePrefetchedBars(path, name);
  if (prefetched !== null) return prefetched;
  let fd = -1;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    cannotRead(e);
  }
  try {
    let size = 0;
    let regular = false;
    try {
      const stat = fstatSync(fd);
      size = stat.size;
      regular = stat.isFile();
    } catch {
      size = 0; // a pipe or device: the columns grow as needed
    }
    if (regular) {
      const bars = readBarsBytes(fd, size, name);
      if (bars !== null) return bars;
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
