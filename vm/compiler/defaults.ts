// Parses the default-value text of a builtin parameter (registry signatures write defaults as Pine
// source, e.g. `timeframe.change("1D")`) into an expression, once per distinct text.

import type { Expr } from './ast.js';
import { DiagnosticSink } from './diagnostics.js';
import { parse } from './parser/index.js';

const cache = new Map<string, Expr | null>();

export function parseDefaultExpr(text: string): Expr | null {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const sink = new DiagnosticSink(`__default = ${text}\n`);
  const script = parse(sink.source, sink);
  const first = script.body[0];
  const expr = !sink.hasErrors && first && first.kind === 'VarDecl' ? first.value : null;
  cache.set(text, expr);
  return expr;
}
