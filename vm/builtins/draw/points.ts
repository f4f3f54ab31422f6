// chart.point.* (new, from_index, from_time, now, copy), polyline.* (new, delete) and
// linefill.* (new, set_color, get_line1, get_line2, delete). A chart.point is a heap object
// {kind: 'point', time, index, price} with reference semantics; a polyline keeps its own copy of
// the points' coordinates (flattened [x0, y0, x1, y1, ...] in its xloc); a linefill stores the ids
// of its two lines and goes when either line is deleted.

import { defineFn } from '../registry.js';
import { R } from '../../core/runtime.js';
import { addDrawing, deleteDrawing, findDrawing, registry } from './store.js';
import { pointArg, pointX, readProps, type ChartPoint } from './props.js';
import type { PineArray } from '../../core/heap.js';

export function newPoint(time: number, index: number, price: number): ChartPoint {
  return { kind: 'point', time, index, price };
}

/** Pine's limit on the points of one polyline. */
const MAX_POLYLINE_POINTS = 10_000;

let registered = false;

export function registerPoints(): void {
  if (registered) return;
  registered = true;
  defineFn('chart.point.new(time: series int, index: series int, price: series float): chart.point', (rt, a, d) => {
    rt.o[d] = newPoint(rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN, rt.f[a + 2] ?? NaN);
  });
  defineFn('chart.point.from_index(index: series int, price: series float): chart.point', (rt, a, d) => {
    rt.o[d] = newPoint(NaN, rt.f[a] ?? NaN, rt.f[a + 1] ?? NaN);
  });
  defineFn('chart.point.from_time(time: series int, price: series float): chart.point', (rt, a, d) => {
    rt.o[d] = newPoint(rt.f[a] ?? NaN, NaN, rt.f[a + 1] ?? NaN);
  });
  defineFn('chart.point.now(price: series float = close): chart.point', (rt, a, d) => {
    rt.o[d] = newPoint(rt.f[R.time] ?? NaN, rt.f[R.barIndex] ?? NaN, rt.f[a] ?? NaN);
  });
  defineFn('chart.point.copy(id: chart.point): chart.point', (rt, a, d) => {
    const p = pointArg(rt, a);
    rt.o[d] = p ? newPoint(p.time, p.index, p.price) : null;
  });
  // Field reads (`p.price`) compile to these (compiler/tier2-types.ts).
  for (const f of ['time', 'index', 'price'] as const) {
    defineFn(`chart.point.__get_${f}(id: chart.point): series ${f === 'price' ? 'float' : 'int'}`, (rt, a, d) => {
      const p = pointArg(rt, a);
      if (!p) return rt.fail('na-object', `Cannot access the field '${f}' of an na chart.point.`);
      rt.f[d] = p[f];
    });
  }

  defineFn(
    'polyline.new(points: array<chart.point>, curved: series bool = false, closed: series bool = false, xloc: series string = xloc.bar_index, line_color: series color = color.blue, fill_color: series color = na, line_style: series string = line.style_solid, line_width: series int = 1, force_overlay: const bool = false): series polyline',
    (rt, a, d, s) => {
      const arr = rt.o[a] as PineArray | null;
      if (!arr || arr.kind !== 'array') return rt.fail('na-array', "Cannot call 'polyline.new()': the array of points is na.");
      if (arr.items.length > MAX_POLYLINE_POINTS) {
        rt.fail('polyline-too-large', `'polyline.new()' got ${arr.items.length} points: a polyline has at most ${MAX_POLYLINE_POINTS.toLocaleString('en-US')}.`);
      }
      const style = readProps(rt, a + 1, [['curved', 'bool'], ['closed', 'bool'], ['xloc', 'string'], ['line_color', 'color'], ['fill_color', 'color'], ['line_style', 'string'], ['line_width', 'int'], ['force_overlay', 'bool']]);
      const points: number[] = [];
      for (const it of arr.items) {
        const p = it as ChartPoint | null;
        points.push(pointX(p, style.xloc), p ? p.price : NaN);
      }
      rt.f[d] = addDrawing(rt, s, 'polyline', { ...style, points });
    },
    { drawing: true },
  );
  defineFn('polyline.delete(id: series polyline): void', (rt, a, _d, s) => {
    deleteDrawing(registry(rt, s), rt.f[a] ?? NaN);
  }, { drawing: true });

  defineFn('linefill.new(line1: series line, line2: series line, color: series color): series linefill', (rt, a, d, s) => {
    const l1 = rt.f[a] ?? NaN;
    const l2 = rt.f[a + 1] ?? NaN;
    if (!findDrawing(rt, s, 'line', l1) || !findDrawing(rt, s, 'line', l2)) {
      rt.f[d] = NaN;
      return;
    }
    // One linefill per pair of lines: a new one replaces the old (TradingView's rule).
    const reg = registry(rt, s);
    const fills = reg.live.linefill;
    for (let i = fills.length - 1; i >= 0; i--) {
      const lf = fills[i];
      if (lf !== undefined && ((lf.line1 === l1 && lf.line2 === l2) || (lf.line1 === l2 && lf.line2 === l1))) deleteDrawing(reg, lf.id);
    }
    rt.f[d] = addDrawing(rt, s, 'linefill', { line1: l1, line2: l2, color: rt.f[a + 2] ?? NaN });
  }, { drawing: true });
  defineFn('linefill.set_color(id: series linefill, color: series color): void', (rt, a, _d, s) => {
    const lf = findDrawing(rt, s, 'linefill', rt.f[a] ?? NaN);
    if (lf) lf.color = rt.f[a + 1] ?? NaN;
  }, { drawing: true });
  for (const k of ['line1', 'line2'] as const) {
    defineFn(`linefill.get_${k}(id: series linefill): series line`, (rt, a, d, s) => {
      const lf = findDrawing(rt, s, 'linefill', rt.f[a] ?? NaN);
      rt.f[d] = lf ? Number(lf[k]) : NaN;
    }, { drawing: true });
  }
  defineFn('linefill.delete(id: series linefill): void', (rt, a, _d, s) => {
    deleteDrawing(registry(rt, s), rt.f[a] ?? NaN);
  }, { drawing: true });
}

registerPoints();
