// Structured loops for the compiled tier (runtime/jit.ts). The block-by-block code goes back through
// the dispatch switch after every basic block; a loop's blocks are instead written out here as one
// JavaScript `for (;;)` at the loop's header case: `if`/`else` for forward branches, labelled
// `break`/`continue` for the loop's exits, `continue` statements and back edge. Inside it the hot
// numeric registers live in JS locals (loaded when the loop is entered, written back to f before
// anything that can observe the registers or throw — a builtin call, a checked history read, the loop
// clock — and when the loop is left), so V8 keeps them in machine registers.
//
// The translation is exact or absent: any shape it does not recognise (a jump into the middle of a
// branch, a user function call, a request context, HALT) makes it give up, and the loop runs block
// by block as before. With an instruction budget (`budgeted`, Machine.exec), only innermost loops are
// structured: each iteration starts only when the budget covers every instruction of the loop (else
// the locals are written back and the dispatch loop takes over at the header, stepping single
// instructions), and each path subtracts exactly the instructions it ran, so a budgeted stop leaves
// the state the interpreter would have left.

import { OP_LEN, OPS } from '../bytecode/opcodes.js';
import { opJs, type OpContext, type RegNames } from './jit-ops.js';

/** A loop of the bytecode: the back edge at `back` (JMP or FOR_STEP) jumps to `head`; `exit` is the
 * instruction after the back edge; `tail` is where a `continue` goes when it is not the head (the
 * last stretch of straight code before the back edge that a jump inside the loop targets). */
export interface Loop {
  head: number;
  back: number;
  exit: number;
  tail: number;
}

const TRANSFER = new Set(['HALT', 'JMP', 'JF', 'JT', 'VAR_INIT', 'CALL', 'RET', 'FOR_TEST', 'FOR_STEP', 'CTX_LOOP', 'CTX_IN_LOOP', 'CTX_NEXT']);

function jumpTarget(code: Int32Array, pc: number): number {
  switch (OPS[code[pc] as number]?.[0]) {
    case 'JMP':
      return code[pc + 1] as number;
    case 'JF':
    case 'JT':
    case 'VAR_INIT':
      return code[pc + 2] as number;
    case 'FOR_TEST':
      return code[pc + 5] as number;
    case 'FOR_STEP':
      return code[pc + 3] as number;
    default:
      return -1;
  }
}

/** The loops of `code` by header (headers with more than one back edge are left out). */
export function findLoops(code: Int32Array): Map<number, Loop> {
  const loops = new Map<number, Loop>();
  const bad = new Set<number>();
  for (let pc = 0; pc < code.length; pc += OP_LEN[code[pc] as number] as number) {
    const name = OPS[code[pc] as number]?.[0];
    if (name !== 'JMP' && name !== 'FOR_STEP') continue;
    const head = jumpTarget(code, pc);
    if (head < 0 || head > pc) continue;
    if (loops.has(head)) bad.add(head);
    loops.set(head, { head, back: pc, exit: pc + (OP_LEN[code[pc] as number] as number), tail: pc });
  }
  for (const h of bad) loops.delete(h);
  for (const loop of loops.values()) {
    // Straight code before the back edge: [straightFrom, back).
    const insts: number[] = [];
    for (let q = loop.head; q < loop.back; q += OP_LEN[code[q] as number] as number) insts.push(q);
    let straightFrom = loop.back;
    for (let i = insts.length - 1; i >= 0; i--) {
      const q = insts[i] as number;
      if (TRANSFER.has(OPS[code[q] as number]?.[0] ?? '')) break;
      straightFrom = q;
    }
    let tail = loop.back;
    let found = false;
    for (const q of insts) {
      const t = jumpTarget(code, q);
      if (t > loop.head && t >= straightFrom && t <= loop.back && (!found || t > tail)) {
        tail = t;
        found = true;
      }
    }
    loop.tail = tail;
  }
  return loops;
}

/** Registers held in JS locals inside one structured loop nest, with the ones changed since they
 * were last written back (tracked along the generated code's paths). A numeric register r is the key
 * r (local `r<r>`), a reference register r the key ~r (local `q<r>`). */
class CachedRegs implements RegNames {
  dirty = new Set<number>();
  constructor(readonly cached: Set<number>) {}
  private name(k: number): string {
    return k >= 0 ? `r${k}` : `q${~k}`;
  }
  private slot(k: number): string {
    return k >= 0 ? `f[${k}]` : `o[${~k}]`;
  }
  private use(k: number, write: boolean): string {
    if (!this.cached.has(k)) return this.slot(k);
    if (write) this.dirty.add(k);
    return this.name(k);
  }
  get(r: number): string {
    return this.use(r, false);
  }
  set(r: number): string {
    return this.use(r, true);
  }
  getO(r: number): string {
    return this.use(~r, false);
  }
  setO(r: number): string {
    return this.use(~r, true);
  }
  /** Whether key k's register is at or after register `from`. */
  private from(k: number, from: number): boolean {
    return (k >= 0 ? k : ~k) >= from;
  }
  flush(from = 0): string {
    let s = '';
    for (const k of this.dirty) {
      if (this.from(k, from)) {
        s += `${this.slot(k)} = ${this.name(k)}; `;
        this.dirty.delete(k);
      }
    }
    return s;
  }
  flushKeep(from = 0): string {
    let s = '';
    for (const k of this.dirty) if (this.from(k, from)) s += `${this.slot(k)} = ${this.name(k)}; `;
    return s;
  }
  reload(from: number, n: number): string {
    let s = '';
    for (const k of this.cached) {
      const r = k >= 0 ? k : ~k;
      if (r >= from && r < from + n) {
        s += `${this.name(k)} = ${this.slot(k)}; `;
        this.dirty.delete(k);
      }
    }
    return s;
  }
  reloadKeep(from: number, n: number): string {
    let s = '';
    for (const k of this.cached) {
      const r = k >= 0 ? k : ~k;
      if (r >= from && r < from + n) s += `${this.name(k)} = ${this.slot(k)}; `;
    }
    return s;
  }
  /** `let` declarations loading every cached register. */
  locals(): string {
    return [...this.cached].map((k) => `${this.name(k)} = ${this.slot(k)}`).join(', ');
  }
}

/** Registers read or written through RegNames (a dry run that picks what to cache), keyed as in
 * CachedRegs. */
class RecordingRegs implements RegNames {
  seen = new Set<number>();
  get(r: number): string {
    this.seen.add(r);
    return `f[${r}]`;
  }
  set(r: number): string {
    this.seen.add(r);
    return `f[${r}]`;
  }
  getO(r: number): string {
    this.seen.add(~r);
    return `o[${r}]`;
  }
  setO(r: number): string {
    this.seen.add(~r);
    return `o[${r}]`;
  }
  flush(): string {
    return '';
  }
  flushKeep(): string {
    return '';
  }
  reload(): string {
    return '';
  }
  reloadKeep(): string {
    return '';
  }
}

interface Open {
  loop: Loop;
  /** Dirty registers where the loop is left (breaks) and where it goes round again. */
  exitDirty: Set<number>;
  backDirty: Set<number>;
  /** Dirty registers where a `continue` goes to the tail. */
  tailDirty: Set<number>;
}

class GiveUp extends Error {}

/** Emits one structured loop nest (the loop at `head` with everything inside it). */
class LoopWriter {
  private stack: Open[] = [];
  private pend = 0;
  constructor(
    private readonly cx: OpContext,
    private readonly loops: Map<number, Loop>,
    private readonly inMain: boolean,
    private readonly budgeted: boolean,
    private R: RegNames,
  ) {}

  private get code(): Int32Array {
    return this.cx.program.code;
  }

  /** `budget -= n` for the instructions counted since the last one (budgeted code only). */
  private sync(out: string[]): void {
    if (this.budgeted && this.pend > 0) out.push(`budget -= ${this.pend};`);
    this.pend = 0;
  }

  private dirty(): Set<number> {
    return this.R instanceof CachedRegs ? this.R.dirty : new Set<number>();
  }

  private setDirty(s: Set<number>): void {
    if (this.R instanceof CachedRegs) this.R.dirty = new Set(s);
  }

  private cond(reg: number, whenTrue: boolean): string {
    const x = this.R.get(reg);
    return whenTrue ? `(${x} === ${x} && ${x} !== 0)` : `!(${x} === ${x} && ${x} !== 0)`;
  }

  /** The statement leaving for jump target `t` through an open loop's label, or null. */
  private labelJump(t: number): string | null {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const o = this.stack[i] as Open;
      const d = this.dirty();
      if (o.loop.exit === t) {
        for (const r of d) o.exitDirty.add(r);
        return `break L${o.loop.head};`;
      }
      if (o.loop.head === t) {
        for (const r of d) o.backDirty.add(r);
        return `continue L${o.loop.head};`;
      }
      if (o.loop.tail === t) {
        for (const r of d) o.tailDirty.add(r);
        return `break C${o.loop.head};`;
      }
    }
    return null;
  }

  /** The code of [from, to), entered at `from` and left at `to` or through open loops' labels. */
  region(from: number, to: number, skipHead: number, out: string[]): void {
    const code = this.code;
    let pc = from;
    while (pc < to) {
      const loop = this.loops.get(pc);
      if (loop && pc !== skipHead) {
        if (this.budgeted || loop.exit > to) throw new GiveUp();
        this.sync(out);
        this.loop(loop, out);
        pc = loop.exit;
        continue;
      }
      const op = code[pc] as number;
      const name = OPS[op]?.[0] ?? '';
      const next = pc + (OP_LEN[op] as number);
      const a = code[pc + 1] as number;
      if (name === 'JF' || name === 'JT' || name === 'VAR_INIT') {
        const t = code[pc + 2] as number;
        this.pend++;
        if (t > next && t <= to) {
          // The last instruction of [next, t): a JMP past t makes the rest an `else`.
          let last = next;
          for (let q = next; q < t; q += OP_LEN[code[q] as number] as number) last = q;
          const lastJump = OPS[code[last] as number]?.[0] === 'JMP' ? (code[last + 1] as number) : -1;
          this.sync(out);
          const before = new Set(this.dirty());
          if (name === 'VAR_INIT') {
            const at = this.inMain ? String(a) : `vb + ${a}`;
            out.push(`{ const at = ${at}; if (vf[at] !== 1) { vf[at] = 1;`);
            this.region(next, t, -1, out);
            this.sync(out);
            out.push('} }');
          } else if (lastJump > t && lastJump <= to) {
            out.push(`if (${this.cond(a, name === 'JF')}) {`);
            this.region(next, last, -1, out);
            this.pend++;
            this.sync(out);
            const thenDirty = new Set(this.dirty());
            this.setDirty(before);
            out.push('} else {');
            this.region(t, lastJump, -1, out);
            this.sync(out);
            out.push('}');
            for (const r of thenDirty) this.dirty().add(r);
            pc = lastJump;
            continue;
          } else {
            out.push(`if (${this.cond(a, name === 'JF')}) {`);
            this.region(next, t, -1, out);
            this.sync(out);
            out.push('}');
          }
          for (const r of before) this.dirty().add(r);
          pc = t;
          continue;
        }
        if (name === 'VAR_INIT') throw new GiveUp();
        this.sync(out);
        const leave = this.labelJump(t);
        if (leave === null) throw new GiveUp();
        out.push(`if (${this.cond(a, name === 'JT')}) { ${leave} }`);
        pc = next;
        continue;
      }
      if (name === 'JMP') {
        this.pend++;
        this.sync(out);
        if (a !== to) {
          const leave = this.labelJump(a);
          if (leave === null) throw new GiveUp();
          out.push(leave);
        }
        pc = next;
        continue;
      }
      if (name === 'FOR_TEST') {
        const top = this.stack[this.stack.length - 1];
        if (!top || code[pc + 5] !== top.loop.exit) throw new GiveUp();
        const [up, i, lim, timer] = [a, code[pc + 2] as number, code[pc + 3] as number, code[pc + 4] as number];
        this.pend++;
        this.sync(out);
        const g = (r: number): string => this.R.get(r);
        const leave = this.labelJump(top.loop.exit);
        out.push(
          `{ const i = ${g(i)}, to = ${g(lim)}; if (!(${g(up)} !== 0 ? i <= to : i >= to)) ${leave}`,
          ` const t = lt[0] + 1; lt[0] = t; if (t >= lb[${timer}]) { ${this.R.flushKeep()} p = ${pc}; m.pc = p; m.loopCheck(${timer}); } }`,
        );
        pc = next;
        continue;
      }
      if (TRANSFER.has(name) || name.startsWith('CTX_')) throw new GiveUp();
      const js = opJs(this.cx, pc, this.inMain, this.R);
      if (js === null) throw new GiveUp();
      this.pend++;
      out.push(js);
      pc = next;
    }
    this.sync(out);
  }

  /** `L<head>: for (;;) { ... }`, iterated until the dirty registers at its head are stable. */
  loop(loop: Loop, out: string[]): void {
    const entry = new Set(this.dirty());
    let head = new Set(entry);
    for (let round = 0; ; round++) {
      if (round > 16) throw new GiveUp();
      this.setDirty(head);
      const body: string[] = [];
      const open: Open = { loop, exitDirty: new Set(), backDirty: new Set(), tailDirty: new Set() };
      this.stack.push(open);
      const savedPend = this.pend;
      this.pend = 0;
      body.push(`L${loop.head}: for (;;) {`);
      if (this.budgeted) {
        let n = 0;
        for (let q = loop.head; q < loop.exit; q += OP_LEN[this.code[q] as number] as number) n++;
        body.push(`if (budget < ${n}) { ${this.R.flushKeep()} pc = ${loop.head}; break S; }`);
      }
      body.push(`C${loop.head}: {`);
      this.region(loop.head, loop.tail, loop.head, body);
      body.push('}');
      // After the labelled block: dirty on any path that reaches the tail.
      for (const r of open.tailDirty) this.dirty().add(r);
      this.region(loop.tail, loop.back, -1, body);
      const back = this.code[loop.back] as number;
      if (OPS[back]?.[0] === 'FOR_STEP') {
        const a = this.code[loop.back + 1] as number;
        const b = this.code[loop.back + 2] as number;
        body.push(`${this.R.set(a)} = ${this.R.get(a)} + ${this.R.get(b)};`);
      }
      this.pend++;
      this.sync(body);
      body.push('}');
      this.stack.pop();
      this.pend = savedPend;
      for (const r of this.dirty()) open.backDirty.add(r);
      let grew = false;
      for (const r of open.backDirty) {
        if (!head.has(r)) {
          head.add(r);
          grew = true;
        }
      }
      if (grew) {
        head = new Set(head);
        continue;
      }
      out.push(...body);
      // Left through a break (the FOR_TEST or JF at the head included).
      this.setDirty(new Set([...open.exitDirty, ...head]));
      return;
    }
  }
}

/** The case at a loop header as one structured loop nest, or null when its shape is not one this
 * translation handles. The case leaves for the dispatch loop at the loop's exit (or, budgeted, at
 * the header when the budget does not cover an iteration: `break S` to after the case's block). */
export function structuredLoopCase(
  cx: OpContext,
  loops: Map<number, Loop>,
  loop: Loop,
  inMain: boolean,
  budgeted: boolean,
): string | null {
  const code = cx.program.code;
  // What to hold in locals: every numeric register the nest reads or writes itself, except the
  // loop timers (the loop clock reads them), and nothing when a register is read indirectly.
  let cached = new Set<number>();
  try {
    const rec = new RecordingRegs();
    new LoopWriter(cx, loops, inMain, budgeted, rec).loop(loop, []);
    cached = rec.seen;
  } catch (e) {
    if (e instanceof GiveUp) return null;
    throw e;
  }
  for (let q = loop.head; q < loop.exit; q += OP_LEN[code[q] as number] as number) {
    if (OPS[code[q] as number]?.[0] === 'MOV_FI') cached = new Set();
  }
  for (const r of cx.program.loopRegs) {
    cached.delete(r);
    cached.delete(r + 1);
  }
  const regs = new CachedRegs(cached);
  const body: string[] = [];
  try {
    new LoopWriter(cx, loops, inMain, budgeted, regs).loop(loop, body);
  } catch (e) {
    if (e instanceof GiveUp) return null;
    throw e;
  }
  const locals = regs.locals();
  // What may have changed when the nest is left goes back to f.
  const writeBack = regs.flush();
  const n = (() => {
    let k = 0;
    for (let q = loop.head; q < loop.exit; q += OP_LEN[code[q] as number] as number) k++;
    return k;
  })();
  return [
    `case ${loop.head}: ${budgeted ? `if (budget < ${n}) break; ` : ''}p = ${loop.head};`,
    'S: {',
    locals.length > 0 ? `let ${locals};` : '',
    ...body,
    writeBack,
    `pc = ${loop.exit}; continue;`,
    '}',
    'continue;',
  ].join('\n');
}
