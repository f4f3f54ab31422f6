// The chart's timeframe buttons (like TradingView's): the dataset's own timeframe and every higher
// one of a fixed list. Picking one opens the dataset resampled to it — the dataset id with an `@tf`
// suffix (app/worker/chart-timeframe.ts), so the session remembers it and checkpoints follow it.

import { parseTimeframe, type TimeframeInfo } from '../../vm/values.js';
import type { AppController, AppState } from './controller.js';

const CHOICES = ['1', '5', '15', '60', '240', '1D', '1W', '1M'];

function seconds(tf: TimeframeInfo): number {
  const unit: Record<string, number> = { S: 1, '': 60, D: 86_400, W: 604_800, M: 2_629_800 };
  return tf.multiplier * (unit[tf.unit] ?? NaN);
}

/** The base dataset id and chart timeframe of a dataset id (the page's copy of the worker's rule). */
export function splitDatasetId(id: string): { base: string; tf: string | null } {
  const at = id.lastIndexOf('@');
  return at > 0 ? { base: id.slice(0, at), tf: id.slice(at + 1) } : { base: id, tf: null };
}

export function TimeframePicker({ state, controller }: { state: AppState; controller: AppController }) {
  const s = state.session;
  if (!s) return null;
  const { base, tf } = splitDatasetId(s.datasetId);
  const own = s.datasets.find((d) => d.id === base)?.timeframe ?? null;
  const ownInfo = own !== null ? parseTimeframe(own) : null;
  if (!ownInfo) return null;
  const choices = [ownInfo.period, ...CHOICES.filter((c) => {
    const info = parseTimeframe(c);
    return info !== null && seconds(info) > seconds(ownInfo);
  })];
  const current = tf ?? ownInfo.period;
  return (
    <div className="timeframe-picker" role="group" aria-label="Chart timeframe" data-testid="timeframe-picker">
      {choices.map((c) => (
        <button
          key={c}
          type="button"
          className={`btn btn-small ${c === current ? 'btn-primary' : 'btn-ghost'}`}
          data-testid={`timeframe-${c}`}
          aria-pressed={c === current}
          title={c === ownInfo.period ? `The dataset's own timeframe (${c})` : `Resample the bars to ${c}`}
          onClick={() => void controller.selectDataset(c === ownInfo.period ? base : `${base}@${c}`)}
        >
          {c}
        </button>
      ))}
    </div>
  );
}
