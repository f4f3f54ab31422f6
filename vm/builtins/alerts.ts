// alert() and alertcondition(): each firing is appended to rt.alerts with the bar index and bar
// time (the host decides what to do with them; realtime rollback and snapshots keep the list).
// alert()'s frequency: alert.freq_once_per_bar (the default) fires on the first call of a bar at
// that call site, alert.freq_once_per_bar_close only on a confirmed bar, alert.freq_all every time.

import { defineFn, defineVar } from './registry.js';
import { R, state, type Runtime } from '../core/runtime.js';
import { checkStringLength, noteAlloc } from './limits.js';

defineVar('alert.freq_all: const string', { value: 'all' });
defineVar('alert.freq_once_per_bar: const string', { value: 'once_per_bar' });
defineVar('alert.freq_once_per_bar_close: const string', { value: 'once_per_bar_close' });

/** Bar index of the last firing of one alert() call site (-1: never). */
interface AlertSite {
  bar: number;
}

function push(rt: Runtime, message: string | null, kind: 'alert' | 'condition'): void {
  // TradingView's documented limit on an alert() message (limits.ts), also counted in the budget.
  const fn = kind === 'alert' ? 'alert' : 'alertcondition';
  checkStringLength(rt, message?.length ?? 0, fn);
  noteAlloc(rt, 64, fn);
  rt.alerts.push({ bar: rt.bar, time: rt.f[R.time] ?? NaN, message: message ?? '', kind });
}

defineFn(
  'alert(message: series string, freq: input string = "once_per_bar"): void',
  (rt, a, _d, s) => {
    const site = state<AlertSite>(rt, s, () => ({ bar: -1 }));
    const freq = rt.o[a + 1];
    const message = typeof rt.o[a] === 'string' ? (rt.o[a] as string) : null;
    if (freq === 'once_per_bar_close' && rt.f[R.isConfirmed] !== 1) return;
    if (freq !== 'all' && site.bar === rt.bar) return;
    site.bar = rt.bar;
    push(rt, message, 'alert');
  },
  { stateful: true },
);

defineFn(
  'alertcondition(condition: series bool, title: const string = na, message: const string = na): void',
  (rt, a) => {
    if (rt.f[a] !== 1) return;
    const message = rt.o[a + 2];
    const title = rt.o[a + 1];
    push(rt, typeof message === 'string' ? message : typeof title === 'string' ? title : null, 'condition');
  },
  { globalOnly: true },
);
