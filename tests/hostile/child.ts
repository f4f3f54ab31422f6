// Child process of the hostile-input suite: compiles and runs one Pine script on synthetic bars
// and prints one line of JSON on stdout (what the parent test asserts on). It runs in its own
// `node --max-old-space-size=…` process with a timeout (tests/hostile/harness.ts), so a script that
// hangs or exhausts memory kills only this process, never the test runner or the machine.
//
// Input: the script on stdin; in the environment HOSTILE_BARS, the number of bars (default 100),
// and HOSTILE_BUDGET_MB, a memory budget the host sets (default: the VM's own, 1 GiB).

import { readFileSync } from 'node:fs';
import { compile, Instance, PineRuntimeError } from '../../vm/index.js';
import { createBars } from '../../vm/data/bars.js';
import { setMemoryBudget } from '../../vm/builtins/limits.js';

interface Outcome {
  /** 'ok' (ran every bar), 'compile' (diagnostics), 'runtime' (a Pine runtime error), 'crash'. */
  kind: 'ok' | 'compile' | 'runtime' | 'crash';
  message: string;
  /** Last value of every titled plot (ok only). */
  plots: Record<string, number | null>;
  /** Heap in use at the end, MB (what the run kept alive). */
  heapMb: number;
}

function main(): Outcome {
  const source = readFileSync(0, 'utf8');
  const budget = Number(process.env.HOSTILE_BUDGET_MB ?? 'NaN');
  if (budget > 0) setMemoryBudget(budget * (1 << 20));
  const n = Number(process.env.HOSTILE_BARS ?? '100');
  const bars = createBars(n);
  for (let i = 0; i < n; i++) {
    // A gentle zigzag around 100: every bar distinct, so windows see real values.
    const c = 100 + (i % 7) - 3 + i * 0.01;
    bars.time[i] = Date.UTC(2024, 0, 1) + i * 86_400_000;
    bars.open[i] = c - 0.5;
    bars.high[i] = c + 1;
    bars.low[i] = c - 1;
    bars.close[i] = c;
    bars.volume[i] = 1000 + i;
  }
  const { program, diagnostics } = compile(source);
  if (!program) {
    return { kind: 'compile', message: diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join(' | '), plots: {}, heapMb: 0 };
  }
  const inst = Instance.builder(program).totalBars(n).build();
  try {
    inst.runBars(bars);
  } catch (e) {
    if (e instanceof PineRuntimeError) return { kind: 'runtime', message: e.message, plots: {}, heapMb: heap() };
    return { kind: 'crash', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), plots: {}, heapMb: heap() };
  }
  const plots: Record<string, number | null> = {};
  program.outputs.forEach((o, id) => {
    if (!o.title) return;
    const v = inst.outputs.column(id)[n - 1];
    plots[o.title] = v === undefined || Number.isNaN(v) ? null : v;
  });
  return { kind: 'ok', message: '', plots, heapMb: heap() };
}

function heap(): number {
  return Math.round(process.memoryUsage().heapUsed / 1e6);
}

process.stdout.write(`${JSON.stringify(main())}\n`);
