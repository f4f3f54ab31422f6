// indicator()/strategy()(calc_bars_count = N) in the app: TradingView runs such a script on the
// dataset's last N bars only, as if they were the whole data (bar_index 0 on the first of them), as
// the CLI does (vm/cli/main.ts, calcBarsData). The run's dataset is that view of the loaded one (at
// the chart timeframe, after resampling): the same id — the script's source, part of the run's
// identity, decides N — and its last N bars, so replay, checkpoints, reloads and exports work on it
// as on any dataset. The chart shows those N bars.

import type { BarColumns, Program } from '../../vm/index.js';
import type { LoadedDataset } from './datasets.js';

/** The program's calc_bars_count (null: none, every bar is run). */
export function calcBarsCount(program: Program | null): number | null {
  const n = program?.meta.options.calc_bars_count;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : null;
}

/** Views already made, so one dataset and count give one object (and one copy of the bars). */
const views = new WeakMap<LoadedDataset, Map<number, LoadedDataset>>();

/** The dataset `program` runs on: `ds` itself, or its last calc_bars_count bars. */
export function calcBarsView(ds: LoadedDataset, program: Program | null): LoadedDataset {
  const n = calcBarsCount(program);
  if (n === null || n >= ds.bars.length) return ds;
  let byCount = views.get(ds);
  if (!byCount) {
    byCount = new Map();
    views.set(ds, byCount);
  }
  const had = byCount.get(n);
  if (had) return had;
  const view: LoadedDataset = { ...ds, info: { ...ds.info, length: n }, bars: lastBars(ds.bars, n) };
  byCount.set(n, view);
  return view;
}

/** The columns' last `n` rows, copied (the run's bars are sent and stored on their own). */
function lastBars(b: BarColumns, n: number): BarColumns {
  const from = b.length - n;
  return {
    time: b.time.slice(from),
    open: b.open.slice(from),
    high: b.high.slice(from),
    low: b.low.slice(from),
    close: b.close.slice(from),
    volume: b.volume.slice(from),
    length: n,
  };
}

/** What the page is told when a run starts on such a view (null: the script runs on every bar). */
export function calcBarsNote(full: LoadedDataset, view: LoadedDataset, program: Program): string | null {
  const n = calcBarsCount(program);
  if (n === null) return null;
  const call = program.meta.kind === 'strategy' ? 'strategy' : 'indicator';
  if (view === full) return null;
  const first = new Date(view.bars.time[0] ?? NaN);
  const when = Number.isNaN(first.getTime()) ? '' : ` (from ${first.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  return `${call}(calc_bars_count = ${n}): the script runs on the last ${n.toLocaleString('en-US')} of the dataset's ${full.bars.length.toLocaleString('en-US')} bars${when}, as on TradingView; the chart shows those bars.`;
}
