// Moved to vm/core/diagnostics.ts (the ground floor: the runtime uses LineMap too); re-exported here so the compiler's own imports keep resolving.
export * from '../core/diagnostics.js';
