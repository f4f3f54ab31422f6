// Plot outputs stored as columns: one growable Float64Array per channel of each output (a plot's
// value and, when it varies per bar, its color), plus the bar times. Rows are bars, starting at
// `firstBar` (0 for a run from the first bar; the resume bar after a restore without outputs).

import type { OutputInfo } from '../bytecode/program.js';

export class OutputStore {
  /** Bar index of row 0. */
  firstBar: number;
  /** Rows written. */
  length = 0;
  time: Float64Array;
  /** columns[outputId][channel] */
  columns: Float64Array[][];

  constructor(
    readonly infos: OutputInfo[],
    firstBar: number,
    capacity = 1024,
  ) {
    this.firstBar = firstBar;
    this.time = new Float64Array(capacity);
    this.columns = infos.map((o) => o.channels.map(() => new Float64Array(capacity).fill(NaN)));
  }

  get capacity(): number {
    return this.time.length;
  }

  /** Makes room for bar `bar` and sets its time. Unwritten cells are na (columns are created and
   * grown filled with NaN, and every OUT writes all of its channels). */
  beginBar(bar: number, time: number): void {
    const row = bar - this.firstBar;
    if (row < 0) throw new RangeError(`Output row for bar ${bar} precedes the first stored bar ${this.firstBar}.`);
    if (row >= this.time.length) this.grow(row + 1);
    this.time[row] = time;
    if (row >= this.length) this.length = row + 1;
  }

  /** Makes room for rows up to bar `lastBar` at once: exactly (hosts that know how many bars will
   * come), or with `exact` false at least doubling the capacity (runs in chunks of unknown total,
   * so that growing stays linear). */
  reserve(lastBar: number, exact = true): void {
    const rows = lastBar - this.firstBar + 1;
    if (rows > this.time.length) this.grow(rows, exact);
  }

  private grow(min: number, exact = false): void {
    let cap = exact ? min : this.capacity * 2;
    while (cap < min) cap *= 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    this.time = t;
    this.columns = this.columns.map((cols) =>
      cols.map((c) => {
        const n = new Float64Array(cap).fill(NaN);
        n.set(c);
        return n;
      }),
    );
  }

  /** The values of one channel, one per stored bar (a view; copy before keeping it). */
  column(outputId: number, channel = 0): Float64Array {
    const cols = this.columns[outputId];
    const c = cols?.[channel];
    if (!c) throw new RangeError(`No output channel ${outputId}:${channel}.`);
    return c.subarray(0, this.length);
  }

  /** Channel index by name ('value', 'color', ...), or -1. */
  channelIndex(outputId: number, name: string): number {
    return this.infos[outputId]?.channels.indexOf(name) ?? -1;
  }

  /** Copies rows [from, to) (bar indices) of every column: a self-contained chunk for hosts. */
  slice(fromBar: number, toBar: number): OutputChunk {
    const a = Math.max(0, fromBar - this.firstBar);
    const b = Math.min(this.length, toBar - this.firstBar);
    const n = Math.max(0, b - a);
    return {
      firstBar: this.firstBar + a,
      length: n,
      time: this.time.slice(a, a + n),
      columns: this.columns.map((cols) => cols.map((c) => c.slice(a, a + n))),
    };
  }
}

export interface OutputChunk {
  firstBar: number;
  length: number;
  time: Float64Array;
  columns: Float64Array[][];
}
