// A symbol file (TOML, as the CLI's --symbol) imported for an imported dataset: its timezone and
// sessions set the days (TradingView's FX days start at 17:00 New York, not at 00:00 UTC), and the
// dataset's checkpoints, made with the old symbol, are deleted. A file for a ticker without a
// dataset, or a broken one, is refused saying why. Expected day starts by hand from the bar times.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { boot, fetchPublic, type FakePage } from './engine-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const EURUSD = readFileSync(`${ROOT}tests/fixtures/ohlcv/eurusd-1h-2022-2025.csv`, 'utf8').trim().split('\n').slice(0, 201).join('\n');
const TOML = readFileSync(`${ROOT}tests/fixtures/tradingview/ta/vwap.toml`);
const SCRIPT = '//@version=6\nindicator("days")\nplot(time("1D"), "day")\nplot(syminfo.timezone == "US/Eastern" ? 1 : 0, "ny")\n';

const engines: Engine[] = [];
beforeAll(() => {
  vi.stubGlobal('fetch', fetchPublic);
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose().catch(() => undefined);
});

/** The bars on which a new day starts (the day's start time changes). */
function newDays(page: FakePage): number[] {
  const day = page.values('day');
  const out: number[] = [];
  for (let i = 1; i < day.length; i++) if (day[i] !== day[i - 1]) out.push(i);
  return out;
}
const nyHour = (ms: number): number => Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(ms));

describe('a symbol file for an imported dataset', () => {
  it('moves the day boundary from 00:00 UTC to the FX session start in New York', async () => {
    const { engine, page } = await boot(`symfile-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    const r = await engine.importCsv('EURUSD.csv', new TextEncoder().encode(EURUSD));
    expect(r.ok).toBe(true);
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the UTC run', () => page.lastEnd?.status === 'done' && page.buffer.outputIdByTitle('ny') >= 0 && page.checkpointBar === 199);
    // Without a symbol file: 24x7 UTC, a day starts on each bar at 00:00 UTC.
    const utc = newDays(page);
    expect(utc.length).toBeGreaterThan(5);
    for (const i of utc) expect((page.values('day')[i] as number) % 86_400_000).toBe(0);
    expect(page.values('ny')[0]).toBe(0);
    const old = (await engine.listSnapshots()).filter((m) => m.datasetId === r.datasetId).map((m) => m.id);
    expect(old.length).toBeGreaterThan(0);

    const before = page.runId;
    const s = await engine.importCsv('eurusd.toml', TOML);
    expect(s.ok, s.message).toBe(true);
    expect(s.message).toContain('Applied eurusd.toml (EURUSD) to EURUSD');
    await page.until('the run with the symbol file', () => page.runId > before && page.lastEnd?.status === 'done');
    expect(page.values('ny')[0]).toBe(1);
    // With it: each day starts at 17:00 New York (22:00 UTC in winter), none at 00:00 UTC.
    const ny = newDays(page);
    expect(ny.length).toBeGreaterThan(5);
    for (const i of ny) expect(nyHour(page.values('day')[i] as number)).toBe(17);
    // The checkpoints made with the old symbol went; the new run makes its own.
    await page.until('the new checkpoint', () => page.checkpointBar === 199);
    const mine = (await engine.listSnapshots()).filter((m) => m.datasetId === r.datasetId);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.some((m) => old.includes(m.id))).toBe(false);
  });

  it('refuses a symbol file whose ticker has no dataset, and a broken one, saying why', async () => {
    const { engine, page } = await boot(`symfile-none-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    const r = await engine.importCsv('eurusd.toml', TOML);
    expect(r.ok).toBe(false);
    expect(r.message).toBe('eurusd.toml describes EURUSD, and no imported dataset has that ticker: import its bars first (a CSV file named EURUSD.csv), then the symbol file.');
    const bad = await engine.importCsv('bad.toml', new TextEncoder().encode('[symbol]\nticker = "EURUSD"\ntimezone = "Mars/Olympus"\n'));
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/^bad\.toml: symbol file line \d+/);
  });
});
