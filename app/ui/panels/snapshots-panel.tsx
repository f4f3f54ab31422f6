// The checkpoints panel: every stored checkpoint with its time, bar, size, script and dataset, its
// status (stale: made with an earlier version of the script; corrupt: rejected when restoring),
// and restore / export / delete; plus "save now" and import from a file.

import { memo, useRef } from 'react';
import type { SnapshotInfo } from '../../worker/protocol.js';
import type { AppController } from '../controller.js';

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

function when(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  const t = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return sameDay ? t : `${d.toLocaleDateString()} ${t}`;
}

function Row({ s, controller }: { s: SnapshotInfo; controller: AppController }) {
  return (
    <tr
      className={`snapshot-row status-${s.status}${s.matchesCurrent ? ' current' : ''}`}
      data-testid="snapshot-row"
      data-id={s.id}
      data-bar={s.bar}
      data-status={s.status}
    >
      <td className="mono">{when(s.createdAt)}</td>
      <td className="mono num" data-testid="snapshot-bar">
        {s.bar}
      </td>
      <td className="mono num">{size(s.size)}</td>
      <td className="ellipsis" title={s.scriptName}>
        {s.scriptName}
      </td>
      <td className="ellipsis" title={s.datasetName}>
        {s.datasetName}
      </td>
      <td>
        <span className={`badge badge-${s.status}`} title={s.statusMessage ?? undefined} data-testid="snapshot-status">
          {s.status === 'ok' ? s.kind : s.status}
        </span>
      </td>
      <td className="actions">
        <button type="button" className="btn btn-small" data-testid="snapshot-restore" disabled={s.status === 'corrupt'} onClick={() => void controller.restoreSnapshot(s.id)}>
          Restore
        </button>
        <button type="button" className="btn btn-small btn-ghost" data-testid="snapshot-export" disabled={s.status === 'corrupt'} onClick={() => void controller.exportSnapshot(s.id)}>
          Export
        </button>
        <button type="button" className="btn btn-small btn-ghost btn-danger" data-testid="snapshot-delete" onClick={() => void controller.deleteSnapshot(s.id)}>
          Delete
        </button>
      </td>
    </tr>
  );
}

export const SnapshotsPanel = memo(function SnapshotsPanel({ snapshots, controller }: { snapshots: SnapshotInfo[]; controller: AppController }) {
  const file = useRef<HTMLInputElement>(null);
  return (
    <section className="panel snapshots-panel" aria-label="Checkpoints">
      <header className="panel-head">
        <h2>
          Checkpoints <span className="count">{snapshots.length || ''}</span>
        </h2>
        <div className="panel-actions">
          <button type="button" className="btn btn-small" data-testid="checkpoint-now" onClick={() => void controller.checkpointNow()}>
            Save now
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => file.current?.click()}>
            Import…
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost btn-danger"
            data-testid="clear-storage"
            title="Delete every script, dataset and checkpoint stored in this browser, and start again from the samples"
            onClick={() => {
              if (window.confirm('Delete every script, imported dataset and checkpoint stored in this browser?')) void controller.clearStorage();
            }}
          >
            Clear all…
          </button>
          <input
            ref={file}
            type="file"
            accept=".evergreen,application/octet-stream"
            hidden
            data-testid="snapshot-import-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void controller.importSnapshot(f);
            }}
          />
        </div>
      </header>
      <div className="panel-body">
        {snapshots.length === 0 ? (
          <p className="muted empty">No checkpoints yet. One is saved after each history run and regularly during replay.</p>
        ) : (
          <table className="snapshots">
            <thead>
              <tr>
                <th>Saved</th>
                <th className="num">Bar</th>
                <th className="num">Size</th>
                <th>Script</th>
                <th>Dataset</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {snapshots.map((s) => (
                <Row key={s.id} s={s} controller={controller} />
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
});
