// The strategy tester, shown under the chart when the script is a strategy(): Overview (equity
// curve per closed trade, with buy & hold), Performance Summary, List of trades (click a trade:
// the chart scrolls to its entry) and Properties (the strategy() settings in effect), plus
// "Export trades" (the same CSV as `evergreen run --trades`). It reads the engine's report again
// whenever the run advances (throttled), so trades update live during a replay.

import { memo, useEffect, useRef, useState } from 'react';
import type { AppController } from './controller.js';
import type { ProgramInfo, StrategyReport } from '../worker/protocol.js';

type Tab = 'overview' | 'summary' | 'trades' | 'properties';

/** Rows of the trade list drawn at a time (the newest ones). */
const SHOWN = 500;
const REFRESH_MS = 250;

interface TesterProps {
  controller: AppController;
  program: ProgramInfo;
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

export const StrategyTester = memo(function StrategyTester({ controller, program, runId, barIndex }: TesterProps) {
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
        {tab === 'properties' && <Properties program={program} />}
      </div>
    </section>
  );
});

function Overview({ report }: { report: StrategyReport }) {
  const s = report.summary;
  const pts = report.equity;
  const w = 600;
  const h = 120;
  let path = '';
  if (pts.length > 0) {
    const vals = [s.initialCapital, ...pts.map((p) => p.equity)];
    const lo = Math.min(...vals);
    const hi = Math.max(...vals);
    const span = hi - lo || 1;
    path = vals.map((v, i) => `${i === 0 ? 'M' : 'L'}${((i / (vals.length - 1 || 1)) * w).toFixed(1)},${(h - ((v - lo) / span) * h).toFixed(1)}`).join(' ');
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
      <svg viewBox={`0 0 ${w} ${h}`} className="equity-curve" role="img" aria-label="Equity after each closed trade" preserveAspectRatio="none">
        <path d={path} fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
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

function Properties({ program }: { program: ProgramInfo }) {
  const o = program.meta.options;
  const show = (k: string, d: string): string => (o[k] === undefined || o[k] === null ? d : String(o[k]));
  const rows: [string, string][] = [
    ['Initial capital', show('initial_capital', '1000000')],
    ['Order size', `${show('default_qty_value', '1')} ${show('default_qty_type', 'fixed')}`],
    ['Pyramiding', show('pyramiding', '0')],
    ['Commission', `${show('commission_value', '0')} ${show('commission_type', 'percent')}`],
    ['Slippage (ticks)', show('slippage', '0')],
    ['Margin long / short (%)', `${show('margin_long', '100')} / ${show('margin_short', '100')}`],
    ['Fill orders on bar close', show('process_orders_on_close', 'false')],
    ['Close entries rule', show('close_entries_rule', 'FIFO')],
  ];
  return (
    <table className="strategy-properties" data-testid="strategy-properties">
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
