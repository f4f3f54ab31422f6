// TradingView's "List of trades" CSV of a strategy report: what `evergreen run --trades` writes and
// what the app's "Export trades" downloads (the same bytes). No Node or DOM APIs.

import type { StrategyReport, TradeRow } from './report.js';
import { offsetAt, zoneOf } from '../time/tz.js';

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2022-01-03T19:00:00-0500`: the instant in `zone`, with its UTC offset. */
export function tvTime(t: number, zone: string): string {
  if (!Number.isFinite(t)) return '';
  const z = zoneOf(zone);
  const off = offsetAt(z, t);
  const d = new Date(t + off);
  const m = Math.round(Math.abs(off) / 60000);
  const sign = off < 0 ? '-' : '+';
  return (
    `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${sign}${two(Math.floor(m / 60))}${two(m % 60)}`
  );
}

/** Shortest round-trip decimal, never in exponent form (5.36e-7 is written 0.000000536). */
function num(v: number): string {
  if (!Number.isFinite(v)) return '';
  const s = String(v);
  if (!s.includes('e')) return s;
  const digits = Math.min(100, Math.max(0, -Math.floor(Math.log10(Math.abs(v))) + 17));
  return v.toFixed(digits).replace(/\.?0+$/, '');
}

function cell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The "List of trades" CSV: two rows per trade (entry, then exit; `Open` for a trade still open),
 * in trade order, CRLF line ends as TradingView's current exports. */
export function tradesCsv(report: StrategyReport, currency: string, zone: string): string {
  const ccy = currency === '' ? 'USD' : currency;
  const lines = [
    `Trade #,Type,Date/Time,Signal,Price ${ccy},Position size (qty),Position size (value),Net P&L ${ccy},Net P&L %,Run-up ${ccy},Run-up %,Drawdown ${ccy},Drawdown %,Cumulative P&L ${ccy},Cumulative P&L %`,
  ];
  const tail = (t: TradeRow): string =>
    [t.qty, t.qty * t.entryPrice, t.profit, t.profitPercent, t.runup, t.runupPercent, t.drawdown, t.drawdownPercent, t.cumProfit, t.cumProfitPercent]
      .map(num)
      .join(',');
  for (const t of report.trades) {
    const side = t.direction === 'long' ? 'long' : 'short';
    const entrySignal = t.entryComment !== '' ? t.entryComment : t.entryId;
    const exitSignal = t.open ? 'Open' : t.exitComment !== '' ? t.exitComment : t.exitId;
    lines.push(`${t.num},Entry ${side},${tvTime(t.entryTime, zone)},${cell(entrySignal)},${num(t.entryPrice)},${tail(t)}`);
    lines.push(`${t.num},Exit ${side},${tvTime(t.exitTime, zone)},${cell(exitSignal)},${num(t.exitPrice)},${tail(t)}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}
