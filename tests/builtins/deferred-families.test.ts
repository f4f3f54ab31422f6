// map.* and matrix.* are defined on first use (vm/builtins/registry.ts, deferFunctions), not when
// the VM is imported. What a user sees must not depend on it: the names keep their places ("did you
// mean" suggestions follow the registry's order), a script using them compiles and runs, and the
// whole registry read afterwards is in definition order with each (name, overload) where a saved
// program looks it up.

import { expect, test } from 'vitest';
import { compile, Instance } from '../../vm/index.js';
import { FUNCTIONS, allFunctionNames, fnByKey, lookupFn } from '../../vm/builtins/registry.js';
import { syntheticBars } from '../../vm/data/synthetic.js';

test('a misspelt map or matrix function is answered before either family is defined', () => {
  const names = allFunctionNames();
  // Each family's names sit together, in the order their definitions first name them.
  const maps = names.filter((n) => n.startsWith('map.'));
  expect(maps.slice(0, 3)).toEqual(['map.new', 'map.put', 'map.get']);
  expect(names.indexOf('map.put_all') - names.indexOf('map.new')).toBe(maps.length - 1);
  const r = compile('//@version=6\nindicator("x")\nm = map.new<string, float>()\nmap.pt(m, "a", 1)\nplot(close)\n');
  expect(r.diagnostics.map((d) => d.message)).toEqual(["Unknown built-in 'map.pt': 'map' has no member 'pt'. Did you mean 'map.put'?"]);
});

test('a script using map and matrix runs: 3 + 4 + 5 summed over a map, a 2 × 2 matrix of 2s has trace 4', () => {
  const source = `//@version=6
indicator("families")
m = map.new<string, float>()
map.put(m, "a", 3)
map.put(m, "b", 4)
map.put(m, "c", 5)
s = 0.0
for v in map.values(m)
    s += v
x = matrix.new<float>(2, 2, 2)
plot(s, "sum")
plot(matrix.trace(x), "trace")
`;
  const r = compile(source);
  expect(r.diagnostics).toEqual([]);
  if (!r.program) throw new Error('no program');
  const inst = Instance.builder(r.program).build();
  inst.runBars(syntheticBars(3, 1));
  const cols = inst.outputs.columns;
  expect([...(cols[0]?.[0] ?? [])].slice(0, 3)).toEqual([12, 12, 12]);
  expect([...(cols[1]?.[0] ?? [])].slice(0, 3)).toEqual([4, 4, 4]);
});

test('the whole registry, read after the families are defined, is in definition order: ids are indexes, (name, overload) finds each', () => {
  expect(lookupFn('matrix.new')?.length).toBeGreaterThan(1);
  const all = [...FUNCTIONS];
  all.forEach((f, i) => {
    expect(f.id).toBe(i);
    expect(fnByKey(f.name, f.overload)).toBe(f);
  });
  // The families sit where they were registered, between the array and drawing functions that
  // were defined before them and the ta functions defined after them.
  const first = (prefix: string) => all.findIndex((f) => f.name.startsWith(prefix));
  expect(first('map.')).toBeLessThan(first('matrix.'));
  expect(first('matrix.')).toBeLessThan(first('ta.'));
  expect(new Set(all.map((f) => f.name))).toEqual(new Set(allFunctionNames()));
});
