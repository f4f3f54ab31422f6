// Runs a hostile script in a child process with a memory cap and a timeout (tests/hostile/child.ts),
// so that a script that hangs, aborts V8 or exhausts memory fails its test instead of taking the
// test runner or the machine down. Every case states its budget: `heapMb` (V8's old space), the
// process's address space (`ulimit -v`, which also caps typed-array backing stores: they live
// outside V8's heap, so --max-old-space-size alone does not stop a 16 GB Float64Array) and
// `timeoutMs` (wall clock, generous: the machine is shared).

import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { buildSync } from 'esbuild';

let bundle: string | null = null;

/** child.ts bundled once per test process into plain JavaScript: the child then starts without a
 * TypeScript loader (tsx's WebAssembly reserves more address space than the cap allows). One file
 * in the repository's ignored .scratch/, replaced atomically (test files build it concurrently). */
function childBundle(): string {
  if (bundle) return bundle;
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const out = join(root, '.scratch/hostile-child.mjs');
  const built = buildSync({
    entryPoints: [fileURLToPath(new URL('./child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    write: false,
  });
  const code = built.outputFiles[0];
  if (!code) throw new Error('esbuild produced no bundle for tests/hostile/child.ts');
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.${threadId}.tmp`;
  writeFileSync(tmp, code.contents);
  renameSync(tmp, out);
  bundle = out;
  return out;
}

export interface HostileResult {
  /** How the child ended: 'ok' | 'compile' | 'runtime' | 'crash' from the child, or 'timeout'
   * (killed after timeoutMs) or 'died' (no answer: V8 abort, out of memory, signal). */
  kind: 'ok' | 'compile' | 'runtime' | 'crash' | 'timeout' | 'died';
  message: string;
  plots: Record<string, number | null>;
  heapMb: number;
}

export interface Budget {
  bars?: number;
  heapMb?: number;
  /** Room for typed arrays (outside V8's heap), MB. */
  bufferMb?: number;
  /** The VM's memory budget for the script, as a host sets it (limits.ts), MB. */
  scriptMb?: number;
  timeoutMs?: number;
}

export function runHostile(source: string, budget: Budget = {}): HostileResult {
  const heapMb = budget.heapMb ?? 256;
  // Node itself reserves ~2 GB of address space (V8's pointer cage, code space): the cap is that
  // plus what the script may use.
  const vmKb = (2048 + heapMb + (budget.bufferMb ?? 512)) * 1024;
  const args = [`--max-old-space-size=${heapMb}`, childBundle()];
  const r = spawnSync('/bin/sh', ['-c', `ulimit -v ${vmKb} && exec "$0" "$@"`, process.execPath, ...args], {
    // The script goes through stdin: an environment string is limited to 128 kB.
    input: source,
    env: { ...process.env, HOSTILE_BARS: String(budget.bars ?? 100), HOSTILE_BUDGET_MB: String(budget.scriptMb ?? '') },
    timeout: budget.timeoutMs ?? 30_000,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return { kind: 'timeout', message: `no answer within ${budget.timeoutMs ?? 30_000} ms`, plots: {}, heapMb: -1 };
  }
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as HostileResult;
  } catch {
    const why = r.signal ? `signal ${r.signal}` : `exit ${String(r.status)}`;
    return { kind: 'died', message: `${why}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' / ')}`, plots: {}, heapMb: -1 };
  }
}

/** A v6 indicator around `body` (one statement per line). */
export function script(body: string): string {
  return `//@version=6\nindicator("hostile")\n${body}\n`;
}
