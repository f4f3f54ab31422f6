// Moved to vm/core/types.ts (the ground floor, shared with the builtins); re-exported here so the compiler's own imports keep resolving.
export * from '../core/types.js';
