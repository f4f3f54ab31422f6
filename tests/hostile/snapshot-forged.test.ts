// Forged snapshots (issue 11, item 6). The checksum and the program hash are computable, so every
// file is hostile: each case decodes a real snapshot, edits its body and writes it back with a
// correct hash and checksum (snapshot-harness.ts), then inspects or resumes it in a child process
// capped at 128 MB of heap, 128 MB of buffers and 20 s. Every forged file must be refused with a
// one-line SnapshotError naming the field and the reason, before anything runs or allocates; a
// legitimate file must still resume.

import { describe, expect, it } from 'vitest';
import { compile, Instance, type Program } from '../../vm/index.js';
import { forge, runSnapshot, withBody, type Parts } from './snapshot-harness.js';
import { hostileBars } from './bars.js';
import { Op, OP_LEN } from '../../vm/bytecode/opcodes.js';

function snapshotOf(source: string, bars = 40): Uint8Array {
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  const inst = Instance.builder(program).totalBars(100).build();
  inst.runBars(hostileBars(100), 0, bars);
  return inst.saveState();
}

function fnId(p: Parts, name: string): number {
  const i = p.program.functions.findIndex((f) => String(f.name).startsWith(`${name}(`));
  if (i < 0) throw new Error(`no function ${name}`);
  return i;
}

/** pc of the first instruction `op` at or after function `id`'s entry. */
function findOp(p: Parts, id: number, op: number): number {
  const code = p.program.code;
  for (let pc = p.program.functions[id]?.entry as number; pc < code.length; pc += OP_LEN[code[pc] as number] as number) {
    if (code[pc] === op) return pc;
  }
  throw new Error(`no op ${op}`);
}

function callIn(p: Parts, id: number): number {
  return findOp(p, id, Op.CALL);
}

function expectRefused(bytes: Uint8Array, want: RegExp, modes: ('inspect' | 'resume')[] = ['inspect', 'resume']): void {
  for (const mode of modes) {
    const r = runSnapshot(bytes, mode);
    expect(r.kind, `${mode}: ${r.message}`).toBe('refused');
    expect(r.message, mode).toMatch(want);
    expect(r.message.split('\n'), mode).toHaveLength(1);
  }
}

const CHAIN = `//@version=6
indicator("chain")
f(x) => x * 2
g(x) => f(x) + 1
h(x) => g(x) - 1
plot(h(close), "h")
`;

describe('the embedded program is validated whole before anything runs', () => {
  it('functions calling each other in a cycle (h → g → h) are refused by inspect and by a resume', () => {
    const bytes = forge(snapshotOf(CHAIN), (p) => {
      const g = fnId(p, 'g');
      const h = fnId(p, 'h');
      const at = callIn(p, g);
      p.program.code[at + 1] = h;
      const calls = p.program.functions[g]?.calls as { fn: number }[];
      for (const c of calls) c.fn = h;
    });
    expectRefused(bytes, /Bad snapshot \(corrupt\): program\.functions.*call.*(cycle|recursion)/);
  });

  it('a function calling itself is refused', () => {
    const bytes = forge(snapshotOf(CHAIN), (p) => {
      const g = fnId(p, 'g');
      p.program.code[callIn(p, g) + 1] = g;
      for (const c of p.program.functions[g]?.calls as { fn: number }[]) c.fn = g;
    });
    expectRefused(bytes, /program\.functions.*(cycle|recursion)/, ['inspect']);
  });

  it('a jump back to itself with no loop check (a loop the time limit never sees) is refused', () => {
    // main's last instruction is HALT (1 word); a JMP to itself (2 words) replaces the OUT before it.
    const bytes = forge(snapshotOf(CHAIN), (p) => {
      const code = p.program.code;
      const pc = findOp(p, 0, Op.OUT); // OUT n r (3 words)
      code[pc] = Op.JMP;
      code[pc + 1] = pc;
      code[pc + 2] = 0; // HALT (padding, never reached)
    });
    expectRefused(bytes, /program\.code\[\d+\] .*loop/);
  });

  it('slot operands beyond the function\'s block and a call block outside its caller are refused', () => {
    const varSrc = `//@version=6
indicator("v")
var float acc = 0
acc += close
plot(acc, "acc")
`;
    const bad1 = forge(snapshotOf(varSrc), (p) => {
      p.program.code[findOp(p, 0, Op.LD_V) + 2] = 1000; // LD_V r v1000
    });
    expectRefused(bad1, /program\.code\[\d+\] names var slot 1000 of 2/, ['inspect']);
    const bad2 = forge(snapshotOf(CHAIN), (p) => {
      const h = fnId(p, 'h');
      const at = callIn(p, 0);
      p.program.code[at + 4] = 50; // series offset of main's call to h
      for (const c of p.program.functions[0]?.calls as { fn: number; serOff: number }[]) if (c.fn === h) c.serOff = 50;
    });
    expectRefused(bad2, /program\.code\[\d+\] puts the series block of h\(float\) \(0 slots\) at offset 50/, ['inspect']);
  });

  it("a request's var range (CTX_VARS) beyond the function's var slots is refused", () => {
    const reqSrc = `//@version=6
indicator("rv")
count() =>
    var int n = 0
    n += 1
    n
plot(request.security(syminfo.tickerid, "1D", count()), "n")
`;
    const bad = forge(snapshotOf(reqSrc), (p) => {
      p.program.code[findOp(p, 0, Op.CTX_VARS) + 3] = 500; // 500 var numbers from the range's start
    });
    expectRefused(bad, /program\.code\[\d+\] names var slots \d+\.\.\d+ of 2/, ['inspect']);
    // A dynamic request (its symbol chosen per bar): its state ranges (CTX_KEY) are checked too.
    const dynSrc = `//@version=6
indicator("dyn")
s = bar_index % 2 == 0 ? "A" : "B"
plot(request.security(s, "1D", ta.cum(close), ignore_invalid_symbol = true), "n")
`;
    const badKey = forge(snapshotOf(dynSrc), (p) => {
      p.program.code[findOp(p, 0, Op.CTX_KEY) + 7] = 900; // 900 series from the range's start
    });
    expectRefused(badKey, /program\.code\[\d+\] names series slots \d+\.\.\d+ of \d+/, ['inspect']);
  });
});

describe('the host\'s limits win over the snapshot\'s', () => {
  it('a loop time limit of 1e300 in the file still stops a runaway loop at 500 ms', () => {
    const src = `//@version=6
indicator("loop")
n = 0
if bar_index == 60
    while n >= 0
        n += 1
plot(n, "n")
`;
    const bytes = forge(snapshotOf(src), (p) => {
      p.env.limits.loopMs = 1e300;
      p.env.limits.maxLogs = 1e300;
    });
    const r = runSnapshot(bytes, 'resume', { timeoutMs: 30_000 });
    expect(r.kind, r.message).toBe('runtime');
    expect(r.message).toMatch(/The loop took longer than 500 ms/);
  });
});

describe('the state is checked against the program', () => {
  const ARR = `//@version=6
indicator("arr")
var a = array.new_float()
var string s = "x"
s := s == "x" ? "y" : "x" // reassigned, so a var string (one never reassigned would be a constant)
array.push(a, close)
plot(array.size(a), "n")
plot(str.length(s), "len")
`;

  it('a var array replaced by a string is refused, naming the slot and its declared type', () => {
    const bytes = forge(snapshotOf(ARR), (p) => {
      (p.state.vo as unknown[])[0] = 'not an array';
    });
    expectRefused(bytes, /state\.vo\[0\] .*array<float>/);
  });

  it('strings inside an array<float> are refused', () => {
    const bytes = forge(snapshotOf(ARR), (p) => {
      const a = (p.state.vo as { items: unknown[] }[])[0];
      if (a) a.items[3] = 'text';
    });
    expectRefused(bytes, /state\.vo\[0\].*items\[3\].*float/);
  });

  it('a var string holding a number is refused', () => {
    const bytes = forge(snapshotOf(ARR), (p) => {
      (p.state.vo as unknown[])[1] = 42;
    });
    expectRefused(bytes, /state\.vo\[1\] .*string/);
  });

  it('the untouched snapshot still resumes to the last bar', () => {
    const r = runSnapshot(snapshotOf(ARR), 'resume');
    expect(r.kind, r.message).toBe('ok');
  });
});

describe('allocation is bounded by the file\'s size', () => {
  it('a program declaring 16 million registers is refused before any register file exists', () => {
    const bytes = forge(snapshotOf(CHAIN), (p) => {
      p.program.nRegs = (1 << 24) - 1;
    });
    expect(bytes.length).toBeLessThan(8000);
    expectRefused(bytes, /program\.nRegs .*(file|code)/);
  });

  it('a body whose msgpack header announces a list of 2^31 items is refused before decoding', () => {
    const body = new Uint8Array([0x81, 0xa7, ...new TextEncoder().encode('program'), 0xdd, 0x7f, 0xff, 0xff, 0xff, 0x01]);
    expectRefused(withBody(snapshotOf(CHAIN), body), /the body announces a list of 2,147,483,647 items at byte \d+, but only \d+ bytes remain/, ['inspect']);
  });

  it('a string announcing 4 GB is refused', () => {
    const body = new Uint8Array([0xdb, 0xff, 0xff, 0xff, 0xf0, 0x41]);
    expectRefused(withBody(snapshotOf(CHAIN), body), /the body announces a string of 4,294,967,280 bytes at byte \d+, but only 1 bytes remain/, ['inspect']);
  });
});

export type { Program };
