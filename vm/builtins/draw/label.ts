// label.*: label.new (by x/y or by chart.point), copy, delete, every set_* and get_* (label.all is
// in store.ts). A label stores x, y, xloc, yloc, text, color, style, textcolor, size, textalign,
// tooltip, text_font_family, text_formatting and force_overlay.

import { defineFn } from '../registry.js';
import { addDrawing, copyDrawing, deleteDrawing, findDrawing, registry } from './store.js';
import { defineGetter, defineSetter, defineSetters, pointArg, pointX, readProps, type PropType } from './props.js';

/** label.new's arguments after the position, in Pine's order. */
const STYLE: readonly (readonly [string, PropType, string])[] = [
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

const styleParams = STYLE.map(([n, ty, def]) => `${n}: series ${ty} = ${def}`).join(', ');
const styleFields = STYLE.map(([n, ty]) => [n, ty] as const);

let registered = false;

export function registerLabel(): void {
  if (registered) return;
  registered = true;
  defineFn(
    `label.new(x: series int, y: series float, ${styleParams}): series label`,
    (rt, a, d, s) => {
      const props = { x: rt.f[a] ?? NaN, y: rt.f[a + 1] ?? NaN, ...readProps(rt, a + 2, styleFields) };
      rt.f[d] = addDrawing(rt, s, 'label', props);
    },
    { drawing: true },
  );
  defineFn(
    `label.new(point: chart.point, ${styleParams}): series label`,
    (rt, a, d, s) => {
      const p = pointArg(rt, a);
      const style = readProps(rt, a + 1, styleFields);
      rt.f[d] = addDrawing(rt, s, 'label', { x: pointX(p, style.xloc), y: p ? p.price : NaN, ...style });
    },
    { drawing: true },
  );
  defineFn('label.copy(id: series label): series label', (rt, a, d, s) => {
    rt.f[d] = copyDrawing(rt, s, 'label', rt.f[a] ?? NaN);
  }, { drawing: true });
  defineFn('label.delete(id: series label): void', (rt, a, _d, s) => {
    deleteDrawing(registry(rt, s), rt.f[a] ?? NaN);
  }, { drawing: true });
  defineSetters('label', [
    ['x', 'int'], ['y', 'float'], ['yloc', 'string'], ['text', 'string'], ['color', 'color'],
    ['style', 'string'], ['textcolor', 'color'], ['size', 'string'], ['textalign', 'string'],
    ['tooltip', 'string'], ['text_font_family', 'string'], ['text_formatting', 'int'],
  ]);
  defineSetter('label', 'set_xy', [['x', 'int'], ['y', 'float']]);
  defineSetter('label', 'set_xloc', [['x', 'int'], ['xloc', 'string']]);
  defineFn('label.set_point(id: series label, point: chart.point): void', (rt, a, _d, s) => {
    const dr = findDrawing(rt, s, 'label', rt.f[a] ?? NaN);
    const p = pointArg(rt, a + 1);
    if (!dr || !p) return;
    dr.x = pointX(p, dr.xloc);
    dr.y = p.price;
  }, { drawing: true });
  defineGetter('label', 'x', 'x', 'int');
  defineGetter('label', 'y', 'y', 'float');
  defineGetter('label', 'text', 'text', 'string');
}

registerLabel();
