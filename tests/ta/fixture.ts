// Test helpers for the ta.* suites: loads TradingView CSV exports from tests/fixtures/tradingview,
// drives step functions bar by bar, and compares columns with the fixture tolerance
// |ours - tv| <= 1e-8 + 1e-5·|tv| (na equal to na).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tradingview');

export interface Fixture {
  headers: string[];
  /** Column values by header; 'NaN' (and 1e+100 when asked) become NaN. */
  cols: Map<string, number[]>;
  /** Bar open times in ms since the epoch. */
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  rows: number;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (q) {
      if (ch === '"' && line.charAt(i + 1) === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseTime(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`Bad time '${s}'`);
  return t;
}

export function loadFixture(rel: string, opts: { naValue?: number } = {}): Fixture {
  const text = readFileSync(join(ROOT, rel), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const headerLine = lines[0];
  if (headerLine === undefined) throw new Error(`Empty fixture ${rel}`);
  const headers = splitCsvLine(headerLine).map((h) => h.replaceAll('&quot;', '"'));
  const raw: string[][] = headers.map(() => []);
  for (let i = 1; i < lines.length; i++) {
    const cells = splitCsvLine(lines[i] ?? '');
    for (let j = 0; j < headers.length; j++) raw[j]?.push(cells[j] ?? '');
  }
  const cols = new Map<string, number[]>();
  headers.forEach((h, j) => {
    if (h === 'time') return;
    const vals = (raw[j] ?? []).map((c) => {
      const v = c === 'NaN' || c === '' ? NaN : Number(c);
      return opts.naValue !== undefined && v === opts.naValue ? NaN : v;
    });
    if (!cols.has(h)) cols.set(h, vals);
  });
  const col = (name: string): number[] => {
    const c = cols.get(name) ?? cols.get(name.charAt(0).toUpperCase() + name.slice(1));
    if (!c) throw new Error(`Fixture ${rel} has no column '${name}'`);
    return c;
  };
  const timeIdx = headers.indexOf('time');
  return {
    headers,
    cols,
    time: (raw[timeIdx] ?? []).map(parseTime),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
    rows: lines.length - 1,
  };
}

export function column(fx: Fixture, name: string): number[] {
  const c = fx.cols.get(name);
  if (!c) throw new Error(`No column '${name}' (have: ${[...fx.cols.keys()].join(' | ')})`);
  return c;
}

export function close(ours: number, tv: number): boolean {
  if (Number.isNaN(tv) || Number.isNaN(ours)) return Number.isNaN(tv) && Number.isNaN(ours);
  return Math.abs(ours - tv) <= 1e-8 + 1e-5 * Math.abs(tv);
}

export interface Mismatch {
  row: number;
  ours: number;
  tv: number;
}

/** Rows (below `limit`) where `ours` and `tv` differ beyond the tolerance. */
export function mismatches(ours: ArrayLike<number>, tv: ArrayLike<number>, limit = tv.length): Mismatch[] {
  const out: Mismatch[] = [];
  for (let i = 0; i < limit; i++) {
    const o = ours[i] ?? NaN;
    const t = tv[i] ?? NaN;
    if (!close(o, t)) out.push({ row: i, ours: o, tv: t });
  }
  return out;
}

/** Formats the first few mismatches for an assertion message. */
export function describe(m: Mismatch[]): string {
  return m
    .slice(0, 5)
    .map((x) => `row ${x.row}: ours ${x.ours} tv ${x.tv}`)
    .join('; ');
}

/** Runs `step(bar)` for every row and collects the results. */
export function run(rows: number, step: (bar: number) => number): number[] {
  const out: number[] = [];
  for (let b = 0; b < rows; b++) out.push(step(b));
  return out;
}

/** Same for functions returning tuples: one array per tuple item. */
export function runTuple(rows: number, n: number, step: (bar: number) => ArrayLike<number>): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (let b = 0; b < rows; b++) {
    const t = step(b);
    for (let i = 0; i < n; i++) out[i]?.push(t[i] ?? NaN);
  }
  return out;
}
