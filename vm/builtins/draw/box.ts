// box.*: box.new (by coordinates or by two chart.points), copy, delete, every set_* and get_*.
// A box stores left, top, right, bottom, xloc, extend, border_color/width/style, bgcolor and its
// text with text_size, text_color, text_halign, text_valign, text_wrap, text_font_family,
// text_formatting, and force_overlay.

import { defineFn } from '../registry.js';
import { addDrawing, copyDrawing, deleteDrawing, findDrawing, registry } from './store.js';
import { defineGetter, defineSetter, defineSetters, pointArg, pointX, readProps, type PropType } from './props.js';

const STYLE: readonly (readonly [string, PropType, string])[] = [
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
const styleParams = STYLE.map(([n, ty, def]) => `${n}: series ${ty} = ${def}`).join(', ');
const styleFields = STYLE.map(([n, ty]) => [n, ty] as const);

let registered = false;

export function registerBox(): void {
  if (registered) return;
  registered = true;
  defineFn(
    `box.new(left: series int, top: series float, right: series int, bottom: series float, ${styleParams}): series box`,
    (rt, a, d, s) => {
      const props = { left: rt.f[a] ?? NaN, top: rt.f[a + 1] ?? NaN, right: rt.f[a + 2] ?? NaN, bottom: rt.f[a + 3] ?? NaN, ...readProps(rt, a + 4, styleFields) };
      rt.f[d] = addDrawing(rt, s, 'box', props);
    },
    { drawing: true },
  );
  defineFn(
    `box.new(top_left: chart.point, bottom_right: chart.point, ${styleParams}): series box`,
    (rt, a, d, s) => {
      const p1 = pointArg(rt, a);
      const p2 = pointArg(rt, a + 1);
      const style = readProps(rt, a + 2, styleFields);
      rt.f[d] = addDrawing(rt, s, 'box', { left: pointX(p1, style.xloc), top: p1 ? p1.price : NaN, right: pointX(p2, style.xloc), bottom: p2 ? p2.price : NaN, ...style });
    },
    { drawing: true },
  );
  defineFn('box.copy(id: series box): series box', (rt, a, d, s) => {
    rt.f[d] = copyDrawing(rt, s, 'box', rt.f[a] ?? NaN);
  }, { drawing: true });
  defineFn('box.delete(id: series box): void', (rt, a, _d, s) => {
    deleteDrawing(registry(rt, s), rt.f[a] ?? NaN);
  }, { drawing: true });
  defineSetters('box', [
    ['left', 'int'], ['top', 'float'], ['right', 'int'], ['bottom', 'float'], ['border_color', 'color'],
    ['border_width', 'int'], ['border_style', 'string'], ['extend', 'string'], ['bgcolor', 'color'],
    ['text', 'string'], ['text_size', 'string'], ['text_color', 'color'], ['text_halign', 'string'],
    ['text_valign', 'string'], ['text_wrap', 'string'], ['text_font_family', 'string'], ['text_formatting', 'int'],
  ]);
  defineSetter('box', 'set_lefttop', [['left', 'int'], ['top', 'float']]);
  defineSetter('box', 'set_rightbottom', [['right', 'int'], ['bottom', 'float']]);
  defineSetter('box', 'set_xloc', [['left', 'int'], ['right', 'int'], ['xloc', 'string']]);
  for (const [fn, xk, yk] of [['set_top_left_point', 'left', 'top'], ['set_bottom_right_point', 'right', 'bottom']] as const) {
    defineFn(`box.${fn}(id: series box, point: chart.point): void`, (rt, a, _d, s) => {
      const dr = findDrawing(rt, s, 'box', rt.f[a] ?? NaN);
      const p = pointArg(rt, a + 1);
      if (!dr || !p) return;
      dr[xk] = pointX(p, dr.xloc);
      dr[yk] = p.price;
    }, { drawing: true });
  }
  for (const k of ['left', 'right'] as const) defineGetter('box', k, k, 'int');
  for (const k of ['top', 'bottom'] as const) defineGetter('box', k, k, 'float');
}

registerBox();
