// The top bar: app name, script picker (open, new from a sample, rename, delete), dataset picker,
// the Run button, progress of a long run with cancel, and plot export.

import { useState } from 'react';
import type { AppController, AppState } from './controller.js';
import { DatasetPicker } from './dataset-picker.js';
import { TimeframePicker } from './timeframe-picker.js';
import { ProgressBar } from './progress-bar.js';

const SAMPLE_LABELS: Record<string, string> = {
  'bollinger-ma.pine': 'MA + Bollinger Bands',
  'rsi-macd.pine': 'RSI + MACD oscillator',
  'logging-breakout.pine': 'Donchian breakout with logs',
};

export function Toolbar({ state, controller }: { state: AppState; controller: AppController }) {
  const s = state.session;
  const [renaming, setRenaming] = useState<string | null>(null);
  const busy = state.status.state === 'running' && state.status.phase === 'history';
  return (
    <header className="toolbar">
      <div className="brand">
        <span className="brand-mark">◆</span> Evergreen
      </div>
      {s && (
        <div className="script-picker">
          {renaming === null ? (
            <select value={s.scriptId} data-testid="script-select" aria-label="Script" onChange={(e) => void controller.selectScript(e.target.value)}>
              {s.scripts.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          ) : (
            <input
              className="rename"
              autoFocus
              value={renaming}
              onChange={(e) => setRenaming(e.target.value)}
              onBlur={() => {
                void controller.renameScript(renaming);
                setRenaming(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
                if (e.key === 'Escape') setRenaming(null);
              }}
            />
          )}
          <select
            className="btn-select"
            value=""
            aria-label="New script"
            data-testid="new-script"
            onChange={(e) => {
              const v = e.target.value;
              if (v) void controller.newScript(v === '(blank)' ? null : v);
            }}
          >
            <option value="">New…</option>
            <option value="(blank)">Blank script</option>
            {s.samples.map((f) => (
              <option key={f} value={f}>
                From sample: {SAMPLE_LABELS[f] ?? f}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-small btn-ghost" title="Rename the script" onClick={() => setRenaming(s.scriptName)}>
            Rename
          </button>
          <button type="button" className="btn btn-small btn-ghost btn-danger" title="Delete the script" onClick={() => void controller.deleteScript()}>
            Delete
          </button>
        </div>
      )}
      <DatasetPicker state={state} controller={controller} />
      <TimeframePicker state={state} controller={controller} />
      <button type="button" className="btn btn-primary" data-testid="run" disabled={busy} title="Run from the first bar (Ctrl+Enter)" onClick={() => void controller.run()}>
        ▶ Run
      </button>
      <ProgressBar state={state} controller={controller} />
      <span className="toolbar-spacer" />
      <button type="button" className="btn btn-small btn-ghost" data-testid="export-csv" title="Download every plot value as CSV" onClick={() => void controller.exportPlotsCsv()}>
        Export plots
      </button>
    </header>
  );
}
