// Builds the code of one function: appends instructions, keeps a source offset per instruction,
// and resolves forward jumps through labels. Jump targets are function-relative until `link`
// concatenates all functions and relocates every 't' operand (see OPS operand kinds).

import { OPS, OP_LEN } from './opcodes.js';

export class Label {
  pos = -1;
  readonly fixups: number[] = [];
}

export class Emitter {
  code: number[] = [];
  spans: number[] = [];
  /** Source offset attached to instructions emitted from now on. */
  at = 0;

  emit(op: number, ...operands: number[]): number {
    const len = OP_LEN[op] ?? 0;
    if (operands.length !== len - 1) {
      throw new Error(`Internal: ${OPS[op]?.[0] ?? op} takes ${len - 1} operands, got ${operands.length}`);
    }
    const pos = this.code.length;
    this.code.push(op, ...operands);
    for (let i = 0; i < len; i++) this.spans.push(this.at);
    return pos;
  }

  /** Emits a jump-like instruction whose last operand is `label`'s position. */
  emitJump(op: number, label: Label, ...operands: number[]): void {
    const pos = this.emit(op, ...operands, 0);
    const operandAt = pos + operands.length + 1;
    if (label.pos >= 0) this.code[operandAt] = label.pos;
    else label.fixups.push(operandAt);
  }

  mark(label: Label): void {
    label.pos = this.code.length;
    for (const at of label.fixups) this.code[at] = label.pos;
    label.fixups.length = 0;
  }

  get pc(): number {
    return this.code.length;
  }
}

/** Concatenates function bodies, relocating jump targets; returns code, spans and entry points. */
export function link(bodies: Emitter[]): { code: Int32Array; spans: Int32Array; entries: number[] } {
  const entries: number[] = [];
  let total = 0;
  for (const b of bodies) {
    entries.push(total);
    total += b.code.length;
  }
  const code = new Int32Array(total);
  const spans = new Int32Array(total);
  bodies.forEach((b, i) => {
    const base = entries[i] ?? 0;
    code.set(b.code, base);
    spans.set(b.spans, base);
    for (let pc = 0; pc < b.code.length; ) {
      const op = b.code[pc] ?? 0;
      const kinds = OPS[op]?.[1] ?? '';
      for (let k = 0; k < kinds.length; k++) {
        if (kinds[k] === 't') code[base + pc + 1 + k] = (b.code[pc + 1 + k] ?? 0) + base;
      }
      pc += OP_LEN[op] ?? 1;
    }
  });
  return { code, spans, entries };
}
