// Registers the core builtins: math.*, str.* and format.*, color.*, na/nz/fixnan and the casts,
// log.* and runtime.error. Importing this module registers them; registerCoreBuiltins() is
// idempotent for hosts that prefer an explicit call.

import { registerColor } from './color.js';
import { registerLog } from './log.js';
import { registerMath } from './math.js';
import { registerNa } from './na.js';
import { registerStr } from './str.js';

export function registerCoreBuiltins(): void {
  registerMath();
  registerNa();
  registerColor();
  registerStr();
  registerLog();
}

registerCoreBuiltins();
