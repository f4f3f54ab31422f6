// ticker.*: the ticker ids a script builds for request.security(), and the adjustment.*,
// backadjustment.* and settlement_as_close.* constants, and barmerge.* (request.security's gaps and
// lookahead as values: constant strings naming themselves, compiler/lower/request-flags.ts). A plain ticker is "PREFIX:TICKER"; one with
// modifiers is TradingView's encoded form, "=" followed by a JSON object with sorted keys —
// `adjustment`, `backadjustment`, `session`, `settlement-as-close`, `symbol` — holding only the
// modifiers given (ticker.new("NASDAQ", "AAPL", session.extended) is
// `={"session":"extended","symbol":"NASDAQ:AAPL"}`). Non-standard chart types (Heikin Ashi, Renko,
// Line Break, Kagi, Point & Figure) wrap the symbol as `={"inputs":{...},"symbol":...,"type":...}`.
// The ids are plain strings; what request.security() can fetch with them is decided there
// (`tickerNeeds` names what a ticker asks for that the chart's own bars cannot give).

import { defineFn, defineVar } from './registry.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Spec = { [k: string]: Json };

/** The server study of each non-standard chart type, as TradingView names it. */
const CHART_TYPES: Readonly<Record<string, { study: string; title: string }>> = {
  heikinashi: { study: 'BarSetHeikenAshi@tv-basicstudies-60!', title: 'Heikin Ashi' },
  renko: { study: 'BarSetRenko@tv-prostudies-40!', title: 'Renko' },
  linebreak: { study: 'BarSetPriceBreak@tv-prostudies-34!', title: 'Line Break' },
  kagi: { study: 'BarSetKagi@tv-prostudies-34!', title: 'Kagi' },
  pointfigure: { study: 'BarSetPnF@tv-prostudies-34!', title: 'Point & Figure' },
};

/** JSON with object keys sorted at every level (TradingView's encoded ticker ids). */
function sortedJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(v[k] as Json)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A ticker id as its spec: `{symbol: "P:T"}` for a plain one, the decoded object for "={...}". */
export function parseTicker(id: string): Spec {
  if (id.startsWith('=')) {
    try {
      const v: unknown = JSON.parse(id.slice(1));
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Spec;
    } catch {
      // Not an encoded id: taken as a plain symbol below.
    }
  }
  return { symbol: id };
}

/** A spec as a ticker id: the plain symbol when it carries nothing else. */
export function formatTicker(spec: Spec): string {
  const keys = Object.keys(spec);
  if (keys.length === 1 && keys[0] === 'symbol' && typeof spec.symbol === 'string') return spec.symbol;
  return `=${sortedJson(spec)}`;
}

export interface Modifiers {
  session?: string | null;
  adjustment?: string | null;
  backadjustment?: string | null;
  settlement?: string | null;
}

/** Sets the given modifiers on a spec (na leaves one as it is; `inherit` removes it). */
function applyModifiers(spec: Spec, m: Modifiers): Spec {
  const out: Spec = { ...spec };
  if (m.session) out.session = m.session;
  if (m.adjustment) out.adjustment = m.adjustment;
  if (m.backadjustment === 'inherit') delete out.backadjustment;
  else if (m.backadjustment) out.backadjustment = m.backadjustment;
  if (m.settlement === 'inherit') delete out['settlement-as-close'];
  else if (m.settlement) out['settlement-as-close'] = m.settlement === 'on';
  return out;
}

/** ticker.new(prefix, ticker, ...modifiers). */
export function tickerNew(prefix: string, ticker: string, m: Modifiers): string {
  return formatTicker(applyModifiers({ symbol: prefix === '' ? ticker : `${prefix}:${ticker}` }, m));
}

/** ticker.modify(tickerid, ...modifiers): the same symbol with these modifiers changed. */
export function tickerModify(id: string, m: Modifiers): string {
  return formatTicker(applyModifiers(parseTicker(id), m));
}

/** The innermost plain symbol of a ticker id ("P:T"), through chart-type wrappers. */
function baseSymbol(spec: Spec): string | null {
  const s = spec.symbol;
  if (typeof s === 'string') return s;
  if (s !== null && typeof s === 'object' && !Array.isArray(s)) return baseSymbol(s);
  return null;
}

/** ticker.standard(symbol): "PREFIX:TICKER" without modifiers or chart type; a symbol without a
 * prefix comes back as it is (TradingView's rule), also from inside an encoded id (the Heikin Ashi
 * id of a chart whose ticker has no prefix, e.g. one named after its CSV file, is that ticker). */
export function tickerStandard(id: string): string {
  return baseSymbol(parseTicker(id)) ?? id;
}

/** ticker.inherit(from_tickerid, symbol): `symbol` with the modifiers of `from_tickerid`. */
export function tickerInherit(from: string, symbol: string): string {
  const spec = parseTicker(from);
  if ('type' in spec) {
    // A chart type: its inner ticker takes the new symbol, the chart type stays.
    const inner = typeof spec.symbol === 'object' && spec.symbol !== null && !Array.isArray(spec.symbol) ? (spec.symbol as Spec) : { symbol: String(spec.symbol) };
    const replaced = parseTicker(tickerInherit(formatTicker(inner), symbol));
    return formatTicker({ ...spec, symbol: Object.keys(replaced).length === 1 ? (replaced.symbol as Json) : replaced });
  }
  return formatTicker({ ...spec, symbol: tickerStandard(symbol) });
}

/** A non-standard chart type over a ticker id: `kind` is a key of CHART_TYPES. */
export function tickerChart(id: string, kind: string, inputs: Spec): string {
  const spec = parseTicker(id);
  const symbol: Json = Object.keys(spec).length === 1 && typeof spec.symbol === 'string' ? spec.symbol : spec;
  return formatTicker({ inputs, symbol, type: CHART_TYPES[kind]?.study ?? kind });
}

/** The symbol of a Heikin Ashi ticker id over a plain symbol (ticker.heikinashi("NASDAQ:AAPL")),
 * else null: request.security() builds those bars from the symbol's own. */
export function heikinAshiOf(id: string): string | null {
  if (id.charCodeAt(0) !== 61 /* '=' */) return null;
  const spec = parseTicker(id);
  return spec.type === CHART_TYPES.heikinashi?.study && typeof spec.symbol === 'string' ? spec.symbol : null;
}

/** What a ticker id asks for beyond the standard bars of its symbol (null: nothing), for
 * request.security()'s message: "Heikin Ashi bars", "the extended session", ... */
export function tickerNeeds(id: string, chartSession: string): string | null {
  const spec = parseTicker(id);
  if (typeof spec.type === 'string') {
    const t = Object.values(CHART_TYPES).find((c) => c.study === spec.type);
    return `${t ? t.title : spec.type} bars`;
  }
  if (typeof spec.session === 'string' && spec.session !== chartSession) return `the ${spec.session} session`;
  if (typeof spec.adjustment === 'string' && spec.adjustment !== 'none' && spec.adjustment !== 'splits') return `${spec.adjustment}-adjusted prices`;
  if (spec.backadjustment === 'on') return 'back-adjusted futures prices';
  if (spec['settlement-as-close'] === true) return 'settlement prices as the close';
  return null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

let registered = false;

export function registerTicker(): void {
  if (registered) return;
  registered = true;
  for (const v of ['none', 'splits', 'dividends']) defineVar(`adjustment.${v}: const string`, { value: v });
  for (const v of ['gaps_on', 'gaps_off', 'lookahead_on', 'lookahead_off']) defineVar(`barmerge.${v}: const string`, { value: `barmerge.${v}` });
  for (const v of ['inherit', 'on', 'off']) {
    defineVar(`backadjustment.${v}: const string`, { value: v });
    defineVar(`settlement_as_close.${v}: const string`, { value: v });
  }
  const mods = 'session: simple string = na, adjustment: simple string = na, backadjustment: simple string = backadjustment.inherit, settlement_as_close: simple string = settlement_as_close.inherit';
  const readMods = (o: unknown[], a: number): Modifiers => ({ session: str(o[a]), adjustment: str(o[a + 1]), backadjustment: str(o[a + 2]), settlement: str(o[a + 3]) });
  defineFn(`ticker.new(prefix: simple string, ticker: simple string, ${mods}): simple string`, (rt, a, d) => {
    rt.o[d] = tickerNew(str(rt.o[a]) ?? '', str(rt.o[a + 1]) ?? '', readMods(rt.o, a + 2));
  });
  defineFn(`ticker.modify(tickerid: simple string, ${mods}): simple string`, (rt, a, d) => {
    rt.o[d] = tickerModify(str(rt.o[a]) ?? '', readMods(rt.o, a + 1));
  });
  defineFn('ticker.standard(symbol: simple string = syminfo.tickerid): simple string', (rt, a, d) => {
    const s = str(rt.o[a]);
    rt.o[d] = s === null ? null : tickerStandard(s);
  });
  defineFn('ticker.inherit(from_tickerid: simple string, symbol: simple string): simple string', (rt, a, d) => {
    rt.o[d] = tickerInherit(str(rt.o[a]) ?? '', str(rt.o[a + 1]) ?? '');
  });
  defineFn('ticker.heikinashi(symbol: simple string): simple string', (rt, a, d) => {
    rt.o[d] = tickerChart(str(rt.o[a]) ?? '', 'heikinashi', {});
  });
  defineFn(
    'ticker.renko(symbol: simple string, style: simple string, param: simple float, request_wicks: simple bool = false, source: simple string = "close"): simple string',
    (rt, a, d) => {
      const style = str(rt.o[a + 1]) ?? 'Traditional';
      const param = rt.f[a + 2] ?? NaN;
      const key = style === 'ATR' ? 'atrLength' : style === 'PercentageLTP' ? 'percentageLTP' : 'boxSize';
      rt.o[d] = tickerChart(str(rt.o[a]) ?? '', 'renko', { [key]: param, source: str(rt.o[a + 4]) ?? 'close', style, wicks: (rt.f[a + 3] ?? 0) !== 0 });
    },
  );
  defineFn('ticker.linebreak(symbol: simple string, number_of_lines: simple int): simple string', (rt, a, d) => {
    rt.o[d] = tickerChart(str(rt.o[a]) ?? '', 'linebreak', { lb: rt.f[a + 1] ?? NaN });
  });
  defineFn('ticker.kagi(symbol: simple string, reversal: simple float): simple string', (rt, a, d) => {
    rt.o[d] = tickerChart(str(rt.o[a]) ?? '', 'kagi', { reversalAmount: rt.f[a + 1] ?? NaN });
  });
  defineFn(
    'ticker.pointfigure(symbol: simple string, source: simple string, style: simple string, param: simple float, reversal: simple int): simple string',
    (rt, a, d) => {
      rt.o[d] = tickerChart(str(rt.o[a]) ?? '', 'pointfigure', { boxSize: rt.f[a + 3] ?? NaN, reversalAmount: rt.f[a + 4] ?? NaN, sources: str(rt.o[a + 1]) ?? 'hl', style: str(rt.o[a + 2]) ?? 'Traditional' });
    },
  );
}

registerTicker();
