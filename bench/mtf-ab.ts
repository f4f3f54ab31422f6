// Alternating min-of-N CPU time (user) of bench/mtf.ts's two scripts: for profiling work on a
// loaded machine, where wall time says little.
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
let a = Infinity, b = Infinity;
for (let k = 0; k < Number(process.env.ITER ?? 15); k++) {
  let t = process.cpuUsage().user / 1000; run(pw); a = Math.min(a, process.cpuUsage().user / 1000 - t);
  t = process.cpuUsage().user / 1000; run(po); b = Math.min(b, process.cpuUsage().user / 1000 - t);
}
console.log(`min with ${a.toFixed(1)} ms, without ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)}`);
