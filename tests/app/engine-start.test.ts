/// <reference lib="dom" />
// The engine opening the session before the page's init() arrives (the worker reads the page's
// options from its name): what it sends meanwhile reaches the page once init() brings the listener,
// in order and complete, and the run it started is the one the page sees. Plot values are checked
// against closes read here from the sample CSV.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../app/worker/engine.js';
import { Store } from '../../app/store/store.js';
import { initOptionsFromWorkerName, workerName, type InitOptions } from '../../app/worker/protocol.js';
import { BASE_URL, engineList, FakePage } from './engine-harness.js';

const CLOSES = readFileSync(new URL('../../public/samples/sp500-daily-2000-2020.csv', import.meta.url), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => Number(l.split(',')[4]));
const N = CLOSES.length;

let seq = 0;
const engines = engineList();
const newDb = () => `engine-start-test-${++seq}-${Date.now()}`;

function engineFor(db: string): Engine {
  const e = new Engine(undefined, () => Store.open(db));
  engines.push(e);
  return e;
}

describe('worker name', () => {
  it('carries the page options and nothing else', () => {
    const opts: InitOptions = { baseUrl: 'http://x.test/app/', restore: false, datasetId: 'synthetic:5000', sample: 'rsi.pine' };
    expect(initOptionsFromWorkerName(workerName(opts))).toEqual(opts);
    expect(initOptionsFromWorkerName(workerName({ baseUrl: 'http://x.test/' }))).toEqual({ baseUrl: 'http://x.test/' });
    expect(initOptionsFromWorkerName('evergreen-engine')).toBeNull();
    expect(initOptionsFromWorkerName('evergreen-engine {not json')).toBeNull();
    expect(initOptionsFromWorkerName('evergreen-engine {"restore":true}')).toBeNull();
    expect(initOptionsFromWorkerName('other {"baseUrl":"http://x.test/"}')).toBeNull();
  });
});

describe('starting before init()', () => {
  it('holds the first run until the page attaches, then hands it over whole and in order', async () => {
    const db = newDb();
    const engine = engineFor(db);
    engine.start({ baseUrl: BASE_URL });
    // The page is slow to attach: the first run over the sample data may well be done by then.
    await new Promise((r) => setTimeout(r, 300));
    const page = new FakePage();
    const session = await engine.init(page.listener, { baseUrl: BASE_URL });
    expect(session.datasetId).toBe('sample:sp500-daily');
    const end = await page.settled();
    expect(end.status).toBe('done');
    const types = page.events.map((e) => e.type);
    expect(types.filter((t) => t === 'reset')).toHaveLength(1);
    expect(types.indexOf('reset')).toBeLessThan(types.indexOf('outputs'));
    expect(page.buffer.barCount).toBe(N);
    expect(page.buffer.rowCount).toBe(N);
    // Bar closes as the page holds them are the CSV's, first to last, and the sample's Bollinger
    // basis is the 20-bar mean of them.
    expect(Array.from(page.buffer.close.data.subarray(0, page.buffer.barCount))).toEqual(CLOSES);
    const basis = page.values('BB basis');
    expect(basis[18]).toBeNull();
    for (const i of [19, 1000, N - 1]) {
      const mean = CLOSES.slice(i - 19, i + 1).reduce((a, b) => a + b, 0) / 20;
      expect(basis[i]).toBeCloseTo(mean, 8);
    }
  });

  it('restores on the next start and the page gets the restored run, not a second one', async () => {
    const db = newDb();
    const first = engineFor(db);
    const p1 = new FakePage();
    await first.init(p1.listener, { baseUrl: BASE_URL });
    await p1.settled();
    await p1.until('the checkpoint', () => p1.checkpointBar === N - 1);
    await first.dispose();

    const second = engineFor(db);
    second.start({ baseUrl: BASE_URL });
    const p2 = new FakePage();
    await second.init(p2.listener, { baseUrl: BASE_URL });
    const end = await p2.settled();
    expect(end.status).toBe('restored');
    expect(end.lastBar).toBe(N - 1);
    expect(p2.events.filter((e) => e.type === 'reset')).toHaveLength(1);
    expect(p2.events.some((e) => e.type === 'progress' && e.phase === 'history')).toBe(false);
    const mean = CLOSES.slice(N - 20).reduce((a, b) => a + b, 0) / 20;
    expect(p2.values('BB basis')[N - 1]).toBeCloseTo(mean, 8);
  });

  it('opens what init() asks for when it differs from what start() was given', async () => {
    const db = newDb();
    const engine = engineFor(db);
    engine.start({ baseUrl: BASE_URL, datasetId: 'synthetic:2000' });
    const page = new FakePage();
    const session = await engine.init(page.listener, { baseUrl: BASE_URL, datasetId: 'sample:sp500-daily' });
    expect(session.datasetId).toBe('sample:sp500-daily');
    await page.until('a run over the sample data', () => page.lastEnd !== null && page.buffer.barCount === N && !page.lastEnd.resumes);
    expect(page.lastEnd?.lastBar).toBe(N - 1);
  });
});
