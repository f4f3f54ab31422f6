// The page's plot buffer: chunks appended in bar order, the open replay bar's values, and the CSV
// export that tests and users read plot values from.

import { describe, expect, it } from 'vitest';
import { PlotBuffer } from '../../app/ui/chart/plot-buffer.js';
import type { BarsChunk, OutputsChunk, ProgramInfo } from '../../app/worker/protocol.js';

const program = {
  meta: { kind: 'indicator', title: 't', shorttitle: 't', overlay: true, precision: null, format: null, maxBarsBack: 5000, version: 6, options: {} },
  inputs: [],
  outputs: [
    { id: 0, kind: 'plot', title: 'A', channels: ['series'], options: {}, span: [0, 0] },
    { id: 1, kind: 'plot', title: 'B, colored', channels: ['series', 'color'], options: {}, span: [0, 0] },
  ],
} as ProgramInfo;

const T0 = Date.UTC(2024, 0, 1);

function bars(from: number, n: number): BarsChunk {
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, k) => g(from + k));
  return { firstBar: from, length: n, time: f((i) => T0 + i * 86_400_000), open: f((i) => i), high: f((i) => i + 2), low: f((i) => i - 1), close: f((i) => i + 1), volume: f(() => NaN) };
}

function rows(from: number, n: number): OutputsChunk {
  const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, k) => g(from + k));
  return { firstBar: from, length: n, time: f((i) => T0 + i * 86_400_000), columns: [[f((i) => (i === 1 ? NaN : i * 2))], [f((i) => i / 2), f(() => 7)]] };
}

describe('PlotBuffer', () => {
  it('appends chunks and reads values by output, channel and bar', () => {
    const b = new PlotBuffer();
    b.reset(program, bars(0, 3));
    b.appendOutputs(rows(0, 2));
    b.appendOutputs(rows(2, 1));
    b.appendBars(bars(3, 2000));
    b.appendOutputs(rows(3, 2000));
    expect(b.barCount).toBe(2003);
    expect(b.rowCount).toBe(2003);
    expect(b.value(0, 0, 0)).toBe(0);
    expect(Number.isNaN(b.value(0, 0, 1))).toBe(true);
    expect(b.value(0, 0, 2002)).toBe(4004);
    expect(b.value(1, 1, 1500)).toBe(7);
    expect(Number.isNaN(b.value(0, 0, 2003))).toBe(true);
    expect(b.outputIdByTitle('B, colored')).toBe(1);
  });

  it('takes the open bar\'s tick values until the bar is confirmed', () => {
    const b = new PlotBuffer();
    b.reset(program, bars(0, 2));
    b.appendOutputs(rows(0, 2));
    const tick = rows(2, 1);
    tick.columns[0] = [Float64Array.of(99)];
    b.setOpen({ bar: 2, time: T0 + 2 * 86_400_000, open: 2, high: 3, low: 1, close: 2.5, volume: NaN, outputs: tick });
    expect(b.shownBars).toBe(3);
    expect(b.value(0, 0, 2)).toBe(99);
    b.appendBars(bars(2, 1));
    b.appendOutputs(rows(2, 1));
    b.setOpen(null);
    expect(b.value(0, 0, 2)).toBe(4);
  });

  // Color 7 is black at transparency 0.7 (VM color encoding: rgb * 1024 + transparency * 10), so
  // alpha = round(99.3 % of 255) = 253 = FD.
  it('exports every plot row as CSV with na as empty cells and colors as #RRGGBBAA', () => {
    const b = new PlotBuffer();
    b.reset(program, bars(0, 2));
    b.appendOutputs(rows(0, 2));
    expect(b.toCsv()).toBe(
      'bar,time,A,"B, colored:series","B, colored:color"\n' + '0,2024-01-01T00:00:00.000Z,0,0,#000000FD\n' + '1,2024-01-02T00:00:00.000Z,,0.5,#000000FD\n',
    );
  });
});
