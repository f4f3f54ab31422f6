// Other symbols' bars for request.security in the app: the worker's answer to the VM's data host
// call (vm/runtime/request-data.ts). When a bar stops with `needs-data`, the engine awaits
// `answerDataRequest`, which looks the requested ticker up among the datasets this browser has —
// every imported CSV (its ticker is its file name, as the chart shows it) and the built-in S&P 500
// sample (SPX) — loads their bars from IndexedDB and hands them to the instance; the engine then
// resumes the bar. A ticker with no dataset is answered "unavailable", and the script fails naming
// it (or gets na with ignore_invalid_symbol). A chart-timeframe variant of a dataset is not a
// separate source: the VM resamples what it needs.

import { tickerOf, type Instance, type RequestDataset } from '../../vm/index.js';
import type { Store } from '../store/store.js';
import { loadBuiltin, loadStored, tickerFromFileName, DEFAULT_DATASET_ID, type LoadedDataset } from './datasets.js';

/** Loaded bars by dataset id (imported datasets never change under an id). */
const cache = new Map<string, RequestDataset>();

/** A requested symbol as a file's ticker: without its exchange prefix, in the same characters. */
const bare = (s: string): string => tickerOf(s.slice(s.indexOf(':') + 1));

/** The chart's open dataset (every bar of it, before calc_bars_count keeps the last N): it answers
 * for the chart's own ticker when no stored dataset has that ticker (the synthetic series). A
 * script with calc_bars_count requests its own symbol from here (vm: RequestData.wholeOwn). */
let chartData: LoadedDataset | null = null;

export function setChartDataset(ds: LoadedDataset | null): void {
  chartData = ds;
}

/** Forgets the loaded bars of dataset `id` (its symbol changed). */
export function forgetDataset(id: string): void {
  cache.delete(id);
}

/** Every dataset of `symbol` this browser has (matching with or without an exchange prefix). */
export async function datasetsForSymbol(store: Store, baseUrl: string, symbol: string): Promise<{ found: RequestDataset[]; tickers: string[] }> {
  const want = bare(symbol);
  const metas = await store.listDatasets();
  const found: RequestDataset[] = [];
  const tickers = ['SPX', ...metas.map((m) => tickerFromFileName(m.fileName))];
  if (want === 'SPX') {
    let ds = cache.get(DEFAULT_DATASET_ID);
    if (!ds) {
      const b = await loadBuiltin(DEFAULT_DATASET_ID, baseUrl);
      if (b) {
        ds = { bars: b.bars, timeframe: b.timeframe, symbol: b.symbol };
        cache.set(DEFAULT_DATASET_ID, ds);
      }
    }
    if (ds) found.push(ds);
  }
  for (const m of metas) {
    if (tickerFromFileName(m.fileName) !== want) continue;
    let ds = cache.get(m.id);
    if (!ds) {
      const bars = await store.getDatasetBars(m.id);
      if (!bars) continue;
      const l = loadStored(m, bars);
      ds = { bars: l.bars, timeframe: l.timeframe, symbol: l.symbol };
      cache.set(m.id, ds);
    }
    found.push(ds);
  }
  const own = chartData;
  if (found.length === 0 && own !== null && (own.symbol.tickerid === symbol || own.symbol.ticker === symbol || bare(own.symbol.tickerid ?? own.symbol.ticker ?? '') === want)) {
    found.push({ bars: own.bars, timeframe: own.timeframe, symbol: own.symbol });
  }
  return { found, tickers };
}

/** Answers the data request `inst` is waiting on (nothing when it waits for none). */
export async function answerDataRequest(inst: Instance, store: Store, baseUrl: string): Promise<void> {
  const req = inst.dataRequest;
  if (!req) return;
  const { found, tickers } = await datasetsForSymbol(store, baseUrl, req.symbol);
  if (inst.dataRequest !== req) return;
  inst.provideData(
    req.symbol,
    found.length > 0 ? found : null,
    found.length > 0 ? '' : `import a CSV file named ${bare(req.symbol)}.csv (or TradingView's export of its chart, named like EXCHANGE_${bare(req.symbol)}, 60.csv): an imported dataset's ticker is its file name; this browser has ${[...new Set(tickers)].join(', ')}`,
  );
}
