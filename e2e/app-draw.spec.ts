// Drawings on the chart: the drawings-demo sample (a label, lines, a box, a polyline, a linefill and
// a table made on the last bar) is drawn where its bars and prices say, the table shows its cells over the chart, and a
// reload restores the drawings from the checkpoint without running the script again.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSource, startReplay, stepBars, waitRestored, waitSettled, watchErrors } from './helpers.js';

type Drawn = ReturnType<EvergreenDebug['drawings']>;

async function drawn(page: Page): Promise<Drawn> {
  return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.drawings());
}

function byKind(list: Drawn, kind: string): Drawn {
  return list.filter((d) => d.kind === kind);
}

async function checkDrawings(page: Page): Promise<void> {
  const rows = sampleRows();
  const last = rows.length - 1; // 5104: the CSV has 5,105 bars
  const lastRow = rows[last];
  await expect.poll(async () => (await drawn(page)).length, { timeout: 30_000 }).toBe(8);
  const list = await drawn(page);
  expect(byKind(list, 'label').length).toBe(1);
  expect(byKind(list, 'line').length).toBe(3);
  expect(byKind(list, 'polyline').length).toBe(1);
  expect(byKind(list, 'linefill').length).toBe(1);
  // The polyline: the last five bars' closes, oldest first (computed here from the CSV).
  expect(byKind(list, 'polyline')[0]?.coords).toEqual([4, 3, 2, 1, 0].map((i) => [last - i, rows[last - i]?.close]));
  expect(byKind(list, 'box').length).toBe(1);
  expect(byKind(list, 'table').length).toBe(1);

  // label.new(bar_index, high): the last bar (2020-04-17) at its high, 2879.219971.
  const label = byKind(list, 'label')[0];
  expect(label?.coords).toEqual([[last, lastRow?.high]]);
  expect(lastRow?.high).toBeCloseTo(2879.219971, 6);
  expect(label?.text).toBe('Last high');
  // line.new(bar_index - 10, close[10], bar_index, close): 2020-04-02's close 2526.899902 to
  // 2020-04-17's close 2874.560059.
  const line = byKind(list, 'line').find((d) => d.coords[1]?.[0] === last);
  expect(line?.coords).toEqual([
    [last - 10, 2526.899902],
    [last, 2874.560059],
  ]);
  // box.new(bar_index - 20, high[20], bar_index - 15, low[20]): 2020-03-19 (20 bars back), whose
  // high and low are computed here from the CSV.
  const box = byKind(list, 'box')[0];
  const b = rows[last - 20];
  expect(box?.coords).toEqual([
    [last - 20, b?.high],
    [last - 15, b?.low],
  ]);
  expect(box?.text).toBe('Range');

  // On screen: the line rises left to right (the close went up 347.66), the label's anchor (the
  // high, 2879.22) sits above the line's right end (the close, 2874.56), the box's top above its bottom.
  const [p1, p2] = line?.points ?? [];
  expect((p1?.[0] ?? 0) < (p2?.[0] ?? 0)).toBe(true);
  expect((p1?.[1] ?? 0) > (p2?.[1] ?? 0)).toBe(true);
  expect((label?.points[0]?.[1] ?? Infinity) < (p2?.[1] ?? 0)).toBe(true);
  expect((box?.points[0]?.[1] ?? Infinity) < (box?.points[1]?.[1] ?? 0)).toBe(true);
  // Ten bars apart on the screen is ten bar spacings: the box (5 bars) is half the line's width.
  const lineW = (p2?.[0] ?? 0) - (p1?.[0] ?? 0);
  const boxW = (box?.points[1]?.[0] ?? 0) - (box?.points[0]?.[0] ?? 0);
  expect(boxW).toBeCloseTo(lineW / 2, 1);

  // The table: 2×2 cells, the last close written with "#.##" and the bar count.
  const table = page.getByTestId('chart-table');
  await expect(table).toHaveCount(1);
  await expect(table.locator('td')).toHaveText(['Close', '2874.56', 'Bars', String(rows.length)]);
}

test('the drawings sample draws its label, lines, box, polyline, linefill and table; a reload restores them', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openApp(page, '?sample=drawings-demo.pine');
  await checkDrawings(page);
  await testInfo.attach('drawings', { body: await page.screenshot(), contentType: 'image/png' });

  // A reload restores the checkpoint at the last bar and shows the drawings again, with no run.
  await expect.poll(async () => (await appState(page)).checkpointBar, { timeout: 30_000 }).toBe(sampleRows().length - 1);
  await page.reload();
  await waitRestored(page);
  const s = await appState(page);
  expect(s.restoredBar).toBe(sampleRows().length - 1);
  await checkDrawings(page);
  expect(errors).toEqual([]);
});

// One label and one line kept in `var` and moved on every bar: the label to the bar's high, the
// line from the previous bar's close to this one's.
const FOLLOW = `//@version=6
indicator("Follow the last bar", overlay = true)
var label lb = label.new(na, na, "last")
var line ln = line.new(na, na, na, na, color = color.yellow)
label.set_xy(lb, bar_index, high)
line.set_xy1(ln, bar_index - 1, close[1])
line.set_xy2(ln, bar_index, close)
`;

test('replay moves the drawings bar by bar', async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  const from = rows.length - 5;
  await openApp(page);
  const before = (await appState(page)).runId;
  await setSource(page, FOLLOW);
  await page.waitForTimeout(800); // the editor saves after a pause in typing
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page);
  await startReplay(page, from);
  // History ends at bar from - 1: the label sits at that bar's high.
  await expect.poll(async () => byKind(await drawn(page), 'label').map((d) => d.coords[0])).toEqual([[from - 1, rows[from - 1]?.high]]);
  await stepBars(page, 2);
  // Two replayed bars later both drawings moved to bar from + 1 (still one of each).
  await expect.poll(async () => byKind(await drawn(page), 'label').map((d) => d.coords[0])).toEqual([[from + 1, rows[from + 1]?.high]]);
  expect(byKind(await drawn(page), 'line').map((d) => d.coords)).toEqual([
    [
      [from, rows[from]?.close],
      [from + 1, rows[from + 1]?.close],
    ],
  ]);
  expect(errors).toEqual([]);
});

test("a non-overlay script draws in its own pane, force_overlay ones on the price pane", async ({ page }) => {
  const errors = watchErrors(page);
  const last = sampleRows().length - 1;
  await openApp(page);
  const before = (await appState(page)).runId;
  await setSource(
    page,
    `//@version=6
indicator("Pane drawings", overlay = false)
plot(close - open, "Body")
if barstate.islast
    line.new(bar_index - 5, 0, bar_index, 0, color = color.red)
    label.new(bar_index, high, "on price", force_overlay = true)
`,
  );
  await page.waitForTimeout(800); // the editor saves after a pause in typing
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page);
  await expect.poll(async () => (await drawn(page)).map((d) => [d.kind, d.pane]).sort()).toEqual([
    ['label', 0],
    ['line', 1],
  ]);
  expect(byKind(await drawn(page), 'line')[0]?.coords).toEqual([
    [last - 5, 0],
    [last, 0],
  ]);
  expect(errors).toEqual([]);
});
