// The string `+` operator obeys Pine's 40,960-character string limit (issue 11, item 3, the
// operator side): it used to build strings of any length, so a loop of `s := s + s` grew until the
// host gave out. Each case runs in a capped child process, through both tiers where it matters.

import { describe, expect, it } from 'vitest';
import { compile, Instance, PineRuntimeError } from '../../vm/index.js';
import { runHostile, script } from './harness.js';
import { hostileBars } from './bars.js';

function errorOf(body: string, interpreted: boolean): string {
  const { program, diagnostics } = compile(script(body));
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const b = Instance.builder(program).totalBars(5);
  if (interpreted) b.interpreted();
  const inst = b.build();
  try {
    inst.runBars(hostileBars(5));
  } catch (e) {
    if (e instanceof PineRuntimeError) return `${e.line}:${e.column} ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe("the string '+' stops at 40,960 characters", () => {
  it('doubling a string with + is a one-line runtime error naming +, in a capped child', () => {
    // 1, 2, 4, …, 32,768 characters fit; 32,768 + 32,768 = 65,536 does not.
    const r = runHostile(script('var s = "a"\nfor i = 0 to 60\n    s := s + s\nplot(str.length(s))'), { bars: 3 });
    expect(r.kind, r.message).toBe('runtime');
    expect(r.message).toMatch(/The '\+' operator would make a string of 65,536 characters: Pine strings hold at most 40,960\./);
    expect(r.message.split('\n')).toHaveLength(1);
  });

  it('the interpreter and the compiled tier stop at the same + with the same message', () => {
    // 40,000 + 961 = 40,961 characters: one over.
    const body = 'a = str.repeat("x", 40000 + bar_index)\nb = str.repeat("y", 961)\nc = a + b\nplot(str.length(c))';
    const want = /^5:5 Runtime error at bar 0, 5:5: The '\+' operator would make a string of 40,961 characters/;
    expect(errorOf(body, true)).toMatch(want);
    expect(errorOf(body, false)).toMatch(want);
  });

  it('constant strings are not folded past the limit at compile time: the + fails when it runs', () => {
    // Both operands are constants (the compiler folds constant +): 40,000 + 961 = 40,961.
    const body = 'a = str.repeat("x", 40000)\nb = str.repeat("y", 961)\nc = a + b\nplot(str.length(c))';
    expect(errorOf(body, true)).toMatch(/^5:5 Runtime error at bar 0, 5:5: The '\+' operator would make a string of 40,961 characters/);
    // Doubling a constant 20 times would be 40 GB if folded; it stops at the first + past the limit.
    const doubling = ['s0 = str.repeat("x", 40000)', ...Array.from({ length: 20 }, (_, i) => `s${i + 1} = s${i} + s${i}`), 'plot(str.length(s20))'].join('\n');
    const r = runHostile(script(doubling), { bars: 2 });
    expect(r.kind, r.message).toBe('runtime');
    expect(r.message).toMatch(/The '\+' operator would make a string of 80,000 characters/);
  });

  it('a string of exactly 40,960 characters is built, and na + a string stays na', () => {
    // 40,000 + 960 = 40,960: at the limit, allowed.
    const r = runHostile(
      script('a = str.repeat("x", 40000)\nb = str.repeat("y", 960)\nstring n = na\nplot(str.length(a + b), "len")\nplot(na(n + b) ? 1 : 0, "na")'),
      { bars: 3 },
    );
    expect(r.kind, r.message).toBe('ok');
    expect(r.plots).toEqual({ len: 40960, na: 1 });
  });
});
