// Independent copies of heap objects (core/heap.ts) that request.security carries from a requested
// context to the chart: arrays, maps, matrices, chart points and objects of user-defined types. A
// requested value is copied when its context records it (the script may change the object on a
// later bar of that context; the chart sees it as it was on the requested bar) and again when the
// chart gets it (the chart may change its copy; the recorded value stays as it was). Shared
// references and cycles inside one value stay shared in the copy; nothing recurses (a chain of
// objects can be longer than the call stack).

/** A deep copy of `v` (plain data: lists, plain objects, numbers, strings, booleans, null). */
export function copyRequested(v: object): object {
  const copies = new Map<object, object>();
  const work: [object, object][] = [];
  const copyOf = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object') return x;
    const hit = copies.get(x);
    if (hit !== undefined) return hit;
    const c: object = Array.isArray(x) ? new Array<unknown>(x.length) : {};
    copies.set(x, c);
    work.push([x, c]);
    return c;
  };
  const root = copyOf(v) as object;
  for (let w = work.pop(); w !== undefined; w = work.pop()) {
    const [src, dst] = w;
    if (Array.isArray(src)) {
      const d = dst as unknown[];
      for (let i = 0; i < src.length; i++) d[i] = copyOf(src[i]);
    } else {
      const d = dst as Record<string, unknown>;
      for (const [k, x] of Object.entries(src)) d[k] = copyOf(x);
    }
  }
  return root;
}
