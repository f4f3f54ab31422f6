// `node --import tsx e2e/bench-restore-cpu.ts`: a restoring load of the app against the floor pages
// (e2e/floor-pages.ts) in CPU time rather than wall time, for a shared machine where wall times
// scatter with the load of other processes. Bench (b) over BENCH_BARS synthetic bars (default
// 100,000), as `npm run bench:browser`; then BENCH_REPEATS rounds (default 8) of one restoring load,
// one bare floor and one library floor load, in a rotating order, each recorded in a Chrome trace
// ('toplevel' tasks with their thread CPU time). For each load, from navigation start to the page's
// drawn time: wall ms, CPU ms of the page's main thread, of its workers, and of every thread of the
// browser's processes (renderer, GPU, network, browser). Prints medians and their ratios, and the
// load average; writes reports/bench-restore-cpu.json. BENCH_PORT (default 4176).

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { launchBenchBrowser, runBenchB, serveBenchBuild, waitDrawn } from './helpers.js';
import { FLOOR_CONFIGS, FLOOR_FILES, chartSize } from './floor-pages.js';

const PORT = Number(process.env.BENCH_PORT ?? 4176);
const BASE = `http://127.0.0.1:${PORT}`;
const BARS = Number(process.env.BENCH_BARS ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 8);
const DATASET = `synthetic:${BARS}`;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

interface Cost {
  wall: number;
  main: number;
  worker: number;
  all: number;
}

type Kind = 'restore' | 'floor' | 'library floor';

/** Loads `url`, waits until `drawn()` gives the drawn time, and sums the thread CPU time of the
 * top-level tasks between navigation start and then (tasks cut at the end count in proportion). */
async function traced(page: Page, url: string, drawn: () => Promise<number>): Promise<Cost> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (p) => events.push(...(p.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['toplevel', 'blink.user_timing', '__metadata'] } });
  await page.goto(url);
  const wall = await drawn();
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name) names.set(`${e.pid}:${e.tid}`, e.args.name);
  const nav = events.filter((e) => e.name === 'navigationStart').sort((a, b) => b.ts - a.ts)[0];
  if (!nav) throw new Error('No navigationStart in the trace.');
  const renderer = nav.pid;
  const t0 = nav.ts;
  const t1 = t0 + wall * 1000;
  const cost: Cost = { wall, main: 0, worker: 0, all: 0 };
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || e.dur === undefined || e.tdur === undefined) continue;
    const a = Math.max(e.ts, t0);
    const b = Math.min(e.ts + e.dur, t1);
    if (b <= a) continue;
    const cpu = (e.tdur * (b - a)) / Math.max(1, e.dur) / 1000;
    cost.all += cpu;
    const thread = names.get(`${e.pid}:${e.tid}`) ?? '';
    if (e.pid === renderer && thread === 'CrRendererMain') cost.main += cpu;
    if (e.pid === renderer && thread.startsWith('DedicatedWorker')) cost.worker += cpu;
  }
  return cost;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const floorDrawn = (page: Page) => async () => {
  await page.waitForFunction(() => (window as unknown as { __floorDrawn?: number }).__floorDrawn, undefined, { polling: 10 });
  return page.evaluate(() => (window as unknown as { __floorDrawn: number }).__floorDrawn);
};

async function main(): Promise<void> {
  console.log('Building the app and the floor pages...');
  const server = await serveBenchBuild(PORT, { files: FLOOR_FILES(), configs: FLOOR_CONFIGS });
  try {
    const browser = await launchBenchBrowser();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`Page error: ${e.message}`));
    console.log(`Setting up: bench (b) over ${BARS.toLocaleString('en-US')} bars...`);
    await runBenchB(page, `${BASE}/?dataset=${DATASET}`, BARS);
    const size = await chartSize(page);
    await page.goto(`${BASE}/__floor/index.html?setup`);
    await page.waitForFunction(() => (window as unknown as { __floorDrawn?: number }).__floorDrawn === 1);
    const loads: Record<Kind, () => Promise<Cost>> = {
      restore: () =>
        traced(page, `${BASE}/?dataset=${DATASET}`, async () => {
          await waitDrawn(page, 'restored');
          return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.timings().drawn);
        }),
      floor: () => traced(page, `${BASE}/__floor/index.html`, floorDrawn(page)),
      'library floor': () => traced(page, `${BASE}/__floor-chart/index.html?w=${size.w}&h=${size.h}`, floorDrawn(page)),
    };
    const kinds = Object.keys(loads) as Kind[];
    const samples: Record<Kind, Cost[]> = { restore: [], floor: [], 'library floor': [] };
    const loadBefore = load();
    for (let i = 0; i < REPEATS; i++) {
      const order = kinds.map((_, k) => kinds[(k + i) % kinds.length] as Kind);
      for (const k of order) samples[k].push(await loads[k]());
      console.log(`  round ${i + 1}: ${kinds.map((k) => { const c = samples[k][i]; return `${k} ${Math.round(c?.wall ?? NaN)} ms wall / ${Math.round(c?.main ?? NaN)} ms main-thread CPU`; }).join(', ')}`);
    }
    const loadAfter = load();
    await browser.close();
    const med = (k: Kind, f: keyof Cost) => median(samples[k].map((c) => c[f]));
    const fields: [keyof Cost, string][] = [
      ['wall', 'page load → drawn, wall time'],
      ['main', 'CPU time of the page’s main thread until drawn'],
      ['worker', 'CPU time of the page’s workers until drawn'],
      ['all', 'CPU time of every browser thread until drawn'],
    ];
    const ms = (x: number) => `${Math.round(x)} ms`;
    console.log(`
Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}

| bench (b), ${BARS.toLocaleString('en-US')} bars, median of ${REPEATS} (rotating order) | restoring load | bare floor | library floor | restore ÷ bare floor | restore ÷ library floor |
|---|---|---|---|---|---|
${fields.map(([f, label]) => `| ${label} | ${ms(med('restore', f))} | ${ms(med('floor', f))} | ${ms(med('library floor', f))} | ${(med('restore', f) / med('floor', f)).toFixed(2)}× | ${(med('restore', f) / med('library floor', f)).toFixed(2)}× |`).join('\n')}
`);
    mkdirSync(new URL('../reports/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../reports/bench-restore-cpu.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), loadAverage: { before: loadBefore, after: loadAfter }, bars: BARS, repeats: REPEATS, chartSize: size, samples }, null, 2));
  } finally {
    server.stop();
  }
}

await main();
