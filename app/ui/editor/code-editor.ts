// The script editor's CodeMirror part, loaded on its own (a separate chunk, fetched and evaluated
// when the editor is first opened) so the page's first chunk and its first paint do not wait for it:
// CodeMirror 6 with Pine highlighting, the compiler's diagnostics (and a runtime error) as inline
// lint marks at their exact spans, Ctrl/Cmd+Enter to run.

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
import type { Diagnostic, PineRuntimeErrorData } from '../../../vm/index.js';
import { pineHighlight, pineLanguage } from './pine-language.js';

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

export interface CodeEditorHooks {
  /** The text changed by typing (not by setSource). */
  onEdit(source: string): void;
  run(): void;
  save(): void;
}

/** A CodeMirror editor in `parent`. */
export class CodeEditor {
  readonly view: EditorView;
  private applying = false;

  /** The editor is built detached from the page; `attach` puts it in. Two tasks rather than one:
   * building it (and the style recalculation its stylesheet causes) and laying it out in the page
   * each cost tens of ms of the main thread. */
  constructor(doc: string, hooks: CodeEditorHooks) {
    const runKey = keymap.of([
      {
        key: 'Mod-Enter',
        run: () => {
          hooks.run();
          return true;
        },
      },
      {
        key: 'Mod-s',
        run: () => {
          hooks.save();
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
        if (u.docChanged && !this.applying) hooks.onEdit(u.state.doc.toString());
      }),
      EditorView.contentAttributes.of({ 'aria-label': 'Pine Script source', 'data-testid': 'editor-content' }),
    ];
    this.view = new EditorView({ state: EditorState.create({ doc, extensions }) });
  }

  attach(parent: HTMLElement): void {
    parent.appendChild(this.view.dom);
    this.view.requestMeasure();
  }

  /** Replaces the whole text (a script switch), without reporting it as an edit. */
  setSource(source: string): void {
    const v = this.view;
    if (v.state.doc.toString() === source) return;
    this.applying = true;
    try {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: source } });
    } finally {
      this.applying = false;
    }
  }

  setProblems(diagnostics: Diagnostic[], runtimeError: PineRuntimeErrorData | null): void {
    const v = this.view;
    v.dispatch(setDiagnostics(v.state, toLint(v.state, diagnostics, runtimeError)));
  }

  jump(line: number, column: number): void {
    const v = this.view;
    const pos = lineColToPos(v.state, line, column);
    v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    v.focus();
  }

  destroy(): void {
    this.view.destroy();
  }
}
