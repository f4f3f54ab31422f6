// request.security(syminfo.tickerid, tf, expr, currency = X): the CHART's own prices converted to
// currency X with an exchange-rate dataset the host gives (the pair FROMTO, FROM the chart's
// syminfo.currency, or the inverse pair TOFROM), as for another symbol: open, high, low and close
// of each chart bar times the close of the pair's last bar (at the requested timeframe) that opened
// at or before it, before they fold into the requested bar; volume is not converted. Synthetic daily
// bars, expected values worked out by hand; both tiers; a snapshot while waiting for the rate and
// runBars split at every bar restore identically; a missing pair fails naming it.

import { describe, expect, test } from 'vitest';
import { Instance, runBarsAnswering, settle, type DataAnswer } from '../../vm/index.js';
import { CHART, dailyInstance, cols, DAY, plotOf, program, restoredCopy, START } from './helpers.js';

const na = NaN;
// Chart (in EUR): days 0..9 (Mon 1 Jan 2024 ..), close 10 + day, high/low close ± 1, volume 10.
// EURUSD: days 0..9 without day 5, close 2 on days 0..3 and 0.5 from day 4; USDEUR its inverse.
const RATE_DAYS = [0, 1, 2, 3, 4, 6, 7, 8, 9];
const EURUSD = cols(RATE_DAYS.map((d) => ({ time: START + d * DAY, close: d < 4 ? 2 : 0.5 })));
const USDEUR = cols(RATE_DAYS.map((d) => ({ time: START + d * DAY, close: d < 4 ? 0.5 : 2 })));
const SYM = { ticker: 'DAX', tickerid: 'X:DAX', session: '24x7', timezone: 'Etc/UTC', currency: 'EUR' };

const P = program(`//@version=6
indicator("own currency")
plot(request.security(syminfo.tickerid, "1D", close, currency = currency.USD), "usd")
plot(request.security(syminfo.tickerid, "1D", ta.sma(close, 2), currency = currency.USD), "sma")
plot(request.security(syminfo.tickerid, "1D", volume, currency = currency.USD), "vol")
plot(request.security(syminfo.tickerid, "1W", close, currency = currency.USD), "week")
plot(request.security(syminfo.tickerid, "1W", high, lookahead = barmerge.lookahead_on, currency = currency.USD), "week_high_ahead")
plot(request.security(syminfo.tickerid, "1D", close, currency = currency.EUR), "eur")
plot(request.security(syminfo.tickerid, "1D", close), "plain")
plot(request.security(syminfo.tickerid, "1D", syminfo.currency == "USD" ? 1 : 0, currency = currency.USD), "cur_usd")
plot(request.security(syminfo.tickerid, "1W", syminfo.currency, lookahead = barmerge.lookahead_on, currency = currency.USD) == "USD" ? 1 : 0, "cur_week")
plot(request.security(syminfo.tickerid, "1D", syminfo.currency == "EUR" ? 1 : 0), "cur_plain")
plot(syminfo.currency == "EUR" ? 1 : 0, "cur_chart")
`);

// By hand: close × rate: 10 × 2 = 20, 22, 24, 26; day 4: 14 × 0.5 = 7, day 5 (no rate bar: day
// 4's 0.5) 7.5, 8, 8.5, 9, 9.5. sma(2): na, 21, 23, 25, (26 + 7) / 2 = 16.5, 7.25, 7.75, ...
// Weekly (the week of days 0..6 closes with day 6): its rate is the close of EURUSD's week bar that
// opened with it (days 0..6: last close 0.5): 16 × 0.5 = 8 from day 6 on (na before).
// lookahead_on, high: the whole week's high 17 × 0.5 = 8.5 on days 0..6, then the next week
// (days 7..9 so far; rate 0.5) 20 × 0.5 = 10. Volume stays 10; EUR (the chart's own currency) and
// no currency leave the closes as they are. syminfo.currency is USD inside the requests converting
// to USD (the requested context's prices are in it), EUR (the chart's) inside the others and outside.
const ONES = Array<number>(10).fill(1);
const PLAIN = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
const WANT: Record<string, number[]> = {
  usd: [20, 22, 24, 26, 7, 7.5, 8, 8.5, 9, 9.5],
  sma: [na, 21, 23, 25, 16.5, 7.25, 7.75, 8.25, 8.75, 9.25],
  vol: Array<number>(10).fill(10),
  week: [na, na, na, na, na, na, 8, 8, 8, 8],
  week_high_ahead: [8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 8.5, 10, 10, 10],
  eur: PLAIN,
  plain: PLAIN,
  cur_usd: ONES,
  cur_week: ONES,
  cur_plain: ONES,
  cur_chart: ONES,
};

const direct: DataAnswer = (req) => (req.symbol === 'EURUSD' ? { datasets: [{ bars: EURUSD, timeframe: '1D' }] } : { datasets: null, why: `give it with --data-for ${req.symbol}=file.csv` });
const inverse: DataAnswer = (req) => (req.symbol === 'USDEUR' ? { datasets: [{ bars: USDEUR, timeframe: '1D' }] } : { datasets: null, why: `give it with --data-for ${req.symbol}=file.csv` });
const plots = (inst: Instance) => Object.fromEntries(Object.keys(WANT).map((t) => [t, plotOf(P, inst, t)]));

describe.each([
  ['compiled', false],
  ['interpreter', true],
])("request.security(currency = ...) of the chart's own symbol (%s)", (_tier, interpreted) => {
  const build = () => dailyInstance(P, SYM, interpreted);
  const restore = (inst: Instance) => restoredCopy(inst, interpreted);

  test('the pair EURUSD converts the chart\'s EUR prices to USD (daily and weekly, lookahead on and off)', () => {
    const inst = build();
    const asked: string[] = [];
    runBarsAnswering(inst, CHART, (r) => {
      asked.push(`${r.symbol} ${r.timeframe}`);
      return direct(r);
    });
    // (One answer for the pair serves both timeframes.)
    expect(asked).toEqual(['EURUSD 1D']);
    expect(plots(inst)).toEqual(WANT);
  });

  test('without EURUSD the inverse pair USDEUR divides', () => {
    const inst = build();
    runBarsAnswering(inst, CHART, inverse);
    expect(plots(inst)).toEqual(WANT);
  });

  test('restored while waiting for the rate pair, and runBars split and restored at every bar', () => {
    let inst = build();
    const r = inst.runBar({ time: START, open: 9.5, high: 11, low: 9, close: 10, volume: 10 });
    expect(r).toEqual({ status: 'needs-data', bar: 0, request: { symbol: 'EURUSD', timeframe: '1D', lower: false } });
    inst = restore(inst);
    expect(settle(inst, inst.resume(), direct).status).toBe('done');
    inst = restore(inst);
    runBarsAnswering(inst, CHART, direct, 1);
    // Bar 0 ran alone (no bars ahead): its lookahead_on week is the week formed so far, 11 × 0.5.
    expect(plots(inst)).toEqual({ ...WANT, week_high_ahead: [5.5, ...(WANT.week_high_ahead as number[]).slice(1)] });
    for (let k = 1; k < 10; k++) {
      let split = build();
      runBarsAnswering(split, CHART, direct, 0, k);
      split = restore(split);
      runBarsAnswering(split, CHART, direct, k);
      expect(plots(split), `split at ${k}`).toEqual(WANT);
    }
  });

  test('stopped by an instruction budget and restored at every stop (inside the converted expression too): the same values', () => {
    for (const budget of [1, 3, 8]) {
      let inst = build();
      for (let i = 0; i < 10; i++) {
        let r = inst.runBar({ time: START + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 }, { budget });
        for (let guard = 0; guard < 10_000 && r.status !== 'done'; guard++) {
          if (r.status === 'yielded') {
            inst = restore(inst);
            r = inst.resume({ budget });
          } else r = settle(inst, r, direct);
        }
        expect(r.status).toBe('done');
      }
      // Bars one at a time: lookahead_on shows the week formed so far (its high: the day's).
      const got = plots(inst);
      expect({ ...got, week_high_ahead: [] }, `budget ${budget}`).toEqual({ ...WANT, week_high_ahead: [] });
    }
  });

  test('no rate pair: an error naming the pair, its inverse and how to give it', () => {
    const inst = build();
    expect(() => runBarsAnswering(inst, CHART, () => ({ datasets: null, why: 'not given' }))).toThrow(
      /currency = USD converts the prices of the chart's symbol "X:DAX" from EUR, which needs the exchange rate EURUSD \(or USDEUR\).*--data-for EURUSD=file\.csv/,
    );
  });
});
