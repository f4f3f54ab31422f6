// The page's entry, kept small: it starts the engine worker and asks it to open the last session
// at once, reads what a restore will draw (restore-preview.ts), then loads the UI (React, editor,
// chart: a separate chunk) while the worker restores or runs. Events that arrive before the UI is
// up wait in a queue and are delivered in order.

import * as Comlink from 'comlink';
import { host, initOptions } from './ui/engine-client.js';
import type { EngineEvent } from './worker/protocol.js';
import { mark } from './marks.js';
import { readRestorePreview, type RestorePreview } from './ui/restore-preview.js';
import { paintFirst } from './ui/first-paint.js';

mark('p:entry');

const early: EngineEvent[] = [];
let deliver: ((e: EngineEvent) => void) | null = null;
const listener = Comlink.proxy((e: EngineEvent) => {
  if (deliver) deliver(e);
  else early.push(e);
});
const session = host.api.init(listener, initOptions);
// The page reads what a restore will show while the worker's script loads (restore-preview.ts),
// and draws it at once where the chart will be, without the chart library (first-paint.ts).
let previewNow: RestorePreview | null | undefined;
const preview = readRestorePreview(initOptions, session).then(async (p) => {
  const at = p ? await paintFirst(p, p.layout) : null;
  if (p && at !== null) p.paintedAt = at;
  previewNow = p;
  return p;
});

// The UI (React, the editor, the chart library: the preloaded chunk) is run once the preview is
// read and its first frame painted (or PREVIEW_WAIT_MS has passed, storage being slow): run before,
// it would hold the main thread (~100 ms) while the frame waits; and a chart laid out before the
// preview is read would be painted twice, empty and then with the preview's rows. On a first
// visit (no database) the read ends at once.
const PREVIEW_WAIT_MS = 1000;
const previewOrLater = Promise.race([preview, new Promise((r) => setTimeout(r, PREVIEW_WAIT_MS))]);

void previewOrLater.then(() => import('./ui/boot.js')).then(({ boot }) =>
  boot({
    host,
    session,
    preview,
    previewNow,
    attach(fn) {
      deliver = fn;
      for (const e of early.splice(0)) fn(e);
    },
  }),
);
