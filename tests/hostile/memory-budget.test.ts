// Hostile scripts: many values each within its own limit, kept until they exhaust the host (issue
// 11, item 1: "no script can take more than a stated memory budget"). Builtins note what they
// allocate and, every 32 MB, compare the host's memory in use with the budget (1 GiB by default;
// here the host sets 256 MB so the case stays small): above it, a runtime error names the call.

import { describe, expect, it } from 'vitest';
import { runHostile, script } from './harness.js';
import { memoryBudget } from '../../vm/builtins/limits.js';

describe('the memory budget', () => {
  it('is 1 GiB unless the host sets another', () => {
    expect(memoryBudget()).toBe(1024 * 1024 * 1024);
  });

  it('40,000-character strings kept in a 100,000-bar history stop at the budget, naming the call', () => {
    // Each bar makes a new flat string of about 40,000 characters (str.upper copies its source):
    // 10,000 bars would keep some 400 MB.
    const body = 's = str.upper(str.repeat("x", 40000 - bar_index % 1000))\nmax_bars_back(s, 100000)\nplot(str.length(s[math.min(bar_index, 99999)]))';
    const r = runHostile(script(body), { bars: 10_000, heapMb: 768, scriptMb: 256, timeoutMs: 60_000 });
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/uses more memory than its budget \(\d[\d,]* MB in use, budget 256 MB\): stopped in 'str\.(upper|repeat)\(\)'/);
  });

  it('arrays of 100,000 floats kept in a history stop at the budget too', () => {
    const body = 'a = array.new_float(100000, close)\nmax_bars_back(a, 5000)\nplot(array.size(a[math.min(bar_index, 4999)]))';
    const r = runHostile(script(body), { bars: 3000, heapMb: 1024, scriptMb: 256, timeoutMs: 60_000 });
    expect(r.kind).toBe('runtime');
    expect(r.message).toMatch(/budget 256 MB\): stopped in 'array\.new_float\(\)'/);
  });

  it('garbage is not counted: a new 10,000-element array on each of 5,000 bars runs to the end', () => {
    // 5,000 × 80 kB = 400 MB allocated in total, never more than one array alive.
    const r = runHostile(script('a = array.new_float(10000, close)\nplot(array.sum(a) / 10000, "avg")'), { bars: 5000, heapMb: 512, scriptMb: 256, timeoutMs: 60_000 });
    expect(r.kind).toBe('ok');
    // The last bar's close: 100 + (4999 % 7) - 3 + 49.99 = 100 + 1 - 3 + 49.99.
    expect(r.plots.avg).toBeCloseTo(147.99, 9);
  });

  // Objects of user-defined types count in the same budget (objects.ts notes each record and its
  // fields): a linked list through a field, which no array cap bounds, 2,000 nodes a bar kept alive.
  it('a linked list of objects kept in a var stops at the budget, naming T.new() and the line', () => {
    const body = 'type Node\n    float v\n    Node next\nvar Node head = na\nfor i = 0 to 1999\n    head := Node.new(close, head)\nplot(head.v)';
    const r = runHostile(script(body), { bars: 100_000, heapMb: 1024, scriptMb: 256, timeoutMs: 90_000 });
    expect(r.kind).toBe('runtime');
    // `Node.new` is at line 8, column 13 of the script (two header lines, then the body).
    expect(r.message).toMatch(/^Runtime error at bar \d+, 8:13: The script uses more memory than its budget \(\d[\d,]* MB in use, budget 256 MB\): stopped in 'Node\.new\(\)'\. Keep fewer or smaller arrays, strings and objects\.$/);
  });

  it('objects made and dropped are garbage, not counted: 20,000 copies a bar over 600 bars run to the end', () => {
    // 12M objects of 8 fields made in total (over 1 GB), never more than one bar's 20,000 alive.
    const body = 'type P\n    float a\n    float b\n    float c\n    float d\n    float e\n    float f\n    float g\n    float h\np = P.new(close)\nkeep = array.new<P>()\nfor i = 0 to 19999\n    keep.push(p.copy())\nplot(keep.size(), "n")\nplot(keep.last().a, "a")';
    const r = runHostile(script(body), { bars: 600, heapMb: 1024, scriptMb: 256, timeoutMs: 90_000 });
    expect(r.kind).toBe('ok');
    expect(r.plots.n).toBe(20000);
    // The last bar's close (bars.ts): 100 + (599 % 7) - 3 + 5.99 = 100 + 4 - 3 + 5.99.
    expect(r.plots.a).toBeCloseTo(106.99, 9);
  });
});
