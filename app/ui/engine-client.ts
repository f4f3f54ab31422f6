// The page's one connection to the engine worker, created once at module scope (a component
// effect would start two under StrictMode). Only the API's types and the worker name's encoding
// are imported from the worker side.

import * as Comlink from 'comlink';
import { workerName, type EngineApi } from '../worker/protocol.js';
import { initOptionsFromUrl } from './init-options.js';

/** What the page asks the engine to open, from its URL. The worker is named with it, so it starts
 * opening the session as soon as its script runs; the page's init() call then only attaches. */
export const initOptions = initOptionsFromUrl(location.href, import.meta.env.BASE_URL);

const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: workerName(initOptions) });

export const engine: Comlink.Remote<EngineApi> = Comlink.wrap<EngineApi>(worker);
