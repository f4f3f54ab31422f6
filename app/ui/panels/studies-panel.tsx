// The chart's list of scripts, like TradingView's indicator list: the editor's script first, then the
// scripts added to the chart, each with where it draws (over the candles or in a pane of its own, as
// its indicator(overlay=) says), hide/show, move up/down, its own inputs and remove; and a script
// picker to add one. Adding, removing and new inputs recompute only what changed (the others come
// back from their checkpoints); hiding and moving only lay the chart out again.

import { memo, useState } from 'react';
import type { InputValue, ScriptInfo, StudyInfo } from '../../worker/protocol.js';
import type { AppController } from '../controller.js';
import { InputsPanel } from './inputs-panel.js';

interface StudiesPanelProps {
  studies: StudyInfo[];
  scripts: ScriptInfo[];
  /** The editor's script: its name and whether it draws over the candles. */
  main: { name: string; overlay: boolean | null };
  controller: AppController;
}

function where(overlay: boolean | null | undefined): string {
  return overlay === null || overlay === undefined ? '' : overlay ? 'overlay' : 'own pane';
}

function StudyRow({ s, first, last, controller }: { s: StudyInfo; first: boolean; last: boolean; controller: AppController }) {
  const [open, setOpen] = useState(false);
  const overlay = s.program ? s.program.meta.overlay : null;
  return (
    <li className={`study-row${s.hidden ? ' hidden' : ''}${s.error ? ' failed' : ''}`} data-testid="study-row" data-id={s.id} data-name={s.name} data-hidden={s.hidden ? '1' : '0'} data-overlay={overlay === null ? '' : overlay ? '1' : '0'}>
      <div className="study-line">
        <span className="study-name ellipsis" title={s.error ?? s.name}>
          {s.name}
        </span>
        <span className="badge">{where(overlay)}</span>
        {s.error && (
          <span className="badge badge-corrupt" data-testid="study-error" title={s.error}>
            error
          </span>
        )}
        <span className="actions">
          <button type="button" className="btn btn-small btn-ghost" data-testid="study-hide" aria-pressed={s.hidden} onClick={() => void controller.setStudyHidden(s.id, !s.hidden)}>
            {s.hidden ? 'Show' : 'Hide'}
          </button>
          <button type="button" className="btn btn-small btn-ghost" data-testid="study-up" disabled={first} title="Move up" onClick={() => void controller.moveStudy(s.id, -1)}>
            ↑
          </button>
          <button type="button" className="btn btn-small btn-ghost" data-testid="study-down" disabled={last} title="Move down" onClick={() => void controller.moveStudy(s.id, 1)}>
            ↓
          </button>
          <button type="button" className="btn btn-small btn-ghost" data-testid="study-settings" aria-expanded={open} disabled={!s.program} onClick={() => setOpen(!open)}>
            Inputs
          </button>
          <button type="button" className="btn btn-small btn-ghost btn-danger" data-testid="study-remove" onClick={() => void controller.removeStudy(s.id)}>
            Remove
          </button>
        </span>
      </div>
      {open && s.program && (
        <div className="study-inputs" data-testid="study-inputs" data-id={s.id}>
          <InputsPanel
            inputs={s.program.inputs}
            saved={s.inputs}
            controller={controller}
            title={`${s.name}: inputs`}
            onSet={(values: Record<string, InputValue>) => void controller.setStudyInputs(s.id, values)}
          />
        </div>
      )}
    </li>
  );
}

export const StudiesPanel = memo(function StudiesPanel({ studies, scripts, main, controller }: StudiesPanelProps) {
  const [pick, setPick] = useState('');
  const chosen = pick || scripts[0]?.id || '';
  return (
    <section className="panel studies-panel" aria-label="Scripts on the chart">
      <header className="panel-head">
        <h2>On the chart</h2>
        <span className="study-add">
          <select data-testid="study-add-select" aria-label="Script to add to the chart" value={chosen} onChange={(e) => setPick(e.target.value)}>
            {scripts.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-small" data-testid="study-add" disabled={!chosen} onClick={() => void controller.addStudy(chosen)}>
            Add
          </button>
        </span>
      </header>
      <div className="panel-body">
        <ul className="study-list" data-testid="study-list">
          <li className="study-row main" data-testid="study-main">
            <div className="study-line">
              <span className="study-name ellipsis" title={main.name}>
                {main.name}
              </span>
              <span className="badge">{where(main.overlay)}</span>
              <span className="muted">in the editor</span>
            </div>
          </li>
          {studies.map((s, i) => (
            <StudyRow key={s.id} s={s} first={i === 0} last={i === studies.length - 1} controller={controller} />
          ))}
        </ul>
      </div>
    </section>
  );
});
