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

// Label styles, sizes, alignment and tooltips; a box's wrapped, aligned text; a table with merged
// cells, text sizes, alignment, borders, a frame and a cell tooltip (all on the last bar, so
// the anchors are known from the CSV).
const STYLED = `//@version=6
indicator("Styled drawings", overlay = true)
if barstate.islast
    label.new(bar_index - 40, close, "down", style = label.style_label_down, size = size.huge)
    label.new(bar_index - 40, close, "up", style = label.style_label_up, size = size.tiny)
    label.new(bar_index - 20, close, "left\\naligned", style = label.style_label_left, textalign = text.align_left, size = 14, tooltip = "Tip of the left label")
    label.new(bar_index - 20, close, "right", style = label.style_label_right, text_font_family = font.family_monospace, text_formatting = text.format_bold)
    label.new(bar_index - 60, close, "tri", style = label.style_triangleup, color = color.red, textcolor = color.red)
    label.new(bar_index - 60, close, "outline", style = label.style_text_outline, yloc = yloc.abovebar, textcolor = color.white, color = color.black)
    box.new(bar_index - 80, high[80] * 1.05, bar_index - 65, low[80] * 0.95, text = "a box with a fairly long text that wraps", text_wrap = text.wrap_auto, text_halign = text.align_left, text_valign = text.align_top, text_size = size.small, bgcolor = color.new(color.blue, 80))
    line.new(bar_index - 90, low, bar_index - 90, high, extend = extend.both, color = color.gray, style = line.style_dashed)
    line.new(bar_index - 100, low[100], bar_index - 85, high[85], color = color.orange, width = 2, style = line.style_arrow_both)
    t = table.new(position.bottom_left, 3, 3, bgcolor = color.white, frame_color = color.red, frame_width = 3, border_color = color.blue, border_width = 2)
    t.cell(0, 0, "Merged", text_size = size.large, text_halign = text.align_left, text_valign = text.align_top, tooltip = "merged cell")
    t.cell(2, 0, "R", text_size = 20)
    t.cell(0, 2, "B", text_color = color.green, text_halign = text.align_right)
    t.cell(2, 2, "BR", bgcolor = color.yellow, text_font_family = font.family_monospace)
    table.merge_cells(t, 0, 0, 1, 1)
`;

test('label styles, sizes and tooltips, box text and table styling render like TradingView', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openApp(page);
  const before = (await appState(page)).runId;
  await setSource(page, STYLED);
  await page.waitForTimeout(800); // the editor saves after a pause in typing
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  await waitSettled(page);
  await expect.poll(async () => byKind(await drawn(page), 'label').length, { timeout: 30_000 }).toBe(6);
  const labels = byKind(await drawn(page), 'label');
  const byText = (t: string) => labels.find((d) => d.text === t);
  const down = byText('down');
  const up = byText('up');
  const left = byText('left\naligned');
  const right = byText('right');
  const rect = (d: (typeof labels)[number] | undefined) => d?.rect ?? [NaN, NaN, NaN, NaN];
  const anchor = (d: (typeof labels)[number] | undefined) => d?.points[0] ?? [NaN, NaN];
  // label_down sits above its anchor (its pointer ends at the anchor), label_up below it.
  expect(rect(down)[1] + rect(down)[3]).toBeCloseTo(anchor(down)[1], 0);
  expect(rect(up)[1]).toBeCloseTo(anchor(up)[1], 0);
  // label_left: to the right of its anchor (pointing left at it); label_right: to its left.
  expect(rect(left)[0]).toBeCloseTo(anchor(left)[0], 0);
  expect(rect(right)[0] + rect(right)[2]).toBeCloseTo(anchor(right)[0], 0);
  // size.huge 24 px, size.tiny 8 px, 14 points = 19 px, the default size.normal 12 px.
  expect([down?.fontPx, up?.fontPx, left?.fontPx, right?.fontPx]).toEqual([24, 8, 19, 12]);
  expect(rect(down)[3]).toBeGreaterThan(rect(up)[3] * 2);
  // Two lines make the left label taller than one line at the same size would.
  expect(rect(left)[3]).toBeGreaterThan(19 * 2);
  expect(byText('tri')?.style).toBe('triangleup');
  expect(byText('outline')?.style).toBe('text_outline');

  // The box's text wraps to its width: several lines, each narrower than the box.
  const box = byKind(await drawn(page), 'box')[0];
  expect(box?.fontPx).toBe(10);
  expect((box?.lines ?? []).length).toBeGreaterThan(1);
  expect((box?.lines ?? []).join(' ')).toBe('a box with a fairly long text that wraps');

  // A vertical line with extend.both crosses the whole pane (top edge to bottom edge).
  const vertical = byKind(await drawn(page), 'line').find((d) => d.coords[0]?.[0] === d.coords[1]?.[0]);
  const ys = (vertical?.points ?? []).map((p) => p[1]).sort((a, b) => a - b);
  expect(ys[0]).toBe(0);
  expect(ys[1]).toBeGreaterThan(500);

  // Hovering the left label shows its tooltip.
  const chartBox = await page.getByTestId('chart').boundingBox();
  const [lx, ly, lw, lh] = rect(left);
  await page.mouse.move((chartBox?.x ?? 0) + lx + lw / 2, (chartBox?.y ?? 0) + ly + lh / 2);
  await expect(page.getByTestId('drawing-tooltip')).toHaveText('Tip of the left label');
  await page.mouse.move((chartBox?.x ?? 0) + 5, (chartBox?.y ?? 0) + 5);
  await expect(page.getByTestId('drawing-tooltip')).toBeHidden();

  // The table: the merged cell spans 2×2, then R; the empty middle row keeps the merge's second
  // row; B and BR on the last row. Borders between cells, the frame around.
  const table = page.getByTestId('chart-table');
  await expect(table.locator('td')).toHaveText(['Merged', 'R', '', 'B', '', 'BR']);
  const merged = table.locator('td').first();
  await expect(merged).toHaveAttribute('colspan', '2');
  await expect(merged).toHaveAttribute('rowspan', '2');
  await expect(merged).toHaveAttribute('title', 'merged cell');
  await expect(merged).toHaveCSS('font-size', '16px');
  await expect(merged).toHaveCSS('text-align', 'left');
  await expect(merged).toHaveCSS('vertical-align', 'top');
  await expect(table.locator('td').nth(1)).toHaveCSS('font-size', '27px');
  await expect(table.locator('td', { hasText: /^B$/ })).toHaveCSS('text-align', 'right');
  await expect(table.locator('td', { hasText: 'BR' })).toHaveCSS('font-family', /monospace/);
  await expect(table).toHaveCSS('border-top-width', '3px');
  await expect(merged).toHaveCSS('border-right-width', '2px');
  // bottom_left: the table's lower-left corner near the pane's.
  const tb = await table.boundingBox();
  expect((tb?.x ?? 0) - (chartBox?.x ?? 0)).toBeLessThan(10);
  await testInfo.attach('styled-drawings', { body: await page.screenshot(), contentType: 'image/png' });
  expect(errors).toEqual([]);
});
