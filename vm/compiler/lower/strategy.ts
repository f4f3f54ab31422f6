// strategy: the compiler's side of strategies (vm/builtins/strategy/). A strategy() script gets
// call-site slot 0 of main reserved for the broker's state; the declaration compiles to a call of
// the broker's begin step `__strategy_begin` with strategy()'s result-changing arguments as
// constants, and the end of the body to `__strategy_end`. strategy.* functions and variables are
// refused outside a strategy, and arguments that cannot be honoured yet are named.
// (With the reshaped runtime these two calls are meant to become a host step: see the report.)

import type * as A from '../ast.js';
import { Op } from '../../bytecode/opcodes.js';
import { lookupFn } from '../../builtins/registry.js';
import type { LowerContext } from './context.js';

/** True when the source declares itself with strategy( at the start of a line. */
export function declaresStrategy(source: string): boolean {
  return /^[ \t]*strategy[ \t]*\(/m.test(source);
}

/** Emits a call of a broker step with constant arguments, on call-site slot 0. */
export function strategyHook(cx: LowerContext, name: string, args: (number | string | null)[]): void {
  const spec = lookupFn(name)?.[0];
  if (!spec) return;
  const block = args.length > 0 ? cx.newReg(args.length) : 0;
  args.forEach((v, i) => cx.preload.push({ reg: block + i, value: v }));
  cx.main.em.emit(Op.CALLB, cx.builtinRef(spec.name, spec.overload, spec.signature), block, 0, 0);
}

/** Checks strategy()'s arguments and emits the broker's begin step with them. */
export function strategyDeclaration(cx: LowerContext, values: Record<string, string | number | boolean | null>, spans: (A.Span | null)[], names: string[], e: A.Call): void {
  const at = (n: string): A.Span => spans[names.indexOf(n)] ?? e.span;
  if (cx.main.nCs === 0) {
    cx.err('E504', e.callee.span, 'strategy() must start a line of its own at the top level of the script.');
    return;
  }
  const unsupported = (n: string, why: string): void => cx.err('E504', at(n), `strategy(${n} = ${String(values[n])}): ${why}`);
  if (values.calc_on_order_fills === true) unsupported('calc_on_order_fills', 're-running the script after each fill is not supported yet: remove the argument (or set it to false).');
  if (values.use_bar_magnifier === true) unsupported('use_bar_magnifier', 'the bar magnifier needs lower-timeframe bars, which are not supported yet: remove the argument (or set it to false).');
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
  const num = (n: string): number | null => (typeof values[n] === 'number' ? (values[n] as number) : null);
  const txt = (n: string): string | null => (typeof values[n] === 'string' ? (values[n] as string) : null);
  const flag = (n: string): number => (values[n] === true ? 1 : 0);
  strategyHook(cx, '__strategy_begin', [
    num('pyramiding'), txt('default_qty_type'), num('default_qty_value'), num('initial_capital'),
    txt('commission_type'), num('commission_value'), num('slippage'), flag('process_orders_on_close'),
    num('margin_long'), num('margin_short'), txt('close_entries_rule'), num('backtest_fill_limits_assumption'),
    num('risk_free_rate'), txt('currency'),
  ]);
}

/** Reports (E409) a use of the broker outside a strategy() script, or of its steps. */
export function notInStrategy(cx: LowerContext, name: string, span: A.Span): boolean {
  if (name.startsWith('__strategy')) {
    cx.err('E409', span, `'${name}' is internal to the strategy broker and cannot be called.`);
    return true;
  }
  if (!name.startsWith('strategy.') || cx.meta.kind === 'strategy') return false;
  cx.err('E409', span, `'${name}' can only be used in a strategy: declare the script with strategy() instead of ${cx.meta.kind}().`);
  return true;
}
