// The VM's side-effect-free door for the page (the app's main thread): plain value helpers that load
// no compiler, no builtin registry and no interpreter, so the page bundle stays small. Everything
// that runs scripts goes through vm/index.ts (in the worker, the CLI, tests and benchmarks).
// tests/architecture.test.ts checks that nothing reachable from here is above the data floors.

export { colorToCss, colorToHex, colorR, colorG, colorB, colorT, makeColor, colorFromRgba } from './core/color.js';
export { parseTimeframe } from './builtins/time/timeframe.js';
export type { TimeframeInfo, SymbolInfo } from './core/runtime.js';
export type { InputValue } from './core/state.js';
