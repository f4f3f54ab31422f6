// The table of script-level calls (vm/compiler/lower/script-calls.ts) against the builtin registry:
// a builtin the registry marks as a declaration, output or input must be lowered by its table
// entry, or a script calling it would compile into a call of an implementation that only fails
// ("compiled away") at run time.

import { describe, expect, test } from 'vitest';
import '../../vm/builtins/index.js';
import { allFunctionNames, lookupFn } from '../../vm/builtins/registry.js';
import { SCRIPT_CALLS } from '../../vm/compiler/lower/script-calls.js';

describe('script-level calls', () => {
  const flagged = allFunctionNames().filter((n) => (lookupFn(n) ?? []).some((s) => s.declaration || s.output !== null || s.input));

  test('the registry marks the declarations, outputs and inputs', () => {
    expect(flagged).toEqual(expect.arrayContaining(['indicator', 'strategy', 'library', 'plot', 'hline', 'fill', 'input', 'input.int', 'input.source']));
  });

  for (const name of flagged) {
    test(`${name} has its entry`, () => {
      const entry = SCRIPT_CALLS.get(name);
      const specs = lookupFn(name) ?? [];
      // Declarations read their arguments as written; outputs and inputs use their signatures.
      expect(entry?.stage).toBe(specs.some((s) => s.declaration) ? 'unevaluated' : 'resolved');
    });
  }

  test('every resolved entry has a registry signature', () => {
    const missing = [...SCRIPT_CALLS].filter(([n, e]) => e.stage === 'resolved' && !lookupFn(n)).map(([n]) => n);
    expect(missing).toEqual([]);
  });
});
