// `node --import tsx e2e/trace-load.ts`: records a Chrome trace (DevTools timeline + JS sampling) of
// one cold load and one restoring load of the browser bench's workload (bench (b) over
// BENCH_BARS synthetic bars), and prints the main thread's tasks over 50 ms with what ran inside
// them (top-level event kinds and the hottest JS functions). Traces go to reports/trace-*.json
// (open them in DevTools' Performance panel). NO_BUILD=1 skips `vite build`; TRACE_JS=0 leaves
// out the JS sampling profiler (less overhead); ANALYSE=a.json,b.json only analyses saved traces.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { launchBenchBrowser, runBenchB, serveBenchBuild, waitDrawn } from './helpers.js';

const PORT = Number(process.env.BENCH_PORT ?? 4175);
const BASE = `http://127.0.0.1:${PORT}`;
const BARS = Number(process.env.BENCH_BARS ?? 100_000);
const DATASET = `synthetic:${BARS}`;
const root = new URL('..', import.meta.url).pathname;

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

function analyse(events: TraceEvent[], label: string): void {
  const thread = events.find((e) => e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain');
  if (!thread) {
    console.log('no renderer main thread');
    return;
  }
  const main = events.filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const nav = events.find((e) => e.name === 'navigationStart' && e.pid === thread.pid);
  const t0 = nav?.ts ?? main[0]?.ts ?? 0;
  const tasks = main.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > 50_000);
  // JS samples: ProfileChunk events (grouped by profile id) of the profile started on the main thread.
  const prof = events.find((x) => x.name === 'Profile' && x.pid === thread.pid && x.tid === thread.tid) as (TraceEvent & { id?: string }) | undefined;
  const nodes = new Map<number, { fn: string; url: string; line: number; parent?: number }>();
  const samples: { ts: number; node: number }[] = [];
  let ts = (prof?.args as { data?: { startTime?: number } } | undefined)?.data?.startTime ?? 0;
  for (const e of events as (TraceEvent & { id?: string })[]) {
    if (e.name !== 'ProfileChunk' || !prof || e.id !== prof.id || e.pid !== thread.pid) continue;
    const d = (e.args as { data?: { cpuProfile?: { nodes?: { id: number; parent?: number; callFrame: { functionName?: string; url?: string; lineNumber?: number } }[]; samples?: number[] }; timeDeltas?: number[] } }).data;
    if (!d) continue;
    for (const n of d.cpuProfile?.nodes ?? []) nodes.set(n.id, { fn: n.callFrame.functionName || '(anon)', url: (n.callFrame.url ?? '').split('/').pop() ?? '', line: n.callFrame.lineNumber ?? -1, ...(n.parent !== undefined ? { parent: n.parent } : {}) });
    const s = d.cpuProfile?.samples ?? [];
    const dt = d.timeDeltas ?? [];
    for (let i = 0; i < s.length; i++) {
      ts += dt[i] ?? 0;
      samples.push({ ts, node: s[i] as number });
    }
  }
  console.log(`\n== ${label}: ${tasks.length} main-thread tasks over 50 ms`);
  for (const t of tasks) {
    const end = t.ts + (t.dur ?? 0);
    const inner = main.filter((e) => e.ts >= t.ts && e.ts + (e.dur ?? 0) <= end && e !== t);
    const byName = new Map<string, number>();
    // Only direct-ish children: events not inside another inner event.
    for (const e of inner) byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0));
    const top = [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`);
    console.log(`- at ${((t.ts - t0) / 1000).toFixed(0)} ms, ${((t.dur ?? 0) / 1000).toFixed(1)} ms: ${top.join(', ')}`);
    const fc = inner.filter((e) => e.name === 'FunctionCall' || e.name === 'FireAnimationFrame' || e.name === 'TimerFire' || e.name === 'EventDispatch' || e.name === 'v8.callFunction');
    for (const f of fc.slice(0, 6)) {
      const d = (f.args as { data?: { functionName?: string; url?: string; lineNumber?: number; type?: string } } | undefined)?.data;
      console.log(`    ${f.name} ${((f.dur ?? 0) / 1000).toFixed(1)} ms ${d?.functionName ?? d?.type ?? ''} ${d?.url?.split('/').pop() ?? ''}:${d?.lineNumber ?? ''}`);
    }
    const inside = samples.filter((s) => s.ts >= t.ts && s.ts <= end);
    if (inside.length > 0) {
      const self = new Map<string, number>();
      const incl = new Map<string, number>();
      for (const s of inside) {
        const leaf = nodes.get(s.node);
        if (leaf) self.set(`${leaf.fn} ${leaf.url}:${leaf.line}`, (self.get(`${leaf.fn} ${leaf.url}:${leaf.line}`) ?? 0) + 1);
        const seen = new Set<string>();
        for (let n: number | undefined = s.node; n !== undefined; n = nodes.get(n)?.parent) {
          const x = nodes.get(n);
          if (!x) break;
          const k = `${x.fn} ${x.url}:${x.line}`;
          if (seen.has(k)) continue;
          seen.add(k);
          incl.set(k, (incl.get(k) ?? 0) + 1);
        }
      }
      const fmt = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${k} ${((100 * v) / inside.length).toFixed(0)}%`).join(' | ');
      console.log(`    JS self: ${fmt(self)}`);
      console.log(`    JS incl: ${fmt(incl)}`);
    }
  }
}

async function traced(page: Page, url: string, status: string, file: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (p) => chunks.push(...(p.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8.execute', 'blink.user_timing', 'loading', ...(process.env.TRACE_JS === '0' ? [] : ['disabled-by-default-v8.cpu_profiler']), 'toplevel', 'blink', 'cc', 'gpu', 'viz'],
    },
  });
  await page.goto(url);
  await waitDrawn(page, status);
  await page.waitForTimeout(300);
  await cdp.send('Tracing.end');
  await done;
  writeFileSync(file, JSON.stringify({ traceEvents: chunks }));
  analyse(chunks, url);
}

export function analyseFile(file: string): void {
  analyse((JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents, file);
}

async function main(): Promise<void> {
  const server = await serveBenchBuild(PORT, { build: !process.env.NO_BUILD });
  try {
    const browser = await launchBenchBrowser(process.env.EXTRA_FLAGS ? process.env.EXTRA_FLAGS.split(' ') : []);
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`Page error: ${e.message}`));
    await runBenchB(page, `${BASE}/?dataset=${DATASET}`, BARS);
    mkdirSync(new URL('../reports/', import.meta.url), { recursive: true });
    const n = Number(process.env.TRACE_REPEATS ?? 1);
    for (let i = 0; i < n; i++) {
      await traced(page, `${BASE}/?dataset=${DATASET}&restore=0`, 'done', `${root}reports/trace-cold.json`);
      await traced(page, `${BASE}/?dataset=${DATASET}`, 'restored', `${root}reports/trace-restore.json`);
    }
    await browser.close();
  } finally {
    server.stop();
  }
}

if (process.env.ANALYSE) for (const f of process.env.ANALYSE.split(',')) analyseFile(f);
else await main();
