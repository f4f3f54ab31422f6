// The constants of drawings: xloc.*, yloc.*, extend.*, position.*, text.* (alignment, wrapping,
// formatting), font.*, label.style_*, line.style_*. Each is a const string whose value is what the
// drawing stores and the renderer reads; text.format_* are ints (v6 adds them: bold + italic).
// size.* is defined with the plot outputs (builtins/outputs.ts).

import { defineVar } from '../registry.js';

export const LABEL_STYLES = [
  'none', 'xcross', 'cross', 'triangleup', 'triangledown', 'flag', 'circle', 'arrowup', 'arrowdown',
  'label_up', 'label_down', 'label_left', 'label_right', 'label_lower_left', 'label_lower_right',
  'label_upper_left', 'label_upper_right', 'label_center', 'square', 'diamond', 'text_outline',
] as const;

export const LINE_STYLES = ['solid', 'dotted', 'dashed', 'arrow_left', 'arrow_right', 'arrow_both'] as const;

export const POSITIONS = [
  'top_left', 'top_center', 'top_right', 'middle_left', 'middle_center', 'middle_right',
  'bottom_left', 'bottom_center', 'bottom_right',
] as const;

let registered = false;

export function registerDrawConstants(): void {
  if (registered) return;
  registered = true;
  for (const v of ['bar_index', 'bar_time']) defineVar(`xloc.${v}: const string`, { value: v });
  for (const v of ['price', 'abovebar', 'belowbar']) defineVar(`yloc.${v}: const string`, { value: v });
  for (const v of ['none', 'left', 'right', 'both']) defineVar(`extend.${v}: const string`, { value: v });
  for (const v of POSITIONS) defineVar(`position.${v}: const string`, { value: v });
  for (const v of ['left', 'center', 'right', 'top', 'bottom']) defineVar(`text.align_${v}: const string`, { value: v });
  for (const v of ['auto', 'none']) defineVar(`text.wrap_${v}: const string`, { value: v });
  defineVar('text.format_none: const int', { value: 0 });
  defineVar('text.format_bold: const int', { value: 1 });
  defineVar('text.format_italic: const int', { value: 2 });
  for (const v of ['default', 'monospace']) defineVar(`font.family_${v}: const string`, { value: v });
  for (const v of LABEL_STYLES) defineVar(`label.style_${v}: const string`, { value: v });
  for (const v of LINE_STYLES) defineVar(`line.style_${v}: const string`, { value: v });
}

registerDrawConstants();
