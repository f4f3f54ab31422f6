// Forged snapshots for the hostile suite: `forge` decodes a real snapshot, lets a test edit its body
// (the embedded program, the environment, the state record), and writes it back with a correct
// program hash and checksum, as an attacker can. `runSnapshot` inspects or resumes the bytes in a
// capped, timed child process (tests/hostile/snapshot-child.ts).

import { spawnSync } from 'node:child_process';
import { packr, readSnapshot, writeSnapshot } from '../../vm/snapshot/format.js';
import { plainBytes, programHash, type Env } from '../../vm/snapshot/state.js';
import { decodeGraph, encodeGraph, type EncodedGraph } from '../../vm/snapshot/graph.js';
import { childBundle } from './harness.js';

/** The decoded parts a forging test edits: the program and the state record as plain objects. */
export interface Parts {
  program: Record<string, unknown> & { code: Int32Array; functions: Record<string, unknown>[] };
  env: Env;
  state: Record<string, unknown>;
  body: Record<string, unknown>;
}

export function forge(bytes: Uint8Array, edit: (p: Parts) => void): Uint8Array {
  const { header, body } = readSnapshot(bytes);
  const b = body as Record<string, unknown>;
  const program = packr.unpack(b.program as Uint8Array) as Parts['program'];
  const state = decodeGraph(b.graph as EncodedGraph) as Record<string, unknown>;
  const env = b.env as Env;
  edit({ program, env, state, body: b });
  b.program = plainBytes(packr.pack(program).slice());
  b.graph = encodeGraph(state);
  const hash = programHash(b.program as Uint8Array, env);
  return writeSnapshot({ flags: header.flags, programHash: hash, bar: header.bar, incarnation: header.incarnation }, packr.pack(b).slice());
}

/** Rewrites the checksum and header length around a hand-made body (raw msgpack bytes). */
export function withBody(bytes: Uint8Array, body: Uint8Array): Uint8Array {
  const { header } = readSnapshot(bytes);
  return writeSnapshot({ flags: header.flags, programHash: header.programHash, bar: header.bar, incarnation: header.incarnation }, body);
}

export interface SnapshotOutcome {
  kind: 'ok' | 'refused' | 'runtime' | 'crash' | 'timeout' | 'died';
  message: string;
}

export function runSnapshot(
  bytes: Uint8Array,
  mode: 'inspect' | 'resume',
  budget: { bars?: number; heapMb?: number; bufferMb?: number; timeoutMs?: number } = {},
): SnapshotOutcome {
  const heapMb = budget.heapMb ?? 128;
  const vmKb = (2048 + heapMb + (budget.bufferMb ?? 128)) * 1024;
  const timeout = budget.timeoutMs ?? 20_000;
  const r = spawnSync('/bin/sh', ['-c', `ulimit -v ${vmKb} && exec "$0" "$@"`, process.execPath, `--max-old-space-size=${heapMb}`, childBundle('snapshot-child')], {
    input: Buffer.from(bytes).toString('base64'),
    env: { ...process.env, SNAP_MODE: mode, SNAP_BARS: String(budget.bars ?? 100) },
    timeout,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { kind: 'timeout', message: `no answer within ${timeout} ms` };
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as SnapshotOutcome;
  } catch {
    const why = r.signal ? `signal ${r.signal}` : `exit ${String(r.status)}`;
    return { kind: 'died', message: `${why}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}` };
  }
}
