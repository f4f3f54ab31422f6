// request.currency_rate(from, to): the daily exchange rate from a rate pair's dataset the host gives
// like another symbol's bars (FROMTO, else the inverse pair TOFROM, divided by), as `currency =`
// converts prices: the close of the pair's daily bar that opened at or before the chart bar; 1 for
// a currency and itself; na with ignore_invalid_currency when no pair is given, else an error
// naming the pair and how to give it. Synthetic daily bars, expected values by hand; both tiers;
// a snapshot while waiting for the pair's bars restores.

import { describe, expect, test } from 'vitest';
import { Instance, runBarsAnswering, settle, type DataAnswer } from '../../vm/index.js';
import { CHART, cols, dailyInstance, DAY, plotOf, program, restoredCopy, START } from './helpers.js';

// Chart (in EUR): days 0..9, close 10 + day. EURUSD: days 0..9 without day 5, close 2 on days 0..3,
// 0.5 from day 4 (day 5: day 4's 0.5).
const RATE_DAYS = [0, 1, 2, 3, 4, 6, 7, 8, 9];
const EURUSD = cols(RATE_DAYS.map((d) => ({ time: START + d * DAY, close: d < 4 ? 2 : 0.5 })));
const SYM = { ticker: 'DAX', tickerid: 'X:DAX', session: '24x7', timezone: 'Etc/UTC', currency: 'EUR' };

const P = program(`//@version=6
indicator("currency rate")
plot(request.currency_rate("EUR", "USD"), "eurusd")
plot(request.currency_rate(syminfo.currency, currency.USD), "chart_usd")
plot(close * request.currency_rate(syminfo.currency, "USD"), "close_usd")
plot(request.security(syminfo.tickerid, "1D", close, currency = currency.USD), "conv")
plot(request.currency_rate("USD", "EUR"), "usdeur")
plot(request.currency_rate("EUR", "EUR"), "same")
plot(request.currency_rate("EUR", "JPY", ignore_invalid_currency = true), "none")
`);

// By hand: the rate 2, 2, 2, 2, 0.5, 0.5 (day 5: day 4's), 0.5, ...; the chart's closes times it
// 20, 22, 24, 26, 7, 7.5, 8, ... — what currency = USD gives; USDEUR (not given) is 1 / EURUSD.
const WANT: Record<string, number[]> = {
  eurusd: [2, 2, 2, 2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  chart_usd: [2, 2, 2, 2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  close_usd: [20, 22, 24, 26, 7, 7.5, 8, 8.5, 9, 9.5],
  conv: [20, 22, 24, 26, 7, 7.5, 8, 8.5, 9, 9.5],
  usdeur: [0.5, 0.5, 0.5, 0.5, 2, 2, 2, 2, 2, 2],
  same: Array<number>(10).fill(1),
  none: Array<number>(10).fill(NaN),
};

const answer: DataAnswer = (req) => (req.symbol === 'EURUSD' ? { datasets: [{ bars: EURUSD, timeframe: '1D' }] } : { datasets: null, why: `no --data-for ${req.symbol}` });
const plots = (inst: Instance) => Object.fromEntries(Object.keys(WANT).map((t) => [t, plotOf(P, inst, t)]));

describe.each([
  ['compiled', false],
  ['interpreted', true],
])('request.currency_rate with a rate dataset (%s tier)', (_tier, interpreted) => {
  test('runBars: the pair, its inverse, the same currency and a missing pair ignored', () => {
    const inst = dailyInstance(P, SYM, interpreted);
    const asked = new Set<string>();
    runBarsAnswering(inst, CHART, (r) => {
      asked.add(r.symbol);
      return answer(r);
    });
    expect([...asked].sort()).toEqual(['EURJPY', 'EURUSD', 'JPYEUR', 'USDEUR']);
    expect(plots(inst)).toEqual(WANT);
  });

  test('bar by bar, restored while waiting for the pair and after every bar', () => {
    let inst = dailyInstance(P, SYM, interpreted);
    const r = inst.runBar({ time: START, open: 9.5, high: 11, low: 9, close: 10, volume: 10 });
    expect(r).toEqual({ status: 'needs-data', bar: 0, request: { symbol: 'EURUSD', timeframe: '1D', lower: false } });
    inst = restoredCopy(inst, interpreted);
    expect(settle(inst, inst.resume(), answer).status).toBe('done');
    for (let i = 1; i < 10; i++) {
      inst = restoredCopy(inst, interpreted);
      expect(settle(inst, inst.runBar({ time: START + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 }), answer).status).toBe('done');
    }
    expect(plots(inst)).toEqual(WANT);
  });
});

test('no rate pair: an error naming the pair, its inverse and how to give it; a non-string currency is an error at the argument', () => {
  const p = program('//@version=6\nindicator("x")\nplot(request.currency_rate("EUR", "GBP"))\n');
  const inst = Instance.builder(p).symbol(SYM).timeframe('1D').build();
  expect(() => runBarsAnswering(inst, CHART, answer)).toThrow(/request.currency_rate\(\): no data for the exchange rate EURGBP \(or GBPEUR\) at "1D" or lower.*--data-for EURGBP=file\.csv/);
  const bad = (() => {
    try {
      program('//@version=6\nindicator("x")\nplot(request.currency_rate("EUR", 5))\n');
      return '';
    } catch (e) {
      return String(e);
    }
  })();
  expect(bad).toMatch(/3:35 Cannot call 'request.currency_rate' with argument 'to'=`5`: expected a currency/);
});
