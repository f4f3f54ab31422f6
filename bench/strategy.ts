// The strategy benchmark (issue 12): the supertrend strategy over 100k and 1M synthetic bars,
// against the same script's indicator version (the same signals, plotted, no orders) and against
// PineTS running the strategy on the same bars. Prints bars/second, the strategy's overhead over
// the indicator, the ratio to PineTS, and memory: what the instance retains at 1M bars against
// 100k, the trade log (which grows with the trades) counted apart.
//
//   node --expose-gc --import tsx bench/strategy.ts [--quick] [--no-pinets]

import { compile, Instance, type Program } from '../vm/index.js';
import type { BarColumns } from '../vm/data/bars.js';
import { brokerOf } from '../vm/builtins/strategy/report.js';
import type { TradeLog } from '../vm/builtins/strategy/log.js';
import { syntheticBars } from './synthetic.js';
import { formatBytes, formatRate, measureMemory, timeSync, barsPerSecond } from './measure.js';
import { runPinets } from './pinets-runner.js';

const args = process.argv.slice(2);
const SIZES = args.includes('--quick') ? [100_000] : [100_000, 1_000_000];
const PINETS = !args.includes('--no-pinets');

const STRATEGY = `//@version=6
strategy("Supertrend strategy", overlay = true, default_qty_type = strategy.percent_of_equity, default_qty_value = 15)
[_, direction] = ta.supertrend(3.0, 10)
if ta.change(direction) < 0
    strategy.entry("Long", strategy.long)
if ta.change(direction) > 0
    strategy.entry("Short", strategy.short)
plot(strategy.equity, "equity")
`;

const INDICATOR = `//@version=6
indicator("Supertrend signals", overlay = true)
[_, direction] = ta.supertrend(3.0, 10)
plot(ta.change(direction) < 0 ? 1 : ta.change(direction) > 0 ? -1 : 0, "signal")
`;

function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return p;
}

function run(p: Program, bars: BarColumns): Instance {
  const inst = Instance.builder(p).timeframe('1').totalBars(bars.length).build();
  inst.runBars(bars);
  return inst;
}

function logBytes(t: TradeLog): number {
  let b = 0;
  for (const v of Object.values(t)) if (ArrayBuffer.isView(v)) b += v.byteLength;
  // The string columns hold references to the order ids and comments (the same few strings):
  // a pointer per slot (arrays grow by half again, so up to 1.5 slots per row).
  b += 4 * 8 * 1.5 * t.entryId.length;
  return b;
}

/** What an instance keeps after its run (forced GC, the instance still referenced), outputs and
 * the trade log counted apart. */
function retained(p: Program, bars: BarColumns): { bytes: number; outputs: number; log: number; trades: number } {
  const m = measureMemory(() => run(p, bars));
  const inst = m.result;
  let outputs = inst.outputs.time.byteLength;
  for (const cols of inst.outputs.columns) for (const c of cols) outputs += c.byteLength;
  const b = brokerOf(inst);
  const log = b ? logBytes(b.closed) : 0;
  return { bytes: m.retainedDeltaBytes - outputs - log, outputs, log, trades: b ? b.closed.n : 0 };
}

const strat = program(STRATEGY);
const ind = program(INDICATOR);
const lines: string[] = [];
const kept: Record<number, number> = {};
for (const n of SIZES) {
  const bars = syntheticBars(n, 12);
  const repeats = n >= 1_000_000 ? 3 : 7;
  const ts = timeSync(() => run(strat, bars), { repeats, warmup: 1 });
  const ti = timeSync(() => run(ind, bars), { repeats, warmup: 1 });
  const mem = retained(strat, bars);
  kept[n] = mem.bytes;
  let vsPinets = '';
  if (PINETS && n <= 100_000) {
    try {
      const r = await runPinets(STRATEGY, bars);
      vsPinets = `PineTS ${formatRate(barsPerSecond(n, r.runMs))} → Evergreen ${(r.runMs / ts.medianMs).toFixed(1)}× faster`;
    } catch (e) {
      vsPinets = `PineTS could not run the strategy: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  }
  lines.push(
    `${n.toLocaleString('en-US')} bars: strategy ${ts.medianMs.toFixed(1)} ms (${formatRate(barsPerSecond(n, ts.medianMs))}), ` +
      `indicator ${ti.medianMs.toFixed(1)} ms → overhead ${(ts.medianMs / ti.medianMs).toFixed(2)}×; ` +
      `${mem.trades} trades, trade log ${formatBytes(mem.log)}, instance without outputs and log ${formatBytes(mem.bytes)}` +
      (vsPinets ? `; ${vsPinets}` : ''),
  );
}
if (kept[100_000] !== undefined && kept[1_000_000] !== undefined) {
  // Near zero both times, a ratio would be noise: the absolute sizes say whether it grows.
  lines.push(`memory apart from outputs and trade log: ${formatBytes(kept[100_000] ?? 0)} at 100k bars, ${formatBytes(kept[1_000_000] ?? 0)} at 1M (GC noise around a constant)`);
}
for (const l of lines) console.log(l);
