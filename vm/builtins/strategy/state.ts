// The broker emulator's state: one plain-data record (numbers, strings, typed arrays, arrays of
// plain objects) kept in the state record's `host.strategy`, so the snapshot codec and the
// realtime rollback carry it like the rest of the state. The step functions are in broker.ts.

import { newTradeLog, type TradeLog } from './log.js';

/** strategy() arguments that change results, with the symbol facts the broker needs. */
export interface StrategyConfig {
  /** Entries allowed in one direction (pyramiding 0 and 1 both allow one). */
  maxEntries: number;
  /** 'fixed' | 'cash' | 'percent_of_equity' */
  qtyType: string;
  qtyValue: number;
  capital: number;
  /** 'percent' | 'cash_per_contract' | 'cash_per_order' */
  commType: string;
  commValue: number;
  /** Slippage in ticks, against the trader, on market and stop fills. */
  slippage: number;
  onClose: boolean;
  marginLong: number;
  marginShort: number;
  /** 'FIFO' | 'ANY' */
  closeRule: string;
  /** Ticks a limit price must be exceeded by before a limit order fills. */
  fillLimitTicks: number;
  riskFreeRate: number;
  currency: string;
  mintick: number;
  pointvalue: number;
  /** Quantity step (the symbol's mincontract); 0: no rounding. */
  lot: number;
}

/** The bar the broker works on. */
export interface BarView {
  bar: number;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export const K_ENTRY = 0;
export const K_ORDER = 1;
export const K_EXIT = 2;
export const K_CLOSE = 3;
export const K_CLOSE_ALL = 4;

export const LEG_ARMED = 0;
export const LEG_TRAILING = 1;
export const LEG_FILLED = 2;

export const OCA_NONE = 0;
export const OCA_CANCEL = 1;
export const OCA_REDUCE = 2;

/** A pending order. Market orders have no limit and no stop. */
export interface Order {
  id: string;
  kind: number;
  /** +1 buy/long, -1 sell/short (exits and closes: set when they fill). */
  dir: number;
  /** Quantity resolved when the order was placed (NaN: all of the matching position). */
  qty: number;
  /** Exit/close: percent of the matching position (NaN when qty is given). */
  qtyPct: number;
  limit: number;
  stop: number;
  oca: string;
  ocaType: number;
  comment: string;
  /** Exit: entry id it protects ('' = every entry). */
  fromEntry: string;
  /** Exit: profit / loss in ticks from the entry price. */
  profit: number;
  loss: number;
  trailPrice: number;
  trailPoints: number;
  trailOffset: number;
  commentProfit: string;
  commentLoss: string;
  commentTrailing: string;
  /** Exit: one leg per open trade it protects (TradingView issues one exit order per entry, its
   * profit/loss/trail distances measured from that entry's price): the trade's number, its entry
   * price, the quantity reserved for it when the leg was made, its state (LEG_ARMED, LEG_TRAILING
   * once its trailing stop is activated, LEG_FILLED) and its trailing stop's best price. A filled
   * leg stays filled while the exit order lives (calling strategy.exit again does not re-arm it). */
  legNum: number[];
  /** The broker's position count (Broker.posEpoch) the legs belong to: once that position is closed
   * (flat, or reversed) the legs are dropped and the exit makes new ones for the next position. */
  legEpoch: number;
  legEntry: number[];
  legQty: number[];
  legState: number[];
  legBest: number[];
  /** Exit: 1 once it has protected an open trade. */
  active: number;
  /** Stop-limit: 1 once the stop was touched (the order is then a limit order). */
  stopHit: number;
  /** Close: fill at this bar's close (strategy.close(immediately = true)). */
  immediately: number;
  seq: number;
  bar: number;
}

export interface Broker {
  cfg: StrategyConfig;
  orders: Order[];
  open: TradeLog;
  closed: TradeLog;
  seq: number;
  /** Trades opened so far (the next trade's number is tradeNum + 1). */
  tradeNum: number;
  netprofit: number;
  grossprofit: number;
  grossloss: number;
  commission: number;
  wins: number;
  losses: number;
  evens: number;
  /** Equity extremes (at bar closes) and the largest drawdown / run-up from them. */
  peak: number;
  trough: number;
  maxDrawdown: number;
  maxRunup: number;
  /** The largest drawdown as a fraction of the equity peak it fell from, and the largest run-up as a
   * fraction of the trough it rose from (strategy.max_drawdown_percent, max_runup_percent). */
  maxDrawdownFrac: number;
  maxRunupFrac: number;
  /** The largest drawdown (run-up) since the peak (trough) was last set: broker.ts extremeFractions. */
  ddSeen: number;
  ruSeen: number;
  maxHeldAll: number;
  maxHeldLong: number;
  maxHeldShort: number;
  /** Bar whose fills were processed last (-1: none). */
  bar: number;
  /** Realtime: the open bar whose ticks were processed (-1: none), the last tick's price and the
   * bar's extremes so far (fills on ticks stand; the next tick goes on from there). */
  tickBar: number;
  tickPrice: number;
  tickHigh: number;
  tickLow: number;
  /** First open and last close seen (buy & hold). */
  firstPrice: number;
  lastPrice: number;
  lastTime: number;
  bars: number;
  marginCalls: number;
  /** Counts the positions closed (flat or reversed): exit legs belong to one position. */
  posEpoch: number;
  /** The open position's margin-call prices (broker.ts marginLimits) and the trade counts they were
   * computed at (tradeNum, closed trades): a bar whose extremes stay inside them cannot call. */
  mTrade: number;
  mClosed: number;
  callAbove: number;
  callBelow: number;
  /** Risk rules (strategy.risk.*): allowed direction (0 both, 1 long, -1 short), limits (NaN: none). */
  allow: number;
  maxPosition: number;
  maxIntradayLoss: number;
  maxIntradayLossPct: number;
  maxDrawdownRule: number;
  maxDrawdownRulePct: number;
  maxIntradayOrders: number;
  maxConsLossDays: number;
  /** Trading-day bookkeeping for the intraday rules: day key, equity at its start, fills in it. */
  day: number;
  /** Month key (year·12 + month) of `day`. */
  month: number;
  dayEquity: number;
  dayFills: number;
  consLossDays: number;
  /** 1 while trading is stopped for the day (intraday rules), 2 for good (drawdown rules). */
  halted: number;
  /** Month keys and month-end equity, for Sharpe and Sortino (one row per month). */
  months: number[];
  monthEquity: number[];
}

export function newBroker(cfg: StrategyConfig): Broker {
  return {
    cfg,
    orders: [],
    open: newTradeLog(4),
    closed: newTradeLog(64),
    seq: 0,
    tradeNum: 0,
    netprofit: 0,
    grossprofit: 0,
    grossloss: 0,
    commission: 0,
    wins: 0,
    losses: 0,
    evens: 0,
    peak: cfg.capital,
    trough: cfg.capital,
    maxDrawdown: 0,
    maxRunup: 0,
    maxDrawdownFrac: 0,
    maxRunupFrac: 0,
    ddSeen: 0,
    ruSeen: 0,
    maxHeldAll: 0,
    maxHeldLong: 0,
    maxHeldShort: 0,
    bar: -1,
    tickBar: -1,
    tickPrice: NaN,
    tickHigh: NaN,
    tickLow: NaN,
    firstPrice: NaN,
    lastPrice: NaN,
    lastTime: NaN,
    bars: 0,
    marginCalls: 0,
    posEpoch: 0,
    mTrade: -1,
    mClosed: -1,
    callAbove: Infinity,
    callBelow: -Infinity,
    allow: 0,
    maxPosition: NaN,
    maxIntradayLoss: NaN,
    maxIntradayLossPct: 0,
    maxDrawdownRule: NaN,
    maxDrawdownRulePct: 0,
    maxIntradayOrders: NaN,
    maxConsLossDays: NaN,
    day: NaN,
    month: NaN,
    dayEquity: cfg.capital,
    dayFills: 0,
    consLossDays: 0,
    halted: 0,
    months: [],
    monthEquity: [],
  };
}
