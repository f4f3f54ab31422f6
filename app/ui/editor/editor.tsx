// The script editor panel: the CodeMirror editor (app/ui/editor/code-editor.ts, its own chunk, loaded when
// the editor opens) and a list of diagnostics under it (line:column, code, message; click to jump).
// The editor is built in a task of its own, after the chart's first frame, so neither the chart's
// paint nor React's render waits for it.

import { memo, useEffect, useRef, useSyncExternalStore, type KeyboardEvent } from 'react';
import type { Diagnostic, PineRuntimeErrorData } from '../../../vm/index.js';
import type { AppController } from '../controller.js';
import type { CodeEditor } from './code-editor.js';

interface EditorProps {
  controller: AppController;
  diagnostics: Diagnostic[];
  runtimeError: PineRuntimeErrorData | null;
}

export const Editor = memo(function Editor({ controller, diagnostics, runtimeError }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<CodeEditor | null>(null);
  const problems = useRef({ diagnostics, runtimeError });
  problems.current = { diagnostics, runtimeError };
  // The editor is built once the controller allows it (see AppController.editorOpen).
  const open = useSyncExternalStore(controller.onEditorOpen, () => controller.editorOpen);

  useEffect(() => {
    const parent = host.current;
    if (!parent || !open) return undefined;
    let cancelled = false;
    let off: (() => void) | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    void import('./code-editor.js').then(({ CodeEditor }) => {
      if (cancelled) return;
      timer = setTimeout(() => {
        if (cancelled) return;
        const ed = new CodeEditor(controller.editorSource, {
          onEdit: (source) => controller.editSource(source),
          run: () => void controller.run(),
          save: () => void controller.flushSource(),
        });
        editor.current = ed;
        ed.setProblems(problems.current.diagnostics, problems.current.runtimeError);
        off = controller.onEditorSource((source) => ed.setSource(source));
        // The source may have changed while the chunk loaded.
        ed.setSource(controller.editorSource);
        timer = setTimeout(() => {
          timer = null;
          if (!cancelled) ed.attach(parent);
        }, 0);
      }, 0);
    });
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      off?.();
      editor.current?.destroy();
      editor.current = null;
    };
  }, [controller, open]);

  useEffect(() => {
    editor.current?.setProblems(diagnostics, runtimeError);
  }, [diagnostics, runtimeError]);

  const jump = (line: number, column: number) => editor.current?.jump(line, column);

  return (
    <div className="editor-pane">
      <div className="editor-host" ref={host} />
      <DiagnosticList diagnostics={diagnostics} runtimeError={runtimeError} onJump={jump} />
    </div>
  );
});

interface ListProps {
  diagnostics: Diagnostic[];
  runtimeError: PineRuntimeErrorData | null;
  onJump: (line: number, column: number) => void;
}

/** A problem in the list is reached with Tab and opened with Enter or Space, as well as clicked. */
function jumpProps(jump: () => void) {
  return {
    tabIndex: 0,
    role: 'button',
    onClick: jump,
    onKeyDown: (e: KeyboardEvent<HTMLLIElement>) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        jump();
      }
    },
  };
}

function DiagnosticList({ diagnostics, runtimeError, onJump }: ListProps) {
  if (diagnostics.length === 0 && !runtimeError) return null;
  return (
    <ul className="diagnostics" aria-label="Problems">
      {diagnostics.map((d, i) => (
        <li
          key={`${d.span.start}-${d.code}-${i}`}
          className={`diagnostic ${d.severity}`}
          data-testid="diagnostic"
          data-line={d.line}
          data-column={d.column}
          {...jumpProps(() => onJump(d.line, d.column))}
        >
          <span className="diag-loc">
            {d.line}:{d.column}
          </span>
          <span className="diag-code">{d.code}</span>
          <span className="diag-msg">{d.message}</span>
        </li>
      ))}
      {runtimeError && (
        <li
          className="diagnostic error runtime"
          data-testid="runtime-error"
          data-bar={runtimeError.bar}
          data-line={runtimeError.line}
          data-column={runtimeError.column}
          {...jumpProps(() => onJump(runtimeError.line, runtimeError.column))}
        >
          <span className="diag-loc">
            {runtimeError.line}:{runtimeError.column}
          </span>
          <span className="diag-code">bar {runtimeError.bar}</span>
          <span className="diag-msg">Runtime error: {runtimeError.message}</span>
        </li>
      )}
    </ul>
  );
}
