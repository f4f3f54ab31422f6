// The CLI bundle's entry (scripts/build-cli.mjs): the command, and the hook through which
// bin/evergreen.cjs hands over the helper thread it started (fast-path.ts).
export { main } from './main.js';
export { useHelper } from './fast-path.js';
