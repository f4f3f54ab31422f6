// indicator()/strategy()(calc_bars_count = N) in the app: the script runs on the dataset's last N
// bars only, as if they were the whole data (bar_index 0 on the first of them), as TradingView does
// and the CLI does; replay, a reload mid-replay and the chart timeframe keep it. Expected values by
// hand: bar_index counts from 0 on the Nth bar from the end, ta.cum(1) is N on the last, and the
// closes are the CSV's last N closes.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../app/worker/engine.js';
import { boot, engineList, type FakePage } from './engine-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const LINES = readFileSync(`${ROOT}public/samples/sp500-daily-2000-2020.csv`, 'utf8').trim().split('\n');
/** Header and the first 300 daily bars. */
const DATA = `${LINES.slice(0, 301).join('\n')}\n`;
const HEADER = (LINES[0] ?? '').split(',');
const CLOSE_COL = HEADER.findIndex((h) => h.trim().toLowerCase() === 'close');
const TIME_COL = 0;
const CLOSES = LINES.slice(1, 301).map((l) => Number(l.split(',')[CLOSE_COL]));
const N = 50;
const SCRIPT = `//@version=6
indicator("Last bars", calc_bars_count = ${N})
plot(bar_index, "Bar")
plot(ta.cum(1), "Cum")
plot(close, "Close")
plot(ta.sma(close, 3), "SMA3")
`;

const engines = engineList();

async function open(db: string): Promise<{ engine: Engine; page: FakePage }> {
  const r = await boot(db);
  engines.push(r.engine);
  await r.page.settled();
  return r;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** ta.sma(close, 3) over the last N closes, by hand (na on the first two). */
const sma3 = (closes: number[]) => closes.map((_, i) => (i < 2 ? null : ((closes[i - 2] as number) + (closes[i - 1] as number) + (closes[i] as number)) / 3));
const near = (a: (number | null)[], b: (number | null)[]) => a.length === b.length && a.every((v, i) => (v === null ? b[i] === null : Math.abs(v - (b[i] ?? NaN)) < 1e-9));

describe('indicator(calc_bars_count = N) in the app', () => {
  it('runs on the last N bars only: bar_index 0 on the first, ta.cum(1) = N on the last, and says so', async () => {
    const { engine, page } = await open(`cbc-${Date.now()}`);
    const imported = await engine.importCsv('spx.csv', new TextEncoder().encode(DATA));
    expect(imported.ok).toBe(true);
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the run', () => page.lastEnd?.status === 'done' && page.buffer.outputIdByTitle('Cum') >= 0);
    const last = CLOSES.slice(-N);
    expect(page.buffer.barCount).toBe(N);
    expect(page.values('Bar')).toEqual(range(N));
    expect(page.values('Cum')).toEqual(range(N).map((i) => i + 1));
    expect(page.values('Close')).toEqual(last);
    expect(near(page.values('SMA3'), sma3(last))).toBe(true);
    // The first candle is the CSV's 251st bar.
    const firstTime = Date.parse(`${(LINES[301 - N] ?? '').split(',')[TIME_COL]}T00:00:00Z`);
    expect(page.buffer.time.data[0]).toBe(firstTime);
    const notes = page.notices('calc-bars-count');
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(n).toContain(`indicator(calc_bars_count = ${N}): the script runs on the last ${N} of the dataset's 300 bars (from 2000-12-28 00:00 UTC)`);
    // No compile warning about it any more.
    const compiled = page.events.filter((e) => e.type === 'compiled').at(-1);
    expect(compiled?.type === 'compiled' ? compiled.info.diagnostics.map((d) => d.message).join('\n') : '').not.toMatch(/calc_bars_count/);
  });

  it('a replay within the last N bars, reloaded mid-replay, ends with the values of the uninterrupted run', async () => {
    const db = `cbc-replay-${Date.now()}`;
    const { engine, page } = await open(db);
    const imported = await engine.importCsv('spx.csv', new TextEncoder().encode(DATA));
    expect(imported.ok).toBe(true);
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the run', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 1);
    // Bar 30 of the N run bars (the replay's bars count in the run's bars, as the chart shows them).
    await engine.setReplayFrom(30);
    await page.until('the replay history', () => page.lastEnd?.status === 'done' && page.checkpointBar === 29);
    expect(page.buffer.barCount).toBe(30);
    for (let i = 0; i < 5; i++) await engine.step();
    expect((await engine.checkpointNow())?.bar).toBe(34);
    await engine.dispose();
    const second = await open(db);
    expect(second.page.lastEnd?.status).toBe('restored');
    expect(second.page.lastEnd?.lastBar).toBe(34);
    expect(second.page.notices('calc-bars-count').length).toBe(1);
    await second.engine.setSpeed(0);
    await second.engine.play();
    await second.page.until('the end of the replay', () => second.page.barIndex === N - 1, 60_000);
    const last = CLOSES.slice(-N);
    expect(second.page.values('Bar')).toEqual(range(N));
    expect(second.page.values('Cum')).toEqual(range(N).map((i) => i + 1));
    expect(second.page.values('Close')).toEqual(last);
    expect(near(second.page.values('SMA3'), sma3(last))).toBe(true);
  }, 120_000);

  it('at a higher chart timeframe the last N weekly bars run; without calc_bars_count every bar runs', async () => {
    const { engine, page } = await open(`cbc-tf-${Date.now()}`);
    const imported = await engine.importCsv('spx.csv', new TextEncoder().encode(DATA));
    expect(imported.ok).toBe(true);
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the daily run', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 1);
    await engine.selectDataset(`${imported.datasetId ?? ''}@1W`);
    await page.until('the weekly run', () => page.lastEnd?.status === 'done' && page.buffer.barCount === N && page.checkpointBar === N - 1);
    // The last weekly bar closes with the CSV's last close; bar_index and ta.cum count the N weeks.
    expect(page.values('Bar')).toEqual(range(N));
    expect(page.values('Cum').at(-1)).toBe(N);
    expect(page.values('Close').at(-1)).toBe(CLOSES.at(-1));
    // 300 trading days are about 60 weeks: the first week shown is not the CSV's first.
    expect(page.buffer.time.data[0]).toBeGreaterThan(Date.parse(`${(LINES[1] ?? '').split(',')[TIME_COL]}T00:00:00Z`) + 7 * 86_400_000);

    await engine.setSource(SCRIPT.replace(`, calc_bars_count = ${N}`, ''));
    await engine.run();
    await page.until('the full weekly run', () => page.lastEnd?.status === 'done' && page.buffer.barCount > N && page.values('Bar').length === page.buffer.barCount);
    expect(page.values('Bar')[0]).toBe(0);
    expect(page.values('Cum').at(-1)).toBe(page.buffer.barCount);
  }, 120_000);
});

describe('a checkpoint of a calc_bars_count run', () => {
  it('exported and imported in another browser goes on with the same last-N values', async () => {
    const { engine, page } = await open(`cbc-export-${Date.now()}`);
    const imported = await engine.importCsv('spx.csv', new TextEncoder().encode(DATA));
    expect(imported.ok).toBe(true);
    await engine.setSource(SCRIPT);
    await engine.run();
    await page.until('the run and its checkpoint', () => page.lastEnd?.status === 'done' && page.checkpointBar === N - 1);
    const snap = (await engine.listSnapshots()).find((s) => s.bar === N - 1 && s.matchesCurrent);
    expect(snap).toBeDefined();
    const file = await engine.exportSnapshot(snap?.id ?? '');
    const other = await open(`cbc-export-other-${Date.now()}`);
    const back = await other.engine.importSnapshot('cbc.evergreen', file.bytes);
    expect(back.ok, back.message).toBe(true);
    await other.page.until('the imported run', () => other.page.lastEnd !== null && !other.page.lastEnd.resumes && other.page.barIndex === N - 1);
    expect(other.page.values('Bar')).toEqual(range(N));
    expect(other.page.values('Cum').at(-1)).toBe(N);
    expect(other.page.values('Close')).toEqual(CLOSES.slice(-N));
  }, 120_000);
});

describe('an added script with calc_bars_count', () => {
  it('runs on every bar the chart shows, and the page is told so', async () => {
    const { engine, page } = await open(`cbc-study-${Date.now()}`);
    const added = await engine.newScript(null);
    await engine.setSource(SCRIPT);
    const main = await engine.newScript(null);
    expect(main.scriptId).not.toBe(added.scriptId);
    await engine.setSource('//@version=6\nindicator("Main", overlay = true)\nplot(close, "Main close")\n');
    await engine.run();
    await page.until('the main run', () => page.lastEnd?.status === 'done' && page.buffer.outputIdByTitle('Main close') >= 0);
    const bars = page.buffer.barCount;
    expect(bars).toBeGreaterThan(N);
    await engine.addStudy(added.scriptId);
    await page.until('the notice', () => page.notices('study-calc-bars').length > 0);
    expect(page.notices('study-calc-bars')[0]).toContain(`has calc_bars_count = ${N}: an added script runs on every bar the chart shows (${bars.toLocaleString('en-US')})`);
  }, 120_000);
});
