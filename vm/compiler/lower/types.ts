// Type references written in the script (`float x`, `array<int> a`, parameter types) → PType.
// User-defined types, enums and methods will be lowered here.

import type * as A from '../ast.js';
import { Qual, type PType, type Base } from '../types.js';
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
  const b = SIMPLE_TYPES[ref.name];
  if (b) {
    if (ref.args.length > 0) {
      cx.err('E312', ref.span, `The type '${ref.name}' does not take template arguments (\`${cx.sink.quote(ref.span)}\`).`);
      return null;
    }
    return { base: b, qual: q };
  }
  if (ref.name === 'array') {
    const arg = ref.args[0];
    const elem = arg && ref.args.length === 1 ? SIMPLE_TYPES[arg.name] : undefined;
    if (!arg || ref.args.length !== 1) {
      cx.err('E312', ref.span, `The type 'array' takes one element type, as in \`array<float>\` or \`float[]\`; got \`${cx.sink.quote(ref.span)}\`.`);
      return null;
    }
    if (!elem || arg.args.length > 0) {
      cx.err('E502', arg.span, `Arrays of '${cx.sink.quote(arg.span)}' are not supported yet: the element type must be int, float, bool, color or string.`);
      return null;
    }
    return { base: 'array', qual: Qual.Series, elem: { base: elem, qual: Qual.Series } };
  }
  cx.err('E502', ref.span, `The type '${cx.sink.quote(ref.span)}' is not supported yet.`);
  return null;
}

/** Types written by name in declarations and parameters. */
// strategy: `table` is a type (vm/builtins/table.ts) because strategies commonly keep an info table.
const SIMPLE_TYPES: Readonly<Record<string, Base>> = { int: 'int', float: 'float', bool: 'bool', color: 'color', string: 'string', table: 'table' };
