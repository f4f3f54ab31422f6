// request.security of another symbol in the app finds an imported dataset by its ticker: a file
// named TICKER.csv, or as TradingView's "Export chart data" names it (EXCHANGE_TICKER, TF.csv), with
// or without the exchange prefix in the request; an unknown ticker fails naming the file to import.
// Expected values: the imported file's own closes, matched by date by hand.

import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boot, engineList } from './engine-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SAMPLE = readFileSync(`${ROOT}public/samples/sp500-daily-2000-2020.csv`, 'utf8').trim().split('\n');
/** The other file: the sample's first 40 days with every close plus 1000. */
const OTHER = [SAMPLE[0], ...SAMPLE.slice(1, 41).map((l) => {
  const c = l.split(',');
  c[4] = String(Number(c[4]) + 1000);
  return c.join(',');
})].join('\n');
const OTHER_CLOSES = SAMPLE.slice(1, 41).map((l) => Number(l.split(',')[4]) + 1000);

const engines = engineList();

describe('another symbol by its ticker', () => {
  it('a TradingView export file name (TVC_OTHER, 1D.csv) answers "TVC:OTHER" and "OTHER"', async () => {
    const { engine, page } = await boot(`tickers-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    const r = await engine.importCsv('TVC_OTHER, 1D.csv', new TextEncoder().encode(OTHER));
    expect(r.ok, r.message).toBe(true);
    await engine.selectDataset('sample:sp500-daily');
    await engine.setSource('//@version=6\nindicator("t")\nplot(request.security("TVC:OTHER", "1D", close), "a")\nplot(request.security("OTHER", "1D", close), "b")\n');
    await engine.run();
    await page.until('the run', () => page.lastEnd?.status === 'done' && page.buffer.outputIdByTitle('b') >= 0);
    // The first 40 chart days are the other file's days: its closes; after it ends, its last close.
    const a = page.values('a');
    expect(a.slice(0, 40)).toEqual(OTHER_CLOSES);
    expect(a.at(-1)).toBe(OTHER_CLOSES.at(-1));
    expect(page.values('b')).toEqual(a);
  });

  it('an unknown ticker names the file to import', async () => {
    const { engine, page } = await boot(`tickers-none-${Date.now()}`);
    engines.push(engine);
    await page.settled();
    await engine.setSource('//@version=6\nindicator("t")\nplot(request.security("BYBIT:BTCUSDT.P", "1D", close), "a")\n');
    await engine.run();
    await page.until('the failure', () => page.notices('runtime').length > 0);
    expect(page.notices('runtime')[0]).toContain('no data for symbol "BYBIT:BTCUSDT.P" (import a CSV file named BTCUSDT_P.csv (or TradingView\'s export of its chart, named like EXCHANGE_BTCUSDT_P, 60.csv)');
  });
});
