// The broker emulator as TradingView documents it, as pure step functions over the plain-data
// Broker record (state.ts): orders placed while the script runs on a bar fill on the next bar —
// market orders at its open, limit and stop orders where the bar's assumed intrabar path
// (open → the nearer extreme → the other extreme → close) first reaches their price, or at the
// open when the bar gaps past it. With process_orders_on_close, market orders fill at the close
// of the bar that placed them. Positions are lists of open trades (FIFO), reversals close the
// open side first, OCA groups cancel or reduce their siblings, strategy.exit brackets attach to
// the entries they name (also before those fill), and commission and slippage are applied per fill.
// The position's facts are in position.ts, margin in margin.ts, the bar's close in bar-close.ts.

import { addRow, copyRow, removeRow, type TradeLog } from './log.js';
import {
  K_CLOSE,
  K_CLOSE_ALL,
  K_ENTRY,
  K_EXIT,
  K_ORDER,
  LEG_ARMED,
  LEG_FILLED,
  LEG_TRAILING,
  OCA_CANCEL,
  OCA_REDUCE,
  type BarView,
  type Broker,
  type Order,
} from './state.js';
import { commissionFor, defaultQty, EPS, equity, positionSize, roundQty, tradeOpenProfit } from './position.js';
import { fundsCover, marginCallQty } from './margin.js';

// The position's facts (position.ts), the margin rules (margin.ts) and the bar's close (bar-close.ts)
// live in files of their own; what the strategy.* builtins and the host step read of them is also
// exported here.
export { commissionFor, defaultQty, equity, openProfit, positionAvgPrice, positionSize, roundQty, tradeOpenProfit } from './position.js';
export { marginChecked, marginQuiet } from './margin.js';
export type { BarView } from './state.js';


/** Called after each fill when the script recalculates on fills (strategy(calc_on_order_fills =
 * true)): the fill's price and the extremes of the bar's path up to it. The host runs the script
 * there; the orders it places wait for the path's next point. */
export type FillHook = (price: number, high: number, low: number) => void;

/** Lower-timeframe bars inside the chart bar (strategy(use_bar_magnifier = true)): their prices
 * make the intrabar path, rows [from, to). */
export interface LowerBars {
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  from: number;
  to: number;
}

/** The walk of one bar with recalculations on fills: orders placed after `gate` (their seq) wait
 * for the next point of the path; `hi`/`lo` are the path's extremes so far. */
interface Recalc {
  hook: FillHook;
  gate: number;
  hi: number;
  lo: number;
}

// ---------------------------------------------------------------------------------------------
// Placing orders (while the script runs)

export function newOrder(b: Broker, id: string, kind: number, bar: number): Order {
  const spare = SPARE.pop();
  if (spare !== undefined) return reuseOrder(spare, b, id, kind, bar);
  return {
    id,
    kind,
    dir: 0,
    qty: NaN,
    qtyPct: NaN,
    limit: NaN,
    stop: NaN,
    oca: '',
    ocaType: 0,
    comment: '',
    fromEntry: '',
    profit: NaN,
    loss: NaN,
    trailPrice: NaN,
    trailPoints: NaN,
    trailOffset: NaN,
    commentProfit: '',
    commentLoss: '',
    commentTrailing: '',
    legNum: [],
    legEpoch: 0,
    legEntry: [],
    legQty: [],
    legState: [],
    legBest: [],
    active: 0,
    stopHit: 0,
    immediately: 0,
    seq: ++b.seq,
    bar,
  };
}

/** Market entries filled on a bar's open and dropped from the book, kept for the next orders
 * (newOrder), so that a backtest's entries do not each allocate an order record (its number fields
 * are boxed doubles: ~700 bytes, most of a strategy's garbage per trade). Not state: an order comes
 * here only after it left the book and the list it was filled from, when nothing refers to it. */
const SPARE: Order[] = [];

/** Gives the market entries of `market` (taken out of the book and filled) to newOrder. */
function releaseOrders(market: Order[]): void {
  for (const o of market) {
    if (SPARE.length >= 8) return;
    if ((o.kind === K_ENTRY || o.kind === K_ORDER) && o.legNum.length === 0) SPARE.push(o);
  }
}

/** `o` as newOrder makes a new order (every field written, in the same order). */
function reuseOrder(o: Order, b: Broker, id: string, kind: number, bar: number): Order {
  o.id = id;
  o.kind = kind;
  o.dir = 0;
  o.qty = NaN;
  o.qtyPct = NaN;
  o.limit = NaN;
  o.stop = NaN;
  o.oca = '';
  o.ocaType = 0;
  o.comment = '';
  o.fromEntry = '';
  o.profit = NaN;
  o.loss = NaN;
  o.trailPrice = NaN;
  o.trailPoints = NaN;
  o.trailOffset = NaN;
  o.commentProfit = '';
  o.commentLoss = '';
  o.commentTrailing = '';
  o.legNum.length = 0;
  o.legEpoch = 0;
  o.legEntry.length = 0;
  o.legQty.length = 0;
  o.legState.length = 0;
  o.legBest.length = 0;
  o.active = 0;
  o.stopHit = 0;
  o.immediately = 0;
  o.seq = ++b.seq;
  o.bar = bar;
  return o;
}

/** The pending order of this kind family and id (entries and orders share ids with themselves;
 * exits are keyed by id and from_entry), or a new one appended to the book. */
function orderFor(b: Broker, id: string, kind: number, bar: number, fromEntry = ''): Order {
  for (const o of b.orders) {
    if (o.id === id && o.kind === kind && (kind !== K_EXIT || o.fromEntry === fromEntry)) {
      // A modified order keeps its place but takes the new arguments.
      o.bar = bar;
      return o;
    }
  }
  const o = newOrder(b, id, kind, bar);
  o.fromEntry = fromEntry;
  b.orders.push(o);
  return o;
}

export interface EntryArgs {
  id: string;
  dir: number;
  qty: number;
  limit: number;
  stop: number;
  oca: string;
  ocaType: number;
  comment: string;
}

/** strategy.entry (kind K_ENTRY) and strategy.order (K_ORDER). */
export function placeEntry(b: Broker, kind: number, a: EntryArgs, bar: BarView): void {
  if (b.halted) return;
  // An entry in the direction of a position that already has its pyramiding count of entries is
  // not placed at all (TradingView checks when the script calls strategy.entry: an entry placed
  // while long is not filled later on the same bar's path after a reversal to short).
  if (kind === K_ENTRY && positionSize(b) * a.dir > 0 && b.open.n >= b.cfg.maxEntries) return;
  let qty = a.qty === a.qty ? a.qty : defaultQty(b, bar.close, equity(b, bar.close));
  // An entry against the position is sized when it is placed to close that position as well: one
  // placed while flat and filled against a position only closes it (TradingView's reversal rule).
  const pos = positionSize(b);
  if (kind === K_ENTRY && pos * a.dir < 0) qty += Math.abs(pos);
  if (!fundsCover(b, a.dir, pos * a.dir < 0 ? qty - Math.abs(pos) : qty, pos, bar.close)) return;
  const o = orderFor(b, a.id, kind, bar.bar);
  o.dir = a.dir;
  o.qty = qty;
  o.limit = a.limit;
  o.stop = a.stop;
  o.stopHit = 0;
  o.oca = a.oca;
  o.ocaType = a.oca === '' ? 0 : a.ocaType;
  o.comment = a.comment;
}


export interface ExitArgs {
  id: string;
  fromEntry: string;
  qty: number;
  qtyPct: number;
  profit: number;
  limit: number;
  loss: number;
  stop: number;
  trailPrice: number;
  trailPoints: number;
  trailOffset: number;
  oca: string;
  comment: string;
  commentProfit: string;
  commentLoss: string;
  commentTrailing: string;
}

/** strategy.exit: a bracket (limit and/or stop, trailing stop) over the trades of `fromEntry`. */
export function placeExit(b: Broker, a: ExitArgs, bar: BarView): void {
  const o = orderFor(b, a.id, K_EXIT, bar.bar, a.fromEntry);
  o.qty = a.qty;
  o.qtyPct = a.qty === a.qty ? NaN : a.qtyPct === a.qtyPct ? a.qtyPct : 100;
  o.profit = a.profit;
  o.limit = a.limit;
  o.loss = a.loss;
  o.stop = a.stop;
  o.trailPrice = a.trailPrice;
  o.trailPoints = a.trailPoints;
  o.trailOffset = a.trailOffset;
  o.oca = a.oca;
  o.ocaType = a.oca === '' ? 0 : OCA_REDUCE;
  o.comment = a.comment;
  o.commentProfit = a.commentProfit;
  o.commentLoss = a.commentLoss;
  o.commentTrailing = a.commentTrailing;
}

/** strategy.close / strategy.close_all: a market order closing trades (of entry `id`). */
export function placeClose(b: Broker, all: boolean, id: string, comment: string, qty: number, qtyPct: number, immediately: boolean, bar: BarView): void {
  if (!all && !hasTrades(b, id)) return;
  if (all && b.open.n === 0) return;
  const o = orderFor(b, all ? '' : id, all ? K_CLOSE_ALL : K_CLOSE, bar.bar);
  o.comment = comment;
  o.qty = qty;
  o.qtyPct = qty === qty ? NaN : qtyPct === qtyPct ? qtyPct : 100;
  o.immediately = immediately ? 1 : 0;
  if (immediately) {
    fillMarket(b, o, bar.close, bar);
    b.orders.splice(b.orders.indexOf(o), 1);
  }
}

export function cancelOrders(b: Broker, id: string | null): void {
  b.orders = b.orders.filter((o) => id !== null && o.id !== id);
}

function hasTrades(b: Broker, entryId: string): boolean {
  for (let i = 0; i < b.open.n; i++) if (entryId === '' || b.open.entryId[i] === entryId) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Filling

function slip(b: Broker, price: number, dir: number): number {
  return price + dir * b.cfg.slippage * b.cfg.mintick;
}

function openTrade(b: Broker, o: Order, qty: number, price: number, bar: BarView): void {
  const t = b.open;
  const i = addRow(t);
  t.num[i] = ++b.tradeNum;
  t.dir[i] = o.dir;
  t.qty[i] = qty;
  t.entryBar[i] = bar.bar;
  t.entryTime[i] = bar.time;
  t.entryPrice[i] = price;
  const c = commissionFor(b, qty, price);
  t.commission[i] = c;
  b.commission += c;
  t.runup[i] = 0;
  t.drawdown[i] = 0;
  t.entryId[i] = o.id;
  t.entryComment[i] = o.comment;
}

/** Closes `qty` of open trade `i` at `price`; the closed part goes to the trade log. */
function closeTrade(b: Broker, i: number, qty: number, price: number, bar: BarView, exitId: string, exitComment: string): void {
  const t = b.open;
  const full = t.qty[i] as number;
  const part = Math.min(qty, full);
  const share = part / full;
  const j = copyRow(t, i, b.closed);
  const cl = b.closed;
  const entryComm = (t.commission[i] as number) * share;
  const exitComm = commissionFor(b, part, price);
  b.commission += exitComm;
  const gross = (price - (t.entryPrice[i] as number)) * (t.dir[i] as number) * part * b.cfg.pointvalue;
  const profit = gross - entryComm - exitComm;
  cl.qty[j] = part;
  cl.exitBar[j] = bar.bar;
  cl.exitTime[j] = bar.time;
  cl.exitPrice[j] = price;
  cl.commission[j] = entryComm + exitComm;
  cl.profit[j] = profit;
  // The exit price is part of the trade's excursion.
  cl.runup[j] = Math.max((t.runup[i] as number) * share, gross);
  cl.drawdown[j] = Math.min((t.drawdown[i] as number) * share, gross);
  cl.exitId[j] = exitId;
  cl.exitComment[j] = exitComment;
  b.netprofit += profit;
  if (profit > 0) {
    b.grossprofit += profit;
    b.wins++;
  } else if (profit < 0) {
    b.grossloss -= profit;
    b.losses++;
  } else b.evens++;
  if (part >= full - EPS) {
    removeRow(t, i);
    if (t.n === 0) b.posEpoch++;
  }
  else {
    t.qty[i] = full - part;
    t.commission[i] = (t.commission[i] as number) - entryComm;
    t.runup[i] = (t.runup[i] as number) * (1 - share);
    t.drawdown[i] = (t.drawdown[i] as number) * (1 - share);
  }
}

/** Closes up to `qty` (NaN: everything) of the trades of `entryId` ('' = all), oldest first.
 * With close_entries_rule "FIFO" (the default) the quantity is the named entry's, but the oldest
 * open trades are closed first, whatever entry opened them; with "ANY" the named trades close. */
function closeTrades(b: Broker, entryId: string, qty: number, price: number, bar: BarView, exitId: string, exitComment: string): number {
  let left = qty === qty ? qty : Infinity;
  if (entryId !== '' && b.cfg.closeRule === 'FIFO') {
    left = Math.min(left, matchingQty(b, entryId));
    entryId = '';
  }
  let closed = 0;
  let i = 0;
  while (i < b.open.n && left > EPS) {
    if (entryId !== '' && b.open.entryId[i] !== entryId) {
      i++;
      continue;
    }
    const q = Math.min(left, b.open.qty[i] as number);
    const before = b.open.n;
    closeTrade(b, i, q, price, bar, exitId, exitComment);
    left -= q;
    closed += q;
    if (b.open.n === before) i++;
  }
  return closed;
}

function matchingQty(b: Broker, entryId: string): number {
  let q = 0;
  for (let i = 0; i < b.open.n; i++) if (entryId === '' || b.open.entryId[i] === entryId) q += b.open.qty[i] as number;
  return q;
}

function signalOf(o: Order): string {
  return o.comment !== '' ? o.comment : o.id;
}

/** Fills an entry or order at `price`. False when the pyramiding limit (or a risk rule) blocks it. */
function fillEntry(b: Broker, o: Order, price: number, bar: BarView): boolean {
  const pos = positionSize(b);
  if (o.kind === K_ENTRY) {
    if (b.allow !== 0 && o.dir !== b.allow) {
      // An entry in a direction strategy.risk.allow_entry_in forbids only exits the position.
      if (pos * o.dir < 0) closeTrades(b, '', NaN, price, bar, o.id, signalOf(o));
      return true;
    }
    if (pos * o.dir > 0 && b.open.n >= b.cfg.maxEntries) return false;
    let qty = o.qty;
    if (b.maxPosition === b.maxPosition) {
      const room = b.maxPosition - (pos * o.dir > 0 ? Math.abs(pos) : 0);
      if (room <= EPS) return false;
      qty = Math.min(qty, room);
    }
    if (pos * o.dir < 0) qty -= closeTrades(b, '', qty, price, bar, o.id, signalOf(o));
    if (qty > EPS) openTrade(b, o, qty, price, bar);
  } else {
    let left = o.qty;
    if (pos * o.dir < 0) left -= closeTrades(b, '', o.qty, price, bar, o.id, signalOf(o));
    if (left > EPS) openTrade(b, o, left, price, bar);
  }
  afterFill(b, o);
  return true;
}

/** Fills a market order (entry, order, close, close_all) at `base` (slippage added here). */
export function fillMarket(b: Broker, o: Order, base: number, bar: BarView): boolean {
  if (o.kind === K_ENTRY || o.kind === K_ORDER) return fillEntry(b, o, slip(b, base, o.dir), bar);
  const entryId = o.kind === K_CLOSE_ALL ? '' : o.id;
  const have = matchingQty(b, entryId);
  if (have <= EPS) return true;
  const dir = positionSize(b) > 0 ? -1 : 1;
  const qty = o.qty === o.qty ? Math.min(o.qty, have) : (have * o.qtyPct) / 100;
  const signal = o.comment !== '' ? o.comment : o.kind === K_CLOSE_ALL ? 'Close position order' : `Close entry(s) order ${o.id}`;
  closeTrades(b, entryId, roundQty(b, qty), slip(b, base, dir), bar, o.id, signal);
  afterFill(b, o);
  return true;
}

/** OCA groups and the bookkeeping of a fill. */
function afterFill(b: Broker, o: Order): void {
  b.dayFills++;
  if (o.oca !== '' && o.ocaType !== 0) {
    for (let k = b.orders.length - 1; k >= 0; k--) {
      const x = b.orders[k];
      if (!x || x === o || x.oca !== o.oca) continue;
      if (o.ocaType === OCA_CANCEL && x.ocaType === OCA_CANCEL) b.orders.splice(k, 1);
      else if (o.ocaType === OCA_REDUCE && x.ocaType === OCA_REDUCE && x.qty === x.qty) {
        x.qty -= o.qty === o.qty ? o.qty : 0;
        if (x.qty <= EPS) b.orders.splice(k, 1);
      }
    }
  }
  const pos = positionSize(b);
  const size = Math.abs(pos);
  b.maxHeldAll = Math.max(b.maxHeldAll, size);
  if (pos > 0) b.maxHeldLong = Math.max(b.maxHeldLong, size);
  if (pos < 0) b.maxHeldShort = Math.max(b.maxHeldShort, size);
}

// ---------------------------------------------------------------------------------------------
// Price orders on the intrabar path

interface Leg {
  /** Price that triggers the order. */
  trigger: number;
  /** Price it fills at when the move reaches the trigger (a limit's own price). */
  price: number;
  /** +1: triggered by a rise to the price; -1: by a fall. */
  side: number;
  /** 0 limit, 1 stop, 2 trailing stop, 3 stop of a stop-limit (no fill, becomes a limit), 4 a
   * trailing stop's activation (no fill). */
  type: number;
  /** Exits: the index of the exit's leg (its trade) this price belongs to; -1 for entries. */
  k: number;
}

/** Takes the market orders out of the book, in the order they were placed (null when there are
 * none); the price orders stay, in their order. */
export function takeMarketOrders(b: Broker): Order[] | null {
  const orders = b.orders;
  let k = 0;
  while (k < orders.length && isPriceOrder(orders[k] as Order)) k++;
  if (k === orders.length) return null;
  const market: Order[] = [];
  const price: Order[] = orders.slice(0, k);
  for (; k < orders.length; k++) {
    const o = orders[k] as Order;
    if (isPriceOrder(o)) price.push(o);
    else market.push(o);
  }
  b.orders = price;
  return market;
}

function isPriceOrder(o: Order): boolean {
  if (o.kind === K_EXIT) return true;
  if (o.kind === K_ENTRY || o.kind === K_ORDER) return o.limit === o.limit || o.stop === o.stop;
  return false;
}

/** Gives the exit a leg for each open trade of its entry that has none yet: the trade's entry
 * price and the quantity the exit reserves from it (its qty, at most the trade's, or its percent). */
function syncLegs(b: Broker, o: Order): void {
  // An exit restored from a snapshot written before exits had legs.
  if ((o as Partial<Order>).legNum === undefined) Object.assign(o, { legNum: [], legEntry: [], legQty: [], legState: [], legBest: [] });
  // The legs of a position that was closed since (flat, or reversed): the exit starts over.
  if (o.legEpoch !== b.posEpoch) {
    o.legEpoch = b.posEpoch;
    o.legNum.length = 0;
    o.legEntry.length = 0;
    o.legQty.length = 0;
    o.legState.length = 0;
    o.legBest.length = 0;
  }
  const t = b.open;
  for (let i = 0; i < t.n; i++) {
    if (o.fromEntry !== '' && t.entryId[i] !== o.fromEntry) continue;
    const num = t.num[i] as number;
    if (o.legNum.includes(num)) continue;
    const tq = t.qty[i] as number;
    o.legNum.push(num);
    o.legEntry.push(t.entryPrice[i] as number);
    o.legQty.push(o.qty === o.qty ? Math.min(o.qty, tq) : roundQty(b, (tq * o.qtyPct) / 100));
    o.legState.push(LEG_ARMED);
    o.legBest.push(NaN);
  }
}

/** The index in the open trades of trade number `num` (-1: closed). */
function openIndex(b: Broker, num: number): number {
  const t = b.open;
  for (let i = 0; i < t.n; i++) if (t.num[i] === num) return i;
  return -1;
}

/** The exit's prices for the trades it protects, one set per leg not yet filled (none when it
 * protects nothing now); returns the position's direction (0: nothing to protect). */
function exitLegs(b: Broker, o: Order, out: Leg[]): number {
  let dir = 0;
  for (let i = 0; i < b.open.n; i++) {
    if (o.fromEntry !== '' && b.open.entryId[i] !== o.fromEntry) continue;
    dir = b.open.dir[i] as number;
    break;
  }
  if (dir === 0) return 0;
  syncLegs(b, o);
  const tick = b.cfg.mintick;
  const any = b.cfg.closeRule === 'ANY';
  const trailing = o.trailOffset === o.trailOffset && (o.trailPrice === o.trailPrice || o.trailPoints === o.trailPoints);
  for (let k = 0; k < o.legNum.length; k++) {
    const state = o.legState[k] as number;
    if (state === LEG_FILLED) continue;
    // With close_entries_rule "ANY" a leg closes its own trade: gone, it has nothing to close. With
    // FIFO a leg sells from the oldest trades, so it stays while the entry has open trades.
    if (any && openIndex(b, o.legNum[k] as number) < 0) continue;
    const entry = o.legEntry[k] as number;
    // A long position exits by selling: the profit limit is above, the stop below.
    let lim = o.limit;
    if (o.profit === o.profit) {
      const p = entry + dir * o.profit * tick;
      lim = lim === lim ? (dir > 0 ? Math.min(lim, p) : Math.max(lim, p)) : p;
    }
    let stp = o.stop;
    if (o.loss === o.loss) {
      const p = entry - dir * o.loss * tick;
      stp = stp === stp ? (dir > 0 ? Math.max(stp, p) : Math.min(stp, p)) : p;
    }
    lim = onTick(b, lim, dir);
    stp = onTick(b, stp, -dir);
    // backtest_fill_limits_assumption: the price must go that many ticks through the limit.
    if (lim === lim) out.push({ trigger: lim + dir * b.cfg.fillLimitTicks * tick, price: lim, side: dir, type: 0, k });
    if (stp === stp) out.push({ trigger: stp, price: stp, side: -dir, type: 1, k });
    if (trailing) {
      if (state === LEG_TRAILING) {
        const ts = onTick(b, (o.legBest[k] as number) - dir * o.trailOffset * tick, -dir);
        out.push({ trigger: ts, price: ts, side: -dir, type: 2, k });
      } else {
        const act = onTick(b, o.trailPrice === o.trailPrice ? o.trailPrice : entry + dir * o.trailPoints * tick, dir);
        out.push({ trigger: act, price: act, side: dir, type: 4, k });
      }
    }
  }
  return dir;
}

/** A price order's price on the tick grid: the first tick that satisfies it on the side it is
 * reached from (a buy stop or sell limit at 1.1339334 fills at 1.13394, a sell stop or buy limit
 * at 1.0857251 at 1.08572). */
function onTick(b: Broker, p: number, side: number): number {
  const tick = b.cfg.mintick;
  if (!(tick > 0) || p !== p) return p;
  const k = p / tick;
  const r = Math.round(k);
  const n = Math.abs(k - r) < 1e-7 ? r : side > 0 ? Math.ceil(k) : Math.floor(k);
  const dec = Math.max(0, Math.min(12, Math.ceil(-Math.log10(tick) - 1e-9)));
  return Number((n * tick).toFixed(dec));
}

function entryLegs(b: Broker, o: Order, out: Leg[]): void {
  const lt = b.cfg.fillLimitTicks * b.cfg.mintick;
  if (o.stop === o.stop && !o.stopHit) {
    const sp = onTick(b, o.stop, o.dir);
    out.push({ trigger: sp, price: sp, side: o.dir, type: o.limit === o.limit ? 3 : 1, k: -1 });
    return;
  }
  if (o.limit === o.limit) {
    const lp = onTick(b, o.limit, -o.dir);
    out.push({ trigger: lp - o.dir * lt, price: lp, side: -o.dir, type: 0, k: -1 });
  }
}

/** The order filled first by a move from `cur` to `to` and where: null when none triggers. The
 * move starting at `cur` itself (distance 0) covers gaps and orders that became active there. */
function firstHit(b: Broker, cur: number, to: number, blocked: Set<Order> | null, gate: number): { o: Order; leg: Leg; at: number } | null {
  let best: { o: Order; leg: Leg; at: number } | null = null;
  let bestD = Infinity;
  const legs: Leg[] = [];
  const up = to > cur;
  for (const o of b.orders) {
    if (!isPriceOrder(o) || (blocked !== null && blocked.has(o)) || o.seq > gate) continue;
    legs.length = 0;
    if (o.kind === K_EXIT) {
      if (exitLegs(b, o, legs) === 0) continue;
    } else entryLegs(b, o, legs);
    for (const leg of legs) {
      // Already through the price at `cur`: fills at `cur` (a gap, or an order that became active).
      let d: number;
      let at: number;
      if (leg.side > 0 ? cur >= leg.trigger - EPS : cur <= leg.trigger + EPS) {
        d = 0;
        // A limit order fills at its price or better, a stop at the price reached.
        at = leg.type === 0 ? (leg.side > 0 ? Math.max(cur, leg.price) : Math.min(cur, leg.price)) : cur;
      } else if (leg.side > 0 && up && leg.trigger <= to + EPS) {
        d = leg.trigger - cur;
        at = leg.price;
      } else if (leg.side < 0 && !up && to !== cur && leg.trigger >= to - EPS) {
        d = cur - leg.trigger;
        at = leg.price;
      } else continue;
      if (d < bestD || (d === bestD && best !== null && o.seq < best.o.seq)) {
        bestD = d;
        best = { o, leg: { ...leg }, at };
      }
    }
  }
  return best;
}

/** Executes the hit order; returns false when it could not fill (it then stays pending). */
function fillHit(b: Broker, o: Order, leg: Leg, at: number, bar: BarView): boolean {
  if (leg.type === 3) {
    o.stopHit = 1;
    return true;
  }
  if (leg.type === 4) {
    o.legState[leg.k] = LEG_TRAILING;
    o.legBest[leg.k] = at;
    return true;
  }
  if (o.kind === K_EXIT) {
    const dir = -(positionSize(b) > 0 ? 1 : -1);
    const price = leg.type === 0 ? at : slip(b, at, dir);
    const named = leg.type === 0 ? o.commentProfit : leg.type === 2 ? o.commentTrailing : o.commentLoss;
    const signal = named !== '' ? named : o.comment !== '' ? o.comment : o.id;
    const reserved = o.legQty[leg.k] as number;
    o.legState[leg.k] = LEG_FILLED;
    if (b.cfg.closeRule === 'ANY') {
      // The leg's own trade.
      const i = openIndex(b, o.legNum[leg.k] as number);
      if (i >= 0) closeTrade(b, i, Math.min(reserved, b.open.qty[i] as number), price, bar, o.id, signal);
    } else {
      // FIFO: the leg's quantity (at most what the entry holds) from the oldest trades.
      closeTrades(b, o.fromEntry, Math.min(reserved, matchingQty(b, o.fromEntry)), price, bar, o.id, signal);
    }
    afterFill(b, o);
    return true;
  }
  const price = leg.type === 0 ? at : slip(b, at, o.dir);
  if (!fillEntry(b, o, price, bar)) return false;
  removeOrder(b, o);
  return true;
}

function removeOrder(b: Broker, o: Order): void {
  const k = b.orders.indexOf(o);
  if (k >= 0) b.orders.splice(k, 1);
}

/** Exits that protected trades which are all gone are done; exits start protecting here. */
export function pruneExits(b: Broker): void {
  for (let k = b.orders.length - 1; k >= 0; k--) {
    const o = b.orders[k];
    if (!o || o.kind !== K_EXIT) continue;
    const has = matchingQty(b, o.fromEntry) > EPS;
    if (has) o.active = 1;
    else if (o.active) b.orders.splice(k, 1);
  }
}

/** Trailing stops follow the best price of a move. */
function trail(b: Broker, price: number): void {
  for (const o of b.orders) {
    if (o.kind !== K_EXIT) continue;
    const best = o.legBest;
    let dir = 0;
    for (let k = 0; k < best.length; k++) {
      if (o.legState[k] !== LEG_TRAILING) continue;
      if (dir === 0) dir = positionSize(b) > 0 ? 1 : -1;
      if (dir > 0 ? price > (best[k] as number) : price < (best[k] as number)) best[k] = price;
    }
  }
}

/** The open trades' excursions at a price the path reached (trades opened on this bar see only the
 * path after their fill; finishBar covers the whole bar for the older ones). */
function excursion(b: Broker, price: number): void {
  const t = b.open;
  for (let i = 0; i < t.n; i++) {
    const p = tradeOpenProfit(b, i, price);
    if (p > (t.runup[i] as number)) t.runup[i] = p;
    if (p < (t.drawdown[i] as number)) t.drawdown[i] = p;
  }
}

/** Walks from `cur` to `to`, filling every price order reached, in the order they are reached
 * (with `rc`, the script recalculates after each fill). */
function walk(b: Broker, cur: number, to: number, bar: BarView, rc: Recalc | null): void {
  let blocked: Set<Order> | null = null;
  for (let guard = 0; guard < 1000 && b.orders.length !== 0; guard++) {
    pruneExits(b);
    const hit = firstHit(b, cur, to, blocked, rc === null ? Infinity : rc.gate);
    if (!hit) break;
    trail(b, hit.at);
    excursion(b, hit.at);
    if (!fillHit(b, hit.o, hit.leg, hit.at, bar)) {
      (blocked ??= new Set<Order>()).add(hit.o);
      continue;
    }
    cur = hit.at;
    if (rc !== null && hit.leg.type < 3) {
      if (cur > rc.hi) rc.hi = cur;
      if (cur < rc.lo) rc.lo = cur;
      pruneExits(b);
      rc.hook(cur, rc.hi, rc.lo);
    }
  }
  trail(b, to);
  excursion(b, to);
}

/** One bar's assumed path from its open (open → the nearer extreme → the other extreme → close),
 * each point reached in turn: `walk` fills the price orders between points, `atPoint` runs at each
 * point after the first. */
function walkBar(b: Broker, o: number, h: number, l: number, c: number, bar: BarView, rc: Recalc | null): void {
  const highFirst = h - o < o - l;
  const p1 = highFirst ? h : l;
  const p2 = highFirst ? l : h;
  walk(b, o, p1, bar, rc);
  atPoint(b, p1, bar, rc);
  walk(b, p1, p2, bar, rc);
  atPoint(b, p2, bar, rc);
  walk(b, p2, c, bar, rc);
  atPoint(b, c, bar, rc);
}

/** A point of the path reached: with recalculations, the orders placed so far become active and
 * the market orders among them fill here, each followed by a recalculation. */
function atPoint(b: Broker, price: number, bar: BarView, rc: Recalc | null): void {
  if (rc === null) return;
  if (price > rc.hi) rc.hi = price;
  if (price < rc.lo) rc.lo = price;
  rc.gate = b.seq;
  marketsAt(b, price, bar, rc);
}

/** Fills the active market orders at `price`, one at a time in the order they were placed, the
 * script recalculating after each (the orders it places wait for the next point). */
function marketsAt(b: Broker, price: number, bar: BarView, rc: Recalc): void {
  for (;;) {
    const k = b.orders.findIndex((o) => !isPriceOrder(o) && o.seq <= rc.gate);
    const o = b.orders[k];
    if (o === undefined) break;
    b.orders.splice(k, 1);
    fillMarket(b, o, price, bar);
    pruneExits(b);
    rc.hook(price, rc.hi, rc.lo);
  }
}

// ---------------------------------------------------------------------------------------------
// The bar steps

/** Before the script runs on a bar: fills what the previous bar left pending on this bar's path.
 * With `hook` the script recalculates after each fill (calc_on_order_fills); with `lower` the path
 * is that of the lower-timeframe bars inside this bar (the bar magnifier). */
export function processBar(b: Broker, bar: BarView, hook: FillHook | null = null, lower: LowerBars | null = null): void {
  if (b.bar === bar.bar) return;
  b.bar = bar.bar;
  if (b.firstPrice !== b.firstPrice) b.firstPrice = bar.open;
  // Most bars have nothing pending and no position: nothing can fill or be called.
  if (b.orders.length === 0) {
    if (b.open.n > 0) marginCall(b, bar);
    return;
  }
  const rc: Recalc | null = hook === null ? null : { hook, gate: b.seq, hi: bar.open, lo: bar.open };
  // Market orders fill at the open, in the order they were placed (a trade they close sees only
  // its fill price, slippage included; the others see the open).
  if (rc === null) {
    const market = takeMarketOrders(b);
    if (market !== null) {
      for (const o of market) fillMarket(b, o, bar.open, bar);
      releaseOrders(market);
    }
  } else marketsAt(b, bar.open, bar, rc);
  excursion(b, bar.open);
  pruneExits(b);
  if (lower !== null && lower.to > lower.from) {
    for (let j = lower.from; j < lower.to; j++) {
      const o = j === lower.from ? bar.open : (lower.open[j] as number);
      walkBar(b, o, lower.high[j] as number, lower.low[j] as number, lower.close[j] as number, bar, rc);
      // Between two lower bars the price jumps (a gap): orders fill at the next one's open.
      if (j + 1 < lower.to) atPoint(b, lower.open[j + 1] as number, bar, rc);
    }
  } else walkBar(b, bar.open, bar.high, bar.low, bar.close, bar, rc);
  pruneExits(b);
  marginCall(b, bar);
}

/** A realtime tick of the open bar (the broker is not rolled back between ticks: fills on ticks
 * stand, as in TradingView's realtime). The first tick of a bar starts it like `processBar` (market
 * orders at the open); each tick then walks from the last tick's price through the new extremes (the
 * nearer first) to its price, and the market orders placed on earlier ticks fill at its price.
 * `last` is the bar's confirmation (the margin call is checked then). */
export function processTick(b: Broker, bar: BarView, last: boolean, hook: FillHook | null = null): void {
  const rc: Recalc | null = hook === null ? null : { hook, gate: b.seq, hi: bar.open, lo: bar.open };
  if (b.tickBar !== bar.bar) {
    b.bar = bar.bar;
    b.tickBar = bar.bar;
    b.tickPrice = bar.open;
    b.tickHigh = bar.open;
    b.tickLow = bar.open;
    if (b.firstPrice !== b.firstPrice) b.firstPrice = bar.open;
    if (rc === null) {
      const market = takeMarketOrders(b);
      if (market !== null) for (const o of market) fillMarket(b, o, bar.open, bar);
    } else marketsAt(b, bar.open, bar, rc);
    pruneExits(b);
  } else if (rc !== null) {
    rc.hi = b.tickHigh;
    rc.lo = b.tickLow;
  }
  const gate = b.seq;
  let cur = b.tickPrice;
  const up = bar.high > b.tickHigh;
  const down = bar.low < b.tickLow;
  const stops = up && down ? (bar.high - cur < cur - bar.low ? [bar.high, bar.low] : [bar.low, bar.high]) : up ? [bar.high] : down ? [bar.low] : [];
  for (const p of stops) {
    walk(b, cur, p, bar, rc);
    atPoint(b, p, bar, rc);
    cur = p;
  }
  walk(b, cur, bar.close, bar, rc);
  b.tickPrice = bar.close;
  if (bar.high > b.tickHigh) b.tickHigh = bar.high;
  if (bar.low < b.tickLow) b.tickLow = bar.low;
  // Market orders placed on the earlier ticks fill at this tick's price.
  for (;;) {
    const k = b.orders.findIndex((o) => !isPriceOrder(o) && o.seq <= gate);
    const o = b.orders[k];
    if (o === undefined) break;
    b.orders.splice(k, 1);
    fillMarket(b, o, bar.close, bar);
    pruneExits(b);
    if (rc !== null) rc.hook(bar.close, b.tickHigh, b.tickLow);
  }
  pruneExits(b);
  if (last) marginCall(b, bar);
}



/** A margin call (margin.ts marginCallQty): the contracts it sells, at the bar's adverse extreme. */
function marginCall(b: Broker, bar: BarView): void {
  const qty = marginCallQty(b, bar);
  if (qty === 0) return;
  b.marginCalls++;
  closeTrades(b, '', qty, positionSize(b) > 0 ? bar.low : bar.high, bar, 'Margin call', 'Margin call');
}

export type { TradeLog };
