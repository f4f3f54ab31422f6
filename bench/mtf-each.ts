// Per-request cost of bench/mtf.ts's three requests: the script with each request alone (D daily, W
// weekly, O another symbol) and all three, against none; fastest CPU time of ITER runs (default 11),
// alternating. Run: `npx tsx bench/mtf-each.ts`.
import { compile, Instance, runBarsAnswering, type DataAnswer, type Program } from '../vm/index.js';
import { hourlyBars } from './mtf-scripts.js';
const mk = (d: string, w: string, o: string) => `//@version=6
indicator("x")
d = ${d}
w = ${w}
o = ${o}
plot(ta.sma(close, 50), "base")
plot(d, "d")
plot(w, "w")
plot(o, "o")
`;
const D = 'request.security(syminfo.tickerid, "1D", ta.sma(close, 20))', W = 'request.security(syminfo.tickerid, "1W", ta.ema(close, 10))', O = 'request.security("OTHER", "60", ta.rsi(close, 14))';
const d = 'ta.sma(close, 20)', w = 'ta.ema(close, 10)', o = 'ta.rsi(close, 14)';
const variants: [string, string][] = [['none', mk(d, w, o)], ['D', mk(D, w, o)], ['W', mk(d, W, o)], ['O', mk(d, w, O)], ['all', mk(D, W, O)]];
const progs = variants.map(([n, s]) => [n, compile(s).program as Program] as const);
const chart = hourlyBars(100_000, 12), other = hourlyBars(100_000, 34);
const answer: DataAnswer = () => ({ datasets: [{ bars: other, timeframe: '60' }] });
const best = new Map<string, number>();
for (let k = 0; k < Number(process.env.ITER ?? 11); k++) for (const [n, p] of progs) {
  const t = process.cpuUsage().user;
  const inst = Instance.builder(p).symbol({ ticker: 'SYNTH', tickerid: 'SYNTH' }).timeframe('60').totalBars(chart.length).build();
  runBarsAnswering(inst, chart, answer);
  const dt = (process.cpuUsage().user - t) / 1000;
  best.set(n, Math.min(best.get(n) ?? Infinity, dt));
}
for (const [n, v] of best) console.log(n.padEnd(5), v.toFixed(1));
