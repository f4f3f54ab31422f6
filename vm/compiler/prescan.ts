// Quick walks over the whole script before lowering.
//
// `prescan`: which names are read with the history operator `[]` (such variables need a history
// buffer), and which are reassigned with `:=` or a compound operator (such variables are not
// const). Names, not symbols: an over-approximation is harmless (a few extra buffers), a miss
// would not be.
//
// `findRecursion`: the call graph of the script's functions, and every cycle in it (Pine forbids
// recursion, direct or through other functions). Each cycle is reported once, at the call that
// closes it in the function declared first, with the whole cycle named.

import type * as A from './ast.js';

/** Calls `visit` on every node object under `root` (statements, expressions, their parts), with an
 * explicit stack: a script nested thousands deep does not overflow the engine's call stack. The
 * order is not the source order. */
export function forEachNode(root: unknown, visit: (node: { kind?: string }) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
      continue;
    }
    visit(node as { kind?: string });
    for (const v of Object.values(node)) if (v !== null && typeof v === 'object') stack.push(v);
  }
}

export function prescan(script: A.Script, hist: Set<string>, reassigned: Set<string>): void {
  forEachNode(script, (n) => {
    if (n.kind === 'Index') {
      const ix = n as A.Index;
      if (ix.object.kind === 'Ident') hist.add(ix.object.name);
    } else if (n.kind === 'Assign') {
      const as = n as A.Assign;
      if (as.target.kind === 'Ident') reassigned.add(as.target.name);
    }
  });
}

export interface RecursionCycle {
  /** The call that closes the cycle, inside the first function of `names`. */
  span: A.Span;
  /** The functions of the cycle in call order, the first repeated at the end: ['a', 'b', 'a']. */
  names: string[];
}

/** Global functions (not methods) by name, with the first call each makes to every other. */
export function functionCalls(script: A.Script): Map<string, { def: A.FuncDef; calls: Map<string, A.Span> }> {
  const fns = new Map<string, { def: A.FuncDef; calls: Map<string, A.Span> }>();
  for (const s of script.body) {
    if (s.kind !== 'FuncDef' || s.isMethod || fns.has(s.name)) continue;
    fns.set(s.name, { def: s, calls: new Map() });
  }
  for (const info of fns.values()) {
    const found: A.Call[] = [];
    forEachNode(info.def.body, (n) => {
      if (n.kind === 'Call') found.push(n as A.Call);
    });
    found.sort((a, b) => a.span.start - b.span.start);
    for (const c of found) {
      if (c.callee.kind === 'Ident' && fns.has(c.callee.name) && !info.calls.has(c.callee.name)) {
        info.calls.set(c.callee.name, c.span);
      }
    }
  }
  return fns;
}

export function findRecursion(script: A.Script): RecursionCycle[] {
  const fns = functionCalls(script);
  const order = [...fns.keys()];
  const reported = new Set<string>();
  const out: RecursionCycle[] = [];
  // A function whose every callee was explored without meeting the path reaches no cycle: it is
  // not explored again from a later start (this keeps a long chain of functions linear).
  const done = new Set<string>();
  // Depth-first from each function in declaration order (an explicit stack: a chain of thousands
  // of functions must not exhaust the JS stack); a back edge to a function on the path is a cycle.
  // Functions already in a reported cycle are not reported again.
  for (const start of order) {
    if (reported.has(start) || done.has(start)) continue;
    const cycle = firstCycle(fns, start, done);
    if (cycle && !cycle.names.some((n) => reported.has(n))) {
      for (const n of cycle.names) reported.add(n);
      out.push(cycle);
    }
  }
  return out;
}

/** The first cycle met depth-first from `start`, the calls of each function in source order. */
function firstCycle(fns: Map<string, { calls: Map<string, A.Span> }>, start: string, done: Set<string>): RecursionCycle | null {
  const path: string[] = [];
  const onPath = new Set<string>();
  const pending: Iterator<[string, A.Span]>[] = [];
  const enter = (name: string): void => {
    path.push(name);
    onPath.add(name);
    pending.push((fns.get(name)?.calls ?? new Map<string, A.Span>()).entries());
  };
  enter(start);
  for (let top = pending[pending.length - 1]; top; top = pending[pending.length - 1]) {
    const step = top.next();
    if (step.done) {
      const name = path.pop() ?? '';
      onPath.delete(name);
      done.add(name);
      pending.pop();
      continue;
    }
    const [callee, span] = step.value;
    if (onPath.has(callee)) {
      const from = path.indexOf(callee);
      const names = [...path.slice(from), callee];
      // Report at the call inside the first function of the cycle.
      const first = names[0] ?? callee;
      const second = names[1] ?? callee;
      const at = fns.get(first)?.calls.get(second) ?? span;
      return { span: at, names };
    }
    if (!done.has(callee)) enter(callee);
  }
  return null;
}
