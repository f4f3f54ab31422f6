// Libraries: a script imports `user/Geo/1 as G` from a library given to compile() (the CLI's
// --lib), calls its exported functions, uses its types and methods; a missing library or one that
// does not compile is one error at the import naming it; a library() script compiles alone.

import { describe, expect, test } from 'vitest';
import { compile } from '../../vm/index.js';
import { createBars } from '../../vm/data/bars.js';
import { build } from '../snapshot/helpers.js';

const LIB = `//@version=6
// @description Geometry helpers.
library("Geo")

export type Pt
    float x
    float y = 0

// A helper that is not exported: callable inside the library only.
sq(float v) => v * v

export dist2(Pt a, Pt b) => sq(a.x - b.x) + sq(a.y - b.y)

export mid(float a, float b) => (a + b) / 2

export const int OFFSET = 5

export method shift(Pt p, float dx) =>
    p.x += dx
    p
`;

const SCRIPT = `//@version=6
indicator("uses Geo")
import someone/Geo/1 as G
a = G.Pt.new(close, 4)
b = G.Pt.new(1)
plot(G.dist2(a, b), "dist2")
plot(G.mid(close, 20), "mid")
G.Pt c = a.shift(10)
plot(c.x, "shifted")
plot(a.x, "same object")
plot(close + G.OFFSET, "constant")
`;

function run(source: string, libraries: string[], n: number): number[][] {
  const { program, diagnostics } = compile(source, { libraries });
  if (!program) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n'));
  const bars = createBars(n);
  for (let i = 0; i < n; i++) {
    bars.time[i] = Date.UTC(2024, 0, 1) + i * 86_400_000;
    bars.close[i] = 10 + i;
    bars.open[i] = 9.5 + i;
    bars.high[i] = 11 + i;
    bars.low[i] = 9 + i;
    bars.volume[i] = 100;
  }
  const inst = build(program, bars);
  inst.runBars(bars);
  return inst.outputs.slice(0, n).columns.map((chs) => Array.from(chs[0] ?? []));
}

describe('libraries', () => {
  test('exported functions, types and methods of an imported library', () => {
    const [dist2, mid, shifted, same, constant] = run(SCRIPT, [LIB], 3);
    // close + 5
    expect(constant).toEqual([15, 16, 17]);
    // close = 10, 11, 12; a = (close, 4), b = (1, 0): (close - 1)^2 + 16 = 97, 116, 137
    expect(dist2).toEqual([97, 116, 137]);
    // (close + 20) / 2 = 15, 15.5, 16
    expect(mid).toEqual([15, 15.5, 16]);
    // shift adds 10 to a.x and returns a itself: 20, 21, 22, seen through a too.
    expect(shifted).toEqual([20, 21, 22]);
    expect(same).toEqual([20, 21, 22]);
  });

  test('a library script compiles on its own, as kind library', () => {
    const { program, diagnostics } = compile(LIB);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(program?.meta.kind).toBe('library');
  });

  test('an import that no given library answers is one error naming it at its line:column', () => {
    const { program, diagnostics } = compile(SCRIPT);
    expect(program).toBeNull();
    const errs = diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['3:1 E503']);
    expect(errs[0]?.message).toContain("The library 'someone/Geo/1' is not available");
    expect(errs[0]?.message).toContain('--lib');
  });

  test('a function the library does not export is an error naming the library', () => {
    const { diagnostics } = compile(`//@version=6\nindicator("x")\nimport someone/Geo/1 as G\nplot(G.sq(2))\n`, { libraries: [LIB] });
    const errs = diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['4:8 E301']);
    expect(errs[0]?.message).toContain("exports no function 'sq'");
  });

  test('a library with an error is reported at the import, with the error inside it', () => {
    const broken = LIB.replace('v * v', 'v * "a"');
    const { diagnostics } = compile(SCRIPT, { libraries: [broken] });
    const errs = diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['3:1 E503']);
    expect(errs[0]?.message).toContain("The library 'someone/Geo/1' does not compile: 10:");
  });

  test('a constant the library does not export is an error naming the library', () => {
    const { diagnostics } = compile(`//@version=6\nindicator("x")\nimport someone/Geo/1 as G\nplot(G.NOPE)\n`, { libraries: [LIB] });
    const errs = diagnostics.filter((d) => d.severity === 'error');
    expect(errs.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['4:8 E301']);
    expect(errs[0]?.message).toContain("exports no constant 'NOPE'. It exports: OFFSET.");
  });
});
