// The chart panel: mounts a ChartView once and hands it to the controller, which feeds it as the
// engine's events arrive. `data-drawn` names the run whose chart is fully drawn (tests wait on it).

import { memo, useEffect, useRef } from 'react';
import { ChartView } from './chart-view.js';
import type { AppController } from '../controller.js';

interface ChartProps {
  controller: AppController;
  drawnRunId: number | null;
  notes: string[];
}

export const Chart = memo(function Chart({ controller, drawnRunId, notes }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const view = new ChartView(el, controller.buffer);
    controller.attachChart(view);
    return () => {
      controller.attachChart(null);
      view.destroy();
    };
  }, [controller]);
  return (
    <div className="chart-wrap">
      <div className="chart-host" ref={host} data-testid="chart" data-drawn={drawnRunId ?? ''} />
      {notes.length > 0 && (
        <div className="chart-notes">
          {notes.map((n) => (
            <div key={n}>{n}</div>
          ))}
        </div>
      )}
    </div>
  );
});
