// Quick loop for engine work on one benchmark script: VM vs plain-JS baseline, interleaved.
//   node --expose-gc --import tsx bench/quick-a.ts [a|b|c] [bars]     (GCB=0: no GC between runs)
import { readFileSync } from 'node:fs';
import { compile, Instance } from '../vm/index.js';
import { syntheticBars } from './synthetic.js';
import { baselineA, baselineB, baselineC } from './baselines.js';
import { timeSync } from './measure.js';

const name = (process.argv[2] ?? 'a') as 'a' | 'b' | 'c';
const n = Number(process.argv[3] ?? 100_000);
const src = readFileSync(new URL(`./scripts/${name}.pine`, import.meta.url), 'utf8');
const { program } = compile(src);
if (!program) throw new Error('no program');
const bars = syntheticBars(n, 1);
const base = { a: baselineA, b: baselineB, c: baselineC }[name];
const opts = { warmup: 0, repeats: 5, gcBetween: process.env.GCB !== '0' };
const vmS: number[] = [];
const plS: number[] = [];
for (let round = 0; round < 8; round++) {
  const vm = timeSync(() => { const b = Instance.builder(program).timeframe('1').totalBars(n); if (process.env.INTERP === '1') b.interpreted(); const inst = b.build(); inst.runBars(bars); return inst; }, opts);
  const plain = timeSync(() => base(bars), opts);
  if (round >= 2) { vmS.push(...vm.samplesMs); plS.push(...plain.samplesMs); }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] as number;
const min = (a: number[]) => Math.min(...a);
console.log(`${name} ${n}: vm med ${med(vmS).toFixed(2)} min ${min(vmS).toFixed(2)} | plain med ${med(plS).toFixed(2)} min ${min(plS).toFixed(2)} | ratio med ${(med(vmS) / med(plS)).toFixed(2)} min ${(min(vmS) / min(plS)).toFixed(2)}`);
