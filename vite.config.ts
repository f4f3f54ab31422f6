// Vite: the React app (index.html → app/main.tsx) with its module worker. Fixed ports so `npm
// start` and the Playwright web server always agree: 5173 for the dev server, 4173 for preview.

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2000 },
});
