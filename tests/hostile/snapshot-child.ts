// Child process of the forged-snapshot cases: reads a snapshot (base64 on stdin) and either inspects
// it as `evergreen inspect` does (SNAP_MODE=inspect) or restores it and runs the remaining bars of
// hostileBars(SNAP_BARS) (SNAP_MODE=resume). Prints one line of JSON: { kind, message } with kind
// 'ok', 'refused' (a SnapshotError), 'runtime' (a Pine runtime error) or 'crash' (anything else).
// It runs capped and timed by tests/hostile/snapshot-harness.ts, so a hang or a huge allocation
// kills only this process.

import { readFileSync } from 'node:fs';
import { Instance, PineRuntimeError } from '../../vm/index.js';
import { SnapshotError } from '../../vm/snapshot/format.js';
import { inspectSnapshot } from '../../vm/cli/inspect.js';
import { hostileBars } from './bars.js';

function main(): { kind: string; message: string } {
  const bytes = new Uint8Array(Buffer.from(readFileSync(0, 'utf8').trim(), 'base64'));
  try {
    if (process.env.SNAP_MODE === 'inspect') {
      inspectSnapshot(bytes, 'forged.evgs');
      return { kind: 'ok', message: '' };
    }
    const n = Number(process.env.SNAP_BARS ?? '100');
    const inst = Instance.restoreState(bytes).build();
    const bars = hostileBars(n);
    inst.runBars(bars, inst.barIndex + 1, n);
    return { kind: 'ok', message: '' };
  } catch (e) {
    if (e instanceof SnapshotError) return { kind: 'refused', message: e.message };
    if (e instanceof PineRuntimeError) return { kind: 'runtime', message: e.message };
    return { kind: 'crash', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

process.stdout.write(`${JSON.stringify(main())}\n`);
