// The benchmark baselines (plain-JS versions of bench/scripts/*.pine) checked against TradingView's
// own values (tests/fixtures/tradingview/ta, see COLUMNS.md), plus hand calculations for what the
// fixtures do not cover (daily VWAP, the user function of script c) and the synthetic bar generator.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Cci,
  DEFAULT_A,
  DEFAULT_B,
  PLOTS_B,
  Smoother,
  baselineA,
  baselineB,
  baselineC,
} from '../../bench/baselines.js';
import { SYNTHETIC_START_MS, syntheticBars } from '../../bench/synthetic.js';
import type { BarColumns } from '../../vm/data/bars.js';
import { parseBarsCsv } from '../../vm/data/csv.js';

const TA = new URL('../fixtures/tradingview/ta/', import.meta.url);

interface Fixture {
  bars: BarColumns;
  column(name: string): Float64Array;
}

/** Splits one CSV line, honouring double quotes (fixture headers quote names containing commas). */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function fixture(name: string): Fixture {
  const text = readFileSync(new URL(name, TA), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = splitLine(lines[0] as string).map((h) => h.replaceAll('&quot;', '"'));
  const rows = lines.slice(1).map(splitLine);
  return {
    bars: parseBarsCsv(text, { name }).bars,
    column(col: string): Float64Array {
      const j = header.indexOf(col);
      if (j < 0) throw new Error(`${name} has no column ${col}; it has ${header.join(' | ')}`);
      return Float64Array.from(rows, (r) => Number(r[j]));
    },
  };
}

/** Asserts |ours - tv| <= 1e-8 + 1e-5·|tv| on the first `rows` rows, na equal to na; reports the
 * first mismatching row. */
function expectClose(label: string, ours: Float64Array, tv: Float64Array, rows = tv.length): void {
  expect(ours.length).toBeGreaterThanOrEqual(rows);
  for (let i = 0; i < rows; i++) {
    const a = ours[i] as number;
    const b = tv[i] as number;
    const ok = Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
    if (!ok) expect({ label, row: i, ours: a }).toEqual({ label, row: i, ours: b });
  }
}

describe('script (a) baseline against TradingView', () => {
  it('sma and ema match ta.sma(close, 10) and ta.ema(close, 20) (ma.csv, verified rows)', () => {
    const f = fixture('ma.csv');
    const out = baselineA(f.bars, { ...DEFAULT_A, smaLen: 10 });
    expectClose('sma', out.sma14, f.column('ta.sma(close, 10)'), 102);
    expectClose('ema', out.ema20, f.column('ta.ema(close, 20)'), 102);
  });

  it('rsi matches ta.rsi(close, 14) (mfi+rsi+stoch.csv)', () => {
    const f = fixture('mfi+rsi+stoch.csv');
    expectClose('rsi', baselineA(f.bars).rsi14, f.column('ta.rsi(close, 14)'));
  });

  it('rma matches ta.rma(high, 15) (ma.csv)', () => {
    const f = fixture('ma.csv');
    const rma = Smoother.rma(15);
    expectClose('rma', Float64Array.from(f.bars.high, (h) => rma.step(h)), f.column('ta.rma(high, 15)'), 102);
  });
});

describe('script (b) baseline against TradingView', () => {
  it('MACD(12, 26, 9): line, signal (seeded after the line warms up) and histogram', () => {
    const f = fixture('macd.csv');
    const out = baselineB(f.bars);
    expectClose('macd', out.macd, f.column('ta.macd(close, 12, 26, 9).macd'));
    expectClose('signal', out.signal, f.column('ta.macd(close, 12, 26, 9).signal'));
    expectClose('hist', out.hist, f.column('ta.macd(close, 12, 26, 9).hist'));
  });

  it('Bollinger(20, 2)', () => {
    const f = fixture('bb.csv');
    const out = baselineB(f.bars);
    expectClose('basis', out.bb_basis, f.column('ta.bb(close, 20, 2).base'));
    expectClose('upper', out.bb_upper, f.column('ta.bb(close, 20, 2).upper'));
    expectClose('lower', out.bb_lower, f.column('ta.bb(close, 20, 2).lower'));
  });

  it('ATR(14), seeded from the first bar with tr(true)', () => {
    const f = fixture('tr.csv');
    expectClose('atr', baselineB(f.bars).atr, f.column('ta.atr(14)'));
  });

  it('raw stochastic (smoothing 1) matches ta.stoch(close, high, low, 20)', () => {
    const f = fixture('mfi+rsi+stoch.csv');
    const out = baselineB(f.bars, { ...DEFAULT_B, stoch: [20, 1, 1] });
    expectClose('stoch', out.stoch_k, f.column('ta.stoch(close, high, low, 20)'));
    expectClose('stoch d = sma(k, 1)', out.stoch_d, f.column('ta.stoch(close, high, low, 20)'));
  });

  it('CCI(20) of close', () => {
    const f = fixture('cci+cmo+cog.csv');
    const cci = new Cci(20);
    expectClose('cci', Float64Array.from(f.bars.close, (c) => cci.step(c)), f.column('ta.cci(close, 20)'));
  });

  it('Supertrend(3, 10): value split by direction as in the fixture', () => {
    const f = fixture('supertrend.csv');
    const out = baselineB(f.bars);
    const up = out.supertrend.map((v, i) => ((out.st_direction[i] as number) < 0 ? v : NaN));
    const down = out.supertrend.map((v, i) => ((out.st_direction[i] as number) > 0 ? v : NaN));
    expectClose('up', up, f.column('ta.supertrend(3, 10).up'));
    expectClose('down', down, f.column('ta.supertrend(3, 10).down'));
    expect(out.st_direction[0]).toBe(1);
  });

  it('DMI(17, 14): +DI, -DI, ADX', () => {
    const f = fixture('dmi.csv');
    const out = baselineB(f.bars, { ...DEFAULT_B, dmi: [17, 14] });
    expectClose('+di', out.plus_di, f.column('ta.dmi(17, 14).dip'));
    expectClose('-di', out.minus_di, f.column('ta.dmi(17, 14).dim'));
    expectClose('adx', out.adx, f.column('ta.dmi(17, 14).adx'));
  });

  it('highest(high, 10) and lowest(low, 10)', () => {
    const f = fixture('highest+lowest.csv');
    const out = baselineB(f.bars, { ...DEFAULT_B, extremeLen: 10 });
    expectClose('highest', out.highest, f.column('ta.highest(10)'));
    expectClose('lowest', out.lowest, f.column('ta.lowest(10)'));
  });

  it('crossover(ema(close, 5), ema(close, 11)) as 1/0', () => {
    const f = fixture('cross.csv');
    const out = baselineB(f.bars, { ...DEFAULT_B, cross: [5, 11] });
    expectClose('crossover', out.cross, f.column('ta.crossover(ema1, ema2)'));
  });

  it('has the 19 plots of b.pine, each one value per bar', () => {
    const out = baselineB(syntheticBars(500, 1));
    expect(Object.keys(out)).toEqual([...PLOTS_B]);
    for (const k of PLOTS_B) expect(out[k].length).toBe(500);
  });

  it('daily VWAP is na until the first UTC day change, then restarts each day (hand calculation)', () => {
    const H = 3_600_000;
    const day2 = Date.UTC(2024, 0, 2);
    const bars: BarColumns = {
      time: Float64Array.of(day2 - 2 * H, day2 - H, day2, day2 + H, day2 + 24 * H),
      open: Float64Array.of(1, 1, 1, 1, 1),
      high: Float64Array.of(12, 12, 12, 16, 10),
      low: Float64Array.of(6, 6, 6, 8, 4),
      close: Float64Array.of(9, 9, 9, 12, 7),
      volume: Float64Array.of(5, 5, 10, 30, 2),
      length: 5,
    };
    const vwap = baselineB(bars).vwap;
    // hlc3: 9, 9, 9, 12, 7. Day 2 starts at bar 2: 9; then (9*10 + 12*30) / 40 = 11.25; day 3: 7.
    expect(Array.from(vwap)).toEqual([NaN, NaN, 9, (9 * 10 + 12 * 30) / 40, 7]);
  });
});

describe('script (c) baseline', () => {
  it('follows f(close, len) by hand on three bars', () => {
    const bars = syntheticBars(3, 9);
    const [c0, c1, c2] = Array.from(bars.close) as [number, number, number];
    // len = 2: s = nz(close[0])*2 + nz(close[1])*1; acc := 0.9*acc + 0.1*s, acc starting at 0.
    const acc0 = 0.9 * 0 + 0.1 * (0 + c0 * 2 + 0 * 1);
    const acc1 = 0.9 * acc0 + 0.1 * (0 + c1 * 2 + c0 * 1);
    const acc2 = 0.9 * acc1 + 0.1 * (0 + c2 * 2 + c1 * 1);
    expect(Array.from(baselineC(bars, 2).f)).toEqual([acc0, acc1, acc2]);
  });
});

describe('syntheticBars', () => {
  const bars = syntheticBars(20_000, 42);

  it('is deterministic, and a longer run extends a shorter one', () => {
    const again = syntheticBars(20_000, 42);
    expect(again.close).toEqual(bars.close);
    const short = syntheticBars(100, 42);
    expect(Array.from(short.high)).toEqual(Array.from(bars.high.subarray(0, 100)));
    expect(syntheticBars(100, 43).close).not.toEqual(short.close);
  });

  it('makes plausible one-minute candles from a fixed UTC start', () => {
    expect(bars.length).toBe(20_000);
    expect(bars.time[0]).toBe(SYNTHETIC_START_MS);
    for (let i = 0; i < bars.length; i++) {
      const o = bars.open[i] as number;
      const h = bars.high[i] as number;
      const l = bars.low[i] as number;
      const c = bars.close[i] as number;
      const ok =
        h >= Math.max(o, c) && l <= Math.min(o, c) && l > 0 && (bars.volume[i] as number) > 0 &&
        bars.time[i] === SYNTHETIC_START_MS + i * 60_000 && (i === 0 || o === bars.close[i - 1]);
      if (!ok) expect({ i, o, h, l, c, v: bars.volume[i] }).toBe('a plausible candle');
    }
  });
});
