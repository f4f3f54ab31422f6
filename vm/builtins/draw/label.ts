// label.*: label.new (by x/y or by chart.point), copy, delete, every set_* and get_* (label.all is
// in store.ts). A label stores x, y, xloc, yloc, text, color, style, textcolor, size, textalign,
// tooltip, text_font_family, text_formatting and force_overlay.

import { defineFn } from '../registry.js';
import { addDrawing } from './store.js';
import { defineCopyDelete, defineGetter, definePointSetter, defineSetter, defineSetters, pointArg, pointX, readProps, styleArgs, withIntSize, type StyleSpec } from './props.js';

/** label.new's arguments after the position, in Pine's order. */
const STYLE: StyleSpec = [
  ['text', 'string', '""'],
  ['xloc', 'string', 'xloc.bar_index'],
  ['yloc', 'string', 'yloc.price'],
  ['color', 'color', 'color.blue'],
  ['style', 'string', 'label.style_label_down'],
  ['textcolor', 'color', 'color.white'],
  ['size', 'string', 'size.normal'],
  ['textalign', 'string', 'text.align_center'],
  ['tooltip', 'string', 'na'],
  ['text_font_family', 'string', 'font.family_default'],
  ['force_overlay', 'bool', 'false'],
  ['text_formatting', 'int', 'text.format_none'],
];


let registered = false;

export function registerLabel(): void {
  if (registered) return;
  registered = true;
  // Each form twice: `size` as a size.* constant, then as a number of points.
  for (const { params, fields } of [styleArgs(STYLE), styleArgs(withIntSize(STYLE, 'size'))]) {
    defineFn(
      `label.new(x: series int, y: series float, ${params}): series label`,
      (rt, a, d, s) => {
        const props = { x: rt.f[a] ?? NaN, y: rt.f[a + 1] ?? NaN, ...readProps(rt, a + 2, fields) };
        rt.f[d] = addDrawing(rt, s, 'label', props);
      },
      { drawing: true },
    );
    defineFn(
      `label.new(point: chart.point, ${params}): series label`,
      (rt, a, d, s) => {
        const p = pointArg(rt, a);
        const style = readProps(rt, a + 1, fields);
        rt.f[d] = addDrawing(rt, s, 'label', { x: pointX(p, style.xloc), y: p ? p.price : NaN, ...style });
      },
      { drawing: true },
    );
  }
  defineCopyDelete('label');
  defineSetters('label', [
    ['x', 'int'], ['y', 'float'], ['yloc', 'string'], ['text', 'string'], ['color', 'color'],
    ['style', 'string'], ['textcolor', 'color'], ['size', 'string'], ['textalign', 'string'],
    ['tooltip', 'string'], ['text_font_family', 'string'], ['text_formatting', 'int'],
  ]);
  defineSetter('label', 'set_size', [['size', 'int']]);
  defineSetter('label', 'set_xy', [['x', 'int'], ['y', 'float']]);
  defineSetter('label', 'set_xloc', [['x', 'int'], ['xloc', 'string']]);
  definePointSetter('label', 'set_point', 'x', 'y');
  defineGetter('label', 'x', 'x', 'int');
  defineGetter('label', 'y', 'y', 'float');
  defineGetter('label', 'text', 'text', 'string');
}

registerLabel();
