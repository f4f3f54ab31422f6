// Checkpoints that survive presentation-only edits when a run is opened (a reload after a color
// change, a script on the chart whose colors were changed): the newest checkpoint of the same script
// over the same dataset, replay start and input values, made from an earlier source whose program
// differs from the new one only in how things are drawn (vm/compiler/presentation.ts), is restored
// as an instance of the new program; its plot rows are copied to the new run's key with a checkpoint
// of the new run, so the next reload finds it directly. The active run's in-session edit (Run after
// a color change) is engine-checkpoints.ts keepAcrossPresentationEdit.

import { restoreWithProgram, type Instance, type InputValue, type Program } from '../../vm/index.js';
import type { SnapshotMeta } from '../store/schema.js';
import type { AssembledOutputs, Store } from '../store/store.js';
import { newId } from './checkpoint.js';
import { stableJson } from './hash.js';

/** The new run a kept checkpoint is for. */
export interface KeptRun {
  scriptId: string;
  scriptName: string;
  sourceHash: string;
  runKey: string;
  datasetId: string;
  datasetName: string;
  replayFrom: number | null;
  inputs: Record<string, InputValue>;
  totalBars: number;
}

export interface Kept {
  inst: Instance;
  meta: SnapshotMeta;
  rows: AssembledOutputs;
}

/** At most this many older checkpoints are tried (each is read and restored). */
const TRIES = 3;

export async function keepAcrossEdit(store: Store, snaps: SnapshotMeta[], run: KeptRun, program: Program, upTo: number): Promise<Kept | null> {
  const inputs = stableJson(run.inputs);
  const older = snaps
    .filter(
      (m) =>
        m.scriptId === run.scriptId &&
        m.datasetId === run.datasetId &&
        m.replayFrom === run.replayFrom &&
        m.sourceHash !== run.sourceHash &&
        m.status !== 'corrupt' &&
        m.bar >= 0 &&
        m.bar <= upTo &&
        stableJson(m.inputs) === inputs,
    )
    .sort((a, b) => b.bar - a.bar || b.createdAt - a.createdAt)
    .slice(0, TRIES);
  for (const m of older) {
    const bytes = await store.getSnapshotBytes(m.id);
    if (!bytes) continue;
    let inst: Instance;
    try {
      inst = restoreWithProgram(bytes, program).build();
    } catch {
      continue;
    }
    if (inst.barIndex !== m.bar) continue;
    const end = m.bar + 1;
    const shape = program.outputs.map((o) => o.channels.length);
    const { storedEnd, ...rows } = await store.readOutputs(m.runKey, end, shape);
    if (storedEnd < end) continue;
    const saved = inst.saveState();
    const meta: SnapshotMeta = {
      id: newId(),
      createdAt: Date.now(),
      bar: m.bar,
      size: saved.byteLength,
      kind: 'auto',
      status: 'ok',
      statusMessage: null,
      scriptId: run.scriptId,
      scriptName: run.scriptName,
      sourceHash: run.sourceHash,
      datasetId: run.datasetId,
      datasetName: run.datasetName,
      inputs: run.inputs,
      replayFrom: run.replayFrom,
      runKey: run.runKey,
      totalBars: run.totalBars,
      ...(m.branch !== undefined ? { branch: m.branch } : {}),
    };
    try {
      await store.saveCheckpoint({ meta, bytes: saved, outputs: { runKey: run.runKey, fromBar: 0, toBar: end, time: rows.time, columns: rows.columns } });
    } catch {
      return null;
    }
    return { inst, meta, rows };
  }
  return null;
}
