// The snapshot equivalence contract for strategies: over every TradingView strategy fixture, a
// straight run and a run saved after bar k, restored into a new instance and run on give the same
// trade list, performance summary and strategy.* values (the broker's whole state is in the
// snapshot), at k = 0, 1, the middle and N − 1. Also through realtime ticks (the broker is kept
// across a tick's rollback), and with calc_on_order_fills / calc_on_every_tick switched on.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile, Instance, parseBarsCsv, type BarColumns, type Program } from '../../vm/index.js';
import { readSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import { brokerOf, strategyReport } from '../../vm/builtins/strategy/report.js';
import { barAt } from '../../vm/data/bars.js';

const FIX = new URL('../fixtures/tradingview/strategy/', import.meta.url).pathname;
const NAMES = readdirSync(FIX)
  .filter((f) => f.endsWith('.pine'))
  .map((f) => f.slice(0, -5))
  .sort();

const barCache = new Map<string, BarColumns>();
function barsOf(file: string): BarColumns {
  let b = barCache.get(file);
  if (!b) {
    b = parseBarsCsv(readFileSync(join(FIX, file), 'utf8'), { name: file }).bars;
    barCache.set(file, b);
  }
  return b;
}

function setup(name: string, edit: (src: string) => string = (s) => s): { program: Program; bars: BarColumns; build: (interpreted?: boolean) => Instance } {
  const { program, diagnostics } = compile(edit(readFileSync(join(FIX, `${name}.pine`), 'utf8')));
  if (!program) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const bars = barsOf(existsSync(join(FIX, `${name}_ohlcv.csv`)) ? `${name}_ohlcv.csv` : 'ohlcv.csv');
  const sym = readSymbolToml(readFileSync(join(FIX, existsSync(join(FIX, `${name}.toml`)) ? `${name}.toml` : 'fx.toml'), 'utf8'));
  const build = (interpreted = false): Instance => {
    const b = Instance.builder(program).symbol(sym.symbol).timeframe(sym.period ?? '60').totalBars(bars.length);
    if (interpreted) b.interpreted();
    return b.build();
  };
  return { program, bars, build };
}

/** Everything a user sees of the backtest: trades, summary, equity curve, and the pending orders. */
function seen(inst: Instance): string {
  const b = brokerOf(inst);
  if (!b) throw new Error('not a strategy');
  return JSON.stringify({ report: strategyReport(b), orders: b.orders, netprofit: b.netprofit, halted: b.halted });
}

describe('strategy snapshots: save at k, restore, run on = straight run', () => {
  for (const name of NAMES) {
    test(name, () => {
      const { program, bars, build } = setup(name);
      const n = bars.length;
      const straight = build();
      straight.runBars(bars);
      const want = seen(straight);
      expect(JSON.parse(want).report.trades.length).toBeGreaterThan(0);
      for (const k of [0, 1, n >> 1, n - 1]) {
        const a = build();
        a.runBars(bars, 0, k + 1);
        const restored = Instance.restoreState(a.saveState()).expectProgram(program).build();
        restored.runBars(bars, k + 1, n);
        expect(seen(restored), `${name}: split after bar ${k}`).toBe(want);
      }
    });
  }
});

describe('strategy snapshots mid-bar', () => {
  for (const name of ['slippage_limit', 'keltnerchannel']) {
    test(`${name}: saved inside a bar stopped by its budget, restored, resumed`, () => {
      const { program, bars, build } = setup(name);
      const n = bars.length;
      const straight = build();
      straight.runBars(bars);
      const a = build();
      const mid = n >> 1;
      a.runBars(bars, 0, mid);
      // A budget of a few instructions stops the bar inside the script body, after the broker's
      // begin step (the declaration's call) has run.
      expect(a.runBar(barAt(bars, mid), { budget: 40 }).status).toBe('yielded');
      const b = Instance.restoreState(a.saveState()).expectProgram(program).build();
      while (b.resume({ budget: 40 }).status === 'yielded');
      b.runBars(bars, mid + 1, n);
      expect(seen(b)).toBe(seen(straight));
    });
  }
});

describe('strategy realtime ticks', () => {
  test('ticks of the last bar along its own path leave the same trades as confirming it once', () => {
    const { bars, build } = setup('macd');
    const n = bars.length;
    const straight = build();
    straight.runBars(bars);
    const live = build();
    live.runBars(bars, 0, n - 1);
    const last = barAt(bars, n - 1);
    // Three ticks of the last bar with other prices inside its range first, then the confirmed
    // values: every tick carries the whole range, so the path is the bar's own.
    for (const c of [Math.min(last.high, last.close + 0.01), Math.max(last.low, last.close - 0.01), last.close]) live.updateBar({ ...last, close: c });
    live.runBar(last);
    expect(seen(live)).toBe(seen(straight));
  });

  test('saved between two ticks, restored, the next tick and the confirmation give the same trades', () => {
    const { program, bars, build } = setup('bollinger');
    const n = bars.length;
    const straight = build();
    straight.runBars(bars);
    const live = build();
    live.runBars(bars, 0, n - 1);
    const last = barAt(bars, n - 1);
    live.updateBar({ ...last, close: last.open, high: last.open, low: last.open });
    const restored = Instance.restoreState(live.saveState()).expectProgram(program).build();
    restored.updateBar({ ...last, close: last.low, high: last.open, low: last.low });
    restored.runBar(last);
    expect(seen(restored)).toBe(seen(straight));
  });
});

describe('calc_on_order_fills: the recalculations after fills keep the contract', () => {
  const onFills = (src: string): string => src.replace('calc_on_order_fills = false', 'calc_on_order_fills = true');
  for (const name of ['bollinger', 'channelbreakout', 'slippage_limit']) {
    test(`${name}: split runs and the interpreter give the compiled straight run`, () => {
      const { program, bars, build } = setup(name, onFills);
      const n = bars.length;
      const straight = build();
      straight.runBars(bars);
      const want = seen(straight);
      // The recalculations change the backtest (orders placed after a fill act on the same bar).
      const plain = setup(name).build();
      plain.runBars(bars);
      expect(want).not.toBe(seen(plain));
      const interpreted = build(true);
      interpreted.runBars(bars);
      expect(seen(interpreted), `${name}: interpreter`).toBe(want);
      for (const k of [0, 1, n >> 1, n - 1]) {
        const a = build();
        a.runBars(bars, 0, k + 1);
        const restored = Instance.restoreState(a.saveState()).expectProgram(program).build();
        restored.runBars(bars, k + 1, n);
        expect(seen(restored), `${name}: split after bar ${k}`).toBe(want);
      }
    });
  }
});

describe('calc_on_every_tick: realtime ticks saved and restored', () => {
  test('saved between two ticks, restored: the next ticks and the confirmation give what the straight live run gives', () => {
    const { program, bars, build } = setup('bollinger', (s) => s.replace('calc_on_every_tick = false', 'calc_on_every_tick = true'));
    const n = bars.length;
    const live = (inst: Instance, from: number): void => {
      for (let i = from; i < n; i++) {
        const b = barAt(bars, i);
        const ticks = [
          { ...b, close: b.open, high: b.open, low: b.open },
          { ...b, close: b.low, high: b.open, low: b.low },
          { ...b, close: b.high, high: b.high, low: b.low },
        ];
        for (const t of ticks) inst.updateBar(t);
        inst.runBar(b);
      }
    };
    const start = n - 200;
    const straight = build();
    straight.runBars(bars, 0, start);
    live(straight, start);
    const want = seen(straight);
    // The same live run, saved after the second tick of a bar in its middle and restored.
    const mid = n - 100;
    const d = build();
    d.runBars(bars, 0, start);
    const partial = (inst: Instance, i: number): Instance => {
      const b = barAt(bars, i);
      inst.updateBar({ ...b, close: b.open, high: b.open, low: b.open });
      inst.updateBar({ ...b, close: b.low, high: b.open, low: b.low });
      const r = Instance.restoreState(inst.saveState()).expectProgram(program).build();
      r.updateBar({ ...b, close: b.high, high: b.high, low: b.low });
      r.runBar(b);
      return r;
    };
    for (let i = start; i < mid; i++) {
      const b = barAt(bars, i);
      d.updateBar({ ...b, close: b.open, high: b.open, low: b.open });
      d.updateBar({ ...b, close: b.low, high: b.open, low: b.low });
      d.updateBar({ ...b, close: b.high, high: b.high, low: b.low });
      d.runBar(b);
    }
    const e = partial(d, mid);
    live(e, mid + 1);
    expect(seen(e)).toBe(want);
  });
});
