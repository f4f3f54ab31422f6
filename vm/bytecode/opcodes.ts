// The opcode table. An instruction is `op, operand…` in Program.code (Int32Array). Operand kinds:
//   r  register index (f[r] for numeric values, o[r] for strings/references)
//   k  index into Program.consts (numbers) or Program.strings
//   v  var slot, relative to the frame's var base (vf for numeric, vo for objects)
//   s  series slot, relative to the frame's series base
//   c  call-site state slot, relative to the frame's call-state base
//   t  absolute code address (jump target)
//   n  small integer immediate
// Each entry: [name, operand kinds, one-line doc]. The numeric value of an op is its index.

export const OPS = [
  ['HALT', '', 'End of the bar: return to the host.'],
  ['CONST_F', 'rk', 'f[A] := consts[B]'],
  ['MOV_F', 'rr', 'f[A] := f[B]'],
  ['MOV_O', 'rr', 'o[A] := o[B]'],
  ['ADD', 'rrr', 'f[A] := f[B] + f[C]'],
  ['SUB', 'rrr', 'f[A] := f[B] - f[C]'],
  ['MUL', 'rrr', 'f[A] := f[B] * f[C]'],
  ['DIV', 'rrr', 'f[A] := f[B] / f[C] (na when C is 0)'],
  ['IDIV', 'rrr', 'f[A] := trunc(f[B] / f[C]) — v5 int division (na when C is 0)'],
  ['MOD', 'rrr', 'f[A] := f[B] % f[C] (sign of B; na when C is 0)'],
  ['NEG', 'rr', 'f[A] := -f[B]'],
  ['NOT', 'rr', 'f[A] := f[B] is 0 or na ? 1 : 0'],
  ['LT', 'rrr', 'f[A] := f[B] < f[C] (false when either is na)'],
  ['LE', 'rrr', 'f[A] := f[B] <= f[C]'],
  ['GT', 'rrr', 'f[A] := f[B] > f[C]'],
  ['GE', 'rrr', 'f[A] := f[B] >= f[C]'],
  ['EQ', 'rrr', 'f[A] := f[B] == f[C] (false when either is na)'],
  ['NE', 'rrr', 'f[A] := f[B] != f[C] (false when either is na)'],
  ['EQ_O', 'rrr', 'f[A] := o[B] === o[C] (strings; na == na is false)'],
  ['NE_O', 'rrr', 'f[A] := o[B] !== o[C] (false when either is na)'],
  ['CONCAT', 'rrr', 'o[A] := o[B] + o[C] (na when either is na)'],
  ['TO_BOOL', 'rr', 'f[A] := f[B] is non-zero and not na ? 1 : 0'],
  ['JMP', 't', 'pc := A'],
  ['JF', 'rt', 'if f[A] is 0 or na: pc := B'],
  ['JT', 'rt', 'if f[A] is non-zero and not na: pc := B'],
  ['LD_V', 'rv', 'f[A] := vf[varBase + B]'],
  ['ST_V', 'vr', 'vf[varBase + A] := f[B]'],
  ['LD_VO', 'rv', 'o[A] := vo[objBase + B]'],
  ['ST_VO', 'vr', 'vo[objBase + A] := o[B]'],
  ['VAR_INIT', 'vt', 'if vf[varBase + A] is 1: pc := B (already initialised) else vf[varBase + A] := 1'],
  ['SER_SET', 'sr', 'series[serBase + A] gets f[B] as its current value (advances on a new bar)'],
  ['SER_SET_O', 'sr', 'series[serBase + A] gets o[B] as its current value'],
  ['SER_GET', 'rsr', 'f[A] := series[serBase + B][f[C]] (history; checks the offset)'],
  ['SER_GET_K', 'rsn', 'f[A] := series[serBase + B][C] (constant offset)'],
  ['SER_GET_O', 'rsr', 'o[A] := object series[serBase + B][f[C]]'],
  ['SER_GET_OK', 'rsn', 'o[A] := object series[serBase + B][C]'],
  ['LD_GV', 'rv', 'f[A] := vf[B] (a global var read from inside a function)'],
  ['LD_GVO', 'rv', 'o[A] := vo[B]'],
  ['SER_GET_G', 'rsr', 'f[A] := series[B][f[C]] (global series, absolute slot)'],
  ['SER_GET_GK', 'rsn', 'f[A] := series[B][C]'],
  ['SER_GET_GO', 'rsr', 'o[A] := object series[B][f[C]]'],
  ['SER_GET_GOK', 'rsn', 'o[A] := object series[B][C]'],
  ['MOV_FI', 'rr', 'f[A] := f[f[B]] (input.source: B holds the chosen source register)'],
  ['CALLB', 'nrrc', 'call builtin #A (Program.builtins) with args from register B, result to C, state slot D'],
  ['CALL', 'nvvsc', 'call function #A (params already in its registers) with var/obj/series/state bases offset by B..E'],
  ['OUT', 'nr', 'record output #A for this bar from registers B, B+1, … (Program.outputs[A].channels)'],
  ['RET', '', 'return to the caller frame'],
  ['LOOP_ENTER', 'r', 'start a loop: f[A] := the loop clock\'s ticks (iterations of all loops so far), f[A+1] := na start time'],
  ['LOOP_CHECK', 'r', 'count an iteration on the loop clock; 1,024 ticks (inner loops\' included) after loop A last looked, fail if it has run longer than the limit'],
  ['SELECT_F', 'rrrr', 'f[A] := f[B] ? f[C] : f[D] (B already bool)'],
  ['SELECT_O', 'rrrr', 'o[A] := f[B] ? o[C] : o[D]'],
  ['BOX', 'rrn', 'o[A] := boxed f[B] as kind C (0 number, 1 bool)'],
  ['NA_BOTH', 'r', 'f[A] := NaN; o[A] := null (na whose storage is not known yet)'],
  ['FOR_TEST', 'rrrrt', '`for` test: unless (f[A] ? f[B] <= f[C] : f[B] >= f[C]) pc := E; else count an iteration in loop timer D (as LOOP_CHECK)'],
  ['FOR_STEP', 'rrt', '`for` increment: f[A] := f[A] + f[B]; pc := C (back to the test)'],
  ['NZ', 'rr', 'f[A] := f[B] is na ? f[B+1] : f[B] (nz(source, replacement) on numbers)'],
  ['CTX_IN', 'crnn', 'enter request context (state slot A, timeframe o[B], symbol o[C] or -1 for the chart\'s, flags D: 1 gaps, 2 lookahead): bar registers and execution id become the higher-timeframe bar (runtime/contexts.ts)'],
  ['CTX_OUT', 'crrn', 'leave request context A: record f[B..B+n-1], restore the chart bar, f[C..C+n-1] := what the chart sees (D = n + 32 × mask: bit j set, value j is a string in o)'],
  ['CTX_LOOP', 'crnt', 'next source bar of request context A (another symbol, or intrabars): record f[B..B+C-1] of the bar just run; when another bar is due, load it (bar registers, execution id) and go on, else pc := D'],
  ['CTX_OUT_ARR', 'crrn', 'leave lower-timeframe request A: restore the chart bar, o[C..C+n-1] := arrays of the values recorded on the chart bar\'s intrabars, one per requested value (D = n × 65536 + mask of bool items; n 0 reads as 1)'],
  ['CTX_IN_RUN', 'rcrn', 'CTX_IN of an own-symbol request (context B, timeframe o[C], flags D), then f[A] := 1 when its expression must run on this chart bar (the bar registers and execution id then become the higher-timeframe bar), else 0 (JF A skips the expression)'],
  ['CTX_IN_LOOP', 'crrnt', 'CTX_IN of request context A (timeframe o[B], symbol o[C] or -1, flags D) that runs its expression in a loop (another symbol, intrabars): loads the first bar due (bar registers, execution id) and goes on, else pc := E'],
  ['CTX_NEXT', 'crnt', 'end of a CTX_IN_LOOP pass of context A: record f[B..B+n-1] (C = n + 32 × mask of string values, in o) of the bar just run; when another bar is due, load it and pc := D (the pass again), else go on'],
  ['CTX_VARS', 'cnnnn', 'start of an evaluation of request context A\'s expression: its var numbers vf[varBase + B .. + C) and var objects vo[objBase + D .. + E) are committed when the execution id is a new requested bar, else put back to that commit (runtime/request-vars.ts)'],
  ['CTX_KEY', 'cnrnnnnnnnn', 'before a dynamic request A enters its context for symbol o[B] (B -1: the chart\'s) and timeframe o[C]: another (symbol, timeframe) pair than the call site\'s first swaps its context in (request state, and the expression\'s state: call-site slots D.. (E), series F.. (G), var numbers H.. (I), var objects J.. (K)) (runtime/request-keys.ts)'],
  ['CTX_UNKEY', 'c', 'after request A\'s CTX_OUT: the call site\'s first pair\'s context back if another\'s ran (runtime/request-keys.ts)'],
] as const;

export type OpName = (typeof OPS)[number][0];

export const Op: { readonly [K in OpName]: number } = Object.fromEntries(
  OPS.map((o, i) => [o[0], i]),
) as { readonly [K in OpName]: number };

/** Instruction length (op + operands) by opcode. */
export const OP_LEN: Int32Array = Int32Array.from(OPS, (o) => 1 + o[1].length);
