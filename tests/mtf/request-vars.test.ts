// `var` and `varip` declared inside a request.security() expression (in a user function it calls):
// the requested context evaluates each higher-timeframe bar as Pine evaluates a bar — a forming bar
// evaluated again (bars arriving one at a time, lookahead_on, realtime ticks) starts each time from
// the state its previous bar ended with (vm/runtime/request-vars.ts), so a `var` counter counts
// higher-timeframe bars, not chart bars; `varip` is kept across the realtime updates of a forming
// bar (as on a realtime chart bar's ticks), rolled back like `var` on history. Both tiers, history
// through runBars and one bar at a time, realtime ticks, and snapshots at split points.
//
// Hand-computed: an hourly chart of a round-the-clock symbol, days 0..2 whole (24 bars each) and
// 5 hours of day 3 (77 bars). A day's value arrives (lookahead_off) on its 23:00 bar, which closes it.

import { describe, expect, test } from 'vitest';
import { Instance, runBarsAnswering, settle, type Bar, type BarColumns, type DataAnswer } from '../../vm/index.js';
import { CHART, DAY, OTHER, program, plotOf, restoredCopy, START as START_D } from './helpers.js';

const H = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const N = 77;
const SYM = { ticker: 'BTC', tickerid: 'X:BTC', session: '24x7', timezone: 'Etc/UTC' };

/** Hour i: close 100 + i, open close - 0.5, high close + 1, low close - 1, volume 1. */
const bar = (i: number) => ({ time: START + i * H, open: 99.5 + i, high: 101 + i, low: 99 + i, close: 100 + i, volume: 1 });
const BARS = Array.from({ length: N }, (_, i) => bar(i));
function columns(from: number, to: number): BarColumns {
  const b = BARS.slice(from, to);
  const c = (k: 'time' | 'open' | 'high' | 'low' | 'close' | 'volume') => Float64Array.from(b, (x) => x[k]);
  return { time: c('time'), open: c('open'), high: c('high'), low: c('low'), close: c('close'), volume: c('volume'), length: b.length };
}

const P = program(`//@version=6
indicator("request vars")
count() =>
    var int n = 0
    n += 1
    n
// The days seen, in an array kept by a var (an object rolled back with its contents).
days() =>
    var a = array.new<float>()
    array.push(a, close)
    array.size(a)
// A var counter of days, and the day's closes summed by a var (a float).
sumCloses() =>
    var float s = 0
    s += close
    s
ticks() =>
    varip int k = 0
    k += 1
    k
plot(request.security(syminfo.tickerid, "1D", count()), "off")
plot(request.security(syminfo.tickerid, "1D", count(), lookahead = barmerge.lookahead_on), "on")
plot(request.security(syminfo.tickerid, "1D", days()), "arr")
plot(request.security(syminfo.tickerid, "1D", sumCloses()), "sum")
plot(request.security(syminfo.tickerid, "1D", ticks()), "varip")
plot(request.security(syminfo.tickerid, "1D", count(), barmerge.gaps_on), "gaps")
`);

function build(interpreted: boolean): Instance {
  const b = Instance.builder(P).symbol(SYM).timeframe('60');
  if (interpreted) b.interpreted();
  return b.build();
}

const na = NaN;
const rep = (v: number, n: number): number[] => Array<number>(n).fill(v);
// The count of days confirmed so far: day d's value (d + 1) arrives on its 23:00 bar (23, 47, 71).
const OFF = [...rep(na, 23), ...rep(1, 24), ...rep(2, 24), ...rep(3, 6)];
// lookahead_on: the day's own value on each of its bars (day 3 so far: the 4th day).
const ON = [...rep(1, 24), ...rep(2, 24), ...rep(3, 24), ...rep(4, 5)];
// Daily closes: day 0 closes at 100 + 23 = 123, day 1 at 147, day 2 at 171; sums 123, 270, 441.
const SUM = [...rep(na, 23), ...rep(123, 24), ...rep(270, 24), ...rep(441, 6)];
const GAPS = [...rep(na, 23), 1, ...rep(na, 23), 2, ...rep(na, 23), 3, ...rep(na, 5)];
const HISTORY: Record<string, number[]> = { off: OFF, on: ON, arr: OFF, sum: SUM, varip: OFF, gaps: GAPS };

function expectPlots(inst: Instance, want: Record<string, number[]>, label: string): void {
  for (const [title, values] of Object.entries(want)) expect(plotOf(P, inst, title), `${label}: ${title}`).toEqual(values);
}

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('a var inside the requested expression counts higher-timeframe bars (%s tier)', (_tier, interpreted) => {
  test('history through runBars', () => {
    const inst = build(interpreted);
    inst.runBars(columns(0, N));
    expectPlots(inst, HISTORY, 'runBars');
  });

  test('history one bar at a time: each hour evaluates the forming day again from the day before', () => {
    const inst = build(interpreted);
    for (const b of BARS) inst.runBar(b);
    expectPlots(inst, HISTORY, 'runBar');
  });

  test('snapshots at split points (runBars and one at a time) continue with identical values', () => {
    for (const k of [0, 1, 23, 24, 30, 47, 60, N - 1]) {
      const first = build(interpreted);
      first.runBars(columns(0, k));
      const second = restoredCopy(first, interpreted);
      second.runBars(columns(k, N));
      expectPlots(second, HISTORY, `runBars split at ${k}`);
      const one = build(interpreted);
      for (const b of BARS.slice(0, k)) one.runBar(b);
      const two = restoredCopy(one, interpreted);
      for (const b of BARS.slice(k)) two.runBar(b);
      expectPlots(two, HISTORY, `runBar split at ${k}`);
    }
  });

  test('stopped by an instruction budget and restored at every stop (inside the expression too): the same values', () => {
    for (const budget of [1, 5, 13]) {
      let inst = build(interpreted);
      for (const b of BARS.slice(0, 30)) {
        let r = inst.runBar(b, { budget });
        while (r.status === 'yielded') {
          inst = restoredCopy(inst, interpreted);
          r = inst.resume({ budget });
        }
      }
      for (const [title, values] of Object.entries(HISTORY)) expect(plotOf(P, inst, title), `budget ${budget}: ${title}`).toEqual(values.slice(0, 30));
    }
  });

  test('realtime: ticks of a forming day evaluate it again from the day before; varip counts the updates', () => {
    const inst = build(interpreted);
    inst.runBars(columns(0, 72));
    // Bar 72 (day 3's first hour) as two ticks, confirmed, then bar 73 as a tick.
    inst.updateBar({ ...bar(72), close: 150 });
    const at = (title: string, i: number): number => plotOf(P, inst, title)[i] as number;
    // The forming day 3 is the 4th day: 4 (realtime shows the forming value); its close so far 150:
    // 441 + 150 = 591; varip: the 3 days of history and this update.
    expect([at('off', 72), at('on', 72), at('arr', 72), at('sum', 72), at('varip', 72)]).toEqual([4, 4, 4, 591, 4]);
    inst.updateBar({ ...bar(72), close: 160 });
    expect([at('off', 72), at('on', 72), at('arr', 72), at('sum', 72), at('varip', 72)]).toEqual([4, 4, 4, 601, 5]);
    inst.runBar(bar(72));
    inst.updateBar({ ...bar(73), close: 170 });
    expect([at('off', 73), at('on', 73), at('arr', 73), at('sum', 73)]).toEqual([4, 4, 4, 611]);
    // Updates so far: two ticks and the confirmation of bar 72, and this tick.
    expect(at('varip', 73)).toBe(7);
    inst.updateBar({ ...bar(73), close: 180 });
    expect([at('off', 73), at('arr', 73), at('sum', 73), at('varip', 73)]).toEqual([4, 4, 621, 8]);
    // A snapshot between ticks restores the forming day and the varip count.
    const rb = restoredCopy(inst, interpreted);
    rb.updateBar({ ...bar(73), close: 190 });
    expect([plotOf(P, rb, 'off')[73], plotOf(P, rb, 'arr')[73], plotOf(P, rb, 'sum')[73], plotOf(P, rb, 'varip')[73]]).toEqual([4, 4, 631, 9]);
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])("a var inside another symbol's request: its forming bar run again on realtime chart bars (%s tier)", (_tier, interpreted) => {
  // Chart: daily bars, close 10 + day (helpers.ts CHART); OTHER: daily bars (day 3 missing), its
  // weeks resampled from them. History runs OTHER's week 0 whole on day 0 (its data is complete);
  // a realtime chart bar runs the week it is in again, as formed by its close (each tick, and the
  // confirmation). The var counts weeks: 1 through week 0 (days 0..6), 2 in week 1 (days 7..9).
  const P2 = program(`//@version=6
indicator("other vars")
count() =>
    var int n = 0
    n += 1
    n
plot(request.security("OTHER", "1W", count()), "weeks")
plot(request.security("OTHER", "1W", count(), lookahead = barmerge.lookahead_on), "weeks_on")
`);
  const answer: DataAnswer = (req) => (req.symbol === 'OTHER' ? { datasets: [{ bars: OTHER, timeframe: '1D' }] } : { datasets: null, why: 'not in this test' });
  const SYM2 = { ticker: 'SPX', tickerid: 'SPX', session: '24x7', timezone: 'Etc/UTC' };
  const chartBar = (i: number): Bar => ({ time: START_D + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 });
  const make = (): Instance => {
    const b = Instance.builder(P2).symbol(SYM2).timeframe('1D');
    if (interpreted) b.interpreted();
    return b.build();
  };

  test('ticks and confirmations of days 3..9 count weeks, not runs; a reload between them changes nothing', () => {
    for (const reload of [false, true]) {
      let inst = make();
      runBarsAnswering(inst, CHART, answer, 0, 3);
      const ticks: number[] = [];
      const ticksOn: number[] = [];
      for (let i = 3; i < 10; i++) {
        for (const close of [10 + i - 0.25, 10 + i]) {
          expect(settle(inst, inst.updateBar({ ...chartBar(i), close }), answer).status).toBe('done');
          if (reload) inst = restoredCopy(inst, interpreted);
        }
        ticks.push(plotOf(P2, inst, 'weeks')[i] as number);
        ticksOn.push(plotOf(P2, inst, 'weeks_on')[i] as number);
        expect(settle(inst, inst.runBar(chartBar(i)), answer).status).toBe('done');
      }
      // Realtime: the forming week's value (week 0 through day 6, week 1 from day 7).
      expect(ticks, `reload ${reload}`).toEqual([1, 1, 1, 1, 2, 2, 2]);
      expect(ticksOn, `reload ${reload}`).toEqual([1, 1, 1, 1, 2, 2, 2]);
      // Confirmed: lookahead_off the last closed week (week 0 closes with day 6), lookahead_on the week's own.
      expect(plotOf(P2, inst, 'weeks'), `reload ${reload}`).toEqual([NaN, NaN, NaN, NaN, NaN, NaN, 1, 1, 1, 1]);
      expect(plotOf(P2, inst, 'weeks_on'), `reload ${reload}`).toEqual([1, 1, 1, 1, 1, 1, 1, 2, 2, 2]);
    }
  });
});
