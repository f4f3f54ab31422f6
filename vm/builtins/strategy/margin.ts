// Margin, as TradingView's broker emulator applies it: whether the free funds cover a new entry's
// margin (checked when the order is placed), the open position's margin-call prices (cached while
// the position does not change, so a bar whose range stays inside them keeps the quiet path of the
// strategy's host step) and the margin call itself (how many contracts a call sells). Pure functions
// over the broker's record (state.ts); broker.ts closes what a call sells.

import { equity, positionSize } from './position.js';
import type { BarView, Broker } from './state.js';

/** Whether the free funds cover the margin of an order opening `open` contracts in direction
 * `dir` (TradingView, v6 migration guide: with a margin above 0 the strategy "does not open entries
 * that require more money than is available"; checked when the order is placed, at the bar's
 * close): the order's value times margin_long/short against the equity less the margin of the
 * position it adds to (an order against the position frees that position's margin first). */
export function fundsCover(b: Broker, dir: number, open: number, pos: number, price: number): boolean {
  const m = (dir > 0 ? b.cfg.marginLong : b.cfg.marginShort) / 100;
  if (!(m > 0) || !(open > 0)) return true;
  const pv = b.cfg.pointvalue;
  const held = pos * dir > 0 ? Math.abs(pos) * price * pv * m : 0;
  const free = equity(b, price) - held;
  return open * price * pv * m <= free * (1 + 1e-9) + 1e-9;
}

/** Whether a margin call can happen for the open position: a long one with margin_long above 0
 * and under 100 (at 100 a long position's free funds do not change with the price), a short one
 * with margin_short above 0 and up to 100 (TradingView's v6 default, 100, margin-calls a short that
 * lost too much; 0, v5's default, checks nothing). */
export function marginChecked(b: Broker): boolean {
  const c = b.cfg;
  if (b.open.n !== 0 && (b.open.dir[0] as number) < 0) return c.marginShort > 0 && c.marginShort <= 100;
  return c.marginLong > 0 && c.marginLong < 100;
}

/** Whether no margin call can happen on a bar with this high and low: the prices at which the open
 * position's free funds would turn negative, kept while the position does not change (the equity is
 * linear in the price), compared with the bar's adverse extreme. Near the limit (1e-9 relative) the
 * exact check (marginCall) decides. */
export function marginQuiet(b: Broker, high: number, low: number): boolean {
  if (b.mTrade !== b.tradeNum || b.mClosed !== b.closed.n) marginLimits(b);
  return high < b.callAbove && low > b.callBelow;
}

/** The open position's margin-call prices: free funds A + S·pv·p − |S|·pv·m·p, with S the signed
 * size and A the equity at price 0, are negative above A / (|S|·pv·(1 + m)) for a short position and
 * below −A / (S·pv·(1 − m)) for a long one (m < 1). */
function marginLimits(b: Broker): void {
  const t = b.open;
  const pv = b.cfg.pointvalue;
  let s = 0;
  let a = b.cfg.capital + b.netprofit;
  for (let i = 0; i < t.n; i++) {
    const q = (t.dir[i] as number) * (t.qty[i] as number);
    s += q;
    a -= (t.entryPrice[i] as number) * q * pv + (t.commission[i] as number);
  }
  b.mTrade = b.tradeNum;
  b.mClosed = b.closed.n;
  b.callAbove = Infinity;
  b.callBelow = -Infinity;
  // No position, or one that cannot be margin-called: no limits.
  if (t.n === 0 || !marginChecked(b)) return;
  if (s < 0) {
    const m = b.cfg.marginShort / 100;
    b.callAbove = a <= 0 ? -Infinity : (a / (-s * pv * (1 + m))) * (1 - 1e-9);
  } else if (s > 0) {
    const m = b.cfg.marginLong / 100;
    if (m < 1) b.callBelow = a >= 0 ? -Infinity : (-a / (s * pv * (1 - m))) * (1 + 1e-9);
  }
}

/** A margin call, as TradingView's user manual describes it: at the bar's adverse extreme, when
 * the equity no longer covers the margin the position needs (its value × margin_long/short %),
 * the loss over the margin divided by the margin ratio and the price gives the contracts to cover
 * (truncated), and four times that many (at most the whole position) are sold at that price: the
 * quantity to sell (0: no call), at the adverse extreme (the low for a long position, the high for a
 * short one; broker.ts closes it). */
export function marginCallQty(b: Broker, bar: BarView): number {
  if (!marginChecked(b)) return 0;
  const size = positionSize(b);
  if (size === 0) return 0;
  const ratio = (size > 0 ? b.cfg.marginLong : b.cfg.marginShort) / 100;
  const price = size > 0 ? bar.low : bar.high;
  const pv = b.cfg.pointvalue;
  const eq = equity(b, price);
  const margin = Math.abs(size) * price * pv * ratio;
  const available = eq - margin;
  if (available >= 0) return 0;
  const lot = b.cfg.lot > 0 ? b.cfg.lot : 1;
  // Cover amount = trunc(loss / margin ratio / price), at least one lot.
  const cover = Math.max(1, Math.trunc(-available / ratio / (price * pv) / lot)) * lot;
  return Math.min(Math.abs(size), cover * 4);
}
