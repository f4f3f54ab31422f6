// Keeps one live exemplar of each object shape that the interpreter's hot code depends on.
//
// Why: V8's optimized code embeds the hidden classes ("maps") of the objects it has seen, and holds
// them weakly. A map stays alive only while some object has it (the transition tree from the
// constructor holds its branches weakly too). When the last Instance is garbage-collected, the
// maps of Machine, OutputStore, the series buffers and every builtin's state record die with it,
// and V8 throws away the optimized interpreter loop and the builtins ("marking dependent code for
// deoptimization, reason: weak objects"). The next Instance then runs in the slower tiers until V8
// has re-optimized everything: measured 58 ms instead of 21 ms for script (a) over 100k bars when
// instances are built one after another with full GCs in between (`npm run bench`, and a host that
// rebuilds its instance after an edit).
//
// Keeping a single small object of each shape alive keeps its map (and the path to it) alive, so
// a new Instance's objects get the very same maps and the optimized code stays valid. The kept
// objects are plain data and tiny: class exemplars built on an empty program, and the first state
// record of each distinct shape seen in a call-site state table (bounded by MAX_KEPT).

const MAX_KEPT = 1024;
const kept = new Map<string, unknown>();

/** Keeps `obj` alive as the exemplar of `key` (the first one registered wins). */
export function keepExemplar(key: string, obj: object): void {
  if (!kept.has(key) && kept.size < MAX_KEPT) kept.set(key, obj);
}

/** Keeps an exemplar of each plain object shape among `values` (call-site states). Returns false
 * when some entry was still unset (a call site that has not run yet), so the caller may look again
 * later. Keys are the constructor name and the own property names in order, which is what decides
 * the map of objects built by the same code. */
export function keepStateShapes(values: readonly unknown[]): boolean {
  let complete = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) {
      complete = false;
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (kept.size >= MAX_KEPT) return true;
    const proto: unknown = Object.getPrototypeOf(v);
    const ctor = proto === null ? 'null' : proto === Object.prototype ? 'Object' : Array.isArray(v) ? 'Array' : 'other';
    const key = Array.isArray(v) ? `state:Array:${v.length === 0 ? 'empty' : typeof v[0]}` : `state:${ctor}:${Object.keys(v).join(',')}`;
    if (!kept.has(key)) kept.set(key, v);
  }
  return complete;
}

/** Number of exemplars kept (for tests and diagnostics). */
export function keptShapeCount(): number {
  return kept.size;
}
