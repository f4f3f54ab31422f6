// Continuing a run made on a resampled chart (`--chart-timeframe`): the snapshot (--save) or
// checkpoint file (--export) runs on weekly bars built from daily data; resuming it with the same
// daily data resamples them to the snapshot's timeframe again, and the resumed rows are those of
// the uninterrupted run (before this, the daily rows failed "does not continue").

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

import { cli, ROOT, type Out } from './helpers.js';

describe('resuming a run made with --chart-timeframe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evergreen-resume-tf-'));
  const data = join(ROOT, 'tests/fixtures/ohlcv/sp500-daily-2000-2020.csv');
  const script = join(dir, 'w.pine');
  writeFileSync(script, '//@version=6\nindicator("w")\nplot(ta.sma(close, 3), "s")\nplot(request.security(syminfo.tickerid, "1M", close), "m")\nplot(bar_index, "bi")\n');
  const whole = () => {
    const r = cli(['run', script, '--data', data, '--chart-timeframe', '1W']);
    expect(r.err).toBe('');
    return JSON.parse(r.out) as Out;
  };

  test('--save on weekly bars, --resume with the daily data: the rest of the weekly rows', () => {
    const all = whole();
    const snap = join(dir, 'w.snap');
    expect(cli(['run', script, '--data', data, '--chart-timeframe', '1W', '--save-at', '400', '--save', snap]).code).toBe(0);
    const r = cli(['run', script, '--resume', snap, '--data', data]);
    expect(r.err).toBe('');
    const rest = JSON.parse(r.out) as Out;
    expect(rest.bars).toBe(all.bars - 401);
    for (const t of ['s', 'm', 'bi']) expect(rest.plots[t], t).toEqual(all.plots[t]?.slice(401));
  });

  test('--export on weekly bars, --resume of the checkpoint file with the daily data: the same', () => {
    const all = whole();
    const file = join(dir, 'w.evergreen');
    expect(cli(['run', script, '--data', data, '--chart-timeframe', '1W', '--save-at', '400', '--export', file]).code).toBe(0);
    const r = cli(['run', '--resume', file, '--data', data]);
    expect(r.err).toBe('');
    const rest = JSON.parse(r.out) as Out;
    for (const t of ['s', 'm', 'bi']) expect(rest.plots[t], t).toEqual(all.plots[t]?.slice(401));
  });
});
