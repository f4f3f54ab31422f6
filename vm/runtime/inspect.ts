// What a snapshot holds, as `evergreen inspect` prints it and the app's snapshot inspector shows it:
// its header, the sizes of its sections, the inputs it was run with and the values of the script's
// variables at its last bar. A damaged snapshot is refused by the same checks as a restore (the
// caller reports the reason). The report is data; formatSnapshotReport writes the CLI's text.

import { Instance } from './instance.js';
import { packr, readSnapshot } from '../snapshot/format.js';
import { decodeBody } from '../snapshot/state.js';
import type { MachineState } from '../snapshot/state.js';

export interface SnapshotReport {
  formatVersion: number;
  vmVersion: string;
  title: string;
  pineVersion: number;
  programHash: string;
  bar: number;
  /** Time (ms) of the last bar, or null. */
  lastTime: number | null;
  incarnation: number;
  flags: string[];
  symbol: { tickerid: string; timezone: string; mintick: number };
  timeframe: string;
  /** Bytes of each section (outputs: null when not included). */
  sizes: { header: number; program: number; state: number; outputs: number | null; checksum: number; total: number };
  codeWords: number;
  functions: number;
  /** Each input's name and value as Pine writes it. */
  inputs: { name: string; value: string }[];
  /** Each global variable's name, value (as Pine writes it) and type. */
  variables: { name: string; value: string; type: string }[];
  logCount: number;
  lastLog: string | null;
  runtimeError: string | null;
}

export function sizeText(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`;
}

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'na' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'na';
  if (typeof v === 'object' && v !== null && 'kind' in v && (v as { kind: unknown }).kind === 'array') {
    const items = (v as unknown as { items: unknown[] }).items;
    return `array(${items.length}) [${items.slice(0, 8).map(show).join(', ')}${items.length > 8 ? ', …' : ''}]`;
  }
  return JSON.stringify(v);
}

/** Reads a snapshot (refusing what a restore would refuse) into a report. */
export function inspectSnapshotBytes(bytes: Uint8Array): SnapshotReport {
  const { header, body } = readSnapshot(bytes);
  const d = decodeBody(body);
  // Restoring checks the rest (layout, builtins); inspect refuses what restore would refuse.
  Instance.restoreState(bytes).build();
  const raw = body as Record<string, unknown>;
  const st: MachineState = d.state;
  const flags = [
    header.outputsIncluded ? 'outputs included' : null,
    header.suspended ? 'suspended mid-bar' : null,
    header.realtimeOpen ? 'realtime bar open' : null,
    header.failed ? 'stopped by a runtime error' : null,
  ].filter((x): x is string => x !== null);
  const last = st.logs[st.logs.length - 1];
  return {
    formatVersion: header.formatVersion,
    vmVersion: `${header.vmVersion.major}.${header.vmVersion.minor}`,
    title: d.program.meta.title,
    pineVersion: d.program.version,
    programHash: header.programHash,
    bar: header.bar,
    lastTime: Number.isFinite(st.lastTime) ? st.lastTime : null,
    incarnation: header.incarnation,
    flags,
    symbol: { tickerid: d.env.symbol.tickerid, timezone: d.env.symbol.timezone, mintick: d.env.symbol.mintick },
    timeframe: d.env.timeframe.period,
    sizes: {
      header: 44,
      program: d.programBytes.length,
      state: packr.pack(raw.graph).length,
      outputs: raw.outputs ? packr.pack(raw.outputs).length : null,
      checksum: 4,
      total: bytes.length,
    },
    codeWords: d.program.code.length,
    functions: d.program.functions.length,
    inputs: d.program.inputs.map((inp, i) => ({ name: inp.varName ?? inp.title, value: show(d.env.inputs[i]) })),
    variables: d.program.globals.map((g, i) => ({ name: g.name, value: show(st.globals[i]), type: String(g.type) })),
    logCount: st.logs.length,
    lastLog: last ? `[${last.level}] ${last.message}` : null,
    runtimeError: st.failed ? `${st.failed.message} (bar ${st.failed.bar}, ${st.failed.line}:${st.failed.column})` : null,
  };
}

/** The report as `evergreen inspect <file>` prints it. */
export function formatSnapshotReport(r: SnapshotReport, file: string): string {
  const lines: string[] = [];
  lines.push(`${file}: Evergreen snapshot, format ${r.formatVersion}, VM ${r.vmVersion}`);
  lines.push(`  script         ${JSON.stringify(r.title)} (Pine v${r.pineVersion})`);
  lines.push(`  program hash   ${r.programHash}`);
  lines.push(`  last bar       ${r.bar}${r.lastTime !== null ? ` (opened ${new Date(r.lastTime).toISOString()})` : ''}`);
  lines.push(`  incarnation    ${r.incarnation}`);
  lines.push(`  flags          ${r.flags.length > 0 ? r.flags.join(', ') : 'none'}`);
  lines.push(`  symbol         ${r.symbol.tickerid} (${r.symbol.timezone}, mintick ${r.symbol.mintick}), timeframe ${r.timeframe}`);
  lines.push('sections');
  lines.push(`  header         ${r.sizes.header} B`);
  lines.push(`  program        ${sizeText(r.sizes.program)} (${r.codeWords} code words, ${r.functions} function${r.functions === 1 ? '' : 's'})`);
  lines.push(`  state          ${sizeText(r.sizes.state)}`);
  lines.push(`  outputs        ${r.sizes.outputs !== null ? sizeText(r.sizes.outputs) : 'not included'}`);
  lines.push(`  checksum       ${r.sizes.checksum} B (total ${sizeText(r.sizes.total)})`);
  if (r.inputs.length > 0) {
    lines.push('inputs');
    r.inputs.forEach((inp) => lines.push(`  ${inp.name.padEnd(14)} ${inp.value}`));
  }
  lines.push('variables');
  if (r.variables.length === 0) lines.push('  (none)');
  r.variables.forEach((g) => lines.push(`  ${g.name.padEnd(14)} ${g.value}  (${g.type})`));
  if (r.logCount > 0) lines.push(`logs: ${r.logCount} (last: ${r.lastLog ?? ''})`);
  if (r.runtimeError) lines.push(`runtime error: ${r.runtimeError}`);
  return `${lines.join('\n')}\n`;
}
