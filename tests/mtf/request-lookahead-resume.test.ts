// request.security(..., lookahead_on) on history when the first bars run one at a time (no bars
// ahead: the period as formed so far) and the rest with runBars (the bars ahead known): from the
// first bar that sees the bars ahead, every chart bar of the period shows the WHOLE period, as in a
// run that had them all along. (Before, the expression was not run again on that bar and the
// period formed so far stayed until the next period.) Hand-computed; both tiers.

import { describe, expect, test } from 'vitest';
import { runBarsAnswering, settle } from '../../vm/index.js';
import { CHART, dailyInstance, plotOf, program, START } from './helpers.js';

const SYM = { ticker: 'A', tickerid: 'X:A', session: '24x7', timezone: 'Etc/UTC' };
const none = () => ({ datasets: null });
const P = program(`//@version=6
indicator("lookahead")
plot(request.security(syminfo.tickerid, "1W", high, lookahead = barmerge.lookahead_on), "h")
`);

describe.each([
  ['compiled', false],
  ['interpreter', true],
])('lookahead_on after a bar run alone (%s)', (_tier, interpreted) => {
  test('bar 0 alone shows the week so far; from bar 1 (bars ahead known) the whole week', () => {
    // Chart days 0..9 from Monday, high = 11 + day. Week 1 = days 0..6 (high 17), week 2 = days
    // 7..9 so far (high 20). Bar 0 alone: only its own high, 11.
    const whole = dailyInstance(P, SYM, interpreted);
    runBarsAnswering(whole, CHART, none);
    expect(plotOf(P, whole, 'h')).toEqual([17, 17, 17, 17, 17, 17, 17, 20, 20, 20]);
    const inst = dailyInstance(P, SYM, interpreted);
    expect(settle(inst, inst.runBar({ time: START, open: 9.5, high: 11, low: 9, close: 10, volume: 10 }), none).status).toBe('done');
    runBarsAnswering(inst, CHART, none, 1);
    expect(plotOf(P, inst, 'h')).toEqual([11, 17, 17, 17, 17, 17, 17, 20, 20, 20]);
  });
});
