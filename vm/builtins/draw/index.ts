// Registers every drawing builtin: the registry and *.all (store.ts), the constants, label, line,
// box, table, chart.point, polyline and linefill.

import './store.js';
import './constants.js';
import './label.js';
import './line.js';
import './box.js';
import './table.js';
import './points.js';

export { liveDrawings, isRegistry, type Drawing, type DrawKind, type DrawRegistry } from './store.js';
