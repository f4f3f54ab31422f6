// Builds the browser bench's library floor (floor.ts) with the app's build settings (vite.config.ts:
// es2022, module workers) into reports/bench-dist/__floor-chart/, served beside the app.

import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/__floor-chart/',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: new URL('../../reports/bench-dist/__floor-chart/', import.meta.url).pathname, emptyOutDir: true },
});
