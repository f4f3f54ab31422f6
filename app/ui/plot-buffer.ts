// The page's copy of what the chart shows: candles and plot output rows as growable columns, plus
// the open (still forming) replay bar. Chunks from the worker are appended in bar order; the chart
// reads windows of it and the debug accessor reads single values. Rows are bar indices from 0.

import type { BarsChunk, OpenBar, OutputsChunk, ProgramInfo } from '../worker/protocol.js';

/** A growable column. Rows past what was written are never read, so new space is not filled. */
class Column {
  data: Float64Array;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
  /** Rows expected: the first allocation makes room for them all (no copying while a run's
   * chunks arrive). */
  reserve = 0;

  ensure(n: number): void {
    if (n <= this.data.length) return;
    let cap = Math.max(1024, this.data.length * 2, this.data.length === 0 ? this.reserve : 0);
    while (cap < n) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.data);
    this.data = next;
  }
  /** Writes `src` at row `at`. An empty column takes a chunk starting at row 0 as its storage (the
   * worker transferred it: nobody else holds it). */
  write(at: number, src: Float64Array, empty: boolean): void {
    if (empty && at === 0 && src.byteOffset === 0 && src.length === src.buffer.byteLength / 8) {
      this.data = src;
      return;
    }
    this.ensure(at + src.length);
    this.data.set(src, at);
  }
}

export class PlotBuffer {
  program: ProgramInfo | null = null;
  /** Candles [0, barCount). */
  barCount = 0;
  /** Output rows [0, rowCount). */
  rowCount = 0;
  readonly time = new Column(0);
  readonly open = new Column(0);
  readonly high = new Column(0);
  readonly low = new Column(0);
  readonly close = new Column(0);
  readonly volume = new Column(0);
  columns: Column[][] = [];
  openBar: OpenBar | null = null;

  reset(program: ProgramInfo | null, bars: BarsChunk): void {
    this.program = program;
    this.barCount = 0;
    this.rowCount = 0;
    this.openBar = null;
    this.columns = (program?.outputs ?? []).map((o) =>
      o.channels.map(() => {
        const c = new Column(0);
        c.reserve = bars.length;
        return c;
      }),
    );
    this.appendBars(bars);
  }

  appendBars(c: BarsChunk): void {
    if (c.length === 0) return;
    const at = c.firstBar;
    const empty = this.barCount === 0;
    this.time.write(at, c.time, empty);
    this.open.write(at, c.open, empty);
    this.high.write(at, c.high, empty);
    this.low.write(at, c.low, empty);
    this.close.write(at, c.close, empty);
    this.volume.write(at, c.volume, empty);
    this.barCount = Math.max(this.barCount, at + c.length);
  }

  appendOutputs(c: OutputsChunk): void {
    if (c.length === 0) return;
    const empty = this.rowCount === 0;
    c.columns.forEach((cols, o) =>
      cols.forEach((src, ch) => {
        this.columns[o]?.[ch]?.write(c.firstBar, src, empty);
      }),
    );
    this.rowCount = Math.max(this.rowCount, c.firstBar + c.length);
  }

  setOpen(open: OpenBar | null): void {
    this.openBar = open;
  }

  /** Raw column of an output channel (valid for rows [0, rowCount)). */
  column(outputId: number, channel: number): Float64Array | null {
    return this.columns[outputId]?.[channel]?.data ?? null;
  }

  /** Bars the chart shows: the confirmed ones plus the open one. */
  get shownBars(): number {
    const o = this.openBar;
    return o && o.bar >= this.barCount ? o.bar + 1 : this.barCount;
  }

  /** An output channel's value on a bar (the open bar's tick value if it is open), NaN if none. */
  value(outputId: number, channel: number, bar: number): number {
    const o = this.openBar;
    if (o && o.bar === bar && bar >= this.rowCount) return o.outputs.columns[outputId]?.[channel]?.[0] ?? NaN;
    if (bar < 0 || bar >= this.rowCount) return NaN;
    return this.columns[outputId]?.[channel]?.data[bar] ?? NaN;
  }

  outputIdByTitle(title: string): number {
    return this.program?.outputs.findIndex((o) => o.title === title) ?? -1;
  }

  /** Plot rows as CSV: bar, time (ISO), then one column per output channel ('' for na). */
  toCsv(): string {
    const outs = this.program?.outputs ?? [];
    const heads = ['bar', 'time'];
    const cols: Float64Array[] = [];
    outs.forEach((o, i) =>
      o.channels.forEach((name, ch) => {
        const c = this.column(i, ch);
        if (!c) return;
        heads.push(o.channels.length > 1 || name !== 'series' ? `${o.title}:${name}` : o.title);
        cols.push(c);
      }),
    );
    const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = [heads.map(quote).join(',')];
    for (let r = 0; r < this.rowCount; r++) {
      const t = this.time.data[r] as number;
      const cells = [String(r), Number.isNaN(t) ? '' : new Date(t).toISOString()];
      for (const c of cols) {
        const v = c[r] as number;
        cells.push(Number.isNaN(v) ? '' : String(v));
      }
      lines.push(cells.join(','));
    }
    return `${lines.join('\n')}\n`;
  }
}
