// Drawing limits (Stop 22): many `label.new` a bar past max_labels_count, and deletes over
// `label.all`, both tiers, CPU time alternating between the scripts (`node --import tsx
// bench/draw-limits.ts [bars] [perBar] [rounds]`). Not part of `npm run bench` (seconds a run before the fix).

import { compile, Instance, syntheticBars, type Program } from '../vm/index.js';

const bars = Number(process.argv[2] ?? 500);
const perBar = Number(process.argv[3] ?? 1000);
const rounds = Number(process.argv[4] ?? 3);

const SCRIPTS: Record<string, string> = {
  'new500': `//@version=6
indicator("n", overlay = true, max_labels_count = 500)
for i = 0 to ${perBar - 1}
    label.new(bar_index, close, "x")
plot(close)`,
  'new50': `//@version=6
indicator("n", overlay = true, max_labels_count = 50)
for i = 0 to ${perBar - 1}
    label.new(bar_index, close, "x")
plot(close)`,
  'deleteAll': `//@version=6
indicator("d", overlay = true, max_lines_count = 500)
for i = 0 to 499
    line.new(bar_index, close, bar_index + 1, close)
for l in line.all
    line.delete(l)
plot(close)`,
  'clearArray': `//@version=6
indicator("c", overlay = true, max_boxes_count = 500)
var a = array.new<box>()
for i = 0 to 499
    a.push(box.new(bar_index, high, bar_index + 1, low))
for b in a
    box.delete(b)
a.clear()
plot(close)`,
};

function prog(src: string): Program {
  const { program, diagnostics } = compile(src);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return program;
}

const data = syntheticBars(bars, 1);
const progs = Object.entries(SCRIPTS).map(([k, s]) => [k, prog(s)] as const);
const times: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, p] of progs) {
    for (const tier of ['jit', 'interp'] as const) {
      const b = Instance.builder(p).timeframe('1').totalBars(bars);
      const inst = (tier === 'interp' ? b.interpreted() : b).build();
      const t0 = process.cpuUsage();
      inst.runBars(data);
      const u = process.cpuUsage(t0);
      (times[`${name} ${tier}`] ??= []).push((u.user + u.system) / 1000);
    }
  }
}
for (const [k, v] of Object.entries(times)) console.log(`${k.padEnd(20)} ${v.map((x) => x.toFixed(0).padStart(7)).join(' ')} ms CPU`);
