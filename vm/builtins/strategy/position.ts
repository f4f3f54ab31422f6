// The open position's facts over the broker's record (state.ts): its size and average price, the
// open trades' unrealised profit and the equity at a price, commission of a fill, and order
// quantities (lot rounding, the default quantity of strategy()'s default_qty_type/value). Pure
// functions read by the broker (broker.ts), the margin rules (margin.ts), the strategy.* variables
// (index.ts) and the report (report.ts).

import type { Broker } from './state.js';

/** Quantities below this are zero (a position closed by parts). */
export const EPS = 1e-10;

export function positionSize(b: Broker): number {
  const t = b.open;
  let s = 0;
  for (let i = 0; i < t.n; i++) s += (t.dir[i] as number) * (t.qty[i] as number);
  return Math.abs(s) < EPS ? 0 : s;
}

export function positionAvgPrice(b: Broker): number {
  const t = b.open;
  let q = 0;
  let v = 0;
  for (let i = 0; i < t.n; i++) {
    q += t.qty[i] as number;
    v += (t.qty[i] as number) * (t.entryPrice[i] as number);
  }
  return q > 0 ? v / q : NaN;
}

/** Unrealised profit of open trade `i` at `price` (no exit commission). */
export function tradeOpenProfit(b: Broker, i: number, price: number): number {
  const t = b.open;
  return ((price - (t.entryPrice[i] as number)) * (t.dir[i] as number) * (t.qty[i] as number)) * b.cfg.pointvalue;
}

/** Unrealised profit of the open trades at `price`, net of the commission their entries paid
 * (equity is capital + net profit + this, so a paid commission leaves the equity at once). */
export function openProfit(b: Broker, price: number): number {
  const t = b.open;
  const n = t.n;
  if (n === 0) return 0;
  const pv = b.cfg.pointvalue;
  const { dir, qty, entryPrice, commission } = t;
  let p = 0;
  // tradeOpenProfit, written out (the same operations in the same order).
  for (let i = 0; i < n; i++) p += ((price - (entryPrice[i] as number)) * (dir[i] as number) * (qty[i] as number)) * pv - (commission[i] as number);
  return p;
}

export function equity(b: Broker, price: number): number {
  return b.cfg.capital + b.netprofit + openProfit(b, price);
}

export function commissionFor(b: Broker, qty: number, price: number): number {
  const c = b.cfg;
  switch (c.commType) {
    case 'cash_per_contract':
      return qty * c.commValue;
    case 'cash_per_order':
      return c.commValue;
    default:
      return (qty * price * c.pointvalue * c.commValue) / 100;
  }
}

/** Rounds a quantity down to the symbol's lot size. */
export function roundQty(b: Broker, q: number): number {
  const lot = b.cfg.lot;
  if (!(lot > 0)) return q;
  const k = Math.floor(q / lot + 1e-9);
  // Printed as the lot's decimals: 132522.8, not 132522.80000000002.
  const dec = Math.max(0, Math.min(12, Math.ceil(-Math.log10(lot) - 1e-9)));
  return Number((k * lot).toFixed(dec));
}

/** The default order quantity (strategy() default_qty_*) at `price` with the current equity. */
export function defaultQty(b: Broker, price: number, eq: number): number {
  const c = b.cfg;
  if (c.qtyType === 'fixed') return c.qtyValue;
  const cash = c.qtyType === 'percent_of_equity' ? (eq * c.qtyValue) / 100 : c.qtyValue;
  // The order's value and its commission together stay within the cash: 10% of 10,000 at 1.1307
  // with 0.1% commission buys 1000 / (1.1307 · 1.001) = 884.4, not 884.4 · 1.001.
  const unit = price * c.pointvalue;
  if (c.commType === 'cash_per_contract') return roundQty(b, cash / (unit + c.commValue));
  if (c.commType === 'cash_per_order') return roundQty(b, Math.max(0, cash - c.commValue) / unit);
  return roundQty(b, cash / (unit * (1 + c.commValue / 100)));
}
