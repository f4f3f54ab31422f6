// Helpers for the Tier 2 tests: compile a script (failing with its diagnostics), build it in the
// compiled or interpreted tier, run synthetic bars (close = 10 + i, as the language suite's), and
// read a plot's values by title.

import { compile, Instance, type Bar, type Program } from '../../vm/index.js';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 0, 1);

export function compileOk(source: string): Program {
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n'));
  return program;
}

/** Bar i: close = 10 + i, open = close − 0.5, high = close + 1, low = close − 1, daily. */
export function bar(i: number, close = 10 + i): Bar {
  return { time: T0 + i * DAY, open: close - 0.5, high: close + 1, low: close - 1, close, volume: 100 * (i + 1) };
}

export function bars(n: number): Bar[] {
  return Array.from({ length: n }, (_, i) => bar(i));
}

/** `total`: the number of history bars (so barstate.islast / isrealtime are known). */
export function build(program: Program, interpreted = false, total?: number): Instance {
  const b = Instance.builder(program).timeframe('1D');
  if (total !== undefined) b.totalBars(total);
  if (interpreted) b.interpreted();
  return b.build();
}

/** Runs `n` bars and returns the plots by title (one value per bar). */
export function runPlots(source: string, n: number, interpreted = false): { inst: Instance; plot: (title: string) => number[] } {
  const program = compileOk(source);
  const inst = build(program, interpreted);
  for (const b of bars(n)) inst.runBar(b);
  const chunk = inst.outputs.slice(0, n);
  const plot = (title: string): number[] => {
    const k = program.outputs.findIndex((o) => o.title === title);
    if (k < 0) throw new Error(`no plot titled ${title}`);
    return Array.from(chunk.columns[k]?.[0] ?? []);
  };
  return { inst, plot };
}

export const TIERS = [
  { name: 'compiled', interpreted: false },
  { name: 'interpreted', interpreted: true },
] as const;
