// Datasets the engine can open: the sample CSV served from public/samples, synthetic 1-minute bars
// generated on the spot (the benchmark's seeded walk), and CSV files the user imported (stored in
// IndexedDB). Each resolves to bars as columns plus the symbol and timeframe the VM runs them with.

import { csvSymbolInfo, inferMintick, inferTimeframe, parseBarsCsv, readSymbolToml, tickerFromFileName, type BarColumns, type SymbolInfo } from '../../vm/index.js';
import { syntheticBars } from '../../vm/index.js';
import type { DatasetBarsRecord, DatasetRecord } from '../store/schema.js';
import type { DatasetInfo } from './protocol.js';

export interface LoadedDataset {
  info: DatasetInfo;
  bars: BarColumns;
  symbol: Partial<SymbolInfo>;
  timeframe: string;
}

interface SampleSpec {
  id: string;
  file: string;
  name: string;
  description: string;
  ticker: string;
  type: string;
}

const SAMPLES: SampleSpec[] = [
  {
    id: 'sample:sp500-daily',
    file: 'samples/sp500-daily-2000-2020.csv',
    name: 'S&P 500 daily 2000–2020',
    description: 'S&P 500 index, daily bars, 2000-01-03 to 2020-04-17 (sample)',
    ticker: 'SPX',
    type: 'index',
  },
];

export const DEFAULT_DATASET_ID = 'sample:sp500-daily';

const SYNTHETIC_SIZES = [10_000, 100_000, 1_000_000];

export function builtinDatasets(): DatasetInfo[] {
  const samples: DatasetInfo[] = SAMPLES.map((s) => ({
    id: s.id,
    name: s.name,
    kind: 'sample',
    description: s.description,
    length: null,
    timeframe: '1D',
  }));
  const synth: DatasetInfo[] = SYNTHETIC_SIZES.map((n) => syntheticInfo(n));
  return [...samples, ...synth];
}

function syntheticInfo(n: number): DatasetInfo {
  const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
  return {
    id: `synthetic:${n}`,
    name: `Synthetic 1-minute, ${label} bars`,
    kind: 'synthetic',
    description: `${n.toLocaleString('en-US')} seeded random-walk 1-minute bars from 2024-01-01 UTC (the benchmark data)`,
    length: n,
    timeframe: '1',
  };
}

export function storedDatasetInfo(r: DatasetRecord): DatasetInfo {
  return {
    id: r.id,
    name: r.name,
    kind: 'csv',
    description: `${r.fileName}: ${r.length.toLocaleString('en-US')} bars, imported`,
    length: r.length,
    timeframe: r.timeframe,
  };
}

export { tickerFromFileName };

export function barsFromRecord(r: DatasetBarsRecord): BarColumns {
  return { time: r.time, open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume, length: r.time.length };
}

function symbolFor(ticker: string, type: string, mintick: number): Partial<SymbolInfo> {
  return { ticker, tickerid: ticker, type, timezone: 'Etc/UTC', session: '24x7', mintick };
}

/** Loads a built-in dataset (null for an id that is not built in). */
export async function loadBuiltin(id: string, baseUrl: string): Promise<LoadedDataset | null> {
  const sample = SAMPLES.find((s) => s.id === id);
  if (sample) {
    const url = new URL(sample.file, baseUrl).href;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`Could not load the sample dataset ${sample.file}: HTTP ${res.status}.`);
    const { bars } = parseBarsCsv(await res.text(), { name: sample.file });
    const tf = inferTimeframe(bars);
    return {
      info: { id, name: sample.name, kind: 'sample', description: sample.description, length: bars.length, timeframe: tf },
      bars,
      symbol: symbolFor(sample.ticker, sample.type, inferMintick(bars)),
      timeframe: tf,
    };
  }
  const m = /^synthetic:(\d+)$/.exec(id);
  if (m) {
    const n = Number(m[1]);
    if (!(n > 0 && n <= 5_000_000)) return null;
    return { info: syntheticInfo(n), bars: syntheticBars(n, 1), symbol: symbolFor('SYNTH', 'crypto', 0.01), timeframe: '1' };
  }
  return null;
}

export function loadStored(meta: DatasetRecord, bars: DatasetBarsRecord): LoadedDataset {
  const cols = barsFromRecord(bars);
  return {
    info: storedDatasetInfo(meta),
    bars: cols,
    // The CLI's symbol for the same file (vm/data/infer.ts): a run gives the same snapshot in both;
    // with a symbol file, what it says (as the CLI's --symbol; the bars' own spacing stays).
    symbol: { ...csvSymbolInfo(meta.fileName, cols), ...symbolOfToml(meta.symbolToml) },
    timeframe: meta.timeframe,
  };
}

/** The symbol a stored symbol file gives (nothing without one; it was checked when imported). */
function symbolOfToml(text: string | undefined): Partial<SymbolInfo> {
  if (text === undefined) return {};
  try {
    return readSymbolToml(text).symbol;
  } catch {
    return {};
  }
}
