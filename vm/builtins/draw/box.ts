// box.*: box.new (by coordinates or by two chart.points), copy, delete, every set_* and get_*.
// A box stores left, top, right, bottom, xloc, extend, border_color/width/style, bgcolor and its
// text with text_size, text_color, text_halign, text_valign, text_wrap, text_font_family,
// text_formatting, and force_overlay.

import { defineFn } from '../registry.js';
import { addDrawing } from './store.js';
import { defineCopyDelete, defineGetter, definePointSetter, defineSetter, defineSetters, pointArg, pointX, readProps, styleArgs, withIntSize, type StyleSpec } from './props.js';

const STYLE: StyleSpec = [
  ['border_color', 'color', 'color.blue'],
  ['border_width', 'int', '1'],
  ['border_style', 'string', 'line.style_solid'],
  ['extend', 'string', 'extend.none'],
  ['xloc', 'string', 'xloc.bar_index'],
  ['bgcolor', 'color', 'color.blue'],
  ['text', 'string', '""'],
  ['text_size', 'string', 'size.auto'],
  ['text_color', 'color', 'color.black'],
  ['text_halign', 'string', 'text.align_center'],
  ['text_valign', 'string', 'text.align_center'],
  ['text_wrap', 'string', 'text.wrap_none'],
  ['text_font_family', 'string', 'font.family_default'],
  ['force_overlay', 'bool', 'false'],
  ['text_formatting', 'int', 'text.format_none'],
];

let registered = false;

export function registerBox(): void {
  if (registered) return;
  registered = true;
  // Each form twice: `text_size` as a size.* constant, then as a number of points.
  for (const { params, fields } of [styleArgs(STYLE), styleArgs(withIntSize(STYLE, 'text_size'))]) {
    defineFn(
      `box.new(left: series int, top: series float, right: series int, bottom: series float, ${params}): series box`,
      (rt, a, d, s) => {
        const props = { left: rt.f[a] ?? NaN, top: rt.f[a + 1] ?? NaN, right: rt.f[a + 2] ?? NaN, bottom: rt.f[a + 3] ?? NaN, ...readProps(rt, a + 4, fields) };
        rt.f[d] = addDrawing(rt, s, 'box', props);
      },
      { drawing: true },
    );
    defineFn(
      `box.new(top_left: chart.point, bottom_right: chart.point, ${params}): series box`,
      (rt, a, d, s) => {
        const p1 = pointArg(rt, a);
        const p2 = pointArg(rt, a + 1);
        const style = readProps(rt, a + 2, fields);
        rt.f[d] = addDrawing(rt, s, 'box', { left: pointX(p1, style.xloc), top: p1 ? p1.price : NaN, right: pointX(p2, style.xloc), bottom: p2 ? p2.price : NaN, ...style });
      },
      { drawing: true },
    );
  }
  defineCopyDelete('box');
  defineSetters('box', [
    // Parameter names as in Pine's reference: box.set_border_color(id, color), box.set_bgcolor(id, color).
    ['left', 'int'], ['top', 'float'], ['right', 'int'], ['bottom', 'float'], ['border_color', 'color', 'color'],
    ['border_width', 'int', 'width'], ['border_style', 'string', 'style'], ['extend', 'string'], ['bgcolor', 'color', 'color'],
    ['text', 'string'], ['text_size', 'string'], ['text_color', 'color'], ['text_halign', 'string'],
    ['text_valign', 'string'], ['text_wrap', 'string'], ['text_font_family', 'string'], ['text_formatting', 'int'],
  ]);
  defineSetter('box', 'set_text_size', [['text_size', 'int']]);
  defineSetter('box', 'set_lefttop', [['left', 'int'], ['top', 'float']]);
  defineSetter('box', 'set_rightbottom', [['right', 'int'], ['bottom', 'float']]);
  defineSetter('box', 'set_xloc', [['left', 'int'], ['right', 'int'], ['xloc', 'string']]);
  definePointSetter('box', 'set_top_left_point', 'left', 'top');
  definePointSetter('box', 'set_bottom_right_point', 'right', 'bottom');
  for (const k of ['left', 'right'] as const) defineGetter('box', k, k, 'int');
  for (const k of ['top', 'bottom'] as const) defineGetter('box', k, k, 'float');
}

registerBox();
