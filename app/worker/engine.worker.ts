// The engine worker's entry: exposes one Engine through Comlink. The only file that touches the
// worker global; everything it serves is typed by EngineApi (app/worker/protocol.ts).

import * as Comlink from 'comlink';
import { Engine } from './engine.js';
import type { EngineApi } from './protocol.js';
import { mark } from '../marks.js';

mark('w:script-evaluated');

const engine: EngineApi = new Engine((value, transferables) => Comlink.transfer(value, transferables));
Comlink.expose(engine);
