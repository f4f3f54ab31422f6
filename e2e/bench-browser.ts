// `npm run bench:browser`: benchmark (b) (bench/scripts/b.pine, 19 plots) over 100k synthetic
// 1-minute bars in the built app, in Debian's Chromium. Measures, from the start of a page load to
// a fully drawn chart: a cold load (`?restore=0`: the history runs in the worker) against a load
// that restores the newest checkpoint (snapshot + stored plot rows, no history run); and the main
// thread's long tasks (> 50 ms, PerformanceObserver 'longtask') during the cold run, with the long
// animation frames and the scripts in them. Prints a Markdown table and writes
// reports/bench-browser.json. BENCH_BARS, BENCH_REPEATS, BENCH_FORGET_LAYOUT: see below.

import { execSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { runBenchB, waitDrawn } from './helpers.js';

const PORT = 4174;
const BASE = `http://127.0.0.1:${PORT}`;
const BARS = Number(process.env.BENCH_BARS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
/** BENCH_FORGET_LAYOUT=1: each cold load starts without the chart layout the page remembers from
 * the previous load (as on a first visit), so the chart is laid out when the run starts. */
const FORGET_LAYOUT = process.env.BENCH_FORGET_LAYOUT === '1';
const DATASET = `synthetic:${BARS}`;
const root = new URL('..', import.meta.url).pathname;

interface Sample {
  /** ms from navigation start to the chart fully drawn. */
  drawn: number;
  ready: number;
  reset: number;
  runEnd: number;
  longTasks: { start: number; duration: number }[];
  /** Long animation frames (> 50 ms) with the scripts that ran in them (> 5 ms each). */
  frames: { start: number; duration: number; scripts: string[] }[];
  /** Timing marks of the page and the worker (ms from navigation start). */
  marks: { name: string; ms: number }[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function measure(page: Page, query: string, status: string, forgetLayout = false): Promise<Sample> {
  if (forgetLayout) await page.evaluate(() => localStorage.removeItem('evergreen.chart-layout'));
  await page.goto(`${BASE}/?dataset=${DATASET}${query}`);
  await waitDrawn(page, status);
  return page.evaluate(async () => {
    const w = window as unknown as { evergreen: EvergreenDebug; __longTasks: { start: number; duration: number }[]; __frames: Sample['frames'] };
    const t = w.evergreen.timings();
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const navMarks = nav
      ? [
          { name: 'nav:response-end', ms: nav.responseEnd },
          { name: 'nav:dom-interactive', ms: nav.domInteractive },
        ]
      : [];
    const marks = [...navMarks, ...(await w.evergreen.marks())].sort((a, b) => a.ms - b.ms);
    return { drawn: t.drawn, ready: t.ready, reset: t.reset, runEnd: t.runEnd, longTasks: w.__longTasks.slice(), frames: w.__frames.slice(), marks };
  });
}

async function main(): Promise<void> {
  console.log('Building the app...');
  execSync('npx vite build', { cwd: root, stdio: 'ignore' });
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { cwd: root, detached: true, stdio: 'ignore' });
  try {
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(BASE).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    // A string, not a function: tsx's transform would add helpers the page does not have.
    await context.addInitScript(`
      window.__longTasks = [];
      window.__frames = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            const scripts = e.scripts.filter((x) => x.duration > 5).map((x) => x.invokerType + ' ' + (x.invoker || '').slice(0, 60) + ' ' + (x.sourceURL || '').split('/').pop() + ' ' + Math.round(x.duration) + ' ms');
            window.__frames.push({ start: e.startTime, duration: e.duration, scripts });
          }
        }).observe({ type: 'long-animation-frame', buffered: true });
      } catch {}
    `);
    const page = await context.newPage();
    page.on('crash', () => console.error('The page crashed.'));
    page.on('pageerror', (e) => console.error(`Page error: ${e.message}`));

    // Setup: open the dataset, put benchmark (b) in the editor, run it once (this leaves a checkpoint).
    console.log(`Setting up: bench (b) over ${BARS.toLocaleString('en-US')} bars...`);
    await runBenchB(page, `${BASE}/?dataset=${DATASET}`, BARS);
    const titles = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotTitles());
    if (titles.length !== 19) throw new Error(`Expected bench (b)'s 19 plots, got ${titles.length}.`);
    const snap = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().snapshots[0]);
    const snapBytes = await page.evaluate(() => document.querySelector('[data-testid="snapshot-row"] td:nth-child(3)')?.textContent ?? '');

    const cold: Sample[] = [];
    const warm: Sample[] = [];
    for (let i = 0; i < REPEATS; i++) {
      cold.push(await measure(page, '&restore=0', 'done', FORGET_LAYOUT));
      warm.push(await measure(page, '', 'restored'));
      const c = cold[i];
      const tasks = c ? c.longTasks.filter((t) => t.start + t.duration > c.reset && t.start < c.drawn).map((t) => `${Math.round(t.start - c.reset)}+${Math.round(t.duration)}`) : [];
      console.log(`  run ${i + 1}: cold ${Math.round(c?.drawn ?? NaN)} ms, restore ${Math.round(warm[i]?.drawn ?? NaN)} ms; cold long tasks (ms after reset + duration, run ends at ${Math.round((c?.runEnd ?? NaN) - (c?.reset ?? NaN))}): ${tasks.join(' ') || 'none'}`);
    }
    await browser.close();

    const breakdown = (xs: Sample[]) => {
      const names = [...new Set(xs.flatMap((x) => x.marks.map((m) => m.name)))];
      const rows = names.map((name) => ({ name, ms: median(xs.flatMap((x) => x.marks.filter((m) => m.name === name).map((m) => m.ms))) }));
      return rows.sort((a, b) => a.ms - b.ms);
    };
    const coldMarks = breakdown(cold);
    const restoreMarks = breakdown(warm);
    for (const [label, rows] of [['cold', coldMarks], ['restore', restoreMarks]] as const) {
      console.log(`\nMarks, ${label} load (median ms from navigation start, step from the previous mark):`);
      let prev = 0;
      for (const r of rows) {
        console.log(`  ${r.name.padEnd(24)} ${r.ms.toFixed(1).padStart(8)}  +${(r.ms - prev).toFixed(1)}`);
        prev = r.ms;
      }
    }

    const during = cold.map((s) => s.longTasks.filter((t) => t.start + t.duration > s.reset && t.start < s.runEnd));
    const afterRun = cold.map((s) => s.longTasks.filter((t) => t.start >= s.runEnd && t.start < s.drawn));
    const maxTask = (xs: { duration: number }[][]) => Math.max(0, ...xs.flat().map((t) => t.duration));
    const result = {
      date: new Date().toISOString(),
      bars: BARS,
      repeats: REPEATS,
      forgetLayout: FORGET_LAYOUT,
      snapshot: { bar: snap?.bar ?? null, size: snapBytes },
      coldDrawnMs: median(cold.map((s) => s.drawn)),
      coldRunMs: median(cold.map((s) => s.runEnd - s.reset)),
      coldReadyMs: median(cold.map((s) => s.ready)),
      coldEngineDoneMs: median(cold.map((s) => s.runEnd)),
      restoreDrawnMs: median(warm.map((s) => s.drawn)),
      restoreReadyMs: median(warm.map((s) => s.ready)),
      restoreEngineDoneMs: median(warm.map((s) => s.runEnd)),
      speedup: median(cold.map((s) => s.drawn)) / median(warm.map((s) => s.drawn)),
      longestTaskDuringColdRunMs: maxTask(during),
      tasksOver100DuringColdRun: during.flat().filter((t) => t.duration > 100).length,
      longestTaskAfterRunMs: maxTask(afterRun),
      longestTaskDuringRestoreLoadMs: maxTask(warm.map((s) => s.longTasks)),
      marks: { cold: coldMarks, restore: restoreMarks },
      samples: { cold, restore: warm },
    };
    mkdirSync(new URL('../reports/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../reports/bench-browser.json', import.meta.url), JSON.stringify(result, null, 2));
    const ms = (x: number) => `${Math.round(x)} ms`;
    console.log(`
| bench (b), ${BARS.toLocaleString('en-US')} bars × 19 plots, median of ${REPEATS} loads${FORGET_LAYOUT ? ' (cold loads without the remembered chart layout)' : ''} | cold load (history run) | load restoring the checkpoint |
|---|---|---|
| page load → engine ready (session open) | ${ms(result.coldReadyMs)} | ${ms(result.restoreReadyMs)} |
| page load → all plot values on the page | ${ms(result.coldEngineDoneMs)} (history run ${ms(result.coldRunMs)}) | ${ms(result.restoreEngineDoneMs)} |
| page load → chart fully drawn | **${ms(result.coldDrawnMs)}** | **${ms(result.restoreDrawnMs)}** (${result.speedup.toFixed(1)}× faster) |
| longest main-thread task during the history run | ${ms(result.longestTaskDuringColdRunMs)} (${result.tasksOver100DuringColdRun} over 100 ms in ${REPEATS} runs) | — |
| longest main-thread task drawing after the run / in the whole restoring load | ${ms(result.longestTaskAfterRunMs)} | ${ms(result.longestTaskDuringRestoreLoadMs)} |
`);
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}

await main();
