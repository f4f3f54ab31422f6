// Compiled-tier A/B helper: CPU time (process.cpuUsage, user+system) of the VM alone running bench
// scripts over synthetic bars, median of repeats after a warm-up run. With `--base DIR` (another
// checkout of this repository, e.g. `git worktree add /tmp/base main` or a `git archive` of it, with
// node_modules linked) both VMs are loaded in this process and their runs alternate, so that a
// neighbour's load falls on both alike; the ratio base/this is printed per script. `--main-thread`
// (Linux) counts the main thread's CPU only (/proc/self/task/<pid>/schedstat, in ns), without the
// GC helpers' and V8's background compiler's, which a loaded machine spreads unevenly.
//   node --expose-gc --import tsx bench/jit-ab.ts [--base DIR] [--main-thread] [scripts=a,b,c,d,e] [bars=100000] [repeats=5]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as here from '../vm/index.js';
import { syntheticBars } from './synthetic.js';
import { collectGarbage } from './measure.js';

type Vm = typeof here;
const args = process.argv.slice(2);
const at = args.indexOf('--base');
const baseDir = at >= 0 ? args.splice(at, 2)[1] : undefined;
const mt = args.indexOf('--main-thread');
const mainThread = mt >= 0 && args.splice(mt, 1).length > 0;
const base: Vm | null = baseDir ? ((await import(pathToFileURL(resolve(baseDir, 'vm/index.ts')).href)) as Vm) : null;
const names = (args[0] ?? 'a,b,c,d,e').split(',');
const n = Number(args[1] ?? 100_000);
const repeats = Number(args[2] ?? 5);
const bars = syntheticBars(n, 1);
const cpuMs = (): number => {
  if (mainThread) return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;

function runner(vm: Vm, name: string): () => number {
  const src = readFileSync(new URL(`./scripts/${name}.pine`, import.meta.url), 'utf8');
  const { program, diagnostics } = vm.compile(src);
  if (!program) throw new Error(`${name}: ${diagnostics.map((d) => d.message).join('; ')}`);
  return () => {
    collectGarbage();
    const t0 = cpuMs();
    const inst = vm.Instance.builder(program).timeframe('1').totalBars(n).build();
    inst.runBars(bars);
    return cpuMs() - t0;
  };
}

const parts: string[] = [];
for (const name of names) {
  const mine = runner(here, name);
  const theirs = base ? runner(base, name) : null;
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    const x = mine();
    const y = theirs ? theirs() : 0;
    if (r > 0) {
      a.push(x);
      b.push(y);
    }
  }
  const ma = median(a);
  parts.push(theirs ? `${name} ${ma.toFixed(1)} (base ${median(b).toFixed(1)}, ${(median(b) / ma).toFixed(2)}x)` : `${name} ${ma.toFixed(1)}`);
}
console.log(`${mainThread ? 'main-thread ' : ''}cpu ms (median of ${repeats}, ${n} bars): ${parts.join(' | ')}  load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
