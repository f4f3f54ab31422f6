// Pine Script highlighting for CodeMirror 6: a stream tokenizer (comments, the //@version
// annotation, strings with escapes, #RRGGBB[AA] colors, numbers, keywords, types, built-in
// namespaces, function calls, operators) and a dark highlight style to match the app.

import { HighlightStyle, StreamLanguage, type StreamParser } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

const KEYWORDS = new Set([
  'if', 'else', 'for', 'to', 'by', 'in', 'while', 'switch', 'break', 'continue', 'import', 'export', 'method', 'type', 'enum',
  'var', 'varip', 'and', 'or', 'not',
]);
const TYPES = new Set([
  'int', 'float', 'bool', 'string', 'color', 'series', 'simple', 'const', 'input', 'array', 'matrix', 'map', 'line', 'label',
  'box', 'table', 'linefill', 'polyline', 'chart', 'void',
]);
const ATOMS = new Set(['true', 'false', 'na']);
const NAMESPACES = new Set([
  'ta', 'math', 'str', 'color', 'input', 'request', 'strategy', 'array', 'matrix', 'map', 'timeframe', 'syminfo', 'barstate',
  'plot', 'shape', 'location', 'size', 'hline', 'display', 'log', 'chart', 'session', 'runtime', 'label', 'line', 'box',
  'table', 'xloc', 'yloc', 'extend', 'position', 'text', 'font', 'format', 'currency', 'dayofweek', 'order', 'alert', 'scale',
  'adjustment', 'earnings', 'dividends', 'splits', 'polyline', 'linefill', 'ticker',
]);
const DECLARATIONS = new Set(['indicator', 'strategy', 'library']);

interface PineState {
  /** Previous significant token was a '.' (the next name is a member). */
  afterDot: boolean;
}

const parser: StreamParser<PineState> = {
  name: 'pine',
  startState: () => ({ afterDot: false }),
  token(stream, state) {
    if (stream.eatSpace()) return null;
    if (stream.match('//@')) {
      stream.skipToEnd();
      state.afterDot = false;
      return 'meta';
    }
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    const ch = stream.peek() ?? '';
    if (ch === '"' || ch === "'") {
      stream.next();
      let escaped = false;
      for (;;) {
        const c = stream.next();
        if (c === undefined) break;
        if (c === ch && !escaped) break;
        escaped = !escaped && c === '\\';
      }
      state.afterDot = false;
      return 'string';
    }
    if (stream.match(/^#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?\b/)) {
      state.afterDot = false;
      return 'color';
    }
    if (stream.match(/^(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)/)) {
      state.afterDot = false;
      return 'number';
    }
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      const member = state.afterDot;
      state.afterDot = false;
      const isCall = stream.match(/^\s*\(/, false) !== null;
      if (member) return isCall ? 'variableName.function' : 'propertyName';
      if (KEYWORDS.has(word)) return word === 'and' || word === 'or' || word === 'not' ? 'operatorKeyword' : 'keyword';
      if (ATOMS.has(word)) return 'atom';
      if (NAMESPACES.has(word) && stream.match(/^\./, false)) return 'namespace';
      if (DECLARATIONS.has(word) && isCall) return 'macroName';
      if (TYPES.has(word)) return 'typeName';
      if (isCall) return 'variableName.function';
      return 'variableName';
    }
    if (stream.eat('.')) {
      state.afterDot = true;
      return 'punctuation';
    }
    if (stream.match(/^(?::=|=>|==|!=|<=|>=|\+=|-=|\*=|\/=|%=|[-+*/%<>=?:])/)) {
      state.afterDot = false;
      return 'operator';
    }
    stream.next();
    state.afterDot = false;
    return 'punctuation';
  },
  languageData: { commentTokens: { line: '//' } },
};

export const pineLanguage = StreamLanguage.define(parser);

export const pineHighlight = HighlightStyle.define([
  { tag: t.comment, color: '#6a7283', fontStyle: 'italic' },
  { tag: t.meta, color: '#8a94a6' },
  { tag: t.keyword, color: '#c792ea' },
  { tag: t.operatorKeyword, color: '#c792ea' },
  { tag: t.typeName, color: '#4dd0e1' },
  { tag: t.atom, color: '#f78c6c' },
  { tag: t.number, color: '#f78c6c' },
  { tag: t.string, color: '#c3e88d' },
  { tag: t.color, color: '#ffcb6b' },
  { tag: t.namespace, color: '#82aaff' },
  { tag: t.macroName, color: '#ffcb6b', fontWeight: '600' },
  { tag: t.function(t.variableName), color: '#82aaff' },
  { tag: t.propertyName, color: '#b2ccd6' },
  { tag: t.variableName, color: '#d6deeb' },
  { tag: t.operator, color: '#89ddff' },
  { tag: t.punctuation, color: '#8a94a6' },
]);
