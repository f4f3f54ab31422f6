// Editor help from the VM's builtin registry (fetched from the worker once, see
// app/worker/builtin-catalog.ts) and from the script itself: completion of builtins, namespaces
// (`ta.` lists ta's members), named arguments of the call the cursor is in, the script's own
// variables and functions; hover documentation (signature and a one-line description); signature
// help while typing a call's arguments; go to definition (F12 or Ctrl/Cmd+click) of the script's
// functions and variables. The scanning of the source is textual (no compiler in the page).

import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { StateField, type EditorState, type Extension } from '@codemirror/state';
import { EditorView, hoverTooltip, keymap, showTooltip, type Tooltip } from '@codemirror/view';
import type { BuiltinCatalog, CatalogFunction } from '../../worker/builtin-catalog.js';
import { builtinDoc, namespaceDoc } from './builtin-docs.js';
import { KEYWORDS, callAt, paramName, userSymbols } from './pine-scan.js';

const TYPE_WORDS = ['int', 'float', 'bool', 'color', 'string', 'series', 'simple', 'const', 'array', 'matrix', 'map', 'line', 'label', 'box', 'table'];

interface HelpIndex {
  functions: Map<string, CatalogFunction>;
  variables: Map<string, string>;
  /** Namespace → member names (functions and variables, one level down). */
  members: Map<string, Set<string>>;
}

function indexOf(c: BuiltinCatalog): HelpIndex {
  const functions = new Map(c.functions.map((f) => [f.name, f]));
  const variables = new Map(c.variables.map((v) => [v.name, v.type]));
  const members = new Map<string, Set<string>>();
  for (const name of [...functions.keys(), ...variables.keys()]) {
    const parts = name.split('.');
    for (let i = 1; i < parts.length; i++) {
      const ns = parts.slice(0, i).join('.');
      const set = members.get(ns) ?? new Set<string>();
      set.add(parts[i] as string);
      members.set(ns, set);
    }
  }
  return { functions, variables, members };
}

// ---- where the cursor is ----

/** The dotted identifier around `pos` (and its span), or null. */
function identAt(state: EditorState, pos: number): { name: string; from: number; to: number } | null {
  const line = state.doc.lineAt(pos);
  const text = line.text;
  let s = pos - line.from;
  let e = s;
  while (s > 0 && /[\w.]/.test(text[s - 1] ?? '')) s--;
  while (e < text.length && /[\w]/.test(text[e] ?? '')) e++;
  const name = text.slice(s, e).replace(/^\.+|\.+$/g, '');
  if (!name || !/^[A-Za-z_]/.test(name)) return null;
  return { name, from: line.from + s, to: line.from + e };
}

// ---- the help ----

export interface PineHelp {
  /** The index once the catalog has come (null before). */
  index(): HelpIndex | null;
}

function el(tag: string, cls: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The DOM of a builtin's or user symbol's documentation. */
function docDom(name: string, help: HelpIndex | null, source: string, testId: string): HTMLElement | null {
  const box = el('div', 'pine-doc');
  box.dataset.testid = testId;
  const fn = help?.functions.get(name);
  const variable = help?.variables.get(name);
  if (fn) {
    for (const s of fn.signatures.slice(0, 4)) box.appendChild(el('div', 'pine-doc-sig', s));
    if (fn.signatures.length > 4) box.appendChild(el('div', 'pine-doc-more', `… ${fn.signatures.length - 4} more overloads`));
    const d = builtinDoc(name, 'function');
    if (d) box.appendChild(el('div', 'pine-doc-text', d));
    return box;
  }
  if (variable !== undefined) {
    box.appendChild(el('div', 'pine-doc-sig', `${name}: ${variable}`));
    const d = builtinDoc(name, 'variable');
    if (d) box.appendChild(el('div', 'pine-doc-text', d));
    return box;
  }
  if (help?.members.has(name)) {
    box.appendChild(el('div', 'pine-doc-sig', `namespace ${name}`));
    const d = namespaceDoc(name);
    if (d) box.appendChild(el('div', 'pine-doc-text', d));
    return box;
  }
  const user = userSymbols(source).find((u) => u.name === name);
  if (user) {
    box.appendChild(el('div', 'pine-doc-sig', user.kind === 'function' ? `${user.name}(${user.params.join(', ')})` : user.text));
    box.appendChild(el('div', 'pine-doc-text', `${user.kind === 'function' ? 'Function' : 'Variable'} declared on line ${user.line}.`));
    return box;
  }
  return null;
}

function completions(help: HelpIndex | null, ctx: CompletionContext): CompletionResult | null {
  const word = ctx.matchBefore(/[A-Za-z_][\w.]*\.?/);
  const source = ctx.state.doc.toString();
  const call = callAt(source, ctx.pos);
  if (!word && !ctx.explicit && !call) return null;
  const text = word?.text ?? '';
  const dot = text.lastIndexOf('.');
  if (dot >= 0 && help) {
    // Members of a namespace: `ta.` → ta.sma, ta.ema, …
    const ns = text.slice(0, dot);
    const names = help.members.get(ns);
    if (!names) return null;
    const options: Completion[] = [];
    for (const m of names) {
      const full = `${ns}.${m}`;
      const fn = help.functions.get(full);
      if (fn) options.push({ label: m, type: 'function', detail: sigParams(fn.signatures[0] ?? ''), info: builtinDoc(full, 'function') ?? undefined });
      else if (help.variables.has(full)) options.push({ label: m, type: 'constant', detail: help.variables.get(full), info: builtinDoc(full, 'variable') ?? undefined });
      else options.push({ label: m, type: 'namespace', info: namespaceDoc(full) ?? undefined });
    }
    return { from: (word?.from ?? ctx.pos) + dot + 1, options, validFor: /^\w*$/ };
  }
  const options: Completion[] = [];
  // Named arguments of the call the cursor is in (when this argument has no name yet).
  if (call && !call.argName && help) {
    const fn = help.functions.get(call.callee);
    const user = fn ? null : userSymbols(source).find((u) => u.kind === 'function' && u.name === call.callee);
    const names = new Set<string>(fn ? fn.params.flat() : (user?.params.map(paramName) ?? []));
    for (const n of names) options.push({ label: `${n}=`, type: 'property', detail: 'argument', boost: 20, apply: `${n} = ` });
  }
  if (!word && !ctx.explicit) return options.length > 0 ? { from: ctx.pos, options } : null;
  for (const u of userSymbols(source)) {
    options.push({ label: u.name, type: u.kind === 'function' ? 'function' : 'variable', detail: u.kind === 'function' ? `(${u.params.join(', ')})` : `line ${u.line}`, boost: 10 });
  }
  if (help) {
    for (const [name, f] of help.functions) if (!name.includes('.')) options.push({ label: name, type: 'function', detail: sigParams(f.signatures[0] ?? ''), info: builtinDoc(name, 'function') ?? undefined });
    for (const [name, t] of help.variables) if (!name.includes('.') && !help.functions.has(name)) options.push({ label: name, type: 'variable', detail: t, info: builtinDoc(name, 'variable') ?? undefined });
    for (const ns of help.members.keys()) if (!ns.includes('.') && !help.functions.has(ns) && !help.variables.has(ns)) options.push({ label: ns, type: 'namespace', info: namespaceDoc(ns) ?? undefined });
  }
  for (const k of KEYWORDS) options.push({ label: k, type: 'keyword' });
  for (const k of TYPE_WORDS) if (!options.some((o) => o.label === k)) options.push({ label: k, type: 'type' });
  return { from: word?.from ?? ctx.pos, options, validFor: /^\w*$/ };
}

/** `name(a: t, b: u): r` → `(a: t, b: u): r`. */
function sigParams(sig: string): string {
  const i = sig.indexOf('(');
  return i >= 0 ? sig.slice(i) : sig;
}

/** Splits a signature into its name, each parameter's text and what follows the parameters. */
function sigParts(sig: string): { head: string; params: string[]; tail: string } {
  const open = sig.indexOf('(');
  let depth = 0;
  let close = sig.length;
  for (let i = open; i < sig.length; i++) {
    const ch = sig[i];
    if (ch === '(' || ch === '[' || ch === '<') depth++;
    else if (ch === ')' || ch === ']' || ch === '>') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    }
  }
  const inner = sig.slice(open + 1, close);
  const params: string[] = [];
  let cur = '';
  depth = 0;
  for (const ch of inner) {
    if (ch === '(' || ch === '[' || ch === '<') depth++;
    else if (ch === ')' || ch === ']' || ch === '>') depth--;
    if (ch === ',' && depth === 0) {
      params.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) params.push(cur.trim());
  return { head: sig.slice(0, open), params, tail: sig.slice(close + 1) };
}

/** The signature help tooltip for the call at the cursor. */
function signatureTooltip(help: PineHelp, state: EditorState): Tooltip | null {
  const sel = state.selection.main;
  if (!sel.empty) return null;
  const doc = state.doc.toString();
  const call = callAt(doc, sel.head);
  if (!call) return null;
  const idx = help.index();
  const fn = idx?.functions.get(call.callee);
  let sigs: string[];
  let paramsOf: string[][];
  if (fn) {
    sigs = fn.signatures;
    paramsOf = fn.params;
  } else {
    const user = userSymbols(doc).find((u) => u.kind === 'function' && u.name === call.callee);
    if (!user) return null;
    sigs = [`${user.name}(${user.params.join(', ')})`];
    paramsOf = [user.params.map(paramName)];
  }
  // The overload that has the named argument, else the first with enough parameters.
  let k = sigs.findIndex((_, i) => (call.argName ? (paramsOf[i] ?? []).includes(call.argName) : (paramsOf[i] ?? []).length > call.argIndex));
  if (k < 0) k = 0;
  const sig = sigs[k] ?? '';
  const params = paramsOf[k] ?? [];
  const active = call.argName ? params.indexOf(call.argName) : call.argIndex;
  return {
    pos: call.open + 1,
    above: true,
    create: () => {
      const dom = el('div', 'pine-signature');
      dom.dataset.testid = 'signature-help';
      const { head, params: ps, tail } = sigParts(sig);
      dom.appendChild(document.createTextNode(`${head}(`));
      ps.forEach((p, i) => {
        if (i > 0) dom.appendChild(document.createTextNode(', '));
        const span = el('span', i === active ? 'pine-sig-param pine-sig-active' : 'pine-sig-param', p);
        if (i === active) span.dataset.testid = 'signature-active';
        dom.appendChild(span);
      });
      dom.appendChild(document.createTextNode(`)${tail}`));
      if (sigs.length > 1) dom.appendChild(el('span', 'pine-doc-more', `  (${k + 1} of ${sigs.length})`));
      const d = fn ? builtinDoc(call.callee, 'function') : null;
      if (d) dom.appendChild(el('div', 'pine-doc-text', d));
      return { dom };
    },
  };
}

/** Moves the cursor to the declaration of the script's function or variable at `pos`. */
function goToDefinition(view: EditorView, pos: number): boolean {
  const id = identAt(view.state, pos);
  if (!id) return false;
  const sym = userSymbols(view.state.doc.toString()).find((u) => u.name === id.name);
  if (!sym) return false;
  view.dispatch({ selection: { anchor: sym.pos, head: sym.pos + sym.name.length }, scrollIntoView: true });
  view.focus();
  return true;
}

const helpTheme = EditorView.theme({
  '.pine-doc, .pine-signature': { padding: '4px 8px', maxWidth: '560px', fontSize: '12px' },
  '.pine-doc-sig': { fontFamily: "'JetBrains Mono', ui-monospace, monospace", color: '#e8eaed', whiteSpace: 'pre-wrap' },
  '.pine-doc-text': { color: '#9aa4b5', marginTop: '3px', fontFamily: "'Inter', system-ui, sans-serif" },
  '.pine-doc-more': { color: '#6b7385' },
  '.pine-signature': { fontFamily: "'JetBrains Mono', ui-monospace, monospace", color: '#c3c6ce' },
  '.pine-sig-active': { color: '#f6c343', fontWeight: '600', textDecoration: 'underline' },
});

/** The editor's help extensions, with the catalog fetched once from the worker by `load`. */
export function pineHelp(load: (() => Promise<BuiltinCatalog>) | null): Extension {
  let idx: HelpIndex | null = null;
  let pending: Promise<HelpIndex | null> | null = null;
  const ensure = (): Promise<HelpIndex | null> => {
    if (idx || !load) return Promise.resolve(idx);
    pending ??= load().then(
      (c) => (idx = indexOf(c)),
      () => null,
    );
    return pending;
  };
  // Asked for on first use (a completion, a hover, a call typed), not when the editor opens: building
  // it parses every builtin's signature in the worker (~100 ms), which a page load need not wait on.
  const help: PineHelp = {
    index: () => {
      if (!idx) void ensure();
      return idx;
    },
  };
  const signatureField = StateField.define<Tooltip | null>({
    create: (state) => signatureTooltip(help, state),
    update: (value, tr) => (tr.docChanged || tr.selection ? signatureTooltip(help, tr.state) : value),
    provide: (f) => showTooltip.from(f),
  });
  return [
    EditorView.lineWrapping,
    autocompletion({ override: [async (ctx) => completions(await ensure(), ctx)], activateOnTyping: true, icons: true }),
    hoverTooltip(async (view, pos) => {
      const id = identAt(view.state, pos);
      if (!id) return null;
      const index = await ensure();
      const dom = docDom(id.name, index, view.state.doc.toString(), 'hover-doc');
      return dom ? { pos: id.from, end: id.to, above: true, create: () => ({ dom }) } : null;
    }),
    signatureField,
    keymap.of([{ key: 'F12', run: (view) => goToDefinition(view, view.state.selection.main.head) }]),
    EditorView.domEventHandlers({
      mousedown: (e, view) => {
        if (!(e.ctrlKey || e.metaKey) || e.button !== 0) return false;
        const pos = view.posAtCoords({ x: e.clientX, y: e.clientY });
        if (pos === null || !goToDefinition(view, pos)) return false;
        e.preventDefault();
        return true;
      },
    }),
    helpTheme,
  ];
}
