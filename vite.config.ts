// Vite: the React app (index.html → app/main.tsx) with its module worker. Fixed ports so `npm
// start` and the Playwright web server always agree: 5173 for the dev server, 4173 for preview.
// In a build, index.html also names the UI chunk (app/ui/boot.tsx, imported by the entry) and its
// stylesheet, so the browser fetches and compiles them while it runs the entry, not after.

import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

function preloadUiChunk(): Plugin {
  let base = '/';
  return {
    name: 'evergreen-preload-ui',
    apply: 'build',
    configResolved(c) {
      base = c.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const boot = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/app/ui/boot.tsx'));
        if (!boot || boot.type !== 'chunk') return [];
        const css = [...(boot.viteMetadata?.importedCss ?? [])];
        return [
          { tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${boot.fileName}` }, injectTo: 'head' },
          ...css.map((f) => ({ tag: 'link', attrs: { rel: 'stylesheet', crossorigin: true, href: `${base}${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadUiChunk()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 2000 },
});
