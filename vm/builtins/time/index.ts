// Registers Pine's time builtins: time_tradingday, the calendar variables and functions (year ... second,
// dayofweek.*), timestamp(), time() and time_close(), timeframe.*, session.* and syminfo.*.
// Importing this module registers them once. The math lives in the sibling modules; each adapter
// here reads its arguments, calls one plain function and turns a TimeError into rt.fail().

import { defineFn, defineVar, type BuiltinImpl } from '../registry.js';
import { R, state, type Runtime, type SymbolInfo, type TimeframeInfo } from '../../core/runtime.js';
import { CALENDAR_FIELDS, DAY_OF_WEEK } from './calendar.js';
import { TimeError } from './errors.js';
import {
  changeStep,
  newChangeState,
  periodEnd,
  periodKey,
  periodStart,
  shiftPeriods,
  tradingDayTime,
} from './periods.js';
import {
  firstBarStep,
  isLastBar,
  isMarket,
  isOpenAt,
  isPostMarket,
  isPreMarket,
  newFirstBarState,
  sessionSchedule,
  symbolSchedule,
  type Schedule,
} from './session.js';
import { fromSeconds, formatTimeframe, inSeconds, isIntraday, requireTimeframe } from './timeframe.js';
import { parseDateString, timestampFields } from './timestamp.js';
import { zoneOf, type Zone } from './tz.js';

function rethrow(rt: Runtime, e: unknown): never {
  if (e instanceof TimeError) rt.fail(e.code, e.message);
  throw e;
}

function str(rt: Runtime, reg: number): string | null {
  const v = rt.o[reg];
  return typeof v === 'string' ? v : null;
}

function symbolZone(rt: Runtime): Zone {
  try {
    return zoneOf(rt.syminfo.timezone);
  } catch (e) {
    return rethrow(rt, e);
  }
}

/** A timezone argument; na means the symbol's zone. */
function zoneArg(rt: Runtime, reg: number): Zone {
  const name = str(rt, reg);
  try {
    return zoneOf(name ?? rt.syminfo.timezone);
  } catch (e) {
    return rethrow(rt, e);
  }
}

function schedule(rt: Runtime): Schedule {
  try {
    return symbolSchedule(rt.syminfo);
  } catch (e) {
    return rethrow(rt, e);
  }
}

const TF_CACHE = new Map<string, TimeframeInfo>();

/** A timeframe argument; "" and na mean the chart's timeframe. */
function timeframeArg(rt: Runtime, tf: string | null, what: string): TimeframeInfo {
  if (tf === null || tf === '') return rt.timeframe;
  let info = TF_CACHE.get(tf);
  if (info === undefined) {
    try {
      info = requireTimeframe(tf, what);
    } catch (e) {
      return rethrow(rt, e);
    }
    if (TF_CACHE.size > 1024) TF_CACHE.clear();
    TF_CACHE.set(tf, info);
  }
  return info;
}

function sameTimeframe(a: TimeframeInfo, b: TimeframeInfo): boolean {
  return a.unit === b.unit && a.multiplier === b.multiplier;
}

/** The bar's close time: the register, or the end of the chart period holding its open time. */
function barClose(rt: Runtime, s: Schedule): number {
  const tc = rt.f[R.timeClose] as number;
  if (!Number.isNaN(tc)) return tc;
  return periodEnd(s, rt.timeframe, rt.f[R.time] as number);
}

function bool(b: boolean): number {
  return b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Bar times

// time, time_close, timenow and last_bar_time are plain registers, registered with the other bar
// registers in ../bar-vars.ts.
defineVar('time_tradingday: series int', {
  get: (rt, _a, d) => {
    rt.f[d] = tradingDayTime(schedule(rt), rt.timeframe, rt.f[R.time] as number);
  },
});

// ---------------------------------------------------------------------------------------------
// Calendar

for (const [name, field] of Object.entries(CALENDAR_FIELDS)) {
  defineVar(`${name}: series int`, {
    get: (rt, _a, d) => {
      rt.f[d] = field(rt.f[R.time] as number, symbolZone(rt));
    },
  });
  defineFn(`${name}(time: series int): series int`, (rt, a, d) => {
    rt.f[d] = field(rt.f[a] as number, symbolZone(rt));
  });
  defineFn(`${name}(time: series int, timezone: series string): series int`, (rt, a, d) => {
    rt.f[d] = field(rt.f[a] as number, zoneArg(rt, a + 1));
  });
}

for (const [name, value] of Object.entries(DAY_OF_WEEK)) {
  defineVar(`dayofweek.${name}: const int`, { value });
}

// ---------------------------------------------------------------------------------------------
// timestamp()

defineFn(
  'timestamp(dateString: series string): series int',
  (rt, a, d) => {
    const text = str(rt, a);
    if (text === null) {
      rt.f[d] = Number.NaN;
      return;
    }
    try {
      rt.f[d] = parseDateString(text);
    } catch (e) {
      rethrow(rt, e);
    }
  },
  { pure: true },
);

defineFn(
  'timestamp(year: series int, month: series int, day: series int, hour: series int = 0, minute: series int = 0, second: series int = 0): series int',
  (rt, a, d) => {
    const f = rt.f;
    rt.f[d] = timestampFields(symbolZone(rt), f[a] as number, f[a + 1] as number, f[a + 2] as number, f[a + 3] as number, f[a + 4] as number, f[a + 5] as number);
  },
);

defineFn(
  'timestamp(timezone: series string, year: series int, month: series int, day: series int, hour: series int = 0, minute: series int = 0, second: series int = 0): series int',
  (rt, a, d) => {
    const f = rt.f;
    rt.f[d] = timestampFields(zoneArg(rt, a), f[a + 1] as number, f[a + 2] as number, f[a + 3] as number, f[a + 4] as number, f[a + 5] as number, f[a + 6] as number);
  },
);

// ---------------------------------------------------------------------------------------------
// time(timeframe, session, timezone) and time_close(...)

const MAX_FUTURE_BARS = 500;

/** time()/time_close() for the current bar. `bars_back` moves along the chart's timeframe first,
 * then `timeframe_bars_back` along `timeframe` (both count expected bars of the schedule; a
 * negative value looks into the future, at most 500 bars). na when the bar is outside `session`. */
function timeOf(
  rt: Runtime,
  close: boolean,
  tfText: string | null,
  session: string | null,
  tzName: string | null,
  barsBack: number,
  tfBarsBack: number,
): number {
  const what = close ? 'time_close()' : 'time()';
  let t = rt.f[R.time] as number;
  if (Number.isNaN(t) || Number.isNaN(barsBack) || Number.isNaN(tfBarsBack)) return Number.NaN;
  if (barsBack < -MAX_FUTURE_BARS || tfBarsBack < -MAX_FUTURE_BARS) {
    rt.fail('RT_ARGUMENT', `${what}: a negative bars_back or timeframe_bars_back looks at most ${MAX_FUTURE_BARS} bars into the future; got ${Math.min(barsBack, tfBarsBack)}.`);
  }
  const info = timeframeArg(rt, tfText, what);
  try {
    const sym = symbolSchedule(rt.syminfo);
    const chart = rt.timeframe;
    let tc = barClose(rt, sym);
    if (barsBack !== 0) {
      t = shiftPeriods(sym, chart, t, -Math.trunc(barsBack));
      tc = periodEnd(sym, chart, t);
    }
    let s = sym;
    if (session === null || session === '') {
      if (!isMarket(sym, t, tc)) return Number.NaN;
    } else {
      s = sessionSchedule(session, tzName ?? rt.syminfo.timezone);
      if (!isOpenAt(s, t)) return Number.NaN;
    }
    // The chart's own timeframe: the bar itself, whatever grid the session string would imply.
    if (tfBarsBack === 0 && sameTimeframe(info, chart)) return close ? tc : t;
    const start = tfBarsBack === 0 ? periodStart(s, info, t) : shiftPeriods(s, info, t, -Math.trunc(tfBarsBack));
    return close ? periodEnd(s, info, start) : start;
  } catch (e) {
    return rethrow(rt, e);
  }
}

for (const [name, close] of [['time', false], ['time_close', true]] as const) {
  defineFn(
    `${name}(timeframe: series string, session: series string = "", bars_back: series int = 0, timeframe_bars_back: series int = 0): series int`,
    (rt, a, d) => {
      rt.f[d] = timeOf(rt, close, str(rt, a), str(rt, a + 1), null, rt.f[a + 2] as number, rt.f[a + 3] as number);
    },
  );
  defineFn(
    `${name}(timeframe: series string, session: series string, timezone: series string, bars_back: series int = 0, timeframe_bars_back: series int = 0): series int`,
    (rt, a, d) => {
      rt.f[d] = timeOf(rt, close, str(rt, a), str(rt, a + 1), str(rt, a + 2), rt.f[a + 3] as number, rt.f[a + 4] as number);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// timeframe.*

function tfVar(signature: string, read: (tf: TimeframeInfo) => boolean | number): void {
  defineVar(signature, {
    get: (rt, _a, d) => {
      const v = read(rt.timeframe);
      rt.f[d] = typeof v === 'boolean' ? bool(v) : v;
    },
  });
}

const periodText: BuiltinImpl = (rt, _a, d) => {
  rt.o[d] = formatTimeframe(rt.timeframe, rt.version);
};
defineVar('timeframe.period: simple string', { get: periodText });
defineVar('timeframe.main_period: simple string', { get: periodText });
tfVar('timeframe.multiplier: simple int', (tf) => tf.multiplier);
tfVar('timeframe.isseconds: simple bool', (tf) => tf.unit === 'S');
tfVar('timeframe.isminutes: simple bool', (tf) => tf.unit === '');
tfVar('timeframe.isticks: simple bool', (tf) => tf.unit === 'T');
tfVar('timeframe.isintraday: simple bool', (tf) => isIntraday(tf));
tfVar('timeframe.isdaily: simple bool', (tf) => tf.unit === 'D');
tfVar('timeframe.isweekly: simple bool', (tf) => tf.unit === 'W');
tfVar('timeframe.ismonthly: simple bool', (tf) => tf.unit === 'M');
tfVar('timeframe.isdwm: simple bool', (tf) => tf.unit === 'D' || tf.unit === 'W' || tf.unit === 'M');

defineFn(
  'timeframe.in_seconds(timeframe: series string = timeframe.period): series int',
  (rt, a, d) => {
    const tf = str(rt, a);
    try {
      rt.f[d] = tf === null || tf === '' ? inSeconds(formatTimeframe(rt.timeframe)) : inSeconds(tf);
    } catch (e) {
      rethrow(rt, e);
    }
  },
  { pure: true },
);

defineFn(
  'timeframe.from_seconds(seconds: series int): series string',
  (rt, a, d) => {
    const s = rt.f[a] as number;
    rt.o[d] = Number.isNaN(s) ? null : fromSeconds(s);
  },
  { pure: true },
);

defineFn(
  'timeframe.change(timeframe: series string): series bool',
  (rt, a, d, s) => {
    const st = state(rt, s, newChangeState);
    const info = timeframeArg(rt, str(rt, a), 'timeframe.change()');
    const t = rt.f[R.time] as number;
    let key: number;
    try {
      key = periodKey(symbolSchedule(rt.syminfo), info, t);
    } catch (e) {
      rethrow(rt, e);
    }
    rt.f[d] = bool(changeStep(st, rt.bar, key));
  },
  { stateful: true },
);

// ---------------------------------------------------------------------------------------------
// session.*

defineVar('session.regular: const string', { value: 'regular' });
defineVar('session.extended: const string', { value: 'extended' });

defineVar('session.isfirstbar: series bool', {
  stateful: true,
  get: (rt, _a, d, s) => {
    const sched = schedule(rt);
    rt.f[d] = bool(firstBarStep(state(rt, s, newFirstBarState), rt.bar, sched, rt.f[R.time] as number, barClose(rt, sched), false));
  },
});
defineVar('session.isfirstbar_regular: series bool', {
  stateful: true,
  get: (rt, _a, d, s) => {
    const sched = schedule(rt);
    rt.f[d] = bool(firstBarStep(state(rt, s, newFirstBarState), rt.bar, sched, rt.f[R.time] as number, barClose(rt, sched), true));
  },
});

function sessionVar(name: string, test: (s: Schedule, t: number, tc: number) => boolean, intradayOnly: boolean): void {
  defineVar(`session.${name}: series bool`, {
    get: (rt, _a, d) => {
      if (intradayOnly && !isIntraday(rt.timeframe)) {
        rt.f[d] = 0;
        return;
      }
      const sched = schedule(rt);
      rt.f[d] = bool(test(sched, rt.f[R.time] as number, barClose(rt, sched)));
    },
  });
}

sessionVar('islastbar', isLastBar, false);
sessionVar('islastbar_regular', isLastBar, false);
sessionVar('ismarket', isMarket, false);
sessionVar('ispremarket', isPreMarket, true);
sessionVar('ispostmarket', isPostMarket, true);

// ---------------------------------------------------------------------------------------------
// syminfo.*

function symString(name: string, read: (s: SymbolInfo) => string | null | undefined): void {
  defineVar(`syminfo.${name}: simple string`, {
    get: (rt, _a, d) => {
      rt.o[d] = read(rt.syminfo) ?? null;
    },
  });
}

function symNumber(signature: string, read: (s: SymbolInfo) => number | undefined): void {
  defineVar(signature, {
    get: (rt, _a, d) => {
      rt.f[d] = read(rt.syminfo) ?? Number.NaN;
    },
  });
}

symString('ticker', (s) => s.ticker);
symString('tickerid', (s) => s.tickerid);
symString('main_tickerid', (s) => s.tickerid);
symString('prefix', (s) => s.prefix);
symString('description', (s) => s.description);
symString('type', (s) => s.type);
symString('currency', (s) => s.currency);
symString('basecurrency', (s) => s.basecurrency);
symString('timezone', (s) => s.timezone);
symString('session', (s) => s.sessionType ?? 'regular');
symString('volumetype', (s) => s.volumetype ?? 'n/a');
symString('root', (s) => s.root ?? s.ticker);
symString('country', (s) => s.country);
symString('industry', (s) => s.industry);
symString('sector', (s) => s.sector);
symString('isin', (s) => s.isin ?? '');
symString('current_contract', (s) => s.currentContract);
symNumber('syminfo.mintick: simple float', (s) => s.mintick);
symNumber('syminfo.pointvalue: simple float', (s) => s.pointvalue);
/** pricescale and minmove when the symbol gives only mintick: mintick = minmove / pricescale. */
function impliedPricescale(s: SymbolInfo): number {
  return s.pricescale ?? (s.mintick > 0 && s.mintick < 1 ? Math.round(1 / s.mintick) : 1);
}
symNumber('syminfo.pricescale: simple int', impliedPricescale);
symNumber('syminfo.minmove: simple int', (s) => s.minmove ?? Math.round(s.mintick * impliedPricescale(s)));
symNumber('syminfo.mincontract: simple float', (s) => s.mincontract);
symNumber('syminfo.expiration_date: simple int', (s) => s.expirationDate);
symNumber('syminfo.employees: simple int', (s) => s.employees);
symNumber('syminfo.shareholders: simple int', (s) => s.shareholders);
symNumber('syminfo.shares_outstanding_float: simple float', (s) => s.sharesOutstandingFloat);
symNumber('syminfo.shares_outstanding_total: simple int', (s) => s.sharesOutstandingTotal);
