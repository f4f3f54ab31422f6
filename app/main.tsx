// The page's entry, kept small: it starts the engine worker and asks it to open the last session
// at once, then loads the UI (React, editor, chart: a separate chunk) while the worker restores or
// runs. Events that arrive before the UI is up wait in a queue and are delivered in order.

import * as Comlink from 'comlink';
import { host, initOptions } from './ui/engine-client.js';
import type { EngineEvent } from './worker/protocol.js';
import { mark } from './marks.js';
import { DB_NAME, DB_VERSION } from './store/schema.js';

mark('p:entry');

const early: EngineEvent[] = [];
let deliver: ((e: EngineEvent) => void) | null = null;
const listener = Comlink.proxy((e: EngineEvent) => {
  if (deliver) deliver(e);
  else early.push(e);
});
const session = host.api.init(listener, initOptions);
warmDatabase(session);

void import('./ui/boot.js').then(({ boot }) =>
  boot({
    host,
    session,
    attach(fn) {
      deliver = fn;
      for (const e of early.splice(0)) fn(e);
    },
  }),
);

/** Opens the app's database from the page while the worker starts (the worker is the one that
 * reads and writes it): the browser opens the origin's storage once for both connections, and the
 * page gets there ~100 ms before the worker's script has loaded. Never creates or upgrades the
 * database (the worker does, with its schema); closed once the engine has answered. */
function warmDatabase(ready: Promise<unknown>): void {
  let req: IDBOpenDBRequest;
  try {
    req = indexedDB.open(DB_NAME, DB_VERSION);
  } catch {
    return;
  }
  req.onupgradeneeded = () => req.transaction?.abort();
  req.onerror = (e) => e.preventDefault();
  req.onsuccess = () => {
    const db = req.result;
    db.onversionchange = () => db.close();
    const close = () => db.close();
    ready.then(close, close);
  };
}
