// Every built-in function's signature and every built-in variable's type is declared as text and
// parsed on first use (vm/builtins/registry.ts), so a malformed one would only fail when a script
// first used that builtin. These tests parse them all, and check a few types against the Pine
// reference (close: series float; bar_index: series int; math.pi: const float; syminfo.ticker:
// simple string; ta.sma(source: series float, length: series int): series float).

import { expect, test } from 'vitest';
import '../../vm/index.js';
import { FUNCTIONS, allVariableNames, lookupFn, lookupVar } from '../../vm/builtins/registry.js';

const CONST = 0;
const SIMPLE = 2;
const SERIES = 3;

test('every built-in function signature and variable type parses', () => {
  expect(FUNCTIONS.length).toBeGreaterThan(1000);
  for (const f of FUNCTIONS) {
    expect(() => [f.typeParams, f.params, f.results], f.signature).not.toThrow();
  }
  const names = allVariableNames();
  expect(names.length).toBeGreaterThan(300);
  for (const n of names) expect(() => lookupVar(n)?.type, n).not.toThrow();
});

test('variable types read as the Pine reference gives them', () => {
  expect(lookupVar('close')?.type).toEqual({ qual: SERIES, base: 'float' });
  expect(lookupVar('bar_index')?.type).toEqual({ qual: SERIES, base: 'int' });
  expect(lookupVar('math.pi')?.type).toEqual({ qual: CONST, base: 'float' });
  expect(lookupVar('syminfo.ticker')?.type).toEqual({ qual: SIMPLE, base: 'string' });
});

test('a function signature reads as declared', () => {
  const sma = lookupFn('ta.sma')?.[0];
  expect(sma?.params.map((p) => [p.name, p.type.qual, p.type.base])).toEqual([
    ['source', SERIES, 'float'],
    ['length', SERIES, 'int'],
  ]);
  expect(sma?.results).toEqual([{ qual: SERIES, base: 'float' }]);
});
