// Replay controls above the chart: where the replay starts (history runs up to it), play / pause /
// step, speed in bars per second (each bar arrives as ticks, then confirms), and the feed position.
// The start can be typed as a bar index, picked by clicking a bar on the chart, or chosen as a date;
// "Go to" scrolls the chart to a date.

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
  const [picking, setPicking] = useState(false);
  const [date, setDate] = useState('');
  const [jump, setJump] = useState('');
  useEffect(() => {
    if (!picking) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') controller.chartView?.cancelPick();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [picking, controller]);
  const pick = async () => {
    const view = controller.chartView;
    if (!view) return;
    setPicking(true);
    const bar = await view.pickBar();
    setPicking(false);
    if (bar !== null) void controller.setReplayFrom(bar);
  };
  /** The bar of a date (yyyy-mm-dd, UTC midnight) among the bars the chart holds. */
  const barOfDate = (text: string): number | null => {
    const ms = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isFinite(ms)) return null;
    const bar = controller.chartView?.barAtTime(ms) ?? null;
    if (bar === null) controller.notify('warning', 'date', `No bar on or after ${text} is on the chart${r !== null && r.from !== null ? ' (exit the replay to reach later bars)' : ''}.`);
    return bar;
  };
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
      <button
        type="button"
        className={`btn btn-small btn-ghost${picking ? ' btn-active' : ''}`}
        data-testid="replay-pick"
        title="Click a bar on the chart to start the replay there (Esc cancels)"
        onClick={() => (picking ? controller.chartView?.cancelPick() : void pick())}
      >
        {picking ? 'Click a bar…' : 'Pick on chart'}
      </button>
      <label className="replay-start">
        <span>or date</span>
        <input type="date" value={date} data-testid="replay-date" aria-label="Replay start date" onChange={(e) => setDate(e.target.value)} />
      </label>
      <button
        type="button"
        className="btn btn-small"
        data-testid="replay-date-set"
        disabled={!date}
        onClick={() => {
          const bar = barOfDate(date);
          if (bar !== null) void controller.setReplayFrom(Math.max(1, bar));
        }}
      >
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
      <span className="sep" />
      <label className="replay-start">
        <span>Go to</span>
        <input
          type="date"
          value={jump}
          data-testid="jump-date"
          aria-label="Go to date"
          onChange={(e) => setJump(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            const bar = barOfDate(jump);
            if (bar !== null) controller.chartView?.scrollToBar(bar);
          }}
        />
      </label>
      <button
        type="button"
        className="btn btn-small btn-ghost"
        data-testid="jump-go"
        disabled={!jump}
        onClick={() => {
          const bar = barOfDate(jump);
          if (bar !== null) controller.chartView?.scrollToBar(bar);
        }}
      >
        Go
      </button>
      {active && (
        <span className="replay-pos mono" data-testid="replay-position">
          {Math.min(r.next, r.end)} / {r.end}
        </span>
      )}
    </div>
  );
}
