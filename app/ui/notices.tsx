// Messages from the engine and the page. Errors sit in one problem area under the toolbar (one
// message per cause, dropped when the cause goes: see notice-rules.ts), with "Clear all"; info and
// warnings are short-lived lines below it, each dismissable.

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
  const errors = notices.filter((n) => n.level === 'error');
  const others = notices.filter((n) => n.level !== 'error');
  // Always rendered: the app's grid gives this row its place even when it is empty.
  return (
    <div className="notices" aria-live="polite">
      {errors.length > 0 && (
        <div className="problem-area" data-testid="problem-area">
          <div className="problem-list">
            {errors.map((n) => (
              <NoticeItem key={n.id} n={n} controller={controller} />
            ))}
          </div>
          <button type="button" className="btn btn-small btn-ghost problem-clear" data-testid="notices-clear" onClick={() => controller.dismissAllNotices()}>
            Clear all
          </button>
        </div>
      )}
      {others.map((n) => (
        <NoticeItem key={n.id} n={n} controller={controller} />
      ))}
    </div>
  );
}
