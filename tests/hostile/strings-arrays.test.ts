// Hostile scripts: strings and arrays grown until they exhaust the host (issue 11, item 3).
// `s := str.replace_all(s, "a", "aa")` in a loop used to abort the process with a V8 fatal error.
// Every string and array builtin now checks Pine's limits before it allocates: strings hold at
// most 40,960 characters, arrays (and str.split's result) at most 100,000 elements. Each case runs
// in a child process capped at 256 MB of heap and 30 s, and must end with a one-line runtime error
// naming the call and the limit.

import { describe, expect, it } from 'vitest';
import { runHostile, script } from './harness.js';

function expectError(body: string, want: RegExp): void {
  const r = runHostile(script(body), { bars: 5 });
  expect(r.kind, body).toBe('runtime');
  expect(r.message, body).toMatch(want);
  expect(r.message.split('\n'), body).toHaveLength(1);
}

describe('strings stop at 40,960 characters', () => {
  it('str.replace_all doubling a string in a loop is a runtime error naming the call', () => {
    // 20,000 → 40,000 (fits) → 80,000 (refused before it is built).
    expectError(
      'var s = str.repeat("a", 20000)\nfor i = 0 to 30\n    s := str.replace_all(s, "a", "aa")\nplot(str.length(s))',
      /'str\.replace_all\(\)' would make a string of 80,000 characters: Pine strings hold at most 40,960\./,
    );
  });

  it('str.repeat growth in a loop, and one huge str.repeat', () => {
    expectError('var s = "ab"\nfor i = 0 to 40\n    s := str.repeat(s, 2)\nplot(str.length(s))', /'str\.repeat\(\)' would make a string of 65,536 characters/);
    expectError('s = str.repeat("a", 1000000)\nplot(str.length(s))', /'str\.repeat\(\)' would make a string of 1,000,000 characters/);
  });

  it('str.replace with a long replacement, str.format and log.info placeholders', () => {
    expectError('s = str.repeat("a", 30000)\nt = str.replace(s, "a", s)\nplot(str.length(t))', /'str\.replace\(\)' would make a string of 59,999 characters/);
    expectError('s = str.repeat("a", 20000)\nt = str.format("{0}{0}{0}", s)\nplot(str.length(t))', /'str\.format\(\)' would make a string of more than 40,960 characters/);
    expectError('s = str.repeat("a", 20000)\nlog.info("{0}{0}{0}", s)\nplot(close)', /'log\.info\(\)' would make a string of more than 40,960 characters/);
  });

  it('array.join and str.tostring of an array of long strings', () => {
    expectError('a = array.new<string>(100, str.repeat("x", 1000))\nplot(str.length(array.join(a, ",")))', /'array\.join\(\)' would make a string of 100,099 characters/);
    expectError('a = array.new<string>(100000, str.repeat("x", 40000))\nplot(str.length(str.tostring(a)))', /'str\.tostring\(\)' would make a string of more than 40,960 characters/);
  });

  it('an alert() message longer than TradingView\'s 40,960 characters is refused', () => {
    // Built with the + operator (not itself checked yet), 50,001 characters reach alert().
    expectError('s = ""\nfor i = 0 to 50000\n    s := s + "x"\nalert(s)\nplot(close)', /'alert\(\)' would make a string of 50,001 characters/);
  });

  it('strings up to the limit are built and measured correctly', () => {
    const r = runHostile(script('s = str.repeat("ab", 20480)\nt = str.replace_all(s, "a", "")\nplot(str.length(s), "s")\nplot(str.length(t), "t")'), { bars: 5 });
    expect(r.kind).toBe('ok');
    // 20,480 × 2 = 40,960 characters exactly; removing the a's leaves 20,480.
    expect(r.plots).toEqual({ s: 40960, t: 20480 });
  });
});

describe('arrays stop at 100,000 elements', () => {
  it('array.new_float(100001) and push past the limit in a loop', () => {
    expectError('a = array.new_float(100001)\nplot(array.size(a))', /'array\.new_float\(\)' would make an array of 100001 elements: Pine arrays hold at most 100,000/);
    expectError('var a = array.new_float()\nfor i = 0 to 200000\n    array.push(a, i)\nplot(array.size(a))', /'array\.push\(\)' would make an array of 100001 elements/);
  });

  it('array.concat doubling an array in a loop', () => {
    expectError('var a = array.new_float(1000, 1)\nfor i = 0 to 20\n    a := array.concat(a, array.copy(a))\nplot(array.size(a))', /'array\.concat\(\)' would make an array of 128000 elements/);
  });

  it('str.split obeys the array limit', () => {
    const commas = ','.repeat(150_000);
    expectError(`a = str.split("${commas}", ",")\nplot(array.size(a))`, /'str\.split\(\)' would make an array of 150001 elements: Pine arrays hold at most 100,000/);
  });
});
