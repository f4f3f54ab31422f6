// Playwright: end-to-end tests of the built app (vite build + vite preview on a fixed port) in
// Debian's Chromium (/usr/bin/chromium; Playwright never downloads a browser here). The JSON report
// goes where scripts/test.mjs asks (PLAYWRIGHT_JSON_OUTPUT_NAME) for its closing tally.

import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4173); // E2E_PORT lets parallel checkouts run their own server
const jsonOut = process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'reports/playwright.json';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: jsonOut }]],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1600, height: 1000 },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx vite build && npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
