// Reading a script's text for the editor's help, without the compiler: the functions and
// variables it declares (name, parameters, line) and the call whose arguments hold the cursor
// (callee, argument index, argument name). Pure functions, tested in Node.

export const KEYWORDS = ['if', 'else', 'for', 'to', 'by', 'in', 'while', 'switch', 'var', 'varip', 'import', 'export', 'method', 'type', 'and', 'or', 'not', 'true', 'false', 'continue', 'break'];

export interface UserSymbol {
  name: string;
  kind: 'function' | 'variable';
  /** Function parameters (names with their written types and defaults). */
  params: string[];
  /** Offset of the name in the source, and its line (1-based). */
  pos: number;
  line: number;
  /** The declaring line's text (trimmed). */
  text: string;
}

const FN_DEF = /^(?:export\s+)?(?:method\s+)?([A-Za-z_]\w*)\s*\(([^)]*)\)\s*=>/;
const VAR_DEF = /^(?:(?:var|varip)\s+)?(?:(?:series|simple|const)\s+)?(?:[A-Za-z_][\w.]*(?:<[^>]*>)?(?:\[\])?\s+)?([A-Za-z_]\w*)\s*=(?![=>])/;
const TUPLE_DEF = /^\[([^\]]+)\]\s*=(?!=)/;
const FOR_DEF = /^for\s+(?:\[([^\]]+)\]|([A-Za-z_]\w*))\s*(?:=|in\b)/;

/** Functions and variables the script declares, in source order (the first declaration of a name). */
export function userSymbols(source: string): UserSymbol[] {
  const out: UserSymbol[] = [];
  const seen = new Set<string>();
  let offset = 0;
  const lines = source.split('\n');
  lines.forEach((raw, i) => {
    const indent = raw.length - raw.trimStart().length;
    const code = raw.replace(/\/\/.*$/, '').trim();
    const lineStart = offset;
    offset += raw.length + 1;
    const add = (name: string, kind: UserSymbol['kind'], params: string[]) => {
      if (seen.has(name) || KEYWORDS.includes(name)) return;
      seen.add(name);
      const at = raw.indexOf(name, indent);
      out.push({ name, kind, params, pos: lineStart + Math.max(0, at), line: i + 1, text: code });
    };
    const fn = FN_DEF.exec(code);
    if (fn) {
      const params = (fn[2] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
      add(fn[1] as string, 'function', params);
      return;
    }
    const tuple = TUPLE_DEF.exec(code);
    if (tuple) {
      for (const n of (tuple[1] ?? '').split(',')) if (/^\s*[A-Za-z_]\w*\s*$/.test(n)) add(n.trim(), 'variable', []);
      return;
    }
    const loop = FOR_DEF.exec(code);
    if (loop) {
      for (const n of (loop[1] ?? loop[2] ?? '').split(',')) if (/^\s*[A-Za-z_]\w*\s*$/.test(n)) add(n.trim(), 'variable', []);
      return;
    }
    const v = VAR_DEF.exec(code);
    if (v && !code.startsWith('if ') && !code.startsWith('while ')) add(v[1] as string, 'variable', []);
  });
  return out;
}

/** A parameter's name from its declaration text (`simple int len = 14` → `len`). */
export function paramName(decl: string): string {
  const m = /([A-Za-z_]\w*)\s*(?:=.*)?$/.exec(decl.trim());
  return m?.[1] ?? decl.trim();
}

// ---- where the cursor is ----

export interface CallContext {
  callee: string;
  /** Index of the argument the cursor is in, and the name it was given (`name=`), if any. */
  argIndex: number;
  argName: string | null;
  /** Offset of the call's '('. */
  open: number;
}

/** The call whose argument list holds `pos` (looking back at most 2,000 characters). */
export function callAt(doc: string, pos: number): CallContext | null {
  let depth = 0;
  let commas = 0;
  const start = Math.max(0, pos - 2000);
  for (let i = pos - 1; i >= start; i--) {
    const ch = doc[i];
    if (ch === '"' || ch === "'") {
      // skip back over a string literal on this line
      const j = doc.lastIndexOf(ch, i - 1);
      if (j >= 0 && !doc.slice(j, i).includes('\n')) {
        i = j;
        continue;
      }
    }
    if (ch === ')' || ch === ']') depth++;
    else if (ch === '[') {
      if (depth === 0) return null;
      depth--;
    } else if (ch === '(') {
      if (depth === 0) {
        const before = doc.slice(Math.max(0, i - 80), i);
        const m = /([A-Za-z_][\w.]*)\s*$/.exec(before);
        if (!m) return null;
        const argText = doc.slice(lastTopComma(doc, i + 1, pos), pos);
        const named = /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(argText);
        return { callee: m[1] as string, argIndex: commas, argName: named ? (named[1] as string) : null, open: i };
      }
      depth--;
    } else if (ch === ',' && depth === 0) commas++;
    else if (ch === '\n' && depth === 0) {
      // a new statement starts at a line that is not a continuation (no open paren seen yet)
      const next = doc.slice(i + 1, pos);
      if (!/^\s/.test(next) && next.trim() !== '') return null;
    }
  }
  return null;
}

function lastTopComma(doc: string, from: number, to: number): number {
  let depth = 0;
  let at = from;
  for (let i = from; i < to; i++) {
    const ch = doc[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) at = i + 1;
  }
  return at;
}

