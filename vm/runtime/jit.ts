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
// Every case below mirrors the case of the same opcode in machine.ts; tests run the language suite
// and the TradingView fixtures through both tiers.

import type { Program } from '../bytecode/program.js';
import { OP_LEN, OPS } from '../bytecode/opcodes.js';
import type { BuiltinImpl } from '../builtins/registry.js';
import type { Machine } from './machine.js';
import type { BarColumns } from '../data/bars.js';

/** Runs up to `maxSteps` instructions of the machine's bar, as Machine.interpret does. */
export type CompiledExec = (m: Machine, maxSteps: number) => boolean;

/** What the compiled history loop needs from the Instance that calls it. */
export interface HistoryHost {
  /** Bar series as (register, slot) pairs, fed before each bar. */
  readonly barSeries: Int32Array;
  /** The bar's close time when the timeframe has no fixed length. */
  closeTimeOf(t: number): number;
}

/** Runs confirmed history bars [from, to) of `cols` in one call, as Instance.runBars does bar by
 * bar with Machine.exec (the bar registers, bar series and output row are set in the same order).
 * `m.bar` is the last bar run when it returns or throws; the outputs must have room for every row. */
export type CompiledHistory = (
  m: Machine,
  host: HistoryHost,
  cols: BarColumns,
  from: number,
  to: number,
  last: number,
  fixedMs: number,
) => void;

export interface Compiled {
  exec: CompiledExec;
  history: CompiledHistory;
}

/** Programs larger than this (code words) stay interpreted. V8 takes long to optimise a large
 * generated function and runs it slowly until then: measured on generated scripts over 5,000 bars,
 * the compiled tier was 1.2-1.5x faster up to ~2,400 words and 4x slower at 4,800. */
export const MAX_COMPILED_CODE = 2_000;

type Factory = (impls: BuiltinImpl[]) => Compiled;

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
  return factory === null ? null : factory(impls);
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
    made = new Function('impls', text) as Factory;
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

/** Addresses where a basic block starts: function entries, jump targets, the instruction after a
 * jump, a call or a return. Null when the code is malformed (left to the interpreter to report). */
export function blockStarts(program: Program): Set<number> | null {
  const code = program.code;
  const starts = new Set<number>();
  for (const fn of program.functions) starts.add(fn.entry);
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc] as number;
    if (op < 0 || op >= OPCODE_COUNT) return null;
    const len = OP_LEN[op] as number;
    const next = pc + len;
    switch (OPS[op]?.[0]) {
      case 'JMP':
        starts.add(code[pc + 1] as number);
        starts.add(next);
        break;
      case 'JF':
      case 'JT':
      case 'VAR_INIT':
        starts.add(code[pc + 2] as number);
        starts.add(next);
        break;
      case 'FOR_TEST':
        starts.add(code[pc + 5] as number);
        starts.add(next);
        break;
      case 'FOR_STEP':
        starts.add(code[pc + 3] as number);
        starts.add(next);
        break;
      case 'CALL':
      case 'RET':
      case 'HALT':
        starts.add(next);
        break;
      default:
        break;
    }
    pc = next;
  }
  if (pc !== code.length) return null;
  return starts;
}

function num(x: number): string {
  if (x !== x) return 'NaN';
  if (Object.is(x, -0)) return '-0';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return String(x);
}

/** The body of a Factory for `program`, or null when it stays interpreted. */
function generate(program: Program, stateful: Uint8Array): string | null {
  const code = program.code;
  if (code.length > MAX_COMPILED_CODE) return null;
  const starts = blockStarts(program);
  if (starts === null) return null;
  // Main's code runs with every base at 0: its slots can be written as literals.
  const entries = program.functions.map((fn) => fn.entry).sort((a, b) => a - b);
  const mainEntry = program.functions[0]?.entry ?? 0;
  const mainEnd = entries.find((e) => e > mainEntry) ?? code.length;
  const sorted = [...starts].filter((s) => s < code.length).sort((a, b) => a - b);
  const nImpls = program.builtins.length;

  const cases: string[] = [];
  for (let bi = 0; bi < sorted.length; bi++) {
    const start = sorted[bi] as number;
    const end = sorted[bi + 1] ?? code.length;
    const inMain = start >= mainEntry && start < mainEnd;
    const base = (b: string, k: number): string => (inMain ? String(k) : `${b} + ${k}`);
    const body: string[] = [];
    let count = 0;
    let pc = start;
    let open = true; // false once the block has transferred control
    while (pc < end) {
      const op = code[pc] as number;
      const name = OPS[op]?.[0];
      const a = code[pc + 1] as number;
      const b = code[pc + 2] as number;
      const c = code[pc + 3] as number;
      const d = code[pc + 4] as number;
      const e = code[pc + 5] as number;
      const len = OP_LEN[op] as number;
      const next = pc + len;
      count++;
      switch (name) {
        case 'HALT':
          body.push('HALT_CODE');
          open = false;
          break;
        case 'CONST_F':
          body.push(`f[${a}] = ${num(program.consts[b] as number)};`);
          break;
        case 'MOV_F':
          body.push(`f[${a}] = f[${b}];`);
          break;
        case 'MOV_O':
          body.push(`o[${a}] = o[${b}];`);
          break;
        case 'ADD':
          body.push(`f[${a}] = f[${b}] + f[${c}];`);
          break;
        case 'SUB':
          body.push(`f[${a}] = f[${b}] - f[${c}];`);
          break;
        case 'MUL':
          body.push(`f[${a}] = f[${b}] * f[${c}];`);
          break;
        case 'DIV':
          body.push(`{ const y = f[${c}]; f[${a}] = y === 0 ? NaN : f[${b}] / y; }`);
          break;
        case 'IDIV':
          body.push(`{ const y = f[${c}]; f[${a}] = y === 0 ? NaN : Math.trunc(f[${b}] / y); }`);
          break;
        case 'MOD':
          body.push(`f[${a}] = f[${b}] % f[${c}];`);
          break;
        case 'NEG':
          body.push(`f[${a}] = -f[${b}];`);
          break;
        case 'NOT':
          body.push(`{ const x = f[${b}]; f[${a}] = x === x && x !== 0 ? 0 : 1; }`);
          break;
        case 'LT':
          body.push(`f[${a}] = f[${b}] < f[${c}] ? 1 : 0;`);
          break;
        case 'LE':
          body.push(`f[${a}] = f[${b}] <= f[${c}] ? 1 : 0;`);
          break;
        case 'GT':
          body.push(`f[${a}] = f[${b}] > f[${c}] ? 1 : 0;`);
          break;
        case 'GE':
          body.push(`f[${a}] = f[${b}] >= f[${c}] ? 1 : 0;`);
          break;
        case 'EQ':
          body.push(`f[${a}] = f[${b}] === f[${c}] ? 1 : 0;`);
          break;
        case 'NE':
          body.push(`{ const x = f[${b}], y = f[${c}]; f[${a}] = x === x && y === y && x !== y ? 1 : 0; }`);
          break;
        case 'EQ_O':
          body.push(`{ const x = o[${b}], y = o[${c}]; f[${a}] = x !== null && y !== null && x === y ? 1 : 0; }`);
          break;
        case 'NE_O':
          body.push(`{ const x = o[${b}], y = o[${c}]; f[${a}] = x !== null && y !== null && x !== y ? 1 : 0; }`);
          break;
        case 'CONCAT':
          body.push(`{ const x = o[${b}], y = o[${c}]; o[${a}] = typeof x === 'string' && typeof y === 'string' ? x + y : null; }`);
          break;
        case 'TO_BOOL':
          body.push(`{ const x = f[${b}]; f[${a}] = x === x && x !== 0 ? 1 : 0; }`);
          break;
        case 'JMP':
          body.push(`pc = ${a}; continue;`);
          open = false;
          break;
        case 'JF':
          body.push(`{ const x = f[${a}]; pc = x === x && x !== 0 ? ${next} : ${b}; continue; }`);
          open = false;
          break;
        case 'JT':
          body.push(`{ const x = f[${a}]; pc = x === x && x !== 0 ? ${b} : ${next}; continue; }`);
          open = false;
          break;
        case 'LD_V':
          body.push(`f[${a}] = vf[${base('vb', b)}];`);
          break;
        case 'ST_V':
          body.push(`vf[${base('vb', a)}] = f[${b}];`);
          break;
        case 'LD_VO':
          body.push(`o[${a}] = vo[${base('ob', b)}];`);
          break;
        case 'ST_VO':
          body.push(`vo[${base('ob', a)}] = o[${b}];`);
          break;
        case 'VAR_INIT':
          body.push(`{ const at = ${base('vb', a)}; if (vf[at] === 1) pc = ${b}; else { vf[at] = 1; pc = ${next}; } continue; }`);
          open = false;
          break;
        case 'SER_SET':
        case 'SER_SET_O':
          body.push(
            `{ const s = ser[${base('sb', a)}]; if (s.bar !== bar) { s.bar = bar; s.head = (s.head + 1) & s.mask; if (s.count < 0x7fffffff) s.count++; }`,
            ` s.buf[s.head] = ${name === 'SER_SET' ? 'f' : 'o'}[${b}]; }`,
          );
          break;
        case 'SER_GET':
          body.push(
            `p = ${pc}; { const s = ser[${base('sb', b)}]; const k = f[${c}];`,
            ` if (k >>> 0 === k && k < s.mask) f[${a}] = k < s.count ? s.buf[(s.head - k) & s.mask] : NaN; else f[${a}] = m.histF(s, k); }`,
          );
          break;
        case 'SER_GET_K':
          body.push(`{ const s = ser[${base('sb', b)}]; f[${a}] = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : NaN; }`);
          break;
        case 'SER_GET_O':
          body.push(`p = ${pc}; o[${a}] = m.histO(ser[${base('sb', b)}], f[${c}]);`);
          break;
        case 'SER_GET_OK':
          body.push(`{ const s = ser[${base('sb', b)}]; o[${a}] = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : null; }`);
          break;
        case 'LD_GV':
          body.push(`f[${a}] = vf[${b}];`);
          break;
        case 'LD_GVO':
          body.push(`o[${a}] = vo[${b}];`);
          break;
        case 'SER_GET_G':
          body.push(`p = ${pc}; f[${a}] = m.histF(ser[${b}], f[${c}]);`);
          break;
        case 'SER_GET_GK':
          body.push(`{ const s = ser[${b}]; f[${a}] = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : NaN; }`);
          break;
        case 'SER_GET_GO':
          body.push(`p = ${pc}; o[${a}] = m.histO(ser[${b}], f[${c}]);`);
          break;
        case 'SER_GET_GOK':
          body.push(`{ const s = ser[${b}]; o[${a}] = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : null; }`);
          break;
        case 'MOV_FI':
          body.push(`f[${a}] = f[f[${b}]];`);
          break;
        case 'CALLB': {
          if (a < 0 || a >= nImpls) return null;
          const slot = stateful[a] === 1 ? base('cb', d) : String(d);
          body.push(`p = ${pc}; i${a}(m, ${b}, ${c}, ${slot});`);
          break;
        }
        case 'CALL': {
          const fn = program.functions[a];
          if (!fn) return null;
          body.push(
            `frames.push(${next}, vb, ob, sb, cb); vb += ${b}; ob += ${c}; sb += ${d}; cb += ${e}; pc = ${fn.entry}; continue;`,
          );
          open = false;
          break;
        }
        case 'OUT': {
          const info = program.outputs[a];
          if (!info) return null;
          const n = info.channels.length;
          const cells: string[] = [];
          for (let j = 0; j < n; j++) cells.push(`c[${j}][outRow] = f[${b + j}];`);
          body.push(`{ const c = outCols[${a}]; ${cells.join(' ')} }`);
          break;
        }
        case 'RET':
          body.push('cb = frames.pop(); sb = frames.pop(); ob = frames.pop(); vb = frames.pop(); pc = frames.pop(); continue;');
          open = false;
          break;
        case 'LOOP_ENTER':
          body.push(`f[${a}] = 0; f[${a + 1}] = NaN;`);
          break;
        case 'LOOP_CHECK':
          body.push(`{ const n = (f[${a}] + 1) | 0; f[${a}] = n; if ((n & 1023) === 0) { p = ${pc}; m.pc = p; m.loopCheck(${a}); } }`);
          break;
        case 'SELECT_F':
          body.push(`{ const x = f[${b}]; f[${a}] = x === x && x !== 0 ? f[${c}] : f[${d}]; }`);
          break;
        case 'SELECT_O':
          body.push(`{ const x = f[${b}]; o[${a}] = x === x && x !== 0 ? o[${c}] : o[${d}]; }`);
          break;
        case 'BOX':
          body.push(c === 1 ? `{ const x = f[${b}]; o[${a}] = x === x && x !== 0; }` : `o[${a}] = f[${b}];`);
          break;
        case 'NA_BOTH':
          body.push(`f[${a}] = NaN; o[${a}] = null;`);
          break;
        case 'FOR_TEST':
          body.push(
            `{ const i = f[${b}], to = f[${c}]; if (f[${a}] !== 0 ? i <= to : i >= to) {`,
            ` const n = (f[${d}] + 1) | 0; f[${d}] = n; if ((n & 1023) === 0) { p = ${pc}; m.pc = p; m.loopCheck(${d}); } pc = ${next}; } else pc = ${e}; continue; }`,
          );
          open = false;
          break;
        case 'FOR_STEP':
          body.push(`f[${a}] = f[${a}] + f[${b}]; pc = ${c}; continue;`);
          open = false;
          break;
        case 'NZ':
          body.push(`{ const x = f[${b}]; f[${a}] = x === x ? x : f[${b + 1}]; }`);
          break;
        default:
          return null;
      }
      pc = next;
      if (!open) break;
    }
    if (open) body.push(`pc = ${end}; continue;`);
    cases.push(`case ${start}: if (budget < ${count}) break; budget -= ${count}; p = ${start};`, ...body);
  }
  const switchOn = (halt: string): string => ['switch (pc) {', ...cases, '}'].join('\n').replaceAll('HALT_CODE', halt);
  // Not a block start, or not enough budget for the block: one instruction in the interpreter.
  const bail = (halt: string, exhausted: string): string[] => [
    `if (budget <= 0) { ${exhausted} }`,
    'm.pc = pc; m.vb = vb; m.ob = ob; m.sb = sb; m.cb = cb; p = pc;',
    `if (m.interpret(1)) ${halt}`,
    'budget--;',
    'pc = m.pc; vb = m.vb; ob = m.ob; sb = m.sb; cb = m.cb; p = pc;',
  ];
  const onError = ['} catch (err) {', 'm.pc = p; m.vb = vb; m.ob = ob; m.sb = sb; m.cb = cb;', 'throw m.locate(err, p);', '}'];
  const out: string[] = [];
  for (let i = 0; i < nImpls; i++) out.push(`const i${i} = impls[${i}];`);
  out.push(
    'const exec = function compiledExec(m, maxSteps) {',
    'let budget = maxSteps >= 0x7fffffff ? 0x7fffffff : maxSteps | 0;',
    'const outCols = m.outputs.columns;',
    'const outRow = m.bar - m.outputs.firstBar;',
    'const f = m.f, o = m.o, vf = m.vf, vo = m.vo, ser = m.ser, bar = m.bar, frames = m.frames;',
    'let pc = m.pc, vb = m.vb, ob = m.ob, sb = m.sb, cb = m.cb, p = pc;',
    'try {',
    'for (;;) {',
    switchOn('m.pc = -1; return true;'),
    ...bail('return true;', 'm.pc = pc; m.vb = vb; m.ob = ob; m.sb = sb; m.cb = cb; return false;'),
    '}',
    ...onError,
    '};',
    // The history loop: Instance.runBars' per-bar work (same registers, same order), then the bar.
    'const history = function compiledHistory(m, host, cols, from, to, last, fixedMs) {',
    'const f = m.f, o = m.o, vf = m.vf, vo = m.vo, ser = m.ser, frames = m.frames;',
    'const out = m.outputs, outCols = out.columns, tcol = out.time, firstBar = out.firstBar;',
    'const time = cols.time, open = cols.open, high = cols.high, low = cols.low, close = cols.close, volume = cols.volume;',
    'const bs = host.barSeries;',
    'let bar = m.bar, outRow = 0, pc = 0, vb = 0, ob = 0, sb = 0, cb = 0, p = 0, budget = 0;',
    'try {',
    'bars: for (let i = from; i < to; i++) {',
    'bar++; m.bar = bar;',
    'const t = time[i], op = open[i], h = high[i], l = low[i], c = close[i];',
    'f[0] = op; f[1] = h; f[2] = l; f[3] = c; f[4] = volume[i]; f[5] = t;',
    'f[6] = fixedMs > 0 ? t + fixedMs : host.closeTimeOf(t);',
    'f[7] = bar; f[8] = (h + l) / 2; f[9] = (h + l + c) / 3; f[10] = (op + h + l + c) / 4; f[11] = (h + l + c + c) / 4;',
    'f[12] = bar === 0 ? 1 : 0; f[13] = bar === last ? 1 : 0; f[18] = bar === last ? 1 : 0;',
    'for (let k = 0; k < bs.length; k += 2) {',
    '  const s = ser[bs[k + 1]];',
    '  if (s.bar !== bar) { s.bar = bar; s.head = (s.head + 1) & s.mask; if (s.count < 0x7fffffff) s.count++; }',
    '  s.buf[s.head] = f[bs[k]];',
    '}',
    'outRow = bar - firstBar; tcol[outRow] = t; if (outRow >= out.length) out.length = outRow + 1;',
    `pc = ${mainEntry}; vb = 0; ob = 0; sb = 0; cb = 0; p = pc; if (frames.length !== 0) frames.length = 0;`,
    'budget = 0x7fffffff;',
    'for (;;) {',
    switchOn('m.pc = -1; continue bars;'),
    // A history bar has no budget: 2^31 - 1 instructions at a time, as runBars gives exec.
    ...bail('continue bars;', 'budget = 0x7fffffff; continue;'),
    '}',
    '}',
    ...onError,
    '};',
    'return { exec, history };',
  );
  return out.join('\n');
}
