// Differential check of the two execution tiers: every script of the language suite, the samples and
// the benchmarks runs over the same 400 synthetic bars in the interpreter and in the compiled tier —
// once straight through (runBars: the compiled history loop), once bar by bar under small
// instruction budgets (the compiled blocks with interpreter steps between them) and once under larger
// budgets (whole loop iterations in the compiled tier's structured loops, stopped between them). Every output cell
// (Object.is), every log line and the runtime error, if any, must be the same.

import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { compile, Instance, type Program } from '../../vm/index.js';
import { barAt } from '../../vm/data/bars.js';
import { FIXED_REGISTERS } from '../../vm/core/registers.js';
import { syntheticBars } from '../../bench/synthetic.js';
import { pineFiles } from '../lang/run.js';
import { readSpec } from '../lang/spec.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const files = [
  ...pineFiles(join(ROOT, 'tests', 'lang')),
  ...pineFiles(join(ROOT, 'public', 'samples', 'scripts')),
  ...pineFiles(join(ROOT, 'bench', 'scripts')),
];
const bars = syntheticBars(400, 7);

interface Observed {
  outputs: number[][];
  logs: string[];
  error: string | null;
  /** Under budgets: where each stop left the machine (pc, and a digest of the numeric registers). */
  stops: string[];
}

function observe(program: Program, interpreted: boolean, mode: 'runBars' | 'budgeted' | 'large budgets', limits: Record<string, number> = {}): Observed {
  // The file's own `// @limits` (a generous loop time where the file checks another limit).
  const b = Instance.builder(program).timeframe('1').totalBars(bars.length).limits(limits);
  if (interpreted) b.interpreted();
  let error: string | null = null;
  const stops: string[] = [];
  let inst: Instance;
  try {
    inst = b.build();
  } catch (e) {
    return { outputs: [], logs: [], error: `build: ${String(e)}`, stops: [] };
  }
  try {
    if (mode !== 'runBars') {
      for (let i = 0; i < bars.length; i++) {
        const budget = mode === 'budgeted' ? 1 + (i % 13) : 20 + ((i * 37) % 400);
        let r = inst.runBar(barAt(bars, i), { budget });
        while (r.status === 'yielded') {
          stops.push(stopAt(inst));
          r = inst.resume({ budget });
        }
      }
    } else inst.runBars(bars);
  } catch (e) {
    // A loop stopped by its time limit has run as many iterations as fitted in the time.
    error = (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).replace(/after \d+ iterations/, 'after N iterations');
  }
  const outputs: number[][] = [];
  for (const cols of inst.outputs.columns) for (const col of cols) outputs.push(Array.from(col.subarray(0, inst.outputs.length)));
  return { outputs, logs: inst.logs.map((l) => `${l.bar} ${l.level} ${l.message}`), error, stops };
}

/** The machine's pc and a digest of its numeric registers at a budget stop (the script's registers:
 * not the bar registers, which hold the clock's timenow, nor the loop timers' start times). */
function stopAt(inst: Instance): string {
  const m = inst.machine;
  const clocks = new Set(m.program.loopRegs.map((r) => r + 1));
  let h = 0;
  m.f.forEach((v, i) => {
    if (i >= FIXED_REGISTERS && !clocks.has(i)) h += (v !== v ? 0.5 : v) * (i + 1);
  });
  return `${m.pc} ${h}`;
}

describe('the compiled tier does what the interpreter does', () => {
  const runnable = files.flatMap((file) => {
    const source = readFileSync(file, 'utf8');
    const { program } = compile(source);
    return program ? [{ name: relative(ROOT, file), program, limits: readSpec(source, file).limits }] : [];
  });

  test('there are scripts to compare, and they run compiled', () => {
    expect(runnable.length).toBeGreaterThan(50);
    const compiled = runnable.filter((r) => Instance.builder(r.program).build().machine.isCompiled);
    expect(compiled.length).toBe(runnable.length);
  });

  for (const { name, program, limits } of runnable) {
    test(name, () => {
      for (const mode of ['runBars', 'budgeted', 'large budgets'] as const) {
        const reference = observe(program, true, mode, limits);
        const got = observe(program, false, mode, limits);
        const label = mode;
        expect(got.error, `${label}: error`).toBe(reference.error);
        expect(got.logs, `${label}: logs`).toEqual(reference.logs);
        // (A run that ends in a loop's time limit stops after as many steps as fitted in the time.)
        const common = Math.min(got.stops.length, reference.stops.length);
        const stop = got.stops.findIndex((x, i) => i < common && x !== reference.stops[i]);
        expect(stop, `${label}: stop ${stop} differs (${got.stops[stop]} vs ${reference.stops[stop]})`).toBe(-1);
        if (reference.error === null) expect(got.stops.length, `${label}: stops`).toBe(reference.stops.length);
        expect(got.outputs.length, `${label}: output channels`).toBe(reference.outputs.length);
        got.outputs.forEach((col, k) => {
          const ref = reference.outputs[k] ?? [];
          const diff = col.findIndex((v, i) => !Object.is(v, ref[i]));
          expect(diff, `${label}: channel ${k} first differs at row ${diff} (${col[diff]} vs ${ref[diff]})`).toBe(-1);
          expect(col.length).toBe(ref.length);
        });
      }
    });
  }
});
