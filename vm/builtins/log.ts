// log.info / log.warning / log.error (a message, or a format string with str.format's rules) and
// runtime.error. Log entries go to rt.logs with the bar index and bar time; beyond
// rt.limits.maxLogs the oldest entries are dropped.

import { defineFn } from './registry.js';
import { R, type LogEntry, type LogLevel, type Runtime } from '../core/runtime.js';
import { boxedArgs, formatMessageRt } from './str.js';
import { noteAlloc } from './limits.js';

/** Appends a log entry, keeping at most `max` entries (oldest dropped first). */
export function appendLog(logs: LogEntry[], entry: LogEntry, max: number): void {
  logs.push(entry);
  const excess = logs.length - Math.max(0, max);
  if (excess > 0) logs.splice(0, excess);
}

function log(rt: Runtime, level: LogLevel, message: string): void {
  // Kept entries count against the memory budget (limits.ts).
  noteAlloc(rt, 2 * message.length + 64, `log.${level}`);
  appendLog(rt.logs, { bar: rt.bar, time: rt.f[R.time] ?? NaN, level, message }, rt.limits.maxLogs);
}

function text(rt: Runtime, i: number): string | null {
  const v = rt.o[i];
  return typeof v === 'string' ? v : null;
}

let registered = false;

/** Defines log.* and runtime.error in the registry (once). */
export function registerLog(): void {
  if (registered) return;
  registered = true;
  for (const level of ['info', 'warning', 'error'] as const) {
    // The plain message overload comes first: a lone string is logged as is, quotes and braces
    // included; only calls with arguments after it use str.format's rules.
    defineFn(`log.${level}(message: series string): void`, (rt, a) => {
      log(rt, level, text(rt, a) ?? 'NaN');
    });
    defineFn(`log.${level}(formatString: series string, ...arg: series any): void`, (rt, a, _d, s) => {
      log(rt, level, formatMessageRt(rt, text(rt, a), boxedArgs(rt, a + 1, s - 1), `log.${level}`));
    });
  }
  defineFn('runtime.error(message: series string): void', (rt, a) => {
    rt.fail('RT_USER', text(rt, a) ?? 'NaN');
  });
}
