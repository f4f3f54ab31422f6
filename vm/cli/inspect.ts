// `evergreen inspect`: a snapshot's header, the sizes of its sections, what it was run with, and
// the values of the script's variables at its last bar. A damaged file is refused by the same
// checks as a restore (the caller prints the one-line reason).

import { Instance } from '../index.js';
import { packr, readSnapshot } from '../snapshot/format.js';
import { decodeBody } from '../snapshot/state.js';
import type { MachineState } from '../snapshot/state.js';

function size(n: number): string {
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

export function inspectSnapshot(bytes: Uint8Array, file: string): string {
  const { header, body } = readSnapshot(bytes);
  const d = decodeBody(body);
  // Restoring checks the rest (layout, builtins); inspect refuses what restore would refuse.
  Instance.restoreState(bytes).build();
  const raw = body as Record<string, unknown>;
  const st: MachineState = d.state;
  const lines: string[] = [];
  const flags = [
    header.outputsIncluded ? 'outputs included' : null,
    header.suspended ? 'suspended mid-bar' : null,
    header.realtimeOpen ? 'realtime bar open' : null,
    header.failed ? 'stopped by a runtime error' : null,
  ].filter((x) => x !== null);
  lines.push(`${file}: Evergreen snapshot, format ${header.formatVersion}, VM ${header.vmVersion.major}.${header.vmVersion.minor}`);
  lines.push(`  script         ${JSON.stringify(d.program.meta.title)} (Pine v${d.program.version})`);
  lines.push(`  program hash   ${header.programHash}`);
  lines.push(`  last bar       ${header.bar}${Number.isFinite(st.lastTime) ? ` (opened ${new Date(st.lastTime).toISOString()})` : ''}`);
  lines.push(`  incarnation    ${header.incarnation}`);
  lines.push(`  flags          ${flags.length > 0 ? flags.join(', ') : 'none'}`);
  lines.push(`  symbol         ${d.env.symbol.tickerid} (${d.env.symbol.timezone}, mintick ${d.env.symbol.mintick}), timeframe ${d.env.timeframe.period}`);
  lines.push('sections');
  lines.push(`  header         44 B`);
  lines.push(`  program        ${size(d.programBytes.length)} (${d.program.code.length} code words, ${d.program.functions.length} function${d.program.functions.length === 1 ? '' : 's'})`);
  lines.push(`  state          ${size(packr.pack(raw.graph).length)}`);
  lines.push(`  outputs        ${raw.outputs ? size(packr.pack(raw.outputs).length) : 'not included'}`);
  lines.push(`  checksum       4 B (total ${size(bytes.length)})`);
  if (d.program.inputs.length > 0) {
    lines.push('inputs');
    d.program.inputs.forEach((inp, i) => lines.push(`  ${(inp.varName ?? inp.title).padEnd(14)} ${show(d.env.inputs[i])}`));
  }
  lines.push('variables');
  if (d.program.globals.length === 0) lines.push('  (none)');
  d.program.globals.forEach((g, i) => lines.push(`  ${g.name.padEnd(14)} ${show(st.globals[i])}  (${g.type})`));
  if (st.logs.length > 0) lines.push(`logs: ${st.logs.length} (last: [${st.logs[st.logs.length - 1]?.level}] ${st.logs[st.logs.length - 1]?.message})`);
  if (st.failed) lines.push(`runtime error: ${st.failed.message} (bar ${st.failed.bar}, ${st.failed.line}:${st.failed.column})`);
  return `${lines.join('\n')}\n`;
}
