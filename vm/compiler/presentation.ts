// Presentation-only edits: whether an edited script computes exactly what the old one did, so a
// checkpoint of the old one can go on with the new one (new colors, titles, styles on the chart)
// instead of running the history again.
//
// The computation fingerprint of a script is the hash of its canonical program (compileCanonical:
// every constant argument of plot()/plotshape()/hline()/fill()/bgcolor()… other than the plotted
// values, and indicator()'s title/overlay/format/precision/scale, stands as a canonical constant and
// takes no register) with what only names or locates things removed: the source text, the source
// offset of every instruction and output, output titles and options and the declaration's shown
// options. Two
// scripts with the same fingerprint run the same instructions over the same registers, constants,
// builtins and state layout; they differ only in values the interpreter never reads (an output's
// options are read by the page, never by the VM). A color that reaches code — stored in a var,
// compared, a per-bar color expression, `color = na` (a per-bar channel), passed to a function —
// is a register or an instruction operand, so changing it changes the fingerprint.
//
// An edit is presentation-only when both fingerprints are equal and the real programs' state
// layout (per function: var, series and call-state slots, call blocks, varip slots), inputs, output
// channels and history depth are identical (the second check guards the first).

import type { Program } from '../bytecode/program.js';
import { hash64 } from '../snapshot/checksum.js';
import { packProgram } from '../snapshot/state.js';
import { Instance, type RestoreBuilder } from '../runtime/instance.js';
import { compileCanonical, type CompileOptions } from './compile.js';
import { DECLARATION_ARGS } from './lower/presentation-args.js';

/** What the fingerprint keeps of a canonical program. */
function computationPart(p: Program): Program {
  const options = Object.fromEntries(Object.entries(p.meta.options).filter(([k]) => !DECLARATION_ARGS.has(k)));
  const meta = { ...p.meta, title: '', shorttitle: '', overlay: false, precision: null, format: null, options };
  return {
    ...p,
    meta,
    source: '',
    spans: new Int32Array(0),
    // An output's options and title are read by the page only, never by the VM.
    outputs: p.outputs.map((o) => ({ ...o, title: '', options: {}, span: [0, 0] })),
  };
}

/** The computation fingerprint of a script's source (16 hex digits), or null when it does not
 * compile. */
export function computationFingerprint(source: string, options: CompileOptions = {}): string | null {
  const { program } = compileCanonical(source, options);
  if (!program) return null;
  return hash64(packProgram(computationPart(program)));
}

export type EditVerdict = { presentationOnly: true } | { presentationOnly: false; reason: string };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Per function, the state it owns: what a snapshot's record is laid out by. */
function stateLayout(p: Program): unknown {
  return {
    functions: p.functions.map((f) => [f.nVarF, f.nVarO, f.nSer, f.nCs, f.series, f.calls, f.varipF, f.varipO]),
    channels: p.outputs.map((o) => o.channels),
    inputs: p.inputs.map((i) => ({ ...i, reg: 0 })),
    globals: p.globals.map((g) => [g.name, g.where, g.where === 'reg' ? 0 : g.index, g.type]),
    maxBarsBack: p.meta.maxBarsBack,
    strategy: p.meta.kind,
  };
}

/** Whether `after` (compiled from an edit of `before`'s source) only changes how things are drawn.
 * `options` are the compile options both were compiled with (libraries). */
export function presentationOnlyEdit(before: Program, after: Program, options: CompileOptions = {}): EditVerdict {
  if (before.source === after.source) return { presentationOnly: true };
  if (!same(stateLayout(before), stateLayout(after))) {
    return { presentationOnly: false, reason: 'the variables, inputs or plotted values of the script changed' };
  }
  const a = computationFingerprint(before.source, options);
  const b = computationFingerprint(after.source, options);
  if (a === null || b === null) return { presentationOnly: false, reason: 'the script does not compile' };
  if (a !== b) return { presentationOnly: false, reason: 'the edit changes what the script computes' };
  return { presentationOnly: true };
}

/** A builder that restores `bytes` (saved by an instance of some program P) as an instance of
 * `program`, when `program` is a presentation-only edit of P (else 'program-mismatch'). The
 * restored instance computes exactly what P's would, and its outputs carry `program`'s titles,
 * colors and styles. */
export function restoreWithProgram(bytes: Uint8Array, program: Program, options: CompileOptions = {}): RestoreBuilder {
  return Instance.restoreState(bytes).replaceProgram(program, (saved) => {
    const v = presentationOnlyEdit(saved, program, options);
    return v.presentationOnly ? null : v.reason;
  });
}
