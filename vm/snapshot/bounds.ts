// Bounds every allocation of the msgpack decoder by the bytes it is given: before msgpackr sees a
// body, one iterative pass reads every header and refuses a list, map, string, byte string or
// extension that announces more than the bytes left could hold (each item takes at least one
// byte). A few kilobytes can then never make the decoder allocate hundreds of megabytes.

class BoundsError extends Error {}

function refuse(field: string, why: string): never {
  throw new BoundsError(`${field} ${why}`);
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Checks the msgpack value in bytes[start, end): every announced size fits the bytes left. Returns
 * what is wrong (naming `field` and the byte), or null. */
export function msgpackBoundsError(bytes: Uint8Array, start: number, end: number, field: string): string | null {
  try {
    walk(bytes, start, end, field);
    return null;
  } catch (e) {
    if (e instanceof BoundsError) return e.message;
    throw e;
  }
}

function walk(bytes: Uint8Array, start: number, end: number, field: string): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = start;
  let pending = 1;
  const need = (n: number, what: string): void => {
    if (off + n > end) refuse(field, `announces ${what} of ${fmt(n)} bytes at byte ${off - start}, but only ${fmt(end - off)} bytes remain`);
  };
  const items = (n: number, what: string): void => {
    pending += n;
    if (pending > end - off) refuse(field, `announces ${what} of ${fmt(n)} items at byte ${off - start}, but only ${fmt(end - off)} bytes remain`);
  };
  while (pending > 0) {
    if (off >= end) refuse(field, `ends inside a value (byte ${off - start})`);
    const b = bytes[off] as number;
    off += 1;
    pending -= 1;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) continue;
    if (b <= 0x8f) items((b & 0x0f) * 2, 'a map');
    else if (b <= 0x9f) items(b & 0x0f, 'a list');
    else if (b <= 0xbf) {
      need(b & 0x1f, 'a string');
      off += b & 0x1f;
    } else {
      let len = 0;
      switch (b) {
        case 0xc4: case 0xd9: need(1, 'a length'); len = dv.getUint8(off); off += 1; break;
        case 0xc5: case 0xda: need(2, 'a length'); len = dv.getUint16(off); off += 2; break;
        case 0xc6: case 0xdb: need(4, 'a length'); len = dv.getUint32(off); off += 4; break;
        case 0xc7: need(1, 'a length'); len = dv.getUint8(off) + 1; off += 1; break;
        case 0xc8: need(2, 'a length'); len = dv.getUint16(off) + 1; off += 2; break;
        case 0xc9: need(4, 'a length'); len = dv.getUint32(off) + 1; off += 4; break;
        case 0xca: case 0xce: case 0xd2: len = 4; break;
        case 0xcb: case 0xcf: case 0xd3: len = 8; break;
        case 0xcc: case 0xd0: len = 1; break;
        case 0xcd: case 0xd1: len = 2; break;
        case 0xd4: len = 2; break;
        case 0xd5: len = 3; break;
        case 0xd6: len = 5; break;
        case 0xd7: len = 9; break;
        case 0xd8: len = 17; break;
        case 0xdc: need(2, 'a length'); items(dv.getUint16(off), 'a list'); off += 2; continue;
        case 0xdd: need(4, 'a length'); off += 4; items(dv.getUint32(off - 4), 'a list'); continue;
        case 0xde: need(2, 'a length'); items(dv.getUint16(off) * 2, 'a map'); off += 2; continue;
        case 0xdf: need(4, 'a length'); off += 4; items(dv.getUint32(off - 4) * 2, 'a map'); continue;
        default: refuse(field, `has the unknown msgpack type byte 0x${b.toString(16)} at byte ${off - 1 - start}`);
      }
      const what = b === 0xd9 || b === 0xda || b === 0xdb ? 'a string' : b >= 0xc4 && b <= 0xc6 ? 'a byte string' : b >= 0xc7 && b <= 0xc9 ? 'an extension' : 'a value';
      need(len, what);
      off += len;
    }
  }
  if (off !== end) refuse(field, `has ${fmt(end - off)} bytes after its value`);
}
