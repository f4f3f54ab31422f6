// What identifies a run: the script's source, the value of every input, the dataset and where the
// replay starts. Two runs with the same key compute the same plot values bar for bar, so they share
// stored output rows, and a checkpoint is restored only into a run with its key.

import type { InputInfo, InputValue } from '../../vm/index.js';
import { hashText, stableJson } from './hash.js';

/** The name an input is stored under: its variable, else its title. */
export function inputKey(info: InputInfo): string {
  return info.varName ?? info.title;
}

function fitsKind(info: InputInfo, v: InputValue): boolean {
  switch (info.kind) {
    case 'int':
    case 'float':
    case 'price':
    case 'time':
    case 'color':
      return typeof v === 'number' && Number.isFinite(v);
    case 'bool':
      return typeof v === 'boolean';
    default:
      return typeof v === 'string';
  }
}

export interface ResolvedInputs {
  /** Every input's value by input key (overrides where they apply, else the default). */
  values: Record<string, InputValue>;
  /** Overrides to hand to the VM's builder (only those that differ from the default). */
  overrides: Record<string, InputValue>;
  /** Overrides dropped because the script has no such input any more or the kind changed. */
  dropped: string[];
}

export function resolveInputs(inputs: InputInfo[], saved: Record<string, InputValue>): ResolvedInputs {
  const values: Record<string, InputValue> = {};
  const overrides: Record<string, InputValue> = {};
  const known = new Set<string>();
  for (const info of inputs) {
    const key = inputKey(info);
    known.add(key);
    const v = saved[key];
    if (v !== undefined && fitsKind(info, v)) {
      values[key] = v;
      if (v !== info.defval) overrides[key] = v;
    } else values[key] = info.defval;
  }
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(saved)) {
    const info = inputs.find((i) => inputKey(i) === k);
    if (!info || !fitsKind(info, v)) dropped.push(k);
  }
  return { values, overrides, dropped };
}

export interface RunIdentity {
  sourceHash: string;
  inputs: Record<string, InputValue>;
  datasetId: string;
  replayFrom: number | null;
}

export function runKeyOf(id: RunIdentity): string {
  return hashText(stableJson({ s: id.sourceHash, i: id.inputs, d: id.datasetId, r: id.replayFrom }));
}
