// Hostile input found by an outside attack (session 22, /work/notes/hostile-22.md): each case failed
// before its fix (an internal error, a message quoting a megabyte, an error naming no file line) and
// must now end with a one-line error saying what was wrong and where.

import { describe, expect, it } from 'vitest';
import { compile, Instance, PineRuntimeError, runBarsAnswering, type DataAnswer } from '../../vm/index.js';
import { readSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../vm/snapshot/checkpoint-file.js';

function errorsOf(src: string): string[] {
  return compile(src).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
}

function tomlError(text: string): string {
  try {
    readSymbolToml(text);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return 'read';
}

describe('recursion through methods (was "E999: Internal: \'depth\' reached while it is being compiled")', () => {
  it('a method calling itself through a field is E405 at the call, naming the method', () => {
    const src = `//@version=6
indicator("r")
type Node
    float v
    Node next
method depth(Node n) =>
    n.next.depth() + 1
plot(Node.new(1, Node.new(2)).depth())
`;
    expect(errorsOf(src)).toEqual(["7:5 E405 Recursion is not allowed: method 'depth' calls itself. A Pine function or method cannot call itself, directly or through other functions."]);
  });

  it('two methods calling each other: E405 naming the cycle, once', () => {
    const src = `//@version=6
indicator("r")
type A
    float v
method f(A a) => a.g()
method g(A a) => a.f()
plot(A.new(1).f())
plot(A.new(2).g())
`;
    expect(errorsOf(src)).toEqual(["6:18 E405 Recursion is not allowed: the cycle 'f' → 'g' → 'f'. A Pine function or method cannot call itself, directly or through other functions."]);
  });
});

describe('broken symbol files (.toml)', () => {
  const base = '[symbol]\nticker = "EURUSD"\nmintick = 0.01\ntimezone = "Etc/UTC"\n';

  it('binary or UTF-16 text: one line saying so (was a line of garbage quoted whole)', () => {
    expect(tomlError('\u0000\u0001\u0002\u00ff'.repeat(100))).toBe('symbol file line 1: NUL characters: this is a binary or UTF-16 file, not a UTF-8 text file (save it as UTF-8)');
    // "[symbol]" in UTF-16LE with its BOM, read as UTF-8 text.
    const utf16 = new TextDecoder().decode(new Uint8Array([0xff, 0xfe, ...[...'[symbol]\n'].flatMap((c) => [c.charCodeAt(0), 0])]));
    expect(tomlError(utf16)).toBe('symbol file line 1: NUL characters: this is a binary or UTF-16 file, not a UTF-8 text file (save it as UTF-8)');
  });

  it('a 300,000-character key or a 50,000-level table name: the message keeps its start, its end and the length', () => {
    const line = tomlError(`${base}${'A'.repeat(300_000)}\n`);
    // The detail is cut to its first 210 and last 70 characters, with the length of the whole.
    expect(line).toBe(`symbol file line 5: expected "key = value", got "${'A'.repeat(210 - 29)}…${'A'.repeat(69)}" (300,030 characters)`);
    const table = tomlError(`[${Array(50_000).fill('a').join('.')}]\nx = 1\n`);
    expect(table.length).toBeLessThan(500);
    expect(table).toMatch(/^symbol file line 1: unknown table \[a\.a\.a[a.]*…[a.]*\]; expected \[symbol\] \(100,\d{3} characters\)$/);
  });

  it('a session that is not one names its line and field (was a message naming no file line)', () => {
    expect(tomlError(`${base}session = "9999-0000:12345678"\n`)).toBe('symbol file line 5, field \'session\': Session "9999-0000:12345678": "12345678" is not a list of days (digits 1 = Sunday .. 7 = Saturday).');
    expect(tomlError(`${base}session = "0930-1600:23456"\n`)).toBe('read');
  });
});

describe('checkpoint files: every bit of every plot value is covered by the digest', () => {
  it('flipping any one bit of any plot value or plot time is refused naming the plot rows', () => {
    const rows = { time: Float64Array.of(1_700_000_000_000, 1_700_000_060_000), columns: [[Float64Array.of(1.25, NaN)], [Float64Array.of(-3, 4e10)]] };
    const run = { bar: 1, scriptName: 'S', source: 'plot(close)', inputs: {}, datasetId: 'csv:x', datasetName: 'x', replayFrom: null, totalBars: 2, barsDigest: null };
    const bytes = encodeCheckpointFile({ run, snapshot: Uint8Array.of(1), outputs: rows, dataset: null });
    let tried = 0;
    for (const v of [1.25, -3, 4e10, 1_700_000_060_000]) {
      const pattern = new Uint8Array(Float64Array.of(v).buffer);
      const at = Buffer.from(bytes).indexOf(Buffer.from(pattern));
      expect(at).toBeGreaterThan(0);
      for (let bit = 0; bit < 64; bit++) {
        const b = bytes.slice();
        b[at + (bit >> 3)] = (b[at + (bit >> 3)] as number) ^ (1 << (bit & 7));
        let msg = 'read';
        try {
          decodeCheckpointFile(b);
        } catch (e) {
          msg = e instanceof Error ? e.message : String(e);
        }
        expect(msg).toMatch(/^Not a valid Evergreen checkpoint file: the plot rows are damaged/);
        tried++;
      }
    }
    expect(tried).toBe(256);
  });
});

describe('request.security_lower_tf with more intrabars than an array holds (was an array of 129,600)', () => {
  // A 3-month chart bar over 1-minute intrabars: 100,000 of them fill one array; 100,001 are a
  // runtime error at the call, on the chart bar (not the intrabar being loaded).
  const src = `//@version=6
indicator("ltf")
a = request.security_lower_tf(syminfo.tickerid, "1", close)
plot(a.size(), "n")
`;
  const Q1 = Date.UTC(2023, 0, 1);
  const minutes = (n: number) => {
    const time = Float64Array.from({ length: n }, (_, i) => Q1 + i * 60_000);
    const close = Float64Array.from({ length: n }, (_, i) => 100 + (i % 10));
    return { time, open: close, high: close, low: close, close, volume: new Float64Array(n).fill(1), length: n };
  };
  const chart = { time: Float64Array.of(Q1), open: Float64Array.of(100), high: Float64Array.of(109), low: Float64Array.of(100), close: Float64Array.of(105), volume: Float64Array.of(1), length: 1 };
  const SYM = { ticker: 'M', tickerid: 'X:M', session: '24x7', timezone: 'Etc/UTC' };
  const run = (n: number, interpreted: boolean): { n: number[] } | string => {
    const { program } = compile(src);
    if (!program) throw new Error('did not compile');
    const b = Instance.builder(program).symbol(SYM).timeframe('3M');
    if (interpreted) b.interpreted();
    const inst = b.build();
    const intra = minutes(n);
    const answer: DataAnswer = (r) => (r.lower ? { datasets: [{ bars: intra, timeframe: '1' }] } : { datasets: null });
    try {
      runBarsAnswering(inst, chart, answer);
    } catch (e) {
      return e instanceof PineRuntimeError ? `${e.bar} ${e.line}:${e.column} ${e.message}` : String(e);
    }
    return { n: Array.from(inst.outputs.column(0)) };
  };
  for (const interpreted of [false, true]) {
    it(`100,000 intrabars fill the array; 100,001 are a runtime error naming the call and the limit (${interpreted ? 'interpreter' : 'compiled'})`, () => {
      expect(run(100_000, interpreted)).toEqual({ n: [100_000] });
      expect(run(100_001, interpreted)).toBe('0 3:5 Runtime error at bar 0, 3:5: request.security_lower_tf(): this chart bar has more than 100,000 intrabars of "1", more than a Pine array holds (100,000 elements). Request a higher lower timeframe, or use a lower chart timeframe.');
    });
  }
});

describe('a runtime error quoting a script string of 40,000 characters (was an 80 kB message)', () => {
  it('keeps its first 60 characters and its length; the message is at most 1,000 characters', () => {
    const { program } = compile('//@version=6\nindicator("x")\nplot(request.security(str.repeat("A", 40000), "1D", close))\n');
    if (!program) throw new Error('did not compile');
    const inst = Instance.builder(program).timeframe('1D').build();
    let msg = '';
    try {
      runBarsAnswering(inst, { time: Float64Array.of(Date.UTC(2024, 0, 1)), open: Float64Array.of(1), high: Float64Array.of(1), low: Float64Array.of(1), close: Float64Array.of(1), volume: Float64Array.of(1), length: 1 }, () => ({ datasets: null, why: 'not here' }));
    } catch (e) {
      msg = e instanceof PineRuntimeError ? e.detail : String(e);
    }
    expect(msg.length).toBeLessThanOrEqual(1000);
    expect(msg).toContain(`"${'A'.repeat(60)}…" (40,000 characters)`);
  });
});
