// A rehearsal for `evergreen run`: before the data file is read, the script runs over the file's
// first 64 kB of bars in an instance of its own, which is then dropped. Nothing of it is kept or
// printed; it only gives V8 what it needs to compile the hot code early. A fresh process otherwise
// meets the CSV loader's row loop and the script's compiled body (jit.ts) cold: each ran
// unoptimised until V8 had seen enough of it, then waited for its compile on a background thread.
// After the rehearsal they have type feedback and are marked or compiled already, so the real read
// and run start nearer their optimised speed (both tiers share the compiled functions of a
// program: jit.ts's `made`). Measured on bench (a) over 200k bars (BENCHMARKS.md, stop 21).
//
// Only for scripts that cannot notice it: an indicator whose every builtin is a pure function of
// its arguments and its own per-instance state (ta.*, math.* but math.random, nz, na, fixnan,
// timeframe.change), with no loops (a loop runs under a time limit, which a rehearsal would spend
// twice) and no other data (request.*). Any error in it is ignored: the real run meets and reports
// it. EVERGREEN_REHEARSAL=0 leaves it out (tests compare the bytes with and without it).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { Instance, runBarsAnswering, type InputValue, type Program } from '../index.js';
import { OP_LEN, OPS } from '../bytecode/opcodes.js';
import { parseBarsBytes } from '../data/csv-bytes.js';
import { inferTimeframe } from '../data/infer.js';
import { defaultSymbolInfo } from '../builtins/time/symbol-info.js';

/** Bytes of the file's head the rehearsal runs over (~1,500 bars of a common file). */
const REHEARSAL_BYTES = 64 << 10;

const PURE = /^(ta\.[a-z_]+|math\.(?!random$)[a-z_]+|nz|na|fixnan|timeframe\.change)$/;

/** Whether rehearsing `program` can change nothing the user sees (see above). */
export function rehearsable(program: Program): boolean {
  if (program.meta.kind !== 'indicator' || program.loopRegs.length > 0) return false;
  if (!program.builtins.every((b) => PURE.test(b.name))) return false;
  const code = program.code;
  for (let pc = 0; pc < code.length; ) {
    const op = code[pc] as number;
    const name = OPS[op]?.[0];
    if (name === undefined || name.startsWith('CTX')) return false;
    pc += OP_LEN[op] as number;
  }
  return true;
}

/** Runs `program` over the first bars of the regular CSV file `path` in a dropped instance (see
 * above). `inputs` gives the run's inputs (it may throw: then there is no rehearsal). */
export function rehearse(program: Program, path: string, inputs: () => Record<string, InputValue>, timeframe: string | null): void {
  if (process.env.EVERGREEN_REHEARSAL === '0' || !rehearsable(program)) return;
  try {
    // Only a regular file: reading the head of a pipe would take it from the real read.
    if (!statSync(path).isFile()) return;
    const fd = openSync(path, 'r');
    let n = 0;
    const head = Buffer.allocUnsafe(REHEARSAL_BYTES);
    try {
      n = readSync(fd, head, 0, REHEARSAL_BYTES, 0);
    } finally {
      closeSync(fd);
    }
    const parsed = parseBarsBytes(head.subarray(0, head.lastIndexOf(10, n - 1) + 1), null);
    if (parsed === null || parsed.bars.length < 2) return;
    const bars = parsed.bars;
    const tf = timeframe ?? inferTimeframe(bars);
    const given = inputs();
    // Twice: a few bars first, then all. V8 records what a function does (its feedback) only from
    // about its eighth call on, and a builtin makes its state on an instance's first bar only: after
    // one run its compiled code would not know that path, and the real run's first bar would throw
    // the code away ("insufficient type feedback for call" in the state helper, --trace-deopt). The
    // second instance's first bar runs that path with feedback being recorded.
    for (const to of [Math.min(16, bars.length), bars.length]) {
      const inst = Instance.builder(program).symbol(defaultSymbolInfo(0.01)).timeframe(tf).inputs(given).totalBars(bars.length).build();
      runBarsAnswering(inst, bars, () => ({ datasets: null }), 0, to);
    }
  } catch {
    // the real run reports whatever this met
  }
}
