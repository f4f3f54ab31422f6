// Moved to vm/data/synthetic.ts (the app's sample datasets use it too); re-exported here for the benchmarks.
export * from '../vm/data/synthetic.js';
