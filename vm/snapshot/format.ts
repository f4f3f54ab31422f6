// The snapshot file format: `header | body | checksum`.
//
//   offset size  field
//        0    4  magic "EVGS"
//        4    2  format version (FORMAT_VERSION)
//        6    2  flags: 1 outputs included, 2 suspended mid-bar, 4 realtime bar open, 8 failed
//        8    2  VM version major, 10 2 minor
//       12   16  program hash (hex of hash64 over program + inputs + symbol + timeframe), ASCII
//       28    8  bar index of the last confirmed bar (float64, -1 before the first)
//       36    4  incarnation (bumped on every restore)
//       40    4  body length
//       44    …  body: msgpackr with one fixed configuration (typed arrays kept, no records)
//   44+len    4  CRC-32 of everything before it
//
// Reading never trusts its input: every mismatch is a SnapshotError naming what was wrong, and
// decoding happens into fresh objects that are used only once everything checked out.

import { Packr } from 'msgpackr';
import { crc32 } from './checksum.js';

export const MAGIC = 'EVGS';
export const FORMAT_VERSION = 1;
/** Minor 2: bodies hold heap objects as heap entries (snapshot/graph.ts) and the state record's host
 * field; files of any 0.x VM read the same (the body's older forms are still accepted). */
export const VM_VERSION = { major: 0, minor: 2 } as const;
export const HEADER_SIZE = 44;

export const FLAG_OUTPUTS = 1;
export const FLAG_SUSPENDED = 2;
export const FLAG_REALTIME = 4;
export const FLAG_FAILED = 8;

export type SnapshotErrorCode =
  | 'empty'
  | 'truncated'
  | 'bad-magic'
  | 'unsupported-version'
  | 'incompatible-vm'
  | 'checksum-mismatch'
  | 'corrupt'
  | 'program-mismatch';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(
    readonly code: SnapshotErrorCode,
    message: string,
  ) {
    super(`Bad snapshot (${code}): ${message}`);
  }
}

export interface SnapshotHeader {
  formatVersion: number;
  vmVersion: { major: number; minor: number };
  flags: number;
  outputsIncluded: boolean;
  suspended: boolean;
  realtimeOpen: boolean;
  failed: boolean;
  programHash: string;
  bar: number;
  incarnation: number;
  bodyLength: number;
  totalLength: number;
}

/** The one msgpackr configuration of snapshot bodies. */
export const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

export function writeSnapshot(h: { flags: number; programHash: string; bar: number; incarnation: number }, body: Uint8Array): Uint8Array {
  const total = HEADER_SIZE + body.length + 4;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  dv.setUint16(4, FORMAT_VERSION, true);
  dv.setUint16(6, h.flags, true);
  dv.setUint16(8, VM_VERSION.major, true);
  dv.setUint16(10, VM_VERSION.minor, true);
  if (!/^[0-9a-f]{16}$/.test(h.programHash)) throw new Error(`Internal: bad program hash ${h.programHash}`);
  for (let i = 0; i < 16; i++) out[12 + i] = h.programHash.charCodeAt(i);
  dv.setFloat64(28, h.bar, true);
  dv.setUint32(36, h.incarnation >>> 0, true);
  dv.setUint32(40, body.length, true);
  out.set(body, HEADER_SIZE);
  dv.setUint32(HEADER_SIZE + body.length, crc32(out, 0, HEADER_SIZE + body.length), true);
  return out;
}

/** Reads and checks the header only (magic, versions, lengths). */
export function readHeader(bytes: Uint8Array): SnapshotHeader {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError('corrupt', 'expected a Uint8Array of snapshot bytes');
  if (bytes.length === 0) throw new SnapshotError('empty', 'the snapshot is empty (0 bytes)');
  const magicLen = Math.min(4, bytes.length);
  for (let i = 0; i < magicLen; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) {
      throw new SnapshotError('bad-magic', `this is not an Evergreen snapshot (it does not start with "${MAGIC}")`);
    }
  }
  if (bytes.length < HEADER_SIZE) {
    throw new SnapshotError('truncated', `the file ends inside the header (${bytes.length} of ${HEADER_SIZE} bytes)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const formatVersion = dv.getUint16(4, true);
  if (formatVersion !== FORMAT_VERSION) {
    throw new SnapshotError('unsupported-version', `format version ${formatVersion}, this VM reads version ${FORMAT_VERSION}`);
  }
  const vmVersion = { major: dv.getUint16(8, true), minor: dv.getUint16(10, true) };
  const bodyLength = dv.getUint32(40, true);
  const totalLength = HEADER_SIZE + bodyLength + 4;
  if (bytes.length < totalLength) {
    throw new SnapshotError('truncated', `the file has ${bytes.length} bytes, its header announces ${totalLength}`);
  }
  if (bytes.length > totalLength) {
    throw new SnapshotError('corrupt', `the file has ${bytes.length - totalLength} bytes after the end announced by its header`);
  }
  let programHash = '';
  for (let i = 0; i < 16; i++) programHash += String.fromCharCode(bytes[12 + i] as number);
  const flags = dv.getUint16(6, true);
  return {
    formatVersion,
    vmVersion,
    flags,
    outputsIncluded: (flags & FLAG_OUTPUTS) !== 0,
    suspended: (flags & FLAG_SUSPENDED) !== 0,
    realtimeOpen: (flags & FLAG_REALTIME) !== 0,
    failed: (flags & FLAG_FAILED) !== 0,
    programHash,
    bar: dv.getFloat64(28, true),
    incarnation: dv.getUint32(36, true),
    bodyLength,
    totalLength,
  };
}

/** Checks everything but the body's meaning: header, checksum, VM version. Returns the body. */
export function readSnapshot(bytes: Uint8Array): { header: SnapshotHeader; body: unknown } {
  const header = readHeader(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = dv.getUint32(HEADER_SIZE + header.bodyLength, true);
  const actual = crc32(bytes, 0, HEADER_SIZE + header.bodyLength);
  if (stored !== actual) {
    throw new SnapshotError('checksum-mismatch', `checksum ${hex(actual)} does not match the stored ${hex(stored)}: the file is damaged`);
  }
  if (header.flags & ~(FLAG_OUTPUTS | FLAG_SUSPENDED | FLAG_REALTIME | FLAG_FAILED)) {
    throw new SnapshotError('corrupt', `unknown flags ${header.flags}`);
  }
  if (!/^[0-9a-f]{16}$/.test(header.programHash)) throw new SnapshotError('corrupt', 'the program hash is not 16 hex digits');
  if (header.vmVersion.major !== VM_VERSION.major) {
    throw new SnapshotError(
      'incompatible-vm',
      `written by VM ${header.vmVersion.major}.${header.vmVersion.minor}, this is VM ${VM_VERSION.major}.${VM_VERSION.minor}`,
    );
  }
  let body: unknown;
  try {
    body = packr.unpack(bytes.subarray(HEADER_SIZE, HEADER_SIZE + header.bodyLength));
  } catch (e) {
    throw new SnapshotError('corrupt', `the body does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
  return { header, body };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
