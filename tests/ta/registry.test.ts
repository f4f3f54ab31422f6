// The ta namespace as the compiler and interpreter see it: every function, overload and parameter
// name of Pine v6's reference manual is registered, and the adapters read their arguments from
// registers, write results (tuples too) to the destination registers, keep their state in rt.cs,
// and fail with a clear runtime error on invalid lengths.

import { describe, expect, test } from 'vitest';
import '../../vm/builtins/ta/index.js';
import { lookupFn, lookupVar, type FnSpec } from '../../vm/builtins/registry.js';
import { DEFAULT_LIMITS, FIXED_REGISTERS, R, type Runtime } from '../../vm/runtime/runtime.js';
import type { PineArray } from '../../vm/runtime/heap.js';
import { column, loadFixture, mismatches, describe as describeMismatches } from './fixture.js';

class Failure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function makeRuntime(): Runtime {
  return {
    f: new Float64Array(FIXED_REGISTERS + 64).fill(NaN),
    o: new Array<unknown>(FIXED_REGISTERS + 64).fill(null),
    cs: [],
    bar: 0,
    syminfo: {
      ticker: 'EURUSD',
      tickerid: 'FX:EURUSD',
      prefix: 'FX',
      description: 'EUR/USD',
      type: 'forex',
      currency: 'USD',
      basecurrency: 'EUR',
      timezone: 'Etc/UTC',
      session: '24x7',
      mintick: 1e-5,
      pointvalue: 1,
    },
    timeframe: { period: '60', multiplier: 60, unit: '' },
    version: 6,
    limits: { ...DEFAULT_LIMITS },
    rng: new Uint32Array(4),
    logs: [],
    alerts: [],
    fail(code: string, message: string): never {
      throw new Failure(code, message);
    },
  };
}

const A = FIXED_REGISTERS + 10;
const D = FIXED_REGISTERS + 40;

/** The overload of `name` whose parameter names are exactly `params`. */
function fn(name: string, params: string[]): FnSpec {
  const specs = lookupFn(name) ?? [];
  const spec = specs.find((s) => s.params.map((p) => p.name).join(',') === params.join(','));
  if (!spec) throw new Error(`No ${name}(${params.join(', ')}); have ${specs.map((s) => s.signature).join(' | ')}`);
  return spec;
}

/** Sets the bar registers for row `b` of a fixture. */
function setBar(rt: Runtime, fx: ReturnType<typeof loadFixture>, b: number): void {
  rt.bar = b;
  rt.f[R.open] = fx.open[b] ?? NaN;
  rt.f[R.high] = fx.high[b] ?? NaN;
  rt.f[R.low] = fx.low[b] ?? NaN;
  rt.f[R.close] = fx.close[b] ?? NaN;
  rt.f[R.volume] = fx.volume[b] ?? NaN;
  rt.f[R.time] = fx.time[b] ?? NaN;
  rt.f[R.barIndex] = b;
  rt.f[R.hlc3] = ((fx.high[b] ?? NaN) + (fx.low[b] ?? NaN) + (fx.close[b] ?? NaN)) / 3;
}

describe('registered signatures', () => {
  // Parameter names of every overload, as in the v6 reference manual (named arguments use them).
  const expected: Record<string, string[][]> = {
    'ta.alma': [['series', 'length', 'offset', 'sigma', 'floor']],
    'ta.atr': [['length']],
    'ta.barssince': [['condition']],
    'ta.bb': [['series', 'length', 'mult']],
    'ta.bbw': [['series', 'length', 'mult']],
    'ta.cci': [['source', 'length']],
    'ta.change': [['source', 'length'], ['source', 'length'], ['source', 'length']],
    'ta.cmo': [['series', 'length']],
    'ta.cog': [['source', 'length']],
    'ta.correlation': [['source1', 'source2', 'length']],
    'ta.cross': [['source1', 'source2']],
    'ta.crossover': [['source1', 'source2']],
    'ta.crossunder': [['source1', 'source2']],
    'ta.cum': [['source']],
    'ta.dev': [['source', 'length']],
    'ta.dmi': [['diLength', 'adxSmoothing']],
    'ta.ema': [['source', 'length']],
    'ta.falling': [['source', 'length']],
    'ta.highest': [['source', 'length'], ['length']],
    'ta.highestbars': [['source', 'length'], ['length']],
    'ta.hma': [['source', 'length']],
    'ta.kc': [['series', 'length', 'mult', 'useTrueRange']],
    'ta.kcw': [['series', 'length', 'mult', 'useTrueRange']],
    'ta.linreg': [['source', 'length', 'offset']],
    'ta.lowest': [['source', 'length'], ['length']],
    'ta.lowestbars': [['source', 'length'], ['length']],
    'ta.macd': [['source', 'fastlen', 'slowlen', 'siglen']],
    'ta.max': [['source']],
    'ta.median': [['source', 'length'], ['source', 'length']],
    'ta.mfi': [['series', 'length']],
    'ta.min': [['source']],
    'ta.mode': [['source', 'length'], ['source', 'length']],
    'ta.mom': [['source', 'length']],
    'ta.percentile_linear_interpolation': [['source', 'length', 'percentage']],
    'ta.percentile_nearest_rank': [['source', 'length', 'percentage']],
    'ta.percentrank': [['source', 'length']],
    'ta.pivot_point_levels': [['type', 'anchor', 'developing']],
    'ta.pivothigh': [['leftbars', 'rightbars'], ['source', 'leftbars', 'rightbars']],
    'ta.pivotlow': [['leftbars', 'rightbars'], ['source', 'leftbars', 'rightbars']],
    'ta.range': [['source', 'length'], ['source', 'length']],
    'ta.rci': [['source', 'length']],
    'ta.rising': [['source', 'length']],
    'ta.rma': [['source', 'length']],
    'ta.roc': [['source', 'length']],
    'ta.rsi': [['source', 'length']],
    'ta.sar': [['start', 'inc', 'max']],
    'ta.sma': [['source', 'length']],
    'ta.stdev': [['source', 'length', 'biased']],
    'ta.stoch': [['source', 'high', 'low', 'length']],
    'ta.supertrend': [['factor', 'atrPeriod']],
    'ta.swma': [['source']],
    'ta.tr': [['handle_na']],
    'ta.tsi': [['source', 'short_length', 'long_length']],
    'ta.valuewhen': [
      ['condition', 'source', 'occurrence'],
      ['condition', 'source', 'occurrence'],
      ['condition', 'source', 'occurrence'],
      ['condition', 'source', 'occurrence'],
    ],
    'ta.variance': [['source', 'length', 'biased']],
    'ta.vwap': [['source', 'anchor'], ['source', 'anchor', 'stdev_mult']],
    'ta.vwma': [['source', 'length']],
    'ta.wma': [['source', 'length']],
    'ta.wpr': [['length']],
  };

  test.each(Object.entries(expected))('%s has the reference parameter names', (name, overloads) => {
    const specs = lookupFn(name) ?? [];
    expect(specs.map((s) => s.params.map((p) => p.name))).toEqual(overloads);
    for (const s of specs) expect(s.stateful, s.signature).toBe(true);
  });

  test('overloads by source type, defaults and results', () => {
    expect((lookupFn('ta.change') ?? []).map((s) => [s.params[0]?.type.base, s.results[0]?.base, s.params[1]?.default])).toEqual([
      ['int', 'int', '1'],
      ['float', 'float', '1'],
      ['bool', 'bool', '1'],
    ]);
    expect((lookupFn('ta.valuewhen') ?? []).map((s) => s.results[0]?.base)).toEqual(['color', 'int', 'float', 'bool']);
    expect(fn('ta.stdev', ['source', 'length', 'biased']).params[2]?.default).toBe('true');
    expect(fn('ta.kcw', ['series', 'length', 'mult', 'useTrueRange']).params[3]?.default).toBe('true');
    expect(fn('ta.alma', ['series', 'length', 'offset', 'sigma', 'floor']).params[4]?.default).toBe('false');
    expect(fn('ta.pivot_point_levels', ['type', 'anchor', 'developing']).results).toEqual([
      { qual: 3, base: 'array', elem: { qual: 3, base: 'float' } },
    ]);
    expect(fn('ta.vwap', ['source', 'anchor']).params[1]?.default).toContain('timeframe.change("1D")');
    expect(fn('ta.vwap', ['source', 'anchor', 'stdev_mult']).results).toHaveLength(3);
    expect(fn('ta.dmi', ['diLength', 'adxSmoothing']).results).toHaveLength(3);
    expect(fn('ta.supertrend', ['factor', 'atrPeriod']).results).toHaveLength(2);
  });

  test('the ta variables', () => {
    for (const name of ['ta.accdist', 'ta.nvi', 'ta.obv', 'ta.pvi', 'ta.pvt', 'ta.tr', 'ta.vwap', 'ta.wad']) {
      const v = lookupVar(name);
      expect(v?.type.base, name).toBe('float');
      expect(v && 'get' in v.impl && v.impl.stateful, name).toBe(true);
    }
    for (const name of ['ta.iii', 'ta.wvad']) {
      const v = lookupVar(name);
      expect(v && 'get' in v.impl, name).toBe(true);
    }
  });
});

describe('adapters', () => {
  test('ta.sma, ta.ema and ta.rsi through the registers match TradingView', () => {
    const fx = loadFixture('ta/mfi+rsi+stoch.csv');
    const ma = loadFixture('ta/ma.csv');
    const rt = makeRuntime();
    const sma = fn('ta.sma', ['source', 'length']);
    const ema = fn('ta.ema', ['source', 'length']);
    const rsi = fn('ta.rsi', ['source', 'length']);
    const out = { sma: [] as number[], ema: [] as number[], rsi: [] as number[] };
    for (let b = 0; b < ma.rows; b++) {
      setBar(rt, ma, b);
      rt.f[A] = rt.f[R.close];
      rt.f[A + 1] = 10;
      sma.impl(rt, A, D, 0);
      out.sma.push(rt.f[D]);
      rt.f[A + 1] = 20;
      ema.impl(rt, A, D, 1);
      out.ema.push(rt.f[D]);
    }
    const rt2 = makeRuntime();
    for (let b = 0; b < fx.rows; b++) {
      setBar(rt2, fx, b);
      rt2.f[A] = rt2.f[R.close];
      rt2.f[A + 1] = 14;
      rsi.impl(rt2, A, D, 0);
      out.rsi.push(rt2.f[D]);
    }
    for (const [name, ours, fixture] of [
      ['ta.sma(close, 10)', out.sma, ma],
      ['ta.ema(close, 20)', out.ema, ma],
      ['ta.rsi(close, 14)', out.rsi, fx],
    ] as const) {
      const m = mismatches(ours, column(fixture, name));
      expect(m, `${name}: ${describeMismatches(m)}`).toEqual([]);
    }
    expect(rt.cs).toHaveLength(2); // one state record per call site, in its own slot
  });

  test('tuple results go to consecutive registers (ta.macd)', () => {
    const fx = loadFixture('ta/macd.csv');
    const rt = makeRuntime();
    const macd = fn('ta.macd', ['source', 'fastlen', 'slowlen', 'siglen']);
    const cols: number[][] = [[], [], []];
    for (let b = 0; b < fx.rows; b++) {
      setBar(rt, fx, b);
      rt.f.set([rt.f[R.close], 12, 26, 9], A);
      macd.impl(rt, A, D, 0);
      for (let k = 0; k < 3; k++) cols[k]?.push(rt.f[D + k]);
    }
    ['macd', 'signal', 'hist'].forEach((part, k) => {
      const name = `ta.macd(close, 12, 26, 9).${part}`;
      const m = mismatches(cols[k] ?? [], column(fx, name));
      expect(m, `${name}: ${describeMismatches(m)}`).toEqual([]);
    });
  });

  test('bar-register overloads: ta.highest(length), ta.wpr, ta.tr(true), the ta.tr and ta.obv variables', () => {
    const hl = loadFixture('ta/highest+lowest.csv');
    const rt = makeRuntime();
    const highest = fn('ta.highest', ['length']);
    const lowestbars = fn('ta.lowestbars', ['length']);
    const h: number[] = [];
    const lb: number[] = [];
    for (let b = 0; b < hl.rows; b++) {
      setBar(rt, hl, b);
      rt.f[A] = 10;
      highest.impl(rt, A, D, 0);
      h.push(rt.f[D]);
      lowestbars.impl(rt, A, D, 1);
      lb.push(rt.f[D]);
    }
    expect(mismatches(h, column(hl, 'ta.highest(10)'))).toEqual([]);
    expect(mismatches(lb, column(hl, 'ta.lowestbars(10)'))).toEqual([]);

    const trf = loadFixture('ta/tr.csv');
    const rt2 = makeRuntime();
    const tr = fn('ta.tr', ['handle_na']);
    const trVar = lookupVar('ta.tr');
    const obvVar = lookupVar('ta.obv');
    if (!trVar || !('get' in trVar.impl) || !obvVar || !('get' in obvVar.impl)) throw new Error('ta.tr / ta.obv not registered');
    const t1: number[] = [];
    const t2: number[] = [];
    for (let b = 0; b < trf.rows; b++) {
      setBar(rt2, trf, b);
      rt2.f[A] = 1;
      tr.impl(rt2, A, D, 0);
      t1.push(rt2.f[D]);
      trVar.impl.get(rt2, 0, D, 1);
      t2.push(rt2.f[D]);
    }
    expect(mismatches(t1, column(trf, 'ta.tr(true)'))).toEqual([]);
    expect(mismatches(t2, column(trf, 'ta.tr'))).toEqual([]);

    const ob = loadFixture('ta/iii+nvi+obv.csv');
    const rt3 = makeRuntime();
    const obv: number[] = [];
    for (let b = 0; b < ob.rows; b++) {
      setBar(rt3, ob, b);
      obvVar.impl.get(rt3, 0, D, 0);
      obv.push(rt3.f[D]);
    }
    expect(mismatches(obv, column(ob, 'ta.obv'))).toEqual([]);
  });

  test('ta.pivot_point_levels returns a fresh array<float> of 11 levels', () => {
    const rt = makeRuntime();
    const ppl = fn('ta.pivot_point_levels', ['type', 'anchor', 'developing']);
    const bars: [number, number, number, number, boolean][] = [
      [10, 12, 9, 10, false],
      [10, 11, 8, 11, false],
      [11.5, 13, 11, 12, true],
    ];
    let first: unknown = null;
    bars.forEach(([o, h, l, c, anchor], b) => {
      rt.bar = b;
      rt.f[R.open] = o;
      rt.f[R.high] = h;
      rt.f[R.low] = l;
      rt.f[R.close] = c;
      rt.o[A] = 'Traditional';
      rt.f[A + 1] = anchor ? 1 : 0;
      rt.f[A + 2] = 0;
      ppl.impl(rt, A, D, 0);
      if (b === 0) first = rt.o[D];
    });
    const arr = rt.o[D] as PineArray;
    expect(arr.kind).toBe('array');
    expect(arr.items).toHaveLength(11);
    expect(arr.items[0]).toBeCloseTo((12 + 8 + 11) / 3, 12);
    expect(arr).not.toBe(first);
    expect((first as PineArray).items.every((x) => Number.isNaN(x))).toBe(true);
  });
});

describe('runtime errors', () => {
  const cases: [string, string[], number[], RegExp][] = [
    ['ta.sma', ['source', 'length'], [1, 0], /'length' argument \(0\) in 'ta\.sma'.*> 0/],
    ['ta.ema', ['source', 'length'], [1, -3], /'length' argument \(-3\) in 'ta\.ema'/],
    ['ta.highest', ['length'], [NaN], /'length' argument \(na\) in 'ta\.highest'/],
    ['ta.macd', ['source', 'fastlen', 'slowlen', 'siglen'], [1, 12, 0, 9], /'slowlen' argument \(0\) in 'ta\.macd'/],
    ['ta.pivothigh', ['leftbars', 'rightbars'], [2, -1], /'rightbars' argument \(-1\) in 'ta\.pivothigh'.*>= 0/],
    ['ta.valuewhen', ['condition', 'source', 'occurrence'], [1, 5, -1], /'occurrence' argument \(-1\) in 'ta\.valuewhen'.*>= 0/],
  ];
  test.each(cases)('%s with an invalid argument fails', (name, params, args, message) => {
    const rt = makeRuntime();
    rt.f.set(args, A);
    expect(() => fn(name, params).impl(rt, A, D, 0)).toThrow(message);
  });

  test('ta.pivot_point_levels rejects unknown types and developing Woodie pivots', () => {
    const rt = makeRuntime();
    const ppl = fn('ta.pivot_point_levels', ['type', 'anchor', 'developing']);
    rt.o[A] = 'Floor';
    rt.f.set([1, 0], A + 1);
    expect(() => ppl.impl(rt, A, D, 0)).toThrow(/'type' argument \("Floor"\).*Traditional, Fibonacci, Woodie, Classic, DM, Camarilla/);
    rt.o[A] = 'Woodie';
    rt.f.set([1, 1], A + 1);
    expect(() => ppl.impl(rt, A, D, 0)).toThrow(/developing.*Woodie/);
  });
});

describe('adapters write only their own result registers', () => {
  const CONSTS: Record<string, number> = {
    mult: 2,
    sigma: 6,
    offset: 0.85,
    start: 0.02,
    inc: 0.02,
    max: 0.2,
    percentage: 50,
    factor: 3,
    stdev_mult: 2,
    leftbars: 2,
    rightbars: 2,
  };
  const specs = allTaFunctions();
  test.each(specs.map((s) => [s.signature, s] as const))('%s', (_sig, spec) => {
    const rt = makeRuntime();
    const width = spec.results.length;
    const numericResult = spec.results.every((r) => r.base !== 'array');
    for (let b = 0; b < 12; b++) {
      const price = 100 + ((b * 7) % 5) - b / 3;
      rt.bar = b;
      rt.f[R.open] = price - 0.5;
      rt.f[R.high] = price + 1;
      rt.f[R.low] = price - 1;
      rt.f[R.close] = price;
      rt.f[R.volume] = 1000 + b;
      rt.f[R.hlc3] = price;
      rt.f[R.time] = 1_700_000_000_000 + b * 3_600_000;
      spec.params.forEach((p, i) => {
        if (p.type.base === 'string') rt.o[A + i] = 'Traditional';
        else if (p.type.base === 'bool') rt.f[A + i] = p.name === 'developing' ? 0 : b % 3 === 0 ? 1 : 0;
        else if (p.type.base === 'int') rt.f[A + i] = p.name === 'occurrence' ? 0 : 3;
        else rt.f[A + i] = CONSTS[p.name] ?? price;
      });
      rt.f.fill(-12345, D, D + 8);
      spec.impl(rt, A, D, 0);
      const first = numericResult ? width : 0;
      for (let k = first; k < 8; k++) expect(rt.f[D + k], `register d+${k} on bar ${b}`).toBe(-12345);
      if (!numericResult) expect((rt.o[D] as PineArray).items).toHaveLength(11);
    }
  });
});

function allTaFunctions(): FnSpec[] {
  const names = [
    'ta.alma', 'ta.atr', 'ta.barssince', 'ta.bb', 'ta.bbw', 'ta.cci', 'ta.change', 'ta.cmo', 'ta.cog', 'ta.correlation',
    'ta.cross', 'ta.crossover', 'ta.crossunder', 'ta.cum', 'ta.dev', 'ta.dmi', 'ta.ema', 'ta.falling', 'ta.highest',
    'ta.highestbars', 'ta.hma', 'ta.kc', 'ta.kcw', 'ta.linreg', 'ta.lowest', 'ta.lowestbars', 'ta.macd', 'ta.max',
    'ta.median', 'ta.mfi', 'ta.min', 'ta.mode', 'ta.mom', 'ta.percentile_linear_interpolation',
    'ta.percentile_nearest_rank', 'ta.percentrank', 'ta.pivot_point_levels', 'ta.pivothigh', 'ta.pivotlow', 'ta.range',
    'ta.rci', 'ta.rising', 'ta.rma', 'ta.roc', 'ta.rsi', 'ta.sar', 'ta.sma', 'ta.stdev', 'ta.stoch', 'ta.supertrend',
    'ta.swma', 'ta.tr', 'ta.tsi', 'ta.valuewhen', 'ta.variance', 'ta.vwap', 'ta.vwma', 'ta.wma', 'ta.wpr',
  ];
  return names.flatMap((n) => [...(lookupFn(n) ?? [])]);
}
