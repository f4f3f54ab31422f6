// How a Pine color is held in a float register: one double that is exact for every color Pine
// can express. value = rgb24 * 1024 + round(transparency * 10), transparency in [0, 100] (0 is
// opaque, 100 invisible, Pine's convention). na color is NaN.

export function makeColor(r: number, g: number, b: number, transp: number): number {
  if (r !== r || g !== g || b !== b || transp !== transp) return NaN;
  const rr = clampByte(r);
  const gg = clampByte(g);
  const bb = clampByte(b);
  const tt = Math.round(Math.min(100, Math.max(0, transp)) * 10);
  return ((rr * 256 + gg) * 256 + bb) * 1024 + tt;
}

function clampByte(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}

export function colorR(c: number): number {
  return c !== c ? NaN : Math.floor(c / 1024 / 65536) % 256;
}

export function colorG(c: number): number {
  return c !== c ? NaN : Math.floor(c / 1024 / 256) % 256;
}

export function colorB(c: number): number {
  return c !== c ? NaN : Math.floor(c / 1024) % 256;
}

/** Transparency 0..100. */
export function colorT(c: number): number {
  return c !== c ? NaN : (c % 1024) / 10;
}

/** From a `#RRGGBB[AA]` literal's alpha byte (255 opaque). */
export function colorFromRgba(r: number, g: number, b: number, a: number): number {
  return makeColor(r, g, b, ((255 - a) / 255) * 100);
}

/** CSS form for hosts: `rgba(r, g, b, alpha)`; null for na. */
export function colorToCss(c: number): string | null {
  if (c !== c) return null;
  const alpha = Math.round((1 - colorT(c) / 100) * 1000) / 1000;
  return `rgba(${colorR(c)}, ${colorG(c)}, ${colorB(c)}, ${alpha})`;
}

/** `#RRGGBBAA` form, as str.tostring(color) prints it. */
export function colorToHex(c: number): string | null {
  if (c !== c) return null;
  const a = Math.round(((100 - colorT(c)) / 100) * 255);
  const h = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return `#${h(colorR(c))}${h(colorG(c))}${h(colorB(c))}${h(a)}`;
}
