// The app's layout: toolbar on top, editor left and chart right, inputs / checkpoints / logs
// below, status bar at the bottom; drag-and-drop import anywhere.

import { useEffect, useMemo } from 'react';
import type { Diagnostic, InputInfo } from '../../vm/index.js';
import type { InputValue } from '../worker/protocol.js';
import type { AppController } from './controller.js';
import { useAppState } from './controller.js';
import { Toolbar } from './toolbar.js';
import { Editor } from './editor/editor.js';
import { Chart } from './chart/chart.js';
import { ReplayControls } from './replay-controls.js';
import { InputsPanel } from './panels/inputs-panel.js';
import { SnapshotsPanel } from './panels/snapshots-panel.js';
import { LogPanel } from './panels/log-panel.js';
import { StatusBar } from './status-bar.js';
import { Notices } from './notices.js';
import { DropZone } from './drop-zone.js';
import { buildChartPlan } from './chart/chart-plan.js';

const NO_DIAGNOSTICS: Diagnostic[] = [];
const NO_INPUTS: Record<string, InputValue> = {};
const NO_INPUT_LIST: InputInfo[] = [];

export function App({ controller }: { controller: AppController }) {
  const state = useAppState(controller);
  const diagnostics = state.compile?.diagnostics ?? NO_DIAGNOSTICS;
  const notes = useMemo(() => buildChartPlan(state.program).notes, [state.program]);
  const inputs = state.compile?.program?.inputs ?? state.program?.inputs;
  // Ctrl/Cmd+Enter runs the script from anywhere on the page (the editor handles it itself).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      e.preventDefault();
      void controller.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller]);
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
          <InputsPanel inputs={inputs ?? NO_INPUT_LIST} saved={state.session?.inputs ?? NO_INPUTS} controller={controller} />
          <SnapshotsPanel snapshots={state.snapshots} controller={controller} />
          <LogPanel logs={state.logs} logTotal={state.logTotal} runtimeError={state.runtimeError} />
        </div>
        <StatusBar state={state} />
      </div>
    </DropZone>
  );
}
