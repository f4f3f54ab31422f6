// The bar-register table: the fixed registers the per-bar driver (runtime/bar-feed.ts) writes
// before each bar, one definition shared by the compiler (which allocates script registers after
// them and maps input.source() defaults), the builtins and the runtime.

/** Fixed registers written by the instance before each bar. Builtins read bar values from here:
 * `rt.f[R.high]`. The script reads them as ordinary registers (no instruction needed). */
export const R = {
  open: 0,
  high: 1,
  low: 2,
  close: 3,
  volume: 4,
  time: 5,
  timeClose: 6,
  barIndex: 7,
  hl2: 8,
  hlc3: 9,
  ohlc4: 10,
  hlcc4: 11,
  /** barstate.* flags, 0 or 1. */
  isFirst: 12,
  isLast: 13,
  isHistory: 14,
  isRealtime: 15,
  isNew: 16,
  isConfirmed: 17,
  isLastConfirmedHistory: 18,
  /** last_bar_index (na until known), last_bar_time. */
  lastBarIndex: 19,
  lastBarTime: 20,
  /** timenow (ms). */
  timeNow: 21,
  /** time_tradingday (ms). */
  timeTradingDay: 22,
} as const;

/** Number of fixed registers; the compiler allocates script registers after these. */
export const FIXED_REGISTERS = 24;

/** input.source() choices: the built-in price series a source input may name, by register. */
export const SOURCE_REGS: Record<string, number> = {
  open: R.open,
  high: R.high,
  low: R.low,
  close: R.close,
  volume: R.volume,
  hl2: R.hl2,
  hlc3: R.hlc3,
  ohlc4: R.ohlc4,
  hlcc4: R.hlcc4,
};
