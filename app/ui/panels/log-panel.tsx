// The log panel: log.info / log.warning / log.error entries with their bar and time, plus the
// runtime error (bar, line:column, message, script stack), filterable by level, newest at the bottom.

import { memo, useEffect, useRef, useState } from 'react';
import type { LogEntry, PineRuntimeErrorData } from '../../../vm/index.js';

const SHOWN = 500;

interface LogPanelProps {
  logs: LogEntry[];
  logTotal: number;
  runtimeError: PineRuntimeErrorData | null;
}

export const LogPanel = memo(function LogPanel(state: LogPanelProps) {
  const [level, setLevel] = useState<'all' | 'info' | 'warning' | 'error'>('all');
  const body = useRef<HTMLDivElement>(null);
  const logs = level === 'all' ? state.logs : state.logs.filter((l) => l.level === level);
  const shown = logs.slice(-SHOWN);
  const err = state.runtimeError;
  useEffect(() => {
    const el = body.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [shown.length, err]);
  return (
    <section className="panel log-panel" aria-label="Logs">
      <header className="panel-head">
        <h2>
          Logs <span className="count">{state.logTotal > 0 ? state.logTotal.toLocaleString('en-US') : ''}</span>
        </h2>
        <select value={level} onChange={(e) => setLevel(e.target.value as typeof level)} aria-label="Log level">
          <option value="all">All</option>
          <option value="info">Info</option>
          <option value="warning">Warnings</option>
          <option value="error">Errors</option>
        </select>
      </header>
      <div className="panel-body log-body" ref={body}>
        {shown.length === 0 && !err && <p className="muted empty">Nothing logged. Scripts write here with log.info(), log.warning() and log.error().</p>}
        {shown.map((l, i) => (
          <div key={`${l.bar}-${i}`} className={`log-row log-${l.level}`} data-testid="log-row">
            <span className="log-bar">#{l.bar}</span>
            <span className="log-time">{new Date(l.time).toISOString().slice(0, 16).replace('T', ' ')}</span>
            <span className="log-msg">{l.message}</span>
          </div>
        ))}
        {err && (
          <div className="log-row log-error log-runtime" data-testid="log-runtime-error">
            <span className="log-bar">#{err.bar}</span>
            <span className="log-msg">
              Runtime error at bar {err.bar}, line {err.line}:{err.column}: {err.message}
              {err.stack.length > 1 && <span className="log-stack"> ({err.stack.map((f) => `${f.fn} ${f.line}:${f.column}`).join(' ← ')})</span>}
            </span>
          </div>
        )}
      </div>
    </section>
  );
});
