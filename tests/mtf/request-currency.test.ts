// request.security(currency = X): another symbol's prices converted to currency X with an
// exchange-rate dataset the host gives like any other symbol (the pair FROMTO, e.g. EURUSD, or its
// inverse). Open, high, low and close of the requested bars are multiplied by the pair's close of
// its last bar that opened at or before the bar; volume is not converted. Synthetic daily bars,
// expected values worked out by hand; both tiers; a snapshot while waiting for the rate restores.

import { describe, expect, test } from 'vitest';
import { compile, Instance, runBarsAnswering, settle, type DataAnswer } from '../../vm/index.js';
import { CHART, dailyInstance, cols, DAY, OTHER, plotOf, program, START } from './helpers.js';


// Chart: days 0..9. OTHER (in EUR): days 0, 1, 2, 4, .., 9, close 100 + day, high/low close ± 1.
// EURUSD: days 0..9 without day 5, close 2 on days 0..3 and 0.5 from day 4 (day 5: day 4's 0.5).
// USDEUR (the inverse pair, for a host without EURUSD): 0.5 then 2.
const RATE_DAYS = [0, 1, 2, 3, 4, 6, 7, 8, 9];
const EURUSD = cols(RATE_DAYS.map((d) => ({ time: START + d * DAY, close: d < 4 ? 2 : 0.5 })));
const USDEUR = cols(RATE_DAYS.map((d) => ({ time: START + d * DAY, close: d < 4 ? 0.5 : 2 })));
const SYM = { ticker: 'CHART', tickerid: 'CHART', session: '24x7', timezone: 'Etc/UTC', currency: 'USD' };

const SRC = `//@version=6
indicator("currency")
plot(request.security("OTHER", "1D", close, currency = currency.USD), "usd")
plot(request.security("OTHER", "1D", high - low, currency = currency.USD), "range")
plot(request.security("OTHER", "1D", ta.sma(close, 2), currency = currency.USD), "sma")
plot(request.security("OTHER", "1D", volume, currency = currency.USD), "vol")
plot(request.security("OTHER", "1D", close, currency = currency.EUR), "eur")
plot(request.security("OTHER", "1D", close), "plain")
plot(request.security("OTHER", "1D", syminfo.currency == "USD" ? 1 : 0, currency = currency.USD), "cur_usd")
plot(request.security("OTHER", "1D", syminfo.currency == "EUR" ? 1 : 0), "cur_eur")
`;

// By hand: close × rate: day 0: 100 × 2 = 200, 1: 202, 2: 204, day 3 (no OTHER bar) 204 again,
// 4: 104 × 0.5 = 52, 5: 105 × 0.5 (day 4's rate) = 52.5, 53, 53.5, 54, 54.5. high - low = 2 × rate.
// sma(2) of converted closes: na, 201, 203, 203, (204 + 52) / 2 = 128, 52.25, 52.75, 53.25, ...
// Volume stays 10; currency = EUR (OTHER's own) and no currency leave closes as they are.
// Inside a converting request syminfo.currency is the requested currency (USD: its prices are in
// it), inside the others OTHER's own EUR.
const PLAIN = [100, 101, 102, 102, 104, 105, 106, 107, 108, 109];
const WANT: Record<string, number[]> = {
  usd: [200, 202, 204, 204, 52, 52.5, 53, 53.5, 54, 54.5],
  range: [4, 4, 4, 4, 1, 1, 1, 1, 1, 1],
  sma: [NaN, 201, 203, 203, 128, 52.25, 52.75, 53.25, 53.75, 54.25],
  vol: Array<number>(10).fill(10),
  eur: PLAIN,
  plain: PLAIN,
  cur_usd: Array<number>(10).fill(1),
  cur_eur: Array<number>(10).fill(1),
};

const other = { bars: OTHER, timeframe: '1D', symbol: { currency: 'EUR' } };
const direct: DataAnswer = (req) =>
  req.symbol === 'OTHER' ? { datasets: [other] } : req.symbol === 'EURUSD' ? { datasets: [{ bars: EURUSD, timeframe: '1D' }] } : { datasets: null, why: `give it with --data-for ${req.symbol}=file.csv` };
const inverse: DataAnswer = (req) =>
  req.symbol === 'OTHER' ? { datasets: [other] } : req.symbol === 'USDEUR' ? { datasets: [{ bars: USDEUR, timeframe: '1D' }] } : { datasets: null, why: `give it with --data-for ${req.symbol}=file.csv` };

describe('request.security(currency = ...) with a rate dataset (by hand)', () => {
  const P = program(SRC);
  for (const interpreted of [false, true]) {
    const tier = interpreted ? 'interpreter' : 'compiled';
    const build = () => dailyInstance(P, SYM, interpreted);

    test(`${tier}: the pair EURUSD converts OTHER's EUR prices to USD`, () => {
      const inst = build();
      const asked: string[] = [];
      runBarsAnswering(inst, CHART, (req) => {
        asked.push(req.symbol);
        return direct(req);
      });
      expect(asked).toEqual(['OTHER', 'EURUSD']);
      for (const [t, v] of Object.entries(WANT)) expect(plotOf(P, inst, t), `${tier} ${t}`).toEqual(v);
    });

    test(`${tier}: without EURUSD the inverse pair USDEUR divides`, () => {
      const inst = build();
      const asked: string[] = [];
      runBarsAnswering(inst, CHART, (req) => {
        asked.push(req.symbol);
        return inverse(req);
      });
      expect(asked).toEqual(['OTHER', 'EURUSD', 'USDEUR']);
      for (const [t, v] of Object.entries(WANT)) expect(plotOf(P, inst, t), `${tier} ${t}`).toEqual(v);
    });

    test(`${tier}: a snapshot while waiting for the rate pair, and between bars, goes on identically`, () => {
      let inst = build();
      const again = () => {
        const rb = Instance.restoreState(inst.saveState({ includeOutputs: true }));
        if (interpreted) rb.interpreted();
        return rb.build();
      };
      let r = inst.runBar({ time: START, open: 9.5, high: 11, low: 9, close: 10, volume: 10 });
      expect(r.status === 'needs-data' && r.request.symbol).toBe('OTHER');
      inst.provideData('OTHER', [other]);
      r = inst.resume();
      expect(r.status === 'needs-data' && r.request.symbol).toBe('EURUSD');
      inst = again();
      expect(inst.isSuspended).toBe(true);
      expect(settle(inst, inst.resume(), direct).status).toBe('done');
      for (let i = 1; i < 10; i++) {
        if (i % 3 === 0) inst = again();
        const bar = { time: START + i * DAY, open: 9.5 + i, high: 11 + i, low: 9 + i, close: 10 + i, volume: 10 };
        expect(settle(inst, inst.runBar(bar), direct).status).toBe('done');
      }
      for (const [t, v] of Object.entries(WANT)) expect(plotOf(P, inst, t), `${tier} ${t}`).toEqual(v);
    });
  }

  test('no rate dataset: the error names the pair and how to give it', () => {
    const p = program('//@version=6\nindicator("x")\nplot(request.security("OTHER", "1D", close, currency = currency.USD))\n');
    const inst = Instance.builder(p).symbol(SYM).timeframe('1D').build();
    const none: DataAnswer = (req) => (req.symbol === 'OTHER' ? { datasets: [other] } : { datasets: null, why: 'not given' });
    expect(() => runBarsAnswering(inst, CHART, none)).toThrow(/currency = USD converts the prices of "OTHER" from EUR, which needs the exchange rate EURUSD \(or USDEUR\).*--data-for EURUSD=file.csv/);
  });

  test("currency = on the chart's own symbol compiles (tests/mtf/request-currency-own.test.ts); a non-string currency is an error at the argument", () => {
    expect(compile('//@version=6\nindicator("x")\nplot(request.security(syminfo.tickerid, "1D", close, currency = currency.EUR))\n').program).not.toBeNull();
    const { program: p, diagnostics } = compile('//@version=6\nindicator("x")\nplot(request.security(syminfo.tickerid, "1D", close, currency = 5))\n');
    expect(p).toBeNull();
    expect(`${diagnostics[0]?.line}:${diagnostics[0]?.column} ${diagnostics[0]?.message}`).toMatch(/^3:65 Cannot call 'request.security' with argument 'currency'=`5`: expected a currency/);
  });
});
