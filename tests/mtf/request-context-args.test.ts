// What a request's expression names is computed in the requested context, as TradingView does:
// - an input.source() (or `input(close)` set to another source) other than open/high/low/close/
//   volume: the requested timeframe's hl2, not the chart bar's (also inside ta.* calls);
// - a series passed through a user function's parameter (the User Manual's htfSecurity() wrapper,
//   `f(src) => request.security(..., src)` with hl2 or ta.sma(close, 3));
// - gaps / lookahead given as a variable or an input (`var gaps = useGaps ? barmerge.gaps_on :
//   barmerge.gaps_off`);
// - and an intrabar request of the chart's own ticker without data runs (empty arrays / na, one
//   warning in the log) instead of stopping the script.
// On EURUSD hourly bars with the FX symbol file (days from 17:00 New York). Expected values are
// computed here from the CSV rows grouped by FX day (not through the VM), and the values at the
// fifth bar from the end (2025-09-12 12:00 New York) are the hand-computed ones of QA 22
// (1.17031 = (1.17459 + 1.16603) / 2, the last closed day's hl2, …); every form is also compared
// bar by bar with the same request written out directly, through both tiers, and a run saved and
// restored halfway gives the same values.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile, Instance, parseBarsCsv, runBarsAnswering, type Program } from '../../vm/index.js';
import { parseSymbolToml } from '../../vm/builtins/time/symbol-info.js';
import { FIXTURES_DIR } from './fixture-path.js';
import { plotOf, program, restoredCopy } from './helpers.js';

const bars = parseBarsCsv(readFileSync(new URL('../fixtures/ohlcv/eurusd-1h-2022-2025.csv', import.meta.url), 'utf8')).bars;
const symbol = parseSymbolToml(readFileSync(join(FIXTURES_DIR, 'ta/vwap.toml'), 'utf8'));
const N = bars.length;

// --- FX days (17:00 New York to 17:00), computed from the rows.
const ny = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' });
const dayKey = (t: number) => ny.format(new Date(t + 7 * 3_600_000));
interface Day {
  high: number;
  low: number;
  close: number;
}
const days: Day[] = [];
/** The index in `days` of each row's day. */
const dayOf: number[] = [];
/** Whether the row is its day's last. */
const endsDay: boolean[] = [];
{
  let key = '';
  for (let i = 0; i < N; i++) {
    const k = dayKey(bars.time[i] as number);
    const h = bars.high[i] as number;
    const l = bars.low[i] as number;
    const c = bars.close[i] as number;
    if (k !== key) {
      days.push({ high: h, low: l, close: c });
      key = k;
      if (i > 0) endsDay[i - 1] = true;
    } else {
      const d = days[days.length - 1] as Day;
      d.high = Math.max(d.high, h);
      d.low = Math.min(d.low, l);
      d.close = c;
    }
    dayOf.push(days.length - 1);
    endsDay.push(false);
  }
  endsDay[N - 1] = true;
}
const hl2 = days.map((d) => (d.high + d.low) / 2);
const closes = days.map((d) => d.close);
/** Pine's ta.ema: the SMA of the first `len` values, then alpha = 2 / (len + 1). */
function ema(xs: number[], len: number): number[] {
  const out: number[] = [];
  let prev = NaN;
  xs.forEach((x, i) => {
    if (i < len - 1) out.push(NaN);
    else if (i === len - 1) out.push((prev = xs.slice(0, len).reduce((a, b) => a + b, 0) / len));
    else out.push((prev = (2 * x + (len - 1) * prev) / (len + 1)));
  });
  return out;
}
const sma3 = closes.map((_, i) => (i < 2 ? NaN : ((closes[i] as number) + (closes[i - 1] as number) + (closes[i - 2] as number)) / 3));

/** Every chart row that does not end its day (lookahead_off shows the previous day there). */
function checkPrevDay(got: number[], perDay: number[], what: string): void {
  let n = 0;
  for (let i = 0; i < N; i++) {
    if (endsDay[i] || (dayOf[i] as number) < 1) continue;
    const want = perDay[(dayOf[i] as number) - 1] as number;
    if (Number.isNaN(want)) continue;
    expect(got[i], `${what} at row ${i}`).toBeCloseTo(want, 9);
    n++;
  }
  expect(n).toBeGreaterThan(18_000);
}

function run(p: Program, interpreted: boolean, inputs: Record<string, string | boolean> = {}, split = false): Instance {
  const b = Instance.builder(p).symbol(symbol).timeframe('60').inputs(inputs);
  if (interpreted) b.interpreted();
  let inst = b.build();
  if (!split) {
    expect(inst.runBars(bars).status).toBe('done');
    return inst;
  }
  const half = Math.floor(N / 2);
  const slice = (a: number, z: number) => ({
    time: bars.time.subarray(a, z),
    open: bars.open.subarray(a, z),
    high: bars.high.subarray(a, z),
    low: bars.low.subarray(a, z),
    close: bars.close.subarray(a, z),
    volume: bars.volume.subarray(a, z),
    length: z - a,
  });
  expect(inst.runBars(slice(0, half)).status).toBe('done');
  inst = restoredCopy(inst, interpreted);
  expect(inst.runBars(slice(half, N)).status).toBe('done');
  return inst;
}

const SOURCES = `//@version=5
indicator("sources")
src = input(close, "src")
s2 = input.source(hl2, "s2")
plot(request.security(syminfo.tickerid, "1D", src), "src")
plot(request.security(syminfo.tickerid, "1D", s2), "s2")
plot(request.security(syminfo.tickerid, "1D", hl2), "hl2")
plot(request.security(syminfo.tickerid, "1D", ta.ema(src, 5)), "ema src")
plot(request.security(syminfo.tickerid, "1D", ta.ema(hl2, 5)), "ema hl2")
e = ta.ema(s2, 5)
plot(request.security(syminfo.tickerid, "1D", e), "ema global")
plot(request.security(syminfo.tickerid, "1D", s2[1]), "s2 prev")
plot(s2, "s2 chart")
`;

describe('an input.source() other than OHLC is read in the requested context', () => {
  const P = program(SOURCES);
  for (const interpreted of [false, true]) {
    const tier = interpreted ? 'interpreter' : 'compiled';
    test(`${tier}: input(close) set to hl2, input.source(hl2) by default: the daily hl2, also in ta.ema and through a global`, () => {
      for (const split of [false, true]) {
        const inst = run(P, interpreted, { src: 'hl2' }, split);
        const col = (t: string) => plotOf(P, inst, t);
        const direct = col('hl2');
        checkPrevDay(direct, hl2, 'hl2');
        expect(col('src')).toEqual(direct);
        expect(col('s2')).toEqual(direct);
        expect(col('src')[N - 5]).toBeCloseTo(1.17031, 12);
        // The chart's own hl2 outside the request.
        expect(col('s2 chart')[N - 5]).toBeCloseTo(((bars.high[N - 5] as number) + (bars.low[N - 5] as number)) / 2, 12);
        const ema5 = ema(hl2, 5);
        checkPrevDay(col('ema hl2'), ema5, 'ema hl2');
        expect(col('ema src')).toEqual(col('ema hl2'));
        expect(col('ema global')).toEqual(col('ema hl2'));
        checkPrevDay(col('s2 prev'), [NaN, ...hl2.slice(0, -1)], 's2[1]');
      }
    });
  }
  test('with the default close it is the daily close', () => {
    const inst = run(P, false);
    checkPrevDay(plotOf(P, inst, 'src'), closes, 'close');
    expect(plotOf(P, inst, 'src')[N - 5]).toBeCloseTo(1.17338, 12);
  });
});

const WRAPPERS = `//@version=5
indicator("wrappers")
htfSecurity(timeframe, expression) => request.security(syminfo.tickerid, timeframe, expression[1], lookahead = barmerge.lookahead_on)
f(src) => request.security(syminfo.tickerid, "1D", src)
outer(x) => f(x)
ma = ta.ema(close, 21)
len = input.int(3, "len")
plot(htfSecurity("1D", ma), "htf")
plot(request.security(syminfo.tickerid, "1D", ma[1], lookahead = barmerge.lookahead_on), "direct htf")
plot(f(close), "f close")
plot(f(hl2), "f hl2")
plot(f(ta.sma(close, len)), "f sma")
plot(outer(hl2), "outer hl2")
plot(f(ma), "f ma")
`;

describe('a series passed through a user function parameter is computed in the requested context', () => {
  const P = program(WRAPPERS);
  for (const interpreted of [false, true]) {
    test(`${interpreted ? 'interpreter' : 'compiled'}: htfSecurity("1D", ma), f(hl2), f(ta.sma(close, 3)), through two functions`, () => {
      for (const split of [false, true]) {
        const inst = run(P, interpreted, {}, split);
        const col = (t: string) => plotOf(P, inst, t);
        // lookahead_on with [1]: every row of a day shows the previous day's EMA21 of daily closes.
        const ema21 = ema(closes, 21);
        const htf = col('htf');
        let n = 0;
        for (let i = 0; i < N; i++) {
          const d = dayOf[i] as number;
          if (d < 22) continue;
          expect(htf[i], `row ${i}`).toBeCloseTo(ema21[d - 1] as number, 9);
          n++;
        }
        expect(n).toBeGreaterThan(20_000);
        expect(htf[N - 1]).toBeCloseTo(1.1679411, 7);
        expect(htf).toEqual(col('direct htf'));
        checkPrevDay(col('f close'), closes, 'f(close)');
        checkPrevDay(col('f hl2'), hl2, 'f(hl2)');
        checkPrevDay(col('outer hl2'), hl2, 'outer(hl2)');
        checkPrevDay(col('f sma'), sma3, 'f(ta.sma(close, 3))');
        checkPrevDay(col('f ma'), ema21, 'f(ma)');
        expect(col('f close')[N - 5]).toBeCloseTo(1.17338, 12);
        expect(col('f hl2')[N - 5]).toBeCloseTo(1.17031, 12);
        expect(col('f sma')[N - 5]).toBeCloseTo(1.17115, 12);
      }
    });
  }
  test('no warning where the argument is computed in the context; W303 where it names a variable of the calling function', () => {
    expect(compile(WRAPPERS).diagnostics.filter((d) => d.severity === 'warning')).toEqual([]);
    const { diagnostics } = compile(`//@version=5
indicator("local")
h(x) => request.security(syminfo.tickerid, "1D", x)
k() =>
    m = ta.sma(close, 3)
    h(m)
plot(k())
`);
    const w = diagnostics.filter((d) => d.code === 'W303');
    expect(w).toHaveLength(1);
    expect(w[0]?.line).toBe(3);
    expect(w[0]?.message).toContain("'x' is given `m`");
  });
  test('an argument whose global declarations call the same function again (a wrapper around a wrapped value) compiles, read on the chart with W303', () => {
    const { program: p, diagnostics } = compile(`//@version=5
indicator("again")
tf(_res, _exp) => request.security(syminfo.tickerid, _res, _exp)
a = tf("1D", close)
b = tf("1D", ta.ema(a, 3))
plot(b)
`);
    expect(p).not.toBeNull();
    expect(diagnostics.map((d) => `${d.code} ${d.line}`)).toEqual(['W303 3']);
    expect(diagnostics[0]?.message).toContain("calls 'tf' again");
  });
});

const FLAGS = `//@version=5
indicator("flags")
i_enableGaps = input.bool(false, "gaps")
var gaps = i_enableGaps ? barmerge.gaps_on : barmerge.gaps_off
look = input.bool(false, "look") ? barmerge.lookahead_on : barmerge.lookahead_off
plot(request.security(syminfo.tickerid, "1D", close, gaps = gaps), "var gaps")
plot(request.security(syminfo.tickerid, "1D", close, gaps, look), "both")
g2 = barmerge.gaps_on
plot(request.security(syminfo.tickerid, "1D", close, gaps = g2), "const gaps")
plot(request.security(syminfo.tickerid, "1D", close, gaps = barmerge.gaps_on), "on")
plot(request.security(syminfo.tickerid, "1D", close, gaps = barmerge.gaps_off), "off")
plot(request.security(syminfo.tickerid, "1D", close, barmerge.gaps_on, barmerge.lookahead_on), "on on")
`;

describe('gaps and lookahead given as a variable, a constant or an input', () => {
  const P = program(FLAGS);
  for (const interpreted of [false, true]) {
    test(`${interpreted ? 'interpreter' : 'compiled'}: the input chooses the flag`, () => {
      for (const [g, l] of [
        [false, false],
        [true, true],
        [true, false],
      ] as const) {
        const inst = run(P, interpreted, { gaps: g, look: l }, g && !l);
        const col = (t: string) => plotOf(P, inst, t);
        expect(col('var gaps')).toEqual(col(g ? 'on' : 'off'));
        expect(col('const gaps')).toEqual(col('on'));
        if (g && l) expect(col('both')).toEqual(col('on on'));
        else expect(col('both')).toEqual(col(g ? 'on' : 'off'));
        // gaps_off: the previous day's close on the rows inside a day; gaps_on: na there.
        const v = col('var gaps');
        if (g) expect(v.filter((x, i) => !endsDay[i] && !Number.isNaN(x)).length).toBe(0);
        else checkPrevDay(v, closes, 'gaps_off');
      }
    });
  }
  test('a series flag or a flag of the other parameter is a compile error naming it', () => {
    const err = (line: string) =>
      compile(`//@version=5
indicator("x")
${line}
`).diagnostics.filter((d) => d.severity === 'error');
    const a = err('plot(request.security(syminfo.tickerid, "1D", close, gaps = close > open ? barmerge.gaps_on : barmerge.gaps_off))');
    expect(a.map((d) => d.code)).toEqual(['E333']);
    expect(a[0]?.message).toContain('TradingView requires a simple value');
    const b = err('plot(request.security(syminfo.tickerid, "1D", close, lookahead = barmerge.gaps_on))');
    expect(b.map((d) => d.code)).toEqual(['E333']);
    expect(b[0]?.message).toContain("which is for 'gaps'");
  });
});

// A published script's intrabar request that an input turns on (off by default), on a chart
// without intrabar data: the script runs; the request gives empty arrays / na, with one warning.
const OPTIONAL_IB = `//@version=5
indicator("optional intrabars")
useIb = input.bool(false, "Use intrabars")
[c, o] = request.security_lower_tf(syminfo.tickerid, "60", [close, open])
x = request.security(syminfo.tickerid, "240", close)
plot(useIb ? array.size(c) : close, "v")
plot(x, "x")
`;

describe("the chart's own intrabars without data", () => {
  for (const interpreted of [false, true]) {
    test(`${interpreted ? 'interpreter' : 'compiled'}: the script runs (empty arrays, na), one warning per missing timeframe, also across a snapshot`, () => {
      const P = program(OPTIONAL_IB);
      const daily = { ticker: 'AAA', tickerid: 'X:AAA', session: '24x7', timezone: 'Etc/UTC' };
      const closes = Array.from({ length: 10 }, (_, i) => 10 + i);
      const cols = (a: number, z: number) => {
        const c = (f: (i: number) => number) => Float64Array.from({ length: z - a }, (_, k) => f(a + k));
        return { time: c((i) => Date.UTC(2024, 0, 1) + i * 86_400_000), open: c((i) => closes[i] as number), high: c((i) => (closes[i] as number) + 1), low: c((i) => (closes[i] as number) - 1), close: c((i) => closes[i] as number), volume: c(() => 1), length: z - a };
      };
      for (const useIb of [false, true]) {
        const b = Instance.builder(P).symbol(daily).timeframe('1D').inputs({ useIb });
        if (interpreted) b.interpreted();
        let inst = b.build();
        const none = () => ({ datasets: null, why: '' });
        runBarsAnswering(inst, cols(0, 4), none);
        inst = restoredCopy(inst, interpreted);
        runBarsAnswering(inst, cols(4, 10), none);
        expect(plotOf(P, inst, 'v')).toEqual(useIb ? closes.map(() => 0) : closes);
        expect(plotOf(P, inst, 'x')).toEqual(closes.map(() => NaN));
        expect(inst.logs.map((e) => `${e.level} ${e.bar} ${/^No bars of \S+ at "\d+" or lower were given/.exec(e.message)?.[0]}`)).toEqual([
          'warning 0 No bars of X:AAA at "60" or lower were given',
          'warning 0 No bars of X:AAA at "240" or lower were given',
        ]);
      }
    });
  }
});
