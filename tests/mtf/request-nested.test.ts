// NESTED requests: a request.security() call inside the expression of another (directly, in a user
// function the expression calls, with other symbols at either level, in a v6 dynamic loop). The inner
// request runs in the outer request's context: its "chart" is the outer symbol and timeframe (a
// timeframe below the outer one reads the outer bar's intrabars, the last one with lookahead_off;
// "" is the outer timeframe; syminfo.tickerid is the outer symbol), and lookahead and gaps apply at
// each level (TradingView's User Manual, "Other timeframes and data"). Expected values come from an
// independent resampler here (UTC weeks from Monday and calendar months of the S&P 500 daily rows of
// tests/fixtures/ohlcv), through both tiers, on history, bar by bar, on replayed ticks, and across
// snapshots (split points, instruction budgets, between ticks, while suspended on a host call).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compile, Instance, parseBarsCsv, runBarsAnswering, settle, type BarColumns, type DataAnswer } from '../../vm/index.js';
import { cli, DAY, plotOf, program, spxFiles, type Out, lastAtOrBefore } from './helpers.js';

function load(path: string, rows?: number): BarColumns {
  const text = readFileSync(new URL(`../fixtures/ohlcv/${path}`, import.meta.url), 'utf8');
  return parseBarsCsv(rows === undefined ? text : text.split('\n').slice(0, rows + 1).join('\n') + '\n').bars;
}

/** The chart: the first 300 daily rows of 2000-2001; SPX2: the same index from another source (its
 * rows of 1999-2001). */
const CHART = load('sp500-daily-2000-2020.csv', 300);
const N = CHART.length;
const SPX2 = ((all: BarColumns): BarColumns => {
  const keep = Array.from(all.time, (t, i) => [t, i] as const).filter(([t]) => t >= Date.UTC(1999, 11, 1) && t < Date.UTC(2001, 6, 1)).map(([, i]) => i);
  const pick = (c: Float64Array): Float64Array => Float64Array.from(keep, (i) => c[i] as number);
  return { time: pick(all.time), open: pick(all.open), high: pick(all.high), low: pick(all.low), close: pick(all.close), volume: pick(all.volume), length: keep.length };
})(load('sp500-daily-1950-2012.csv'));
const UTC24 = { session: '24x7', timezone: 'Etc/UTC' };
const SYM = { ticker: 'SPX', tickerid: 'X:SPX', ...UTC24 };

/** The host: the chart's own ticker (the intrabars of a timeframe below an outer request's) and SPX2. */
const answer: DataAnswer = (req) => {
  if (req.symbol === 'X:SPX') return { datasets: [{ bars: CHART, timeframe: '1D', symbol: SYM }] };
  if (req.symbol === 'SPX2') return { datasets: [{ bars: SPX2, timeframe: '1D', symbol: { ticker: 'SPX2', tickerid: 'SPX2', ...UTC24 } }] };
  return { datasets: null, why: 'not in this test' };
};

const P = program(`//@version=6
indicator("nested")
dclose() => request.security(syminfo.tickerid, "1D", close)
plot(request.security(syminfo.tickerid, "1W", request.security(syminfo.tickerid, "1D", close)[1]), "wd")
plot(request.security(syminfo.tickerid, "1W", request.security(syminfo.tickerid, "1D", close)[1], barmerge.gaps_on), "wd_gaps")
plot(request.security(syminfo.tickerid, "1W", request.security(syminfo.tickerid, "1D", close)[1], lookahead = barmerge.lookahead_on), "wd_on")
plot(request.security(syminfo.tickerid, "1W", request.security(syminfo.tickerid, "1D", close)[1], barmerge.gaps_on, barmerge.lookahead_on), "wd_on_gaps")
plot(request.security(syminfo.tickerid, "1W", ta.sma(dclose(), 3)), "fn_sma")
plot(request.security(syminfo.tickerid, "1D", request.security(syminfo.tickerid, "1W", close)), "dw")
plot(request.security(syminfo.tickerid, "1D", request.security(syminfo.tickerid, "1M", high)), "dm_high")
plot(request.security("SPX2", "1D", request.security(syminfo.tickerid, "1D", close * 2)), "other_own")
plot(request.security("SPX2", "1D", request.security("X:SPX", "1D", close)), "other_other")
plot(request.security(syminfo.tickerid, "1W", request.security(syminfo.tickerid, "", timeframe.period)) == "1W" ? 1 : 0, "tf")
float dyn = 0.0
for t in array.from("1W", "1M")
    dyn += request.security(syminfo.tickerid, t, request.security(syminfo.tickerid, "1D", close))
plot(dyn, "dyn")
`);

// --- The independent resampler: periods by key, each period's last close and highest high.
const weekKey = (t: number): number => Math.floor((t / DAY + 3) / 7); // 1970-01-01 was a Thursday
const weekEnd = (k: number): number => ((k + 1) * 7 - 3) * DAY;
const monthKey = (t: number): number => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
const monthEnd = (k: number): number => Date.UTC(Math.floor(k / 12), (k % 12) + 1, 1);
const time = Array.from(CHART.time);

interface Periods {
  keys: number[];
  close: Map<number, number>;
  high: Map<number, number>;
}
function periods(keyOf: (t: number) => number): Periods {
  const keys: number[] = [];
  const close = new Map<number, number>();
  const high = new Map<number, number>();
  time.forEach((t, i) => {
    const k = keyOf(t);
    if (!close.has(k)) keys.push(k);
    close.set(k, CHART.close[i] as number);
    high.set(k, Math.max(high.get(k) ?? -Infinity, CHART.high[i] as number));
  });
  return { keys, close, high };
}
const W = periods(weekKey);
const M = periods(monthKey);

/** What a daily chart (24x7: a bar closes at the next midnight) sees of a value per period: lookahead_off, the
 * last confirmed period's (arriving on the bar that closes it, else on the next period's first bar);
 * lookahead_on, its own period's; gaps_on, na except where a value arrives (lookahead_on: the
 * period's first bar). */
function seen(keyOf: (t: number) => number, endOf: (k: number) => number, value: (k: number) => number, look: boolean, gaps: boolean): number[] {
  const out: number[] = [];
  let confirmed = NaN;
  let prevK = NaN;
  let prevClosed = true;
  time.forEach((t) => {
    const k = keyOf(t);
    const first = k !== prevK;
    let arrived = false;
    if (first && !prevClosed) {
      confirmed = value(prevK);
      arrived = true;
    }
    const closed = t + DAY >= endOf(k);
    if (closed) {
      confirmed = value(k);
      arrived = true;
    }
    prevK = k;
    prevClosed = closed;
    if (look) out.push(gaps && !first ? NaN : value(k));
    else out.push(gaps && !arrived ? NaN : confirmed);
  });
  return out;
}

/** The week before week k (the previous weekly bar) and its last daily close: the inner request's
 * value there ("1D" in a "1W" context: the week's last daily bar), read with [1]. */
const prevWeekClose = (k: number): number => {
  const j = W.keys.indexOf(k);
  return j > 0 ? (W.close.get(W.keys[j - 1] as number) as number) : NaN;
};
const sma3 = (k: number): number => {
  const j = W.keys.indexOf(k);
  if (j < 2) return NaN;
  return ([0, 1, 2].map((d) => W.close.get(W.keys[j - d] as number) as number).reduce((a, b) => a + b) / 3);
};
const s2time = Array.from(SPX2.time);

const wClose = (k: number): number => W.close.get(k) as number;
const mClose = (k: number): number => M.close.get(k) as number;
const confirmedW = seen(weekKey, weekEnd, wClose, false, false);
const confirmedM = seen(monthKey, monthEnd, mClose, false, false);

const WANT: Record<string, number[]> = {
  wd: seen(weekKey, weekEnd, prevWeekClose, false, false),
  wd_gaps: seen(weekKey, weekEnd, prevWeekClose, false, true),
  wd_on: seen(weekKey, weekEnd, prevWeekClose, true, false),
  wd_on_gaps: seen(weekKey, weekEnd, prevWeekClose, true, true),
  fn_sma: seen(weekKey, weekEnd, sma3, false, false),
  // "1W" inside "1D" of a daily chart: the inner request's own weekly values, shown daily.
  dw: confirmedW,
  dm_high: seen(monthKey, monthEnd, (k) => M.high.get(k) as number, false, false),
  // SPX2's last day on or before the chart's; inside it, syminfo.tickerid is SPX2 (its close × 2)
  // and "X:SPX" the chart's rows on or before SPX2's day.
  other_own: time.map((t) => {
    const j = lastAtOrBefore(s2time, t);
    return j < 0 ? NaN : 2 * (SPX2.close[j] as number);
  }),
  other_other: time.map((t) => {
    const j = lastAtOrBefore(s2time, t);
    const i = j < 0 ? -1 : lastAtOrBefore(time, s2time[j] as number);
    return i < 0 ? NaN : (CHART.close[i] as number);
  }),
  // timeframe "" inside a weekly request is the weekly timeframe (na, so false, before a value).
  tf: confirmedW.map((v) => (Number.isNaN(v) ? 0 : 1)),
  dyn: confirmedW.map((v, i) => v + (confirmedM[i] as number)),
};

function build(interpreted: boolean): Instance {
  const b = Instance.builder(P).symbol(SYM).timeframe('1D');
  if (interpreted) b.interpreted();
  return b.build();
}
const again = (inst: Instance, interpreted: boolean): Instance => {
  const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
  if (interpreted) rb.interpreted();
  return rb.build();
};
const barAt = (i: number) => ({ time: CHART.time[i] as number, open: CHART.open[i] as number, high: CHART.high[i] as number, low: CHART.low[i] as number, close: CHART.close[i] as number, volume: CHART.volume[i] as number });
const LOOKAHEAD_ON = new Set(['wd_on', 'wd_on_gaps']);

/** Equal up to rounding (ta.sma sums as it goes; the hand SMA sums three closes): |got - want| <=
 * 1e-9 · |want|, na where want is na; the first difference named with its date. */
function expectNear(got: number[], want: number[], title: string): void {
  expect(got.length, title).toBe(want.length);
  const bad = got.findIndex((v, i) => {
    const w = want[i] as number;
    return Number.isNaN(w) ? !Number.isNaN(v) : !(Math.abs(v - w) <= 1e-9 * Math.abs(w));
  });
  expect(bad < 0 ? 'all equal' : `${title}: bar ${bad} (${new Date(time[bad] as number).toISOString().slice(0, 10)}): got ${got[bad]}, want ${want[bad]}`).toBe('all equal');
}

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('nested request.security (%s tier)', (_tier, interpreted) => {
  test('history through runBars: every level against the hand resample (lookahead and gaps on the outer level)', () => {
    const inst = build(interpreted);
    runBarsAnswering(inst, CHART, answer);
    for (const [title, want] of Object.entries(WANT)) expectNear(plotOf(P, inst, title), want, title);
    // (The weekly values are not all na: the test compares real numbers.)
    expect(WANT.wd?.filter((v) => !Number.isNaN(v)).length).toBeGreaterThan(50);
  });

  test('bar by bar: the same values (lookahead_on has no bars ahead: the week so far, left out)', () => {
    const inst = build(interpreted);
    for (let i = 0; i < N; i++) expect(settle(inst, inst.runBar(barAt(i)), answer).status).toBe('done');
    for (const [title, want] of Object.entries(WANT)) if (!LOOKAHEAD_ON.has(title)) expectNear(plotOf(P, inst, title), want, title);
  });

  test('a snapshot at bar 0, 1, the middle or N-1 restores and continues with identical values', () => {
    const whole = build(interpreted);
    runBarsAnswering(whole, CHART, answer);
    for (const k of [0, 1, 150, N - 1]) {
      const first = build(interpreted);
      runBarsAnswering(first, CHART, answer, 0, k);
      const second = again(first, interpreted);
      runBarsAnswering(second, CHART, answer, k, N);
      for (const o of P.outputs) expect(plotOf(P, second, o.title), `split at ${k}: ${o.title}`).toEqual(plotOf(P, whole, o.title));
    }
  });

  test('suspended on the inner request\'s host call, saved and restored there: it resumes identically', () => {
    const whole = build(interpreted);
    runBarsAnswering(whole, CHART, answer);
    let inst = build(interpreted);
    const asked: string[] = [];
    for (let i = 0; i < 30; i++) {
      let r = inst.runBar(barAt(i));
      while (r.status === 'needs-data') {
        asked.push(r.request.symbol);
        // Saved while waiting (inside the outer request's expression), restored, then answered.
        inst = again(inst, interpreted);
        expect(inst.isSuspended).toBe(true);
        const a = answer(r.request);
        inst.provideData(r.request.symbol, a.datasets, a.why ?? '');
        r = inst.resume();
      }
      expect(r.status).toBe('done');
    }
    expect(asked).toContain('X:SPX');
    expect(asked).toContain('SPX2');
    for (const [title, want] of Object.entries(WANT)) if (!LOOKAHEAD_ON.has(title)) expectNear(plotOf(P, inst, title).slice(0, 30), want.slice(0, 30), title);
  });

  test('instruction budgets, saved and restored at every stop (inside both levels), give the uninterrupted values', () => {
    const bars = 12;
    const whole = build(interpreted);
    for (let i = 0; i < bars; i++) settle(whole, whole.runBar(barAt(i)), answer);
    for (const budget of [13, 37]) {
      let inst = build(interpreted);
      for (let i = 0; i < bars; i++) {
        let r = settle(inst, inst.runBar(barAt(i), { budget }), answer, { budget });
        while (r.status === 'yielded') {
          inst = again(inst, interpreted);
          r = settle(inst, inst.resume({ budget }), answer, { budget });
        }
      }
      for (const o of P.outputs) expect(plotOf(P, inst, o.title), `budget ${budget}: ${o.title}`).toEqual(plotOf(P, whole, o.title));
    }
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('nested request.security during a replay (%s tier)', (_tier, interpreted) => {
  const FROM = 100;
  const TO = 130;
  /** Bars 0..FROM-1 as history, then each bar as two ticks (the first at its open) and its
   * confirmation; optionally saved and restored after the first tick of bar `reloadAt`. */
  function replay(reloadAt: number | null): { inst: Instance; first: Record<string, number[]>; last: Record<string, number[]> } {
    let inst = build(interpreted);
    runBarsAnswering(inst, CHART, answer, 0, FROM);
    const first: Record<string, number[]> = { dw: [], wd: [] };
    const last: Record<string, number[]> = { dw: [], wd: [] };
    const note = (into: Record<string, number[]>, i: number) => {
      for (const t of Object.keys(into)) into[t]?.push(plotOf(P, inst, t)[i] as number);
    };
    for (let i = FROM; i < TO; i++) {
      const b = barAt(i);
      expect(settle(inst, inst.updateBar({ ...b, high: b.open, low: b.open, close: b.open }), answer).status).toBe('done');
      note(first, i);
      if (i === reloadAt) inst = again(inst, interpreted);
      expect(settle(inst, inst.updateBar(b), answer).status).toBe('done');
      note(last, i);
      expect(settle(inst, inst.runBar(b), answer).status).toBe('done');
    }
    return { inst, first, last };
  }

  test('ticks repaint the forming outer bar (and the inner one in it); confirmed bars keep the historical values', () => {
    const { inst, first, last } = replay(null);
    const bars = Array.from({ length: TO - FROM }, (_, j) => FROM + j);
    // "1W" inside "1D": on a tick both forming bars show the tick's close (the open, then the close).
    expect(first.dw).toEqual(bars.map((i) => CHART.open[i]));
    expect(last.dw).toEqual(bars.map((i) => CHART.close[i]));
    // The forming week's inner value [1]: the previous week's last daily close, on every tick.
    const prev = bars.map((i) => prevWeekClose(weekKey(time[i] as number)));
    expect(first.wd).toEqual(prev);
    expect(last.wd).toEqual(prev);
    // Confirmed, every bar shows what a run over history gives (lookahead_on aside: no bars ahead).
    for (const [title, want] of Object.entries(WANT)) if (!LOOKAHEAD_ON.has(title)) expectNear(plotOf(P, inst, title).slice(0, TO), want.slice(0, TO), title);
  });

  test('reloading mid-replay (between two ticks) continues with identical values', () => {
    const a = replay(null);
    const b = replay(113);
    expect(b.last).toEqual(a.last);
    for (const o of P.outputs) expect(plotOf(P, b.inst, o.title), o.title).toEqual(plotOf(P, a.inst, o.title));
  });
});

describe('nested requests: what is refused, and the CLI', () => {
  test('request.security_lower_tf at either level of a nested request is a compile error naming it', () => {
    const errs = (src: string): string[] => {
      const r = compile(`//@version=6\nindicator("x")\n${src}\n`);
      return r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
    };
    expect(errs('a = request.security(syminfo.tickerid, "1W", array.size(request.security_lower_tf(syminfo.tickerid, "60", close)))\nplot(a)')).toEqual([
      "3:57 A 'request.security_lower_tf' call inside the expression of another request is not supported yet: call it outside, or request.security() a lower timeframe there.",
    ]);
    expect(errs('a = request.security_lower_tf(syminfo.tickerid, "60", request.security(syminfo.tickerid, "1D", close))\nplot(array.size(a))')).toEqual([
      "3:55 A 'request.security' call inside the expression of 'request.security_lower_tf' is not supported yet: request it outside, in the script's own context.",
    ]);
  });

  test('an inner request of a symbol without data fails naming it, at the inner call; ignore_invalid_symbol gives na', () => {
    const R = program('//@version=6\nindicator("x")\nplot(request.security(syminfo.tickerid, "1W", request.security("NOPE", "1D", close)))\nplot(request.security(syminfo.tickerid, "1W", nz(request.security("NOPE", "1D", close, ignore_invalid_symbol = true), -1)), "ign")\n');
    const inst = Instance.builder(R).symbol(SYM).timeframe('1D').build();
    expect(() => runBarsAnswering(inst, CHART, answer)).toThrow(/request.security\(\): no data for symbol "NOPE" \(not in this test\)/);
    const S = program('//@version=6\nindicator("x")\nplot(request.security(syminfo.tickerid, "1W", nz(request.security("NOPE", "1D", close, ignore_invalid_symbol = true), -1)), "ign")\n');
    const ok = Instance.builder(S).symbol(SYM).timeframe('1D').build();
    runBarsAnswering(ok, CHART, answer);
    // -1 once the first week is confirmed (the inner value is na), na before.
    expect(plotOf(S, ok, 'ign')).toEqual(confirmedW.map((v) => (Number.isNaN(v) ? NaN : -1)));
  });

  test('evergreen run: a nested request on the chart\'s own ticker and another symbol\'s file', () => {
    const { dir, chart, otherPath, chartBars, other } = spxFiles('evergreen-nested-');
    const script = join(dir, 'n.pine');
    writeFileSync(
      script,
      '//@version=6\nindicator("n")\nplot(request.security(syminfo.tickerid, "1W", request.security(syminfo.tickerid, "1D", close)[1], lookahead = barmerge.lookahead_on), "wd")\nplot(request.security("SPX2", "1D", request.security(syminfo.tickerid, "1D", close * 2)), "o")\n',
    );
    const r = cli(['run', script, '--data', chart, '--data-for', `SPX2=${otherPath}`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as Out;
    // lookahead_on: on every day of week k, the last close of the week before (the CLI's chart is a
    // stock's daily bars; its weeks are those of the dates).
    const days = Array.from(chartBars.time);
    const lastClose = new Map<number, number>();
    days.forEach((t, i) => lastClose.set(weekKey(t), chartBars.close[i] as number));
    const weeks = [...lastClose.keys()];
    expect(out.plots.wd).toEqual(days.map((t) => {
      const j = weeks.indexOf(weekKey(t));
      return j > 0 ? (lastClose.get(weeks[j - 1] as number) as number) : null;
    }));
    const byDate = new Map<number, number>();
    for (let i = 0; i < other.length; i++) byDate.set(other.time[i] as number, other.close[i] as number);
    expect(out.plots.o).toEqual(days.map((t) => 2 * (byDate.get(t) as number)));
  });
});

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('lookahead and gaps on the inner level (%s tier)', (_tier, interpreted) => {
  const Q = program(`//@version=6
indicator("inner")
plot(request.security(syminfo.tickerid, "1D", request.security(syminfo.tickerid, "1W", close, lookahead = barmerge.lookahead_on)), "on")
plot(request.security(syminfo.tickerid, "1D", request.security(syminfo.tickerid, "1W", close, barmerge.gaps_on, barmerge.lookahead_on)), "on_gaps")
plot(request.security(syminfo.tickerid, "1D", request.security(syminfo.tickerid, "1W", close, barmerge.gaps_on)), "off_gaps")
`);
  const qb = () => {
    const b = Instance.builder(Q).symbol(SYM).timeframe('1D');
    if (interpreted) b.interpreted();
    return b.build();
  };

  test('"1W" inside "1D": lookahead_on shows the whole week (from the chart rows ahead), gaps_on na between values', () => {
    const inst = qb();
    runBarsAnswering(inst, CHART, answer);
    expectNear(plotOf(Q, inst, 'on'), seen(weekKey, weekEnd, wClose, true, false), 'on');
    expectNear(plotOf(Q, inst, 'on_gaps'), seen(weekKey, weekEnd, wClose, true, true), 'on_gaps');
    expectNear(plotOf(Q, inst, 'off_gaps'), seen(weekKey, weekEnd, wClose, false, true), 'off_gaps');
  });

  test('inside another symbol\'s request, lookahead_on above its timeframe fails on history, naming what is missing', () => {
    const R = program('//@version=6\nindicator("x")\nplot(request.security("SPX2", "1D", request.security(syminfo.tickerid, "1W", close, lookahead = barmerge.lookahead_on)))\n');
    const b = Instance.builder(R).symbol(SYM).timeframe('1D');
    if (interpreted) b.interpreted();
    expect(() => runBarsAnswering(b.build(), CHART, answer)).toThrow(
      /request.security\(lookahead = barmerge.lookahead_on\) at "1W" inside the expression of another symbol's request at "1D" is not supported yet on historical bars/,
    );
  });
});
