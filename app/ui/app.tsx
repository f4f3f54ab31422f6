// The app's layout: toolbar on top, editor left and chart right, inputs / checkpoints / logs
// below, status bar at the bottom; drag-and-drop import anywhere.

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type CSSProperties } from 'react';
import type { Diagnostic, InputInfo } from '../../vm/index.js';
import type { InputValue } from '../worker/protocol.js';
import type { AppController } from './controller.js';
import { useAppState } from './controller.js';
import { Toolbar } from './toolbar.js';
import { Editor } from './editor/editor.js';
import { Chart } from './chart/chart.js';
import { ReplayControls } from './replay-controls.js';
import { InputsPanel } from './panels/inputs-panel.js';
import { StudiesPanel } from './panels/studies-panel.js';
import { CheckpointTimeline } from './timeline.js';
import { SnapshotsPanel } from './panels/snapshots-panel.js';
import { LogPanel } from './panels/log-panel.js';
import { AlertsPanel } from './panels/alerts-panel.js';
import { StatusBar } from './status-bar.js';
import { Notices } from './notices.js';
import { DropZone } from './drop-zone.js';
import { buildChartPlan } from './chart/chart-plan.js';
import { Splitter, loadSizes, saveSizes, type PaneSizes } from './splitter.js';
import { StrategyTester } from './strategy-tester.js';

const NO_DIAGNOSTICS: Diagnostic[] = [];
const NO_INPUTS: Record<string, InputValue> = {};
const NO_INPUT_LIST: InputInfo[] = [];

export function App({ controller }: { controller: AppController }) {
  const state = useAppState(controller);
  // The panels below the chart are made when the editor is (after the chart's first paint, see
  // AppController.editorOpen): a page load's first frames hold the chart, not their DOM and styles.
  const panelsOpen = useSyncExternalStore(controller.onEditorOpen, () => controller.editorOpen);
  const diagnostics = state.compile?.diagnostics ?? NO_DIAGNOSTICS;
  const notes = useMemo(() => buildChartPlan(state.program).notes, [state.program]);
  const inputs = state.compile?.program?.inputs ?? state.program?.inputs;
  // Pane sizes set with the splitters (kept across reloads).
  const [sizes, setSizes] = useState<PaneSizes>(loadSizes);
  const editorRef = useRef<HTMLDivElement>(null);
  const panelsRef = useRef<HTMLDivElement>(null);
  const resize = useCallback((patch: Partial<PaneSizes>) => {
    setSizes((s) => {
      const next = { ...s, ...patch };
      saveSizes(next);
      return next;
    });
  }, []);
  const layout = {
    ...(sizes.editor !== null ? { '--editor-w': `${sizes.editor}px` } : {}),
    ...(sizes.panels !== null ? { '--panels-h': `${sizes.panels}px` } : {}),
  } as CSSProperties;
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
      <div className={state.program?.meta.kind === 'strategy' ? 'app has-tester' : 'app'} style={layout}>
        <Toolbar state={state} controller={controller} />
        <Notices notices={state.notices} controller={controller} />
        <main className="workspace">
          <div className="editor-slot" ref={editorRef}>
            <Editor controller={controller} diagnostics={diagnostics} runtimeError={state.runtimeError} />
          </div>
          <Splitter
            axis="x"
            testId="splitter-editor"
            label="Resize the editor and the chart"
            current={() => editorRef.current?.getBoundingClientRect().width ?? 400}
            onResize={(editor) => resize({ editor })}
            min={180}
            max={() => window.innerWidth - 240}
            sign={1}
          />
          <div className="chart-pane">
            <ReplayControls state={state} controller={controller} />
            <Chart controller={controller} drawnRunId={state.drawn?.runId ?? null} notes={notes} />
            <CheckpointTimeline snapshots={state.snapshots} scriptId={state.session?.scriptId ?? null} datasetId={state.session?.datasetId ?? null} totalBars={state.totalBars} controller={controller} />
          </div>
        </main>
        {/* strategy: the tester, for strategy() scripts */}
        {state.program?.meta.kind === 'strategy' && (
          <StrategyTester controller={controller} program={state.program} saved={state.session?.inputs ?? NO_INPUTS} runId={state.status.runId} barIndex={state.barIndex} />
        )}
        <Splitter
          axis="y"
          testId="splitter-panels"
          label="Resize the panels"
          current={() => panelsRef.current?.getBoundingClientRect().height ?? 200}
          onResize={(panels) => resize({ panels })}
          min={60}
          max={() => window.innerHeight - 200}
          sign={-1}
        />
        <div className="panels" ref={panelsRef}>
          {panelsOpen && (
            <>
              <StudiesPanel studies={state.studies} scripts={state.session?.scripts ?? []} main={{ name: state.session?.scriptName ?? '', overlay: state.program?.meta.overlay ?? null }} controller={controller} />
              <InputsPanel inputs={inputs ?? NO_INPUT_LIST} saved={state.session?.inputs ?? NO_INPUTS} controller={controller} />
              <SnapshotsPanel snapshots={state.snapshots} controller={controller} />
              <LogPanel logs={state.logs} logTotal={state.logTotal} runtimeError={state.runtimeError} />
              <AlertsPanel controller={controller} />
            </>
          )}
        </div>
        <StatusBar state={state} />
      </div>
    </DropZone>
  );
}
