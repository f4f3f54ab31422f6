// compile(): Pine source → Program, with every diagnostic the lexer, parser and lowering pass can
// find in one run. The Program is null when any error was reported.

import '../builtins/index.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { parse } from './parser/index.js';
import { lower, type LibSource } from './lower/index.js';
import type { Program } from '../bytecode/program.js';

export interface CompileResult {
  program: Program | null;
  diagnostics: Diagnostic[];
}

export interface CompileOptions {
  /** Sources of the libraries the script may import (`import user/Lib/1` takes the one whose
   * `library("Lib")` title matches). */
  libraries?: readonly string[];
}

export function compile(source: string, options: CompileOptions = {}): CompileResult {
  return compileWith(source, options, false);
}

/** The canonical compile of compiler/presentation.ts: constant presentation arguments (colors,
 * titles, styles…) stand as canonical constants, so scripts that differ only in them compile to the
 * same program. Never run. */
export function compileCanonical(source: string, options: CompileOptions = {}): CompileResult {
  return compileWith(source, options, true);
}

function compileWith(source: string, options: CompileOptions, canonical: boolean): CompileResult {
  const sink = new DiagnosticSink(source);
  const script = parse(source, sink);
  const libraries = (options.libraries ?? []).map(parseLibrary);
  // Lowering on a broken parse still finds name and type errors in the statements that parsed.
  const program = lower(script, sink, libraries, canonical);
  const diagnostics = [...sink.list].sort((a, b) => a.span.start - b.span.start);
  return { program: sink.hasErrors ? null : program, diagnostics };
}

/** A library source compiled alone: its errors, its parsed script and its `library()` title. */
function parseLibrary(source: string): LibSource {
  const sink = new DiagnosticSink(source);
  const script = parse(source, sink);
  lower(script, sink);
  let title: string | null = null;
  for (const st of script.body) {
    if (st.kind !== 'ExprStmt' || st.expr.kind !== 'Call' || st.expr.callee.kind !== 'Ident' || st.expr.callee.name !== 'library') continue;
    const arg = st.expr.args.find((a) => a.name === 'title') ?? st.expr.args.find((a) => a.name === null);
    if (arg && arg.value.kind === 'String') title = arg.value.value;
  }
  const errors = sink.list.filter((d) => d.severity === 'error').sort((a, b) => a.span.start - b.span.start);
  return { source, script, title, errors: errors.map((d) => ({ line: d.line, column: d.column, code: d.code, message: d.message })) };
}
