// The heap object model (vm/core/heap.ts) through the snapshot's object table (vm/snapshot/graph.ts):
// every kind of the table round-trips with its fields, shared references and cycles survive, a
// heap entry with a field of the wrong type is refused naming the entry and the field, and the
// older form of a heap object (a plain object entry) still reads.
// Expected values are the objects built in each test.

import { describe, expect, test } from 'vitest';
import { HEAP_FIELDS, HEAP_KINDS, type HeapFieldType, type HeapKind } from '../../vm/core/heap.js';
import { decodeGraph, encodeGraph, type EncodedGraph } from '../../vm/snapshot/graph.js';
import { cloneData } from '../../vm/runtime/clone.js';
import { compile, Instance } from '../../vm/index.js';
import { syntheticBars } from '../../vm/data/synthetic.js';

const SAMPLE: Record<HeapFieldType, unknown> = { num: 1.5, int: 2, str: 's', 'str?': null, bool: true, list: [NaN, 'x'], ref: null, any: 0 };

/** An object of `kind` with a sample value of each field's type, fields in table order. */
function sample(kind: HeapKind): Record<string, unknown> {
  const o: Record<string, unknown> = { kind };
  const spec = HEAP_KINDS[kind] as Record<string, HeapFieldType>;
  for (const f of HEAP_FIELDS[kind]) o[f] = structuredClone(SAMPLE[spec[f] as HeapFieldType]);
  return o;
}

describe('heap objects in the snapshot object table', () => {
  test.each(Object.keys(HEAP_KINDS) as HeapKind[])('%s: one heap entry, read back with the same fields in the same order', (kind) => {
    const obj = sample(kind);
    const g = encodeGraph([obj]);
    expect(g.table.some((e) => e[0] === 2 && e[1] === kind)).toBe(true);
    const back = (decodeGraph(g) as unknown[])[0] as Record<string, unknown>;
    expect(back).toEqual(obj);
    expect(Object.keys(back)).toEqual(['kind', ...HEAP_FIELDS[kind]]);
  });

  test('shared references and cycles: a linefill between two lines, an object holding itself', () => {
    const line = (y: number) => ({ ...sample('line'), y1: y, y2: y });
    const a = line(1);
    const b = line(2);
    const fill = { ...sample('linefill'), line1: a, line2: b };
    const self = { kind: 'object', type: 'Node', fields: [1] as unknown[] };
    self.fields.push(self);
    const list = { kind: 'array', items: [a, fill, self] };
    const back = decodeGraph(encodeGraph({ list, again: a })) as { list: { items: unknown[] }; again: unknown };
    const [ba, bfill, bself] = back.list.items as [Record<string, unknown>, Record<string, unknown>, { fields: unknown[] }];
    expect(bfill.line1).toBe(ba);
    expect(back.again).toBe(ba);
    expect((bfill.line2 as Record<string, unknown>).y1).toBe(2);
    expect(bself.fields[1]).toBe(bself);
    // A realtime rollback's copy keeps the same sharing.
    const copy = cloneData({ list, again: a });
    expect((copy.list.items[1] as { line1: unknown }).line1).toBe(copy.again);
  });

  test('a heap entry with a field of the wrong type or count is refused, naming it', () => {
    const g = encodeGraph(sample('matrix'));
    const bad = structuredClone(g) as EncodedGraph;
    (bad.table[0] as [2, string, unknown[]])[2][0] = 'two';
    expect(() => decodeGraph(bad)).toThrow('table entry 0 (matrix): field rows is not a whole number');
    const short = structuredClone(g) as EncodedGraph;
    (short.table[0] as [2, string, unknown[]])[2].pop();
    expect(() => decodeGraph(short)).toThrow('table entry 0 (matrix) has 2 fields, expected 3');
    const unknown = structuredClone(g) as EncodedGraph;
    (unknown.table[0] as unknown[])[1] = 'sprite';
    expect(() => decodeGraph(unknown)).toThrow('table entry 0 is a heap object of unknown kind "sprite"');
  });

  test('the older form of an array (a plain object entry) reads as the same array', () => {
    const old: EncodedGraph = { table: [[1, ['kind', 'items'], ['array', { r: 1 }]], [0, [1, 2]]], root: { r: 0 } } as EncodedGraph;
    expect(decodeGraph(old)).toEqual({ kind: 'array', items: [1, 2] });
  });

  test('an array var saved in a real snapshot is restored with its items', () => {
    const { program } = compile('//@version=6\nindicator("a")\nvar a = array.new<float>(3, 1.0)\nplot(array.sum(a))');
    if (!program) throw new Error('no program');
    const inst = Instance.builder(program).timeframe('1').build();
    inst.runBars(syntheticBars(5, 1));
    const back = Instance.restoreState(inst.saveState()).build();
    expect(back.machine.vo.find((v) => v !== null)).toEqual({ kind: 'array', items: [1, 1, 1] });
  });
});
