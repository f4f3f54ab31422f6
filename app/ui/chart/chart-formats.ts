// The price formats the chart applies (see price-format.ts for how values are written): the
// symbol's, from its tick size inferred from the bars as the engine infers syminfo.mintick, the
// script's from indicator(format=, precision=), and each output's own; and the series options that
// make the library's axes and last-value labels write them.

import { inferMintick } from '../../../vm/values.js';
import type { PlotBuffer } from './plot-buffer.js';
import { formatValue, minMoveOf, outputFormat, scriptFormat, symbolFormat, type ValueFormat } from './price-format.js';

/** Bars read to infer the tick size. */
const MINTICK_BARS = 2000;

export class ChartFormats {
  symbol: ValueFormat = symbolFormat(0.01);
  script: ValueFormat = symbolFormat(0.01);

  constructor(private readonly buffer: PlotBuffer) {}

  /** The symbol's tick size and the script's format and precision, from what the buffer holds:
   * its first candles (those the engine infers syminfo.mintick from), or a restore's window of
   * the last ones until the candles before it come (the rows in front are not filled yet).
   * Whether either changed. */
  compute(): boolean {
    const b = this.buffer;
    const before = this.symbol;
    const script = this.script;
    if (b.barCount > b.barsFrom) {
      const from = b.barsFrom;
      const to = Math.min(b.barCount, from + MINTICK_BARS);
      const col = (c: { data: Float64Array }) => c.data.subarray(from, to);
      const cols = { open: col(b.open), high: col(b.high), low: col(b.low), close: col(b.close), time: col(b.time), volume: col(b.volume), length: to - from };
      this.symbol = symbolFormat(inferMintick(cols));
    }
    this.script = scriptFormat(b.program?.meta ?? null, this.symbol);
    return !sameFormat(before, this.symbol) || !sameFormat(script, this.script);
  }

  /** An output's format (its own plot(format=, precision=), else the script's). */
  of(outputId: number): ValueFormat {
    return outputFormat(this.buffer.program?.outputs[outputId], this.script);
  }
}

/** A series' options that make its price axis and last-value label write values as `f`. */
export function priceFormatOptions(f: ValueFormat) {
  return { priceFormat: { type: 'custom' as const, formatter: (v: number) => formatValue(v, f), minMove: minMoveOf(f) } };
}

function sameFormat(a: ValueFormat, b: ValueFormat): boolean {
  return a.kind === b.kind && a.decimals === b.decimals;
}
