// Runs Pine scripts through the whole VM (compile → Instance → outputs) on the bars of a
// TradingView fixture, and compares plotted columns with the fixture's columns.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { compile, Instance, type SymbolInfo } from '../../vm/index.js';
import { barAt } from '../../vm/data/bars.js';
import { parseSymbolToml, defaultSymbolInfo } from '../../vm/builtins/time/symbol-info.js';
import { loadFixture, mismatches, describe as describeMismatch, type Fixture } from '../ta/fixture.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tradingview');

export interface VmRun {
  fixture: Fixture;
  /** Plot values by plot title, one per bar. */
  plots: Map<string, Float64Array>;
}

/** Minutes between the first two bars, as a Pine timeframe string. */
function inferTimeframe(fx: Fixture): string {
  const dt = ((fx.time[1] ?? 0) - (fx.time[0] ?? 0)) / 60000;
  if (dt >= 1440 * 28) return '1M';
  if (dt >= 1440 * 7) return '1W';
  if (dt >= 1440) return '1D';
  return String(Math.round(dt));
}

export function symbolFor(rel: string): SymbolInfo {
  const toml = join(ROOT, rel.replace(/\.csv$/, '.toml'));
  if (existsSync(toml)) return parseSymbolToml(readFileSync(toml, 'utf8'));
  return defaultSymbolInfo(1e-5);
}

export function runOnFixture(rel: string, body: string, opts: { naValue?: number; timeframe?: string } = {}): VmRun {
  const fx = loadFixture(rel, opts.naValue !== undefined ? { naValue: opts.naValue } : {});
  const source = `//@version=6\nindicator("fixture ${rel}")\n${body}\n`;
  const { program, diagnostics } = compile(source);
  if (!program) throw new Error(`Compile failed:\n${diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n')}\n${source}`);
  const inst = Instance.builder(program)
    .symbol(symbolFor(rel))
    .timeframe(opts.timeframe ?? inferTimeframe(fx))
    .totalBars(fx.rows)
    .build();
  for (let i = 0; i < fx.rows; i++) {
    inst.runBar(barAt(fx, i));
  }
  const plots = new Map<string, Float64Array>();
  for (const o of program.outputs) plots.set(o.title, inst.outputs.column(o.id, 0).slice());
  return { fixture: fx, plots };
}

/** Asserts that plot `title` equals fixture column `column` on rows [0, limit). */
export function expectColumn(run: VmRun, title: string, column: string, limit?: number): void {
  const ours = run.plots.get(title);
  if (!ours) throw new Error(`No plot titled '${title}' (have ${[...run.plots.keys()].join(', ')})`);
  const tv = run.fixture.cols.get(column);
  if (!tv) throw new Error(`No fixture column '${column}' (have ${[...run.fixture.cols.keys()].join(' | ')})`);
  const m = mismatches(ours, tv, limit ?? tv.length);
  expect(m.length, `${column}: ${m.length} rows differ; ${describeMismatch(m)}`).toBe(0);
}
