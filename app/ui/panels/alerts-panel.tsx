// The alerts panel: alert() firings and those of the armed alertcondition()s, newest at the bottom,
// with their bar, time and message (live ones, fired as replay bars arrived, marked); "Conditions…"
// opens the dialog that arms the script's alertconditions; "Notify" asks for browser
// notifications of live firings.

import { memo, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AppController } from '../controller.js';
import { alertConditionsOf, type AlertConditionInfo } from './alert-conditions.js';

function ConditionsDialog({ controller, onClose }: { controller: AppController; onClose: () => void }) {
  const center = controller.alerts;
  const { armed } = useSyncExternalStore(center.subscribe, center.getState);
  const [conditions] = useState<AlertConditionInfo[]>(() => alertConditionsOf(controller.editorSource));
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="alert-dialog" data-testid="alert-dialog" onClose={onClose} aria-label="Alert conditions">
      <h3>Alert conditions of this script</h3>
      {conditions.length === 0 ? (
        <p className="muted">This script has no alertcondition() calls.</p>
      ) : (
        <ul className="alert-conditions">
          {conditions.map((c, i) => (
            <li key={`${c.key}-${i}`} data-testid="alert-condition" data-title={c.title}>
              <label>
                <input type="checkbox" data-testid="alert-arm" checked={armed.has(c.key)} onChange={(e) => center.arm(c.key, e.target.checked)} />
                <span className="alert-cond-title">{c.title}</span>
                {c.message && c.message !== c.title && <span className="muted"> — {c.message}</span>}
              </label>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">An armed condition fires on every bar where it is true, listed in the alerts panel.</p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-small" data-testid="alert-dialog-close" onClick={() => dialog.current?.close()}>
          Done
        </button>
      </div>
    </dialog>
  );
}

export const AlertsPanel = memo(function AlertsPanel({ controller }: { controller: AppController }) {
  const center = controller.alerts;
  const { firings, notify } = useSyncExternalStore(center.subscribe, center.getState);
  const [dialogOpen, setDialogOpen] = useState(false);
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = body.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [firings.length]);
  return (
    <section className="panel alerts-panel" aria-label="Alerts">
      <header className="panel-head">
        <h2>
          Alerts <span className="count">{firings.length || ''}</span>
        </h2>
        <div className="panel-actions">
          <button type="button" className="btn btn-small btn-ghost" data-testid="alert-conditions" onClick={() => setDialogOpen(true)}>
            Conditions…
          </button>
          <label className="alert-notify" title="A browser notification for each alert fired during a replay">
            <input type="checkbox" data-testid="alert-notify" checked={notify} onChange={(e) => void center.setNotify(e.target.checked)} /> Notify
          </label>
          <button type="button" className="btn btn-small btn-ghost" data-testid="alerts-clear" onClick={() => center.clear()}>
            Clear
          </button>
        </div>
      </header>
      <div className="panel-body log-body" ref={body}>
        {firings.length === 0 && <p className="muted empty">No alerts. alert() calls show here; arm alertcondition()s with Conditions….</p>}
        {firings.map((f) => (
          <div key={f.id} className={`log-row alert-row${f.live ? ' alert-live' : ''}`} data-testid="alert-row" data-bar={f.bar} data-kind={f.kind} data-live={f.live ? '1' : '0'}>
            <span className="log-bar">#{f.bar}</span>
            <span className="log-time">{new Date(f.time).toISOString().slice(0, 16).replace('T', ' ')}</span>
            <span className="log-msg">{f.message}</span>
          </div>
        ))}
      </div>
      {dialogOpen && <ConditionsDialog controller={controller} onClose={() => setDialogOpen(false)} />}
    </section>
  );
});
