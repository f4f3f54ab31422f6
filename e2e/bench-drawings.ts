// `npm run bench:drawings`: is the chart responsive with many live drawings? Benchmark (d)
// (bench/scripts/d.pine: pivots marked by labels and joined by lines, 500 of each live) over 100k
// synthetic bars in the built app, in Debian's Chromium; then, with the chart showing the bars
// where the drawings are, a scripted session of scrolling (dragging the chart) and zooming (the
// mouse wheel in and out) while a PerformanceObserver records the main thread's long tasks.
// Prints the longest task and how many went over 100 ms, with the drawings the chart painted in
// its last frame. The same session also runs with a script that plots the same pivots without any
// drawing, alternately (drawings, plots, drawings, plots), so that what the drawings add can be
// told from what the chart and a busy machine cost anyway. Writes reports/bench-drawings.json.
// BENCH_BARS, BENCH_PORT (default 4207), BENCH_ROUNDS (sessions of each script, default 2).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { launchBenchBrowser, serveBenchBuild, waitDrawn } from './helpers.js';

const PORT = Number(process.env.BENCH_PORT ?? 4207);
const BARS = Number(process.env.BENCH_BARS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/** The comparison script: bench (d) with its label.new and line.new calls taken out (the same
 * pivots and the same three plots, no drawings). */
function withoutDrawings(source: string): string {
  return source
    .split('\n')
    .filter((l) => !/label\.new|line\.new|if not na\(last(High|Low)\)$/.test(l.trim()))
    .join('\n')
    .replace(/, max_lines_count = 500, max_labels_count = 500/, '');
}

interface Session {
  script: string;
  interactionMs: number;
  painted: number[];
  longTasks: { start: number; duration: number }[];
}

type Win = Window & { evergreen: EvergreenDebug; __longTasks: { start: number; duration: number }[] };

/** Runs `source` over the dataset, shows the last few thousand bars, then scrolls and zooms with the
 * mouse while the page records long tasks. */
async function session(page: Page, url: string, source: string): Promise<Omit<Session, 'script'>> {
  await page.goto(url);
  await waitDrawn(page, 'done');
  await page.evaluate((s) => (window as unknown as Win).evergreen.setSource(s), source);
  await page.waitForTimeout(800);
  const before = await page.evaluate(() => (window as unknown as Win).evergreen.state().runId);
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Win).evergreen.state().runId > r, before);
  await waitDrawn(page, 'done');
  await page.waitForTimeout(1000);
  const box = await page.getByTestId('chart').boundingBox();
  if (!box) throw new Error('No chart on the page.');
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  // Zoom out so that the chart shows a few thousand bars (many of the drawings), then start.
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
  const longTasks = await page.evaluate(({ s, e }) => (window as unknown as Win).__longTasks.filter((t) => t.start >= s && t.start <= e), { s: start, e: end });
  return { interactionMs: end - start, painted, longTasks };
}

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
    const drawingScript = readFileSync(new URL('../bench/scripts/d.pine', import.meta.url), 'utf8');
    const sessions: Session[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, source] of [['drawings', drawingScript], ['plots only', withoutDrawings(drawingScript)]] as const) {
        const one = await session(page, `${server.base}/?dataset=synthetic:${BARS}&restore=0`, source);
        sessions.push({ script: name, ...one });
        console.log(`  ${name}: ${one.longTasks.length} long tasks, longest ${Math.round(Math.max(0, ...one.longTasks.map((t) => t.duration)))} ms, painted ${one.painted.join(' ')}`);
      }
    }
    await browser.close();
    const sum = (name: string) => {
      const xs = sessions.filter((x) => x.script === name);
      const tasks = xs.flatMap((x) => x.longTasks);
      return {
        sessions: xs.length,
        interactionMs: xs.reduce((a, x) => a + x.interactionMs, 0) / Math.max(1, xs.length),
        painted: xs.flatMap((x) => x.painted),
        longTasks: tasks.length,
        longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
        tasksOver100: tasks.filter((t) => t.duration > 100).length,
      };
    };
    const withDrawings = sum('drawings');
    const plotsOnly = sum('plots only');
    const result = { date: new Date().toISOString(), loadAverage: os.loadavg(), bars: BARS, withDrawings, plotsOnly, sessions };
    mkdirSync(new URL('../reports/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../reports/bench-drawings.json', import.meta.url), JSON.stringify(result, null, 2));
    const row = (label: string, f: (x: typeof withDrawings) => string) => `| ${label} | ${f(withDrawings)} | ${f(plotsOnly)} |`;
    console.log(`
| ${BARS.toLocaleString('en-US')} bars, scrolling and zooming (${ROUNDS} sessions each, alternated) | bench (d): 500 labels + 500 lines live | the same script without its label.new / line.new |
|---|---|---|
${row('one session (6 × drag right/left, wheel in/out)', (x) => `${Math.round(x.interactionMs)} ms`)}
${row('drawings painted in the frame after each step', (x) => x.painted.join(', '))}
${row('main-thread long tasks (> 50 ms)', (x) => String(x.longTasks))}
${row('longest task', (x) => `${Math.round(x.longestTaskMs)} ms`)}
${row('tasks over 100 ms', (x) => String(x.tasksOver100))}

Load average (1, 5, 15 min) at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}
`);
  } finally {
    server.stop();
  }
}

await main();
