// Progress of a history run (bars done / bars to run) with a cancel button; hidden when idle.

import type { AppController, AppState } from './controller.js';

export function ProgressBar({ state, controller }: { state: AppState; controller: AppController }) {
  const st = state.status;
  const active = (st.state === 'running' && st.phase === 'history') || st.state === 'loading';
  if (!active) return null;
  const pct = st.total > 0 ? Math.min(100, (st.done / st.total) * 100) : 0;
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-track">
        <div className="progress-fill" style={{ transform: `scaleX(${st.state === 'loading' ? 1 : pct / 100})` }} data-loading={st.state === 'loading'} />
      </div>
      <span className="progress-text">
        {st.state === 'loading' ? 'Loading data…' : `${st.done.toLocaleString('en-US')} / ${st.total.toLocaleString('en-US')} bars`}
      </span>
      <button type="button" className="btn btn-small" data-testid="cancel" onClick={() => void controller.cancel()}>
        Cancel
      </button>
    </div>
  );
}
