// The page's entry, kept small: it starts the engine worker and asks it to open the last session
// at once, reads what a restore will draw (restore-preview.ts), then loads the UI (React, editor,
// chart: a separate chunk) while the worker restores or runs. Events that arrive before the UI is
// up wait in a queue and are delivered in order.

import * as Comlink from 'comlink';
import { host, initOptions } from './ui/engine-client.js';
import type { EngineEvent } from './worker/protocol.js';
import { mark } from './marks.js';
import { readRestorePreview } from './ui/restore-preview.js';

mark('p:entry');

const early: EngineEvent[] = [];
let deliver: ((e: EngineEvent) => void) | null = null;
const listener = Comlink.proxy((e: EngineEvent) => {
  if (deliver) deliver(e);
  else early.push(e);
});
const session = host.api.init(listener, initOptions);
// The page reads what a restore will show while the worker's script loads (restore-preview.ts).
const preview = readRestorePreview(initOptions, session);

// The UI is rendered once the preview is read (or PREVIEW_WAIT_MS has passed): a chart laid out
// before it would be painted twice, empty and then with the preview's rows.
const PREVIEW_WAIT_MS = 200;
const previewOrLater = Promise.race([preview, new Promise((r) => setTimeout(r, PREVIEW_WAIT_MS))]);

void Promise.all([import('./ui/boot.js'), previewOrLater]).then(([{ boot }]) =>
  boot({
    host,
    session,
    preview,
    attach(fn) {
      deliver = fn;
      for (const e of early.splice(0)) fn(e);
    },
  }),
);
