// Compiled-tier A/B helper: CPU time (process.cpuUsage, user+system) of the VM alone running bench
// scripts over synthetic bars, median of repeats after warm-up. Run it alternately in two trees to
// compare code generators under load:
//   node --expose-gc --import tsx bench/jit-ab.ts [scripts=a,b,c,d,e] [bars=100000] [repeats=5]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { compile, Instance } from '../vm/index.js';
import { syntheticBars } from './synthetic.js';
import { collectGarbage } from './measure.js';

const names = (process.argv[2] ?? 'a,b,c,d,e').split(',');
const n = Number(process.argv[3] ?? 100_000);
const repeats = Number(process.argv[4] ?? 5);
const bars = syntheticBars(n, 1);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const parts: string[] = [];
for (const name of names) {
  const src = readFileSync(new URL(`./scripts/${name}.pine`, import.meta.url), 'utf8');
  const { program, diagnostics } = compile(src);
  if (!program) throw new Error(`${name}: ${diagnostics.map((d) => d.message).join('; ')}`);
  const samples: number[] = [];
  for (let r = 0; r < repeats + 1; r++) {
    collectGarbage();
    const t0 = cpuMs();
    const inst = Instance.builder(program).timeframe('1').totalBars(n).build();
    inst.runBars(bars);
    const t = cpuMs() - t0;
    if (r > 0) samples.push(t);
  }
  samples.sort((x, y) => x - y);
  parts.push(`${name} ${(samples[samples.length >> 1] as number).toFixed(1)}`);
}
console.log(`cpu ms (median of ${repeats}, ${n} bars): ${parts.join(' | ')}  load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
