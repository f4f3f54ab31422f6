// The compiled tier's translation of one instruction (runtime/jit.ts): the JavaScript that does what
// the interpreter's case for the same opcode does in machine.ts, with its operands written as
// literals. Numeric registers are named through a RegNames: `f[r]` in the block-by-block code, a JS
// local inside a structured loop that keeps hot registers in locals (jit-loops.ts); `flush` is the
// code that writes such locals back before anything that can observe the registers or throw (a
// builtin call, a history read with a checked offset, the loop clock), and `reload` reads back what
// a builtin call wrote.

import type { Program } from '../bytecode/program.js';
import { OP_LEN, OPS } from '../bytecode/opcodes.js';
import { MAX_STRING_LENGTH } from '../builtins/limits.js';
import { R as BAR } from '../core/registers.js';

/** request.security flags (contexts.ts: CTX_GAPS, CTX_LOOKAHEAD; checked there against these). */
export const CTX_GAPS_FLAG = 1;
export const CTX_LOOKAHEAD_FLAG = 2;
export const CTX_LOWER_FLAG = 8;

/** How the generated code names the numeric registers. */
export interface RegNames {
  /** The expression reading f[r]. */
  get(r: number): string;
  /** The assignable expression for f[r] (noting r as changed since the last flush). */
  set(r: number): string;
  /** The same for the reference registers o[r]. */
  getO(r: number): string;
  setO(r: number): string;
  /** Code writing every changed cached register from `from` on back to f (they then count as
   * unchanged). A builtin reads its arguments from its first argument register on (registry.ts's
   * calling convention) and the fixed bar registers below every script register, which are never
   * written by the script: before a call, the registers from its first argument on are enough. */
  flush(from?: number): string;
  /** Code writing every changed cached register (from `from` on) back to f, leaving them marked as
   * changed (for a branch taken only sometimes). */
  flushKeep(from?: number): string;
  /** Code reading cached registers [from, from + n) back from f (after a builtin wrote them). */
  reload(from: number, n: number): string;
  /** reload() in a branch taken only sometimes (the registers' marks stay as they are). */
  reloadKeep(from: number, n: number): string;
  /** The loop clock's tick count (m.loopTicks[0], `lt[0]`, or a local inside a structured loop). */
  ticks: string;
  /** Code writing the local tick count back to lt[0] (before the Machine's loop clock reads it). */
  syncTicks: string;
}

/** Plain register access: every register in `f`. */
export const DIRECT: RegNames = {
  get: (r) => `f[${r}]`,
  set: (r) => `f[${r}]`,
  getO: (r) => `o[${r}]`,
  setO: (r) => `o[${r}]`,
  flush: () => '',
  flushKeep: () => '',
  reload: () => '',
  reloadKeep: () => '',
  ticks: 'lt[0]',
  syncTicks: '',
};

/** A builtin written out inline: (first argument register, result register, state operand, read
 * f, write f, the call doing it the general way) => JS. Each mirrors its builtin's implementation
 * exactly on the path it handles. */
type Inline = (a: number, d: number, s: number, R: Names, call: string) => string;

/** Register names for a template: f read/write, o read/write. */
interface Names {
  g(r: number): string;
  w(r: number): string;
  go(r: number): string;
  wo(r: number): string;
}

/** An object, where the checker has typed the register as a user-defined type: it holds an object
 * (core/heap.ts's PineObject, as objects.ts makes them) or na (null; undefined in a register never
 * written), nothing else, so telling it from na is the whole check. */
const IS_OBJECT = (v: string): string => `${v} !== null && ${v} !== undefined`;
/** An array that is not a slice (a slice, array-extra.ts's view, goes through its builtin), where the
 * register is typed array<T>: it holds a PineArray (core/heap.ts) or na. */
const IS_ARRAY = (v: string): string => `${v} !== null && ${v} !== undefined && ${v}.view === undefined`;

/** Builtins by signature (builtins/objects.ts, object-arrays.ts, array.ts, na.ts). */
export const INLINE = new Map<string, Inline>([
  ['__obj.get_f(obj: series string): void', (a, d, s, R, call) =>
    `{ const v = ${R.go(a)}; if (${IS_OBJECT('v')}) { const x = v.fields[${s}]; ${R.w(d)} = typeof x === 'number' ? +x : NaN; } else { ${call} } }`],
  ['__obj.get_o(obj: series string): void', (a, d, s, R, call) =>
    `{ const v = ${R.go(a)}; if (${IS_OBJECT('v')}) ${R.wo(d)} = v.fields[${s}] ?? null; else { ${call} } }`],
  ['__obj.set_f(obj: series string, value: series float): void', (a, _d, s, R, call) =>
    `{ const v = ${R.go(a)}; if (${IS_OBJECT('v')}) v.fields[${s}] = ${R.g(a + 1)}; else { ${call} } }`],
  ['__obj.set_o(obj: series string, value: series string): void', (a, _d, s, R, call) =>
    `{ const v = ${R.go(a)}; if (${IS_OBJECT('v')}) v.fields[${s}] = ${R.go(a + 1)} ?? null; else { ${call} } }`],
  ['__oarray.get(id: array<T>, index: series int): series T', (a, d, _s, R, call) =>
    `{ const v = ${R.go(a)}, k = ${R.g(a + 1)}; if (${IS_ARRAY('v')} && k >>> 0 === k && k < v.items.length) ${R.wo(d)} = v.items[k] ?? null; else { ${call} } }`],
  ['__oarray.size(id: array<T>): series int', (a, d, _s, R, call) =>
    `{ const v = ${R.go(a)}; if (${IS_ARRAY('v')}) ${R.w(d)} = v.items.length; else { ${call} } }`],
  ...(['int', 'float'] as const).flatMap((e): [string, Inline][] => [
    [`array.size(id: array<${e}>): series int`, (a, d, _s, R, call) =>
      `{ const v = ${R.go(a)}; if (${IS_ARRAY('v')}) ${R.w(d)} = v.items.length; else { ${call} } }`],
    [`array.get(id: array<${e}>, index: series int): series ${e}`, (a, d, _s, R, call) =>
      `{ const v = ${R.go(a)}, k = ${R.g(a + 1)}; if (${IS_ARRAY('v')} && k >>> 0 === k && k < v.items.length) { const x = v.items[k]; ${R.w(d)} = typeof x === 'number' ? +x : NaN; } else { ${call} } }`],
  ]),
  ...(['int', 'float', 'color'] as const).map((e): [string, Inline] => [
    `na(x: series ${e}): series bool`, (a, d, _s, R) => `{ const x = ${R.g(a)}; ${R.w(d)} = x !== x ? 1 : 0; }`,
  ]),
]);

export function num(x: number): string {
  if (x !== x) return 'NaN';
  if (Object.is(x, -0)) return '-0';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return String(x);
}

/** What an instruction's translation needs of the program. */
export interface OpContext {
  program: Program;
  stateful: Uint8Array;
  /** Registers each builtin writes from its result register on (its results; at least 1). */
  resultRegs: number[];
}

/** The JS of the instruction at `pc`, as the interpreter's case does it (control transfers
 * included: they set pc and `continue`); null for anything this tier does not translate. */
export function opJs(cx: OpContext, pc: number, inMain: boolean, R: RegNames): string | null {
  const { program, stateful } = cx;
  const code = program.code;
  const base = (r: string, k: number): string => (inMain ? String(k) : `${r} + ${k}`);
  const op = code[pc] as number;
  const name = OPS[op]?.[0];
  const a = code[pc + 1] as number;
  const b = code[pc + 2] as number;
  const c = code[pc + 3] as number;
  const d = code[pc + 4] as number;
  const e = code[pc + 5] as number;
  const next = pc + (OP_LEN[op] as number);
  const g = (r: number): string => R.get(r);
  const w = (r: number): string => R.set(r);
  const go = (r: number): string => R.getO(r);
  const wo = (r: number): string => R.setO(r);
  const out: string[] = [];
  switch (name) {
    case 'HALT':
      out.push('HALT_CODE');
      break;
    case 'CONST_F':
      out.push(`${w(a)} = ${num(program.consts[b] as number)};`);
      break;
    case 'MOV_F':
      out.push(`${w(a)} = ${g(b)};`);
      break;
    case 'MOV_O':
      out.push(`${wo(a)} = ${go(b)};`);
      break;
    case 'ADD':
      out.push(`${w(a)} = ${g(b)} + ${g(c)};`);
      break;
    case 'SUB':
      out.push(`${w(a)} = ${g(b)} - ${g(c)};`);
      break;
    case 'MUL':
      out.push(`${w(a)} = ${g(b)} * ${g(c)};`);
      break;
    case 'DIV':
      out.push(`{ const y = ${g(c)}; ${w(a)} = y === 0 ? NaN : ${g(b)} / y; }`);
      break;
    case 'IDIV':
      out.push(`{ const y = ${g(c)}; ${w(a)} = y === 0 ? NaN : Math.trunc(${g(b)} / y); }`);
      break;
    case 'MOD':
      out.push(`${w(a)} = ${g(b)} % ${g(c)};`);
      break;
    case 'NEG':
      out.push(`${w(a)} = -${g(b)};`);
      break;
    case 'NOT':
      out.push(`{ const x = ${g(b)}; ${w(a)} = x === x && x !== 0 ? 0 : 1; }`);
      break;
    case 'LT':
      out.push(`${w(a)} = ${g(b)} < ${g(c)} ? 1 : 0;`);
      break;
    case 'LE':
      out.push(`${w(a)} = ${g(b)} <= ${g(c)} ? 1 : 0;`);
      break;
    case 'GT':
      out.push(`${w(a)} = ${g(b)} > ${g(c)} ? 1 : 0;`);
      break;
    case 'GE':
      out.push(`${w(a)} = ${g(b)} >= ${g(c)} ? 1 : 0;`);
      break;
    case 'EQ':
      out.push(`${w(a)} = ${g(b)} === ${g(c)} ? 1 : 0;`);
      break;
    case 'NE':
      out.push(`{ const x = ${g(b)}, y = ${g(c)}; ${w(a)} = x === x && y === y && x !== y ? 1 : 0; }`);
      break;
    case 'EQ_O':
      out.push(`{ const x = ${go(b)}, y = ${go(c)}; ${w(a)} = x !== null && y !== null && x === y ? 1 : 0; }`);
      break;
    case 'NE_O':
      out.push(`{ const x = ${go(b)}, y = ${go(c)}; ${w(a)} = x !== null && y !== null && x !== y ? 1 : 0; }`);
      break;
    case 'CONCAT':
      out.push(
        `{ const x = ${go(b)}, y = ${go(c)}; if (typeof x === 'string' && typeof y === 'string') { if (x.length + y.length > ${MAX_STRING_LENGTH}) { ${R.flushKeep()} p = ${pc}; m.concatTooLong(x, y); } ${wo(a)} = x + y; } else ${wo(a)} = null; }`,
      );
      break;
    case 'TO_BOOL':
      out.push(`{ const x = ${g(b)}; ${w(a)} = x === x && x !== 0 ? 1 : 0; }`);
      break;
    case 'JMP':
      out.push(`pc = ${a}; continue;`);
      break;
    case 'JF':
      out.push(`{ const x = ${g(a)}; pc = x === x && x !== 0 ? ${next} : ${b}; continue; }`);
      break;
    case 'JT':
      out.push(`{ const x = ${g(a)}; pc = x === x && x !== 0 ? ${b} : ${next}; continue; }`);
      break;
    case 'LD_V':
      out.push(`${w(a)} = vf[${base('vb', b)}];`);
      break;
    case 'ST_V':
      out.push(`vf[${base('vb', a)}] = ${g(b)};`);
      break;
    case 'LD_VO':
      out.push(`${wo(a)} = vo[${base('ob', b)}];`);
      break;
    case 'ST_VO':
      out.push(`vo[${base('ob', a)}] = ${go(b)};`);
      break;
    case 'VAR_INIT':
      out.push(`{ const at = ${base('vb', a)}; if (vf[at] === 1) pc = ${b}; else { vf[at] = 1; pc = ${next}; } continue; }`);
      break;
    case 'SER_SET':
    case 'SER_SET_O':
      out.push(
        `{ const s = ser[${base('sb', a)}]; if (s.bar !== bar) { s.bar = bar; s.head = (s.head + 1) & s.mask; if (s.head === s.buf.length) m.growSer${name === 'SER_SET' ? 'F' : 'O'}(s); if (s.count < 0x7fffffff) s.count++; }`,
        ` s.buf[s.head] = ${name === 'SER_SET' ? g(b) : `${go(b)}`}; }`,
      );
      break;
    case 'SER_GET':
      out.push(
        `{ const s = ser[${base('sb', b)}]; const k = ${g(c)};`,
        ` if (k >>> 0 === k && k < s.mask) ${w(a)} = k < s.count ? s.buf[(s.head - k) & s.mask] : NaN; else { ${R.flushKeep()} p = ${pc}; ${w(a)} = m.histF(s, k); } }`,
      );
      break;
    case 'SER_GET_K':
      out.push(`{ const s = ser[${base('sb', b)}]; ${w(a)} = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : NaN; }`);
      break;
    case 'SER_GET_O':
      out.push(`${R.flushKeep()} p = ${pc}; ${wo(a)} = m.histO(ser[${base('sb', b)}], ${g(c)});`);
      break;
    case 'SER_GET_OK':
      out.push(`{ const s = ser[${base('sb', b)}]; ${wo(a)} = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : null; }`);
      break;
    case 'LD_GV':
      out.push(`${w(a)} = vf[${b}];`);
      break;
    case 'LD_GVO':
      out.push(`${wo(a)} = vo[${b}];`);
      break;
    case 'SER_GET_G':
      out.push(`${R.flushKeep()} p = ${pc}; ${w(a)} = m.histF(ser[${b}], ${g(c)});`);
      break;
    case 'SER_GET_GK':
      out.push(`{ const s = ser[${b}]; ${w(a)} = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : NaN; }`);
      break;
    case 'SER_GET_GO':
      out.push(`${R.flushKeep()} p = ${pc}; ${wo(a)} = m.histO(ser[${b}], ${g(c)});`);
      break;
    case 'SER_GET_GOK':
      out.push(`{ const s = ser[${b}]; ${wo(a)} = ${c} < s.count ? s.buf[(s.head - ${c}) & s.mask] : null; }`);
      break;
    case 'MOV_FI':
      // Indirect: the register read is only known at run time (never inside a cached loop).
      out.push(`${w(a)} = f[${g(b)}];`);
      break;
    case 'CALLB': {
      if (a < 0 || a >= program.builtins.length) return null;
      const slot = stateful[a] === 1 ? base('cb', d) : String(d);
      const inline = INLINE.get(program.builtins[a]?.signature ?? '');
      if (inline) {
        // The usual case written out; anything else (an na object, an index out of range: what
        // raises an error) calls the builtin. Its call comes first so that the fast path's writes
        // are the ones the register tracking keeps.
        const call = `${R.flushKeep(b)} p = ${pc}; i${a}(m, ${b}, ${c}, ${slot}); ${R.reloadKeep(c, cx.resultRegs[a] ?? 1)}`;
        out.push(inline(b, c, d, { g, w, go, wo }, call));
        break;
      }
      out.push(`${R.flush(b)} p = ${pc}; i${a}(m, ${b}, ${c}, ${slot}); ${R.reload(c, cx.resultRegs[a] ?? 1)}`);
      break;
    }
    case 'CALL': {
      const fn = program.functions[a];
      if (!fn) return null;
      out.push(
        `frames.push(${next}, vb, ob, sb, cb); vb += ${b}; ob += ${c}; sb += ${d}; cb += ${e}; pc = ${fn.entry}; continue;`,
      );
      break;
    }
    case 'OUT': {
      const info = program.outputs[a];
      if (!info) return null;
      const n = info.channels.length;
      const cells: string[] = [];
      for (let j = 0; j < n; j++) cells.push(`c[${j}][outRow] = ${g(b + j)};`);
      out.push(`{ const c = outCols[${a}]; ${cells.join(' ')} }`);
      break;
    }
    case 'RET':
      out.push('cb = frames.pop(); sb = frames.pop(); ob = frames.pop(); vb = frames.pop(); pc = frames.pop(); continue;');
      break;
    case 'LOOP_ENTER':
      // The timer registers (a, a + 1) are never cached: the loop clock (Machine.loopCheck) reads them.
      out.push(`{ const t = ${R.ticks}; f[${a}] = t; f[${a + 1}] = NaN; lb[${a}] = t + 1024; if (lpf[${a}] === 0) { ${R.syncTicks} m.loopEnter(${a}); } }`);
      break;
    case 'LOOP_CHECK':
      out.push(`{ const t = ${R.ticks} + 1; ${R.ticks} = t; if (t >= lb[${a}]) { ${R.flushKeep()} ${R.syncTicks} p = ${pc}; m.pc = p; m.loopCheck(${a}); } }`);
      break;
    case 'SELECT_F':
      out.push(`{ const x = ${g(b)}; ${w(a)} = x === x && x !== 0 ? ${g(c)} : ${g(d)}; }`);
      break;
    case 'SELECT_O':
      out.push(`{ const x = ${g(b)}; ${wo(a)} = x === x && x !== 0 ? ${go(c)} : ${go(d)}; }`);
      break;
    case 'BOX':
      out.push(c === 1 ? `{ const x = ${g(b)}; ${wo(a)} = x === x && x !== 0; }` : `${wo(a)} = ${g(b)};`);
      break;
    case 'NA_BOTH':
      out.push(`${w(a)} = NaN; ${wo(a)} = null;`);
      break;
    case 'FOR_TEST':
      out.push(
        `{ const i = ${g(b)}, to = ${g(c)}; if (${g(a)} !== 0 ? i <= to : i >= to) {`,
        ` const t = lt[0] + 1; lt[0] = t; if (t >= lb[${d}]) { p = ${pc}; m.pc = p; m.loopCheck(${d}); } pc = ${next}; } else pc = ${e}; continue; }`,
      );
      break;
    case 'FOR_STEP':
      out.push(`${w(a)} = ${g(a)} + ${g(b)}; pc = ${c}; continue;`);
      break;
    case 'NZ':
      out.push(`{ const x = ${g(b)}; ${w(a)} = x === x ? x : ${g(b + 1)}; }`);
      break;
    case 'CTX_IN':
      out.push(`p = ${pc}; bar = ctxIn(m, cb + ${a}, o[${b}], ${c < 0 ? 'null' : `o[${c}]`}, ${d});`);
      break;
    case 'CTX_OUT':
      if (d === 1) {
        // A deferred quiet chart bar of an own-symbol request (contexts.ts, LazyRows) writes the
        // value held here, without the call (what ctxLeave does for it).
        // Another symbol's (contexts.ts, otherLeave) too: the chart bar's registers back, and the
        // value of the bar the chart sees (not intrabars of a lower timeframe, `olow`: the call).
        const restore = Array.from({ length: 13 }, (_, r) => `f[${r}] = sv[${r}];`).join(' ');
        out.push(
          `p = ${pc}; { const s = cb + ${a}, st = m.cs[s], lz = m.lazy[s]; if (lz !== undefined && lz.on && lz.last === m.aheadRow) {`,
          ` const fl = st.flags; if ((fl & ${CTX_GAPS_FLAG}) !== 0) f[${c}] = NaN; else { const x = ((fl & ${CTX_LOOKAHEAD_FLAG}) !== 0 ? st.wform : st.wconf)[0]; f[${c}] = x === undefined ? NaN : x; }`,
          ` } else if (st.okey !== '' && (st.flags & ${CTX_LOWER_FLAG}) === 0 && st.olow !== true) {`,
          `  if (st.loop > 0) { const sv = st.saved; ${restore} m.bar = st.savedBar; ctxDeact(m, st); }`,
          `  let x = NaN; if (!st.ono) { const cur = st.oi - 1, fl = st.flags;`,
          `   const idx = (fl & ${CTX_LOOKAHEAD_FLAG}) !== 0 || f[${BAR.isRealtime}] === 1 || (cur >= 0 && st.otc <= f[${BAR.timeClose}]) ? cur : cur - 1;`,
          `   if (idx >= 0) { if (!((fl & ${CTX_GAPS_FLAG}) !== 0 && idx === st.oshown)) { const y = (idx === cur ? st.ocur : st.oprev)[0]; x = y === undefined ? NaN : y; } st.oshown = idx; } }`,
          `  f[${c}] = x; bar = st.savedBar; outRow = bar - m.outputs.firstBar;`,
          ` } else { bar = ctxOut(m, s, ${b}, ${c}, ${d}); outRow = bar - m.outputs.firstBar; } }`,
        );
      } else out.push(`p = ${pc}; bar = ctxOut(m, cb + ${a}, ${b}, ${c}, ${d}); outRow = bar - m.outputs.firstBar;`);
      break;
    case 'CTX_LOOP':
      out.push(`p = ${pc}; { const k = ctxLoop(m, cb + ${a}, ${b}, ${c}); if (k < 0) pc = ${d}; else { bar = k; pc = ${next}; } continue; }`);
      break;
    case 'CTX_IN_LOOP':
      if (c >= 0 && (d & CTX_LOWER_FLAG) === 0) {
        // Another symbol on the commonest chart bar (contexts.ts, ctxEnterLoop's first branch:
        // the same symbol, timeframe and flags, bars at hand, on history): its stores here, then
        // the due bar's load (ctxLoad).
        out.push(
          `p = ${pc}; { const s = cb + ${a}, st = m.cs[s], bars = m.feeds[s], sym = o[${c}], tf = o[${b}]; let k;`,
          ` if (st !== undefined && bars != null && st.okey !== '' && st.okey === m.feedKey[s] && sym === m.feedSym[s] && tf === m.feedTf[s] && st.flags === ${d} && st.opart !== true && f[${BAR.isRealtime}] !== 1) {`,
          `  st.ono = false; st.loop = 0; st.ct = f[${BAR.time}]; st.ctc = f[${BAR.timeClose}]; st.savedBar = m.bar; k = ctxLoad(m, st, bars, s);`,
          ` } else k = ctxInLoop(m, s, tf, sym, ${d});`,
          ` if (k < 0) pc = ${e}; else { bar = k; pc = ${next}; } continue; }`,
        );
      } else out.push(`p = ${pc}; { const k = ctxInLoop(m, cb + ${a}, o[${b}], ${c < 0 ? 'null' : `o[${c}]`}, ${d}); if (k < 0) pc = ${e}; else { bar = k; pc = ${next}; } continue; }`);
      break;
    case 'CTX_NEXT':
      if (c === 1) {
        // Another symbol's pass done (contexts.ts, ctxLoop): its value recorded here, and the next
        // bar loaded (ctxLoad) only when one is due.
        out.push(
          `p = ${pc}; { const s = cb + ${a}, st = m.cs[s], bars = m.feeds[s]; let k = -1;`,
          ` if (st.okey !== '' && !st.ono && bars != null && st.loop > 0 && st.orerun !== true && (st.flags & ${CTX_LOWER_FLAG}) === 0 && st.olow !== true) {`,
          `  const prev = st.oprev; st.oprev = st.ocur; st.ocur = prev; prev[0] = f[${b}];`,
          `  const i = st.oi; if (i < bars.length && (bars.time[i] <= st.ct || bars.timeClose[i] <= st.ctc)) k = ctxLoad(m, st, bars, s);`,
          ` } else k = ctxLoop(m, s, ${b}, ${c});`,
          ` if (k >= 0) { bar = k; pc = ${d}; } else pc = ${next}; continue; }`,
        );
      } else out.push(`p = ${pc}; { const k = ctxLoop(m, cb + ${a}, ${b}, ${c}); if (k >= 0) { bar = k; pc = ${d}; } else pc = ${next}; continue; }`);
      break;
    case 'CTX_IN_RUN':
      // A chart bar that goes on deferring quiet bars (contexts.ts, ctxEnterRun's first branch) is
      // recognised here, without the call.
      out.push(
        `p = ${pc}; { const s = cb + ${b}, lz = m.lazy[s], row = m.aheadRow; let q = false;`,
        ` if (lz !== undefined && lz.on && row === lz.last + 1) { const st = m.cs[s], cols = m.aheadCols, end = st.wend, t = f[${BAR.time}];`,
        `  q = o[${c}] === st.tf && st.flags === ${d} && t >= st.wp && t < end && f[${BAR.timeClose}] < end && f[${BAR.isRealtime}] !== 1 && cols !== null && row + 1 < cols.length && cols.time[row + 1] < end; }`,
        ` if (q) { lz.last = row; f[${a}] = 0; } else { const k = ctxInRun(m, s, o[${c}], ${d}); f[${a}] = k >= 0 ? 1 : 0; if (k >= 0) bar = k; } }`,
      );
      break;
    case 'CTX_VARS':
      // (A request whose expression declares no var: nothing to do.)
      if (c + e > 0) out.push(`ctxVars(m, cb + ${a}, bar, ${base('vb', b)}, ${c}, ${base('ob', d)}, ${e});`);
      break;
    case 'CTX_KEY': {
      const k = (i: number): number => code[pc + i] as number;
      // (The call site's first pair, the common case: no call.)
      out.push(
        `p = ${pc}; { const st = m.cs[cb + ${a}], y = ${b < 0 ? 'null' : `o[${b}]`}, t = o[${c}];`,
        ` if (st === undefined || st.hk !== true || st.hs !== y || st.ht !== t || st.back !== undefined) ctxKey(m, cb + ${a}, y, t, cb + ${k(4)}, ${k(5)}, ${base('sb', k(6))}, ${k(7)}, ${base('vb', k(8))}, ${k(9)}, ${base('ob', k(10))}, ${k(11)}); }`,
      );
      break;
    }
    case 'CTX_UNKEY':
      out.push(`{ const st = m.cs[cb + ${a}]; if (st !== undefined && st.back !== undefined) ctxUnkey(m, cb + ${a}); }`);
      break;
    case 'CTX_OUT_ARR':
      out.push(`p = ${pc}; bar = ctxOutArr(m, cb + ${a}, ${c}, o, ${d}); outRow = bar - m.outputs.firstBar;`);
      break;
    default:
      return null;
  }
  return out.join(' ');
}
