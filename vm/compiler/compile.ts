// compile(): Pine source → Program, with every diagnostic the lexer, parser and lowering pass can
// find in one run. The Program is null when any error was reported.

import '../builtins/index.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { parse } from './parser/index.js';
import { lower } from './lower/index.js';
import type { Program } from '../bytecode/program.js';

export interface CompileResult {
  program: Program | null;
  diagnostics: Diagnostic[];
}

export function compile(source: string): CompileResult {
  const sink = new DiagnosticSink(source);
  const script = parse(source, sink);
  // Lowering on a broken parse still finds name and type errors in the statements that parsed.
  const program = lower(script, sink);
  const diagnostics = [...sink.list].sort((a, b) => a.span.start - b.span.start);
  return { program: sink.hasErrors ? null : program, diagnostics };
}
