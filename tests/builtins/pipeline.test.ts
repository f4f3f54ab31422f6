// The core builtins through the whole pipeline (compile → Instance → outputs and logs): overload
// choice, named arguments, defaults, constant folding of pure calls, per-call-site state.
// Expectations are hand-calculated from the bars below.

import { describe, expect, it } from 'vitest';
import { compile, Instance } from '../../vm/index.js';

/** Five 5-minute bars: close = 10.5, 11.5, 12.5, 13.5, 14.5; volume 100. */
function run(src: string, bars = 5) {
  const { program, diagnostics } = compile(src);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  if (!program) throw new Error('no program');
  const inst = Instance.builder(program).build();
  for (let i = 0; i < bars; i++) {
    inst.runBar({ time: Date.UTC(2024, 0, 1, 0, i * 5), open: 10 + i, high: 11 + i, low: 9 + i, close: 10.5 + i, volume: 100 });
  }
  const plot = (title: string): number[] => {
    const k = program.outputs.findIndex((o) => o.title === title);
    const info = program.outputs[k];
    if (!info) throw new Error(`no plot ${title}`);
    // A plot of a constant is recorded per bar like any other plot.
    return Array.from(inst.outputs.column(k)).slice(0, bars);
  };
  return { plot, logs: inst.logs.map((l) => `${l.level}:${l.message}`) };
}

describe('core builtins in compiled scripts', () => {
  it('na / nz / fixnan over val = bar_index % 2 == 0 ? bar_index : na', () => {
    const { plot } = run(`//@version=6
indicator("t")
val = bar_index % 2 == 0 ? bar_index : na
plot(na(val) ? 0 : 1, "a")
plot(nz(val), "b")
plot(nz(val, 2), "c")
plot(fixnan(val), "d")
`);
    expect(plot('a')).toEqual([1, 0, 1, 0, 1]);
    expect(plot('b')).toEqual([0, 0, 2, 0, 4]);
    expect(plot('c')).toEqual([0, 2, 2, 2, 4]);
    expect(plot('d')).toEqual([0, 0, 2, 2, 4]);
  });

  it('math: variadic max, rolling sum, constants folded at compile time', () => {
    const { plot } = run(`//@version=6
indicator("t")
plot(math.max(1, 2, bar_index), "max", linewidth = math.max(1, 2))
plot(math.sum(close, 3), "sum")
plot(math.round(2.5) + math.abs(-3), "const")
plot(math.pi, "pi")
plot(color.t(color.new(color.red, 37)), "t")
`);
    expect(plot('max')).toEqual([2, 2, 2, 3, 4]);
    // 10.5 + 11.5 + 12.5 = 34.5, then +1 each bar.
    expect(plot('sum')).toEqual([NaN, NaN, 34.5, 37.5, 40.5]);
    // math.round(2.5) = 3 (ties up) + 3.
    expect(plot('const')).toEqual([6, 6, 6, 6, 6]);
    expect(plot('pi')).toEqual([Math.PI, Math.PI, Math.PI, Math.PI, Math.PI]);
    expect(plot('t')).toEqual([37, 37, 37, 37, 37]);
  });

  it('named arguments, defaults and string functions', () => {
    const { logs } = run(`//@version=6
indicator("t")
if bar_index == 2
    a = math.round(number = 2.567, precision = 2)
    b = str.replace(source = "aXaXa", target = "a", replacement = "b", occurrence = 1)
    c = color.rgb(red = 255, green = 0, blue = 0, transp = 50)
    r = math.random(seed = 1)
    log.info("{0}|{1}|{2}|{3}", a, b, color.t(c), r > 0 and r < 1)
    log.info("{0}|{1}|{2}", str.tostring(bar_index), str.tostring(str.split("a,b", ",")), str.substring("TradingView", begin_pos = 7))
    log.warning("{0} {1} {2}", bar_index > 1, "s", close)
    log.error("plain {0}")
    log.info(str.format_time(time, "yyyy-MM-dd'T'HH:mm:ssZ", "America/New_York"))
`);
    expect(logs).toEqual([
      'info:2.57|aXbXa|50|true',
      'info:2|[a, b]|View',
      'warning:true s 12.5',
      'error:plain {0}',
      // 2024-01-01 00:10 UTC is 2023-12-31 19:10 in New York (UTC-5).
      'info:2023-12-31T19:10:00-0500',
    ]);
  });

  it('seeded math.random repeats across runs; two call sites with one seed agree', () => {
    const src = `//@version=6
indicator("t")
plot(math.random(0, 100, 7), "x")
plot(math.random(0, 100, 7), "y")
`;
    const first = run(src).plot('x') as number[];
    const again = run(src);
    expect(again.plot('x')).toEqual(first);
    expect(again.plot('y')).toEqual(first);
    expect(new Set(first).size).toBe(5);
  });
});
