// Decoding never trusts its input: truncation at every byte, random single-bit flips, a wrong
// version, an empty array and a snapshot of another program all give a SnapshotError with the
// right code — never a crash, a hang, a huge allocation or a half-restored instance.

import { describe, expect, test } from 'vitest';
import { Instance } from '../../vm/index.js';
import { SnapshotError, HEADER_SIZE } from '../../vm/snapshot/format.js';
import { crc32 } from '../../vm/snapshot/checksum.js';
import { syntheticBars } from '../../bench/synthetic.js';
import { build, compileOk } from './helpers.js';

const SOURCE = `//@version=6
indicator("bad input")
len = input.int(14, "Length")
var float acc = 0.0
acc += close
plot(ta.rsi(close, len))
plot(acc)
plot(str.length(str.tostring(close)))`;

function snapshot(): Uint8Array {
  const program = compileOk(SOURCE);
  const bars = syntheticBars(300, 3);
  const inst = build(program, bars);
  inst.runBars(bars);
  return inst.saveState();
}

function codeOf(bytes: Uint8Array, expectProgram?: ReturnType<typeof compileOk>): string {
  try {
    const b = Instance.restoreState(bytes);
    if (expectProgram) b.expectProgram(expectProgram);
    b.build();
  } catch (e) {
    if (e instanceof SnapshotError) return e.code;
    throw e;
  }
  return 'ok';
}

/** Rewrites the trailing CRC so that only the intended damage remains. */
function refreshChecksum(b: Uint8Array): Uint8Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setUint32(b.length - 4, crc32(b, 0, b.length - 4), true);
  return b;
}

describe('bad snapshot input', () => {
  const good = snapshot();

  test('the good snapshot restores', () => {
    expect(codeOf(good)).toBe('ok');
  });

  test('an empty array', () => {
    expect(codeOf(new Uint8Array(0))).toBe('empty');
  });

  test('truncated at every byte offset', () => {
    const seen = new Map<string, number>();
    for (let n = 1; n < good.length; n++) {
      const code = codeOf(good.slice(0, n));
      seen.set(code, (seen.get(code) ?? 0) + 1);
      expect(code, `truncated to ${n} bytes`).toBe('truncated');
    }
    expect(seen.get('truncated')).toBe(good.length - 1);
  });

  test('extra bytes after the end', () => {
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expect(codeOf(longer)).toBe('corrupt');
  });

  test('10,000 random single-bit flips are all caught with the right code', () => {
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const counts = new Map<string, number>();
    for (let i = 0; i < 10000; i++) {
      const b = good.slice();
      const at = rand() % b.length;
      const bit = rand() % 8;
      b[at] = (b[at] as number) ^ (1 << bit);
      const code = codeOf(b);
      counts.set(code, (counts.get(code) ?? 0) + 1);
      // Which field the flip hit decides the code.
      let want: string[];
      if (at < 4) want = ['bad-magic'];
      else if (at < 6) want = ['unsupported-version'];
      else if (at >= 40 && at < 44) want = ['truncated', 'corrupt'];
      else want = ['checksum-mismatch'];
      expect(want, `bit ${bit} of byte ${at} gave '${code}'`).toContain(code);
    }
    expect(counts.get('ok')).toBeUndefined();
  });

  test('a wrong format version (checksum intact)', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint16(4, 99, true);
    refreshChecksum(b);
    expect(codeOf(b)).toBe('unsupported-version');
    try {
      Instance.restoreState(b).build();
    } catch (e) {
      expect((e as Error).message).toBe('Bad snapshot (unsupported-version): format version 99, this VM reads version 1');
    }
  });

  test('a VM of another major version', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint16(8, 7, true);
    refreshChecksum(b);
    expect(codeOf(b)).toBe('incompatible-vm');
  });

  test('not a snapshot at all', () => {
    expect(codeOf(new TextEncoder().encode('time,open,high,low,close\n1,2,3,4,5\n'))).toBe('bad-magic');
  });

  test('a body that is valid msgpack but not a snapshot body (checksum intact)', () => {
    const b = good.slice(0, HEADER_SIZE + 4);
    new DataView(b.buffer).setUint32(40, 1, true);
    const c = new Uint8Array(HEADER_SIZE + 1 + 4);
    c.set(b.subarray(0, HEADER_SIZE));
    c[HEADER_SIZE] = 0xc0; // msgpack nil
    refreshChecksum(c);
    expect(codeOf(c)).toBe('corrupt');
  });

  test('a header whose program hash does not match the body', () => {
    const b = good.slice();
    b[12] = b[12] === 0x61 ? 0x62 : 0x61;
    refreshChecksum(b);
    expect(codeOf(b)).toBe('corrupt');
  });

  test('a snapshot of one script restored where another program is expected', () => {
    const other = compileOk(SOURCE.replace('ta.rsi(close, len)', 'ta.rsi(open, len)'));
    expect(codeOf(good, other)).toBe('program-mismatch');
    expect(codeOf(good, compileOk(SOURCE))).toBe('ok');
  });

  test('a snapshot taken with other inputs is refused by hash', () => {
    const program = compileOk(SOURCE);
    const bars = syntheticBars(50, 3);
    const a = Instance.builder(program).inputs({ Length: 10 }).build();
    a.runBars(bars);
    const b = Instance.builder(program).build();
    expect(() => Instance.restoreState(a.saveState()).expectHash(b.programHash).build()).toThrow(SnapshotError);
    expect(Instance.restoreState(a.saveState()).expectHash(a.programHash).build().barIndex).toBe(49);
  });
});
