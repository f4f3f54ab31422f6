// The page's entry, kept small: it starts the engine worker and asks it to open the last session
// at once, then loads the UI (React, editor, chart: a separate chunk) while the worker restores or
// runs. Events that arrive before the UI is up wait in a queue and are delivered in order.

import * as Comlink from 'comlink';
import { engine } from './ui/engine-client.js';
import { initOptionsFromUrl } from './ui/init-options.js';
import type { EngineEvent } from './worker/protocol.js';
import { mark } from './marks.js';

mark('p:entry');

const early: EngineEvent[] = [];
let deliver: ((e: EngineEvent) => void) | null = null;
const listener = Comlink.proxy((e: EngineEvent) => {
  if (deliver) deliver(e);
  else early.push(e);
});
const session = engine.init(listener, initOptionsFromUrl(location.href, import.meta.env.BASE_URL));

void import('./ui/boot.js').then(({ boot }) =>
  boot({
    engine,
    session,
    attach(fn) {
      deliver = fn;
      for (const e of early.splice(0)) fn(e);
    },
  }),
);
