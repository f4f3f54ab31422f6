// The compile-time half of TradingView's cap on unique request.*() calls (MAX_REQUEST_CONTEXTS,
// runtime/request-keys.ts, which counts the dynamic half when the script runs): a call is unique by
// its function and its arguments as written, so two calls with the same text count once, and the
// call that passes the cap gets the error. A call whose symbol or timeframe is not a constant counts
// once here; each further pair it requests is counted when it runs.

import type * as A from '../ast.js';
import type { LowerContext } from './context.js';
import { MAX_REQUEST_CONTEXTS } from '../../runtime/request-keys.js';

const seen = new WeakMap<LowerContext, { keys: Set<string>; reported: boolean }>();

/** Notes request call `e` of function `name`; reports E411 at the first call past the cap. */
export function noteRequestCall(cx: LowerContext, name: string, e: A.Call): void {
  let s = seen.get(cx);
  if (s === undefined) {
    s = { keys: new Set(), reported: false };
    seen.set(cx, s);
  }
  const text = cx.sink.source.slice(e.span.start, e.span.end).replace(/\s+/g, '');
  s.keys.add(`${name}\u0000${text}`);
  if (s.keys.size > MAX_REQUEST_CONTEXTS && !s.reported) {
    s.reported = true;
    cx.err('E411', e.callee.span, `Too many requests: this '${name}' call is unique request number ${s.keys.size}. A script can make at most ${MAX_REQUEST_CONTEXTS} unique request.*() calls (a call with the same function and arguments as another counts once; TradingView's limit, 64 on some of its plans).`);
  }
}
