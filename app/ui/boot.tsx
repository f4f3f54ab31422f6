// The UI chunk's entry: one controller for the page's life (fed by the events main.tsx queued and
// everything after), the debug accessor, and the React tree.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { EngineEvent, SessionView } from '../worker/protocol.js';
import type { EngineHost } from './engine-client.js';
import { AppController } from './controller.js';
import { App } from './app.js';
import { installDebug } from './debug.js';
import './styles.css';
import { mark } from '../marks.js';
import type { RestorePreview } from './restore-preview.js';

mark('p:ui-evaluated');

export interface BootArgs {
  /** The engine worker (restarted by the watchdog when it hangs). */
  host: EngineHost;
  /** The engine's answer to init(), already asked for. */
  session: Promise<SessionView>;
  /** What a restore will draw, read by the page from storage (null: nothing to guess). */
  preview: Promise<RestorePreview | null>;
  /** The same, when it is already read (undefined: not yet). */
  previewNow: RestorePreview | null | undefined;
  /** Hands over the engine's events: those queued so far at once, then each as it comes. */
  attach(deliver: (e: EngineEvent) => void): void;
}

export function boot({ host, session, preview, previewNow, attach }: BootArgs): void {
  const controller = new AppController(host);
  installDebug(controller);
  // Shown before the engine's events queued so far are delivered, so they are compared with it
  // (the engine may have answered while this chunk loaded).
  if (previewNow) controller.showPreview(previewNow);
  void controller.start(session, attach);
  // Before React's first render when it is read by then (React renders in a task of its own).
  if (previewNow === undefined) void preview.then((p) => p && controller.showPreview(p));
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element.');
  createRoot(root).render(
    <StrictMode>
      <App controller={controller} />
    </StrictMode>,
  );
}
