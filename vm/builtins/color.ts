// Pine's color.* namespace: color.new, color.rgb, the component getters, color.from_gradient and
// the named color constants, over the encoding of runtime/color-value.ts (rgb24·1024 +
// round(transparency·10), na = NaN).

import { defineFn, defineVar } from './registry.js';
import { colorB, colorG, colorR, colorT, makeColor } from '../core/color.js';

/** The named constants with the RGB values of the v6 Reference Manual's constants pages
 * (e.g. "color.red: Is a named constant for #F23645 color"). */
export const NAMED_COLORS: Readonly<Record<string, string>> = {
  aqua: '#00BCD4',
  black: '#363A45',
  blue: '#2962FF',
  fuchsia: '#E040FB',
  gray: '#787B86',
  green: '#4CAF50',
  lime: '#00E676',
  maroon: '#880E4F',
  navy: '#311B92',
  olive: '#808000',
  orange: '#FF9800',
  purple: '#9C27B0',
  red: '#F23645',
  silver: '#B2B5BE',
  teal: '#089981',
  white: '#FFFFFF',
  yellow: '#FDD835',
};

/** An opaque color from "#RRGGBB". */
export function hexColor(hex: string): number {
  const v = parseInt(hex.slice(1, 7), 16);
  return makeColor((v >> 16) & 255, (v >> 8) & 255, v & 255, 0);
}

/** color.new: the same color with another transparency (0 opaque … 100 invisible). */
export function withTransparency(color: number, transp: number): number {
  if (color !== color) return NaN;
  return makeColor(colorR(color), colorG(color), colorB(color), transp);
}

/** color.from_gradient: the color at `value`'s relative position between bottom_value and
 * top_value, interpolating red, green, blue and transparency linearly. Positions outside the range
 * are clamped to its ends; a zero-width range gives the bottom color; na inputs give na. */
export function gradientColor(
  value: number,
  bottomValue: number,
  topValue: number,
  bottomColor: number,
  topColor: number,
): number {
  if (value !== value || bottomValue !== bottomValue || topValue !== topValue) return NaN;
  if (bottomColor !== bottomColor || topColor !== topColor) return NaN;
  let pos = (value - bottomValue) / (topValue - bottomValue);
  if (pos !== pos) pos = 0;
  pos = Math.min(1, Math.max(0, pos));
  const mix = (a: number, b: number) => a + (b - a) * pos;
  return makeColor(
    mix(colorR(bottomColor), colorR(topColor)),
    mix(colorG(bottomColor), colorG(topColor)),
    mix(colorB(bottomColor), colorB(topColor)),
    mix(colorT(bottomColor), colorT(topColor)),
  );
}

let registered = false;

/** Defines every color.* function and constant in the registry (once). */
export function registerColor(): void {
  if (registered) return;
  registered = true;
  const pure = { pure: true };

  defineFn(
    'color.new(color: series color, transp: series float): series color',
    (rt, a, d) => {
      rt.f[d] = withTransparency(rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN);
    },
    pure,
  );
  defineFn(
    'color.rgb(red: series float, green: series float, blue: series float, transp: series float = 0): series color',
    (rt, a, d) => {
      rt.f[d] = makeColor(rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN, rt.f[a + 2] ?? NaN, rt.f[a + 3] ?? NaN);
    },
    pure,
  );
  const getters: Array<[string, (c: number) => number]> = [
    ['r', colorR],
    ['g', colorG],
    ['b', colorB],
    ['t', colorT],
  ];
  for (const [name, fn] of getters) {
    defineFn(
      `color.${name}(color: series color): series float`,
      (rt, a, d) => {
        rt.f[d] = fn(rt.f[a] ?? NaN);
      },
      pure,
    );
  }
  defineFn(
    'color.from_gradient(value: series float, bottom_value: series float, top_value: series float, bottom_color: series color, top_color: series color): series color',
    (rt, a, d) => {
      rt.f[d] = gradientColor(rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN, rt.f[a + 2] ?? NaN, rt.f[a + 3] ?? NaN, rt.f[a + 4] ?? NaN);
    },
  );

  for (const [name, hex] of Object.entries(NAMED_COLORS)) {
    defineVar(`color.${name}: const color`, { value: hexColor(hex) });
  }
}
