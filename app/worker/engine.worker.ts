// The engine worker's entry: exposes one Engine through Comlink. The only file that touches the
// worker global; everything it serves is typed by EngineApi (app/worker/protocol.ts).

import * as Comlink from 'comlink';
import { Engine } from './engine.js';
import { initOptionsFromWorkerName, type EngineApi } from './protocol.js';
import { Store } from '../store/store.js';
import { mark } from '../marks.js';

mark('w:script-evaluated');

// The database is opened now rather than when the page's init() arrives: opening it takes tens of
// ms, and init() is queued behind this script's evaluation and the first calls into the engine.
let early: Promise<Store> | null = Store.open();
early.catch(() => undefined);
const openStore = (): Promise<Store> => {
  const p = early ?? Store.open();
  early = null;
  return p;
};

const engine = new Engine((value, transferables) => Comlink.transfer(value, transferables), openStore);
const api: EngineApi = engine;
Comlink.expose(api);
// The page named the worker with what it will ask init() for: start on it now (see workerName).
const opts = initOptionsFromWorkerName(self.name);
if (opts) engine.start(opts);
