// A symbol file (TOML, as the CLI's --symbol) imported for an imported dataset: its timezone and
// sessions set the days (TradingView's FX days start at 17:00 New York, not at 00:00 UTC), and the
// dataset's checkpoints, made with the old symbol, are deleted. A file for a ticker without a
// dataset, or a broken one, is refused saying why. An exported checkpoint (.evergreen) carries the
// symbol file with the bars, so another browser gets the same days. Expected day starts by hand from the bar times.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boot, engineList, type FakePage } from './engine-harness.js';
import { Packr } from 'msgpackr';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../vm/index.js';

const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

const ROOT = new URL('../..', import.meta.url).pathname;
const EURUSD = readFileSync(`${ROOT}tests/fixtures/ohlcv/eurusd-1h-2022-2025.csv`, 'utf8').trim().split('\n').slice(0, 201).join('\n');
const TOML = readFileSync(`${ROOT}tests/fixtures/tradingview/ta/vwap.toml`);
const SCRIPT = '//@version=6\nindicator("days")\nplot(time("1D"), "day")\nplot(syminfo.timezone == "US/Eastern" ? 1 : 0, "ny")\n';

const engines = engineList();

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

  it('an exported checkpoint carries the symbol file: another browser imports it with the same days', async () => {
    const { engine, page } = await boot(`symfile-export-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    const r = await engine.importCsv('EURUSD.csv', new TextEncoder().encode(EURUSD));
    expect(r.ok).toBe(true);
    expect((await engine.importCsv('eurusd.toml', TOML)).ok).toBe(true);
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the run with the symbol file', () => page.lastEnd?.status === 'done' && page.checkpointBar === 199 && page.values('ny')[0] === 1);
    const days = page.values('day');
    const snap = (await engine.listSnapshots()).find((m) => m.bar === 199 && m.datasetId === r.datasetId);
    expect(snap).toBeDefined();
    const file = await engine.exportSnapshot(snap?.id ?? '');
    const decoded = decodeCheckpointFile(file.bytes);
    expect(decoded.dataset?.symbol).toBe(TOML.toString('utf8'));

    // Another browser (empty storage): the file alone brings bars, symbol and rows.
    const other = await boot(`symfile-export-other-${Date.now()}`);
    engines.push(other.engine);
    await other.page.settled();
    const back = await other.engine.importSnapshot('days.evergreen', file.bytes);
    expect(back.ok, back.message).toBe(true);
    await other.page.until('the imported run', () => other.page.lastEnd !== null && other.page.barIndex === 199);
    expect(other.page.values('day')).toEqual(days);
    expect(other.page.values('ny')[0]).toBe(1);
    // Run again from bar 0 there: the dataset itself has the symbol (days from 17:00 New York).
    const before = other.page.runId;
    await other.engine.run();
    await other.page.until('the cold run', () => other.page.runId > before && other.page.lastEnd?.status === 'done' && other.page.barIndex === 199);
    expect(other.page.values('day')).toEqual(days);
    const ny = newDays(other.page);
    expect(ny.length).toBeGreaterThan(5);
    for (const i of ny) expect(nyHour(other.page.values('day')[i] as number)).toBe(17);
  }, 60_000);

  it('an older (version 2) checkpoint file, which names no symbol file, still reads', () => {
    const raw = packr.unpack(
      encodeCheckpointFile({
        run: { bar: 0, scriptName: 'S', source: 'plot(close)', inputs: {}, datasetId: 'csv:x', datasetName: 'x', replayFrom: null, totalBars: 1, barsDigest: null },
        snapshot: Uint8Array.of(1),
        outputs: { time: Float64Array.of(0), columns: [] },
        dataset: { name: 'x', fileName: 'x.csv', timeframe: '1D', time: Float64Array.of(0), open: Float64Array.of(1), high: Float64Array.of(1), low: Float64Array.of(1), close: Float64Array.of(1), volume: Float64Array.of(1), symbol: '[symbol]\nticker = "X"\n' },
      }),
    ) as { version: number; run: Record<string, unknown>; dataset: Record<string, unknown> };
    expect(raw.version).toBe(3);
    expect(decodeCheckpointFile(new Uint8Array(packr.pack(raw))).dataset?.symbol).toBe('[symbol]\nticker = "X"\n');
    // Version 2: no plot digest, no symbol file (a stray field is not read).
    raw.version = 2;
    delete raw.run.outputsDigest;
    expect(decodeCheckpointFile(new Uint8Array(packr.pack(raw))).dataset?.symbol).toBeNull();
    raw.version = 4;
    expect(() => decodeCheckpointFile(new Uint8Array(packr.pack(raw)))).toThrow('Unsupported checkpoint file version 4: this version of Evergreen reads versions 1 to 3 (the file was made by a newer Evergreen: update this one to import it).');
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
