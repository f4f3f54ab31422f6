// The script editor: CodeMirror 6 with Pine highlighting, the compiler's diagnostics (and a runtime
// error) as inline lint marks at their exact spans, Ctrl/Cmd+Enter to run, and a list of diagnostics
// under it (line:column, code, message; click to jump).

import { memo, useEffect, useRef, useSyncExternalStore } from 'react';
import { EditorState, type Extension } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic as LintDiagnostic } from '@codemirror/lint';
import type { Diagnostic, PineRuntimeErrorData } from '../../vm/index.js';
import { pineHighlight, pineLanguage } from './pine-language.js';
import type { AppController } from './controller.js';

const editorTheme = EditorView.theme(
  {
    '&': { height: '100%', backgroundColor: '#0f131c', color: '#d6deeb', fontSize: '13px' },
    '.cm-scroller': { fontFamily: "'JetBrains Mono', 'Fira Code', ui-monospace, Menlo, Consolas, monospace", lineHeight: '1.55' },
    '.cm-content': { caretColor: '#f6c343' },
    '.cm-cursor, .cm-dropCursor': { borderLeftColor: '#f6c343' },
    '.cm-gutters': { backgroundColor: '#0f131c', color: '#4b5263', border: 'none', borderRight: '1px solid #1e222d' },
    '.cm-activeLine': { backgroundColor: '#161b26' },
    '.cm-activeLineGutter': { backgroundColor: '#161b26', color: '#8a94a6' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: '#264f78 !important' },
    '.cm-tooltip': { backgroundColor: '#1e222d', border: '1px solid #2a2e39', color: '#d1d4dc' },
    '.cm-diagnostic-error': { borderLeft: '3px solid #ef5350' },
    '.cm-diagnostic-warning': { borderLeft: '3px solid #f6c343' },
    '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy #ef5350', textUnderlineOffset: '3px' },
    '.cm-lintRange-warning': { backgroundImage: 'none', textDecoration: 'underline wavy #f6c343', textUnderlineOffset: '3px' },
  },
  { dark: true },
);

function lineColToPos(state: EditorState, line: number, column: number): number {
  const l = state.doc.line(Math.max(1, Math.min(state.doc.lines, line)));
  return Math.min(l.to, l.from + Math.max(0, column - 1));
}

function toLint(state: EditorState, diags: Diagnostic[], runtime: PineRuntimeErrorData | null): LintDiagnostic[] {
  const len = state.doc.length;
  const out: LintDiagnostic[] = diags.map((d) => {
    const from = Math.min(len, Math.max(0, d.span.start));
    const to = Math.min(len, Math.max(from, d.span.end));
    return { from, to, severity: d.severity, message: `${d.code}: ${d.message}`, source: `${d.line}:${d.column}` };
  });
  if (runtime && runtime.line > 0) {
    const from = lineColToPos(state, runtime.line, runtime.column);
    const lineEnd = state.doc.lineAt(from).to;
    out.push({ from, to: Math.max(from, Math.min(lineEnd, from + 1)), severity: 'error', message: `Runtime error at bar ${runtime.bar}: ${runtime.message}` });
  }
  return out;
}

interface EditorProps {
  controller: AppController;
  diagnostics: Diagnostic[];
  runtimeError: PineRuntimeErrorData | null;
}

export const Editor = memo(function Editor({ controller, diagnostics, runtimeError }: EditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const applying = useRef(false);
  // The editor is built once the controller allows it (after a restoring load's chart is drawn).
  const open = useSyncExternalStore(controller.onEditorOpen, () => controller.editorOpen);

  useEffect(() => {
    const parent = host.current;
    if (!parent || !open) return undefined;
    const runKey = keymap.of([
      {
        key: 'Mod-Enter',
        run: () => {
          void controller.run();
          return true;
        },
      },
      {
        key: 'Mod-s',
        run: () => {
          void controller.flushSource();
          return true;
        },
      },
    ]);
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      indentUnit.of('    '),
      EditorState.tabSize.of(4),
      pineLanguage,
      syntaxHighlighting(pineHighlight),
      lintGutter(),
      runKey,
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      editorTheme,
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !applying.current) controller.editSource(u.state.doc.toString());
      }),
      EditorView.contentAttributes.of({ 'aria-label': 'Pine Script source', 'data-testid': 'editor-content' }),
    ];
    const v = new EditorView({ state: EditorState.create({ doc: controller.editorSource, extensions }), parent });
    view.current = v;
    const off = controller.onEditorSource((source) => {
      if (v.state.doc.toString() === source) return;
      applying.current = true;
      try {
        v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: source } });
      } finally {
        applying.current = false;
      }
    });
    return () => {
      off();
      v.destroy();
      view.current = null;
    };
  }, [controller, open]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch(setDiagnostics(v.state, toLint(v.state, diagnostics, runtimeError)));
  }, [diagnostics, runtimeError, open]);

  const jump = (line: number, column: number) => {
    const v = view.current;
    if (!v) return;
    const pos = lineColToPos(v.state, line, column);
    v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    v.focus();
  };

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
          onClick={() => onJump(d.line, d.column)}
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
          onClick={() => onJump(runtimeError.line, runtimeError.column)}
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
