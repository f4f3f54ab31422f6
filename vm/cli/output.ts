// What `evergreen run` prints: the plotted series by plot title, as JSON
// (`{"bars": N, "plots": {"<title>": [v0, v1, ...]}}`, null for na) or CSV (time + one column
// per plot, empty cell for na). Untitled plots are plot0, plot1, ... counted over the untitled
// plot-like calls in source order; a repeated title gets " #2", " #3".

import type { Instance, Program } from '../index.js';

const VALUE_KINDS = new Set(['plot', 'plotshape', 'plotchar', 'plotarrow', 'plotcandle', 'plotbar']);

export interface PlotColumn {
  title: string;
  values: Float64Array;
}

/** Per-bar series of the outputs that plot values: plot/plotshape/plotchar/plotarrow (their
 * series), plotcandle/plotbar (open, high, low, close). Colors and fills are not values. */
export function plotColumns(program: Program, inst: Instance, from: number, to: number): PlotColumn[] {
  const chunk = inst.outputs.slice(from, to);
  const out: PlotColumn[] = [];
  const used = new Map<string, number>();
  const unique = (t: string): string => {
    const n = (used.get(t) ?? 0) + 1;
    used.set(t, n);
    return n === 1 ? t : `${t} #${n}`;
  };
  // The compiler names an untitled output `<kind><n>`, n counting the earlier outputs of its kind;
  // the CLI renames those (and empty titles) to one sequence plot0, plot1, ... over every untitled plot.
  const perKind = new Map<string, number>();
  let untitled = 0;
  const titleOf = (kind: string, title: string): string => {
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    if (!VALUE_KINDS.has(kind)) return title;
    return title === `${kind}${n}` || title.trim() === '' ? `plot${untitled++}` : title;
  };
  for (const o of program.outputs) {
    const title = titleOf(o.kind, o.title);
    const cols = chunk.columns[o.id] ?? [];
    const channel = (name: string): Float64Array | null => {
      const i = o.channels.indexOf(name);
      return i >= 0 ? (cols[i] ?? null) : null;
    };
    if (o.kind === 'plot' || o.kind === 'plotshape' || o.kind === 'plotchar' || o.kind === 'plotarrow') {
      const v = channel('series');
      if (v) out.push({ title: unique(title), values: v });
    } else if (o.kind === 'plotcandle' || o.kind === 'plotbar') {
      for (const part of ['open', 'high', 'low', 'close']) {
        const v = channel(part);
        if (v) out.push({ title: unique(`${title}.${part}`), values: v });
      }
    }
  }
  return out;
}

function num(v: number): string {
  return Number.isNaN(v) ? 'null' : Number.isFinite(v) ? String(v) : 'null';
}

export function toJson(bars: number, cols: PlotColumn[]): string {
  const parts = cols.map((c) => `    ${JSON.stringify(c.title)}: [${Array.from(c.values, num).join(', ')}]`);
  return `{\n  "bars": ${bars},\n  "plots": {\n${parts.join(',\n')}\n  }\n}\n`;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(inst: Instance, from: number, to: number, cols: PlotColumn[]): string {
  const time = inst.outputs.slice(from, to).time;
  const lines = [['time', ...cols.map((c) => c.title)].map(csvCell).join(',')];
  for (let i = 0; i < time.length; i++) {
    const t = time[i] ?? NaN;
    const row = [Number.isFinite(t) ? new Date(t).toISOString() : ''];
    for (const c of cols) {
      const v = c.values[i] ?? NaN;
      row.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
