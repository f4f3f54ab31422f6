// Hostile scripts: regular expressions with catastrophic backtracking (issue 11, item 2).
// `str.match(str.repeat("a", 40) + "!", "(a+)+$")` used to hang forever (V8's backtracking RegExp);
// str.match now runs on re2js, linear in the input whatever the pattern. Each case runs in a child
// process capped at 256 MB of heap and 20 s, and must end with the right answer or a one-line
// runtime error naming the pattern and the feature it cannot run.

import { describe, expect, it } from 'vitest';
import { runHostile, script } from './harness.js';

const BUDGET = { timeoutMs: 20_000, heapMb: 256 };

describe('str.match cannot hang', () => {
  it('(a+)+$ on forty a\'s and a "!" answers: no match', () => {
    const r = runHostile(script('r = str.match(str.repeat("a", 40) + "!", "(a+)+$")\nplot(str.length(r), "len")'), BUDGET);
    expect(r.kind).toBe('ok');
    // Java's answer too: the string does not end in a's, so nothing matches ("" has length 0).
    expect(r.plots.len).toBe(0);
  });

  it('other exponential patterns on long inputs, on every bar', () => {
    const cases: [string, string, number][] = [
      // [input expression, pattern, length of the match worked out by hand]
      ['str.repeat("a", 5000) + "!"', '(a|aa)+$', 0],
      ['str.repeat("ab", 2000) + "c"', '(?:(?:ab)*)*c', 4001], // the whole string
      ['str.repeat("x ", 3000) + "!"', '(\\\\w+\\\\s?)+$', 0],
      ['str.repeat("a", 30) + "b"', '(a*)*(a*)*(a*)*$', 0], // "" at the very end: length 0
      ['str.repeat("a", 3000)', '^(a?){3000}a{3000}$', -1], // over RE2's 1000-repeat limit: error
    ];
    for (const [input, pattern, len] of cases) {
      const r = runHostile(script(`r = str.match(${input}, "${pattern}")\nplot(str.length(r), "len")`), BUDGET);
      if (len < 0) {
        expect(r.kind, pattern).toBe('runtime');
        expect(r.message, pattern).toMatch(/above 1000/);
      } else {
        expect(r.kind, pattern).toBe('ok');
        expect(r.plots.len, pattern).toBe(len);
      }
    }
  });

  it('the longest string (40,960 characters) against a nested pattern, on every bar', () => {
    const body = 's = str.repeat("ab", 20480)\nplot(str.length(str.match(s, "(?i)((a|b)+)+(?:x|$)")), "all")\nplot(str.length(str.match(s + "!", "((a|b)+)+$")), "none")';
    const r = runHostile(script(body), { bars: 20, timeoutMs: 30_000 });
    expect(r.kind).toBe('ok');
    // The whole string matches (it ends the input); with a "!" appended nothing can end at $.
    expect(r.plots).toEqual({ all: 40960, none: 0 });
  });

  it('a backreference is a one-line runtime error naming the pattern and the feature', () => {
    const r = runHostile(script('r = str.match(str.repeat("a", 40), "(a*)*\\\\1$")\nplot(str.length(r))'), BUDGET);
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/'\(a\*\)\*\\1\$' uses a backreference/);
    expect(r.message.split('\n')).toHaveLength(1);
  });

  it('a lookahead is a runtime error naming the pattern and the feature', () => {
    const r = runHostile(script('r = str.match("abc", "a(?=b)")\nplot(str.length(r))'), BUDGET);
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/'a\(\?=b\)' uses a lookahead/);
  });
});
