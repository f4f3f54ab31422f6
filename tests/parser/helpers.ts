// Shared helpers for the parser tests: parse a source and render the AST or the diagnostics.

import { expect } from 'vitest';
import { parse } from '../../vm/compiler/parser/index.js';
import { printAst } from '../../vm/compiler/ast-print.js';
import { DiagnosticSink } from '../../vm/compiler/diagnostics.js';
import type { Script } from '../../vm/compiler/ast.js';

/** Source lines joined with '\n' (keeps indentation readable in tests). */
export function src(...lines: string[]): string {
  return lines.join('\n');
}

export function parseWith(source: string): { script: Script; sink: DiagnosticSink } {
  const sink = new DiagnosticSink(source);
  const script = parse(source, sink);
  return { script, sink };
}

/** The printed AST of a source that must parse without any diagnostic. */
export function ast(source: string): string {
  const { script, sink } = parseWith(source);
  expect(sink.list.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`)).toEqual([]);
  return printAst(script);
}

/** Diagnostics as `line:column code: message`. */
export function diags(source: string): string[] {
  return parseWith(source).sink.list.map((d) => `${d.line}:${d.column} ${d.code}: ${d.message}`);
}
