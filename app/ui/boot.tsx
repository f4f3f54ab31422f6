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
  /** Hands over the engine's events: those queued so far at once, then each as it comes. */
  attach(deliver: (e: EngineEvent) => void): void;
}

export function boot({ host, session, preview, attach }: BootArgs): void {
  const controller = new AppController(host);
  installDebug(controller);
  void controller.start(session, attach);
  // Before React's first render when it is already read (React renders in a task of its own).
  void preview.then((p) => p && controller.showPreview(p));
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element.');
  createRoot(root).render(
    <StrictMode>
      <App controller={controller} />
    </StrictMode>,
  );
}
