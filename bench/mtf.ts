// The request.security benchmark (issue 14): a script with three requests — daily over hourly
// bars, weekly, and a second symbol — over 100k hourly synthetic bars, against the same script
// without them (the same expressions on the chart's bars). Runs alternate (with, without, with,
// ...) so machine load falls on both alike; prints the medians and their ratio (target ≤ 3×), and
// memory: what the instance retains at 100k and at 400k chart bars apart from its plot outputs and
// the other symbol's bars the host gave (host data), which must not grow with the bars.
//
//   node --expose-gc --import tsx bench/mtf.ts [--quick]

import { compile, Instance, runBarsAnswering, type BarColumns, type DataAnswer, type Program } from '../vm/index.js';
import { WITH_SRC as WITH, WITHOUT_SRC as WITHOUT, hourlyBars as hourly } from './mtf-scripts.js';
import { collectGarbage, formatBytes, formatRate, barsPerSecond, measureMemory, summarize } from './measure.js';

const QUICK = process.argv.includes('--quick');

function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return p;
}

function run(p: Program, bars: BarColumns, answer: DataAnswer): Instance {
  const inst = Instance.builder(p).symbol({ ticker: 'SYNTH', tickerid: 'SYNTH' }).timeframe('60').totalBars(bars.length).build();
  runBarsAnswering(inst, bars, answer);
  return inst;
}

const withP = program(WITH);
const withoutP = program(WITHOUT);
const n = 100_000;
const chart = hourly(n, 12);
const other = hourly(n, 34);
const answer: DataAnswer = () => ({ datasets: [{ bars: other, timeframe: '60' }] });

const repeats = QUICK ? 3 : 7;
const a: number[] = [];
const b: number[] = [];
run(withP, chart, answer);
run(withoutP, chart, answer);
const ca: number[] = [];
const cb: number[] = [];
const cpu = (): number => process.cpuUsage().user / 1000;
for (let i = 0; i < repeats; i++) {
  collectGarbage();
  let t = performance.now();
  let c = cpu();
  run(withP, chart, answer);
  a.push(performance.now() - t);
  ca.push(cpu() - c);
  collectGarbage();
  t = performance.now();
  c = cpu();
  run(withoutP, chart, answer);
  b.push(performance.now() - t);
  cb.push(cpu() - c);
}
const ta = summarize(a);
const tb = summarize(b);
// CPU time (user) says more than wall time on a loaded machine: the fastest run of each.
const cpuA = Math.min(...ca);
const cpuB = Math.min(...cb);

/** Retained by an instance after its run over `bars`, outputs apart. The other symbol's bars are
 * the same 100k-bar dataset at both sizes, held by the caller; the close times built from them
 * are cached with that dataset (runtime/request-data.ts), built by the warm-up runs above. */
function retained(bars: BarColumns): number {
  const m = measureMemory(() => run(withP, bars, answer));
  let outputs = m.result.outputs.time.byteLength;
  for (const cols of m.result.outputs.columns) for (const c of cols) outputs += c.byteLength;
  return m.retainedDeltaBytes - outputs;
}
const big = QUICK ? 200_000 : 400_000;
const mem100 = retained(chart);
const memBig = retained(hourly(big, 12));

console.log(
  `${n.toLocaleString('en-US')} hourly bars: three requests ${ta.medianMs.toFixed(1)} ms (${formatRate(barsPerSecond(n, ta.medianMs))}), ` +
    `without ${tb.medianMs.toFixed(1)} ms (${formatRate(barsPerSecond(n, tb.medianMs))}) → ${(ta.medianMs / tb.medianMs).toFixed(2)}× (target ≤ 3×); ` +
    `fastest CPU time ${cpuA.toFixed(1)} ms against ${cpuB.toFixed(1)} ms → ${(cpuA / cpuB).toFixed(2)}×`,
);
console.log(
  `instance apart from its outputs: ${formatBytes(mem100)} at ${n.toLocaleString('en-US')} chart bars, ${formatBytes(memBig)} at ${big.toLocaleString('en-US')} ` +
    `(GC noise around a constant; the other symbol's 100k bars are the host's)`,
);
