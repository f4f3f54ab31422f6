// What `evergreen run` prints: the plotted series by plot title, as JSON
// (`{"bars": N, "plots": {"<title>": [v0, v1, ...]}}`, null for na) or CSV (time + one column
// per plot, empty cell for na). Untitled plots are plot0, plot1, ... counted over the untitled
// plot-like calls in source order; a repeated title gets " #2", " #3".

import type { Instance, Program } from '../index.js';
import { MAX_NUMBER_BYTES, SHORTEST_ARG, warmUpShortest, writeShortestOf } from './shortest-number.js';
import { escapeControls } from './terminal-text.js';

const VALUE_KINDS = new Set(['plot', 'plotshape', 'plotchar', 'plotarrow', 'plotcandle', 'plotbar']);

export interface PlotColumn {
  title: string;
  values: Float64Array;
}

/** Rows [from, to) (bar indices) of the instance's outputs, as views: the output is written
 * straight from the VM's columns (a copy would cost 8 MB per plot at a million bars). */
function outputRows(inst: Instance, from: number, to: number): { time: Float64Array; columns: Float64Array[][] } {
  const store = inst.outputs;
  const a = Math.max(0, from - store.firstBar);
  const b = Math.max(a, Math.min(store.length, to - store.firstBar));
  return { time: store.time.subarray(a, b), columns: store.columns.map((cols) => cols.map((c) => c.subarray(a, b))) };
}

/** Per-bar series of the outputs that plot values: plot/plotshape/plotchar/plotarrow (their
 * series), plotcandle/plotbar (open, high, low, close). Colors and fills are not values. */
export function plotColumns(program: Program, inst: Instance, from: number, to: number): PlotColumn[] {
  const chunk = outputRows(inst, from, to);
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

/** Text gathered into large byte chunks: a million numbers and short strings written straight into
 * a byte buffer (numbers by writeShortest, never as strings), handed over a chunk at a time so that
 * no output is ever one giant string. */
export class TextSink {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;

  /** With `emit`, each full chunk is handed over (and not kept); without it, `bytes()` returns all.
   * With `reuse`, `emit` is done with a chunk when it returns (a synchronous write), so the next
   * chunk is written into the same buffer: no fresh pages to fault in for every megabyte. */
  constructor(
    private readonly emit: ((chunk: Buffer) => void) | null = null,
    private readonly reuse = false,
  ) {}

  /** Any text, as UTF-8. */
  write(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) this.flush(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Room for `n` more bytes in `buf` at `pos` (callers then write into them directly). */
  private reserve(n: number): Buffer {
    if (this.pos + n > this.buf.length) this.flush(n);
    return this.buf;
  }

  /** `sep` (ASCII) then a number as JavaScript prints it, or `na` (ASCII) for NaN and ±Infinity. */
  number(sep: string, v: number, na: string): void {
    const buf = this.reserve(sep.length + na.length + MAX_NUMBER_BYTES);
    let pos = this.pos;
    for (let i = 0; i < sep.length; i++) buf[pos++] = sep.charCodeAt(i);
    if (v - v === 0) {
      // NaN and ±Infinity fail v - v === 0. The value goes through SHORTEST_ARG: no boxing per call.
      SHORTEST_ARG[0] = v;
      pos = writeShortestOf(buf, pos);
    } else for (let i = 0; i < na.length; i++) buf[pos++] = na.charCodeAt(i);
    this.pos = pos;
  }

  /** JSON array items: the numbers of `values` (see writeJsonItems), each after `, ` but the
   * first when `first`. As many at a time as the buffer holds. */
  jsonNumbers(values: Float64Array, first: boolean): void {
    const n = values.length;
    let i = 0;
    while (i < n) {
      let room = ((this.buf.length - this.pos) / JSON_ITEM_BYTES) | 0;
      if (room < 1) {
        this.flush(JSON_ITEM_BYTES);
        room = ((this.buf.length - this.pos) / JSON_ITEM_BYTES) | 0;
      }
      // JSON_BATCH items a call at most: V8 compiles writeJsonItems once, for its next call, not
      // first on-stack for a call in progress and then again (see csv-bytes.ts, PLAIN_BATCH).
      const end = Math.min(n, i + room, i + JSON_BATCH);
      this.pos = writeJsonItems(this.buf, this.pos, values, i, end, first && i === 0);
      i = end;
    }
  }

  /** One ASCII byte. */
  byte(b: number): void {
    const buf = this.reserve(1);
    buf[this.pos++] = b;
  }

  /** An ISO time as `new Date(t).toISOString()` writes it, or nothing for a non-finite t. */
  time(t: number, iso: IsoWriter): void {
    const buf = this.reserve(MAX_ISO_BYTES);
    this.pos = iso.write(buf, this.pos, t);
  }

  private flush(need: number): void {
    if (this.pos > 0) {
      const chunk = this.buf.subarray(0, this.pos);
      if (this.emit) this.emit(chunk);
      else this.chunks.push(chunk);
    }
    if (!(this.reuse && this.emit && need <= this.buf.length)) this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, need));
    this.pos = 0;
  }

  /** Bytes made elsewhere (UTF-8), after what was written. */
  raw(bytes: Uint8Array): void {
    if (this.pos > 0) this.flush(0);
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (this.emit) this.emit(chunk);
    else this.chunks.push(chunk);
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

const CHUNK_BYTES = 1 << 20;
/** Most bytes of one JSON array item: `, ` and a number. */
export const JSON_ITEM_BYTES = 2 + MAX_NUMBER_BYTES;

/** Items a call of writeJsonItems writes at most (TextSink.jsonNumbers). */
const JSON_BATCH = 2048;

/** Writes values[from, to) as JSON array items into `out` at `pos` (room for JSON_ITEM_BYTES each):
 * each number as JavaScript prints it, `null` for NaN and ±Infinity, each after `, ` but the first
 * when `first`. Returns the position after them. One loop for speed: no call and no boxed double
 * per number but writeShortestOf's. */
export function writeJsonItems(out: Uint8Array, pos: number, values: Float64Array, from: number, to: number, first: boolean): number {
  let i = from;
  if (first && i < to) {
    const v = values[i++] as number;
    if (v - v === 0) {
      SHORTEST_ARG[0] = v;
      pos = writeShortestOf(out, pos);
    } else pos = writeNull(out, pos);
  }
  for (; i < to; i++) {
    const v = values[i] as number;
    out[pos] = 44; // ,
    out[pos + 1] = 32;
    if (v - v === 0) {
      // NaN and ±Infinity fail v - v === 0.
      SHORTEST_ARG[0] = v;
      pos = writeShortestOf(out, pos + 2);
    } else pos = writeNull(out, pos + 2);
  }
  return pos;
}

/** warmUpShortest, and writeJsonItems over a few items of each kind (a number, null, with and
 * without the first separator): V8 otherwise optimised it on the first plot's numbers and threw that
 * code away at the first null or the next call ("insufficient type feedback", --trace-deopt), and
 * ran it unoptimised again until it was compiled once more. Once only (warmUpShortest's flag). */
export function warmUpJson(): void {
  if (!warmUpShortest()) return;
  const values = new Float64Array([NaN, 1.5, 100.25, NaN, 2, 0.1 + 0.2, NaN, 99.8992857142857]);
  const out = Buffer.alloc(values.length * JSON_ITEM_BYTES);
  for (let i = 0; i < 40; i++) {
    writeJsonItems(out, 0, values, 0, values.length, true);
    writeJsonItems(out, 0, values, 1, values.length, false);
  }
}

function writeNull(out: Uint8Array, pos: number): number {
  out[pos] = 110; // null
  out[pos + 1] = 117;
  out[pos + 2] = 108;
  out[pos + 3] = 108;
  return pos + 4;
}

/** A piece of the JSON output between its head and its end: text, or a plot's numbers (`first`:
 * `values[0]` is the plot's first number, written without the separator). */
export type JsonPart = string | { values: Float64Array; first: boolean };

/** Writes JSON parts as toJson writes them. */
export function writeJsonParts(out: TextSink, parts: readonly JsonPart[]): void {
  for (const p of parts) {
    if (typeof p === 'string') {
      out.write(p);
      continue;
    }
    out.jsonNumbers(p.values, p.first);
  }
}

/** Another way to write JSON parts into a sink (the CLI's helper thread, fast-path.ts): returns
 * false, having written nothing, when it does not apply. */
let jsonHelper: ((parts: readonly JsonPart[], out: TextSink) => boolean) | null = null;

export function setJsonHelper(helper: ((parts: readonly JsonPart[], out: TextSink) => boolean) | null): void {
  jsonHelper = helper;
}

/** The JSON output's text before the plots, before each plot's numbers, after each and at the end. */
const jsonHead = (bars: number): string => `{\n  "bars": ${bars},\n  "plots": {`;
const jsonPlotHead = (k: number, title: string): string => `${k === 0 ? '' : ','}\n    ${JSON.stringify(title)}: [`;
const JSON_PLOT_END = ']';
const JSON_END = '\n  }\n}\n';

export function toJson(bars: number, cols: PlotColumn[], out: TextSink = new TextSink()): TextSink {
  out.write(jsonHead(bars));
  const parts: JsonPart[] = [];
  cols.forEach((c, k) => {
    parts.push(jsonPlotHead(k, c.title), { values: c.values, first: true }, JSON_PLOT_END);
  });
  if (jsonHelper === null || !jsonHelper(parts, out)) writeJsonParts(out, parts);
  out.write(JSON_END);
  return out;
}

/** toJson's bytes from each plot's numbers already written as JSON array items (`items[k]`: the
 * pieces of plot k, in order; fast-path.ts's pipeline). */
export function toJsonFromItems(bars: number, titles: readonly string[], items: readonly (readonly Uint8Array[])[], out: TextSink): TextSink {
  out.write(jsonHead(bars));
  titles.forEach((title, k) => {
    out.write(jsonPlotHead(k, title));
    for (const piece of items[k] ?? []) out.raw(piece);
    out.write(JSON_PLOT_END);
  });
  out.write(JSON_END);
  return out;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const MS_DAY = 86_400_000;
const MAX_4_DIGIT_YEAR_MS = 253_402_300_800_000; // 10000-01-01
/** `+275760-09-13T00:00:00.000Z` is the longest toISOString. */
const MAX_ISO_BYTES = 27;

function writeAscii(out: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  return pos;
}

function write2(out: Uint8Array, pos: number, n: number): void {
  const tens = (n / 10) | 0;
  out[pos] = 48 + tens;
  out[pos + 1] = 48 + n - tens * 10;
}

/** A time with a fraction of a millisecond (bar times never have one), spelled as before: the
 * fraction after the milliseconds' digits. */
function fractionalIso(t: number): string {
  const d = Math.floor(t / MS_DAY);
  let ms = t - d * MS_DAY;
  const h = Math.floor(ms / 3_600_000);
  ms -= h * 3_600_000;
  const m = Math.floor(ms / 60_000);
  ms -= m * 60_000;
  const sec = Math.floor(ms / 1000);
  ms -= sec * 1000;
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
  const frac = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : String(ms);
  return `${new Date(d * MS_DAY).toISOString().slice(0, 11)}${two(h)}:${two(m)}:${two(sec)}.${frac}Z`;
}

/** Writes `new Date(t).toISOString()` as bytes, the date part (`YYYY-MM-DDT`) made once per day. */
export class IsoWriter {
  private day = NaN;
  private readonly prefix = new Uint8Array(11);

  write(out: Uint8Array, pos: number, t: number): number {
    if (!Number.isFinite(t)) return pos;
    if (t < 0 || t >= MAX_4_DIGIT_YEAR_MS) return writeAscii(out, pos, new Date(t).toISOString());
    if (t !== Math.floor(t)) return writeAscii(out, pos, fractionalIso(t));
    const d = Math.floor(t / MS_DAY);
    if (d !== this.day) {
      this.day = d;
      writeAscii(this.prefix, 0, new Date(d * MS_DAY).toISOString().slice(0, 11));
    }
    out.set(this.prefix, pos);
    pos += 11;
    let ms = t - d * MS_DAY; // below 86,400,000: int32 from here
    const h = (ms / 3_600_000) | 0;
    ms -= h * 3_600_000;
    const m = (ms / 60_000) | 0;
    ms -= m * 60_000;
    const sec = (ms / 1000) | 0;
    ms -= sec * 1000;
    write2(out, pos, h);
    out[pos + 2] = 58; // :
    write2(out, pos + 3, m);
    out[pos + 5] = 58;
    write2(out, pos + 6, sec);
    out[pos + 8] = 46; // .
    const hundreds = (ms / 100) | 0;
    out[pos + 9] = 48 + hundreds;
    write2(out, pos + 10, ms - hundreds * 100);
    out[pos + 12] = 90; // Z
    return pos + 13;
  }
}

export function toCsv(inst: Instance, from: number, to: number, cols: PlotColumn[], out: TextSink = new TextSink()): TextSink {
  const time = outputRows(inst, from, to).time;
  const iso = new IsoWriter();
  out.write(`${['time', ...cols.map((c) => escapeControls(c.title))].map(csvCell).join(',')}\n`);
  const values = cols.map((c) => c.values);
  for (let i = 0; i < time.length; i++) {
    out.time(time[i] as number, iso);
    for (const v of values) out.number(',', v[i] ?? NaN, '');
    out.byte(10);
  }
  return out;
}
