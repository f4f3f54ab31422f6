// request.security() on the chart's own symbol at a higher timeframe (vm/runtime/contexts.ts):
// weekly values resampled from daily bars of a round-the-clock symbol, every combination of
// lookahead and gaps, on history (runBars and bar by bar), on realtime ticks, through both tiers,
// and across snapshots. Expected values are computed by hand from the bars below (TradingView's User
// Manual, "Other timeframes and data": on history, lookahead_off shows the last confirmed
// higher-timeframe bar, whose value arrives on the chart bar that closes it; lookahead_on shows the
// whole period's value on every chart bar of the period; gaps_on leaves na except where a new value
// arrives; in realtime the forming bar's value shows and repaints).

import { describe, expect, test } from 'vitest';
import { compile, Instance, type BarColumns, type Program } from '../../vm/index.js';

const DAY = 86_400_000;
/** 2024-01-01 is a Monday: bars 0-6 are week 0 (Mon..Sun), 7-13 week 1, 14-16 the start of week 2. */
const START = Date.UTC(2024, 0, 1);
const N = 17;

interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** close = 10 + i, open = close - 0.5, high = close + 1, low = close - 1, volume = 100·(i + 1). */
function barAt(i: number): Bar {
  const c = 10 + i;
  return { time: START + i * DAY, open: c - 0.5, high: c + 1, low: c - 1, close: c, volume: 100 * (i + 1) };
}

const BARS = Array.from({ length: N }, (_, i) => barAt(i));

function columns(bars: Bar[]): BarColumns {
  const col = (k: keyof Bar) => Float64Array.from(bars, (b) => b[k]);
  return { time: col('time'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume'), length: bars.length };
}

const SRC = `//@version=6
indicator("mtf")
plot(request.security(syminfo.tickerid, "1W", close), "off")
plot(request.security(syminfo.tickerid, "1W", close, barmerge.gaps_on), "off_gaps")
plot(request.security(syminfo.tickerid, "1W", close, lookahead = barmerge.lookahead_on), "on")
plot(request.security(syminfo.tickerid, "1W", close, barmerge.gaps_on, barmerge.lookahead_on), "on_gaps")
plot(request.security(syminfo.tickerid, "1W", ta.sma(close, 2)), "sma")
plot(request.security(syminfo.tickerid, "1W", close[1], lookahead = barmerge.lookahead_on), "prev")
plot(request.security(syminfo.tickerid, "1W", volume), "vol")
[o, h] = request.security(syminfo.tickerid, "1W", [open, high])
plot(o, "o")
plot(h, "h")
plot(request.security(syminfo.tickerid, "1D", close), "same")
plot(request.security(syminfo.tickerid, "1W", bar_index), "wbi")
e = ta.sma(close, 2)
twice = close * 2
plot(request.security(syminfo.tickerid, "1W", e), "sma_var")
plot(request.security(syminfo.tickerid, "1W", twice[1], lookahead = barmerge.lookahead_on), "twice_prev")
plot(e, "chart_sma")
plot(request.security(syminfo.tickerid, "1W", close > 20) ? 1 : 0, "up")
`;

function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; '));
  return p;
}

const P = program(SRC);
const SYMBOL = { ticker: 'BTCUSD', tickerid: 'X:BTCUSD', session: '24x7', timezone: 'Etc/UTC' };

function build(interpreted: boolean): Instance {
  const b = Instance.builder(P).symbol(SYMBOL).timeframe('1D');
  if (interpreted) b.interpreted();
  return b.build();
}

function plot(inst: Instance, title: string): number[] {
  const k = P.outputs.findIndex((o) => o.title === title);
  if (k < 0) throw new Error(`no plot ${title}`);
  return Array.from(inst.outputs.column(k));
}

const na = NaN;
const rep = (v: number, n: number): number[] => Array<number>(n).fill(v);

// Weekly bars by hand: week 0 = bars 0..6: open 9.5, high 16 + 1 = 17, low 9, close 16,
// volume 100·(1 + … + 7) = 2800; week 1 = bars 7..13: open 16.5, high 24, low 16, close 23,
// volume 100·(8 + … + 14) = 7700; week 2 so far = bars 14..16: close 26.
// A daily bar of a 24x7 symbol closes at the next midnight, so the Sunday bars (6 and 13) close
// their weeks.
const HISTORY: Record<string, number[]> = {
  // The last confirmed weekly close: arrives on Sunday (bar 6, bar 13).
  off: [...rep(na, 6), ...rep(16, 7), ...rep(23, 4)],
  off_gaps: [...rep(na, 6), 16, ...rep(na, 6), 23, ...rep(na, 3)],
  // The period's own close on every bar (week 2's is as far as the bars go: 26).
  on: [...rep(16, 7), ...rep(23, 7), ...rep(26, 3)],
  on_gaps: [16, ...rep(na, 6), 23, ...rep(na, 6), 26, na, na],
  // SMA(2) of weekly closes: week 0 na, week 1 (16 + 23) / 2 = 19.5; confirmed on Sunday.
  sma: [...rep(na, 13), ...rep(19.5, 4)],
  // The non-repainting idiom: the previous week's close on every bar of a week.
  prev: [...rep(na, 7), ...rep(16, 7), ...rep(23, 3)],
  vol: [...rep(na, 6), ...rep(2800, 7), ...rep(7700, 4)],
  o: [...rep(na, 6), ...rep(9.5, 7), ...rep(16.5, 4)],
  h: [...rep(na, 6), ...rep(17, 7), ...rep(24, 4)],
  // The chart's own timeframe: the expression itself.
  same: BARS.map((b) => b.close),
  // bar_index inside the request counts weekly bars.
  wbi: [...rep(na, 6), ...rep(0, 7), ...rep(1, 4)],
  // A series variable named in the request is computed in the request's context (Pine's rule):
  // e is the SMA of weekly closes there, as "sma" above.
  sma_var: [...rep(na, 13), ...rep(19.5, 4)],
  twice_prev: [...rep(na, 7), ...rep(32, 7), ...rep(46, 3)],
  // ...and stays the chart's SMA outside: (close[1] + close) / 2 = 10 + i - 0.5.
  chart_sma: [na, ...BARS.slice(1).map((b) => b.close - 0.5)],
  // A v6 bool is false before the first weekly value (not na): 16 > 20 false, 23 > 20 true.
  up: [...rep(0, 13), ...rep(1, 4)],
};

function expectPlots(inst: Instance, want: Record<string, number[]>, label: string): void {
  for (const [title, values] of Object.entries(want)) expect(plot(inst, title), `${label}: ${title}`).toEqual(values);
}

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('request.security, weekly from daily bars (%s tier)', (_tier, interpreted) => {
  test('history through runBars: every combination of lookahead and gaps, tuples, history and ta inside', () => {
    const inst = build(interpreted);
    inst.runBars(columns(BARS));
    expectPlots(inst, HISTORY, 'runBars');
  });

  test('history bar by bar: the same values except lookahead_on, which has no bars ahead and shows the week so far', () => {
    const inst = build(interpreted);
    for (const b of BARS) inst.runBar(b);
    const { on: _on, on_gaps: _onGaps, ...rest } = HISTORY;
    expectPlots(inst, rest, 'runBar');
    // The week so far: its close is the chart bar's close.
    expect(plot(inst, 'on')).toEqual(BARS.map((b) => b.close));
  });

  test('realtime ticks show the forming weekly bar and repaint; a rolled-back tick does not count', () => {
    const inst = build(interpreted);
    inst.runBars(columns(BARS.slice(0, 14)));
    const t14 = START + 14 * DAY;
    inst.updateBar({ time: t14, open: 23.5, high: 31, low: 22, close: 30, volume: 50 });
    // Week 2 forming from one tick: close 30, volume 50; sma = (23 + 30) / 2 = 26.5; prev = 23.
    const last = (title: string): number => plot(inst, title)[14] as number;
    expect([last('off'), last('off_gaps'), last('on'), last('on_gaps'), last('sma'), last('prev'), last('vol'), last('o'), last('h')]).toEqual([30, 30, 30, 30, 26.5, 23, 50, 23.5, 31]);
    inst.updateBar({ time: t14, open: 23.5, high: 31, low: 22, close: 28, volume: 70 });
    // The second tick replaces the first: close 28, sma (23 + 28) / 2 = 25.5, volume 70 (not 120).
    expect([last('off'), last('sma'), last('vol')]).toEqual([28, 25.5, 70]);
    // Confirmed, the bar is history: the week is not closed yet, so lookahead_off shows week 1's 23.
    inst.runBar({ time: t14, open: 23.5, high: 31, low: 22, close: 28, volume: 70 });
    expect([last('off'), last('sma'), last('vol')]).toEqual([23, 19.5, 7700]);
    // The next realtime bar extends the forming week: high max(31, 27) = 31, volume 70 + 10 = 80.
    inst.updateBar({ time: t14 + DAY, open: 28, high: 27, low: 26, close: 26.5, volume: 10 });
    const at15 = (title: string): number => plot(inst, title)[15] as number;
    expect([at15('off'), at15('h'), at15('vol'), at15('o')]).toEqual([26.5, 31, 80, 23.5]);
  });

  test('a snapshot at bar 0, 1, the middle or N-1 restores and continues with identical values', () => {
    const cols = columns(BARS);
    const whole = build(interpreted);
    whole.runBars(cols);
    for (const k of [0, 1, Math.floor(N / 2), N - 1]) {
      const first = build(interpreted);
      first.runBars(cols, 0, k);
      const rb = Instance.restoreState(first.saveState({ includeOutputs: true }));
      if (interpreted) rb.interpreted();
      const second = rb.build();
      second.runBars(cols, k, N);
      for (const o of P.outputs) expect(plot(second, o.title), `split at ${k}: ${o.title}`).toEqual(plot(whole, o.title));
    }
  });

  test('a snapshot between realtime ticks restores the forming week', () => {
    const t14 = START + 14 * DAY;
    const run = (split: boolean): Instance => {
      let inst = build(interpreted);
      inst.runBars(columns(BARS.slice(0, 14)));
      inst.updateBar({ time: t14, open: 23.5, high: 31, low: 22, close: 30, volume: 50 });
      if (split) {
        const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
        if (interpreted) rb.interpreted();
        inst = rb.build();
      }
      inst.updateBar({ time: t14, open: 23.5, high: 32, low: 22, close: 29, volume: 60 });
      return inst;
    };
    const a = run(false);
    const b = run(true);
    for (const o of P.outputs) expect(plot(b, o.title), o.title).toEqual(plot(a, o.title));
    expect(plot(b, 'off')[14]).toBe(29);
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('request.security stopped by an instruction budget (%s tier)', (_tier, interpreted) => {
  test('every budget, saved and restored at each stop (inside the requested expression too), gives the uninterrupted values', () => {
    // Bars 0..8 cross the first week's close (bar 6) and open the second week.
    const bars = BARS.slice(0, 9);
    const whole = build(interpreted);
    for (const b of bars) whole.runBar(b);
    for (const budget of [1, 4, 11]) {
      let inst = build(interpreted);
      for (const b of bars) {
        let r = inst.runBar(b, { budget });
        while (r.status === 'yielded') {
          const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
          if (interpreted) rb.interpreted();
          inst = rb.build();
          r = inst.resume({ budget });
        }
      }
      for (const o of P.outputs) expect(plot(inst, o.title), `budget ${budget}: ${o.title}`).toEqual(plot(whole, o.title));
    }
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('request.security during a replay (%s tier)', (_tier, interpreted) => {
  /** Bars 0..6 as history, then each later bar as two ticks (the first at its open) and a confirmation;
   * optionally saved and restored after the first tick of bar `reloadAt`. */
  function replay(reloadAt: number | null): { inst: Instance; atTick: number[] } {
    let inst = build(interpreted);
    inst.runBars(columns(BARS.slice(0, 7)));
    const atTick: number[] = [];
    for (let i = 7; i < N; i++) {
      const b = BARS[i] as Bar;
      inst.updateBar({ ...b, high: b.open, low: b.open, close: b.open });
      if (i === reloadAt) {
        const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
        if (interpreted) rb.interpreted();
        inst = rb.build();
      }
      inst.updateBar(b);
      atTick.push(plot(inst, 'off')[i] as number);
      inst.runBar(b);
    }
    return { inst, atTick };
  }

  test('ticks show the forming week; confirmed bars keep the historical values', () => {
    const { inst, atTick } = replay(null);
    // At the last tick of each bar, lookahead_off shows the forming week's close: the bar's close.
    expect(atTick).toEqual(BARS.slice(7).map((b) => b.close));
    // Confirmed, every bar has the values a run over history gives (bars ahead are not known in a
    // replay, so lookahead_on shows the week so far: left out here).
    const { on: _on, on_gaps: _onGaps, ...rest } = HISTORY;
    expectPlots(inst, rest, 'replay');
  });

  test('reloading mid-replay (between two ticks) continues with identical values', () => {
    const a = replay(null);
    const b = replay(11);
    expect(b.atTick).toEqual(a.atTick);
    for (const o of P.outputs) expect(plot(b.inst, o.title), o.title).toEqual(plot(a.inst, o.title));
  });
});
