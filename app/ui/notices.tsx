// Messages from the engine and the page (stale or corrupt checkpoints skipped, rejected CSV rows,
// storage full, ...), newest last, each dismissable. Errors stay until dismissed.

import { useEffect } from 'react';
import type { AppController, Notice } from './controller.js';

function NoticeItem({ n, controller }: { n: Notice; controller: AppController }) {
  useEffect(() => {
    if (n.level === 'error') return undefined;
    const t = setTimeout(() => controller.dismissNotice(n.id), n.level === 'warning' ? 20_000 : 8_000);
    return () => clearTimeout(t);
  }, [n, controller]);
  return (
    <div className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'} data-testid="notice" data-code={n.code}>
      <span className="notice-msg">{n.message}</span>
      <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => controller.dismissNotice(n.id)}>
        ×
      </button>
    </div>
  );
}

export function Notices({ notices, controller }: { notices: Notice[]; controller: AppController }) {
  // Always rendered: the app's grid gives this row its place even when it is empty.
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <NoticeItem key={n.id} n={n} controller={controller} />
      ))}
    </div>
  );
}
