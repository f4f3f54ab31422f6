// Layout: the checkpoint table's Saved and Bar columns stay apart for 6-digit bars in an 800×600
// window; the splitters resize the editor/chart and the panels (kept across a reload); the sample
// dataset's README states its bar count.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openApp, sampleRows, waitSettled } from './helpers.js';

test("the sample README states the sample's bar count", () => {
  const readme = readFileSync(new URL('../public/samples/README.md', import.meta.url), 'utf8');
  const m = /sp500-daily-2000-2020\.csv[^\n]*\(([\d,]+) bars\)/.exec(readme);
  expect(m).not.toBeNull();
  expect(Number((m?.[1] ?? '').replace(/,/g, ''))).toBe(sampleRows().length);
});

test('checkpoint Saved and Bar columns stay apart for 6-digit bars at 800×600', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto('/?dataset=synthetic:150000');
  await waitSettled(page, 120_000);
  const row = page.locator('[data-testid="snapshot-row"][data-bar="149999"]').first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  const cells = await row.locator('td').evaluateAll((tds) =>
    tds.slice(0, 2).map((td) => {
      const r = document.createRange();
      r.selectNodeContents(td);
      const text = r.getBoundingClientRect();
      const box = td.getBoundingClientRect();
      return { text: td.textContent ?? '', left: text.left, right: text.right, boxLeft: box.left, boxRight: box.right, clipped: td.scrollWidth > td.clientWidth };
    }),
  );
  const [saved, bar] = cells;
  if (!saved || !bar) throw new Error('cells missing');
  expect(bar.text.trim()).toBe('149999');
  expect(saved.clipped).toBe(false);
  expect(bar.clipped).toBe(false);
  // At least 6 px of space between the time's last character and the bar's first.
  expect(bar.left - saved.right).toBeGreaterThanOrEqual(6);
});

async function box(page: Page, id: string) {
  const b = await page.getByTestId(id).boundingBox();
  if (!b) throw new Error(`no ${id}`);
  return b;
}

test('the splitters resize the editor, the chart and the panels, and keep their sizes', async ({ page }) => {
  await openApp(page);
  const chart0 = await box(page, 'chart');
  const split = await box(page, 'splitter-editor');
  await page.mouse.move(split.x + split.width / 2, split.y + split.height / 2);
  await page.mouse.down();
  await page.mouse.move(split.x + 200, split.y + split.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await box(page, 'chart')).width)).toBeLessThan(Math.round(chart0.width) - 190);
  const chart1 = await box(page, 'chart');
  expect(chart1.width).toBeGreaterThan(chart0.width - 210);

  const hsplit = await box(page, 'splitter-panels');
  await page.mouse.move(hsplit.x + 300, hsplit.y + 2);
  await page.mouse.down();
  await page.mouse.move(hsplit.x + 300, hsplit.y - 120, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await box(page, 'chart')).height)).toBeLessThan(Math.round(chart1.height) - 110);
  const chart2 = await box(page, 'chart');

  // The chart library's canvas follows its host.
  const canvasW = await page.getByTestId('chart').locator('canvas').first().evaluate((c) => c.getBoundingClientRect().width);
  expect(canvasW).toBeLessThan(chart0.width - 190);

  await page.reload();
  await waitSettled(page);
  const chart3 = await box(page, 'chart');
  expect(Math.abs(chart3.width - chart2.width)).toBeLessThan(3);
  expect(Math.abs(chart3.height - chart2.height)).toBeLessThan(3);
});
