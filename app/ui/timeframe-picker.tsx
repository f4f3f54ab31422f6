// The chart's timeframe buttons (like TradingView's): the dataset's own timeframe and every higher
// one of a fixed list. Picking one opens the dataset resampled to it — the dataset id with an `@tf`
// suffix (app/worker/chart-timeframe.ts), so the session remembers it and checkpoints follow it.

import { parseTimeframe } from '../../vm/values.js';
import { CHART_TIMEFRAMES, chartTimeframeProblem, timeframeSeconds } from '../chart-timeframes.js';
import type { AppController, AppState } from './controller.js';

/** The base dataset id and chart timeframe of a dataset id (the page's copy of the worker's rule). */
export function splitDatasetId(id: string): { base: string; tf: string | null } {
  const at = id.lastIndexOf('@');
  return at > 0 ? { base: id.slice(0, at), tf: id.slice(at + 1) } : { base: id, tf: null };
}

export function TimeframePicker({ state, controller }: { state: AppState; controller: AppController }) {
  const s = state.session;
  if (!s) return null;
  const { base, tf } = splitDatasetId(s.datasetId);
  const ds = s.datasets.find((d) => d.id === base);
  const own = ds?.timeframe ?? null;
  const ownInfo = own !== null ? parseTimeframe(own) : null;
  if (!ds || !ownInfo) return null;
  // Every usual timeframe, as TradingView shows them; one the dataset's bars cannot make (lower
  // than its own, or splitting its bars) is marked, and picking it says why (the worker refuses it).
  const choices = [ownInfo, ...CHART_TIMEFRAMES.map((c) => parseTimeframe(c)).filter((i) => i !== null && i.period !== ownInfo.period)]
    .flatMap((i) => (i ? [i] : []))
    .sort((a, b) => timeframeSeconds(a) - timeframeSeconds(b))
    .map((i) => i.period);
  const current = tf ?? ownInfo.period;
  return (
    <div className="timeframe-picker" role="group" aria-label="Chart timeframe" data-testid="timeframe-picker">
      {choices.map((c) => {
        const problem = c === ownInfo.period ? null : chartTimeframeProblem(ds.name, ownInfo.period, c);
        return (
          <button
            key={c}
            type="button"
            className={`btn btn-small ${c === current ? 'btn-primary' : 'btn-ghost'}${problem ? ' tf-unavailable' : ''}`}
            data-testid={`timeframe-${c}`}
            data-available={problem ? '0' : '1'}
            aria-pressed={c === current}
            title={c === ownInfo.period ? `The dataset's own timeframe (${c})` : (problem ?? `Resample the bars to ${c}`)}
            onClick={() => void controller.selectDataset(c === ownInfo.period ? base : `${base}@${c}`)}
          >
            {c}
          </button>
        );
      })}
    </div>
  );
}
