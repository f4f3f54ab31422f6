// Shared setup of the tests/mtf suites: the synthetic daily bars (chart and OTHER symbol), compiling
// a script, reading a plot by title, and running the CLI (bin/evergreen.mjs) on fixture files.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, Instance, parseBarsCsv, type BarColumns, type Program } from '../../vm/index.js';

export const DAY = 86_400_000;

/** The index of the last of `sorted` (ascending) at or before x, -1 when none is: the expected
 * values' own lookup (a binary search), independent of the VM's. */
export function lastAtOrBefore(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
export const START = Date.UTC(2024, 0, 1); // a Monday

/** Compiles a script, throwing its diagnostics (line:column message) when it does not compile. */
export function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; '));
  return p;
}

/** Bars from (time, close) rows: open close - 0.5, high close + 1, low close - 1, volume 10. */
export function cols(rows: { time: number; close: number }[]): BarColumns {
  const c = (f: (r: { time: number; close: number }) => number) => Float64Array.from(rows, f);
  return { time: c((r) => r.time), open: c((r) => r.close - 0.5), high: c((r) => r.close + 1), low: c((r) => r.close - 1), close: c((r) => r.close), volume: c(() => 10), length: rows.length };
}

/** Bars from (time, close) rows with open = close, high close + 1, low close - 1, volume 1. */
export function flatCols(rows: { time: number; close: number }[]): BarColumns {
  const c = (f: (r: { time: number; close: number }) => number) => Float64Array.from(rows, f);
  return { time: c((r) => r.time), open: c((r) => r.close), high: c((r) => r.close + 1), low: c((r) => r.close - 1), close: c((r) => r.close), volume: c(() => 1), length: rows.length };
}

/** 6-hour intrabars of a round-the-clock symbol: one at START - 6h (close 1), then day d slot k
 * (k = 0..3, 6 hours apart) with close 10·(d + 1) + k for days 0..2, except day 2 slot 3 (missing). */
export function sixHourIntrabars(): { time: number; close: number }[] {
  const H = 3_600_000;
  const rows = [{ time: START - 6 * H, close: 1 }];
  for (let d = 0; d < 3; d++) for (let k = 0; k < 4; k++) if (!(d === 2 && k === 3)) rows.push({ time: START + d * DAY + k * 6 * H, close: 10 * (d + 1) + k });
  return rows;
}

/** `inst` saved (with its outputs) and restored into a new instance of the same tier. */
export function restoredCopy(inst: Instance, interpreted: boolean): Instance {
  const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
  if (interpreted) rb.interpreted();
  return rb.build();
}

/** The values of the plot titled `title`. */
export function plotOf(p: Program, inst: Instance, title: string): number[] {
  const k = p.outputs.findIndex((o) => o.title === title);
  if (k < 0) throw new Error(`no plot ${title}`);
  return Array.from(inst.outputs.column(k));
}

/** A daily instance of `p` on the chart symbol `sym`, compiled tier or interpreter. */
export function dailyInstance(p: Program, sym: Parameters<ReturnType<typeof Instance.builder>['symbol']>[0], interpreted: boolean): Instance {
  const b = Instance.builder(p).symbol(sym).timeframe('1D');
  if (interpreted) b.interpreted();
  return b.build();
}

/** The synthetic chart: 10 daily bars, days 0..9 (Mon 1 Jan .. Wed 10 Jan 2024), close 10 + day. */
export const CHART = cols(Array.from({ length: 10 }, (_, i) => ({ time: START + i * DAY, close: 10 + i })));
/** The other symbol's days: 0, 1, 2, 4, .., 9 (day 3 missing). */
export const OTHER_DAYS = [0, 1, 2, 4, 5, 6, 7, 8, 9];
/** The other symbol: daily bars on OTHER_DAYS, close 100 + day. */
export const OTHER = cols(OTHER_DAYS.map((d) => ({ time: START + d * DAY, close: 100 + d })));

// --- The CLI.
export const ROOT = new URL('../..', import.meta.url).pathname;
/** The text of a file in tests/fixtures/ohlcv. */
export const fixture = (f: string) => readFileSync(join(ROOT, 'tests/fixtures/ohlcv', f), 'utf8');
/** Runs `evergreen <args>`: exit code, stdout, stderr. */
export const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/evergreen.mjs'), ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
/** The JSON a run prints. */
export type Out = { bars: number; plots: Record<string, (number | null)[]> };

/** A temp folder (name prefix `prefix`) holding the CLI's chart spx.csv (and its text): the S&P 500 daily, first 60
 * rows of 2000; the other symbol: the S&P 500 of another source (newest first, 1950-2012). */
export function spxFiles(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const chartText = fixture('sp500-daily-2000-2020.csv').split('\n').slice(0, 61).join('\n') + '\n';
  const chart = join(dir, 'spx.csv');
  writeFileSync(chart, chartText);
  const otherPath = join(ROOT, 'tests/fixtures/ohlcv/sp500-daily-1950-2012.csv');
  const other = parseBarsCsv(fixture('sp500-daily-1950-2012.csv')).bars;
  const chartBars = parseBarsCsv(chartText).bars;
  return { dir, chart, chartText, otherPath, other, chartBars };
}
