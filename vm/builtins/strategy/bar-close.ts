// The broker at a bar's close, after the script ran on it (the strategy's host step calls it after
// the body): fills on the close (process_orders_on_close), the open trades' excursions, the equity's
// peak, trough, largest drawdown and run-up (and their fractions), the month-end equity (Sharpe,
// Sortino) and the strategy.risk.* rules. finishSameDay is the per-bar path of most bars, written
// flat so that it allocates nothing.

import { fillMarket, newOrder, pruneExits, takeMarketOrders } from './broker.js';
import { K_CLOSE_ALL, type BarView, type Broker } from './state.js';

/** After the script ran on a bar: fills on the close (process_orders_on_close), then updates the
 * open trades' excursions, equity extremes and the risk rules. The rare parts (fills, a new month,
 * a new day, risk rules) are functions of their own, so that the per-bar part stays small. */
export function finishBar(b: Broker, bar: BarView, dayKey: number, monthKey: number): void {
  if (b.orders.length > 0 && b.cfg.onClose) fillsOnClose(b, bar);
  const eq = closeStats(b, bar);
  const months = b.months;
  const last = months.length - 1;
  if (last >= 0 && months[last] === monthKey) b.monthEquity[last] = eq;
  else newMonth(b, monthKey, eq);
  if (dayKey !== b.day || riskRules(b)) risk(b, eq, dayKey);
}

/** A bar as the bar driver describes it (runtime/bar-feed.ts BarInfo): finishSameDay reads it as it
 * is, without a copy into a BarView. */
export interface ClosedBar {
  index: number;
  time: number;
  high: number;
  low: number;
  close: number;
}

/** finishBar for a bar of the trading day the broker finished a bar of last (`b.day`; its month is
 * the last row of the month-end equity) and no fill on its close (no pending order, or not
 * process_orders_on_close): most bars, without the day's keys. Written out flat (the open trades'
 * loop of openTradesAt, the equity's figures of closeStats): a call that V8 does not inline returns
 * a fraction as a new heap number, an allocation per bar. */
export function finishSameDay(b: Broker, bar: ClosedBar): void {
  const t = b.open;
  const n = t.n;
  let open = 0;
  if (n !== 0) {
    const pv = b.cfg.pointvalue;
    const { entryBar, dir, qty, entryPrice, commission, runup, drawdown } = t;
    const { high, low, close } = bar;
    // openTradesAt, written out (the same operations in the same order).
    for (let i = 0; i < n; i++) {
      const d = dir[i] as number;
      const q = qty[i] as number;
      const e = entryPrice[i] as number;
      if ((entryBar[i] as number) < bar.index) {
        const best = (((d > 0 ? high : low) - e) * d * q) * pv;
        const worst = (((d > 0 ? low : high) - e) * d * q) * pv;
        if (best > (runup[i] as number)) runup[i] = best;
        if (worst < (drawdown[i] as number)) drawdown[i] = worst;
      }
      open += ((close - e) * d * q) * pv - (commission[i] as number);
    }
  }
  // closeStats, written out.
  const eq = b.cfg.capital + b.netprofit + open;
  equityExtremes(b, eq);
  b.lastPrice = bar.close;
  b.lastTime = bar.time;
  b.bars = bar.index + 1;
  const me = b.monthEquity;
  me[me.length - 1] = eq;
  if (riskRules(b)) risk(b, eq, b.day);
}

/** The equity at a bar's close against its peak and trough: the largest drawdown and run-up, and
 * their fractions. Returns nothing (a call V8 does not inline allocates only for a double returned),
 * so finishSameDay and closeStats share it without a cost per bar. */
function equityExtremes(b: Broker, eq: number): void {
  if (eq > b.peak) {
    b.peak = eq;
    b.ddSeen = 0;
  }
  if (eq < b.trough) {
    b.trough = eq;
    b.ruSeen = 0;
  }
  const dd = b.peak - eq;
  const ru = eq - b.trough;
  if (dd > b.maxDrawdown) b.maxDrawdown = dd;
  if (ru > b.maxRunup) b.maxRunup = ru;
  if (!(dd <= b.ddSeen) || !(ru <= b.ruSeen)) extremeFractions(b, dd, ru);
}

/** The largest drawdown and run-up as fractions of the peak (trough) they were measured from
 * (strategy.max_drawdown_percent, max_runup_percent). Called only for a drawdown (run-up) above the
 * largest one since the peak (trough) was last set, ddSeen (ruSeen): with the same peak (trough), a
 * smaller one is not a larger fraction, so the per-bar path skips two divisions on most bars. */
function extremeFractions(b: Broker, dd: number, ru: number): void {
  if (!(dd <= b.ddSeen)) b.ddSeen = dd;
  if (!(ru <= b.ruSeen)) b.ruSeen = ru;
  if (dd > 0 && dd / b.peak > b.maxDrawdownFrac) b.maxDrawdownFrac = dd / b.peak;
  if (ru > 0 && b.trough > 0 && ru / b.trough > b.maxRunupFrac) b.maxRunupFrac = ru / b.trough;
}

/** Whether a risk rule is checked at every bar's close (the others only on a new day). */
function riskRules(b: Broker): boolean {
  return b.maxIntradayLoss === b.maxIntradayLoss || b.maxDrawdownRule === b.maxDrawdownRule || b.maxIntradayOrders === b.maxIntradayOrders;
}

/** The bar's close for the open trades (excursions) and the equity (extremes, drawdown, run-up,
 * last price): the equity at the close. */
function closeStats(b: Broker, bar: BarView): number {
  const open = b.open.n === 0 ? 0 : openTradesAt(b, bar);
  const eq = b.cfg.capital + b.netprofit + open;
  equityExtremes(b, eq);
  b.lastPrice = bar.close;
  b.lastTime = bar.time;
  b.bars = bar.bar + 1;
  return eq;
}

/** process_orders_on_close: the market orders fill at the bar's close. */
function fillsOnClose(b: Broker, bar: BarView): void {
  const market = takeMarketOrders(b);
  if (market !== null) for (const o of market) fillMarket(b, o, bar.close, bar);
  pruneExits(b);
}

/** The open trades' excursions over the bar, and their profit at its close (entry commission
 * deducted). */
function openTradesAt(b: Broker, bar: BarView): number {
  const t = b.open;
  const n = t.n;
  const pv = b.cfg.pointvalue;
  const { entryBar, dir, qty, entryPrice, commission, runup, drawdown } = t;
  const { high, low, close } = bar;
  let open = 0;
  // tradeOpenProfit, written out (the same operations in the same order).
  for (let i = 0; i < n; i++) {
    const d = dir[i] as number;
    const q = qty[i] as number;
    const e = entryPrice[i] as number;
    // A trade opened on this bar saw only the path after its fill (tracked as the path went).
    if ((entryBar[i] as number) < bar.bar) {
      const best = (((d > 0 ? high : low) - e) * d * q) * pv;
      const worst = (((d > 0 ? low : high) - e) * d * q) * pv;
      if (best > (runup[i] as number)) runup[i] = best;
      if (worst < (drawdown[i] as number)) drawdown[i] = worst;
    }
    open += ((close - e) * d * q) * pv - (commission[i] as number);
  }
  return open;
}

/** A month's first bar: its row of month-end equity. */
function newMonth(b: Broker, monthKey: number, eq: number): void {
  b.months.push(monthKey);
  b.monthEquity.push(eq);
}

/** strategy.risk.* rules, checked at each bar's close. A triggered rule closes the position with
 * a market order and stops new orders (for the day, or for good). */
function risk(b: Broker, eq: number, dayKey: number): void {
  if (dayKey !== b.day) {
    if (b.day === b.day && eq < b.dayEquity) b.consLossDays++;
    else if (b.day === b.day) b.consLossDays = 0;
    b.day = dayKey;
    b.dayEquity = eq;
    b.dayFills = 0;
    if (b.halted === 1) b.halted = 0;
  }
  let stop = 0;
  if (b.maxIntradayLoss === b.maxIntradayLoss) {
    const limit = b.maxIntradayLossPct ? (b.dayEquity * b.maxIntradayLoss) / 100 : b.maxIntradayLoss;
    if (b.dayEquity - eq >= limit) stop = 1;
  }
  if (b.maxIntradayOrders === b.maxIntradayOrders && b.dayFills >= b.maxIntradayOrders) stop = 1;
  if (b.maxDrawdownRule === b.maxDrawdownRule) {
    const limit = b.maxDrawdownRulePct ? (b.peak * b.maxDrawdownRule) / 100 : b.maxDrawdownRule;
    if (b.peak - eq >= limit) stop = 2;
  }
  if (b.maxConsLossDays === b.maxConsLossDays && b.consLossDays >= b.maxConsLossDays) stop = 2;
  if (stop > b.halted) {
    b.halted = stop;
    b.orders = [];
    if (b.open.n > 0) {
      const o = newOrder(b, '', K_CLOSE_ALL, b.bar);
      o.comment = 'Risk rule';
      o.qtyPct = 100;
      b.orders.push(o);
    }
  }
}
