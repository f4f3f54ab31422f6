// Tier 2 benchmarks, part of `npm run bench` (also alone: `node --expose-gc --import tsx
// bench/tier2.ts [bars] [d,e]`, e.g. `... bench/tier2.ts 100000 e` for (e) only): (d) pivots marked by labels and joined by lines, 500 live of each
// (bench/scripts/d.pine), and (e) user-defined objects in an array searched every bar
// (bench/scripts/e.pine), over synthetic bars, against PineTS running the same script on the same
// bars in this process (one run each: PineTS takes tens of seconds here). The plots of both engines
// are compared; where they differ the table says so (PineTS's ta.pivothigh/pivotlow treat equal
// neighbours differently from TradingView, whose rule ours follows: tests/fixtures/tradingview/ta/pivot.csv).

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { compile, Instance, type Program } from '../vm/index.js';
import type { BarColumns } from '../vm/data/bars.js';
import { syntheticBars } from './synthetic.js';
import { collectGarbage, formatRate, timeSync } from './measure.js';
import { runPinets } from './pinets-runner.js';
import { comparePlots, type Columns } from './compare.js';

export type Tier2Script = 'd' | 'e';

export interface Tier2Result {
  script: Tier2Script;
  bars: number;
  vmMs: number;
  vmBarsPerSec: number;
  pinetsMs: number | null;
  vsPinets: number | null;
  /** Live drawings at the end of the run. */
  drawings: number;
  /** Plots where PineTS and the VM differ (name: mismatching bars), or the PineTS error. */
  differences: string;
}

function program(name: Tier2Script): { p: Program; source: string } {
  const source = readFileSync(new URL(`./scripts/${name}.pine`, import.meta.url), 'utf8');
  const { program: p, diagnostics } = compile(source);
  if (!p) throw new Error(`bench/scripts/${name}.pine does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return { p, source };
}

function vmColumns(p: Program, inst: Instance, n: number): Columns {
  const chunk = inst.outputs.slice(0, n);
  const out: Columns = {};
  p.outputs.forEach((o, i) => {
    const c = chunk.columns[i]?.[0];
    if (c) out[o.title] = c;
  });
  return out;
}

export async function benchTier2(n: number, withPinets = true, scripts: readonly Tier2Script[] = ['d', 'e']): Promise<Tier2Result[]> {
  const bars: BarColumns = syntheticBars(n, 1);
  const results: Tier2Result[] = [];
  for (const name of scripts) {
    const { p, source } = program(name);
    let last: Instance | null = null;
    const t = timeSync(
      () => {
        const inst = Instance.builder(p).timeframe('1').totalBars(n).build();
        inst.runBars(bars);
        last = inst;
        return inst;
      },
      { warmup: 1, repeats: 3, gcBetween: true },
    );
    const inst = last as Instance | null;
    const drawings = inst ? inst.drawings().length : 0;
    const vmCols = inst ? vmColumns(p, inst, n) : {};
    let pinetsMs: number | null = null;
    let differences = '';
    if (withPinets) {
      collectGarbage();
      try {
        const r = await runPinets(source, bars);
        pinetsMs = r.runMs;
        const diff = comparePlots(vmCols, r.plots).filter((c) => c.mismatches > 0);
        differences = diff.length === 0 ? 'same plots' : diff.map((c) => `${c.plot}: ${c.mismatches} bars differ`).join('; ');
      } catch (e) {
        differences = `PineTS: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    results.push({
      script: name,
      bars: n,
      vmMs: t.medianMs,
      vmBarsPerSec: (n / t.medianMs) * 1000,
      pinetsMs,
      vsPinets: pinetsMs === null ? null : pinetsMs / t.medianMs,
      drawings,
      differences,
    });
  }
  return results;
}

/** The results as Markdown lines for BENCHMARKS.md. */
export function tier2Lines(results: Tier2Result[]): string[] {
  const fmt = (v: number, d = 1): string => v.toFixed(d);
  return [
    '| script | bars | VM ms | VM bars/s | PineTS ms | VM / PineTS | live drawings | PineTS vs VM plots |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.script} | ${r.bars / 1000}k | ${fmt(r.vmMs)} | ${formatRate(r.vmBarsPerSec)} | ${r.pinetsMs === null ? '—' : fmt(r.pinetsMs, 0)} | ${r.vsPinets === null ? '—' : `${fmt(r.vsPinets, 0)}×`} | ${r.drawings} | ${r.differences || '—'} |`,
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv[2] ?? 100_000);
  const only = (process.argv[3] ?? 'd,e').split(',').filter((x): x is Tier2Script => x === 'd' || x === 'e');
  const res = await benchTier2(n, true, only);
  console.log(`Tier 2 bench, ${n} bars, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(tier2Lines(res).join('\n'));
}
