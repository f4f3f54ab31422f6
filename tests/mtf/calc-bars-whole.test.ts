// indicator(calc_bars_count = N) with a request of the chart's own symbol at a higher timeframe:
// the script runs on the data's last N bars, and the request is answered from the whole data (as
// TradingView's requests have their own history), so a weekly ta.sma(close, 4) has the weeks
// before the window and the first week's open is the real one. Through the interpreter and the
// compiled tier (a host answering with every bar) and the CLI. Expected values: weekly closes and
// opens read from the CSV rows here (weeks from Monday, UTC), the value of the last week that ended
// before the chart bar's week (lookahead_off on history).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Instance, runBarsAnswering } from '../../vm/index.js';
import { sliceBars } from '../../vm/data/bars.js';
import { cli, program, restoredCopy, spxFiles, type Out } from './helpers.js';

const N = 25;
const SRC = `//@version=6
indicator("whole", calc_bars_count = ${N})
plot(request.security(syminfo.tickerid, "1W", ta.sma(close, 4)), "wsma")
plot(request.security(syminfo.tickerid, "1W", open), "wopen")
plot(bar_index, "bi")
`;

const DAY = 86_400_000;
const monday = (t: number): number => t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;

describe('calc_bars_count and a request of the chart\'s own symbol', () => {
  const { dir, chart, chartBars } = spxFiles('evergreen-calc-whole-');
  const n = chartBars.length;
  // Weeks of the whole data: first open, last close.
  const weeks: { mon: number; open: number; close: number }[] = [];
  for (let i = 0; i < n; i++) {
    const m = monday(chartBars.time[i] as number);
    const w = weeks.at(-1);
    if (w && w.mon === m) w.close = chartBars.close[i] as number;
    else weeks.push({ mon: m, open: chartBars.open[i] as number, close: chartBars.close[i] as number });
  }
  const expected = { wsma: [] as (number | null)[], wopen: [] as (number | null)[] };
  for (let i = n - N; i < n; i++) {
    const k = weeks.findIndex((w) => w.mon === monday(chartBars.time[i] as number)) - 1; // the last week that ended
    const prev = weeks[k];
    expected.wopen.push(prev ? prev.open : null);
    expected.wsma.push(k >= 3 ? weeks.slice(k - 3, k + 1).reduce((a, w) => a + w.close, 0) / 4 : null);
  }
  const near = (a: (number | null)[], b: (number | null)[]) => a.length === b.length && a.every((v, i) => (v === null || Number.isNaN(v) ? b[i] === null : Math.abs(v - (b[i] ?? NaN)) < 1e-9));

  test.each([
    ['interpreter', true],
    ['compiled tier', false],
  ])('%s: weekly values from every bar of the data', (_name, interpreted) => {
    const p = program(SRC);
    const b = Instance.builder(p).symbol({ ticker: 'SPX', tickerid: 'SPX', timezone: 'Etc/UTC', session: '24x7' }).timeframe('1D').totalBars(N);
    if (interpreted) b.interpreted();
    const inst = b.build();
    const asked: string[] = [];
    runBarsAnswering(inst, sliceBars(chartBars, n - N), (req) => {
      asked.push(req.symbol);
      return { datasets: [{ bars: chartBars, timeframe: '1D', symbol: { ticker: 'SPX', tickerid: 'SPX' } }] };
    });
    expect(asked).toEqual(['SPX']);
    const col = (k: number) => Array.from(inst.outputs.column(k)).map((v) => (Number.isNaN(v) ? null : v));
    expect(col(2)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(near(col(0), expected.wsma)).toBe(true);
    expect(near(col(1), expected.wopen)).toBe(true);
    // The first weeks in the window have values: their history is before the window.
    expect(expected.wsma[0]).not.toBeNull();
  });

  test.each([
    ['interpreter', true],
    ['compiled tier', false],
  ])('%s: saved at every 5th bar and restored, the rest equals the uninterrupted run', (_name, interpreted) => {
    const p = program(SRC);
    const window = sliceBars(chartBars, n - N);
    const answer = () => ({ datasets: [{ bars: chartBars, timeframe: '1D', symbol: { ticker: 'SPX', tickerid: 'SPX' } }] });
    const make = () => {
      const b = Instance.builder(p).symbol({ ticker: 'SPX', tickerid: 'SPX', timezone: 'Etc/UTC', session: '24x7' }).timeframe('1D').totalBars(N);
      if (interpreted) b.interpreted();
      return b.build();
    };
    const whole = make();
    runBarsAnswering(whole, window, answer);
    for (let k = 0; k < N - 1; k += 5) {
      const a = make();
      runBarsAnswering(a, window, answer, 0, k + 1);
      const back = restoredCopy(a, interpreted);
      runBarsAnswering(back, window, answer, k + 1, N);
      for (let o = 0; o < 3; o++) {
        const want = Array.from(whole.outputs.column(o));
        const got = Array.from(back.outputs.column(o));
        expect(got.length, `split ${k}`).toBe(N);
        got.forEach((v, i) => expect(Object.is(v, want[i]), `split ${k} output ${o} bar ${i}`).toBe(true));
      }
    }
  });

  test('the CLI answers the chart\'s own ticker with every bar of --data', () => {
    const script = join(dir, 'w.pine');
    writeFileSync(script, SRC);
    const r = cli(['run', script, '--data', chart]);
    expect(r.err).toBe('');
    const out = JSON.parse(r.out) as Out;
    expect(out.bars).toBe(N);
    expect(near(out.plots.wsma ?? [], expected.wsma)).toBe(true);
    expect(near(out.plots.wopen ?? [], expected.wopen)).toBe(true);
  });
});
