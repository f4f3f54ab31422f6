// The snapshot checksum is the standard CRC-32 (IEEE 802.3, as zlib and PNG use): checked against its
// published check values and against the plain byte-at-a-time definition on random slices.

import { describe, expect, test } from 'vitest';
import { crc32 } from '../../vm/snapshot/checksum.js';

const enc = new TextEncoder();

/** CRC-32 straight from its definition: reflected polynomial 0xEDB88320, one bit at a time. */
function crcByDefinition(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) {
    c ^= bytes[i] as number;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32', () => {
  test('published check values', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(enc.encode(''))).toBe(0);
    expect(crc32(enc.encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  test('equals the definition on slices of every length and alignment', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    };
    const bytes = new Uint8Array(300).map(() => next());
    for (let start = 0; start < 20; start++) {
      for (let end = start; end <= 300; end += 7) expect(crc32(bytes, start, end)).toBe(crcByDefinition(bytes, start, end));
    }
  });
});
