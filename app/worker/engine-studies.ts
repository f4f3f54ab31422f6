// Several scripts on one chart (TradingView's indicator list): the scripts added to the chart next to
// the one the editor has open. Each is a VM instance of its own with its own inputs, run identity
// and checkpoints, run in step with the editor's script (the active run): history slices, replay
// ticks and confirmed bars reach every one of them, and each is checkpointed at the active run's
// checkpoints. Opening the chart restores each from its newest checkpoint at or before the active
// run's bar (catching up the few bars after it), so a reload re-runs no history. Their plot rows
// travel to the page appended to the active run's (one composite row: the page's PlotBuffer and
// chart draw them like one program's outputs; app/ui/chart/chart-layers.ts lays out their panes).
// Their drawings (labels, lines, boxes, ...) travel after the editor script's in its 'drawings'
// event, each tagged with the study's id (studyDrawings). Their logs and alerts are the editor
// script's alone.

import { calcBarsCount } from './calc-bars.js';
import { compile, Instance, type DrawingRecord, type Program, type RunResult } from '../../vm/index.js';
import { answerDataRequest } from './engine-data.js';
import type { Store, AssembledOutputs } from '../store/store.js';
import type { SnapshotKind, SnapshotMeta, StudyRecord } from '../store/schema.js';
import type { LoadedDataset } from './datasets.js';
import { hashText } from './hash.js';
import { librarySources } from './libraries.js';
import { resolveInputs, runKeyOf } from './run-config.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { keepAcrossEdit } from './presentation-keep.js';
import type { InputValue, OutputsChunk, StudyInfo } from './protocol.js';

export type { StudyInfo };
import type { TickBar } from './ticks.js';

/** The one chart of the app (StudyRecord.chartId). */
export const CHART_ID = 'current';

/** A script on the chart running beside the active run. */
export interface StudyRun {
  id: string;
  scriptId: string;
  scriptName: string;
  program: Program;
  inst: Instance;
  sourceHash: string;
  runKey: string;
  inputs: Record<string, InputValue>;
  /** Rows [0, outputsStored) are in the store. */
  outputsStored: number;
  failed: boolean;
  /** Rows read from the store (and caught up) when it was opened, until the page has them. */
  rows: AssembledOutputs | null;
}

/** What opening the chart's scripts needs of the engine. */
export interface StudyHost {
  store: Store;
  notice(level: 'info' | 'warning' | 'error', code: string, message: string): void;
  /** The worker is about to block (a study computed from the first bar). */
  busy(): void;
  /** Where other symbols' bars are fetched from (request.security, engine-data.ts). */
  baseUrl: string;
}

const compiled = new Map<string, { program: Program | null; error: string | null }>();

function compileCached(source: string, libraries: readonly string[]): { program: Program | null; error: string | null } {
  const key = hashText(libraries.length === 0 ? source : [source, ...libraries].join('\u0000'));
  let c = compiled.get(key);
  if (!c) {
    const r = compile(source, { libraries });
    const first = r.diagnostics.find((d) => d.severity === 'error');
    c = { program: r.program, error: r.program ? null : `${first ? `${first.line}:${first.column} ${first.message}` : 'it does not compile'}` };
    compiled.set(key, c);
  }
  return c;
}

/** Finishes a bar that stopped for another symbol's bars (a host call answered from storage). */
async function settle(host: StudyHost, inst: Instance, r: RunResult | { status: 'done' | 'needs-data' }): Promise<void> {
  let out = r;
  while (out.status === 'needs-data') {
    await answerDataRequest(inst, host.store, host.baseUrl);
    out = inst.resume();
  }
}

/** Runs `inst` over bars [inst.barIndex + 1, to): history bars in one go, bars of the replay
 * (from `historyEnd`) one confirmed bar at a time, as the replay confirms them. */
async function runTo(host: StudyHost, inst: Instance, ds: LoadedDataset, to: number, historyEnd: number): Promise<void> {
  const h = Math.min(to, historyEnd);
  while (inst.barIndex + 1 < h) await settle(host, inst, inst.runBars(ds.bars, inst.barIndex + 1, h));
  for (let i = Math.max(inst.barIndex + 1, historyEnd); i < to; i++) {
    const b = ds.bars;
    await settle(host, inst, inst.runBar({ time: b.time[i] as number, open: b.open[i] as number, high: b.high[i] as number, low: b.low[i] as number, close: b.close[i] as number, volume: b.volume[i] as number }));
  }
}

/** Output rows [from, to) of a study as columns of its program's shape (NaN where none). */
export function studyRows(s: StudyRun, from: number, to: number): Float64Array[][] {
  const n = Math.max(0, to - from);
  const cols = s.program.outputs.map((o) => o.channels.map(() => new Float64Array(n).fill(NaN)));
  const copy = (src: { firstBar: number; length: number; columns: Float64Array[][] }) => {
    const a = Math.max(from, src.firstBar);
    const b = Math.min(to, src.firstBar + src.length);
    if (b <= a) return;
    cols.forEach((chs, o) =>
      chs.forEach((col, ch) => {
        const v = src.columns[o]?.[ch];
        if (v) col.set(v.subarray(a - src.firstBar, b - src.firstBar), a - from);
      }),
    );
  };
  if (s.rows) copy(s.rows);
  const out = s.inst.outputs;
  if (out.length > 0) copy(out.slice(Math.max(from, out.firstBar), to));
  return cols;
}

/** The active run's rows with the studies' columns appended (the composite row the page draws). */
export function withStudyRows(chunk: OutputsChunk, studies: StudyRun[]): OutputsChunk {
  if (studies.length === 0) return chunk;
  const to = chunk.firstBar + chunk.length;
  const extra = studies.flatMap((s) => studyRows(s, chunk.firstBar, to));
  return { ...chunk, columns: [...chunk.columns, ...extra] };
}

/** The chart's scripts for the page. */
export function studyInfos(records: StudyRecord[], runs: StudyRun[], errors: Map<string, string>, names: Map<string, string>, restored: Map<string, number>): StudyInfo[] {
  return records.map((r) => {
    const run = runs.find((x) => x.id === r.id);
    return {
      id: r.id,
      scriptId: r.scriptId,
      name: run?.scriptName ?? names.get(r.id) ?? r.scriptId,
      program: run ? { meta: run.program.meta, outputs: run.program.outputs, inputs: run.program.inputs } : null,
      hidden: r.hidden,
      inputs: { ...r.inputs },
      error: errors.get(r.id) ?? null,
      restoredBar: restored.get(r.id) ?? null,
    };
  });
}

/** The chart's scripts opened beside an active run that is at bar `upTo` (-1: a run from the first
 * bar): each restored from its newest usable checkpoint at or before that bar and caught up to it,
 * or run from the first bar when it has none. Scripts that do not compile (or whose script is gone)
 * are listed with their error and not run. */
export async function openStudies(
  host: StudyHost,
  ds: LoadedDataset,
  upTo: number,
  replayFrom: number | null,
): Promise<{ runs: StudyRun[]; infos: StudyInfo[] }> {
  const records = await host.store.listStudies(CHART_ID);
  const runs: StudyRun[] = [];
  const errors = new Map<string, string>();
  const names = new Map<string, string>();
  const restored = new Map<string, number>();
  if (records.length === 0) return { runs, infos: [] };
  const historyEnd = replayFrom ?? ds.bars.length;
  if (upTo >= 0) host.busy();
  const snaps = await host.store.listSnapshots();
  const scripts = await host.store.listScripts();
  for (const rec of records) {
    const script = await host.store.getScript(rec.scriptId);
    if (!script) {
      errors.set(rec.id, 'its script was deleted');
      continue;
    }
    names.set(rec.id, script.name);
    const c = compileCached(script.source, librarySources(script.source, scripts));
    if (!c.program) {
      errors.set(rec.id, `'${script.name}' has errors: ${c.error ?? ''}`);
      continue;
    }
    const program = c.program;
    const cbc = calcBarsCount(program);
    if (cbc !== null && cbc < ds.bars.length) {
      // The chart's bars are the editor's script's (calc-bars.ts): an added script runs on them all.
      host.notice('warning', 'study-calc-bars', `'${script.name}' on the chart has calc_bars_count = ${cbc}: an added script runs on every bar the chart shows (${ds.bars.length.toLocaleString('en-US')}); open it in the editor to run it on the last ${cbc.toLocaleString('en-US')} only.`);
    }
    const resolved = resolveInputs(program.inputs, rec.inputs);
    const sourceHash = hashText(script.source);
    const runKey = runKeyOf({ sourceHash, inputs: resolved.values, datasetId: ds.info.id, replayFrom });
    const base = { id: rec.id, scriptId: script.id, scriptName: script.name, program, sourceHash, runKey, inputs: resolved.values, failed: false };
    let run: StudyRun | null = null;
    if (upTo >= 0) {
      // Its newest checkpoint at or before the active run's bar (the newest bar first).
      const usable = snaps.filter((m) => m.runKey === runKey && m.status === 'ok' && m.bar <= upTo).sort((a, b) => b.bar - a.bar || b.createdAt - a.createdAt);
      for (const meta of usable) {
        const r = await readCheckpoint(host.store, meta, 0);
        if (!r.ok) continue;
        run = { ...base, program: r.inst.program, inst: r.inst, outputsStored: meta.bar + 1, rows: r.outputs };
        restored.set(rec.id, meta.bar);
        break;
      }
      // Its script changed only in colors, titles, styles: an earlier version's checkpoint goes on.
      const kept = run ? null : await keepAcrossEdit(host.store, snaps, { ...base, datasetId: ds.info.id, datasetName: ds.info.name, replayFrom, totalBars: ds.bars.length }, program, upTo);
      if (kept) {
        run = { ...base, inst: kept.inst, outputsStored: kept.meta.bar + 1, rows: kept.rows };
        restored.set(rec.id, kept.meta.bar);
      }
    }
    if (!run) {
      try {
        const inst = Instance.builder(program).symbol(ds.symbol).timeframe(ds.timeframe).inputs(resolved.overrides).totalBars(historyEnd).build();
        run = { ...base, inst, outputsStored: 0, rows: null };
      } catch (e) {
        errors.set(rec.id, e instanceof Error ? e.message : String(e));
        continue;
      }
    }
    try {
      await runTo(host, run.inst, ds, upTo + 1, historyEnd);
    } catch (e) {
      fail(host, run, e, errors);
    }
    runs.push(run);
  }
  return { runs, infos: studyInfos(records, runs, errors, names, restored) };
}

function fail(host: StudyHost, s: StudyRun, e: unknown, errors?: Map<string, string>): void {
  s.failed = true;
  const msg = e instanceof Error ? e.message : String(e);
  errors?.set(s.id, msg);
  host.notice('error', 'study-runtime', `'${s.scriptName}' on the chart stopped at bar ${s.inst.barIndex + 1}: ${msg}`);
}

/** Runs every study up to the active run's last confirmed bar `bar`. */
export async function syncStudies(host: StudyHost, studies: StudyRun[], ds: LoadedDataset, bar: number, historyEnd: number): Promise<void> {
  for (const s of studies) {
    if (s.failed || s.inst.barIndex >= bar) continue;
    try {
      await runTo(host, s.inst, ds, bar + 1, historyEnd);
    } catch (e) {
      fail(host, s, e);
    }
  }
}

/** A replay tick of the forming bar, for every study. */
export async function tickStudies(host: StudyHost, studies: StudyRun[], tick: TickBar): Promise<void> {
  for (const s of studies) {
    if (s.failed) continue;
    try {
      await settle(host, s.inst, s.inst.updateBar(tick));
    } catch (e) {
      fail(host, s, e);
    }
  }
}

/** Checkpoints every study that is at the active run's checkpoint bar (its own run identity, so
 * its checkpoints restore it alone), pruning its automatic ones as the active run's are. */
export async function checkpointStudies(
  host: StudyHost,
  studies: StudyRun[],
  ds: LoadedDataset,
  bar: number,
  replayFrom: number | null,
  kind: SnapshotKind,
  keepAuto: number,
  branch?: string,
): Promise<SnapshotMeta[]> {
  const out: SnapshotMeta[] = [];
  for (const s of studies) {
    if (s.failed || s.inst.barIndex !== bar || s.inst.isSuspended) continue;
    const { meta, outputsStored } = await writeCheckpoint(
      host.store,
      {
        inst: s.inst,
        runKey: s.runKey,
        sourceHash: s.sourceHash,
        scriptId: s.scriptId,
        scriptName: s.scriptName,
        datasetId: ds.info.id,
        datasetName: ds.info.name,
        inputs: s.inputs,
        replayFrom,
        totalBars: ds.bars.length,
        outputsStored: s.outputsStored,
        ...(branch !== undefined ? { branch } : {}),
      },
      kind,
    );
    s.outputsStored = outputsStored;
    s.rows = null;
    if (kind === 'auto') await host.store.pruneAutoSnapshots(s.runKey, keepAuto, branch);
    out.push(meta);
  }
  return out;
}

/** The live drawings of the chart's scripts that run, each tagged with its study's id (`study`). */
export function studyDrawings(studies: readonly StudyRun[]): DrawingRecord[] {
  const out: DrawingRecord[] = [];
  for (const s of studies) {
    if (s.failed) continue;
    for (const d of s.inst.drawings()) out.push({ ...d, study: s.id });
  }
  return out;
}
