// Alternating A/B CPU time of bench/mtf.ts's two scripts: for profiling work on a loaded machine,
// where wall time says little. The process's CPU time is counted in scheduler ticks (about 4 ms
// here), so the fastest of N runs is biased low by up to a tick on a 15 ms run; the mean over
// many runs (after a warm-up) is not. Reports both, and the wall-time medians.
// Run: `npx tsx bench/mtf-ab.ts` (ITER=n runs of each, default 31).
import { compile, Instance, runBarsAnswering, type DataAnswer, type Program } from '../vm/index.js';
import { WITHOUT_SRC, WITH_SRC, hourlyBars } from './mtf-scripts.js';
const pw = compile(WITH_SRC).program as Program;
const po = compile(WITHOUT_SRC).program as Program;
const chart = hourlyBars(100_000, 12), other = hourlyBars(100_000, 34);
const answer: DataAnswer = () => ({ datasets: [{ bars: other, timeframe: '60' }] });
const run = (p: Program) => {
  const inst = Instance.builder(p).symbol({ ticker: 'SYNTH', tickerid: 'SYNTH' }).timeframe('60').totalBars(chart.length).build();
  runBarsAnswering(inst, chart, answer);
};
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const n = Number(process.env.ITER ?? 31);
for (let k = 0; k < 3; k++) { run(pw); run(po); }
const cw: number[] = [], co: number[] = [], ww: number[] = [], wo: number[] = [];
for (let k = 0; k < n; k++) {
  let t = cpu(), w = performance.now();
  run(pw);
  cw.push(cpu() - t); ww.push(performance.now() - w);
  t = cpu(); w = performance.now();
  run(po);
  co.push(cpu() - t); wo.push(performance.now() - w);
}
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1] as number;
const min = (x: number[]) => Math.min(...x);
const f = (a: number, b: number) => `${a.toFixed(1)} / ${b.toFixed(1)} ms = ${(a / b).toFixed(2)}×`;
console.log(`${n} alternating runs of each, with / without requests:`);
console.log(`  CPU mean    ${f(mean(cw), mean(co))}`);
console.log(`  CPU fastest ${f(min(cw), min(co))}`);
console.log(`  wall median ${f(median(ww), median(wo))}`);
