// Reads TradingView "List of trades" CSVs (ours and TradingView's) and compares them the way the
// parity acceptance says: same closed-trade count; per trade the same direction, entry and exit
// bar times, prices, quantity and Net P&L, each within the precision TradingView printed (half a
// unit of its last printed digit, or 1e-6 relative where it printed full precision); the open
// trade's entry too. Closed trades also compare their run-up and drawdown (currency and %), which
// TradingView shows net of the entry commission (the commission fixtures check that).

export interface Cell {
  value: number;
  /** The tolerance the printed text allows. */
  tol: number;
}

export interface Trade {
  num: number;
  direction: string;
  entryTime: number;
  exitTime: number;
  entrySignal: string;
  exitSignal: string;
  entryPrice: Cell;
  exitPrice: Cell;
  qty: Cell;
  profit: Cell;
  /** Run-up and drawdown, currency and percent. */
  excursions: Cell[];
  open: boolean;
}

/** Splits one CSV line (quoted cells may hold commas). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (q) {
      if (c === '"' && line.charAt(i + 1) === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A printed number and its precision: "0.01" → ±0.0055; "-50.000000000000014" → 1e-6 relative.
 * The older exports round twice for display (to one more decimal, then half up): trade 122 of
 * barupdn nets (1.14426 − 1.12913) × 88926.3 = 1345.454919 exactly and is printed 1345.46, so a
 * printed value with d decimals stands for anything within 0.55·10^-d of it. */
export function cell(text: string): Cell {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`not a number: '${text}'`);
  const dot = text.indexOf('.');
  const decimals = dot < 0 ? 0 : text.length - dot - 1;
  const digits = text.replace(/[-.]/g, '').replace(/^0+/, '').length;
  const printed = 0.55 * 10 ** -decimals;
  const tol = digits >= 15 ? Math.abs(value) * 1e-6 : printed;
  return { value, tol: tol + 1e-12 };
}

/** `2022-01-03T19:00:00-0500` → ms UTC. */
export function tvTimeMs(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-])(\d\d)(\d\d)$/.exec(text.trim());
  if (!m) throw new Error(`not a TradingView date/time: '${text}'`);
  const n = (i: number): number => Number(m[i]);
  const off = (m[7] === '-' ? -1 : 1) * (n(8) * 60 + n(9)) * 60000;
  return Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6)) - off;
}

export function readTrades(csv: string): Trade[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = cells(lines[0] ?? '');
  const col = (prefix: string): number => {
    const i = head.findIndex((h) => h.startsWith(prefix));
    if (i < 0) throw new Error(`no column '${prefix}' in ${head.join(',')}`);
    return i;
  };
  const [cNum, cType, cTime, cSignal, cPrice, cQty, cProfit] = ['Trade #', 'Type', 'Date/Time', 'Signal', 'Price', 'Position size (qty)', 'Net P&L'].map(col) as number[];
  const cExcursions = ['Run-up', 'Run-up %', 'Drawdown', 'Drawdown %'].map((h) => {
    const i = head.findIndex((x) => x.startsWith(h) && x.endsWith('%') === h.endsWith('%'));
    if (i < 0) throw new Error(`no column '${h}' in ${head.join(',')}`);
    return i;
  });
  const trades: Trade[] = [];
  for (let k = 1; k + 1 < lines.length; k += 2) {
    const e = cells(lines[k] ?? '');
    const x = cells(lines[k + 1] ?? '');
    const get = (r: string[], i: number | undefined): string => r[i ?? 0] ?? '';
    const type = get(e, cType);
    if (!/^Entry (long|short)$/.test(type) || !/^Exit (long|short)$/.test(get(x, cType))) throw new Error(`rows ${k + 1}-${k + 2}: expected an Entry row then an Exit row`);
    const exitSignal = get(x, cSignal);
    // A trade still open: "Open" (older exports) or an empty Signal (newer ones) on its last row.
    const open = k + 2 >= lines.length && (exitSignal === 'Open' || exitSignal === '');
    trades.push({
      num: Number(get(e, cNum)),
      direction: type.slice(6),
      entryTime: tvTimeMs(get(e, cTime)),
      exitTime: tvTimeMs(get(x, cTime)),
      entrySignal: get(e, cSignal),
      exitSignal,
      entryPrice: cell(get(e, cPrice)),
      exitPrice: cell(get(x, cPrice)),
      qty: cell(get(e, cQty)),
      profit: cell(get(e, cProfit)),
      excursions: cExcursions.map((i) => cell(get(e, i))),
      open,
    });
  }
  return trades;
}

function near(ours: Cell, tv: Cell): boolean {
  return Math.abs(ours.value - tv.value) <= tv.tol;
}

/** Differences between our list and TradingView's, as readable lines (empty when they agree). */
export function compareTrades(ours: Trade[], tv: Trade[], max = 5): string[] {
  const diffs: string[] = [];
  const closedTv = tv.filter((t) => !t.open);
  const closedOurs = ours.filter((t) => !t.open);
  if (closedOurs.length !== closedTv.length) diffs.push(`closed trades: ours ${closedOurs.length}, TradingView ${closedTv.length}`);
  const iso = (t: number): string => new Date(t).toISOString();
  const check = (i: number, a: Trade, b: Trade, exit: boolean): void => {
    const bad: string[] = [];
    if (a.direction !== b.direction) bad.push(`direction ${a.direction} vs ${b.direction}`);
    if (a.entryTime !== b.entryTime) bad.push(`entry time ${iso(a.entryTime)} vs ${iso(b.entryTime)}`);
    if (!near(a.entryPrice, b.entryPrice)) bad.push(`entry price ${a.entryPrice.value} vs ${b.entryPrice.value}`);
    if (!near(a.qty, b.qty)) bad.push(`qty ${a.qty.value} vs ${b.qty.value}`);
    if (exit) {
      if (a.exitTime !== b.exitTime) bad.push(`exit time ${iso(a.exitTime)} vs ${iso(b.exitTime)}`);
      if (!near(a.exitPrice, b.exitPrice)) bad.push(`exit price ${a.exitPrice.value} vs ${b.exitPrice.value}`);
      if (!near(a.profit, b.profit)) bad.push(`net P&L ${a.profit.value} vs ${b.profit.value}`);
      ['run-up', 'run-up %', 'drawdown', 'drawdown %'].forEach((name, k) => {
        const x = a.excursions[k];
        const y = b.excursions[k];
        if (x && y && !near(x, y)) bad.push(`${name} ${x.value} vs ${y.value}`);
      });
    }
    if (bad.length > 0 && diffs.length < max) diffs.push(`trade ${i + 1}${exit ? '' : ' (open)'}: ${bad.join('; ')}`);
    else if (bad.length > 0) diffs.push('');
  };
  const n = Math.min(closedOurs.length, closedTv.length);
  for (let i = 0; i < n; i++) check(i, closedOurs[i] as Trade, closedTv[i] as Trade, true);
  const openTv = tv.find((t) => t.open);
  const openOurs = ours.find((t) => t.open);
  if (openTv && !openOurs) diffs.push('TradingView has an open trade, we have none');
  if (!openTv && openOurs) diffs.push('we have an open trade, TradingView has none');
  if (openTv && openOurs) check(closedTv.length, openOurs, openTv, false);
  const shown = diffs.filter((d) => d !== '');
  const more = diffs.length - shown.length;
  return more > 0 ? [...shown, `… and ${more} more trades differ`] : shown;
}
