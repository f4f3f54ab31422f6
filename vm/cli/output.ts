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

/** A plot value as JSON: the shortest decimal that reads back as the same double; null for na. */
function jsonNumber(v: number): string {
  return v - v === 0 ? String(v) : 'null'; // NaN and ±Infinity fail v - v === 0
}

/** Text gathered into large byte chunks: a million short strings appended without building
 * ropes that live long enough to cost garbage-collection time. */
export class TextSink {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;

  /** With `emit`, each full chunk is handed over (and not kept); without it, `bytes()` returns all. */
  constructor(private readonly emit: ((chunk: Buffer) => void) | null = null) {}

  write(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) this.flush(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  private flush(need: number): void {
    if (this.pos > 0) {
      const chunk = this.buf.subarray(0, this.pos);
      if (this.emit) this.emit(chunk);
      else this.chunks.push(chunk);
    }
    this.buf = Buffer.allocUnsafe(Math.max(1 << 20, need));
    this.pos = 0;
  }

  /** Hands over what is left (with `emit`). */
  end(): void {
    this.flush(0);
  }

  bytes(): Buffer {
    this.flush(0);
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

export function toJson(bars: number, cols: PlotColumn[], out: TextSink = new TextSink()): TextSink {
  out.write(`{\n  "bars": ${bars},\n  "plots": {`);
  cols.forEach((c, k) => {
    out.write(`${k === 0 ? '' : ','}\n    ${JSON.stringify(c.title)}: [`);
    const v = c.values;
    for (let i = 0; i < v.length; i++) out.write(i === 0 ? jsonNumber(v[i] ?? NaN) : `, ${jsonNumber(v[i] ?? NaN)}`);
    out.write(']');
  });
  out.write('\n  }\n}\n');
  return out;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const MS_DAY = 86_400_000;
const MAX_4_DIGIT_YEAR_MS = 253_402_300_800_000; // 10000-01-01

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `new Date(t).toISOString()`, with the date part computed once per day. */
function isoFormatter(): (t: number) => string {
  let day = NaN;
  let prefix = '';
  return (t: number): string => {
    if (!Number.isFinite(t)) return '';
    if (t < 0 || t >= MAX_4_DIGIT_YEAR_MS) return new Date(t).toISOString();
    const d = Math.floor(t / MS_DAY);
    if (d !== day) {
      day = d;
      prefix = new Date(d * MS_DAY).toISOString().slice(0, 11);
    }
    let ms = t - d * MS_DAY;
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const m = Math.floor(ms / 60_000);
    ms -= m * 60_000;
    const sec = Math.floor(ms / 1000);
    ms -= sec * 1000;
    const frac = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : String(ms);
    return `${prefix}${two(h)}:${two(m)}:${two(sec)}.${frac}Z`;
  };
}

/** A plot value as a CSV cell: empty for na. */
function csvNumber(v: number): string {
  return v - v === 0 ? String(v) : '';
}

export function toCsv(inst: Instance, from: number, to: number, cols: PlotColumn[], out: TextSink = new TextSink()): TextSink {
  const time = inst.outputs.slice(from, to).time;
  const iso = isoFormatter();
  out.write(`${['time', ...cols.map((c) => c.title)].map(csvCell).join(',')}\n`);
  for (let i = 0; i < time.length; i++) {
    out.write(iso(time[i] ?? NaN));
    for (const c of cols) {
      out.write(',');
      out.write(csvNumber(c.values[i] ?? NaN));
    }
    out.write('\n');
  }
  return out;
}
