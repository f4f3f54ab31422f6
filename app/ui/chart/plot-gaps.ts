// Gaps in plots drawn with breaks (plot.style_linebr, steplinebr, areabr): the chart library joins
// the points on either side of whitespace, so a run of na bars would be bridged by a straight line.
// It strokes the segment from point i to point i+1 in point i's color, so the point before a gap is
// given a transparent color and its segment across the gap is invisible; a step line also gets, on
// the last na bar before the gap ends, a transparent point at the next value, so no riser is drawn
// there. Pure functions over the points, shared by the window data and the live updates, and the
// segments the library will draw (read back for tests through window.evergreen).

import type { LineShape } from './chart-plan.js';

export const TRANSPARENT = 'rgba(0, 0, 0, 0)';

export interface GapPoint {
  time: number;
  value?: number;
  color?: string;
  lineColor?: string;
  topColor?: string;
  bottomColor?: string;
}

/** Whether a plot of this shape and breaks setting needs its gaps cut (lines, steps and areas; the
 * library draws points and columns apart anyway). */
export function cutsGaps(shape: LineShape, breaks: boolean): boolean {
  return breaks && (shape === 'line' || shape === 'step' || shape === 'area');
}

function hidden<T extends GapPoint>(p: T, shape: LineShape): T {
  return shape === 'area' ? { ...p, lineColor: TRANSPARENT, topColor: TRANSPARENT, bottomColor: TRANSPARENT } : { ...p, color: TRANSPARENT };
}

/** The point to give the library for a bar, knowing the next bar's point (null: not computed yet).
 * A value followed by na is hidden (its segment would cross the gap); for a step line, an na bar
 * followed by a value becomes a hidden point at that value. */
export function gapAdjusted<T extends GapPoint>(pt: T, next: GapPoint | null, shape: LineShape): T {
  if (!next) return pt;
  const here = pt.value !== undefined;
  const there = next.value !== undefined;
  if (here && !there) return hidden(pt, shape);
  if (!here && there && shape === 'step') return hidden({ ...pt, value: next.value }, shape);
  return pt;
}

/** The color the library strokes a point's outgoing segment with. */
function strokeOf(p: GapPoint, shape: LineShape, dflt: string): string {
  return (shape === 'area' ? p.lineColor : p.color) ?? dflt;
}

/** Bar ranges [first, last] the library draws connected, from the points it holds (`barOf` maps a
 * point's time to its bar). Lines, steps and areas: runs of points joined by visible segments (a
 * point alone draws nothing); points and columns: each visible point on its own. */
export function drawnSegments(points: readonly GapPoint[], shape: LineShape, dflt: string, barOf: (time: number) => number): [number, number][] {
  const out: [number, number][] = [];
  const valued = points.filter((p) => p.value !== undefined);
  if (shape === 'points' || shape === 'histogram') {
    for (const p of valued) if (strokeOf(p, shape, dflt) !== TRANSPARENT) out.push([barOf(p.time), barOf(p.time)]);
    return out;
  }
  let start = -1;
  for (let i = 0; i + 1 < valued.length; i++) {
    const p = valued[i] as GapPoint;
    const visible = strokeOf(p, shape, dflt) !== TRANSPARENT;
    if (visible && start < 0) start = barOf(p.time);
    if (!visible && start >= 0) {
      out.push([start, barOf(p.time)]);
      start = -1;
    }
  }
  const last = valued[valued.length - 1];
  if (start >= 0 && last) out.push([start, barOf(last.time)]);
  return out;
}
