// Quick loop for strategy-bench work: the supertrend strategy and its indicator version over
// synthetic bars, compile and run timed apart (CPU ms), alternating, many rounds; prints each
// round's figures and the medians.  node --expose-gc --import tsx bench/strategy-quick.ts [bars] [rounds]
import { compile, Instance, type Program } from '../vm/index.js';
import { syntheticBars } from './synthetic.js';
import { collectGarbage } from './measure.js';
import { STRATEGY, INDICATOR } from './strategy-scripts.js';

const n = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 15);
const bars = syntheticBars(n, 12);
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
function prog(src: string): Program { const { program } = compile(src); if (!program) throw new Error('no program'); return program; }
function one(src: string): [number, number] {
  collectGarbage();
  const c0 = cpu();
  const p = prog(src);
  const c1 = cpu();
  const inst = Instance.builder(p).timeframe('1').totalBars(n).build();
  inst.runBars(bars);
  return [c1 - c0, cpu() - c1];
}
const S: number[][] = [];
const I: number[][] = [];
for (let r = 0; r < rounds; r++) {
  const s = one(STRATEGY);
  const i = one(INDICATOR);
  S.push(s); I.push(i);
  if (process.env.V) console.log(`round ${r}: strategy compile ${s[0].toFixed(1)} run ${s[1].toFixed(1)} | indicator compile ${i[0].toFixed(1)} run ${i[1].toFixed(1)}`);
}
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1] as number;
const w = (a: number[][], k: number): number[] => a.slice(1).map((x) => x[k] as number);
const st = (a: number[][]): number[] => a.slice(1).map((x: number[]) => (x[0] as number) + (x[1] as number));
console.log(`first: strategy ${S[0]?.map((x) => x.toFixed(1)).join('+')} indicator ${I[0]?.map((x) => x.toFixed(1)).join('+')}`);
console.log(`medians: strategy compile ${med(w(S, 0)).toFixed(1)} run ${med(w(S, 1)).toFixed(1)} total ${med(st(S)).toFixed(1)} | indicator compile ${med(w(I, 0)).toFixed(1)} run ${med(w(I, 1)).toFixed(1)} total ${med(st(I)).toFixed(1)} | ratio ${(med(st(S)) / med(st(I))).toFixed(2)}`);
