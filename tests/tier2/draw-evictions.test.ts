// Drawing limits and deletes in bulk (Stop 22): which drawing the limit removes (the oldest), what
// `label.all` / `line.all` hold and in which order after many evictions and deletes from the front,
// the middle and the back, the getters of deleted drawings, deleting every drawing through a loop
// over `*.all` (linefills go with their lines), and snapshots taken in the middle of it.

import { describe, expect, test } from 'vitest';
import { syntheticBars } from '../../vm/index.js';
import { checkEquivalence, standardSplits } from '../snapshot/helpers.js';
import { build, compileOk, runPlots, TIERS } from './helpers.js';

const texts = (inst: { drawings(): { kind: string; text?: unknown }[] }, kind: string): unknown[] =>
  inst.drawings().filter((d) => d.kind === kind).map((d) => d.text);

/** Three labels a bar ("bar.i"), a limit of 4, the middle one of label.all deleted on odd bars and
 * the newest on bars 2, 5, 8, … */
const EVICT = `//@version=6
indicator("evict", overlay = true, max_labels_count = 4)
for i = 0 to 2
    label.new(bar_index, close, str.tostring(bar_index) + "." + str.tostring(i))
if bar_index % 2 == 1
    label.delete(label.all.get(1))
if bar_index % 3 == 2
    label.delete(label.all.last())
all = label.all
plot(all.size(), "live")
plot(label.get_x(all.first()), "oldest x")
plot(label.get_x(all.last()), "newest x")`;

for (const tier of TIERS) {
  describe(`drawing evictions (${tier.name})`, () => {
    test('the limit removes the oldest; deletes from the middle and the end keep label.all in creation order', () => {
      // By hand, bar by bar (limit 4; a create past it drops the first of the list):
      // 0: [0.0 0.1 0.2]
      // 1: +1.0 +1.1 (drops 0.0) +1.2 (drops 0.1) → [0.2 1.0 1.1 1.2]; delete get(1) = 1.0 → [0.2 1.1 1.2]
      // 2: +2.0 (drops 0.2) … → [1.2 2.0 2.1 2.2]; delete last → [1.2 2.0 2.1]
      // 3: → [2.1 3.0 3.1 3.2]; delete 3.0 → [2.1 3.1 3.2]
      // 4: → [3.2 4.0 4.1 4.2]
      // 5: → [4.2 5.0 5.1 5.2]; delete 5.0 → [4.2 5.1 5.2]; delete last → [4.2 5.1]
      const { inst, plot } = runPlots(EVICT, 6, tier.interpreted);
      expect(plot('live')).toEqual([3, 3, 3, 3, 4, 2]);
      expect(plot('oldest x')).toEqual([0, 0, 1, 2, 3, 4]);
      expect(plot('newest x')).toEqual([0, 1, 2, 3, 4, 5]);
      expect(texts(inst, 'label')).toEqual(['4.2', '5.1']);
    });

    test('many evictions and deletes: label.all matches the rule applied by hand', () => {
      const perBar = 20;
      const limit = 50;
      const n = 40;
      const src = `//@version=6
indicator("many", overlay = true, max_labels_count = ${limit})
for i = 0 to ${perBar - 1}
    label.new(bar_index, close, str.tostring(bar_index * ${perBar} + i))
label.delete(label.all.get(bar_index % 7))
if bar_index % 5 == 4
    label.delete(label.all.last())
    label.delete(label.all.first())
plot(label.all.size(), "live")`;
      // The rule, independently: a list in creation order; a create past the limit drops its
      // first element; a delete drops the named element.
      let model: number[] = [];
      const sizes: number[] = [];
      for (let b = 0; b < n; b++) {
        for (let i = 0; i < perBar; i++) {
          model.push(b * perBar + i);
          if (model.length > limit) model = model.slice(1);
        }
        model.splice(b % 7, 1);
        if (b % 5 === 4) {
          model.pop();
          model.shift();
        }
        sizes.push(model.length);
      }
      const { inst, plot } = runPlots(src, n, tier.interpreted);
      expect(plot('live')).toEqual(sizes);
      expect(texts(inst, 'label')).toEqual(model.map(String));
    });

    test('a deleted or evicted label reads na; a live one keeps its values', () => {
      const { plot } = runPlots(`//@version=6
indicator("getters", overlay = true, max_labels_count = 2)
var label first = na
lb = label.new(bar_index, close, "t" + str.tostring(bar_index))
if bar_index == 0
    first := lb
if bar_index == 3
    label.delete(lb[1])
plot(na(label.get_text(first)) ? 1 : 0, "first gone")
plot(na(label.get_x(lb[1])) ? 1 : 0, "previous gone")
plot(label.get_y(lb), "y")`, 5, tier.interpreted);
      // Limit 2: the first label lives on bars 0 and 1 and is dropped by bar 2's.
      expect(plot('first gone')).toEqual([0, 0, 1, 1, 1]);
      // lb[1]: na on bar 0 (no label), live on 1 and 2, deleted by hand on bar 3, live on bar 4.
      expect(plot('previous gone')).toEqual([1, 0, 0, 1, 0]);
      expect(plot('y')).toEqual([10, 11, 12, 13, 14]);
    });

    test('deleting every line through line.all (oldest first) or an array (newest first) leaves none, linefills too', () => {
      const { inst, plot } = runPlots(`//@version=6
indicator("delete all", overlay = true, max_lines_count = 30, max_boxes_count = 30)
for i = 0 to 9
    l1 = line.new(bar_index, close, bar_index + 1, close + i)
    l2 = line.new(bar_index, close - 1, bar_index + 1, close - 1 - i)
    linefill.new(l1, l2, color.red)
plot(line.all.size(), "lines before")
plot(linefill.all.size(), "fills before")
bs = array.new<box>()
for i = 0 to 9
    bs.push(box.new(bar_index, close + i, bar_index + 1, close - i))
if bar_index % 2 == 1
    for l in line.all
        line.delete(l)
    for j = bs.size() - 1 to 0
        box.delete(bs.get(j))
    bs.clear()
plot(line.all.size(), "lines after")
plot(linefill.all.size(), "fills after")
plot(box.all.size(), "boxes after")`, 4, tier.interpreted);
      // Bar 0: 20 lines, 10 fills; bar 1: 40 created, the limit keeps 30 (bar 0's first 10 lines
      // go and their 5 fills with them), 15 fills; then all deleted. Bar 2 as bar 0, bar 3 as bar 1.
      expect(plot('lines before')).toEqual([20, 30, 20, 30]);
      expect(plot('fills before')).toEqual([10, 15, 10, 15]);
      expect(plot('lines after')).toEqual([20, 0, 20, 0]);
      expect(plot('fills after')).toEqual([10, 0, 10, 0]);
      // Boxes: 10 a bar, deleted on odd bars from the newest: bar 0 keeps 10, bar 1 deletes its
      // own 10 (bar 0's stay), bar 2 has 20, bar 3 deletes its 10.
      expect(plot('boxes after')).toEqual([10, 10, 20, 20]);
      expect(inst.drawings().filter((d) => d.kind === 'line')).toEqual([]);
    });

  });
}

test('a snapshot in the middle of evictions and deletes resumes to the same state and bytes', () => {
  const p = compileOk(EVICT);
  const data = syntheticBars(12, 1);
  checkEquivalence(p, data, standardSplits(12));
  const inst = build(p, false, 12);
  inst.runBars(data);
  expect(inst.drawings().length).toBeGreaterThan(0);
});
