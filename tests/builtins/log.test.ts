// log.info / log.warning / log.error and runtime.error. Sources: the v6 Reference pages of log.info
// and runtime.error (quoted) and the User Manual ("The second overloads of all log.*() functions
// have the same parameter signature and formatting behaviors as str.format()").

import { describe, expect, it } from 'vitest';
import { lookupFn } from '../../vm/builtins/registry.js';
import { appendLog } from '../../vm/builtins/log.js';
import { R, type LogEntry } from '../../vm/runtime/runtime.js';
import { call, makeRuntime, RuntimeFailure } from './harness.js';

describe('log.*', () => {
  it('appends { bar, time, level, message } for each level', () => {
    const rt = makeRuntime({ bar: 12 });
    rt.f[R.time] = 1700000000000;
    call(rt, 'log.info', ['string'], ['hello']);
    call(rt, 'log.warning', ['string'], ['careful']);
    call(rt, 'log.error', ['string'], ['broken']);
    expect(rt.logs).toEqual([
      { bar: 12, time: 1700000000000, level: 'info', message: 'hello' },
      { bar: 12, time: 1700000000000, level: 'warning', message: 'careful' },
      { bar: 12, time: 1700000000000, level: 'error', message: 'broken' },
    ]);
  });

  it('formats with str.format rules when arguments follow (Reference example)', () => {
    const rt = makeRuntime();
    call(rt, 'log.info', ['string', 'any'], ['Long limit order has been placed at {0}', 68123.4567]);
    call(rt, 'log.warning', ['string', 'any'], ['{0} positions opened in the same direction in a row', 11]);
    call(rt, 'log.info', ['string', 'any', 'any'], ['randString: {0},  count: {1,number,#}', 'abab', 2]);
    expect(rt.logs.map((l) => l.message)).toEqual([
      'Long limit order has been placed at 68,123.457',
      '11 positions opened in the same direction in a row',
      'randString: abab,  count: 2',
    ]);
  });

  it('logs a lone message as is: no placeholder or quote processing', () => {
    const rt = makeRuntime();
    call(rt, 'log.info', ['string'], ["it's {0}"]);
    expect(rt.logs[0]?.message).toBe("it's {0}");
  });

  it('reports a malformed format string as a runtime error', () => {
    const rt = makeRuntime();
    expect(() => call(rt, 'log.error', ['string', 'any'], ['{0', 1])).toThrow(RuntimeFailure);
  });

  it('keeps at most rt.limits.maxLogs entries, dropping the oldest', () => {
    const rt = makeRuntime();
    rt.limits.maxLogs = 3;
    for (let k = 0; k < 5; k++) call(rt, 'log.info', ['string'], [`m${k}`]);
    expect(rt.logs.map((l) => l.message)).toEqual(['m2', 'm3', 'm4']);
    const logs: LogEntry[] = [];
    appendLog(logs, { bar: 0, time: 0, level: 'info', message: 'x' }, 0);
    expect(logs).toEqual([]);
  });

  it('declares the message overload first, then (formatString, ...arg)', () => {
    const sigs = (lookupFn('log.info') ?? []).map((s) => s.params.map((p) => (p.rest ? '...' : '') + p.name).join(','));
    expect(sigs).toEqual(['message', 'formatString,...arg']);
    expect(lookupFn('log.error')?.[0]?.results).toEqual([]);
  });
});

describe('runtime.error', () => {
  it('"causes a runtime error with the error message specified in the message argument"', () => {
    const rt = makeRuntime();
    let caught: unknown;
    try {
      call(rt, 'runtime.error', ['string'], ['The Max precision cannot be less than the Min precision.']);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RuntimeFailure);
    expect((caught as RuntimeFailure).message).toBe('The Max precision cannot be less than the Min precision.');
  });
});
