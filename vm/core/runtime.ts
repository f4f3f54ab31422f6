// The part of the running VM that builtin implementations see (ground floor: plain types only).
// The interpreter owns one Runtime per Instance. Everything here that lives across bars is plain data (see ARCHITECTURE.md):
// registers, call-site states, outputs, logs, the random generator — so snapshots are complete.

export { R, FIXED_REGISTERS } from './registers.js';

export interface SymbolInfo {
  /** e.g. "EURUSD" */
  ticker: string;
  /** e.g. "FX:EURUSD" */
  tickerid: string;
  prefix: string;
  description: string;
  /** "forex", "stock", "crypto", "futures", "index", ... */
  type: string;
  currency: string;
  basecurrency: string;
  /** IANA zone or "Etc/UTC". */
  timezone: string;
  /** Session string like "0930-1600" or "24x7". */
  session: string;
  mintick: number;
  pointvalue: number;
  /** Volume type etc. may be added here; keep plain data. */

  // Optional symbol facts (syminfo.*); absent reads as na (numbers) or "" / na (strings).
  /** syminfo.session: "regular" (default) or "extended". */
  sessionType?: 'regular' | 'extended';
  pricescale?: number;
  minmove?: number;
  mincontract?: number;
  /** "base", "quote", "tick" or "n/a". */
  volumetype?: string;
  root?: string;
  country?: string;
  industry?: string;
  sector?: string;
  isin?: string;
  currentContract?: string;
  /** ms UTC. */
  expirationDate?: number;
  employees?: number;
  shareholders?: number;
  sharesOutstandingFloat?: number;
  sharesOutstandingTotal?: number;

  // The weekly trading schedule, in `timezone`. When absent, it is derived from `session`.
  /** Market hours (the regular session), e.g. Monday 09:30-16:00. */
  openingHours?: WeeklyRange[];
  /** When each trading day's session starts; pairs with the next end. */
  sessionStarts?: WeeklyTime[];
  /** When each trading day's session ends; the day of an end names the trading day. */
  sessionEnds?: WeeklyTime[];
}

/** The symbol a host that says nothing else runs on (a 24x7 crypto-like "SYMBOL" in UTC). */
export const DEFAULT_SYMBOL: SymbolInfo = {
  ticker: 'SYMBOL',
  tickerid: 'SYMBOL',
  prefix: '',
  description: '',
  type: 'crypto',
  currency: 'USD',
  basecurrency: '',
  timezone: 'Etc/UTC',
  session: '24x7',
  mintick: 0.01,
  pointvalue: 1,
};

/** A weekly time range: `day` is Pine's day of week (1 = Sunday ... 7 = Saturday); `start` and
 * `end` are seconds after local midnight, `end` 86400 for the midnight that ends the day. */
export interface WeeklyRange {
  day: number;
  start: number;
  end: number;
}

/** A weekly instant: Pine day of week and seconds after local midnight (86400 = end of the day). */
export interface WeeklyTime {
  day: number;
  time: number;
}

export interface TimeframeInfo {
  /** Pine's timeframe string: "1", "5", "60", "240", "1D", "D", "W", "M", "1S", ... */
  period: string;
  multiplier: number;
  /** "S", "" (minutes), "D", "W", "M", "T" (ticks) */
  unit: 'S' | '' | 'D' | 'W' | 'M' | 'T';
}

export type LogLevel = 'info' | 'warning' | 'error';

export interface LogEntry {
  bar: number;
  time: number;
  level: LogLevel;
  message: string;
}

export interface AlertEntry {
  bar: number;
  time: number;
  message: string;
  /** 'alert' for alert(), 'condition' for alertcondition(). */
  kind: 'alert' | 'condition';
}

/** Resource limits; restored from snapshots and overridable by the host. */
export interface Limits {
  /** Milliseconds a single loop may run before a runtime error (Pine: 500). */
  loopMs: number;
  /** History depth used for dynamic `[]` offsets (Pine's max_bars_back default: 5000). */
  maxBarsBack: number;
  /** Largest number of log entries kept (oldest dropped first). */
  maxLogs: number;
}

export const DEFAULT_LIMITS: Limits = { loopMs: 500, maxBarsBack: 5000, maxLogs: 10000 };

/** What builtin implementations may use. Builtins must keep all cross-bar state in `cs[s]`
 * (plain objects of numbers, strings, booleans, null, typed arrays and arrays of those) and never
 * in closures or module variables. */
export interface Runtime {
  /** Float register file: int, float, bool (0/1), color, enum values; na is NaN. */
  f: Float64Array;
  /** Object register file: strings (na is null) and heap references. */
  o: unknown[];
  /** Per-call-site builtin state, indexed by absolute slot `s` passed to the builtin. */
  cs: unknown[];
  /** bar_index of the bar being executed (also in f[R.barIndex]). */
  bar: number;
  syminfo: SymbolInfo;
  timeframe: TimeframeInfo;
  /** Pine version of the script (5 or 6). */
  version: number;
  limits: Limits;
  /** Random generator state (xoshiro128**), four uint32 words; see builtins/math. */
  rng: Uint32Array;
  logs: LogEntry[];
  alerts: AlertEntry[];
  /** The chart's visible bars (chart.left_visible_bar_time / right_visible_bar_time); a chart
   * fact the host gives, not state; absent in scratch runtimes, e.g. compile-time folding). */
  visible?: VisibleRange;
  /** Throws a runtime error located at the current instruction. */
  fail(code: string, message: string): never;
}

/** Open times (ms) of the leftmost and rightmost visible bars as the host gives them (NaN: not
 * given, then the first bar of the data and last_bar_time), and of the first bar run (`first`). */
export interface VisibleRange {
  left: number;
  right: number;
  first: number;
}

/** Builtin state helper: returns cs[s], creating it with `init` on first use. */
export function state<T>(rt: Runtime, s: number, init: () => T): T {
  let st = rt.cs[s] as T | undefined;
  if (st === undefined) {
    st = init();
    rt.cs[s] = st;
  }
  return st;
}
