// Moved to vm/core/runtime.ts (and the bar registers to vm/core/registers.ts); re-exported here for code that still imports the old place. New code imports vm/core/.
export * from '../core/runtime.js';
