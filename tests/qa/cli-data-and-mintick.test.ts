// `evergreen run` as the QA pass met it: the data file may follow the script without --data, the
// tick size inferred from a CSV is the smallest step its prices move by (the S&P 500 sample writes
// 32-bit floats with six decimals, 1455.219971 for 1455.22: a tick of 0.01), not an artefact of
// floating-point scaling or printing, and alert() calls are shown like logs.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/evergreen.mjs');
let dir = '';

function cli(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const SCRIPT = `//@version=6
indicator("tick")
if barstate.isfirst
    log.info(str.tostring(syminfo.mintick, "0.############") + " " + str.tostring(close, format.mintick))
plot(close, "close")
`;

// Prices as Yahoo writes them: six decimals, some of which do not scale to integers exactly.
const CSV = `date,open,high,low,close,volume
2000-01-03,1469.250000,1478.000000,1438.359985,1455.219971,931800000
2000-01-04,1455.219971,1455.219971,1397.430054,1399.420044,1009000000
2000-01-05,1399.420044,1413.270020,1377.680054,1402.109985,1085500000
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evergreen-qa-'));
  writeFileSync(join(dir, 'tick.pine'), SCRIPT);
  writeFileSync(join(dir, 'bars.csv'), CSV);
});

describe('evergreen run', () => {
  test('the data file may be given after the script, without --data', () => {
    const r = cli(['run', join(dir, 'tick.pine'), join(dir, 'bars.csv')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ bars: 3, plots: { close: [1455.219971, 1399.420044, 1402.109985] } });
  });

  test('a third file, or a positional file and --data, is a usage error', () => {
    const three = cli(['run', join(dir, 'tick.pine'), join(dir, 'bars.csv'), 'more.csv']);
    expect(three.code).toBe(1);
    expect(three.err).toContain("unexpected argument 'more.csv'");
    const both = cli(['run', join(dir, 'tick.pine'), join(dir, 'bars.csv'), '--data', join(dir, 'bars.csv')]);
    expect(both.code).toBe(1);
    expect(both.err).toContain('two data files');
  });

  test('the inferred mintick is the step the prices move by (0.01 for floats printed with six decimals)', () => {
    const r = cli(['run', join(dir, 'tick.pine'), '--data', join(dir, 'bars.csv')]);
    expect(r.code).toBe(0);
    // 1455.219971 is Math.fround(1455.22) printed with six decimals; format.mintick rounds to 0.01.
    expect(r.err).toBe('[info] bar 0: 0.01 1455.22\n');
  });

  test('six decimals that a 32-bit float cannot hold stay the mintick (1e-6)', () => {
    const f = join(dir, 'six.csv');
    writeFileSync(f, 'date,open,high,low,close\n2000-01-03,1.083451,1.083462,1.083401,1.083455\n');
    const r = cli(['run', join(dir, 'tick.pine'), '--data', f]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('[info] bar 0: 0.000001 1.083455\n');
  });

  test('alert() calls go to stderr with the logs, in bar order (alertcondition() bars do not)', () => {
    const f = join(dir, 'alerts.pine');
    writeFileSync(
      f,
      `//@version=6
indicator("alerts")
up = close > close[1]
alertcondition(up, "Up", "went up")
if not up and bar_index > 0
    alert("down to " + str.tostring(close), alert.freq_once_per_bar_close)
if barstate.islast
    log.info("last")
plot(close)
`,
    );
    const r = cli(['run', f, join(dir, 'bars.csv')]);
    expect(r.code).toBe(0);
    // closes: 1455.219971, 1399.420044 (down), 1402.109985 (up)
    expect(r.err).toBe('[alert] bar 1: down to 1399.420044\n[info] bar 2: last\n');
  });
});
