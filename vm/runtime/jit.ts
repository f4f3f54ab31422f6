// The compiled tier of the interpreter. A Program's bytecode is translated once into one JavaScript
// function that does what Machine.interpret does, block by block: every basic block becomes a
// `case` of a switch on pc with its instructions written out inline (operands as literals, builtins
// called through their own call sites, so V8 can inline them), and control flow (jumps, CALL, RET)
// still goes through the explicit pc, frame stack and bases in the Machine's fields. Nothing lives
// on the JavaScript stack between instructions, and the state is the same data the interpreter uses:
// a block runs only when the instruction budget covers all of it; otherwise (and at a pc that does
// not start a block, after a budgeted stop inside one) the interpreter steps single instructions
// until the budget runs out or a block starts. A stop, a snapshot or an error therefore sees exactly
// what the interpreter would have left.
//
// Loops are the exception to block by block: at a loop's header the whole loop is one JS `for (;;)`
// with its hot registers in JS locals (jit-loops.ts; instructions are translated in jit-ops.ts,
// where the commonest builtins — object fields, array elements, na() — are also written out inline).
// runBars' history loop has no instruction budget, so its code counts no instructions at all; it
// calls one function per bar (compiledBody: main's code from its entry to HALT, without the cases no
// jump reaches there), which V8 optimises as a whole function once and reuses in every later run.
// An instance's first bars go to a copy of that function (compiledFirst), and the rows to the loop
// in chunks, so that no path V8 saw only before it collected feedback throws the optimised code
// away in a later run (`--trace-deopt`: none after a process's first run of bench (e)).
//
// Every case below mirrors the case of the same opcode in machine.ts. The language suite runs through
// both tiers, and tests/vm/jit-equivalence.test.ts compares them cell by cell on every suite, sample
// and bench script, straight and under instruction budgets.

import type { Program } from '../bytecode/program.js';
import { OP_LEN, OPS } from '../bytecode/opcodes.js';
import type { BuiltinImpl } from '../builtins/registry.js';
import type { SeriesF, SeriesO } from '../core/series.js';
import type { BarColumns } from '../data/bars.js';
import type { BarFeed } from './bar-feed.js';
import { resolveBuiltins } from './builtin-table.js';
import { fnByKey } from '../builtins/registry.js';
import { DIRECT, opJs, type OpContext } from './jit-ops.js';
import { findLoops, structuredLoopCase } from './jit-loops.js';
import { ctxEnter, ctxEnterLoop, ctxEnterRun, ctxLeave, ctxLeaveArray, ctxLoop, deactivate, otherLoad } from './contexts.js';
import { ctxVars } from './request-vars.js';
import { ctxKey, ctxUnkey } from './request-keys.js';
import type { OutputStore } from './outputs.js';

/** What the generated code reads and writes of the interpreter (runtime/machine.ts's Machine): its
 * registers, record, execution state and the helpers it calls out to. Declared here so that this
 * tier does not import the interpreter (the Machine imports this file). */
export interface TierMachine {
  f: Float64Array;
  o: unknown[];
  vf: Float64Array;
  vo: unknown[];
  ser: (SeriesF | SeriesO)[];
  bar: number;
  outputs: OutputStore;
  pc: number;
  frames: number[];
  vb: number;
  ob: number;
  sb: number;
  cb: number;
  interpret(maxSteps: number): boolean;
  histF(s: SeriesF, k: number): number;
  histO(s: SeriesO, k: number): unknown;
  loopCheck(r: number): void;
  growSerF(s: SeriesF): void;
  growSerO(s: SeriesO): void;
  loopEnter(r: number): void;
  loopTicks: Float64Array;
  loopBase: Float64Array;
  loopPendingFlag: Uint8Array;
  concatTooLong(x: string, y: string): never;
  locate(e: unknown, pc: number): unknown;
}

/** Runs up to `maxSteps` instructions of the machine's bar, as Machine.interpret does. */
export type CompiledExec = (m: TierMachine, maxSteps: number) => boolean;

/** Runs confirmed history bars [from, to) of `cols` in one call, as Instance.runBars does bar by
 * bar with Machine.exec: each bar enters through the per-bar driver (`feed.enterRow`, bar-feed.ts),
 * then the body runs, then `feed.leave()`. `m.bar` is the last bar entered when it returns or
 * throws; the outputs must have room for every row. */
export type CompiledHistory = (m: TierMachine, feed: BarFeed, cols: BarColumns, from: number, to: number) => void;

export interface Compiled {
  exec: CompiledExec;
  history: CompiledHistory;
}

/** Programs larger than this (code words) stay interpreted. V8 takes long to optimise a large
 * generated function and runs it slowly until then: measured on generated scripts over 5,000 bars,
 * the compiled tier was 1.2-1.5x faster up to ~2,400 words and 4x slower at 4,800. */
export const MAX_COMPILED_CODE = 2_000;

/** An instance's first bars run in a copy of the history body of their own (see generate). */
const FIRST_BARS = 32;
/** Rows per call of the compiled history loop (see generate). */
const HISTORY_CHUNK = 2048;

type Factory = (impls: BuiltinImpl[], ctx: typeof CONTEXT_OPS) => Compiled;

/** The request.security context steps (contexts.ts) the generated code calls directly, not through
 * the Machine's methods: a call less per request and chart bar (the history loop is too large for
 * V8 to inline the methods into it). */
const CONTEXT_OPS = { ctxEnter, ctxLeave, ctxLoop, ctxEnterLoop, ctxEnterRun, ctxLeaveArray, otherLoad, ctxVars, ctxKey, ctxUnkey, deactivate };

/** Factories by Program object, and by generated source: a program compiled again from the same
 * script (a re-run after an input change, a restore) reuses the function V8 has already optimised. */
const byProgram = new WeakMap<Program, Factory | null>();
const bySource = new Map<string, Factory>();
const SOURCE_CACHE_SIZE = 16;

/** The compiled form of `program`, or null when it stays interpreted (too large, or the host forbids
 * generating code, e.g. a Content-Security-Policy without 'unsafe-eval'). */
export function compileProgram(program: Program, impls: BuiltinImpl[], stateful: Uint8Array): Compiled | null {
  let factory = byProgram.get(program);
  if (factory === undefined) {
    const text = generate(program, stateful);
    factory = text === null ? null : factoryFor(text);
    byProgram.set(program, factory);
  }
  return factory === null ? null : instantiate(factory, impls);
}

/** The functions a factory made, by factory, with the implementations they were made over: an
 * instance of a program run before gets the same functions, whose feedback and optimised code V8
 * keeps (new closures start cold: a backtest of 100k bars spent more time re-warming them than
 * running). They read and write nothing but the machine they are given. */
const made = new WeakMap<Factory, { impls: BuiltinImpl[]; compiled: Compiled }>();

function instantiate(factory: Factory, impls: BuiltinImpl[]): Compiled {
  const have = made.get(factory);
  if (have !== undefined && sameImpls(have.impls, impls)) return have.compiled;
  const compiled = factory(impls, CONTEXT_OPS);
  made.set(factory, { impls, compiled });
  return compiled;
}

function sameImpls(a: BuiltinImpl[], b: BuiltinImpl[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function factoryFor(text: string): Factory | null {
  const known = bySource.get(text);
  if (known) {
    // Most recently used last.
    bySource.delete(text);
    bySource.set(text, known);
    return known;
  }
  let made: Factory;
  try {
    made = new Function('impls', 'ctx', text) as Factory;
  } catch {
    return null;
  }
  bySource.set(text, made);
  if (bySource.size > SOURCE_CACHE_SIZE) {
    const oldest = bySource.keys().next();
    if (!oldest.done) bySource.delete(oldest.value);
  }
  return made;
}

const OPCODE_COUNT = OPS.length;

/** Instructions after which the next one is not necessarily run. */
const TRANSFERS = new Set(['HALT', 'JMP', 'JF', 'JT', 'VAR_INIT', 'CALL', 'RET', 'FOR_TEST', 'FOR_STEP', 'CTX_LOOP', 'CTX_IN_LOOP', 'CTX_NEXT']);

/** Addresses where a basic block starts (`starts`: function entries, jump targets, the instruction
 * after a jump, a call or a return), and those of them entered other than by falling through
 * (`targets`: entries, jump targets, return addresses). Null when the code is malformed (left to the
 * interpreter to report). */
export function blockStarts(program: Program): { starts: Set<number>; targets: Set<number> } | null {
  const code = program.code;
  const starts = new Set<number>();
  const targets = new Set<number>();
  const jumpTo = (t: number): void => {
    starts.add(t);
    targets.add(t);
  };
  for (const fn of program.functions) jumpTo(fn.entry);
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc] as number;
    if (op < 0 || op >= OPCODE_COUNT) return null;
    const next = pc + (OP_LEN[op] as number);
    switch (OPS[op]?.[0]) {
      case 'JMP':
        jumpTo(code[pc + 1] as number);
        break;
      case 'JF':
      case 'JT':
      case 'VAR_INIT':
        jumpTo(code[pc + 2] as number);
        break;
      case 'FOR_TEST':
        jumpTo(code[pc + 5] as number);
        break;
      case 'FOR_STEP':
        jumpTo(code[pc + 3] as number);
        break;
      case 'CTX_LOOP':
      case 'CTX_NEXT':
        jumpTo(code[pc + 4] as number);
        jumpTo(next);
        break;
      case 'CTX_IN_LOOP':
        jumpTo(code[pc + 5] as number);
        jumpTo(next);
        break;
      case 'CALL':
        jumpTo(next); // the return address
        break;
      default:
        break;
    }
    if (TRANSFERS.has(OPS[op]?.[0] ?? '')) starts.add(next);
    pc = next;
  }
  if (pc !== code.length) return null;
  return { starts, targets };
}

/** The body of a Factory for `program`, or null when it stays interpreted. */
function generate(program: Program, stateful: Uint8Array): string | null {
  const code = program.code;
  if (code.length > MAX_COMPILED_CODE) return null;
  const blocks = blockStarts(program);
  if (blocks === null) return null;
  const { starts, targets } = blocks;
  // Main's code runs with every base at 0: its slots can be written as literals.
  const entries = program.functions.map((fn) => fn.entry).sort((a, b) => a - b);
  const mainEntry = program.functions[0]?.entry ?? 0;
  // request.security contexts read the rows ahead (lookahead_on): the loop keeps m.aheadRow.
  let hasRequests = false;
  for (let q = 0; q < code.length; q += OP_LEN[code[q] as number] as number) {
    const nm = OPS[code[q] as number]?.[0];
    if (nm === 'CTX_IN' || nm === 'CTX_IN_RUN' || nm === 'CTX_IN_LOOP') hasRequests = true;
  }
  const mainEnd = entries.find((e) => e > mainEntry) ?? code.length;
  const sorted = [...starts].filter((s) => s < code.length).sort((a, b) => a - b);
  const nImpls = program.builtins.length;

  const cx: OpContext = { program, stateful, resultRegs: program.builtins.map(resultRegisters) };
  const one = (pc: number, inMain: boolean): string | null => opJs(cx, pc, inMain, DIRECT);
  const loops = findLoops(code);

  /** Whether [from, to) is straight-line code entered only from the instruction before it (a
   * forward branch over it can become an `if` inside one case). */
  const straight = (from: number, to: number): boolean => {
    if (targets.has(from)) return false;
    for (let q = from; q < to; ) {
      if (q > from && starts.has(q)) return false;
      const op = code[q] as number;
      if (TRANSFERS.has(OPS[op]?.[0] ?? '')) return false;
      q += OP_LEN[op] as number;
    }
    return true;
  };

  /** An own-symbol request's expression [from, to): straight-line code ending in the CTX_NEXT that
   * goes back to `from` (request.ts: it loops only on intrabars, a timeframe below the chart's).
   * The pc of that CTX_NEXT, or -1. */
  const requestBody = (from: number, to: number): number => {
    for (let q = from; q < to; q += OP_LEN[code[q] as number] as number) {
      if (q > from && starts.has(q)) return -1;
      const nm = OPS[code[q] as number]?.[0] ?? '';
      if (TRANSFERS.has(nm)) return nm === 'CTX_NEXT' && q + (OP_LEN[code[q] as number] as number) === to && code[q + 4] === from ? q : -1;
    }
    return -1;
  };

  const countIn = (from: number, to: number): number => {
    let n = 0;
    for (let q = from; q < to; q += OP_LEN[code[q] as number] as number) n++;
    return n;
  };

  /** One case: the block at `start` and, through forward branches over straight-line code (an `if`
   * without `else`, a `var` initialiser), the blocks they lead to. The budget check covers the
   * longest path; each path subtracts exactly the instructions it runs. */
  const caseAt = (start: number, budgeted: boolean): string | null => {
    const inMain = start >= mainEntry && start < mainEnd;
    const base = (r: string, k: number): string => (inMain ? String(k) : `${r} + ${k}`);
    const lines: string[] = [];
    let pending = 0;
    let worst = 0;
    let merges = 0;
    let pc = start;
    let enteredAt = start;
    for (;;) {
      if (pc >= code.length) return null;
      if (pc !== enteredAt && starts.has(pc)) {
        lines.push(`${budgeted ? `budget -= ${pending}; ` : ''}pc = ${pc}; continue;`);
        break;
      }
      const op = code[pc] as number;
      const name = OPS[op]?.[0] ?? '';
      const len = OP_LEN[op] as number;
      const next = pc + len;
      const a = code[pc + 1] as number;
      const target = code[pc + 2] as number;
      if ((name === 'JF' || name === 'JT' || name === 'VAR_INIT') && merges < 8 && target > next && straight(next, target)) {
        const inner: string[] = [];
        for (let q = next; q < target; q += OP_LEN[code[q] as number] as number) {
          const js = one(q, inMain);
          if (js === null) return null;
          inner.push(js);
        }
        const n = countIn(next, target);
        pending++;
        worst += 1 + n;
        const open =
          name === 'JF'
            ? `{ const x = f[${a}]; if (x === x && x !== 0) {`
            : name === 'JT'
              ? `{ const x = f[${a}]; if (!(x === x && x !== 0)) {`
              : `{ const at = ${base('vb', a)}; if (vf[at] !== 1) { vf[at] = 1;`;
        lines.push(open, budgeted ? `budget -= ${n};` : '', ...inner, '} }');
        pc = target;
        enteredAt = target;
        merges++;
        continue;
      }
      const nx = !budgeted && name === 'JF' && merges < 8 && target > next ? requestBody(next, target) : -1;
      if (nx >= 0) {
        // History (no budget): the request's expression inside an `if`, its CTX_NEXT a JS loop
        // (one pass unless intrabars are due).
        const inner: string[] = [];
        for (let q = next; q < nx; q += OP_LEN[code[q] as number] as number) {
          const js = one(q, inMain);
          if (js === null) return null;
          inner.push(js);
        }
        pending++;
        lines.push(
          `{ const x = f[${a}]; if (x === x && x !== 0) { for (;;) {`,
          ...inner,
          `p = ${nx}; const k = m.ctxLoop(cb + ${code[nx + 1] as number}, ${code[nx + 2] as number}, ${code[nx + 3] as number}); if (k < 0) break; bar = k; } } }`,
        );
        pc = target;
        enteredAt = target;
        merges++;
        continue;
      }
      const js = one(pc, inMain);
      if (js === null) return null;
      pending++;
      worst++;
      if (TRANSFERS.has(name)) {
        lines.push(budgeted ? `budget -= ${pending};` : '', js);
        break;
      }
      lines.push(js);
      pc = next;
    }
    return [`case ${start}: ${budgeted ? `if (budget < ${worst}) break; ` : ''}p = ${start};`, ...lines].join('\n');
  };

  /** The cases of the dispatch switch: a block (with the forward branches merged into it), or at a
   * loop header the whole loop written as a JS loop when it can be (jit-loops.ts). */
  const casesFor = (budgeted: boolean): Map<number, string> | null => {
    const cases = new Map<number, string>();
    for (const start of sorted) {
      const loop = loops.get(start);
      const inMain = start >= mainEntry && start < mainEnd;
      const structured = loop ? structuredLoopCase(cx, loops, loop, inMain, budgeted) : null;
      const c = structured ?? caseAt(start, budgeted);
      if (c === null) return null;
      cases.set(start, c);
    }
    return cases;
  };
  const execCases = casesFor(true);
  const historyCases = casesFor(false);
  if (execCases === null || historyCases === null) return null;
  // A history bar (no budget) enters only at main's entry and never stops inside a block: the
  // cases no other case goes to (the blocks inside a structured loop, those merged into the case
  // before them) are left out of its function, which V8 then compiles sooner.
  const historyReached = reachedCases(historyCases, [mainEntry, ...entries, ...returnAddresses(program)]);
  const switchOn = (cases: Iterable<string>, halt: string): string => ['switch (pc) {', ...cases, '}'].join('\n').replaceAll('HALT_CODE', halt);
  // Not a block start, or not enough budget for the block: one instruction in the interpreter.
  const bail = (halt: string, exhausted: string): string[] => [
    `if (budget <= 0) { ${exhausted} }`,
    'm.pc = pc; m.vb = vb; m.ob = ob; m.sb = sb; m.cb = cb; p = pc;',
    `if (m.interpret(1)) ${halt}`,
    'budget--;',
    // bar: a request's CTX_* instruction run here may have changed the execution id (m.bar), and
    // the output row with it.
    'pc = m.pc; vb = m.vb; ob = m.ob; sb = m.sb; cb = m.cb; p = pc; bar = m.bar; outRow = bar - m.outputs.firstBar;',
  ];
  const onError = ['} catch (err) {', 'm.pc = p; m.vb = vb; m.ob = ob; m.sb = sb; m.cb = cb;', 'throw m.locate(err, p);', '}'];
  const bodyFn = (name: string): string[] => [
    `const ${name} = function ${name}(m, bar, outRow) {`,
    'const f = m.f, o = m.o, vf = m.vf, vo = m.vo, ser = m.ser, frames = m.frames, lb = m.loopBase, lpf = m.loopPendingFlag, lt = m.loopTicks;',
    'const outCols = m.outputs.columns;',
    `let pc = ${mainEntry}, vb = 0, ob = 0, sb = 0, cb = 0, p = pc, budget = 0x7fffffff;`,
    'try {',
    'for (;;) {',
    switchOn(historyReached, 'm.pc = -1; return;'),
    ...bail('return;', 'budget = 0x7fffffff; continue;'),
    '}',
    ...onError,
    '};',
  ];
  const historyLoop = (name: string, body: string): string[] => [
    `const ${name} = function ${name}(m, feed, cols, from, to, frames, firstBar, hostSteps, bar) {`,
    'for (let i = from; i < to; i++) {',
    'bar++;',
    'feed.enterRow(cols, i, bar);',
    ...(hasRequests ? ['m.aheadRow = i;'] : []),
    'if (frames.length !== 0) frames.length = 0;',
    `${body}(m, bar, bar - firstBar);`,
    'if (hostSteps) feed.leaveLater();',
    '}',
    '};',
  ];
  const out: string[] = [];
  for (let i = 0; i < nImpls; i++) out.push(`const i${i} = impls[${i}];`);
  if (hasRequests) out.push('const ctxIn = ctx.ctxEnter, ctxOut = ctx.ctxLeave, ctxLoop = ctx.ctxLoop, ctxInLoop = ctx.ctxEnterLoop, ctxInRun = ctx.ctxEnterRun, ctxOutArr = ctx.ctxLeaveArray, ctxLoad = ctx.otherLoad, ctxVars = ctx.ctxVars, ctxKey = ctx.ctxKey, ctxUnkey = ctx.ctxUnkey, ctxDeact = ctx.deactivate;');
  out.push(
    'const exec = function compiledExec(m, maxSteps) {',
    'let budget = maxSteps >= 0x7fffffff ? 0x7fffffff : maxSteps | 0;',
    'const outCols = m.outputs.columns;',
    'let outRow = m.bar - m.outputs.firstBar;',
    'const f = m.f, o = m.o, vf = m.vf, vo = m.vo, ser = m.ser, frames = m.frames, lb = m.loopBase, lpf = m.loopPendingFlag, lt = m.loopTicks;',
    'let bar = m.bar;',
    'let pc = m.pc, vb = m.vb, ob = m.ob, sb = m.sb, cb = m.cb, p = pc;',
    'try {',
    'for (;;) {',
    switchOn(execCases.values(), 'm.pc = -1; return true;'),
    ...bail('return true;', 'm.pc = pc; m.vb = vb; m.ob = ob; m.sb = sb; m.cb = cb; return false;'),
    '}',
    ...onError,
    '};',
    // One history bar's body, from main's entry to its HALT, with no instruction budget (2^31 - 1
    // instructions at a time, as runBars gives exec). A function of its own, called once a bar, so
    // that V8 optimises it as a whole function early in a run (a loop of its own would be optimised
    // on stack, later, and again in every run) and its optimised code serves every later run.
    ...bodyFn('compiledBody'),
    // The same code again for an instance's first FIRST_BARS bars. V8 gives a function its feedback
    // vector only after some calls, so what the first bars of the first run do alone (a `var`
    // initialiser, a history read before there is history) leaves no feedback, and the code
    // optimised from the later bars threw itself away on meeting it at the next run's first bar
    // (then ran unoptimised until V8 compiled it again: a third of a run). The copy takes those bars.
    ...bodyFn('compiledFirst'),
    // The history loop: each bar enters through the per-bar driver (bar-feed.ts), as in runBars.
    // What the loop reads of the machine comes in as arguments: a run's first lines run before V8
    // has a feedback vector for the function (a property read there, found without feedback by the
    // code optimised later, threw that code away at the next run's start).
    ...historyLoop('compiledHistory', 'compiledBody'),
    ...historyLoop('compiledHistoryFirst', 'compiledFirst'),
    // The rows go to the loop in chunks: called many times a run, it is optimised as a whole
    // function in the first run and entered optimised in the next (called once a run, it was
    // optimised on stack in the first, then again, later, in the second).
    'const history = function (m, feed, cols, from, to) {',
    'const frames = m.frames, firstBar = m.outputs.firstBar, hostSteps = feed.steps.length !== 0;',
    'let bar = m.bar, i = from;',
    `if (bar < ${FIRST_BARS - 1}) {`,
    `const k = Math.min(to, from + ${FIRST_BARS - 1} - bar);`,
    'compiledHistoryFirst(m, feed, cols, from, k, frames, firstBar, hostSteps, bar);',
    'bar += k - from; i = k;',
    '}',
    `for (; i < to; i += ${HISTORY_CHUNK}) {`,
    `const k = Math.min(to, i + ${HISTORY_CHUNK});`,
    'compiledHistory(m, feed, cols, i, k, frames, firstBar, hostSteps, bar);',
    'bar += k - i;',
    '}',
    '};',
    'return { exec, history };',
  );
  return out.join('\n');
}

/** The generated source for `program` (for diagnosis: what the compiled tier runs), or null. */
export function compiledSource(program: Program): string | null {
  return generate(program, resolveBuiltins(program).stateful);
}

/** The cases reached from `roots` through the jumps they make (`pc = ...;` in their code; every
 * number in such an expression counts, which can only keep a case too many). A case left out but
 * reached all the same would still run right: at a pc without a case the dispatch loop steps the
 * interpreter (jit.ts's bail) until a case starts. */
function reachedCases(cases: Map<number, string>, roots: number[]): string[] {
  const seen = new Set<number>();
  const todo = roots.filter((r) => cases.has(r));
  for (const r of todo) seen.add(r);
  while (todo.length > 0) {
    const text = cases.get(todo.pop() as number) ?? '';
    for (const m of text.matchAll(/\bpc = ([^;]+);/g)) {
      for (const n of (m[1] ?? '').matchAll(/\d+/g)) {
        const t = Number(n[0]);
        if (cases.has(t) && !seen.has(t)) {
          seen.add(t);
          todo.push(t);
        }
      }
    }
  }
  return [...cases].filter(([start]) => seen.has(start)).map(([, c]) => c);
}

/** Where every CALL returns to (a RET goes to any of them). */
function returnAddresses(program: Program): number[] {
  const code = program.code;
  const out: number[] = [];
  for (let pc = 0; pc < code.length; pc += OP_LEN[code[pc] as number] as number) {
    if (OPS[code[pc] as number]?.[0] === 'CALL') out.push(pc + (OP_LEN[code[pc] as number] as number));
  }
  return out;
}

/** Registers a builtin's call writes from its result register on: one per result, at least one (the
 * internal builtins declared `void` write their result register too). */
function resultRegisters(b: { name: string; overload: number }): number {
  if (b.overload < 0) return 1;
  const spec = fnByKey(b.name, b.overload);
  return Math.max(1, spec ? spec.results.length : 1);
}
