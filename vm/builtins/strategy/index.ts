// The strategy.* namespace: order functions, strategy.* variables, closedtrades/opentrades
// functions, risk rules, and the constants (strategy.long, strategy.fixed, strategy.oca.*,
// strategy.commission.*, strategy.direction.*, currency.*). Every implementation is a one-line
// adapter from registers to broker.ts over the Broker record in the state record's
// `host.strategy`, which the broker's host step (runtime/strategy-step.ts) makes on the first bar
// and steps before and after the script body.

import { defineFn, defineVar, lookupFn, type BuiltinImpl } from '../registry.js';
import { R } from '../../core/registers.js';
import type { Runtime, SymbolInfo } from '../../core/runtime.js';
import { zoneOf, toLocal } from '../time/tz.js';
import { keepExemplar } from '../../core/shapes.js';
import {
  cancelOrders,
  defaultQty,
  equity,
  placeClose,
  placeEntry,
  placeExit,
  positionAvgPrice,
  positionSize,
  processBar,
  tradeOpenProfit,
  type BarView,
} from './broker.js';
import { K_ENTRY, K_ORDER, newBroker, OCA_CANCEL, OCA_REDUCE, type Broker } from './state.js';
import type { TradeLog } from './log.js';
import { EPS } from './position.js';


function broker(rt: Runtime): Broker {
  // The runtime is the machine, which is also the state record (core/state.ts): its host steps'
  // records are in `host`; the broker's host step makes the broker on the first bar.
  const host = (rt as unknown as { host?: Record<string, unknown> }).host;
  const b = host === undefined ? undefined : host[HOST_KEY];
  if (b === undefined || b === null || typeof b !== 'object') {
    return rt.fail('internal', 'The strategy broker is not initialised (the script is not a strategy).');
  }
  return b as Broker;
}

/** The bar being run, in a scratch record refilled at every call (no state: the broker copies
 * the numbers it keeps), so the per-bar steps allocate nothing. */
/** The close register as a module constant (the per-bar getters read no `R`). */
const CLOSE = R.close;

const VIEW: BarView = { bar: 0, time: 0, open: 0, high: 0, low: 0, close: 0 };

function barOf(rt: Runtime): BarView {
  const f = rt.f;
  VIEW.bar = rt.bar;
  VIEW.time = f[R.time] as number;
  VIEW.open = f[R.open] as number;
  VIEW.high = f[R.high] as number;
  VIEW.low = f[R.low] as number;
  VIEW.close = f[R.close] as number;
  return VIEW;
}

const str = (rt: Runtime, i: number): string => {
  const v = rt.o[i];
  return typeof v === 'string' ? v : '';
};

// ---------------------------------------------------------------------------------------------
// The broker's record: `state.host.strategy`, made on the first bar from strategy()'s arguments
// (program.meta.options, as withStrategyProperties may have changed them) and the symbol. The host
// step (runtime/strategy-step.ts) runs its steps around the body; the builtins below read it.

export const HOST_KEY = 'strategy';

type Options = Record<string, string | number | boolean | null>;

/** The default margin_long/margin_short of a Pine version: 100 in v6, 0 (funds not checked) in v5
 * (TradingView's v6 migration guide, "Default margin percentage"). */
export function defaultMargin(version: number): number {
  return version >= 6 ? 100 : 0;
}

export function brokerFor(host: Record<string, unknown>, o: Options, sym: SymbolInfo, version = 6): Broker {
  keepBrokerShapes();
  const have = host[HOST_KEY];
  if (have !== undefined && have !== null && typeof have === 'object' && 'orders' in have) return have as Broker;
  const n = (k: string, d: number): number => (typeof o[k] === 'number' ? (o[k] as number) : d);
  const t = (k: string, d: string): string => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : d);
  const b = newBroker({
    maxEntries: Math.max(1, n('pyramiding', 0)),
    qtyType: t('default_qty_type', 'fixed'),
    qtyValue: n('default_qty_value', 1),
    capital: n('initial_capital', 1000000),
    commType: t('commission_type', 'percent'),
    commValue: n('commission_value', 0),
    slippage: n('slippage', 0),
    onClose: o.process_orders_on_close === true,
    marginLong: n('margin_long', defaultMargin(version)),
    marginShort: n('margin_short', defaultMargin(version)),
    closeRule: t('close_entries_rule', 'FIFO'),
    fillLimitTicks: n('backtest_fill_limits_assumption', 0),
    riskFreeRate: n('risk_free_rate', 2),
    currency: t('currency', 'NONE'),
    mintick: sym.mintick,
    pointvalue: sym.pointvalue,
    lot: sym.mincontract ?? 0,
  });
  host[HOST_KEY] = b;
  return b;
}

/** The trading day and month keys of a bar (written by `dayAndMonth`: no object per bar). */
export const DAY_MONTH = { day: 0, month: 0 };

/** The UTC span of the last local day seen (localDay: the whole day, or its first 23 hours on a day
 * DST changes), with its zone and day key: bars inside it skip the zone lookup. */
let spanZone = '';
let spanFrom = NaN;
let spanTo = NaN;
let spanDay = NaN;

/** The trading day and month keys of a bar time in the symbol's zone, into DAY_MONTH (a Date per
 * new day only): bars inside the day's span compare two numbers. */
export function dayAndMonth(b: Broker, t: number, timezone: string): typeof DAY_MONTH {
  const day = t >= spanFrom && t < spanTo && timezone === spanZone ? spanDay : dayOf(t, timezone);
  DAY_MONTH.day = day;
  DAY_MONTH.month = day === b.day ? b.month : monthOf(b, day);
  return DAY_MONTH;
}

/** The local day of `t` (a new span). */
function dayOf(t: number, timezone: string): number {
  const day = localDay(t, timezone, SPAN);
  spanZone = timezone;
  spanFrom = SPAN.from;
  spanTo = SPAN.to;
  spanDay = day;
  return day;
}
const SPAN = { from: 0, to: 0 };

/** The local day (days since 1970-01-01 in `timezone`) of the UTC time `t`, and into `span` the UTC
 * span from that day's start on in which the times have the same day: up to the next day's start
 * when the zone's offset there is the one at `t`, otherwise (a day that DST makes shorter or longer)
 * its first 23 hours, so that a shorter day is never overrun. */
export function localDay(t: number, timezone: string, span: { from: number; to: number }): number {
  const zone = zoneOf(timezone);
  const local = toLocal(zone, t);
  const day = Math.floor(local / 86_400_000);
  span.from = t - (local - day * 86_400_000);
  const end = span.from + 86_400_000;
  span.to = toLocal(zone, end) - end === local - t ? end : span.from + 23 * 3_600_000;
  return day;
}

/** The month key of a day the broker has not seen (kept as the broker's month). */
function monthOf(b: Broker, day: number): number {
  const d = new Date(day * 86_400_000);
  const month = d.getUTCFullYear() * 12 + d.getUTCMonth();
  b.month = month;
  return month;
}

// ---------------------------------------------------------------------------------------------
// Orders

const DIR_ERR = "expected strategy.long or strategy.short";

function dirOf(rt: Runtime, i: number, fn: string): number {
  const d = str(rt, i);
  if (d === 'long') return 1;
  if (d === 'short') return -1;
  return rt.fail('strategy', `${fn}: the direction is ${JSON.stringify(rt.o[i])}, ${DIR_ERR}.`);
}

function ocaOf(rt: Runtime, i: number): number {
  const t = str(rt, i);
  return t === 'cancel' ? OCA_CANCEL : t === 'reduce' ? OCA_REDUCE : 0;
}

/** A negative quantity stops the script (TradingView's documented runtime error "Cannot create an
 * order with negative quantity"); a quantity of 0 places no order (true: skip the call), so that a
 * `qty = strategy.position_size * 0.5` evaluated while flat does not stop a published script. */
function zeroQty(rt: Runtime, q: number, fn: string): boolean {
  if (q < 0) rt.fail('strategy', `${fn}: cannot create an order with a negative quantity (qty = ${q}).`);
  return q === 0;
}

const entryImpl = (kind: number, fn: string): BuiltinImpl => (rt, a) => {
  const id = str(rt, a);
  const qty = rt.f[a + 2] as number;
  if (zeroQty(rt, qty, fn)) return;
  placeEntry(
    broker(rt),
    kind,
    { id, dir: dirOf(rt, a + 1, fn), qty, limit: rt.f[a + 3] as number, stop: rt.f[a + 4] as number, oca: str(rt, a + 5), ocaType: ocaOf(rt, a + 6), comment: str(rt, a + 7) },
    barOf(rt),
  );
};

defineFn(
  'strategy.entry(id: series string, direction: series string, qty: series float = na, limit: series float = na, stop: series float = na, oca_name: series string = na, oca_type: input string = na, comment: series string = na, alert_message: series string = na, disable_alert: series bool = false): void',
  entryImpl(K_ENTRY, 'strategy.entry'),
);
defineFn(
  'strategy.order(id: series string, direction: series string, qty: series float = na, limit: series float = na, stop: series float = na, oca_name: series string = na, oca_type: input string = na, comment: series string = na, alert_message: series string = na, disable_alert: series bool = false): void',
  entryImpl(K_ORDER, 'strategy.order'),
);
defineFn(
  'strategy.exit(id: series string, from_entry: series string = "", qty: series float = na, qty_percent: series float = na, profit: series float = na, limit: series float = na, loss: series float = na, stop: series float = na, trail_price: series float = na, trail_points: series float = na, trail_offset: series float = na, oca_name: series string = na, comment: series string = na, comment_profit: series string = na, comment_loss: series string = na, comment_trailing: series string = na, alert_message: series string = na, alert_profit: series string = na, alert_loss: series string = na, alert_trailing: series string = na, disable_alert: series bool = false): void',
  (rt, a) => {
    const f = rt.f;
    if (zeroQty(rt, f[a + 2] as number, 'strategy.exit')) return;
    placeExit(
      broker(rt),
      {
        id: str(rt, a),
        fromEntry: str(rt, a + 1),
        qty: f[a + 2] as number,
        qtyPct: f[a + 3] as number,
        profit: f[a + 4] as number,
        limit: f[a + 5] as number,
        loss: f[a + 6] as number,
        stop: f[a + 7] as number,
        trailPrice: f[a + 8] as number,
        trailPoints: f[a + 9] as number,
        trailOffset: f[a + 10] as number,
        oca: str(rt, a + 11),
        comment: str(rt, a + 12),
        commentProfit: str(rt, a + 13),
        commentLoss: str(rt, a + 14),
        commentTrailing: str(rt, a + 15),
      },
      barOf(rt),
    );
  },
);
defineFn(
  'strategy.close(id: series string, comment: series string = na, qty: series float = na, qty_percent: series float = na, alert_message: series string = na, immediately: series bool = false, disable_alert: series bool = false): void',
  (rt, a) => {
    if (zeroQty(rt, rt.f[a + 2] as number, 'strategy.close')) return;
    placeClose(broker(rt), false, str(rt, a), str(rt, a + 1), rt.f[a + 2] as number, rt.f[a + 3] as number, rt.f[a + 5] === 1, barOf(rt));
  },
);
defineFn(
  'strategy.close_all(comment: series string = na, alert_message: series string = na, immediately: series bool = false, disable_alert: series bool = false): void',
  (rt, a) => placeClose(broker(rt), true, '', str(rt, a), NaN, NaN, rt.f[a + 2] === 1, barOf(rt)),
);
defineFn('strategy.cancel(id: series string): void', (rt, a) => cancelOrders(broker(rt), str(rt, a)));
defineFn('strategy.cancel_all(): void', (rt) => cancelOrders(broker(rt), null));

// ---------------------------------------------------------------------------------------------
// Pine v5's `when` argument (removed in v6): each order function has a second form with `when`
// last; a false `when` skips the call. In v6 that form is a compile error saying what to do.

const WHEN_V6 = "Pine v6 removed the 'when' argument: call the function inside `if condition` instead.";
for (const spec of [...(lookupFn('strategy.entry') ?? []), ...(lookupFn('strategy.order') ?? []), ...(lookupFn('strategy.exit') ?? []), ...(lookupFn('strategy.close') ?? []), ...(lookupFn('strategy.close_all') ?? []), ...(lookupFn('strategy.cancel') ?? []), ...(lookupFn('strategy.cancel_all') ?? [])]) {
  const sig = spec.signature;
  const close = sig.lastIndexOf('): void');
  const params = sig.slice(sig.indexOf('(') + 1, close).trim();
  const whenAt = params === '' ? 0 : params.split(/,(?![^(]*\))/).length;
  const impl = spec.impl;
  defineFn(`${sig.slice(0, close)}${params === '' ? '' : ', '}when: series bool = true): void`, (rt, a, d, s) => {
    if (rt.f[a + whenAt] !== 0) impl(rt, a, d, s);
  }, { untilVersion: 5, rejectNote: WHEN_V6 });
}

// ---------------------------------------------------------------------------------------------
// Risk rules

defineFn('strategy.risk.allow_entry_in(value: simple string): void', (rt, a) => {
  const v = str(rt, a);
  broker(rt).allow = v === 'long' ? 1 : v === 'short' ? -1 : 0;
});
defineFn('strategy.risk.max_position_size(contracts: simple float): void', (rt, a) => {
  broker(rt).maxPosition = rt.f[a] as number;
});
defineFn('strategy.risk.max_intraday_loss(value: simple float, type: simple string, alert_message: simple string = na): void', (rt, a) => {
  const b = broker(rt);
  b.maxIntradayLoss = rt.f[a] as number;
  b.maxIntradayLossPct = str(rt, a + 1) === 'percent_of_equity' ? 1 : 0;
});
defineFn('strategy.risk.max_drawdown(value: simple float, type: simple string, alert_message: simple string = na): void', (rt, a) => {
  const b = broker(rt);
  b.maxDrawdownRule = rt.f[a] as number;
  b.maxDrawdownRulePct = str(rt, a + 1) === 'percent_of_equity' ? 1 : 0;
});
defineFn('strategy.risk.max_intraday_filled_orders(count: simple int, alert_message: simple string = na): void', (rt, a) => {
  broker(rt).maxIntradayOrders = rt.f[a] as number;
});
defineFn('strategy.risk.max_cons_loss_days(count: simple int, alert_message: simple string = na): void', (rt, a) => {
  broker(rt).maxConsLossDays = rt.f[a] as number;
});

// ---------------------------------------------------------------------------------------------
// strategy.* variables

// Each variable is its own function (one shared adapter calling a getter per variable would be a
// call site with forty targets in the hot loop): computed when the script reads it, only then.
const close = (rt: Runtime): number => rt.f[R.close] as number;

// The position's values read on every bar (strategy.equity, openprofit, openprofit_percent,
// position_size, position_avg_price): one function, `positionInto`, its loops written out (the same
// operations in the same order as position.ts's equity(), openProfit(), positionSize(),
// positionAvgPrice()), so that no fraction is passed to or returned from a call (one V8 does not
// inline makes a heap number of each). It is deliberately above V8's size for inlining (460 bytes of
// bytecode; 'node --print-bytecode --print-bytecode-filter=positionInto'): inlined into a script's
// compiled body, `plot(strategy.equity)` took ~250 bytes of the body's inlining budget (920), so that
// the script's own builtins (ta.change's chain) were called out of line on some runs, allocating a
// heap number per argument and result — ~48 bytes of garbage per bar, and the GC time with it (the
// strategy benchmark's overhead over its indicator version went from ~1.9x to over 2x on such runs).
// A call with integer arguments returning nothing allocates nothing.
const EQUITY = 0;
const OPEN_PROFIT = 1;
const OPEN_PROFIT_PERCENT = 2;
const POSITION_SIZE = 3;
const POSITION_AVG_PRICE = 4;

function positionInto(rt: Runtime, d: number, what: number): void {
  const b = broker(rt);
  const f = rt.f;
  const t = b.open;
  const n = t.n;
  switch (what) {
    case POSITION_SIZE: {
      // positionSize()
      let s = 0;
      for (let i = 0; i < n; i++) s += (t.dir[i] as number) * (t.qty[i] as number);
      f[d] = Math.abs(s) < EPS ? 0 : s;
      return;
    }
    case POSITION_AVG_PRICE: {
      // positionAvgPrice()
      let q = 0;
      let v = 0;
      for (let i = 0; i < n; i++) {
        q += t.qty[i] as number;
        v += (t.qty[i] as number) * (t.entryPrice[i] as number);
      }
      f[d] = q > 0 ? v / q : NaN;
      return;
    }
    default: {
      // openProfit() at the close
      const price = f[CLOSE] as number;
      let p = 0;
      if (n !== 0) {
        const pv = b.cfg.pointvalue;
        const { dir, qty, entryPrice, commission } = t;
        for (let i = 0; i < n; i++) p += ((price - (entryPrice[i] as number)) * (dir[i] as number) * (qty[i] as number)) * pv - (commission[i] as number);
      }
      if (what === EQUITY) f[d] = b.cfg.capital + b.netprofit + p;
      else if (what === OPEN_PROFIT) f[d] = p;
      else if (what === OPEN_PROFIT_PERCENT) f[d] = (p / (b.cfg.capital + b.netprofit)) * 100;
      else rt.fail('internal', `strategy: no position value ${what}.`);
    }
  }
}
const pct = (v: number, b: Broker): number => (v / b.cfg.capital) * 100;

defineVar('strategy.position_size: series float', { get: (rt, _a, d) => positionInto(rt, d, POSITION_SIZE) });
defineVar('strategy.position_avg_price: series float', { get: (rt, _a, d) => positionInto(rt, d, POSITION_AVG_PRICE) });
defineVar('strategy.equity: series float', { get: (rt, _a, d) => positionInto(rt, d, EQUITY) });
defineVar('strategy.netprofit: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.netprofit; } });
defineVar('strategy.netprofit_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = pct(b.netprofit, b); } });
defineVar('strategy.openprofit: series float', { get: (rt, _a, d) => positionInto(rt, d, OPEN_PROFIT) });
defineVar('strategy.openprofit_percent: series float', { get: (rt, _a, d) => positionInto(rt, d, OPEN_PROFIT_PERCENT) });
defineVar('strategy.grossprofit: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.grossprofit; } });
defineVar('strategy.grossprofit_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = pct(b.grossprofit, b); } });
defineVar('strategy.grossloss: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.grossloss; } });
defineVar('strategy.grossloss_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = pct(b.grossloss, b); } });
defineVar('strategy.closedtrades: series int', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.closed.n; } });
defineVar('strategy.opentrades: series int', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.open.n; } });
defineVar('strategy.wintrades: series int', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.wins; } });
defineVar('strategy.losstrades: series int', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.losses; } });
defineVar('strategy.eventrades: series int', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.evens; } });
defineVar('strategy.max_drawdown: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.maxDrawdown; } });
defineVar('strategy.max_drawdown_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.maxDrawdownFrac * 100; } });
defineVar('strategy.max_runup: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.maxRunup; } });
defineVar('strategy.max_runup_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.maxRunupFrac * 100; } });
defineVar('strategy.initial_capital: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.cfg.capital; } });
defineVar('strategy.avg_trade: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = (b.closed.n > 0 ? b.netprofit / b.closed.n : NaN); } });
defineVar('strategy.avg_trade_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = avgPercent(b, 0); } });
defineVar('strategy.avg_winning_trade: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = (b.wins > 0 ? b.grossprofit / b.wins : NaN); } });
defineVar('strategy.avg_winning_trade_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = avgPercent(b, 1); } });
defineVar('strategy.avg_losing_trade: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = (b.losses > 0 ? b.grossloss / b.losses : NaN); } });
defineVar('strategy.avg_losing_trade_percent: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = avgPercent(b, -1); } });
defineVar('strategy.max_contracts_held_all: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.maxHeldAll; } });
defineVar('strategy.max_contracts_held_long: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.maxHeldLong; } });
defineVar('strategy.max_contracts_held_short: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = b.maxHeldShort; } });
defineVar('strategy.margin_liquidation_price: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = liquidationPrice(b); } });
defineVar('strategy.opentrades.capital_held: series float', { get: (rt, _a, d) => { const b = broker(rt); rt.f[d] = capitalHeld(b); } });
defineVar('strategy.closedtrades.first_index: series int', { value: 0 });
defineVar('strategy.position_entry_name: series string', {
  get: (rt, _a, d) => {
    const b = broker(rt);
    rt.o[d] = b.open.n > 0 ? (b.open.entryId[0] ?? null) : null;
  },
});
defineVar('strategy.account_currency: series string', {
  get: (rt, _a, d) => {
    const b = broker(rt);
    rt.o[d] = b.cfg.currency === 'NONE' ? rt.syminfo.currency : b.cfg.currency;
  },
});

/** Average profit percent of closed trades: all (0), winners (1) or losers (-1). */
function avgPercent(b: Broker, which: number): number {
  const t = b.closed;
  let s = 0;
  let n = 0;
  for (let i = 0; i < t.n; i++) {
    const p = t.profit[i] as number;
    if ((which > 0 && !(p > 0)) || (which < 0 && !(p < 0))) continue;
    s += tradePercent(b, t, i);
    n++;
  }
  return n > 0 ? s / n : NaN;
}

function tradePercent(b: Broker, t: TradeLog, i: number): number {
  return ((t.profit[i] as number) / ((t.entryPrice[i] as number) * (t.qty[i] as number) * b.cfg.pointvalue)) * 100;
}

/** na when the strategy does not fund trades with margin (margin_long and margin_short both 0). */
function capitalHeld(b: Broker): number {
  if (!(b.cfg.marginLong > 0) && !(b.cfg.marginShort > 0)) return NaN;
  const t = b.open;
  let held = 0;
  for (let i = 0; i < t.n; i++) {
    const m = (t.dir[i] as number) > 0 ? b.cfg.marginLong : b.cfg.marginShort;
    held += ((t.entryPrice[i] as number) * (t.qty[i] as number) * b.cfg.pointvalue * m) / 100;
  }
  return held;
}

/** The price at which the open position's loss would use up the equity not held as margin. */
function liquidationPrice(b: Broker): number {
  const size = positionSize(b);
  if (size === 0) return NaN;
  const m = (size > 0 ? b.cfg.marginLong : b.cfg.marginShort) / 100;
  const avg = positionAvgPrice(b);
  const free = b.cfg.capital + b.netprofit;
  const pv = b.cfg.pointvalue;
  const s = Math.abs(size);
  // equity(p) = free + (p - avg)·size·pv must stay ≥ m·|size|·p·pv.
  if (size > 0) return m >= 1 ? NaN : (avg * s * pv - free) / (s * pv * (1 - m));
  return (free + avg * s * pv) / (s * pv * (1 + m));
}

// ---------------------------------------------------------------------------------------------
// strategy.closedtrades.* / strategy.opentrades.*

type LogOf = (b: Broker) => TradeLog;
const closedLog: LogOf = (b) => b.closed;
const openLog: LogOf = (b) => b.open;

function row(rt: Runtime, a: number, log: LogOf): { b: Broker; t: TradeLog; i: number } | null {
  const b = broker(rt);
  const t = log(b);
  const i = rt.f[a] as number;
  if (!(i >= 0 && i < t.n) || !Number.isInteger(i)) return null;
  return { b, t, i };
}

const numFn = (ns: string, name: string, type: string, log: LogOf, g: (b: Broker, t: TradeLog, i: number, rt: Runtime) => number): void => {
  defineFn(`strategy.${ns}.${name}(trade_num: series int): series ${type}`, (rt, a, d) => {
    const r = row(rt, a, log);
    rt.f[d] = r === null ? NaN : g(r.b, r.t, r.i, rt);
  });
};
const strFn = (ns: string, name: string, log: LogOf, g: (t: TradeLog, i: number) => string): void => {
  defineFn(`strategy.${ns}.${name}(trade_num: series int): series string`, (rt, a, d) => {
    const r = row(rt, a, log);
    rt.o[d] = r === null ? null : g(r.t, r.i);
  });
};

for (const [ns, log] of [['closedtrades', closedLog], ['opentrades', openLog]] as const) {
  numFn(ns, 'entry_price', 'float', log, (_b, t, i) => t.entryPrice[i] as number);
  numFn(ns, 'entry_bar_index', 'int', log, (_b, t, i) => t.entryBar[i] as number);
  numFn(ns, 'entry_time', 'int', log, (_b, t, i) => t.entryTime[i] as number);
  strFn(ns, 'entry_id', log, (t, i) => t.entryId[i] ?? '');
  strFn(ns, 'entry_comment', log, (t, i) => t.entryComment[i] ?? '');
  numFn(ns, 'size', 'float', log, (_b, t, i) => (t.dir[i] as number) * (t.qty[i] as number));
  numFn(ns, 'commission', 'float', log, (_b, t, i) => t.commission[i] as number);
  numFn(ns, 'max_runup', 'float', log, (_b, t, i) => t.runup[i] as number);
  numFn(ns, 'max_drawdown', 'float', log, (_b, t, i) => -(t.drawdown[i] as number));
  numFn(ns, 'max_runup_percent', 'float', log, (b, t, i) => ((t.runup[i] as number) / ((t.entryPrice[i] as number) * (t.qty[i] as number) * b.cfg.pointvalue)) * 100);
  numFn(ns, 'max_drawdown_percent', 'float', log, (b, t, i) => (-(t.drawdown[i] as number) / ((t.entryPrice[i] as number) * (t.qty[i] as number) * b.cfg.pointvalue)) * 100);
}
numFn('closedtrades', 'profit', 'float', closedLog, (_b, t, i) => t.profit[i] as number);
numFn('closedtrades', 'profit_percent', 'float', closedLog, (b, t, i) => tradePercent(b, t, i));
numFn('closedtrades', 'exit_price', 'float', closedLog, (_b, t, i) => t.exitPrice[i] as number);
numFn('closedtrades', 'exit_bar_index', 'int', closedLog, (_b, t, i) => t.exitBar[i] as number);
numFn('closedtrades', 'exit_time', 'int', closedLog, (_b, t, i) => t.exitTime[i] as number);
strFn('closedtrades', 'exit_id', closedLog, (t, i) => t.exitId[i] ?? '');
strFn('closedtrades', 'exit_comment', closedLog, (t, i) => t.exitComment[i] ?? '');
// An open trade's profit is unrealised, at the current close, commission of its entry deducted.
numFn('opentrades', 'profit', 'float', openLog, (b, t, i, rt) => tradeOpenProfit(b, i, close(rt)) - (t.commission[i] as number));
numFn('opentrades', 'profit_percent', 'float', openLog, (b, t, i, rt) => ((tradeOpenProfit(b, i, close(rt)) - (t.commission[i] as number)) / ((t.entryPrice[i] as number) * (t.qty[i] as number) * b.cfg.pointvalue)) * 100);

defineFn('strategy.convert_to_account(value: series float): series float', (rt, a, d) => void (rt.f[d] = rt.f[a] as number));
defineFn('strategy.convert_to_symbol(value: series float): series float', (rt, a, d) => void (rt.f[d] = rt.f[a] as number));
defineFn('strategy.default_entry_qty(fill_price: series float): series float', (rt, a, d) => {
  const b = broker(rt);
  rt.f[d] = defaultQty(b, rt.f[a] as number, equity(b, close(rt)));
});

// ---------------------------------------------------------------------------------------------
// Shapes: one broker with an order, an open and a closed trade stays alive, so that the hidden
// classes of the broker's nested records outlive every instance (see runtime/shapes.ts): without
// it each new backtest after a GC runs deoptimized code for a while. Made by the first brokerFor
// (before the first real broker, whose records then take the same maps), not at import: a process
// or worker that runs no strategy does not pay for running the broker's code once (~3-5 ms cold).

let brokerShapesKept = false;

function keepBrokerShapes(): void {
  if (brokerShapesKept) return;
  brokerShapesKept = true;
  const ex = newBroker({
    maxEntries: 1, qtyType: 'fixed', qtyValue: 1, capital: 1, commType: 'percent', commValue: 0, slippage: 0, onClose: false,
    marginLong: 100, marginShort: 100, closeRule: 'FIFO', fillLimitTicks: 0, riskFreeRate: 2, currency: 'NONE', mintick: 0.01, pointvalue: 1, lot: 0,
  });
  const bar = { bar: 0, time: 0, open: 1, high: 1, low: 1, close: 1 };
  placeEntry(ex, K_ENTRY, { id: 'x', dir: 1, qty: 1, limit: NaN, stop: NaN, oca: '', ocaType: 0, comment: '' }, bar);
  processBar(ex, { ...bar, bar: 1 });
  placeClose(ex, false, 'x', '', NaN, NaN, true, { ...bar, bar: 1 });
  placeEntry(ex, K_ENTRY, { id: 'x', dir: 1, qty: 1, limit: NaN, stop: 0.5, oca: '', ocaType: 0, comment: '' }, { ...bar, bar: 1 });
  // Number fields as a real backtest leaves them (fractional: a field that held only small integers
  // so far changes its representation, and so the record's map, at its first fraction).
  for (const rec of [ex, ex.cfg, ...ex.orders] as unknown as Record<string, unknown>[]) {
    for (const k of Object.keys(rec)) if (typeof rec[k] === 'number') rec[k] = 0.5;
  }
  keepExemplar('strategy.broker', ex);
  // The state record's host entries as a machine holds them (`host = {}`, then the broker added):
  // without it the map of a host record with a broker dies with the last backtest, and the host
  // steps' optimised code with it.
  const host: Record<string, unknown> = {};
  host[HOST_KEY] = ex;
  keepExemplar('strategy.host', host);
}

// ---------------------------------------------------------------------------------------------
// Constants

const constStr = (name: string, value: string): void => void defineVar(`${name}: const string`, { value });
constStr('strategy.long', 'long');
constStr('strategy.short', 'short');
constStr('strategy.fixed', 'fixed');
constStr('strategy.cash', 'cash');
constStr('strategy.percent_of_equity', 'percent_of_equity');
constStr('strategy.commission.percent', 'percent');
constStr('strategy.commission.cash_per_contract', 'cash_per_contract');
constStr('strategy.commission.cash_per_order', 'cash_per_order');
constStr('strategy.oca.none', 'none');
constStr('strategy.oca.cancel', 'cancel');
constStr('strategy.oca.reduce', 'reduce');
constStr('strategy.direction.all', 'all');
constStr('strategy.direction.long', 'long');
constStr('strategy.direction.short', 'short');

const CURRENCIES =
  'AED ARS AUD BDT BHD BRL BTC CAD CHF CLP CNY COP CZK DKK EGP ETH EUR GBP HKD HUF IDR ILS INR ISK JPY KES KRW KWD LKR MAD MXN MYR NGN NOK NZD PEN PHP PKR PLN QAR RON RSD RUB SAR SEK SGD THB TND TRY TWD USD USDT VES VND ZAR NONE';
for (const c of CURRENCIES.split(' ')) constStr(`currency.${c}`, c);
