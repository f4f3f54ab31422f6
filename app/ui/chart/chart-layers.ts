// Several scripts on one chart: the editor's script and the scripts added beside it (the worker's
// engine-studies.ts) as layers of one chart. The worker sends one composite plot row: the editor
// script's output columns, then each added script's, in the order the chart was opened with. Here
// that becomes one composite program for the PlotBuffer (each layer's output ids shifted past the
// ones before it) and one ChartPlan: each shown layer's own plan (chart-plan.ts) with its outputs
// renumbered, its overlay outputs on the price pane and its own pane (if it is not an overlay) after
// the panes of the layers above it in the list. Hidden layers are computed but not drawn.

import type { DrawingRecord, ProgramInfo, StudyInfo } from '../../worker/protocol.js';
import { buildChartPlan, type ChartPlan, type FillEdge } from './chart-plan.js';

/** The editor's script's layer id. */
export const MAIN_LAYER = 'main';

export interface ChartLayer {
  /** MAIN_LAYER or the study's id. */
  id: string;
  title: string;
  program: ProgramInfo;
  /** Composite id of its first output. */
  offset: number;
  hidden: boolean;
}

/** The layers whose columns a composite row holds, in column order, and the composite program. */
export interface ChartLayers {
  program: ProgramInfo | null;
  /** In column order (the editor's script first). */
  layers: ChartLayer[];
}

/** The composite program of the editor's script and the chart's other scripts (those that run). */
export function compositeProgram(main: ProgramInfo | null, studies: StudyInfo[]): ChartLayers {
  if (!main) return { program: null, layers: [] };
  const layers: ChartLayer[] = [{ id: MAIN_LAYER, title: main.meta.shorttitle || main.meta.title, program: main, offset: 0, hidden: false }];
  const outputs = [...main.outputs];
  for (const s of studies) {
    const p = s.program;
    if (!p) continue;
    const offset = outputs.length;
    layers.push({ id: s.id, title: p.meta.shorttitle || p.meta.title || s.name, program: p, offset, hidden: s.hidden });
    for (const o of p.outputs) {
      // Its own script's format and precision, where the plot gives none (the composite's meta is
      // the editor script's).
      const options = { ...o.options };
      if (options.format === undefined && typeof p.meta.format === 'string' && p.meta.format !== 'inherit') options.format = p.meta.format;
      if (options.precision === undefined && typeof p.meta.precision === 'number') options.precision = p.meta.precision;
      outputs.push({ ...o, id: o.id + offset, options });
    }
  }
  if (layers.length === 1) return { program: main, layers };
  return { program: { meta: main.meta, outputs, inputs: main.inputs }, layers };
}

function shiftEdge(e: FillEdge, by: number): FillEdge {
  return { ...e, outputId: e.outputId + by };
}

/** The chart plan of the shown layers, in `order` (layer ids; the layers' column order when
 * empty), with `hidden` (layer ids; by default those hidden when the run started) not drawn. */
export function layeredPlan(layers: ChartLayer[], order: string[] = [], hidden: ReadonlySet<string> = new Set(layers.filter((l) => l.hidden).map((l) => l.id))): ChartPlan {
  const plan: ChartPlan = { panes: 1, fills: [], series: [], candles: [], markers: [], hlines: [], backgrounds: [], barColor: null, notes: [] };
  const byId = new Map(layers.map((l) => [l.id, l]));
  const ids = order.length > 0 ? order.filter((id) => byId.has(id)) : layers.map((l) => l.id);
  for (const id of ids) {
    const layer = byId.get(id);
    if (!layer || hidden.has(id)) continue;
    const own = buildChartPlan(layer.program);
    const by = layer.offset;
    const ownPane = own.panes > 1 ? plan.panes : 0;
    if (own.panes > 1) plan.panes++;
    const pane = (p: number) => (p === 0 ? 0 : ownPane);
    const tag = layer.id === MAIN_LAYER ? {} : { layer: layer.id };
    plan.series.push(...own.series.map((s) => ({ ...s, outputId: s.outputId + by, pane: pane(s.pane), ...tag })));
    plan.candles.push(...own.candles.map((c) => ({ ...c, outputId: c.outputId + by, pane: pane(c.pane) })));
    plan.markers.push(...own.markers.map((m) => ({ ...m, outputId: m.outputId + by, pane: pane(m.pane) })));
    plan.hlines.push(...own.hlines.map((h) => ({ ...h, outputId: h.outputId + by, pane: pane(h.pane) })));
    plan.backgrounds.push(...own.backgrounds.map((b) => ({ ...b, outputId: b.outputId + by, pane: pane(b.pane) })));
    plan.fills.push(...own.fills.map((f) => ({ ...f, outputId: f.outputId + by, pane: pane(f.pane), a: shiftEdge(f.a, by), b: shiftEdge(f.b, by) })));
    if (!plan.barColor && own.barColor) plan.barColor = { ...own.barColor, outputId: own.barColor.outputId + by };
    plan.notes.push(...own.notes);
  }
  return plan;
}

/** The drawings each pane paints: the editor script's (no `study`) in `mainPane`, an added
 * script's in its own pane (the last one it plots in; `panes`: layer id → its panes) or on the
 * price pane (0) when it is an overlay; tables and force_overlay drawings always on the price pane;
 * a hidden script's left out. Pane 0 is always in the result. */
export function drawingsByPane(
  list: readonly DrawingRecord[],
  mainPane: number,
  layers: readonly ChartLayer[],
  hidden: ReadonlySet<string>,
  panes: Record<string, number[]>,
): Map<number, DrawingRecord[]> {
  const paneOf = new Map<string, number>();
  const byPane = new Map<number, DrawingRecord[]>([[0, []]]);
  for (const d of list) {
    const study = typeof d.study === 'string' ? d.study : null;
    if (study !== null && hidden.has(study)) continue;
    let pane = 0;
    if (d.kind !== 'table' && d.force_overlay !== true) {
      if (study === null) pane = mainPane;
      else {
        let p = paneOf.get(study);
        if (p === undefined) {
          const overlay = layers.find((l) => l.id === study)?.program.meta.overlay ?? true;
          p = overlay ? 0 : Math.max(0, ...(panes[study] ?? []));
          paneOf.set(study, p);
        }
        pane = p;
      }
    }
    const bucket = byPane.get(pane);
    if (bucket) bucket.push(d);
    else byPane.set(pane, [d]);
  }
  return byPane;
}
