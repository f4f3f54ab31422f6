// Portable checkpoints in the CLI: `evergreen run --resume x.evergreen` continues a checkpoint file
// exported from the app (or written by `--export`), with the script and, when it carries them, the
// bars it holds; `evergreen run ... --export x.evergreen` writes one the app imports. The file
// format is vm/snapshot/checkpoint-file.ts, the same bytes on both hosts.

import { basename } from 'node:path';
import { barsForSnapshot } from './timeframe-flags.js';
import {
  Instance,
  SnapshotError,
  restoreWithProgram,
  presentationOnlyEdit,
  decodeCheckpointFile,
  encodeCheckpointFile,
  CheckpointFileError,
  barsDigest,
  carriedDatasetId,
  checkpointInputs,
  checkpointScriptName,
  CHECKPOINT_FILE_FORMAT,
  type BarColumns,
  type CheckpointBars,
  type CheckpointFile,
  type CheckpointRows,
  type Program,
} from '../index.js';

/** A failure to show as one line. */
export class PortableError extends Error {}

/** Whether `bytes` (given to --resume) are a checkpoint file rather than a bare VM snapshot: its
 * name ends in .evergreen, or it starts as one does. */
export function isCheckpointFile(path: string, bytes: Uint8Array): boolean {
  if (/\.evergreen$/i.test(path)) return true;
  let head = '';
  for (const b of bytes.subarray(0, 64)) head += String.fromCharCode(b);
  return head.includes(CHECKPOINT_FILE_FORMAT);
}

export interface PortableResume {
  file: CheckpointFile;
  program: Program;
  inst: Instance;
  bars: BarColumns;
  /** First row of `bars` to run. */
  from: number;
  /** What the bars are called in messages. */
  dataLabel: string;
  /** The bars came from the file (no --data). */
  carried: boolean;
  warnings: string[];
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : 'unknown';
}

export function columnsOf(d: CheckpointBars): BarColumns {
  return { time: d.time, open: d.open, high: d.high, low: d.low, close: d.close, volume: d.volume, length: d.time.length };
}

/** The first bar of [0, n) where `a` and `b` differ (NaN equal to NaN), or -1. */
function firstDifference(a: BarColumns, b: BarColumns, n: number): { bar: number; field: string; x: number; y: number } | -1 {
  for (const field of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const ca = a[field];
    const cb = b[field];
    for (let i = 0; i < n; i++) {
      const x = ca[i] as number;
      const y = cb[i] as number;
      if (x !== y && !(x !== x && y !== y)) return { bar: i, field, x, y };
    }
  }
  return -1;
}

/** Opens a checkpoint file for `--resume`: restores its snapshot (with `script` in place of the
 * file's own when given: it must be the same script or differ only in presentation), and decides
 * where the bars go on — the file's own bars after its bar, or `data`'s, which must hold the
 * checkpoint's bars unchanged (or start after its last bar). */
export function resumeCheckpointFile(
  path: string,
  bytes: Uint8Array,
  script: { path: string; program: Program } | null,
  data: { bars: BarColumns; label: string } | null,
): PortableResume {
  let file: CheckpointFile;
  try {
    file = decodeCheckpointFile(bytes);
  } catch (e) {
    if (e instanceof CheckpointFileError) throw new PortableError(`${path}: ${e.message}`);
    throw e;
  }
  const k = file.run.bar;
  let inst: Instance;
  try {
    const header = Instance.peekSnapshot(file.snapshot);
    if (header.failed) throw new PortableError(`${path} was saved after a runtime error stopped the script; there is nothing to resume`);
    if (header.suspended || header.realtimeOpen) {
      throw new PortableError(`${path} was saved ${header.suspended ? 'in the middle of a bar' : 'while a realtime bar was open'}; the CLI resumes checkpoints saved between bars`);
    }
    if (script) {
      const v = presentationOnlyEdit(Instance.restoreState(file.snapshot).build().program, script.program);
      if (!v.presentationOnly) {
        throw new PortableError(`${script.path} is not the script ${path} was made with (${v.reason}): leave the script out to run the file's own`);
      }
      inst = restoreWithProgram(file.snapshot, script.program).build();
    } else inst = Instance.restoreState(file.snapshot).build();
  } catch (e) {
    if (e instanceof SnapshotError) throw new PortableError(`${path}: the snapshot inside is damaged: ${e.message}`);
    throw e;
  }
  if (!script && inst.program.source !== file.run.source) throw new PortableError(`${path}: the snapshot's script is not the script the file carries`);
  if (inst.barIndex !== k) throw new PortableError(`${path}: the snapshot holds bar ${inst.barIndex} but the file says ${k}`);
  const warnings: string[] = [];
  let bars: BarColumns;
  let from: number;
  let dataLabel: string;
  const carried = data === null;
  if (data === null) {
    if (!file.dataset) {
      throw new PortableError(
        `${path} does not carry its bars ('${file.run.datasetName}' is built into the app): give them with --data <bars.csv> (bars 0 to ${k} as the checkpoint ran on them, or only the bars after ${iso(inst.lastBarTime)})`,
      );
    }
    bars = columnsOf(file.dataset);
    // The bars the file carries are the checkpoint's own (as the app checks on import): damaged ones
    // would go on silently with other prices.
    if (file.run.barsDigest !== null && barsDigest(bars, k + 1) !== file.run.barsDigest) {
      throw new PortableError(`${path}: the bars it carries are not the bars its checkpoint ran on (the file is damaged); export it again`);
    }
    if (file.run.barsDigest !== null && file.run.datasetId.startsWith('csv:') && carriedDatasetId(bars) !== file.run.datasetId) {
      throw new PortableError(`${path}: the bars it carries after the checkpoint are not the dataset it names (the file is damaged); export it again`);
    }
    from = k + 1;
    dataLabel = `the bars of ${path}`;
  } else {
    // A checkpoint made on a resampled chart (the app's timeframe picker, --chart-timeframe): bars
    // of a lower timeframe are resampled to its timeframe, as that run's were.
    bars = barsForSnapshot(data.bars, inst.machine.chartSyminfo, inst.machine.timeframe, data.label) ?? data.bars;
    dataLabel = data.label;
    const first = bars.time[0] ?? NaN;
    const last = inst.lastBarTime;
    if (k < 0) from = 0;
    else if (bars.length > 0 && first > last) from = 0;
    else if (bars.length <= k) {
      throw new PortableError(
        `${dataLabel} does not continue ${path}: it has ${bars.length} bars, but the checkpoint ran on ${k + 1} (to ${iso(last)}) and ${dataLabel} does not start after them`,
      );
    } else if (file.dataset) {
      const d = firstDifference(columnsOf(file.dataset), bars, k + 1);
      if (d !== -1) {
        throw new PortableError(
          `${dataLabel} does not continue ${path}: its bar ${d.bar} (${iso(bars.time[d.bar] ?? NaN)}) has ${d.field} ${d.y} where the checkpoint's bars have ${d.x}`,
        );
      }
      from = k + 1;
    } else if (file.run.barsDigest !== null) {
      if (barsDigest(bars, k + 1) !== file.run.barsDigest) {
        throw new PortableError(
          `${dataLabel} does not continue ${path}: its bars 0 to ${k} are not the bars the checkpoint ran on ('${file.run.datasetName}', to ${iso(last)}); give the same bars, or only the bars after the checkpoint`,
        );
      }
      from = k + 1;
    } else {
      // A version-1 file without its bars: only the checkpoint's last bar can be checked.
      if (bars.time[k] !== last) {
        throw new PortableError(`${dataLabel} does not continue ${path}: its bar ${k} opens at ${iso(bars.time[k] ?? NaN)}, the checkpoint's at ${iso(last)}`);
      }
      from = k + 1;
    }
  }
  if (from >= bars.length) warnings.push(`${dataLabel} has no bars after the checkpoint's bar ${k}: nothing to run`);
  const endBar = k + (bars.length - from);
  if (endBar > k) inst.setTotalBars(endBar + 1);
  return { file, program: inst.program, inst, bars, from, dataLabel, carried, warnings };
}

/** Where the bars of a run come from, for `--export`. */
export interface ExportSource {
  /** The bars the run went over, row 0 being bar 0. */
  bars: BarColumns;
  /** The data file's path (`<stdin>` for stdin), or null when the bars are a resumed file's own. */
  dataPath: string | null;
  /** The checkpoint file the run resumed, if any (its plot rows and dataset go on). */
  resumed: CheckpointFile | null;
  /** The text of the --symbol file the bars ran with (carried with them), or null. */
  symbolText: string | null;
}

/** Why a run cannot be exported, or null. `offset` is bar index minus data row. */
export function exportProblem(offset: number, resumedSnapshot: boolean): string | null {
  if (resumedSnapshot) return '--export cannot follow --resume of a bare snapshot: it does not hold the plot rows of the bars before it (resume an .evergreen file, or run from the first bar)';
  if (offset !== 0) return '--export needs the bars from the first bar on: the data given to --resume starts after the checkpoint';
  return null;
}

/** The data file's dataset name, as the app names an imported file. */
function datasetName(fileName: string): string {
  return fileName.replace(/\.(csv|tsv|txt)$/i, '') || fileName;
}

/** The checkpoint file of `inst` at its last confirmed bar (which is `at`). */
export function checkpointFileBytes(inst: Instance, src: ExportSource): Uint8Array {
  const at = inst.barIndex;
  const program = inst.program;
  const store = inst.outputs;
  // Rows 0..at: the resumed file's rows up to its bar, then this run's.
  const rows: CheckpointRows = { time: new Float64Array(at + 1).fill(NaN), columns: program.outputs.map((o) => o.channels.map(() => new Float64Array(at + 1).fill(NaN))) };
  const put = (time: Float64Array, columns: Float64Array[][], firstBar: number, n: number): void => {
    const len = Math.max(0, Math.min(n, at + 1 - firstBar));
    if (len <= 0) return;
    rows.time.set(time.subarray(0, len), firstBar);
    columns.forEach((chs, i) => chs.forEach((c, j) => rows.columns[i]?.[j]?.set(c.subarray(0, len), firstBar)));
  };
  if (src.resumed) put(src.resumed.outputs.time, src.resumed.outputs.columns, 0, src.resumed.outputs.time.length);
  put(store.time, store.columns, store.firstBar, store.length);
  const own = src.dataPath === null && src.resumed !== null;
  const fileName = src.dataPath === null ? '' : src.dataPath === '<stdin>' ? 'stdin.csv' : basename(src.dataPath);
  const dataset: CheckpointBars | null = own
    ? (src.resumed?.dataset ?? null)
    : {
        name: datasetName(fileName),
        fileName,
        timeframe: inst.machine.timeframe.period,
        time: src.bars.time,
        open: src.bars.open,
        high: src.bars.high,
        low: src.bars.low,
        close: src.bars.close,
        volume: src.bars.volume,
        symbol: src.symbolText,
      };
  const resumedRun = src.resumed?.run;
  return encodeCheckpointFile({
    run: {
      bar: at,
      scriptName: checkpointScriptName(program.meta.title),
      source: program.source,
      // The app's strategy tester properties (`strategy:…`) go on with the run they were applied to.
      inputs: { ...Object.fromEntries(Object.entries(resumedRun?.inputs ?? {}).filter(([k]) => k.startsWith('strategy:'))), ...checkpointInputs(program.inputs, inst.inputValues) },
      datasetId: own && resumedRun ? resumedRun.datasetId : carriedDatasetId(src.bars),
      datasetName: own && resumedRun ? resumedRun.datasetName : datasetName(fileName),
      // Bars this process ran are history: a replay start goes on only while the chart's bar
      // count is still the replay's.
      replayFrom: inst.totalBars === src.bars.length ? null : (resumedRun?.replayFrom ?? null),
      totalBars: src.bars.length,
      barsDigest: barsDigest(src.bars, at + 1),
    },
    snapshot: inst.saveState(),
    outputs: rows,
    dataset,
  });
}
