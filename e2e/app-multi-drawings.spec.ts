// Drawings of scripts added to the chart: an overlay script marking the close with a label over the
// candles, and a range script (a pane of its own) drawing a label and a line there. Each drawing is
// painted in its script's pane and says which script drew it; a replayed bar moves them, hiding a
// script takes its drawings off and showing it brings them back, a reload restores them, and
// removing a script removes them. Expected coordinates are the sample CSV's bars.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSource, startReplay, stepBars, waitSettled, watchErrors } from './helpers.js';

const MAIN = `//@version=6
indicator("Closes", overlay=true)
plot(close, "Close")
`;
const MARK = `//@version=6
indicator("Close mark", overlay=true)
plot(open, "Open")
var lb = label.new(na, na, "close")
label.set_xy(lb, bar_index, close)
`;
const RANGE = `//@version=6
indicator("Range marks", overlay=false)
plot(high - low, "Range")
var lb = label.new(na, na, "range")
label.set_xy(lb, bar_index, high - low)
var ln = line.new(na, na, na, na)
line.set_xy1(ln, bar_index - 5, high[5] - low[5])
line.set_xy2(ln, bar_index, high - low)
`;

type Drawn = ReturnType<EvergreenDebug['drawings']>;

async function drawings(page: Page): Promise<Drawn> {
  return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.drawings());
}

async function studyIds(page: Page): Promise<Record<string, string>> {
  const list = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.studies());
  return Object.fromEntries(list.map((s) => [s.name, s.id]));
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

async function addToChart(page: Page, name: string, count: number): Promise<void> {
  await page.getByTestId('study-add-select').selectOption({ label: name });
  await page.getByTestId('study-add').click();
  await page.waitForFunction((n) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.studies().length === n, count);
  await waitSettled(page);
}

test("added scripts' labels and lines: in their panes, replayed, hidden, restored, removed", async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  const rows = sampleRows();
  const range = (i: number) => (rows[i]?.high ?? NaN) - (rows[i]?.low ?? NaN);
  const close = (i: number) => rows[i]?.close ?? NaN;
  await openApp(page);
  const markName = await newScript(page, MARK);
  const rangeName = await newScript(page, RANGE);
  await newScript(page, MAIN);
  await addToChart(page, markName, 1);
  await addToChart(page, rangeName, 2);
  const ids = await studyIds(page);

  /** What is painted: [script name, pane, kind, coords], the labels' and lines' y to 1e-6. */
  const painted = async () => {
    const byId = Object.fromEntries(Object.entries(ids).map(([n, id]) => [id, n]));
    return (await drawings(page))
      .map((d) => [d.study === undefined ? 'editor' : byId[d.study] ?? d.study, d.pane, d.kind, d.coords.map(([b, p]) => [b, Math.round(p * 1e6) / 1e6])] as const)
      .sort((a, b) => `${a[1]}${a[2]}`.localeCompare(`${b[1]}${b[2]}`));
  };
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  const want = (bar: number) => [
    [markName, 0, 'label', [[bar, r6(close(bar))]]],
    [rangeName, 1, 'label', [[bar, r6(range(bar))]]],
    [rangeName, 1, 'line', [[bar - 5, r6(range(bar - 5))], [bar, r6(range(bar))]]],
  ];
  const n = rows.length;
  await expect.poll(painted).toEqual(want(n - 1));

  // A replay: the drawings follow the stepped bars.
  const from = n - 50;
  await startReplay(page, from);
  await stepBars(page, 2);
  const at = (await waitSettled(page)).barIndex;
  expect(at).toBe(from + 1);
  await expect.poll(painted).toEqual(want(at));
  await page.getByTestId('checkpoint-now').click();
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().checkpointBar === b, at);

  // Hiding the range script takes its label and line off; showing it brings them back.
  const rangeRow = page.locator(`[data-testid="study-row"][data-name="${rangeName}"]`);
  await rangeRow.getByTestId('study-hide').click();
  await expect.poll(painted).toEqual(want(at).slice(0, 1));
  await rangeRow.getByTestId('study-hide').click();
  await expect.poll(painted).toEqual(want(at));

  // A reload restores them from the checkpoints.
  await page.reload();
  await waitSettled(page);
  await expect.poll(painted).toEqual(want(at));

  // Removing the close mark removes its label.
  await page.locator(`[data-testid="study-row"][data-name="${markName}"]`).getByTestId('study-remove').click();
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.studies().length === 1);
  await waitSettled(page);
  await expect.poll(painted).toEqual(want(at).slice(1));
  expect(errors).toEqual([]);
});
