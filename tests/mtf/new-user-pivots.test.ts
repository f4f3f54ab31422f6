// Tried as a new user would: a daily-pivot indicator of the usual published shape (a function
// returning a tuple of levels computed from request.security(..., high[1] / low[1] / close[1],
// lookahead_on) — the previous day's values, without repainting) on the EURUSD hourly fixture,
// and a strategy filtered by the daily trend (its filter checked). Expected levels are computed here from
// the CSV rows grouped by UTC day (the chart's symbol: 24x7, UTC), not through the VM.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compile, Instance, type Program } from '../../vm/index.js';
import { parseBarsCsv } from '../../vm/data/csv.js';

const bars = parseBarsCsv(readFileSync(new URL('../fixtures/ohlcv/eurusd-1h-2022-2025.csv', import.meta.url), 'utf8')).bars;
const SYM = { ticker: 'EURUSD', tickerid: 'FX:EURUSD', session: '24x7', timezone: 'Etc/UTC' };

function program(src: string): Program {
  const { program: p, diagnostics } = compile(src);
  if (!p) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; '));
  return p;
}

const PIVOTS = `//@version=5
indicator("Daily pivots", overlay = true)
tf = input.timeframe("D", "Pivot timeframe")
levels(res) =>
    ph = request.security(syminfo.tickerid, res, high[1], lookahead = barmerge.lookahead_on)
    pl = request.security(syminfo.tickerid, res, low[1], lookahead = barmerge.lookahead_on)
    pc = request.security(syminfo.tickerid, res, close[1], lookahead = barmerge.lookahead_on)
    p = (ph + pl + pc) / 3
    [p, 2 * p - pl, 2 * p - ph]
[pp, r1, s1] = levels(tf)
plot(pp, "P")
plot(r1, "R1")
plot(s1, "S1")
`;

describe('a daily-pivot indicator on EURUSD hourly bars', () => {
  // The previous UTC day's high, low and close for every hourly bar.
  const day = (t: number) => Math.floor(t / 86_400_000);
  const byDay = new Map<number, { h: number; l: number; c: number }>();
  for (let i = 0; i < bars.length; i++) {
    const d = day(bars.time[i] as number);
    const cur = byDay.get(d);
    const h = bars.high[i] as number;
    const l = bars.low[i] as number;
    byDay.set(d, { h: cur ? Math.max(cur.h, h) : h, l: cur ? Math.min(cur.l, l) : l, c: bars.close[i] as number });
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const prevOf = new Map<number, { h: number; l: number; c: number } | undefined>();
  days.forEach((d, k) => prevOf.set(d, k > 0 ? byDay.get(days[k - 1] as number) : undefined));

  for (const interpreted of [false, true]) {
    test(`${interpreted ? 'interpreter' : 'compiled'}: P, R1, S1 from the previous day on every bar`, () => {
      const P = program(PIVOTS);
      const b = Instance.builder(P).symbol(SYM).timeframe('60');
      if (interpreted) b.interpreted();
      const inst = b.build();
      expect(inst.runBars(bars).status).toBe('done');
      const col = (t: string) => Array.from(inst.outputs.column(P.outputs.findIndex((o) => o.title === t)));
      const [pp, r1, s1] = [col('P'), col('R1'), col('S1')];
      let checked = 0;
      for (let i = 0; i < bars.length; i++) {
        const prev = prevOf.get(day(bars.time[i] as number));
        if (!prev) {
          expect(pp[i]).toBeNaN();
          continue;
        }
        const p = (prev.h + prev.l + prev.c) / 3;
        expect(pp[i]).toBeCloseTo(p, 12);
        expect(r1[i]).toBeCloseTo(2 * p - prev.l, 12);
        expect(s1[i]).toBeCloseTo(2 * p - prev.h, 12);
        checked++;
      }
      expect(checked).toBeGreaterThan(23_000);
    });
  }
});

test('a strategy long only above the daily SMA runs; its filter is the SMA of the last closed days', () => {
  const P = program(`//@version=5
strategy("Daily trend filter", overlay = true)
dailySma = request.security(syminfo.tickerid, "D", ta.sma(close, 20))
fast = ta.ema(close, 9)
slow = ta.ema(close, 21)
if ta.crossover(fast, slow) and close > dailySma
    strategy.entry("L", strategy.long)
if ta.crossunder(fast, slow)
    strategy.close("L")
plot(dailySma, "daily sma")
`);
  const inst = Instance.builder(P).symbol(SYM).timeframe('60').build();
  expect(inst.runBars(bars).status).toBe('done');
  // lookahead_off: a UTC day's close arrives on its 23:00 bar (which closes the day), or, when the
  // day has no 23:00 bar (the FX week ends earlier), on the next day's first bar.
  const sma = Array.from(inst.outputs.column(P.outputs.findIndex((o) => o.title === 'daily sma')));
  const DAY = 86_400_000;
  const closes: number[] = [];
  let pending: { day: number; close: number } | null = null;
  const take = (c: number) => closes.push(c);
  for (let i = 0; i < bars.length; i++) {
    const t = bars.time[i] as number;
    const d = Math.floor(t / DAY);
    if (pending && pending.day !== d) {
      take(pending.close);
      pending = null;
    }
    const next = bars.time[i + 1];
    if (next === undefined || Math.floor(next / DAY) !== d) {
      if ((t + 3_600_000) % DAY === 0) take(bars.close[i] as number);
      else pending = { day: d, close: bars.close[i] as number };
    }
    const want = closes.length >= 20 ? closes.slice(-20).reduce((a, b) => a + b, 0) / 20 : NaN;
    if (Number.isNaN(want)) expect(sma[i]).toBeNaN();
    else expect(sma[i]).toBeCloseTo(want, 10);
  }
  expect(closes.length).toBeGreaterThan(900);
});
