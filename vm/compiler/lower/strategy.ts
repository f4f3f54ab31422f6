// strategy: the compiler's side of strategies (vm/builtins/strategy/). strategy()'s arguments are
// checked and kept in Program.meta.options, which the
// broker's host step (runtime/strategy-step.ts) reads; strategy.* functions and variables are
// refused outside a strategy.

import type * as A from '../ast.js';
import type { LowerContext } from './context.js';

/** Checks strategy()'s arguments. */
export function strategyDeclaration(cx: LowerContext, values: Record<string, string | number | boolean | null>, spans: (A.Span | null)[], names: string[], e: A.Call): void {
  const at = (n: string): A.Span => spans[names.indexOf(n)] ?? e.span;
  for (const n of ['margin_long', 'margin_short']) {
    const v = values[n];
    if (typeof v === 'number' && !(v >= 0 && v <= 100)) cx.err('E331', at(n), `strategy(${n} = ${v}): a margin is a percentage from 0 to 100.`);
  }
  const oneOf = (n: string, ok: string[]): void => {
    const v = values[n];
    if (typeof v === 'string' && !ok.includes(v)) cx.err('E331', at(n), `strategy(${n} = "${v}"): expected one of ${ok.join(', ')}.`);
  };
  oneOf('default_qty_type', ['fixed', 'cash', 'percent_of_equity']);
  oneOf('commission_type', ['percent', 'cash_per_contract', 'cash_per_order']);
  oneOf('close_entries_rule', ['FIFO', 'ANY']);
}

/** Reports (E409) a use of the broker outside a strategy() script. */
export function notInStrategy(cx: LowerContext, name: string, span: A.Span): boolean {
  if (!name.startsWith('strategy.') || cx.meta.kind === 'strategy') return false;
  cx.err('E409', span, `'${name}' can only be used in a strategy: declare the script with strategy() instead of ${cx.meta.kind}().`);
  return true;
}
