// A reload draws the restored chart from the page's own read of the checkpoint (app/ui/restore-
// preview.ts) and keeps it only when the engine's run says the same: a remembered program that no
// longer matches (a plot retitled in the page's memory) is replaced by the engine's on the chart,
// and the chart's series, legend and values are the engine's either way. Expected values: the
// sample CSV's closes (the sample script's plots are checked against its own outputs elsewhere).

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { openApp, sampleRows, waitRestored, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

async function shown(page: Page) {
  return page.evaluate(() => {
    const ev = (window as unknown as Ev).evergreen;
    const chart = ev.chart();
    const last = chart ? chart.end - 1 : -1;
    return { titles: ev.plotTitles(), series: Object.keys(chart?.series ?? {}).sort(), last, candle: ev.candleAt(last), timings: ev.timings() };
  });
}

test('a reload is drawn from the stored checkpoint and kept only when the engine says the same', async ({ page }) => {
  const errors = watchErrors(page);
  const rows = sampleRows();
  const n = rows.length;
  await openApp(page);
  const before = await shown(page);
  expect(before.titles.length).toBeGreaterThan(0);

  await page.reload();
  expect(await waitRestored(page)).toBe(n - 1);
  await waitSettled(page);
  const again = await shown(page);
  expect(again.titles).toEqual(before.titles);
  expect(again.series).toEqual(before.series);
  expect(again.candle?.close).toBe(rows[n - 1]?.close);
  // Drawn from the page's read or from the engine's rows, depending on which came first; when
  // from the page's, the engine's rows confirmed it after it was drawn.
  if (Number.isFinite(again.timings.confirmed)) expect(again.timings.confirmed).toBeGreaterThanOrEqual(again.timings.drawn);

  // The page's memory of the program no longer matches: the engine's program is what is drawn.
  await page.evaluate(() => {
    const raw = localStorage.getItem('evergreen.restore-shown');
    if (!raw) throw new Error('nothing remembered');
    const v = JSON.parse(raw) as { program: { outputs: { title: string }[] } }[];
    for (const x of v) for (const o of x.program.outputs) o.title = `${o.title} (stale)`;
    localStorage.setItem('evergreen.restore-shown', JSON.stringify(v));
  });
  await page.reload();
  expect(await waitRestored(page)).toBe(n - 1);
  await waitSettled(page);
  const replaced = await shown(page);
  expect(replaced.titles).toEqual(before.titles);
  expect(replaced.series).toEqual(before.series);
  expect(replaced.candle?.close).toBe(rows[n - 1]?.close);
  expect(replaced.timings.confirmed).toBeNaN();
  expect(await page.evaluate(() => (window as unknown as Ev).evergreen.legend()?.text ?? '')).not.toContain('(stale)');
  expect(errors).toEqual([]);
});
