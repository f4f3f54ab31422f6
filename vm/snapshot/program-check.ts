// The whole-program checks of an embedded program, after validate.ts has checked every field's type
// and every operand's plain range: what the interpreter relies on without checking again.
//
// - Every instruction belongs to one function: the code reachable from a function's entry (falling
//   through and jumping) never reaches another function's code, ends in RET (HALT in main), and
//   never runs off the end of the code.
// - No loop escapes the loop time limit: every cycle of a function's control flow passes through a
//   LOOP_CHECK or FOR_TEST, whose timer registers (Program.loopRegs) no other instruction writes.
// - The call graph (CALL instructions and call blocks) is acyclic, as Pine has no recursion, and
//   the call tree it unfolds to has at most MAX_CALL_TREE nodes (a DAG can unfold exponentially).
// - Var and series slot operands stay inside their function's state block, and every callee's block
//   (at the offsets a CALL or a call block gives) inside its caller's. (A CALLB's call-state slot is
//   not checked here: stateless builtins carry any number there; a stateful builtin whose slot is
//   outside the block starts from fresh state.)
// - Sizes are bounded by the file: at most 256 + 4 registers per code word and preload.

import type { FunctionInfo, Program } from '../bytecode/program.js';
import { Op, OPS, OP_LEN } from '../bytecode/opcodes.js';
import { bad } from './validate.js';

/** Largest call tree (user-function call-site instances) a program may unfold to. */
export const MAX_CALL_TREE = 1_000_000;

const LOOP_TIMERS = new Set<number>([Op.LOOP_ENTER, Op.LOOP_CHECK, Op.FOR_TEST]);
/** Ops whose first operand is a register they only read. */
const READS_FIRST = new Set<number>([Op.JF, Op.JT, Op.LOOP_ENTER, Op.LOOP_CHECK, Op.FOR_TEST]);
const VAR_F = new Set<number>([Op.LD_V, Op.ST_V, Op.VAR_INIT]);
const VAR_O = new Set<number>([Op.LD_VO, Op.ST_VO]);
const GLOBAL_VAR_F = Op.LD_GV;
const GLOBAL_VAR_O = Op.LD_GVO;
const GLOBAL_SER = new Set<number>([Op.SER_GET_G, Op.SER_GET_GK, Op.SER_GET_GO, Op.SER_GET_GOK]);
/** Ops that never fall through to the next instruction. */
const NO_FALL = new Set<number>([Op.JMP, Op.FOR_STEP, Op.HALT, Op.RET]);

export function checkProgramWhole(p: Program): void {
  const code = p.code;
  const fns = p.functions;
  const main = fns[0] as FunctionInfo;
  const maxRegs = 256 + 4 * (code.length + p.preload.length);
  if (p.nRegs > maxRegs) bad('program.nRegs', `is ${p.nRegs}: a program of ${code.length} code words uses at most ${maxRegs} registers`);
  const timers = new Set<number>();
  for (const r of p.loopRegs) {
    timers.add(r);
    timers.add(r + 1);
  }
  const owner = new Int32Array(code.length).fill(-1);
  const callees: number[][] = fns.map(() => []);
  const name = (i: number): string => `function ${i} (${String(fns[i]?.name)})`;
  fns.forEach((fn, i) => {
    const at = `program.functions[${i}]`;
    fn.calls.forEach((c, j) => {
      const callee = fns[c.fn] as FunctionInfo;
      checkBlock(fn, callee, [c.varOff, c.objOff, c.serOff, c.csOff], `${at}.calls[${j}]`);
      callees[i]?.push(c.fn);
    });
    fn.series.forEach((s, j) => {
      if (s.slot >= fn.nSer) bad(`${at}.series[${j}].slot`, `is ${s.slot}, outside the function's ${fn.nSer} series`);
    });
    // Reachable code from the entry; successors of each instruction.
    const succ = new Map<number, number[]>();
    const work = [fn.entry];
    owner[fn.entry] = i;
    while (work.length > 0) {
      const pc = work.pop() as number;
      const op = code[pc] as number;
      const def = OPS[op];
      if (!def) bad(`program.code[${pc}]`, `has an unknown opcode ${op}`);
      const len = OP_LEN[op] as number;
      const kinds = def[1];
      if (op === Op.HALT && i !== 0) bad(`program.code[${pc}]`, `is a HALT inside ${name(i)}: only main ends the bar`);
      if (op === Op.RET && i === 0) bad(`program.code[${pc}]`, 'is a RET in main: main has no caller to return to');
      const next: number[] = [];
      for (let k = 0; k < kinds.length; k++) {
        const v = code[pc + 1 + k] as number;
        const where = `program.code[${pc + 1 + k}]`;
        const kind = kinds[k];
        if (kind === 't') next.push(v);
        if (kind === 'v' && op !== Op.CALL) {
          const [limit, what] = VAR_F.has(op) ? [fn.nVarF, 'var slot'] : VAR_O.has(op) ? [fn.nVarO, 'object var slot'] : op === GLOBAL_VAR_F ? [main.nVarF, 'global var slot'] : op === GLOBAL_VAR_O ? [main.nVarO, 'global object var slot'] : [0, 'slot'];
          if (v >= limit) bad(where, `names ${what} ${v} of ${limit}`);
        }
        if (kind === 's' && op !== Op.CALL) {
          const limit = GLOBAL_SER.has(op) ? main.nSer : fn.nSer;
          if (v >= limit) bad(where, `names series slot ${v} of ${limit}`);
        }
      }
      if (op === Op.CTX_VARS) {
        // A request's var slots: two ranges inside the function's var blocks.
        const [f0, nf, o0, no] = [1, 2, 3, 4].map((k) => code[pc + 1 + k] as number) as [number, number, number, number];
        if (f0 < 0 || nf < 0 || f0 + nf > fn.nVarF) bad(`program.code[${pc + 2}]`, `names var slots ${f0}..${f0 + nf} of ${fn.nVarF}`);
        if (o0 < 0 || no < 0 || o0 + no > fn.nVarO) bad(`program.code[${pc + 4}]`, `names object var slots ${o0}..${o0 + no} of ${fn.nVarO}`);
      }
      if (op === Op.CTX_KEY) {
        // A dynamic request's state ranges: inside the function's blocks.
        const at = (k: number): number => code[pc + k] as number;
        const ranges: [number, number, number, string][] = [
          [at(4), at(5), fn.nCs, 'call-state slots'],
          [at(6), at(7), fn.nSer, 'series slots'],
          [at(8), at(9), fn.nVarF, 'var slots'],
          [at(10), at(11), fn.nVarO, 'object var slots'],
        ];
        for (const [from, n, limit, what] of ranges) {
          if (from < 0 || n < 0 || from + n > limit) bad(`program.code[${pc}]`, `names ${what} ${from}..${from + n} of ${limit}`);
        }
        if (at(2) >= p.nRegs) bad(`program.code[${pc + 2}]`, `names register ${at(2)} of ${p.nRegs}`);
      }
      if (LOOP_TIMERS.has(op)) {
        const k = op === Op.FOR_TEST ? 4 : 1;
        const r = code[pc + k] as number;
        if (!p.loopRegs.includes(r)) bad(`program.code[${pc + k}]`, `names loop timer r${r}, which is not one of program.loopRegs`);
      }
      const dest = kinds[0] === 'r' && !READS_FIRST.has(op) ? (code[pc + 1] as number) : op === Op.CALLB ? (code[pc + 3] as number) : -1;
      if (dest >= 0 && timers.has(dest)) bad(`program.code[${pc}]`, `writes the loop timer register r${dest}: a loop could escape its time limit`);
      if (op === Op.CALL) {
        const target = code[pc + 1] as number;
        const callee = fns[target] as FunctionInfo;
        checkBlock(fn, callee, [code[pc + 2] as number, code[pc + 3] as number, code[pc + 4] as number, code[pc + 5] as number], `program.code[${pc}]`);
        callees[i]?.push(target);
      }
      if (!NO_FALL.has(op)) {
        if (pc + len >= code.length) bad(`program.code[${pc}]`, `is the last instruction of the code and ${name(i)} runs past it`);
        next.push(pc + len);
      }
      succ.set(pc, next);
      for (const t of next) {
        const o = owner[t] as number;
        if (o === i) continue;
        if (o !== -1) bad(`program.code[${t}]`, `is reached from both ${name(o)} and ${name(i)}`);
        owner[t] = i;
        work.push(t);
      }
    }
    checkLoops(fn.entry, succ, code);
  });
  checkCallGraph(p, callees, name);
}

function checkBlock(caller: FunctionInfo, callee: FunctionInfo, offs: number[], at: string): void {
  const sizes: [number, number, string][] = [
    [caller.nVarF, callee.nVarF, 'var'],
    [caller.nVarO, callee.nVarO, 'object var'],
    [caller.nSer, callee.nSer, 'series'],
    [caller.nCs, callee.nCs, 'call-state'],
  ];
  sizes.forEach(([outer, inner, what], k) => {
    const off = offs[k] as number;
    if (off < 0 || off + inner > outer) {
      bad(at, `puts the ${what} block of ${callee.name} (${inner} slots) at offset ${off}, outside the ${outer} slots of ${caller.name}`);
    }
  });
}

/** Every cycle of one function's control flow passes a loop check (LOOP_CHECK, FOR_TEST or CTX_LOOP). */
function checkLoops(entry: number, succ: Map<number, number[]>, code: Int32Array): void {
  // Iterative depth-first search over the graph with the loop checks' outgoing edges removed:
  // a back edge there is a loop no time limit sees.
  // CTX_LOOP bounds its loop too (each pass moves its context one bar on in a finite dataset): its
  // edge into the loop body is removed, and the body is searched from its own start; so does
  // CTX_NEXT, whose edge back to the pass is removed.
  const state = new Map<number, 1 | 2>();
  const roots = [entry];
  const stack: { pc: number; i: number }[] = [];
  while (roots.length > 0) {
    const root = roots.pop() as number;
    if (state.has(root)) continue;
    stack.push({ pc: root, i: 0 });
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { pc: number; i: number };
      const op = code[top.pc] as number;
      const all = succ.get(top.pc) ?? [];
      if (op === Op.CTX_LOOP && top.i === 0) roots.push(top.pc + 5);
      const next =
        op === Op.LOOP_CHECK || op === Op.FOR_TEST
          ? []
          : op === Op.CTX_LOOP
            ? all.filter((t) => t !== top.pc + 5)
            : op === Op.CTX_NEXT
              ? all.filter((t) => t !== (code[top.pc + 4] as number))
              : all;
      if (top.i >= next.length) {
        state.set(top.pc, 2);
        stack.pop();
        continue;
      }
      const t = next[top.i] as number;
      top.i += 1;
      const s = state.get(t);
      if (s === 1) bad(`program.code[${top.pc}]`, `jumps back to ${t} in a loop with no loop check: no time limit would stop it`);
      if (s === undefined) {
        state.set(t, 1);
        stack.push({ pc: t, i: 0 });
      }
    }
  }
}

function checkCallGraph(p: Program, callees: number[][], name: (i: number) => string): void {
  // Iterative depth-first search; a node's tree size is summed once all its callees are done.
  const n = p.functions.length;
  const state = new Uint8Array(n);
  const size = new Float64Array(n);
  const stack: { fn: number; i: number }[] = [{ fn: 0, i: 0 }];
  state[0] = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { fn: number; i: number };
    const list = callees[top.fn] ?? [];
    if (top.i >= list.length) {
      let total = 1;
      for (const c of list) total += size[c] as number;
      size[top.fn] = total;
      state[top.fn] = 2;
      stack.pop();
      continue;
    }
    const c = list[top.i] as number;
    top.i += 1;
    if (state[c] === 1) {
      const path = stack.slice(stack.findIndex((s) => s.fn === c)).map((s) => String(p.functions[s.fn]?.name));
      bad(`program.functions[${top.fn}]`, `calls ${name(c)} in a cycle (${[...path, String(p.functions[c]?.name)].join(' → ')}): Pine has no recursion`);
    }
    if (state[c] === 0) {
      state[c] = 1;
      stack.push({ fn: c, i: 0 });
    }
  }
  // Functions main never reaches are still checked for cycles among themselves.
  for (let f = 1; f < n; f++) {
    if (state[f] !== 0) continue;
    state[f] = 1;
    stack.push({ fn: f, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { fn: number; i: number };
      const list = callees[top.fn] ?? [];
      if (top.i >= list.length) {
        state[top.fn] = 2;
        stack.pop();
        continue;
      }
      const c = list[top.i] as number;
      top.i += 1;
      if (state[c] === 1) bad(`program.functions[${top.fn}]`, `calls ${name(c)} in a cycle: Pine has no recursion`);
      if (state[c] === 0) {
        state[c] = 1;
        stack.push({ fn: c, i: 0 });
      }
    }
  }
  if ((size[0] as number) > MAX_CALL_TREE) {
    bad('program.functions', `unfold to ${size[0]} call-site instances, above the ${MAX_CALL_TREE.toLocaleString('en-US')} a program may have`);
  }
}
