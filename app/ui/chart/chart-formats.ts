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

  /** The symbol's tick size and the script's format and precision, from what the buffer holds. */
  compute(): void {
    const b = this.buffer;
    if (b.barCount > 0) {
      const n = Math.min(b.barCount, MINTICK_BARS);
      const cols = { open: b.open.data.subarray(0, n), high: b.high.data.subarray(0, n), low: b.low.data.subarray(0, n), close: b.close.data.subarray(0, n), time: b.time.data.subarray(0, n), volume: b.volume.data.subarray(0, n), length: n };
      this.symbol = symbolFormat(inferMintick(cols));
    }
    this.script = scriptFormat(b.program?.meta ?? null, this.symbol);
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
