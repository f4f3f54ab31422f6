// Moved to vm/core/series.ts; re-exported here for code that still imports the old place. New code imports vm/core/.
export * from '../core/series.js';
