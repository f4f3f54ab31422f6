// Disassembler: prints a Program as one instruction per line with operand kinds decoded, grouped by
// function, for debugging and for tests that compare code shapes.

import type { Program } from './program.js';
import { OPS, OP_LEN } from './opcodes.js';

export function disassemble(p: Program): string {
  const lines: string[] = [];
  const byEntry = [...p.functions].sort((a, b) => a.entry - b.entry);
  let next = 0;
  for (let pc = 0; pc < p.code.length; ) {
    const fn = byEntry[next];
    if (fn && fn.entry === pc) {
      lines.push(`${fn.name}:  ; vars ${fn.nVarF}/${fn.nVarO} series ${fn.nSer} states ${fn.nCs}`);
      next++;
    }
    const op = p.code[pc] ?? 0;
    const def = OPS[op];
    if (!def) {
      lines.push(`${String(pc).padStart(5)}  ??? ${op}`);
      pc++;
      continue;
    }
    const [name, kinds] = def;
    const parts: string[] = [];
    for (let k = 0; k < kinds.length; k++) {
      const v = p.code[pc + 1 + k] ?? 0;
      const kind = kinds[k];
      if (kind === 'r') parts.push(`r${v}`);
      else if (kind === 'k') parts.push(`#${p.consts[v]}`);
      else if (kind === 'v') parts.push(`v${v}`);
      else if (kind === 's') parts.push(`s${v}`);
      else if (kind === 'c') parts.push(`c${v}`);
      else if (kind === 't') parts.push(`@${v}`);
      else parts.push(String(v));
    }
    let note = '';
    if (name === 'CALLB') {
      const b = p.builtins[p.code[pc + 1] ?? 0];
      if (b) note = `  ; ${b.name}`;
    } else if (name === 'CALL') {
      const f = p.functions[p.code[pc + 1] ?? 0];
      if (f) note = `  ; ${f.name}`;
    } else if (name === 'OUT') {
      const o = p.outputs[p.code[pc + 1] ?? 0];
      if (o) note = `  ; ${o.kind} "${o.title}"`;
    }
    lines.push(`${String(pc).padStart(5)}  ${name.padEnd(12)}${parts.join(' ')}${note}`);
    pc += OP_LEN[op] ?? 1;
  }
  return lines.join('\n');
}
