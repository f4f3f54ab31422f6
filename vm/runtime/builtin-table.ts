// The builtin implementations a Program calls, resolved by name and signature against the registry
// when a machine is created (a program compiled by another VM version fails here, clearly). Shared by
// the interpreter (machine.ts) and the compiled tier (jit.ts).

import type { Program } from '../bytecode/program.js';
import { lookupVar, fnByKey, type BuiltinImpl } from '../builtins/registry.js';

/** Builtin implementations of a program, resolved by name when the machine is created. */
export function resolveBuiltins(program: Program): { impls: BuiltinImpl[]; stateful: Uint8Array } {
  const impls: BuiltinImpl[] = [];
  const stateful = new Uint8Array(program.builtins.length);
  program.builtins.forEach((b, i) => {
    if (b.overload < 0) {
      const v = lookupVar(b.name);
      if (!v || !('get' in v.impl)) throw new Error(`This VM has no built-in variable '${b.name}' required by the program.`);
      impls.push(v.impl.get);
      stateful[i] = v.impl.stateful ? 1 : 0;
      return;
    }
    const spec = fnByKey(b.name, b.overload);
    if (!spec || spec.signature !== b.signature) {
      throw new Error(`This VM has no built-in '${b.signature}' required by the program.`);
    }
    impls.push(spec.impl);
    stateful[i] = spec.stateful ? 1 : 0;
  });
  return { impls, stateful };
}
