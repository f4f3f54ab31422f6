// A quick walk over the whole script before lowering: which names are read with the history
// operator `[]` (such variables need a history buffer), and which are reassigned with `:=` or a
// compound operator (such variables are not const). Names, not symbols: an over-approximation is
// harmless (a few extra buffers), a miss would not be.

import type * as A from './ast.js';

export function prescan(script: A.Script, hist: Set<string>, reassigned: Set<string>): void {
  const stack: unknown[] = [script];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
      continue;
    }
    const n = node as { kind?: string };
    if (n.kind === 'Index') {
      const ix = node as A.Index;
      if (ix.object.kind === 'Ident') hist.add(ix.object.name);
    } else if (n.kind === 'Assign') {
      const as = node as A.Assign;
      if (as.target.kind === 'Ident') reassigned.add(as.target.name);
    }
    for (const v of Object.values(node)) if (v !== null && typeof v === 'object') stack.push(v);
  }
}
