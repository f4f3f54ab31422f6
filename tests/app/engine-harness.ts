/// <reference lib="dom" />
// A stand-in for the page in Node tests of the engine: serves public/ to fetch, collects the
// engine's events into a PlotBuffer as the page does, and waits for conditions on them.

import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, vi } from 'vitest';
import { Engine } from '../../app/worker/engine.js';
import { Store } from '../../app/store/store.js';
import { PlotBuffer } from '../../app/ui/chart/plot-buffer.js';
import type { EngineEvent, InitOptions, SessionView } from '../../app/worker/protocol.js';

export const BASE_URL = 'http://app.test/';
const PUBLIC = new URL('../../public/', import.meta.url);

/** fetch() for the samples the engine loads: http://app.test/x is public/x. */
export async function fetchPublic(input: string | URL | Request): Promise<Response> {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  try {
    return new Response(readFileSync(new URL(`.${url.pathname}`, PUBLIC)));
  } catch {
    return new Response('not found', { status: 404 });
  }
}

/** The engines a test file starts (push each one): fetch serves public/ from the file's start, and
 * every engine is disposed after each test. Call it at the file's top level. */
export function engineList(): Engine[] {
  const engines: Engine[] = [];
  beforeAll(() => {
    vi.stubGlobal('fetch', fetchPublic);
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.dispose().catch(() => undefined);
  });
  return engines;
}

export class FakePage {
  readonly events: EngineEvent[] = [];
  readonly buffer = new PlotBuffer();
  runId = 0;
  barIndex = -1;
  lastEnd: Extract<EngineEvent, { type: 'run-end' }> | null = null;
  checkpointBar: number | null = null;
  engine: Engine | null = null;

  readonly listener = (e: EngineEvent): void => {
    this.events.push(e);
    switch (e.type) {
      case 'reset':
        this.runId = e.runId;
        this.buffer.reset(e.program, e.bars);
        this.barIndex = -1;
        this.lastEnd = null;
        break;
      case 'outputs':
        if (e.runId === this.runId) this.buffer.appendOutputs(e.chunk);
        // As the page does once it has painted a restore drawn from its last candles.
        if (e.runId === this.runId && this.buffer.barsFrom > 0) void this.engine?.chartDrawn(e.runId);
        break;
      case 'bars':
        if (e.runId === this.runId) this.buffer.appendBars(e.bars);
        break;
      case 'feed':
        if (e.runId !== this.runId) break;
        this.buffer.appendBars(e.bars);
        this.buffer.appendOutputs(e.outputs);
        this.buffer.setOpen(e.open);
        if (e.outputs.length > 0) this.barIndex = e.outputs.firstBar + e.outputs.length - 1;
        break;
      case 'run-end':
        if (e.runId !== this.runId) break;
        this.lastEnd = e;
        this.barIndex = e.lastBar;
        break;
      case 'checkpoint':
        this.checkpointBar = e.bar;
        break;
      default:
        break;
    }
  };

  notices(code?: string): string[] {
    return this.events.flatMap((e) => (e.type === 'notice' && (code === undefined || e.code === code) ? [e.message] : []));
  }

  /** Values of an output's first channel for bars [0, rowCount), na as null. */
  values(title: string): (number | null)[] {
    const id = this.buffer.outputIdByTitle(title);
    const col = this.buffer.column(id, 0);
    const out: (number | null)[] = [];
    for (let i = 0; i < this.buffer.rowCount; i++) {
      const v = col?.[i] ?? NaN;
      out.push(Number.isNaN(v) ? null : v);
    }
    return out;
  }

  async until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** A history run or restore finished and nothing follows (no resumed history). */
  async settled(timeoutMs = 30_000): Promise<Extract<EngineEvent, { type: 'run-end' }>> {
    await this.until('the run to end', () => this.lastEnd !== null && !this.lastEnd.resumes, timeoutMs);
    const end = this.lastEnd;
    if (!end) throw new Error('no run-end');
    return end;
  }
}

export async function boot(dbName: string, opts: Partial<InitOptions> = {}): Promise<{ engine: Engine; page: FakePage; session: SessionView }> {
  const page = new FakePage();
  const engine = new Engine(undefined, () => Store.open(dbName));
  page.engine = engine;
  const session = await engine.init(page.listener, { baseUrl: BASE_URL, ...opts });
  return { engine, page, session };
}
