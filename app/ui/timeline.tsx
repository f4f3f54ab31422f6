// The checkpoint timeline under the chart: every checkpoint of the current chart (the editor's script
// on the open dataset) as a mark at its bar (the strip spans the bars from the first checkpoint to
// the last, so a replay's checkpoints a few bars apart stay apart), one lane per replay branch (forks start new branches;
// older branches stay until deleted). Selecting a mark opens the snapshot inspector (its variables,
// sizes and inputs, as `evergreen inspect` prints them) with Restore (continue its branch from there)
// and Fork (continue in a new branch, keeping the later checkpoints of its own).

import { memo, useMemo, useState } from 'react';
import type { SnapshotInfo } from '../worker/protocol.js';
import type { AppController } from './controller.js';
import { SnapshotInspector } from './panels/snapshot-inspector.js';

interface TimelineProps {
  snapshots: SnapshotInfo[];
  scriptId: string | null;
  datasetId: string | null;
  totalBars: number;
  controller: AppController;
}

/** The fewest bars the strip spans. */
const MIN_SPAN = 10;

interface Lane {
  branch: string;
  label: string;
  /** One per bar: the checkpoint shown for it (see pick) and how many the lane holds at that bar. */
  marks: (SnapshotInfo & { count: number })[];
  current: boolean;
}

/** Of several checkpoints at one bar of a lane (a manual save beside an automatic one: the same
 * state), the one shown: the open run's, else a manual one, else the newest. */
function pick(list: SnapshotInfo[]): SnapshotInfo {
  const rank = (s: SnapshotInfo) => (s.current ? 4 : 0) + (s.status === 'ok' ? 2 : 0) + (s.kind !== 'auto' ? 1 : 0);
  return [...list].sort((a, b) => rank(b) - rank(a) || b.createdAt - a.createdAt)[0] as SnapshotInfo;
}

/** The chart's checkpoints by branch: the main branch first, then forks in the order they began. */
export function timelineLanes(snapshots: SnapshotInfo[], scriptId: string | null, datasetId: string | null): Lane[] {
  const mine = snapshots.filter((s) => s.scriptId === scriptId && s.datasetId === datasetId);
  const byBranch = new Map<string, SnapshotInfo[]>();
  for (const s of mine) byBranch.set(s.branch, [...(byBranch.get(s.branch) ?? []), s]);
  const first = (list: SnapshotInfo[]) => Math.min(...list.map((s) => s.createdAt));
  const branches = [...byBranch.entries()].sort(([a, x], [b, y]) => (a === 'main' ? -1 : b === 'main' ? 1 : first(x) - first(y)));
  let fork = 0;
  return branches.map(([branch, marks]) => {
    const byBar = new Map<number, SnapshotInfo[]>();
    for (const m of marks) byBar.set(m.bar, [...(byBar.get(m.bar) ?? []), m]);
    return {
      branch,
      label: branch === 'main' ? 'main' : `fork ${++fork}`,
      marks: [...byBar.values()].map((list) => ({ ...pick(list), count: list.length })).sort((a, b) => a.bar - b.bar),
      current: marks.some((m) => m.current),
    };
  });
}

export const CheckpointTimeline = memo(function CheckpointTimeline({ snapshots, scriptId, datasetId, totalBars, controller }: TimelineProps) {
  const lanes = useMemo(() => timelineLanes(snapshots, scriptId, datasetId), [snapshots, scriptId, datasetId]);
  const [selected, setSelected] = useState<string | null>(null);
  const chosen = selected !== null ? snapshots.find((s) => s.id === selected) ?? null : null;
  // The bars the strip spans: from the first checkpoint to the last (at least MIN_SPAN bars).
  const bars = lanes.flatMap((l) => l.marks.map((m) => m.bar));
  let lo = bars.length > 0 ? Math.min(...bars) : 0;
  let hi = bars.length > 0 ? Math.max(...bars) : Math.max(1, totalBars - 1);
  if (hi - lo < MIN_SPAN) {
    const mid = (lo + hi) / 2;
    lo = mid - MIN_SPAN / 2;
    hi = mid + MIN_SPAN / 2;
  }
  const at = (bar: number) => `${2 + ((bar - lo) / (hi - lo)) * 96}%`;
  return (
    <div className="timeline" data-testid="timeline">
      {lanes.length === 0 && <div className="timeline-empty muted">No checkpoints of this chart yet.</div>}
      {lanes.length > 0 && (
        <div className="timeline-scale muted" data-testid="timeline-scale" data-from={Math.round(lo)} data-to={Math.round(hi)}>
          <span>bar {Math.max(0, Math.round(lo))}</span>
          <span>bar {Math.round(hi)}</span>
        </div>
      )}
      {lanes.map((lane) => (
        <div key={lane.branch} className={`timeline-lane${lane.current ? ' current' : ''}`} data-testid="timeline-lane" data-branch={lane.branch} data-label={lane.label}>
          <span className="timeline-label" title={lane.current ? 'The open run saves to this branch' : undefined}>
            {lane.label}
          </span>
          <div className="timeline-track">
            {lane.marks.map((s) => (
              <button
                key={s.id}
                type="button"
                className={`timeline-mark kind-${s.kind} status-${s.status}${s.current ? ' current' : ''}${s.id === selected ? ' selected' : ''}`}
                style={{ left: at(s.bar) }}
                title={`bar ${s.bar} · ${s.kind}${s.status !== 'ok' ? ` · ${s.status}` : ''}${s.count > 1 ? ` (${s.count} checkpoints at this bar)` : ''}`}
                data-testid="timeline-mark"
                data-id={s.id}
                data-bar={s.bar}
                data-branch={s.branch}
                data-kind={s.kind}
                data-current={s.current ? '1' : '0'}
                data-count={s.count}
                aria-pressed={s.id === selected}
                onClick={() => setSelected(s.id === selected ? null : s.id)}
              />
            ))}
          </div>
          <button
            type="button"
            className="btn btn-small btn-ghost btn-danger"
            data-testid="timeline-delete-branch"
            data-branch={lane.branch}
            disabled={lane.current}
            title={lane.current ? 'The open run saves to this branch' : 'Delete every checkpoint of this branch'}
            onClick={() => void controller.deleteBranch(lane.branch)}
          >
            Delete branch
          </button>
        </div>
      ))}
      {chosen && (
        <div className="timeline-selected" data-testid="timeline-selected" data-id={chosen.id}>
          <div className="timeline-actions">
            <span className="mono">
              bar {chosen.bar} · {chosen.kind}
            </span>
            <button type="button" className="btn btn-small" data-testid="timeline-restore" disabled={chosen.status === 'corrupt'} onClick={() => void controller.restoreSnapshot(chosen.id)}>
              Restore
            </button>
            <button type="button" className="btn btn-small" data-testid="timeline-fork" disabled={chosen.status === 'corrupt'} onClick={() => void controller.forkSnapshot(chosen.id)}>
              Fork
            </button>
            <button type="button" className="btn btn-small btn-ghost" data-testid="timeline-close" onClick={() => setSelected(null)}>
              Close
            </button>
          </div>
          <SnapshotInspector id={chosen.id} controller={controller} />
        </div>
      )}
    </div>
  );
});
