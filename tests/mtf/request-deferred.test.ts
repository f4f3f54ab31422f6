// runBars defers an own-symbol request's quiet chart bars (runtime/contexts.ts, LazyRows: inside a
// higher-timeframe period, the expression not run, no value confirmed) and applies them at once.
// The contract: the same plotted values as running the bars one at a time with runBar (which never
// defers), and the same saved state whatever the chunks runBars is given (one call for all bars
// defers long runs of bars, one call per bar applies each deferred bar alone), through both tiers.
// (runBar's state differs by design: without the rows ahead it runs the expression on every bar.
// lookahead_on values differ too: runBars knows the rest of the period, runBar what has formed.)

import { describe, expect, test } from 'vitest';
import { Instance, type BarColumns } from '../../vm/index.js';
import { expectSameState } from '../snapshot/helpers.js';
import { program } from './helpers.js';

const HOUR = 3_600_000;
const N = 24 * 21 + 5; // three weeks of hourly bars and a few
const START = Date.UTC(2024, 0, 1); // a Monday

/** Hourly bars with a wandering close; every 7th volume na (folded as 0 into the period's volume). */
function hourly(): BarColumns {
  const time = new Float64Array(N);
  const open = new Float64Array(N);
  const high = new Float64Array(N);
  const low = new Float64Array(N);
  const close = new Float64Array(N);
  const volume = new Float64Array(N);
  let c = 100;
  for (let i = 0; i < N; i++) {
    const o = c;
    c = c + Math.sin(i * 0.7) * 2 + ((i * 37) % 11) / 10 - 0.5;
    time[i] = START + i * HOUR;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) + ((i * 13) % 5) / 4;
    low[i] = Math.min(o, c) - ((i * 17) % 7) / 4;
    volume[i] = i % 7 === 3 ? NaN : 100 + ((i * 29) % 50);
  }
  return { time, open, high, low, close, volume, length: N };
}

const LOOKAHEAD_OFF = `//@version=6
indicator("deferred")
[dh, dl, dc, dv] = request.security(syminfo.tickerid, "1D", [high, low, close, volume])
dgap = request.security(syminfo.tickerid, "240", high - low, gaps = barmerge.gaps_on)
wtxt = request.security(syminfo.tickerid, "1W", str.tostring(ta.ema(close, 2), "#.##"))
plot(dh, "dh")
plot(dl, "dl")
plot(dc, "dc")
plot(dv, "dv")
plot(dgap, "dgap")
plot(str.length(wtxt), "wlen")
`;

const LOOKAHEAD_ON = `//@version=6
indicator("deferred ahead")
[dh, dv] = request.security(syminfo.tickerid, "1D", [high, volume], lookahead = barmerge.lookahead_on)
don = request.security(syminfo.tickerid, "1D", ta.sma(close, 3), lookahead = barmerge.lookahead_on)
dboth = request.security(syminfo.tickerid, "1W", close, lookahead = barmerge.lookahead_on, gaps = barmerge.gaps_on)
plot(dh, "dh")
plot(dv, "dv")
plot(don, "don")
plot(dboth, "dboth")
`;

function build(src: string, interpreted: boolean): Instance {
  const b = Instance.builder(program(src)).symbol({ ticker: 'SYNTH', tickerid: 'SYNTH' }).timeframe('60').totalBars(N);
  if (interpreted) b.interpreted();
  return b.build();
}

function columns(inst: Instance): number[][] {
  return inst.outputs.columns.map((_, k) => Array.from(inst.outputs.column(k)));
}

describe('deferred quiet bars of own-symbol requests', () => {
  for (const interpreted of [false, true]) {
    const tier = interpreted ? 'interpreter' : 'compiled';
    test(`${tier}: runBars in any chunks shows runBar's values and leaves one state`, () => {
      const bars = hourly();
      const one = build(LOOKAHEAD_OFF, interpreted);
      for (let i = 0; i < N; i++) {
        one.runBar({ time: bars.time[i] as number, open: bars.open[i] as number, high: bars.high[i] as number, low: bars.low[i] as number, close: bars.close[i] as number, volume: bars.volume[i] as number });
      }
      const want = columns(one);
      // A hand check, so that equal runs are not equally wrong: the second day's high (hours
      // 24..47) arrives on its last hour, and holds through the third day's hours before its last.
      const day2 = Math.max(...Array.from({ length: 24 }, (_, h) => bars.high[24 + h] as number));
      expect(want[0]?.[47]).toBe(day2);
      expect(want[0]?.[70]).toBe(day2);
      let state: Uint8Array | null = null;
      for (const chunk of [1, N, 7, 23, 24, 25, 100]) {
        const inst = build(LOOKAHEAD_OFF, interpreted);
        for (let from = 0; from < N; from += chunk) inst.runBars(bars, from, Math.min(N, from + chunk));
        expect(columns(inst), `chunks of ${chunk}`).toEqual(want);
        if (state === null) state = inst.saveState();
        else expectSameState(inst.saveState(), state, `chunks of ${chunk}`);
      }
    });

    test(`${tier}: lookahead_on, every chunking of runBars gives the same values and state`, () => {
      const bars = hourly();
      const one = build(LOOKAHEAD_ON, interpreted);
      for (let i = 0; i < N; i++) one.runBars(bars, i, i + 1);
      const want = columns(one);
      // Hand check: the whole second day's high on each of its hours (lookahead_on, history).
      const day2 = Math.max(...Array.from({ length: 24 }, (_, h) => bars.high[24 + h] as number));
      expect(want[0]?.[24]).toBe(day2);
      expect(want[0]?.[40]).toBe(day2);
      for (const chunk of [N, 7, 24, 100]) {
        const inst = build(LOOKAHEAD_ON, interpreted);
        for (let from = 0; from < N; from += chunk) inst.runBars(bars, from, Math.min(N, from + chunk));
        expect(columns(inst), `chunks of ${chunk}`).toEqual(want);
        expectSameState(inst.saveState(), one.saveState(), `chunks of ${chunk}`);
      }
    });
  }
});
