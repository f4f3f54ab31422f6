// Helpers for the snapshot tests: compile, run straight, run with a save/restore at a split point,
// and compare outputs (Object.is per value) and saved states (bytes, ignoring the incarnation).

import { expect } from 'vitest';
import { compile, Instance, type Program, type BarColumns, type SymbolInfo } from '../../vm/index.js';
import { HEADER_SIZE } from '../../vm/snapshot/format.js';

export function compileOk(source: string): Program {
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n'));
  return program;
}

export interface Setup {
  symbol?: Partial<SymbolInfo>;
  timeframe?: string;
}

export function build(program: Program, bars: BarColumns, setup: Setup = {}): Instance {
  const b = Instance.builder(program).timeframe(setup.timeframe ?? '1').totalBars(bars.length);
  if (setup.symbol) b.symbol(setup.symbol);
  return b.build();
}

export { barAt } from '../../vm/data/bars.js';

/** Output columns of bars [from, to) (bar indices), by output id then channel. */
export function outputsOf(inst: Instance, from: number, to: number): Float64Array[][] {
  return inst.outputs.slice(from, to).columns;
}

/** Values equal with Object.is (so NaN equals NaN and 0 differs from -0). */
export function expectSameOutputs(a: Float64Array[][], b: Float64Array[][], what: string): void {
  expect(a.length, what).toBe(b.length);
  a.forEach((chs, i) =>
    chs.forEach((col, j) => {
      const other = b[i]?.[j];
      expect(other?.length, `${what}: output ${i}.${j} length`).toBe(col.length);
      for (let k = 0; k < col.length; k++) {
        if (!Object.is(col[k], other?.[k])) {
          expect.fail(`${what}: output ${i}.${j} differs at row ${k}: ${col[k]} vs ${other?.[k]}`);
        }
      }
    }),
  );
}

/** Snapshot bytes with the incarnation and checksum masked, for byte comparison of states. */
export function maskIncarnation(bytes: Uint8Array): Uint8Array {
  const c = bytes.slice();
  c.fill(0, 36, 40);
  c.fill(0, c.length - 4);
  return c;
}

export function expectSameState(a: Uint8Array, b: Uint8Array, what: string): void {
  const x = maskIncarnation(a);
  const y = maskIncarnation(b);
  expect(x.length, `${what}: snapshot length`).toBe(y.length);
  let first = -1;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) {
      first = i;
      break;
    }
  }
  expect(first, `${what}: first differing byte (header is ${HEADER_SIZE} bytes)`).toBe(-1);
}

/** Runs all bars straight; then for each split k runs 0..k, saves, restores, runs k+1..N-1 and
 * checks outputs after k and the final state against the straight run. */
export function checkEquivalence(program: Program, bars: BarColumns, splits: number[], setup: Setup = {}): void {
  const straight = build(program, bars, setup);
  straight.runBars(bars);
  const n = bars.length;
  const finalState = straight.saveState();
  for (const k of splits) {
    const first = build(program, bars, setup);
    first.runBars(bars, 0, k + 1);
    const bytes = first.saveState();
    const again = Instance.restoreState(bytes).build();
    again.runBars(bars, k + 1, n);
    expectSameOutputs(outputsOf(again, k + 1, n), outputsOf(straight, k + 1, n), `split at ${k}`);
    expectSameState(again.saveState(), finalState, `split at ${k}`);
  }
}

/** Splits: 0, 1, a middle bar and N-1. */
export function standardSplits(n: number): number[] {
  return [0, 1, Math.floor(n / 2), n - 1];
}
