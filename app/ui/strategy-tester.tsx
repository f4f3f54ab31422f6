// The strategy tester, shown under the chart when the script is a strategy(): Overview (equity
// curve per closed trade, with buy & hold), Performance Summary, List of trades (click a trade:
// the chart scrolls to its entry) and Properties (the strategy() settings in effect), plus
// "Export trades" (the same CSV as `evergreen run --trades`). Properties can be overridden there:
// they are saved with the inputs and the strategy re-runs with them. It reads the engine's report again
// whenever the run advances (throttled), so trades update live during a replay.

import { memo, useEffect, useRef, useState } from 'react';
import type { AppController } from './controller.js';
import type { InputValue, ProgramInfo, StrategyReport } from '../worker/protocol.js';

type Tab = 'overview' | 'summary' | 'trades' | 'properties';

/** Rows of the trade list drawn at a time (the newest ones). */
const SHOWN = 500;
const REFRESH_MS = 250;

interface TesterProps {
  controller: AppController;
  program: ProgramInfo;
  /** The script's saved input values (strategy properties under `strategy:<name>`). */
  saved: Record<string, InputValue>;
  runId: number;
  barIndex: number;
}

function fmt(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function fmtTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').slice(0, 16) : '';
}

export const StrategyTester = memo(function StrategyTester({ controller, program, saved, runId, barIndex }: TesterProps) {
  const [tab, setTab] = useState<Tab>('overview');
  const [report, setReport] = useState<StrategyReport | null>(null);
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      if (pending.current !== null) clearTimeout(pending.current);
      pending.current = null;
    };
  }, []);
  useEffect(() => {
    // At most one read per REFRESH_MS; a change during the wait is covered by the pending read.
    if (pending.current !== null) return;
    const load = () => {
      pending.current = null;
      last.current = performance.now();
      void controller.strategyReport().then((r) => {
        if (mounted.current) setReport(r);
      });
    };
    pending.current = setTimeout(load, Math.max(0, REFRESH_MS - (performance.now() - last.current)));
  }, [controller, runId, barIndex]);
  // The trades' markers on the chart: buys below the bar, sells above, with their signal names.
  useEffect(() => {
    const marks = [];
    for (const t of report?.trades ?? []) {
      const long = t.direction === 'long';
      marks.push({ bar: t.entryBar, above: !long, text: t.entryComment || t.entryId, color: long ? '#089981' : '#f23645' });
      if (!t.open) marks.push({ bar: t.exitBar, above: long, text: t.exitComment || t.exitId, color: long ? '#f23645' : '#089981' });
    }
    controller.setTradeMarkers(marks);
  }, [controller, report]);
  useEffect(() => () => controller.setTradeMarkers([]), [controller]);
  const s = report?.summary;
  const trades = report?.trades ?? [];
  return (
    <section className="panel strategy-tester" aria-label="Strategy tester" data-testid="strategy-tester">
      <header className="panel-head">
        <h2>
          Strategy tester <span className="count">{s ? `${s.totalClosedTrades.toLocaleString('en-US')} trades` : ''}</span>
        </h2>
        <nav className="tabs" role="tablist">
          {(['overview', 'summary', 'trades', 'properties'] as const).map((t) => (
            <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)} data-testid={`strategy-tab-${t}`}>
              {t === 'overview' ? 'Overview' : t === 'summary' ? 'Performance Summary' : t === 'trades' ? 'List of trades' : 'Properties'}
            </button>
          ))}
        </nav>
        <button onClick={() => void controller.exportTradesCsv()} disabled={!report} data-testid="strategy-export">
          Export trades
        </button>
      </header>
      <div className="panel-body">
        {!report && <p className="muted empty">The strategy has not run yet.</p>}
        {report && tab === 'overview' && <Overview report={report} />}
        {report && tab === 'summary' && <Summary report={report} />}
        {report && tab === 'trades' && (
          <table className="trades" data-testid="strategy-trades">
            <thead>
              <tr>
                <th>#</th>
                <th>Type</th>
                <th>Entry</th>
                <th>Signal</th>
                <th>Price</th>
                <th>Exit</th>
                <th>Signal</th>
                <th>Price</th>
                <th>Qty</th>
                <th>Net P&amp;L</th>
                <th>Cum. P&amp;L</th>
              </tr>
            </thead>
            <tbody>
              {trades.slice(-SHOWN).map((t) => (
                <tr key={`${t.num}-${t.open ? 'o' : t.exitBar}`} data-testid="strategy-trade-row" onClick={() => controller.scrollToBar(t.entryBar)} className={t.profit >= 0 ? 'win' : 'loss'}>
                  <td>{t.num}</td>
                  <td>{t.direction === 'long' ? 'Long' : 'Short'}</td>
                  <td>{fmtTime(t.entryTime)}</td>
                  <td>{t.entryComment || t.entryId}</td>
                  <td>{fmt(t.entryPrice, 5)}</td>
                  <td>{fmtTime(t.exitTime)}</td>
                  <td>{t.open ? 'Open' : t.exitComment || t.exitId}</td>
                  <td>{fmt(t.exitPrice, 5)}</td>
                  <td>{fmt(t.qty, 4)}</td>
                  <td>{fmt(t.profit)}</td>
                  <td>{fmt(t.cumProfit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {tab === 'properties' && <Properties program={program} saved={saved} controller={controller} />}
      </div>
    </section>
  );
});

function Overview({ report }: { report: StrategyReport }) {
  const s = report.summary;
  const pts = report.equity;
  const w = 600;
  const h = 120;
  let equity = '';
  let hold = '';
  let dd = '';
  if (pts.length > 0) {
    const eq = [s.initialCapital, ...pts.map((p) => p.equity)];
    const bh = [s.initialCapital, ...pts.map((p) => p.buyHold)];
    const finite = [...eq, ...bh].filter((v) => Number.isFinite(v));
    const lo = Math.min(...finite);
    const hi = Math.max(...finite);
    const span = hi - lo || 1;
    const x = (i: number) => ((i / (eq.length - 1 || 1)) * w).toFixed(1);
    const y = (v: number) => (h - ((v - lo) / span) * h).toFixed(1);
    const line = (vals: number[]) => vals.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i)},${y(Number.isFinite(v) ? v : lo)}`).join(' ');
    equity = line(eq);
    hold = line(bh);
    // Drawdown: the area between the highest equity so far and the equity.
    const tops: number[] = [];
    let top = -Infinity;
    for (const v of eq) tops.push((top = Math.max(top, v)));
    dd = `${line(tops)} ${eq.map((v, i) => `L${x(eq.length - 1 - i)},${y(eq[eq.length - 1 - i] ?? v)}`).join(' ')} Z`;
  }
  return (
    <div className="strategy-overview" data-testid="strategy-summary">
      <dl className="kpis">
        <dt>Net profit</dt>
        <dd data-testid="strategy-net-profit">{fmt(s.netProfit)} ({fmt(s.netProfitPercent)}%)</dd>
        <dt>Total closed trades</dt>
        <dd>{s.totalClosedTrades}</dd>
        <dt>Percent profitable</dt>
        <dd>{fmt(s.percentProfitable)}%</dd>
        <dt>Profit factor</dt>
        <dd>{fmt(s.profitFactor, 3)}</dd>
        <dt>Max drawdown</dt>
        <dd>{fmt(s.maxDrawdown)} ({fmt(s.maxDrawdownPercent)}%)</dd>
        <dt>Buy &amp; hold</dt>
        <dd>{fmt(s.buyAndHold)} ({fmt(s.buyAndHoldPercent)}%)</dd>
      </dl>
      <svg viewBox={`0 0 ${w} ${h}`} className="equity-curve" role="img" aria-label="Equity, drawdown and buy and hold after each closed trade" preserveAspectRatio="none">
        <path d={dd} fill="rgba(242, 54, 69, 0.25)" stroke="none" />
        <path d={hold} fill="none" stroke="#9598a1" strokeWidth="1" strokeDasharray="4 3" />
        <path d={equity} fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <p className="muted legend">Equity (blue), drawdown (red), buy &amp; hold (grey, dashed), after each closed trade.</p>
    </div>
  );
}

function Summary({ report }: { report: StrategyReport }) {
  const s = report.summary;
  const rows: [string, string][] = [
    ['Net profit', fmt(s.netProfit)],
    ['Gross profit', fmt(s.grossProfit)],
    ['Gross loss', fmt(s.grossLoss)],
    ['Open P&L', fmt(s.openProfit)],
    ['Max run-up', fmt(s.maxRunup)],
    ['Max drawdown', fmt(s.maxDrawdown)],
    ['Buy & hold return', fmt(s.buyAndHold)],
    ['Sharpe ratio', fmt(s.sharpe, 3)],
    ['Sortino ratio', fmt(s.sortino, 3)],
    ['Profit factor', fmt(s.profitFactor, 3)],
    ['Total closed trades', String(s.totalClosedTrades)],
    ['Winning / losing / even', `${s.winningTrades} / ${s.losingTrades} / ${s.evenTrades}`],
    ['Percent profitable', `${fmt(s.percentProfitable)}%`],
    ['Avg trade', fmt(s.avgTrade)],
    ['Avg winning trade', fmt(s.avgWinningTrade)],
    ['Avg losing trade', fmt(s.avgLosingTrade)],
    ['Largest winning trade', fmt(s.largestWin)],
    ['Largest losing trade', fmt(s.largestLoss)],
    ['Avg # bars in trades', fmt(s.avgBarsInTrade, 1)],
    ['Commission paid', fmt(s.commissionPaid)],
    ['Margin calls', String(s.marginCalls)],
    ['Max contracts held', fmt(s.maxContractsHeld, 4)],
  ];
  return (
    <table className="strategy-summary" data-testid="strategy-summary-table">
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type PropValue = number | string | boolean;

const FIELDS: { key: string; label: string; kind: 'number' | 'bool' | string[] }[] = [
  { key: 'initial_capital', label: 'Initial capital', kind: 'number' },
  { key: 'default_qty_type', label: 'Order size type', kind: ['fixed', 'cash', 'percent_of_equity'] },
  { key: 'default_qty_value', label: 'Order size', kind: 'number' },
  { key: 'pyramiding', label: 'Pyramiding', kind: 'number' },
  { key: 'commission_type', label: 'Commission type', kind: ['percent', 'cash_per_contract', 'cash_per_order'] },
  { key: 'commission_value', label: 'Commission', kind: 'number' },
  { key: 'slippage', label: 'Slippage (ticks)', kind: 'number' },
  { key: 'margin_long', label: 'Margin long (%)', kind: 'number' },
  { key: 'margin_short', label: 'Margin short (%)', kind: 'number' },
  { key: 'process_orders_on_close', label: 'Fill orders on bar close', kind: 'bool' },
];

const DEFAULTS: Record<string, PropValue> = {
  initial_capital: 1000000,
  default_qty_type: 'fixed',
  default_qty_value: 1,
  pyramiding: 0,
  commission_type: 'percent',
  commission_value: 0,
  slippage: 0,
  margin_long: 100,
  margin_short: 100,
  process_orders_on_close: false,
};

/** The strategy() properties in effect (the script's, overridden by the saved ones), editable: Apply
 * re-runs with them (or restores the checkpoint made with them); Reset returns to the script's. */
function Properties({ program, saved, controller }: { program: ProgramInfo; saved: Record<string, InputValue>; controller: AppController }) {
  const o = program.meta.options;
  const effective = (k: string): PropValue => {
    const s = saved[`strategy:${k}`];
    if (s !== undefined) return s;
    const v = o[k];
    return v === undefined || v === null ? (DEFAULTS[k] ?? '') : v;
  };
  const [draft, setDraft] = useState<Record<string, PropValue>>({});
  const value = (k: string): PropValue => draft[k] ?? effective(k);
  const apply = () => {
    const next: Record<string, InputValue> = {};
    for (const [k, v] of Object.entries(saved)) if (!k.startsWith('strategy:')) next[k] = v;
    for (const f of FIELDS) {
      const v = value(f.key);
      const script = o[f.key] ?? DEFAULTS[f.key];
      if (v !== script) next[`strategy:${f.key}`] = v;
    }
    setDraft({});
    void controller.setInputs(next);
  };
  const reset = () => {
    const next: Record<string, InputValue> = {};
    for (const [k, v] of Object.entries(saved)) if (!k.startsWith('strategy:')) next[k] = v;
    setDraft({});
    void controller.setInputs(next);
  };
  return (
    <form
      className="strategy-properties"
      data-testid="strategy-properties"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <table>
        <tbody>
          {FIELDS.map((f) => (
            <tr key={f.key}>
              <th>
                <label htmlFor={`sp-${f.key}`}>{f.label}</label>
              </th>
              <td>
                {f.kind === 'bool' ? (
                  <input id={`sp-${f.key}`} data-testid={`strategy-prop-${f.key}`} type="checkbox" checked={value(f.key) === true} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.checked })} />
                ) : Array.isArray(f.kind) ? (
                  <select id={`sp-${f.key}`} data-testid={`strategy-prop-${f.key}`} value={String(value(f.key))} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}>
                    {f.kind.map((k) => (
                      <option key={k} value={k}>
                        {k}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={`sp-${f.key}`}
                    data-testid={`strategy-prop-${f.key}`}
                    type="number"
                    step="any"
                    value={String(value(f.key))}
                    onChange={(e) => {
                      const n = Number(e.target.value);
                      if (e.target.value.trim() !== '' && Number.isFinite(n)) setDraft({ ...draft, [f.key]: n });
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" data-testid="strategy-apply">
        Apply and re-run
      </button>
      <button type="button" onClick={reset} data-testid="strategy-reset">
        Script defaults
      </button>
    </form>
  );
}
