// The live drawings as a renderer reads them: plain JSON-ready records (kind, id, the bar that
// created it, every property), colors as '#RRGGBB' / '#RRGGBBAA' strings and na as null. Used by
// Instance.drawings() and the CLI's `drawings` output. A polyline's points are [x, y] pairs in its xloc.

import { colorToHex } from '../../core/color.js';
import { isRegistry, liveDrawings, type DrawKind } from './store.js';

export type DrawingValue = number | string | boolean | null | DrawingValue[] | { [k: string]: DrawingValue };

export interface DrawingRecord {
  kind: DrawKind;
  id: number;
  /** bar_index of the bar that created it. */
  bar: number;
  [prop: string]: DrawingValue;
}

/** Properties holding a bool (0/1 in the registry). */
const BOOLS = new Set(['force_overlay', 'curved', 'closed']);

function convert(key: string, v: unknown): DrawingValue {
  if (typeof v === 'number') {
    if (v !== v) return null;
    if (key.endsWith('color')) return colorToHex(v);
    if (BOOLS.has(key)) return v !== 0;
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => convert(key === 'cells' ? '' : key, x));
  if (typeof v === 'object') {
    const out: { [k: string]: DrawingValue } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = convert(k, x);
    return out;
  }
  return null;
}

/** A polyline's flat [x0, y0, x1, y1, ...] as [[x0, y0], [x1, y1], ...] (na as null). */
function pairs(flat: unknown[]): DrawingValue[] {
  const out: DrawingValue[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([convert('x', flat[i]), convert('y', flat[i + 1])]);
  return out;
}

/** The drawings of a main function's call-site states (the registry is one of them), oldest first
 * within each kind; [] when the script draws nothing. */
export function drawingsOf(cs: readonly unknown[]): DrawingRecord[] {
  const reg = cs.find(isRegistry);
  if (!reg) return [];
  return liveDrawings(reg).map((d) => {
    const out: DrawingRecord = { kind: d.type, id: d.id, bar: d.bar };
    for (const [k, v] of Object.entries(d)) {
      if (k === 'type' || k === 'id' || k === 'bar') continue;
      out[k] = k === 'points' && Array.isArray(v) ? pairs(v) : convert(k, v);
    }
    return out;
  });
}
