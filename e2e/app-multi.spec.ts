// Several scripts on one chart, as a TradingView user builds one: an MA ribbon in the editor, an RSI
// (in its own pane) and a SuperTrend (over the candles) added from the chart's list; a replay feeds
// all three, a reload brings all three back from their checkpoints (no history run), and a new input
// for the RSI computes it alone again. Hide, reorder and remove change the chart as the list says.
// Values are checked against moving averages and an RSI computed here from the CSV by hand, and the
// SuperTrend against what the same script computes alone; a screenshot of the chart is kept.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, plotValues, sampleRows, setSource, setSpeed, startReplay, stepBars, waitRestored, waitSettled, watchErrors } from './helpers.js';

const RIBBON = `//@version=6
indicator("MA Ribbon", overlay=true)
plot(ta.sma(close, 10), "MA 10", color=color.aqua)
plot(ta.sma(close, 20), "MA 20", color=color.teal)
plot(ta.sma(close, 50), "MA 50", color=color.blue)
plot(ta.sma(close, 100), "MA 100", color=color.purple)
`;
const RSI = `//@version=6
indicator("RSI", overlay=false)
len = input.int(14, "Length")
plot(ta.rsi(close, len), "RSI", color=color.purple)
hline(70, "Upper")
hline(30, "Lower")
`;
const SUPERTREND = `//@version=6
indicator("SuperTrend", overlay=true)
[st, dir] = ta.supertrend(3, 10)
plot(dir < 0 ? st : na, "Up trend", color=color.green, style=plot.style_linebr)
plot(dir < 0 ? na : st, "Down trend", color=color.red, style=plot.style_linebr)
`;

function sma(xs: number[], len: number): (number | null)[] {
  return xs.map((_, i) => (i + 1 < len ? null : xs.slice(i + 1 - len, i + 1).reduce((a, b) => a + b, 0) / len));
}

/** Pine's ta.rsi: Wilder averages of gains and losses seeded with their SMA; 100 with no losses. */
function rsi(xs: number[], len: number): (number | null)[] {
  const out: (number | null)[] = [null];
  let up = 0;
  let down = 0;
  for (let i = 1; i < xs.length; i++) {
    const ch = (xs[i] as number) - (xs[i - 1] as number);
    const u = Math.max(ch, 0);
    const d = Math.max(-ch, 0);
    if (i < len) {
      up += u;
      down += d;
      out.push(null);
      continue;
    }
    up = i === len ? (up + u) / len : (up * (len - 1) + u) / len;
    down = i === len ? (down + d) / len : (down * (len - 1) + d) / len;
    out.push(down === 0 ? 100 : up === 0 ? 0 : 100 - 100 / (1 + up / down));
  }
  return out;
}

/** Bars where `got` differs from `want` (first few). */
function mismatches(got: (number | null)[], want: (number | null)[], n = got.length): number[] {
  const bad: number[] = [];
  for (let i = 0; i < n && bad.length < 5; i++) {
    const a = got[i] ?? null;
    const b = want[i] ?? null;
    const ok = a === null || b === null ? a === b : Math.abs(a - b) <= 1e-8 + 1e-6 * Math.abs(b);
    if (!ok) bad.push(i);
  }
  return bad;
}

type Studies = ReturnType<EvergreenDebug['studies']>;

async function studies(page: Page): Promise<Studies> {
  return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.studies());
}

async function chartInfo(page: Page) {
  const c = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.chart());
  if (!c) throw new Error('no chart');
  return c;
}

/** Makes a new blank script with `source` and returns its name (as the script list shows it). */
async function newScript(page: Page, source: string): Promise<string> {
  const before = (await appState(page)).runId;
  await page.getByTestId('new-script').selectOption('(blank)');
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page);
  await setSource(page, source);
  await page.getByTestId('run').click();
  await page.waitForFunction((t) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotTitles().includes(t), source.match(/plot\([^"]*"([^"]+)"/)?.[1] ?? '');
  await waitSettled(page);
  return (await page.getByTestId('script-select').locator('option:checked').textContent()) ?? '';
}

function row(page: Page, name: string) {
  return page.locator(`[data-testid="study-row"][data-name="${name}"]`);
}

async function addToChart(page: Page, name: string, count: number): Promise<void> {
  await page.getByTestId('study-add-select').selectOption({ label: name });
  await page.getByTestId('study-add').click();
  await page.waitForFunction((n) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.studies().length === n, count);
  await waitSettled(page);
}

test('three scripts on one chart: replay, reload, and a new input for one', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  const closes = sampleRows().map((r) => r.close);
  const n = closes.length;
  await openApp(page);
  const rsiName = await newScript(page, RSI);
  const stName = await newScript(page, SUPERTREND);
  // The SuperTrend's values when it runs alone, to compare with it on the chart beside the others.
  const alone = { up: await plotValues(page, 'Up trend'), down: await plotValues(page, 'Down trend') };
  expect(alone.up.filter((v) => v !== null).length).toBeGreaterThan(100);
  expect(alone.down.filter((v) => v !== null).length).toBeGreaterThan(100);
  await newScript(page, RIBBON);
  await addToChart(page, rsiName, 1);
  await addToChart(page, stName, 2);

  let list = await studies(page);
  expect(list.map((s) => [s.name, s.overlay, s.hidden])).toEqual([
    [rsiName, false, false],
    [stName, true, false],
  ]);
  // The RSI in a pane of its own, the SuperTrend over the candles with the ribbon.
  expect(list.map((s) => s.panes)).toEqual([[1], [0]]);
  await expect(page.getByTestId('study-row')).toHaveCount(2);
  let c = await chartInfo(page);
  expect(c.panes).toBe(2);
  expect(Object.keys(c.series).sort()).toEqual(['Down trend', 'MA 10', 'MA 100', 'MA 20', 'MA 50', 'RSI', 'Up trend']);
  expect(c.hlines.map((h) => h.title)).toEqual(['Upper', 'Lower']);
  expect(mismatches(await plotValues(page, 'MA 50'), sma(closes, 50))).toEqual([]);
  expect(mismatches(await plotValues(page, 'RSI'), rsi(closes, 14))).toEqual([]);
  expect(mismatches(await plotValues(page, 'Up trend'), alone.up)).toEqual([]);
  expect(mismatches(await plotValues(page, 'Down trend'), alone.down)).toEqual([]);
  // The legend lists each added script's values after its name.
  const legend = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.legend());
  expect(legend?.text).toContain('RSI');
  expect(legend?.text).toContain('SuperTrend');

  // A replay feeds all three.
  const from = n - 200;
  await startReplay(page, from);
  await stepBars(page, 3);
  await setSpeed(page, 10);
  await page.getByTestId('replay-play').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().barIndex >= b, from + 12);
  await page.getByTestId('replay-pause').click();
  await page.waitForFunction(() => !(window as unknown as { evergreen: EvergreenDebug }).evergreen.state().replay?.playing);
  const paused = await waitSettled(page);
  const last = paused.barIndex;
  expect(last).toBeGreaterThanOrEqual(from + 12);
  expect(mismatches(await plotValues(page, 'RSI'), rsi(closes, 14), last + 1)).toEqual([]);
  expect(mismatches(await plotValues(page, 'MA 10'), sma(closes, 10), last + 1)).toEqual([]);
  expect(mismatches(await plotValues(page, 'Up trend'), alone.up, last + 1)).toEqual([]);
  await page.getByTestId('checkpoint-now').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().checkpointBar === b, last);

  // A reload restores all three from their checkpoints.
  await page.reload();
  const restored = await waitRestored(page);
  expect(restored).toBe(last);
  await waitSettled(page);
  list = await studies(page);
  expect(list.map((s) => s.restoredBar)).toEqual([last, last]);
  expect((await appState(page)).rows).toBe(last + 1);
  expect(mismatches(await plotValues(page, 'RSI'), rsi(closes, 14), last + 1)).toEqual([]);
  expect(mismatches(await plotValues(page, 'Down trend'), alone.down, last + 1)).toEqual([]);
  expect(mismatches(await plotValues(page, 'MA 100'), sma(closes, 100), last + 1)).toEqual([]);
  await testInfo.attach('chart-with-three-scripts', { body: await page.getByTestId('chart').screenshot(), contentType: 'image/png' });

  // A new input for the RSI: it alone is computed again, the others come from their checkpoints.
  const rsiRow = row(page, rsiName);
  await rsiRow.getByTestId('study-settings').click();
  const field = page.getByTestId('study-inputs').getByTestId('input-len').locator('input');
  await field.fill('7');
  await field.press('Enter');
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.studies()[0]?.inputs.len === 7);
  await page.waitForFunction((b) => {
    const ev = (window as unknown as { evergreen: EvergreenDebug }).evergreen;
    const s = ev.studies();
    return s[0]?.restoredBar === null && s[1]?.restoredBar === b && ev.state().restoredBar === b;
  }, last);
  await waitSettled(page);
  expect(mismatches(await plotValues(page, 'RSI'), rsi(closes, 7), last + 1)).toEqual([]);
  expect(mismatches(await plotValues(page, 'MA 20'), sma(closes, 20), last + 1)).toEqual([]);

  // Hide the SuperTrend: its lines leave the chart; show it again.
  const stRow = row(page, stName);
  await stRow.getByTestId('study-hide').click();
  await expect.poll(async () => Object.keys((await chartInfo(page)).series).includes('Up trend')).toBe(false);
  expect((await studies(page))[1]?.hidden).toBe(true);
  await stRow.getByTestId('study-hide').click();
  await expect.poll(async () => Object.keys((await chartInfo(page)).series).includes('Up trend')).toBe(true);
  // Move it above the RSI: the list and the stored order follow (kept across a reload).
  await stRow.getByTestId('study-up').click();
  await expect.poll(async () => (await studies(page)).map((s) => s.name)).toEqual([stName, rsiName]);
  await page.reload();
  await waitSettled(page);
  await expect.poll(async () => (await studies(page)).map((s) => s.name)).toEqual([stName, rsiName]);
  // Remove the RSI: its pane goes.
  await row(page, rsiName).getByTestId('study-remove').click();
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.studies().length === 1);
  await waitSettled(page);
  c = await chartInfo(page);
  expect(c.panes).toBe(1);
  expect(Object.keys(c.series)).not.toContain('RSI');
  expect(errors).toEqual([]);
});
