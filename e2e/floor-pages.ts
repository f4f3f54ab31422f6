// The browser bench's floor pages (e2e/bench-browser.ts, e2e/bench-restore-cpu.ts): what any
// restoring load of the app must at least do in this browser. The bare floor: a page of its own that
// starts a small worker, reads one IndexedDB record and draws it on one canvas. The library floor
// (e2e/floor-chart/): the app's own checkpoint read from the app's IndexedDB by a worker and drawn
// with the app's chart library at the size of the app's chart. Both are served from the app's build
// directory (same server, same origin); `__floorDrawn` (performance.now()) is the time of the task
// after the frame that painted, as the app's `p:drawn` is.

import type { Page } from '@playwright/test';

/** Written into the build (path → text). */
export const FLOOR_FILES = (): Record<string, string> => ({ '__floor/index.html': FLOOR_PAGE, '__floor/worker.js': FLOOR_WORKER });
/** Built into the build (Vite configs). */
export const FLOOR_CONFIGS = ['e2e/floor-chart/vite.config.ts'];

/** The floor under any restoring load in this browser: a page with one inline script that starts a
 * module worker (its own small script), which opens IndexedDB and reads one record of 560 bars × 20
 * values, transfers it, and the page draws it (candles and 19 lines) on one 1600×1000 canvas; time
 * from navigation start to the task after that frame (as for `p:drawn`). Written into the build
 * (`__floor/`) and served by the same server as the app, with nothing else of the app in it. */
const FLOOR_ROWS = 560;
const FLOOR_COLS = 20;
export const FLOOR_PAGE = `<!doctype html><html><body style="margin:0;background:#131722">
<canvas id="c" width="1600" height="1000"></canvas><script>
const setup = location.search.includes('setup');
const w = new Worker('/__floor/worker.js' + (setup ? '?setup' : ''), { type: 'module' });
w.onmessage = (e) => {
  if (setup) { window.__floorDrawn = 1; return; }
  const v = new Float64Array(e.data);
  const g = document.getElementById('c').getContext('2d');
  const R = ${FLOOR_ROWS}, C = ${FLOOR_COLS}, dx = 1600 / R;
  let lo = Infinity, hi = -Infinity;
  for (const x of v) { if (x < lo) lo = x; if (x > hi) hi = x; }
  const y = (x) => 990 - ((x - lo) / (hi - lo)) * 980;
  for (let i = 0; i < R; i++) {
    const o = v[i * C], c = v[i * C + 1];
    g.fillStyle = c >= o ? '#26a69a' : '#ef5350';
    g.fillRect(i * dx, Math.min(y(o), y(c)), dx * 0.7, Math.abs(y(o) - y(c)) + 1);
  }
  for (let k = 2; k < C; k++) {
    g.strokeStyle = 'hsl(' + k * 17 + ',70%,60%)';
    g.beginPath();
    for (let i = 0; i < R; i++) g.lineTo(i * dx, y(v[i * C + k]));
    g.stroke();
  }
  requestAnimationFrame(() => setTimeout(() => { window.__floorDrawn = performance.now(); }, 0));
};
</script></body></html>`;
export const FLOOR_WORKER = `
const req = indexedDB.open('evergreen-floor', 1);
req.onupgradeneeded = () => req.result.createObjectStore('rows');
req.onsuccess = () => {
  const db = req.result;
  if (location.search.includes('setup')) {
    const v = new Float64Array(${FLOOR_ROWS * FLOOR_COLS});
    for (let i = 0; i < v.length; i++) v[i] = 100 + Math.sin(i / 97) * 10 + (i % ${FLOOR_COLS});
    const tx = db.transaction('rows', 'readwrite');
    tx.objectStore('rows').put(v.buffer, 'last');
    tx.oncomplete = () => self.postMessage('ok');
    return;
  }
  const get = db.transaction('rows').objectStore('rows').get('last');
  get.onsuccess = () => self.postMessage(get.result, [get.result]);
};`;

/** The library floor (e2e/floor-chart/floor.ts): the same checkpoint's candles and rows, read from
 * the app's own IndexedDB by a worker of its own and drawn with the app's chart library, at the size
 * of the app's chart, and nothing else of the app. */
export async function measureFloorChart(page: Page, base: string, size: { w: number; h: number }): Promise<number> {
  await page.goto(`${base}/__floor-chart/index.html?w=${size.w}&h=${size.h}`);
  await page.waitForFunction(() => (window as unknown as { __floorDrawn?: number }).__floorDrawn, undefined, { polling: 10 });
  return page.evaluate(() => (window as unknown as { __floorDrawn: number }).__floorDrawn);
}

/** The size of the app's chart (the library floor draws at it). */
export function chartSize(page: Page): Promise<{ w: number; h: number }> {
  return page.evaluate(() => {
    const r = document.querySelector('[data-testid="chart"]')?.getBoundingClientRect();
    return { w: Math.round(r?.width ?? 1600), h: Math.round(r?.height ?? 1000) };
  });
}

export async function measureFloor(page: Page, base: string): Promise<number> {
  await page.goto(`${base}/__floor/index.html`);
  await page.waitForFunction(() => (window as unknown as { __floorDrawn?: number }).__floorDrawn, undefined, { polling: 10 });
  return page.evaluate(() => (window as unknown as { __floorDrawn: number }).__floorDrawn);
}

