// The app's layout: toolbar on top, editor left and chart right, inputs / checkpoints / logs
// below, status bar at the bottom; drag-and-drop import anywhere.

import type { AppController } from './controller.js';
import { useAppState } from './controller.js';
import { Toolbar } from './toolbar.js';
import { Editor } from './editor.js';
import { Chart } from './chart.js';
import { ReplayControls } from './replay-controls.js';
import { InputsPanel } from './inputs-panel.js';
import { SnapshotsPanel } from './snapshots-panel.js';
import { LogPanel } from './log-panel.js';
import { StatusBar } from './status-bar.js';
import { Notices } from './notices.js';
import { DropZone } from './drop-zone.js';
import { buildChartPlan } from './chart-plan.js';

export function App({ controller }: { controller: AppController }) {
  const state = useAppState(controller);
  const diagnostics = state.compile?.diagnostics ?? [];
  const notes = buildChartPlan(state.program).notes;
  return (
    <DropZone controller={controller}>
      <div className="app">
        <Toolbar state={state} controller={controller} />
        <Notices notices={state.notices} controller={controller} />
        <main className="workspace">
          <Editor controller={controller} diagnostics={diagnostics} runtimeError={state.runtimeError} />
          <div className="chart-pane">
            <ReplayControls state={state} controller={controller} />
            <Chart controller={controller} drawnRunId={state.drawn?.runId ?? null} notes={notes} />
          </div>
        </main>
        <div className="panels">
          <InputsPanel state={state} controller={controller} />
          <SnapshotsPanel state={state} controller={controller} />
          <LogPanel state={state} />
        </div>
        <StatusBar state={state} />
      </div>
    </DropZone>
  );
}
