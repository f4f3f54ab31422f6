// Registers every builtin of the VM. Importing this module (the public API does) fills the registry
// that the compiler and the interpreter resolve names against.

import './declarations.js';
import './outputs.js';
import './inputs.js';
import './bar-vars.js';
import './core-index.js';
import './array.js';
// Tier 2: drawings, maps, matrices, the rest of array.*.
import './draw/index.js';
import './map.js';
import './matrix.js';
import './array-extra.js';
import './checks.js';
import './objects.js';
import './object-arrays.js';
import './alerts.js';
import './ta/index.js';
import './time/index.js';
import './ticker.js';
import './chart-info.js';
import './strategy/index.js';
