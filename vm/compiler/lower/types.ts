// Type references written in the script (`float x`, `array<int> a`, parameter types) → PType.
// User-defined types, enums and methods will be lowered here.

import type * as A from '../ast.js';
import { Qual, type PType } from '../types.js';
import { typeFromRef } from '../tier2-types.js';
import { type LowerContext } from './context.js';

/** The PType of a declared type (`float`, `const int`, `array<float>`), or null after reporting that
 * it is not supported. A missing qualifier means series (the widest). */
export function declTypeFromRef(cx: LowerContext, ref: A.TypeRef): PType | null {
  const q: Qual =
    ref.qualifier === 'const'
      ? Qual.Const
      : ref.qualifier === 'input'
        ? Qual.Input
        : ref.qualifier === 'simple'
          ? Qual.Simple
          : Qual.Series;
  // Scalars, drawings, array/matrix/map of any element type: compiler/tier2-types.ts.
  const r = typeFromRef(ref, q, (sp) => cx.sink.quote(sp));
  if (!r.ok) {
    cx.err(r.code, r.span, r.message);
    return null;
  }
  return r.type;
}
