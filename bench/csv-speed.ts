// How fast vm/data's parseBarsCsv loads a large file: writes synthetic bars as CSV text (unix-second
// times, and ISO date-times with an offset), then times parsing it, cold (first call in the process)
// and warm.
//
//   node --expose-gc --import tsx bench/csv-speed.ts [rows]        (default 1000000)

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { BarColumns } from '../vm/data/bars.js';
import { parseBarsCsv } from '../vm/data/csv.js';
import { collectGarbage, formatBytes, formatRate, summarize } from './measure.js';
import { syntheticBars } from './synthetic.js';

export type TimeStyle = 'unix-seconds' | 'iso-offset';

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2024-01-01T02:00:00+02:00`: the UTC time written in a +02:00 zone. */
function isoWithOffset(ms: number): string {
  const d = new Date(ms + 2 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}+02:00`;
}

/** Bars as CSV text with a header and a trailing newline. */
export function barsToCsv(bars: BarColumns, style: TimeStyle): string {
  const lines: string[] = ['time,open,high,low,close,volume'];
  for (let i = 0; i < bars.length; i++) {
    const t = bars.time[i] as number;
    const time = style === 'unix-seconds' ? String(t / 1000) : isoWithOffset(t);
    lines.push(`${time},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`);
  }
  lines.push('');
  // Buffer round trip: a flat one-byte string, as readFileSync gives (a joined string is a rope).
  return Buffer.from(lines.join('\n'), 'utf8').toString('utf8');
}

export interface CsvSpeed {
  style: TimeStyle;
  rows: number;
  bytes: number;
  coldMs: number;
  warmMedianMs: number;
}

/** Times parseBarsCsv on `rows` synthetic rows: the first call (cold JIT) and the median of `repeats`. */
export function csvSpeed(rows: number, style: TimeStyle, repeats = 3): CsvSpeed {
  const text = barsToCsv(syntheticBars(rows, 1), style);
  collectGarbage();
  let t0 = performance.now();
  const first = parseBarsCsv(text);
  const coldMs = performance.now() - t0;
  if (first.bars.length !== rows) throw new Error(`parsed ${first.bars.length} bars, expected ${rows}`);
  const warm: number[] = [];
  for (let i = 0; i < repeats; i++) {
    collectGarbage();
    t0 = performance.now();
    parseBarsCsv(text);
    warm.push(performance.now() - t0);
  }
  return { style, rows, bytes: text.length, coldMs, warmMedianMs: summarize(warm).medianMs };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  for (const style of ['unix-seconds', 'iso-offset'] as const) {
    const r = csvSpeed(rows, style);
    process.stdout.write(
      `${style}: ${r.rows} rows, ${formatBytes(r.bytes)}: cold ${r.coldMs.toFixed(0)} ms, warm ${r.warmMedianMs.toFixed(0)} ms ` +
        `(${formatRate((r.rows * 1000) / r.warmMedianMs).replace('bars', 'rows')})\n`,
    );
  }
}
