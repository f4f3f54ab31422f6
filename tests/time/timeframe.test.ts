// Timeframe strings (parseTimeframe, formatting, in/from seconds with the reference's examples),
// the timeframe.* variables on several charts, and timeframe.change's per-execution behaviour.

import { describe, expect, it } from 'vitest';
import { formatTimeframe, fromSeconds, inSeconds, parseTimeframe } from '../../vm/builtins/time/timeframe.js';
import { call, makeRuntime, read, RuntimeFailure, setBar } from './harness.js';

describe('parseTimeframe', () => {
  const good: [string, number, string][] = [
    ['1', 1, ''],
    ['15', 15, ''],
    ['60', 60, ''],
    ['240', 240, ''],
    ['1440', 1440, ''],
    ['1D', 1, 'D'],
    ['D', 1, 'D'],
    ['2D', 2, 'D'],
    ['W', 1, 'W'],
    ['3W', 3, 'W'],
    ['M', 1, 'M'],
    ['3M', 3, 'M'],
    ['12M', 12, 'M'],
    ['1S', 1, 'S'],
    ['30S', 30, 'S'],
    ['100T', 100, 'T'],
  ];
  for (const [tf, multiplier, unit] of good) {
    it(`"${tf}" is ${multiplier} × "${unit}"`, () => {
      expect(parseTimeframe(tf)).toEqual({ period: tf, multiplier, unit });
    });
  }

  it('rejects what is not a timeframe', () => {
    for (const tf of ['', '0', '0D', '1441', '13M', '53W', '366D', '5Q', '1H', 'd', '1d', '1.5', '-1', 'M1', 'S', 'T', ' ']) {
      expect(parseTimeframe(tf)).toBeNull();
    }
  });
});

describe('formatting and seconds', () => {
  it('timeframe.period text: "1D" in v6, "D" in v5; minutes without a unit', () => {
    const d = parseTimeframe('D');
    const m = parseTimeframe('60');
    const w2 = parseTimeframe('2W');
    if (d === null || m === null || w2 === null) throw new Error('parse');
    expect(formatTimeframe(d, 6)).toBe('1D');
    expect(formatTimeframe(d, 5)).toBe('D');
    expect(formatTimeframe(m, 6)).toBe('60');
    expect(formatTimeframe(w2, 5)).toBe('2W');
  });

  it('in_seconds: a month is 2,628,003 s', () => {
    expect(inSeconds('1S')).toBe(1);
    expect(inSeconds('30S')).toBe(30);
    expect(inSeconds('60')).toBe(3600);
    expect(inSeconds('1D')).toBe(86_400);
    expect(inSeconds('12M')).toBe(12 * 2_628_003);
  });

  it('from_seconds: the reference examples and ties to the larger unit', () => {
    expect(fromSeconds(1)).toBe('1S');
    expect(fromSeconds(0)).toBe('1S');
    for (const s of [2, 3, 4, 5]) expect(fromSeconds(s)).toBe('5S');
    expect(fromSeconds(604_799)).toBe('7D');
    expect(fromSeconds(604_800)).toBe('1W');
    expect(fromSeconds(31_622_401)).toBe('12M');
    expect(fromSeconds(60)).toBe('1');
    expect(fromSeconds(61)).toBe('2');
    expect(fromSeconds(3600)).toBe('60');
    expect(fromSeconds(14_400)).toBe('240');
    expect(fromSeconds(86_400)).toBe('1D');
    expect(fromSeconds(2_628_003)).toBe('1M');
    expect(fromSeconds(3 * 2_628_003)).toBe('3M');
  });

  it('timeframe.from_seconds through the registry; na gives na', () => {
    const rt = makeRuntime();
    expect(call(rt, 'timeframe.from_seconds', [300 * 5])).toBe('25');
    expect(call(rt, 'timeframe.from_seconds', [Number.NaN])).toBeNull();
  });

  it('timeframe.in_seconds with an empty string or na is the chart timeframe', () => {
    const rt = makeRuntime(undefined, '240');
    expect(call(rt, 'timeframe.in_seconds', [''])).toBe(14_400);
    expect(call(rt, 'timeframe.in_seconds', [null])).toBe(14_400);
  });

  it('timeframe.in_seconds on a tick chart is an error', () => {
    const rt = makeRuntime(undefined, '10T');
    expect(() => call(rt, 'timeframe.in_seconds', [''])).toThrow(RuntimeFailure);
  });
});

describe('timeframe.* variables', () => {
  const flags = ['isseconds', 'isminutes', 'isticks', 'isintraday', 'isdaily', 'isweekly', 'ismonthly', 'isdwm'];
  const charts: [string, number, string, string, string[]][] = [
    ['240', 240, '240', '240', ['isminutes', 'isintraday']],
    ['30S', 30, '30S', '30S', ['isseconds', 'isintraday']],
    ['D', 1, '1D', 'D', ['isdaily', 'isdwm']],
    ['W', 1, '1W', 'W', ['isweekly', 'isdwm']],
    ['3M', 3, '3M', '3M', ['ismonthly', 'isdwm']],
    ['100T', 100, '100T', '100T', ['isticks', 'isintraday']],
  ];
  for (const [tf, mult, v6, v5, on] of charts) {
    it(`on a "${tf}" chart`, () => {
      const rt6 = makeRuntime(undefined, tf, 6);
      const rt5 = makeRuntime(undefined, tf, 5);
      expect(read(rt6, 'timeframe.period')).toBe(v6);
      expect(read(rt6, 'timeframe.main_period')).toBe(v6);
      expect(read(rt5, 'timeframe.period')).toBe(v5);
      expect(read(rt6, 'timeframe.multiplier')).toBe(mult);
      for (const f of flags) expect(read(rt6, `timeframe.${f}`), f).toBe(on.includes(f) ? 1 : 0);
    });
  }
});

describe('timeframe.change', () => {
  const FIVE = 5 * 60_000;
  const t0 = Date.parse('2024-01-01T00:00:00Z');

  it('the chart timeframe changes on every bar but the first', () => {
    const rt = makeRuntime(undefined, '5');
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      setBar(rt, i, t0 + i * FIVE);
      got.push(call(rt, 'timeframe.change', ['']) as number);
    }
    expect(got).toEqual([0, 1, 1, 1]);
  });

  it('"15" on 5-minute bars of a 24x7 UTC symbol: true at :00, :15, :30, :45', () => {
    const rt = makeRuntime(undefined, '5');
    const got: number[] = [];
    for (let i = 0; i < 8; i++) {
      setBar(rt, i, t0 + 10 * 60_000 + i * FIVE); // 00:10, 00:15, ..., 00:45
      got.push(call(rt, 'timeframe.change', ['15']) as number);
    }
    expect(got).toEqual([0, 1, 0, 0, 1, 0, 0, 1]);
  });

  it('a second call in the same bar (a loop) gives the same answer', () => {
    const rt = makeRuntime(undefined, '5');
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      setBar(rt, i, t0 + 10 * 60_000 + i * FIVE);
      const a = call(rt, 'timeframe.change', ['15']) as number;
      const b = call(rt, 'timeframe.change', ['15']) as number;
      got.push(a, b);
    }
    expect(got).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('a call site that does not run on a bar compares with the last bar it ran on', () => {
    // Runs on 00:10, 00:20, 00:30 only: 00:20 is in the 00:15 period (new vs 00:10's 00:00 period),
    // 00:30 in the 00:30 period (new vs 00:15).
    const rt = makeRuntime(undefined, '5');
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      setBar(rt, i, t0 + 10 * 60_000 + i * FIVE);
      if (i % 2 === 0) got.push(call(rt, 'timeframe.change', ['15']) as number);
    }
    expect(got).toEqual([0, 1, 1]);
  });

  it('"D" on a 24x7 UTC symbol is true at midnight UTC', () => {
    const rt = makeRuntime(undefined, '60');
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      setBar(rt, i, Date.parse('2024-01-01T22:00:00Z') + i * 3_600_000);
      got.push(call(rt, 'timeframe.change', ['D']) as number);
    }
    expect(got).toEqual([0, 0, 1, 0]);
  });

  it('a bad timeframe is a runtime error naming it', () => {
    const rt = makeRuntime();
    setBar(rt, 0, t0);
    expect(() => call(rt, 'timeframe.change', ['1H'])).toThrow(/timeframe\.change\(\): "1H" is not a timeframe/);
  });
});
