// Moved to vm/core/color.ts; re-exported here for code that still imports the old place. The app reaches it through vm/values.ts.
export * from '../core/color.js';
