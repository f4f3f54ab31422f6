// The inputs panel's checks of typed values: timeframes and sessions the script could not use are
// refused before a run, and a time input's UTC date-time field converts to and from unix ms.

import { describe, expect, it } from 'vitest';
import { msToUtcField, textInputProblem, utcFieldToMs } from '../../app/ui/panels/input-values.js';

describe('inputs panel values', () => {
  it('accepts Pine timeframes and refuses other text', () => {
    for (const tf of ['1', '15', '60', '240', 'D', '1D', '3D', 'W', '1W', 'M', '12M', '30S', '']) expect(textInputProblem('timeframe', tf)).toBeNull();
    for (const tf of ['garbage', '1H', '0', '1441', '-5', '1.5']) expect(textInputProblem('timeframe', tf)).toMatch(/is not a timeframe/);
  });

  it('accepts session strings and refuses other text', () => {
    for (const s of ['0930-1600', '0930-1600:23456', '0000-0000:1234567', '0930-1200,1300-1600', '24x7']) expect(textInputProblem('session', s)).toBeNull();
    expect(textInputProblem('session', 'all day')).toMatch(/is not a session/);
    expect(textInputProblem('session', '0930-1600:89')).toMatch(/is not a session/);
    expect(textInputProblem('session', '2500-1600')).toMatch(/"2500" is not a time of day/);
    expect(textInputProblem('session', '0975-1600')).toMatch(/"0975" is not a time of day/);
  });

  it('reads a time field as UTC and writes unix ms back the same way', () => {
    // 2021-03-04 05:06 UTC = 1614834360 s since the epoch (18690 days * 86400 + 5 h 6 min).
    expect(utcFieldToMs('2021-03-04T05:06')).toBe((18690 * 86400 + 5 * 3600 + 6 * 60) * 1000);
    expect(utcFieldToMs('2021-03-04')).toBe(18690 * 86400 * 1000);
    expect(utcFieldToMs('1614834360000')).toBe(1614834360000);
    expect(utcFieldToMs('2021-02-30T00:00')).toBeNaN();
    expect(utcFieldToMs('tomorrow')).toBeNaN();
    expect(msToUtcField(1614834360000)).toBe('2021-03-04T05:06');
    expect(msToUtcField(Number.NaN)).toBe('');
  });
});
