// Checks decoded snapshot data before anything uses it: every field has the type and size the
// program's layout demands, every bytecode operand is in range. Failures are SnapshotError
// 'corrupt' naming the field and the reason.

import type { Program } from '../bytecode/program.js';
import { OPS, OP_LEN } from '../bytecode/opcodes.js';
import { SnapshotError } from './format.js';

type Ctor = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;

export function bad(field: string, why: string): never {
  throw new SnapshotError('corrupt', `${field} ${why}`);
}

export function obj(v: unknown, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) bad(field, 'is not an object');
  return v as Record<string, unknown>;
}

export function arr(v: unknown, field: string, length?: number): unknown[] {
  if (!Array.isArray(v)) bad(field, 'is not a list');
  if (length !== undefined && v.length !== length) bad(field, `has ${v.length} items, expected ${length}`);
  return v;
}

export function typed<T extends Ctor>(v: unknown, ctor: T, field: string, length?: number): InstanceType<T> {
  if (!(v instanceof ctor)) bad(field, `is not a ${ctor.name}`);
  if (length !== undefined && v.length !== length) bad(field, `has length ${v.length}, expected ${length}`);
  return v as InstanceType<T>;
}

export function num(v: unknown, field: string, opts: { int?: boolean; min?: number; max?: number; nan?: boolean } = {}): number {
  if (typeof v !== 'number') bad(field, `is not a number`);
  if (Number.isNaN(v)) {
    if (opts.nan) return v;
    bad(field, 'is NaN');
  }
  if (opts.int && !Number.isInteger(v)) bad(field, `is not an integer (${v})`);
  if (opts.min !== undefined && v < opts.min) bad(field, `is ${v}, below ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) bad(field, `is ${v}, above ${opts.max}`);
  return v;
}

export function str(v: unknown, field: string): string {
  if (typeof v !== 'string') bad(field, 'is not a string');
  return v;
}

/** Structural check of an embedded program, so the interpreter can trust it. */
export function validateProgram(v: unknown): Program {
  const p = obj(v, 'program');
  num(p.format, 'program.format', { int: true, min: 1, max: 1 });
  num(p.version, 'program.version', { int: true, min: 5, max: 6 });
  const code = typed(p.code, Int32Array, 'program.code');
  const consts = typed(p.consts, Float64Array, 'program.consts');
  const spans = typed(p.spans, Int32Array, 'program.spans', code.length);
  void spans;
  const strings = arr(p.strings, 'program.strings');
  strings.forEach((s, i) => str(s, `program.strings[${i}]`));
  const nRegs = num(p.nRegs, 'program.nRegs', { int: true, min: 24, max: 1 << 24 });
  const builtins = arr(p.builtins, 'program.builtins');
  builtins.forEach((b, i) => {
    const o = obj(b, `program.builtins[${i}]`);
    str(o.name, `program.builtins[${i}].name`);
    num(o.overload, `program.builtins[${i}].overload`, { int: true, min: -1 });
    str(o.signature, `program.builtins[${i}].signature`);
  });
  const fns = arr(p.functions, 'program.functions');
  if (fns.length === 0) bad('program.functions', 'is empty');
  const entries = new Set<number>();
  fns.forEach((f, i) => {
    const o = obj(f, `program.functions[${i}]`);
    const e = num(o.entry, `program.functions[${i}].entry`, { int: true, min: 0, max: code.length - 1 });
    entries.add(e);
    str(o.name, `program.functions[${i}].name`);
    for (const k of ['nVarF', 'nVarO', 'nSer', 'nCs']) num(o[k], `program.functions[${i}].${k}`, { int: true, min: 0, max: 1 << 24 });
    arr(o.series, `program.functions[${i}].series`).forEach((s, j) => {
      const so = obj(s, `program.functions[${i}].series[${j}]`);
      num(so.slot, `program.functions[${i}].series[${j}].slot`, { int: true, min: 0 });
      num(so.maxOffset, `program.functions[${i}].series[${j}].maxOffset`, { int: true, min: 0, max: 1 << 20 });
      if (so.kind !== 'f' && so.kind !== 'o') bad(`program.functions[${i}].series[${j}].kind`, 'is not f or o');
    });
    arr(o.calls, `program.functions[${i}].calls`).forEach((c, j) => {
      const co = obj(c, `program.functions[${i}].calls[${j}]`);
      num(co.fn, `program.functions[${i}].calls[${j}].fn`, { int: true, min: 1, max: fns.length - 1 });
      for (const k of ['varOff', 'objOff', 'serOff', 'csOff']) num(co[k], `program.functions[${i}].calls[${j}].${k}`, { int: true, min: 0, max: 1 << 24 });
    });
  });
  const outputs = arr(p.outputs, 'program.outputs');
  const preload = arr(p.preload, 'program.preload');
  preload.forEach((pl, i) => num(obj(pl, `program.preload[${i}]`).reg, `program.preload[${i}].reg`, { int: true, min: 0, max: nRegs - 1 }));
  const inputs = arr(p.inputs, 'program.inputs');
  inputs.forEach((inp, i) => num(obj(inp, `program.inputs[${i}]`).reg, `program.inputs[${i}].reg`, { int: true, min: 0, max: nRegs - 1 }));
  arr(p.barSeries, 'program.barSeries');
  arr(p.loopRegs, 'program.loopRegs').forEach((r, i) => num(r, `program.loopRegs[${i}]`, { int: true, min: 0, max: nRegs - 2 }));
  arr(p.globals, 'program.globals');
  if (p.varipFields !== undefined) {
    arr(p.varipFields, 'program.varipFields').forEach((v, i) => {
      const o = obj(v, `program.varipFields[${i}]`);
      str(o.type, `program.varipFields[${i}].type`);
      arr(o.fields, `program.varipFields[${i}].fields`).forEach((x, j) => num(x, `program.varipFields[${i}].fields[${j}]`, { int: true, min: 0, max: 1 << 20 }));
    });
  }
  obj(p.meta, 'program.meta');
  str(p.source, 'program.source');
  // Walk the bytecode: known opcodes, whole instructions, operands in range.
  const starts = new Set<number>();
  for (let pc = 0; pc < code.length; ) {
    const op = code[pc] as number;
    const def = OPS[op];
    if (!def) bad('program.code', `has an unknown opcode ${op} at ${pc}`);
    const len = OP_LEN[op] as number;
    if (pc + len > code.length) bad('program.code', `ends inside the instruction at ${pc}`);
    starts.add(pc);
    const kinds = def[1];
    for (let k = 0; k < kinds.length; k++) {
      const v = code[pc + 1 + k] as number;
      const kind = kinds[k];
      const where = `program.code[${pc + 1 + k}]`;
      if (kind === 'r' && (v < 0 || v >= nRegs)) bad(where, `names register ${v} of ${nRegs}`);
      if (kind === 'k' && (v < 0 || v >= consts.length)) bad(where, `names constant ${v} of ${consts.length}`);
      if ((kind === 'v' || kind === 's' || kind === 'c') && v < 0) bad(where, `is a negative slot ${v}`);
      if (kind === 't' && (v < 0 || v >= code.length)) bad(where, `jumps outside the code (${v})`);
    }
    const name = def[0];
    if (name === 'CALLB' && (code[pc + 1] as number) >= builtins.length) bad(`program.code[${pc + 1}]`, 'names an unknown builtin');
    if (name === 'CALL' && (code[pc + 1] as number) >= fns.length) bad(`program.code[${pc + 1}]`, 'names an unknown function');
    if (name === 'OUT' && (code[pc + 1] as number) >= outputs.length) bad(`program.code[${pc + 1}]`, 'names an unknown output');
    pc += len;
  }
  for (let pc = 0; pc < code.length; pc += OP_LEN[code[pc] as number] as number) {
    const def = OPS[code[pc] as number];
    if (!def) break;
    const kinds = def[1];
    for (let k = 0; k < kinds.length; k++) {
      if (kinds[k] === 't' && !starts.has(code[pc + 1 + k] as number)) bad(`program.code[${pc + 1 + k}]`, 'jumps into the middle of an instruction');
    }
  }
  for (const e of entries) if (!starts.has(e)) bad('program.functions', `has an entry ${e} inside an instruction`);
  return p as unknown as Program;
}
