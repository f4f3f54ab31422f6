// Replay controls above the chart: where the replay starts (history runs up to it), play / pause /
// step, speed in bars per second (each bar arrives as ticks, then confirms), and the feed position.

import { useEffect, useState } from 'react';
import type { AppController, AppState } from './controller.js';

const SPEEDS = [1, 2, 5, 10, 25, 50, 100, 250, 0];

export function ReplayControls({ state, controller }: { state: AppState; controller: AppController }) {
  const r = state.replay;
  const total = state.totalBars;
  const [start, setStart] = useState('');
  useEffect(() => {
    if (r?.from !== null && r?.from !== undefined) setStart(String(r.from));
    else if (total > 0) setStart(String(Math.max(1, total - 300)));
  }, [r?.from, total]);
  const active = r !== null && r.from !== null;
  const running = state.status.state === 'running' && state.status.phase === 'history';
  const atEnd = r !== null && r.next >= r.end;
  return (
    <div className="replay" aria-label="Replay">
      <label className="replay-start">
        <span>Replay from bar</span>
        <input
          type="number"
          min={1}
          max={Math.max(1, total - 1)}
          value={start}
          data-testid="replay-start-input"
          onChange={(e) => setStart(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void controller.setReplayFrom(Number(start));
          }}
        />
      </label>
      <button type="button" className="btn btn-small" data-testid="replay-start" onClick={() => void controller.setReplayFrom(Number(start))}>
        Set
      </button>
      {active && (
        <button type="button" className="btn btn-small btn-ghost" data-testid="replay-exit" onClick={() => void controller.setReplayFrom(null)}>
          Exit replay
        </button>
      )}
      <span className="sep" />
      <button
        type="button"
        className="btn"
        data-testid="replay-play"
        title="Play"
        disabled={!active || r.playing || atEnd}
        onClick={() => void controller.play()}
      >
        ▶ Play
      </button>
      <button type="button" className="btn" data-testid="replay-pause" title="Pause" disabled={!active || !r.playing} onClick={() => void controller.pause()}>
        ❚❚ Pause
      </button>
      <button type="button" className="btn" data-testid="replay-step" title="Step one bar" disabled={!active || atEnd || running} onClick={() => void controller.step()}>
        Step ▸
      </button>
      <select
        value={r?.speed ?? 10}
        data-testid="replay-speed"
        aria-label="Replay speed"
        onChange={(e) => void controller.setSpeed(Number(e.target.value))}
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? 'Max speed' : `${s} bars/s`}
          </option>
        ))}
      </select>
      {active && (
        <span className="replay-pos mono" data-testid="replay-position">
          {Math.min(r.next, r.end)} / {r.end}
        </span>
      )}
    </div>
  );
}
