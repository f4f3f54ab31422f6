// The page's one connection to the engine worker, created once at module scope (a component
// effect would start two under StrictMode). Only the API's type is imported from the worker side.

import * as Comlink from 'comlink';
import type { EngineApi } from '../worker/protocol.js';

const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'evergreen-engine' });

export const engine: Comlink.Remote<EngineApi> = Comlink.wrap<EngineApi>(worker);
