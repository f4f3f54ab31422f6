// The checkpoint export file (`.evergreen`) from the app's side: its format is the VM's
// (vm/snapshot/checkpoint-file.ts), shared with the CLI, so the app and `evergreen run --export`
// write the same bytes for the same run. Here a stored checkpoint becomes that file's contents:
// the run record from the checkpoint's metadata, the plot rows up to its bar and, for a dataset the
// user imported, its bars (named by their content, as the CLI names a data file's) with the symbol
// file (.toml) imported for them, if any.

import {
  barsDigest,
  carriedDatasetId,
  checkpointScriptName,
  encodeCheckpointFile,
  type BarColumns,
  type Program,
} from '../../vm/index.js';
import type { DatasetRecord, SnapshotMeta } from '../store/schema.js';
import type { AssembledOutputs } from '../store/store.js';

export { decodeCheckpointFile as decodeExportFile, CheckpointFileError as ExportFileError, type CheckpointFile as ExportFile } from '../../vm/index.js';

export interface PortableParts {
  meta: SnapshotMeta;
  /** The snapshot's own program. */
  program: Program;
  snapshot: Uint8Array;
  /** Plot rows 0..meta.bar. */
  rows: AssembledOutputs;
  /** The dataset's bars when they could be loaded (for the digest, and carried when imported). */
  bars: BarColumns | null;
  /** The dataset's record when the user imported it. */
  stored: DatasetRecord | null;
}

export function portableFile(p: PortableParts): Uint8Array {
  const { meta, bars, stored } = p;
  const carried = stored !== null && bars !== null;
  return encodeCheckpointFile({
    run: {
      bar: meta.bar,
      scriptName: checkpointScriptName(p.program.meta.title),
      source: p.program.source,
      inputs: meta.inputs,
      datasetId: carried ? carriedDatasetId(bars) : meta.datasetId,
      datasetName: meta.datasetName,
      replayFrom: meta.replayFrom,
      totalBars: meta.totalBars,
      barsDigest: bars ? barsDigest(bars, meta.bar + 1) : null,
    },
    snapshot: p.snapshot,
    outputs: { time: p.rows.time, columns: p.rows.columns },
    dataset: carried
      ? {
          name: stored.name,
          fileName: stored.fileName,
          timeframe: stored.timeframe,
          time: bars.time,
          open: bars.open,
          high: bars.high,
          low: bars.low,
          close: bars.close,
          volume: bars.volume,
          // The symbol file imported for its ticker: another browser gets the same sessions.
          symbol: stored.symbolToml ?? null,
        }
      : null,
  });
}
