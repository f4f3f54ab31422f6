// The page's copy of what the chart shows: candles and plot output rows as growable columns, plus
// the open (still forming) replay bar. Chunks from the worker are appended in bar order, except
// after a restore: the rows of the chart's last window come first (held as a tail ahead of a gap),
// then every row from bar 0. The chart reads windows of it and the debug accessor reads single
// values. Rows are bar indices from 0.

import { colorToHex } from '../../../vm/values.js';
import type { BarsChunk, OpenBar, OutputsChunk, ProgramInfo } from '../../worker/protocol.js';

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
  /** Writes `src` at row `at`. A chunk starting at row 0 that replaces every row written so far
   * (`whole`) becomes the column's storage (the worker transferred it: nobody else holds it). */
  write(at: number, src: Float64Array, whole: boolean): void {
    if (whole && at === 0 && src.byteOffset === 0 && src.length === src.buffer.byteLength / 8) {
      this.data = src;
      return;
    }
    this.ensure(at + src.length);
    this.data.set(src, at);
  }
}

export class PlotBuffer {
  program: ProgramInfo | null = null;
  /** Candles [barsFrom, barCount): a restore drawn before its dataset was loaded starts with the
   * chart's last window of candles (barsFrom > 0); the ones before follow (appendBars at 0). */
  barsFrom = 0;
  barCount = 0;
  /** Output rows [0, rowCount): every row from bar 0, no gaps. */
  rowCount = 0;
  /** Rows [tailFrom, tailEnd) past a gap after rowCount (a restore's last rows, sent before the
   * others); tailEnd 0 when there are none. */
  tailFrom = 0;
  tailEnd = 0;
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
    this.barsFrom = bars.length > 0 ? bars.firstBar : 0;
    this.rowCount = 0;
    this.tailFrom = 0;
    this.tailEnd = 0;
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
    const empty = this.barCount === 0 && at === 0;
    if (at > 0 && this.barCount === 0) {
      // A restore's window of candles: room for every bar before it, which come next.
      for (const col of [this.time, this.open, this.high, this.low, this.close, this.volume]) col.reserve = at + c.length;
    }
    this.time.write(at, c.time, empty);
    this.open.write(at, c.open, empty);
    this.high.write(at, c.high, empty);
    this.low.write(at, c.low, empty);
    this.close.write(at, c.close, empty);
    this.volume.write(at, c.volume, empty);
    if (at <= this.barsFrom && at + c.length >= this.barsFrom) this.barsFrom = at;
    this.barCount = Math.max(this.barCount, at + c.length);
  }

  /** End of the rows held (exclusive): rowCount, or the end of a tail past it. */
  get rowEnd(): number {
    return Math.max(this.rowCount, this.tailEnd);
  }

  /** Every row up to rowEnd is here (no tail waiting for the rows before it). */
  get complete(): boolean {
    return this.tailEnd === 0;
  }

  hasRow(bar: number): boolean {
    return bar >= 0 && (bar < this.rowCount || (bar >= this.tailFrom && bar < this.tailEnd));
  }

  appendOutputs(c: OutputsChunk): void {
    if (c.length === 0) return;
    const end = c.firstBar + c.length;
    const whole = c.firstBar === 0 && end >= this.rowEnd;
    c.columns.forEach((cols, o) =>
      cols.forEach((src, ch) => {
        this.columns[o]?.[ch]?.write(c.firstBar, src, whole);
      }),
    );
    if (c.firstBar > this.rowCount) {
      // Ahead of a gap: a tail (joined to the one held if they touch).
      const joins = this.tailEnd > 0 && c.firstBar <= this.tailEnd && end >= this.tailFrom;
      this.tailFrom = joins ? Math.min(this.tailFrom, c.firstBar) : c.firstBar;
      this.tailEnd = joins ? Math.max(this.tailEnd, end) : end;
      return;
    }
    this.rowCount = Math.max(this.rowCount, end);
    if (this.tailEnd > 0 && this.rowCount >= this.tailFrom) {
      this.rowCount = Math.max(this.rowCount, this.tailEnd);
      this.tailFrom = 0;
      this.tailEnd = 0;
    }
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
    if (o && o.bar === bar && bar >= this.rowEnd) return o.outputs.columns[outputId]?.[channel]?.[0] ?? NaN;
    if (!this.hasRow(bar)) return NaN;
    return this.columns[outputId]?.[channel]?.data[bar] ?? NaN;
  }

  outputIdByTitle(title: string): number {
    return this.program?.outputs.findIndex((o) => o.title === title) ?? -1;
  }

  /** Plot rows as CSV: bar, time (ISO), then one column per output channel ('' for na); color
   * channels as `#RRGGBBAA` (as str.tostring(color) prints them), not the VM's color numbers. */
  toCsv(): string {
    const outs = this.program?.outputs ?? [];
    const heads = ['bar', 'time'];
    const cols: Float64Array[] = [];
    const isColor: boolean[] = [];
    outs.forEach((o, i) =>
      o.channels.forEach((name, ch) => {
        const c = this.column(i, ch);
        if (!c) return;
        heads.push(o.channels.length > 1 || name !== 'series' ? `${o.title}:${name}` : o.title);
        cols.push(c);
        isColor.push(name.includes('color'));
      }),
    );
    const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = [heads.map(quote).join(',')];
    for (let r = 0; r < this.rowCount; r++) {
      const t = this.time.data[r] as number;
      const cells = [String(r), Number.isNaN(t) ? '' : new Date(t).toISOString()];
      cols.forEach((c, k) => {
        const v = c[r] as number;
        cells.push(Number.isNaN(v) ? '' : isColor[k] ? (colorToHex(v) ?? '') : String(v));
      });
      lines.push(cells.join(','));
    }
    return `${lines.join('\n')}\n`;
  }
}
