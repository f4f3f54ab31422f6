// Plots that go na: the line, step line and area styles with breaks leave every na bar as a gap (the
// chart library would join the points across it), circles and crosses draw only the bars with a
// value, and plain plot.style_line bridges the gap as TradingView does. Checked through the bar
// ranges each plot draws (window.evergreen.chart().segments) after a history run and live during a
// replay; screenshots of the chart are kept with the test.

import { expect, test, type Page, type TestInfo } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, setSource, startReplay, stepBars, waitSettled, watchErrors } from './helpers.js';

// Five bars with a value, five without, over and over (bar_index % 10 < 5).
const GAPS = `//@version=6
indicator("Gaps", overlay=true)
on = bar_index % 10 < 5
plot(on ? close : na, "Line br", color=color.orange, style=plot.style_linebr, linewidth=2)
plot(on ? close * 1.02 : na, "Step br", color=color.aqua, style=plot.style_steplinebr)
plot(on ? close * 0.98 : na, "Area br", color=color.purple, style=plot.style_areabr)
plot(on ? close * 1.04 : na, "Circles", color=color.lime, style=plot.style_circles)
plot(on ? close * 0.96 : na, "Cross", color=color.red, style=plot.style_cross)
plot(on ? close * 1.06 : na, "Line", color=color.yellow, style=plot.style_line)
`;

const on = (b: number) => b % 10 < 5;

/** Runs of bars with a value in [from, to], as the chart draws them: a line needs two points. */
function runs(from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let s = -1;
  for (let b = from; b <= to + 1; b++) {
    if (b <= to && on(b)) {
      if (s < 0) s = b;
    } else if (s >= 0) {
      if (b - 1 > s) out.push([s, b - 1]);
      s = -1;
    }
  }
  return out;
}

async function chart(page: Page) {
  const c = await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.chart());
  if (!c) throw new Error('no chart');
  return c;
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.getByTestId('chart').screenshot(), contentType: 'image/png' });
}

function check(c: Awaited<ReturnType<typeof chart>>, last: number): void {
  const first = c.start;
  const expected = runs(first, last);
  expect(expected.length).toBeGreaterThan(10);
  for (const t of ['Line br', 'Step br', 'Area br']) expect(c.segments[t], t).toEqual(expected);
  const singles: [number, number][] = [];
  for (let b = first; b <= last; b++) if (on(b)) singles.push([b, b]);
  expect(c.segments.Circles).toEqual(singles);
  expect(c.segments.Cross).toEqual(singles);
  // plot.style_line joins the values on either side of na (TradingView bridges it): one range.
  const firstOn = singles[0]?.[0] ?? -1;
  const lastOn = singles[singles.length - 1]?.[0] ?? -1;
  expect(c.segments.Line).toEqual([[firstOn, lastOn]]);
}

test('plots with breaks leave every na bar as a gap', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openApp(page);
  await setSource(page, GAPS);
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().runId > r, before);
  const s = await waitSettled(page);
  await page.waitForTimeout(300);
  check(await chart(page), s.barIndex);
  await page.evaluate((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.scrollToBar(b), s.barIndex - 40);
  await page.waitForTimeout(300);
  await shot(page, testInfo, 'gaps-history.png');
  expect(errors).toEqual([]);
});

test('gaps stay gaps while a replay draws the bars live', async ({ page }, testInfo) => {
  const errors = watchErrors(page);
  await openApp(page);
  await setSource(page, GAPS);
  await page.waitForTimeout(800);
  const total = (await appState(page)).totalBars;
  // Start on a bar with a value two bars before a gap, then step through a gap and into the next run.
  let from = total - 40;
  while (from % 10 !== 3) from--;
  await startReplay(page, from);
  await stepBars(page, 14);
  const s = await appState(page);
  expect(s.barIndex).toBe(from + 13);
  await page.waitForTimeout(300);
  check(await chart(page), s.barIndex);
  await shot(page, testInfo, 'gaps-replay.png');
  expect(errors).toEqual([]);
});
