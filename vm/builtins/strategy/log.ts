// The strategy's trade log as columns: one typed array per numeric field and one string array per
// text field, grown by doubling. A closed trade is a row, not an object, so a long backtest keeps
// one small record per trade and the snapshot codec copies the columns as they are.

/** Closed (or open) trade rows. Numeric columns are Float64Array; `n` rows are in use. */
export interface TradeLog {
  n: number;
  /** Trade number in entry order (1-based; the report numbers rows by their place in the list). */
  num: Float64Array;
  /** +1 long, -1 short. */
  dir: Float64Array;
  qty: Float64Array;
  entryBar: Float64Array;
  entryTime: Float64Array;
  entryPrice: Float64Array;
  exitBar: Float64Array;
  exitTime: Float64Array;
  exitPrice: Float64Array;
  /** Net profit in account currency, commissions deducted. */
  profit: Float64Array;
  /** Commission paid on entry and exit. */
  commission: Float64Array;
  /** Largest favourable / adverse excursion while open (currency; runup ≥ 0, drawdown ≤ 0). */
  runup: Float64Array;
  drawdown: Float64Array;
  entryId: string[];
  entryComment: string[];
  exitId: string[];
  exitComment: string[];
}

const NUM_COLS = [
  'num', 'dir', 'qty', 'entryBar', 'entryTime', 'entryPrice', 'exitBar', 'exitTime', 'exitPrice',
  'profit', 'commission', 'runup', 'drawdown',
] as const;

export type NumCol = (typeof NUM_COLS)[number];

export function newTradeLog(capacity = 16): TradeLog {
  const c = Math.max(1, capacity);
  return {
    n: 0,
    num: new Float64Array(c),
    dir: new Float64Array(c),
    qty: new Float64Array(c),
    entryBar: new Float64Array(c),
    entryTime: new Float64Array(c),
    entryPrice: new Float64Array(c),
    exitBar: new Float64Array(c),
    exitTime: new Float64Array(c),
    exitPrice: new Float64Array(c),
    profit: new Float64Array(c),
    commission: new Float64Array(c),
    runup: new Float64Array(c),
    drawdown: new Float64Array(c),
    entryId: [],
    entryComment: [],
    exitId: [],
    exitComment: [],
  };
}

/** Appends an empty row and returns its index. */
export function addRow(log: TradeLog): number {
  if (log.n >= log.num.length) grow(log);
  const i = log.n++;
  log.num[i] = NaN;
  log.dir[i] = NaN;
  log.qty[i] = NaN;
  log.entryBar[i] = NaN;
  log.entryTime[i] = NaN;
  log.entryPrice[i] = NaN;
  log.exitBar[i] = NaN;
  log.exitTime[i] = NaN;
  log.exitPrice[i] = NaN;
  log.profit[i] = NaN;
  log.commission[i] = NaN;
  log.runup[i] = NaN;
  log.drawdown[i] = NaN;
  log.entryId[i] = '';
  log.entryComment[i] = '';
  log.exitId[i] = '';
  log.exitComment[i] = '';
  return i;
}

function grow(log: TradeLog): void {
  const cap = log.num.length * 2;
  for (const k of NUM_COLS) {
    const grown = new Float64Array(cap);
    grown.set(log[k]);
    log[k] = grown;
  }
}

/** Copies row `i` of `from` to a new row of `to`; returns the new row. */
export function copyRow(from: TradeLog, i: number, to: TradeLog): number {
  const j = addRow(to);
  to.num[j] = from.num[i] as number;
  to.dir[j] = from.dir[i] as number;
  to.qty[j] = from.qty[i] as number;
  to.entryBar[j] = from.entryBar[i] as number;
  to.entryTime[j] = from.entryTime[i] as number;
  to.entryPrice[j] = from.entryPrice[i] as number;
  to.exitBar[j] = from.exitBar[i] as number;
  to.exitTime[j] = from.exitTime[i] as number;
  to.exitPrice[j] = from.exitPrice[i] as number;
  to.profit[j] = from.profit[i] as number;
  to.commission[j] = from.commission[i] as number;
  to.runup[j] = from.runup[i] as number;
  to.drawdown[j] = from.drawdown[i] as number;
  to.entryId[j] = from.entryId[i] ?? '';
  to.entryComment[j] = from.entryComment[i] ?? '';
  to.exitId[j] = from.exitId[i] ?? '';
  to.exitComment[j] = from.exitComment[i] ?? '';
  return j;
}

/** Removes row `i`, moving the later rows up (open trades: a handful of rows). The text columns
 * as `splice(i, 1)` would, without the array of removed items it makes. */
export function removeRow(log: TradeLog, i: number): void {
  const n = log.n;
  if (i < n - 1) for (const k of NUM_COLS) log[k].copyWithin(i, i + 1, n);
  dropAt(log.entryId, i);
  dropAt(log.entryComment, i);
  dropAt(log.exitId, i);
  dropAt(log.exitComment, i);
  log.n = n - 1;
}

function dropAt(col: string[], i: number): void {
  const len = col.length;
  if (i >= len) return;
  for (let j = i; j + 1 < len; j++) col[j] = col[j + 1] as string;
  // pop, not `length = len - 1`: V8 runs a length store out of line, pop in the caller's code.
  col.pop();
}
