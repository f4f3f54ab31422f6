// color.*: constructors, getters, gradients and the named constants. Sources: the v6 Reference
// pages (quoted) and arithmetic over the encoding of vm/runtime/color-value.ts.

import { describe, expect, it } from 'vitest';
import { lookupFn, lookupVar } from '../../vm/builtins/registry.js';
import { colorB, colorG, colorR, colorT, makeColor } from '../../vm/runtime/color-value.js';
import { gradientColor } from '../../vm/builtins/color.js';
import { call, constValue, makeRuntime } from './harness.js';

const rt = makeRuntime();
const C = 'color';
const red = constValue('color.red') as number;

describe('color constants', () => {
  it('have the Reference RGB values and are opaque const colors', () => {
    const expected: Record<string, [number, number, number]> = {
      aqua: [0x00, 0xbc, 0xd4],
      black: [0x36, 0x3a, 0x45],
      blue: [0x29, 0x62, 0xff],
      fuchsia: [0xe0, 0x40, 0xfb],
      gray: [0x78, 0x7b, 0x86],
      green: [0x4c, 0xaf, 0x50],
      lime: [0x00, 0xe6, 0x76],
      maroon: [0x88, 0x0e, 0x4f],
      navy: [0x31, 0x1b, 0x92],
      olive: [0x80, 0x80, 0x00],
      orange: [0xff, 0x98, 0x00],
      purple: [0x9c, 0x27, 0xb0],
      red: [0xf2, 0x36, 0x45],
      silver: [0xb2, 0xb5, 0xbe],
      teal: [0x08, 0x99, 0x81],
      white: [0xff, 0xff, 0xff],
      yellow: [0xfd, 0xd8, 0x35],
    };
    for (const [name, [r, g, b]] of Object.entries(expected)) {
      const c = constValue(`color.${name}`) as number;
      expect([colorR(c), colorG(c), colorB(c), colorT(c)], name).toEqual([r, g, b, 0]);
      expect(lookupVar(`color.${name}`)?.type.qual, name).toBe(0);
    }
  });
});

describe('color functions', () => {
  it('color.new applies a transparency: color.t(color.new(color.red, 37)) == 37', () => {
    const c = call(rt, 'color.new', [C, 'float'], [red, 37]) as number;
    expect(call(rt, 'color.t', [C], [c])).toBe(37);
    expect([colorR(c), colorG(c), colorB(c)]).toEqual([0xf2, 0x36, 0x45]);
    // Reference example: color.t(color.new(color.red, 50)) plots 50.
    expect(call(rt, 'color.t', [C], [call(rt, 'color.new', [C, 'float'], [red, 50])])).toBe(50);
  });

  it('color.new keeps one decimal of transparency and clamps to 0..100', () => {
    expect(colorT(call(rt, 'color.new', [C, 'float'], [red, 12.5]) as number)).toBe(12.5);
    expect(colorT(call(rt, 'color.new', [C, 'float'], [red, 150]) as number)).toBe(100);
    expect(colorT(call(rt, 'color.new', [C, 'float'], [red, -5]) as number)).toBe(0);
    expect(call(rt, 'color.new', [C, 'float'], [NaN, 50])).toBeNaN();
  });

  it('color.rgb(red, green, blue, transp = 0) round-trips through r, g, b, t', () => {
    const c = call(rt, 'color.rgb', ['float', 'float', 'float', 'float'], [255, 0, 128, 50]) as number;
    expect(call(rt, 'color.r', [C], [c])).toBe(255);
    expect(call(rt, 'color.g', [C], [c])).toBe(0);
    expect(call(rt, 'color.b', [C], [c])).toBe(128);
    expect(call(rt, 'color.t', [C], [c])).toBe(50);
    const opaque = call(rt, 'color.rgb', ['float', 'float', 'float'], [1, 2, 3], { defaults: [0] }) as number;
    expect(colorT(opaque)).toBe(0);
    expect(lookupFn('color.rgb')?.[0]?.params[3]?.default).toBe('0');
  });

  it('getters of na are na', () => {
    for (const g of ['color.r', 'color.g', 'color.b', 'color.t']) expect(call(rt, g, [C], [NaN])).toBeNaN();
  });

  it('from_gradient interpolates by the value\'s relative position, clamped to the range', () => {
    const bottom = makeColor(0, 0, 0, 0);
    const top = makeColor(200, 100, 50, 80);
    const at = (v: number) => call(rt, 'color.from_gradient', ['float', 'float', 'float', C, C], [v, 0, 100, bottom, top]) as number;
    // Position 0.25: 200·0.25 = 50, 100·0.25 = 25, 50·0.25 = 12.5 → 13 (rounded), 80·0.25 = 20.
    const q = at(25);
    expect([colorR(q), colorG(q), colorB(q), colorT(q)]).toEqual([50, 25, 13, 20]);
    expect(at(0)).toBe(bottom);
    expect(at(100)).toBe(top);
    expect(at(-50)).toBe(bottom);
    expect(at(500)).toBe(top);
    expect(at(NaN)).toBeNaN();
    // A zero-width range gives the bottom color.
    expect(gradientColor(5, 5, 5, bottom, top)).toBe(bottom);
  });

  it('declares color.new / rgb / r / g / b / t pure and from_gradient series', () => {
    for (const n of ['color.new', 'color.rgb', 'color.r', 'color.g', 'color.b', 'color.t']) {
      expect(lookupFn(n)?.[0]?.pure, n).toBe(true);
    }
    expect(lookupFn('color.from_gradient')?.[0]?.pure).toBe(false);
    expect(lookupFn('color.from_gradient')?.[0]?.params.map((p) => p.name)).toEqual([
      'value',
      'bottom_value',
      'top_value',
      'bottom_color',
      'top_color',
    ]);
  });
});
