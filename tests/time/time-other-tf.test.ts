// time(tf), time_close(tf) and timeframe.change(tf) on an hourly chart with a timeframe higher than,
// equal to and lower than the chart's, for a US equity session, a 24x7 crypto symbol and FX
// (trading day from 17:00 New York), through the interpreter and the compiled tier. Expected values
// are written out by hand from the sessions (January: New York is UTC-5).

import { describe, expect, it } from 'vitest';
import { compile, Instance, type Program } from '../../vm/index.js';

const SRC = `//@version=6
indicator("other timeframes")
plot(time("D"), "tD")
plot(time_close("D"), "tcD")
plot(time("60"), "t60")
plot(time_close("60"), "tc60")
plot(time(""), "tChart")
plot(time("15"), "t15")
plot(time_close("15"), "tc15")
plot(timeframe.change("1") ? 1 : 0, "ch1")
plot(timeframe.change("60") ? 1 : 0, "ch60")
plot(timeframe.change("D") ? 1 : 0, "chD")
plot(time("240"), "t240")
plot(time("D", "1000-1200"), "tDsess")
`;

const H = 3_600_000;
const M = 60_000;
const u = (d: number, h: number, m = 0) => Date.UTC(2024, 0, d, h, m);

function build(): Program {
  const { program, diagnostics } = compile(SRC);
  if (!program) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return program;
}

type Sym = { ticker: string; timezone: string; session: string };

function runHourly(p: Program, sym: Sym, times: number[], interpreted: boolean): Record<string, number[]> {
  const b = Instance.builder(p).symbol(sym).timeframe('60');
  if (interpreted) b.interpreted();
  const inst = b.build();
  for (const t of times) inst.runBar({ time: t, open: 1, high: 2, low: 0, close: 1, volume: 1 });
  const out: Record<string, number[]> = {};
  p.outputs.forEach((o, k) => (out[o.title] = Array.from(inst.outputs.column(k))));
  return out;
}

const tiers = [
  ['interpreter', true],
  ['compiled tier', false],
] as const;

describe.each(tiers)('time(tf) / time_close(tf) / timeframe.change(tf) on a 60 chart (%s)', (_name, interpreted) => {
  const p = build();

  it('US equity 09:30-16:00 New York: hourly bars 09:30 .. 15:30, then the next day', () => {
    // Tue 9 Jan 2024, 09:30 NY = 14:30 UTC; the last bar 15:30 NY closes at the session end 16:00.
    const times = [0, 1, 2, 3, 4, 5, 6].map((k) => u(9, 14, 30) + k * H).concat([u(10, 14, 30)]);
    const o = runHourly(p, { ticker: 'AAPL', timezone: 'America/New_York', session: '0930-1600' }, times, interpreted);
    const open9 = u(9, 14, 30);
    const close9 = u(9, 21);
    expect(o.tD).toEqual([...Array(7).fill(open9), u(10, 14, 30)]);
    expect(o.tcD).toEqual([...Array(7).fill(close9), u(10, 21)]);
    // The chart's own timeframe: the bar itself; the 15:30 bar closes at 16:00, not 16:30.
    expect(o.t60).toEqual(times);
    expect(o.tChart).toEqual(times);
    expect(o.tc60).toEqual([u(9, 15, 30), u(9, 16, 30), u(9, 17, 30), u(9, 18, 30), u(9, 19, 30), u(9, 20, 30), u(9, 21), u(10, 15, 30)]);
    // A lower timeframe: the 15-minute period holding the bar's open.
    expect(o.t15).toEqual(times);
    expect(o.tc15).toEqual(times.map((t) => t + 15 * M));
    // Every chart bar opens a new 1-minute and a new 60-minute period (false on the first bar).
    expect(o.ch1).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    expect(o.ch60).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
    expect(o.chD).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    // 240 minutes count from the session's open: 09:30, 13:30 (the second one cut at 16:00).
    expect(o.t240).toEqual([open9, open9, open9, open9, u(9, 18, 30), u(9, 18, 30), u(9, 18, 30), u(10, 14, 30)]);
    // A session argument: na outside 10:00-12:00 NY; inside, the day of that session (10:00 NY).
    const nan = Number.NaN;
    expect(o.tDsess).toEqual([nan, u(9, 15), u(9, 15), nan, nan, nan, nan, nan]);
  });

  it('24x7 crypto in UTC: days from 00:00 UTC', () => {
    const times = [22, 23, 24, 25].map((k) => u(9, 0) + k * H);
    const o = runHourly(p, { ticker: 'BTCUSD', timezone: 'Etc/UTC', session: '24x7' }, times, interpreted);
    expect(o.tD).toEqual([u(9, 0), u(9, 0), u(10, 0), u(10, 0)]);
    expect(o.tcD).toEqual([u(10, 0), u(10, 0), u(11, 0), u(11, 0)]);
    expect(o.tc60).toEqual(times.map((t) => t + H));
    expect(o.t15).toEqual(times);
    expect(o.tc15).toEqual(times.map((t) => t + 15 * M));
    expect(o.ch1).toEqual([0, 1, 1, 1]);
    expect(o.chD).toEqual([0, 0, 1, 0]);
    // 240 minutes from 00:00 UTC: 20:00, 00:00.
    expect(o.t240).toEqual([u(9, 20), u(9, 20), u(10, 0), u(10, 0)]);
  });

  it('FX: the trading day opens at 17:00 New York (22:00 UTC in January)', () => {
    const times = [20, 21, 22, 23].map((k) => u(9, 0) + k * H);
    const o = runHourly(p, { ticker: 'EURUSD', timezone: 'America/New_York', session: '1700-1700' }, times, interpreted);
    expect(o.tD).toEqual([u(8, 22), u(8, 22), u(9, 22), u(9, 22)]);
    expect(o.tcD).toEqual([u(9, 22), u(9, 22), u(10, 22), u(10, 22)]);
    expect(o.chD).toEqual([0, 0, 1, 0]);
    expect(o.t15).toEqual(times);
    expect(o.tc15).toEqual(times.map((t) => t + 15 * M));
    expect(o.ch1).toEqual([0, 1, 1, 1]);
    // 240 minutes from 17:00 New York: 13:00 NY (18:00 UTC) and 17:00 NY (22:00 UTC).
    expect(o.t240).toEqual([u(9, 18), u(9, 18), u(9, 22), u(9, 22)]);
  });
});
