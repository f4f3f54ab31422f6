// The status bar: last confirmed bar / bars in the dataset, speed of the current run or replay,
// the last checkpoint's bar and time, and what the engine is doing.

import type { AppState } from './controller.js';

function formatClock(ms: number): string {
  const d = new Date(ms);
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function stateLabel(s: AppState): string {
  const st = s.status;
  if (s.replay?.playing && st.state !== 'running') return 'Replaying';
  switch (st.state) {
    case 'starting':
      return 'Starting…';
    case 'loading':
      return 'Loading data…';
    case 'running':
      return st.phase === 'replay' ? 'Replaying' : 'Running history';
    case 'done':
      return st.elapsedMs !== null ? `Ran in ${(st.elapsedMs / 1000).toFixed(2)} s` : 'Done';
    case 'restored':
      return st.elapsedMs !== null ? `Restored in ${Math.round(st.elapsedMs)} ms` : 'Restored';
    case 'cancelled':
      return 'Cancelled';
    case 'error':
      return s.runtimeError ? 'Runtime error' : 'Stopped';
    case 'compile-error':
      return 'Compile errors';
  }
}

export function StatusBar({ state }: { state: AppState }) {
  const replaying = state.replay?.playing ?? false;
  const bps = state.status.barsPerSecond;
  return (
    <footer className="status-bar">
      <span className="status-item" title="Last confirmed bar index / bars in the dataset">
        Bar <b data-testid="status-bar-index">{state.barIndex}</b>
        <span className="muted"> / </span>
        <span data-testid="status-bar-total">{state.totalBars}</span>
      </span>
      <span className="status-item" title="Bars per second of the current run or replay">
        <b data-testid="status-bps">{bps > 0 ? Math.round(bps).toLocaleString('en-US') : '—'}</b> bars/s
      </span>
      <span className="status-item" title="Bar index of the last checkpoint saved or restored">
        Checkpoint <b data-testid="status-checkpoint">{state.checkpoint ? state.checkpoint.bar : '—'}</b>
        {state.checkpoint && <span className="muted"> at {formatClock(state.checkpoint.at)}</span>}
      </span>
      {state.replay && state.replay.from !== null && (
        <span className="status-item">
          Replay from {state.replay.from} · {replaying ? 'playing' : 'paused'}
        </span>
      )}
      {state.writer === false && (
        <span className="status-item" data-testid="status-writer" title="Another tab on this run saves its checkpoints; this one takes over when that tab closes">
          Following another tab
        </span>
      )}
      <span className="status-spacer" />
      <span className={`status-item status-state state-${state.status.state}`} data-testid="status-state">
        {stateLabel(state)}
      </span>
    </footer>
  );
}
