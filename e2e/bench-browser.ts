// `npm run bench:browser`: benchmark (b) (bench/scripts/b.pine, 19 plots) over 100k synthetic
// 1-minute bars in the built app, in Debian's Chromium. Measures, from the start of a page load to
// a fully drawn chart: a cold load (`?restore=0`: the history runs in the worker) against a load
// that restores the newest checkpoint (snapshot + stored plot rows, no history run); and the main
// thread's long tasks (> 50 ms, PerformanceObserver 'longtask') during the cold run, with the long
// animation frames and the scripts in them. Prints a Markdown table and writes
// reports/bench-browser.json. BENCH_BARS, BENCH_REPEATS, BENCH_FORGET_LAYOUT: see below.
// BENCH_COMPARE=1 instead measures restoring loads at 10k and at 1M bars (issue 11, item 12),
// alternating with each other and the floor page in the same run, and prints their ratios
// (reports/bench-browser-compare.json).

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { launchBenchBrowser, runBenchB, serveBenchBuild, waitDrawn } from './helpers.js';
import { FLOOR_FILES, FLOOR_CONFIGS, chartSize, measureFloor, measureFloorChart } from './floor-pages.js';

const PORT = Number(process.env.BENCH_PORT ?? 4174);
const BASE = `http://127.0.0.1:${PORT}`;
const BARS = Number(process.env.BENCH_BARS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
/** BENCH_FORGET_LAYOUT=1: each cold load starts without the chart layout the page remembers from
 * the previous load (as on a first visit), so the chart is laid out when the run starts. */
const FORGET_LAYOUT = process.env.BENCH_FORGET_LAYOUT === '1';
const DATASET = `synthetic:${BARS}`;
const COMPARE = process.env.BENCH_COMPARE === '1';
/** BENCH_SKIP_COLD=1: only restoring loads and the floor page, alternating (no cold loads). */
const SKIP_COLD = process.env.BENCH_SKIP_COLD === '1';
const COMPARE_SIZES = [10_000, 1_000_000];

interface Sample {
  /** ms from navigation start to the chart fully drawn. */
  drawn: number;
  /** A restore drawn from the page's own read of storage: when the engine's rows were found equal
   * to what it drew (NaN otherwise). */
  confirmed: number;
  /** When the chart library painted it (later than `drawn` when the page's first frame, drawn
   * without the library, showed it first). */
  libraryDrawn: number;
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

async function measure(page: Page, query: string, status: string, forgetLayout = false, dataset = DATASET): Promise<Sample> {
  if (forgetLayout) await page.evaluate(() => localStorage.removeItem('evergreen.restore-shown'));
  await page.goto(`${BASE}/?dataset=${dataset}${query}`);
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
    return { drawn: t.drawn, confirmed: t.confirmed ?? NaN, libraryDrawn: t.libraryDrawn ?? NaN, ready: t.ready, reset: t.reset, runEnd: t.runEnd, longTasks: w.__longTasks.slice(), frames: w.__frames.slice(), marks };
  });
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** BENCH_COMPARE=1: restoring loads of bench (b) at 10k and 1M bars and the floor page, in turn,
 * REPEATS rounds (after a run of each size has left its checkpoint). */
async function compareSizes(page: Page): Promise<void> {
  for (const n of COMPARE_SIZES) {
    console.log(`Setting up: bench (b) over ${n.toLocaleString('en-US')} bars...`);
    await runBenchB(page, `${BASE}/?dataset=synthetic:${n}`, n);
  }
  const size = await chartSize(page);
  await page.goto(`${BASE}/__floor/index.html?setup`);
  await page.waitForFunction(() => (window as unknown as { __floorDrawn?: number }).__floorDrawn === 1);
  const loadBefore = load();
  const restores: Sample[][] = COMPARE_SIZES.map(() => []);
  const floor: number[] = [];
  const floorChart: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    // Each round alternates the order of the two sizes, so neither always follows the floor page.
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const k of order) restores[k]?.push(await measure(page, '', 'restored', false, `synthetic:${COMPARE_SIZES[k]}`));
    floor.push(await measureFloor(page, BASE));
    floorChart.push(await measureFloorChart(page, BASE, size));
    console.log(`  round ${i + 1}: ${COMPARE_SIZES.map((n, k) => `${n.toLocaleString('en-US')} bars ${Math.round(restores[k]?.[i]?.drawn ?? NaN)} ms`).join(', ')}, floor ${Math.round(floor[i] ?? NaN)} ms, library floor ${Math.round(floorChart[i] ?? NaN)} ms`);
  }
  const loadAfter = load();
  const drawn = restores.map((xs) => median(xs.map((x) => x.drawn)));
  const fl = median(floor);
  const flc = median(floorChart);
  const perRound = (restores[1] ?? []).map((x, i) => x.drawn / (restores[0]?.[i]?.drawn ?? NaN));
  for (const [k, n] of COMPARE_SIZES.entries()) {
    console.log(`\nMarks, restoring load at ${n.toLocaleString('en-US')} bars (median ms from navigation start, step from the previous mark):`);
    const xs = restores[k] ?? [];
    const names = [...new Set(xs.flatMap((x) => x.marks.map((m) => m.name)))];
    const rows = names.map((name) => ({ name, ms: median(xs.flatMap((x) => x.marks.filter((m) => m.name === name).map((m) => m.ms))) })).sort((a, b) => a.ms - b.ms);
    let prev = 0;
    for (const r of rows) {
      console.log(`  ${r.name.padEnd(24)} ${r.ms.toFixed(1).padStart(8)}  +${(r.ms - prev).toFixed(1)}`);
      prev = r.ms;
    }
  }
  const result = {
    date: new Date().toISOString(),
    loadAverage: { before: loadBefore, after: loadAfter },
    repeats: REPEATS,
    sizes: COMPARE_SIZES,
    restoreDrawnMs: drawn,
    restoreSamplesMs: restores.map((xs) => xs.map((x) => x.drawn)),
    floorDrawnMs: fl,
    floorSamplesMs: floor,
    ratio1MTo10k: (drawn[1] ?? NaN) / (drawn[0] ?? NaN),
    ratioPerRound: perRound,
    restoreToFloor: drawn.map((d) => d / fl),
    floorChartDrawnMs: flc,
    floorChartSamplesMs: floorChart,
    restoreToFloorChart: drawn.map((d) => d / flc),
    longestTaskMs: restores.map((xs) => Math.max(0, ...xs.flatMap((x) => x.longTasks.map((t) => t.duration)))),
    samples: restores,
  };
  mkdirSync(new URL('../reports/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../reports/bench-browser-compare.json', import.meta.url), JSON.stringify(result, null, 2));
  const ms = (x: number) => `${Math.round(x)} ms`;
  const range = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
  console.log(`
Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}

| bench (b) × 19 plots, restoring load, median of ${REPEATS} (alternating) | ${COMPARE_SIZES.map((n) => `${n.toLocaleString('en-US')} bars`).join(' | ')} | 1M ÷ 10k |
|---|---|---|---|
| chart painted by the chart library | ${restores.map((xs) => ms(median(xs.map((x) => x.libraryDrawn)))).join(' | ')} | — |
| page load → chart fully drawn | ${drawn.map((d, k) => `**${ms(d)}** (${range(result.restoreSamplesMs[k] ?? [])})`).join(' | ')} | **${result.ratio1MTo10k.toFixed(2)}×** (per round: ${perRound.map((r) => r.toFixed(2)).join(', ')}) |
| floor page (worker + one IndexedDB read + one canvas) | ${ms(fl)} (${range(floor)}) | same | — |
| restoring load ÷ floor | ${result.restoreToFloor.map((r) => `${r.toFixed(2)}×`).join(' | ')} | — |
| library floor (worker + the app's IndexedDB read + lightweight-charts, ${size.w}×${size.h}) | ${ms(flc)} (${range(floorChart)}) | same | — |
| restoring load ÷ library floor | ${result.restoreToFloorChart.map((r) => `${r.toFixed(2)}×`).join(' | ')} | — |
| longest main-thread task in the load | ${result.longestTaskMs.map(ms).join(' | ')} | — |
`);
}

async function main(): Promise<void> {
  console.log('Building the app...');
  const server = await serveBenchBuild(PORT, { files: FLOOR_FILES(), configs: FLOOR_CONFIGS });
  try {
    const browser = await launchBenchBrowser();
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

    if (COMPARE) {
      await compareSizes(page);
      await browser.close();
      return;
    }

    // Setup: open the dataset, put benchmark (b) in the editor, run it once (this leaves a checkpoint).
    console.log(`Setting up: bench (b) over ${BARS.toLocaleString('en-US')} bars...`);
    await runBenchB(page, `${BASE}/?dataset=${DATASET}`, BARS);
    const titles = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotTitles());
    if (titles.length !== 19) throw new Error(`Expected bench (b)'s 19 plots, got ${titles.length}.`);
    const snap = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().snapshots[0]);
    const snapBytes = await page.evaluate(() => document.querySelector('[data-testid="snapshot-row"] td:nth-child(3)')?.textContent ?? '');
    const size = await chartSize(page);

    await page.goto(`${BASE}/__floor/index.html?setup`);
    await page.waitForFunction(() => (window as unknown as { __floorDrawn?: number }).__floorDrawn === 1);

    const cold: Sample[] = [];
    const warm: Sample[] = [];
    const floor: number[] = [];
    const floorChart: number[] = [];
    const loadBefore = load();
    for (let i = 0; i < REPEATS; i++) {
      if (!SKIP_COLD) cold.push(await measure(page, '&restore=0', 'done', FORGET_LAYOUT));
      warm.push(await measure(page, '', 'restored'));
      floor.push(await measureFloor(page, BASE));
      floorChart.push(await measureFloorChart(page, BASE, size));
      const c = cold[i];
      const tasks = c ? c.longTasks.filter((t) => t.start + t.duration > c.reset && t.start < c.drawn).map((t) => `${Math.round(t.start - c.reset)}+${Math.round(t.duration)}`) : [];
      console.log(`  run ${i + 1}: cold ${Math.round(c?.drawn ?? NaN)} ms, restore ${Math.round(warm[i]?.drawn ?? NaN)} ms, floor ${Math.round(floor[i] ?? NaN)} ms, library floor ${Math.round(floorChart[i] ?? NaN)} ms; cold long tasks (ms after reset + duration, run ends at ${Math.round((c?.runEnd ?? NaN) - (c?.reset ?? NaN))}): ${tasks.join(' ') || 'none'}`);
    }
    const loadAfter = load();
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
      loadAverage: { before: loadBefore, after: loadAfter },
      bars: BARS,
      repeats: REPEATS,
      forgetLayout: FORGET_LAYOUT,
      snapshot: { bar: snap?.bar ?? null, size: snapBytes },
      coldDrawnMs: median(cold.map((s) => s.drawn)),
      coldRunMs: median(cold.map((s) => s.runEnd - s.reset)),
      coldReadyMs: median(cold.map((s) => s.ready)),
      coldEngineDoneMs: median(cold.map((s) => s.runEnd)),
      restoreDrawnMs: median(warm.map((s) => s.drawn)),
      restoreConfirmedMs: median(warm.map((s) => s.confirmed)),
      restoreLibraryDrawnMs: median(warm.map((s) => s.libraryDrawn)),
      restoreToFloor: median(warm.map((s) => s.drawn)) / median(floor),
      restoreSamplesMs: warm.map((s) => s.drawn),
      restoreReadyMs: median(warm.map((s) => s.ready)),
      restoreEngineDoneMs: median(warm.map((s) => s.runEnd)),
      speedup: median(cold.map((s) => s.drawn)) / median(warm.map((s) => s.drawn)),
      floorDrawnMs: median(floor),
      floorSamplesMs: floor,
      floorChartDrawnMs: median(floorChart),
      floorChartSamplesMs: floorChart,
      restoreToFloorChart: median(warm.map((s) => s.drawn)) / median(floorChart),
      chartSize: size,
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
Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}

| bench (b), ${BARS.toLocaleString('en-US')} bars × 19 plots, median of ${REPEATS} loads${FORGET_LAYOUT ? ' (cold loads without the remembered chart layout)' : ''} | cold load (history run) | load restoring the checkpoint |
|---|---|---|
| page load → engine ready (session open) | ${ms(result.coldReadyMs)} | ${ms(result.restoreReadyMs)} |
| page load → all plot values on the page | ${ms(result.coldEngineDoneMs)} (history run ${ms(result.coldRunMs)}) | ${ms(result.restoreEngineDoneMs)} |
| page load → chart fully drawn | **${ms(result.coldDrawnMs)}** | **${ms(result.restoreDrawnMs)}** (${result.speedup.toFixed(1)}× faster) |
| restore drawn from the page's read of storage, found equal to the engine's rows at | — | ${ms(result.restoreConfirmedMs)} |
| the same chart painted by the chart library (replacing the page's first frame) | — | ${ms(result.restoreLibraryDrawnMs)} |
| floor: page + worker + IndexedDB read + one canvas drawn, nothing else | — | ${ms(result.floorDrawnMs)} (cold ÷ floor: ${(result.coldDrawnMs / result.floorDrawnMs).toFixed(1)}×; restore ÷ floor: ${result.restoreToFloor.toFixed(2)}×) |
| library floor: worker + the app's IndexedDB read + the same rows drawn with lightweight-charts (${size.w}×${size.h}), nothing else of the app | — | ${ms(result.floorChartDrawnMs)} (restore ÷ library floor: ${result.restoreToFloorChart.toFixed(2)}×) |
| longest main-thread task during the history run | ${ms(result.longestTaskDuringColdRunMs)} (${result.tasksOver100DuringColdRun} over 100 ms in ${REPEATS} runs) | — |
| longest main-thread task drawing after the run / in the whole restoring load | ${ms(result.longestTaskAfterRunMs)} | ${ms(result.longestTaskDuringRestoreLoadMs)} |
`);
  } finally {
    server.stop();
  }
}

await main();
