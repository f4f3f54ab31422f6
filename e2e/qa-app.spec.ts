// What a demanding user tries beyond the happy path: the app in an 800x600 window, inputs the
// script could not use (refused in the panel, saying why), time and text-area inputs, imported
// checkpoint files that are empty, cut short or not checkpoints at all, the replay position while
// it plays, Pine's `display` and `offset` arguments and per-bar na colors on the chart, and the
// problems list used from the keyboard. Expected values come from the sample CSV and hand
// calculation.

import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSource, startReplay, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

/** Puts `source` in the editor, runs it from bar 0 and waits until its chart is drawn. */
async function runSource(page: Page, source: string): Promise<void> {
  await setSource(page, source);
  await expect(page.getByTestId('diagnostic')).toHaveCount(0);
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
}

/** Waits for the next run (started by an input change) to finish drawing. */
async function nextRun(page: Page, before: number): Promise<void> {
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
}

const plotValue = (page: Page, title: string, bar: number) =>
  page.evaluate(([t, b]) => (window as unknown as Ev).evergreen.plotValue(t, b), [title, bar] as [string, number]);

test.describe('in an 800x600 window', () => {
  test.use({ viewport: { width: 800, height: 600 } });

  test('every control is inside the window and the layout is no wider than it', async ({ page }) => {
    const errors = watchErrors(page);
    await openApp(page);
    for (const id of ['run', 'dataset-select', 'export-csv', 'replay-start-input', 'replay-start', 'replay-play', 'replay-pause', 'replay-step', 'replay-speed', 'checkpoint-now', 'clear-storage', 'status-bar-index', 'status-checkpoint', 'status-state']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.x, id).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, id).toBeLessThanOrEqual(800);
      expect(box!.y + box!.height, id).toBeLessThanOrEqual(600);
    }
    expect(await page.evaluate(() => document.querySelector('.app')?.scrollWidth)).toBeLessThanOrEqual(800);
    await expect(page.getByRole('region', { name: 'Logs' })).toBeInViewport();
    // The Run button works from there.
    const before = (await appState(page)).runId;
    await page.getByTestId('run').click();
    await nextRun(page, before);
    expect((await appState(page)).status).toBe('done');
    expect(errors).toEqual([]);
  });
});

const INPUTS = `//@version=6
indicator("QA inputs")
tf = input.timeframe("60", "Resolution")
t = input.time(timestamp("2020-01-01T00:00:00"), "Start")
ses = input.session("0930-1600", "Hours")
note = input.text_area("ab\\ncd", "Note")
tint = input.color(color.new(color.red, 40), "Tint")
plot(timeframe.in_seconds(tf), "tf seconds")
plot(t, "start")
plot(str.length(note), "note length")
plot(str.length(ses), "session length")
plot(color.g(tint), "tint green")
plot(color.t(tint), "tint transparency")
`;

test('inputs the script could not use are refused in the panel, and time and text-area inputs work', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await runSource(page, INPUTS);
  expect(await plotValue(page, 'tf seconds', 0)).toBe(3600);
  expect(await plotValue(page, 'start', 0)).toBe(Date.UTC(2020, 0, 1));
  expect(await plotValue(page, 'note length', 0)).toBe(5); // "ab\ncd"

  // A timeframe that is not one: refused with a reason, nothing re-runs, no runtime error.
  const runId = (await appState(page)).runId;
  const tf = page.getByTestId('input-tf').locator('input');
  await tf.fill('hourly');
  await tf.press('Enter');
  await expect(page.getByTestId('input-tf')).toContainText('"hourly" is not a timeframe');
  await page.waitForTimeout(500);
  expect((await appState(page)).runId).toBe(runId);
  await expect(page.getByTestId('runtime-error')).toHaveCount(0);
  // A valid one re-runs the script with it.
  await tf.fill('1D');
  await tf.press('Enter');
  await nextRun(page, runId);
  expect(await plotValue(page, 'tf seconds', 0)).toBe(86400);

  // A session with a time of day that does not exist: refused.
  const ses = page.getByTestId('input-ses').locator('input');
  await ses.fill('2500-1600');
  await ses.press('Enter');
  await expect(page.getByTestId('input-ses')).toContainText('"2500" is not a time of day');

  // The time input is a date and time (UTC), not a number of milliseconds to type.
  const t = page.getByTestId('input-t').locator('input');
  await expect(t).toHaveAttribute('type', 'datetime-local');
  await expect(t).toHaveValue('2020-01-01T00:00');
  let before = (await appState(page)).runId;
  await t.fill('2021-03-04T05:06');
  await t.press('Enter');
  await nextRun(page, before);
  expect(await plotValue(page, 'start', 0)).toBe(Date.UTC(2021, 2, 4, 5, 6));

  // A text area keeps its line breaks.
  const note = page.getByTestId('input-note').locator('textarea');
  await expect(note).toHaveValue('ab\ncd');
  before = (await appState(page)).runId;
  await note.fill('one\ntwo\nsix');
  await note.blur();
  await nextRun(page, before);
  expect(await plotValue(page, 'note length', 0)).toBe(11);

  // A color: the picker sets red/green/blue and keeps the transparency; the opacity field sets it.
  // color.red is #F23645 (green 54); transparency 40 is opacity 60 %.
  expect(await plotValue(page, 'tint green', 0)).toBe(54);
  expect(await plotValue(page, 'tint transparency', 0)).toBe(40);
  const tint = page.getByTestId('input-tint');
  await expect(tint.locator('input[type=number]')).toHaveValue('60');
  before = (await appState(page)).runId;
  await tint.locator('input[type=color]').fill('#00ff00');
  await nextRun(page, before);
  expect(await plotValue(page, 'tint green', 0)).toBe(255);
  expect(await plotValue(page, 'tint transparency', 0)).toBe(40);
  before = (await appState(page)).runId;
  await tint.locator('input[type=number]').fill('75');
  await tint.locator('input[type=number]').press('Enter');
  await nextRun(page, before);
  expect(await plotValue(page, 'tint transparency', 0)).toBe(25);
  expect(await plotValue(page, 'tint green', 0)).toBe(255);
  await expect(page.getByTestId('notice').filter({ hasText: 'no longer fit' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('an imported checkpoint file that is empty, truncated or not a checkpoint is refused with a clear message', async ({ page }, info) => {
  await openApp(page);
  await page.getByTestId('checkpoint-now').click();
  await expect(page.getByTestId('snapshot-row')).toHaveCount(2);
  const download = page.waitForEvent('download');
  await page.getByTestId('snapshot-export').first().click();
  const file = info.outputPath('good.evergreen');
  await (await download).saveAs(file);
  const good = readFileSync(file);
  const cases: [string, Buffer, string][] = [
    ['empty.evergreen', Buffer.alloc(0), 'empty.evergreen: Not a valid Evergreen checkpoint file: the file is empty.'],
    ['half.evergreen', good.subarray(0, good.length >> 1), `half.evergreen: Not a valid Evergreen checkpoint file: the file is truncated (it ends after ${(good.length >> 1).toLocaleString('en-US')} bytes, before the checkpoint does); export it again.`],
    ['prices.evergreen', Buffer.from(readFileSync(new URL('../public/samples/sp500-daily-2000-2020.csv', import.meta.url)).subarray(0, 4000)), 'prices.evergreen: Not a valid Evergreen checkpoint file: it is not a checkpoint export'],
  ];
  const s0 = await appState(page);
  for (const [name, bytes, message] of cases) {
    const path = info.outputPath(name);
    writeFileSync(path, bytes);
    await page.getByTestId('snapshot-import-input').setInputFiles(path);
    await expect(page.getByTestId('notice').filter({ hasText: message })).toBeVisible();
  }
  // Nothing was added or changed, and the app still shows its run.
  await expect(page.getByTestId('snapshot-row')).toHaveCount(2);
  const s1 = await appState(page);
  expect(s1.snapshots).toEqual(s0.snapshots);
  expect(s1.runId).toBe(s0.runId);
  expect(s1.barIndex).toBe(s0.barIndex);
});

test('the replay position moves while the replay plays', async ({ page }) => {
  await openApp(page);
  await startReplay(page, 5000);
  await expect(page.getByTestId('replay-position')).toHaveText('5000 / 5105');
  await page.getByTestId('replay-speed').selectOption('25');
  await page.getByTestId('replay-play').click();
  // While it is still playing, the position shown has moved on with the confirmed bars.
  await page.waitForFunction(() => {
    const s = (window as unknown as Ev).evergreen.state();
    const shown = document.querySelector('[data-testid=replay-position]')?.textContent ?? '';
    return s.replay?.playing === true && s.barIndex >= 5005 && shown.startsWith(`${s.barIndex + 1} /`);
  });
  await page.getByTestId('replay-pause').click();
  await page.waitForFunction(() => (window as unknown as Ev).evergreen.state().replay?.playing === false);
  const s = await appState(page);
  await expect(page.getByTestId('replay-position')).toHaveText(`${s.replay?.next} / 5105`);
  expect(s.replay?.next).toBe(s.barIndex + 1);
});

const SHAPES = `//@version=6
indicator("QA display and offset", overlay=true)
up = close > open
plotshape(up, "shifted", style=shape.circle, location=location.abovebar, color=color.blue, offset=2)
plotshape(up, "hidden", style=shape.square, display=display.none)
plotshape(true, "green only", style=shape.diamond, location=location.belowbar, color=up ? color.green : na)
plot(close, "data window only", display=display.data_window)
plot(close, "left", offset=-1)
bgcolor(color.red, display=display.none)
`;

test("display, offset and na colors: the chart draws what Pine would", async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  await openApp(page);
  await runSource(page, SHAPES);
  const chart = await page.evaluate(() => (window as unknown as Ev).evergreen.chart());
  expect(chart).not.toBeNull();
  const { start, end } = chart!;
  expect(end).toBe(rows.length);
  const up = rows.map((r) => r.close > r.open);
  // "shifted": a circle on bar b where bar b-2 closed up; "green only": on bar b where b closed up
  // (its color is na elsewhere: no shape); "hidden": none.
  const want: number[] = [];
  for (let b = start; b < end; b++) {
    if (b >= 2 && up[b - 2]) want.push(rows[b]!.time / 1000);
    if (up[b]) want.push(rows[b]!.time / 1000);
  }
  want.sort((a, b) => a - b);
  expect(chart!.markers).toEqual(want);
  // display.data_window: no series on the chart, no value in the legend; bgcolor with
  // display.none: no background. "left" is shifted one bar back: its last bar has no value.
  expect(Object.keys(chart!.series).sort()).toEqual(['left']);
  expect(chart!.series.left).toBe(end - start - 1);
  await expect(page.locator('.chart-legend')).not.toContainText('data window only');
  await expect(page.locator('.chart-legend')).toContainText('left');
  expect(errors).toEqual([]);
});

test('a problem in the list can be reached and opened from the keyboard', async ({ page }) => {
  await openApp(page);
  await setSource(page, '//@version=6\nindicator("k")\nx = 1\nplot(nope)\n');
  const item = page.getByTestId('diagnostic');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('tabindex', '0');
  await item.focus();
  await page.keyboard.press('Enter');
  // The editor has the focus with its cursor on the problem's line.
  await expect(page.locator('.cm-editor.cm-focused')).toHaveCount(1);
  await expect(page.locator('.cm-activeLine')).toHaveText('plot(nope)');
});

test('Ctrl+Enter runs the script from anywhere on the page, once', async ({ page }) => {
  await openApp(page);
  const before = (await appState(page)).runId;
  await page.getByTestId('status-bar-index').click();
  await page.keyboard.press('Control+Enter');
  await nextRun(page, before);
  // And from the editor, where CodeMirror handles it: one run, not two.
  const mid = (await appState(page)).runId;
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Enter');
  await nextRun(page, mid);
  await page.waitForTimeout(500);
  expect((await appState(page)).runId).toBe(mid + 1);
});

const FILLS = `//@version=6
indicator("QA fills", overlay=true)
a = plot(high, "a")
b = plot(low, "b", display=display.none)
fill(a, b, color=close > open ? color.new(color.green, 70) : na, title="up bars")
h1 = hline(3000, "h1")
h2 = hline(2500, "h2")
fill(h1, h2, color=color.new(color.purple, 85), title="zone")
`;

test('fill() is drawn between two plots (a hidden one too) bar by bar, skipping na colors, and between two hlines', async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  await openApp(page);
  await runSource(page, FILLS);
  const chart = await page.evaluate(() => (window as unknown as Ev).evergreen.chart());
  const { start, end } = chart!;
  // The segment from bar i to bar i+1 takes bar i+1's color: filled where that bar closed up.
  let upSegments = 0;
  for (let i = start; i + 1 < end; i++) if (rows[i + 1]!.close > rows[i + 1]!.open) upSegments++;
  expect(chart!.fills).toEqual({ 'up bars': upSegments, zone: end - start - 1 });
  await expect(page.locator('.chart-notes')).toHaveCount(0);
  expect(errors).toEqual([]);
});

const LIVE_OFFSETS = `//@version=6
indicator("QA live offsets", overlay=true)
plot(high, "a", offset=-1)
plotshape(close > open, "s", offset=-2, color=color.yellow)
plotshape(close < open, "t", offset=1)
plot(close, "last ten", show_last=10)
`;

test('shifted plots and shapes stay right while bars arrive in a replay', async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  const n = rows.length;
  await openApp(page);
  await runSource(page, LIVE_OFFSETS);
  await startReplay(page, n - 40);
  await page.getByTestId('replay-speed').selectOption('0');
  await page.getByTestId('replay-play').click();
  await page.waitForFunction((last) => {
    const s = (window as unknown as Ev).evergreen.state();
    return s.barIndex === last && s.replay?.playing === false;
  }, n - 1);
  await page.waitForTimeout(300);
  const chart = await page.evaluate(() => (window as unknown as Ev).evergreen.chart());
  const { start, end } = chart!;
  expect(end).toBe(n);
  // "a" on bar b is bar b+1's high: every bar of the window but the last has a point.
  expect(chart!.series.a).toBe(end - start - 1);
  // show_last=10: the ten newest bars only, still after 40 bars arrived one by one.
  expect(chart!.series['last ten']).toBe(10);
  // "s" on bar b where bar b+2 closed up; "t" on bar b where bar b-1 closed down.
  const want: number[] = [];
  for (let b = start; b < end; b++) {
    if (b + 2 < n && rows[b + 2]!.close > rows[b + 2]!.open) want.push(rows[b]!.time / 1000);
    if (b >= 1 && rows[b - 1]!.close < rows[b - 1]!.open) want.push(rows[b]!.time / 1000);
  }
  want.sort((x, y) => x - y);
  expect(chart!.markers).toEqual(want);
  expect(errors).toEqual([]);
});

test('a runtime error on a replayed bar stops the replay and the status bar says so', async ({ page }) => {
  const n = sampleRows().length;
  await openApp(page);
  await setSource(page, `//@version=6\nindicator("fails late")\nif bar_index == ${n - 4}\n    runtime.error("late failure")\nplot(close, "c")\n`);
  await expect(page.getByTestId('diagnostic')).toHaveCount(0);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('runtime-error')).toHaveAttribute('data-bar', String(n - 4));
  await startReplay(page, n - 10);
  await expect(page.getByTestId('runtime-error')).toHaveCount(0);
  await page.getByTestId('replay-speed').selectOption('0');
  await page.getByTestId('replay-play').click();
  const err = page.getByTestId('runtime-error');
  await expect(err).toHaveAttribute('data-bar', String(n - 4));
  await expect(err).toHaveAttribute('data-line', '4');
  await page.waitForFunction(() => (window as unknown as Ev).evergreen.state().replay?.playing === false);
  await expect(page.getByTestId('status-state')).toHaveText('Runtime error');
  await expect(page.getByTestId('status-bar-index')).toHaveText(String(n - 5));
});

test('two tabs: an edit in one shows in the other, and so do new checkpoints', async ({ context }) => {
  const a = await context.newPage();
  await openApp(a);
  const b = await context.newPage();
  await openApp(b);
  await expect(b.locator('.cm-content')).toContainText('MA + Bollinger Bands');
  const rowsB = await b.getByTestId('snapshot-row').count();
  // Typing in tab A reaches tab B's editor (tab B does not keep the old text to save over it).
  await setSource(a, '//@version=6\nindicator("edited in A")\nplot(close, "c")\n');
  await expect(b.locator('.cm-content')).toContainText('edited in A');
  await expect(b.getByTestId('notice').filter({ hasText: 'was edited in another tab' })).toBeVisible();
  // A checkpoint saved in tab A is listed in tab B.
  await a.getByTestId('checkpoint-now').click();
  await expect(b.getByTestId('snapshot-row')).toHaveCount(rowsB + 1);
  // A dataset imported in tab A can be picked in tab B.
  const csv = test.info().outputPath('shared.csv');
  writeFileSync(csv, 'date,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n2024-01-03,1.5,2.5,1,2\n2024-01-04,2,3,1.5,2.5\n');
  await a.getByTestId('csv-input').setInputFiles(csv);
  await expect(a.getByTestId('notice').filter({ hasText: 'Imported shared.csv: 3 bars.' })).toBeVisible();
  await expect(b.getByTestId('dataset-select').locator('option', { hasText: 'shared (3 bars)' })).toHaveCount(1);
});
