// na(), nz(), fixnan() and the casts. Sources: the v6 Reference pages (quoted), the v6 migration
// guide, and the TradingView fixture base/na.csv (see tests/fixtures/tradingview/COLUMNS.md).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupFn } from '../../vm/builtins/registry.js';
import { fixnanStep, newFixnanState } from '../../vm/builtins/na.js';
import { makeColor } from '../../vm/runtime/color-value.js';
import { newArray } from '../../vm/runtime/heap.js';
import { call, makeRuntime } from './harness.js';

const rt = makeRuntime();

describe('na()', () => {
  it('is true for na of every type and false otherwise', () => {
    expect(call(rt, 'na', ['float'], [NaN])).toBe(1);
    expect(call(rt, 'na', ['float'], [0])).toBe(0);
    expect(call(rt, 'na', ['int'], [NaN])).toBe(1);
    expect(call(rt, 'na', ['int'], [5])).toBe(0);
    expect(call(rt, 'na', ['color'], [NaN])).toBe(1);
    expect(call(rt, 'na', ['color'], [makeColor(0, 0, 0, 100)])).toBe(0);
    expect(call(rt, 'na', ['string'], [null])).toBe(1);
    expect(call(rt, 'na', ['string'], [''])).toBe(0);
    expect(call(rt, 'na', ['any'], [null])).toBe(1);
    expect(call(rt, 'na', ['any'], [newArray([])])).toBe(0);
  });

  it('is false for bools: v6 bools are never na (migration guide: "Boolean values cannot be na")', () => {
    expect(call(rt, 'na', ['bool'], [false])).toBe(0);
    expect(call(rt, 'na', ['bool'], [true])).toBe(0);
  });

  it('puts int before the boxed overload so int arguments need no conversion', () => {
    const bases = (lookupFn('na') ?? []).map((s) => s.params[0]?.type.base);
    expect(bases.indexOf('int')).toBeLessThan(bases.indexOf('any'));
    expect(bases.indexOf('float')).toBeLessThan(bases.indexOf('any'));
  });
});

describe('nz()', () => {
  it('"returns zero, or the replacement argument when one is used"', () => {
    expect(call(rt, 'nz', ['float', 'float'], [NaN], { defaults: [0] })).toBe(0);
    expect(call(rt, 'nz', ['float', 'float'], [NaN, 2])).toBe(2);
    expect(call(rt, 'nz', ['float', 'float'], [1.5, 2])).toBe(1.5);
    expect(call(rt, 'nz', ['int', 'int'], [NaN, 7])).toBe(7);
    expect(call(rt, 'nz', ['int', 'int'], [3, 7])).toBe(3);
  });

  it('declares the type-specific defaults: 0 for int, 0.0 for float, #00000000 for color', () => {
    const def = (base: string) =>
      (lookupFn('nz') ?? []).find((s) => s.params[0]?.type.base === base)?.params[1]?.default;
    expect(def('int')).toBe('0');
    expect(def('float')).toBe('0.0');
    expect(def('color')).toBe('#00000000');
    const transparentBlack = makeColor(0, 0, 0, 100);
    expect(call(rt, 'nz', ['color', 'color'], [NaN], { defaults: [transparentBlack] })).toBe(transparentBlack);
  });

  it('keeps bools as they are', () => {
    expect(call(rt, 'nz', ['bool', 'bool'], [true, false])).toBe(1);
  });
});

describe('fixnan()', () => {
  it('"replaces NaN values with previous nearest non-NaN value"', () => {
    const st = newFixnanState();
    const src = [NaN, 1, NaN, NaN, 4, NaN];
    expect(src.map((v, bar) => fixnanStep(st, bar, v))).toEqual([NaN, 1, 1, 1, 4, 4]);
  });

  it('a second call on the same bar replaces the first (per-execution rule)', () => {
    const st = newFixnanState();
    fixnanStep(st, 0, 1);
    fixnanStep(st, 1, 5);
    // Same bar again with na: the bar's 5 is replaced, so the previous bar's 1 shows.
    expect(fixnanStep(st, 1, NaN)).toBe(1);
    expect(fixnanStep(st, 2, NaN)).toBe(1);
  });

  it('is stateful for int, float and color', () => {
    for (const s of lookupFn('fixnan') ?? []) {
      if (s.params[0]?.type.base !== 'bool') expect(s.stateful).toBe(true);
    }
  });
});

describe('casts', () => {
  it('int() truncates toward zero and keeps na', () => {
    expect(call(rt, 'int', ['float'], [3.9])).toBe(3);
    expect(call(rt, 'int', ['float'], [-3.9])).toBe(-3);
    expect(call(rt, 'int', ['float'], [NaN])).toBeNaN();
    expect(call(rt, 'int', ['int'], [12])).toBe(12);
  });

  it('bool(): "false if x is na, false, or an int/float value equal to 0", true otherwise', () => {
    expect(call(rt, 'bool', ['float'], [NaN])).toBe(0);
    expect(call(rt, 'bool', ['float'], [0])).toBe(0);
    expect(call(rt, 'bool', ['float'], [-0.5])).toBe(1);
    expect(call(rt, 'bool', ['float'], [2])).toBe(1);
    expect(call(rt, 'bool', ['bool'], [true])).toBe(1);
  });

  it('float(), color() and string() pass values (and na) through', () => {
    expect(call(rt, 'float', ['float'], [NaN])).toBeNaN();
    expect(call(rt, 'float', ['float'], [2])).toBe(2);
    expect(call(rt, 'color', ['color'], [NaN])).toBeNaN();
    expect(call(rt, 'string', ['string'], [null])).toBe(null);
    expect(call(rt, 'string', ['string'], ['x'])).toBe('x');
  });

  it('are pure, so const arguments give const results', () => {
    for (const n of ['int', 'float', 'bool', 'color', 'string', 'na', 'nz']) {
      expect((lookupFn(n) ?? []).every((s) => s.pure), n).toBe(true);
    }
  });
});

describe('TradingView fixture base/na.csv', () => {
  // COLUMNS.md: val = bar_index % 2 == 0 ? bar_index : na; columns val, na(val) ? 0 : 1,
  // nz(val), nz(val, 2), fixnan(val).
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tradingview', 'base', 'na.csv');
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const rows = lines.slice(1).map((l) => {
    // The header has a quoted cell; data rows have none.
    const cells = l.split(',');
    return cells.slice(6).map(Number);
  });

  it('has the expected shape', () => {
    expect(lines[0]).toBe('time,open,high,low,close,Volume,val,na(val),nz(val),"nz(val, 2)",fixnan(val)');
    expect(rows.length).toBe(300);
  });

  it('reproduces every row', () => {
    const r = makeRuntime();
    const same = (ours: number, tv: number) => (Number.isNaN(tv) ? Number.isNaN(ours) : Math.abs(ours - tv) <= 1e-8 + 1e-5 * Math.abs(tv));
    let checked = 0;
    rows.forEach((row, bar) => {
      r.bar = bar;
      const val = bar % 2 === 0 ? bar : NaN;
      const isNa = call(r, 'na', ['int'], [val]) as number;
      const got = [
        val,
        isNa ? 0 : 1,
        call(r, 'nz', ['int', 'int'], [val], { defaults: [0] }) as number,
        call(r, 'nz', ['int', 'int'], [val, 2]) as number,
        call(r, 'fixnan', ['int'], [val], { slot: 0 }) as number,
      ];
      row.forEach((tv, k) => {
        expect(same(got[k] ?? NaN, tv), `bar ${bar} column ${k}: ours ${got[k]}, tv ${tv}`).toBe(true);
        checked++;
      });
    });
    expect(checked).toBe(1500);
  });
});
