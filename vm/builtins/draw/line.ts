// line.*: line.new (by coordinates or by two chart.points), copy, delete, every set_* and get_*,
// and line.get_price (the price of the line's straight extension at a bar index). A line stores
// x1, y1, x2, y2, xloc, extend, color, style, width and force_overlay.

import { defineFn } from '../registry.js';
import { addDrawing, findDrawing } from './store.js';
import { defineCopyDelete, defineGetter, definePointSetter, defineSetter, defineSetters, pointArg, pointX, readProps, styleArgs, type StyleSpec } from './props.js';

const STYLE: StyleSpec = [
  ['xloc', 'string', 'xloc.bar_index'],
  ['extend', 'string', 'extend.none'],
  ['color', 'color', 'color.blue'],
  ['style', 'string', 'line.style_solid'],
  ['width', 'int', '1'],
  ['force_overlay', 'bool', 'false'],
];
const { params: styleParams, fields: styleFields } = styleArgs(STYLE);

/** The price of the line through (x1, y1), (x2, y2) at x; na for a vertical line. */
export function linePrice(x1: number, y1: number, x2: number, y2: number, x: number): number {
  if (x2 === x1) return NaN;
  return y1 + ((x - x1) * (y2 - y1)) / (x2 - x1);
}

let registered = false;

export function registerLine(): void {
  if (registered) return;
  registered = true;
  defineFn(
    `line.new(x1: series int, y1: series float, x2: series int, y2: series float, ${styleParams}): series line`,
    (rt, a, d, s) => {
      const props = { x1: rt.f[a] ?? NaN, y1: rt.f[a + 1] ?? NaN, x2: rt.f[a + 2] ?? NaN, y2: rt.f[a + 3] ?? NaN, ...readProps(rt, a + 4, styleFields) };
      rt.f[d] = addDrawing(rt, s, 'line', props);
    },
    { drawing: true },
  );
  defineFn(
    `line.new(first_point: chart.point, second_point: chart.point, ${styleParams}): series line`,
    (rt, a, d, s) => {
      const p1 = pointArg(rt, a);
      const p2 = pointArg(rt, a + 1);
      const style = readProps(rt, a + 2, styleFields);
      rt.f[d] = addDrawing(rt, s, 'line', { x1: pointX(p1, style.xloc), y1: p1 ? p1.price : NaN, x2: pointX(p2, style.xloc), y2: p2 ? p2.price : NaN, ...style });
    },
    { drawing: true },
  );
  defineCopyDelete('line');
  // Parameter names as in Pine's reference: line.set_x1(id, x), line.set_xy2(id, x, y).
  defineSetters('line', [['x1', 'int', 'x'], ['y1', 'float', 'y'], ['x2', 'int', 'x'], ['y2', 'float', 'y'], ['extend', 'string'], ['color', 'color'], ['style', 'string'], ['width', 'int']]);
  defineSetter('line', 'set_xy1', [['x1', 'int', 'x'], ['y1', 'float', 'y']]);
  defineSetter('line', 'set_xy2', [['x2', 'int', 'x'], ['y2', 'float', 'y']]);
  defineSetter('line', 'set_xloc', [['x1', 'int'], ['x2', 'int'], ['xloc', 'string']]);
  definePointSetter('line', 'set_first_point', 'x1', 'y1');
  definePointSetter('line', 'set_second_point', 'x2', 'y2');
  for (const k of ['x1', 'x2'] as const) defineGetter('line', k, k, 'int');
  for (const k of ['y1', 'y2'] as const) defineGetter('line', k, k, 'float');
  defineFn('line.get_price(id: series line, x: series int): series float', (rt, a, d, s) => {
    const dr = findDrawing(rt, s, 'line', rt.f[a] ?? NaN);
    if (!dr) {
      rt.f[d] = NaN;
      return;
    }
    if (dr.xloc === 'bar_time') rt.fail('line-xloc', "'line.get_price()' works only on lines with xloc.bar_index.");
    rt.f[d] = linePrice(Number(dr.x1), Number(dr.y1), Number(dr.x2), Number(dr.y2), rt.f[a + 1] ?? NaN);
  }, { drawing: true });
}

registerLine();
