// Run-by-run A/B of the compiled tier in fresh processes: what `bench/tier2.ts` times (runs 1-3 of a
// process after one warm-up run, median) depends on what V8 does in a process's first runs (code
// optimised, thrown away, optimised again), which `bench/jit-ab.ts` (many runs in one process) does
// not see. Each round starts one child process per build, alternating, that runs a bench script
// `runs` times over the same synthetic bars and prints every run's main-thread CPU (Linux,
// /proc/self/task/<pid>/schedstat) and wall time; the table gives each process's median of runs 1-3.
//   node --import tsx bench/jit-runs.ts [--base DIR] [--rounds 4] [--runs 4] [script=e] [bars=100000]
// DIR is another checkout of this repository (e.g. a `git archive` of main with node_modules linked).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

const child = option('--child');
if (child !== undefined) {
  // One process: `--child DIR script bars runs`.
  const [name = 'e', barsArg = '100000', runsArg = '4'] = args;
  const vm = (await import(pathToFileURL(resolve(child, 'vm/index.ts')).href)) as typeof import('../vm/index.js');
  const { syntheticBars } = (await import(pathToFileURL(resolve(child, 'bench/synthetic.ts')).href)) as typeof import('./synthetic.js');
  const n = Number(barsArg);
  const { program, diagnostics } = vm.compile(readFileSync(resolve(child, `bench/scripts/${name}.pine`), 'utf8'));
  if (!program) throw new Error(`${name}: ${diagnostics.map((d) => d.message).join('; ')}`);
  const bars = syntheticBars(n, 1);
  const gc = (globalThis as { gc?: () => void }).gc;
  const cpu = (): number => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  const out: string[] = [];
  for (let r = 0; r < Number(runsArg); r++) {
    gc?.();
    gc?.();
    const c0 = cpu();
    const w0 = performance.now();
    vm.Instance.builder(program).timeframe('1').totalBars(n).build().runBars(bars);
    out.push(`${(cpu() - c0).toFixed(1)}/${(performance.now() - w0).toFixed(1)}`);
  }
  console.log(out.join(' '));
  process.exit(0);
}

const here = resolve(fileURLToPath(import.meta.url), '..', '..');
const baseDir = option('--base');
const rounds = Number(option('--rounds') ?? 4);
const runs = Number(option('--runs') ?? 4);
const name = args[0] ?? 'e';
const bars = args[1] ?? '100000';
const median3 = (xs: number[]): number => [...xs.slice(1, 4)].sort((a, b) => a - b)[1] ?? NaN;

function runChild(dir: string): { cpu: number[]; wall: number[]; text: string } {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir, name, bars, String(runs)], {
    cwd: here,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`child for ${dir} failed: ${r.stderr}`);
  const text = r.stdout.trim().split('\n').pop() ?? '';
  const pairs = text.split(' ').map((p) => p.split('/').map(Number));
  return { cpu: pairs.map((p) => p[0] ?? NaN), wall: pairs.map((p) => p[1] ?? NaN), text };
}

console.log(`| round | load | build | runs 0..${runs - 1}, CPU/wall ms | median of runs 1-3, CPU / wall ms |`);
console.log('|---|---|---|---|---|');
for (let k = 1; k <= rounds; k++) {
  for (const [label, dir] of baseDir ? [['base', resolve(baseDir)], ['this', here]] : [['this', here]]) {
    const load = os.loadavg()[0]?.toFixed(2);
    const r = runChild(dir as string);
    console.log(`| ${k} | ${load} | ${label} | ${r.text} | ${median3(r.cpu).toFixed(1)} / ${median3(r.wall).toFixed(1)} |`);
  }
}
