// Text of drawings placed as TradingView places it: a box's text with text.wrap_auto wraps and
// shrinks to fit the box even at a size that would overflow it (Pine's manual: "automatically
// wrapped and scaled to be visible in the constraints of the box"), and text-only labels above or
// below the bar (yloc.abovebar/belowbar, style_none) sit off the candle's high or low, not on it.

import { expect, test } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, setSource, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

const SOURCE = `//@version=6
indicator("Drawing text", overlay = true)
if barstate.islastconfirmedhistory
    bt = "This long text is inside of a box, so it is wrapped and scaled to stay inside the box."
    box.new(bar_index - 50, close * 1.1, bar_index, close, text = bt, text_wrap = text.wrap_auto, text_size = 36)
    label.new(bar_index - 5, na, "above", yloc = yloc.abovebar, style = label.style_none, textcolor = color.green)
    label.new(bar_index - 5, na, "below", yloc = yloc.belowbar, style = label.style_none, textcolor = color.red)
`;

test('wrapped box text shrinks to fit its box; text-only labels sit above the high and below the low', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await setSource(page, SOURCE);
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
  const drawn = () => page.evaluate(() => (window as unknown as Ev).evergreen.drawings());
  await expect.poll(async () => (await drawn()).length).toBe(3);
  const list = await drawn();
  const box = list.find((d) => d.kind === 'box');
  const [[x1, y1] = [0, 0], [x2, y2] = [0, 0]] = box?.points ?? [];
  const px = box?.fontPx ?? 0;
  const lines = box?.lines ?? [];
  // Smaller than the 36 asked for, and the wrapped lines (1.25 × the font size each) fit the box.
  expect(px).toBeLessThan(36);
  expect(lines.join(' ')).toBe('This long text is inside of a box, so it is wrapped and scaled to stay inside the box.');
  expect(lines.length * Math.round(px * 1.25)).toBeLessThanOrEqual(Math.abs(y2 - y1));
  expect(Math.abs(x2 - x1)).toBeGreaterThan(0);

  // Both labels are on one bar: "above" ends above that bar's high, "below" starts under its low.
  const above = list.find((d) => d.text === 'above');
  const below = list.find((d) => d.text === 'below');
  const highY = above?.points[0]?.[1] ?? 0;
  const lowY = below?.points[0]?.[1] ?? 0;
  expect(highY).toBeLessThan(lowY);
  const [, aTop = 0, , aH = 0] = above?.rect ?? [];
  const [, bTop = 0] = below?.rect ?? [];
  expect(aTop + aH).toBeLessThanOrEqual(highY);
  expect(bTop).toBeGreaterThanOrEqual(lowY);
  expect(errors).toEqual([]);
});
