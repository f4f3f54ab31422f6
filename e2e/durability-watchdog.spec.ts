// The watchdog and hostile imports (issue 11, item 9): an engine worker that stops answering in the
// middle of a script's bar is noticed by the page, which terminates the worker, starts a new one back
// at the last checkpoint and says which script hung; the script is not run again on its own, even
// after a reload; Cancel works while it hangs; typing done while the worker is stuck is kept. No Pine
// script can hang the worker any more (four nested loops of 1,000 iterations, which once did, now stop
// with the loop time limit's error: the first test), so the worker is made to stop answering through
// the test-only hook `window.evergreen.testOnlyHangEngine()` (app/worker/test-hang.ts): the next bar
// the engine runs for the open script never ends. A forged `.evergreen` file whose snapshot fails
// validation (its checksum recomputed, so only restoring it can tell) is refused and never stored.

import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { Packr } from 'msgpackr';
import type { EvergreenDebug } from '../app/ui/debug.js';
import { appState, openApp, sampleRows, setSource, startReplay, stepBars, waitRestored, waitSettled, watchErrors } from './helpers.js';

const N = sampleRows().length;

/** The script the engine is made to hang in: it plots the close. */
const SCRIPT = `//@version=6
indicator("Stuck loop")
plot(close, "price")
`;

/** Four nested loops of 1,000 iterations on bar `hangAt` (1e12 additions), plotting the close. */
function nestedLoops(hangAt: string): string {
  return `//@version=6
indicator("Nested loops")
s = 0.0
if ${hangAt}
    for i = 0 to 999
        for j = 0 to 999
            for k = 0 to 999
                for m = 0 to 999
                    s += 1
plot(close + s, "price")
`;
}

/** Makes the engine worker stop answering at the next bar it runs (test-only hook). */
async function hangEngine(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.testOnlyHangEngine());
}

async function waitNotice(page: Page, code: string, timeout = 30_000): Promise<string> {
  await page.waitForFunction((c) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().notices.some((n) => n.code === c), code, { timeout, polling: 100 });
  const s = await appState(page);
  return s.notices.filter((n) => n.code === code).map((n) => n.message).join('\n');
}

async function editorSource(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.source());
}

/** Waits until the compile of the editor's text has been answered (nothing left to save). */
async function waitCompiled(page: Page): Promise<void> {
  await page.waitForTimeout(400);
  await expect(page.getByTestId('diagnostic')).toHaveCount(0);
}

test('four nested loops of 1,000 iterations end with the loop time limit\'s error; the engine keeps answering', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await setSource(page, nestedLoops('bar_index == 5'));
  await waitCompiled(page);
  await page.getByTestId('run').click();
  await page.waitForFunction(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().status === 'error', undefined, { timeout: 30_000 });
  const s = await appState(page);
  expect(s.notices.some((n) => n.code === 'runtime' && /The loop took longer than 500 ms/.test(n.message))).toBe(true);
  expect(s.engineRestarts).toBe(0);
  // Bars 0-4 ran (the close plotted), bar 5 stopped the run.
  expect(s.rows).toBe(5);
  expect(errors).toEqual([]);
});

test('a script that hangs mid-replay: the watchdog restarts the engine at the last checkpoint, names the script, keeps the typing; a reload does not run it', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  const stuck = SCRIPT;
  await setSource(page, stuck);
  await waitCompiled(page);
  // History runs bars 0 .. N-21 (the script plots the close there); two steps confirm N-20, N-19.
  await startReplay(page, N - 20);
  await stepBars(page, 2);
  await page.waitForFunction((b) => (window as unknown as { evergreen: EvergreenDebug }).evergreen.state().checkpointBar === b, N - 19);
  // The next step is the bar that never ends.
  await hangEngine(page);
  await page.getByTestId('replay-step').click();
  await page.waitForTimeout(500);
  const typed = `${stuck}// typed while the engine was stuck\n`;
  await setSource(page, typed);

  const message = await waitNotice(page, 'hung');
  expect(message).toContain("'MA + Bollinger Bands' (Stuck loop) stopped answering");
  expect(await waitRestored(page)).toBe(N - 19);
  const s = await waitSettled(page);
  expect(s.engineRestarts).toBe(1);
  expect(s.barIndex).toBe(N - 19);
  expect(s.replay?.playing).toBe(false);
  expect(s.notices.some((n) => n.code === 'held')).toBe(true);
  // The typing is in the editor, and saved by the new engine (the page kept it meanwhile).
  expect(await editorSource(page)).toBe(typed);
  await waitCompiled(page);

  // A reload: the edited script opens with its text, is not run, and nothing hangs.
  await page.reload();
  await waitNotice(page, 'held');
  expect(await editorSource(page)).toBe(typed);
  await page.waitForTimeout(7000);
  const after = await appState(page);
  expect(after.engineRestarts).toBe(0);
  expect(after.status).toBe('cancelled');
  expect(after.notices.some((n) => n.code === 'hung')).toBe(false);
  expect(errors).toEqual([]);
});

test('Cancel stops a script that hangs at once; the script is held until the user runs it again', async ({ page }) => {
  const errors = watchErrors(page);
  await openApp(page);
  await setSource(page, SCRIPT);
  await waitCompiled(page);
  await hangEngine(page);
  await page.getByTestId('run').click();
  await page.waitForTimeout(500);
  await page.getByTestId('cancel').click();
  const message = await waitNotice(page, 'hung', 10_000);
  expect(message).toContain('Cancel was not answered');
  expect(await waitNotice(page, 'held')).toContain('it was not run');
  expect((await appState(page)).status).toBe('cancelled');

  // Reloaded, it is still not run.
  await page.reload();
  await waitNotice(page, 'held');
  await page.waitForTimeout(7000);
  expect((await appState(page)).engineRestarts).toBe(0);
  expect((await appState(page)).status).toBe('cancelled');

  // The user runs it again: it runs (the close plotted on every bar).
  await page.getByTestId('run').click();
  const s = await waitSettled(page);
  expect(s.status).toBe('done');
  expect(s.barIndex).toBe(N - 1);
  const closes = sampleRows().map((r) => r.close);
  expect(await page.evaluate(() => (window as unknown as { evergreen: EvergreenDebug }).evergreen.plotValues('price'))).toEqual(closes);
  expect(errors).toEqual([]);
});

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test('a forged checkpoint file (valid header and checksum, a body that is not a snapshot) is refused and not stored', async ({ page }, info) => {
  const errors = watchErrors(page);
  await openApp(page);
  const download = page.waitForEvent('download');
  await page.getByTestId('snapshot-export').first().click();
  const goodPath = info.outputPath('good.evergreen');
  await (await download).saveAs(goodPath);

  // The snapshot is `header (44 bytes, body length at 40) | body | CRC-32 of what precedes it`:
  // swap the body for a msgpack map of the wrong shape and recompute the length and the CRC.
  const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });
  const file = packr.unpack(readFileSync(goodPath)) as { snapshot: Uint8Array } & Record<string, unknown>;
  const body = packr.pack({ forged: true, registers: [1, 2, 3] });
  const snap = new Uint8Array(44 + body.length + 4);
  snap.set(file.snapshot.subarray(0, 44));
  snap.set(body, 44);
  const dv = new DataView(snap.buffer);
  dv.setUint32(40, body.length, true);
  dv.setUint32(44 + body.length, crc32(snap.subarray(0, 44 + body.length)), true);
  const forgedPath = info.outputPath('forged.evergreen');
  writeFileSync(forgedPath, packr.pack({ ...file, snapshot: snap }));

  const before = await appState(page);
  await page.getByTestId('snapshot-import-input').setInputFiles(forgedPath);
  const message = await waitNotice(page, 'snapshot-rejected');
  expect(message).toContain('forged.evergreen: the snapshot inside cannot be restored');
  expect(message).toContain('Nothing was imported.');
  // Nothing was stored, and the app still shows its run; a reload finds nothing new either.
  expect((await appState(page)).snapshots).toEqual(before.snapshots);
  expect((await appState(page)).runId).toBe(before.runId);
  await page.reload();
  const s = await waitSettled(page);
  expect(s.snapshots.map((x) => x.id)).toEqual(before.snapshots.map((x) => x.id));
  expect(s.snapshots.every((x) => x.status === 'ok' && x.kind !== 'imported')).toBe(true);
  expect(errors).toEqual([]);
});
