// Editor help from the VM's builtin registry: completion of namespaces' members, builtins, named
// arguments and the script's own symbols; hover documentation with signature and description;
// signature help with the current argument; line wrapping; go to definition of a user function.

import { expect, test, type Page } from '@playwright/test';
import { openApp, setSource, watchErrors } from './helpers.js';

const SRC = `//@version=6
indicator("Help")
myLength = input.int(14, "Length")
myFunc(x, simple int n = 2) =>
    x * n
r = ta.rsi(close, myLength)
plot(myFunc(r), "Doubled")
`;

async function typeAtEnd(page: Page, text: string): Promise<void> {
  const content = page.getByTestId('editor-content');
  await content.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 20 });
}

const labels = (page: Page) => page.locator('.cm-tooltip-autocomplete li .cm-completionLabel').allTextContents();

test('completion lists namespace members, builtins, named arguments and user symbols', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await expect(page.getByTestId('editor-content')).toBeVisible();
  await setSource(page, SRC);
  await page.waitForTimeout(400);

  await typeAtEnd(page, '\nx1 = ta.');
  await expect(page.locator('.cm-tooltip-autocomplete')).toBeVisible();
  let got = await labels(page);
  for (const m of ['sma', 'ema', 'rsi', 'crossover', 'supertrend']) expect(got).toContain(m);
  expect(got).not.toContain('close');
  await page.keyboard.type('sm');
  await expect.poll(() => labels(page)).toContain('sma');
  await page.keyboard.press('Escape');

  // Signature help inside the call, on its second argument.
  await page.keyboard.type('a(close, ');
  const sig = page.getByTestId('signature-help');
  await expect(sig).toBeVisible();
  await expect(sig).toContainText('ta.sma(');
  await expect(page.getByTestId('signature-active')).toHaveText(/^length: /);
  await expect(sig).toContainText('Simple moving average');
  await page.keyboard.type('14)');

  // Named arguments of plot().
  await page.keyboard.type('\nplot(close, ti');
  await expect.poll(() => labels(page)).toContain('title=');
  await page.keyboard.press('Escape');
  await page.keyboard.type('tle = "x")');

  // The script's own variables and functions.
  await page.keyboard.type('\ny2 = myF');
  await expect.poll(() => labels(page)).toContain('myFunc');
  await page.keyboard.press('Escape');
  await page.keyboard.type('\ny3 = myL');
  await expect.poll(() => labels(page)).toContain('myLength');
  await page.keyboard.press('Escape');
  expect(errors).toEqual([]);
});

test('hover shows a builtin signature and description; lines wrap; F12 goes to a function', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await expect(page.getByTestId('editor-content')).toBeVisible();
  await setSource(page, SRC);
  await page.waitForTimeout(400);

  await page.locator('.cm-line', { hasText: 'r = ta.rsi(close' }).locator('text=rsi').first().hover();
  const doc = page.getByTestId('hover-doc');
  await expect(doc).toBeVisible();
  await expect(doc).toContainText('ta.rsi(source: series float, length: simple int)');
  await expect(doc).toContainText('Relative strength index');

  await expect(page.locator('.cm-content.cm-lineWrapping')).toHaveCount(1);

  // Cursor on the call of myFunc, F12: the selection is its declaration (line 4).
  await page.locator('.cm-line', { hasText: 'plot(myFunc(r)' }).locator('text=myFunc').first().click();
  await page.keyboard.press('F12');
  await expect(page.locator('.cm-activeLine')).toContainText('myFunc(x, simple int n = 2) =>');
  expect(errors).toEqual([]);
});
