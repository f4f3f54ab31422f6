// `npm run bench:drawings`: is the chart responsive with many live drawings? Benchmark (d)
// (bench/scripts/d.pine: pivots marked by labels and joined by lines, 500 of each live) over 100k
// synthetic bars in the built app, in Debian's Chromium; then, with the chart showing the bars
// where the drawings are, a scripted session of scrolling (dragging the chart) and zooming (the
// mouse wheel in and out) while a PerformanceObserver records the main thread's long tasks.
// Prints the longest task and how many went over 100 ms, with the drawings the chart painted in
// its last frame; writes reports/bench-drawings.json. BENCH_BARS, BENCH_PORT (default 4207).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { launchBenchBrowser, serveBenchBuild, waitDrawn } from './helpers.js';

const PORT = Number(process.env.BENCH_PORT ?? 4207);
const BARS = Number(process.env.BENCH_BARS ?? 100_000);

type Win = Window & { evergreen: EvergreenDebug; __longTasks: { start: number; duration: number }[] };

async function main(): Promise<void> {
  console.log('Building the app...');
  const server = await serveBenchBuild(PORT);
  try {
    const browser = await launchBenchBrowser();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    // A string, not a function: tsx's transform would add helpers the page does not have.
    await context.addInitScript(`
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    `);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`Page error: ${e.message}`));
    await page.goto(`${server.base}/?dataset=synthetic:${BARS}`);
    await waitDrawn(page, 'done');
    const source = readFileSync(new URL('../bench/scripts/d.pine', import.meta.url), 'utf8');
    await page.evaluate((s) => (window as unknown as Win).evergreen.setSource(s), source);
    await page.waitForTimeout(800);
    const before = await page.evaluate(() => (window as unknown as Win).evergreen.state().runId);
    await page.getByTestId('run').click();
    await page.waitForFunction((r) => (window as unknown as Win).evergreen.state().runId > r, before);
    await waitDrawn(page, 'done');
    await page.waitForTimeout(1000);

    const chart = page.getByTestId('chart');
    const box = await chart.boundingBox();
    if (!box) throw new Error('No chart on the page.');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    // Zoom out so that the chart shows a few thousand bars (hundreds of the drawings), then start.
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, 300);
      await page.waitForTimeout(30);
    }
    await page.waitForTimeout(500);
    const start = await page.evaluate(() => performance.now());
    const painted: number[] = [];
    for (let round = 0; round < 6; round++) {
      // Scroll: drag the chart right (into the past) and back.
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let k = 0; k < 20; k++) await page.mouse.move(cx + k * 20, cy, { steps: 2 });
      for (let k = 20; k >= 0; k--) await page.mouse.move(cx + k * 20, cy, { steps: 2 });
      await page.mouse.up();
      // Zoom in and out with the wheel.
      for (let k = 0; k < 6; k++) {
        await page.mouse.wheel(0, -200);
        await page.waitForTimeout(16);
      }
      for (let k = 0; k < 6; k++) {
        await page.mouse.wheel(0, 200);
        await page.waitForTimeout(16);
      }
      await page.waitForTimeout(100);
      painted.push(await page.evaluate(() => (window as unknown as Win).evergreen.drawings().length));
    }
    const end = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(({ s, e }) => (window as unknown as Win).__longTasks.filter((t) => t.start >= s && t.start <= e), { s: start, e: end });
    const live = await page.evaluate(() => (window as unknown as Win).evergreen.state());
    await browser.close();
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    const over100 = tasks.filter((t) => t.duration > 100).length;
    const result = {
      date: new Date().toISOString(),
      loadAverage: os.loadavg(),
      bars: BARS,
      interactionMs: end - start,
      paintedPerRound: painted,
      longTasks: tasks,
      longestTaskMs: longest,
      tasksOver100: over100,
      status: live.status,
    };
    mkdirSync(new URL('../reports/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../reports/bench-drawings.json', import.meta.url), JSON.stringify(result, null, 2));
    console.log(`
| bench (d) in the app, ${BARS.toLocaleString('en-US')} bars, 500 labels + 500 lines live | |
|---|---|
| scrolling and zooming for | ${Math.round(result.interactionMs)} ms (6 rounds of drag right/left and 6 wheel steps in/out) |
| drawings painted in the frame after each round | ${painted.join(', ')} |
| main-thread long tasks (> 50 ms) | ${tasks.length} |
| longest task | ${Math.round(longest)} ms |
| tasks over 100 ms | ${over100} |
| load average (1, 5, 15 min) | ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} |
`);
  } finally {
    server.stop();
  }
}

await main();
