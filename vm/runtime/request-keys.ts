// Dynamic requests (Pine v6): one request.* call site evaluated with several symbols or timeframes
// — in a loop over symbols, a function called with different arguments, a symbol or timeframe
// chosen per bar. As on TradingView, each distinct (symbol, timeframe) pair is a context of its
// own: its bars, its position in them, and its expression's state (series, `ta.*` and other
// call-site state, `var` variables), each advancing only with its own bars.
//
// The compiler emits CTX_KEY before the request's CTX_IN_* when its symbol or timeframe is not a
// constant, with the absolute ranges of the expression's state (call-site slots after the
// request's own, series, var numbers, var objects), and CTX_UNKEY after its CTX_OUT. The call
// site's first pair lives in place (its state in the slot and the ranges, as for any request).
// CTX_KEY with another pair swaps that pair's context in: its request state into the slot, its
// expression's state into the ranges (the first pair's set aside in its place); CTX_UNKEY swaps
// back. So between requests the live state is always the first pair's — what realtime rollback
// (series by position) and the compiled tier expect — and the other pairs' contexts are plain data
// in the first pair's state (`keyed`), carried by rollback, snapshots and clones like the rest.

import { newSeriesF, newSeriesO, type SeriesF, type SeriesO } from '../core/series.js';
import { settleSlot } from './contexts.js';
import { newRequestState, type ContextHost, type KeyedContext, type RequestState } from './request-state.js';

/** TradingView's cap on a script's unique request.*() calls (its "Limitations" page: 40, 64 on
 * some plans; a call is unique by its function and arguments). The compiler counts the distinct
 * calls it sees (lower/request-limit.ts); CTX_KEY counts every context open when a dynamic request
 * opens another (one per entered call site plus each further pair). */
export const MAX_REQUEST_CONTEXTS = 40;

/** What CTX_KEY needs of the machine. */
export interface KeysHost extends ContextHost {
  ser: (SeriesF | SeriesO)[];
  vf: Float64Array;
  vo: unknown[];
}

/** CTX_KEY: before request slot `s` enters its context for symbol `sym` (null: the chart's own)
 * and timeframe `tf`; the expression's state is cs[c0, c0 + nc), ser[s0, s0 + ns), vf[f0, f0 + nf)
 * and vo[o0, o0 + no) (absolute). */
export function ctxKey(m: KeysHost, s: number, sym: unknown, tf: unknown, c0: number, nc: number, s0: number, ns: number, f0: number, nf: number, o0: number, no: number): void {
  let home = m.cs[s] as RequestState | undefined;
  if (home === undefined) {
    home = newRequestState();
    m.cs[s] = home;
  }
  if (home.back !== undefined) return; // (swapped in already: a bar resumed before its CTX_OUT)
  if (home.hk !== true) {
    // A dynamic call site's first pair: one context more (a function wrapping a request, called
    // with 50 symbols, is 50 call sites of one pair each).
    checkContextCount(m, sym, tf);
    home.hk = true;
    home.hs = sym;
    home.ht = tf;
    return;
  }
  if (sym === home.hs && tf === home.ht) return;
  // Another pair: its context in, the first pair's aside.
  settleSlot(m, s);
  home.multi = true;
  const key = `${String(sym)}\u0000${String(tf)}`;
  const keyed = home.keyed ?? (home.keyed = {});
  let k = keyed[key];
  if (k === undefined) {
    checkContextCount(m, sym, tf);
    k = fresh(m, [c0, nc, s0, ns, f0, nf, o0, no]);
    keyed[key] = k;
  }
  swap(m, k);
  const st = k.st;
  st.multi = true;
  st.back = home;
  st.bk = key;
  m.cs[s] = st;
}

/** CTX_UNKEY: after request slot `s`'s CTX_OUT: the first pair's context back, if another's ran. */
export function ctxUnkey(m: KeysHost, s: number): void {
  const st = m.cs[s] as RequestState | undefined;
  const home = st?.back;
  if (st === undefined || home === undefined) return;
  const k = home.keyed?.[st.bk ?? ''];
  st.back = undefined;
  m.cs[s] = home;
  if (k === undefined) return;
  k.st = st;
  swap(m, k);
}

/** Fails when the pair (sym, tf) would be one more distinct pair than MAX_REQUEST_CONTEXTS. Counts the
 * distinct (symbol, timeframe) pairs of the request states in the call-site slots: a written-out
 * site's pair, a dynamic site's first pair and each further pair it keeps. Distinct pairs, not call
 * sites: two calls of the same pair (a function holding a request, called from many places) may be
 * the same call, which TradingView counts once; calls that differ only by their expression are
 * counted by the compiler (lower/request-limit.ts). Runs only when a dynamic request opens a new
 * pair, so at most a few times per call site in a run. */
function checkContextCount(m: KeysHost, sym: unknown, tf: unknown): void {
  const pairs = new Set<string>();
  for (const x of m.cs) {
    if (typeof x !== 'object' || x === null || !('kform' in x) || !('wform' in x)) continue;
    const st = x as RequestState;
    if (st.hk === true) pairs.add(`${String(st.hs)}\u0000${String(st.ht)}`);
    else if (st.okey !== '') pairs.add(st.okey);
    else if (st.tf !== '') pairs.add(`null\u0000${st.tf}`);
    if (st.keyed !== undefined) for (const k of Object.keys(st.keyed)) pairs.add(k);
  }
  const key = `${String(sym)}\u0000${String(tf)}`;
  if (pairs.has(key)) return;
  const n = pairs.size + 1;
  if (n <= MAX_REQUEST_CONTEXTS) return;
  const show = (v: unknown): string => {
    if (typeof v !== 'string' || v === '') return 'the chart\'s';
    return v.length > 60 ? `${JSON.stringify(v.slice(0, 40))}… (${v.length.toLocaleString('en-US')} characters)` : JSON.stringify(v);
  };
  m.fail('too-many-requests', `Too many requests: symbol ${show(sym)}, timeframe ${show(tf)} would be the ${ordinal(n)} distinct symbol and timeframe requested. A script can make at most ${MAX_REQUEST_CONTEXTS} unique request.*() calls (TradingView's limit, 64 on some of its plans).`);
}

function ordinal(n: number): string {
  const t = n % 100;
  const suffix = t >= 11 && t <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** A new pair's context: a fresh request state and expression state of the ranges' shapes. */
function fresh(m: KeysHost, r: number[]): KeyedContext {
  const [, nc = 0, s0 = 0, ns = 0, , nf = 0, , no = 0] = r;
  const ser: (SeriesF | SeriesO)[] = [];
  for (let i = 0; i < ns; i++) {
    const live = m.ser[s0 + i];
    // (The same kind and capacity: the shape a snapshot checks.)
    ser.push(live !== undefined && !(live.buf instanceof Float64Array) ? newSeriesO(live.mask - 1) : newSeriesF((live?.mask ?? 1) - 1));
  }
  return { st: newRequestState(), cs: new Array<unknown>(nc).fill(undefined), ser, vf: new Float64Array(nf), vo: new Array<unknown>(no).fill(null), r: r.slice() };
}

/** Exchanges the live expression state in k's ranges with k's. */
function swap(m: KeysHost, k: KeyedContext): void {
  const [c0 = 0, nc = 0, s0 = 0, ns = 0, f0 = 0, nf = 0, o0 = 0, no = 0] = k.r;
  for (let i = 0; i < nc; i++) {
    const x = m.cs[c0 + i];
    m.cs[c0 + i] = k.cs[i];
    k.cs[i] = x;
  }
  for (let i = 0; i < ns; i++) {
    const x = m.ser[s0 + i] as SeriesF | SeriesO;
    m.ser[s0 + i] = k.ser[i] as SeriesF | SeriesO;
    k.ser[i] = x;
  }
  for (let i = 0; i < nf; i++) {
    const x = m.vf[f0 + i] as number;
    m.vf[f0 + i] = k.vf[i] as number;
    k.vf[i] = x;
  }
  for (let i = 0; i < no; i++) {
    const x = m.vo[o0 + i];
    m.vo[o0 + i] = k.vo[i];
    k.vo[i] = x;
  }
}
