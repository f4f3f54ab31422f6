// THE state record of a running script: everything that survives from one bar to the next, defined
// once. Every path that must carry the state (a realtime tick's capture and rollback, a snapshot's
// save and restore, a clone, `inspect`) walks STATE_FIELDS below instead of naming the fields, so a
// new field — a strategy's order book, drawing limits, request.security contexts — is added here
// (the interface member and its row in the table) and every path carries it. TypeScript enforces
// the pairing: the table is checked against the interface's keys, and the Machine that holds the
// fields implements the interface.
//
// What is NOT here, on purpose: registers (dead between bars, except while a bar is suspended mid-way:
// that is the snapshot's `exec` part), the instance's bookkeeping (confirmed bar, open realtime bar,
// failure) and the plot outputs (OutputStore: a journal by bar row that a tick overwrites in place, too
// large to copy per tick; a snapshot includes it on request).

import type { AlertEntry, LogEntry } from './runtime.js';
import type { SeriesF, SeriesO } from './series.js';

/** An input value given by the host (by input id in the program). */
export type InputValue = number | string | boolean;

/** State of the host steps (runtime/bar-feed.ts): one entry per step, by step name, plain data only
 * (numbers, strings, booleans, null, typed arrays, arrays and plain objects of these), so every path
 * copies and saves it like the rest of the record. */
export type HostState = Record<string, unknown>;

export interface ScriptState {
  /** var/varip numbers of the whole call-site tree, plus an "initialised" flag per var. */
  vf: Float64Array;
  /** var/varip strings and heap references (core/heap.ts) of the whole call-site tree. */
  vo: unknown[];
  /** History buffers of every series of the call-site tree (core/series.ts). */
  ser: (SeriesF | SeriesO)[];
  /** Per-call-site builtin state (ta.* windows, ...), plain data. */
  cs: unknown[];
  /** math.random's generator, four uint32 words. */
  rng: Uint32Array;
  /** log.* entries, oldest first. */
  logs: LogEntry[];
  /** alert() and alertcondition() events, oldest first. */
  alerts: AlertEntry[];
  /** The host steps' state (order book, drawing counts, other-timeframe contexts), by step name. */
  host: HostState;
}

/** How a realtime tick carries a field (Instance.updateBar rolls everything back before each tick
 * but the first of a bar, except varip variables):
 * - 'copy': a deep copy is kept when the bar opens and copied back in place at each rollback;
 * - 'series': only the positions (head, count, bar) of each buffer are kept: a tick writes into a slot
 *   the confirmed state never reads (every series has one slot of slack);
 * - 'journal': an append-only list; its length is kept and the list cut back to it. */
export type TickRule = 'copy' | 'series' | 'journal';

/** What a snapshot checks a field against (snapshot/state.ts reads this, nothing else):
 * - 'f64' / 'list': a Float64Array / list whose length is the program layout's count `length`;
 * - 'u32': a Uint32Array of `length` words;
 * - 'series': the history buffers of the layout (kind and capacity of each checked);
 * - 'journal': a list of entries each with a whole `bar` >= 0 and a string `message`;
 * - 'record': a plain object. */
export type FieldShape =
  | { type: 'f64'; length: keyof StateLayout }
  | { type: 'list'; length: keyof StateLayout }
  | { type: 'u32'; length: number }
  | { type: 'series' }
  | { type: 'journal' }
  | { type: 'record' };

export interface FieldRule {
  tick: TickRule;
  shape: FieldShape;
  /** The field's value in a snapshot written before the field existed (null: always present). */
  missing: null | (() => unknown);
}

/** Sizes of the record's tables for one program (its main function's layout). */
export interface StateLayout {
  nVarF: number;
  nVarO: number;
  nCs: number;
}

/** The field table, in the order every path walks it (and a snapshot writes it). */
export const STATE_FIELDS = {
  vf: { tick: 'copy', shape: { type: 'f64', length: 'nVarF' }, missing: null },
  vo: { tick: 'copy', shape: { type: 'list', length: 'nVarO' }, missing: null },
  ser: { tick: 'series', shape: { type: 'series' }, missing: null },
  cs: { tick: 'copy', shape: { type: 'list', length: 'nCs' }, missing: null },
  rng: { tick: 'copy', shape: { type: 'u32', length: 4 }, missing: null },
  logs: { tick: 'journal', shape: { type: 'journal' }, missing: null },
  alerts: { tick: 'journal', shape: { type: 'journal' }, missing: null },
  host: { tick: 'copy', shape: { type: 'record' }, missing: () => ({}) },
} as const satisfies { readonly [K in keyof ScriptState]: FieldRule };

export type StateKey = keyof ScriptState;

/** The record's keys in table order. */
export const STATE_KEYS = Object.keys(STATE_FIELDS) as StateKey[];

/** What a realtime tick may change, kept while a bar is open: per field, by its tick rule, a deep copy
 * ('copy'), the (head, count, bar) of every buffer in one Float64Array ('series') or a length
 * ('journal'). */
export type TickState = { [K in StateKey]: TickRuleValue<(typeof STATE_FIELDS)[K]['tick'], ScriptState[K]> };

type TickRuleValue<R extends TickRule, V> = R extends 'copy' ? V : R extends 'series' ? Float64Array : number;

/** Registers and frame stack of a bar stopped by its instruction budget (saved with the record). */
export interface ExecState {
  pc: number;
  frames: number[];
  vb: number;
  ob: number;
  sb: number;
  cb: number;
  f: Float64Array;
  o: unknown[];
  pendingBar: number;
  confirm: boolean;
}
