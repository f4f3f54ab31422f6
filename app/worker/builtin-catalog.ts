// The VM's builtin registry as plain data for the editor's help (completion, hover, signature
// help): every builtin function with the signature text of each overload and its parameter names,
// and every builtin variable or constant with its type. Built in the worker, which has the registry
// loaded already, and sent to the page once, so the page's chunks never include the compiler.

import { FUNCTIONS, allVariableNames, lookupVar, QUAL_NAMES, type SigType } from '../../vm/index.js';

export interface CatalogFunction {
  name: string;
  /** One signature text per overload, as declared (`ta.sma(source: series float, length: series int): series float`). */
  signatures: string[];
  /** Parameter names of each overload. */
  params: string[][];
}

export interface CatalogVariable {
  name: string;
  /** Its type, e.g. `series float` or `const color`. */
  type: string;
}

export interface BuiltinCatalog {
  functions: CatalogFunction[];
  variables: CatalogVariable[];
}

function typeText(t: SigType): string {
  const q = QUAL_NAMES[t.qual] ?? '';
  if (t.base === 'array' && t.elem) return `${q} array<${typeText(t.elem).replace(/^\w+ /, '')}>`;
  return `${q} ${t.base}`;
}

/** Hidden helpers the compiler calls itself (`__check.*`) are left out. */
const hidden = (name: string) => name.startsWith('__');

export function builtinCatalog(): BuiltinCatalog {
  const byName = new Map<string, CatalogFunction>();
  for (const f of FUNCTIONS) {
    if (hidden(f.name)) continue;
    let c = byName.get(f.name);
    if (!c) {
      c = { name: f.name, signatures: [], params: [] };
      byName.set(f.name, c);
    }
    c.signatures.push(f.signature.trim());
    c.params.push(f.params.map((p) => p.name));
  }
  const variables: CatalogVariable[] = [];
  for (const name of allVariableNames()) {
    const v = lookupVar(name);
    if (v && !hidden(name)) variables.push({ name, type: typeText(v.type) });
  }
  return { functions: [...byName.values()], variables };
}
