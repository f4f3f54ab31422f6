// What a host reads from a finished (or paused) backtest: the trade list, TradingView's
// performance summary and the equity curve (one point per closed trade, as the tester draws it),
// all computed from the broker record of a strategy instance.

import type { Broker } from './state.js';
import type { TradeLog } from './log.js';
import { commissionFor, openProfit, positionSize } from './broker.js';

export interface TradeRow {
  /** TradingView's "Trade #". */
  num: number;
  direction: 'long' | 'short';
  qty: number;
  entryBar: number;
  entryTime: number;
  entryPrice: number;
  entryId: string;
  entryComment: string;
  /** For the open trade: the last bar and its close. */
  exitBar: number;
  exitTime: number;
  exitPrice: number;
  exitId: string;
  exitComment: string;
  /** Net profit (unrealised for the open trade), commission deducted. */
  profit: number;
  profitPercent: number;
  commission: number;
  runup: number;
  runupPercent: number;
  drawdown: number;
  drawdownPercent: number;
  /** Net profit of every trade up to this one. */
  cumProfit: number;
  cumProfitPercent: number;
  open: boolean;
}

export interface PerformanceSummary {
  initialCapital: number;
  netProfit: number;
  netProfitPercent: number;
  grossProfit: number;
  grossLoss: number;
  openProfit: number;
  maxDrawdown: number;
  maxDrawdownPercent: number;
  maxRunup: number;
  maxRunupPercent: number;
  buyAndHold: number;
  buyAndHoldPercent: number;
  sharpe: number | null;
  sortino: number | null;
  profitFactor: number | null;
  totalClosedTrades: number;
  openTrades: number;
  winningTrades: number;
  losingTrades: number;
  evenTrades: number;
  percentProfitable: number | null;
  avgTrade: number | null;
  avgWinningTrade: number | null;
  avgLosingTrade: number | null;
  largestWin: number | null;
  largestLoss: number | null;
  avgBarsInTrade: number | null;
  commissionPaid: number;
  marginCalls: number;
  maxContractsHeld: number;
  positionSize: number;
}

export interface StrategyReport {
  trades: TradeRow[];
  summary: PerformanceSummary;
  /** After each closed trade: equity, its drawdown from the highest equity so far (≤ 0), and what
   * the initial capital held in the symbol since the first bar's open would be worth at that
   * trade's exit price (buy & hold). */
  equity: { trade: number; time: number; equity: number; drawdown: number; buyHold: number }[];
}

/** The broker of a strategy instance (its state record's `host.strategy`), or null. */
export function brokerOf(inst: { machine: { host: Record<string, unknown> }; program: { meta: { kind: string } } }): Broker | null {
  if (inst.program.meta.kind !== 'strategy') return null;
  const b = inst.machine.host.strategy;
  return b !== null && b !== undefined && typeof b === 'object' && 'orders' in b ? (b as Broker) : null;
}

/** Row `i` of `t` as the list shows it. `num` is its place in the list: closed trades in the order
 * they closed, then the open ones (a partly closed trade is two rows, each with its own number). */
function rowOf(b: Broker, t: TradeLog, i: number, open: boolean, cum: number, num: number): TradeRow {
  const pv = b.cfg.pointvalue;
  const entryPrice = t.entryPrice[i] as number;
  const qty = t.qty[i] as number;
  const value = entryPrice * qty * pv;
  const dir = t.dir[i] as number;
  const exitPrice = open ? b.lastPrice : (t.exitPrice[i] as number);
  const commission = t.commission[i] as number;
  const profit = open ? (exitPrice - entryPrice) * dir * qty * pv - commission : (t.profit[i] as number);
  // The log keeps the excursions of the price move; TradingView's list shows them net of the entry
  // commission (a trade's Run-up is never below 0): run-up max(0, best move − entry commission),
  // drawdown worst move − entry commission (checked on the commission fixtures, tv-parity.test.ts).
  const gross = open ? profit + commission : 0;
  const entryCommission = open ? commission : commission - commissionFor(b, qty, exitPrice);
  const runup = Math.max(0, (open ? Math.max(t.runup[i] as number, gross) : (t.runup[i] as number)) - entryCommission);
  // Percentages are of what the entry cost: its value and its commission.
  const cost = value + entryCommission;
  const drawdown = Math.min(0, (open ? Math.min(t.drawdown[i] as number, gross) : (t.drawdown[i] as number)) - entryCommission);
  return {
    num,
    direction: dir > 0 ? 'long' : 'short',
    qty,
    entryBar: t.entryBar[i] as number,
    entryTime: t.entryTime[i] as number,
    entryPrice,
    entryId: t.entryId[i] ?? '',
    entryComment: t.entryComment[i] ?? '',
    exitBar: open ? b.bars - 1 : (t.exitBar[i] as number),
    exitTime: open ? b.lastTime : (t.exitTime[i] as number),
    exitPrice,
    exitId: open ? '' : (t.exitId[i] ?? ''),
    exitComment: open ? '' : (t.exitComment[i] ?? ''),
    profit,
    profitPercent: (profit / cost) * 100,
    commission,
    runup,
    runupPercent: (runup / cost) * 100,
    drawdown,
    drawdownPercent: (drawdown / cost) * 100,
    cumProfit: cum + profit,
    cumProfitPercent: ((cum + profit) / b.cfg.capital) * 100,
    open,
  };
}

/** For each closed trade (in closing order): the entry commission of the trades open when it
 * closed (entered on an earlier bar, closed later or still open). One sweep over the entries. */
function openCommissions(b: Broker): Float64Array {
  const c = b.closed;
  const o = b.open;
  const out = new Float64Array(c.n);
  if (b.commission === 0) return out;
  const n = c.n + o.n;
  const entryBar = (k: number): number => (k < c.n ? (c.entryBar[k] as number) : (o.entryBar[k - c.n] as number));
  const entryCommission = (k: number): number =>
    k < c.n ? (c.commission[k] as number) - commissionFor(b, c.qty[k] as number, c.exitPrice[k] as number) : (o.commission[k - c.n] as number);
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => entryBar(x) - entryBar(y));
  const added = new Uint8Array(n);
  let p = 0;
  let active = 0;
  for (let i = 0; i < c.n; i++) {
    const exitBar = c.exitBar[i] as number;
    while (p < n && entryBar(order[p] as number) < exitBar) {
      const k = order[p++] as number;
      if (k >= i) {
        added[k] = 1;
        active += entryCommission(k);
      }
    }
    if (added[i]) active -= entryCommission(i);
    out[i] = active;
  }
  return out;
}

export function strategyReport(b: Broker): StrategyReport {
  const trades: TradeRow[] = [];
  const equity: StrategyReport['equity'] = [];
  let cum = 0;
  let largestWin: number | null = null;
  let largestLoss: number | null = null;
  let bars = 0;
  let top = b.cfg.capital;
  const c = b.closed;
  const paid = openCommissions(b);
  for (let i = 0; i < c.n; i++) {
    const r = rowOf(b, c, i, false, cum, i + 1);
    cum = r.cumProfit;
    // TradingView's cumulative P&L at a close also counts the entry commission already paid by
    // the trades still open then (slippage_pyramiding: three entries closed together).
    const shown = cum - (paid[i] ?? 0);
    r.cumProfit = shown;
    r.cumProfitPercent = (shown / b.cfg.capital) * 100;
    trades.push(r);
    const eq = b.cfg.capital + cum;
    top = Math.max(top, eq);
    equity.push({ trade: r.num, time: r.exitTime, equity: eq, drawdown: eq - top, buyHold: (b.cfg.capital * r.exitPrice) / b.firstPrice });
    if (r.profit > 0 && (largestWin === null || r.profit > largestWin)) largestWin = r.profit;
    if (r.profit < 0 && (largestLoss === null || r.profit < largestLoss)) largestLoss = r.profit;
    bars += r.exitBar - r.entryBar;
  }
  const closedCum = cum;
  for (let i = 0; i < b.open.n; i++) trades.push(rowOf(b, b.open, i, true, closedCum, c.n + i + 1));
  const n = c.n;
  const op = b.lastPrice === b.lastPrice ? openProfit(b, b.lastPrice) : 0;
  const bh = b.firstPrice === b.firstPrice && b.lastPrice === b.lastPrice ? b.lastPrice / b.firstPrice - 1 : NaN;
  const { sharpe, sortino } = ratios(b);
  const summary: PerformanceSummary = {
    initialCapital: b.cfg.capital,
    netProfit: b.netprofit,
    netProfitPercent: (b.netprofit / b.cfg.capital) * 100,
    grossProfit: b.grossprofit,
    grossLoss: b.grossloss,
    openProfit: op,
    maxDrawdown: b.maxDrawdown,
    maxDrawdownPercent: b.maxDrawdownFrac * 100,
    maxRunup: b.maxRunup,
    maxRunupPercent: b.maxRunupFrac * 100,
    buyAndHold: bh * b.cfg.capital,
    buyAndHoldPercent: bh * 100,
    sharpe,
    sortino,
    profitFactor: b.grossloss > 0 ? b.grossprofit / b.grossloss : null,
    totalClosedTrades: n,
    openTrades: b.open.n,
    winningTrades: b.wins,
    losingTrades: b.losses,
    evenTrades: b.evens,
    percentProfitable: n > 0 ? (b.wins / n) * 100 : null,
    avgTrade: n > 0 ? b.netprofit / n : null,
    avgWinningTrade: b.wins > 0 ? b.grossprofit / b.wins : null,
    avgLosingTrade: b.losses > 0 ? -b.grossloss / b.losses : null,
    largestWin,
    largestLoss,
    avgBarsInTrade: n > 0 ? bars / n : null,
    commissionPaid: b.commission,
    marginCalls: b.marginCalls,
    maxContractsHeld: b.maxHeldAll,
    positionSize: positionSize(b),
  };
  return { trades, summary, equity };
}

/** Sharpe and Sortino ratios of monthly returns, TradingView's way: (mean return − monthly risk-free
 * rate) / standard deviation (Sortino: downside deviation). Null with fewer than two months. */
function ratios(b: Broker): { sharpe: number | null; sortino: number | null } {
  const eq = b.monthEquity;
  if (eq.length < 2) return { sharpe: null, sortino: null };
  const rets: number[] = [];
  let prev = b.cfg.capital;
  for (const e of eq) {
    rets.push(prev !== 0 ? (e - prev) / prev : 0);
    prev = e;
  }
  const rf = b.cfg.riskFreeRate / 100 / 12;
  const mean = rets.reduce((s, r) => s + r, 0) / rets.length;
  const sd = Math.sqrt(rets.reduce((s, r) => s + (r - mean) ** 2, 0) / rets.length);
  const down = Math.sqrt(rets.reduce((s, r) => s + Math.min(0, r - rf) ** 2, 0) / rets.length);
  return { sharpe: sd > 0 ? (mean - rf) / sd : null, sortino: down > 0 ? (mean - rf) / down : null };
}
