// alert() and alertcondition() in the app: firings are listed in the alerts panel with bar, time and
// message; alertconditions are listed once armed in the Conditions dialog; during a replay they fire
// as bars arrive (intrabar for alert.freq_once_per_bar, at the close for freq_once_per_bar_close,
// every call for freq_all), with a browser notification when asked for. Expected bars are computed
// here from the sample CSV.

import { expect, test, type Page } from '@playwright/test';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSource, setSpeed, startReplay, waitReplayEnd, waitSettled, watchErrors } from './helpers.js';

type Ev = { evergreen: EvergreenDebug };

const script = (from: number) => `//@version=6
indicator("Alerts", overlay=true)
if bar_index % 100 == 0
    alert("hundred " + str.tostring(bar_index), alert.freq_once_per_bar_close)
if bar_index % 50 == 0
    for i = 0 to 2
        alert("all " + str.tostring(i), alert.freq_all)
alertcondition(close > open and bar_index % 70 == 0, "Up seventy", "up on a multiple of seventy")
alertcondition(close < open and bar_index % 70 == 0, "Down seventy")
if bar_index >= ${from} and close == low
    alert("low once", alert.freq_once_per_bar)
if bar_index >= ${from} and close == low
    alert("low close", alert.freq_once_per_bar_close)
`;

interface Row {
  bar: number;
  kind: string;
  live: boolean;
  time: string;
  message: string;
}

async function rows(page: Page): Promise<Row[]> {
  return page.getByTestId('alert-row').evaluateAll((els) =>
    els.map((e) => ({
      bar: Number(e.getAttribute('data-bar')),
      kind: e.getAttribute('data-kind') ?? '',
      live: e.getAttribute('data-live') === '1',
      time: e.querySelector('.log-time')?.textContent ?? '',
      message: e.querySelector('.log-msg')?.textContent ?? '',
    })),
  );
}

async function runNow(page: Page): Promise<void> {
  const before = (await appState(page)).runId;
  await page.getByTestId('run').click();
  await page.waitForFunction((r) => (window as unknown as Ev).evergreen.state().runId > r, before);
  await waitSettled(page);
}

test('alerts fire in the panel with their frequencies, armed conditions too, live during a replay', async ({ page }) => {
  const errors = watchErrors(page);
  // A stand-in for the browser's Notification that records what would be shown.
  await page.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { shownNotes: string[] }).shownNotes = shown;
    class FakeNotification {
      static permission = 'granted';
      static requestPermission(): Promise<string> {
        return Promise.resolve('granted');
      }
      constructor(_title: string, opts?: { body?: string }) {
        shown.push(opts?.body ?? '');
      }
    }
    (window as unknown as { Notification: unknown }).Notification = FakeNotification;
  });
  const csv = sampleRows();
  const total = csv.length;
  const from = total - 12;
  await openApp(page);
  await setSource(page, script(from));
  await page.waitForTimeout(800);
  await runNow(page);

  // History: 'hundred' on bars 0, 100, ... (once each), 'all 0..2' on every 50th bar, in bar order.
  const expected: { bar: number; message: string }[] = [];
  for (let b = 0; b < total; b++) {
    if (b % 100 === 0) expected.push({ bar: b, message: `hundred ${b}` });
    if (b % 50 === 0) for (let i = 0; i < 3; i++) expected.push({ bar: b, message: `all ${i}` });
    // A history bar runs once, on its final values: 'low close' and 'low once' when it closed at its low.
    const r = csv[b];
    if (b >= from && r && r.close === r.low) expected.push({ bar: b, message: 'low once' }, { bar: b, message: 'low close' });
  }
  let got = await rows(page);
  expect(got.map((r) => ({ bar: r.bar, message: r.message }))).toEqual(expected);
  expect(got.every((r) => r.kind === 'alert' && !r.live)).toBe(true);
  expect(got[0]?.time).toBe('2000-01-03 00:00');

  // Arming one condition in the dialog: its firings (close > open on a multiple of 70) are listed.
  await page.getByTestId('alert-conditions').click();
  const conds = page.getByTestId('alert-condition');
  await expect(conds).toHaveCount(2);
  await expect(conds.nth(0)).toHaveAttribute('data-title', 'Up seventy');
  await expect(conds.nth(1)).toHaveAttribute('data-title', 'Down seventy');
  await conds.nth(0).getByTestId('alert-arm').check();
  await page.getByTestId('alert-dialog-close').click();
  await runNow(page);
  got = await rows(page);
  const upBars = csv.map((r, b) => (b % 70 === 0 && r.close > r.open ? b : -1)).filter((b) => b >= 0);
  expect(got.filter((r) => r.kind === 'condition').map((r) => [r.bar, r.message])).toEqual(upBars.map((b) => [b, 'up on a multiple of seventy']));

  // Replay the last 12 bars with ticks: 'low once' fires once per bar (its first tick opens at the
  // low), 'low close' only on bars that closed at their low; 'hundred 5100' at its close.
  await page.getByTestId('alert-notify').check();
  await startReplay(page, from);
  await setSpeed(page, 50);
  await page.getByTestId('replay-play').click();
  await waitReplayEnd(page, 120_000);
  got = (await rows(page)).filter((r) => r.live);
  const liveExpected: string[] = [];
  for (let b = from; b < total; b++) {
    const r = csv[b];
    if (b % 50 === 0) for (let i = 0; i < 3; i++) liveExpected.push(`${b} all ${i}`);
    if (b % 100 === 0) liveExpected.push(`${b} hundred ${b}`);
    if (b % 70 === 0 && r && r.close > r.open) liveExpected.push(`${b} up on a multiple of seventy`);
    liveExpected.push(`${b} low once`);
    if (r && r.close === r.low) liveExpected.push(`${b} low close`);
  }
  expect(got.map((r) => `${r.bar} ${r.message}`).sort()).toEqual(liveExpected.sort());
  const notes = await page.evaluate(() => (window as unknown as { shownNotes: string[] }).shownNotes);
  expect(notes.length).toBe(liveExpected.length);
  expect(notes).toContain(`low once (bar ${from})`);
  expect(errors).toEqual([]);
});
