// Deep copy of plain state data (numbers, strings, booleans, null, typed arrays, arrays, plain
// objects), preserving shared references and cycles, without recursion (object graphs of user
// types can be deeper than any call stack). Used for realtime rollback checkpoints.

type Obj = Record<string, unknown>;

/** `seen` (original → copy) may be shared by several calls, so that objects referenced from two
 * roots stay shared in the copies; the caller can read it afterwards. */
export function cloneData<T>(root: T, seen: Map<object, unknown> = new Map()): T {
  const work: { src: object; dst: unknown[] | Obj }[] = [];
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const hit = seen.get(v);
    if (hit !== undefined) return hit;
    if (ArrayBuffer.isView(v)) {
      const c = (v as unknown as { slice(): unknown }).slice();
      seen.set(v, c);
      return c;
    }
    if (Array.isArray(v)) {
      const c: unknown[] = new Array<unknown>(v.length);
      seen.set(v, c);
      work.push({ src: v, dst: c });
      return c;
    }
    const c: Obj = {};
    seen.set(v, c);
    work.push({ src: v, dst: c });
    return c;
  };
  const out = copy(root);
  while (work.length > 0) {
    const item = work.pop();
    if (!item) break;
    const { src, dst } = item;
    if (Array.isArray(dst)) {
      const s = src as unknown[];
      for (let i = 0; i < s.length; i++) dst[i] = copy(s[i]);
    } else {
      for (const [k, v] of Object.entries(src)) dst[k] = copy(v);
    }
  }
  return out as T;
}
